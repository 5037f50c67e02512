//! The JSON API under `/api/v1`, plus `/healthz` and `/readyz`. Each route is declared with what
//! its caller needs (`auth::guard::Need`); errors are rendered once, in `error`.

pub mod error;
pub mod exports;
pub mod health;
pub mod json;
pub mod me;
pub mod shares;
pub mod tokens;
pub mod units;
pub mod verify;

use axum::http::Method;

use crate::auth::guard::{Need, Routes};
use crate::domain::roster::Role;

/// Roles that read everything.
pub const EVALUATION_READERS: &[Role] = &[Role::HomeAffairs];

/// Every API route, with its need.
pub fn routes(routes: Routes) -> Routes {
    use Method as M;
    routes
        .add(M::GET, "/healthz", Need::Public, health::live)
        .add(M::GET, "/readyz", Need::Public, health::ready)
        .add(M::GET, "/api/v1/me", Need::SignedIn, tokens::me)
        .add(M::POST, "/api/v1/shares", Need::SignedIn, shares::create)
        .add(
            M::POST,
            "/api/v1/shares/batch",
            Need::SignedIn,
            shares::create_batch,
        )
        .add(M::POST, "/api/v1/verify", Need::SignedIn, verify::verify)
        .add(M::GET, "/api/v1/me/shares", Need::SignedIn, me::shares)
        .add(M::GET, "/api/v1/me/tally", Need::SignedIn, me::tally)
        .add(M::GET, "/api/v1/me/tokens", Need::SignedIn, tokens::list)
        .add(M::POST, "/api/v1/me/tokens", Need::SignedIn, tokens::create)
        .add(
            M::DELETE,
            "/api/v1/me/tokens/{id}",
            Need::SignedIn,
            tokens::revoke,
        )
        // Unit heads are checked against the unit's subtree inside (a data-dependent scope).
        .add(
            M::GET,
            "/api/v1/units/{code}/tally",
            Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs]),
            units::tally,
        )
        .add(
            M::GET,
            "/api/v1/exports/evaluation",
            Need::AnyRole(EVALUATION_READERS),
            exports::evaluation,
        )
        .add(
            M::POST,
            "/api/v1/people/{staff_code}/sessions/end",
            Need::AnyRole(&[Role::Admin]),
            tokens::end_sessions,
        )
}
