//! `lantoa import-units`, `import-roster` (CSV or XLSX), `import-shares`: every bad row is reported
//! with its line number, and nothing is written unless the whole file is good (or `--skip-invalid`).

use std::path::Path;

use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::json;

use super::{CliError, CliResult, open_database, read_text};
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::import::{RowError, roster, table, units};
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

async fn audit(
    db: &DatabaseConnection,
    action: &str,
    path: &Path,
    detail: serde_json::Value,
) -> CliResult {
    db::audit::record(
        db,
        &Actor::cli(),
        Event {
            action,
            target_type: Some("file"),
            target_id: Some(path.display().to_string()),
            detail: Some(detail),
        },
    )
    .await?;
    Ok(())
}

/// Reads a unit or roster file: an XLSX workbook through the same reader as the web import
/// (columns by name), anything else as CSV with the exact header.
fn read_rows<R>(
    path: &Path,
    csv: impl Fn(&str) -> Result<Vec<R>, Vec<RowError>>,
    xlsx: impl Fn(&table::Table) -> Result<Vec<Result<R, RowError>>, RowError>,
) -> Result<Vec<R>, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError(format!("không đọc được tệp {}: {e}", path.display())))?;
    if !table::is_xlsx(&bytes) {
        return csv(&read_text(path)?).map_err(|e| refuse(path, &e));
    }
    let sheet = table::from_xlsx(&bytes).map_err(|e| refuse(path, &[e]))?;
    let rows = xlsx(&sheet).map_err(|e| refuse(path, &[e]))?;
    let errors: Vec<RowError> = rows
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    if errors.is_empty() {
        Ok(rows.into_iter().filter_map(Result::ok).collect())
    } else {
        Err(refuse(path, &errors))
    }
}

/// `import-units FILE.csv|FILE.xlsx`.
pub async fn units(settings: &Settings, path: &Path) -> CliResult {
    let rows = read_rows(path, units::parse, units::read_table)?;
    let db = open_database(settings).await?;
    let txn = db.begin().await?;
    let counts = db::units::import(&txn, &rows)
        .await?
        .map_err(|e| refuse(path, &e))?;
    txn.commit().await?;
    audit(&db, "import.units", path, json!(counts)).await?;
    println!(
        "Đơn vị: {} thêm mới, {} cập nhật, {} không đổi.",
        counts.created, counts.updated, counts.unchanged
    );
    Ok(())
}

/// `import-roster FILE.csv|FILE.xlsx`.
pub async fn roster(settings: &Settings, path: &Path) -> CliResult {
    let rows = read_rows(path, roster::parse, roster::read_table)?;
    let db = open_database(settings).await?;
    let txn = db.begin().await?;
    let counts = db::people::import(&txn, &rows)
        .await?
        .map_err(|e| refuse(path, &e))?;
    txn.commit().await?;
    audit(&db, "import.roster", path, json!(counts)).await?;
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
