//! `lantoa role grant|revoke --staff-code C --role R [--unit CODE]`: the last active admin
//! cannot be revoked.

use clap::{Args, Subcommand};

use super::{CliError, CliResult, open_database};
use crate::db;
use crate::db::audit::Actor;
use crate::domain::roster::Role;
use crate::service::roles::{self, RoleChange};
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

/// Runs a role subcommand (the same rules as the roles page: `service::roles`).
pub async fn run(settings: &Settings, command: RoleCommand) -> CliResult {
    let (granting, args) = match command {
        RoleCommand::Grant(args) => (true, args),
        RoleCommand::Revoke(args) => (false, args),
    };
    let role: Role = args.role.parse().map_err(CliError)?;
    let db = open_database(settings).await?;
    let change = RoleChange {
        staff_code: args.staff_code.clone(),
        role,
        unit_code: args.unit.clone(),
    };
    let today = crate::domain::time::today();
    let outcome = if granting {
        roles::grant(&db, &Actor::cli(), &change, today).await
    } else {
        roles::revoke(&db, &Actor::cli(), &change, today).await
    };
    let changed = outcome.map_err(|e| CliError(e.message()))?;
    let person = db::people::by_staff_code(&db, &args.staff_code)
        .await?
        .ok_or_else(|| CliError(format!("không có cán bộ mã {}", args.staff_code)))?;
    let scope = args
        .unit
        .as_deref()
        .map(|u| format!(" (đơn vị {})", u.trim().to_ascii_uppercase()))
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
