//! Helpers for the admin page tests: a browser session made in the database, form posts with
//! its CSRF token, multipart uploads, and reading values back out of pages.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

/// A browser session.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The small province plus DB005 (admin); DB004 gets the Culture role.
pub async fn seed(app: &TestApp) {
    let roster =
        format!("{ROSTER_CSV}DB005,Mùa A Páo,pao@dienbien.gov.vn,SNV,,cong_chuc,2020-01-01,\n");
    app.seed_roster(UNITS_CSV, &roster).await;
    app.grant("DB005", "admin", None).await;
    app.grant("DB004", "culture", None).await;
    app.grant("DB003", "home_affairs", None).await;
}

/// A session for a staff code, as sign-in would make it.
pub async fn session_for(app: &TestApp, staff_code: &str) -> Session {
    let person = lantoa::db::people::by_staff_code(&app.db, staff_code)
        .await
        .expect("db")
        .expect("person");
    let secret = lantoa::db::tokens::generate().expect("random");
    let csrf = lantoa::auth::csrf::token_for(&secret);
    lantoa::db::sessions::create(
        &app.db,
        person.id,
        &secret,
        &csrf,
        chrono::Utc::now() + chrono::Duration::days(1),
        Some("test".into()),
    )
    .await
    .expect("session");
    Session {
        cookie: format!("lantoa_sid={secret}"),
        csrf,
    }
}

/// Status, headers and body text of a request.
pub async fn send(app: &TestApp, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// A GET with the session.
pub async fn get(app: &TestApp, path: &str, s: &Session) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(path)
        .header(header::COOKIE, &s.cookie)
        .body(Body::empty())
        .expect("request");
    send(app, request).await
}

/// A form post with the session's CSRF token added.
pub async fn post_form(
    app: &TestApp,
    path: &str,
    s: &Session,
    fields: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut all = vec![("_csrf", s.csrf.as_str())];
    all.extend_from_slice(fields);
    post_raw_form(app, path, s, &all).await
}

/// A form post exactly as given (no CSRF token added).
pub async fn post_raw_form(
    app: &TestApp,
    path: &str,
    s: &Session,
    fields: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let request = Request::post(path)
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    send(app, request).await
}

const BOUNDARY: &str = "lantoa-test-boundary";

/// A multipart upload of `file` (as `file`) with text fields; `csrf` adds the session's token.
pub async fn upload(
    app: &TestApp,
    path: &str,
    s: &Session,
    csrf: bool,
    fields: &[(&str, &str)],
    file_name: &str,
    file: &[u8],
) -> (StatusCode, HeaderMap, String) {
    let mut body = Vec::new();
    let mut text_field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    if csrf {
        text_field("_csrf", &s.csrf);
    }
    for (name, value) in fields {
        text_field(name, value);
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::post(path)
        .header(header::COOKIE, &s.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    send(app, request).await
}

/// The redirect target.
pub fn location(headers: &HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of a form field in a page (`name="…" … value="…"` on one tag).
pub fn field_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')? + v;
    Some(tag[v..end].to_owned())
}

/// Audit events with this action, oldest first: (actor, target id, detail JSON).
pub async fn audited(
    app: &TestApp,
    action: &str,
) -> Vec<(String, Option<String>, serde_json::Value)> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(action))
        .order_by_asc(entity::audit_event::Column::Id)
        .all(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| {
            (
                e.actor,
                e.target_id,
                e.detail
                    .and_then(|d| serde_json::from_str(&d).ok())
                    .unwrap_or_default(),
            )
        })
        .collect()
}
