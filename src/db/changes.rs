//! The version of the reference data that replicas cache (allowlist rules, roles, API tokens,
//! people, units, policies, settings). Every such change bumps it in its own transaction — in one
//! place, where the change is audited (`db::audit::record`) — and on PostgreSQL also notifies
//! [`CHANNEL`], delivered at commit. A replica re-reads its caches when the version moves.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// The PostgreSQL channel notified at each change.
pub const CHANNEL: &str = "lantoa_changes";

/// Audit actions that change what replicas cache (and what `auth` resolves from a token).
const REFERENCE_ACTIONS: &[&str] = &[
    "allowlist.",
    "role.",
    "token.",
    "person.",
    "roster.",
    "unit.",
    "policy.",
    "settings.",
    "session.",
    "data.purge",
];

/// Whether an audited action changes reference data.
pub fn changes_reference_data(action: &str) -> bool {
    REFERENCE_ACTIONS
        .iter()
        .any(|prefix| action.starts_with(prefix))
}

/// Counts one change (and, on PostgreSQL, tells the listening replicas at commit).
pub async fn bump(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        "UPDATE change_version SET version = version + 1 WHERE id = 1",
    ))
    .await?;
    if backend == DbBackend::Postgres {
        db.execute_raw(Statement::from_string(backend, format!("NOTIFY {CHANNEL}")))
            .await?;
    }
    Ok(())
}

/// The current version.
pub async fn current(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT version FROM change_version WHERE id = 1",
        ))
        .await?;
    row.map_or(Ok(0), |r| r.try_get_by_index::<i64>(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_changes_are_told_from_the_rest() {
        for action in [
            "allowlist.create",
            "role.revoke",
            "token.revoke",
            "person.leave",
        ] {
            assert!(changes_reference_data(action), "{action}");
        }
        for action in [
            "signin",
            "export.evaluation",
            "share.reject",
            "audit.export",
        ] {
            assert!(!changes_reference_data(action), "{action}");
        }
    }
}
