//! `lantoa export evaluation --year Y --format json [--unit CODE] [-o FILE]`.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use super::{CliError, CliResult, open_database};
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::service::tally::{TallyRowView, everyone, for_people};
use crate::settings::Settings;

/// Export subcommands.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Per-person evaluation data for a year.
    Evaluation {
        /// The work year.
        #[arg(long)]
        year: i32,
        /// Output format (json).
        #[arg(long, default_value = "json")]
        format: String,
        /// Limit to a unit's subtree.
        #[arg(long)]
        unit: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Runs an export subcommand.
pub async fn run(settings: &Settings, command: ExportCommand) -> CliResult {
    let ExportCommand::Evaluation {
        year,
        format,
        unit,
        output,
    } = command;
    if format != "json" {
        return Err(CliError(format!(
            "định dạng {format} chưa được hỗ trợ (dùng json)"
        )));
    }
    let db = open_database(settings).await?;
    let people = match &unit {
        Some(code) => {
            let unit = db::units::by_code(&db, code)
                .await?
                .ok_or_else(|| CliError(format!("không có đơn vị mã {code}")))?;
            let ids = db::units::subtree_ids(&db, &unit).await?;
            db::people::in_units(&db, &ids).await?
        }
        None => everyone(&db).await?,
    };
    let tally = for_people(&db, year, people).await?;
    let closed = db::policy::row_for_year(&db, year)
        .await?
        .is_some_and(|p| p.closed_at.is_some());
    let rows: Vec<TallyRowView> = tally.rows.iter().map(TallyRowView::from).collect();
    let body =
        serde_json::to_string_pretty(&json!({"year": year, "closed": closed, "rows": rows}))?;
    db::audit::record(
        &db,
        &Actor::cli(),
        Event {
            action: "export.evaluation",
            target_type: Some("year"),
            target_id: Some(year.to_string()),
            detail: Some(json!({"format": format, "unit": unit, "rows": rows.len()})),
        },
    )
    .await?;
    match output {
        Some(path) => {
            std::fs::write(&path, body + "\n")?;
            eprintln!("Đã ghi {} dòng vào {}", rows.len(), path.display());
        }
        None => println!("{body}"),
    }
    Ok(())
}
