//! Loading tallies: fetch the year's policy and the counters, then run the pure engine
//! (`crate::tally`) per person, listing people the Vietnamese way.

use std::collections::HashMap;

use entity::{person, unit};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::db;
use crate::db::tally::Who;
use crate::domain::names;
use crate::export::EvaluationRow;
use crate::tally::{
    DayCount, Employment, MonthCount, PersonFigures, Policy, evaluation_period, person_figures,
};

/// Above this many people, read everyone's counters once instead of an id list.
const ID_LIST_LIMIT: usize = 2000;

/// One person's year, with who they are and where they work now.
#[derive(Debug, Clone)]
pub struct PersonTally {
    /// The person.
    pub person: person::Model,
    /// Their current unit.
    pub unit: Option<unit::Model>,
    /// Their figures.
    pub figures: PersonFigures,
}

/// The policy (if any) and every included person's figures, in Vietnamese name order.
#[derive(Debug, Clone)]
pub struct YearTally {
    /// The year's policy.
    pub policy: Option<Policy>,
    /// Whether the year is closed (figures come from its frozen snapshot).
    pub closed: bool,
    /// One row per person employed at any time in the period.
    pub rows: Vec<PersonTally>,
}

/// Whose figures to load.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// One person.
    Person(&'a person::Model),
    /// Everyone in a unit's subtree: `ids` of its units now, `path` of its root. For a closed
    /// year, the subtree as it was when the year was closed.
    Subtree {
        /// The subtree's unit ids.
        ids: &'a [i64],
        /// The root unit's materialised path.
        path: &'a str,
    },
    /// The whole province.
    Everyone,
}

/// The year's figures for a scope: live from the counters, or frozen if the year is closed.
pub async fn for_scope(
    db: &impl ConnectionTrait,
    year: i32,
    scope: Scope<'_>,
) -> Result<YearTally, DbErr> {
    let policy_row = db::policy::row_for_year(db, year).await?;
    if let Some(row) = policy_row.as_ref().filter(|p| p.closed_at.is_some()) {
        return from_snapshot(db, row, scope).await;
    }
    let policy = policy_row.as_ref().map(db::policy::to_policy);
    let strict = policy_row
        .as_ref()
        .is_some_and(|p| p.count_only_own_accounts);
    let people = match scope {
        Scope::Person(person) => vec![person.clone()],
        Scope::Subtree { ids, .. } => db::people::in_units(db, ids).await?,
        Scope::Everyone => return for_everyone(db, year, policy, strict).await,
    };
    live(db, year, policy, people, strict).await
}

/// A closed year's frozen figures.
async fn from_snapshot(
    db: &impl ConnectionTrait,
    policy_row: &entity::evaluation_policy::Model,
    scope: Scope<'_>,
) -> Result<YearTally, DbErr> {
    use entity::evaluation_snapshot as snap;
    use sea_orm::{ColumnTrait, QueryFilter};
    let policy = db::policy::to_policy(policy_row);
    let mut query = snap::Entity::find().filter(snap::Column::Year.eq(policy_row.year));
    query = match scope {
        Scope::Person(person) => query.filter(snap::Column::PersonId.eq(person.id)),
        Scope::Subtree { path, .. } => query.filter(snap::Column::UnitPath.starts_with(path)),
        Scope::Everyone => query,
    };
    let mut rows: Vec<PersonTally> = query
        .all(db)
        .await?
        .into_iter()
        .map(|s| snapshot_row(&policy, s))
        .collect();
    sort_people(&mut rows);
    Ok(YearTally {
        policy: Some(policy),
        closed: true,
        rows,
    })
}

fn snapshot_row(policy: &Policy, s: entity::evaluation_snapshot::Model) -> PersonTally {
    let to_u32 = |v: i32| u32::try_from(v).unwrap_or(0);
    let quarters = [s.q1, s.q2, s.q3, s.q4];
    let by_quarter = quarters
        .iter()
        .zip(1u32..)
        .map(|(accepted, quarter)| crate::tally::QuarterFigures {
            year: policy.year,
            quarter,
            employed_days: 0,
            accepted: to_u32(*accepted),
            rejected: 0,
            target: None,
            met: None,
        })
        .collect();
    let target = s.target.map(to_u32);
    let figures = PersonFigures {
        year: policy.year,
        period: policy.period,
        employed_days: 0,
        accepted: to_u32(s.accepted),
        rejected: to_u32(s.rejected),
        target,
        met: s.met,
        percent: target
            .filter(|t| *t > 0)
            .map(|t| to_u32(s.accepted) * 100 / t),
        level_code: s.level.clone(),
        level: s.level.clone(),
        by_month: Vec::new(),
        by_quarter,
        by_unit: Vec::new(),
    };
    let now = s.created_at;
    PersonTally {
        person: person::Model {
            id: s.person_id,
            staff_code: s.staff_code,
            sort_key: names::sort_key(&s.full_name),
            full_name: s.full_name,
            email: None,
            unit_id: s.unit_id,
            position: s.position,
            employment_type: s.employment_type,
            joined_on: None,
            left_on: None,
            active: true,
            created_at: now,
            updated_at: now,
        },
        unit: Some(unit::Model {
            id: s.unit_id,
            code: s.unit_code,
            name: s.unit_name,
            kind: String::new(),
            parent_id: None,
            path: s.unit_path,
            active: true,
            created_at: now,
            updated_at: now,
        }),
        figures,
    }
}

/// A person's employment span.
pub fn employment(person: &person::Model) -> Employment {
    Employment {
        joined_on: person.joined_on,
        left_on: person.left_on,
    }
}

/// Figures of `year` for these people (those employed in the period; others are left out).
pub async fn for_people(
    db: &impl ConnectionTrait,
    year: i32,
    people: Vec<person::Model>,
) -> Result<YearTally, DbErr> {
    let row = db::policy::row_for_year(db, year).await?;
    let strict = row.as_ref().is_some_and(|p| p.count_only_own_accounts);
    let policy = row.as_ref().map(db::policy::to_policy);
    live(db, year, policy, people, strict).await
}

/// Live figures from the counters, for these people under this policy.
async fn live(
    db: &impl ConnectionTrait,
    year: i32,
    policy: Option<Policy>,
    people: Vec<person::Model>,
    strict: bool,
) -> Result<YearTally, DbErr> {
    let period = evaluation_period(policy.as_ref(), year);
    let people: Vec<person::Model> = people
        .into_iter()
        .filter(|p| employment(p).overlaps(&period))
        .collect();
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let who = if ids.len() > ID_LIST_LIMIT {
        Who::Everyone
    } else {
        Who::People(&ids)
    };
    let (counters, units) = tokio::try_join!(counters(db, &period, who, strict), units_by_id(db))?;
    Ok(compute(policy, year, people, &counters, &units))
}

/// The whole province's figures: the roster and the counters are read at the same time (on two
/// pooled connections), since together they are most of the time a province-wide tally takes.
async fn for_everyone(
    db: &impl ConnectionTrait,
    year: i32,
    policy: Option<Policy>,
    strict: bool,
) -> Result<YearTally, DbErr> {
    let period = evaluation_period(policy.as_ref(), year);
    let (people, counters, units) = tokio::try_join!(
        everyone(db),
        counters(db, &period, Who::Everyone, strict),
        units_by_id(db)
    )?;
    let people = people
        .into_iter()
        .filter(|p| employment(p).overlaps(&period))
        .collect();
    Ok(compute(policy, year, people, &counters, &units))
}

/// Month and day counts per person id.
#[derive(Debug, Default)]
struct Counters {
    months: HashMap<i64, Vec<MonthCount>>,
    days: HashMap<i64, Vec<DayCount>>,
}

/// Reads the counters a period needs: whole months from `tally_months`, days of partly covered
/// months from `shares`. `strict`: the policy counts only shares on the person's own declared
/// accounts or that cannot tell, so the others are taken off the accepted counts.
async fn counters(
    db: &impl ConnectionTrait,
    period: &crate::tally::Period,
    who: Who<'_>,
    strict: bool,
) -> Result<Counters, DbErr> {
    let slices = period.month_slices();
    let mut counters = Counters::default();
    let full: Vec<_> = slices.iter().filter(|s| s.full).collect();
    if let (Some(first), Some(last)) = (full.first(), full.last()) {
        let (from, to) = ((first.year, first.month), (last.year, last.month));
        let rows = match who {
            Who::Everyone => db::tally::months_everyone(db, from, to).await?,
            Who::People(_) => db::tally::months(db, who, from, to).await?,
        };
        for row in rows {
            counters
                .months
                .entry(row.person_id)
                .or_default()
                .push(MonthCount {
                    year: row.year,
                    month: row.month,
                    unit_id: row.unit_id,
                    accepted: if strict {
                        row.accepted.saturating_sub(row.unverified)
                    } else {
                        row.accepted
                    },
                    rejected: row.rejected,
                });
        }
    }
    counters.days = partial_month_counts(db, period, who, strict).await?;
    Ok(counters)
}

/// Counts of the months a period covers only partly (it starts or ends mid-month), per person
/// id, straight from the shares.
pub async fn partial_month_counts(
    db: &impl ConnectionTrait,
    period: &crate::tally::Period,
    who: Who<'_>,
    strict: bool,
) -> Result<HashMap<i64, Vec<DayCount>>, DbErr> {
    let mut days: HashMap<i64, Vec<DayCount>> = HashMap::new();
    for slice in period.month_slices().iter().filter(|s| !s.full) {
        for row in db::tally::days(db, who, slice.days.start, slice.days.end, strict).await? {
            days.entry(row.person_id).or_default().push(DayCount {
                date: row.date,
                unit_id: row.unit_id,
                accepted: row.accepted,
                rejected: row.rejected,
            });
        }
    }
    Ok(days)
}

async fn units_by_id(db: &impl ConnectionTrait) -> Result<HashMap<i64, unit::Model>, DbErr> {
    Ok(unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

/// Runs the engine for each person and lists them in Vietnamese order.
fn compute(
    policy: Option<Policy>,
    year: i32,
    people: Vec<person::Model>,
    counters: &Counters,
    units: &HashMap<i64, unit::Model>,
) -> YearTally {
    let mut rows: Vec<PersonTally> = people
        .into_iter()
        .filter_map(|person| {
            let figures = person_figures(
                policy.as_ref(),
                year,
                &employment(&person),
                counters.months.get(&person.id).map_or(&[], Vec::as_slice),
                counters.days.get(&person.id).map_or(&[], Vec::as_slice),
            )?;
            Some(PersonTally {
                unit: units.get(&person.unit_id).cloned(),
                person,
                figures,
            })
        })
        .collect();
    sort_people(&mut rows);
    YearTally {
        policy,
        closed: false,
        rows,
    }
}

/// Vietnamese order (by the stored `sort_key`): given name, then middle and family names; the
/// raw name and then the staff code break ties.
pub fn sort_people(rows: &mut [PersonTally]) {
    rows.sort_by(|a, b| {
        a.person
            .sort_key
            .cmp(&b.person.sort_key)
            // The stored key already is the collation key, so ties fall back to the raw
            // names without recomputing keys (25,000 rows have many equal names).
            .then_with(|| a.person.full_name.cmp(&b.person.full_name))
            .then_with(|| a.person.staff_code.cmp(&b.person.staff_code))
    });
}

impl From<&PersonTally> for EvaluationRow {
    fn from(row: &PersonTally) -> Self {
        Self {
            staff_code: row.person.staff_code.clone(),
            full_name: row.person.full_name.clone(),
            unit_code: row
                .unit
                .as_ref()
                .map(|u| u.code.clone())
                .unwrap_or_default(),
            unit_name: row
                .unit
                .as_ref()
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            position: row.person.position.clone(),
            employment_type: row.person.employment_type.clone(),
            accepted: row.figures.accepted,
            rejected: row.figures.rejected,
            target: row.figures.target,
            met: row.figures.met,
            level: row.figures.level.clone(),
            quarters: row.figures.accepted_by_quarter_number(),
            unit_id: row.person.unit_id,
        }
    }
}

/// Everyone on the roster (province-wide exports).
pub async fn everyone(db: &impl ConnectionTrait) -> Result<Vec<person::Model>, DbErr> {
    person::Entity::find().all(db).await
}
