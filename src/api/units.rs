//! `GET /api/v1/units/{code}/tally`: everyone in a unit's subtree, for its heads and Home Affairs,
//! a page at a time (sorted and searched on the server; the whole list is the evaluation export).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::json::ApiQuery;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::export::EvaluationRow;
use crate::service::check_year;
use crate::service::people_page::{self, Sort};
use crate::service::tally::{Scope, for_scope};
use crate::state::AppState;

/// `?year=&sort=&q=&limit=&cursor=`.
#[derive(Debug, Deserialize)]
pub struct TallyQuery {
    /// The work year (defaults to this year).
    pub year: Option<i32>,
    /// `name` (default), `shares` or `progress`.
    pub sort: Option<String>,
    /// Name (accents ignored) or staff code contains.
    pub q: Option<String>,
    /// Rows per page.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Per-person tallies of the unit's subtree for a year, one page at a time.
#[utoipa::path(get, path = "/api/v1/units/{code}/tally", tag = "units", security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "unit code"),
        ("year" = Option<i32>, Query, description = "work year, this year by default"),
        ("sort" = Option<String>, Query, description = "`name` (Vietnamese name order, the default), `shares` (most accepted first) or `progress` (lowest share of the target first); ties in staff code order"),
        ("q" = Option<String>, Query, description = "only people whose name (accents ignored) or staff code contains this"),
        ("limit" = Option<u32>, Query, description = "rows per page: 100 by default, at most 500 (more: 422 `page_size_too_large`; the whole list is `GET /api/v1/exports/evaluation`)"),
        ("cursor" = Option<String>, Query, description = "the `next_cursor` of the previous page, with the same `sort`, `q` and `year`: the page starts after the last row seen, so shares arriving meanwhile neither repeat nor skip a person")
    ),
    responses(
        (status = 200, description = "`{year, closed, unit, rows, total, limit, sort, next_cursor}`: `rows` is this page, `total` counts every matching person, `next_cursor` is null on the last page"),
        (status = 403, description = "`forbidden` outside the caller's scope", body = crate::api::schema::ErrorBody),
        (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody),
        (status = 422, description = "`page_size_too_large`, `invalid_page_size`, `invalid_cursor`, `invalid_sort`, `invalid_year`", body = crate::api::schema::ErrorBody),
        (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody),
        (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn tally(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<TallyQuery>,
) -> AppResult<Json<Value>> {
    let year = check_year(
        query
            .year
            .unwrap_or_else(|| chrono::Datelike::year(&state.clock.today())),
    )?;
    let sort = Sort::parse(query.sort.as_deref())?;
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
    let request = people_page::Request {
        sort,
        q: query.q,
        limit: query.limit,
        cursor: query.cursor,
    };
    let page = people_page::page(&state.db, &tally, year, &request, |_| true).await?;
    let period = crate::tally::evaluation_period(tally.policy.as_ref(), year);
    let ids: Vec<i64> = page.rows.iter().map(|r| r.person.id).collect();
    let accounts =
        crate::service::accounts::figures(&state.db, &ids, period.start, period.end).await?;
    // Each row also tells the person's declared accounts and accepted shares by match status.
    let rows: Vec<Value> = page
        .rows
        .iter()
        .map(|r| {
            let mut row = serde_json::to_value(EvaluationRow::from(*r)).unwrap_or(Value::Null);
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
        "total": page.total,
        "limit": page.limit,
        "sort": sort.as_str(),
        "next_cursor": page.next_cursor,
    })))
}
