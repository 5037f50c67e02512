//! `POST /api/v1/verify`: a dry run of source verification; nothing is stored.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

use super::json::ApiJson;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::verify::verify_source;

/// The address to check.
#[derive(Debug, Deserialize)]
pub struct VerifyInput {
    /// Any text the user pasted.
    pub url: String,
}

/// Verifies one URL and answers with the verifier's JSON plus a Vietnamese message.
#[utoipa::path(post, path = "/api/v1/verify", tag = "shares", security(("bearer" = [])), request_body = crate::api::schema::VerifyIn, responses((status = 200, description = "The verdict, reason, normalised URL, rule and a Vietnamese message; nothing stored"), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiJson(input): ApiJson<VerifyInput>,
) -> AppResult<Json<Value>> {
    let allowlist = state.allowlist();
    let verification = verify_source(&allowlist, &input.url);
    let mut body =
        serde_json::to_value(&verification).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Value::Object(map) = &mut body {
        let message = verification
            .reason
            .map(|r| r.message_vi().to_owned())
            .or_else(|| verification.rule.map(|r| format!("{} ✓", r.label)));
        map.insert("message".to_owned(), message.into());
    }
    Ok(Json(body))
}
