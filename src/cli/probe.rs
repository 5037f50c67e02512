//! `lantoa probe URL`: a health check for containers whose image has no shell or curl — exit 0
//! when the address answers 2xx within 2 s, 1 otherwise (`/healthz` for liveness, `/readyz`
//! for readiness).

use std::time::Duration;

use super::{CliError, CliResult};

/// Asks `url` once.
pub async fn run(url: &str) -> CliResult {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| CliError(format!("không gọi được {url}: {e}")))?;
    let status = response.status();
    if status.is_success() {
        println!("{status}");
        Ok(())
    } else {
        Err(CliError(format!("{url} trả lời {status}")))
    }
}
