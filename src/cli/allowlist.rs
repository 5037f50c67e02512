//! `lantoa allowlist import|export|list`.

use std::path::PathBuf;

use clap::Subcommand;

use super::{CliError, CliResult, open_database, read_text};
use crate::db;
use crate::db::audit::Actor;
use crate::import::allowlist::RowAction;
use crate::settings::Settings;
use crate::verify::{Rule, rules_to_csv};

/// Allowlist subcommands.
#[derive(Debug, Subcommand)]
pub enum AllowlistCommand {
    /// Add or update rules from a CSV file (kind,pattern,category,label).
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Accept suffix rules on a public suffix (e.g. `gov.vn`): confirms that registration
        /// under each such suffix in the file is restricted to trusted bodies.
        #[arg(long)]
        confirm_restricted_suffix: bool,
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
        AllowlistCommand::Import {
            file,
            confirm_restricted_suffix,
        } => {
            let text = read_text(&file)?;
            let source = file.display().to_string();
            let plan =
                crate::service::allowlist::plan_import(&db, &text, confirm_restricted_suffix)
                    .await?;
            if plan.has_refusals() {
                for row in &plan.rows {
                    if let RowAction::Refused(why) = &row.action {
                        eprintln!("{source}: dòng {}: {why}", row.line);
                    }
                }
                return Err(CliError(format!(
                    "không nhập gì: {} dòng bị từ chối",
                    plan.counts().3
                )));
            }
            let plan = crate::service::allowlist::import(
                &db,
                &Actor::cli(),
                &text,
                confirm_restricted_suffix,
                Some(&plan.digest()),
                &source,
            )
            .await
            .map_err(|err| CliError(err.message()))?;
            let (created, updated, unchanged, _) = plan.counts();
            println!(
                "Quy tắc nguồn: {created} thêm mới, {updated} cập nhật, {unchanged} không đổi."
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
