//! `lantoa backup FILE` and `lantoa restore [--force] FILE` for the embedded SQLite database.
//!
//! Backup uses `VACUUM INTO` on a read-only connection: one read transaction, so the copy is a
//! consistent snapshot even while the server keeps writing (WAL lets it). The copy is written
//! beside the target, checked (`PRAGMA integrity_check`), synced and only then renamed into
//! place. Restore checks the file the same way, refuses while a server still has the database
//! open (unless `--force`), keeps the current file aside, and swaps the backup in atomically.
//! PostgreSQL is backed up with `pg_dump`/`pg_restore` and WAL archiving (docs/operations.md).

use std::path::{Path, PathBuf};
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sea_orm::sqlx::{self, Connection};

use super::{CliError, CliResult};
use crate::settings::Settings;

const POSTGRES_ADVICE: &str = "cơ sở dữ liệu là PostgreSQL: hãy sao lưu bằng pg_dump -Fc và khôi phục bằng pg_restore (xem docs/operations.md, mục «Sao lưu PostgreSQL»)";

/// The SQLite file named by a `sqlite:` URL; None for PostgreSQL or an in-memory database.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(PathBuf::from(path))
    }
}

fn database_file(settings: &Settings) -> Result<PathBuf, CliError> {
    if !settings.is_sqlite() {
        return Err(CliError(POSTGRES_ADVICE.to_owned()));
    }
    sqlite_path(settings.database_url.expose()).ok_or_else(|| {
        CliError("LANTOA_DATABASE_URL không trỏ tới một tệp SQLite (sqlite://TỆP)".to_owned())
    })
}

/// Quotes a text as an SQL string literal.
fn sql_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

async fn open(path: &Path, read_only: bool) -> Result<SqliteConnection, CliError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10));
    SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| CliError(format!("không mở được {}: {e}", path.display())))
}

/// What a checked database holds.
struct Checked {
    shares: i64,
    people: i64,
}

/// Checks that a file is an intact Lan tỏa database and counts what it holds.
async fn check(path: &Path) -> Result<Checked, CliError> {
    let mut conn = open(path, true).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| {
            CliError(format!(
                "{} không phải cơ sở dữ liệu SQLite: {e}",
                path.display()
            ))
        })?;
    if verdict != "ok" {
        return Err(CliError(format!(
            "{} bị hỏng (integrity_check: {verdict})",
            path.display()
        )));
    }
    let count = |table: &'static str| {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
    };
    let shares = count("shares").fetch_one(&mut conn).await;
    let people = count("people").fetch_one(&mut conn).await;
    conn.close().await.ok();
    match (shares, people) {
        (Ok(shares), Ok(people)) => Ok(Checked { shares, people }),
        _ => Err(CliError(format!(
            "{} không phải cơ sở dữ liệu Lan tỏa (thiếu bảng shares/people)",
            path.display()
        ))),
    }
}

fn sync_file(path: &Path) -> Result<(), CliError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| CliError(format!("không ghi được {}: {e}", path.display())))
}

fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // A directory fsync makes the rename durable; not every filesystem allows it.
    let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `lantoa backup FILE`: a consistent copy of the live database.
pub async fn backup(settings: &Settings, target: &Path) -> CliResult {
    let source = database_file(settings)?;
    if !source.exists() {
        return Err(CliError(format!(
            "không có cơ sở dữ liệu {} để sao lưu",
            source.display()
        )));
    }
    if target.exists() {
        return Err(CliError(format!(
            "{} đã tồn tại; hãy chọn tên tệp khác (không ghi đè bản sao lưu cũ)",
            target.display()
        )));
    }
    let partial = with_suffix(target, ".partial");
    let _ = std::fs::remove_file(&partial);
    let target_text = partial
        .to_str()
        .ok_or_else(|| CliError("tên tệp sao lưu phải là UTF-8".to_owned()))?;
    let mut conn = open(&source, true).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "VACUUM INTO {}",
        sql_literal(target_text)
    )))
    .execute(&mut conn)
    .await
    .map_err(|e| CliError(format!("sao lưu thất bại: {e}")))?;
    conn.close().await.ok();
    let checked = match check(&partial).await {
        Ok(checked) => checked,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            return Err(err);
        }
    };
    sync_file(&partial)?;
    std::fs::rename(&partial, target)
        .map_err(|e| CliError(format!("không đổi tên được {}: {e}", partial.display())))?;
    sync_dir(target);
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    println!(
        "Đã sao lưu {} vào {}: {} người, {} lượt chia sẻ, {:.1} MB.",
        source.display(),
        target.display(),
        checked.people,
        checked.shares,
        bytes as f64 / 1_048_576.0
    );
    Ok(())
}

/// Whether another process has the database open: leaving WAL mode needs the only connection,
/// and cannot wait for one, so it fails (or stays `wal`) while a server holds the file.
async fn in_use(path: &Path) -> bool {
    let Ok(mut conn) = open(path, false).await else {
        return true;
    };
    let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode=DELETE")
        .fetch_one(&mut conn)
        .await;
    conn.close().await.ok();
    !matches!(mode.as_deref(), Ok("delete"))
}

/// `lantoa restore [--force] FILE`: puts a backup in place of the configured database.
pub async fn restore(settings: &Settings, backup: &Path, force: bool) -> CliResult {
    let target = database_file(settings).map_err(|err| {
        if settings.is_sqlite() {
            err
        } else {
            CliError(
                POSTGRES_ADVICE.replace("sao lưu bằng", "khôi phục từ bản sao lưu pg_dump bằng"),
            )
        }
    })?;
    if !backup.is_file() {
        return Err(CliError(format!(
            "không có tệp sao lưu {}",
            backup.display()
        )));
    }
    let checked = check(backup).await?;
    let mut kept = None;
    if target.exists() {
        if in_use(&target).await && !force {
            return Err(CliError(format!(
                "cơ sở dữ liệu {} đang được dùng (máy chủ còn chạy?): hãy dừng dịch vụ rồi khôi phục; \
                 chỉ dùng --force khi chắc chắn không còn tiến trình nào mở tệp này",
                target.display()
            )));
        }
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = with_suffix(&target, &format!(".before-restore-{stamp}"));
        std::fs::copy(&target, &aside).map_err(|e| {
            CliError(format!(
                "không giữ lại được bản hiện tại {}: {e}",
                aside.display()
            ))
        })?;
        kept = Some(aside);
    }
    let incoming = with_suffix(&target, ".restoring");
    std::fs::copy(backup, &incoming)
        .map_err(|e| CliError(format!("không chép được {}: {e}", backup.display())))?;
    sync_file(&incoming)?;
    // The old write-ahead log belongs to the old file: it must not be replayed onto the backup.
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(&target, suffix));
    }
    std::fs::rename(&incoming, &target)
        .map_err(|e| CliError(format!("không thay được {}: {e}", target.display())))?;
    sync_dir(&target);
    // Put the restored file back in WAL mode, as the server runs it.
    if let Ok(mut conn) = open(&target, false).await {
        let _ = sqlx::query_scalar::<_, String>("PRAGMA journal_mode=WAL")
            .fetch_one(&mut conn)
            .await;
        conn.close().await.ok();
    }
    println!(
        "Đã khôi phục {} từ {}: {} người, {} lượt chia sẻ.{}",
        target.display(),
        backup.display(),
        checked.people,
        checked.shares,
        kept.map(|p| format!(" Bản trước đó được giữ tại {}.", p.display()))
            .unwrap_or_default()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_come_from_the_url() {
        assert_eq!(
            sqlite_path("sqlite://lantoa.db?mode=rwc"),
            Some(PathBuf::from("lantoa.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/lantoa/lantoa.db"),
            Some(PathBuf::from("/var/lib/lantoa/lantoa.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }

    #[test]
    fn literals_are_quoted() {
        assert_eq!(sql_literal("/tmp/it's.db"), "'/tmp/it''s.db'");
    }
}
