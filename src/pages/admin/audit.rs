//! `/admin/audit`: the audit log, read-only for everyone (no route here or anywhere changes
//! it): filter by person, action and dates (Asia/Ho_Chi_Minh days), newest first with keyset
//! paging, and a CSV export with the same filters, streamed and itself audited.

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::mpsc;

use super::forms::render_with_error;
use crate::auth::CurrentUser;
use crate::auth::guard::{Need, Routes};
use crate::db;
use crate::db::audit::AuditFilter;
use crate::domain::roster::Role;
use crate::domain::time::{TZ, parse_date};
use crate::error::AppError;
use crate::pages::{Lang, PageQuery, PageResult, render};
use crate::state::AppState;

const ADMIN: Need = Need::AnyRole(&[Role::Admin]);
/// Events per page.
const PAGE_SIZE: u64 = 50;
/// Events per database read while exporting.
const EXPORT_CHUNK: u64 = 1000;

/// This section's routes.
pub fn routes(routes: Routes) -> Routes {
    routes.add(Method::GET, "/admin/audit", ADMIN, list).add(
        Method::GET,
        "/admin/audit.csv",
        ADMIN,
        export,
    )
}

/// The filters as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: Option<i64>,
}

fn plain(text: &str, what: &str) -> Result<Option<String>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > 100
        || !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '@'))
    {
        return Err(AppError::invalid(
            "invalid_filter",
            format!("{what} chỉ gồm chữ không dấu, số và các dấu . - : @"),
        ));
    }
    Ok(Some(text.to_owned()))
}

/// The start of a local day, as an instant.
fn local_midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(TZ)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn date(text: &str, what: &str) -> Result<Option<NaiveDate>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse_date(text).map(Some).ok_or_else(|| {
        AppError::invalid("invalid_date", format!("{what} không hợp lệ (dd/mm/yyyy)."))
    })
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, AppError> {
        let from = date(&self.from, "Từ ngày")?;
        let to = date(&self.to, "Đến ngày")?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(AppError::invalid(
                "invalid_date",
                "“Từ ngày” phải trước hoặc bằng “Đến ngày”.",
            ));
        }
        Ok(AuditFilter {
            person: plain(&self.person, "Người")?,
            action: plain(&self.action, "Thao tác")?,
            from: from.and_then(local_midnight),
            until: to.and_then(|d| d.succ_opt()).and_then(local_midnight),
        })
    }

    fn query_string(&self, before: Option<i64>) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("person", &self.person),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.trim().is_empty() {
                out.append_pair(key, value.trim());
            }
        }
        if let Some(before) = before {
            out.append_pair("before", &before.to_string());
        }
        out.finish()
    }
}

struct EventRow {
    id: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    detail: String,
}

fn at_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&TZ)
        .format("%d/%m/%Y %H:%M:%S")
        .to_string()
}

fn target(event: &entity::audit_event::Model) -> String {
    match (&event.target_type, &event.target_id) {
        (Some(t), Some(id)) => format!("{t} {id}"),
        (Some(t), None) => t.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => String::new(),
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    lang: Lang,
    query: AuditQuery,
    rows: Vec<EventRow>,
    next: Option<String>,
    first: Option<String>,
    export: String,
    error: Option<String>,
}

/// One page of the log.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(query): PageQuery<AuditQuery>,
) -> PageResult<Response> {
    let mut page = AuditPage {
        lang,
        rows: Vec::new(),
        next: None,
        first: query.before.map(|_| query.query_string(None)),
        export: query.query_string(None),
        error: None,
        query: query.clone(),
    };
    let filter = match query.filter() {
        Ok(filter) => filter,
        Err(err) => {
            page.error = Some(err.message());
            return Ok(render_with_error(&page, &err));
        }
    };
    let events = db::audit::search(&state.db, &filter, query.before, PAGE_SIZE + 1).await?;
    let more = events.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    page.rows = events
        .iter()
        .take(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX))
        .map(|e| EventRow {
            id: e.id,
            at: at_local(e.at),
            actor: e.actor.clone(),
            action: e.action.clone(),
            target: target(e),
            detail: e.detail.as_deref().map(readable).unwrap_or_default(),
        })
        .collect();
    if more {
        page.next = page.rows.last().map(|r| query.query_string(Some(r.id)));
    }
    Ok(render(&page))
}

/// A detail object as `key: value` pairs with spaces, so long details wrap on the page.
fn readable(detail: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(detail) {
        Ok(serde_json::Value::Object(fields)) => fields
            .iter()
            .map(|(key, value)| match value {
                serde_json::Value::String(text) => format!("{key}: {text}"),
                other => format!("{key}: {}", other.to_string().replace(",\"", ", \"")),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => detail.to_owned(),
    }
}

type Chunk = Result<Bytes, std::io::Error>;

fn csv_rows(events: &[entity::audit_event::Model], header: bool) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(if header {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    });
    if header {
        writer.write_record([
            "id",
            "at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "detail",
        ])?;
    }
    for e in events {
        writer.write_record([
            e.id.to_string(),
            e.at.to_rfc3339(),
            e.actor.clone(),
            e.action.clone(),
            e.target_type.clone().unwrap_or_default(),
            e.target_id.clone().unwrap_or_default(),
            e.detail.clone().unwrap_or_default(),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
}

/// The filtered log as CSV, newest first, streamed in chunks; the export is audited first.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    PageQuery(query): PageQuery<AuditQuery>,
) -> PageResult<Response> {
    let filter = query.filter()?;
    db::audit::record(
        &state.db,
        &user.actor(),
        db::audit::Event {
            action: "audit.export",
            target_type: None,
            target_id: None,
            detail: Some(serde_json::json!({
                "person": filter.person,
                "action": filter.action,
                "from": query.from.trim(),
                "to": query.to.trim(),
            })),
        },
    )
    .await?;
    let first = db::audit::search(&state.db, &filter, query.before, EXPORT_CHUNK).await?;
    let first_bytes = csv_rows(&first, true).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut last = first.last().map(|e| e.id);
    let full = first.len() == usize::try_from(EXPORT_CHUNK).unwrap_or(usize::MAX);
    let (tx, rx) = mpsc::channel::<Chunk>(4);
    let db = state.db.clone();
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(first_bytes))).await.is_err() || !full {
            return;
        }
        while let Some(before) = last {
            let chunk = match db::audit::search(&db, &filter, Some(before), EXPORT_CHUNK).await {
                Ok(chunk) => chunk,
                Err(err) => {
                    tracing::error!(error = %err, "audit export failed while streaming");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            last = (chunk.len() == usize::try_from(EXPORT_CHUNK).unwrap_or(usize::MAX))
                .then(|| chunk.last().map(|e| e.id))
                .flatten();
            let bytes = match csv_rows(&chunk, false) {
                Ok(bytes) => bytes,
                Err(_) => {
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            if tx.send(Ok(Bytes::from(bytes))).await.is_err() {
                return;
            }
        }
    });
    // poll_fn over the channel, not stream::unfold: the compression layer may poll once more
    // after the end, which unfold answers with a panic.
    let mut rx = rx;
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"lantoa-nhat-ky.csv\""),
    );
    Ok(response)
}
