//! Evaluation policies: one per year, with its period, target and levels.

use entity::evaluation_policy;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::tally::{Level, Period, Policy};

/// The stored policy of a year.
pub async fn row_for_year(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Option<evaluation_policy::Model>, DbErr> {
    evaluation_policy::Entity::find()
        .filter(evaluation_policy::Column::Year.eq(year))
        .one(db)
        .await
}

/// The policy of a year, as the tally engine reads it.
pub async fn for_year(db: &impl ConnectionTrait, year: i32) -> Result<Option<Policy>, DbErr> {
    Ok(row_for_year(db, year).await?.map(|row| to_policy(&row)))
}

/// Converts a stored row.
pub fn to_policy(row: &evaluation_policy::Model) -> Policy {
    let levels: Vec<Level> = serde_json::from_str(&row.levels).unwrap_or_default();
    Policy {
        year: row.year,
        period: Period {
            start: row.period_start,
            end: row.period_end,
        },
        target: u32::try_from(row.target).unwrap_or(0),
        month_target: row.month_target.and_then(|t| u32::try_from(t).ok()),
        quarter_target: row.quarter_target.and_then(|t| u32::try_from(t).ok()),
        levels,
    }
}
