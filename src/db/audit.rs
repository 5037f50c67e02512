//! The audit log: who did what to what, and when. Rows are only ever inserted.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::Value;

/// Who acted: a signed-in person, a token, or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The person, when known.
    pub person_id: Option<i64>,
    /// A readable name: a staff code, `token:NAME`, or `cli`.
    pub label: String,
}

impl Actor {
    /// The command line, run by whoever has shell access to the server.
    pub fn cli() -> Self {
        Self {
            person_id: None,
            label: "cli".to_owned(),
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// A dotted action name, e.g. `share.review`, `allowlist.import`, `export.evaluation`.
    pub action: &'a str,
    /// What kind of thing it was done to, e.g. `share`, `person`.
    pub target_type: Option<&'a str>,
    /// Which one.
    pub target_id: Option<String>,
    /// Details as JSON (never secrets).
    pub detail: Option<Value>,
}

/// Appends an event to the audit log.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    event: Event<'_>,
) -> Result<(), DbErr> {
    let row = audit_event::ActiveModel {
        at: Set(Utc::now()),
        actor_person_id: Set(actor.person_id),
        actor: Set(actor.label.clone()),
        action: Set(event.action.to_owned()),
        target_type: Set(event.target_type.map(str::to_owned)),
        target_id: Set(event.target_id),
        detail: Set(event.detail.map(|d| d.to_string())),
        ip: Set(None),
        ..Default::default()
    };
    audit_event::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
