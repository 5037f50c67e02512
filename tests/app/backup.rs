//! `lantoa backup` and `lantoa restore`: a consistent copy of a live SQLite database taken while
//! the server keeps accepting submissions; restore refuses while the server has the file open,
//! works once it is stopped, and brings back exactly what the backup held. On PostgreSQL both
//! commands refuse and point at pg_dump/pg_restore (docs/operations.md).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::both_databases;
use crate::crash::{Server, seeded_tokens, stored_keys};
use crate::helpers::Backend;

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn lantoa(url: &str, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
        .args(args)
        .env("LANTOA_DATABASE_URL", url)
        .env("LANTOA_LOG", "warn")
        .env_remove("LANTOA_CONFIG")
        .kill_on_drop(true)
        .output()
        .await
        .expect("lantoa runs");
    Run {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

both_databases!(
    a_backup_taken_while_writing_restores_to_exactly_its_contents,
    |app| async move {
        let tokens = seeded_tokens(&app).await;
        let url = app.test_db.url.clone();
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("lantoa-backup.db");
        let file_text = file.display().to_string();
        if app.test_db.backend == Backend::Postgres {
            for args in [
                vec!["backup", file_text.as_str()],
                vec!["restore", file_text.as_str()],
            ] {
                let run = lantoa(&url, &args).await;
                assert!(!run.ok, "{args:?} refuses on PostgreSQL");
                assert!(
                    run.stderr.contains("pg_dump") || run.stderr.contains("pg_restore"),
                    "{}",
                    run.stderr
                );
            }
            return app.finish().await;
        }
        app.db.close_by_ref().await.ok();
        let mut server = Server::start(&url, &[]).await;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicUsize::new(0));
        let mut writers = Vec::new();
        for (worker, token) in tokens.iter().cloned().enumerate() {
            let (client, base) = (client.clone(), server.base.clone());
            let (stop, written) = (Arc::clone(&stop), Arc::clone(&written));
            writers.push(tokio::spawn(async move {
                for i in 0..2_000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let status = client
                        .post(format!("{base}/api/v1/shares"))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({"source_url": format!("https://dienbien.gov.vn/backup/{worker}-{i}.html"), "platform": "zalo"}))
                        .send()
                        .await
                        .expect("answer")
                        .status();
                    assert_eq!(status.as_u16(), 201);
                    written.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        while written.load(Ordering::Relaxed) < 100 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let at_start = written.load(Ordering::Relaxed);
        let run = lantoa(&url, &["backup", &file_text]).await;
        let at_end = written.load(Ordering::Relaxed);
        assert!(run.ok, "backup: {}", run.stderr);
        assert!(run.stdout.contains("Đã sao lưu"), "{}", run.stdout);
        // Writing went on during the backup, and then for a little longer.
        tokio::time::sleep(Duration::from_millis(200)).await;
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.await.expect("writer");
        }
        let total = written.load(Ordering::Relaxed);
        let in_backup = stored_keys(&format!("sqlite://{file_text}?mode=ro"))
            .await
            .len();
        eprintln!(
            "backup: {in_backup} shares in the backup (written before: {at_start}, by its end: {at_end}, in all: {total})"
        );
        assert!(
            in_backup >= at_start && in_backup <= total,
            "the backup is a snapshot taken during the run: {in_backup} not in {at_start}..={total}"
        );
        assert!(total > in_backup, "writes went on after the snapshot");
        assert!(
            lantoa(&url, &["backup", &file_text])
                .await
                .stderr
                .contains("đã tồn tại"),
            "never overwrites a backup"
        );

        // Restore refuses while the server has the database open.
        let run = lantoa(&url, &["restore", &file_text]).await;
        assert!(!run.ok, "restore over a running server: {}", run.stdout);
        assert!(run.stderr.contains("đang được dùng"), "{}", run.stderr);
        server.terminate().await;
        assert_eq!(server.wait(Duration::from_secs(20)).await, Some(0));
        assert_eq!(
            stored_keys(&url).await.len(),
            total,
            "the live database had everything"
        );

        let run = lantoa(&url, &["restore", &file_text]).await;
        assert!(run.ok, "restore: {}", run.stderr);
        assert!(
            run.stdout.contains("Bản trước đó được giữ tại"),
            "{}",
            run.stdout
        );
        assert_eq!(
            stored_keys(&url).await.len(),
            in_backup,
            "counts equal the backup's"
        );
        // The restored database serves again, and is still in WAL mode.
        let server = Server::start(&url, &[]).await;
        let me = client
            .get(format!("{}/api/v1/me/shares?year=2026", server.base))
            .bearer_auth(&tokens[0])
            .send()
            .await
            .expect("answer");
        assert_eq!(me.status().as_u16(), 200);
        drop(server);
        // A file that is not a database is refused.
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"not a database").expect("write");
        let run = lantoa(&url, &["restore", "--force", &junk.display().to_string()]).await;
        assert!(!run.ok, "a junk file is refused");
        app.finish().await
    }
);

both_databases!(
    purge_deletes_what_is_older_than_the_retention_period_and_nothing_else,
    |app| async move {
        app.seed_roster(crate::helpers::UNITS_CSV, crate::helpers::ROSTER_CSV)
            .await;
        let person = lantoa::db::people::by_staff_code(&app.db, "DB001")
            .await
            .expect("db")
            .expect("person");
        let today = lantoa::domain::time::local_date(chrono::Utc::now());
        let old = today - chrono::Days::new(400);
        let recent = today - chrono::Days::new(5);
        let row = |n: u32, on: chrono::NaiveDate| lantoa::db::shares::NewShare {
            person_id: person.id,
            unit_id: person.unit_id,
            source_url: format!("https://dienbien.gov.vn/purge/{n}"),
            source_key: format!("dienbien.gov.vn/purge/{n}"),
            source_host: "dienbien.gov.vn".to_owned(),
            rule_id: None,
            rule_label: None,
            rule_category: None,
            platform: "zalo".to_owned(),
            post_url: None,
            post_key: None,
            shared_on: on,
            submitted_at: chrono::Utc::now(),
            idempotency_key: None,
            origin: "import",
            post_account: None,
            account_match: lantoa::verify::AccountMatch::Unknown,
        };
        let rows: Vec<_> = (0..3)
            .map(|n| row(n, old))
            .chain((3..5).map(|n| row(n, recent)))
            .collect();
        lantoa::db::shares::insert_many_unchecked(&app.db, &rows)
            .await
            .expect("insert");
        lantoa::db::counters::rebuild(&app.db)
            .await
            .expect("counters");
        assert_eq!(app.count("shares").await, 5);
        let purge = |dry: bool| {
            let url = app.test_db.url.clone();
            async move {
                let mut args = vec!["purge"];
                if dry {
                    args.push("--dry-run");
                }
                let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
                    .args(&args)
                    .env("LANTOA_DATABASE_URL", &url)
                    .env("LANTOA_RETENTION_DAYS", "365")
                    .env("LANTOA_LOG", "warn")
                    .env_remove("LANTOA_CONFIG")
                    .output()
                    .await
                    .expect("runs");
                assert!(
                    output.status.success(),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                String::from_utf8_lossy(&output.stdout).into_owned()
            }
        };
        let said = purge(true).await;
        assert!(
            said.contains("chạy thử") && said.contains("3 lượt chia sẻ"),
            "{said}"
        );
        assert_eq!(app.count("shares").await, 5, "a dry run deletes nothing");
        let said = purge(false).await;
        assert!(
            said.contains("Đã xóa") && said.contains("3 lượt chia sẻ"),
            "{said}"
        );
        assert_eq!(app.count("shares").await, 2, "the recent ones stay");
        let counted: i64 = {
            use sea_orm::ConnectionTrait;
            let row = app
                .db
                .query_one_raw(sea_orm::Statement::from_string(
                    app.db.get_database_backend(),
                    "SELECT CAST(COALESCE(SUM(accepted), 0) AS BIGINT) AS n FROM tally_months"
                        .to_owned(),
                ))
                .await
                .expect("sum")
                .expect("row");
            row.try_get("", "n").expect("n")
        };
        assert_eq!(counted, 2, "the counters went with their shares");
        assert!(
            purge(false).await.contains("0 lượt chia sẻ"),
            "running it again deletes nothing more"
        );
        app.finish().await
    }
);
