//! Evaluation policies: one per year, with its period, target and levels.

use chrono::{NaiveDate, Utc};
use entity::evaluation_policy;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

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

/// What to store for a year.
#[derive(Debug, Clone)]
pub struct PolicyInput {
    /// The work year.
    pub year: i32,
    /// Shares expected in the period.
    pub target: u32,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
}

/// Creates or replaces a year's policy; returns the previous row, if any.
pub async fn set(
    db: &impl ConnectionTrait,
    input: &PolicyInput,
) -> Result<Option<evaluation_policy::Model>, DbErr> {
    let now = Utc::now();
    let target = i32::try_from(input.target).unwrap_or(i32::MAX);
    let previous = row_for_year(db, input.year).await?;
    match previous.clone() {
        Some(row) => {
            let mut active: evaluation_policy::ActiveModel = row.into();
            active.target = Set(target);
            active.period_start = Set(input.period_start);
            active.period_end = Set(input.period_end);
            active.updated_at = Set(now);
            active.update(db).await?;
        }
        None => {
            evaluation_policy::ActiveModel {
                year: Set(input.year),
                period_start: Set(input.period_start),
                period_end: Set(input.period_end),
                target: Set(target),
                month_target: Set(None),
                quarter_target: Set(None),
                levels: Set("[]".to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(previous)
}
