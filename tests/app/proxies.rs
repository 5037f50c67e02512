//! Behind nginx: only a trusted proxy (`LANTOA_TRUSTED_PROXIES`) is believed about the client's
//! address, so sign-in throttling counts the real client there and a forged `X-Forwarded-For`
//! changes nothing elsewhere; failed API tokens are counted the same way. The counts live in the
//! database (`throttle_hits`), shared by every replica.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};

use crate::helpers::{Backend, TestApp};

/// The sign-in budget per address and minute in these tests.
const BUDGET: u32 = 3;

async fn app(trusted: &str, backend: Backend) -> Option<TestApp> {
    let trusted = trusted.to_owned();
    TestApp::spawn_with(backend, move |s| {
        s.signin_rate_per_minute = BUDGET;
        s.trusted_proxies = trusted;
    })
    .await
}

/// Waits, if needed, so that a run of attempts does not straddle a minute boundary (the budget
/// is per calendar minute).
pub async fn not_near_a_minute_boundary() {
    let second = chrono::Utc::now().timestamp().rem_euclid(60);
    if second > 50 {
        let wait = u64::try_from(61 - second).unwrap_or(10);
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    }
}

/// A sign-in attempt from `peer`, with an `X-Forwarded-For` header if given.
async fn sign_in(app: &TestApp, peer: &str, forwarded_for: Option<&str>) -> StatusCode {
    let mut request = Request::get("/auth/login");
    if let Some(value) = forwarded_for {
        request = request.header("x-forwarded-for", value);
    }
    let mut request = request.body(Body::empty()).expect("request");
    let peer: SocketAddr = format!("{peer}:40000").parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    app.send_raw(request).await.0
}

async fn forged_headers_change_nothing_without_trusted_proxies(app: TestApp) {
    not_near_a_minute_boundary().await;
    for n in 0..BUDGET {
        let forged = format!("203.0.113.{n}");
        let status = sign_in(&app, "198.51.100.9", Some(&forged)).await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "attempt {n}");
    }
    let status = sign_in(&app, "198.51.100.9", Some("203.0.113.200")).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "one peer, one budget, whatever the header says"
    );
    app.finish().await;
}

async fn behind_a_trusted_proxy_each_client_has_its_own_budget(app: TestApp) {
    not_near_a_minute_boundary().await;
    let proxy = "10.0.0.5";
    for n in 0..BUDGET {
        let status = sign_in(&app, proxy, Some("1.2.3.4, 203.0.113.7")).await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "attempt {n}");
    }
    assert_eq!(
        sign_in(&app, proxy, Some("203.0.113.7")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the client's fourth attempt, whatever it wrote to the left"
    );
    assert_ne!(
        sign_in(&app, proxy, Some("203.0.113.8")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "another client behind the same proxy"
    );
    assert_ne!(
        sign_in(&app, "198.51.100.9", Some("203.0.113.7")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "a stranger is not believed: counted as itself"
    );
    app.finish().await;
}

async fn unknown_tokens_are_counted_per_address(app: TestApp) {
    not_near_a_minute_boundary().await;
    let attempt = |token: String| {
        let mut request = Request::get("/api/v1/me/tally?year=2026")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        let peer: SocketAddr = "198.51.100.9:40000".parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    };
    for n in 0..BUDGET {
        let (status, _, _) = app.send(attempt(format!("nope-{n}"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let (status, body, headers) = app.send(attempt("nope-again".into())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(headers.get("retry-after").is_some());
    app.finish().await;
}

/// One test per database, each on an app with the given trusted proxies.
macro_rules! on_both_databases {
    ($name:ident, $trusted:expr, $body:ident) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                $body(app($trusted, Backend::Sqlite).await.expect("SQLite")).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = app($trusted, Backend::Postgres).await {
                    $body(app).await;
                }
            }
        }
    };
}

on_both_databases!(
    without_trusted_proxies_a_forged_forwarded_for_changes_nothing,
    "",
    forged_headers_change_nothing_without_trusted_proxies
);
on_both_databases!(
    behind_a_trusted_proxy_the_forwarded_client_is_throttled_on_its_own,
    "10.0.0.0/8",
    behind_a_trusted_proxy_each_client_has_its_own_budget
);
on_both_databases!(
    failed_api_tokens_are_throttled_per_address,
    "",
    unknown_tokens_are_counted_per_address
);

/// The audit entry of a change made through `peer` with a forwarded-for header.
async fn audited_ip(app: &TestApp, peer: &str, forwarded_for: &str) -> Option<String> {
    use sea_orm::{EntityTrait, QueryOrder};
    crate::admin_helpers::seed(app).await;
    let admin = app.token_for("DB005").await;
    let mut request = Request::post("/api/v1/admin/allowlist")
        .header("authorization", format!("Bearer {admin}"))
        .header("content-type", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .body(Body::from(
            r#"{"kind": "host", "pattern": "baolaichau.vn", "category": "press", "label": "Báo Lai Châu"}"#,
        ))
        .expect("request");
    let peer: SocketAddr = format!("{peer}:40000").parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    let (status, body, _) = app.send(request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    entity::audit_event::Entity::find()
        .order_by_desc(entity::audit_event::Column::Id)
        .one(&app.db)
        .await
        .expect("db")
        .and_then(|e| e.ip)
}

async fn the_audit_log_records_the_client_behind_a_trusted_proxy(app: TestApp) {
    let ip = audited_ip(&app, "10.0.0.5", "1.2.3.4, 203.0.113.7").await;
    assert_eq!(ip.as_deref(), Some("203.0.113.7"));
    app.finish().await;
}

async fn the_audit_log_records_the_peer_without_trusted_proxies(app: TestApp) {
    let ip = audited_ip(&app, "198.51.100.9", "203.0.113.7").await;
    assert_eq!(
        ip.as_deref(),
        Some("198.51.100.9"),
        "a forged header is not believed"
    );
    app.finish().await;
}

on_both_databases!(
    the_audit_log_names_the_client_behind_a_trusted_proxy,
    "10.0.0.0/8",
    the_audit_log_records_the_client_behind_a_trusted_proxy
);
on_both_databases!(
    the_audit_log_names_the_peer_without_trusted_proxies,
    "",
    the_audit_log_records_the_peer_without_trusted_proxies
);
