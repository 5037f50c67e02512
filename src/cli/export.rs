//! `lantoa export evaluation|annual-report|commendations --year Y [--format F] [--unit CODE]
//! [-o FILE]`: the same exports as the API, streamed to a file (written beside it and renamed
//! when complete) or to stdout, and audited as done from the command line.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{CliError, CliResult, open_database};
use crate::domain::time::today;
use crate::error::AppError;
use crate::export::shortlist::Rule;
use crate::export::{self, Format};
use crate::service::export::request::{self, Content, Delivery, ExportRequest, Report, Requester};
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

fn written(path: Option<PathBuf>, what: &str) {
    match path {
        Some(path) => eprintln!("Đã ghi {what} vào {}", path.display()),
        None => eprintln!("Đã xuất {what}"),
    }
}

/// Runs an export subcommand.
pub async fn run(settings: &Settings, command: ExportCommand) -> CliResult {
    let (report, year, format, unit, output) = match command {
        ExportCommand::Evaluation {
            year,
            format,
            unit,
            output,
        } => (Report::Evaluation, year, format, unit, output),
        ExportCommand::AnnualReport {
            year,
            format,
            unit,
            output,
        } => (Report::Annual, year, format, unit, output),
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
            let rule = Rule {
                top_people,
                top_units,
                min_percent,
                min_unit_people,
            };
            (Report::Commendations(rule), year, format, unit, output)
        }
    };
    let format: Format = format
        .parse()
        .map_err(|e: AppError| CliError(e.message()))?;
    let db = open_database(settings).await?;
    let request = ExportRequest {
        report,
        year,
        unit,
        delivery: Delivery::File(format),
        requester: Requester::CommandLine,
    };
    let prepared = request::prepare(&db, &settings.organization_name, today(), request)
        .await
        .map_err(|e| CliError(e.message()))?;
    let mut out = Output::open(output.as_deref(), format == Format::Xlsx)?;
    let what = match prepared.content {
        Content::Workbook(workbook) => {
            export::evaluation::save(*workbook, &mut out.writer)?;
            format!("{} người", prepared.plan_summary.people)
        }
        Content::Text { first, mut rest } => {
            out.writer.write_all(&first)?;
            while let Some(bytes) = rest.next(&db).await.map_err(|e| CliError(e.message()))? {
                out.writer.write_all(&bytes)?;
            }
            format!("{} người", prepared.plan_summary.people)
        }
        Content::Annual(report) => {
            serde_json::to_writer_pretty(&mut out.writer, &report)?;
            out.writer.write_all(b"\n")?;
            format!("báo cáo {} đơn vị", report.rows.len())
        }
        Content::Commendations(list) => {
            serde_json::to_writer_pretty(&mut out.writer, &list)?;
            out.writer.write_all(b"\n")?;
            format!(
                "{} cá nhân, {} tập thể",
                list.people.len(),
                list.units.len()
            )
        }
    };
    written(out.finish()?, &what);
    Ok(())
}
