//! Review through the API: scope, reasons, restore, visibility to the person, audit, bulk, and
//! closing a year (frozen figures, no more changes) and reopening it.

use axum::http::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

async fn setup(app: &TestApp) -> (String, String, String, String) {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    app.grant("DB002", "unit_head", Some("XMP")).await;
    app.grant("DB003", "home_affairs", None).await;
    let staff = app.token_for("DB001").await;
    let head = app.token_for("DB002").await;
    let home_affairs = app.token_for("DB003").await;
    let outsider = app.token_for("DB004").await;
    (staff, head, home_affairs, outsider)
}

async fn log(app: &TestApp, token: &str, path: &str) -> i64 {
    let (status, body) = app
        .post("/api/v1/shares", token, json!({"source_url": format!("https://dienbien.gov.vn/{path}"), "platform": "facebook"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().expect("id")
}

async fn accepted(app: &TestApp, token: &str) -> Value {
    let year = chrono::Datelike::year(&app.state.clock.today());
    app.get(&format!("/api/v1/me/tally?year={year}"), token)
        .await
        .1["accepted"]
        .clone()
}

both_databases!(
    a_unit_head_rejects_and_restores_within_scope_only,
    |app| async move {
        let (staff, head, home_affairs, outsider) = setup(&app).await;
        let first = log(&app, &staff, "r/1").await;
        log(&app, &staff, "r/2").await;
        assert_eq!(accepted(&app, &staff).await, json!(2));

        let path = format!("/api/v1/shares/{first}/review");
        let (status, body) = app.post(&path, &head, json!({"decision": "reject"})).await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("reason_required")),
            "a rejection needs a reason"
        );
        let (status, _) = app
            .post(
                &path,
                &outsider,
                json!({"decision": "reject", "reason": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "not a unit head");
        let (status, _) = app
            .post(
                &path,
                &home_affairs,
                json!({"decision": "reject", "reason": "x"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "Home Affairs reads, it does not review"
        );
        let (status, _) = app
            .post(&path, &head, json!({"decision": "maybe", "reason": "x"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let (status, body) = app.post(&path, &head, json!({"decision": "reject", "reason": "Bài không thuộc nguồn chính thống của tỉnh"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            (
                body["share"]["status"].clone(),
                body["share"]["review"]["decision"].clone()
            ),
            (json!("rejected"), json!("reject"))
        );
        assert_eq!(
            accepted(&app, &staff).await,
            json!(1),
            "a rejected entry no longer counts"
        );

        // The person sees the decision and the reason.
        let year = chrono::Datelike::year(&app.state.clock.today());
        let (_, mine) = app
            .get(&format!("/api/v1/me/shares?year={year}"), &staff)
            .await;
        let rejected = mine["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["id"] == first))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            rejected["review"]["reason"],
            "Bài không thuộc nguồn chính thống của tỉnh"
        );

        // The head's listing carries status, decision and reason too.
        let (status, listed) = app
            .get(
                &format!("/api/v1/shares?staff_code=DB001&year={year}"),
                &head,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed["items"].as_array().map(Vec::len), Some(2));
        let (status, _) = app
            .get(
                &format!("/api/v1/shares?staff_code=DB001&year={year}"),
                &outsider,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, body) = app.post(&path, &head, json!({"decision": "restore"})).await;
        assert_eq!(
            (status, body["share"]["status"].clone()),
            (StatusCode::OK, json!("accepted"))
        );
        assert_eq!(
            accepted(&app, &staff).await,
            json!(2),
            "restored entries count again"
        );

        let audit = entity::audit_event::Entity::find()
            .all(&app.db)
            .await
            .expect("db");
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.contains(&"share.reject") && actions.contains(&"share.restore"),
            "{actions:?}"
        );
        app.finish().await
    }
);

both_databases!(
    a_head_cannot_review_their_own_entries_or_people_outside,
    |app| async move {
        let (_, head, _, outsider) = setup(&app).await;
        let own = log(&app, &head, "own/1").await;
        let (status, _) = app
            .post(
                &format!("/api/v1/shares/{own}/review"),
                &head,
                json!({"decision": "reject", "reason": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no reviewing oneself");
        let elsewhere = log(&app, &outsider, "svh/1").await;
        let (status, _) = app
            .post(
                &format!("/api/v1/shares/{elsewhere}/review"),
                &head,
                json!({"decision": "reject", "reason": "x"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "DB004 is in SVH, outside XMP"
        );
        app.finish().await
    }
);

both_databases!(bulk_rejection_answers_each_entry, |app| async move {
    let (staff, head, _, outsider) = setup(&app).await;
    let a = log(&app, &staff, "b/1").await;
    let b = log(&app, &staff, "b/2").await;
    let c = log(&app, &outsider, "b/3").await;
    let (status, body) = app
        .post(
            "/api/v1/shares/review",
            &head,
            json!({"ids": [a, b, c, 999999], "decision": "reject", "reason": "Trùng lặp"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let oks: Vec<Value> = body["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| r["ok"].clone())
        .collect();
    assert_eq!(
        oks,
        vec![json!(true), json!(true), json!(false), json!(false)]
    );
    assert_eq!(body["results"][2]["error"]["code"], "forbidden");
    assert_eq!(body["results"][3]["error"]["code"], "not_found");
    assert_eq!(accepted(&app, &staff).await, json!(0));
    let (status, body) = app
        .post(
            "/api/v1/shares/review",
            &head,
            json!({"ids": [a], "decision": "reject"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("reason_required"))
    );
    app.finish().await
});

both_databases!(a_closed_year_is_frozen_until_reopened, |app| async move {
    let (staff, head, home_affairs, _) = setup(&app).await;
    app.set_clock("2026-06-15T03:00:00Z");
    let first = log(&app, &staff, "c/1").await;
    log(&app, &staff, "c/2").await;
    let (status, body) = app
        .put_json(
            "/api/v1/policies/2026",
            &home_affairs,
            json!({"target": 4, "levels": [{"name": "Vượt", "min_percent": 150}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["levels"][0]["name"], "Vượt");
    let (status, body) = app
        .post("/api/v1/policies/2026/close", &home_affairs, json!({}))
        .await;
    assert_eq!(
        (status, body["people"].clone()),
        (StatusCode::OK, json!(4)),
        "{body}"
    );

    // Later edits change nothing in the closed year.
    let (status, body) = app
        .post(
            &format!("/api/v1/shares/{first}/review"),
            &head,
            json!({"decision": "reject", "reason": "x"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("year_closed"))
    );
    let (status, body) = app
        .post(
            "/api/v1/shares",
            &staff,
            json!({"source_url": "https://dienbien.gov.vn/c/3", "platform": "zalo"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("year_closed"))
    );
    let (status, body) = app
        .put_json("/api/v1/policies/2026", &home_affairs, json!({"target": 1}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::CONFLICT, json!("year_closed"))
    );
    let units = "code,name,kind,parent_code\nXMP-VP,Văn phòng (tên mới),division,SNV\n";
    let rows = lantoa::import::units::parse(units).expect("parse");
    lantoa::db::units::import(&app.db, &rows)
        .await
        .expect("db")
        .expect("moved");
    let (_, export) = app
        .get(
            "/api/v1/exports/evaluation?year=2026&format=json",
            &home_affairs,
        )
        .await;
    assert_eq!(export["closed"], true);
    let an = export["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["staff_code"] == "DB001"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            an["accepted"].clone(),
            an["unit_name"].clone(),
            an["target"].clone()
        ),
        (
            json!(2),
            json!("Văn phòng HĐND và UBND xã Mường Phăng"),
            json!(4)
        ),
        "frozen: {an}"
    );
    let (_, unit) = app.get("/api/v1/units/XMP/tally?year=2026", &head).await;
    assert!(
        unit["rows"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["staff_code"] == "DB001")),
        "the closed year keeps people in the unit they were in"
    );

    // Only an admin reopens; then figures are live again.
    let (status, _) = app
        .post("/api/v1/policies/2026/reopen", &home_affairs, json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.grant("DB004", "admin", None).await;
    let admin = app.token_for("DB004").await;
    let (status, _) = app
        .post("/api/v1/policies/2026/reopen", &admin, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    // Live again: DB001's division now sits under SNV, so the XMP head no longer reviews them.
    let (status, _) = app
        .post(
            &format!("/api/v1/shares/{first}/review"),
            &head,
            json!({"decision": "reject", "reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &format!("/api/v1/shares/{first}/review"),
            &admin,
            json!({"decision": "reject", "reason": "x"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "reviews are possible again once reopened"
    );
    let actions: Vec<String> = entity::audit_event::Entity::find()
        .all(&app.db)
        .await
        .expect("db")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["policy.set", "policy.close", "policy.reopen"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
    app.finish().await
});

both_databases!(invalid_policies_are_refused, |app| async move {
    let (_, _, home_affairs, _) = setup(&app).await;
    let cases = [
        json!({"target": 10, "period_start": "2026-12-01", "period_end": "2026-01-01"}),
        json!({"target": 10, "levels": [{"name": "", "min_percent": 150}]}),
        json!({"target": "many"}),
    ];
    for body in cases {
        let (status, answer) = app
            .put_json("/api/v1/policies/2026", &home_affairs, body.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
    }
    let (status, body) = app
        .put_json(
            "/api/v1/policies/2027",
            &home_affairs,
            json!({"target": 60, "period_start": "2026-12-15", "period_end": "2027-12-14"}),
        )
        .await;
    assert_eq!(
        (status, body["period_start"].clone()),
        (StatusCode::OK, json!("2026-12-15"))
    );
    app.finish().await
});
