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
    /// The client's address (behind a trusted proxy, the one it forwarded for), when over HTTP.
    pub ip: Option<String>,
}

impl Actor {
    /// The command line, run by whoever has shell access to the server.
    pub fn cli() -> Self {
        Self {
            person_id: None,
            label: "cli".to_owned(),
            ip: None,
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
        ip: Set(actor.ip.clone()),
        ..Default::default()
    };
    audit_event::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    // Every change to what replicas cache is audited, so this is the one place it is counted.
    if crate::db::changes::changes_reference_data(event.action) {
        crate::db::changes::bump(db).await?;
    }
    Ok(())
}

/// Appends an event done to one thing: `action` on the `target_type` `target_id`, with details.
pub async fn record_on(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_type: &str,
    target_id: impl Into<String>,
    detail: Value,
) -> Result<(), DbErr> {
    record(
        db,
        actor,
        Event {
            action,
            target_type: Some(target_type),
            target_id: Some(target_id.into()),
            detail: Some(detail),
        },
    )
    .await
}

/// Which audit events to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// A staff code (or `cli`): events it did, or done to it.
    pub person: Option<String>,
    /// An action (`allowlist.update`), or a prefix of actions before a dot (`allowlist`).
    pub action: Option<String>,
    /// From this instant on.
    pub from: Option<chrono::DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<chrono::DateTime<Utc>>,
}

/// Events matching `filter`, newest first, with ids below `before_id` (keyset paging).
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    before_id: Option<i64>,
    limit: u64,
) -> Result<Vec<audit_event::Model>, DbErr> {
    use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect};
    let mut query = audit_event::Entity::find();
    if let Some(person) = &filter.person {
        query = query.filter(
            Condition::any()
                .add(audit_event::Column::Actor.eq(person.clone()))
                // A token's calls are recorded as `CODE (token:NAME)`.
                .add(audit_event::Column::Actor.starts_with(format!("{person} (token:")))
                .add(audit_event::Column::TargetId.eq(person.clone())),
        );
    }
    if let Some(action) = &filter.action {
        query = if action.contains('.') {
            query.filter(audit_event::Column::Action.eq(action.clone()))
        } else {
            query.filter(audit_event::Column::Action.starts_with(format!("{action}.")))
        };
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::At.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::At.lt(until));
    }
    if let Some(before) = before_id {
        query = query.filter(audit_event::Column::Id.lt(before));
    }
    query
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
