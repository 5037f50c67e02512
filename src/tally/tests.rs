//! Golden tests of the tally rules.

use chrono::NaiveDate;

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn period(a: NaiveDate, b: NaiveDate) -> Period {
    Period::new(a, b).expect("ordered test period")
}

fn emp(joined: Option<NaiveDate>, left: Option<NaiveDate>) -> Employment {
    Employment {
        joined_on: joined,
        left_on: left,
    }
}

fn day(d: NaiveDate, unit_id: i64, accepted: u32, rejected: u32) -> DayCount {
    DayCount {
        date: d,
        unit_id,
        accepted,
        rejected,
    }
}

fn month(year: i32, month: u32, unit_id: i64, accepted: u32, rejected: u32) -> MonthCount {
    MonthCount {
        year,
        month,
        unit_id,
        accepted,
        rejected,
    }
}

/// The policy of work year 2026 running 15/12/2025–14/12/2026.
fn december_policy(target: u32) -> Policy {
    Policy {
        year: 2026,
        period: period(date(2025, 12, 15), date(2026, 12, 14)),
        target,
        month_target: None,
        quarter_target: None,
        levels: Vec::new(),
    }
}

#[test]
fn prorating() {
    let y2025 = Period::calendar_year(2025);
    let y2024 = Period::calendar_year(2024);
    let ten_days = period(date(2026, 3, 1), date(2026, 3, 10));
    let dec = december_policy(100).period;
    let cases: &[(&str, u32, Period, Employment, u32)] = &[
        (
            "joined 1 July, 365-day year: 100 × 184/365 = 50.4",
            100,
            y2025,
            emp(Some(date(2025, 7, 1)), None),
            50,
        ),
        (
            "joined 1 March, 365-day year: 365 × 306/365",
            365,
            y2025,
            emp(Some(date(2025, 3, 1)), None),
            306,
        ),
        (
            "joined 1 March, 366-day year: 365 × 306/366 = 305.2",
            365,
            y2024,
            emp(Some(date(2024, 3, 1)), None),
            305,
        ),
        (
            "left 30 June: 100 × 181/365 = 49.6",
            100,
            y2025,
            emp(None, Some(date(2025, 6, 30))),
            50,
        ),
        (
            "left 31 March: 100 × 90/365 = 24.7",
            100,
            y2025,
            emp(Some(date(2019, 5, 1)), Some(date(2025, 3, 31))),
            25,
        ),
        (
            "joined before and left after: full target",
            100,
            y2025,
            emp(Some(date(2010, 1, 1)), Some(date(2030, 12, 31))),
            100,
        ),
        (
            "open both ends: full target",
            100,
            y2025,
            Employment::OPEN,
            100,
        ),
        (
            "joined on the first day: full target",
            100,
            y2025,
            emp(Some(date(2025, 1, 1)), None),
            100,
        ),
        (
            "half rounds up: 1 × 183/366 = 0.5",
            1,
            y2024,
            emp(Some(date(2024, 7, 2)), None),
            1,
        ),
        (
            "half rounds up: 3 × 61/366 = 0.5",
            3,
            y2024,
            emp(Some(date(2024, 11, 1)), None),
            1,
        ),
        (
            "half rounds up: 3 × 5/10 = 1.5",
            3,
            ten_days,
            emp(None, Some(date(2026, 3, 5))),
            2,
        ),
        (
            "below half rounds down: 100 × 1/365 = 0.27",
            100,
            y2025,
            emp(Some(date(2025, 12, 31)), None),
            0,
        ),
        (
            "joined and left inside: 365 × 31/365",
            365,
            y2025,
            emp(Some(date(2025, 3, 1)), Some(date(2025, 3, 31))),
            31,
        ),
        (
            "left before the period: 0",
            100,
            y2025,
            emp(None, Some(date(2024, 12, 31))),
            0,
        ),
        (
            "joined after the period: 0",
            100,
            y2025,
            emp(Some(date(2026, 1, 1)), None),
            0,
        ),
        (
            "15/12 period, joined 1/1/2026: 100 × 348/365 = 95.3",
            100,
            dec,
            emp(Some(date(2026, 1, 1)), None),
            95,
        ),
    ];
    for (msg, target, p, e, want) in cases {
        assert_eq!(prorated_target(*target, p, e), *want, "{msg}");
    }
    assert_eq!(scale(7, 1, 0), 0, "empty period gives 0");
    assert_eq!(scale(u32::MAX, 5, 5), u32::MAX, "no overflow");
}

#[test]
fn inclusion_follows_employment() {
    let cases = [
        ("open", Employment::OPEN, true),
        ("left on 1 Jan", emp(None, Some(date(2025, 1, 1))), true),
        (
            "joined on 31 Dec",
            emp(Some(date(2025, 12, 31)), None),
            true,
        ),
        (
            "left 31 Dec of the year before",
            emp(None, Some(date(2024, 12, 31))),
            false,
        ),
        (
            "joined the next year",
            emp(Some(date(2026, 1, 1)), None),
            false,
        ),
    ];
    for (msg, e, included) in cases {
        assert_eq!(is_included(None, 2025, &e), included, "{msg}");
        let f = person_figures(None, 2025, &e, &[], &[day(date(2025, 6, 1), 1, 3, 0)]);
        assert_eq!(
            f.is_some(),
            included,
            "{msg}: figures only for people in the tally"
        );
    }
}

#[test]
fn calendar_period_boundaries() {
    let days = [
        day(date(2025, 12, 31), 1, 1, 0),
        day(date(2026, 1, 1), 1, 2, 0),
    ];
    let cases = [
        ("31/12 counts in its year", 2025, 1),
        ("01/01 counts in the next", 2026, 2),
    ];
    for (msg, year, accepted) in cases {
        let policy = Policy::calendar(year, 1);
        let f =
            person_figures(Some(&policy), year, &Employment::OPEN, &[], &days).expect("included");
        assert_eq!(f.accepted, accepted, "{msg}");
        assert_eq!(f.by_month.len(), 12, "{msg}: twelve months");
        let no_policy = person_figures(None, year, &Employment::OPEN, &[], &days).expect("in");
        assert_eq!(no_policy.accepted, accepted, "{msg}, without a policy");
    }
}

#[test]
fn december_to_december_period() {
    let policy = december_policy(100);
    let days = [
        day(date(2025, 12, 14), 1, 100, 0), // the previous year's period
        day(date(2025, 12, 15), 1, 1, 0),   // first day
        day(date(2025, 12, 31), 1, 2, 0),
        day(date(2026, 12, 14), 1, 4, 0),   // last day
        day(date(2026, 12, 15), 1, 100, 0), // the next year's period
    ];
    // A whole-month row for a boundary month is not usable and is ignored;
    // a whole month inside the period is used.
    let months = [month(2025, 12, 1, 50, 0), month(2026, 6, 1, 8, 1)];
    let f =
        person_figures(Some(&policy), 2026, &Employment::OPEN, &months, &days).expect("included");
    assert_eq!(
        f.accepted,
        1 + 2 + 4 + 8,
        "only dates in 15/12/2025–14/12/2026"
    );
    assert_eq!(f.rejected, 1);
    assert_eq!(f.by_month.len(), 13, "Dec 2025 to Dec 2026");
    assert_eq!((f.by_month[0].year, f.by_month[0].month), (2025, 12));
    assert_eq!(f.by_month[0].accepted, 3);
    assert_eq!(f.by_month[0].employed_days, 17);
    assert_eq!(f.by_month[12].accepted, 4);
    assert_eq!(f.by_month[6].accepted, 8, "June 2026 from the month row");
    let quarters: Vec<_> = f.by_quarter.iter().map(|q| (q.year, q.quarter)).collect();
    assert_eq!(
        quarters,
        vec![(2025, 4), (2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    );
    assert_eq!(f.by_quarter[0].accepted, 3);
    assert_eq!(f.by_quarter[4].accepted, 4);
    assert_eq!(f.accepted_by_quarter_number(), [0, 8, 0, 7]);
    assert_eq!(f.target, Some(100));
    assert_eq!(f.met, Some(false));
    // Derived monthly target for the 17 days of Dec 2025: 100 × 17/365 = 4.66.
    assert_eq!(f.by_month[0].target, Some(5));
    // Derived quarterly target for Q4 2025 (17 days): same.
    assert_eq!(f.by_quarter[0].target, Some(5));
}

#[test]
fn rejected_entries_do_not_count_and_restored_ones_do() {
    let policy = Policy::calendar(2026, 100);
    let steps = [
        ("99 accepted, 5 rejected: not met", 99, 5, Some(false)),
        ("one rejected entry restored: met", 100, 4, Some(true)),
        ("all rejected: nothing counts", 0, 104, Some(false)),
    ];
    for (msg, accepted, rejected, met) in steps {
        let counts = [month(2026, 3, 7, accepted, rejected)];
        let f =
            person_figures(Some(&policy), 2026, &Employment::OPEN, &counts, &[]).expect("included");
        assert_eq!(
            (f.accepted, f.rejected, f.met),
            (accepted, rejected, met),
            "{msg}"
        );
        assert_eq!(f.by_month[2].accepted, accepted, "{msg}: in March");
        assert_eq!(f.by_quarter[0].accepted, accepted, "{msg}: in Q1");
    }
}

#[test]
fn moving_unit_mid_year() {
    let policy = Policy::calendar(2026, 120);
    let mut months = Vec::new();
    for m in 1..=6 {
        months.push(month(2026, m, 10, 10, 1));
    }
    for m in 7..=12 {
        months.push(month(2026, m, 20, 12, 0));
    }
    // The move happened on 15 July: a few day rows logged in the old unit.
    let days = [day(date(2026, 7, 3), 10, 2, 0)];
    let f =
        person_figures(Some(&policy), 2026, &Employment::OPEN, &months, &days).expect("included");
    assert_eq!(f.accepted, 60 + 72 + 2, "totals follow the person");
    assert_eq!(f.rejected, 6);
    assert_eq!(
        f.by_unit,
        vec![
            UnitCount {
                unit_id: 10,
                accepted: 62,
                rejected: 6
            },
            UnitCount {
                unit_id: 20,
                accepted: 72,
                rejected: 0
            },
        ],
        "per-unit split for unit reports"
    );
    assert_eq!(f.by_month[6].accepted, 14, "July adds both units");
    assert_eq!(f.met, Some(true));
}

#[test]
fn levels() {
    let vuot = Level {
        name: "Vượt".into(),
        min_percent: 150,
    };
    let mut policy = Policy::calendar(2026, 100);
    policy.levels = vec![vuot.clone()];
    let cases: &[(&str, u32, &str, &str)] = &[
        ("99 of 100", 99, "not_met", "Chưa đạt"),
        ("exactly the target", 100, "met", "Đạt"),
        ("149 %", 149, "met", "Đạt"),
        ("150 %", 150, "Vượt", "Vượt"),
        ("300 %", 300, "Vượt", "Vượt"),
    ];
    for (msg, accepted, code, name) in cases {
        let counts = [month(2026, 5, 1, *accepted, 0)];
        let f =
            person_figures(Some(&policy), 2026, &Employment::OPEN, &counts, &[]).expect("included");
        assert_eq!(f.level_code.as_deref(), Some(*code), "{msg}");
        assert_eq!(f.level.as_deref(), Some(*name), "{msg}");
        assert_eq!(f.percent, Some(*accepted), "{msg}");
    }

    // Thresholds apply to the pro-rated target: 100 × 184/365 = 50, 75 = 150 %.
    let half = emp(Some(date(2026, 7, 1)), None);
    let counts = [month(2026, 9, 1, 75, 0)];
    let f = person_figures(Some(&policy), 2026, &half, &counts, &[]).expect("included");
    assert_eq!((f.target, f.level.as_deref()), (Some(50), Some("Vượt")));

    // Several levels, one below 100 %, one at exactly 100 %.
    let levels = |specs: &[(&str, u32)]| -> Vec<Level> {
        specs
            .iter()
            .map(|(n, p)| Level {
                name: (*n).into(),
                min_percent: *p,
            })
            .collect()
    };
    policy.levels = levels(&[("Xuất sắc", 200), ("Gần đạt", 80), ("Vượt", 150)]);
    let cases: &[(u32, u32, &str)] = &[
        (100, 79, "not_met"),
        (100, 80, "Gần đạt"),
        (100, 99, "Gần đạt"),
        (100, 100, "met"),
        (100, 199, "Vượt"),
        (100, 200, "Xuất sắc"),
        (0, 0, "met"),
        (0, 5, "met"),
    ];
    for (target, accepted, code) in cases {
        assert_eq!(
            policy.level_for(*accepted, *target).code,
            *code,
            "{accepted} of {target}"
        );
    }
    policy.levels = levels(&[("Hoàn thành", 100)]);
    assert_eq!(
        policy.level_for(100, 100).code,
        "Hoàn thành",
        "a 100 % level wins"
    );
    assert_eq!(policy.level_for(99, 100).code, "not_met");
    policy.levels = levels(&[("A", 150), ("B", 150)]);
    assert_eq!(
        policy.level_for(150, 100).code,
        "A",
        "first listed among equals"
    );
}

#[test]
fn no_policy_gives_no_target() {
    let counts = [month(2026, 1, 1, 30, 2)];
    let f = person_figures(None, 2026, &Employment::OPEN, &counts, &[]).expect("included");
    assert_eq!(f.period, Period::calendar_year(2026));
    assert_eq!((f.accepted, f.rejected), (30, 2));
    assert_eq!(f.target, None);
    assert_eq!(f.met, None);
    assert_eq!(f.percent, None);
    assert_eq!(f.level, None);
    assert_eq!(f.level_code, None);
    assert_eq!(f.by_month.len(), 12);
    assert!(
        f.by_month
            .iter()
            .all(|m| m.target.is_none() && m.met.is_none())
    );
    assert_eq!(f.by_quarter.len(), 4);
    assert!(f.by_quarter.iter().all(|q| q.target.is_none()));
}

#[test]
fn month_and_quarter_targets() {
    // Derived: 120 × days/365.
    let policy = Policy::calendar(2026, 120);
    let f = person_figures(Some(&policy), 2026, &Employment::OPEN, &[], &[]).expect("in");
    let targets: Vec<Option<u32>> = f.by_month.iter().map(|m| m.target).collect();
    // Jan 31 d → 10.19, Feb 28 d → 9.21, Apr 30 d → 9.86.
    assert_eq!(targets[0], Some(10));
    assert_eq!(targets[1], Some(9));
    assert_eq!(targets[3], Some(10));
    // Q1 90 d → 29.6, Q3 92 d → 30.2.
    assert_eq!(f.by_quarter[0].target, Some(30));
    assert_eq!(f.by_quarter[2].target, Some(30));

    // Explicit: 10 a month, 30 a quarter, pro-rated for a person joining 16 Jan.
    let policy = Policy {
        month_target: Some(10),
        quarter_target: Some(30),
        ..Policy::calendar(2026, 120)
    };
    let late = emp(Some(date(2026, 1, 16)), None);
    let counts = [month(2026, 2, 1, 10, 0)];
    let f = person_figures(Some(&policy), 2026, &late, &counts, &[]).expect("in");
    assert_eq!(f.by_month[0].employed_days, 16);
    assert_eq!(f.by_month[0].target, Some(5), "10 × 16/31 = 5.16");
    assert_eq!(f.by_month[0].met, Some(false));
    assert_eq!(f.by_month[1].target, Some(10));
    assert_eq!(f.by_month[1].met, Some(true));
    assert_eq!(f.by_quarter[0].target, Some(25), "30 × 75/90 = 25");
    assert_eq!(f.target, Some(115), "120 × 350/365 = 115.07");
    assert_eq!(policy.month_target_for(2026, 3, &late), Some(10));
    assert_eq!(
        policy.month_target_for(2027, 1, &late),
        None,
        "outside the period"
    );
    assert_eq!(policy.quarter_target_for(2026, 4, &late), Some(30));

    // Months before joining have no target.
    let july = emp(Some(date(2026, 7, 1)), None);
    let f = person_figures(Some(&policy), 2026, &july, &[], &[]).expect("in");
    assert!(
        f.by_month[..6]
            .iter()
            .all(|m| m.target.is_none() && m.met.is_none())
    );
    assert!(f.by_month[6..].iter().all(|m| m.target == Some(10)));
    assert_eq!(f.by_quarter[1].target, None);
    assert_eq!(f.by_quarter[2].target, Some(30));
}

#[test]
fn figures_round_trip_through_json() {
    let mut policy = december_policy(100);
    policy.levels = vec![Level {
        name: "Vượt".into(),
        min_percent: 150,
    }];
    let f = person_figures(
        Some(&policy),
        2026,
        &emp(Some(date(2020, 1, 1)), None),
        &[month(2026, 2, 3, 160, 1)],
        &[day(date(2025, 12, 20), 3, 1, 0)],
    )
    .expect("in");
    let json = serde_json::to_string(&f).expect("serialises");
    assert!(json.contains("\"start\":\"2025-12-15\""), "{json}");
    let back: PersonFigures = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, f);
    assert_eq!(f.level_code.as_deref(), Some("Vượt"));

    let policy_json = r#"{"year":2026,"period":{"start":"2026-01-01","end":"2026-12-31"},
        "target":100,"month_target":null,"quarter_target":null}"#;
    let p: Policy = serde_json::from_str(policy_json).expect("levels default to empty");
    assert_eq!(p, Policy::calendar(2026, 100));
    let levels: Vec<Level> =
        serde_json::from_str(r#"[{"name":"Vượt","min_percent":150}]"#).expect("levels");
    assert_eq!(levels[0].min_percent, 150);
}

#[test]
fn summary_adds_up() {
    let mut policy = Policy::calendar(2026, 10);
    policy.levels = vec![Level {
        name: "Vượt".into(),
        min_percent: 150,
    }];
    let people: Vec<PersonFigures> = [5u32, 10, 15, 20, 9]
        .iter()
        .filter_map(|&a| {
            person_figures(
                Some(&policy),
                2026,
                &Employment::OPEN,
                &[month(2026, 1, 1, a, 1)],
                &[],
            )
        })
        .collect();
    let s = summarize(&people);
    assert_eq!((s.people, s.met, s.not_met), (5, 3, 2));
    assert_eq!((s.accepted, s.rejected), (59, 5));
    let levels: Vec<(&str, u32)> = s
        .by_level
        .iter()
        .map(|l| (l.code.as_str(), l.people))
        .collect();
    assert_eq!(levels, vec![("Vượt", 2), ("not_met", 2), ("met", 1)]);
    assert_eq!(summarize(&[]), Summary::default());
}

#[test]
fn policy_validation() {
    let ok = Policy::calendar(2026, 100);
    assert_eq!(ok.validate(), Ok(()));
    let cases: Vec<(&str, Policy, &str)> = vec![
        (
            "end before start",
            Policy {
                period: Period {
                    start: date(2026, 2, 1),
                    end: date(2026, 1, 1),
                },
                ..ok.clone()
            },
            "empty_period",
        ),
        (
            "three years",
            Policy {
                period: period(date(2024, 1, 1), date(2026, 12, 31)),
                ..ok.clone()
            },
            "period_too_long",
        ),
        (
            "blank level name",
            Policy {
                levels: vec![Level {
                    name: " ".into(),
                    min_percent: 150,
                }],
                ..ok.clone()
            },
            "level_name_empty",
        ),
        (
            "built-in name",
            Policy {
                levels: vec![Level {
                    name: "đạt".into(),
                    min_percent: 150,
                }],
                ..ok.clone()
            },
            "level_name_duplicate",
        ),
        (
            "zero threshold",
            Policy {
                levels: vec![Level {
                    name: "Có".into(),
                    min_percent: 0,
                }],
                ..ok.clone()
            },
            "level_threshold_zero",
        ),
    ];
    for (msg, p, code) in cases {
        let err = p.validate().expect_err(msg);
        assert_eq!(err.code(), code, "{msg}");
        assert!(!err.to_string().is_empty());
    }
}
