//! Loading tallies: fetch the year's policy and the counters, then run the pure engine
//! (`crate::tally`) per person, listing people the Vietnamese way.

use std::collections::HashMap;

use entity::{person, unit};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use serde::Serialize;

use crate::db;
use crate::db::tally::Who;
use crate::domain::names;
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
    /// One row per person employed at any time in the period.
    pub rows: Vec<PersonTally>,
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
    let policy = db::policy::for_year(db, year).await?;
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

    let slices = period.month_slices();
    let mut months: HashMap<i64, Vec<MonthCount>> = HashMap::new();
    let mut days: HashMap<i64, Vec<DayCount>> = HashMap::new();
    let full: Vec<_> = slices.iter().filter(|s| s.full).collect();
    if let (Some(first), Some(last)) = (full.first(), full.last()) {
        for row in
            db::tally::months(db, who, (first.year, first.month), (last.year, last.month)).await?
        {
            months.entry(row.person_id).or_default().push(MonthCount {
                year: row.year,
                month: row.month,
                unit_id: row.unit_id,
                accepted: row.accepted,
                rejected: row.rejected,
            });
        }
    }
    for slice in slices.iter().filter(|s| !s.full) {
        for row in db::tally::days(db, who, slice.days.start, slice.days.end).await? {
            days.entry(row.person_id).or_default().push(DayCount {
                date: row.date,
                unit_id: row.unit_id,
                accepted: row.accepted,
                rejected: row.rejected,
            });
        }
    }

    let units: HashMap<i64, unit::Model> = unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut rows: Vec<PersonTally> = people
        .into_iter()
        .filter_map(|person| {
            let figures = person_figures(
                policy.as_ref(),
                year,
                &employment(&person),
                months.get(&person.id).map_or(&[], Vec::as_slice),
                days.get(&person.id).map_or(&[], Vec::as_slice),
            )?;
            Some(PersonTally {
                unit: units.get(&person.unit_id).cloned(),
                person,
                figures,
            })
        })
        .collect();
    sort_people(&mut rows);
    Ok(YearTally { policy, rows })
}

/// Vietnamese order: given name, then middle and family names; staff code breaks ties.
pub fn sort_people(rows: &mut [PersonTally]) {
    rows.sort_by(|a, b| {
        a.person
            .sort_key
            .cmp(&b.person.sort_key)
            .then_with(|| names::compare(&a.person.full_name, &b.person.full_name))
            .then_with(|| a.person.staff_code.cmp(&b.person.staff_code))
    });
}

/// A tally row as the API returns it.
#[derive(Debug, Clone, Serialize)]
pub struct TallyRowView {
    /// Staff code.
    pub staff_code: String,
    /// Full name.
    pub full_name: String,
    /// Current unit code.
    pub unit_code: String,
    /// Current unit name.
    pub unit_name: String,
    /// Position.
    pub position: Option<String>,
    /// Employment type.
    pub employment_type: String,
    /// Accepted shares in the period.
    pub accepted: u32,
    /// Rejected shares in the period.
    pub rejected: u32,
    /// Pro-rated target; null without a policy.
    pub target: Option<u32>,
    /// Whether the target is met; null without a policy.
    pub met: Option<bool>,
    /// Level name; null without a policy.
    pub level: Option<String>,
    /// Accepted shares per calendar quarter (Q1–Q4).
    pub quarters: [u32; 4],
}

impl From<&PersonTally> for TallyRowView {
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
        }
    }
}

/// Everyone on the roster (province-wide exports).
pub async fn everyone(db: &impl ConnectionTrait) -> Result<Vec<person::Model>, DbErr> {
    person::Entity::find().all(db).await
}
