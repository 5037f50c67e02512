//! An audit event: who did what to what, and when. No foreign keys, so the
//! trail outlives the people and rows it mentions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_person_id: Option<i64>,
    /// Who acted: `cli`, `token:name` or a staff code.
    pub actor: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// Details as a JSON object.
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
    pub ip: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
