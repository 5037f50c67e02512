//! The home page once signed in: log a share, the phone form. A plain form post
//! (`POST /shares/new`) verified on the server exactly like the API (`service::shares::prepare`);
//! with `app.js` it verifies as you paste, sends with an `Idempotency-Key` and queues offline.
//! The share target (`/share-target`) opens the same form with the shared address filled in.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use entity::share;
use sea_orm::EntityTrait;
use serde::Deserialize;

use super::{Lang, PageForm, PageResult, render};
use crate::auth::CurrentUser;
use crate::domain::links;
use crate::domain::time::format_vi;
use crate::error::{AppError, AppResult};
use crate::service::shares::check_write_rate;
use crate::service::shares::{Checks, DateRule, ShareInput, outcome_to_result, prepare};
use crate::state::AppState;
use crate::verify::{Platform, PostError, Reason};

/// What the form holds (as typed, so a refused form comes back unchanged).
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    /// The article's address.
    pub source_url: String,
    /// Platform code, or empty.
    pub platform: String,
    /// The person's own post.
    pub post_url: String,
    /// `dd/mm/yyyy`.
    pub shared_on: String,
    /// Makes a resubmitted form store nothing new.
    pub idempotency_key: String,
}

/// One platform button.
pub struct PlatformChoice {
    /// Code sent with the form.
    pub code: &'static str,
    /// Name shown.
    pub label: &'static str,
    /// Pre-selected.
    pub checked: bool,
}

/// The platform buttons, with `selected` checked.
pub fn platform_choices(lang: Lang, selected: &str) -> Vec<PlatformChoice> {
    Platform::ALL
        .iter()
        .map(|p| PlatformChoice {
            code: p.as_str(),
            label: platform_label(lang, p.as_str()),
            checked: p.as_str() == selected,
        })
        .collect()
}

/// A platform's name in the interface language.
pub fn platform_label(lang: Lang, code: &str) -> &'static str {
    match code.parse::<Platform>() {
        Ok(Platform::Other) => lang.s("Khác", "Other"),
        Ok(p) => p.label(),
        Err(_) => "?",
    }
}

/// A refusal, shown at the top and beside the field it concerns.
pub struct Problem {
    /// What to tell the person.
    pub message: String,
    /// The form field (`source_url`, `platform`, `post_url`, `shared_on`), or empty.
    pub field: &'static str,
}

impl Problem {
    /// A problem from an application error, in the interface language.
    pub fn from_error(err: &AppError, lang: Lang) -> Self {
        Self {
            message: message_for(err, lang),
            field: field_for(err.code()),
        }
    }
}

/// The message for an error, in English when asked and known; Vietnamese otherwise.
pub fn message_for(err: &AppError, lang: Lang) -> String {
    if lang == Lang::Vi {
        return err.message();
    }
    let code = err.code();
    if let Ok(reason) = code.parse::<Reason>() {
        return reason.message_en().to_owned();
    }
    let english = match code {
        "invalid_post_url" => PostError::InvalidPostUrl.message_en(),
        "platform_mismatch" => PostError::PlatformMismatch.message_en(),
        "duplicate" => "You have already logged this article on this platform.",
        "post_already_claimed" => "This post has already been logged for another share.",
        "invalid_date" => {
            "The date is not accepted: use dd/mm/yyyy, not in the future, and not too far back."
        }
        "invalid_platform" => "Choose the platform where you shared it.",
        "no_link" => "No article address was found. Paste the article's full address.",
        "rate_limited" => "You are sending too fast. Please try again in a moment.",
        "unavailable" => {
            "The system is briefly unavailable. Please try again in a few minutes; what you typed is kept."
        }
        _ => return err.message(),
    };
    english.to_owned()
}

fn field_for(code: &str) -> &'static str {
    if code.parse::<Reason>().is_ok() || code == "duplicate" || code == "no_link" {
        return "source_url";
    }
    match code {
        "invalid_post_url" | "platform_mismatch" | "post_already_claimed" => "post_url",
        "invalid_date" => "shared_on",
        "invalid_platform" => "platform",
        _ => "",
    }
}

/// What was just logged.
pub struct Done {
    /// The source's label (or host).
    pub label: String,
    /// Platform name.
    pub platform: &'static str,
    /// `dd/mm/yyyy`.
    pub date: String,
    /// The declare-it link when the post is on an account the person has not declared.
    pub declare: Option<String>,
}

impl Done {
    fn from_share(share: &share::Model, lang: Lang) -> Self {
        Self {
            label: share
                .rule_label
                .clone()
                .unwrap_or_else(|| share.source_host.clone()),
            platform: platform_label(lang, &share.platform),
            date: format_vi(share.shared_on),
            declare: share
                .post_account
                .as_deref()
                .filter(|_| share.account_match == "undeclared")
                .map(|account| crate::service::accounts::declare_link(&share.platform, account)),
        }
    }
}

/// This month at a glance.
pub struct Glance {
    /// Accepted so far this month.
    pub accepted: u32,
    /// This month's target, when there is a policy.
    pub target: Option<u32>,
}

#[derive(Template)]
#[template(path = "share.html")]
struct SharePage<'a> {
    lang: Lang,
    tab: &'static str,
    csrf: &'a str,
    user: &'a CurrentUser,
    values: FormValues,
    platforms: Vec<PlatformChoice>,
    problem: Option<Problem>,
    done: Option<Done>,
    glance: Option<Glance>,
    shared_text: Option<String>,
    reasons: Vec<(&'static str, &'static str)>,
    work: Vec<super::WorkLink>,
}

impl SharePage<'_> {
    fn problem_for(&self, field: &str) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

/// English reason messages for the script (Vietnamese ones come from the API).
pub fn reasons_for_script(lang: Lang) -> Vec<(&'static str, &'static str)> {
    match lang {
        Lang::Vi => Vec::new(),
        Lang::En => Reason::ALL
            .iter()
            .map(|r| (r.code(), r.message_en()))
            .collect(),
    }
}

/// The idempotency key of one submission of a rendered form: the form's random key and a hash
/// of what was submitted. Sending the same form again stores nothing new; sending it back
/// changed (another address after going back) is a new share, not a replay of the first.
pub fn derived_key(form_key: &str, parts: &[&str]) -> Option<String> {
    use sha2::{Digest, Sha256};
    let base: String = form_key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(80)
        .collect();
    if base.is_empty() {
        return None;
    }
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.trim().as_bytes());
        hasher.update([0u8]);
    }
    Some(format!("{base}.{}", &hex::encode(hasher.finalize())[..24]))
}

/// A fresh random key for a rendered form.
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    match getrandom::fill(&mut bytes) {
        Ok(()) => format!("web-{}", hex::encode(bytes)),
        // Without randomness the form still works; it just is not retry-safe.
        Err(_) => String::new(),
    }
}

async fn glance(state: &AppState, user: &CurrentUser) -> Option<Glance> {
    let today = state.clock.today();
    let tally =
        crate::service::tally::for_people(&state.db, today.year(), vec![user.person.clone()])
            .await
            .ok()?;
    let month = tally
        .rows
        .first()?
        .figures
        .by_month
        .iter()
        .find(|m| m.year == today.year() && m.month == today.month())?
        .clone();
    Some(Glance {
        accepted: month.accepted,
        target: month.target,
    })
}

struct Render<'a> {
    values: FormValues,
    problem: Option<Problem>,
    done: Option<Done>,
    shared_text: Option<String>,
    user: &'a CurrentUser,
}

async fn page(state: &AppState, lang: Lang, r: Render<'_>) -> Response {
    let glance = glance(state, r.user).await;
    let platforms = platform_choices(lang, &r.values.platform);
    render(&SharePage {
        lang,
        tab: "log",
        csrf: r.user.csrf_token().unwrap_or_default(),
        user: r.user,
        values: r.values,
        platforms,
        problem: r.problem,
        done: r.done,
        glance,
        shared_text: r.shared_text,
        reasons: reasons_for_script(lang),
        work: super::work_links(r.user, lang),
    })
}

fn fresh_values(state: &AppState) -> FormValues {
    FormValues {
        shared_on: format_vi(state.clock.today()),
        idempotency_key: new_key(),
        ..FormValues::default()
    }
}

/// `?logged=ID` after a share was stored.
#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    /// The share just logged.
    pub logged: Option<String>,
}

/// The log-a-share form (with the confirmation of the one just logged, if any).
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(query): Query<ShowQuery>,
) -> PageResult<Response> {
    let mut done = None;
    if let Some(id) = query.logged.and_then(|id| id.parse::<i64>().ok())
        && let Some(share) = share::Entity::find_by_id(id).one(&state.db).await?
        && share.person_id == user.person.id
    {
        done = Some(Done::from_share(&share, lang));
    }
    Ok(page(
        &state,
        lang,
        Render {
            values: fresh_values(&state),
            problem: None,
            done,
            shared_text: None,
            user: &user,
        },
    )
    .await)
}

/// What the phone's share sheet sends (`share_target` in the manifest).
#[derive(Debug, Deserialize)]
pub struct TargetQuery {
    /// The shared page's title.
    pub title: Option<String>,
    /// The shared text (often holds the address among other words).
    pub text: Option<String>,
    /// The shared address, when the app sends one.
    pub url: Option<String>,
}

/// The form with the address from the share sheet filled in.
pub async fn share_target(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(query): Query<TargetQuery>,
) -> Response {
    let found = links::first_of(&[
        query.url.as_deref(),
        query.text.as_deref(),
        query.title.as_deref(),
    ]);
    let shared: Vec<&str> = [&query.title, &query.text, &query.url]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let problem = (found.is_none() && !shared.is_empty()).then(|| {
        Problem::from_error(
            &AppError::invalid(
                "no_link",
                "Không tìm thấy địa chỉ bài viết trong nội dung được chia sẻ. Hãy mở bài viết, sao chép địa chỉ đầy đủ và dán vào ô bên dưới.",
            ),
            lang,
        )
    });
    let shared_text =
        (found.is_none() && !shared.is_empty()).then(|| truncate(&shared.join(" "), 500));
    let values = FormValues {
        source_url: found.unwrap_or_default(),
        ..fresh_values(&state)
    };
    page(
        &state,
        lang,
        Render {
            values,
            problem,
            done: None,
            shared_text,
            user: &user,
        },
    )
    .await
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The form as posted.
#[derive(Debug, Deserialize)]
pub struct ShareForm {
    /// The article's address (or text holding it).
    #[serde(default)]
    pub source_url: String,
    /// Platform code.
    #[serde(default)]
    pub platform: Option<String>,
    /// The person's own post.
    #[serde(default)]
    pub post_url: Option<String>,
    /// `dd/mm/yyyy` or `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub shared_on: Option<String>,
    /// Rendered with the form, so a double submit stores one share.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// The address in what was typed: the first one found in the text, else the text itself
/// (so the verifier explains what is wrong with it).
pub fn address_in(typed: &str) -> String {
    links::extract(typed)
        .into_iter()
        .next()
        .unwrap_or_else(|| typed.trim().to_owned())
}

/// Verifies and stores one share for the caller, like `POST /api/v1/shares` but with origin
/// `web`; a known idempotency key returns the share it stored the first time.
pub async fn submit(
    state: &AppState,
    user: &CurrentUser,
    input: &ShareInput,
    key: Option<String>,
) -> AppResult<share::Model> {
    if let Some(key) = &key
        && let Some(first) =
            crate::db::shares::by_idempotency_key(&state.db, user.person.id, key).await?
    {
        return Ok(first);
    }
    let allowlist = state.allowlist();
    let checks = Checks {
        allowlist: &allowlist,
        dates: DateRule::Recent {
            max_backdate_days: state.settings.max_backdate_days,
        },
        now: state.clock.now(),
    };
    let new = prepare(&checks, &user.person, input, key, "web")?;
    let outcome = state.writer.write(new).await?;
    outcome_to_result(outcome).map(|(share, _)| share)
}

/// Logs a share from the plain form: on success back to the empty form with a confirmation
/// (post/redirect/get), otherwise the same form with the reason, nothing stored.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<ShareForm>,
) -> Response {
    let values = FormValues {
        source_url: form.source_url.clone(),
        platform: form.platform.clone().unwrap_or_default(),
        post_url: form.post_url.clone().unwrap_or_default(),
        shared_on: form.shared_on.clone().unwrap_or_default(),
        idempotency_key: form.idempotency_key.clone().unwrap_or_default(),
    };
    let result = async {
        let platform = form.platform.as_deref().map(str::trim).unwrap_or_default();
        if platform.is_empty() {
            return Err(AppError::invalid(
                "invalid_platform",
                "Hãy chọn nền tảng bạn đã chia sẻ (Facebook, Zalo, TikTok…).",
            ));
        }
        let input = ShareInput {
            source_url: address_in(&form.source_url),
            platform: platform.to_owned(),
            post_url: form.post_url.clone(),
            shared_on: form.shared_on.clone(),
            idempotency_key: None,
        };
        let key = form.idempotency_key.as_deref().and_then(|k| {
            derived_key(
                k,
                &[
                    &input.source_url,
                    &input.platform,
                    input.post_url.as_deref().unwrap_or_default(),
                    input.shared_on.as_deref().unwrap_or_default(),
                ],
            )
        });
        check_write_rate(&state, &user)?;
        submit(&state, &user, &input, key).await
    }
    .await;
    match result {
        Ok(share) => {
            let lang_param = if lang == Lang::En { "&lang=en" } else { "" };
            Redirect::to(&format!("/?logged={}{lang_param}", share.id)).into_response()
        }
        Err(err) => {
            match &err {
                AppError::Database(e) => tracing::error!(error = %e, "database error"),
                AppError::Internal(e) => tracing::error!(error = %e, "internal error"),
                _ => {}
            }
            let status = err.status();
            let mut response = page(
                &state,
                lang,
                Render {
                    values,
                    problem: Some(Problem::from_error(&err, lang)),
                    done: None,
                    shared_text: None,
                    user: &user,
                },
            )
            .await;
            if response.status() == StatusCode::OK {
                *response.status_mut() = status;
            }
            response
        }
    }
}
