//! Integration tests: one binary, a fresh database per test, on SQLite and PostgreSQL.

mod helpers;

mod admin_allowlist;
mod admin_api;
mod admin_audit;
mod admin_helpers;
mod admin_people;
mod admin_retention;
mod admin_roles;
mod admin_share_import;
mod admin_units;

mod accounts;
mod api_errors;
mod api_shares;
mod api_tally;
mod architecture;
mod authz;
mod backup;
mod bad_input;
mod browser;
mod cli;
mod compression;
mod counters;
mod crash;
mod dashboard;
mod demo;
mod exports;
mod import_drafts;
mod metrics;
mod name_keys;
mod openapi;
mod outage;
mod pages;
mod paging;
mod proxies;
mod replicas;
mod review;
mod sessions;
mod shutdown;
mod signin;
