//! Benchmark of the tallies on a generated province (25,000 people in ~340 units, ~10 million
//! shares in a year): a 100-person unit dashboard and the province-wide tally.
//!
//! ```sh
//! cargo run --release --example province_bench                     # SQLite, /var/tmp/lantoa-bench
//! cargo run --release --example province_bench -- postgres://postgres@127.0.0.1:55433/lantoa_bench
//! ```
//! The first run seeds the database (minutes); later runs reuse it.

use std::time::{Duration, Instant};

use lantoa::demo::{DemoParams, for_each_share, generate_roster};
use lantoa::service::seed::{ShareLoader, roster};
use lantoa::service::tally::{Scope, for_scope};
use lantoa::settings::{Secret, Settings};
use sea_orm::{EntityTrait, PaginatorTrait};

const YEAR: i32 = 2025;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| {
        let _ = std::fs::create_dir_all("/var/tmp/lantoa-bench");
        "sqlite:///var/tmp/lantoa-bench/province.db?mode=rwc".to_owned()
    });
    let settings = Settings {
        database_url: Secret::new(url.clone()),
        sqlite_synchronous: "normal".into(),
        ..Settings::default()
    };
    lantoa::db::migrate(&settings).await?;
    let db = lantoa::db::connect(&settings).await?;
    let params = DemoParams::benchmark(YEAR);
    if entity::person::Entity::find().count(&db).await? == 0 {
        let started = Instant::now();
        let province = generate_roster(2241, &params);
        roster(&db, &province).await.map_err(|e| e.message())?;
        let allowlist =
            lantoa::verify::Allowlist::new(lantoa::db::allowlist::active_rules(&db).await?);
        let mut loader = ShareLoader::new(&db, &allowlist).await?;
        let (sender, mut receiver) = tokio::sync::mpsc::channel(100_000);
        let people = province.people.clone();
        let producer = std::thread::spawn(move || {
            for_each_share(2241, &params, &people, |share| {
                let _ = sender.blocking_send(share);
            });
        });
        while let Some(share) = receiver.recv().await {
            loader.push(&db, &share).await.map_err(|e| e.message())?;
        }
        let _ = producer.join();
        let stored = loader.finish(&db).await?;
        set_period(&db, None).await?;
        println!(
            "seeded {} people and {stored} shares in {:.0?}",
            province.people.len(),
            started.elapsed()
        );
    }
    let shares = entity::share::Entity::find().count(&db).await?;
    let people = entity::person::Entity::find().count(&db).await?;

    // The unit whose subtree holds closest to 100 people.
    let units = lantoa::db::units::all(&db).await?;
    let all_people = lantoa::service::tally::everyone(&db).await?;
    let mut best: Option<(usize, entity::unit::Model, Vec<i64>)> = None;
    for unit in &units {
        let ids: Vec<i64> = units
            .iter()
            .filter(|u| u.path.starts_with(&unit.path))
            .map(|u| u.id)
            .collect();
        let count = all_people
            .iter()
            .filter(|p| ids.contains(&p.unit_id))
            .count();
        if best
            .as_ref()
            .is_none_or(|(c, _, _)| count.abs_diff(100) < c.abs_diff(100))
        {
            best = Some((count, unit.clone(), ids));
        }
    }
    let (unit_people, unit, ids) = best.ok_or("no units")?;

    let mut unit_times = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let tally = for_scope(
            &db,
            YEAR,
            Scope::Subtree {
                ids: &ids,
                path: &unit.path,
            },
        )
        .await?;
        unit_times.push(started.elapsed());
        assert_eq!(tally.rows.len(), unit_people);
    }
    let mut province_times = Vec::new();
    let mut rows = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let tally = for_scope(&db, YEAR, Scope::Everyone).await?;
        province_times.push(started.elapsed());
        rows = tally.rows.len();
    }
    // A period that does not follow the calendar (15/12 to 14/12): its two partial months are
    // counted from the shares themselves, day by day.
    let shifted = (
        chrono::NaiveDate::from_ymd_opt(YEAR - 1, 12, 15).ok_or("date")?,
        chrono::NaiveDate::from_ymd_opt(YEAR, 12, 14).ok_or("date")?,
    );
    set_period(&db, Some(shifted)).await?;
    let mut shifted_times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        for_scope(&db, YEAR, Scope::Everyone).await?;
        shifted_times.push(started.elapsed());
    }
    set_period(&db, None).await?;

    let backend = if url.starts_with("sqlite") {
        "sqlite"
    } else {
        "postgres"
    };
    println!("backend={backend} people={people} shares={shares}");
    println!(
        "unit dashboard tally: unit {} ({unit_people} people) median {:.1?} over 20 runs",
        unit.code,
        median(unit_times)
    );
    println!(
        "province-wide tally: {rows} people, median {:.1?} over 5 runs",
        median(province_times)
    );
    println!(
        "province-wide tally, period 15/12/{}–14/12/{YEAR}: median {:.1?} over 3 runs",
        YEAR - 1,
        median(shifted_times)
    );
    Ok(())
}

/// Sets the benchmark year's policy: a target of 400, over the calendar year or `period`.
async fn set_period(
    db: &sea_orm::DatabaseConnection,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> Result<(), Box<dyn std::error::Error>> {
    let input = lantoa::service::policy::PolicyInput {
        period_start: period.map(|p| p.0),
        period_end: period.map(|p| p.1),
        target: 400,
        month_target: None,
        quarter_target: None,
        levels: Vec::new(),
        count_only_own_accounts: None,
    };
    lantoa::service::policy::set(db, &lantoa::db::audit::Actor::cli(), YEAR, &input)
        .await
        .map_err(|e| e.message())?;
    Ok(())
}
