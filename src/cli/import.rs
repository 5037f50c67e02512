//! `lantoa import-units`, `import-roster` (CSV or XLSX), `import-shares`: every bad row is reported
//! with its line number, and nothing is written unless the whole file is good (or `--skip-invalid`).

use std::collections::HashMap;
use std::path::Path;

use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::json;

use super::{CliError, CliResult, open_database, read_text};
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::db::shares::InsertOutcome;
use crate::import::{RowError, roster, shares, table, units};
use crate::service::shares::{Checks, DateRule, ShareInput, prepare};
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
/// API, any past date. Re-importing the same file changes nothing and succeeds.
pub async fn shares(settings: &Settings, path: &Path, skip_invalid: bool) -> CliResult {
    let (rows, mut errors) = match shares::parse(&read_text(path)?) {
        Ok(rows) => (rows, Vec::new()),
        Err(errors) if !skip_invalid || errors.iter().any(|e| e.line == 1) => {
            return Err(refuse(path, &errors));
        }
        // With --skip-invalid, unreadable rows are reported and the rest go on.
        Err(errors) => (reparse_good_rows(path)?, errors),
    };
    let db = open_database(settings).await?;
    let allowlist = crate::verify::Allowlist::new(db::allowlist::active_rules(&db).await?);
    let checks = Checks {
        allowlist: &allowlist,
        dates: DateRule::AnyPast,
        now: chrono::Utc::now(),
    };
    let txn = db.begin().await?;
    let mut people = HashMap::new();
    // (person, source key, platform) and post keys written by this run, with their line.
    let mut written: HashMap<(i64, String, String), u64> = HashMap::new();
    let mut written_posts: HashMap<String, u64> = HashMap::new();
    let (mut imported, mut already) = (0usize, 0usize);
    for row in &rows {
        let code = row.staff_code.as_str().to_owned();
        if !people.contains_key(&code) {
            let found = db::people::by_staff_code(&txn, &code).await?;
            people.insert(code.clone(), found);
        }
        let Some(Some(person)) = people.get(&code) else {
            errors.push(RowError::new(
                row.line,
                format!("không có cán bộ mã {code}"),
            ));
            continue;
        };
        let input = ShareInput {
            source_url: row.source_url.clone(),
            platform: row.platform.to_string(),
            post_url: row.post_url.clone(),
            shared_on: Some(row.shared_on.to_string()),
            idempotency_key: None,
        };
        let new = match prepare(&checks, person, &input, None, "import") {
            Ok(new) => new,
            Err(err) => {
                errors.push(RowError::new(
                    row.line,
                    format!("{} ({})", err.message(), err.code()),
                ));
                continue;
            }
        };
        let key = (new.person_id, new.source_key.clone(), new.platform.clone());
        if let Some(first) = written
            .get(&key)
            .or_else(|| new.post_key.as_ref().and_then(|p| written_posts.get(p)))
        {
            errors.push(RowError::new(
                row.line,
                format!("trùng với dòng {first} (duplicate)"),
            ));
            continue;
        }
        match db::shares::insert(&txn, &new).await? {
            InsertOutcome::Inserted(_) | InsertOutcome::Replayed(_) => {
                written.insert(key, row.line);
                if let Some(post) = &new.post_key {
                    written_posts.insert(post.clone(), row.line);
                }
                imported += 1;
            }
            InsertOutcome::Duplicate | InsertOutcome::PostClaimed => {
                if db::shares::same_as_stored(&txn, &new).await? {
                    already += 1;
                } else {
                    errors.push(RowError::new(
                        row.line,
                        "đã có lượt chia sẻ trùng (cùng bài viết và nền tảng, hoặc cùng bài đăng) (duplicate)",
                    ));
                }
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    if !errors.is_empty() && !skip_invalid {
        txn.rollback().await?;
        return Err(refuse(path, &errors));
    }
    txn.commit().await?;
    for error in &errors {
        eprintln!("{}: bỏ qua {error}", path.display());
    }
    audit(
        &db,
        "import.shares",
        path,
        json!({"imported": imported, "already_present": already, "skipped": errors.len()}),
    )
    .await?;
    println!(
        "Lượt chia sẻ: {imported} nhập mới, {already} đã có sẵn, {} bỏ qua.",
        errors.len()
    );
    Ok(())
}

/// With `--skip-invalid`, keeps the rows that parse on their own.
fn reparse_good_rows(path: &Path) -> Result<Vec<shares::ShareRow>, CliError> {
    let text = read_text(path)?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let mut good = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        if let Ok(mut rows) = shares::parse(&format!("{header}\n{line}\n")) {
            for row in &mut rows {
                row.line = index as u64 + 1;
            }
            good.extend(rows);
        }
    }
    Ok(good)
}
