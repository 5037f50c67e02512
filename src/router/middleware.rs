//! The middleware every request passes: load shedding (a concurrency limit that answers 503
//! `unavailable` with `Retry-After` at once instead of queueing), metrics by route template,
//! and a last safety net that gives any plain-text error (an extractor's rejection) the
//! service's error shape — JSON under `/api/`, the error page elsewhere.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

/// Routes never shed nor counted in flight: the load balancer's probes and the scraper must get
/// through exactly when the server is busiest.
fn is_exempt(route: &str) -> bool {
    matches!(route, "/healthz" | "/readyz" | "/metrics")
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

/// A request holding one of the server's permits.
struct InFlight<'a> {
    metrics: &'a crate::observability::Metrics,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl<'a> InFlight<'a> {
    fn enter(
        metrics: &'a crate::observability::Metrics,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) -> Self {
        metrics.in_flight(1);
        Self {
            metrics,
            _permit: permit,
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.metrics.in_flight(-1);
    }
}

/// Applies the concurrency limit, records the request's metrics, and normalises errors.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let api = is_api(request.uri().path());
    let response = if has_nul(request.uri()) {
        refuse_nul(api)
    } else if is_exempt(&route) {
        next.run(request).await
    } else if state.breaker.is_open() && !route.starts_with("/static/") {
        shed_response(api)
    } else {
        match state.in_flight.clone().try_acquire_owned() {
            Ok(permit) => {
                // Released (and counted out) even when the client goes away mid-request.
                let _held = InFlight::enter(&state.metrics, permit);
                next.run(request).await
            }
            Err(_) => {
                state.metrics.shed();
                shed_response(api)
            }
        }
    };
    let response = normalise(response, api);
    state.metrics.observe_request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Whether the path or query carries an encoded NUL, which no route takes and PostgreSQL could
/// not even compare.
fn has_nul(uri: &axum::http::Uri) -> bool {
    let bytes = uri.path_and_query().map_or("", |pq| pq.as_str()).as_bytes();
    bytes
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

fn refuse_nul(api: bool) -> Response {
    let err = AppError::bad_request(
        "invalid_characters",
        "Đường dẫn hoặc tham số có ký tự không hợp lệ.",
    );
    if api {
        err.into_response()
    } else {
        crate::error::page::error_page(&err)
    }
}

/// The answer when the server is at its limit: 503 `unavailable`, retry in a second. Built
/// here rather than through `AppError`'s rendering, which logs a warning per answer: under
/// overload that would be thousands of lines a second (the shed counter says it instead).
fn shed_response(api: bool) -> Response {
    let mut response = if api {
        let err = AppError::Unavailable;
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                serde_json::json!({"error": {"code": err.code(), "message": err.message()}}),
            ),
        )
            .into_response()
    } else {
        crate::error::page::error_page(&AppError::Unavailable)
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Turns an error answer that is not in the service's shape (axum's plain-text rejections of a
/// path or query it could not decode) into the JSON error or the error page, same status.
fn normalise(response: Response, api: bool) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let shaped = if api {
        content_type.starts_with("application/json")
    } else {
        content_type.starts_with("text/html") || content_type.starts_with("application/json")
    };
    if shaped {
        return response;
    }
    let err = error_for(status);
    let mut fixed = if api {
        err.into_response()
    } else {
        crate::error::page::error_page(&err)
    };
    *fixed.status_mut() = status;
    fixed
}

fn error_for(status: StatusCode) -> AppError {
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound("đường dẫn này"),
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::bad_request("payload_too_large", "Nội dung gửi lên quá lớn.")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::bad_request(
            "unsupported_media_type",
            "Kiểu nội dung gửi lên không được hỗ trợ.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => AppError::bad_request(
            "method_not_allowed",
            "Phương thức HTTP này không được hỗ trợ cho đường dẫn này.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => AppError::invalid(
            "invalid_request",
            "Yêu cầu có giá trị không hợp lệ. Vui lòng kiểm tra lại.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable,
        s if s.is_server_error() => AppError::Internal(format!("unshaped {s} answer")),
        _ => AppError::bad_request(
            "bad_request",
            "Yêu cầu không hợp lệ (đường dẫn hoặc tham số không đọc được).",
        ),
    }
}
