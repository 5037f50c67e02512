//! `lantoa purge [--dry-run]`: deletes personal data older than the retention period (the
//! setting changed in the browser, else `LANTOA_RETENTION_DAYS`). What goes, and how the monthly
//! counters stay consistent, is `service::retention`, shared with `/admin/retention`. Run it
//! daily (cron or a systemd timer, see docs/operations.md).

use super::{CliError, CliResult, open_database};
use crate::db::audit::Actor;
use crate::service::retention::{count, cutoff, purge, retention_days};
use crate::settings::Settings;

pub use crate::service::retention::Purged;

/// Runs the purge.
pub async fn run(settings: &Settings, dry_run: bool) -> CliResult {
    let db = open_database(settings).await?;
    let days = retention_days(&db, settings).await?;
    if days == 0 {
        return Err(CliError(
            "LANTOA_RETENTION_DAYS = 0 sẽ xóa toàn bộ dữ liệu: từ chối".to_owned(),
        ));
    }
    let now = chrono::Utc::now();
    let cut = cutoff(crate::domain::time::local_date(now), days);
    let counted = if dry_run {
        count(&db, cut, now).await?
    } else {
        purge(&db, &Actor::cli(), cut, days, now, None).await?
    };
    db.close().await.ok();
    println!(
        "{} dữ liệu trước ngày {} (lưu giữ {} ngày): {} lượt chia sẻ, {} bộ đếm tháng, {} kết quả đánh giá đã chốt, {} sự kiện nhật ký; {} phiên đã hết hạn, {} lượt đăng nhập dở dang, {} tài khoản mạng xã hội của người đã nghỉ.",
        if dry_run {
            "Sẽ xóa (chạy thử)"
        } else {
            "Đã xóa"
        },
        crate::domain::time::format_vi(cut),
        days,
        counted.shares,
        counted.tally_months,
        counted.snapshots,
        counted.audit_events,
        counted.sessions,
        counted.login_attempts,
        counted.declared_accounts
    );
    Ok(())
}
