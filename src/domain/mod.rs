//! Validated value types shared by the API, the CLI and the database layer.

pub mod lang;
pub mod links;
pub mod names;
pub mod roster;
pub mod time;
