//! A person's entries month by month, with source labels, proof links and review flags; unit
//! heads (and admins) reject with a reason or restore, one entry or several at once.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Deserialize;

use super::{Lang, PageResult, render};
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::time::format_vi;
use crate::error::AppError;
use crate::review::Decision;
use crate::service::paging::{self, Limit};
use crate::service::review::{
    ReviewItem, can_read_person, can_review_person, decide, entries_with_flags,
};
use crate::state::AppState;
use crate::tally::evaluation_period;

/// `?year=&cursor=`.
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    /// The work year.
    pub year: Option<i32>,
    /// Where the previous page ended.
    pub cursor: Option<String>,
}

/// Entries per page: a reviewer's screenful, and the most the bulk review takes at once.
const PAGE_ENTRIES: u32 = 100;

/// A month of entries.
struct Month {
    label: String,
    items: Vec<Item>,
}

struct Item {
    id: i64,
    date: String,
    label: String,
    source_url: String,
    platform: String,
    post_url: Option<String>,
    rejected: bool,
    reason: Option<String>,
    flags: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    lang: Lang,
    staff_code: &'a str,
    full_name: &'a str,
    year: i32,
    months: Vec<Month>,
    can_review: bool,
    csrf: &'a str,
    /// The next page of entries, when there is one.
    next: Option<String>,
    /// Back to the first page, when on a later one.
    first: Option<String>,
}

fn group(items: Vec<ReviewItem>, lang: Lang) -> Vec<Month> {
    let mut months: Vec<Month> = Vec::new();
    for item in items {
        let share = item.share;
        let label = format!(
            "{} {:02}/{}",
            lang.s("Tháng", "Month"),
            share.shared_on.month(),
            share.shared_on.year()
        );
        if months.last().is_none_or(|m| m.label != label) {
            months.push(Month {
                label: label.clone(),
                items: Vec::new(),
            });
        }
        let flags = item
            .flags
            .iter()
            .map(|f| {
                if lang == Lang::En {
                    f.label_en()
                } else {
                    f.label_vi()
                }
            })
            .collect();
        if let Some(month) = months.last_mut() {
            month.items.push(Item {
                id: share.id,
                date: format_vi(share.shared_on),
                label: share
                    .rule
                    .label
                    .clone()
                    .unwrap_or_else(|| share.source_host.clone()),
                source_url: share.source_url,
                platform: share
                    .platform
                    .parse::<crate::verify::Platform>()
                    .map_or(share.platform.clone(), |p| p.label().to_owned()),
                post_url: share.post_url,
                rejected: share.status == "rejected",
                reason: share.review.and_then(|r| r.reason),
                flags,
            });
        }
    }
    months
}

/// `/people/{staff_code}`.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    Query(query): Query<YearQuery>,
) -> PageResult<Response> {
    let person = db::people::by_staff_code(&state.db, &staff_code).await?;
    let person = match person {
        Some(p) if can_read_person(&state, &user, &p).await? => p,
        None if user.sees_everything() => return Err(AppError::NotFound("cán bộ").into()),
        _ => return Err(AppError::Forbidden.into()),
    };
    let year = crate::service::check_year(query.year.unwrap_or(state.clock.today().year()))?;
    let policy = db::policy::for_year(&state.db, year).await?;
    let period = evaluation_period(policy.as_ref(), year);
    // Flags compare each entry with the person's others: worked out on the whole period, then
    // the page is cut (newest first; an entry logged meanwhile does not shift the pages).
    let all = entries_with_flags(&state.db, person.id, period.start, period.end).await?;
    let limit = Limit::new(Some(PAGE_ENTRIES), 100, 500)?;
    let (items, next_cursor) = paging::newest_first(
        all,
        |i| (i.share.shared_on, i.share.id),
        query.cursor.as_deref(),
        limit,
    )?;
    let link = |cursor: Option<&str>| {
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        link.append_pair("year", &year.to_string());
        if let Some(cursor) = cursor {
            link.append_pair("cursor", cursor);
        }
        format!("/people/{}?{}", person.staff_code, link.finish())
    };
    let next = next_cursor.as_deref().map(|c| link(Some(c)));
    let first = query.cursor.as_ref().map(|_| link(None));
    let can_review = can_review_person(&state, &user, &person).await?;
    Ok(render(&PersonPage {
        lang,
        staff_code: &person.staff_code,
        full_name: &person.full_name,
        year,
        months: group(items, lang),
        can_review,
        csrf: user.csrf_token().unwrap_or_default(),
        next,
        first,
    }))
}

/// `POST /people/{staff_code}/review`: `ids` (one or more), `decision`, `reason`.
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    body: Bytes,
) -> PageResult<Response> {
    let mut ids = Vec::new();
    let (mut decision, mut reason, mut year) = (None, None, None);
    for (key, value) in url::form_urlencoded::parse(&body) {
        match key.as_ref() {
            "ids" => ids.extend(value.parse::<i64>().ok()),
            "decision" => decision = Some(value.into_owned()),
            "reason" => reason = Some(value.into_owned()),
            "year" => year = value.parse::<i32>().ok(),
            _ => {}
        }
    }
    let decision = match decision.as_deref() {
        Some("reject") => Decision::Reject,
        Some("restore") => Decision::Restore,
        _ => return Err(AppError::invalid("invalid_form", "Chọn «Loại» hoặc «Khôi phục».").into()),
    };
    if ids.is_empty() || ids.len() > 200 {
        return Err(AppError::invalid(
            "invalid_ids",
            "Chọn ít nhất một lượt chia sẻ (tối đa 200).",
        )
        .into());
    }
    crate::review::check_reason(decision, reason.as_deref())
        .map_err(|m| AppError::invalid("reason_required", m))?;
    for id in ids {
        decide(&state, &user, id, decision, reason.as_deref()).await?;
    }
    let year = year.map(|y| format!("?year={y}")).unwrap_or_default();
    Ok(Redirect::to(&format!("/people/{staff_code}{year}")).into_response())
}
