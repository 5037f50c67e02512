//! `lantoa token create|list|revoke`: API tokens for scripts.

use clap::Subcommand;
use serde_json::json;

use super::{CliError, CliResult, open_database};
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::settings::Settings;

/// Token subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; the token itself is printed alone on the last line.
    Create {
        /// Whose token.
        #[arg(long)]
        staff_code: String,
        /// A name to recognise it by.
        #[arg(long)]
        name: String,
        /// Only allow reading (exports, reports).
        #[arg(long)]
        read_only: bool,
    },
    /// List a person's tokens (never the secrets).
    List {
        /// Whose tokens.
        #[arg(long)]
        staff_code: String,
    },
    /// Revoke a token by id.
    Revoke {
        /// The token id (from `token list`).
        id: i64,
    },
}

/// Runs a token subcommand.
pub async fn run(settings: &Settings, command: TokenCommand) -> CliResult {
    let db = open_database(settings).await?;
    match command {
        TokenCommand::Create {
            staff_code,
            name,
            read_only,
        } => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
                return Err(CliError("tên token phải có 1–100 ký tự".into()));
            }
            let person = db::people::by_staff_code(&db, &staff_code)
                .await?
                .ok_or_else(|| CliError(format!("không có cán bộ mã {staff_code}")))?;
            let (row, secret) = db::tokens::create(&db, person.id, name, read_only).await?;
            db::audit::record(
                &db,
                &Actor::cli(),
                Event {
                    action: "token.create",
                    target_type: Some("api_token"),
                    target_id: Some(row.id.to_string()),
                    detail: Some(json!({"staff_code": person.staff_code, "name": name, "read_only": read_only})),
                },
            )
            .await?;
            println!(
                "Đã tạo token #{} «{name}» cho {} – {}{}. Token chỉ hiện một lần:",
                row.id,
                person.staff_code,
                person.full_name,
                if read_only { " (chỉ đọc)" } else { "" }
            );
            println!("{secret}");
        }
        TokenCommand::List { staff_code } => {
            let person = db::people::by_staff_code(&db, &staff_code)
                .await?
                .ok_or_else(|| CliError(format!("không có cán bộ mã {staff_code}")))?;
            for t in db::tokens::of_person(&db, person.id).await? {
                println!(
                    "{}\t{}…\t{}\t{}\t{}",
                    t.id,
                    t.prefix,
                    t.name,
                    if t.read_only {
                        "read-only"
                    } else {
                        "read-write"
                    },
                    if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    }
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let token = db::tokens::revoke(&db, id)
                .await?
                .ok_or_else(|| CliError(format!("không có token #{id} đang hoạt động")))?;
            db::audit::record(
                &db,
                &Actor::cli(),
                Event {
                    action: "token.revoke",
                    target_type: Some("api_token"),
                    target_id: Some(id.to_string()),
                    detail: Some(json!({"name": token.name})),
                },
            )
            .await?;
            println!("Đã thu hồi token #{id} «{}».", token.name);
        }
    }
    Ok(())
}
