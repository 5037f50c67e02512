//! The counters kept beside the shares (`tally_months`, `share_rollups`): after a mixed
//! sequence of imports, submissions, rejections (one by one and in bulk), reinstatements, a
//! move to another unit and a purge they equal a recount of the shares; a damaged counter is
//! found by the check (`lantoa doctor`) and corrected, and audited, by the repair
//! (`lantoa rollup rebuild`).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::Datelike;
use lantoa::db::audit::Actor;
use lantoa::db::counters::Drift;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

/// Older shares over two years, several hosts, platforms and units, as a spreadsheet brings.
const IMPORTED: &str = "staff_code,source_url,platform,post_url,shared_on
DB001,https://dienbien.gov.vn/tin/1,facebook,,2025-03-15
DB001,https://baodienbienphu.vn/tin/2,zalo,,2025-06-30
DB001,https://nhandan.vn/tin/3,zalo,,2025-07-01
DB001,https://baodienbienphu.vn/tin/4,facebook,,2025-07-20
DB002,https://baodienbienphu.vn/tin/4,facebook,,2025-07-21
DB002,https://nhandan.vn/tin/5,tiktok,,2025-12-31
DB004,https://dienbien.gov.vn/tin/6,zalo,,2026-01-02
DB004,https://baodienbienphu.vn/tin/7,facebook,,2026-02-28
";

/// Shares per counter key, recounted here from the share rows themselves.
async fn recount(app: &TestApp) -> (BTreeMap<String, (i32, i32)>, BTreeMap<String, (i32, i32)>) {
    let mut months = BTreeMap::new();
    let mut rollups = BTreeMap::new();
    for s in entity::share::Entity::find()
        .all(&app.db)
        .await
        .expect("shares")
    {
        let one = if s.status == "accepted" {
            (1, 0)
        } else {
            (0, 1)
        };
        let (y, m) = (s.shared_on.year(), s.shared_on.month());
        let add = |map: &mut BTreeMap<String, (i32, i32)>, key: String| {
            let e = map.entry(key).or_insert((0, 0));
            e.0 += one.0;
            e.1 += one.1;
        };
        add(
            &mut months,
            format!("{}/{}/{y}/{m}", s.person_id, s.unit_id),
        );
        add(
            &mut rollups,
            format!(
                "{y}/{}/{}/{}/{}/{}/{m}",
                s.unit_id,
                s.platform,
                s.rule_category.unwrap_or_default(),
                s.source_host,
                s.rule_label.unwrap_or_default()
            ),
        );
    }
    (months, rollups)
}

/// The counter rows that count something.
async fn stored(app: &TestApp) -> (BTreeMap<String, (i32, i32)>, BTreeMap<String, (i32, i32)>) {
    let months = entity::tally_month::Entity::find()
        .all(&app.db)
        .await
        .expect("tally_months")
        .into_iter()
        .filter(|t| (t.accepted, t.rejected) != (0, 0))
        .map(|t| {
            (
                format!("{}/{}/{}/{}", t.person_id, t.unit_id, t.year, t.month),
                (t.accepted, t.rejected),
            )
        })
        .collect();
    let rollups = entity::share_rollup::Entity::find()
        .all(&app.db)
        .await
        .expect("share_rollups")
        .into_iter()
        .filter(|r| (r.accepted, r.rejected) != (0, 0))
        .map(|r| {
            (
                format!(
                    "{}/{}/{}/{}/{}/{}/{}",
                    r.year, r.unit_id, r.platform, r.category, r.source_host, r.rule_label, r.month
                ),
                (r.accepted, r.rejected),
            )
        })
        .collect();
    (months, rollups)
}

async fn counters_equal_a_recount(app: &TestApp, when: &str) {
    let (months, rollups) = stored(app).await;
    let (want_months, want_rollups) = recount(app).await;
    assert_eq!(months, want_months, "tally_months {when}");
    assert_eq!(rollups, want_rollups, "share_rollups {when}");
    let drift = lantoa::service::counters::check(&app.db)
        .await
        .expect("check");
    assert!(drift.iter().all(Drift::is_clean), "{when}: {drift:?}");
}

async fn log(app: &TestApp, token: &str, url: &str, platform: &str, day: &str) -> i64 {
    let (status, body) = app
        .post(
            "/api/v1/shares",
            token,
            json!({"source_url": url, "platform": platform, "shared_on": day}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().expect("id")
}

async fn review(app: &TestApp, token: &str, id: i64, decision: &str) {
    let (status, body) = app
        .post(
            &format!("/api/v1/shares/{id}/review"),
            token,
            json!({"decision": decision, "reason": "Không đúng nguồn"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

both_databases!(
    counters_equal_a_recount_after_submissions_reviews_a_move_and_a_purge,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        app.set_clock("2026-03-10T03:00:00Z");
        app.grant("DB002", "unit_head", Some("XMP")).await;
        app.grant("DB003", "admin", None).await;
        let staff = app.token_for("DB001").await;
        let head = app.token_for("DB002").await;
        let admin = app.token_for("DB003").await;
        let other = app.token_for("DB004").await;

        let plan = lantoa::service::share_import::import(
            &app.db,
            &Actor::cli(),
            &app.state.allowlist(),
            IMPORTED,
            lantoa::service::share_import::Options {
                skip_invalid: false,
                dry_run: false,
                expected_digest: None,
                source: "old.csv",
                now: app.state.clock.now(),
            },
        )
        .await
        .expect("imported");
        assert_eq!(plan.counts().0, 8);
        counters_equal_a_recount(&app, "after the import").await;

        // Submissions through the group-commit writer, some at the same time.
        let mut ids = Vec::new();
        for (i, (url, platform)) in [
            ("https://dienbien.gov.vn/moi/1", "facebook"),
            ("https://baodienbienphu.vn/moi/2", "zalo"),
            ("https://nhandan.vn/moi/3", "tiktok"),
            ("https://baodienbienphu.vn/moi/4", "facebook"),
        ]
        .into_iter()
        .enumerate()
        {
            let day = format!("2026-03-{:02}", 7 + i);
            ids.push(log(&app, &staff, url, platform, &day).await);
        }
        let together = futures_util::future::join_all((0..6).map(|i| {
            let (app, other) = (&app, &other);
            async move {
                log(
                    app,
                    other,
                    &format!("https://baodienbienphu.vn/cung-luc/{i}"),
                    "zalo",
                    "2026-03-09",
                )
                .await
            }
        }))
        .await;
        assert_eq!(together.len(), 6);
        counters_equal_a_recount(&app, "after submissions").await;

        // Rejections one by one and in bulk, and a reinstatement.
        review(&app, &head, ids[0], "reject").await;
        review(&app, &head, ids[1], "reject").await;
        review(&app, &head, ids[1], "restore").await;
        let (status, body) = app
            .post(
                "/api/v1/shares/review",
                &head,
                json!({"ids": [ids[2], ids[3]], "decision": "reject", "reason": "Trùng lặp"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for id in &together[..2] {
            review(&app, &admin, *id, "reject").await;
        }
        review(&app, &admin, together[0], "restore").await;
        counters_equal_a_recount(&app, "after reviews").await;

        // A move: shares stay with the unit they were logged in, new ones go to the new unit.
        lantoa::service::roster::move_to(&app.db, &Actor::cli(), "DB001", "SNV")
            .await
            .expect("moved");
        log(
            &app,
            &staff,
            "https://dienbien.gov.vn/sau-chuyen/1",
            "zalo",
            "2026-03-10",
        )
        .await;
        review(&app, &admin, ids[3], "restore").await;
        counters_equal_a_recount(&app, "after a move").await;

        // A purge of everything before July 2025.
        let cut = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let purged = lantoa::service::retention::purge(
            &app.db,
            &Actor::cli(),
            cut,
            400,
            app.state.clock.now(),
            None,
        )
        .await
        .expect("purged");
        assert_eq!(purged.shares, 2);
        counters_equal_a_recount(&app, "after a purge").await;
        let years: Vec<i32> = entity::share_rollup::Entity::find()
            .all(&app.db)
            .await
            .expect("rollups")
            .iter()
            .filter(|r| (r.year, r.month) < (2025, 7))
            .map(|r| r.year)
            .collect();
        assert!(years.is_empty(), "no counter left for purged months");
        app.finish().await
    }
);

both_databases!(
    the_check_finds_damaged_counters_and_the_repair_corrects_and_audits_them,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        app.set_clock("2026-03-10T03:00:00Z");
        let staff = app.token_for("DB001").await;
        for i in 0..3 {
            log(
                &app,
                &staff,
                &format!("https://baodienbienphu.vn/hong/{i}"),
                "facebook",
                "2026-03-09",
            )
            .await;
        }
        log(
            &app,
            &staff,
            "https://nhandan.vn/hong/9",
            "zalo",
            "2026-02-27",
        )
        .await;
        let clean = lantoa::service::counters::check(&app.db)
            .await
            .expect("check");
        assert_eq!(clean.len(), 2);
        assert!(clean.iter().all(Drift::is_clean), "{clean:?}");

        // One wrong count, one row lost, one row with nothing behind it, in each table.
        for sql in [
            "UPDATE share_rollups SET accepted = accepted + 5 WHERE platform = 'facebook'",
            "DELETE FROM share_rollups WHERE platform = 'zalo'",
            "INSERT INTO share_rollups (year, unit_id, platform, category, source_host, \
             rule_label, month, accepted, rejected) \
             SELECT 2024, unit_id, 'zalo', '', 'x.vn', '', 1, 2, 0 FROM tally_months LIMIT 1",
            // No account is declared here, so no share counts as matched.
            "UPDATE tally_months SET rejected = 1, matched = matched + 2 WHERE month = 3",
            "DELETE FROM tally_months WHERE month = 2",
        ] {
            app.db.execute_unprepared(sql).await.expect(sql);
        }
        let damaged = lantoa::service::counters::check(&app.db)
            .await
            .expect("check");
        let by_table = |drift: &[Drift], table: &str| {
            drift
                .iter()
                .find(|d| d.table == table)
                .map(|d| (d.missing, d.extra, d.wrong))
        };
        assert_eq!(by_table(&damaged, "share_rollups"), Some((1, 1, 1)));
        assert_eq!(by_table(&damaged, "tally_months"), Some((1, 0, 1)));

        let repaired = lantoa::service::counters::repair(&app.db, &Actor::cli())
            .await
            .expect("repair");
        assert_eq!(repaired, damaged, "the repair reports what it found");
        counters_equal_a_recount(&app, "after the repair").await;
        assert_eq!(
            app.count("tally_months WHERE matched <> 0").await,
            0,
            "the match counts are repaired too"
        );
        let again = lantoa::service::counters::repair(&app.db, &Actor::cli())
            .await
            .expect("repair");
        assert!(again.iter().all(Drift::is_clean), "{again:?}");
        assert_eq!(
            app.count("audit_events WHERE action = 'counters.repair'")
                .await,
            2,
            "each repair is audited"
        );
        app.finish().await
    }
);
