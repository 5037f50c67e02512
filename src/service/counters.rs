//! Checking and repairing the counters kept beside the shares (`db::counters`): what
//! `lantoa doctor` and `lantoa rollup rebuild` run.

use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::json;

use crate::db;
use crate::db::audit::{Actor, Event};
use crate::db::counters::Drift;
use crate::error::AppResult;

/// Compares the counters with a recount of the shares; changes nothing.
pub async fn check(db: &DatabaseConnection) -> AppResult<Vec<Drift>> {
    Ok(db::counters::check(db).await?)
}

/// Recounts the shares, corrects every counter that differs and audits what was found, in one
/// transaction; returns the drift found before the correction.
pub async fn repair(db: &DatabaseConnection, actor: &Actor) -> AppResult<Vec<Drift>> {
    let txn = db.begin().await?;
    let drift = db::counters::repair(&txn).await?;
    db::audit::record(
        &txn,
        actor,
        Event {
            action: "counters.repair",
            target_type: None,
            target_id: None,
            detail: Some(json!({ "drift": drift })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(drift)
}
