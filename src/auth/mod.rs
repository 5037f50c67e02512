//! Who is calling: the `CurrentUser` extractor (bearer API tokens) and the access rules every
//! handler asks through, so authorisation is decided in one place.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use entity::person;

use crate::app::AppState;
use crate::db;
use crate::db::audit::Actor;
use crate::db::roles::Grant;
use crate::domain::roster::Role;
use crate::error::AppError;

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API token.
    Token {
        /// Token id.
        id: i64,
        /// Token name.
        name: String,
        /// Whether it may only read.
        read_only: bool,
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

    /// May export province-wide evaluation data.
    pub fn can_export_evaluation(&self) -> bool {
        self.sees_everything()
    }

    /// Refuses writes made with a read-only token.
    pub fn require_write(&self) -> Result<(), AppError> {
        match &self.credential {
            Credential::Token {
                read_only: true, ..
            } => Err(AppError::Forbidden),
            Credential::Token { .. } => Ok(()),
        }
    }

    /// The audit-log actor for this caller.
    pub fn actor(&self) -> Actor {
        let label = match &self.credential {
            Credential::Token { name, .. } => format!("{} (token:{name})", self.person.staff_code),
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

/// Loads the person behind a token, or None if the token is unknown, revoked, or its person left.
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
    let today = crate::service::shares::today();
    if !person.active || person.left_on.is_some_and(|left| left < today) {
        return Ok(None);
    }
    let unit_path = entity::unit::Entity::find_by_id(person.unit_id)
        .one(&state.db)
        .await?
        .map(|u| u.path)
        .unwrap_or_default();
    let grants = db::roles::of_person(&state.db, person.id).await?;
    let user = CurrentUser {
        person,
        unit_path,
        grants,
        credential: Credential::Token {
            id: token.id,
            name: token.name,
            read_only: token.read_only,
        },
    };
    state.tokens.put(hash, user.clone());
    Ok(Some(user))
}

use sea_orm::EntityTrait as _;

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let secret = bearer_token(parts).ok_or(AppError::Unauthenticated)?;
        user_for_token(state, secret)
            .await?
            .ok_or(AppError::Unauthenticated)
    }
}
