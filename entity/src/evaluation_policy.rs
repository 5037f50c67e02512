//! A year's evaluation policy: the period, the targets and the levels; closed
//! once the year's figures are final.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "evaluation_policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub year: i32,
    pub period_start: Date,
    pub period_end: Date,
    /// Accepted shares a person needs over the period.
    pub target: i32,
    pub month_target: Option<i32>,
    pub quarter_target: Option<i32>,
    /// The levels as a JSON array; `[]` when there are none.
    #[sea_orm(column_type = "Text")]
    pub levels: String,
    /// When the year was closed and its figures frozen into snapshots.
    pub closed_at: Option<DateTimeUtc>,
    /// Person id of whoever closed it.
    pub closed_by: Option<i64>,
    /// Count only shares on the person's own declared accounts or that cannot tell.
    pub count_only_own_accounts: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
