//! A person's figures for a work year, from counts the database layer
//! grouped for them.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::period::{Period, days_in_month};
use super::policy::{Employment, Policy};

/// Shares of one person in one unit during one whole calendar month (a
/// `tally_months` row). Used only for months lying wholly inside the
/// period ([`Period::month_slices`] with `full`); rows for other months are
/// ignored, so give [`DayCount`]s for the boundary months of a period that
/// does not start on the 1st or end on a month's last day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    /// Calendar year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// The unit the person was in when the shares were logged.
    pub unit_id: i64,
    /// Shares that count.
    pub accepted: u32,
    /// Shares rejected by a reviewer.
    pub rejected: u32,
}

/// Shares of one person in one unit on one date (`shared_on`). Counted
/// when the date lies in the period, whatever month it is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// The share's `shared_on` date (Asia/Ho_Chi_Minh).
    pub date: NaiveDate,
    /// The unit the person was in when the shares were logged.
    pub unit_id: i64,
    /// Shares that count.
    pub accepted: u32,
    /// Shares rejected by a reviewer.
    pub rejected: u32,
}

/// One calendar month of a person's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// Calendar year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Days of the month in the period on which the person was employed.
    pub employed_days: u32,
    /// Accepted shares dated in the month (and in the period).
    pub accepted: u32,
    /// Rejected shares dated in the month (and in the period).
    pub rejected: u32,
    /// The person's target for the month; `None` without a policy or when
    /// not employed in the month.
    pub target: Option<u32>,
    /// `accepted ≥ target`, when there is a target.
    pub met: Option<bool>,
}

/// One calendar quarter of a person's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterFigures {
    /// Calendar year.
    pub year: i32,
    /// Quarter, 1 to 4.
    pub quarter: u32,
    /// Days of the quarter in the period on which the person was employed.
    pub employed_days: u32,
    /// Accepted shares dated in the quarter (and in the period).
    pub accepted: u32,
    /// Rejected shares dated in the quarter (and in the period).
    pub rejected: u32,
    /// The person's target for the quarter; `None` without a policy or when
    /// not employed in the quarter.
    pub target: Option<u32>,
    /// `accepted ≥ target`, when there is a target.
    pub met: Option<bool>,
}

/// What a person logged while in one unit, within the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCount {
    /// The unit the person was in when the shares were logged.
    pub unit_id: i64,
    /// Accepted shares.
    pub accepted: u32,
    /// Rejected shares.
    pub rejected: u32,
}

/// A person's figures for a work year: what Home Affairs exports and what a
/// closed year freezes. Plain data, serialisable both ways.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFigures {
    /// The work year.
    pub year: i32,
    /// The evaluation period (the policy's, else the calendar year).
    pub period: Period,
    /// Days of the period on which the person was employed (≥ 1).
    pub employed_days: u32,
    /// Accepted shares dated in the period, whatever the unit.
    pub accepted: u32,
    /// Rejected shares dated in the period, whatever the unit.
    pub rejected: u32,
    /// The pro-rated target; `None` without a policy.
    pub target: Option<u32>,
    /// `accepted ≥ target`; `None` without a policy.
    pub met: Option<bool>,
    /// `accepted × 100 ÷ target`, rounded down; `None` without a policy or
    /// with a target of 0.
    pub percent: Option<u32>,
    /// Level code: `met`, `not_met`, or a custom level's name; `None`
    /// without a policy.
    pub level_code: Option<String>,
    /// Level name: "Đạt", "Chưa đạt", or a custom level's name; `None`
    /// without a policy.
    pub level: Option<String>,
    /// Every calendar month the period touches, in order, zero rows
    /// included.
    pub by_month: Vec<MonthFigures>,
    /// Every calendar quarter the period touches, in order (four for a
    /// calendar year, five for 15/12–14/12).
    pub by_quarter: Vec<QuarterFigures>,
    /// Counts per unit the shares were logged in, by unit id; only units
    /// with at least one share in the period.
    pub by_unit: Vec<UnitCount>,
}

impl PersonFigures {
    /// Accepted shares per quarter number (index 0 = Q1): quarters of
    /// different years with the same number are added together, which
    /// matters only for periods longer than or offset from a calendar year.
    pub fn accepted_by_quarter_number(&self) -> [u32; 4] {
        let mut out = [0u32; 4];
        for q in &self.by_quarter {
            let slot = (q.quarter as usize)
                .checked_sub(1)
                .and_then(|i| out.get_mut(i));
            if let Some(slot) = slot {
                *slot = slot.saturating_add(q.accepted);
            }
        }
        out
    }
}

/// The evaluation period of `year`: the policy's period, or the calendar
/// year without a policy.
pub fn evaluation_period(policy: Option<&Policy>, year: i32) -> Period {
    policy.map_or_else(|| Period::calendar_year(year), |p| p.period)
}

/// Whether a person belongs in the year's tally: employed on at least one
/// day of the evaluation period.
pub fn is_included(policy: Option<&Policy>, year: i32, employment: &Employment) -> bool {
    employment.overlaps(&evaluation_period(policy, year))
}

/// Running totals of one bucket.
#[derive(Clone, Copy, Default)]
struct Acc {
    accepted: u32,
    rejected: u32,
}

impl Acc {
    fn add(&mut self, accepted: u32, rejected: u32) {
        self.accepted = self.accepted.saturating_add(accepted);
        self.rejected = self.rejected.saturating_add(rejected);
    }
}

/// Computes one person's figures for a work year.
///
/// * `policy`: the year's policy, or `None` (then the period is the calendar
///   `year` and target, met, percent and level are `None`). When given, its
///   `year` and `period` are used and the `year` argument is ignored.
/// * `employment`: when the person worked; decides the pro-rated target
///   and whether they are in the tally at all.
/// * `months`: whole-month counts per unit (see [`MonthCount`]).
/// * `days`: per-date counts per unit (see [`DayCount`]).
///
/// Every share must be given once, in either `months` or `days`. Returns
/// `None` when the person was not employed on any day of the period: such
/// a person is not part of the year's tally, even if shares exist.
pub fn person_figures(
    policy: Option<&Policy>,
    year: i32,
    employment: &Employment,
    months: &[MonthCount],
    days: &[DayCount],
) -> Option<PersonFigures> {
    let year = policy.map_or(year, |p| p.year);
    let period = evaluation_period(policy, year);
    let employed_span = employment.span_in(&period)?;
    let slices = period.month_slices();
    let first = slices.first().map(|s| (s.year, s.month))?;
    let index_of = |y: i32, m: u32| -> Option<usize> {
        let i = (i64::from(y) - i64::from(first.0)) * 12 + i64::from(m) - i64::from(first.1);
        usize::try_from(i).ok().filter(|&i| i < slices.len())
    };

    let mut by_month = vec![Acc::default(); slices.len()];
    let mut by_unit: BTreeMap<i64, Acc> = BTreeMap::new();
    for c in months {
        let Some(i) = index_of(c.year, c.month) else {
            continue;
        };
        if !slices[i].full {
            continue;
        }
        by_month[i].add(c.accepted, c.rejected);
        by_unit
            .entry(c.unit_id)
            .or_default()
            .add(c.accepted, c.rejected);
    }
    for c in days.iter().filter(|c| period.contains(c.date)) {
        let Some(i) = index_of(c.date.year(), c.date.month()) else {
            continue;
        };
        by_month[i].add(c.accepted, c.rejected);
        by_unit
            .entry(c.unit_id)
            .or_default()
            .add(c.accepted, c.rejected);
    }

    let met_of = |accepted: u32, target: Option<u32>| target.map(|t| accepted >= t);

    let month_rows: Vec<MonthFigures> = slices
        .iter()
        .zip(&by_month)
        .map(|(s, acc)| {
            let target = policy.and_then(|p| {
                p.slice_target(
                    &s.days,
                    days_in_month(s.year, s.month),
                    p.month_target,
                    employment,
                )
            });
            MonthFigures {
                year: s.year,
                month: s.month,
                employed_days: employment.days_in(&s.days),
                accepted: acc.accepted,
                rejected: acc.rejected,
                target,
                met: met_of(acc.accepted, target),
            }
        })
        .collect();

    let by_quarter: Vec<QuarterFigures> = period
        .quarters()
        .into_iter()
        .filter_map(|(qy, q)| {
            let whole = Period::calendar_quarter(qy, q)?;
            let slice = whole.intersect(&period)?;
            let (accepted, rejected) = month_rows
                .iter()
                .filter(|m| m.year == qy && (m.month - 1) / 3 + 1 == q)
                .fold((0u32, 0u32), |(a, r), m| {
                    (a.saturating_add(m.accepted), r.saturating_add(m.rejected))
                });
            let target = policy
                .and_then(|p| p.slice_target(&slice, whole.days(), p.quarter_target, employment));
            Some(QuarterFigures {
                year: qy,
                quarter: q,
                employed_days: employment.days_in(&slice),
                accepted,
                rejected,
                target,
                met: met_of(accepted, target),
            })
        })
        .collect();

    let total = by_month.iter().fold(Acc::default(), |mut t, m| {
        t.add(m.accepted, m.rejected);
        t
    });
    let target = policy.map(|p| super::policy::prorated_target(p.target, &period, employment));
    let level = policy
        .zip(target)
        .map(|(p, t)| p.level_for(total.accepted, t));
    let percent = target
        .filter(|&t| t > 0)
        .map(|t| u32::try_from(u64::from(total.accepted) * 100 / u64::from(t)).unwrap_or(u32::MAX));

    Some(PersonFigures {
        year,
        period,
        employed_days: employed_span.days(),
        accepted: total.accepted,
        rejected: total.rejected,
        target,
        met: met_of(total.accepted, target),
        percent,
        level_code: level.as_ref().map(|l| l.code.clone()),
        level: level.map(|l| l.name),
        by_month: month_rows,
        by_quarter,
        by_unit: by_unit
            .into_iter()
            .map(|(unit_id, acc)| UnitCount {
                unit_id,
                accepted: acc.accepted,
                rejected: acc.rejected,
            })
            .collect(),
    })
}

/// Totals over many people's figures (a unit, the province).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// People in the tally.
    pub people: u32,
    /// People who met their target.
    pub met: u32,
    /// People with a target who did not meet it.
    pub not_met: u32,
    /// Accepted shares, all people.
    pub accepted: u64,
    /// Rejected shares, all people.
    pub rejected: u64,
    /// People per level, most common first (ties by code); empty without a
    /// policy.
    pub by_level: Vec<LevelCount>,
}

/// How many people reached one level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCount {
    /// Level code (see [`PersonFigures::level_code`]).
    pub code: String,
    /// Level name.
    pub name: String,
    /// People at that level.
    pub people: u32,
}

/// Adds up people's figures.
pub fn summarize<'a>(figures: impl IntoIterator<Item = &'a PersonFigures>) -> Summary {
    let mut s = Summary::default();
    let mut levels: BTreeMap<&str, (&str, u32)> = BTreeMap::new();
    for f in figures {
        s.people += 1;
        match f.met {
            Some(true) => s.met += 1,
            Some(false) => s.not_met += 1,
            None => {}
        }
        s.accepted += u64::from(f.accepted);
        s.rejected += u64::from(f.rejected);
        if let (Some(code), Some(name)) = (&f.level_code, &f.level) {
            levels.entry(code).or_insert((name, 0)).1 += 1;
        }
    }
    let mut by_level: Vec<LevelCount> = levels
        .into_iter()
        .map(|(code, (name, people))| LevelCount {
            code: code.to_owned(),
            name: name.to_owned(),
            people,
        })
        .collect();
    by_level.sort_by(|a, b| b.people.cmp(&a.people).then_with(|| a.code.cmp(&b.code)));
    s.by_level = by_level;
    s
}
