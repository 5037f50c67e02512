//! The authorisation matrix: every route × every role × inside/outside a unit head's scope,
//! generated from the router's own route list, so a new route without an entry fails here.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

/// Callers, in the column order of `MATRIX`.
const CALLERS: [&str; 7] = [
    "anonymous",
    "staff",
    "head (inside)",
    "head (outside)",
    "home_affairs",
    "culture",
    "admin",
];

/// For each route: the path to call for callers inside / outside a head's scope, a body, and
/// the expected status per caller.
struct Case {
    method: Method,
    pattern: &'static str,
    inside: &'static str,
    outside: &'static str,
    body: Option<fn() -> Value>,
    expected: [u16; 7],
}

fn share_body() -> Value {
    json!({"source_url": format!("https://dienbien.gov.vn/authz/{}", rand_suffix()), "platform": "zalo"})
}

fn rand_suffix() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("random");
    hex::encode(bytes)
}

fn matrix() -> Vec<Case> {
    let case = |method: Method,
                pattern: &'static str,
                inside: &'static str,
                outside: &'static str,
                body: Option<fn() -> Value>,
                expected: [u16; 7]| Case {
        method,
        pattern,
        inside,
        outside,
        body,
        expected,
    };
    use Method as M;
    vec![
        case(M::GET, "/healthz", "/healthz", "/healthz", None, [200; 7]),
        case(M::GET, "/readyz", "/readyz", "/readyz", None, [200; 7]),
        case(
            M::GET,
            "/api/v1/me",
            "/api/v1/me",
            "/api/v1/me",
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::POST,
            "/api/v1/shares",
            "/api/v1/shares",
            "/api/v1/shares",
            Some(share_body),
            [401, 201, 201, 201, 201, 201, 201],
        ),
        case(
            M::POST,
            "/api/v1/shares/batch",
            "/api/v1/shares/batch",
            "/api/v1/shares/batch",
            Some(|| json!({"items": [share_body()]})),
            [401, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::POST,
            "/api/v1/verify",
            "/api/v1/verify",
            "/api/v1/verify",
            Some(|| json!({"url": "https://dienbien.gov.vn/"})),
            [401, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/me/shares",
            "/api/v1/me/shares?year=2026",
            "/api/v1/me/shares?year=2026",
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/me/tally",
            "/api/v1/me/tally?year=2026",
            "/api/v1/me/tally?year=2026",
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/me/tokens",
            "/api/v1/me/tokens",
            "/api/v1/me/tokens",
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::POST,
            "/api/v1/me/tokens",
            "/api/v1/me/tokens",
            "/api/v1/me/tokens",
            Some(|| json!({"name": "matrix"})),
            [401, 201, 201, 201, 201, 201, 201],
        ),
        case(
            M::DELETE,
            "/api/v1/me/tokens/{id}",
            "/api/v1/me/tokens/999999",
            "/api/v1/me/tokens/999999",
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        case(
            M::GET,
            "/api/v1/units/{code}/tally",
            "/api/v1/units/XMP/tally?year=2026",
            "/api/v1/units/SNV/tally?year=2026",
            None,
            [401, 403, 200, 403, 200, 403, 200],
        ),
        case(
            M::GET,
            "/api/v1/exports/evaluation",
            "/api/v1/exports/evaluation?year=2026&format=json",
            "/api/v1/exports/evaluation?year=2026&format=json",
            None,
            [401, 403, 403, 403, 200, 403, 200],
        ),
        case(
            M::POST,
            "/api/v1/people/{staff_code}/sessions/end",
            "/api/v1/people/DB001/sessions/end",
            "/api/v1/people/DB001/sessions/end",
            Some(|| json!({})),
            [401, 403, 403, 403, 403, 403, 200],
        ),
        case(
            M::GET,
            "/",
            "/",
            "/",
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/static/{file}",
            "/static/app.css",
            "/static/app.css",
            None,
            [200; 7],
        ),
        case(
            M::GET,
            "/auth/login",
            "/auth/login",
            "/auth/login",
            None,
            [503; 7],
        ),
        case(
            M::GET,
            "/auth/callback",
            "/auth/callback",
            "/auth/callback",
            None,
            [400; 7],
        ),
        case(
            M::POST,
            "/auth/logout",
            "/auth/logout",
            "/auth/logout",
            Some(|| json!({})),
            [303, 303, 303, 303, 303, 303, 303],
        ),
        case(
            M::GET,
            "/auth/signed-out",
            "/auth/signed-out",
            "/auth/signed-out",
            None,
            [200; 7],
        ),
        case(
            M::GET,
            "/auth/demo",
            "/auth/demo",
            "/auth/demo",
            None,
            [404; 7],
        ),
        case(
            M::POST,
            "/auth/demo",
            "/auth/demo",
            "/auth/demo",
            None,
            [404; 7],
        ),
        case(
            M::GET,
            "/me/tokens",
            "/me/tokens",
            "/me/tokens",
            None,
            [303, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::POST,
            "/me/tokens",
            "/me/tokens",
            "/me/tokens",
            None,
            [303, 422, 422, 422, 422, 422, 422],
        ),
        case(
            M::POST,
            "/me/tokens/{id}/revoke",
            "/me/tokens/999999/revoke",
            "/me/tokens/999999/revoke",
            None,
            [303, 404, 404, 404, 404, 404, 404],
        ),
    ]
}

both_databases!(
    every_route_answers_each_role_as_declared,
    |app| async move {
        let roster = format!("{ROSTER_CSV}DB005,Mùa A Páo,,SNV,,cong_chuc,2020-01-01,\n");
        app.seed_roster(UNITS_CSV, &roster).await;
        app.grant("DB002", "unit_head", Some("XMP")).await;
        app.grant("DB003", "home_affairs", None).await;
        app.grant("DB004", "culture", None).await;
        app.grant("DB005", "admin", None).await;
        let tokens = [
            None,
            Some(app.token_for("DB001").await),
            Some(app.token_for("DB002").await),
            Some(app.token_for("DB002").await),
            Some(app.token_for("DB003").await),
            Some(app.token_for("DB004").await),
            Some(app.token_for("DB005").await),
        ];
        let cases = matrix();
        let specs = lantoa::app::routes(&app.state).specs().to_vec();
        for spec in &specs {
            assert!(
                cases
                    .iter()
                    .any(|c| c.method == spec.method && c.pattern == spec.path),
                "route {} {} has no entry in the authorisation matrix",
                spec.method,
                spec.path
            );
        }
        for case in &cases {
            assert!(
                specs
                    .iter()
                    .any(|s| s.method == case.method && s.path == case.pattern),
                "matrix entry {} {} is not a route any more",
                case.method,
                case.pattern
            );
            for (column, token) in tokens.iter().enumerate() {
                let path = if column == 3 {
                    case.outside
                } else {
                    case.inside
                };
                let body = case.body.map(|make| make());
                let (status, answer, _) = app
                    .request(case.method.clone(), path, token.as_deref(), body, &[])
                    .await;
                assert_eq!(
                    status,
                    StatusCode::from_u16(case.expected[column]).expect("status"),
                    "{} {} as {}: {answer}",
                    case.method,
                    path,
                    CALLERS[column]
                );
            }
        }
        app.finish().await
    }
);

#[tokio::test]
async fn a_route_table_entry_records_its_need() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite)
        .await
        .expect("sqlite");
    let routes = lantoa::app::routes(&app.state);
    let export = routes
        .specs()
        .iter()
        .find(|s| s.path == "/api/v1/exports/evaluation")
        .expect("the export route is declared");
    assert!(
        matches!(export.need, lantoa::auth::guard::Need::AnyRole(_)),
        "{:?}",
        export.need
    );
    app.finish().await
}
