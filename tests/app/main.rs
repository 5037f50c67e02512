//! Integration tests: one binary, a fresh database per test, on SQLite and PostgreSQL.

mod helpers;

mod api_errors;
mod api_shares;
mod api_tally;
mod authz;
mod cli;
mod demo;
mod sessions;
mod signin;
