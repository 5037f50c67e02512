//! sea-orm entities for Lan tỏa tables: one module per table, named in the
//! singular; the schema itself lives in the `migration` crate.

pub mod allowlist_rule;
pub mod api_token;
pub mod app_setting;
pub mod audit_event;
pub mod declared_account;
pub mod evaluation_policy;
pub mod evaluation_snapshot;
pub mod identity;
pub mod import_draft;
pub mod login_attempt;
pub mod person;
pub mod prelude;
pub mod role_grant;
pub mod session;
pub mod share;
pub mod share_rollup;
pub mod tally_month;
pub mod unit;
