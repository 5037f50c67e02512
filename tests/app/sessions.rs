//! Sessions without a provider (demo sign-in): cookie flags, CSRF, sign-out, expiry, ending a
//! person's sessions, and `serve` refusing demo sign-in off loopback.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use entity::session;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::helpers::{Backend, ROSTER_CSV, TestApp, UNITS_CSV};

async fn demo_app(backend: Backend, https: bool) -> Option<TestApp> {
    let app = TestApp::spawn_with(backend, |s| {
        s.demo = true;
        if https {
            s.public_url = Some("https://lantoa.dienbien.gov.vn".into());
        }
    })
    .await?;
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    Some(app)
}

/// Signs in through the demo page; returns the Set-Cookie header and the cookie value.
async fn demo_sign_in(app: &TestApp, staff_code: &str) -> (String, String) {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/auth/demo")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "staff_code={staff_code}&next=%2Fme%2Ftokens"
        )))
        .expect("request");
    let (status, _, headers) = app.send(request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers.get(header::LOCATION).and_then(|v| v.to_str().ok()),
        Some("/me/tokens")
    );
    let set_cookie = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lantoa_sid="))
        .expect("a session cookie")
        .to_owned();
    let value = set_cookie
        .trim_start_matches("lantoa_sid=")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    (set_cookie, value)
}

async fn with_cookie(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, format!("lantoa_sid={cookie}"));
    if let Some(csrf) = csrf {
        builder = builder.header("x-csrf-token", csrf);
    }
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request");
    let (status, json, _) = app.send(request).await;
    (status, json)
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_secure_over_https() {
    let app = demo_app(Backend::Sqlite, true).await.expect("sqlite");
    let (set_cookie, value) = demo_sign_in(&app, "DB001").await;
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(set_cookie.contains(flag), "{flag} in {set_cookie}");
    }
    let stored = session::Entity::find().all(&app.db).await.expect("db");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].id_hash, value, "only the hash is stored");
    assert_eq!(stored[0].id_hash, lantoa::db::tokens::hash(&value));
    let (_, _, headers) = app.request(Method::GET, "/healthz", None, None, &[]).await;
    assert!(
        headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "HSTS when https"
    );
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    app.finish().await
}

#[tokio::test]
async fn over_http_the_cookie_is_not_secure_and_there_is_no_hsts() {
    let app = demo_app(Backend::Sqlite, false).await.expect("sqlite");
    let (set_cookie, _) = demo_sign_in(&app, "DB001").await;
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    let (_, _, headers) = app.request(Method::GET, "/healthz", None, None, &[]).await;
    assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    app.finish().await
}

#[tokio::test]
async fn state_changes_with_a_session_need_the_csrf_token_on_sqlite() {
    csrf_case(Backend::Sqlite).await;
}

#[tokio::test]
async fn state_changes_with_a_session_need_the_csrf_token_on_postgres() {
    csrf_case(Backend::Postgres).await;
}

async fn csrf_case(backend: Backend) {
    let Some(app) = demo_app(backend, false).await else {
        return;
    };
    let (_, cookie) = demo_sign_in(&app, "DB001").await;
    let (status, me) = with_cookie(&app, Method::GET, "/api/v1/me", &cookie, None, None).await;
    assert_eq!(status, StatusCode::OK, "reads need no token");
    let csrf = me["csrf_token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        csrf.len(),
        128,
        "masked afresh: 32 bytes of mask, then the token XOR the mask, in hex"
    );
    let body = json!({"source_url": "https://dienbien.gov.vn/csrf", "platform": "zalo"});
    let (status, err) = with_cookie(
        &app,
        Method::POST,
        "/api/v1/shares",
        &cookie,
        None,
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].clone()),
        (StatusCode::FORBIDDEN, json!("csrf_failed"))
    );
    let (status, _) = with_cookie(
        &app,
        Method::POST,
        "/api/v1/shares",
        &cookie,
        Some("0".repeat(64).as_str()),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a wrong token is refused");
    assert_eq!(app.count("shares").await, 0);
    let (status, _) = with_cookie(
        &app,
        Method::POST,
        "/api/v1/shares",
        &cookie,
        Some(&csrf),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // A form post carries the token as a field.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/me/tokens")
        .header(header::COOKIE, format!("lantoa_sid={cookie}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("_csrf={csrf}&name=may-tinh")))
        .expect("request");
    let (status, page, _) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.as_str().is_some_and(|html| html.contains("lt_")),
        "the new token is shown once"
    );
    app.finish().await
}

#[tokio::test]
async fn signing_out_really_ends_the_session() {
    let app = demo_app(Backend::Sqlite, false).await.expect("sqlite");
    let (_, cookie) = demo_sign_in(&app, "DB001").await;
    let (_, me) = with_cookie(&app, Method::GET, "/api/v1/me", &cookie, None, None).await;
    let csrf = me["csrf_token"].as_str().unwrap_or_default().to_owned();
    let (status, _) = with_cookie(&app, Method::POST, "/auth/logout", &cookie, None, None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "sign-out without the CSRF token is refused"
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri("/auth/logout")
        .header(header::COOKIE, format!("lantoa_sid={cookie}"))
        .header("x-csrf-token", &csrf)
        .body(Body::empty())
        .expect("request");
    let (status, _, headers) = app.send(request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cleared = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("lantoa_sid=;") && v.contains("Max-Age=0"));
    assert!(cleared, "the cookie is cleared");
    // Replaying the old cookie does not work: the session ended on the server.
    let (status, _) = with_cookie(&app, Method::GET, "/api/v1/me", &cookie, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.finish().await
}

#[tokio::test]
async fn idle_and_absolute_expiry_end_sessions() {
    let app = demo_app(Backend::Sqlite, false).await.expect("sqlite");
    let (_, idle_cookie) = demo_sign_in(&app, "DB001").await;
    let (_, old_cookie) = demo_sign_in(&app, "DB002").await;
    let rows = session::Entity::find().all(&app.db).await.expect("db");
    let now = chrono::Utc::now();
    for row in rows {
        let mut active: session::ActiveModel = row.clone().into();
        if row.id_hash == lantoa::db::tokens::hash(&idle_cookie) {
            active.last_seen_at = Set(now - chrono::Duration::days(15));
        } else {
            active.expires_at = Set(now - chrono::Duration::minutes(1));
        }
        active.update(&app.db).await.expect("update");
    }
    assert_eq!(
        with_cookie(&app, Method::GET, "/api/v1/me", &idle_cookie, None, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "idle for 15 days"
    );
    assert_eq!(
        with_cookie(&app, Method::GET, "/api/v1/me", &old_cookie, None, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "past its absolute expiry"
    );
    let (status, _, headers) = app
        .request(
            Method::GET,
            "/",
            None,
            None,
            &[("cookie", &format!("lantoa_sid={idle_cookie}"))],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "pages send an expired session to sign in"
    );
    assert!(
        headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.starts_with("/auth/login?next="))
    );
    app.finish().await
}

#[tokio::test]
async fn an_admin_can_end_all_of_a_persons_sessions() {
    let app = demo_app(Backend::Sqlite, false).await.expect("sqlite");
    app.grant("DB003", "admin", None).await;
    let (_, phone) = demo_sign_in(&app, "DB001").await;
    let (_, laptop) = demo_sign_in(&app, "DB001").await;
    let admin = app.token_for("DB003").await;
    let (status, body) = app
        .post("/api/v1/people/DB001/sessions/end", &admin, json!({}))
        .await;
    assert_eq!((status, body["ended"].clone()), (StatusCode::OK, json!(2)));
    for cookie in [phone, laptop] {
        assert_eq!(
            with_cookie(&app, Method::GET, "/api/v1/me", &cookie, None, None)
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
    let staff = app.token_for("DB002").await;
    assert_eq!(
        app.post("/api/v1/people/DB001/sessions/end", &staff, json!({}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    app.finish().await
}

#[tokio::test]
async fn the_demo_page_exists_only_in_demo_mode() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let (status, _, _) = app
        .request(Method::GET, "/auth/demo", None, None, &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/auth/demo")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("staff_code=DB001"))
        .expect("request");
    assert_eq!(app.send(request).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.count("sessions").await, 0);
    app.finish().await
}

#[tokio::test]
async fn serve_refuses_demo_sign_in_on_a_non_loopback_address() {
    let dir = tempfile::tempdir().expect("dir");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
        .args(["serve", "--bind", "0.0.0.0:0"])
        .env("LANTOA_DEMO", "true")
        .env(
            "LANTOA_DATABASE_URL",
            format!("sqlite://{}/x.db?mode=rwc", dir.path().display()),
        )
        .kill_on_drop(true)
        .output()
        .await
        .expect("runs");
    assert!(!output.status.success(), "serve must refuse");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("loopback"), "{stderr}");
    let demo = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
        .args([
            "demo",
            "--bind",
            "0.0.0.0:0",
            "--database",
            &format!("{}/d.db", dir.path().display()),
        ])
        .kill_on_drop(true)
        .output()
        .await
        .expect("runs");
    assert!(!demo.status.success(), "demo must refuse too");
}

#[tokio::test]
async fn signing_in_from_a_shared_link_keeps_the_link() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let (status, _, headers) = app
        .request(
            Method::GET,
            "/share-target?text=Xem%20https%3A%2F%2Fdienbien.gov.vn%2Fa",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        location.starts_with("/auth/login?next=%2Fshare-target%3Ftext%3D"),
        "{location}"
    );
    app.finish().await
}
