//! Evaluation periods: inclusive date ranges, their calendar months and
//! quarters.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// An inclusive range of dates: the evaluation period of a work year, or a
/// month or quarter slice of it. `start > end` is an empty period (0 days,
/// contains nothing); the constructors never make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    /// First day, inclusive.
    pub start: NaiveDate,
    /// Last day, inclusive.
    pub end: NaiveDate,
}

/// One calendar month that a period touches, cut to the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSlice {
    /// Calendar year of the month.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// The days of that month that lie in the period.
    pub days: Period,
    /// Whether the whole calendar month lies in the period (so a monthly
    /// bucket of counts can be used as is).
    pub full: bool,
}

impl Period {
    /// A period from `start` to `end`, both inclusive; `None` if `start > end`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Option<Self> {
        (start <= end).then_some(Self { start, end })
    }

    /// 1 January to 31 December of `year`. For a year outside chrono's range
    /// the missing end is replaced by the earliest/latest representable date.
    pub fn calendar_year(year: i32) -> Self {
        Self {
            start: NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
            end: NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
        }
    }

    /// The whole calendar month; `None` for an invalid month or year.
    pub fn calendar_month(year: i32, month: u32) -> Option<Self> {
        let start = NaiveDate::from_ymd_opt(year, month, 1)?;
        let end = start.with_day(days_in_month(year, month))?;
        Some(Self { start, end })
    }

    /// The whole calendar quarter (`quarter` 1 to 4); `None` if invalid.
    pub fn calendar_quarter(year: i32, quarter: u32) -> Option<Self> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let first = Self::calendar_month(year, quarter * 3 - 2)?;
        let last = Self::calendar_month(year, quarter * 3)?;
        Some(Self {
            start: first.start,
            end: last.end,
        })
    }

    /// Whether the period has no days (`start > end`).
    pub fn is_empty(&self) -> bool {
        self.start > self.end
    }

    /// Number of days, both ends included; 0 when empty.
    pub fn days(&self) -> u32 {
        if self.is_empty() {
            return 0;
        }
        let n = self.end.signed_duration_since(self.start).num_days() + 1;
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Whether `date` lies in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The days both periods have in common, if any.
    pub fn intersect(&self, other: &Period) -> Option<Period> {
        Period::new(self.start.max(other.start), self.end.min(other.end))
    }

    /// Every calendar month the period touches, in order, as `(year, month)`.
    pub fn months(&self) -> impl Iterator<Item = (i32, u32)> + use<> {
        let (first, last) = if self.is_empty() {
            (1, 0)
        } else {
            (month_index(self.start), month_index(self.end))
        };
        (first..=last).map(from_month_index)
    }

    /// Every calendar month the period touches, cut to the period, with
    /// whether the month lies wholly inside it.
    pub fn month_slices(&self) -> Vec<MonthSlice> {
        self.months()
            .filter_map(|(year, month)| {
                let whole = Period::calendar_month(year, month)?;
                let days = whole.intersect(self)?;
                Some(MonthSlice {
                    year,
                    month,
                    days,
                    full: days == whole,
                })
            })
            .collect()
    }

    /// Every calendar quarter the period touches, in order, as
    /// `(year, quarter)`; a period from 15/12/2025 to 14/12/2026 touches five.
    pub fn quarters(&self) -> Vec<(i32, u32)> {
        let mut out: Vec<(i32, u32)> = Vec::new();
        for (year, month) in self.months() {
            let q = (year, (month - 1) / 3 + 1);
            if out.last() != Some(&q) {
                out.push(q);
            }
        }
        out
    }
}

/// The calendar quarter of a date, 1 to 4.
pub fn quarter_of(date: NaiveDate) -> u32 {
    (date.month() - 1) / 3 + 1
}

/// Number of days in a calendar month (28 to 31); 0 for an invalid month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return 0;
    };
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match next {
        Some(n) => u32::try_from(n.signed_duration_since(first).num_days()).unwrap_or(0),
        // December of the last representable year.
        None => 31,
    }
}

/// Months counted from year 0, so consecutive months differ by one.
fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// Inverse of [`month_index`].
fn from_month_index(i: i64) -> (i32, u32) {
    let year = i.div_euclid(12);
    let month0 = i.rem_euclid(12);
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u32::try_from(month0).unwrap_or(0) + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn days_and_contains() {
        let cases = [
            (Period::calendar_year(2025), 365, "common year"),
            (Period::calendar_year(2024), 366, "leap year"),
            (
                Period::new(date(2025, 12, 15), date(2026, 12, 14)).expect("ordered"),
                365,
                "15/12–14/12",
            ),
            (
                Period::new(date(2026, 3, 1), date(2026, 3, 1)).expect("ordered"),
                1,
                "one day",
            ),
            (
                Period {
                    start: date(2026, 3, 2),
                    end: date(2026, 3, 1),
                },
                0,
                "empty",
            ),
        ];
        for (p, days, msg) in cases {
            assert_eq!(p.days(), days, "{msg}");
        }
        let y = Period::calendar_year(2025);
        assert!(y.contains(date(2025, 12, 31)), "31/12 is in its year");
        assert!(!y.contains(date(2026, 1, 1)), "01/01 is in the next year");
        assert!(y.contains(date(2025, 1, 1)));
        assert!(Period::new(date(2026, 1, 2), date(2026, 1, 1)).is_none());
    }

    #[test]
    fn months_and_slices() {
        let p = Period::new(date(2025, 12, 15), date(2026, 12, 14)).expect("ordered");
        let months: Vec<_> = p.months().collect();
        assert_eq!(months.len(), 13);
        assert_eq!(months[0], (2025, 12));
        assert_eq!(months[12], (2026, 12));
        let slices = p.month_slices();
        assert!(
            !slices[0].full && slices[0].days.days() == 17,
            "15–31/12/2025"
        );
        assert!(
            slices[1..12].iter().all(|s| s.full),
            "Jan–Nov 2026 are whole"
        );
        assert!(
            !slices[12].full && slices[12].days.days() == 14,
            "1–14/12/2026"
        );
        assert_eq!(
            p.quarters(),
            vec![(2025, 4), (2026, 1), (2026, 2), (2026, 3), (2026, 4)]
        );
        assert_eq!(Period::calendar_year(2026).months().count(), 12);
        assert_eq!(
            Period::calendar_year(2026).quarters(),
            vec![(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
        );
        let empty = Period {
            start: date(2026, 3, 2),
            end: date(2026, 3, 1),
        };
        assert_eq!(empty.months().count(), 0);
    }

    #[test]
    fn calendar_helpers() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2025, 2), 28);
        assert_eq!(days_in_month(2025, 12), 31);
        assert_eq!(days_in_month(2025, 4), 30);
        assert_eq!(days_in_month(2025, 13), 0);
        assert_eq!(quarter_of(date(2026, 1, 1)), 1);
        assert_eq!(quarter_of(date(2026, 3, 31)), 1);
        assert_eq!(quarter_of(date(2026, 4, 1)), 2);
        assert_eq!(quarter_of(date(2026, 12, 31)), 4);
        let q = Period::calendar_quarter(2024, 1).expect("valid");
        assert_eq!(q.days(), 91);
        assert!(Period::calendar_quarter(2024, 5).is_none());
        assert!(Period::calendar_month(2024, 0).is_none());
    }
}
