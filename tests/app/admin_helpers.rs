//! What the admin page tests share: a browser session made in the database, form posts with
//! its CSRF token, multipart uploads, and reading values back out of the pages.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::TestApp;

/// A browser session made directly in the database (as sign-in would).
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

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

async fn raw(app: &TestApp, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
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

/// GET a page with the session.
pub async fn get(app: &TestApp, path: &str, s: &Session) -> (StatusCode, String) {
    let request = Request::get(path)
        .header(header::COOKIE, &s.cookie)
        .body(Body::empty())
        .expect("request");
    let (status, _, body) = raw(app, request).await;
    (status, body)
}

/// POST a url-encoded form with the session's CSRF token; returns status, Location, body.
pub async fn post(
    app: &TestApp,
    path: &str,
    s: &Session,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut all = vec![("_csrf", s.csrf.as_str())];
    all.extend_from_slice(fields);
    post_raw(app, path, s, &all).await
}

/// POST a url-encoded form as given (no CSRF token added).
pub async fn post_raw(
    app: &TestApp,
    path: &str,
    s: &Session,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let request = Request::post(path)
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let (status, headers, body) = raw(app, request).await;
    let location = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, location, body)
}

/// POST a file as a browser does (`multipart/form-data`, `_csrf` first when given).
pub async fn upload(
    app: &TestApp,
    path: &str,
    s: &Session,
    csrf: Option<&str>,
    file_name: &str,
    content: &[u8],
) -> (StatusCode, String) {
    let boundary = "----lantoa-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    if let Some(csrf) = csrf {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post(path)
        .header(header::COOKIE, &s.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    let (status, _, body) = raw(app, request).await;
    (status, body)
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

/// How many audit events of an action were recorded.
pub async fn audited(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_events WHERE action = '{action}'"))
        .await
}
