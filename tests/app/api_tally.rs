//! Tallies through the API: own progress, unit tallies with their scope, the evaluation export.

use axum::http::StatusCode;
use entity::share;
use lantoa::domain::roster::ShareStatus;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

async fn log(app: &TestApp, token: &str, path: &str, date: &str) -> Value {
    let (status, body) = app
        .post("/api/v1/shares", token, json!({"source_url": format!("https://dienbien.gov.vn/{path}"), "platform": "facebook", "shared_on": date}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

both_databases!(
    a_share_logged_at_2330_on_31_december_counts_in_that_year,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let token = app.token_for("DB001").await;
        app.set_policy(2025, 10).await;
        app.set_policy(2026, 10).await;
        // 16:30 UTC is 23:30 in Asia/Ho_Chi_Minh (UTC+7).
        app.set_clock("2025-12-31T16:30:00Z");
        let body = log(&app, &token, "new-year-eve", "").await;
        assert_eq!(body["shared_on"], "2025-12-31");
        // Half an hour later it is 1 January locally.
        app.set_clock("2025-12-31T17:00:00Z");
        let body = log(&app, &token, "new-year", "").await;
        assert_eq!(body["shared_on"], "2026-01-01");

        let (_, y2025) = app.get("/api/v1/me/tally?year=2025", &token).await;
        let (_, y2026) = app.get("/api/v1/me/tally?year=2026", &token).await;
        assert_eq!(
            (y2025["accepted"].clone(), y2026["accepted"].clone()),
            (json!(1), json!(1))
        );
        let december = y2025["by_month"]
            .as_array()
            .and_then(|m| m.last())
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (december["month"].clone(), december["accepted"].clone()),
            (json!(12), json!(1))
        );
        app.finish().await
    }
);

both_databases!(
    targets_are_pro_rated_by_days_employed_and_rejections_do_not_count,
    |app| async move {
        let roster = format!(
            "{ROSTER_CSV}DB005,Vừ A Dính,,XMP-VP,,vien_chuc,2026-07-01,\nDB006,Lường Văn Em,,XMP-VP,,cong_chuc,2025-01-01,2026-03-31\nDB007,Sùng Thị Gấm,,XMP-VP,,cong_chuc,2027-01-01,\n"
        );
        app.seed_roster(UNITS_CSV, &roster).await;
        app.set_policy(2026, 100).await;
        app.set_clock("2026-07-10T03:00:00Z");
        let token = app.token_for("DB005").await;
        for n in 0..3 {
            log(&app, &token, &format!("p/{n}"), "2026-07-05").await;
        }
        // A reviewer rejects one: it moves from accepted to rejected.
        let person = lantoa::db::people::by_staff_code(&app.db, "DB005")
            .await
            .expect("db")
            .expect("person");
        let first = share::Entity::find()
            .filter(share::Column::PersonId.eq(person.id))
            .one(&app.db)
            .await
            .expect("db")
            .expect("a share");
        lantoa::db::shares::set_status(
            &app.db,
            &first,
            ShareStatus::Rejected,
            Some("Không phải bài của đơn vị".into()),
            None,
            chrono::Utc::now(),
        )
        .await
        .expect("review");

        let (status, me) = app.get("/api/v1/me/tally?year=2026", &token).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        // 184 of 365 days: 100 × 184 / 365 = 50.4 → 50.
        assert_eq!(
            (
                me["accepted"].clone(),
                me["rejected"].clone(),
                me["target"].clone(),
                me["met"].clone()
            ),
            (json!(2), json!(1), json!(50), json!(false))
        );

        app.grant("DB003", "home_affairs", None).await;
        let ha = app.token_for("DB003").await;
        let (status, export) = app
            .get("/api/v1/exports/evaluation?year=2026&format=json", &ha)
            .await;
        assert_eq!(status, StatusCode::OK, "{export}");
        let rows = export["rows"].as_array().cloned().unwrap_or_default();
        let find = |code: &str| rows.iter().find(|r| r["staff_code"] == code).cloned();
        let left = find("DB006").expect("someone who left during the year is included");
        // 1 Jan – 31 Mar 2026 is 90 days: 100 × 90 / 365 = 24.66 → 25.
        assert_eq!(left["target"], 25);
        assert!(
            find("DB007").is_none(),
            "someone who starts next year is not in this year's tally"
        );
        let dinh = find("DB005").expect("DB005");
        assert_eq!(
            (dinh["unit_name"].clone(), dinh["employment_type"].clone()),
            (
                json!("Văn phòng HĐND và UBND xã Mường Phăng"),
                json!("vien_chuc")
            )
        );
        assert!(dinh.get("position").is_some());
        app.finish().await
    }
);

both_databases!(without_a_policy_target_and_met_are_null, |app| async move {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let token = app.token_for("DB001").await;
    let (status, me) = app.get("/api/v1/me/tally?year=2026", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (me["target"].clone(), me["met"].clone()),
        (Value::Null, Value::Null)
    );
    let (status, body) = app.get("/api/v1/me/tally?year=1800", &token).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_year"))
    );
    let (status, body) = app.get("/api/v1/me/shares?year=abc", &token).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_query"))
    );
    app.finish().await
});

both_databases!(my_shares_lists_the_period_newest_first, |app| async move {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let token = app.token_for("DB001").await;
    app.set_clock("2026-03-20T03:00:00Z");
    log(&app, &token, "a", "2026-02-27").await;
    log(&app, &token, "b", "2026-03-02").await;
    log(&app, &token, "c", "2026-03-15").await;
    let (_, all) = app.get("/api/v1/me/shares?year=2026", &token).await;
    let dates: Vec<Value> = all["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| i["shared_on"].clone())
        .collect();
    assert_eq!(
        dates,
        vec![
            json!("2026-03-15"),
            json!("2026-03-02"),
            json!("2026-02-27")
        ]
    );
    let (_, march) = app.get("/api/v1/me/shares?year=2026&month=3", &token).await;
    assert_eq!(march["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(march["items"][0]["status"], "accepted");
    let (_, other_year) = app.get("/api/v1/me/shares?year=2025", &token).await;
    assert_eq!(other_year["items"], json!([]));
    app.finish().await
});

both_databases!(
    unit_tallies_are_scoped_to_the_heads_subtree,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        app.grant("DB002", "unit_head", Some("XMP")).await;
        app.grant("DB003", "home_affairs", None).await;
        let staff = app.token_for("DB001").await;
        let head = app.token_for("DB002").await;
        let ha = app.token_for("DB003").await;
        let outsider = app.token_for("DB004").await;
        log(&app, &staff, "u/1", "").await;

        let (status, body) = app.get("/api/v1/units/XMP/tally?year=2026", &head).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let codes: Vec<Value> = body["rows"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|r| r["staff_code"].clone())
            .collect();
        // Vietnamese order: An (Nguyễn Văn An) before Bình (Lò Thị Bình).
        assert_eq!(
            codes,
            vec![json!("DB001"), json!("DB002")],
            "the head sees the commune and its division"
        );
        let an = &body["rows"][0];
        assert_eq!(
            (
                an["unit_code"].clone(),
                an["accepted"].clone(),
                an["full_name"].clone()
            ),
            (json!("XMP-VP"), json!(1), json!("Nguyễn Văn An"))
        );
        assert_eq!(
            app.get("/api/v1/units/XMP-VP/tally?year=2026", &head)
                .await
                .0,
            StatusCode::OK,
            "a sub-unit is inside the scope"
        );

        let cases = [
            (
                "/api/v1/units/SNV/tally?year=2026",
                &head,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/units/DB/tally?year=2026",
                &head,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/units/XMP/tally?year=2026",
                &staff,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/units/XMP/tally?year=2026",
                &outsider,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/units/NOPE/tally?year=2026",
                &staff,
                StatusCode::FORBIDDEN,
            ),
            ("/api/v1/units/DB/tally?year=2026", &ha, StatusCode::OK),
            (
                "/api/v1/units/NOPE/tally?year=2026",
                &ha,
                StatusCode::NOT_FOUND,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=json",
                &head,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=json",
                &staff,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=json",
                &ha,
                StatusCode::OK,
            ),
        ];
        for (path, token, expected) in cases {
            let (status, body) = app.get(path, token).await;
            assert_eq!(status, expected, "{path}: {body}");
            if expected == StatusCode::FORBIDDEN {
                assert_eq!(body["error"]["code"], "forbidden", "{path}");
            }
        }
        let (_, province) = app.get("/api/v1/units/DB/tally?year=2026", &ha).await;
        assert_eq!(province["rows"].as_array().map(Vec::len), Some(4));
        assert!(
            app.count("audit_events").await >= 1,
            "the export was audited"
        );
        app.finish().await
    }
);
