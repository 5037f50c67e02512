//! Authentication, malformed requests, unknown routes, limits and health.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, UNITS_CSV};

both_databases!(requests_without_a_valid_token_are_401, |app| async move {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let body = json!({"source_url": "https://dienbien.gov.vn/a", "platform": "zalo"});
    let (status, json, headers) = app
        .request(
            Method::POST,
            "/api/v1/shares",
            None,
            Some(body.clone()),
            &[],
        )
        .await;
    assert_eq!(
        (status, json["error"]["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unauthenticated"))
    );
    assert!(headers.contains_key("www-authenticate"));
    let (status, json) = app
        .post("/api/v1/shares", "lt_not-a-real-token", body.clone())
        .await;
    assert_eq!(
        (status, json["error"]["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unauthenticated"))
    );
    let (status, _, _) = app
        .request(
            Method::POST,
            "/api/v1/shares",
            None,
            Some(body),
            &[("authorization", "Basic Zm9vOmJhcg==")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for path in [
        "/api/v1/me/shares?year=2026",
        "/api/v1/me/tally?year=2026",
        "/api/v1/units/DB/tally?year=2026",
        "/api/v1/exports/evaluation?year=2026&format=json",
    ] {
        let (status, json, _) = app.request(Method::GET, path, None, None, &[]).await;
        assert_eq!(
            (status, json["error"]["code"].clone()),
            (StatusCode::UNAUTHORIZED, json!("unauthenticated")),
            "{path}"
        );
    }
    app.finish().await
});

both_databases!(a_revoked_token_stops_working, |app| async move {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let token = app.token_for("DB001").await;
    assert_eq!(
        app.get("/api/v1/me/tally?year=2026", &token).await.0,
        StatusCode::OK
    );
    let person = lantoa::db::people::by_staff_code(&app.db, "DB001")
        .await
        .expect("db")
        .expect("person");
    let id = lantoa::db::tokens::of_person(&app.db, person.id)
        .await
        .expect("db")[0]
        .id;
    lantoa::db::tokens::revoke(&app.db, id)
        .await
        .expect("revoke");
    app.state.tokens.clear();
    assert_eq!(
        app.get("/api/v1/me/tally?year=2026", &token).await.0,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await
});

both_databases!(
    malformed_bodies_get_a_coded_error_and_store_nothing,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let token = app.token_for("DB001").await;
        let send = |body: &'static [u8], content_type: Option<&'static str>| {
            let mut builder = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/shares")
                .header("authorization", format!("Bearer {token}"));
            if let Some(ct) = content_type {
                builder = builder.header("content-type", ct);
            }
            builder.body(Body::from(body)).expect("request")
        };
        let cases: [(&[u8], Option<&str>, StatusCode, &str); 6] = [
            (
                b"{not json",
                Some("application/json"),
                StatusCode::BAD_REQUEST,
                "malformed_json",
            ),
            (
                b"{\"platform\": \"zalo\"}",
                Some("application/json"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
            ),
            (
                b"{\"source_url\": 42, \"platform\": \"zalo\"}",
                Some("application/json"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
            ),
            (
                b"[]",
                Some("application/json"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
            ),
            (
                b"{\"source_url\": \"https://dienbien.gov.vn/\xff\", \"platform\": \"zalo\"}",
                Some("application/json"),
                StatusCode::BAD_REQUEST,
                "malformed_json",
            ),
            (
                b"source_url=x",
                Some("application/x-www-form-urlencoded"),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
        ];
        for (body, content_type, status, code) in cases {
            let (got, json, _) = app.send(send(body, content_type)).await;
            assert_eq!(
                (got, json["error"]["code"].clone()),
                (status, json!(code)),
                "{}",
                String::from_utf8_lossy(body)
            );
            assert!(
                json["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
            );
        }
        assert_eq!(app.count("shares").await, 0);
        app.finish().await
    }
);

both_databases!(a_huge_body_is_413, |app| async move {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let token = app.token_for("DB001").await;
    let huge = "x".repeat(300 * 1024);
    let (status, json) = app
        .post(
            "/api/v1/shares",
            &token,
            json!({"source_url": huge, "platform": "zalo"}),
        )
        .await;
    assert_eq!(
        (status, json["error"]["code"].clone()),
        (StatusCode::PAYLOAD_TOO_LARGE, json!("payload_too_large"))
    );
    app.finish().await
});

both_databases!(
    unknown_routes_and_methods_answer_in_json,
    |app| async move {
        let (status, json, _) = app
            .request(Method::GET, "/api/v1/nothing-here", None, None, &[])
            .await;
        assert_eq!(
            (status, json["error"]["code"].clone()),
            (StatusCode::NOT_FOUND, json!("not_found"))
        );
        let (status, json, _) = app
            .request(Method::DELETE, "/api/v1/shares", None, None, &[])
            .await;
        assert_eq!(
            (status, json["error"]["code"].clone()),
            (StatusCode::METHOD_NOT_ALLOWED, json!("method_not_allowed"))
        );
        app.finish().await
    }
);

both_databases!(health_and_readiness_answer, |app| async move {
    let (status, json, headers) = app.request(Method::GET, "/healthz", None, None, &[]).await;
    assert_eq!(
        (status, json["status"].clone()),
        (StatusCode::OK, json!("ok"))
    );
    assert_eq!(
        headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert!(
        headers.contains_key("x-request-id"),
        "every response carries a request id"
    );
    let (status, json, _) = app.request(Method::GET, "/readyz", None, None, &[]).await;
    assert_eq!(
        (status, json["status"].clone()),
        (StatusCode::OK, json!("ready"))
    );
    app.db.clone().close().await.ok();
    let (status, json, _) = app.request(Method::GET, "/readyz", None, None, &[]).await;
    assert_eq!(
        (status, json["status"].clone()),
        (StatusCode::SERVICE_UNAVAILABLE, json!("unavailable")),
        "a closed pool is not ready"
    );
    app.test_db.drop_database().await;
});
