//! `lantoa export evaluation|annual-report|commendations --year Y [--format F] [--unit CODE]
//! [-o FILE]`: the same exports as the API, streamed to a file (written beside it and renamed
//! when complete) or to stdout, and audited as done from the command line.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;

use super::{CliError, CliResult, open_database};
use crate::db;
use crate::db::audit::Actor;
use crate::domain::time::today;
use crate::export::shortlist::Rule;
use crate::export::{self, Format};
use crate::service::export::{
    EvaluationPlan, ExportScope, TextExport, annual_report, audit, shortlist, xlsx,
};
use crate::settings::Settings;

/// Export subcommands.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Per-person evaluation data for a year (Sở Nội vụ).
    Evaluation {
        /// The work year.
        #[arg(long)]
        year: i32,
        /// Output format: xlsx, csv or json.
        #[arg(long, default_value = "json")]
        format: String,
        /// Limit to a unit's subtree.
        #[arg(long)]
        unit: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The annual report on carrying out the directive, per unit (Sở VHTTDL).
    AnnualReport {
        /// The work year.
        #[arg(long)]
        year: i32,
        /// Output format: xlsx or json.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// Limit to a unit's subtree.
        #[arg(long)]
        unit: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The commendation shortlist (Sở Nội vụ).
    Commendations {
        /// The work year.
        #[arg(long)]
        year: i32,
        /// Output format: xlsx or json.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// Limit to a unit's subtree.
        #[arg(long)]
        unit: Option<String>,
        /// How many individuals to list.
        #[arg(long, default_value_t = Rule::default().top_people)]
        top_people: u32,
        /// How many units to list.
        #[arg(long, default_value_t = Rule::default().top_units)]
        top_units: u32,
        /// The least share of target (percent) an individual must reach.
        #[arg(long, default_value_t = Rule::default().min_percent)]
        min_percent: u32,
        /// The least headcount of a listed unit.
        #[arg(long, default_value_t = Rule::default().min_unit_people)]
        min_unit_people: u32,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Where the bytes go: a `.part` file renamed into place at the end, or stdout.
struct Output {
    target: Option<(PathBuf, PathBuf)>,
    writer: Box<dyn Write + Send>,
}

impl Output {
    fn open(path: Option<&Path>, binary: bool) -> Result<Self, CliError> {
        match path {
            Some(path) => {
                let mut part = path.as_os_str().to_owned();
                part.push(".part");
                let part = PathBuf::from(part);
                let file = std::fs::File::create(&part)
                    .map_err(|e| CliError(format!("không tạo được tệp {}: {e}", part.display())))?;
                Ok(Self {
                    target: Some((part, path.to_owned())),
                    writer: Box::new(std::io::BufWriter::new(file)),
                })
            }
            None => {
                if binary && std::io::stdout().is_terminal() {
                    return Err(CliError(
                        "tệp xlsx không in ra màn hình được: dùng -o TỆP hoặc chuyển hướng stdout"
                            .into(),
                    ));
                }
                Ok(Self {
                    target: None,
                    writer: Box::new(std::io::BufWriter::new(std::io::stdout())),
                })
            }
        }
    }

    /// Flushes and moves the finished file into place.
    fn finish(mut self) -> Result<Option<PathBuf>, CliError> {
        self.writer.flush()?;
        // Close the file before renaming it.
        drop(std::mem::replace(
            &mut self.writer,
            Box::new(std::io::sink()),
        ));
        match self.target.take() {
            Some((part, path)) => {
                std::fs::rename(&part, &path)?;
                Ok(Some(path))
            }
            None => Ok(None),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // A failed export leaves no half-written file behind.
        if let Some((part, _)) = &self.target {
            let _ = std::fs::remove_file(part);
        }
    }
}

async fn scope(
    db: &sea_orm::DatabaseConnection,
    unit: Option<&str>,
) -> Result<ExportScope, CliError> {
    match unit {
        Some(code) => db::units::by_code(db, code)
            .await?
            .map(ExportScope::Unit)
            .ok_or_else(|| CliError(format!("không có đơn vị mã {code}"))),
        None => Ok(ExportScope::Province),
    }
}

fn report_format(text: &str) -> Result<Format, CliError> {
    match text.parse::<Format>().map_err(|e| CliError(e.message()))? {
        Format::Csv => Err(CliError("báo cáo có định dạng xlsx hoặc json".into())),
        other => Ok(other),
    }
}

fn written(path: Option<PathBuf>, what: &str) {
    match path {
        Some(path) => eprintln!("Đã ghi {what} vào {}", path.display()),
        None => eprintln!("Đã xuất {what}"),
    }
}

/// Runs an export subcommand.
pub async fn run(settings: &Settings, command: ExportCommand) -> CliResult {
    match command {
        ExportCommand::Evaluation {
            year,
            format,
            unit,
            output,
        } => {
            let format: Format = format
                .parse()
                .map_err(|e: crate::error::AppError| CliError(e.message()))?;
            let db = open_database(settings).await?;
            let plan =
                EvaluationPlan::prepare(&db, year, scope(&db, unit.as_deref()).await?).await?;
            audit(
                &db,
                &Actor::cli(),
                "export.evaluation",
                &plan,
                format.as_str(),
                None,
            )
            .await?;
            let people = plan.people;
            let mut out = Output::open(output.as_deref(), format == Format::Xlsx)?;
            match format {
                Format::Xlsx => {
                    let header = plan.header(&settings.organization_name, today(), None);
                    let workbook = xlsx(&db, &plan, header)
                        .await
                        .map_err(|e| CliError(e.to_string()))?;
                    export::evaluation::save(workbook, &mut out.writer)?;
                }
                Format::Csv | Format::Json => {
                    let mut text =
                        TextExport::new(plan, format).map_err(|e| CliError(e.to_string()))?;
                    while let Some(bytes) =
                        text.next(&db).await.map_err(|e| CliError(e.to_string()))?
                    {
                        out.writer.write_all(&bytes)?;
                    }
                }
            }
            written(out.finish()?, &format!("{people} người"));
        }
        ExportCommand::AnnualReport {
            year,
            format,
            unit,
            output,
        } => {
            let format = report_format(&format)?;
            let db = open_database(settings).await?;
            let plan =
                EvaluationPlan::prepare(&db, year, scope(&db, unit.as_deref()).await?).await?;
            let report = annual_report(&db, &plan).await?;
            audit(
                &db,
                &Actor::cli(),
                "export.annual_report",
                &plan,
                format.as_str(),
                None,
            )
            .await?;
            let mut out = Output::open(output.as_deref(), format == Format::Xlsx)?;
            if format == Format::Xlsx {
                let header = plan.header(&settings.organization_name, today(), None);
                let workbook = export::report::workbook(&report, &header)?;
                export::evaluation::save(workbook, &mut out.writer)?;
            } else {
                serde_json::to_writer_pretty(&mut out.writer, &report)?;
                out.writer.write_all(b"\n")?;
            }
            written(
                out.finish()?,
                &format!("báo cáo {} đơn vị", report.rows.len()),
            );
        }
        ExportCommand::Commendations {
            year,
            format,
            unit,
            top_people,
            top_units,
            min_percent,
            min_unit_people,
            output,
        } => {
            let format = report_format(&format)?;
            let rule = Rule {
                top_people,
                top_units,
                min_percent,
                min_unit_people,
            };
            let db = open_database(settings).await?;
            let plan =
                EvaluationPlan::prepare(&db, year, scope(&db, unit.as_deref()).await?).await?;
            let list = shortlist(&db, &plan, rule)
                .await
                .map_err(|e| CliError(e.message()))?;
            audit(
                &db,
                &Actor::cli(),
                "export.commendations",
                &plan,
                format.as_str(),
                Some(json!({"rule": rule})),
            )
            .await?;
            let mut out = Output::open(output.as_deref(), format == Format::Xlsx)?;
            if format == Format::Xlsx {
                let header = plan.header(&settings.organization_name, today(), None);
                let workbook = export::shortlist::workbook(&list, &header)?;
                export::evaluation::save(workbook, &mut out.writer)?;
            } else {
                serde_json::to_writer_pretty(&mut out.writer, &list)?;
                out.writer.write_all(b"\n")?;
            }
            written(
                out.finish()?,
                &format!(
                    "{} cá nhân, {} tập thể",
                    list.people.len(),
                    list.units.len()
                ),
            );
        }
    }
    Ok(())
}
