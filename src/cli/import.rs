//! `lantoa import-units`, `import-roster` (CSV or XLSX), `import-shares`: every bad row is reported
//! with its line number, and nothing is written unless the whole file is good (or `--skip-invalid`).

use std::path::Path;

use super::{CliError, CliResult, open_database, read_text};
use crate::db;
use crate::db::audit::Actor;
use crate::domain::time::today;
use crate::import::RowError;
use crate::import::plan::{Outcome, Plan};
use crate::service;
use crate::service::share_import::{Options, import};
use crate::settings::Settings;

/// Prints refused rows and turns them into the command's failure.
fn refuse(path: &Path, errors: &[RowError]) -> CliError {
    for error in errors {
        eprintln!("{}: {error}", path.display());
    }
    CliError(format!(
        "không nhập gì: {} dòng không hợp lệ trong {}",
        errors.len(),
        path.display()
    ))
}

/// Prints the refused rows of a plan and fails, or passes a plan that can be applied.
fn refuse_plan<R>(path: &Path, plan: &Plan<R>) -> CliResult {
    if plan.can_apply() {
        return Ok(());
    }
    let refused: Vec<_> = plan
        .rows
        .iter()
        .filter_map(|row| match &row.outcome {
            Outcome::Refused { reason } => Some((row.line, reason)),
            _ => None,
        })
        .collect();
    for (line, reason) in &refused {
        eprintln!("{}: dòng {line}: {reason}", path.display());
    }
    Err(CliError(format!(
        "không nhập gì: {} dòng không hợp lệ trong {}",
        refused.len(),
        path.display()
    )))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError(format!("không đọc được tệp {}: {e}", path.display())))
}

/// `import-units FILE.csv|FILE.xlsx`: the same preview and apply as the web import
/// (`service::units`), refused whole if any row is.
pub async fn units(settings: &Settings, path: &Path) -> CliResult {
    let bytes = read_bytes(path)?;
    let db = open_database(settings).await?;
    let plan = service::units::preview_import(&db, &bytes)
        .await
        .map_err(|e| CliError(e.message()))?;
    refuse_plan(path, &plan)?;
    let name = path.display().to_string();
    let counts = service::units::apply_import(&db, &Actor::cli(), &name, &bytes, &plan.digest())
        .await
        .map_err(|e| CliError(e.message()))?;
    println!(
        "Đơn vị: {} thêm mới, {} cập nhật, {} không đổi.",
        counts.created, counts.updated, counts.unchanged
    );
    Ok(())
}

/// `import-roster FILE.csv|FILE.xlsx`: the same preview and apply as the web import
/// (`service::roster`): people marked as left lose their sessions, the last admin stays.
pub async fn roster(settings: &Settings, path: &Path) -> CliResult {
    let bytes = read_bytes(path)?;
    let db = open_database(settings).await?;
    let today = today();
    let plan = service::roster::preview_import(&db, &bytes, today)
        .await
        .map_err(|e| CliError(e.message()))?;
    refuse_plan(path, &plan)?;
    let name = path.display().to_string();
    let counts =
        service::roster::apply_import(&db, &Actor::cli(), &name, &bytes, &plan.digest(), today)
            .await
            .map_err(|e| CliError(e.message()))?;
    println!(
        "Cán bộ: {} thêm mới, {} cập nhật, {} không đổi.",
        counts.created, counts.updated, counts.unchanged
    );
    Ok(())
}

/// `import-shares [--skip-invalid] FILE.csv`: the same verification and de-duplication as the
/// API, any past date (`service::share_import`, shared with `/admin/shares/import`).
/// Re-importing the same file changes nothing and succeeds.
pub async fn shares(settings: &Settings, path: &Path, skip_invalid: bool) -> CliResult {
    let text = read_text(path)?;
    let db = open_database(settings).await?;
    let allowlist = crate::verify::Allowlist::new(db::allowlist::active_rules(&db).await?);
    let source = path.display().to_string();
    let options = Options {
        skip_invalid,
        dry_run: true,
        expected_digest: None,
        source: &source,
        now: chrono::Utc::now(),
    };
    // All or nothing: a dry run first, so every refused row is reported before failing.
    let plan = import(&db, &Actor::cli(), &allowlist, &text, options).await?;
    let refusals = plan.refusals();
    if (!skip_invalid && !refusals.is_empty()) || refusals.iter().any(|e| e.line == 1) {
        return Err(refuse(path, &refusals));
    }
    let digest = plan.digest();
    let options = Options {
        dry_run: false,
        expected_digest: Some(&digest),
        ..options
    };
    let plan = import(&db, &Actor::cli(), &allowlist, &text, options).await?;
    for error in plan.refusals() {
        eprintln!("{}: bỏ qua {error}", path.display());
    }
    let (imported, already, skipped) = plan.counts();
    println!("Lượt chia sẻ: {imported} nhập mới, {already} đã có sẵn, {skipped} bỏ qua.");
    Ok(())
}
