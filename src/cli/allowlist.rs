//! `lantoa allowlist import|export|list`.

use std::path::PathBuf;

use clap::Subcommand;
use sea_orm::TransactionTrait;
use serde_json::json;

use super::{CliError, CliResult, open_database, read_text};
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::settings::Settings;
use crate::verify::{Rule, parse_rules_csv, rules_to_csv};

/// Allowlist subcommands.
#[derive(Debug, Subcommand)]
pub enum AllowlistCommand {
    /// Add or update rules from a CSV file (kind,pattern,category,label).
    Import {
        /// The CSV file.
        file: PathBuf,
    },
    /// Write the active rules as CSV (to stdout, or to a file).
    Export {
        /// Where to write; stdout if absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// List every rule, active or not.
    List,
}

/// Runs an allowlist subcommand.
pub async fn run(settings: &Settings, command: AllowlistCommand) -> CliResult {
    let db = open_database(settings).await?;
    match command {
        AllowlistCommand::Import { file } => {
            let rules = parse_rules_csv(&read_text(&file)?).map_err(|errors| {
                for error in &errors {
                    eprintln!("{}: {error}", file.display());
                }
                CliError(format!("không nhập gì: {} dòng không hợp lệ", errors.len()))
            })?;
            let txn = db.begin().await?;
            let outcome = db::allowlist::upsert(&txn, &rules, "cli").await?;
            db::audit::record(
                &txn,
                &Actor::cli(),
                Event {
                    action: "allowlist.import",
                    target_type: Some("file"),
                    target_id: Some(file.display().to_string()),
                    detail: Some(json!({"created": outcome.created, "updated": outcome.updated})),
                },
            )
            .await?;
            txn.commit().await?;
            println!(
                "Quy tắc nguồn: {} thêm mới, {} cập nhật, {} không đổi.",
                outcome.created, outcome.updated, outcome.unchanged
            );
        }
        AllowlistCommand::Export { output } => {
            let csv = rules_to_csv(&db::allowlist::active_rules(&db).await?);
            match output {
                Some(path) => {
                    std::fs::write(&path, csv)?;
                    println!("Đã ghi {}", path.display());
                }
                None => print!("{csv}"),
            }
        }
        AllowlistCommand::List => {
            let rows = db::allowlist::all_rows(&db).await?;
            for row in &rows {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    row.id,
                    if row.active { "active" } else { "inactive" },
                    row.kind,
                    row.pattern,
                    row.category,
                    row.label
                );
            }
            let rules: Vec<Rule> = db::allowlist::active_rules(&db).await?;
            println!("{} quy tắc ({} đang dùng).", rows.len(), rules.len());
        }
    }
    Ok(())
}
