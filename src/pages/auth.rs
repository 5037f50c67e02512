//! Sign-in pages: `/auth/login` → the identity provider → `/auth/callback`, `/auth/logout`,
//! and in demo mode only, `/auth/demo` to sign in as an example person.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use entity::person;
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::{Lang, PageResult, error_page, render};
use crate::auth::cookies::{self, LOGIN_COOKIE, SESSION_COOKIE};
use crate::auth::guard::client_ip;
use crate::auth::{Credential, CurrentUser, csrf};
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A same-site path to return to; anything else becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && path.len() <= 500 =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Sign-in attempts per client address and minute, counted in the database so that every
/// replica shares one budget (`LANTOA_SIGNIN_RATE_PER_MINUTE`; 0 turns the limit off).
async fn check_signin_rate(state: &AppState, parts: &Parts) -> AppResult<()> {
    crate::auth::throttle(state, "signin", client_ip(state, parts)).await
}

async fn audit(state: &AppState, actor: Actor, action: &str, detail: serde_json::Value) {
    let event = Event {
        action,
        target_type: Some("person"),
        target_id: None,
        detail: Some(detail),
    };
    if let Err(err) = db::audit::record(&state.db, &actor, event).await {
        tracing::error!(error = %err, "audit write failed");
    }
}

/// `?next=/path&login_hint=…`.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    /// Where to go afterwards.
    pub next: Option<String>,
    /// Passed to the provider (pre-fills the account).
    pub login_hint: Option<String>,
}

/// Starts sign-in with the provider (or the demo page in demo mode).
pub async fn login(State(state): State<AppState>, parts: Parts) -> Response {
    let query: LoginQuery = Query::try_from_uri(&parts.uri)
        .map(|q| q.0)
        .unwrap_or(LoginQuery {
            next: None,
            login_hint: None,
        });
    let next = safe_next(query.next.as_deref());
    if let Err(err) = check_signin_rate(&state, &parts).await {
        return error_page(&err);
    }
    let Some(provider) = state.provider.clone() else {
        if state.settings.demo {
            let next = url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
            return Redirect::to(&format!("/auth/demo?next={next}")).into_response();
        }
        return message_page(
            Lang::from_parts(&parts),
            StatusCode::SERVICE_UNAVAILABLE,
            "Chưa cấu hình đăng nhập",
            "Máy chủ chưa được cấu hình nhà cung cấp định danh. Vui lòng liên hệ quản trị hệ thống.",
        );
    };
    let request = match provider.authorize(query.login_hint.as_deref()).await {
        Ok(request) => request,
        Err(err) => {
            tracing::warn!(error = %err, "sign-in could not start");
            return message_page(
                Lang::from_parts(&parts),
                StatusCode::BAD_GATEWAY,
                "Không kết nối được hệ thống định danh",
                "Hệ thống định danh của tỉnh đang không phản hồi. Vui lòng thử lại sau ít phút.",
            );
        }
    };
    if let Err(err) = db::sessions::create_attempt(
        &state.db,
        &request.state,
        &request.nonce,
        &request.pkce_verifier,
        &next,
    )
    .await
    {
        return error_page(&AppError::from(err));
    }
    let mut response = Redirect::to(&request.url).into_response();
    set_cookie(
        &mut response,
        &cookies::set(LOGIN_COOKIE, &request.state, 600, state.settings.is_https()),
    );
    response
}

fn set_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// `?code=…&state=…[&iss=…]` or `?error=…`; other parameters are ignored.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    /// Authorization code.
    pub code: Option<String>,
    /// The state we sent.
    pub state: Option<String>,
    /// The issuer (RFC 9207).
    pub iss: Option<String>,
    /// The provider's error code.
    pub error: Option<String>,
}

/// Finishes sign-in: checks state (against the browser's cookie), iss, exchanges the code,
/// validates the identity, links it to the roster and starts a session.
pub async fn callback(State(state): State<AppState>, parts: Parts) -> Response {
    let lang = Lang::from_parts(&parts);
    let ip = Some(client_ip(&state, &parts).to_string());
    if let Err(err) = check_signin_rate(&state, &parts).await {
        return error_page(&err);
    }
    let query: CallbackQuery = match Query::try_from_uri(&parts.uri) {
        Ok(q) => q.0,
        Err(_) => return failed(&state, lang, ip.clone(), "bad_callback").await,
    };
    if let Some(error) = &query.error {
        tracing::info!(provider_error = %error, "provider refused sign-in");
        return failed(&state, lang, ip.clone(), "provider_error").await;
    }
    let (Some(code), Some(given_state)) = (query.code.as_deref(), query.state.as_deref()) else {
        return failed(&state, lang, ip.clone(), "missing_code").await;
    };
    let cookie_state = cookies::read(&parts.headers, LOGIN_COOKIE);
    if cookie_state.is_none_or(|c| !csrf::matches(c, given_state)) {
        return failed(&state, lang, ip.clone(), "wrong_state").await;
    }
    let attempt = match db::sessions::take_attempt(&state.db, given_state).await {
        Ok(Some(attempt)) => attempt,
        Ok(None) => return failed(&state, lang, ip.clone(), "unknown_state").await,
        Err(err) => return error_page(&AppError::from(err)),
    };
    let Some(provider) = state.provider.clone() else {
        return failed(&state, lang, ip.clone(), "not_configured").await;
    };
    if let Some(iss) = &query.iss
        && iss.trim_end_matches('/') != provider.issuer().trim_end_matches('/')
    {
        return failed(&state, lang, ip.clone(), "wrong_issuer").await;
    }
    let identity = match provider
        .finish(code, &attempt.nonce, &attempt.pkce_verifier)
        .await
    {
        Ok(identity) => identity,
        Err(err) => {
            tracing::warn!(error = %err, "sign-in failed");
            let reason = match err {
                crate::identity::oidc::SignInError::Exchange(_) => "code_exchange_failed",
                crate::identity::oidc::SignInError::IdToken(_) => "id_token_invalid",
                crate::identity::oidc::SignInError::MissingClaim(_) => "claim_missing",
                _ => "provider_unavailable",
            };
            return failed(&state, lang, ip.clone(), reason).await;
        }
    };
    match link_person(&state, &identity).await {
        Ok(Some(person)) => {
            let user_agent = parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match start_session(&state, &person, user_agent, ip.clone(), "signin").await {
                Ok(cookie) => {
                    let mut response = Redirect::to(&attempt.next_path).into_response();
                    set_cookie(&mut response, &cookie);
                    set_cookie(
                        &mut response,
                        &cookies::clear(LOGIN_COOKIE, state.settings.is_https()),
                    );
                    response
                }
                Err(err) => error_page(&err),
            }
        }
        Ok(None) => {
            audit(
                &state,
                Actor {
                    person_id: None,
                    label: format!("{}#{}", identity.issuer, identity.subject),
                    ip: ip.clone(),
                },
                "signin.denied",
                json!({"reason": "not_on_roster_or_left", "claim": identity.claim_value}),
            )
            .await;
            render_denied(&state, lang)
        }
        Err(err) => error_page(&err),
    }
}

/// The roster person for a provider identity: the existing link, or (first sign-in) the person
/// the identity claim names, linked now. None if unknown or no longer employed.
async fn link_person(
    state: &AppState,
    identity: &crate::identity::oidc::ProviderIdentity,
) -> AppResult<Option<person::Model>> {
    let today = state.clock.today();
    let current = |p: &person::Model| p.active && p.left_on.is_none_or(|l| l >= today);
    if let Some(person) =
        db::identities::person_for(&state.db, &identity.issuer, &identity.subject).await?
    {
        return Ok(current(&person).then_some(person));
    }
    let Some(value) = &identity.claim_value else {
        return Ok(None);
    };
    let Some(person) =
        db::identities::person_by_claim(&state.db, &state.settings.oauth_identity_claim, value)
            .await?
    else {
        return Ok(None);
    };
    if !current(&person) {
        return Ok(None);
    }
    db::identities::link(&state.db, &identity.issuer, &identity.subject, person.id).await?;
    Ok(Some(person))
}

/// Creates a session and returns its `Set-Cookie` value.
async fn start_session(
    state: &AppState,
    person: &person::Model,
    user_agent: Option<String>,
    ip: Option<String>,
    action: &str,
) -> AppResult<String> {
    let secret = db::tokens::generate().map_err(|e| AppError::Internal(e.to_string()))?;
    let max_age = chrono::Duration::days(i64::from(state.settings.session_max_days.max(1)));
    let expires_at = state.clock.now() + max_age;
    let session = db::sessions::create(
        &state.db,
        person.id,
        &secret,
        &csrf::token_for(&secret),
        expires_at,
        user_agent,
    )
    .await?;
    audit(
        state,
        Actor {
            person_id: Some(person.id),
            label: person.staff_code.clone(),
            ip,
        },
        action,
        json!({"session": session.id}),
    )
    .await;
    Ok(cookies::set(
        SESSION_COOKIE,
        &secret,
        max_age.num_seconds(),
        state.settings.is_https(),
    ))
}

async fn failed(state: &AppState, lang: Lang, ip: Option<String>, reason: &str) -> Response {
    audit(
        state,
        Actor {
            person_id: None,
            label: "anonymous".into(),
            ip,
        },
        "signin.failed",
        json!({"reason": reason}),
    )
    .await;
    message_page(
        lang,
        StatusCode::BAD_REQUEST,
        "Đăng nhập không thành công",
        "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng bấm «Đăng nhập» để thử lại.",
    )
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    lang: Lang,
    title: &'a str,
    message: &'a str,
    show_login: bool,
}

fn message_page(lang: Lang, status: StatusCode, title: &str, message: &str) -> Response {
    let mut response = render(&MessagePage {
        lang,
        title,
        message,
        show_login: true,
    });
    *response.status_mut() = status;
    response
}

#[derive(Template)]
#[template(path = "denied.html")]
struct DeniedPage<'a> {
    lang: Lang,
    contact: &'a str,
}

fn render_denied(state: &AppState, lang: Lang) -> Response {
    let mut response = render(&DeniedPage {
        lang,
        contact: &state.settings.support_contact,
    });
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}

/// Ends the session (sign-out that really ends it server-side).
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> PageResult<Response> {
    if let Credential::Session { id, .. } = &user.credential {
        db::sessions::end(&state.db, *id, state.clock.now()).await?;
    }
    db::audit::record(
        &state.db,
        &user.actor(),
        Event {
            action: "signout",
            target_type: Some("person"),
            target_id: Some(user.person.staff_code.clone()),
            detail: None,
        },
    )
    .await?;
    let mut response = Redirect::to("/auth/signed-out").into_response();
    set_cookie(
        &mut response,
        &cookies::clear(SESSION_COOKIE, state.settings.is_https()),
    );
    Ok(response)
}

/// The page after signing out.
pub async fn signed_out(lang: Lang) -> Response {
    message_page(
        lang,
        StatusCode::OK,
        "Đã đăng xuất",
        "Bạn đã đăng xuất khỏi Lan tỏa.",
    )
}

#[derive(Template)]
#[template(path = "demo.html")]
struct DemoPage {
    lang: Lang,
    next: String,
    people: Vec<DemoChoice>,
}

struct DemoChoice {
    staff_code: String,
    full_name: String,
    role: String,
}

/// The demo sign-in page: pick an example person (demo mode only).
pub async fn demo_page(
    State(state): State<AppState>,
    lang: Lang,
    Query(query): Query<LoginQuery>,
) -> PageResult<Response> {
    if !state.settings.demo {
        return Err(AppError::NotFound("trang này").into());
    }
    let grants = entity::role_grant::Entity::find()
        .order_by_asc(entity::role_grant::Column::Id)
        .all(&state.db)
        .await?;
    let mut people = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for grant in grants
        .iter()
        .filter(|g| g.role != "unit_head")
        .chain(grants.iter().filter(|g| g.role == "unit_head").take(6))
    {
        if seen.insert(grant.person_id)
            && let Some(p) = db::people::by_id(&state.db, grant.person_id).await?
        {
            let role = grant
                .role
                .parse::<crate::domain::roster::Role>()
                .map_or(grant.role.clone(), |r| r.label_vi().to_owned());
            people.push(DemoChoice {
                staff_code: p.staff_code,
                full_name: p.full_name,
                role,
            });
        }
    }
    let staff = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(&state.db)
        .await?;
    for p in staff
        .into_iter()
        .filter(|p| p.active && !seen.contains(&p.id))
        .take(6)
    {
        people.push(DemoChoice {
            staff_code: p.staff_code,
            full_name: p.full_name,
            role: "Cán bộ".into(),
        });
    }
    Ok(render(&DemoPage {
        lang,
        next: safe_next(query.next.as_deref()),
        people,
    }))
}

/// The chosen demo person.
#[derive(Debug, Deserialize)]
pub struct DemoForm {
    /// Who to sign in as.
    pub staff_code: String,
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// Signs in as a demo person (demo mode only, which `serve` allows on loopback only).
pub async fn demo_signin(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> PageResult<Response> {
    if !state.settings.demo {
        return Err(AppError::NotFound("trang này").into());
    }
    let form: DemoForm = serde_urlencoded_form(&body)?;
    let person = db::people::by_staff_code(&state.db, &form.staff_code)
        .await?
        .ok_or(AppError::NotFound("cán bộ"))?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let cookie = start_session(&state, &person, user_agent, None, "signin.demo").await?;
    let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    set_cookie(&mut response, &cookie);
    Ok(response)
}

/// Reads a url-encoded form body.
fn serde_urlencoded_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let pairs: serde_json::Map<String, serde_json::Value> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(pairs)).map_err(|_| {
        AppError::invalid(
            "invalid_form",
            "Biểu mẫu thiếu thông tin hoặc không hợp lệ.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths_are_followed_after_sign_in() {
        let cases = [
            (Some("/me/history?month=3"), "/me/history?month=3"),
            (Some("//evil.example/x"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("/\\evil.example"), "/"),
            (Some("/a\nb"), "/"),
            (None, "/"),
        ];
        for (input, expected) in cases {
            assert_eq!(safe_next(input), expected, "{input:?}");
        }
    }
}
