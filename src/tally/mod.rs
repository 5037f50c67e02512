//! Tallies and the evaluation criterion: pure functions over people, shares and policy.
//!
//! No I/O: the database layer groups a person's shares into counts and hands
//! them here with the year's [`Policy`] and the person's [`Employment`];
//! [`person_figures`] returns a plain, serialisable [`PersonFigures`] (which
//! is also what a closed year freezes into its snapshot).
//!
//! # Rules
//!
//! * **Period.** A share counts in the period that contains its `shared_on`
//!   date (the Asia/Ho_Chi_Minh calendar day). The period is the policy's
//!   ([`Policy::period`], inclusive; e.g. 15/12/2025–14/12/2026), or the
//!   calendar year when the year has no policy.
//! * **Status.** Accepted shares count toward the target; rejected ones are
//!   only reported as `rejected`. Restoring a rejected share simply moves it
//!   back into the accepted count the caller supplies.
//! * **Who is in the tally.** Anyone employed on at least one day of the
//!   period ([`is_included`]); [`person_figures`] returns `None` for others.
//! * **Target.** `target × days employed in the period ÷ days in the period`,
//!   rounded to the nearest whole number, halves up, in integer arithmetic
//!   `(2·t·d + D) / (2·D)` ([`prorated_target`]). Days employed are those of
//!   `[max(joined_on, start), min(left_on, end)]`; open ends are `None`.
//! * **Met.** `accepted ≥ target`. Without a policy, `target`, `met`,
//!   `percent` and the level are `None`.
//! * **Levels.** Built-in `met` ("Đạt") and `not_met` ("Chưa đạt"); a
//!   policy's extra [`Level`]s (`{"name":"Vượt","min_percent":150}`) are
//!   reached at `accepted × 100 ≥ target × min_percent`. The person gets the
//!   reached level with the highest threshold, "met" counting as 100 %
//!   (a custom level at exactly 100 % wins; one below 100 %, e.g. "Gần đạt"
//!   at 80 %, is given instead of "Chưa đạt"). A custom level's code is its
//!   name. A target of 0 is "met".
//! * **Months and quarters.** `by_month` lists every calendar month the
//!   period touches, in order, with zero rows; `by_quarter` every calendar
//!   quarter it touches (four for a calendar year, five for
//!   15/12–14/12). A month's target is the policy's `month_target` ×
//!   employed days of the month in the period ÷ days of the calendar month,
//!   or, without an explicit `month_target`, `target` × employed days of the
//!   month in the period ÷ days in the period; quarters likewise with
//!   `quarter_target`. Rounded half up each, so they need not add up to the
//!   year's target. `None` for a month/quarter with no employed day.
//! * **Moves between units.** Figures belong to the person (rate them under
//!   their current unit); `by_unit` splits them by the unit each share was
//!   logged in, for unit reports.
//!
//! # Inputs
//!
//! Counts come as [`MonthCount`] (a `tally_months` row: one person, unit,
//! whole calendar month) and/or [`DayCount`] (one person, unit, date). Month
//! rows are used only for months lying wholly inside the period
//! ([`Period::month_slices`] says which, `full == true`); give day rows for
//! the boundary months of a period that does not follow month ends. Give each
//! share once.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use lantoa::tally::{person_figures, Employment, MonthCount, Policy};
//!
//! let policy = Policy::calendar(2026, 100);
//! let joined = NaiveDate::from_ymd_opt(2026, 7, 1);
//! let who = Employment { joined_on: joined, left_on: None };
//! let counts = [MonthCount { year: 2026, month: 7, unit_id: 1, accepted: 60, rejected: 2 }];
//! let f = person_figures(Some(&policy), 2026, &who, &counts, &[]).unwrap();
//! assert_eq!((f.target, f.met, f.level_code.as_deref()), (Some(50), Some(true), Some("met")));
//! ```

mod figures;
mod period;
mod policy;

#[cfg(test)]
mod tests;

pub use figures::{
    DayCount, LevelCount, MonthCount, MonthFigures, PersonFigures, QuarterFigures, Summary,
    UnitCount, evaluation_period, is_included, person_figures, summarize,
};
pub use period::{MonthSlice, Period, days_in_month, quarter_of};
pub use policy::{
    Employment, LEVEL_MET, LEVEL_MET_NAME, LEVEL_NOT_MET, LEVEL_NOT_MET_NAME, Level, LevelOutcome,
    MAX_PERIOD_DAYS, Policy, PolicyError, prorated_target, scale,
};
