//! What the admin page tests share: the seeded province, form posts with the session's CSRF
//! token, multipart uploads, the import preview's rows and the audit events recorded.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};

use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};
pub use crate::helpers::{Session, field_value, location, session_for};

/// The small province plus DB005 (admin); DB004 gets the Culture role.
pub async fn seed(app: &TestApp) {
    let roster =
        format!("{ROSTER_CSV}DB005,Mùa A Páo,pao@dienbien.gov.vn,SNV,,cong_chuc,2020-01-01,\n");
    app.seed_roster(UNITS_CSV, &roster).await;
    app.grant("DB005", "admin", None).await;
    app.grant("DB004", "culture", None).await;
    app.grant("DB003", "home_affairs", None).await;
}

/// Status, headers and body text of a request.
async fn send(app: &TestApp, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let (status, headers, body) = app.send_raw(request).await;
    (status, headers, String::from_utf8_lossy(&body).into_owned())
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

const BOUNDARY: &str = "----lantoa-test-boundary-7MA4YWxkTrZu0gW";

/// A file posted as a browser does (`multipart/form-data`): `_csrf` first when given, then the
/// text fields, then the file as `file`.
pub async fn upload(
    app: &TestApp,
    path: &str,
    s: &Session,
    csrf: Option<&str>,
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
    if let Some(csrf) = csrf {
        text_field("_csrf", csrf);
    }
    for (name, value) in fields {
        text_field(name, value);
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
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

/// The preview's rows as (line, code, outcome class, text of the row).
pub fn preview_rows(html: &str) -> Vec<(u64, String, String, String)> {
    let Some(start) = html.find("<table class=\"preview\">") else {
        return Vec::new();
    };
    let end = html[start..]
        .find("</table>")
        .map_or(html.len(), |e| start + e);
    let table = &html[start..end];
    table
        .split("<tr class=\"")
        .skip(1)
        .map(|row| {
            let class = row.split('"').next().unwrap_or_default().to_owned();
            let cells: Vec<String> = row
                .split("<td>")
                .skip(1)
                .map(|c| strip_tags(c.split("</td>").next().unwrap_or_default()))
                .collect();
            let line = cells
                .first()
                .and_then(|c| c.trim().parse().ok())
                .unwrap_or(0);
            let code = cells.get(1).cloned().unwrap_or_default();
            (line, code, class, cells.join(" | "))
        })
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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
