//! `GET /api/v1/exports/evaluation`: the year's per-person evaluation data as XLSX, CSV or JSON,
//! for Home Affairs (the province or any unit) and unit heads (their subtree). Every export is
//! audited before the first byte leaves; the body is streamed, a chunk of units at a time.

use std::io::Write;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::mpsc;

use super::json::ApiQuery;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::export::{self, Format};
use crate::service::export::TextExport;
use crate::service::export::request::{self, Content, Delivery, ExportRequest, Report, Requester};
use crate::state::AppState;

/// `?year=Y&format=xlsx|csv|json[&unit=CODE]`.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// The work year.
    pub year: i32,
    /// `xlsx`, `csv` or `json` (the default).
    #[serde(default = "default_format")]
    pub format: String,
    /// Limit to a unit's subtree.
    pub unit: Option<String>,
}

fn default_format() -> String {
    "json".to_owned()
}

/// Headers of a file download.
pub fn download(mut response: Response, format: Format, name: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if format != Format::Json
        && let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

type Chunk = Result<Bytes, std::io::Error>;

/// The body read from the channel. A closed channel keeps answering "no more", so the stream
/// may be polled after its end (the compression layer does; `stream::unfold` panics there).
fn body_from(mut rx: mpsc::Receiver<Chunk>) -> Body {
    Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}

/// Streams a CSV or JSON export: `first` is already loaded (so a failing database is still a
/// proper error response); the rest is loaded while the client reads. A failure after that
/// aborts the body, so a client never mistakes a cut file for a whole one.
pub fn stream_text(state: &AppState, mut export: TextExport, first: Vec<u8>) -> Body {
    let (tx, rx) = mpsc::channel::<Chunk>(4);
    let db = state.db.clone();
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(first))).await.is_err() {
            return;
        }
        loop {
            match export.next(&db).await {
                Ok(Some(bytes)) => {
                    if tx.send(Ok(Bytes::from(bytes))).await.is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(err) => {
                    tracing::error!(error = %err, "export failed while streaming");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
        }
    });
    body_from(rx)
}

/// A `Write` that hands 64 KiB pieces to an HTTP body (from a blocking thread).
struct ChannelWriter {
    tx: mpsc::Sender<Chunk>,
    buf: Vec<u8>,
}

const PIECE: usize = 64 * 1024;

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE));
        self.tx
            .blocking_send(Ok(Bytes::from(piece)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Streams a finished workbook: zipped on a blocking thread straight into the body.
pub fn stream_workbook(workbook: rust_xlsxwriter::Workbook) -> Body {
    let (tx, rx) = mpsc::channel::<Chunk>(4);
    tokio::task::spawn_blocking(move || {
        let mut writer = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(PIECE),
        };
        let result = export::evaluation::save(workbook, &mut writer)
            .map_err(|e| e.to_string())
            .and_then(|()| writer.send().map_err(|e| e.to_string()));
        if let Err(err) = result {
            tracing::error!(error = %err, "workbook failed while streaming");
            let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    body_from(rx)
}

/// The evaluation export; every export is audited.
#[utoipa::path(get, path = "/api/v1/exports/evaluation", tag = "exports", security(("bearer" = [])), params(("year" = i32, Query, description = "work year"), ("format" = Option<String>, Query, description = "`xlsx`, `csv` or `json` (default)"), ("unit" = Option<String>, Query, description = "a unit's subtree (unit heads: required, within their scope)")), responses((status = 200, description = "The year's per-person evaluation data, grouped by unit, in Vietnamese name order (audited): XLSX form, CSV (UTF-8 with BOM) or `{year, closed, rows}`"), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found` (unit)", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_year`, `invalid_query`, `unsupported_format`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn evaluation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> AppResult<Response> {
    let request = ExportRequest {
        report: Report::Evaluation,
        year: query.year,
        unit: query.unit,
        delivery: Delivery::File(query.format.parse()?),
        requester: Requester::Person(&user),
    };
    deliver(&state, request).await
}

/// Prepares an export through the one service pipeline and answers with it: files as streamed
/// downloads, reports as JSON.
pub async fn deliver(state: &AppState, request: ExportRequest<'_>) -> AppResult<Response> {
    let format = match request.delivery {
        Delivery::File(format) => format,
        Delivery::Page => Format::Json,
    };
    let prepared = request::prepare(
        &state.db,
        &state.settings.organization_name,
        state.clock.today(),
        request,
    )
    .await?;
    let response = match prepared.content {
        Content::Workbook(workbook) => stream_workbook(*workbook).into_response(),
        Content::Text { first, rest } => stream_text(state, *rest, first).into_response(),
        Content::Annual(report) => Json(report).into_response(),
        Content::Commendations(list) => Json(list).into_response(),
    };
    Ok(download(response, format, &prepared.file_name))
}
