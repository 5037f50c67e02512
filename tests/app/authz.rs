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

#[rustfmt::skip]
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
        // In-process requests have no peer address, so /metrics is refused (tests/app/metrics.rs
        // checks the allowed addresses over a real socket).
        case(M::GET, "/metrics", "/metrics", "/metrics", None, [404; 7]),
        case(M::GET, "/api/v1/openapi.json", "/api/v1/openapi.json", "/api/v1/openapi.json", None, [200; 7]),
        case(M::GET, "/api/docs", "/api/docs", "/api/docs", None, [200; 7]),
        case(M::GET, "/api/docs/viewer.js", "/api/docs/viewer.js", "/api/docs/viewer.js", None, [200; 7]),
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
            "/api/v1/me/accounts",
            "/api/v1/me/accounts",
            "/api/v1/me/accounts",
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        case(
            M::POST,
            "/api/v1/me/accounts",
            "/api/v1/me/accounts",
            "/api/v1/me/accounts",
            Some(|| json!({"platform": "tiktok", "address": format!("@m{}", rand_suffix())})),
            [401, 201, 201, 201, 201, 201, 201],
        ),
        // Only one's own accounts: any other id is not found.
        case(
            M::PATCH,
            "/api/v1/me/accounts/{id}",
            "/api/v1/me/accounts/999999",
            "/api/v1/me/accounts/999999",
            Some(|| json!({"platform": "tiktok", "address": format!("@m{}", rand_suffix())})),
            [401, 404, 404, 404, 404, 404, 404],
        ),
        case(
            M::DELETE,
            "/api/v1/me/accounts/{id}",
            "/api/v1/me/accounts/999999",
            "/api/v1/me/accounts/999999",
            None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        case(
            M::GET,
            "/api/v1/units/{code}/accounts",
            "/api/v1/units/XMP/accounts",
            "/api/v1/units/SNV/accounts",
            None,
            [401, 403, 200, 403, 200, 403, 200],
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
            "/api/v1/exports/evaluation?year=2026&format=json&unit=XMP",
            "/api/v1/exports/evaluation?year=2026&format=json&unit=SNV",
            None,
            [401, 403, 200, 403, 200, 403, 200],
        ),
        case(
            M::POST,
            "/api/v1/people/{staff_code}/sessions/end",
            "/api/v1/people/DB001/sessions/end",
            "/api/v1/people/DB001/sessions/end",
            Some(|| json!({})),
            [401, 403, 403, 403, 403, 403, 200],
        ),
        case(M::GET, "/policies/{year}", "/policies/2026", "/policies/2026", None, [303, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/policies/{year}", "/policies/2024", "/policies/2024", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::GET, "/admin", "/admin", "/admin", None, [303, 403, 403, 403, 200, 200, 200]),
        // Allowlist (issue 8): Culture and admins.
        case(M::GET, "/admin/allowlist", "/admin/allowlist", "/admin/allowlist", None, [303, 403, 403, 403, 403, 200, 200]),
        case(M::GET, "/admin/allowlist.csv", "/admin/allowlist.csv", "/admin/allowlist.csv", None, [303, 403, 403, 403, 403, 200, 200]),
        case(M::GET, "/admin/allowlist/new", "/admin/allowlist/new", "/admin/allowlist/new", None, [303, 403, 403, 403, 403, 200, 200]),
        case(M::POST, "/admin/allowlist/new", "/admin/allowlist/new", "/admin/allowlist/new", None, [303, 403, 403, 403, 403, 422, 422]),
        case(M::POST, "/admin/allowlist/import", "/admin/allowlist/import", "/admin/allowlist/import", None, [303, 403, 403, 403, 403, 415, 415]),
        case(M::POST, "/admin/allowlist/import/confirm", "/admin/allowlist/import/confirm", "/admin/allowlist/import/confirm", None, [303, 403, 403, 403, 403, 422, 422]),
        case(M::GET, "/admin/allowlist/{id}", "/admin/allowlist/1", "/admin/allowlist/1", None, [303, 403, 403, 403, 403, 200, 200]),
        case(M::POST, "/admin/allowlist/{id}", "/admin/allowlist/999999", "/admin/allowlist/999999", None, [303, 403, 403, 403, 403, 404, 404]),
        case(M::POST, "/admin/allowlist/{id}/disable", "/admin/allowlist/999999/disable", "/admin/allowlist/999999/disable", None, [303, 403, 403, 403, 403, 404, 404]),
        case(M::POST, "/admin/allowlist/{id}/enable", "/admin/allowlist/999999/enable", "/admin/allowlist/999999/enable", None, [303, 403, 403, 403, 403, 404, 404]),
        // Audit log, retention, share import (issue 8): admins only.
        case(M::GET, "/admin/audit", "/admin/audit", "/admin/audit", None, [303, 403, 403, 403, 403, 403, 200]),
        case(M::GET, "/admin/audit.csv", "/admin/audit.csv", "/admin/audit.csv", None, [303, 403, 403, 403, 403, 403, 200]),
        case(M::GET, "/admin/retention", "/admin/retention", "/admin/retention", None, [303, 403, 403, 403, 403, 403, 200]),
        case(M::POST, "/admin/retention", "/admin/retention", "/admin/retention", None, [303, 403, 403, 403, 403, 403, 422]),
        case(M::GET, "/admin/retention/purge", "/admin/retention/purge", "/admin/retention/purge", None, [303, 403, 403, 403, 403, 403, 200]),
        case(M::POST, "/admin/retention/purge", "/admin/retention/purge", "/admin/retention/purge", None, [303, 403, 403, 403, 403, 403, 422]),
        case(M::GET, "/admin/shares/import", "/admin/shares/import", "/admin/shares/import", None, [303, 403, 403, 403, 403, 403, 200]),
        case(M::POST, "/admin/shares/import", "/admin/shares/import", "/admin/shares/import", None, [303, 403, 403, 403, 403, 403, 415]),
        case(M::POST, "/admin/shares/import/confirm", "/admin/shares/import/confirm", "/admin/shares/import/confirm", None, [303, 403, 403, 403, 403, 403, 422]),
        // Units and roster (Home Affairs and admins); bodiless form posts are 422, a bodiless
        // upload 415; retiring a unit with people is 409; reactivating an active unit is a no-op.
        case(M::GET, "/admin/units", "/admin/units", "/admin/units", None, [303, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/admin/units", "/admin/units", "/admin/units", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::GET, "/admin/units/import", "/admin/units/import", "/admin/units/import", None, [303, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/admin/units/import", "/admin/units/import", "/admin/units/import", None, [303, 403, 403, 403, 415, 403, 415]),
        case(M::POST, "/admin/units/import/confirm", "/admin/units/import/confirm", "/admin/units/import/confirm", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::GET, "/admin/units/{code}", "/admin/units/XMP", "/admin/units/XMP", None, [303, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/admin/units/{code}/rename", "/admin/units/XMP/rename", "/admin/units/XMP/rename", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::POST, "/admin/units/{code}/move", "/admin/units/XMP/move", "/admin/units/XMP/move", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::POST, "/admin/units/{code}/retire", "/admin/units/XMP/retire", "/admin/units/XMP/retire", None, [303, 403, 403, 403, 409, 403, 409]),
        case(M::POST, "/admin/units/{code}/reactivate", "/admin/units/XMP/reactivate", "/admin/units/XMP/reactivate", None, [303, 403, 403, 403, 303, 403, 303]),
        case(M::GET, "/admin/people", "/admin/people?q=nguyen", "/admin/people", None, [303, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/admin/people", "/admin/people", "/admin/people", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::GET, "/admin/people/new", "/admin/people/new", "/admin/people/new", None, [303, 403, 403, 403, 200, 403, 200]),
        case(M::GET, "/admin/people/import", "/admin/people/import", "/admin/people/import", None, [303, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/admin/people/import", "/admin/people/import", "/admin/people/import", None, [303, 403, 403, 403, 415, 403, 415]),
        case(M::POST, "/admin/people/import/confirm", "/admin/people/import/confirm", "/admin/people/import/confirm", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::GET, "/admin/people/{staff_code}", "/admin/people/DB001", "/admin/people/DB001", None, [303, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/admin/people/{staff_code}", "/admin/people/DB001", "/admin/people/DB001", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::POST, "/admin/people/{staff_code}/move", "/admin/people/DB001/move", "/admin/people/DB001/move", None, [303, 403, 403, 403, 422, 403, 422]),
        case(M::POST, "/admin/people/{staff_code}/leave", "/admin/people/DB001/leave", "/admin/people/DB001/leave", None, [303, 403, 403, 403, 422, 403, 422]),
        // Roles: admins only (Home Affairs too is refused).
        case(M::GET, "/admin/roles", "/admin/roles", "/admin/roles?role=admin", None, [303, 403, 403, 403, 403, 403, 200]),
        case(M::POST, "/admin/roles", "/admin/roles", "/admin/roles", None, [303, 403, 403, 403, 403, 403, 422]),
        case(M::POST, "/admin/roles/{id}/revoke", "/admin/roles/999999/revoke", "/admin/roles/999999/revoke", None, [303, 403, 403, 403, 403, 403, 404]),
        case(M::GET, "/units", "/units", "/units", None, [303, 403, 303, 303, 303, 403, 303]),
        case(M::GET, "/units/{code}", "/units/XMP?year=2026", "/units/SNV?year=2026", None, [303, 403, 200, 403, 200, 403, 200]),
        case(M::GET, "/people/{staff_code}", "/people/DB001?year=2026", "/people/DB003?year=2026", None, [303, 200, 200, 403, 200, 403, 200]),
        case(M::POST, "/people/{staff_code}/review", "/people/DB001/review", "/people/DB003/review", None, [303, 403, 422, 422, 403, 403, 422]),
        case(M::GET, "/api/v1/shares", "/api/v1/shares?staff_code=DB001&year=2026", "/api/v1/shares?staff_code=DB003&year=2026", None, [401, 200, 200, 403, 200, 403, 200]),
        case(M::POST, "/api/v1/shares/{id}/review", "/api/v1/shares/999999/review", "/api/v1/shares/999999/review", Some(|| json!({"decision": "reject", "reason": "thử"})), [401, 403, 404, 404, 403, 403, 404]),
        case(M::POST, "/api/v1/shares/review", "/api/v1/shares/review", "/api/v1/shares/review", Some(|| json!({"ids": [999999], "decision": "reject", "reason": "thử"})), [401, 403, 200, 200, 403, 403, 200]),
        case(M::GET, "/api/v1/policies/{year}", "/api/v1/policies/2024", "/api/v1/policies/2024", None, [401, 404, 404, 404, 404, 404, 404]),
        case(M::PUT, "/api/v1/policies/{year}", "/api/v1/policies/2026", "/api/v1/policies/2026", Some(|| json!({"target": 100})), [401, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/api/v1/policies/{year}/close", "/api/v1/policies/2024/close", "/api/v1/policies/2024/close", Some(|| json!({})), [401, 403, 403, 403, 422, 403, 422]),
        case(M::POST, "/api/v1/policies/{year}/reopen", "/api/v1/policies/2024/reopen", "/api/v1/policies/2024/reopen", Some(|| json!({})), [401, 403, 403, 403, 403, 403, 404]),
        case(M::GET, "/api/v1/admin/allowlist", "/api/v1/admin/allowlist", "/api/v1/admin/allowlist", None, [401, 403, 403, 403, 403, 200, 200]),
        case(M::POST, "/api/v1/admin/allowlist", "/api/v1/admin/allowlist", "/api/v1/admin/allowlist", Some(|| json!({})), [401, 403, 403, 403, 403, 422, 422]),
        case(M::POST, "/api/v1/admin/allowlist/test", "/api/v1/admin/allowlist/test", "/api/v1/admin/allowlist/test", Some(|| json!({"url": "https://dienbien.gov.vn/"})), [401, 403, 403, 403, 403, 200, 200]),
        case(M::POST, "/api/v1/admin/allowlist/import", "/api/v1/admin/allowlist/import", "/api/v1/admin/allowlist/import", Some(|| json!({"csv": "kind,pattern,category,label\n"})), [401, 403, 403, 403, 403, 200, 200]),
        case(M::PUT, "/api/v1/admin/allowlist/{id}", "/api/v1/admin/allowlist/999999", "/api/v1/admin/allowlist/999999", Some(|| json!({"kind": "host", "pattern": "baolaichau.vn", "category": "press", "label": "Báo Lai Châu"})), [401, 403, 403, 403, 403, 404, 404]),
        case(M::POST, "/api/v1/admin/allowlist/{id}/disable", "/api/v1/admin/allowlist/999999/disable", "/api/v1/admin/allowlist/999999/disable", None, [401, 403, 403, 403, 403, 404, 404]),
        case(M::POST, "/api/v1/admin/allowlist/{id}/enable", "/api/v1/admin/allowlist/999999/enable", "/api/v1/admin/allowlist/999999/enable", None, [401, 403, 403, 403, 403, 404, 404]),
        case(M::GET, "/api/v1/admin/units", "/api/v1/admin/units", "/api/v1/admin/units", None, [401, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/api/v1/admin/units", "/api/v1/admin/units", "/api/v1/admin/units", Some(|| json!({})), [401, 403, 403, 403, 422, 403, 422]),
        case(M::PATCH, "/api/v1/admin/units/{code}", "/api/v1/admin/units/NOPE", "/api/v1/admin/units/NOPE", Some(|| json!({"name": "Tên mới"})), [401, 403, 403, 403, 404, 403, 404]),
        case(M::POST, "/api/v1/admin/units/{code}/retire", "/api/v1/admin/units/NOPE/retire", "/api/v1/admin/units/NOPE/retire", None, [401, 403, 403, 403, 404, 403, 404]),
        case(M::GET, "/api/v1/admin/people", "/api/v1/admin/people?q=nguyen", "/api/v1/admin/people?q=nguyen", None, [401, 403, 403, 403, 200, 403, 200]),
        case(M::POST, "/api/v1/admin/people", "/api/v1/admin/people", "/api/v1/admin/people", Some(|| json!({})), [401, 403, 403, 403, 422, 403, 422]),
        case(M::PUT, "/api/v1/admin/people/{staff_code}", "/api/v1/admin/people/NOPE", "/api/v1/admin/people/NOPE", Some(|| json!({"full_name": "Lò Văn Ba", "employment_type": "cong_chuc"})), [401, 403, 403, 403, 404, 403, 404]),
        case(M::POST, "/api/v1/admin/people/{staff_code}/move", "/api/v1/admin/people/NOPE/move", "/api/v1/admin/people/NOPE/move", Some(|| json!({"unit": "DB"})), [401, 403, 403, 403, 404, 403, 404]),
        case(M::POST, "/api/v1/admin/people/{staff_code}/leave", "/api/v1/admin/people/NOPE/leave", "/api/v1/admin/people/NOPE/leave", Some(|| json!({"left_on": "01/01/2026"})), [401, 403, 403, 403, 404, 403, 404]),
        case(M::GET, "/api/v1/admin/roles", "/api/v1/admin/roles", "/api/v1/admin/roles", None, [401, 403, 403, 403, 403, 403, 200]),
        case(M::POST, "/api/v1/admin/roles", "/api/v1/admin/roles", "/api/v1/admin/roles", Some(|| json!({})), [401, 403, 403, 403, 403, 403, 422]),
        case(M::POST, "/api/v1/admin/roles/revoke", "/api/v1/admin/roles/revoke", "/api/v1/admin/roles/revoke", Some(|| json!({})), [401, 403, 403, 403, 403, 403, 422]),
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
        // Phone pages (issue 4): anonymous callers are sent to sign in; form posts without a body
        // are refused by `PageForm` (422); the PWA files are public.
        case(M::POST, "/shares/new", "/shares/new", "/shares/new", None, [303, 422, 422, 422, 422, 422, 422]),
        case(M::GET, "/share-target", "/share-target?text=https%3A%2F%2Fdienbien.gov.vn%2Fa", "/share-target", None, [303, 200, 200, 200, 200, 200, 200]),
        case(M::GET, "/shares/several", "/shares/several", "/shares/several", None, [303, 200, 200, 200, 200, 200, 200]),
        case(M::POST, "/shares/several", "/shares/several", "/shares/several", None, [303, 422, 422, 422, 422, 422, 422]),
        case(M::GET, "/me/history", "/me/history?year=2026&month=1", "/me/history", None, [303, 200, 200, 200, 200, 200, 200]),
        case(M::GET, "/me/progress", "/me/progress", "/me/progress?year=2025", None, [303, 200, 200, 200, 200, 200, 200]),
        case(M::GET, "/me/accounts", "/me/accounts?platform=facebook&address=nguyenvanan", "/me/accounts", None, [303, 200, 200, 200, 200, 200, 200]),
        case(M::POST, "/me/accounts", "/me/accounts", "/me/accounts", None, [303, 422, 422, 422, 422, 422, 422]),
        case(M::POST, "/me/accounts/{id}", "/me/accounts/999999", "/me/accounts/999999", None, [303, 422, 422, 422, 422, 422, 422]),
        case(M::POST, "/me/accounts/{id}/delete", "/me/accounts/999999/delete", "/me/accounts/999999/delete", None, [303, 404, 404, 404, 404, 404, 404]),
        case(M::GET, "/me/data", "/me/data", "/me/data", None, [303, 200, 200, 200, 200, 200, 200]),
        case(M::GET, "/me/data.json", "/me/data.json", "/me/data.json", None, [303, 200, 200, 200, 200, 200, 200]),
        case(M::GET, "/me/data.csv", "/me/data.csv", "/me/data.csv", None, [303, 200, 200, 200, 200, 200, 200]),
        case(M::GET, "/lang/{code}", "/lang/en", "/lang/vi", None, [303; 7]),
        case(M::GET, "/manifest.webmanifest", "/manifest.webmanifest", "/manifest.webmanifest", None, [200; 7]),
        case(M::GET, "/sw.js", "/sw.js", "/sw.js", None, [200; 7]),
        // Exports and reports: 2025 has no policy, so a shortlist that passes authorisation is 422.
        case(M::GET, "/api/v1/reports/annual", "/api/v1/reports/annual?year=2026&unit=XMP", "/api/v1/reports/annual?year=2026&unit=SNV", None, [401, 403, 200, 403, 200, 200, 200]),
        case(M::GET, "/api/v1/reports/commendations", "/api/v1/reports/commendations?year=2025", "/api/v1/reports/commendations?year=2025", None, [401, 403, 403, 403, 422, 403, 422]),
        case(M::GET, "/exports", "/exports", "/exports", None, [303, 403, 200, 200, 200, 200, 200]),
        case(M::GET, "/reports/annual", "/reports/annual?year=2026&unit=XMP", "/reports/annual?year=2026&unit=SNV", None, [303, 403, 200, 403, 200, 200, 200]),
        case(M::GET, "/reports/commendations", "/reports/commendations?year=2025", "/reports/commendations?year=2025", None, [303, 403, 403, 403, 422, 403, 422]),
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
        let specs = lantoa::router::routes(&app.state).specs().to_vec();
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
    let routes = lantoa::router::routes(&app.state);
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
