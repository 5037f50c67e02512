//! Counts for exports: each person's accepted and rejected shares per calendar quarter, summed
//! by the database from the monthly counters (`tally_months`) — one row per person, whatever the
//! number of months and units — since exports print quarters and totals, never months; and the
//! annual report's accepted shares per unit, platform, category and source, from the
//! `share_rollups` counters.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::share;
use entity::tally_month::{Column, Entity};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Statement,
};

use crate::domain::roster::ShareStatus;
use crate::tally::Period;

/// One person's sums, in the order of the quarters asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterSums {
    /// Whose.
    pub person_id: i64,
    /// (accepted, rejected) per quarter.
    pub quarters: Vec<(u32, u32)>,
}

fn month_key((year, month): (i32, u32)) -> i32 {
    year * 12 + i32::try_from(month).unwrap_or(1)
}

/// Sums of the whole calendar months in [first, last] (inclusive, as (year, month)) per
/// `(year, quarter)` of `quarters`, for these people. People without counters are absent.
pub async fn quarter_sums(
    db: &impl ConnectionTrait,
    people: &[i64],
    quarters: &[(i32, u32)],
    first: (i32, u32),
    last: (i32, u32),
    own_accounts_only: bool,
) -> Result<Vec<QuarterSums>, DbErr> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    select.column(Column::PersonId).from(Entity);
    for (i, &(year, quarter)) in quarters.iter().enumerate() {
        let first_month = i32::try_from(quarter * 3 - 2).unwrap_or(1);
        let in_quarter = Expr::col(Column::Year)
            .eq(year)
            .and(Expr::col(Column::Month).between(first_month, first_month + 2));
        // The policy option: accepted shares on others' or undeclared accounts do not count.
        let accepted = if own_accounts_only {
            Expr::col(Column::Accepted)
                .sub(Expr::col(Column::OtherPerson))
                .sub(Expr::col(Column::Undeclared))
        } else {
            Expr::col(Column::Accepted)
        };
        for (value, name) in [(accepted, "a"), (Expr::col(Column::Rejected), "r")] {
            select.expr_as(
                Func::sum(Expr::case(in_quarter.clone(), value).finally(0)),
                Alias::new(format!("{name}{i}")),
            );
        }
    }
    select
        .and_where(Expr::col(Column::PersonId).is_in(people.iter().copied()))
        .and_where(Expr::col(Column::Year).between(first.0, last.0))
        .and_where(
            Expr::col(Column::Year)
                .mul(12)
                .add(Expr::col(Column::Month))
                .between(month_key(first), month_key(last)),
        )
        .group_by_col(Column::PersonId);
    let count = |row: &sea_orm::QueryResult, index: usize| -> Result<u32, DbErr> {
        Ok(u32::try_from(row.try_get_by_index::<i64>(index)?).unwrap_or(0))
    };
    db.query_all(&select)
        .await?
        .iter()
        .map(|row| {
            Ok(QuarterSums {
                person_id: row.try_get_by_index::<i64>(0)?,
                quarters: (0..quarters.len())
                    .map(|i| Ok((count(row, 1 + 2 * i)?, count(row, 2 + 2 * i)?)))
                    .collect::<Result<_, DbErr>>()?,
            })
        })
        .collect()
}

/// (unit, platform, category, source host, rule label, accepted shares).
pub type ShareGroup = (i64, String, Option<String>, String, Option<String>, i64);

/// Accepted shares dated in the period, per unit they were logged in, platform, source category,
/// source host and rule label; in these units only, when given. Whole months are read from the
/// `share_rollups` counters (one query per calendar year, with `year = ?` so the key is
/// searched by year even in a generic plan); the days of a month the period covers only
/// partly are counted from the shares themselves.
pub async fn share_groups(
    db: &impl ConnectionTrait,
    period: &Period,
    units: Option<&[i64]>,
) -> Result<Vec<ShareGroup>, DbErr> {
    let backend = db.get_database_backend();
    let mut sums: HashMap<GroupKey, i64> = HashMap::new();
    let slices = period.month_slices();
    let full: Vec<_> = slices.iter().filter(|s| s.full).collect();
    if let (Some(first), Some(last)) = (full.first(), full.last()) {
        let mut sql = String::from(
            "SELECT unit_id, platform, category, source_host, rule_label, SUM(accepted) \
             FROM share_rollups WHERE year = ? AND month BETWEEN ? AND ?",
        );
        if let Some(units) = units {
            sql.push_str(" AND unit_id IN (");
            sql.push_str(&ids_list(units));
            sql.push(')');
        }
        sql.push_str(" GROUP BY unit_id, platform, category, source_host, rule_label");
        let sql = placeholders(backend, &sql);
        for (year, from, to) in
            super::tally::years_of((first.year, first.month), (last.year, last.month))
        {
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    sql.as_str(),
                    [year.into(), from.into(), to.into()],
                ))
                .await?;
            for row in rows {
                let empty_none = |s: String| (!s.is_empty()).then_some(s);
                let key = (
                    row.try_get_by_index::<i64>(0)?,
                    row.try_get_by_index::<String>(1)?,
                    empty_none(row.try_get_by_index::<String>(2)?),
                    row.try_get_by_index::<String>(3)?,
                    empty_none(row.try_get_by_index::<String>(4)?),
                );
                *sums.entry(key).or_default() += row.try_get_by_index::<i64>(5)?;
            }
        }
    }
    for slice in slices.iter().filter(|s| !s.full) {
        for (unit, platform, category, host, label, n) in
            shares_between(db, slice.days.start, slice.days.end, units).await?
        {
            *sums
                .entry((unit, platform, category, host, label))
                .or_default() += n;
        }
    }
    Ok(sums
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|((unit, platform, category, host, label), n)| {
            (unit, platform, category, host, label, n)
        })
        .collect())
}

/// (unit, platform, category, source host, rule label).
type GroupKey = (i64, String, Option<String>, String, Option<String>);

/// Ids as a literal SQL list (integers only, so nothing to escape).
fn ids_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// `?` placeholders as the backend writes them.
fn placeholders(backend: DatabaseBackend, sql: &str) -> String {
    if backend != DatabaseBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// Accepted shares dated in [from, to] (part of a month), grouped as [`share_groups`] does,
/// straight from the shares.
async fn shares_between(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    units: Option<&[i64]>,
) -> Result<Vec<ShareGroup>, DbErr> {
    let mut query = share::Entity::find()
        .select_only()
        .column(share::Column::UnitId)
        .column(share::Column::Platform)
        .column(share::Column::RuleCategory)
        .column(share::Column::SourceHost)
        .column(share::Column::RuleLabel)
        .column_as(share::Column::Id.count(), "n")
        .filter(share::Column::Status.eq(ShareStatus::Accepted.as_str()))
        .filter(share::Column::SharedOn.between(from, to))
        .group_by(share::Column::UnitId)
        .group_by(share::Column::Platform)
        .group_by(share::Column::RuleCategory)
        .group_by(share::Column::SourceHost)
        .group_by(share::Column::RuleLabel);
    if let Some(units) = units {
        query = query.filter(share::Column::UnitId.is_in(units.iter().copied()));
    }
    query.into_tuple().all(db).await
}

/// A person as the annual report counts them: their unit now, when they joined and left, and
/// their accepted shares in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonTotal {
    /// The person's unit now.
    pub unit_id: i64,
    /// Joined on.
    pub joined_on: Option<NaiveDate>,
    /// Left on.
    pub left_on: Option<NaiveDate>,
    /// Accepted shares dated in the period.
    pub accepted: u32,
}

/// Every person employed on a day of the period (in these units, when given) with their
/// accepted shares in it: whole months from the monthly counters (`year = ?` per calendar year,
/// answered from the covering index `idx_tally_months_year_person`), days of partly covered
/// months from the shares' covering index. One statement; the database packs each unit's
/// people into one string, because returning 25,000 rows one by one cost more than the query.
/// With `own_accounts_only` (the policy option), shares on others' or undeclared accounts do
/// not count, as in the evaluation rows.
pub async fn person_totals(
    db: &impl ConnectionTrait,
    period: &Period,
    units: Option<&[i64]>,
    own_accounts_only: bool,
) -> Result<Vec<PersonTotal>, DbErr> {
    let (month_accepted, day_filter) = if own_accounts_only {
        (
            "accepted - other_person - undeclared",
            " AND account_match NOT IN ('other_person', 'undeclared')",
        )
    } else {
        ("accepted", "")
    };
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let slices = period.month_slices();
    let full: Vec<_> = slices.iter().filter(|s| s.full).collect();
    if let (Some(first), Some(last)) = (full.first(), full.last()) {
        for (year, from, to) in
            super::tally::years_of((first.year, first.month), (last.year, last.month))
        {
            parts.push(format!(
                "SELECT person_id, {month_accepted} AS n FROM tally_months \
                 WHERE year = ? AND month BETWEEN ? AND ?"
            ));
            values.extend([year.into(), from.into(), to.into()]);
        }
    }
    for slice in slices.iter().filter(|s| !s.full) {
        parts.push(format!(
            "SELECT person_id, 1 AS n FROM shares \
             WHERE shared_on BETWEEN ? AND ? AND status = 'accepted'{day_filter}"
        ));
        values.extend([slice.days.start.into(), slice.days.end.into()]);
    }
    let counted = if parts.is_empty() {
        "SELECT person_id, 0 AS n FROM tally_months WHERE 1 = 0".to_owned()
    } else {
        parts.join(" UNION ALL ")
    };
    let pack = match backend {
        DatabaseBackend::Postgres => {
            "string_agg(concat_ws('/', COALESCE(p.joined_on::text, ''), \
             COALESCE(p.left_on::text, ''), COALESCE(t.n, 0)), ',')"
        }
        _ => {
            "group_concat(COALESCE(p.joined_on, '') || '/' || COALESCE(p.left_on, '') || '/' \
             || COALESCE(t.n, 0), ',')"
        }
    };
    let mut sql = format!(
        "SELECT p.unit_id, {pack} FROM people p \
         LEFT JOIN (SELECT person_id, SUM(n) AS n FROM ({counted}) c GROUP BY person_id) t \
         ON t.person_id = p.id \
         WHERE (p.joined_on IS NULL OR p.joined_on <= ?) AND (p.left_on IS NULL OR p.left_on >= ?)"
    );
    values.extend([period.end.into(), period.start.into()]);
    if let Some(units) = units {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        sql.push_str(" AND p.unit_id IN (");
        sql.push_str(&ids_list(units));
        sql.push(')');
    }
    sql.push_str(" GROUP BY p.unit_id");
    let sql = placeholders(backend, &sql);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql.as_str(),
            values,
        ))
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let unit_id: i64 = row.try_get_by_index(0)?;
        let packed: String = row.try_get_by_index(1)?;
        for item in packed.split(',') {
            let mut fields = item.split('/');
            let mut date = || fields.next().and_then(|d| d.parse::<NaiveDate>().ok());
            let (joined_on, left_on) = (date(), date());
            let accepted = fields
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
            out.push(PersonTotal {
                unit_id,
                joined_on,
                left_on,
                accepted,
            });
        }
    }
    Ok(out)
}
