//! Personal-data retention (Law 91/2025/QH15: keep it only as long as the purpose needs): the
//! period (a setting over the configured default), the cut-off date, and the purge shared by
//! `lantoa purge` and `/admin/retention`. The cut falls on the first day of a month, so the
//! monthly counters and the shares they count go together: shares shared before the cut, the
//! counters of months before it, the frozen evaluation figures of years that ended before it,
//! and audit events older than it. Dead sessions and abandoned sign-in attempts go whatever
//! their age. One transaction; the purge itself is audited after the deletions.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{
    audit_event, declared_account, evaluation_snapshot, login_attempt, person, session, share,
    tally_month,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, TransactionTrait,
};
use serde_json::json;

use crate::db;
use crate::db::audit::{Actor, Event};
use crate::error::{AppError, AppResult};
use crate::settings::Settings;

/// The shortest retention period accepted: a whole evaluation year and its review must survive.
pub const MIN_RETENTION_DAYS: u32 = 400;
/// The longest accepted (a century; beyond that it is a typing mistake).
pub const MAX_RETENTION_DAYS: u32 = 36_500;

/// The first day of the month that holds `today − retention_days`.
pub fn cutoff(today: NaiveDate, retention_days: u32) -> NaiveDate {
    let back = today - chrono::Days::new(u64::from(retention_days));
    back.with_day(1).unwrap_or(back)
}

/// The retention period in force: the stored setting, else the configured default.
pub async fn retention_days(db: &impl ConnectionTrait, settings: &Settings) -> AppResult<u32> {
    Ok(db::app_settings::get(db, db::app_settings::RETENTION_DAYS)
        .await?
        .and_then(|row| row.value.parse().ok())
        .unwrap_or(settings.retention_days))
}

/// Checks a typed retention period.
pub fn parse_days(text: &str) -> AppResult<u32> {
    let days: u32 = text.trim().parse().map_err(|_| {
        AppError::invalid(
            "invalid_retention",
            "Thời hạn lưu phải là một số ngày (số nguyên dương).",
        )
    })?;
    if days < MIN_RETENTION_DAYS {
        return Err(AppError::invalid(
            "retention_too_short",
            format!(
                "Thời hạn lưu tối thiểu là {MIN_RETENTION_DAYS} ngày: số liệu của cả một năm đánh giá \
                 và thời gian xem xét lại phải còn giữ được."
            ),
        ));
    }
    if days > MAX_RETENTION_DAYS {
        return Err(AppError::invalid(
            "invalid_retention",
            format!("Thời hạn lưu tối đa là {MAX_RETENTION_DAYS} ngày."),
        ));
    }
    Ok(days)
}

/// Changes the retention period (audited with the old and new value).
pub async fn set_retention_days(
    db: &DatabaseConnection,
    settings: &Settings,
    actor: &Actor,
    days: u32,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let before = retention_days(&txn, settings).await?;
    db::app_settings::set(
        &txn,
        db::app_settings::RETENTION_DAYS,
        &days.to_string(),
        &actor.label,
    )
    .await?;
    db::audit::record(
        &txn,
        actor,
        Event {
            action: "settings.retention",
            target_type: Some("setting"),
            target_id: Some(db::app_settings::RETENTION_DAYS.to_owned()),
            detail: Some(json!({"before": before, "after": days})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What a purge removes (or would remove).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Purged {
    /// Shares shared before the cut.
    pub shares: u64,
    /// Monthly counters of months before the cut.
    pub tally_months: u64,
    /// Frozen evaluation figures of years that ended before the cut.
    pub snapshots: u64,
    /// Audit events older than the cut.
    pub audit_events: u64,
    /// Sessions that have expired or ended.
    pub sessions: u64,
    /// Sign-in attempts older than a day.
    pub login_attempts: u64,
    /// Declared accounts of people who left before the cut.
    pub declared_accounts: u64,
}

/// The conditions of one purge: everything before `cut` (a first of month), as of `now`.
struct Window {
    cut: NaiveDate,
    cut_at: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl Window {
    fn new(cut: NaiveDate, now: DateTime<Utc>) -> AppResult<Self> {
        let cut_at = cut
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or_else(|| AppError::Internal("cut-off date".into()))?;
        Ok(Self { cut, cut_at, now })
    }

    fn old_months(&self) -> Condition {
        let (year, month) = (
            self.cut.year(),
            i32::try_from(self.cut.month()).unwrap_or(1),
        );
        Condition::any()
            .add(tally_month::Column::Year.lt(year))
            .add(
                Condition::all()
                    .add(tally_month::Column::Year.eq(year))
                    .add(tally_month::Column::Month.lt(month)),
            )
    }

    fn dead_sessions(&self) -> Condition {
        Condition::any()
            .add(session::Column::ExpiresAt.lt(self.now))
            .add(session::Column::EndedAt.lt(self.now))
    }

    /// Declared accounts of people who left before the cut: personal data that no evaluation
    /// still needs.
    fn leavers_accounts(&self) -> Condition {
        Condition::all().add(
            declared_account::Column::PersonId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(person::Column::LeftOn.lt(self.cut))
                    .to_owned(),
            ),
        )
    }

    fn day_ago(&self) -> DateTime<Utc> {
        self.now - chrono::Duration::days(1)
    }

    async fn count(&self, db: &impl ConnectionTrait) -> AppResult<Purged> {
        Ok(Purged {
            shares: share::Entity::find()
                .filter(share::Column::SharedOn.lt(self.cut))
                .count(db)
                .await?,
            tally_months: tally_month::Entity::find()
                .filter(self.old_months())
                .count(db)
                .await?,
            snapshots: evaluation_snapshot::Entity::find()
                .filter(evaluation_snapshot::Column::Year.lt(self.cut.year()))
                .count(db)
                .await?,
            audit_events: audit_event::Entity::find()
                .filter(audit_event::Column::At.lt(self.cut_at))
                .count(db)
                .await?,
            sessions: session::Entity::find()
                .filter(self.dead_sessions())
                .count(db)
                .await?,
            login_attempts: login_attempt::Entity::find()
                .filter(login_attempt::Column::CreatedAt.lt(self.day_ago()))
                .count(db)
                .await?,
            declared_accounts: declared_account::Entity::find()
                .filter(self.leavers_accounts())
                .count(db)
                .await?,
        })
    }

    async fn delete(&self, db: &impl ConnectionTrait) -> AppResult<()> {
        share::Entity::delete_many()
            .filter(share::Column::SharedOn.lt(self.cut))
            .exec(db)
            .await?;
        // Both counter tables lose the months the deleted shares were counted in.
        crate::db::counters::delete_before(db, self.cut).await?;
        evaluation_snapshot::Entity::delete_many()
            .filter(evaluation_snapshot::Column::Year.lt(self.cut.year()))
            .exec(db)
            .await?;
        audit_event::Entity::delete_many()
            .filter(audit_event::Column::At.lt(self.cut_at))
            .exec(db)
            .await?;
        session::Entity::delete_many()
            .filter(self.dead_sessions())
            .exec(db)
            .await?;
        login_attempt::Entity::delete_many()
            .filter(login_attempt::Column::CreatedAt.lt(self.day_ago()))
            .exec(db)
            .await?;
        declared_account::Entity::delete_many()
            .filter(self.leavers_accounts())
            .exec(db)
            .await?;
        Ok(())
    }
}

/// Counts what a purge before `cut` would remove.
pub async fn count(
    db: &impl ConnectionTrait,
    cut: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<Purged> {
    Window::new(cut, now)?.count(db).await
}

/// Deletes everything before `cut` in one transaction and audits it (the audit entry is
/// written after the deletions, so it survives its own purge). When `expected` is given (the
/// counts a confirmation page showed), a different count refuses the purge: the data changed.
pub async fn purge(
    db: &DatabaseConnection,
    actor: &Actor,
    cut: NaiveDate,
    retention_days: u32,
    now: DateTime<Utc>,
    expected: Option<&Purged>,
) -> AppResult<Purged> {
    let window = Window::new(cut, now)?;
    let txn = db.begin().await?;
    let counted = window.count(&txn).await?;
    if let Some(expected) = expected
        && (expected.shares, expected.audit_events) != (counted.shares, counted.audit_events)
    {
        return Err(AppError::conflict(
            "purge_changed",
            "Số dữ liệu sẽ xoá đã thay đổi kể từ lúc xem. Hãy xem lại trang xác nhận rồi xoá.",
        ));
    }
    window.delete(&txn).await?;
    db::audit::record(
        &txn,
        actor,
        Event {
            action: "data.purge",
            target_type: None,
            target_id: None,
            detail: Some(json!({
                "before": cut.to_string(),
                "retention_days": retention_days,
                "shares": counted.shares,
                "tally_months": counted.tally_months,
                "snapshots": counted.snapshots,
                "audit_events": counted.audit_events,
                "sessions": counted.sessions,
                "login_attempts": counted.login_attempts,
                "declared_accounts": counted.declared_accounts,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(counted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn the_cut_falls_on_the_first_of_a_month() {
        assert_eq!(cutoff(date("2026-11-26"), 30), date("2026-10-01"));
        assert_eq!(cutoff(date("2026-11-26"), 1830), date("2021-11-01"));
        assert_eq!(cutoff(date("2026-03-01"), 1), date("2026-02-01"));
    }

    #[test]
    fn a_period_below_the_minimum_or_not_a_number_is_refused() {
        assert_eq!(parse_days(" 1830 ").expect("ok"), 1830);
        assert_eq!(
            parse_days("30").expect_err("short").code(),
            "retention_too_short"
        );
        assert_eq!(
            parse_days("abc").expect_err("nan").code(),
            "invalid_retention"
        );
        assert_eq!(
            parse_days("-5").expect_err("neg").code(),
            "invalid_retention"
        );
        assert_eq!(
            parse_days("99999").expect_err("long").code(),
            "invalid_retention"
        );
    }
}
