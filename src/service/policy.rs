//! The year's evaluation policy: editing (Home Affairs, admins), closing a year — freezing every
//! person's figures into a snapshot later edits cannot change — and reopening it (admins).

use chrono::NaiveDate;
use entity::{evaluation_policy, evaluation_snapshot};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde::Deserialize;
use serde_json::json;

use crate::db;
use crate::db::audit::{Actor, Event};
use crate::error::{AppError, AppResult};
use crate::service::tally::{Scope, for_scope};
use crate::tally::{Level, Period, Policy};

/// What may be set for a year.
#[derive(Debug, Clone, Deserialize)]
pub struct PolicyInput {
    /// First day of the period (default 1 January).
    pub period_start: Option<NaiveDate>,
    /// Last day of the period (default 31 December).
    pub period_end: Option<NaiveDate>,
    /// Shares expected per person in the period.
    pub target: u32,
    /// Explicit target per whole month (else derived from `target`).
    #[serde(default)]
    pub month_target: Option<u32>,
    /// Explicit target per whole quarter (else derived).
    #[serde(default)]
    pub quarter_target: Option<u32>,
    /// Levels beyond met / not met, e.g. `[{"name":"Vượt","min_percent":150}]`.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Count only shares whose post is on the person's own declared account or does not show
    /// the account (off by default; absent keeps the stored choice).
    #[serde(default)]
    pub count_only_own_accounts: Option<bool>,
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid("invalid_policy", message)
}

/// Creates or replaces a year's policy (refused while the year is closed); audited.
pub async fn set(
    db: &DatabaseConnection,
    actor: &Actor,
    year: i32,
    input: &PolicyInput,
) -> AppResult<evaluation_policy::Model> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid(
            "invalid_year",
            "Năm không hợp lệ (2000–2100).",
        ));
    }
    let start = input
        .period_start
        .or(NaiveDate::from_ymd_opt(year, 1, 1))
        .ok_or_else(|| invalid("Ngày bắt đầu không hợp lệ."))?;
    let end = input
        .period_end
        .or(NaiveDate::from_ymd_opt(year, 12, 31))
        .ok_or_else(|| invalid("Ngày kết thúc không hợp lệ."))?;
    let period =
        Period::new(start, end).ok_or_else(|| invalid("Ngày kết thúc trước ngày bắt đầu."))?;
    let policy = Policy {
        year,
        period,
        target: input.target,
        month_target: input.month_target,
        quarter_target: input.quarter_target,
        levels: input.levels.clone(),
    };
    policy.validate().map_err(|e| invalid(e.to_string()))?;
    let to_i32 = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let levels =
        serde_json::to_string(&policy.levels).map_err(|e| AppError::Internal(e.to_string()))?;
    let txn = db.begin().await?;
    let previous = db::policy::row_for_year(&txn, year).await?;
    if previous.as_ref().is_some_and(|p| p.closed_at.is_some()) {
        return Err(year_closed());
    }
    let now = chrono::Utc::now();
    let mut row = match previous.clone() {
        Some(row) => row.into(),
        None => evaluation_policy::ActiveModel {
            year: Set(year),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.period_start = Set(start);
    row.period_end = Set(end);
    row.target = Set(to_i32(input.target));
    row.month_target = Set(input.month_target.map(to_i32));
    row.quarter_target = Set(input.quarter_target.map(to_i32));
    row.levels = Set(levels);
    let own_accounts_only = input
        .count_only_own_accounts
        .unwrap_or_else(|| previous.as_ref().is_some_and(|p| p.count_only_own_accounts));
    row.count_only_own_accounts = Set(own_accounts_only);
    row.updated_at = Set(now);
    let saved = row.save(&txn).await?;
    let saved = sea_orm::TryIntoModel::try_into_model(saved)?;
    db::audit::record(
        &txn,
        actor,
        Event {
            action: "policy.set",
            target_type: Some("policy"),
            target_id: Some(year.to_string()),
            detail: Some(json!({
                "period_start": start, "period_end": end, "target": input.target,
                "month_target": input.month_target, "quarter_target": input.quarter_target,
                "levels": policy.levels, "previous_target": previous.map(|p| p.target),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

fn year_closed() -> AppError {
    AppError::conflict(
        "year_closed",
        "Số liệu năm này đã được chốt; cần mở lại trước khi thay đổi.",
    )
}

/// Closes a year: freezes everyone's figures into the snapshot; audited. Returns the count.
pub async fn close(db: &DatabaseConnection, actor: &Actor, year: i32) -> AppResult<usize> {
    let row = db::policy::row_for_year(db, year).await?.ok_or_else(|| {
        AppError::invalid(
            "no_policy",
            "Chưa có chỉ tiêu cho năm này nên chưa thể chốt số liệu.",
        )
    })?;
    if row.closed_at.is_some() {
        return Err(year_closed());
    }
    let tally = for_scope(db, year, Scope::Everyone).await?;
    let txn = db.begin().await?;
    evaluation_snapshot::Entity::delete_many()
        .filter(evaluation_snapshot::Column::Year.eq(year))
        .exec(&txn)
        .await?;
    let now = chrono::Utc::now();
    let to_i32 = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let snapshots: Vec<evaluation_snapshot::ActiveModel> = tally
        .rows
        .iter()
        .map(|r| {
            let q = r.figures.accepted_by_quarter_number();
            evaluation_snapshot::ActiveModel {
                year: Set(year),
                person_id: Set(r.person.id),
                staff_code: Set(r.person.staff_code.clone()),
                full_name: Set(r.person.full_name.clone()),
                unit_id: Set(r.person.unit_id),
                unit_code: Set(r.unit.as_ref().map(|u| u.code.clone()).unwrap_or_default()),
                unit_name: Set(r.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default()),
                unit_path: Set(r.unit.as_ref().map(|u| u.path.clone()).unwrap_or_default()),
                position: Set(r.person.position.clone()),
                employment_type: Set(r.person.employment_type.clone()),
                accepted: Set(to_i32(r.figures.accepted)),
                rejected: Set(to_i32(r.figures.rejected)),
                target: Set(r.figures.target.map(to_i32)),
                q1: Set(to_i32(q[0])),
                q2: Set(to_i32(q[1])),
                q3: Set(to_i32(q[2])),
                q4: Set(to_i32(q[3])),
                met: Set(r.figures.met),
                level: Set(r.figures.level.clone()),
                created_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    let count = snapshots.len();
    for chunk in snapshots.chunks(500) {
        evaluation_snapshot::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let mut active: evaluation_policy::ActiveModel = row.into();
    active.closed_at = Set(Some(now));
    active.closed_by = Set(actor.person_id);
    active.update(&txn).await?;
    db::audit::record(
        &txn,
        actor,
        Event {
            action: "policy.close",
            target_type: Some("policy"),
            target_id: Some(year.to_string()),
            detail: Some(json!({"people": count})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(count)
}

/// Reopens a closed year (admins): the snapshot is dropped and figures are live again; audited.
pub async fn reopen(db: &DatabaseConnection, actor: &Actor, year: i32) -> AppResult<()> {
    let row = db::policy::row_for_year(db, year)
        .await?
        .ok_or(AppError::NotFound("chỉ tiêu của năm"))?;
    if row.closed_at.is_none() {
        return Err(AppError::conflict(
            "year_open",
            "Năm này chưa chốt số liệu.",
        ));
    }
    let txn = db.begin().await?;
    evaluation_snapshot::Entity::delete_many()
        .filter(evaluation_snapshot::Column::Year.eq(year))
        .exec(&txn)
        .await?;
    let mut active: evaluation_policy::ActiveModel = row.into();
    active.closed_at = Set(None);
    active.closed_by = Set(None);
    active.update(&txn).await?;
    db::audit::record(
        &txn,
        actor,
        Event {
            action: "policy.reopen",
            target_type: Some("policy"),
            target_id: Some(year.to_string()),
            detail: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The stored policy as the API shows it.
pub fn view(row: &evaluation_policy::Model) -> serde_json::Value {
    let policy = db::policy::to_policy(row);
    json!({
        "year": row.year,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "target": row.target,
        "month_target": row.month_target,
        "quarter_target": row.quarter_target,
        "levels": policy.levels,
        "count_only_own_accounts": row.count_only_own_accounts,
        "closed": row.closed_at.is_some(),
        "closed_at": row.closed_at,
    })
}
