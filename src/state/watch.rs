//! Keeps one replica's caches in step with changes made anywhere else — another replica behind
//! the same load balancer, or the `lantoa` command on the same SQLite file. The version row of
//! `db::changes` is read every [`POLL`]; on PostgreSQL a `LISTEN` on its channel wakes the watch
//! at the commit of a change, and the poll remains as the fallback when a notification is missed
//! or the listening connection drops. A change is therefore in force everywhere within
//! `POLL` plus one reload (well under the 2 s the operations guide promises).

use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{DatabaseConnection, DbBackend};

use super::breaker::Breaker;
use crate::db;
use crate::identity::TokenCache;
use crate::verify::Allowlist;

/// How often the version row is read.
pub const POLL: Duration = Duration::from_millis(500);

/// How long one read of it may take before the database counts as unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(1);

/// What the watch refreshes. It holds the allowlist weakly: when the last `AppState` is gone,
/// the watch ends.
pub(super) struct Watched {
    pub db: DatabaseConnection,
    pub allowlist: Weak<RwLock<Arc<Allowlist>>>,
    pub tokens: TokenCache,
    pub breaker: Arc<Breaker>,
    pub seen: i64,
}

/// Starts the watch on the runtime.
pub(super) fn spawn(watched: Watched) {
    tokio::spawn(run(watched));
}

async fn listen(db: &DatabaseConnection) -> Option<PgListener> {
    if db.get_database_backend() != DbBackend::Postgres {
        return None;
    }
    let mut listener = PgListener::connect_with(db.get_postgres_connection_pool())
        .await
        .ok()?;
    listener.listen(db::changes::CHANNEL).await.ok()?;
    Some(listener)
}

async fn run(mut watched: Watched) {
    let mut listener = listen(&watched.db).await;
    let mut polls_without_listener = 0u32;
    loop {
        match listener.as_mut() {
            Some(l) => {
                tokio::select! {
                    received = l.recv() => if received.is_err() { listener = None; },
                    () = tokio::time::sleep(POLL) => {},
                }
            }
            None => {
                tokio::time::sleep(POLL).await;
                polls_without_listener += 1;
                // Try to listen again now and then (PostgreSQL restarted, a network blip).
                if polls_without_listener.is_multiple_of(20) {
                    listener = listen(&watched.db).await;
                }
            }
        }
        let Some(allowlist) = watched.allowlist.upgrade() else {
            return;
        };
        // The read is also the breaker's probe: bounded, so an unreachable server is noticed
        // in a second, not after the pool's acquire timeout.
        let read = tokio::time::timeout(CHECK_TIMEOUT, db::changes::current(&watched.db)).await;
        let version = match read {
            Ok(Ok(version)) => {
                watched.breaker.succeeded();
                version
            }
            Ok(Err(err)) if !crate::error::is_unavailable(&err) => continue,
            Ok(Err(_)) | Err(_) => {
                watched.breaker.failed();
                continue;
            }
        };
        if version == watched.seen {
            continue;
        }
        match super::refresh(&watched.db, &allowlist, &watched.tokens).await {
            Ok(()) => {
                watched.seen = version;
                tracing::debug!(version, "reference data reloaded");
            }
            Err(err) => tracing::warn!(error = %err, "reloading the allowlist failed; will retry"),
        }
    }
}
