//! The unit dashboard (unit heads for their subtree; Home Affairs and admins for any unit):
//! everyone with this month / quarter / period counts and a progress bar, who is behind
//! highlighted, sort and filter, sub-unit roll-ups, and two server-rendered SVG charts.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{Lang, PageResult, render};
use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::service::tally::{PersonTally, Scope, YearTally, for_scope};
use crate::state::AppState;
use crate::tally::{Period, quarter_of, scale};

/// `?year=&sort=name|accepted|percent&behind=1&q=`.
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    /// The work year (this year by default).
    pub year: Option<i32>,
    /// Sort order.
    pub sort: Option<String>,
    /// Only people behind target.
    pub behind: Option<String>,
    /// Name or staff code contains.
    pub q: Option<String>,
}

/// One person's line on the dashboard.
pub struct Line {
    /// Staff code.
    pub staff_code: String,
    /// Full name.
    pub full_name: String,
    /// Current unit name.
    pub unit_name: String,
    /// Accepted this month.
    pub month: u32,
    /// Accepted this quarter.
    pub quarter: u32,
    /// Accepted in the period.
    pub period: u32,
    /// Pro-rated period target, if there is a policy.
    pub target: Option<u32>,
    /// Percent of the target, capped at 100 for the bar.
    pub bar: u32,
    /// Percent of the target (uncapped).
    pub percent: Option<u32>,
    /// Behind what should have been reached by today.
    pub behind: bool,
    /// Level name.
    pub level: Option<String>,
}

/// A sub-unit roll-up.
pub struct Rollup {
    /// Unit code.
    pub code: String,
    /// Unit name.
    pub name: String,
    /// People counted.
    pub people: usize,
    /// Accepted shares in the period.
    pub accepted: u32,
    /// People who met their target.
    pub met: usize,
}

/// What the dashboard shows, built from a year's tally (pure: testable without HTTP).
pub struct Model {
    /// Lines in the requested order.
    pub lines: Vec<Line>,
    /// People in the scope.
    pub people: usize,
    /// People behind.
    pub behind: usize,
    /// People who met their period target.
    pub met: usize,
    /// Monthly totals chart (SVG).
    pub monthly_svg: String,
    /// People meeting their monthly target, per month (SVG).
    pub met_svg: String,
}

/// The share of the target that should be reached by `today` (pro-rated by days elapsed).
fn expected_by(target: u32, period: &Period, today: NaiveDate) -> u32 {
    if today >= period.end {
        return target;
    }
    if today < period.start {
        return 0;
    }
    let elapsed = u32::try_from((today - period.start).num_days() + 1).unwrap_or(0);
    scale(target, elapsed, period.days())
}

fn line(row: &PersonTally, today: NaiveDate) -> Line {
    let f = &row.figures;
    let month = f
        .by_month
        .iter()
        .find(|m| m.year == today.year() && m.month == today.month())
        .map_or(0, |m| m.accepted);
    let quarter = f
        .by_quarter
        .iter()
        .find(|q| q.year == today.year() && q.quarter == quarter_of(today))
        .map_or(0, |q| q.accepted);
    let percent = f
        .target
        .map(|t| (f.accepted * 100).checked_div(t).unwrap_or(100));
    let behind = f
        .target
        .is_some_and(|t| f.accepted < expected_by(t, &f.period, today));
    Line {
        staff_code: row.person.staff_code.clone(),
        full_name: row.person.full_name.clone(),
        unit_name: row
            .unit
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        month,
        quarter,
        period: f.accepted,
        target: f.target,
        bar: percent.unwrap_or(0).min(100),
        percent,
        behind,
        level: f.level.clone(),
    }
}

/// Builds the dashboard model: filter, sort, totals and charts.
pub fn build(tally: &YearTally, query: &DashboardQuery, today: NaiveDate) -> Model {
    let all: Vec<Line> = tally.rows.iter().map(|r| line(r, today)).collect();
    let people = all.len();
    let behind = all.iter().filter(|l| l.behind).count();
    let met = tally
        .rows
        .iter()
        .filter(|r| r.figures.met == Some(true))
        .count();
    let needle = query
        .q
        .as_deref()
        .map(|q| crate::domain::names::fold_ascii(q.trim()).to_lowercase())
        .filter(|q| !q.is_empty());
    let mut lines: Vec<Line> = all
        .into_iter()
        .filter(|l| query.behind.is_none() || l.behind)
        .filter(|l| {
            needle.as_ref().is_none_or(|n| {
                crate::domain::names::fold_ascii(&l.full_name)
                    .to_lowercase()
                    .contains(n)
                    || l.staff_code.to_lowercase().contains(n)
            })
        })
        .collect();
    // Rows come in Vietnamese name order; other orders keep it among equals (stable sort).
    match query.sort.as_deref() {
        Some("accepted") => lines.sort_by_key(|l| std::cmp::Reverse(l.period)),
        Some("percent") => lines.sort_by_key(|l| l.percent),
        _ => {}
    }
    let mut monthly: BTreeMap<(i32, u32), (u32, u32)> = BTreeMap::new();
    for row in &tally.rows {
        for m in &row.figures.by_month {
            let entry = monthly.entry((m.year, m.month)).or_default();
            entry.0 += m.accepted;
            entry.1 += u32::from(m.met == Some(true));
        }
    }
    let labels: Vec<String> = monthly.keys().map(|(_, m)| format!("T{m}")).collect();
    let totals: Vec<u32> = monthly.values().map(|v| v.0).collect();
    let mets: Vec<u32> = monthly.values().map(|v| v.1).collect();
    Model {
        lines,
        people,
        behind,
        met,
        monthly_svg: svg_bars(&totals, &labels, "Tổng lượt chia sẻ theo tháng"),
        met_svg: svg_bars(&mets, &labels, "Số người đạt chỉ tiêu tháng"),
    }
}

/// A small accessible bar chart as SVG (numbers and fixed labels only: nothing user-written).
pub fn svg_bars(values: &[u32], labels: &[String], title: &str) -> String {
    let width = 40 * values.len().max(1) + 20;
    let height = 150;
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let mut svg = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>"#
    );
    for (i, (value, label)) in values.iter().zip(labels).enumerate() {
        let bar = (u64::from(*value) * 100 / u64::from(max)) as usize;
        let x = 14 + i * 40;
        let y = 118 - bar;
        svg.push_str(&format!(
            r##"<rect x="{x}" y="{y}" width="28" height="{bar}" fill="#b3261e"><title>{label}: {value}</title></rect><text x="{tx}" y="{vy}" font-size="10" text-anchor="middle">{value}</text><text x="{tx}" y="134" font-size="11" text-anchor="middle">{label}</text>"##,
            tx = x + 14,
            vy = y.saturating_sub(3),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    lang: Lang,
    unit_code: &'a str,
    unit_name: &'a str,
    year: i32,
    closed: bool,
    has_policy: bool,
    model: Model,
    rollups: Vec<Rollup>,
    sort: &'a str,
    behind_only: bool,
    q: &'a str,
    today: String,
    /// The annual report's deadline, as 30 November approaches.
    reminder: Option<crate::export::reminder::Reminder>,
}

/// `/units`: a unit head's own unit (Home Affairs and admins: the province).
pub async fn index(State(state): State<AppState>, user: CurrentUser) -> PageResult<Response> {
    let scope = user
        .grants
        .iter()
        .find(|g| g.role == crate::domain::roster::Role::UnitHead)
        .and_then(|g| g.unit_code.clone());
    let code = match scope {
        Some(code) => code,
        None if user.sees_everything() => db::units::all(&state.db)
            .await?
            .into_iter()
            .find(|u| u.parent_id.is_none())
            .map(|u| u.code)
            .ok_or(AppError::NotFound("đơn vị"))?,
        None => return Err(AppError::Forbidden.into()),
    };
    Ok(Redirect::to(&format!("/units/{code}")).into_response())
}

/// `/units/{code}`: the dashboard.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> PageResult<Response> {
    let unit = db::units::by_code(&state.db, &code).await?;
    let unit = match unit {
        Some(unit) if user.can_read_unit(&unit.path) => unit,
        None if user.sees_everything() => return Err(AppError::NotFound("đơn vị").into()),
        _ => return Err(AppError::Forbidden.into()),
    };
    let today = state.clock.today();
    let year = query.year.unwrap_or(today.year());
    crate::service::check_year(year)?;
    let ids = db::units::subtree_ids(&state.db, &unit).await?;
    let tally = for_scope(
        &state.db,
        year,
        Scope::Subtree {
            ids: &ids,
            path: &unit.path,
        },
    )
    .await?;
    let rollups = rollups(&state, &unit, &tally).await?;
    let model = build(&tally, &query, today);
    Ok(render(&DashboardPage {
        lang,
        unit_code: &unit.code,
        unit_name: &unit.name,
        year,
        closed: tally.closed,
        has_policy: tally.policy.is_some(),
        model,
        rollups,
        sort: query.sort.as_deref().unwrap_or("name"),
        behind_only: query.behind.is_some(),
        q: query.q.as_deref().unwrap_or(""),
        today: crate::domain::time::format_vi(today),
        reminder: crate::export::reminder::due(today),
    }))
}

/// Totals per direct sub-unit (each including its own subtree).
async fn rollups(
    state: &AppState,
    unit: &entity::unit::Model,
    tally: &YearTally,
) -> PageResult<Vec<Rollup>> {
    let all = db::units::all(&state.db).await?;
    let children: Vec<&entity::unit::Model> = all
        .iter()
        .filter(|u| u.parent_id == Some(unit.id))
        .collect();
    let path_of: std::collections::HashMap<i64, &str> =
        all.iter().map(|u| (u.id, u.path.as_str())).collect();
    let mut out = Vec::new();
    for child in children {
        let inside: Vec<&PersonTally> = tally
            .rows
            .iter()
            .filter(|r| {
                path_of
                    .get(&r.person.unit_id)
                    .is_some_and(|p| p.starts_with(&child.path))
            })
            .collect();
        out.push(Rollup {
            code: child.code.clone(),
            name: child.name.clone(),
            people: inside.len(),
            accepted: inside.iter().map(|r| r.figures.accepted).sum(),
            met: inside
                .iter()
                .filter(|r| r.figures.met == Some(true))
                .count(),
        });
    }
    out.sort_by(|a, b| crate::domain::names::compare(&a.name, &b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_progress_grows_with_the_days_elapsed() {
        let period = Period::calendar_year(2026);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        assert_eq!(expected_by(365, &period, d(1, 1)), 1);
        assert_eq!(expected_by(365, &period, d(7, 2)), 183);
        assert_eq!(expected_by(365, &period, d(12, 31)), 365);
        assert_eq!(
            expected_by(100, &Period::calendar_year(2027), d(6, 1)),
            0,
            "a future period expects nothing yet"
        );
    }

    #[test]
    fn the_chart_has_one_bar_per_month_and_escapes_nothing_user_written() {
        let svg = svg_bars(&[3, 0, 7], &["T1".into(), "T2".into(), "T3".into()], "Tổng");
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(">7<"));
    }
}
