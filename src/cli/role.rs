//! `lantoa role grant|revoke --staff-code C --role R [--unit CODE]`.

use clap::{Args, Subcommand};
use serde_json::json;

use super::{CliError, CliResult, open_database};
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::domain::roster::Role;
use crate::settings::Settings;

/// Role subcommands.
#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Grant a role.
    Grant(RoleArgs),
    /// Revoke a role.
    Revoke(RoleArgs),
}

/// Who, which role, which unit.
#[derive(Debug, Args)]
pub struct RoleArgs {
    /// The person's staff code.
    #[arg(long)]
    pub staff_code: String,
    /// staff | unit_head | home_affairs | culture | admin.
    #[arg(long)]
    pub role: String,
    /// The unit whose subtree a unit head sees (required for unit_head).
    #[arg(long)]
    pub unit: Option<String>,
}

/// Runs a role subcommand.
pub async fn run(settings: &Settings, command: RoleCommand) -> CliResult {
    let (granting, args) = match command {
        RoleCommand::Grant(args) => (true, args),
        RoleCommand::Revoke(args) => (false, args),
    };
    let role: Role = args.role.parse().map_err(CliError)?;
    if role == Role::UnitHead && args.unit.is_none() {
        return Err(CliError(
            "vai trò unit_head cần --unit (đơn vị phụ trách)".into(),
        ));
    }
    let db = open_database(settings).await?;
    let person = db::people::by_staff_code(&db, &args.staff_code)
        .await?
        .ok_or_else(|| CliError(format!("không có cán bộ mã {}", args.staff_code)))?;
    let unit = match &args.unit {
        Some(code) => Some(
            db::units::by_code(&db, code)
                .await?
                .ok_or_else(|| CliError(format!("không có đơn vị mã {code}")))?,
        ),
        None => None,
    };
    let unit_id = unit.as_ref().map(|u| u.id);
    let changed = if granting {
        db::roles::grant(&db, person.id, role, unit_id, None).await?
    } else {
        db::roles::revoke(&db, person.id, role, unit_id).await?
    };
    if changed {
        db::audit::record(
            &db,
            &Actor::cli(),
            Event {
                action: if granting {
                    "role.grant"
                } else {
                    "role.revoke"
                },
                target_type: Some("person"),
                target_id: Some(person.staff_code.clone()),
                detail: Some(json!({"role": role.as_str(), "unit": args.unit})),
            },
        )
        .await?;
    }
    let scope = unit
        .map(|u| format!(" (đơn vị {})", u.code))
        .unwrap_or_default();
    let verb = match (granting, changed) {
        (true, true) => "Đã cấp",
        (true, false) => "Đã có sẵn",
        (false, true) => "Đã thu hồi",
        (false, false) => "Không có để thu hồi:",
    };
    println!(
        "{verb} vai trò {role}{scope} cho {} – {}.",
        person.staff_code, person.full_name
    );
    Ok(())
}
