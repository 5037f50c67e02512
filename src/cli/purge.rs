//! `lantoa purge [--dry-run]`: deletes personal data older than `LANTOA_RETENTION_DAYS`
//! (Law 91/2025/QH15: keep it only as long as the purpose needs). The cut falls on the first
//! day of a month, so the monthly counters and the shares they count go together: shares shared
//! before the cut, the counters of months before it, the frozen evaluation figures of years that
//! ended before it, and audit events older than it. Dead sessions and abandoned sign-in attempts
//! go whatever their age. One transaction; the purge itself is audited. Run it daily (cron or a
//! systemd timer, see docs/operations.md).

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use serde_json::json;

use super::{CliError, CliResult, open_database};
use crate::db::audit::{Actor, Event};
use crate::settings::Settings;

/// The first day of the month that holds `today − retention_days`.
pub fn cutoff(today: NaiveDate, retention_days: u32) -> NaiveDate {
    let back = today - chrono::Days::new(u64::from(retention_days));
    back.with_day(1).unwrap_or(back)
}

/// What a purge removes (or would remove).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
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
}

/// Runs the purge.
pub async fn run(settings: &Settings, dry_run: bool) -> CliResult {
    use entity::{audit_event, evaluation_snapshot, login_attempt, session, share, tally_month};

    if settings.retention_days == 0 {
        return Err(CliError(
            "LANTOA_RETENTION_DAYS = 0 sẽ xóa toàn bộ dữ liệu: từ chối".to_owned(),
        ));
    }
    let db = open_database(settings).await?;
    let now = chrono::Utc::now();
    let cut = cutoff(
        crate::domain::time::local_date(now),
        settings.retention_days,
    );
    let cut_at = cut
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| CliError("ngày cắt không hợp lệ".to_owned()))?;
    let day_ago = now - chrono::Duration::days(1);
    let (cut_year, cut_month) = (cut.year(), i32::try_from(cut.month()).unwrap_or(1));
    let old_months = Condition::any()
        .add(tally_month::Column::Year.lt(cut_year))
        .add(
            Condition::all()
                .add(tally_month::Column::Year.eq(cut_year))
                .add(tally_month::Column::Month.lt(cut_month)),
        );
    let dead_sessions = Condition::any()
        .add(session::Column::ExpiresAt.lt(now))
        .add(session::Column::EndedAt.lt(now));

    let txn = db.begin().await?;
    let counted = Purged {
        shares: share::Entity::find()
            .filter(share::Column::SharedOn.lt(cut))
            .count(&txn)
            .await?,
        tally_months: tally_month::Entity::find()
            .filter(old_months.clone())
            .count(&txn)
            .await?,
        snapshots: evaluation_snapshot::Entity::find()
            .filter(evaluation_snapshot::Column::Year.lt(cut_year))
            .count(&txn)
            .await?,
        audit_events: audit_event::Entity::find()
            .filter(audit_event::Column::At.lt(cut_at))
            .count(&txn)
            .await?,
        sessions: session::Entity::find()
            .filter(dead_sessions.clone())
            .count(&txn)
            .await?,
        login_attempts: login_attempt::Entity::find()
            .filter(login_attempt::Column::CreatedAt.lt(day_ago))
            .count(&txn)
            .await?,
    };
    if dry_run {
        txn.rollback().await?;
    } else {
        share::Entity::delete_many()
            .filter(share::Column::SharedOn.lt(cut))
            .exec(&txn)
            .await?;
        tally_month::Entity::delete_many()
            .filter(old_months)
            .exec(&txn)
            .await?;
        evaluation_snapshot::Entity::delete_many()
            .filter(evaluation_snapshot::Column::Year.lt(cut_year))
            .exec(&txn)
            .await?;
        audit_event::Entity::delete_many()
            .filter(audit_event::Column::At.lt(cut_at))
            .exec(&txn)
            .await?;
        session::Entity::delete_many()
            .filter(dead_sessions)
            .exec(&txn)
            .await?;
        login_attempt::Entity::delete_many()
            .filter(login_attempt::Column::CreatedAt.lt(day_ago))
            .exec(&txn)
            .await?;
        crate::db::audit::record(
            &txn,
            &Actor::cli(),
            Event {
                action: "data.purge",
                target_type: None,
                target_id: None,
                detail: Some(json!({
                    "before": cut.to_string(),
                    "retention_days": settings.retention_days,
                    "shares": counted.shares,
                    "tally_months": counted.tally_months,
                    "snapshots": counted.snapshots,
                    "audit_events": counted.audit_events,
                    "sessions": counted.sessions,
                    "login_attempts": counted.login_attempts,
                })),
            },
        )
        .await?;
        txn.commit().await?;
    }
    db.close().await.ok();
    println!(
        "{} dữ liệu trước ngày {} (lưu giữ {} ngày): {} lượt chia sẻ, {} bộ đếm tháng, {} kết quả đánh giá đã chốt, {} sự kiện nhật ký; {} phiên đã hết hạn, {} lượt đăng nhập dở dang.",
        if dry_run {
            "Sẽ xóa (chạy thử)"
        } else {
            "Đã xóa"
        },
        crate::domain::time::format_vi(cut),
        settings.retention_days,
        counted.shares,
        counted.tally_months,
        counted.snapshots,
        counted.audit_events,
        counted.sessions,
        counted.login_attempts
    );
    Ok(())
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
}
