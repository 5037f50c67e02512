//! Application services: the rules that combine verification, policy and storage, shared by
//! the API, the web pages and the command line.

pub mod accounts;
pub mod allowlist;
pub mod counters;
pub mod export;
pub mod paging;
pub mod people_page;
pub mod policy;
pub mod retention;
pub mod review;
pub mod roles;
pub mod roster;
pub mod seed;
pub mod share_import;
pub mod shares;
pub mod tally;
pub mod tokens;
pub mod units;

use crate::error::AppError;

/// Checks a year parameter (2000–2100).
pub fn check_year(year: i32) -> Result<i32, AppError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::invalid(
            "invalid_year",
            "Năm không hợp lệ (2000–2100).",
        ))
    }
}
