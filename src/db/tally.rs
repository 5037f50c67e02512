//! Counts for the tally engine: whole months from the `tally_months` counters (kept in step with
//! every insert and review), and single days from `shares` for months a period only partly covers.

use chrono::NaiveDate;
use entity::{share, tally_month};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

/// One person's counts for one month in one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthRow {
    /// Whose.
    pub person_id: i64,
    /// Unit at the time.
    pub unit_id: i64,
    /// Calendar year.
    pub year: i32,
    /// Calendar month, 1–12.
    pub month: u32,
    /// Accepted shares.
    pub accepted: u32,
    /// Rejected shares.
    pub rejected: u32,
    /// Accepted shares on another person's or an undeclared account (a policy may not count
    /// them).
    pub unverified: u32,
}

/// One person's counts in one unit over some days of one month (dated by the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRow {
    /// Whose.
    pub person_id: i64,
    /// Unit at the time.
    pub unit_id: i64,
    /// The first local date of the span.
    pub date: NaiveDate,
    /// Accepted shares.
    pub accepted: u32,
    /// Rejected shares.
    pub rejected: u32,
}

/// Which people to count.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    /// These people (bounded lists: one person, one unit's people).
    People(&'a [i64]),
    /// Everyone (province-wide).
    Everyone,
}

/// Counters of the whole calendar months in [first, last] (inclusive, as (year, month)).
///
/// One query per calendar year with `year = ?`, so that the covering index
/// `idx_tally_months_year_person` is searched on (year, person) even by a generic prepared
/// plan; a range on `year` made PostgreSQL scan the whole year once it switched plans.
pub async fn months(
    db: &impl ConnectionTrait,
    who: Who<'_>,
    first: (i32, u32),
    last: (i32, u32),
) -> Result<Vec<MonthRow>, DbErr> {
    let mut out = Vec::new();
    for (year, from, to) in years_of(first, last) {
        let mut query = tally_month::Entity::find()
            .filter(tally_month::Column::Year.eq(year))
            .filter(tally_month::Column::Month.between(from, to));
        if let Who::People(ids) = who {
            query = query.filter(tally_month::Column::PersonId.is_in(ids.iter().copied()));
        }
        // Plain tuples, not models: this is the hot path of every dashboard.
        let rows: Vec<(i64, i64, i32, i32, i32, i32, i32)> = query
            .select_only()
            .column(tally_month::Column::PersonId)
            .column(tally_month::Column::UnitId)
            .column(tally_month::Column::Month)
            .column(tally_month::Column::Accepted)
            .column(tally_month::Column::Rejected)
            .column(tally_month::Column::OtherPerson)
            .column(tally_month::Column::Undeclared)
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(
            |(person_id, unit_id, month, accepted, rejected, other, undeclared)| MonthRow {
                person_id,
                unit_id,
                year,
                month: u32::try_from(month).unwrap_or(1),
                accepted: u32::try_from(accepted).unwrap_or(0),
                rejected: u32::try_from(rejected).unwrap_or(0),
                unverified: u32::try_from(other + undeclared).unwrap_or(0),
            },
        ));
    }
    Ok(out)
}

/// The calendar years in [first, last] with the first and last month of each, as the
/// database stores them.
pub(crate) fn years_of(
    first: (i32, u32),
    last: (i32, u32),
) -> impl Iterator<Item = (i32, i32, i32)> {
    let month = |m: u32| i32::try_from(m).unwrap_or(1);
    (first.0..=last.0).map(move |year| {
        let from = if year == first.0 { month(first.1) } else { 1 };
        let to = if year == last.0 { month(last.1) } else { 12 };
        (year, from, to)
    })
}

/// Counters of the whole calendar months in [first, last] for everyone. The database packs
/// each person's months of a year into one string, read one year at a time with `year = ?` so
/// the covering index `idx_tally_months_year_person` serves it in person order with no sort:
/// a province has ~300,000 counter rows and decoding them one by one dominated the tally.
pub async fn months_everyone(
    db: &impl ConnectionTrait,
    first: (i32, u32),
    last: (i32, u32),
) -> Result<Vec<MonthRow>, DbErr> {
    let backend = db.get_database_backend();
    let (pack, placeholders) = match backend {
        sea_orm::DbBackend::Postgres => (
            "string_agg(concat_ws(':', unit_id, month, accepted, rejected, other_person + undeclared), ',')",
            ("$1", "$2", "$3"),
        ),
        _ => (
            "group_concat(unit_id || ':' || month || ':' || accepted || ':' || rejected || ':' || (other_person + undeclared), ',')",
            ("?", "?", "?"),
        ),
    };
    let (p_year, p_from, p_to) = placeholders;
    let sql = format!(
        "SELECT person_id, {pack} AS packed FROM tally_months \
         WHERE year = {p_year} AND month BETWEEN {p_from} AND {p_to} GROUP BY person_id"
    );
    let mut out = Vec::new();
    for (year, from, to) in years_of(first, last) {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_sql_and_values(
                backend,
                sql.as_str(),
                [year.into(), from.into(), to.into()],
            ))
            .await?;
        out.reserve(rows.len() * 12);
        for row in rows {
            let person_id: i64 = row.try_get("", "person_id")?;
            let packed: String = row.try_get("", "packed")?;
            for item in packed.split(',') {
                let mut parts = item.split(':').map(|p| p.parse::<i64>().unwrap_or(0));
                let mut next = || parts.next().unwrap_or(0);
                let (unit_id, month, accepted, rejected, unverified) =
                    (next(), next(), next(), next(), next());
                out.push(MonthRow {
                    person_id,
                    unit_id,
                    year,
                    month: u32::try_from(month).unwrap_or(1),
                    accepted: u32::try_from(accepted).unwrap_or(0),
                    rejected: u32::try_from(rejected).unwrap_or(0),
                    unverified: u32::try_from(unverified).unwrap_or(0),
                });
            }
        }
    }
    Ok(out)
}

/// Counts of the shares dated in [from, to] — part of one month, where a period starts or ends
/// mid-month — straight from `shares`, one row per person and unit, dated `from`: the engine
/// only needs to know which month slice they fall in, and summing here instead of per day
/// returns a tenth of the rows.
///
/// With `own_accounts_only` (the policy option), accepted shares on another person's or an
/// undeclared account are left out.
pub async fn days(
    db: &impl ConnectionTrait,
    who: Who<'_>,
    from: NaiveDate,
    to: NaiveDate,
    own_accounts_only: bool,
) -> Result<Vec<DayRow>, DbErr> {
    let mut query = share::Entity::find()
        .select_only()
        .column(share::Column::PersonId)
        .column(share::Column::UnitId)
        .column(share::Column::Status)
        // COUNT(*), not COUNT(id): the count is then answered from the covering index alone.
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(share::Column::SharedOn.between(from, to))
        .group_by(share::Column::PersonId)
        .group_by(share::Column::UnitId)
        .group_by(share::Column::Status);
    if let Who::People(ids) = who {
        query = query.filter(share::Column::PersonId.is_in(ids.iter().copied()));
    }
    if own_accounts_only {
        query = query.filter(
            Condition::any()
                .add(share::Column::Status.ne("accepted"))
                .add(share::Column::AccountMatch.is_not_in(["other_person", "undeclared"])),
        );
    }
    let rows: Vec<(i64, i64, String, i64)> = query.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(person_id, unit_id, status, n)| {
            let n = u32::try_from(n).unwrap_or(0);
            let accepted = status == "accepted";
            DayRow {
                person_id,
                unit_id,
                date: from,
                accepted: if accepted { n } else { 0 },
                rejected: if accepted { 0 } else { n },
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::years_of;

    #[test]
    fn a_period_across_new_year_is_read_one_calendar_year_at_a_time() {
        let years: Vec<_> = years_of((2024, 12), (2025, 11)).collect();
        assert_eq!(years, vec![(2024, 12, 12), (2025, 1, 11)]);
        let one: Vec<_> = years_of((2025, 1), (2025, 12)).collect();
        assert_eq!(one, vec![(2025, 1, 12)]);
    }
}
