//! `/shares/several`: paste many article addresses (one per line, or a block of text with
//! addresses in it), see each one's verdict, and log them in one submission. Without
//! JavaScript the form has two buttons: «Kiểm tra» (verify, store nothing) and «Ghi nhận».

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::home::{
    Problem, derived_key, message_for, new_key, platform_choices, platform_label,
    reasons_for_script, submit as submit_share,
};
use super::{Lang, PageForm, render};
use crate::auth::CurrentUser;
use crate::domain::links;
use crate::domain::time::format_vi;
use crate::error::AppError;
use crate::service::shares::ShareInput;
use crate::service::shares::check_write_rate;
use crate::state::AppState;
use crate::verify::verify_source;

/// One address found in the text and what became of it.
pub struct Row {
    /// The address as found.
    pub url: String,
    /// Accepted (verification) or stored (submission).
    pub ok: bool,
    /// The source's label with ✓, or the reason.
    pub message: String,
}

#[derive(Template)]
#[template(path = "several.html")]
struct SeveralPage<'a> {
    lang: Lang,
    tab: &'static str,
    csrf: &'a str,
    user: &'a CurrentUser,
    text: String,
    platforms: Vec<super::home::PlatformChoice>,
    shared_on: String,
    key: String,
    max_items: usize,
    problem: Option<Problem>,
    rows: Vec<Row>,
    saved: Option<(usize, usize)>,
    reasons: Vec<(&'static str, &'static str)>,
}

struct View {
    text: String,
    platform: String,
    shared_on: String,
    key: String,
    problem: Option<Problem>,
    rows: Vec<Row>,
    saved: Option<(usize, usize)>,
}

fn page(state: &AppState, lang: Lang, user: &CurrentUser, view: View) -> Response {
    render(&SeveralPage {
        lang,
        tab: "several",
        csrf: user.csrf_token().unwrap_or_default(),
        user,
        text: view.text,
        platforms: platform_choices(lang, &view.platform),
        shared_on: view.shared_on,
        key: view.key,
        max_items: state.settings.max_batch_items,
        problem: view.problem,
        rows: view.rows,
        saved: view.saved,
        reasons: reasons_for_script(lang),
    })
}

/// The empty form.
pub async fn show(State(state): State<AppState>, lang: Lang, user: CurrentUser) -> Response {
    page(
        &state,
        lang,
        &user,
        View {
            text: String::new(),
            platform: String::new(),
            shared_on: format_vi(state.clock.today()),
            key: new_key(),
            problem: None,
            rows: Vec::new(),
            saved: None,
        },
    )
}

/// The form as posted.
#[derive(Debug, Deserialize)]
pub struct SeveralForm {
    /// Text holding the addresses.
    #[serde(default)]
    pub text: String,
    /// Platform code (the same for all).
    #[serde(default)]
    pub platform: Option<String>,
    /// The day shared (the same for all).
    #[serde(default)]
    pub shared_on: Option<String>,
    /// `check` (verify only) or `save`.
    #[serde(default)]
    pub action: Option<String>,
    /// Rendered with the form; each item's idempotency key derives from it.
    #[serde(default)]
    pub key: Option<String>,
}

/// Verifies (`action=check`) or logs (`action=save`) every address in the text.
pub async fn submit_form(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    form: SeveralForm,
) -> Response {
    let found = links::extract(&form.text);
    let platform = form.platform.clone().unwrap_or_default();
    let shared_on = form
        .shared_on
        .clone()
        .unwrap_or_else(|| format_vi(state.clock.today()));
    let key = form
        .key
        .clone()
        .filter(|k| k.len() <= 80 && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .unwrap_or_else(new_key);
    let mut view = View {
        text: form.text.clone(),
        platform: platform.clone(),
        shared_on: shared_on.clone(),
        key: key.clone(),
        problem: None,
        rows: Vec::new(),
        saved: None,
    };
    let max = state.settings.max_batch_items;
    let problem = if found.is_empty() {
        Some(AppError::invalid(
            "no_link",
            "Không tìm thấy địa chỉ bài viết nào trong nội dung đã dán.",
        ))
    } else if found.len() > max {
        Some(AppError::invalid(
            "batch_too_large",
            format!(
                "Tìm thấy {} địa chỉ; mỗi lần gửi tối đa {max}. Hãy chia thành nhiều lần.",
                found.len()
            ),
        ))
    } else {
        None
    };
    if let Some(err) = problem {
        view.problem = Some(Problem::from_error(&err, lang));
        return with_status(page(state, lang, user, view), &err);
    }
    if form.action.as_deref() != Some("save") {
        let allowlist = state.allowlist();
        view.rows = found
            .into_iter()
            .map(|url| {
                let verification = verify_source(&allowlist, &url);
                let message = match (verification.reason, verification.rule) {
                    (Some(reason), _) => match lang {
                        Lang::Vi => reason.message_vi().to_owned(),
                        Lang::En => reason.message_en().to_owned(),
                    },
                    (None, Some(rule)) => format!("{} ✓", rule.label),
                    (None, None) => "✓".to_owned(),
                };
                Row {
                    ok: verification.reason.is_none(),
                    url,
                    message,
                }
            })
            .collect();
        return page(state, lang, user, view);
    }
    if platform.trim().is_empty() {
        let err = AppError::invalid(
            "invalid_platform",
            "Hãy chọn nền tảng bạn đã chia sẻ (Facebook, Zalo, TikTok…).",
        );
        view.problem = Some(Problem::from_error(&err, lang));
        return with_status(page(state, lang, user, view), &err);
    }
    if let Err(err) = check_write_rate(state, user) {
        view.problem = Some(Problem::from_error(&err, lang));
        return with_status(page(state, lang, user, view), &err);
    }
    let mut failed_text = Vec::new();
    for url in found {
        let input = ShareInput {
            source_url: url.clone(),
            platform: platform.clone(),
            post_url: None,
            shared_on: Some(shared_on.clone()),
            idempotency_key: None,
        };
        match submit_share(
            state,
            user,
            &input,
            derived_key(&key, &[&url, &platform, &shared_on]),
        )
        .await
        {
            Ok(share) => view.rows.push(Row {
                url,
                ok: true,
                message: format!(
                    "{} ✓ · {}",
                    share.rule_label.unwrap_or(share.source_host),
                    platform_label(lang, &share.platform)
                ),
            }),
            Err(err) => {
                if matches!(err, AppError::Database(_) | AppError::Internal(_)) {
                    tracing::error!(error = %err, "several: share not stored");
                }
                failed_text.push(url.clone());
                view.rows.push(Row {
                    url,
                    ok: false,
                    message: message_for(&err, lang),
                });
            }
        }
    }
    let ok = view.rows.iter().filter(|r| r.ok).count();
    view.saved = Some((ok, view.rows.len() - ok));
    // What was stored leaves the box; what was refused stays, to be fixed.
    view.text = failed_text.join("\n");
    if view.text.is_empty() {
        view.key = new_key();
    }
    page(state, lang, user, view)
}

fn with_status(mut response: Response, err: &AppError) -> Response {
    *response.status_mut() = err.status();
    response
}

/// The form post.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<SeveralForm>,
) -> Response {
    submit_form(&state, lang, &user, form).await
}
