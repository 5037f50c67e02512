//! An uploaded file waiting for its importer to confirm the previewed plan.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_drafts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// SHA-256 hex of the token carried by the confirmation form.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// What is being imported: `roster`, `units`, `allowlist`, `shares`.
    pub kind: String,
    /// The person who uploaded it (only they may confirm it).
    pub created_by: i64,
    /// The uploaded file's name, as shown back.
    pub file_name: String,
    /// The file's bytes.
    pub content: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
