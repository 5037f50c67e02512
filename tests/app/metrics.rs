//! Observability of the real process: `/metrics` (requests and latency by route template,
//! submissions by verdict and reason, pool use) only from `LANTOA_METRICS_ALLOW` and never
//! through a proxy; every answer carries an `x-request-id` that the logs carry too; and no
//! token, cookie or secret ever reaches the logs, even at the most verbose level.

use std::time::Duration;

use crate::both_databases;
use crate::crash::{Server, seeded_tokens};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

both_databases!(
    metrics_count_requests_by_route_and_submissions_by_verdict,
    |app| async move {
        let tokens = seeded_tokens(&app).await;
        let server = Server::start(&app.test_db.url, &[]).await;
        let client = client();
        let base = &server.base;
        let share = |url: &str| serde_json::json!({"source_url": url, "platform": "zalo"});
        for (url, expected) in [
            ("https://dienbien.gov.vn/m/1.html", 201),
            ("https://dienbien.gov.vn/m/2.html", 201),
            ("https://example.com/not-official", 422),
            ("https://bit.ly/abc", 422),
            ("https://dienbien.gov.vn/m/1.html", 409),
        ] {
            let status = client
                .post(format!("{base}/api/v1/shares"))
                .bearer_auth(&tokens[0])
                .json(&share(url))
                .send()
                .await
                .expect("answer")
                .status();
            assert_eq!(status.as_u16(), expected, "{url}");
        }
        let person = client
            .get(format!("{base}/api/v1/units/XMP/tally?year=2026"))
            .bearer_auth(&tokens[0])
            .send()
            .await
            .expect("answer");
        assert_eq!(person.status().as_u16(), 403);

        let answer = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status().as_u16(), 200, "loopback may read /metrics");
        assert!(
            answer
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("application/openmetrics-text")),
        );
        let text = answer.text().await.expect("text");
        for needle in [
            r#"lantoa_http_requests_total{method="POST",route="/api/v1/shares",status="201"} 2"#,
            r#"lantoa_http_requests_total{method="POST",route="/api/v1/shares",status="422"} 2"#,
            r#"lantoa_http_requests_total{method="GET",route="/api/v1/units/{code}/tally",status="403"} 1"#,
            r#"lantoa_http_request_duration_seconds_count{method="POST",route="/api/v1/shares"} 5"#,
            r#"lantoa_share_submissions_total{verdict="accepted",reason="none"} 2"#,
            r#"lantoa_share_submissions_total{verdict="rejected",reason="not_allowlisted"} 1"#,
            r#"lantoa_share_submissions_total{verdict="rejected",reason="short_link"} 1"#,
            r#"lantoa_share_submissions_total{verdict="rejected",reason="duplicate"} 1"#,
            r#"lantoa_db_pool_connections{state="idle"}"#,
            r#"lantoa_db_pool_connections{state="in_use"}"#,
            "lantoa_db_pool_max_connections 16",
            "lantoa_share_writer_queue_depth 0",
            "lantoa_http_requests_shed_total 0",
        ] {
            assert!(text.contains(needle), "missing {needle} in\n{text}");
        }
        assert!(
            !text.contains("XMP"),
            "routes are templates, never raw paths"
        );

        // Through a proxy the peer is the proxy: refused.
        let proxied = client
            .get(format!("{base}/metrics"))
            .header("x-forwarded-for", "203.0.113.7")
            .send()
            .await
            .expect("answer");
        assert_eq!(proxied.status().as_u16(), 404);
        drop(server);

        // An allow list without loopback refuses loopback.
        let server = Server::start(
            &app.test_db.url,
            &[("LANTOA_METRICS_ALLOW", "10.0.0.0/8,fd00::/8")],
        )
        .await;
        let refused = client
            .get(format!("{}/metrics", server.base))
            .send()
            .await
            .expect("answer");
        assert_eq!(refused.status().as_u16(), 404);
        let json: serde_json::Value = refused.json().await.expect("json");
        assert_eq!(json["error"]["code"], "not_found");
        drop(server);
        app.finish().await
    }
);

both_databases!(
    logs_carry_request_ids_and_never_a_token_cookie_or_secret,
    |app| async move {
        let tokens = seeded_tokens(&app).await;
        let token = tokens[0].clone();
        let cookie_secret = "c00k1e-s3cr3t-value-that-must-never-be-logged";
        let csrf_secret = "csrf-s3cr3t-value-that-must-never-be-logged";
        let wrong_token = "lt_wrong-t0ken-that-must-never-be-logged";
        let mut server = Server::start(
            &app.test_db.url,
            &[
                ("LANTOA_LOG", "trace"),
                ("LANTOA_LOG_FORMAT", "json"),
                ("LANTOA_OAUTH_CLIENT_SECRET", "client-s3cr3t-never-logged"),
            ],
        )
        .await;
        let client = client();
        let base = &server.base;
        let mut request_ids = Vec::new();
        let answers = [
            client
                .post(format!("{base}/api/v1/shares"))
                .bearer_auth(&token)
                .header("cookie", format!("lantoa_sid={cookie_secret}"))
                .header("x-csrf-token", csrf_secret)
                .json(&serde_json::json!({"source_url": "https://dienbien.gov.vn/log/1.html", "platform": "zalo"}))
                .send()
                .await,
            client
                .get(format!("{base}/api/v1/me?token={token}"))
                .bearer_auth(&token)
                .send()
                .await,
            client
                .get(format!("{base}/api/v1/me"))
                .bearer_auth(wrong_token)
                .send()
                .await,
            client
                .post(format!("{base}/api/v1/shares"))
                .header("cookie", format!("lantoa_sid={cookie_secret}; other=1"))
                .header("x-csrf-token", csrf_secret)
                .json(&serde_json::json!({"source_url": "https://example.com/x", "platform": "zalo"}))
                .send()
                .await,
            client
                .get(format!("{base}/me/tokens"))
                .header("cookie", format!("lantoa_sid={cookie_secret}"))
                .send()
                .await,
        ];
        for answer in answers {
            let answer = answer.expect("answer");
            let id = answer
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .expect("every answer carries x-request-id")
                .to_owned();
            request_ids.push(id);
        }
        server.terminate().await;
        assert_eq!(server.wait(Duration::from_secs(20)).await, Some(0));
        let log = server.log();
        assert!(
            log.lines().count() > 10,
            "trace logging produced output:\n{log}"
        );
        for secret in [
            token.as_str(),
            &token[token.len() - 12..],
            cookie_secret,
            csrf_secret,
            wrong_token,
            "client-s3cr3t-never-logged",
        ] {
            assert!(
                !log.contains(secret),
                "the log contains a secret ({secret:.12}…):\n{log}"
            );
        }
        for id in &request_ids {
            assert!(log.contains(id.as_str()), "request id {id} is in the log");
        }
        app.finish().await
    }
);

both_databases!(
    at_the_concurrency_limit_requests_are_shed_at_once_and_healthz_still_answers,
    |app| async move {
        use axum::body::Body;
        use axum::http::{Method, Request, StatusCode};
        use tower::ServiceExt;

        // Two permits for this server.
        app.state.in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(2));
        app.router = lantoa::router::build_router(app.state.clone());
        let tokens = seeded_tokens(&app).await;
        // Two submissions whose bodies never arrive hold both permits.
        let mut held = Vec::new();
        for token in &tokens[..2] {
            let request = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/shares")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from_stream(futures_util::stream::pending::<
                    Result<axum::body::Bytes, std::io::Error>,
                >()))
                .expect("request");
            held.push(tokio::spawn(app.router.clone().oneshot(request)));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = std::time::Instant::now();
        let (status, json, headers) = app
            .request(Method::GET, "/api/v1/me", Some(&tokens[2]), None, &[])
            .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{json}");
        assert_eq!(json["error"]["code"], "unavailable");
        assert_eq!(headers["retry-after"], "1");
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "shed at once"
        );
        let (status, _, _) = app.request(Method::GET, "/healthz", None, None, &[]).await;
        assert_eq!(status, StatusCode::OK, "/healthz is outside the limit");
        let (status, _, _) = app.request(Method::GET, "/readyz", None, None, &[]).await;
        assert_eq!(status, StatusCode::OK, "/readyz too");
        let text = app.state.metrics_text();
        assert!(text.contains("lantoa_http_requests_shed_total 1"), "{text}");
        assert!(text.contains("lantoa_http_requests_in_flight 2"), "{text}");
        // A client that gives up frees its permit.
        for task in held {
            task.abort();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (status, _, _) = app
            .request(Method::GET, "/api/v1/me", Some(&tokens[2]), None, &[])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            app.state
                .metrics_text()
                .contains("lantoa_http_requests_in_flight 0")
        );
        app.finish().await
    }
);
