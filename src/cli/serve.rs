//! `lantoa serve`: migrate (unless turned off), open the pool, serve until SIGTERM.

use std::net::SocketAddr;

use tokio::net::TcpListener;

use super::{CliError, CliResult};
use crate::app::{AppState, build_router, serve, shutdown_signal};
use crate::settings::Settings;

/// Runs the service with these settings.
pub async fn run(mut settings: Settings, bind: Option<SocketAddr>) -> CliResult {
    if let Some(bind) = bind {
        settings.bind = bind;
    }
    if settings.demo && !settings.bind.ip().is_loopback() {
        return Err(CliError(format!(
            "từ chối chạy: chế độ demo (đăng nhập không cần mật khẩu) chỉ được phép trên địa chỉ loopback, không phải {}",
            settings.bind
        )));
    }
    let db = super::open_database(&settings).await?;
    let listener = TcpListener::bind(settings.bind)
        .await
        .map_err(|e| CliError(format!("không mở được cổng {}: {e}", settings.bind)))?;
    let address = listener.local_addr()?;
    let state = AppState::new(db.clone(), settings).await?;
    tracing::info!(%address, "Lan tỏa is listening");
    println!("Lan tỏa đang chạy tại http://{address}");
    serve(listener, build_router(state), shutdown_signal()).await?;
    db.close().await?;
    tracing::info!("stopped cleanly");
    Ok(())
}
