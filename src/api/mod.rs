//! The JSON API under `/api/v1`, plus `/healthz` and `/readyz`. Each resource module owns its
//! routes; errors are rendered once, in `error`.

pub mod error;
pub mod exports;
pub mod health;
pub mod json;
pub mod me;
pub mod shares;
pub mod units;
pub mod verify;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// Every API route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/api/v1/shares", post(shares::create))
        .route("/api/v1/shares/batch", post(shares::create_batch))
        .route("/api/v1/verify", post(verify::verify))
        .route("/api/v1/me/shares", get(me::shares))
        .route("/api/v1/me/tally", get(me::tally))
        .route("/api/v1/units/{code}/tally", get(units::tally))
        .route("/api/v1/exports/evaluation", get(exports::evaluation))
}
