//! Lan tỏa: records and verifies official content shared by public servants, and turns the
//! records into the per-person figures of the annual evaluation.

pub mod api;
pub mod auth;
pub mod cli;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod identity;
pub mod import;
pub mod observability;
pub mod pages;
pub mod review;
pub mod router;
pub mod service;
pub mod settings;
pub mod state;
pub mod tally;
pub mod telemetry;
pub mod verify;
