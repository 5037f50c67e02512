//! `/me/progress`: this month, this quarter and the whole evaluation period against the
//! target, as bars a person reads at a glance, then month by month.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;

use super::{Lang, PageResult, render};
use crate::auth::CurrentUser;
use crate::domain::time::format_vi;
use crate::service::tally::for_people;
use crate::state::AppState;
use crate::tally::quarter_of;

/// `?year=Y`.
#[derive(Debug, Deserialize)]
pub struct ProgressQuery {
    /// The work year; this year when absent or unreadable.
    pub year: Option<String>,
}

/// One bar: what counted against what was expected.
pub struct Bar {
    /// What it measures ("Tháng 11/2026").
    pub title: String,
    /// Accepted shares.
    pub accepted: u32,
    /// Rejected shares.
    pub rejected: u32,
    /// The target, when there is a policy.
    pub target: Option<u32>,
    /// The bar's maximum (never 0).
    pub max: u32,
    /// The bar's value (at most `max`).
    pub value: u32,
    /// Rounded percentage of the target.
    pub percent: Option<u32>,
    /// Whether the target is met.
    pub met: Option<bool>,
}

impl Bar {
    fn new(title: String, accepted: u32, rejected: u32, target: Option<u32>) -> Self {
        let max = target.unwrap_or(accepted).max(1);
        Self {
            title,
            accepted,
            rejected,
            target,
            max,
            value: accepted.min(max),
            percent: target.filter(|t| *t > 0).map(|t| {
                u32::try_from(u64::from(accepted) * 100 / u64::from(t)).unwrap_or(u32::MAX)
            }),
            met: target.map(|t| accepted >= t),
        }
    }
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    lang: Lang,
    tab: &'static str,
    year: i32,
    years: Vec<i32>,
    employed: bool,
    has_policy: bool,
    period: String,
    level: Option<String>,
    headline: Vec<Bar>,
    months: Vec<Bar>,
}

/// The person's figures for the year.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(query): Query<ProgressQuery>,
) -> PageResult<Response> {
    let today = state.clock.today();
    let year = query
        .year
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2020..=today.year()).contains(y))
        .unwrap_or(today.year());
    let tally = for_people(&state.db, year, vec![user.person.clone()]).await?;
    let has_policy = tally.policy.is_some();
    let years = (today.year() - 2..=today.year()).rev().collect();
    let Some(row) = tally.rows.first() else {
        return Ok(render(&ProgressPage {
            lang,
            tab: "progress",
            year,
            years,
            employed: false,
            has_policy,
            period: String::new(),
            level: None,
            headline: Vec::new(),
            months: Vec::new(),
        }));
    };
    let f = &row.figures;
    let month_word = lang.s("Tháng", "Month");
    let mut headline = Vec::new();
    if year == today.year() {
        if let Some(m) = f
            .by_month
            .iter()
            .find(|m| m.year == today.year() && m.month == today.month())
        {
            headline.push(Bar::new(
                format!(
                    "{} {:02}/{} ({})",
                    month_word,
                    m.month,
                    m.year,
                    lang.s("tháng này", "this month")
                ),
                m.accepted,
                m.rejected,
                m.target,
            ));
        }
        let quarter = quarter_of(today);
        if let Some(q) = f
            .by_quarter
            .iter()
            .find(|q| q.year == today.year() && q.quarter == quarter)
        {
            headline.push(Bar::new(
                format!(
                    "{} {}/{} ({})",
                    lang.s("Quý", "Quarter"),
                    q.quarter,
                    q.year,
                    lang.s("quý này", "this quarter")
                ),
                q.accepted,
                q.rejected,
                q.target,
            ));
        }
    }
    headline.push(Bar::new(
        format!(
            "{} {} ({} – {})",
            lang.s("Cả kỳ đánh giá", "Whole evaluation period"),
            year,
            format_vi(f.period.start),
            format_vi(f.period.end)
        ),
        f.accepted,
        f.rejected,
        f.target,
    ));
    let months = f
        .by_month
        .iter()
        .filter(|m| (m.year, m.month) <= (today.year(), today.month()))
        .map(|m| {
            Bar::new(
                format!("{} {:02}/{}", month_word, m.month, m.year),
                m.accepted,
                m.rejected,
                m.target,
            )
        })
        .collect();
    Ok(render(&ProgressPage {
        lang,
        tab: "progress",
        year,
        years,
        employed: true,
        has_policy,
        period: format!(
            "{} – {}",
            format_vi(f.period.start),
            format_vi(f.period.end)
        ),
        level: f.level.clone(),
        headline,
        months,
    }))
}

#[cfg(test)]
mod tests {
    use super::Bar;

    #[test]
    fn a_bar_is_full_at_the_target_and_never_overflows() {
        let half = Bar::new(String::new(), 5, 0, Some(10));
        assert_eq!(
            (half.value, half.max, half.percent, half.met),
            (5, 10, Some(50), Some(false))
        );
        let over = Bar::new(String::new(), 15, 1, Some(10));
        assert_eq!(
            (over.value, over.max, over.percent, over.met),
            (10, 10, Some(150), Some(true))
        );
        let none = Bar::new(String::new(), 0, 0, None);
        assert_eq!(
            (none.value, none.max, none.percent, none.met),
            (0, 1, None, None)
        );
        let zero_target = Bar::new(String::new(), 3, 0, Some(0));
        assert_eq!(
            (
                zero_target.max,
                zero_target.value,
                zero_target.percent,
                zero_target.met
            ),
            (1, 1, None, Some(true))
        );
    }
}
