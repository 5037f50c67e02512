//! An allowlist rule: which sources count as official content, with the
//! category and label shown for them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "allowlist_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// How `pattern` matches (the application's rule kind); unique with it.
    pub kind: String,
    pub pattern: String,
    pub category: String,
    #[sea_orm(column_type = "Text")]
    pub label: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    /// Who created the rule (`cli`, `token:name`, a staff code).
    pub created_by: Option<String>,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::share::Entity")]
    Share,
}

impl Related<super::share::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Share.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
