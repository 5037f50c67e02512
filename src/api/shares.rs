//! `POST /api/v1/shares` and `POST /api/v1/shares/batch`: staff log what they shared.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::json::ApiJson;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::service::shares::{
    Checks, DateRule, ShareInput, ShareView, check_idempotency_key, check_write_rate,
    outcome_to_result, prepare,
};
use crate::state::AppState;

/// Verifies and stores one share for the caller.
async fn submit(
    state: &AppState,
    user: &CurrentUser,
    input: &ShareInput,
    idempotency_key: Option<String>,
    origin: &'static str,
) -> AppResult<(ShareView, bool)> {
    if let Some(key) = &idempotency_key
        && let Some(first) =
            crate::db::shares::by_idempotency_key(&state.db, user.person.id, key).await?
    {
        return Ok((ShareView::from(&first), true));
    }
    let allowlist = state.allowlist();
    let checks = Checks {
        allowlist: &allowlist,
        dates: DateRule::Recent {
            max_backdate_days: state.settings.max_backdate_days,
        },
        now: state.clock.now(),
    };
    let new = prepare(&checks, &user.person, input, idempotency_key, origin)?;
    if crate::service::review::in_closed_year(&state.db, new.shared_on).await? {
        return Err(AppError::invalid(
            "year_closed",
            "Số liệu của kỳ này đã được chốt; không thể ghi nhận thêm.",
        ));
    }
    let outcome = state.writer.write(new).await?;
    let (share, replayed) = outcome_to_result(outcome)?;
    Ok((ShareView::from(&share), replayed))
}

/// Logs one share; the `Idempotency-Key` header makes a retry return the first answer.
#[utoipa::path(post, path = "/api/v1/shares", tag = "shares", security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key returns the first answer")), request_body = crate::api::schema::ShareIn, responses((status = 201, description = "Stored (or the first answer to this key)"), (status = 409, description = "`duplicate`, `post_already_claimed`", body = crate::api::schema::ErrorBody), (status = 422, description = "the verifier's reason, `invalid_platform`, `invalid_date`, `invalid_post_url`, …", body = crate::api::schema::ErrorBody), (status = 429, description = "`rate_limited`, with Retry-After", body = crate::api::schema::ErrorBody), (status = 400, description = "`malformed_json`", body = crate::api::schema::ErrorBody), (status = 413, description = "`payload_too_large`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ShareInput>,
) -> AppResult<(StatusCode, Json<ShareView>)> {
    let key = match headers.get("idempotency-key") {
        Some(value) => Some(check_idempotency_key(value.to_str().map_err(|_| {
            AppError::invalid(
                "invalid_idempotency_key",
                "Khóa Idempotency-Key không hợp lệ.",
            )
        })?)?),
        None => input
            .idempotency_key
            .as_deref()
            .map(check_idempotency_key)
            .transpose()?,
    };
    check_write_rate(&state, &user)?;
    let result = submit(&state, &user, &input, key, "api").await;
    state.metrics.submission(&result);
    let (share, _) = result?;
    Ok((StatusCode::CREATED, Json(share)))
}

/// A batch of shares.
#[derive(Debug, Deserialize)]
pub struct BatchInput {
    /// The items, at most `max_batch_items`.
    pub items: Vec<Value>,
}

/// One item's result.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum BatchResult {
    /// Stored (or replayed).
    Ok {
        /// Always true.
        ok: bool,
        /// The share.
        share: Box<ShareView>,
    },
    /// Refused.
    Err {
        /// Always false.
        ok: bool,
        /// Why.
        error: Value,
    },
}

/// Logs several shares; each item succeeds or fails on its own, results in order.
#[utoipa::path(post, path = "/api/v1/shares/batch", tag = "shares", security(("bearer" = [])), request_body = crate::api::schema::BatchIn, responses((status = 200, description = "`{results: [{ok, share} | {ok, error}]}` in order"), (status = 422, description = "`batch_too_large`, `empty_batch`", body = crate::api::schema::ErrorBody), (status = 429, description = "`rate_limited`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn create_batch(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(batch): ApiJson<BatchInput>,
) -> AppResult<Json<Value>> {
    let max = state.settings.max_batch_items;
    if batch.items.is_empty() {
        return Err(AppError::invalid(
            "empty_batch",
            "Danh sách gửi lên đang trống.",
        ));
    }
    if batch.items.len() > max {
        return Err(AppError::invalid(
            "batch_too_large",
            format!("Mỗi lần gửi tối đa {max} lượt chia sẻ."),
        ));
    }
    check_write_rate(&state, &user)?;
    let mut results = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        let result = match serde_json::from_value::<ShareInput>(item) {
            Err(_) => Err(AppError::invalid(
                "invalid_body",
                "Mục này thiếu trường hoặc sai kiểu (cần source_url và platform).",
            )),
            Ok(input) => match input
                .idempotency_key
                .as_deref()
                .map(check_idempotency_key)
                .transpose()
            {
                Err(err) => Err(err),
                Ok(key) => {
                    let result = submit(&state, &user, &input, key, "api").await;
                    state.metrics.submission(&result);
                    result
                }
            },
        };
        results.push(match result {
            Ok((share, _)) => BatchResult::Ok {
                ok: true,
                share: Box::new(share),
            },
            // A database outage fails the whole request: the client retries it as a whole.
            Err(err @ (AppError::Unavailable | AppError::Database(_) | AppError::Internal(_))) => {
                return Err(err);
            }
            Err(err) => BatchResult::Err {
                ok: false,
                error: json!({"code": err.code(), "message": err.message()}),
            },
        });
    }
    Ok(Json(json!({ "results": results })))
}
