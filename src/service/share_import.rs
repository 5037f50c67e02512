//! Importing shares kept in spreadsheets: the same verification and de-duplication as the API,
//! any past date, row by row. Shared by `lantoa import-shares` and `/admin/shares/import`; a
//! preview runs the whole import in a transaction and rolls it back, so what it shows is
//! exactly what the confirmed import does.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::db;
use crate::db::audit::{Actor, Event};
use crate::db::shares::InsertOutcome;
use crate::error::{AppError, AppResult};
use crate::import::RowError;
use crate::import::shares::{ShareRow, parse};
use crate::service::shares::{Checks, DateRule, ShareInput, prepare};
use crate::verify::Allowlist;

/// What happened (or would happen) to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// Stored as a new share.
    Stored,
    /// Exactly this share is already stored: nothing to do.
    AlreadyPresent,
    /// Not stored, and why (Vietnamese, with the stable code in brackets).
    Refused(String),
}

/// One row of the file and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowResult {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// Whose share, as read (empty for unreadable rows).
    pub staff_code: String,
    /// The article address as read.
    pub source_url: String,
    /// The platform as read.
    pub platform: String,
    /// The day as read.
    pub shared_on: Option<chrono::NaiveDate>,
    /// The outcome.
    pub outcome: RowOutcome,
}

/// Every row's outcome, in line order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharesPlan {
    /// The rows.
    pub rows: Vec<RowResult>,
}

impl SharesPlan {
    /// Stored, already present, refused.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for row in &self.rows {
            match row.outcome {
                RowOutcome::Stored => counts.0 += 1,
                RowOutcome::AlreadyPresent => counts.1 += 1,
                RowOutcome::Refused(_) => counts.2 += 1,
            }
        }
        counts
    }

    /// The refused rows as line-numbered errors.
    pub fn refusals(&self) -> Vec<RowError> {
        self.rows
            .iter()
            .filter_map(|row| match &row.outcome {
                RowOutcome::Refused(why) => Some(RowError::new(row.line, why.clone())),
                _ => None,
            })
            .collect()
    }

    /// A digest carried by the confirmation form: the confirmed import must have this plan.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for row in &self.rows {
            hasher.update(format!("{}|{:?}\n", row.line, row.outcome).as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Import the good rows and skip the refused ones (otherwise all or nothing).
    pub skip_invalid: bool,
    /// Only show what would happen: everything is rolled back.
    pub dry_run: bool,
    /// The digest of the previewed plan; a different plan refuses the import.
    pub expected_digest: Option<&'a str>,
    /// The file's name, for the audit log.
    pub source: &'a str,
    /// The time of the import.
    pub now: DateTime<Utc>,
}

/// Imports (or previews) a shares CSV. Refused rows stop the import unless `skip_invalid`;
/// an unreadable header always does. Audited as `import.shares` unless a dry run.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    allowlist: &Allowlist,
    text: &str,
    options: Options<'_>,
) -> AppResult<SharesPlan> {
    let txn = db.begin().await?;
    let plan = run(&txn, allowlist, text, options.now).await?;
    if options.dry_run {
        txn.rollback().await?;
        return Ok(plan);
    }
    if options
        .expected_digest
        .is_some_and(|digest| digest != plan.digest())
    {
        txn.rollback().await?;
        return Err(AppError::conflict(
            "plan_changed",
            "Kết quả nhập đã khác so với lúc xem trước (dữ liệu vừa thay đổi). Hãy xem trước lại rồi xác nhận.",
        ));
    }
    let (stored, already, refused) = plan.counts();
    let header_refused = plan.rows.iter().any(|r| r.line == 1);
    if refused > 0 && (!options.skip_invalid || header_refused) {
        txn.rollback().await?;
        return Err(AppError::invalid(
            "invalid_import",
            format!(
                "Không nhập gì: {refused} dòng không hợp lệ. Hãy sửa các dòng đó, hoặc chọn bỏ qua dòng không hợp lệ."
            ),
        ));
    }
    db::audit::record(
        &txn,
        actor,
        Event {
            action: "import.shares",
            target_type: Some("file"),
            target_id: Some(options.source.to_owned()),
            detail: Some(json!({
                "imported": stored,
                "already_present": already,
                "skipped": refused,
                "skipped_lines": plan.refusals().iter().map(|e| e.line).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(plan)
}

fn unreadable(errors: Vec<RowError>) -> Vec<RowResult> {
    errors
        .into_iter()
        .map(|e| RowResult {
            line: e.line,
            staff_code: String::new(),
            source_url: String::new(),
            platform: String::new(),
            shared_on: None,
            outcome: RowOutcome::Refused(e.message),
        })
        .collect()
}

/// Stores every good row in `db` (a transaction the caller commits or rolls back).
async fn run(
    db: &impl ConnectionTrait,
    allowlist: &Allowlist,
    text: &str,
    now: DateTime<Utc>,
) -> AppResult<SharesPlan> {
    let (rows, mut results) = match parse(text) {
        Ok(rows) => (rows, Vec::new()),
        Err(errors) if errors.iter().any(|e| e.line == 1) => {
            return Ok(SharesPlan {
                rows: unreadable(errors),
            });
        }
        Err(errors) => (good_rows(text), unreadable(errors)),
    };
    let checks = Checks {
        allowlist,
        dates: DateRule::AnyPast,
        now,
    };
    let mut people = HashMap::new();
    // (person, source key, platform) and post keys written by this run, with their line.
    let mut written: HashMap<(i64, String, String), u64> = HashMap::new();
    let mut written_posts: HashMap<String, u64> = HashMap::new();
    for row in &rows {
        let outcome = store(
            db,
            &checks,
            row,
            &mut people,
            &mut written,
            &mut written_posts,
        )
        .await?;
        results.push(RowResult {
            line: row.line,
            staff_code: row.staff_code.as_str().to_owned(),
            source_url: row.source_url.clone(),
            platform: row.platform.to_string(),
            shared_on: Some(row.shared_on),
            outcome,
        });
    }
    results.sort_by_key(|r| r.line);
    Ok(SharesPlan { rows: results })
}

async fn store(
    db: &impl ConnectionTrait,
    checks: &Checks<'_>,
    row: &ShareRow,
    people: &mut HashMap<String, Option<entity::person::Model>>,
    written: &mut HashMap<(i64, String, String), u64>,
    written_posts: &mut HashMap<String, u64>,
) -> AppResult<RowOutcome> {
    let code = row.staff_code.as_str().to_owned();
    if !people.contains_key(&code) {
        let found = db::people::by_staff_code(db, &code).await?;
        people.insert(code.clone(), found);
    }
    let Some(Some(person)) = people.get(&code) else {
        return Ok(RowOutcome::Refused(format!("không có cán bộ mã {code}")));
    };
    let input = ShareInput {
        source_url: row.source_url.clone(),
        platform: row.platform.to_string(),
        post_url: row.post_url.clone(),
        shared_on: Some(row.shared_on.to_string()),
        idempotency_key: None,
    };
    let new = match prepare(checks, person, &input, None, "import") {
        Ok(new) => new,
        Err(err) => {
            return Ok(RowOutcome::Refused(format!(
                "{} ({})",
                err.message(),
                err.code()
            )));
        }
    };
    let key = (new.person_id, new.source_key.clone(), new.platform.clone());
    if let Some(first) = written
        .get(&key)
        .or_else(|| new.post_key.as_ref().and_then(|p| written_posts.get(p)))
    {
        return Ok(RowOutcome::Refused(format!(
            "trùng với dòng {first} (duplicate)"
        )));
    }
    Ok(match db::shares::insert(db, &new).await? {
        InsertOutcome::Inserted(_) | InsertOutcome::Replayed(_) => {
            written.insert(key, row.line);
            if let Some(post) = &new.post_key {
                written_posts.insert(post.clone(), row.line);
            }
            RowOutcome::Stored
        }
        InsertOutcome::Duplicate | InsertOutcome::PostClaimed => {
            if db::shares::same_as_stored(db, &new).await? {
                RowOutcome::AlreadyPresent
            } else {
                RowOutcome::Refused(
                    "đã có lượt chia sẻ trùng (cùng bài viết và nền tảng, hoặc cùng bài đăng) (duplicate)"
                        .to_owned(),
                )
            }
        }
    })
}

/// The rows that parse on their own, when others in the file do not.
fn good_rows(text: &str) -> Vec<ShareRow> {
    let header = text.lines().next().unwrap_or_default();
    let mut good = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        if let Ok(mut rows) = parse(&format!("{header}\n{line}\n")) {
            for row in &mut rows {
                row.line = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(1);
            }
            good.extend(rows);
        }
    }
    good
}
