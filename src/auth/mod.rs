//! Who is calling and what they may do. Every route declares its need in `guard`; the caller is
//! resolved once (session cookie or bearer token), checked there, and handed to the handler.
//! The caller itself and its scope rules are in `identity` (`CurrentUser`).

pub mod cookies;
pub mod csrf;
pub mod guard;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use entity::person;
use sea_orm::EntityTrait as _;

use crate::db;
use crate::error::AppError;
use crate::state::AppState;

pub use crate::identity::{Credential, CurrentUser, TokenCache};

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 200)
}

/// Whether someone on the roster may use the service today (employed and active).
pub fn is_current(person: &person::Model, today: chrono::NaiveDate) -> bool {
    person.active && person.left_on.is_none_or(|left| left >= today)
}

/// Builds the caller from a person and credential.
async fn load_user(
    state: &AppState,
    person: person::Model,
    credential: Credential,
) -> Result<CurrentUser, AppError> {
    let unit_path = entity::unit::Entity::find_by_id(person.unit_id)
        .one(&state.db)
        .await?
        .map(|u| u.path)
        .unwrap_or_default();
    let grants = db::roles::of_person(&state.db, person.id).await?;
    Ok(CurrentUser {
        person,
        unit_path,
        grants,
        credential,
        client_ip: None,
    })
}

/// Loads the person behind a token, or None if it is unknown, revoked, or its person left.
pub async fn user_for_token(
    state: &AppState,
    secret: &str,
) -> Result<Option<CurrentUser>, AppError> {
    let hash = db::tokens::hash(secret);
    if let Some(user) = state.tokens.get(&hash) {
        return Ok(Some(user));
    }
    let Some(token) = db::tokens::find_live(&state.db, secret).await? else {
        return Ok(None);
    };
    let Some(person) = db::people::by_id(&state.db, token.person_id).await? else {
        return Ok(None);
    };
    if !is_current(&person, state.clock.today()) {
        return Ok(None);
    }
    let credential = Credential::Token {
        id: token.id,
        name: token.name,
        read_only: token.read_only,
    };
    let user = load_user(state, person, credential).await?;
    state.tokens.put(hash, user.clone());
    Ok(Some(user))
}

/// Loads the person behind a session cookie, if the session is live.
pub async fn user_for_session(
    state: &AppState,
    secret: &str,
) -> Result<Option<CurrentUser>, AppError> {
    let now = state.clock.now();
    let idle = chrono::Duration::hours(i64::from(state.settings.session_idle_hours.max(1)));
    let Some(session) = db::sessions::find_live(&state.db, secret, idle, now).await? else {
        return Ok(None);
    };
    let Some(person) = db::people::by_id(&state.db, session.person_id).await? else {
        return Ok(None);
    };
    if !is_current(&person, state.clock.today()) {
        return Ok(None);
    }
    db::sessions::touch(&state.db, &session, now).await?;
    let credential = Credential::Session {
        id: session.id,
        // Masked afresh for this request: pages are compressed and must not repeat its bytes.
        csrf: csrf::masked(&csrf::token_for(secret)),
    };
    Ok(Some(load_user(state, person, credential).await?))
}

/// The caller of a request: a bearer token wins over a cookie; None when neither is valid.
/// Unknown tokens count against the client address's budget, shared by every replica.
pub async fn resolve(state: &AppState, parts: &Parts) -> Result<Option<CurrentUser>, AppError> {
    let ip = guard::client_ip(state, parts);
    let user = if let Some(secret) = bearer_token(parts) {
        let user = user_for_token(state, secret).await?;
        if user.is_none() {
            throttle(state, "token", ip).await?;
        }
        user
    } else {
        match cookies::read(&parts.headers, cookies::SESSION_COOKIE) {
            Some(secret) => user_for_session(state, secret).await?,
            None => None,
        }
    };
    Ok(user.map(|user| CurrentUser {
        client_ip: Some(ip),
        ..user
    }))
}

/// Counts one attempt of `what` from `ip` in the database; refuses (429 with `Retry-After`) once
/// the minute's budget, `LANTOA_SIGNIN_RATE_PER_MINUTE`, is spent across all replicas.
pub async fn throttle(state: &AppState, what: &str, ip: std::net::IpAddr) -> Result<(), AppError> {
    let limit = i64::from(state.settings.signin_rate_per_minute);
    if limit == 0 {
        return Ok(());
    }
    let now = state.clock.now();
    let hits = db::throttle::hit(&state.db, &format!("{what}:{ip}"), now).await?;
    if hits > limit {
        return Err(AppError::RateLimited {
            retry_after_secs: db::throttle::retry_after(now),
        });
    }
    Ok(())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    /// The guard has already resolved the caller; routes without a guard get 401.
    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

/// The caller if signed in (pages that look different for visitors).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(Self(Some(user.clone())));
        }
        Ok(Self(resolve(state, parts).await?))
    }
}
