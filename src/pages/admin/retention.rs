//! `/admin/retention`: the personal-data retention period (a setting over the configured
//! default) and the purge of what is older, after a confirmation page that says how many
//! shares and audit entries will go. The confirmation carries the cut-off date and the counts,
//! so the purge deletes exactly what was shown, not a window that moved since.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::forms::render_with_error;
use crate::auth::CurrentUser;
use crate::auth::guard::{Need, Routes};
use crate::db;
use crate::domain::roster::Role;
use crate::domain::time::format_vi;
use crate::error::AppError;
use crate::pages::{Lang, PageResult, render};
use crate::service::retention::{
    MIN_RETENTION_DAYS, Purged, count, cutoff, parse_days, purge, retention_days,
    set_retention_days,
};
use crate::state::AppState;

const ADMIN: Need = Need::AnyRole(&[Role::Admin]);

/// This section's routes.
pub fn routes(routes: Routes) -> Routes {
    routes
        .add(Method::GET, "/admin/retention", ADMIN, show)
        .add(Method::POST, "/admin/retention", ADMIN, update)
        .add(Method::GET, "/admin/retention/purge", ADMIN, confirm_page)
        .add(Method::POST, "/admin/retention/purge", ADMIN, run_purge)
}

#[derive(Template)]
#[template(path = "admin/retention.html")]
struct RetentionPage {
    lang: Lang,
    csrf: String,
    days: u32,
    default_days: u32,
    overridden: String,
    min_days: u32,
    cut: String,
    cut_iso: String,
    error: Option<String>,
    notice: Option<String>,
    confirm: Option<Purged>,
}

async fn page(state: &AppState, lang: Lang, user: &CurrentUser) -> PageResult<RetentionPage> {
    let days = retention_days(&state.db, &state.settings).await?;
    let stored = db::app_settings::get(&state.db, db::app_settings::RETENTION_DAYS).await?;
    let cut = cutoff(state.clock.today(), days);
    Ok(RetentionPage {
        lang,
        csrf: user.csrf_token().unwrap_or_default().to_owned(),
        days,
        default_days: state.settings.retention_days,
        overridden: stored
            .map(|row| {
                format!(
                    "{} {}",
                    format_vi(crate::domain::time::local_date(row.updated_at)),
                    row.updated_by.unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        min_days: MIN_RETENTION_DAYS,
        cut: format_vi(cut),
        cut_iso: cut.to_string(),
        error: None,
        notice: None,
        confirm: None,
    })
}

fn with_error(page: &mut RetentionPage, err: &AppError) -> Response {
    page.error = Some(err.message());
    render_with_error(page, err)
}

/// The period, the cut-off date and the purge button.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> PageResult<Response> {
    Ok(render(&page(&state, lang, &user).await?))
}

fn field(body: &[u8], name: &str) -> String {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// Changes the period.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    body: Bytes,
) -> PageResult<Response> {
    let outcome = match parse_days(&field(&body, "days")) {
        Ok(days) => set_retention_days(&state.db, &state.settings, &user.actor(), days).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to("/admin/retention").into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let mut page = page(&state, lang, &user).await?;
            Ok(with_error(&mut page, &err))
        }
        Err(err) => Err(err.into()),
    }
}

/// The confirmation: how many shares and audit entries the purge would delete.
pub async fn confirm_page(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> PageResult<Response> {
    let mut page = page(&state, lang, &user).await?;
    let cut: NaiveDate = cutoff(
        state.clock.today(),
        retention_days(&state.db, &state.settings).await?,
    );
    page.confirm = Some(count(&state.db, cut, state.clock.now()).await?);
    Ok(render(&page))
}

/// Purges what the confirmation page counted.
pub async fn run_purge(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    body: Bytes,
) -> PageResult<Response> {
    let days = retention_days(&state.db, &state.settings).await?;
    let latest = cutoff(state.clock.today(), days);
    let number = |name: &str| field(&body, name).parse::<u64>().ok();
    let outcome = async {
        let cut = NaiveDate::parse_from_str(&field(&body, "cut"), "%Y-%m-%d").map_err(|_| {
            AppError::invalid(
                "invalid_cutoff",
                "Thiếu ngày cắt. Hãy mở lại trang xác nhận rồi xoá.",
            )
        })?;
        if cut > latest {
            return Err(AppError::invalid(
                "invalid_cutoff",
                format!(
                    "Không thể xoá dữ liệu từ ngày {} trở đi: thời hạn lưu hiện hành chỉ cho xoá dữ liệu trước ngày {}.",
                    format_vi(cut),
                    format_vi(latest)
                ),
            ));
        }
        let (Some(shares), Some(audit_events)) = (number("shares"), number("audit_events")) else {
            return Err(AppError::invalid(
                "invalid_form",
                "Thiếu số liệu đã xác nhận. Hãy mở lại trang xác nhận rồi xoá.",
            ));
        };
        let expected = Purged {
            shares,
            audit_events,
            ..Purged::default()
        };
        purge(
            &state.db,
            &user.actor(),
            cut,
            days,
            state.clock.now(),
            Some(&expected),
        )
        .await
    }
    .await;
    let mut page = page(&state, lang, &user).await?;
    match outcome {
        Ok(done) => {
            page.notice = Some(format!(
                "{} {}: {} {}, {} {}.",
                lang.s("Đã xoá dữ liệu trước ngày", "Deleted data from before"),
                page.cut,
                done.shares,
                lang.s("lượt chia sẻ", "shares"),
                done.audit_events,
                lang.s("sự kiện nhật ký", "audit events"),
            ));
            Ok(render(&page))
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            Ok(with_error(&mut page, &err))
        }
        Err(err) => Err(err.into()),
    }
}
