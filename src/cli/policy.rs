//! `lantoa policy set --year Y --target N [--period-start D --period-end D]`.

use chrono::NaiveDate;
use clap::Subcommand;
use serde_json::json;

use super::{CliError, CliResult, open_database};
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::db::policy::PolicyInput;
use crate::domain::time::parse_date;
use crate::settings::Settings;

/// Policy subcommands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Create or replace a year's policy.
    Set {
        /// The work year.
        #[arg(long)]
        year: i32,
        /// Shares expected per person in the period.
        #[arg(long)]
        target: u32,
        /// First day of the period (default 1 January of the year).
        #[arg(long)]
        period_start: Option<String>,
        /// Last day of the period (default 31 December of the year).
        #[arg(long)]
        period_end: Option<String>,
    },
    /// Show a year's policy.
    Show {
        /// The work year.
        #[arg(long)]
        year: i32,
    },
}

fn date_arg(
    text: Option<&str>,
    default: Option<NaiveDate>,
    what: &str,
) -> Result<NaiveDate, CliError> {
    match text {
        Some(text) => parse_date(text).ok_or_else(|| {
            CliError(format!(
                "{what} «{text}» không hợp lệ (YYYY-MM-DD hoặc dd/mm/yyyy)"
            ))
        }),
        None => default.ok_or_else(|| CliError(format!("năm không hợp lệ cho {what}"))),
    }
}

/// Runs a policy subcommand.
pub async fn run(settings: &Settings, command: PolicyCommand) -> CliResult {
    match command {
        PolicyCommand::Set {
            year,
            target,
            period_start,
            period_end,
        } => {
            if !(2000..=2100).contains(&year) {
                return Err(CliError(format!("năm {year} không hợp lệ")));
            }
            let start = date_arg(
                period_start.as_deref(),
                NaiveDate::from_ymd_opt(year, 1, 1),
                "ngày bắt đầu",
            )?;
            let end = date_arg(
                period_end.as_deref(),
                NaiveDate::from_ymd_opt(year, 12, 31),
                "ngày kết thúc",
            )?;
            if end < start {
                return Err(CliError("ngày kết thúc trước ngày bắt đầu".into()));
            }
            if (end - start).num_days() > 400 {
                return Err(CliError("kỳ đánh giá dài quá một năm".into()));
            }
            let db = open_database(settings).await?;
            if db::policy::row_for_year(&db, year)
                .await?
                .is_some_and(|p| p.closed_at.is_some())
            {
                return Err(CliError(format!(
                    "năm {year} đã chốt số liệu; cần mở lại trước khi sửa"
                )));
            }
            let input = PolicyInput {
                year,
                target,
                period_start: start,
                period_end: end,
            };
            let previous = db::policy::set(&db, &input).await?;
            db::audit::record(
                &db,
                &Actor::cli(),
                Event {
                    action: "policy.set",
                    target_type: Some("policy"),
                    target_id: Some(year.to_string()),
                    detail: Some(json!({
                        "target": target, "period_start": start, "period_end": end,
                        "previous_target": previous.as_ref().map(|p| p.target),
                    })),
                },
            )
            .await?;
            println!(
                "Chỉ tiêu năm {year}: {target} lượt chia sẻ, kỳ đánh giá {} – {}.",
                start.format("%d/%m/%Y"),
                end.format("%d/%m/%Y")
            );
        }
        PolicyCommand::Show { year } => {
            let db = open_database(settings).await?;
            match db::policy::row_for_year(&db, year).await? {
                Some(p) => println!(
                    "Năm {year}: chỉ tiêu {} lượt, kỳ {} – {}{}.",
                    p.target,
                    p.period_start.format("%d/%m/%Y"),
                    p.period_end.format("%d/%m/%Y"),
                    if p.closed_at.is_some() {
                        ", đã chốt"
                    } else {
                        ""
                    }
                ),
                None => return Err(CliError(format!("chưa có chỉ tiêu cho năm {year}"))),
            }
        }
    }
    Ok(())
}
