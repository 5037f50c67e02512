//! `GET /api/v1/units/{code}/tally`: everyone in a unit's subtree, for its heads and Home Affairs.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::json::ApiQuery;
use super::me::YearQuery;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::export::EvaluationRow;
use crate::service::check_year;
use crate::service::tally::{Scope, for_scope};
use crate::state::AppState;

/// Per-person tallies of the unit's subtree for a year.
#[utoipa::path(get, path = "/api/v1/units/{code}/tally", tag = "units", security(("bearer" = [])), params(("code" = String, Path, description = "unit code"), ("year" = Option<i32>, Query, description = "work year, this year by default")), responses((status = 200, description = "Per-person rows in Vietnamese name order"), (status = 403, description = "`forbidden` outside the caller's scope", body = crate::api::openapi::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::openapi::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::openapi::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::openapi::ErrorBody)))]
pub async fn tally(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> AppResult<Json<Value>> {
    let year = check_year(
        query
            .year
            .unwrap_or_else(|| chrono::Datelike::year(&state.clock.today())),
    )?;
    let unit = db::units::by_code(&state.db, &code).await?;
    // Same answer for "no such unit" and "not yours", so codes cannot be probed.
    let unit = match unit {
        Some(unit) if user.can_read_unit(&unit.path) => unit,
        Some(_) => return Err(AppError::Forbidden),
        None if user.sees_everything() => return Err(AppError::NotFound("đơn vị")),
        None => return Err(AppError::Forbidden),
    };
    let unit_ids = db::units::subtree_ids(&state.db, &unit).await?;
    let tally = for_scope(
        &state.db,
        year,
        Scope::Subtree {
            ids: &unit_ids,
            path: &unit.path,
        },
    )
    .await?;
    let period = crate::tally::evaluation_period(tally.policy.as_ref(), year);
    let ids: Vec<i64> = tally.rows.iter().map(|r| r.person.id).collect();
    let accounts =
        crate::service::accounts::figures(&state.db, &ids, period.start, period.end).await?;
    // Each row also tells the person's declared accounts and accepted shares by match status.
    let rows: Vec<Value> = tally
        .rows
        .iter()
        .map(|r| {
            let mut row = serde_json::to_value(EvaluationRow::from(r)).unwrap_or(Value::Null);
            let f = accounts.get(&r.person.id).copied().unwrap_or_default();
            if let Value::Object(map) = &mut row {
                map.insert("declared_accounts".into(), json!(f.declared_accounts));
                map.insert(
                    "shares_by_account_match".into(),
                    json!({"matched": f.matched, "other_person": f.other_person,
                           "undeclared": f.undeclared, "unknown": f.unknown}),
                );
            }
            row
        })
        .collect();
    Ok(Json(json!({
        "year": year,
        "closed": tally.closed,
        "unit": {"code": unit.code, "name": unit.name},
        "rows": rows,
    })))
}
