//! `lantoa policy set|show|close|reopen`: the year's evaluation policy.

use clap::Subcommand;

use super::{CliError, CliResult, open_database};
use crate::db;
use crate::db::audit::Actor;
use crate::domain::time::{format_vi, parse_date};
use crate::service::policy::{PolicyInput, close, reopen, set};
use crate::settings::Settings;
use crate::tally::Level;

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
        /// Target per whole month (default: derived from the period target).
        #[arg(long)]
        month_target: Option<u32>,
        /// Target per whole quarter (default: derived from the period target).
        #[arg(long)]
        quarter_target: Option<u32>,
        /// A level beyond met/not met, as NAME:PERCENT (e.g. "Vượt:150"); repeatable.
        #[arg(long = "level")]
        levels: Vec<String>,
    },
    /// Show a year's policy.
    Show {
        /// The work year.
        #[arg(long)]
        year: i32,
    },
    /// Close a year: freeze everyone's figures.
    Close {
        /// The work year.
        #[arg(long)]
        year: i32,
    },
    /// Reopen a closed year.
    Reopen {
        /// The work year.
        #[arg(long)]
        year: i32,
    },
}

fn date_arg(text: Option<&str>, what: &str) -> Result<Option<chrono::NaiveDate>, CliError> {
    text.map(|t| {
        parse_date(t).ok_or_else(|| {
            CliError(format!(
                "{what} «{t}» không hợp lệ (YYYY-MM-DD hoặc dd/mm/yyyy)"
            ))
        })
    })
    .transpose()
}

fn level_arg(text: &str) -> Result<Level, CliError> {
    let (name, percent) = text.rsplit_once(':').ok_or_else(|| {
        CliError(format!(
            "mức «{text}» phải có dạng TÊN:PHẦN_TRĂM, ví dụ Vượt:150"
        ))
    })?;
    let min_percent = percent
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| CliError(format!("phần trăm «{percent}» không hợp lệ")))?;
    Ok(Level {
        name: name.trim().to_owned(),
        min_percent,
    })
}

/// Runs a policy subcommand.
pub async fn run(settings: &Settings, command: PolicyCommand) -> CliResult {
    let db = open_database(settings).await?;
    let actor = Actor::cli();
    match command {
        PolicyCommand::Set {
            year,
            target,
            period_start,
            period_end,
            month_target,
            quarter_target,
            levels,
        } => {
            let input = PolicyInput {
                period_start: date_arg(period_start.as_deref(), "ngày bắt đầu")?,
                period_end: date_arg(period_end.as_deref(), "ngày kết thúc")?,
                target,
                month_target,
                quarter_target,
                levels: levels
                    .iter()
                    .map(|l| level_arg(l))
                    .collect::<Result<_, _>>()?,
                count_only_own_accounts: None,
            };
            let row = set(&db, &actor, year, &input)
                .await
                .map_err(|e| CliError(e.message()))?;
            println!(
                "Chỉ tiêu năm {year}: {target} lượt chia sẻ, kỳ đánh giá {} – {}.",
                format_vi(row.period_start),
                format_vi(row.period_end)
            );
        }
        PolicyCommand::Show { year } => match db::policy::row_for_year(&db, year).await? {
            Some(p) => println!(
                "Năm {year}: chỉ tiêu {} lượt, kỳ {} – {}{}.",
                p.target,
                format_vi(p.period_start),
                format_vi(p.period_end),
                if p.closed_at.is_some() {
                    ", đã chốt số liệu"
                } else {
                    ""
                }
            ),
            None => return Err(CliError(format!("chưa có chỉ tiêu cho năm {year}"))),
        },
        PolicyCommand::Close { year } => {
            let people = close(&db, &actor, year)
                .await
                .map_err(|e| CliError(e.message()))?;
            println!("Đã chốt số liệu năm {year} cho {people} cán bộ.");
        }
        PolicyCommand::Reopen { year } => {
            reopen(&db, &actor, year)
                .await
                .map_err(|e| CliError(e.message()))?;
            println!("Đã mở lại số liệu năm {year}.");
        }
    }
    Ok(())
}
