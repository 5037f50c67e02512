//! The evaluation policy of a year, employment spans and pro-rated targets.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::period::{Period, days_in_month};

/// Code of the built-in level for a person who met the target.
pub const LEVEL_MET: &str = "met";
/// Code of the built-in level for a person below the target.
pub const LEVEL_NOT_MET: &str = "not_met";
/// Vietnamese name of [`LEVEL_MET`].
pub const LEVEL_MET_NAME: &str = "Đạt";
/// Vietnamese name of [`LEVEL_NOT_MET`].
pub const LEVEL_NOT_MET_NAME: &str = "Chưa đạt";

/// A named level beyond met / not met, as stored in the policy's JSON
/// (`[{"name":"Vượt","min_percent":150}]`): reached by a person whose
/// accepted shares are at least `target × min_percent / 100`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Level {
    /// Display name, free text (it is also the level's code in the figures).
    pub name: String,
    /// Threshold in percent of the person's target (150 = one and a half times).
    pub min_percent: u32,
}

/// The evaluation policy of one work year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// The work year the policy rates.
    pub year: i32,
    /// The days whose shares count for that year (inclusive; the calendar
    /// year by default, but any span, e.g. 15/12/2025 to 14/12/2026).
    pub period: Period,
    /// Accepted shares a person employed for the whole period needs.
    pub target: u32,
    /// Explicit target for one whole calendar month; `None` derives it from
    /// `target` by days.
    pub month_target: Option<u32>,
    /// Explicit target for one whole calendar quarter; `None` derives it from
    /// `target` by days.
    pub quarter_target: Option<u32>,
    /// Extra levels; may be empty.
    #[serde(default)]
    pub levels: Vec<Level>,
}

/// Why a policy cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The period ends before it starts.
    #[error("Kỳ đánh giá không hợp lệ: ngày kết thúc trước ngày bắt đầu.")]
    EmptyPeriod,
    /// The period is longer than two years.
    #[error("Kỳ đánh giá dài quá hai năm.")]
    PeriodTooLong,
    /// A level has an empty name.
    #[error("Mức xếp loại phải có tên.")]
    LevelNameEmpty,
    /// Two levels share a name, or a level uses a built-in name.
    #[error("Tên mức xếp loại «{0}» bị trùng.")]
    LevelNameDuplicate(String),
    /// A level's threshold is 0 %.
    #[error("Mức xếp loại «{0}» phải có ngưỡng lớn hơn 0%.")]
    LevelThresholdZero(String),
}

impl PolicyError {
    /// A stable identifier for the API's error `code`.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::EmptyPeriod => "empty_period",
            PolicyError::PeriodTooLong => "period_too_long",
            PolicyError::LevelNameEmpty => "level_name_empty",
            PolicyError::LevelNameDuplicate(_) => "level_name_duplicate",
            PolicyError::LevelThresholdZero(_) => "level_threshold_zero",
        }
    }
}

/// The longest period [`Policy::validate`] accepts, in days.
pub const MAX_PERIOD_DAYS: u32 = 731;

impl Policy {
    /// A policy over the calendar year with no monthly/quarterly overrides
    /// and no extra levels.
    pub fn calendar(year: i32, target: u32) -> Self {
        Self {
            year,
            period: Period::calendar_year(year),
            target,
            month_target: None,
            quarter_target: None,
            levels: Vec::new(),
        }
    }

    /// Checks what an admin entered: a non-empty period of at most
    /// [`MAX_PERIOD_DAYS`] days, levels with distinct non-empty names (not
    /// "Đạt"/"Chưa đạt" or the built-in codes) and thresholds above 0 %.
    /// The engine itself copes with any policy; this is for the admin forms.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.period.is_empty() {
            return Err(PolicyError::EmptyPeriod);
        }
        if self.period.days() > MAX_PERIOD_DAYS {
            return Err(PolicyError::PeriodTooLong);
        }
        let mut seen: Vec<String> = vec![
            LEVEL_MET.into(),
            LEVEL_NOT_MET.into(),
            LEVEL_MET_NAME.to_lowercase(),
            LEVEL_NOT_MET_NAME.to_lowercase(),
        ];
        for level in &self.levels {
            let name = level.name.trim();
            if name.is_empty() {
                return Err(PolicyError::LevelNameEmpty);
            }
            let folded = name.to_lowercase();
            if seen.contains(&folded) {
                return Err(PolicyError::LevelNameDuplicate(name.to_owned()));
            }
            seen.push(folded);
            if level.min_percent == 0 {
                return Err(PolicyError::LevelThresholdZero(name.to_owned()));
            }
        }
        Ok(())
    }

    /// The person's target for the days of `slice` (a month or quarter cut
    /// to the period), given an explicit per-whole-slice target `explicit`
    /// whose reference length is `whole_days`:
    ///
    /// * explicit: `explicit × employed days in slice ÷ whole_days`;
    /// * derived: `target × employed days in slice ÷ days in the period`;
    ///
    /// both rounded half up. `None` when the person was employed on none of
    /// the slice's days.
    pub(crate) fn slice_target(
        &self,
        slice: &Period,
        whole_days: u32,
        explicit: Option<u32>,
        employment: &Employment,
    ) -> Option<u32> {
        let employed = employment.days_in(slice);
        if employed == 0 {
            return None;
        }
        Some(match explicit {
            Some(t) => scale(t, employed, whole_days),
            None => scale(self.target, employed, self.period.days()),
        })
    }

    /// The person's target for one calendar month of the period (see the
    /// module doc); `None` if the month is outside the period or the person
    /// was not employed in it.
    pub fn month_target_for(&self, year: i32, month: u32, employment: &Employment) -> Option<u32> {
        let slice = Period::calendar_month(year, month)?.intersect(&self.period)?;
        self.slice_target(
            &slice,
            days_in_month(year, month),
            self.month_target,
            employment,
        )
    }

    /// The person's target for one calendar quarter of the period; `None`
    /// if the quarter is outside the period or the person was not employed
    /// in it.
    pub fn quarter_target_for(
        &self,
        year: i32,
        quarter: u32,
        employment: &Employment,
    ) -> Option<u32> {
        let whole = Period::calendar_quarter(year, quarter)?;
        let slice = whole.intersect(&self.period)?;
        self.slice_target(&slice, whole.days(), self.quarter_target, employment)
    }

    /// The level reached with `accepted` shares against `target` (already
    /// pro-rated): the custom level with the highest threshold that is
    /// reached, where "met" counts as a level at 100 % (a custom level at
    /// exactly 100 % wins over it); "not met" when none is reached. A target
    /// of 0 is always "met" and reaches no custom level.
    pub fn level_for(&self, accepted: u32, target: u32) -> LevelOutcome {
        let met = accepted >= target;
        if target == 0 {
            return LevelOutcome::met();
        }
        let reached =
            |l: &&Level| u64::from(accepted) * 100 >= u64::from(target) * u64::from(l.min_percent);
        // The highest reached threshold; the first listed among equals.
        let best = self
            .levels
            .iter()
            .filter(reached)
            .fold(None::<&Level>, |best, l| match best {
                Some(b) if b.min_percent >= l.min_percent => Some(b),
                _ => Some(l),
            });
        match best {
            Some(l) if l.min_percent >= 100 || !met => LevelOutcome::custom(l),
            _ if met => LevelOutcome::met(),
            _ => LevelOutcome::not_met(),
        }
    }
}

/// A level given to a person: a stable code and a display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelOutcome {
    /// [`LEVEL_MET`], [`LEVEL_NOT_MET`], or a custom level's name.
    pub code: String,
    /// "Đạt", "Chưa đạt", or a custom level's name.
    pub name: String,
}

impl LevelOutcome {
    fn met() -> Self {
        Self {
            code: LEVEL_MET.into(),
            name: LEVEL_MET_NAME.into(),
        }
    }

    fn not_met() -> Self {
        Self {
            code: LEVEL_NOT_MET.into(),
            name: LEVEL_NOT_MET_NAME.into(),
        }
    }

    fn custom(l: &Level) -> Self {
        Self {
            code: l.name.clone(),
            name: l.name.clone(),
        }
    }
}

/// When a person worked for the province: both ends inclusive, `None` = open
/// (joined before records began / still employed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Employment {
    /// First day employed.
    pub joined_on: Option<NaiveDate>,
    /// Last day employed.
    pub left_on: Option<NaiveDate>,
}

impl Employment {
    /// Employed with no known start or end.
    pub const OPEN: Employment = Employment {
        joined_on: None,
        left_on: None,
    };

    /// The days of `period` on which the person was employed, if any.
    pub fn span_in(&self, period: &Period) -> Option<Period> {
        let start = match self.joined_on {
            Some(j) => j.max(period.start),
            None => period.start,
        };
        let end = match self.left_on {
            Some(l) => l.min(period.end),
            None => period.end,
        };
        Period::new(start, end)
    }

    /// Whether the person was employed on at least one day of `period`.
    pub fn overlaps(&self, period: &Period) -> bool {
        self.span_in(period).is_some()
    }

    /// Days employed in `period`: the days of
    /// `[max(joined_on, start), min(left_on, end)]`, 0 if none.
    pub fn days_in(&self, period: &Period) -> u32 {
        self.span_in(period).map_or(0, |p| p.days())
    }

    /// Whether the person was employed on `date`.
    pub fn is_employed_on(&self, date: NaiveDate) -> bool {
        self.joined_on.is_none_or(|j| j <= date) && self.left_on.is_none_or(|l| date <= l)
    }
}

/// `value × part ÷ whole`, rounded to the nearest whole number, halves up,
/// in integer arithmetic: `(2·value·part + whole) / (2·whole)`. `part` is
/// capped at `whole`; a `whole` of 0 gives 0.
pub fn scale(value: u32, part: u32, whole: u32) -> u32 {
    if whole == 0 {
        return 0;
    }
    let (v, p, w) = (
        u64::from(value),
        u64::from(part.min(whole)),
        u64::from(whole),
    );
    u32::try_from((2 * v * p + w) / (2 * w)).unwrap_or(u32::MAX)
}

/// The target of a person who was employed for only part of the period:
/// `target × days employed in the period ÷ days in the period`, rounded to
/// the nearest whole number, halves up. The full target when employed for
/// the whole period; 0 when not employed in it at all.
pub fn prorated_target(target: u32, period: &Period, employment: &Employment) -> u32 {
    scale(target, employment.days_in(period), period.days())
}
