//! Logging shares through `POST /api/v1/shares`, the batch endpoint and the dry run.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

async fn staff_app(app: &TestApp) -> String {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    app.token_for("DB001").await
}

both_databases!(
    an_accepted_share_is_stored_normalised_with_its_rule,
    |app| async move {
        let token = staff_app(&app).await;
        let (status, body) = app
        .post(
            "/api/v1/shares",
            &token,
            json!({"source_url": "  HTTPS://BaoDienBienPhu.vn:443/tin-tuc/./a.html?utm_source=fb&id=7#top ", "platform": "facebook",
                   "post_url": "https://www.facebook.com/an.nguyen/posts/123456789?mibextid=abc"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["status"], "accepted");
        assert_eq!(
            body["source_url"],
            "https://baodienbienphu.vn/tin-tuc/a.html?id=7"
        );
        assert_eq!(body["platform"], "facebook");
        assert_eq!(
            body["post_url"],
            "https://www.facebook.com/an.nguyen/posts/123456789"
        );
        assert_eq!(body["rule"]["label"], "Báo Điện Biên Phủ");
        assert_eq!(body["rule"]["category"], "press");
        assert_eq!(
            body["shared_on"],
            app.state.clock.today().to_string(),
            "defaults to today in Asia/Ho_Chi_Minh"
        );
        assert!(body["id"].as_i64().is_some());
        assert_eq!(app.count("shares").await, 1);
        app.finish().await
    }
);

both_databases!(
    every_source_rejection_is_a_422_with_the_verifier_code,
    |app| async move {
        let token = staff_app(&app).await;
        let cases = [
            ("https://example.com/a", "not_allowlisted"),
            ("https://fakegov.vn/a", "not_allowlisted"),
            ("https://gov.vn.example.com/a", "not_allowlisted"),
            ("https://bit.ly/3abc", "short_link"),
            ("ftp://dienbien.gov.vn/a", "unsupported_scheme"),
            ("javascript:alert(1)", "unsupported_scheme"),
            ("https://user:pw@dienbien.gov.vn/a", "credentials_in_url"),
            ("http://127.0.0.1/a", "ip_host"),
            ("https://dienbien.gov.vn:8443/a", "nonstandard_port"),
            ("http://", "invalid_url"),
            ("", "invalid_url"),
        ];
        for (url, code) in cases {
            let (status, body) = app
                .post(
                    "/api/v1/shares",
                    &token,
                    json!({"source_url": url, "platform": "facebook"}),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {body}");
            assert_eq!(body["error"]["code"], code, "{url}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{url} has a message"
            );
        }
        let long = format!("https://dienbien.gov.vn/{}", "a".repeat(2100));
        let (status, body) = app
            .post(
                "/api/v1/shares",
                &token,
                json!({"source_url": long, "platform": "zalo"}),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("too_long"))
        );
        assert_eq!(
            app.count("shares").await,
            0,
            "nothing stored for rejected sources"
        );
        app.finish().await
    }
);

both_databases!(
    post_addresses_are_checked_against_the_platform,
    |app| async move {
        let token = staff_app(&app).await;
        let source = "https://dienbien.gov.vn/tin/1";
        let cases = [
            (
                "tiktok",
                "https://www.facebook.com/a/posts/1",
                "platform_mismatch",
            ),
            (
                "facebook",
                "https://www.youtube.com/watch?v=abc",
                "platform_mismatch",
            ),
            (
                "facebook",
                "https://www.facebook.com/groups",
                "invalid_post_url",
            ),
            (
                "facebook",
                "https://l.facebook.com/l.php?u=https%3A%2F%2Fdienbien.gov.vn",
                "invalid_post_url",
            ),
            ("youtube", "not a url at all", "invalid_post_url"),
        ];
        for (platform, post, code) in cases {
            let (status, body) = app
                .post(
                    "/api/v1/shares",
                    &token,
                    json!({"source_url": source, "platform": platform, "post_url": post}),
                )
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{platform} {post}: {body}"
            );
            assert_eq!(body["error"]["code"], code, "{platform} {post}");
        }
        let (status, body) = app
            .post(
                "/api/v1/shares",
                &token,
                json!({"source_url": source, "platform": "myspace"}),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_platform"))
        );
        let (status, _) = app
            .post(
                "/api/v1/shares",
                &token,
                json!({"source_url": source, "platform": "zalo", "post_url": ""}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "an empty post address is no post address (Zalo timelines have none)"
        );
        app.finish().await
    }
);

both_databases!(
    dates_in_the_future_or_too_old_are_refused,
    |app| async move {
        let token = staff_app(&app).await;
        let today = app.state.clock.today();
        let cases = [
            (
                (today + chrono::Duration::days(1)).to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                (today - chrono::Duration::days(32)).to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            ("31/02/2026".to_owned(), StatusCode::UNPROCESSABLE_ENTITY),
            (
                (today - chrono::Duration::days(31))
                    .format("%d/%m/%Y")
                    .to_string(),
                StatusCode::CREATED,
            ),
        ];
        for (n, (date, expected)) in cases.into_iter().enumerate() {
            let (status, body) = app
            .post("/api/v1/shares", &token, json!({"source_url": format!("https://dienbien.gov.vn/d/{n}"), "platform": "facebook", "shared_on": date}))
            .await;
            assert_eq!(status, expected, "{date}: {body}");
            if expected != StatusCode::CREATED {
                assert_eq!(body["error"]["code"], "invalid_date", "{date}");
            }
        }
        app.finish().await
    }
);

both_databases!(
    the_same_source_twice_is_a_duplicate_and_a_post_is_claimed_once,
    |app| async move {
        let token = staff_app(&app).await;
        let other = app.token_for("DB004").await;
        let first = json!({"source_url": "https://dienbien.gov.vn/tin/1", "platform": "facebook", "post_url": "https://www.facebook.com/an/posts/42"});
        assert_eq!(
            app.post("/api/v1/shares", &token, first).await.0,
            StatusCode::CREATED
        );
        // The same article in another spelling, on the same platform.
        let (status, body) = app
        .post("/api/v1/shares", &token, json!({"source_url": "http://www.dienbien.gov.vn/tin/1?fbclid=x", "platform": "facebook"}))
        .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("duplicate")),
            "{body}"
        );
        // On another platform it is a new share.
        let (status, _) = app
            .post(
                "/api/v1/shares",
                &token,
                json!({"source_url": "https://dienbien.gov.vn/tin/1", "platform": "zalo"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        // Someone else claiming the same post, spelled differently.
        let (status, body) = app
        .post("/api/v1/shares", &other, json!({"source_url": "https://nhandan.vn/x", "platform": "facebook", "post_url": "https://m.facebook.com/an/posts/42/?mibextid=1"}))
        .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("post_already_claimed")),
            "{body}"
        );
        assert_eq!(app.count("shares").await, 2);
        app.finish().await
    }
);

both_databases!(
    an_idempotency_key_replays_the_first_answer_and_stores_nothing_new,
    |app| async move {
        let token = staff_app(&app).await;
        let body = json!({"source_url": "https://dienbien.gov.vn/tin/9", "platform": "facebook"});
        let headers = [("idempotency-key", "offline-7f3a")];
        let (s1, b1, _) = app
            .request(
                Method::POST,
                "/api/v1/shares",
                Some(&token),
                Some(body.clone()),
                &headers,
            )
            .await;
        let (s2, b2, _) = app
            .request(
                Method::POST,
                "/api/v1/shares",
                Some(&token),
                Some(body),
                &headers,
            )
            .await;
        assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
        assert_eq!(b1, b2, "the retry gets the first response");
        // Even a different body under the same key returns the first share.
        let (s3, b3, _) = app
            .request(
                Method::POST,
                "/api/v1/shares",
                Some(&token),
                Some(json!({"source_url": "https://dienbien.gov.vn/other", "platform": "zalo"})),
                &headers,
            )
            .await;
        assert_eq!(
            (s3, b3["id"].clone()),
            (StatusCode::CREATED, b1["id"].clone())
        );
        assert_eq!(app.count("shares").await, 1);
        let (s4, b4, _) = app
            .request(
                Method::POST,
                "/api/v1/shares",
                Some(&token),
                Some(json!({"source_url": "https://dienbien.gov.vn/x", "platform": "zalo"})),
                &[("idempotency-key", "")],
            )
            .await;
        assert_eq!(
            (s4, b4["error"]["code"].clone()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!("invalid_idempotency_key")
            )
        );
        app.finish().await
    }
);

both_databases!(a_batch_answers_each_item_in_order, |app| async move {
    let token = staff_app(&app).await;
    let (status, body) = app
        .post(
            "/api/v1/shares/batch",
            &token,
            json!({"items": [
                {"source_url": "https://dienbien.gov.vn/b/1", "platform": "facebook"},
                {"source_url": "https://example.com/b/2", "platform": "facebook"},
                {"source_url": "https://dienbien.gov.vn/b/1", "platform": "facebook"},
                {"platform": "facebook"},
                {"source_url": "https://nhandan.vn/b/3", "platform": "tiktok", "post_url": "https://www.tiktok.com/@an/video/7311111111111111111"}
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["results"].as_array().cloned().unwrap_or_default();
    let summary: Vec<(bool, Value)> = results
        .iter()
        .map(|r| {
            (
                r["ok"].as_bool().unwrap_or(false),
                r["error"]["code"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (true, Value::Null),
            (false, json!("not_allowlisted")),
            (false, json!("duplicate")),
            (false, json!("invalid_body")),
            (true, Value::Null),
        ]
    );
    assert_eq!(
        results[0]["share"]["source_url"],
        "https://dienbien.gov.vn/b/1"
    );
    assert_eq!(app.count("shares").await, 2);

    let too_many: Vec<Value> = (0..51)
        .map(
            |i| json!({"source_url": format!("https://dienbien.gov.vn/m/{i}"), "platform": "zalo"}),
        )
        .collect();
    let (status, body) = app
        .post("/api/v1/shares/batch", &token, json!({ "items": too_many }))
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("batch_too_large"))
    );
    let (status, body) = app
        .post("/api/v1/shares/batch", &token, json!({ "items": [] }))
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("empty_batch"))
    );
    assert_eq!(
        app.count("shares").await,
        2,
        "refused batches store nothing"
    );
    app.finish().await
});

both_databases!(the_dry_run_verifies_without_storing, |app| async move {
    let token = staff_app(&app).await;
    let (status, body) = app
        .post(
            "/api/v1/verify",
            &token,
            json!({"url": "dienbien.gov.vn/a?utm_medium=x"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["verdict"], "accepted");
    assert_eq!(body["reason"], Value::Null);
    assert_eq!(body["normalized"], "https://dienbien.gov.vn/a");
    assert_eq!(body["rule"]["kind"], "suffix");
    assert_eq!(body["rule"]["pattern"], "gov.vn");
    let (status, body) = app
        .post("/api/v1/verify", &token, json!({"url": "https://bit.ly/x"}))
        .await;
    assert_eq!(
        (status, body["verdict"].clone(), body["reason"].clone()),
        (StatusCode::OK, json!("rejected"), json!("short_link"))
    );
    assert_eq!(app.count("shares").await, 0);
    app.finish().await
});

both_databases!(a_read_only_token_cannot_write, |app| async move {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let token = app.token_with("DB001", true).await;
    let (status, body) = app
        .post(
            "/api/v1/shares",
            &token,
            json!({"source_url": "https://dienbien.gov.vn/a", "platform": "zalo"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::FORBIDDEN, json!("forbidden"))
    );
    assert_eq!(app.count("shares").await, 0);
    app.finish().await
});

both_databases!(
    a_read_only_token_changes_nothing_anywhere_but_may_verify,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        app.grant("DB001", "admin", None).await;
        let read_only = app.token_with("DB001", true).await;
        let read_write = app.token_with("DB001", false).await;
        // Admin pages and API writes: refused by the guard for the read-only token, whatever
        // the handler does; the read-write token reaches the handler (which wants a form).
        for path in [
            "/admin/units",
            "/admin/roles",
            "/admin/people",
            "/api/v1/shares",
        ] {
            let (status, _, _) = app
                .request(Method::POST, path, Some(&read_only), None, &[])
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "read-only POST {path}");
            let (status, _, _) = app
                .request(Method::POST, path, Some(&read_write), None, &[])
                .await;
            assert_ne!(status, StatusCode::FORBIDDEN, "read-write POST {path}");
        }
        let (status, body) = app
            .post(
                "/api/v1/verify",
                &read_only,
                json!({"url": "https://dienbien.gov.vn/a"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "verifying changes nothing: {body}");
        assert_eq!(app.count("units").await, 5);
        app.finish().await
    }
);

#[tokio::test]
async fn writes_beyond_the_rate_limit_get_429_with_retry_after() {
    let app = TestApp::spawn_with(crate::helpers::Backend::Sqlite, |s| {
        s.write_rate_per_minute = 2;
        s.write_burst = 2;
    })
    .await
    .expect("sqlite");
    let token = staff_app(&app).await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..3 {
        let (status, _, headers) = app
            .request(Method::POST, "/api/v1/shares", Some(&token), Some(json!({"source_url": format!("https://dienbien.gov.vn/r/{i}"), "platform": "zalo"})), &[])
            .await;
        statuses.push(status);
        retry_after = headers.get("retry-after").cloned();
    }
    assert_eq!(
        statuses,
        vec![
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert!(retry_after.is_some(), "429 carries Retry-After");
    app.finish().await
}
