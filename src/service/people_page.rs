//! One page of a tally's people: sorted on the server (Vietnamese name order, shares, progress),
//! searched by name or staff code, and cut with keyset cursors that stay right while shares
//! arrive. Shared by the unit tally API and the unit dashboard.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::db;
use crate::domain::names::fold_ascii;
use crate::error::{AppError, AppResult};
use crate::service::paging::{self, Limit};
use crate::service::tally::{PersonTally, YearTally};
use crate::tally::evaluation_period;

/// Rows per page of a unit's people unless asked otherwise.
pub const DEFAULT_LIMIT: usize = 100;
/// The most rows a page may have (the whole list is in the CSV/XLSX export).
pub const MAX_LIMIT: usize = 500;

/// The order of a list of people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Vietnamese name order (the stored sort key), then staff code.
    #[default]
    Name,
    /// Most accepted shares first.
    Shares,
    /// Lowest progress towards the target first (no target: last).
    Progress,
}

impl Sort {
    /// From `?sort=`: `name`, `shares` (or `accepted`), `progress` (or `percent`).
    pub fn parse(raw: Option<&str>) -> AppResult<Self> {
        match raw.map(str::trim).unwrap_or_default() {
            "" | "name" => Ok(Self::Name),
            "shares" | "accepted" => Ok(Self::Shares),
            "progress" | "percent" => Ok(Self::Progress),
            _ => Err(AppError::invalid(
                "invalid_sort",
                "Cách sắp xếp không hợp lệ (name, shares, progress).",
            )),
        }
    }

    /// The `?sort=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Shares => "shares",
            Self::Progress => "progress",
        }
    }
}

/// A row's place in the order: the rank the sort gives it, then the name order, then the staff
/// code (unique, so no two rows share a key).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Key {
    rank: i64,
    sort_key: String,
    full_name: String,
    staff_code: String,
}

/// What a cursor carries: the order it belongs to, the newest share counted when the first page
/// was read, and the last row's key.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    sort: Sort,
    /// Shares with a higher id arrived after the first page: left out of the ranking, so a
    /// person gaining shares does not jump over the page boundary.
    seen_up_to: i64,
    key: Key,
}

/// What the caller asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The order.
    pub sort: Sort,
    /// Name or staff code contains (accents ignored).
    pub q: Option<String>,
    /// Rows per page.
    pub limit: Option<u32>,
    /// Where the previous page ended.
    pub cursor: Option<String>,
}

/// One page.
pub struct Page<'a> {
    /// The rows, in order.
    pub rows: Vec<&'a PersonTally>,
    /// People matching the search and filter, on all pages.
    pub total: usize,
    /// The page size used.
    pub limit: usize,
    /// The cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
}

/// Whether a person matches a search (name without accents, or staff code), case-insensitively.
pub fn matches(row: &PersonTally, needle: &str) -> bool {
    fold_ascii(&row.person.full_name)
        .to_lowercase()
        .contains(needle)
        || row.person.staff_code.to_lowercase().contains(needle)
}

/// A search as typed, folded the way `matches` compares (None when empty).
pub fn needle(q: Option<&str>) -> Option<String> {
    q.map(|q| fold_ascii(q.trim()).to_lowercase())
        .filter(|q| !q.is_empty())
}

/// Sorts, searches, filters with `keep` and cuts one page of a year's tally.
pub async fn page<'a>(
    db: &impl sea_orm::ConnectionTrait,
    tally: &'a YearTally,
    year: i32,
    request: &Request,
    keep: impl Fn(&PersonTally) -> bool,
) -> AppResult<Page<'a>> {
    let limit = Limit::new(request.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let cursor: Option<Cursor> = request
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(paging::decode)
        .transpose()?;
    if cursor.as_ref().is_some_and(|c| c.sort != request.sort) {
        return Err(paging::invalid_cursor());
    }
    let needle = needle(request.q.as_deref());
    let rows: Vec<&PersonTally> = tally
        .rows
        .iter()
        .filter(|r| keep(r))
        .filter(|r| needle.as_deref().is_none_or(|n| matches(r, n)))
        .collect();
    let total = rows.len();
    // Name order needs no counts; the other orders rank by the counts as of the first page.
    let (seen_up_to, late) = match (request.sort, &cursor) {
        (Sort::Name, _) => (0, HashMap::new()),
        (_, Some(c)) if !tally.closed => {
            let period = evaluation_period(tally.policy.as_ref(), year);
            let late =
                db::shares::accepted_after(db, c.seen_up_to, period.start, period.end).await?;
            (c.seen_up_to, late)
        }
        (_, Some(c)) => (c.seen_up_to, HashMap::new()),
        (_, None) => (db::shares::max_id(db).await?, HashMap::new()),
    };
    let key = |row: &&PersonTally| -> Key {
        let accepted = i64::from(row.figures.accepted)
            - i64::from(late.get(&row.person.id).copied().unwrap_or(0));
        let rank = match request.sort {
            Sort::Name => 0,
            Sort::Shares => -accepted,
            Sort::Progress => match row.figures.target {
                Some(target) if target > 0 => accepted.max(0) * 100 / i64::from(target),
                Some(_) => 100,
                None => i64::MAX,
            },
        };
        Key {
            rank,
            sort_key: row.person.sort_key.clone(),
            full_name: row.person.full_name.clone(),
            staff_code: row.person.staff_code.clone(),
        }
    };
    let mut keyed: Vec<(Key, &PersonTally)> = rows.into_iter().map(|r| (key(&r), r)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let after = cursor.map(|c| c.key);
    let (rows, next) = paging::page(keyed, |(k, _)| k.clone(), after.as_ref(), limit);
    let next_cursor = next.map(|key| {
        paging::encode(&Cursor {
            sort: request.sort,
            seen_up_to,
            key,
        })
    });
    Ok(Page {
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        total,
        limit: limit.get(),
        next_cursor,
    })
}
