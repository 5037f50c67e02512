//! `GET /api/v1/reports/annual`: the annual report on carrying out the directive, per unit, for
//! Sở VHTTDL (Culture and Home Affairs: any scope; unit heads: their subtree), and
//! `GET /api/v1/reports/commendations`: the commendation shortlist for Home Affairs. JSON or XLSX;
//! every report is audited.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::exports::deliver;
use super::json::ApiQuery;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::export::Format;
use crate::export::shortlist::Rule;
use crate::service::export::request::{Delivery, ExportRequest, Report, Requester};
use crate::state::AppState;

/// `?year=Y[&format=json|xlsx][&unit=CODE]`.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    /// The work year.
    pub year: i32,
    /// `json` (the default) or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    /// Limit to a unit's subtree.
    pub unit: Option<String>,
}

/// The annual report of a scope.
#[utoipa::path(get, path = "/api/v1/reports/annual", tag = "exports", security(("bearer" = [])), params(("year" = i32, Query, description = "work year"), ("format" = Option<String>, Query, description = "`json` (default) or `xlsx`"), ("unit" = Option<String>, Query, description = "a unit's subtree (unit heads: required, within their scope)")), responses((status = 200, description = "`{year, closed, rows, total, top_sources}`: per unit headcount, participants and their share, shares by platform and source category, most shared sources, how many met the target (audited)"), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found` (unit)", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_year`, `invalid_query`, `unsupported_format`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable`", body = crate::api::schema::ErrorBody)))]
pub async fn annual(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> AppResult<Response> {
    let request = ExportRequest {
        report: Report::Annual,
        year: query.year,
        unit: query.unit,
        delivery: Delivery::File(file_format(query.format.as_deref())?),
        requester: Requester::Person(&user),
    };
    deliver(&state, request).await
}

/// A report's `format`: JSON unless asked otherwise.
fn file_format(text: Option<&str>) -> AppResult<Format> {
    text.map_or(Ok(Format::Json), str::parse)
}

/// `?year=Y[&format=json|xlsx][&unit=CODE][&top_people=N][&top_units=N][&min_percent=P][&min_unit_people=M]`.
#[derive(Debug, Deserialize)]
pub struct ShortlistQuery {
    /// The work year.
    pub year: i32,
    /// `json` (the default) or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    /// Limit to a unit's subtree.
    pub unit: Option<String>,
    /// How many individuals.
    pub top_people: Option<u32>,
    /// How many units.
    pub top_units: Option<u32>,
    /// The least share of target an individual must reach, in percent.
    pub min_percent: Option<u32>,
    /// The least headcount of a listed unit.
    pub min_unit_people: Option<u32>,
}

impl ShortlistQuery {
    /// The rule asked for, defaults filled in.
    pub fn rule(&self) -> Rule {
        let d = Rule::default();
        Rule {
            top_people: self.top_people.unwrap_or(d.top_people),
            top_units: self.top_units.unwrap_or(d.top_units),
            min_percent: self.min_percent.unwrap_or(d.min_percent),
            min_unit_people: self.min_unit_people.unwrap_or(d.min_unit_people),
        }
    }
}

/// The commendation shortlist of a scope, by the rule in the query.
#[utoipa::path(get, path = "/api/v1/reports/commendations", tag = "exports", security(("bearer" = [])), params(("year" = i32, Query, description = "work year"), ("format" = Option<String>, Query, description = "`json` (default) or `xlsx`"), ("unit" = Option<String>, Query, description = "a unit's subtree"), ("top_people" = Option<u32>, Query, description = "individuals to list (default 20, at most 1,000)"), ("top_units" = Option<u32>, Query, description = "units to list (default 5, at most 200)"), ("min_percent" = Option<u32>, Query, description = "least share of target an individual must reach, percent (default 100)"), ("min_unit_people" = Option<u32>, Query, description = "least headcount of a listed unit (default 5)")), responses((status = 200, description = "`{year, closed, rule, people, units}` best first (audited)"), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found` (unit)", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_year`, `invalid_query`, `invalid_rule`, `no_policy`, `unsupported_format`", body = crate::api::schema::ErrorBody), (status = 401, description = "`unauthenticated`", body = crate::api::schema::ErrorBody), (status = 503, description = "`unavailable`", body = crate::api::schema::ErrorBody)))]
pub async fn commendations(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ShortlistQuery>,
) -> AppResult<Response> {
    let request = ExportRequest {
        report: Report::Commendations(query.rule()),
        year: query.year,
        unit: query.unit.clone(),
        delivery: Delivery::File(file_format(query.format.as_deref())?),
        requester: Requester::Person(&user),
    };
    deliver(&state, request).await
}
