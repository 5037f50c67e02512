//! Uploads kept between an import's preview and its confirmation. The confirmation form carries
//! a random token; only its hash is stored, and only the uploader may use it, within an hour.

use chrono::{Duration, Utc};
use entity::import_draft;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::tokens::hash;

/// How long an upload waits for its confirmation.
pub const DRAFT_TTL: Duration = Duration::hours(1);

/// An upload waiting for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The uploaded file's name.
    pub file_name: String,
    /// The file's bytes.
    pub content: Vec<u8>,
    /// When it was uploaded.
    pub created_at: chrono::DateTime<Utc>,
}

/// Keeps an upload of `kind` for `person_id`; returns the token for the confirmation form.
/// Expired drafts are removed on the way, so the table never grows.
pub async fn save(
    db: &impl ConnectionTrait,
    kind: &str,
    person_id: i64,
    file_name: &str,
    content: &[u8],
) -> Result<String, DbErr> {
    discard_expired(db).await?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| DbErr::Custom(format!("random: {err}")))?;
    let token = hex::encode(bytes);
    import_draft::ActiveModel {
        token_hash: Set(hash(&token)),
        kind: Set(kind.to_owned()),
        created_by: Set(person_id),
        file_name: Set(file_name.chars().take(200).collect()),
        content: Set(content.to_vec()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The upload behind `token`, if it is of `kind`, was made by `person_id` and has not expired.
pub async fn load(
    db: &impl ConnectionTrait,
    token: &str,
    kind: &str,
    person_id: i64,
) -> Result<Option<Draft>, DbErr> {
    let cutoff = Utc::now() - DRAFT_TTL;
    Ok(import_draft::Entity::find()
        .filter(import_draft::Column::TokenHash.eq(hash(token.trim())))
        .filter(import_draft::Column::Kind.eq(kind))
        .filter(import_draft::Column::CreatedBy.eq(person_id))
        .filter(import_draft::Column::CreatedAt.gt(cutoff))
        .one(db)
        .await?
        .map(|row| Draft {
            file_name: row.file_name,
            content: row.content,
            created_at: row.created_at,
        }))
}

/// Forgets an upload (after it was imported or abandoned).
pub async fn discard(db: &impl ConnectionTrait, token: &str) -> Result<(), DbErr> {
    import_draft::Entity::delete_many()
        .filter(import_draft::Column::TokenHash.eq(hash(token.trim())))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes every upload older than [`DRAFT_TTL`].
pub async fn discard_expired(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let cutoff = Utc::now() - DRAFT_TTL;
    Ok(import_draft::Entity::delete_many()
        .filter(import_draft::Column::CreatedAt.lte(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
