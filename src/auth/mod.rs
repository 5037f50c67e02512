//! Who is calling and what they may do. Every route declares its need in `guard`; the caller is
//! resolved once (session cookie or bearer token), checked there, and handed to the handler.
//! Scope rules (a unit head's subtree) live here too, as methods of `CurrentUser`.

pub mod cookies;
pub mod csrf;
pub mod guard;
pub mod oidc;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use entity::person;
use sea_orm::EntityTrait as _;

use crate::app::AppState;
use crate::db;
use crate::db::audit::Actor;
use crate::db::roles::Grant;
use crate::domain::roster::Role;
use crate::error::AppError;

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API token (scripts). Exempt from CSRF checks: browsers never attach it on their own.
    Token {
        /// Token id.
        id: i64,
        /// Token name.
        name: String,
        /// Whether it may only read.
        read_only: bool,
    },
    /// A browser session.
    Session {
        /// Session row id.
        id: i64,
        /// The CSRF token that state-changing requests must carry.
        csrf: String,
    },
}

/// A signed-in person with their grants.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The person.
    pub person: person::Model,
    /// The person's unit's materialised path.
    pub unit_path: String,
    /// Roles held.
    pub grants: Vec<Grant>,
    /// How they signed in.
    pub credential: Credential,
}

impl CurrentUser {
    /// Whether the person holds a role (any scope).
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// May see every unit's people and figures (Home Affairs, admins).
    pub fn sees_everything(&self) -> bool {
        self.has_role(Role::Admin) || self.has_role(Role::HomeAffairs)
    }

    /// May read the people of the unit with this path (unit heads of it or an ancestor).
    pub fn can_read_unit(&self, unit_path: &str) -> bool {
        self.sees_everything()
            || self.grants.iter().any(|g| {
                g.role == Role::UnitHead
                    && g.unit_path
                        .as_deref()
                        .is_some_and(|scope| unit_path.starts_with(scope))
            })
    }

    /// The unit paths a unit head is responsible for.
    pub fn head_scopes(&self) -> Vec<&str> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::UnitHead)
            .filter_map(|g| g.unit_path.as_deref())
            .collect()
    }

    /// May export province-wide evaluation data.
    pub fn can_export_evaluation(&self) -> bool {
        self.sees_everything()
    }

    /// Whether this credential may change anything (the guard refuses unsafe methods otherwise).
    pub fn may_write(&self) -> bool {
        !matches!(
            self.credential,
            Credential::Token {
                read_only: true,
                ..
            }
        )
    }

    /// The CSRF token of a browser session.
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { csrf, .. } => Some(csrf),
            Credential::Token { .. } => None,
        }
    }

    /// A key for per-caller rate limits: the token, or the person for sessions.
    pub fn rate_key(&self) -> i64 {
        match &self.credential {
            Credential::Token { id, .. } => -id,
            Credential::Session { .. } => self.person.id,
        }
    }

    /// The audit-log actor for this caller.
    pub fn actor(&self) -> Actor {
        let label = match &self.credential {
            Credential::Token { name, .. } => format!("{} (token:{name})", self.person.staff_code),
            Credential::Session { .. } => self.person.staff_code.clone(),
        };
        Actor {
            person_id: Some(self.person.id),
            label,
        }
    }
}

/// How long a verified token is trusted without re-reading it (revocation delay per replica).
const TOKEN_CACHE_TTL: Duration = Duration::from_secs(10);
/// Entries kept before the cache is cleared.
const TOKEN_CACHE_MAX: usize = 50_000;

/// Recently verified tokens, keyed by hash.
#[derive(Clone, Default)]
pub struct TokenCache(Arc<Mutex<HashMap<String, (Instant, CurrentUser)>>>);

impl TokenCache {
    fn get(&self, hash: &str) -> Option<CurrentUser> {
        let map = self.0.lock().ok()?;
        map.get(hash)
            .filter(|(at, _)| at.elapsed() < TOKEN_CACHE_TTL)
            .map(|(_, user)| user.clone())
    }

    fn put(&self, hash: String, user: CurrentUser) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= TOKEN_CACHE_MAX {
                map.clear();
            }
            map.insert(hash, (Instant::now(), user));
        }
    }

    /// Forgets every cached token (after a revocation or a role change).
    pub fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 200)
}

/// Whether someone on the roster may use the service today.
fn is_current(person: &person::Model, today: chrono::NaiveDate) -> bool {
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
        csrf: csrf::token_for(secret),
    };
    Ok(Some(load_user(state, person, credential).await?))
}

/// The caller of a request: a bearer token wins over a cookie; None when neither is valid.
pub async fn resolve(state: &AppState, parts: &Parts) -> Result<Option<CurrentUser>, AppError> {
    if let Some(secret) = bearer_token(parts) {
        return user_for_token(state, secret).await;
    }
    match cookies::read(&parts.headers, cookies::SESSION_COOKIE) {
        Some(secret) => user_for_session(state, secret).await,
        None => Ok(None),
    }
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
