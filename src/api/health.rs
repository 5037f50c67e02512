//! Liveness and readiness for load balancers and orchestrators, and the Prometheus endpoint.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::db;
use crate::error::AppError;
use crate::state::AppState;

/// The process is up: `200 {"status":"ok"}`, without touching the database.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process is up")))]
pub async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers within a second: 200, else 503 `{"status":"unavailable"}`.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, description = "The database answers"), (status = 503, description = "The database does not answer within a second")))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.breaker.is_open() {
        return not_ready();
    }
    let ping = tokio::time::timeout(std::time::Duration::from_secs(1), db::ping(&state.db)).await;
    match ping {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        _ => not_ready(),
    }
}

fn not_ready() -> (StatusCode, Json<Value>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(
            json!({"status": "unavailable", "error": {"code": "unavailable", "message": "Cơ sở dữ liệu chưa sẵn sàng."}}),
        ),
    )
}

/// The client's address: the peer of the TCP connection (None in in-process tests).
fn peer(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())
}

/// Whether the request came through a proxy, whose peer address says nothing of the client.
fn forwarded(request: &Request) -> bool {
    let headers = request.headers();
    headers.contains_key("forwarded")
        || headers.contains_key("x-forwarded-for")
        || headers.contains_key("x-real-ip")
}

/// `GET /metrics`: the Prometheus text, only to the addresses in `LANTOA_METRICS_ALLOW` and
/// never through a proxy (anything with forwarding headers); everyone else gets a 404.
pub async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let allowed =
        !forwarded(&request) && peer(&request).is_some_and(|ip| state.metrics_allow.allows(ip));
    if !allowed {
        return AppError::NotFound("đường dẫn này").into_response();
    }
    let mut response = state.metrics_text().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}
