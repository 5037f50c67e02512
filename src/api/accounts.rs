//! Declared accounts: `/api/v1/me/accounts` (a person's own, declare, edit, remove) and
//! `GET /api/v1/units/{code}/accounts` (a subtree's people with their accounts and who has none,
//! for its unit heads and Home Affairs; as CSV or XLSX, audited).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::exports::{download, stream_workbook};
use super::json::{ApiJson, ApiQuery};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::export::{self, Format};
use crate::service::accounts::{
    AccountInput, AccountView, audit_export, declare, edit, lines, list_own, of_unit,
    readable_unit, remove,
};
use crate::state::AppState;

/// The caller's declared accounts, oldest first.
#[utoipa::path(get, path = "/api/v1/me/accounts", tag = "me", security(("bearer" = [])), responses((status = 200, description = "`{items: [{id, platform, platform_label, address, normalized, display_name, created_at, updated_at}]}`"), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<serde_json::Value>> {
    let items = list_own(&state.db, user.person.id).await?;
    Ok(Json(json!({ "items": items })))
}

/// Declares one of the caller's accounts.
#[utoipa::path(post, path = "/api/v1/me/accounts", tag = "me", security(("bearer" = [])), request_body = crate::api::schema::AccountIn, responses((status = 201, description = "The account, with its `normalized` form"), (status = 409, description = "`account_taken` (another person declared it), `account_already_declared`", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_platform`, `invalid_account`, `account_platform_mismatch`, `invalid_display_name`, `too_many_accounts`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<AccountInput>,
) -> AppResult<(StatusCode, Json<AccountView>)> {
    let account = declare(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Changes one of the caller's accounts.
#[utoipa::path(patch, path = "/api/v1/me/accounts/{id}", tag = "me", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), request_body = crate::api::schema::AccountIn, responses((status = 200, description = "The account after the change"), (status = 404, description = "`not_found` (not one of the caller's)", body = crate::api::schema::ErrorBody), (status = 409, description = "`account_taken`, `account_already_declared`", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_platform`, `invalid_account`, `account_platform_mismatch`, `invalid_display_name`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AccountInput>,
) -> AppResult<Json<AccountView>> {
    Ok(Json(edit(&state, &user, id, &input).await?))
}

/// Removes one of the caller's accounts.
#[utoipa::path(delete, path = "/api/v1/me/accounts/{id}", tag = "me", security(("bearer" = [])), params(("id" = i64, Path, description = "account id")), responses((status = 204, description = "Removed"), (status = 404, description = "`not_found` (not one of the caller's)", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    remove(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?format=json|csv|xlsx&page=N&per_page=N&without_accounts=true`.
#[derive(Debug, Deserialize)]
pub struct UnitAccountsQuery {
    /// `json` (default), `csv` or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    /// 1-based page of the JSON list.
    #[serde(default)]
    pub page: Option<u32>,
    /// People per page of the JSON list (default 200, at most 1000).
    #[serde(default)]
    pub per_page: Option<u32>,
    /// Only people who have declared no account.
    #[serde(default)]
    pub without_accounts: Option<bool>,
}

/// People per page unless asked otherwise, and the most a page may have.
const PER_PAGE: (usize, usize) = (200, 1000);

/// The subtree's current people with their declared accounts, and who has declared none.
#[utoipa::path(get, path = "/api/v1/units/{code}/accounts", tag = "units", security(("bearer" = [])), params(("code" = String, Path, description = "unit code"), ("format" = Option<String>, Query, description = "`json` (default), `csv` (UTF-8 with BOM) or `xlsx`; files are audited"), ("page" = Option<u32>, Query, description = "1-based page (JSON)"), ("per_page" = Option<u32>, Query, description = "people per page, 200 by default, at most 1000 (JSON)"), ("without_accounts" = Option<bool>, Query, description = "only people without any declared account")), responses((status = 200, description = "`{unit, people, with_accounts, without_accounts, page, per_page, items: [{staff_code, full_name, unit_code, unit_name, accounts}]}` in Vietnamese name order, or the file"), (status = 403, description = "`forbidden` outside the caller's scope", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 422, description = "`unsupported_format`, `invalid_query`, `page_size_too_large` (over 1000), `invalid_page_size`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn of_unit_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<UnitAccountsQuery>,
) -> AppResult<Response> {
    let format: Format = query.format.as_deref().unwrap_or("json").parse()?;
    let per_page =
        crate::service::paging::Limit::new(query.per_page, PER_PAGE.0, PER_PAGE.1)?.get();
    let unit = readable_unit(&state, &user, &code).await?;
    let mut listing = of_unit(&state, &unit).await?;
    if query.without_accounts == Some(true) {
        listing.items.retain(|p| p.accounts.is_empty());
    }
    let name = |ext: &str| format!("tai-khoan-{}.{ext}", safe_code(&unit.code));
    match format {
        Format::Json => {
            let page = query.page.unwrap_or(1).max(1);
            let skip = usize::try_from(page - 1)
                .unwrap_or(usize::MAX)
                .saturating_mul(per_page);
            let total = listing.items.len();
            let items: Vec<_> = listing
                .items
                .into_iter()
                .skip(skip)
                .take(per_page)
                .collect();
            Ok(Json(json!({
                "unit": listing.unit,
                "people": listing.people,
                "with_accounts": listing.with_accounts,
                "without_accounts": listing.without_accounts,
                "page": page,
                "per_page": per_page,
                "total": total,
                "items": items,
            }))
            .into_response())
        }
        Format::Csv => {
            let body = export::accounts::csv(&lines(&listing))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            audit_export(&state.db, &user, &listing, "csv").await?;
            Ok(download(body.into_response(), format, &name("csv")))
        }
        Format::Xlsx => {
            let title = format!(
                "Danh sách tài khoản mạng xã hội đã khai báo — {}",
                listing.unit.name
            );
            let workbook = export::accounts::workbook(&title, &lines(&listing))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            audit_export(&state.db, &user, &listing, "xlsx").await?;
            Ok(download(
                stream_workbook(workbook).into_response(),
                format,
                &name("xlsx"),
            ))
        }
    }
}

/// A unit code made safe for a file name.
fn safe_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect()
}
