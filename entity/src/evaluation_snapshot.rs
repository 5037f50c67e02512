//! One person's figures for a closed year, frozen with the names and unit they
//! had then; unique per (year, person) and free of foreign keys.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "evaluation_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    pub person_id: i64,
    pub staff_code: String,
    pub full_name: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    /// The unit's materialised path when the year was closed.
    pub unit_path: String,
    pub position: Option<String>,
    pub employment_type: String,
    pub accepted: i32,
    pub rejected: i32,
    pub target: Option<i32>,
    pub q1: i32,
    pub q2: i32,
    pub q3: i32,
    pub q4: i32,
    /// Whether the target was met; `None` when there was no target.
    pub met: Option<bool>,
    pub level: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
