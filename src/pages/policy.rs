//! `/policies/{year}`: Home Affairs and admins edit the year's evaluation policy in the browser,
//! close the year (freezing its figures) and, admins only, reopen it.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Lang, PageResult, render};
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::roster::Role;
use crate::domain::time::{format_vi, parse_date};
use crate::error::AppError;
use crate::service::policy::{PolicyInput, close, reopen, set};
use crate::state::AppState;
use crate::tally::Level;

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage<'a> {
    lang: Lang,
    year: i32,
    csrf: &'a str,
    period_start: String,
    period_end: String,
    target: String,
    month_target: String,
    quarter_target: String,
    levels: String,
    closed: bool,
    is_admin: bool,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    year: i32,
    error: Option<String>,
) -> PageResult<Response> {
    let row = db::policy::row_for_year(&state.db, year).await?;
    let policy = row.as_ref().map(db::policy::to_policy);
    let number = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
    let levels = policy
        .as_ref()
        .map(|p| {
            p.levels
                .iter()
                .map(|l| format!("{}:{}", l.name, l.min_percent))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    Ok(render(&PolicyPage {
        lang,
        year,
        csrf: user.csrf_token().unwrap_or_default(),
        period_start: row
            .as_ref()
            .map(|r| format_vi(r.period_start))
            .unwrap_or_else(|| format!("01/01/{year}")),
        period_end: row
            .as_ref()
            .map(|r| format_vi(r.period_end))
            .unwrap_or_else(|| format!("31/12/{year}")),
        target: number(row.as_ref().map(|r| r.target)),
        month_target: number(row.as_ref().and_then(|r| r.month_target)),
        quarter_target: number(row.as_ref().and_then(|r| r.quarter_target)),
        levels,
        closed: row.as_ref().is_some_and(|r| r.closed_at.is_some()),
        is_admin: user.has_role(Role::Admin),
        error,
    }))
}

/// The policy form.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(year): Path<i32>,
) -> PageResult<Response> {
    let year = crate::service::check_year(year)?;
    page(&state, lang, &user, year, None).await
}

fn parse_form(body: &[u8]) -> Result<(String, PolicyInput), String> {
    let field = |name: &str| {
        url::form_urlencoded::parse(body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let action = field("action");
    let number = |name: &str, what: &str| -> Result<Option<u32>, String> {
        let text = field(name);
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| format!("{what} phải là số nguyên không âm."))
    };
    let date = |name: &str, what: &str| -> Result<Option<chrono::NaiveDate>, String> {
        let text = field(name);
        if text.is_empty() {
            return Ok(None);
        }
        parse_date(&text)
            .map(Some)
            .ok_or_else(|| format!("{what} không hợp lệ (dd/mm/yyyy)."))
    };
    let mut levels = Vec::new();
    for part in field("levels")
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (name, percent) = part
            .rsplit_once(':')
            .ok_or_else(|| format!("Mức «{part}» phải có dạng Tên:phần trăm, ví dụ Vượt:150."))?;
        let min_percent = percent
            .trim()
            .trim_end_matches('%')
            .parse()
            .map_err(|_| format!("Phần trăm của mức «{part}» không hợp lệ."))?;
        levels.push(Level {
            name: name.trim().to_owned(),
            min_percent,
        });
    }
    let input = PolicyInput {
        period_start: date("period_start", "Ngày bắt đầu")?,
        period_end: date("period_end", "Ngày kết thúc")?,
        target: number("target", "Chỉ tiêu")?.ok_or("Cần nhập chỉ tiêu cả kỳ.")?,
        month_target: number("month_target", "Chỉ tiêu tháng")?,
        quarter_target: number("quarter_target", "Chỉ tiêu quý")?,
        levels,
        count_only_own_accounts: None,
    };
    Ok((action, input))
}

/// Saves, closes or reopens; errors redisplay the form with the message.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(year): Path<i32>,
    body: Bytes,
) -> PageResult<Response> {
    let year = crate::service::check_year(year)?;
    let actor = user.actor();
    let action = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let outcome = match action.as_str() {
        "close" => close(&state.db, &actor, year).await.map(|_| ()),
        "reopen" if user.has_role(Role::Admin) => reopen(&state.db, &actor, year).await,
        "reopen" => Err(AppError::Forbidden),
        _ => match parse_form(&body) {
            Ok((_, input)) => set(&state.db, &actor, year, &input).await.map(|_| ()),
            Err(message) => Err(AppError::invalid("invalid_policy", message)),
        },
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/policies/{year}")).into_response()),
        Err(AppError::Forbidden) => Err(AppError::Forbidden.into()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let mut response = page(&state, lang, &user, year, Some(err.message())).await?;
            *response.status_mut() = err.status();
            Ok(response)
        }
        Err(err) => Err(err.into()),
    }
}
