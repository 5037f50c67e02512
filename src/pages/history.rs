//! `/me/history`: my shares month by month, with status, the source's label, the proof link and
//! the reason for any rejection.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;

use super::home::platform_label;
use super::{Lang, PageResult, render};
use crate::auth::CurrentUser;
use crate::db;
use crate::db::tally::Who;
use crate::domain::time::format_vi;
use crate::state::AppState;
use crate::tally::Period;

/// `?year=Y&month=M`; anything unreadable falls back to this month.
#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    /// Calendar year.
    pub year: Option<String>,
    /// Month, 1–12.
    pub month: Option<String>,
}

/// One share as listed.
pub struct Item {
    /// `dd/mm/yyyy`.
    pub date: String,
    /// Platform code (icon).
    pub platform: String,
    /// Platform name.
    pub platform_label: &'static str,
    /// The source's label, or its host.
    pub label: String,
    /// The article's address.
    pub source_url: String,
    /// The person's own post (the proof), if given.
    pub post_url: Option<String>,
    /// Counted.
    pub accepted: bool,
    /// Why a reviewer rejected it.
    pub reason: Option<String>,
}

/// One month in the year's strip.
pub struct MonthLink {
    /// 1–12.
    pub month: u32,
    /// Accepted that month.
    pub accepted: u32,
    /// Rejected that month.
    pub rejected: u32,
    /// The month shown.
    pub current: bool,
    /// In the future (nothing to see).
    pub future: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    lang: Lang,
    tab: &'static str,
    year: i32,
    month: u32,
    months: Vec<MonthLink>,
    items: Vec<Item>,
    accepted: usize,
    rejected: usize,
    prev: Option<(i32, u32)>,
    next: Option<(i32, u32)>,
}

/// Earliest year offered (the service did not exist before).
const FIRST_YEAR: i32 = 2020;

/// The month's shares, newest first, with the year's months to move between.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(query): Query<HistoryQuery>,
) -> PageResult<Response> {
    let today = state.clock.today();
    let year = query
        .year
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (FIRST_YEAR..=today.year()).contains(y))
        .unwrap_or(today.year());
    let default_month = if year == today.year() {
        today.month()
    } else {
        12
    };
    let month = query
        .month
        .and_then(|m| m.trim().parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m))
        .filter(|m| year < today.year() || *m <= today.month())
        .unwrap_or(default_month);
    let Some(period) = Period::calendar_month(year, month) else {
        return Err(crate::error::AppError::NotFound("tháng này").into());
    };
    let shares =
        db::shares::of_person_between(&state.db, user.person.id, period.start, period.end).await?;
    let items: Vec<Item> = shares
        .iter()
        .map(|s| Item {
            date: format_vi(s.shared_on),
            platform: s.platform.clone(),
            platform_label: platform_label(lang, &s.platform),
            label: s
                .rule_label
                .clone()
                .unwrap_or_else(|| s.source_host.clone()),
            source_url: s.source_url.clone(),
            post_url: s.post_url.clone(),
            accepted: s.status == "accepted",
            reason: (s.status != "accepted")
                .then(|| s.review_reason.clone())
                .flatten(),
        })
        .collect();
    let counters = db::tally::months(
        &state.db,
        Who::People(&[user.person.id]),
        (year, 1),
        (year, 12),
    )
    .await?;
    let months = (1..=12)
        .map(|m| {
            let rows = counters.iter().filter(|r| r.month == m);
            MonthLink {
                month: m,
                accepted: rows.clone().map(|r| r.accepted).sum(),
                rejected: rows.map(|r| r.rejected).sum(),
                current: m == month,
                future: year == today.year() && m > today.month(),
            }
        })
        .collect();
    let accepted = items.iter().filter(|i| i.accepted).count();
    let prev = if month == 1 {
        (year > FIRST_YEAR).then_some((year - 1, 12))
    } else {
        Some((year, month - 1))
    };
    let next = if month == 12 {
        (year < today.year()).then_some((year + 1, 1))
    } else {
        (year < today.year() || month < today.month()).then_some((year, month + 1))
    };
    Ok(render(&HistoryPage {
        lang,
        tab: "history",
        year,
        month,
        months,
        rejected: items.len() - accepted,
        accepted,
        items,
        prev,
        next,
    }))
}
