//! A month's tally for one person in one unit, kept in step with `shares` by
//! the application so that dashboards never scan every share.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "tally_months")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    /// 1 to 12.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: i32,
    pub accepted: i32,
    pub rejected: i32,
    /// Accepted shares whose post is on one of the person's declared accounts.
    pub matched: i32,
    /// Accepted shares whose post is on another person's declared account.
    pub other_person: i32,
    /// Accepted shares whose post is on an account nobody declared.
    pub undeclared: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id",
        on_delete = "NoAction"
    )]
    Unit,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
