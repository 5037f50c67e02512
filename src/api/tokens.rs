//! `/api/v1/me/tokens`: a person's own API tokens; `/api/v1/people/{staff_code}/sessions/end`
//! lets an admin end someone's sessions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::json::ApiJson;
use crate::auth::CurrentUser;
use crate::db;
use crate::db::audit::Event;
use crate::error::{AppError, AppResult};
use crate::service::tokens::{create_own, revoke_own};
use crate::state::AppState;

/// Lists the caller's tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "me", security(("bearer" = [])), responses((status = 200, description = "The caller's tokens, never their secrets"), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Value>> {
    let tokens = db::tokens::of_person(&state.db, user.person.id).await?;
    let items: Vec<Value> = tokens
        .iter()
        .map(|t| {
            json!({"id": t.id, "name": t.name, "prefix": t.prefix, "read_only": t.read_only,
                        "created_at": t.created_at, "revoked": t.revoked_at.is_some()})
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// `{name, read_only?}`.
#[derive(Debug, Deserialize)]
pub struct NewToken {
    /// A name to recognise it by.
    pub name: String,
    /// Only reading (exports).
    #[serde(default)]
    pub read_only: bool,
}

/// Creates a token; the secret is in the answer, once.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "me", security(("bearer" = [])), request_body = crate::api::schema::TokenIn, responses((status = 201, description = "The token, with its secret shown once"), (status = 422, description = "`invalid_body`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewToken>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let (token, secret) = create_own(&state, &user, &input.name, input.read_only).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"id": token.id, "name": token.name, "read_only": token.read_only, "token": secret}),
        ),
    ))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "me", security(("bearer" = [])), params(("id" = i64, Path, description = "token id")), responses((status = 200, description = "Revoked"), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    revoke_own(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of a person (admin).
#[utoipa::path(post, path = "/api/v1/people/{staff_code}/sessions/end", tag = "admin", security(("bearer" = [])), params(("staff_code" = String, Path, description = "the person")), responses((status = 200, description = "Sessions ended"), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn end_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(staff_code): Path<String>,
) -> AppResult<Json<Value>> {
    let person = db::people::by_staff_code(&state.db, &staff_code)
        .await?
        .ok_or(AppError::NotFound("cán bộ"))?;
    let ended = db::sessions::end_all_for(&state.db, person.id, state.clock.now()).await?;
    db::audit::record(
        &state.db,
        &user.actor(),
        Event {
            action: "session.end_all",
            target_type: Some("person"),
            target_id: Some(person.staff_code.clone()),
            detail: Some(json!({"ended": ended})),
        },
    )
    .await?;
    Ok(Json(json!({ "ended": ended })))
}

/// Who is calling: person, roles and (for browser sessions) the CSRF token.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])), responses((status = 200, description = "Staff code, name, roles, CSRF token of a browser session"), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn me(user: CurrentUser) -> Json<Value> {
    let roles: Vec<Value> = user
        .grants
        .iter()
        .map(|g| json!({"role": g.role, "unit": g.unit_code}))
        .collect();
    Json(json!({
        "staff_code": user.person.staff_code,
        "full_name": user.person.full_name,
        "roles": roles,
        "csrf_token": user.csrf_token(),
    }))
}
