//! Liveness and readiness for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::db;

/// The process is up: `200 {"status":"ok"}`, without touching the database.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process is up")))]
pub async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers within a second: 200, else 503 `{"status":"unavailable"}`.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, description = "The database answers"), (status = 503, description = "The database does not answer within a second")))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(1), db::ping(&state.db)).await;
    match ping {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({"status": "unavailable", "error": {"code": "unavailable", "message": "Cơ sở dữ liệu chưa sẵn sàng."}}),
            ),
        ),
    }
}
