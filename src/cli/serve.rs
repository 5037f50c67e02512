//! `lantoa serve`: migrate (unless turned off), open the pool, serve until SIGTERM; then stop
//! accepting, finish the requests in flight (for at most `LANTOA_SHUTDOWN_GRACE_SECS`), let the
//! share writer commit what is queued, checkpoint SQLite's WAL and close the pool.

use std::net::SocketAddr;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio::net::TcpListener;

use super::{CliError, CliResult};
use crate::router::{build_router, serve_with_grace, shutdown_signal};
use crate::settings::Settings;
use crate::state::AppState;

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
    let grace = Duration::from_secs(settings.shutdown_grace_secs);
    let sqlite = settings.is_sqlite();
    let state = AppState::new(db.clone(), settings).await?;
    let writer = state.writer.clone();
    tracing::info!(%address, "Lan tỏa is listening");
    println!("Lan tỏa đang chạy tại http://{address}");
    serve_with_grace(listener, build_router(state), shutdown_signal(), grace).await?;
    // Requests are answered; commit what the writer still holds before the pool goes.
    if tokio::time::timeout(grace.max(Duration::from_secs(1)), writer.close())
        .await
        .is_err()
    {
        tracing::warn!("the share writer did not finish in time");
    }
    close(&db, sqlite).await;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Checkpoints SQLite's write-ahead log into the database file, then closes the pool (the last
/// connection to close removes the WAL), each step bounded in time.
async fn close(db: &DatabaseConnection, sqlite: bool) {
    if sqlite {
        let checkpoint = db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)");
        match tokio::time::timeout(Duration::from_secs(5), checkpoint).await {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::warn!(error = %err, "WAL checkpoint failed"),
            Err(_) => tracing::warn!("WAL checkpoint timed out"),
        }
    }
    if tokio::time::timeout(Duration::from_secs(5), db.close_by_ref())
        .await
        .is_err()
    {
        tracing::warn!("the database pool did not close in time");
    }
}
