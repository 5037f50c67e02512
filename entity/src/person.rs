//! A person (cán bộ): one public servant on the roster, in one unit.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub staff_code: String,
    pub full_name: String,
    /// Vietnamese collation key of the name, filled by the application;
    /// compared byte by byte on both databases, so `ORDER BY sort_key` is the
    /// Vietnamese alphabetical order.
    pub sort_key: String,
    pub email: Option<String>,
    pub unit_id: i64,
    pub position: Option<String>,
    /// `can_bo`, `cong_chuc`, `vien_chuc` or `nguoi_lao_dong`.
    pub employment_type: String,
    pub joined_on: Option<Date>,
    pub left_on: Option<Date>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id",
        on_delete = "NoAction"
    )]
    Unit,
    #[sea_orm(has_many = "super::share::Entity")]
    Share,
    #[sea_orm(has_many = "super::identity::Entity")]
    Identity,
    #[sea_orm(has_many = "super::role_grant::Entity")]
    RoleGrant,
    #[sea_orm(has_many = "super::session::Entity")]
    Session,
    #[sea_orm(has_many = "super::api_token::Entity")]
    ApiToken,
    #[sea_orm(has_many = "super::tally_month::Entity")]
    TallyMonth,
    #[sea_orm(has_many = "super::declared_account::Entity")]
    DeclaredAccount,
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::share::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Share.def()
    }
}

impl Related<super::identity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Identity.def()
    }
}

impl Related<super::role_grant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RoleGrant.def()
    }
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl Related<super::api_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiToken.def()
    }
}

impl Related<super::tally_month::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TallyMonth.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
