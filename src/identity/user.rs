//! The caller: who they are, how they proved it, and the scope rules (a unit head's subtree) as
//! methods of `CurrentUser`; and the short-lived cache of callers resolved from API tokens.
//! Holds no application state, so `state` can keep the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use entity::person;

use crate::db::audit::Actor;
use crate::db::roles::Grant;
use crate::domain::roster::Role;

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
    /// The client's address for this request (set by the guard; never cached with a token).
    pub client_ip: Option<std::net::IpAddr>,
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

    /// May see aggregate reports of the whole province.
    pub fn reads_province_reports(&self) -> bool {
        self.sees_everything() || self.has_role(Role::Culture)
    }

    /// Whether they may export the evaluation data.
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
            ip: self.client_ip.map(|ip| ip.to_string()),
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
    pub(crate) fn get(&self, hash: &str) -> Option<CurrentUser> {
        let map = self.0.lock().ok()?;
        map.get(hash)
            .filter(|(at, _)| at.elapsed() < TOKEN_CACHE_TTL)
            .map(|(_, user)| user.clone())
    }

    pub(crate) fn put(&self, hash: String, user: CurrentUser) {
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
