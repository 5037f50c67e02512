//! `GET /api/v1/me/shares` and `GET /api/v1/me/tally`: a person's own history and progress.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use super::json::ApiQuery;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::service::check_year;
use crate::service::paging::{self, Limit};
use crate::service::shares::ShareView;
use crate::service::tally::{Scope, for_scope};
use crate::state::AppState;
use crate::tally::{Period, evaluation_period};

/// `?year=Y[&month=M]`.
#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    /// The work year (defaults to this year).
    pub year: Option<i32>,
    /// A calendar month of that year.
    pub month: Option<u32>,
}

/// The dates a year (its evaluation period) or one calendar month covers.
pub async fn resolve_period(state: &AppState, query: &PeriodQuery) -> AppResult<(i32, Period)> {
    let year = check_year(
        query
            .year
            .unwrap_or_else(|| chrono::Datelike::year(&state.clock.today())),
    )?;
    match query.month {
        Some(month) => Period::calendar_month(year, month)
            .map(|p| (year, p))
            .ok_or_else(|| AppError::invalid("invalid_month", "Tháng không hợp lệ (1–12).")),
        None => {
            let policy = db::policy::for_year(&state.db, year).await?;
            Ok((year, evaluation_period(policy.as_ref(), year)))
        }
    }
}

/// `?year=Y[&month=M][&limit=N][&cursor=C]`.
#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    /// The work year (defaults to this year).
    pub year: Option<i32>,
    /// A calendar month of that year.
    pub month: Option<u32>,
    /// Entries per page.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Entries per page of a person's history unless asked otherwise, and the most a page may have.
pub const HISTORY_LIMIT: (usize, usize) = (100, 500);

/// The entries of the period, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/me/shares", tag = "me", security(("bearer" = [])),
    params(
        ("year" = Option<i32>, Query, description = "work year, this year by default"),
        ("month" = Option<u32>, Query, description = "a calendar month"),
        ("limit" = Option<u32>, Query, description = "entries per page: 100 by default, at most 500 (more: 422 `page_size_too_large`; everything at once: `/me/data.json`)"),
        ("cursor" = Option<String>, Query, description = "the `next_cursor` of the previous page: the page starts after the last entry seen, so an entry logged meanwhile does not shift it")
    ),
    responses((status = 200, description = "`{items, limit, next_cursor}`: `items` newest first (by date, then id), `next_cursor` null on the last page"), (status = 422, description = "`invalid_year`, `invalid_query`, `page_size_too_large`, `invalid_page_size`, `invalid_cursor`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn shares(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> AppResult<Json<Value>> {
    let limit = Limit::new(query.limit, HISTORY_LIMIT.0, HISTORY_LIMIT.1)?;
    let period_query = PeriodQuery {
        year: query.year,
        month: query.month,
    };
    let (_, period) = resolve_period(&state, &period_query).await?;
    let all =
        db::shares::of_person_between(&state.db, user.person.id, period.start, period.end).await?;
    let (page, next_cursor) =
        paging::newest_first(all, |s| (s.shared_on, s.id), query.cursor.as_deref(), limit)?;
    let items: Vec<ShareView> = page.iter().map(ShareView::from).collect();
    Ok(Json(
        json!({ "items": items, "limit": limit.get(), "next_cursor": next_cursor }),
    ))
}

/// `?year=Y`.
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    /// The work year (defaults to this year).
    pub year: Option<i32>,
}

/// The person's figures for the year.
#[utoipa::path(get, path = "/api/v1/me/tally", tag = "me", security(("bearer" = [])), params(("year" = Option<i32>, Query, description = "work year, this year by default")), responses((status = 200, description = "Accepted, rejected, target, met, by month and quarter"), (status = 422, description = "`invalid_year`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable` (database down or server busy), with Retry-After", body = crate::api::schema::ErrorBody)))]
pub async fn tally(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> AppResult<Json<Value>> {
    let year = check_year(
        query
            .year
            .unwrap_or_else(|| chrono::Datelike::year(&state.clock.today())),
    )?;
    let tally = for_scope(&state.db, year, Scope::Person(&user.person)).await?;
    let period = evaluation_period(tally.policy.as_ref(), year);
    let Some(row) = tally.rows.first() else {
        // Not employed in the period: nothing counts, nothing is expected.
        return Ok(Json(json!({
            "year": year, "period": period_json(&period), "accepted": 0, "rejected": 0,
            "target": null, "met": null, "level": null, "by_month": [], "by_quarter": [],
        })));
    };
    let f = &row.figures;
    Ok(Json(json!({
        "year": year,
        "closed": tally.closed,
        "period": period_json(&f.period),
        "accepted": f.accepted,
        "rejected": f.rejected,
        "target": f.target,
        "met": f.met,
        "level": f.level,
        "percent": f.percent,
        "by_month": f.by_month,
        "by_quarter": f.by_quarter,
    })))
}

fn period_json(period: &Period) -> Value {
    let fmt = |d: NaiveDate| d.to_string();
    json!({"start": fmt(period.start), "end": fmt(period.end)})
}
