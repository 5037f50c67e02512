//! Reviewing entries: who may review whom (the unit heads of a person's current unit and its
//! ancestors, and admins), a decision per entry or in bulk, audited, never in a closed year.

use entity::{person, share};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::Serialize;
use serde_json::json;

use crate::auth::CurrentUser;
use crate::db;
use crate::db::audit::Event;
use crate::domain::roster::{Role, ShareStatus};
use crate::error::{AppError, AppResult};
use crate::review::{Decision, Entry, Flag, check_reason, flags};
use crate::service::shares::ShareView;
use crate::state::AppState;
use crate::verify::AccountMatch;

/// The materialised path of a person's current unit.
pub async fn unit_path_of(db: &impl ConnectionTrait, person: &person::Model) -> AppResult<String> {
    Ok(entity::unit::Entity::find_by_id(person.unit_id)
        .one(db)
        .await?
        .map(|u| u.path)
        .unwrap_or_default())
}

/// May the caller see this person's entries? (themself, their unit heads, Home Affairs, admins)
pub async fn can_read_person(
    state: &AppState,
    user: &CurrentUser,
    person: &person::Model,
) -> AppResult<bool> {
    if user.person.id == person.id || user.sees_everything() {
        return Ok(true);
    }
    Ok(user.can_read_unit(&unit_path_of(&state.db, person).await?))
}

/// May the caller review this person's entries? (their unit heads, admins — not themselves)
pub async fn can_review_person(
    state: &AppState,
    user: &CurrentUser,
    person: &person::Model,
) -> AppResult<bool> {
    if user.has_role(Role::Admin) {
        return Ok(true);
    }
    if user.person.id == person.id {
        return Ok(false);
    }
    let path = unit_path_of(&state.db, person).await?;
    Ok(user
        .head_scopes()
        .iter()
        .any(|scope| path.starts_with(scope)))
}

/// Whether the date falls in a year whose figures are closed.
pub async fn in_closed_year(db: &impl ConnectionTrait, date: chrono::NaiveDate) -> AppResult<bool> {
    Ok(entity::evaluation_policy::Entity::find()
        .filter(entity::evaluation_policy::Column::PeriodStart.lte(date))
        .filter(entity::evaluation_policy::Column::PeriodEnd.gte(date))
        .filter(entity::evaluation_policy::Column::ClosedAt.is_not_null())
        .one(db)
        .await?
        .is_some())
}

/// Applies a decision to one entry, with its audit event, in one transaction.
pub async fn decide(
    state: &AppState,
    user: &CurrentUser,
    share_id: i64,
    decision: Decision,
    reason: Option<&str>,
) -> AppResult<ShareView> {
    let reason =
        check_reason(decision, reason).map_err(|m| AppError::invalid("reason_required", m))?;
    let share = share::Entity::find_by_id(share_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("lượt chia sẻ"))?;
    let person = db::people::by_id(&state.db, share.person_id)
        .await?
        .ok_or(AppError::NotFound("cán bộ"))?;
    if !can_review_person(state, user, &person).await? {
        return Err(AppError::Forbidden);
    }
    if in_closed_year(&state.db, share.shared_on).await? {
        return Err(AppError::invalid(
            "year_closed",
            "Số liệu năm này đã được chốt; không thể thay đổi kết quả rà soát.",
        ));
    }
    let status = match decision {
        Decision::Reject => ShareStatus::Rejected,
        Decision::Restore => ShareStatus::Accepted,
    };
    let txn = state.db.begin().await?;
    let updated = db::shares::set_status(
        &txn,
        &share,
        status,
        reason.clone(),
        Some(user.person.id),
        state.clock.now(),
    )
    .await?;
    if updated.is_some() {
        db::audit::record(
            &txn,
            &user.actor(),
            Event {
                action: match decision {
                    Decision::Reject => "share.reject",
                    Decision::Restore => "share.restore",
                },
                target_type: Some("share"),
                target_id: Some(share.id.to_string()),
                detail: Some(json!({"staff_code": person.staff_code, "reason": reason})),
            },
        )
        .await?;
    }
    txn.commit().await?;
    let current = updated.unwrap_or(share);
    Ok(ShareView::from(&current))
}

/// An entry with the flags that help review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewItem {
    /// The entry.
    #[serde(flatten)]
    pub share: ShareView,
    /// Why it may deserve a look.
    pub flags: Vec<Flag>,
}

/// A person's entries in [from, to], newest first, with flags.
pub async fn entries_with_flags(
    db: &impl ConnectionTrait,
    person_id: i64,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> AppResult<Vec<ReviewItem>> {
    let shares = db::shares::of_person_between(db, person_id, from, to).await?;
    let entries: Vec<Entry> = shares
        .iter()
        .map(|s| Entry {
            id: s.id,
            source_key: s.source_key.clone(),
            platform: s.platform.clone(),
            shared_on: s.shared_on,
            submitted_at: s.submitted_at,
            account_match: s.account_match.parse().unwrap_or(AccountMatch::Unknown),
        })
        .collect();
    let mut flagged = flags(&entries);
    Ok(shares
        .iter()
        .map(|s| ReviewItem {
            share: ShareView::from(s),
            flags: flagged.remove(&s.id).unwrap_or_default(),
        })
        .collect())
}
