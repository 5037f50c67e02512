//! The JSON API under `/api/v1`, plus `/healthz` and `/readyz`. Each route is declared with what
//! its caller needs (`auth::guard::Need`); errors are rendered once, in `error`.

pub mod accounts;
pub mod admin;
pub mod exports;
pub mod health;
pub mod json;
pub mod me;
pub mod openapi;
pub mod policies;
pub mod reports;
pub mod review;
pub mod schema;
pub mod shares;
pub mod tokens;
pub mod units;
pub mod verify;

use axum::http::Method;

use crate::auth::guard::{Need, Routes};
use crate::domain::roster::Role;

/// Roles that read everything.
pub const EVALUATION_READERS: &[Role] = &[Role::HomeAffairs];

/// Every API route, with its need. One line per route, so the table reads as a table.
#[rustfmt::skip]
pub fn routes(routes: Routes) -> Routes {
    use Method as M;
    routes
        .add(M::GET, "/healthz", Need::Public, health::live)
        .add(M::GET, "/readyz", Need::Public, health::ready)
        // The address check is inside: LANTOA_METRICS_ALLOW, never through a proxy.
        .add(M::GET, "/metrics", Need::Public, health::metrics)
        .add(M::GET, "/api/v1/openapi.json", Need::Public, openapi::document)
        .add(M::GET, "/api/docs", Need::Public, openapi::page)
        .add(M::GET, "/api/docs/viewer.js", Need::Public, openapi::script)
        .add(M::GET, "/api/v1/me", Need::SignedIn, tokens::me)
        .add(M::POST, "/api/v1/shares", Need::SignedIn, shares::create)
        .add(M::POST, "/api/v1/shares/batch", Need::SignedIn, shares::create_batch)
        .add(M::POST, "/api/v1/verify", Need::SignedIn, verify::verify)
        .add(M::GET, "/api/v1/me/shares", Need::SignedIn, me::shares)
        .add(M::GET, "/api/v1/me/tally", Need::SignedIn, me::tally)
        .add(M::GET, "/api/v1/me/tokens", Need::SignedIn, tokens::list)
        .add(M::POST, "/api/v1/me/tokens", Need::SignedIn, tokens::create)
        .add(M::DELETE, "/api/v1/me/tokens/{id}", Need::SignedIn, tokens::revoke)
        .add(M::GET, "/api/v1/me/accounts", Need::SignedIn, accounts::list)
        .add(M::POST, "/api/v1/me/accounts", Need::SignedIn, accounts::create)
        .add(M::PATCH, "/api/v1/me/accounts/{id}", Need::SignedIn, accounts::update)
        .add(M::DELETE, "/api/v1/me/accounts/{id}", Need::SignedIn, accounts::delete)
        // Unit heads are checked against the unit's subtree inside (a data-dependent scope).
        .add(M::GET, "/api/v1/units/{code}/tally", Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs]), units::tally)
        // Unit heads: their subtree, checked inside; files are audited.
        .add(M::GET, "/api/v1/units/{code}/accounts", Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs]), accounts::of_unit_list)
        // Home Affairs: any scope; unit heads: their subtree, checked inside (data-dependent).
        .add(M::GET, "/api/v1/exports/evaluation", Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs]), exports::evaluation)
        // Culture and Home Affairs: any scope (aggregates only); unit heads: their subtree.
        .add(M::GET, "/api/v1/reports/annual", Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs, Role::Culture]), reports::annual)
        .add(M::GET, "/api/v1/reports/commendations", Need::AnyRole(EVALUATION_READERS), reports::commendations)
        .add(M::POST, "/api/v1/people/{staff_code}/sessions/end", Need::AnyRole(&[Role::Admin]), tokens::end_sessions)
        // The person themself, their unit heads, Home Affairs: checked inside (data-dependent).
        .add(M::GET, "/api/v1/shares", Need::SignedIn, review::list)
        .add(M::POST, "/api/v1/shares/{id}/review", Need::AnyRole(&[Role::UnitHead]), review::review)
        .add(M::POST, "/api/v1/shares/review", Need::AnyRole(&[Role::UnitHead]), review::review_bulk)
        .add(M::GET, "/api/v1/policies/{year}", Need::SignedIn, policies::show)
        .add(M::PUT, "/api/v1/policies/{year}", Need::AnyRole(EVALUATION_READERS), policies::put)
        .add(M::POST, "/api/v1/policies/{year}/close", Need::AnyRole(EVALUATION_READERS), policies::close_year)
        .add(M::POST, "/api/v1/policies/{year}/reopen", Need::AnyRole(&[Role::Admin]), policies::reopen_year)
        // Administration: the same roles and service functions as the admin pages.
        .add(M::GET, "/api/v1/admin/allowlist", CULTURE, admin::allowlist_list)
        .add(M::POST, "/api/v1/admin/allowlist", CULTURE, admin::allowlist_create)
        .add(M::POST, "/api/v1/admin/allowlist/test", CULTURE, admin::allowlist_test)
        .add(M::POST, "/api/v1/admin/allowlist/import", CULTURE, admin::allowlist_import)
        .add(M::PUT, "/api/v1/admin/allowlist/{id}", CULTURE, admin::allowlist_update)
        .add(M::POST, "/api/v1/admin/allowlist/{id}/disable", CULTURE, admin::allowlist_disable)
        .add(M::POST, "/api/v1/admin/allowlist/{id}/enable", CULTURE, admin::allowlist_enable)
        .add(M::GET, "/api/v1/admin/units", HOME_AFFAIRS, admin::units_tree)
        .add(M::POST, "/api/v1/admin/units", HOME_AFFAIRS, admin::units_create)
        .add(M::PATCH, "/api/v1/admin/units/{code}", HOME_AFFAIRS, admin::units_change)
        .add(M::POST, "/api/v1/admin/units/{code}/retire", HOME_AFFAIRS, admin::units_retire)
        .add(M::GET, "/api/v1/admin/people", HOME_AFFAIRS, admin::people_search)
        .add(M::POST, "/api/v1/admin/people", HOME_AFFAIRS, admin::people_create)
        .add(M::PUT, "/api/v1/admin/people/{staff_code}", HOME_AFFAIRS, admin::people_update)
        .add(M::POST, "/api/v1/admin/people/{staff_code}/move", HOME_AFFAIRS, admin::people_move)
        .add(M::POST, "/api/v1/admin/people/{staff_code}/leave", HOME_AFFAIRS, admin::people_leave)
        .add(M::GET, "/api/v1/admin/roles", ADMIN, admin::roles_list)
        .add(M::POST, "/api/v1/admin/roles", ADMIN, admin::roles_grant)
        .add(M::POST, "/api/v1/admin/roles/revoke", ADMIN, admin::roles_revoke)
}

/// The allowlist: Culture (and admins, who pass every role check).
const CULTURE: Need = Need::AnyRole(&[Role::Culture]);
/// Units and the roster: Home Affairs.
const HOME_AFFAIRS: Need = Need::AnyRole(&[Role::HomeAffairs]);
/// Roles: admins only (Home Affairs granting roles could make itself admin).
const ADMIN: Need = Need::AnyRole(&[Role::Admin]);
