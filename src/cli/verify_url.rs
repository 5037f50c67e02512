//! `lantoa verify-url`: one JSON object per URL, in order, one per line.

use std::path::PathBuf;

use super::{CliError, CliResult, read_text};
use crate::settings::Settings;
use crate::verify::{Allowlist, parse_rules_csv, verify_source};

/// Verifies each URL against the given CSV allowlist or the database's rules.
pub async fn run(settings: &Settings, allowlist: Option<PathBuf>, urls: &[String]) -> CliResult {
    let rules = match allowlist {
        Some(path) => parse_rules_csv(&read_text(&path)?).map_err(|errors| {
            CliError(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })?,
        None => {
            let db = super::open_database(settings).await?;
            crate::db::allowlist::active_rules(&db).await?
        }
    };
    let allowlist = Allowlist::new(rules);
    let mut out = String::new();
    for url in urls {
        out.push_str(&serde_json::to_string(&verify_source(&allowlist, url))?);
        out.push('\n');
    }
    print!("{out}");
    Ok(())
}
