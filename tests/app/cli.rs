//! The `lantoa` command line, run as a real process against the test database.

use std::path::Path;

use serde_json::Value;

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

/// What a command printed and how it exited.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn lantoa(app: &TestApp, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
        .args(args)
        .env("LANTOA_DATABASE_URL", &app.test_db.url)
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

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path.display().to_string()
}

both_databases!(
    verify_url_prints_one_json_object_per_url_in_order,
    |app| async move {
        let dir = tempfile::tempdir().expect("dir");
        let rules = write(
            dir.path(),
            "rules.csv",
            "kind,pattern,category,label\nsuffix,gov.vn,government,Cơ quan nhà nước\nexclude,spam.gov.vn,government,Loại trừ\nprefix,facebook.com/thongtinchinhphu,official_social,Thông tin Chính phủ\n",
        );
        let run = lantoa(
            &app,
            &[
                "verify-url",
                "--allowlist",
                &rules,
                "--",
                " dienbien.gov.vn/a?utm_source=x#top ",
                "https://spam.gov.vn/x",
                "https://www.facebook.com/thongtinchinhphufake",
                "https://facebook.com/thongtinchinhphu/posts/1",
            ],
        )
        .await;
        assert!(run.ok, "{}", run.stderr);
        let lines: Vec<Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0]["input"], " dienbien.gov.vn/a?utm_source=x#top ");
        assert_eq!(lines[0]["verdict"], "accepted");
        assert_eq!(lines[0]["normalized"], "https://dienbien.gov.vn/a");
        assert_eq!(
            lines[0]["rule"],
            serde_json::json!({"kind": "suffix", "pattern": "gov.vn", "category": "government", "label": "Cơ quan nhà nước"})
        );
        assert_eq!(
            (
                lines[1]["verdict"].clone(),
                lines[1]["reason"].clone(),
                lines[1]["rule"].clone()
            ),
            ("rejected".into(), "excluded".into(), Value::Null)
        );
        assert_eq!(lines[2]["reason"], "not_allowlisted");
        assert_eq!(lines[3]["rule"]["kind"], "prefix");
        let keys: Vec<&str> = run
            .stdout
            .lines()
            .next()
            .map(|l| {
                let v: serde_json::Map<String, Value> = serde_json::from_str(l).expect("object");
                v.keys()
                    .map(|k| match k.as_str() {
                        "input" => "input",
                        "verdict" => "verdict",
                        "reason" => "reason",
                        "normalized" => "normalized",
                        "rule" => "rule",
                        _ => "other",
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert!(!keys.contains(&"other"), "only the documented keys");
        // Without --allowlist the database's (seeded) rules are used.
        let run = lantoa(
            &app,
            &[
                "verify-url",
                "https://baodienbienphu.vn/a",
                "https://example.com",
            ],
        )
        .await;
        let verdicts: Vec<String> = run
            .stdout
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).expect("json")["verdict"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        assert_eq!(verdicts, vec!["accepted", "rejected"]);
        app.finish().await
    }
);

both_databases!(
    imports_report_every_bad_row_and_write_nothing,
    |app| async move {
        let dir = tempfile::tempdir().expect("dir");
        let bad_units = write(
            dir.path(),
            "bad-units.csv",
            "code,name,kind,parent_code\nDB,Tỉnh Điện Biên,province,\nX1,,ward,DB\nX2,Xã,castle,DB\nX3,Xã Ba,commune,NOWHERE\n",
        );
        let run = lantoa(&app, &["import-units", &bad_units]).await;
        assert!(!run.ok, "a bad file fails");
        for line in ["dòng 3", "dòng 4"] {
            assert!(run.stderr.contains(line), "{line} reported: {}", run.stderr);
        }
        assert_eq!(app.count("units").await, 0, "nothing half-written");
        let orphan = write(
            dir.path(),
            "orphan.csv",
            "code,name,kind,parent_code\nDB,Tỉnh Điện Biên,province,\nX3,Xã Ba,commune,NOWHERE\n",
        );
        let run = lantoa(&app, &["import-units", &orphan]).await;
        assert!(!run.ok && run.stderr.contains("dòng 3"), "{}", run.stderr);
        assert_eq!(app.count("units").await, 0);

        let units = write(dir.path(), "units.csv", UNITS_CSV);
        let run = lantoa(&app, &["import-units", &units]).await;
        assert!(run.ok, "{}", run.stderr);
        assert!(run.stdout.contains("5 thêm mới"), "{}", run.stdout);
        let again = lantoa(&app, &["import-units", &units]).await;
        assert!(
            again.ok && again.stdout.contains("5 không đổi"),
            "idempotent: {}",
            again.stdout
        );

        let bad_roster = write(
            dir.path(),
            "bad-roster.csv",
            &format!("\u{feff}{ROSTER_CSV}DB009,Người Lạ,,NOPE,,cong_chuc,,\n"),
        );
        let run = lantoa(&app, &["import-roster", &bad_roster]).await;
        assert!(!run.ok && run.stderr.contains("dòng 6"), "{}", run.stderr);
        assert_eq!(app.count("people").await, 0);
        let roster = write(
            dir.path(),
            "roster.csv",
            &format!(
                "\u{feff}{}",
                ROSTER_CSV.replace("2020-01-01,\nDB004", "01/01/2020,\nDB004")
            ),
        );
        let run = lantoa(&app, &["import-roster", &roster]).await;
        assert!(run.ok, "{}", run.stderr);
        assert!(run.stdout.contains("4 thêm mới"), "{}", run.stdout);
        let again = lantoa(&app, &["import-roster", &roster]).await;
        assert!(
            again.ok && again.stdout.contains("4 không đổi"),
            "{}",
            again.stdout
        );
        app.finish().await
    }
);

both_databases!(
    import_shares_is_all_or_nothing_unless_told_to_skip,
    |app| async move {
        let roster =
            format!("{ROSTER_CSV}DB008,Hà Thị Hoa,,SNV,,vien_chuc,2020-01-01,2025-06-30\n");
        app.seed_roster(UNITS_CSV, &roster).await;
        let dir = tempfile::tempdir().expect("dir");
        let text = "staff_code,source_url,platform,post_url,shared_on
DB001,https://dienbien.gov.vn/a,facebook,https://www.facebook.com/an/posts/1,2024-03-01
DB001,https://example.com/a,facebook,,2024-03-02
DB001,https://www.dienbien.gov.vn/a?utm_source=z,facebook,,2024-03-03
DB008,https://nhandan.vn/b,zalo,,15/05/2025
DB008,https://nhandan.vn/c,zalo,,2025-07-01
DB404,https://nhandan.vn/d,zalo,,2025-07-01
DB001,https://nhandan.vn/e,zalo,,2099-01-01
";
        let file = write(dir.path(), "shares.csv", text);
        let run = lantoa(&app, &["import-shares", &file]).await;
        assert!(!run.ok);
        for line in ["dòng 3", "dòng 4", "dòng 6", "dòng 7", "dòng 8"] {
            assert!(run.stderr.contains(line), "{line}: {}", run.stderr);
        }
        assert!(
            !run.stderr.contains("dòng 2:") && !run.stderr.contains("dòng 5:"),
            "good rows are not reported: {}",
            run.stderr
        );
        assert_eq!(
            app.count("shares").await,
            0,
            "nothing imported without --skip-invalid"
        );

        let run = lantoa(&app, &["import-shares", "--skip-invalid", &file]).await;
        assert!(run.ok, "{}", run.stderr);
        assert!(run.stdout.contains("2 nhập mới"), "{}", run.stdout);
        assert_eq!(
            app.count("shares").await,
            2,
            "the old share and the leaver's share dated while employed"
        );
        let again = lantoa(&app, &["import-shares", "--skip-invalid", &file]).await;
        assert!(
            again.ok && again.stdout.contains("0 nhập mới") && again.stdout.contains("2 đã có sẵn"),
            "{}",
            again.stdout
        );
        assert_eq!(app.count("shares").await, 2);
        assert!(
            app.count("tally_months").await >= 2,
            "the counters follow imports"
        );
        app.finish().await
    }
);

both_databases!(
    allowlist_role_policy_token_and_export_commands_work,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let dir = tempfile::tempdir().expect("dir");
        let rules = write(
            dir.path(),
            "rules.csv",
            "kind,pattern,category,label\nhost,dienbientv.vn,press,Đài PT-TH Điện Biên\nsuffix,gov.vn,government,Cơ quan nhà nước (đã sửa)\n",
        );
        let run = lantoa(&app, &["allowlist", "import", &rules]).await;
        assert!(run.ok, "{}", run.stderr);
        assert!(
            run.stdout.contains("1 thêm mới, 1 cập nhật"),
            "{}",
            run.stdout
        );
        let list = lantoa(&app, &["allowlist", "list"]).await;
        assert!(
            list.ok && list.stdout.contains("dienbientv.vn") && list.stdout.contains("(đã sửa)"),
            "{}",
            list.stdout
        );
        let exported = lantoa(&app, &["allowlist", "export"]).await;
        assert!(
            exported.stdout.starts_with("kind,pattern,category,label"),
            "{}",
            exported.stdout
        );
        let bad = write(
            dir.path(),
            "bad-rules.csv",
            "kind,pattern,category,label\nsuffix,,government,x\nwildcard,a.vn,press,y\n",
        );
        let run = lantoa(&app, &["allowlist", "import", &bad]).await;
        assert!(
            !run.ok && run.stderr.contains('2') && run.stderr.contains('3'),
            "{}",
            run.stderr
        );

        let run = lantoa(
            &app,
            &[
                "role",
                "grant",
                "--staff-code",
                "DB002",
                "--role",
                "unit_head",
                "--unit",
                "XMP",
            ],
        )
        .await;
        assert!(run.ok, "{}", run.stderr);
        let again = lantoa(
            &app,
            &[
                "role",
                "grant",
                "--staff-code",
                "DB002",
                "--role",
                "unit_head",
                "--unit",
                "XMP",
            ],
        )
        .await;
        assert!(
            again.ok && again.stdout.contains("Đã có sẵn"),
            "{}",
            again.stdout
        );
        assert!(
            !lantoa(
                &app,
                &["role", "grant", "--staff-code", "DB002", "--role", "king"]
            )
            .await
            .ok
        );
        assert!(
            !lantoa(
                &app,
                &["role", "grant", "--staff-code", "NOBODY", "--role", "admin"]
            )
            .await
            .ok
        );
        assert!(
            !lantoa(
                &app,
                &[
                    "role",
                    "grant",
                    "--staff-code",
                    "DB002",
                    "--role",
                    "unit_head"
                ]
            )
            .await
            .ok,
            "unit_head needs --unit"
        );
        let revoke = lantoa(
            &app,
            &[
                "role",
                "revoke",
                "--staff-code",
                "DB002",
                "--role",
                "unit_head",
                "--unit",
                "XMP",
            ],
        )
        .await;
        assert!(
            revoke.ok && revoke.stdout.contains("Đã thu hồi"),
            "{}",
            revoke.stdout
        );

        let run = lantoa(
            &app,
            &["policy", "set", "--year", "2026", "--target", "120"],
        )
        .await;
        assert!(
            run.ok && run.stdout.contains("01/01/2026") && run.stdout.contains("31/12/2026"),
            "{} {}",
            run.stdout,
            run.stderr
        );
        let run = lantoa(
            &app,
            &[
                "policy",
                "set",
                "--year",
                "2027",
                "--target",
                "60",
                "--period-start",
                "15/12/2026",
                "--period-end",
                "14/12/2027",
            ],
        )
        .await;
        assert!(run.ok, "{}", run.stderr);
        assert!(
            !lantoa(
                &app,
                &[
                    "policy",
                    "set",
                    "--year",
                    "2026",
                    "--target",
                    "1",
                    "--period-start",
                    "2026-12-01",
                    "--period-end",
                    "2026-01-01"
                ]
            )
            .await
            .ok
        );
        let policy = lantoa::db::policy::row_for_year(&app.db, 2027)
            .await
            .expect("db")
            .expect("policy");
        assert_eq!(
            (policy.target, policy.period_start.to_string()),
            (60, "2026-12-15".to_owned())
        );

        let run = lantoa(
            &app,
            &[
                "token",
                "create",
                "--staff-code",
                "DB003",
                "--name",
                "xuất số liệu",
                "--read-only",
            ],
        )
        .await;
        assert!(run.ok, "{}", run.stderr);
        let secret = run.stdout.lines().last().unwrap_or_default().to_owned();
        assert!(
            secret.starts_with("lt_"),
            "the token alone on the last line: {}",
            run.stdout
        );
        let stored = lantoa::db::tokens::find_live(&app.db, &secret)
            .await
            .expect("db")
            .expect("token is stored");
        assert!(stored.read_only);
        assert_ne!(stored.token_hash, secret, "stored hashed");
        let list = lantoa(&app, &["token", "list", "--staff-code", "DB003"]).await;
        assert!(
            list.ok && list.stdout.contains("xuất số liệu") && !list.stdout.contains(&secret),
            "{}",
            list.stdout
        );
        let revoke = lantoa(&app, &["token", "revoke", &stored.id.to_string()]).await;
        assert!(revoke.ok, "{}", revoke.stderr);
        assert!(
            lantoa::db::tokens::find_live(&app.db, &secret)
                .await
                .expect("db")
                .is_none()
        );

        let out = dir.path().join("export.json");
        let run = lantoa(
            &app,
            &[
                "export",
                "evaluation",
                "--year",
                "2026",
                "--format",
                "json",
                "-o",
                &out.display().to_string(),
            ],
        )
        .await;
        assert!(run.ok, "{}", run.stderr);
        let export: Value =
            serde_json::from_str(&std::fs::read_to_string(&out).expect("file")).expect("json");
        assert_eq!(export["rows"].as_array().map(Vec::len), Some(4));
        assert_eq!(export["rows"][0]["target"], 120);
        let audited = app.count("audit_events").await;
        assert!(
            audited >= 6,
            "role, policy, token and export changes are audited ({audited})"
        );
        app.finish().await
    }
);

both_databases!(migrate_is_idempotent, |app| async move {
    let run = lantoa(&app, &["migrate"]).await;
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stdout.contains("0 migration"),
        "already migrated: {}",
        run.stdout
    );
    app.finish().await
});

both_databases!(
    the_cli_refuses_a_public_suffix_rule_unless_confirmed_and_purges_by_the_web_setting,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let dir = tempfile::tempdir().expect("dir");
        let rules = write(
            dir.path(),
            "rules.csv",
            "kind,pattern,category,label\nsuffix,com.vn,press,Mọi trang .com.vn\n",
        );
        let before = app.count("allowlist_rules").await;
        let run = lantoa(&app, &["allowlist", "import", &rules]).await;
        assert!(!run.ok, "{}", run.stdout);
        assert!(run.stderr.contains("hậu tố công cộng"), "{}", run.stderr);
        assert_eq!(app.count("allowlist_rules").await, before);
        let run = lantoa(
            &app,
            &["allowlist", "import", "--confirm-restricted-suffix", &rules],
        )
        .await;
        assert!(run.ok, "{}", run.stderr);
        assert_eq!(app.count("allowlist_rules").await, before + 1);

        lantoa::db::app_settings::set(&app.db, "retention_days", "400", "DB005")
            .await
            .expect("setting");
        let run = lantoa(&app, &["purge", "--dry-run"]).await;
        assert!(run.ok, "{}", run.stderr);
        assert!(run.stdout.contains("lưu giữ 400 ngày"), "{}", run.stdout);
        app.finish().await
    }
);
