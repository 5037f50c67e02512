//! The unit dashboard (unit heads for their subtree; Home Affairs and admins for any unit).
//! A unit with sub-units opens on them, ranked by participation and by the share of people
//! meeting the target, each with a small server-rendered bar, to drill down unit by unit; its
//! people (`?view=people`) come a page at a time, sorted and searched on the server, with this
//! month / quarter / period counts and who is behind highlighted.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{Lang, PageResult, render};
use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::service::people_page::{self, Sort};
use crate::service::tally::{PersonTally, Scope, YearTally, for_scope};
use crate::state::AppState;
use crate::tally::{Period, quarter_of, scale};

/// Rows per page of people on the page (a phone screen or two) unless `?limit=` says otherwise.
const PAGE_ROWS: u32 = 50;

/// `?year=&view=units|people&sort=name|shares|progress&behind=1&q=&limit=&cursor=&rank=`.
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    /// The work year (this year by default).
    pub year: Option<i32>,
    /// `people` for the list of people of a unit that has sub-units.
    pub view: Option<String>,
    /// Sort order of people.
    pub sort: Option<String>,
    /// Only people behind target.
    pub behind: Option<String>,
    /// Name or staff code contains.
    pub q: Option<String>,
    /// People per page.
    pub limit: Option<u32>,
    /// Where the previous page ended.
    pub cursor: Option<String>,
    /// Order of sub-units: `participation` (default) or `met`.
    pub rank: Option<String>,
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

/// A sub-unit's figures (its whole subtree), for the units-first view.
pub struct Rollup {
    /// Unit code.
    pub code: String,
    /// Unit name.
    pub name: String,
    /// Whether it has sub-units of its own (drill down further).
    pub has_children: bool,
    /// People counted.
    pub people: usize,
    /// People with at least one accepted share in the period.
    pub active: usize,
    /// Accepted shares in the period.
    pub accepted: u32,
    /// People who met their target.
    pub met: usize,
    /// `active` as a percentage of `people`.
    pub participation: u32,
    /// `met` as a percentage of `people`.
    pub met_percent: u32,
    /// Participation bar (inline SVG).
    pub participation_svg: String,
    /// Met-target bar (inline SVG).
    pub met_svg: String,
}

/// Whole-scope figures shown above either view.
pub struct Summary {
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

fn is_behind(row: &PersonTally, today: NaiveDate) -> bool {
    let f = &row.figures;
    f.target
        .is_some_and(|t| f.accepted < expected_by(t, &f.period, today))
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
        behind: is_behind(row, today),
        level: f.level.clone(),
    }
}

/// Whole-scope counts and the two charts (pure: testable without HTTP).
pub fn summary(tally: &YearTally, today: NaiveDate) -> Summary {
    let behind = tally.rows.iter().filter(|r| is_behind(r, today)).count();
    let met = tally
        .rows
        .iter()
        .filter(|r| r.figures.met == Some(true))
        .count();
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
    Summary {
        people: tally.rows.len(),
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

/// A one-line horizontal bar for a percentage (0–100), as a tiny inline SVG: a few dozen bytes,
/// no script, no style attribute (the page's CSP allows neither inline).
pub fn svg_meter(percent: u32, fill: &str) -> String {
    let width = percent.min(100);
    format!(
        r##"<svg class="meter" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect width="100" height="8" rx="2" fill="#e4e4e4"/><rect width="{width}" height="8" rx="2" fill="{fill}"/></svg>"##
    )
}

/// `part` as a whole percentage of `whole` (0 when `whole` is 0).
fn percent_of(part: usize, whole: usize) -> u32 {
    u32::try_from((part * 100).checked_div(whole).unwrap_or(0)).unwrap_or(100)
}

/// Figures per direct sub-unit of `unit` (each including its own subtree), ranked by
/// participation then share meeting the target (or the reverse with `by_met`), then name.
pub fn rollups(
    all: &[entity::unit::Model],
    unit: &entity::unit::Model,
    tally: &YearTally,
    by_met: bool,
) -> Vec<Rollup> {
    let children: Vec<&entity::unit::Model> = all
        .iter()
        .filter(|u| u.parent_id == Some(unit.id))
        .collect();
    // Every unit of the subtree mapped to the child it sits under, so people are counted in one
    // pass (a province has ~25,000 people under ~300 sub-units).
    let child_of: HashMap<i64, usize> = all
        .iter()
        .filter_map(|u| {
            children
                .iter()
                .position(|c| db::units::is_within(&c.path, &u.path))
                .map(|i| (u.id, i))
        })
        .collect();
    let mut counts = vec![(0usize, 0usize, 0u32, 0usize); children.len()];
    for row in &tally.rows {
        if let Some(c) = child_of
            .get(&row.person.unit_id)
            .and_then(|&i| counts.get_mut(i))
        {
            c.0 += 1;
            c.1 += usize::from(row.figures.accepted > 0);
            c.2 += row.figures.accepted;
            c.3 += usize::from(row.figures.met == Some(true));
        }
    }
    let mut out: Vec<Rollup> = children
        .iter()
        .zip(counts)
        .map(|(child, (people, active, accepted, met))| {
            let participation = percent_of(active, people);
            let met_percent = percent_of(met, people);
            Rollup {
                code: child.code.clone(),
                name: child.name.clone(),
                has_children: all.iter().any(|u| u.parent_id == Some(child.id)),
                people,
                active,
                accepted,
                met,
                participation,
                met_percent,
                participation_svg: svg_meter(participation, "#0b4f9c"),
                met_svg: svg_meter(met_percent, "#1e6b32"),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let (ka, kb) = if by_met {
            (
                (a.met_percent, a.participation),
                (b.met_percent, b.participation),
            )
        } else {
            (
                (a.participation, a.met_percent),
                (b.participation, b.met_percent),
            )
        };
        kb.cmp(&ka)
            .then_with(|| crate::domain::names::compare(&a.name, &b.name))
    });
    out
}

/// What both views show at the top.
struct Head<'a> {
    unit_code: &'a str,
    unit_name: &'a str,
    year: i32,
    closed: bool,
    has_policy: bool,
    today: String,
    /// The parent unit, when the reader may open it (one step back up).
    parent: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct PeoplePage<'a> {
    lang: Lang,
    head: Head<'a>,
    /// The annual report's deadline, as 30 November approaches.
    reminder: Option<crate::export::reminder::Reminder>,
    summary: Summary,
    lines: Vec<Line>,
    total: usize,
    has_units: bool,
    sort: &'static str,
    behind_only: bool,
    q: &'a str,
    next: Option<String>,
    first: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard_units.html")]
struct UnitsPage<'a> {
    lang: Lang,
    head: Head<'a>,
    /// The annual report's deadline, as 30 November approaches.
    reminder: Option<crate::export::reminder::Reminder>,
    summary: Summary,
    rollups: Vec<Rollup>,
    by_met: bool,
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

/// A link to the people view with these settings.
fn people_link(
    code: &str,
    year: i32,
    query: &DashboardQuery,
    sort: Sort,
    cursor: Option<&str>,
) -> String {
    let mut link = url::form_urlencoded::Serializer::new(String::new());
    link.append_pair("year", &year.to_string());
    link.append_pair("view", "people");
    link.append_pair("sort", sort.as_str());
    if let Some(q) = query.q.as_deref().filter(|q| !q.is_empty()) {
        link.append_pair("q", q);
    }
    if query.behind.is_some() {
        link.append_pair("behind", "1");
    }
    if let Some(limit) = query.limit {
        link.append_pair("limit", &limit.to_string());
    }
    if let Some(cursor) = cursor {
        link.append_pair("cursor", cursor);
    }
    format!("/units/{code}?{}", link.finish())
}

/// `/units/{code}`: sub-units first when there are any, else (or with `?view=people`) people.
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
    let sort = Sort::parse(query.sort.as_deref())?;
    let all = db::units::all(&state.db).await?;
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
    let has_units = all.iter().any(|u| u.parent_id == Some(unit.id));
    let parent = unit
        .parent_id
        .and_then(|p| all.iter().find(|u| u.id == p))
        .filter(|p| user.can_read_unit(&p.path))
        .map(|p| (p.code.clone(), p.name.clone()));
    let head = Head {
        unit_code: &unit.code,
        unit_name: &unit.name,
        year,
        closed: tally.closed,
        has_policy: tally.policy.is_some(),
        today: crate::domain::time::format_vi(today),
        parent,
    };
    let reminder = crate::export::reminder::due(today);
    let summary = summary(&tally, today);
    if has_units && query.view.as_deref() != Some("people") {
        let by_met = query.rank.as_deref() == Some("met");
        return Ok(render(&UnitsPage {
            lang,
            reminder,
            rollups: rollups(&all, &unit, &tally, by_met),
            head,
            summary,
            by_met,
        }));
    }
    let request = people_page::Request {
        sort,
        q: query.q.clone(),
        limit: Some(query.limit.unwrap_or(PAGE_ROWS)),
        cursor: query.cursor.clone(),
    };
    let behind_only = query.behind.is_some();
    let page = people_page::page(&state.db, &tally, year, &request, |row| {
        !behind_only || is_behind(row, today)
    })
    .await?;
    let lines: Vec<Line> = page.rows.iter().map(|r| line(r, today)).collect();
    let next = page
        .next_cursor
        .as_deref()
        .map(|c| people_link(&unit.code, year, &query, sort, Some(c)));
    let first = query
        .cursor
        .as_ref()
        .map(|_| people_link(&unit.code, year, &query, sort, None));
    Ok(render(&PeoplePage {
        lang,
        reminder,
        head,
        summary,
        lines,
        total: page.total,
        has_units,
        sort: sort.as_str(),
        behind_only,
        q: query.q.as_deref().unwrap_or(""),
        next,
        first,
    }))
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

    #[test]
    fn a_meter_is_a_tiny_svg_capped_at_full() {
        let svg = svg_meter(130, "#1e6b32");
        assert!(
            svg.contains(r##"width="100" height="8" rx="2" fill="#1e6b32""##),
            "{svg}"
        );
        assert!(svg.len() < 250, "{} bytes", svg.len());
        assert_eq!(percent_of(1, 3), 33);
        assert_eq!(percent_of(0, 0), 0);
    }
}
