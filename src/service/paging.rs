//! Paging of lists that grow with the province: a page size with a default and a maximum, and
//! opaque keyset cursors naming the last row seen. The next page starts strictly after that row
//! in a total order (ties broken by a unique key), so a row arriving between two pages neither
//! repeats one already shown nor hides one not yet shown.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A page size within bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(usize);

impl Limit {
    /// `requested`, or `default` when absent; 422 `page_size_too_large` above `max` and
    /// `invalid_page_size` for 0.
    pub fn new(requested: Option<u32>, default: usize, max: usize) -> Result<Self, AppError> {
        let Some(requested) = requested else {
            return Ok(Self(default.min(max)));
        };
        let requested = usize::try_from(requested).unwrap_or(usize::MAX);
        if requested == 0 {
            return Err(AppError::invalid(
                "invalid_page_size",
                "Số dòng mỗi trang phải lớn hơn 0.",
            ));
        }
        if requested > max {
            return Err(AppError::invalid(
                "page_size_too_large",
                format!(
                    "Mỗi trang có tối đa {max} dòng; hãy giảm tham số limit hoặc dùng tệp xuất CSV/XLSX để lấy toàn bộ danh sách."
                ),
            ));
        }
        Ok(Self(requested))
    }

    /// The number of rows.
    pub fn get(self) -> usize {
        self.0
    }
}

/// A key as an opaque, URL-safe cursor.
pub fn encode<K: Serialize>(key: &K) -> String {
    hex::encode(serde_json::to_vec(key).unwrap_or_default())
}

/// 422 `invalid_cursor`: a cursor this server did not hand out, or one of another order.
pub fn invalid_cursor() -> AppError {
    AppError::invalid(
        "invalid_cursor",
        "Con trỏ trang không hợp lệ hoặc không khớp cách sắp xếp; hãy tải lại từ trang đầu.",
    )
}

/// The key behind a cursor; 422 `invalid_cursor` for anything this server did not hand out.
pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, AppError> {
    let invalid = invalid_cursor;
    // A cursor names one row: anything longer is not ours.
    if cursor.len() > 4096 {
        return Err(invalid());
    }
    let bytes = hex::decode(cursor).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}

/// One page of `rows`, which are in ascending `key` order: the rows strictly after `after`, at
/// most `limit` of them, and the key to continue from when more follow.
pub fn page<T, K: Ord>(
    rows: Vec<T>,
    key: impl Fn(&T) -> K,
    after: Option<&K>,
    limit: Limit,
) -> (Vec<T>, Option<K>) {
    let start = after.map_or(0, |after| rows.partition_point(|row| key(row) <= *after));
    let more = rows.len().saturating_sub(start) > limit.get();
    let page: Vec<T> = rows.into_iter().skip(start).take(limit.get()).collect();
    let next = if more { page.last().map(&key) } else { None };
    (page, next)
}

/// One page of rows listed newest first by (date, id) — as they come from the database — after
/// `cursor`; with the cursor of the next page when more follow. A share arriving meanwhile is
/// newer than every row already listed, so it lands before the cursor: nothing shifts.
pub fn newest_first<T>(
    rows: Vec<T>,
    at: impl Fn(&T) -> (NaiveDate, i64),
    cursor: Option<&str>,
    limit: Limit,
) -> Result<(Vec<T>, Option<String>), AppError> {
    let key = |row: &T| {
        let (date, id) = at(row);
        (-i64::from(date.num_days_from_ce()), -id)
    };
    let after: Option<(i64, i64)> = cursor.filter(|c| !c.is_empty()).map(decode).transpose()?;
    let (rows, next) = page(rows, key, after.as_ref(), limit);
    Ok((rows, next.map(|k| encode(&k))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_size_defaults_and_refuses_zero_and_too_many() {
        assert_eq!(Limit::new(None, 50, 500).map(Limit::get).ok(), Some(50));
        assert_eq!(
            Limit::new(Some(500), 50, 500).map(Limit::get).ok(),
            Some(500)
        );
        let too_many = Limit::new(Some(501), 50, 500).err().map(|e| e.code());
        assert_eq!(too_many, Some("page_size_too_large"));
        let zero = Limit::new(Some(0), 50, 500).err().map(|e| e.code());
        assert_eq!(zero, Some("invalid_page_size"));
    }

    #[test]
    fn pages_follow_each_other_without_gap_or_repeat_across_equal_keys() {
        // (score, unique id): equal scores are told apart by the id.
        let rows: Vec<(i32, u32)> = vec![(1, 1), (1, 2), (1, 3), (2, 4), (2, 5), (3, 6), (3, 7)];
        let limit = Limit::new(Some(2), 2, 10).expect("limit");
        let mut after = None;
        let mut seen = Vec::new();
        for _ in 0..10 {
            let (page, next) = page(rows.clone(), |r| *r, after.as_ref(), limit);
            seen.extend(page);
            match next {
                Some(key) => after = Some(key),
                None => break,
            }
        }
        assert_eq!(seen, rows);
    }

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let key = ("Nguyễn Văn An".to_owned(), 42_i64);
        let cursor = encode(&key);
        assert!(cursor.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(decode::<(String, i64)>(&cursor).ok(), Some(key));
        let code = decode::<(String, i64)>("zz").err().map(|e| e.code());
        assert_eq!(code, Some("invalid_cursor"));
    }
}
