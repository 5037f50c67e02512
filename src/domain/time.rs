//! Dates as the province sees them: the Asia/Ho_Chi_Minh calendar day, and
//! the two spellings people type (`YYYY-MM-DD`, `dd/mm/yyyy`).
//!
//! A share is dated by the local calendar day on which it was shared, so
//! every "which day is it" question goes through [`local_date`] (never
//! `Utc::now().date_naive()`, which is wrong between 00:00 and 07:00 local).

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The province's time zone (UTC+7, no daylight saving).
pub const TZ: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// The calendar date in Asia/Ho_Chi_Minh at the instant `at`.
///
/// `2025-12-31T16:30:00Z` is 23:30 local on 31/12/2025; `2025-12-31T17:00:00Z`
/// is already 01/01/2026.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&TZ).date_naive()
}

/// Today's date in Asia/Ho_Chi_Minh.
pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

/// Parses a date typed by a person or sent by a client, surrounding
/// whitespace ignored.
///
/// Accepts ISO `YYYY-MM-DD` (exactly 4-2-2 digits) and the Vietnamese
/// `dd/mm/yyyy`, also unpadded `d/m/yyyy` (1–2 digit day and month, 4-digit
/// year). Returns `None` for anything else or for a day that does not exist
/// (`31/02/2026`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.contains('-') {
        let mut it = s.split('-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        ymd(y, m, d)
    } else if s.contains('/') {
        let mut it = s.split('/');
        let (d, m, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some()
            || y.len() != 4
            || !(1..=2).contains(&m.len())
            || !(1..=2).contains(&d.len())
        {
            return None;
        }
        ymd(y, m, d)
    } else {
        None
    }
}

/// Builds a date from digit-only parts; `None` if any part has a non-digit
/// or the date does not exist.
fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Formats a date the Vietnamese way: `dd/mm/yyyy` (`05/01/2026`).
pub fn format_vi(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn local_date_crosses_midnight_at_17_utc() {
        let cases = [
            (
                (2025, 12, 31, 16, 30, 0),
                date(2025, 12, 31),
                "23:30 local is still 31/12",
            ),
            (
                (2025, 12, 31, 16, 59, 59),
                date(2025, 12, 31),
                "23:59:59 local",
            ),
            (
                (2025, 12, 31, 17, 0, 0),
                date(2026, 1, 1),
                "00:00 local is 01/01",
            ),
            ((2026, 3, 1, 0, 0, 0), date(2026, 3, 1), "07:00 local"),
            (
                (2026, 2, 28, 18, 0, 0),
                date(2026, 3, 1),
                "01:00 local next day, non-leap",
            ),
        ];
        for ((y, mo, d, h, mi, s), want, msg) in cases {
            let at = Utc
                .with_ymd_and_hms(y, mo, d, h, mi, s)
                .single()
                .expect("valid test instant");
            assert_eq!(local_date(at), want, "{msg}");
        }
    }

    #[test]
    fn today_is_within_a_day_of_utc() {
        let utc = Utc::now().date_naive();
        let t = today();
        assert!(
            t == utc || t == utc.succ_opt().expect("not MAX"),
            "{t} vs {utc}"
        );
    }

    #[test]
    fn parse_accepts_both_spellings() {
        let cases = [
            ("2026-01-05", Some(date(2026, 1, 5)), "ISO"),
            ("  2026-12-31 \n", Some(date(2026, 12, 31)), "ISO trimmed"),
            ("05/01/2026", Some(date(2026, 1, 5)), "dd/mm/yyyy"),
            ("5/1/2026", Some(date(2026, 1, 5)), "d/m/yyyy"),
            ("15/12/2025", Some(date(2025, 12, 15)), "two-digit day"),
            (" 29/02/2024 ", Some(date(2024, 2, 29)), "leap day"),
            ("29/02/2025", None, "no such day"),
            ("2026-1-5", None, "ISO must be padded"),
            ("2026-13-01", None, "month 13"),
            ("01/13/2026", None, "US order with month 13"),
            ("05/01/26", None, "two-digit year"),
            ("005/01/2026", None, "three-digit day"),
            ("+5/01/2026", None, "sign"),
            ("2026-01-05-01", None, "extra part"),
            ("05/01/2026/1", None, "extra part"),
            ("2026/01/05", None, "year first with slashes"),
            ("", None, "empty"),
            ("hôm nay", None, "words"),
            ("05.01.2026", None, "dots"),
        ];
        for (input, want, msg) in cases {
            assert_eq!(parse_date(input), want, "{msg}: {input:?}");
        }
    }

    #[test]
    fn format_vi_pads_and_round_trips() {
        assert_eq!(format_vi(date(2026, 1, 5)), "05/01/2026");
        assert_eq!(format_vi(date(2025, 12, 31)), "31/12/2025");
        for d in [date(2024, 2, 29), date(2026, 7, 1), date(999, 1, 1)] {
            let s = format_vi(d);
            assert_eq!(parse_date(&s), Some(d), "{s}");
        }
    }
}
