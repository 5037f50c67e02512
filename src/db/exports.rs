//! Counts for exports: each person's accepted and rejected shares per calendar quarter, summed
//! by the database from the monthly counters (`tally_months`) — one row per person, whatever the
//! number of months and units — since exports print quarters and totals, never months; and the
//! annual report's accepted shares per unit, platform, category and source.

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
/// source host and rule label; in these units only, when given.
pub async fn share_groups(
    db: &impl ConnectionTrait,
    period: &Period,
    units: Option<&[i64]>,
) -> Result<Vec<ShareGroup>, DbErr> {
    let accepted = ShareStatus::Accepted.as_str();
    if units.is_none() && db.get_database_backend() == DatabaseBackend::Sqlite {
        // A whole year is most of the table: reading it in order is several times faster than
        // following the date index to every row (SQLite would pick the index).
        let sql = "SELECT unit_id, platform, rule_category, source_host, rule_label, COUNT(*) \
                   FROM shares NOT INDEXED WHERE status = ? AND shared_on BETWEEN ? AND ? \
                   GROUP BY unit_id, platform, rule_category, source_host, rule_label";
        let statement = Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            sql,
            [accepted.into(), period.start.into(), period.end.into()],
        );
        return db
            .query_all_raw(statement)
            .await?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get_by_index(0)?,
                    row.try_get_by_index(1)?,
                    row.try_get_by_index(2)?,
                    row.try_get_by_index(3)?,
                    row.try_get_by_index(4)?,
                    row.try_get_by_index(5)?,
                ))
            })
            .collect();
    }
    let mut query = share::Entity::find()
        .select_only()
        .column(share::Column::UnitId)
        .column(share::Column::Platform)
        .column(share::Column::RuleCategory)
        .column(share::Column::SourceHost)
        .column(share::Column::RuleLabel)
        .column_as(share::Column::Id.count(), "n")
        .filter(share::Column::Status.eq(accepted))
        .filter(share::Column::SharedOn.between(period.start, period.end))
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
