//! `/exports`: download buttons for the evaluation export, the annual report and the commendation
//! shortlist, with the reminder of the 30 November deadline; `/reports/annual`: the annual report
//! as a printable A4 page; `/reports/commendations`: the shortlist, its rule set in a form.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;

use super::{Lang, PageResult, render};
use crate::auth::CurrentUser;
use crate::domain::roster::Role;
use crate::domain::time::format_vi;
use crate::error::AppError;
use crate::export::reminder::{Reminder, due};
use crate::export::report::{ReportRow, SourceCount, category_columns};
use crate::export::shortlist::{Rule, Shortlist};
use crate::export::{
    FormHeader, date_line_capitalised, number_vi as number, percent_vi as percent,
};
use crate::service::export::request::{self, Content, Delivery, ExportRequest, Report, Requester};
use crate::service::export::{ExportScope, UnitTree};
use crate::state::AppState;
use crate::verify::Platform;

/// A unit in a drop-down, indented by depth.
pub struct UnitOption {
    /// Code (the value).
    pub code: String,
    /// Name with its indentation.
    pub label: String,
    /// Whether it is the one shown.
    pub selected: bool,
}

/// The units a caller may pick, in the tree's order; `all` when they may pick any.
fn unit_options(
    tree: &UnitTree,
    user: &CurrentUser,
    all: bool,
    selected: Option<&str>,
) -> Vec<UnitOption> {
    let scopes = user.head_scopes();
    tree.in_scope(&ExportScope::Province)
        .filter(|u| all || scopes.iter().any(|s| u.path.starts_with(s)))
        .map(|u| {
            let depth = u.path.matches('/').count().saturating_sub(2);
            UnitOption {
                code: u.code.clone(),
                label: format!("{}{}", "— ".repeat(depth), u.name),
                selected: selected.is_some_and(|s| s.eq_ignore_ascii_case(&u.code)),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "exports.html")]
struct ExportsPage {
    lang: Lang,
    year: i32,
    reminder: Option<Reminder>,
    evaluation_province: bool,
    evaluation_units: Vec<UnitOption>,
    report_province: bool,
    report_units: Vec<UnitOption>,
    commendations: bool,
    rule: Rule,
}

/// `?year=Y`.
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    /// The work year; this year when absent or unreadable.
    pub year: Option<String>,
}

fn year_or_this(state: &AppState, text: Option<&str>) -> i32 {
    text.and_then(|y| y.trim().parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| state.clock.today().year())
}

/// The exports page.
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(query): Query<YearQuery>,
) -> PageResult<Response> {
    let year = year_or_this(&state, query.year.as_deref());
    let tree = UnitTree::load(&state.db).await?;
    let everything = user.sees_everything();
    let province_reports = user.reads_province_reports();
    let head = user.has_role(Role::UnitHead);
    Ok(render(&ExportsPage {
        lang,
        year,
        reminder: due(state.clock.today()),
        evaluation_province: everything,
        evaluation_units: if everything || head {
            unit_options(&tree, &user, everything, None)
        } else {
            Vec::new()
        },
        report_province: province_reports,
        report_units: unit_options(&tree, &user, province_reports, None),
        commendations: everything,
        rule: Rule::default(),
    }))
}

/// One line of the printed report, formatted.
pub struct LineView {
    /// STT, empty for the total.
    pub stt: String,
    /// The unit.
    pub name: String,
    /// Every other cell, formatted.
    pub cells: Vec<String>,
    /// The unit's top sources: "host (n)".
    pub sources: String,
}

fn line(stt: String, r: &ReportRow) -> LineView {
    let mut cells = vec![
        number(u64::from(r.headcount)),
        number(u64::from(r.participants)),
        percent(r.participation_percent),
        number(r.shares),
    ];
    cells.extend(Platform::ALL.iter().map(|p| number(r.platform(*p))));
    cells.extend(
        category_columns()
            .iter()
            .map(|(c, _)| number(r.category(*c))),
    );
    cells.push(number(u64::from(r.met)));
    cells.push(percent(r.met_percent));
    LineView {
        stt,
        name: r.unit_name.clone(),
        cells,
        sources: sources_text(&r.top_sources, 3),
    }
}

fn sources_text(sources: &[SourceCount], n: usize) -> String {
    sources
        .iter()
        .take(n)
        .map(|s| format!("{} ({})", s.host, number(s.shares)))
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Template)]
#[template(path = "report_annual.html")]
struct AnnualPage {
    lang: Lang,
    header: FormHeader,
    unit_code: String,
    date_line: String,
    period: String,
    reminder: Option<Reminder>,
    platforms: Vec<&'static str>,
    categories: Vec<&'static str>,
    lines: Vec<LineView>,
    total: LineView,
    top_sources: Vec<(usize, SourceCount, String)>,
    province: bool,
    units: Vec<UnitOption>,
}

/// `?year=Y[&unit=CODE]`.
#[derive(Debug, Deserialize)]
pub struct ReportPageQuery {
    /// The work year.
    pub year: Option<String>,
    /// Limit to a unit's subtree.
    pub unit: Option<String>,
}

/// The annual report as a printable page (A4 landscape); audited like the XLSX.
pub async fn annual(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(query): Query<ReportPageQuery>,
) -> PageResult<Response> {
    let year = year_or_this(&state, query.year.as_deref());
    let province = user.reads_province_reports();
    let tree = UnitTree::load(&state.db).await?;
    // A unit head without a unit given sees their own unit.
    let unit = query
        .unit
        .clone()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| {
            (!province)
                .then(|| user.head_scopes().first().map(|p| p.to_string()))
                .flatten()
                .and_then(|path| {
                    tree.in_scope(&ExportScope::Province)
                        .find(|u| u.path == path)
                })
                .map(|u| u.code.clone())
        });
    let prepared = request::prepare(
        &state.db,
        &state.settings.organization_name,
        state.clock.today(),
        ExportRequest {
            report: Report::Annual,
            year,
            unit: unit.clone(),
            delivery: Delivery::Page,
            requester: Requester::Person(&user),
        },
    )
    .await?;
    let Content::Annual(report) = prepared.content else {
        return Err(AppError::Internal("the annual report page got another content".into()).into());
    };
    let header = prepared.header;
    let unit_code = prepared.plan_summary.unit_code.unwrap_or_default();
    let lines = (1usize..)
        .zip(&report.rows)
        .map(|(i, r)| line(i.to_string(), r))
        .collect();
    Ok(render(&AnnualPage {
        lang,
        date_line: date_line_capitalised(header.exported_on),
        period: format!(
            "từ ngày {} đến ngày {}",
            format_vi(header.period.start),
            format_vi(header.period.end)
        ),
        header,
        unit_code,
        reminder: due(state.clock.today()),
        platforms: Platform::ALL.iter().map(Platform::label).collect(),
        categories: category_columns().into_iter().map(|(_, l)| l).collect(),
        lines,
        total: line(String::new(), &report.total),
        top_sources: (1usize..)
            .zip(report.top_sources.iter().cloned())
            .map(|(i, s)| {
                let n = number(s.shares);
                (i, s, n)
            })
            .collect(),
        province,
        units: unit_options(&tree, &user, province, unit.as_deref()),
    }))
}

#[derive(Template)]
#[template(path = "report_commendations.html")]
struct CommendationsPage {
    lang: Lang,
    header: FormHeader,
    date_line: String,
    period: String,
    rule: Rule,
    list: Shortlist,
    units: Vec<UnitOption>,
    query: String,
}

/// `?year=Y[&unit=CODE][&top_people=N][&top_units=N][&min_percent=P][&min_unit_people=M]`;
/// unreadable numbers fall back to the defaults.
#[derive(Debug, Deserialize)]
pub struct CommendationsQuery {
    /// The work year.
    pub year: Option<String>,
    /// Limit to a unit's subtree.
    pub unit: Option<String>,
    /// How many individuals.
    pub top_people: Option<String>,
    /// How many units.
    pub top_units: Option<String>,
    /// The least share of target, percent.
    pub min_percent: Option<String>,
    /// The least headcount of a unit.
    pub min_unit_people: Option<String>,
}

impl CommendationsQuery {
    fn rule(&self) -> Rule {
        let d = Rule::default();
        let read = |v: &Option<String>, default: u32| {
            v.as_deref()
                .and_then(|t| t.trim().parse().ok())
                .unwrap_or(default)
        };
        Rule {
            top_people: read(&self.top_people, d.top_people),
            top_units: read(&self.top_units, d.top_units),
            min_percent: read(&self.min_percent, d.min_percent),
            min_unit_people: read(&self.min_unit_people, d.min_unit_people),
        }
    }
}

/// The commendation shortlist with its rule form; audited like the XLSX.
pub async fn commendations(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(query): Query<CommendationsQuery>,
) -> PageResult<Response> {
    let year = year_or_this(&state, query.year.as_deref());
    let rule = query.rule();
    let tree = UnitTree::load(&state.db).await?;
    let unit = query.unit.as_deref().filter(|u| !u.trim().is_empty());
    let prepared = request::prepare(
        &state.db,
        &state.settings.organization_name,
        state.clock.today(),
        ExportRequest {
            report: Report::Commendations(rule),
            year,
            unit: unit.map(str::to_owned),
            delivery: Delivery::Page,
            requester: Requester::Person(&user),
        },
    )
    .await?;
    let Content::Commendations(list) = prepared.content else {
        return Err(AppError::Internal("the shortlist page got another content".into()).into());
    };
    let header = prepared.header;
    let unit_code = prepared.plan_summary.unit_code.unwrap_or_default();
    let query_string = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("year", &year.to_string())
        .append_pair("unit", &unit_code)
        .append_pair("top_people", &rule.top_people.to_string())
        .append_pair("top_units", &rule.top_units.to_string())
        .append_pair("min_percent", &rule.min_percent.to_string())
        .append_pair("min_unit_people", &rule.min_unit_people.to_string())
        .finish();
    Ok(render(&CommendationsPage {
        lang,
        date_line: date_line_capitalised(header.exported_on),
        period: format!(
            "từ ngày {} đến ngày {}",
            format_vi(header.period.start),
            format_vi(header.period.end)
        ),
        header,
        units: unit_options(&tree, &user, true, Some(&unit_code)),
        rule,
        list: *list,
        query: query_string,
    }))
}
