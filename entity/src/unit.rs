//! A unit (đơn vị): one node of the organisation tree, from the province down
//! to communes, wards and press offices.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// `province`, `department`, `agency`, `commune`, `ward`, `organization`,
    /// `press` or `division`.
    pub kind: String,
    pub parent_id: Option<i64>,
    /// Materialised path of ids from the root, such as `/1/5/12/`; the subtree
    /// of a unit is every row whose path starts with its path. Compared byte
    /// by byte on both databases, so `path >= '/1/5/' AND path < '/1/50'`
    /// (the last `/` bumped to `0`) selects it through the index.
    pub path: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::ParentId",
        to = "Column::Id",
        on_delete = "NoAction"
    )]
    Parent,
    #[sea_orm(has_many = "super::person::Entity")]
    Person,
    #[sea_orm(has_many = "super::share::Entity")]
    Share,
    #[sea_orm(has_many = "super::role_grant::Entity")]
    RoleGrant,
    #[sea_orm(has_many = "super::tally_month::Entity")]
    TallyMonth,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::share::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Share.def()
    }
}

impl Related<super::role_grant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RoleGrant.def()
    }
}

impl Related<super::tally_month::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TallyMonth.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
