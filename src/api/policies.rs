//! `/api/v1/policies/{year}`: read (anyone signed in), set (Home Affairs, admins), close
//! (Home Affairs, admins) and reopen (admins) a year's evaluation policy.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::json::ApiJson;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::service::check_year;
use crate::service::policy::{PolicyInput, close, reopen, set, view};
use crate::state::AppState;

/// The year's policy.
#[utoipa::path(get, path = "/api/v1/policies/{year}", tag = "policies", security(("bearer" = [])), params(("year" = i32, Path, description = "work year")), responses((status = 200, description = "The year's policy"), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(year): Path<i32>,
) -> AppResult<Json<Value>> {
    let row = db::policy::row_for_year(&state.db, check_year(year)?)
        .await?
        .ok_or(AppError::NotFound("chỉ tiêu của năm"))?;
    Ok(Json(view(&row)))
}

/// Creates or replaces the year's policy.
#[utoipa::path(put, path = "/api/v1/policies/{year}", tag = "policies", security(("bearer" = [])), params(("year" = i32, Path, description = "work year")), request_body = crate::api::schema::PolicyIn, responses((status = 200, description = "The policy as stored"), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 409, description = "the year is closed", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_body`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<i32>,
    ApiJson(input): ApiJson<PolicyInput>,
) -> AppResult<Json<Value>> {
    let row = set(&state.db, &user.actor(), check_year(year)?, &input).await?;
    Ok(Json(view(&row)))
}

/// Freezes the year's figures.
#[utoipa::path(post, path = "/api/v1/policies/{year}/close", tag = "policies", security(("bearer" = [])), params(("year" = i32, Path, description = "work year")), responses((status = 200, description = "The year's figures are frozen"), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn close_year(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<i32>,
) -> AppResult<Json<Value>> {
    let people = close(&state.db, &user.actor(), check_year(year)?).await?;
    Ok(Json(
        json!({"year": year, "closed": true, "people": people}),
    ))
}

/// Makes the year's figures live again.
#[utoipa::path(post, path = "/api/v1/policies/{year}/reopen", tag = "policies", security(("bearer" = [])), params(("year" = i32, Path, description = "work year")), responses((status = 200, description = "The year's figures are live again"), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn reopen_year(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<i32>,
) -> AppResult<Json<Value>> {
    reopen(&state.db, &user.actor(), check_year(year)?).await?;
    Ok(Json(json!({"year": year, "closed": false})))
}
