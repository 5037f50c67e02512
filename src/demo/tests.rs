//! Tests of the example province: determinism, uniqueness, shape, counts.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::*;
use crate::domain::names::sort_key;
use crate::domain::roster::{EmploymentType, Role, StaffCode, UnitKind, parse_unit_code};
use crate::tally::Employment;
use crate::verify::{Allowlist, Platform, check_post, parse_rules_csv, verify_source};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn params(people: usize, until: NaiveDate) -> DemoParams {
    DemoParams {
        people,
        year: 2026,
        shares_until: until,
        shares_per_person_per_day: 1.5,
    }
}

fn seed_allowlist() -> Allowlist {
    let csv = include_str!("../../data/allowlist-seed.csv");
    Allowlist::new(parse_rules_csv(csv).expect("seed allowlist parses"))
}

#[test]
fn deterministic_for_a_seed() {
    let p = params(60, date(2026, 3, 31));
    let a = generate(7, &p);
    let b = generate(7, &p);
    assert_eq!(a, b, "same seed, same province");
    let c = generate(8, &p);
    assert_ne!(a.people, c.people, "another seed, other people");
    assert_ne!(a.shares, c.shares, "another seed, other shares");
    let mut streamed = Vec::new();
    for_each_share(7, &p, &a.people, |s| streamed.push(s));
    assert_eq!(streamed, a.shares, "streaming gives the same shares");
}

#[test]
fn units_have_a_real_shape() {
    let demo = generate_roster(1, &params(200, date(2026, 12, 31)));
    let codes: Vec<&str> = demo.units.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(demo.units[0].code, "DB");
    assert_eq!(demo.units[0].name, "Tỉnh Điện Biên");
    assert_eq!(demo.units[0].kind, UnitKind::Province);
    assert_eq!(demo.units[0].parent_code, None);
    for want in [
        "SNV",
        "SVHTTDL",
        "STC",
        "SYT",
        "SGDDT",
        "BDBP",
        "P-DIENBIENPHU",
    ] {
        assert!(codes.contains(&want), "{want} in {codes:?}");
    }
    for want in [
        "X-MUONGPHANG",
        "X-TUACHUA",
        "X-MUONGPHANG-VP",
        "P-DIENBIENPHU-KT",
    ] {
        assert!(codes.contains(&want), "{want} in {codes:?}");
    }
    let names: HashMap<&str, &str> = demo
        .units
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    assert_eq!(names["SVHTTDL"], "Sở Văn hóa, Thể thao và Du lịch");
    assert_eq!(names["X-MUONGPHANG"], "Xã Mường Phăng");
    assert_eq!(
        names["X-MUONGPHANG-VP"],
        "Văn phòng HĐND và UBND xã Mường Phăng"
    );
    assert_eq!(names["BDBP"], "Báo Điện Biên Phủ");
    assert!(
        (28..=40).contains(&demo.units.len()),
        "{} units",
        demo.units.len()
    );

    let big = generate_roster(1, &params(25_000, date(2026, 12, 31)));
    assert!(
        (250..=400).contains(&big.units.len()),
        "{} units for 25,000 people",
        big.units.len()
    );
    for province in [&demo, &big] {
        let mut seen = HashSet::new();
        for u in &province.units {
            assert_eq!(parse_unit_code(&u.code).as_deref(), Ok(u.code.as_str()));
            if let Some(parent) = &u.parent_code {
                assert!(
                    seen.contains(parent.as_str()),
                    "{} after its parent",
                    u.code
                );
            }
            assert!(seen.insert(u.code.as_str()), "unique unit code {}", u.code);
        }
        let kinds: HashSet<UnitKind> = province.units.iter().map(|u| u.kind).collect();
        for k in [
            UnitKind::Province,
            UnitKind::Department,
            UnitKind::Commune,
            UnitKind::Ward,
            UnitKind::Division,
            UnitKind::Press,
            UnitKind::Organization,
            UnitKind::Agency,
        ] {
            assert!(kinds.contains(&k), "{k} present");
        }
    }
}

#[test]
fn people_and_roles() {
    let p = params(200, date(2026, 12, 31));
    let demo = generate_roster(3, &p);
    assert_eq!(demo.people.len(), 200);
    let units: HashSet<&str> = demo.units.iter().map(|u| u.code.as_str()).collect();
    let mut codes = HashSet::new();
    let mut emails = HashSet::new();
    let mut types = HashSet::new();
    let (mut joined_in_year, mut left_in_year) = (0, 0);
    let year = crate::tally::Period::calendar_year(2026);
    for (i, person) in demo.people.iter().enumerate() {
        assert_eq!(person.staff_code, format!("DB{:06}", i + 1));
        assert_eq!(
            StaffCode::parse(&person.staff_code).map(|c| c.as_str().to_owned()),
            Ok(person.staff_code.clone())
        );
        assert!(codes.insert(person.staff_code.clone()));
        assert_eq!(
            person.email,
            format!("{}@dienbien.gov.vn", person.staff_code.to_lowercase())
        );
        assert!(emails.insert(person.email.clone()));
        assert!(
            units.contains(person.unit_code.as_str()),
            "{}",
            person.unit_code
        );
        assert!(
            person.full_name.split(' ').count() >= 3,
            "{}",
            person.full_name
        );
        assert!(!sort_key(&person.full_name).is_empty());
        assert!(!person.position.is_empty());
        types.insert(person.employment_type);
        if let (Some(j), Some(l)) = (person.joined_on, person.left_on) {
            assert!(j <= l, "{} joined after leaving", person.staff_code);
        }
        if person.joined_on.is_some_and(|j| year.contains(j)) {
            joined_in_year += 1;
        }
        if person.left_on.is_some_and(|l| year.contains(l)) {
            left_in_year += 1;
        }
    }
    assert_eq!(
        types.len(),
        EmploymentType::ALL.len(),
        "all four categories"
    );
    assert!(
        (2..=25).contains(&joined_in_year),
        "{joined_in_year} joined mid-year"
    );
    assert!(
        (1..=15).contains(&left_in_year),
        "{left_in_year} left mid-year"
    );
    let full_names: HashSet<&str> = demo.people.iter().map(|p| p.full_name.as_str()).collect();
    assert!(full_names.len() > 150, "names vary: {}", full_names.len());
    assert!(
        demo.people
            .iter()
            .any(|p| p.full_name.starts_with("Nguyễn ")),
        "Nguyễn is common"
    );

    // Roles: a head per unit, the three province-wide roles.
    let person_of: HashMap<&str, &DemoPerson> = demo
        .people
        .iter()
        .map(|p| (p.staff_code.as_str(), p))
        .collect();
    let heads: Vec<&DemoRole> = demo
        .roles
        .iter()
        .filter(|r| r.role == Role::UnitHead)
        .collect();
    assert_eq!(heads.len(), demo.units.len(), "one head per unit");
    let head_units: HashSet<&str> = heads
        .iter()
        .filter_map(|r| r.unit_code.as_deref())
        .collect();
    assert_eq!(head_units.len(), demo.units.len());
    for r in heads {
        let p = person_of[r.staff_code.as_str()];
        assert_eq!(
            Some(p.unit_code.as_str()),
            r.unit_code.as_deref(),
            "head of own unit"
        );
    }
    for (role, unit) in [
        (Role::HomeAffairs, "SNV"),
        (Role::Culture, "SVHTTDL"),
        (Role::Admin, "VPUBND"),
    ] {
        let grants: Vec<&DemoRole> = demo.roles.iter().filter(|r| r.role == role).collect();
        assert_eq!(grants.len(), 1, "{role}");
        assert_eq!(grants[0].unit_code, None, "{role} is province-wide");
        assert_eq!(
            person_of[grants[0].staff_code.as_str()].unit_code,
            unit,
            "{role}"
        );
    }
    for r in &demo.roles {
        let p = person_of[r.staff_code.as_str()];
        assert!(
            p.left_on.is_none() && p.joined_on.is_none_or(|j| j < year.start),
            "{} ({}) is employed all year",
            p.staff_code,
            r.role
        );
    }
}

#[test]
fn shares_follow_the_rules() {
    let until = date(2026, 10, 15);
    let p = params(200, until);
    let demo = generate(11, &p);
    let allowlist = seed_allowlist();
    let mut triples = HashSet::new();
    let mut post_urls = HashSet::new();
    let mut post_keys = HashSet::new();
    let mut per_person = vec![0u32; demo.people.len()];
    let mut per_platform: HashMap<Platform, u32> = HashMap::new();
    let mut sources = HashSet::new();
    for (i, s) in demo.shares.iter().enumerate() {
        let person = &demo.people[s.person_index];
        assert_eq!(s.staff_code, person.staff_code);
        assert!(
            s.shared_on >= date(2026, 1, 1) && s.shared_on <= until,
            "{}",
            s.shared_on
        );
        let employment = Employment {
            joined_on: person.joined_on,
            left_on: person.left_on,
        };
        assert!(
            employment.is_employed_on(s.shared_on),
            "{} not employed on {}",
            s.staff_code,
            s.shared_on
        );
        assert!(
            triples.insert((s.person_index, s.source_url.as_str(), s.platform)),
            "duplicate (person, source, platform): {s:?}"
        );
        sources.insert(s.source_url.as_str());
        per_person[s.person_index] += 1;
        *per_platform.entry(s.platform).or_default() += 1;
        match (&s.post_url, s.platform) {
            (None, Platform::Zalo) => {}
            (Some(url), Platform::Facebook | Platform::Tiktok | Platform::Youtube) => {
                assert!(post_urls.insert(url.as_str()), "duplicate post URL {url}");
                // Checking every post is slow in a debug build: check a sample.
                if i % 7 == 0 {
                    let post = check_post(s.platform, url)
                        .unwrap_or_else(|e| panic!("{url} is a {:?} post: {e}", s.platform));
                    assert!(post_keys.insert(post.key), "duplicate post key for {url}");
                }
            }
            other => panic!("unexpected post for platform: {other:?}"),
        }
    }
    for url in &sources {
        let v = verify_source(&allowlist, url);
        assert!(v.is_accepted(), "{url}: {:?}", v.reason);
        assert_eq!(v.normalized.as_deref(), Some(*url), "{url} is normalised");
    }
    // About 200 people × 288 days × ~1.05 a day.
    let total = demo.shares.len();
    assert!((30_000..=90_000).contains(&total), "{total} shares");
    let quiet = per_person.iter().filter(|&&n| n < 30).count();
    let busy = per_person.iter().filter(|&&n| n > 600).count();
    assert!(quiet >= 5, "{quiet} people log almost nothing");
    assert!(busy >= 3, "{busy} very active people");
    let fb = per_platform.get(&Platform::Facebook).copied().unwrap_or(0) as usize;
    assert!(fb * 100 / total > 60, "mostly Facebook");
    for p in [Platform::Zalo, Platform::Tiktok, Platform::Youtube] {
        assert!(
            per_platform.get(&p).copied().unwrap_or(0) > 100,
            "{p:?} used"
        );
    }
    // Weekends are lighter.
    use chrono::{Datelike, Weekday};
    let on = |w: Weekday| {
        demo.shares
            .iter()
            .filter(|s| s.shared_on.weekday() == w)
            .count()
    };
    assert!(
        on(Weekday::Sun) * 2 < on(Weekday::Wed),
        "Sundays lighter than Wednesdays"
    );
}

#[test]
fn share_dates_respect_the_window() {
    let roster = generate_roster(5, &params(40, date(2026, 12, 31)));
    let mut n = 0;
    for_each_share(5, &params(40, date(2025, 12, 31)), &roster.people, |_| {
        n += 1
    });
    assert_eq!(n, 0, "nothing when shares_until is before the year");
    let mut last = date(2026, 1, 1);
    for_each_share(5, &params(40, date(2026, 1, 10)), &roster.people, |s| {
        last = last.max(s.shared_on);
    });
    assert!(last <= date(2026, 1, 10));
    let none = DemoParams {
        shares_per_person_per_day: 0.0,
        ..params(40, date(2026, 12, 31))
    };
    let mut n = 0;
    for_each_share(5, &none, &roster.people, |_| n += 1);
    assert_eq!(n, 0, "a rate of 0 gives no shares");
}

#[test]
fn no_one_joins_or_leaves_after_today() {
    let today = date(2026, 3, 15);
    let demo = generate_roster(9, &params(2_000, today));
    assert!(
        demo.people
            .iter()
            .all(|p| p.joined_on.is_none_or(|d| d <= today))
    );
    assert!(
        demo.people
            .iter()
            .all(|p| p.left_on.is_none_or(|d| d <= today))
    );
    assert!(
        demo.people.iter().any(|p| p.left_on.is_some()),
        "some left by 15/3"
    );
    let early = generate_roster(9, &params(300, date(2026, 1, 20)));
    assert!(
        early
            .people
            .iter()
            .all(|p| p.left_on.is_none() && p.joined_on.is_none_or(|d| d < date(2026, 1, 1))),
        "nobody arrives or leaves in the first three weeks"
    );
}

#[test]
fn small_and_empty_provinces() {
    let empty = generate(1, &params(0, date(2026, 12, 31)));
    assert!(empty.people.is_empty() && empty.roles.is_empty() && empty.shares.is_empty());
    assert!(!empty.units.is_empty());
    let tiny = generate_roster(1, &params(5, date(2026, 12, 31)));
    assert_eq!(tiny.people.len(), 5);
    assert_eq!(
        tiny.roles
            .iter()
            .filter(|r| r.role == Role::UnitHead)
            .count(),
        5,
        "heads for the first five units"
    );
}

/// The benchmark size: run with
/// `cargo test --release --lib demo::tests::benchmark_size -- --ignored --nocapture`.
#[test]
#[ignore = "slow in debug builds; run in release"]
fn benchmark_size() {
    let started = std::time::Instant::now();
    let p = DemoParams::benchmark(2026);
    let roster = generate_roster(2026, &p);
    let mut n = 0u64;
    let mut bytes = 0usize;
    for_each_share(2026, &p, &roster.people, |s| {
        n += 1;
        bytes += s.source_url.len() + s.post_url.map_or(0, |u| u.len());
    });
    let elapsed = started.elapsed();
    println!(
        "{} units, {} people, {n} shares, {bytes} URL bytes in {elapsed:?}",
        roster.units.len(),
        roster.people.len()
    );
    assert!((7_000_000..=13_000_000).contains(&n), "{n} shares");
}
