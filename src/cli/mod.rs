//! The `lantoa` command line: one file per subcommand, all idempotent, each printing a summary
//! and exiting non-zero on failure.

pub mod allowlist;
pub mod backup;
pub mod demo;
pub mod export;
pub mod import;
pub mod policy;
pub mod probe;
pub mod purge;
pub mod role;
pub mod rollup;
pub mod serve;
pub mod token;
pub mod verify_url;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use sea_orm::DatabaseConnection;

use crate::settings::Settings;

/// Lan tỏa — ghi nhận và xác minh việc chia sẻ thông tin chính thống.
#[derive(Debug, Parser)]
#[command(name = "lantoa", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service.
    Serve {
        /// Address to listen on (overrides LANTOA_BIND).
        #[arg(long)]
        bind: Option<SocketAddr>,
    },
    /// Run the seeded demo province on an embedded SQLite file (lantoa-demo.db).
    Demo {
        /// Address to listen on (loopback only).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// The SQLite file to use.
        #[arg(long, default_value = "lantoa-demo.db")]
        database: PathBuf,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Verify source URLs; prints one JSON object per URL.
    VerifyUrl {
        /// An allowlist CSV to use instead of the database's rules.
        #[arg(long)]
        allowlist: Option<PathBuf>,
        /// The URLs to verify.
        #[arg(required = true)]
        urls: Vec<String>,
    },
    /// Import units from CSV or XLSX (code,name,kind,parent_code).
    ImportUnits {
        /// The CSV or XLSX file.
        file: PathBuf,
    },
    /// Import the roster from CSV or XLSX.
    ImportRoster {
        /// The CSV or XLSX file.
        file: PathBuf,
    },
    /// Import shares kept in spreadsheets (staff_code,source_url,platform,post_url,shared_on).
    ImportShares {
        /// Import the good rows and report the others instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
        /// The CSV file.
        file: PathBuf,
    },
    /// Manage the allowlist of sources.
    #[command(subcommand)]
    Allowlist(allowlist::AllowlistCommand),
    /// Grant or revoke roles.
    #[command(subcommand)]
    Role(role::RoleCommand),
    /// Set a year's evaluation policy.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Export evaluation data.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Copy the live SQLite database consistently to FILE (PostgreSQL: use pg_dump).
    Backup {
        /// Where to write the copy (must not exist yet).
        file: PathBuf,
    },
    /// Delete personal data older than LANTOA_RETENTION_DAYS (run daily).
    Purge {
        /// Only count what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check a health address (container health checks): exit 0 on a 2xx answer within 2 s.
    Probe {
        /// The address, e.g. `http://127.0.0.1:8080/readyz`.
        url: String,
    },
    /// Recount the shares and repair the counters that province-wide reads use.
    #[command(subcommand)]
    Rollup(rollup::RollupCommand),
    /// Check that the counters match the shares; exits non-zero when they do not.
    Doctor,
    /// Put a backup made by `lantoa backup` in place of the SQLite database (stop the server first).
    Restore {
        /// Restore even if the database looks open by another process.
        #[arg(long)]
        force: bool,
        /// The backup file.
        file: PathBuf,
    },
}

/// A command's failure: the message is printed, the exit code is 1.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(err: E) -> Self {
        Self(err.to_string())
    }
}

/// The result of a command.
pub type CliResult = Result<(), CliError>;

/// Runs a parsed command.
pub async fn run(cli: Cli, settings: Settings) -> CliResult {
    match cli.command {
        Command::Serve { bind } => serve::run(settings, bind).await,
        Command::Demo { bind, database } => demo::run(settings, bind, database).await,
        Command::Migrate => {
            let report = crate::db::migrate(&settings).await?;
            println!(
                "Đã áp dụng {} migration; {} quy tắc nguồn được nạp sẵn; {} khoá sắp xếp tên được tính lại.",
                report.applied, report.seeded_rules, report.rekeyed_people
            );
            Ok(())
        }
        Command::VerifyUrl { allowlist, urls } => {
            verify_url::run(&settings, allowlist, &urls).await
        }
        Command::ImportUnits { file } => import::units(&settings, &file).await,
        Command::ImportRoster { file } => import::roster(&settings, &file).await,
        Command::ImportShares { skip_invalid, file } => {
            import::shares(&settings, &file, skip_invalid).await
        }
        Command::Allowlist(command) => allowlist::run(&settings, command).await,
        Command::Role(command) => role::run(&settings, command).await,
        Command::Policy(command) => policy::run(&settings, command).await,
        Command::Token(command) => token::run(&settings, command).await,
        Command::Export(command) => export::run(&settings, command).await,
        Command::Backup { file } => backup::backup(&settings, &file).await,
        Command::Purge { dry_run } => purge::run(&settings, dry_run).await,
        Command::Rollup(command) => rollup::run(&settings, command).await,
        Command::Doctor => rollup::doctor(&settings).await,
        Command::Restore { force, file } => backup::restore(&settings, &file, force).await,
        Command::Probe { url } => probe::run(&url).await,
    }
}

/// Migrates (if configured) and opens the pool, for commands that use the database.
pub async fn open_database(settings: &Settings) -> Result<DatabaseConnection, CliError> {
    if settings.migrate_on_start {
        crate::db::migrate(settings).await?;
    }
    Ok(crate::db::connect(settings).await?)
}

/// Reads a text file, refusing anything that is not UTF-8.
pub fn read_text(path: &std::path::Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError(format!("không đọc được tệp {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|_| {
        CliError(format!(
            "tệp {} không phải UTF-8 (hãy lưu từ Excel dưới dạng «CSV UTF-8»)",
            path.display()
        ))
    })
}
