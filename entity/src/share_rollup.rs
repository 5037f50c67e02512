//! Shares per unit, month, platform, source category, source host and rule label, kept in step
//! with `shares` by the application so that province-wide reports never group every share.
//! A missing category or label is stored as ''.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "share_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub platform: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub source_host: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub rule_label: String,
    /// 1 to 12.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: i32,
    pub accepted: i32,
    pub rejected: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
