//! Review through the API: `GET /api/v1/shares?staff_code=C&year=Y` (scoped like the tallies),
//! `POST /api/v1/shares/{id}/review`, and `POST /api/v1/shares/review` for several at once.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::json::{ApiJson, ApiQuery};
use super::me::{HISTORY_LIMIT, PeriodQuery, resolve_period};
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::review::Decision;
use crate::service::check_year;
use crate::service::paging::{self, Limit};
use crate::service::review::{can_read_person, decide, entries_with_flags};
use crate::state::AppState;

/// `?staff_code=C&year=Y[&month=M]`.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// Whose entries.
    pub staff_code: String,
    /// The work year (defaults to this year).
    pub year: Option<i32>,
    /// A calendar month.
    pub month: Option<u32>,
    /// Entries per page.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A person's entries with status, review decision and reason, and review flags.
#[utoipa::path(get, path = "/api/v1/shares", tag = "shares", security(("bearer" = [])), params(("staff_code" = String, Query, description = "whose entries"), ("year" = Option<i32>, Query, description = "work year, this year by default"), ("month" = Option<u32>, Query, description = "a calendar month"), ("limit" = Option<u32>, Query, description = "entries per page: 100 by default, at most 500 (more: 422 `page_size_too_large`)"), ("cursor" = Option<String>, Query, description = "the `next_cursor` of the previous page")), responses((status = 200, description = "`{person, items, limit, next_cursor}`: the person's entries newest first (by date, then id) with status, review and flags; `next_cursor` null on the last page"), (status = 422, description = "`page_size_too_large`, `invalid_page_size`, `invalid_cursor`, `invalid_year`", body = crate::api::schema::ErrorBody), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> AppResult<Json<Value>> {
    if let Some(year) = query.year {
        check_year(year)?;
    }
    let limit = Limit::new(query.limit, HISTORY_LIMIT.0, HISTORY_LIMIT.1)?;
    let person = db::people::by_staff_code(&state.db, &query.staff_code).await?;
    // Unknown and out-of-scope people look the same, so staff codes cannot be probed.
    let person = match person {
        Some(p) if can_read_person(&state, &user, &p).await? => p,
        Some(_) => return Err(AppError::Forbidden),
        None if user.sees_everything() => return Err(AppError::NotFound("cán bộ")),
        None => return Err(AppError::Forbidden),
    };
    let (_, period) = resolve_period(
        &state,
        &PeriodQuery {
            year: query.year,
            month: query.month,
        },
    )
    .await?;
    // Flags compare an entry with the person's others, so they are worked out on the whole
    // period before the page is cut.
    let all = entries_with_flags(&state.db, person.id, period.start, period.end).await?;
    let (items, next_cursor) = paging::newest_first(
        all,
        |i| (i.share.shared_on, i.share.id),
        query.cursor.as_deref(),
        limit,
    )?;
    Ok(Json(json!({
        "person": {"staff_code": person.staff_code, "full_name": person.full_name},
        "items": items,
        "limit": limit.get(),
        "next_cursor": next_cursor,
    })))
}

/// `{decision: "reject"|"restore", reason}`.
#[derive(Debug, Deserialize)]
pub struct ReviewInput {
    /// The decision.
    pub decision: Decision,
    /// Why (required to reject).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Rejects or restores one entry.
#[utoipa::path(post, path = "/api/v1/shares/{id}/review", tag = "shares", security(("bearer" = [])), params(("id" = i64, Path, description = "share id")), request_body = crate::api::schema::ReviewIn, responses((status = 200, description = "The entry after the decision"), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 422, description = "`reason_required`, …", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> AppResult<Json<Value>> {
    let share = decide(&state, &user, id, input.decision, input.reason.as_deref()).await?;
    Ok(Json(json!({ "share": share })))
}

/// `{ids: [...], decision, reason}`.
#[derive(Debug, Deserialize)]
pub struct BulkInput {
    /// The entries (at most 200).
    pub ids: Vec<i64>,
    /// The decision.
    pub decision: Decision,
    /// Why (required to reject).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Rejects or restores several entries; each succeeds or fails on its own.
#[utoipa::path(post, path = "/api/v1/shares/review", tag = "shares", security(("bearer" = [])), request_body = crate::api::schema::ReviewBulkIn, responses((status = 200, description = "Per-entry results in order"), (status = 422, description = "`invalid_body`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn review_bulk(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<BulkInput>,
) -> AppResult<Json<Value>> {
    if input.ids.is_empty() || input.ids.len() > 200 {
        return Err(AppError::invalid(
            "invalid_ids",
            "Chọn từ 1 đến 200 lượt chia sẻ.",
        ));
    }
    crate::review::check_reason(input.decision, input.reason.as_deref())
        .map_err(|m| AppError::invalid("reason_required", m))?;
    let mut results = Vec::with_capacity(input.ids.len());
    for id in input.ids {
        match decide(&state, &user, id, input.decision, input.reason.as_deref()).await {
            Ok(share) => results.push(json!({"id": id, "ok": true, "share": share})),
            Err(err @ (AppError::Unavailable | AppError::Database(_) | AppError::Internal(_))) => return Err(err),
            Err(err) => results.push(json!({"id": id, "ok": false, "error": {"code": err.code(), "message": err.message()}})),
        }
    }
    Ok(Json(json!({ "results": results })))
}
