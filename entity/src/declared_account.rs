//! A declared account: one of a person's own social accounts, as they declared it. An account
//! belongs to one person (`uq_declared_accounts_platform_normalized`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "declared_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    /// `facebook`, `zalo`, `tiktok`, `youtube`, `x`, `instagram`, `linkedin`, `telegram`, `other`.
    pub platform: String,
    /// The account's identity on its platform (the verifier's normal form), at most 200 characters.
    #[sea_orm(column_type = "String(StringLen::N(200))")]
    pub normalized: String,
    /// The address or handle as the person typed it.
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub display_name: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
