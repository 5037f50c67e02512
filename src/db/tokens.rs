//! API tokens for scripts: shown once at creation, stored only as a SHA-256 hash.

use chrono::Utc;
use entity::api_token;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

/// Prefix of every token, so a leaked one is recognisable in a secret scanner.
pub const TOKEN_PREFIX: &str = "lt_";

/// A new random token (256 bits), e.g. `lt_3f…`.
pub fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{TOKEN_PREFIX}{}", hex::encode(bytes)))
}

/// The stored form of a secret: SHA-256, hex. Tokens are random, so no salt is needed.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Stores a new token for a person; returns the row and the secret (shown once).
pub async fn create(
    db: &impl ConnectionTrait,
    person_id: i64,
    name: &str,
    read_only: bool,
) -> Result<(api_token::Model, String), DbErr> {
    let secret = generate().map_err(|e| DbErr::Custom(format!("no randomness: {e}")))?;
    let row = api_token::ActiveModel {
        person_id: Set(person_id),
        name: Set(name.to_owned()),
        token_hash: Set(hash(&secret)),
        prefix: Set(secret.chars().take(10).collect()),
        read_only: Set(read_only),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((row, secret))
}

/// The live (not revoked, not expired) token with this secret.
pub async fn find_live(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<api_token::Model>, DbErr> {
    let now = Utc::now();
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(secret)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .filter(|t| t.expires_at.is_none_or(|at| at > now)))
}

/// A person's tokens, newest first.
pub async fn of_person(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::PersonId.eq(person_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
}

/// Revokes a token by id; returns it if it was live.
pub async fn revoke(db: &impl ConnectionTrait, id: i64) -> Result<Option<api_token::Model>, DbErr> {
    let Some(token) = api_token::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if token.revoked_at.is_some() {
        return Ok(None);
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(Some(active.update(db).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_hide_them() {
        let a = generate().unwrap_or_default();
        let b = generate().unwrap_or_default();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(hash(&a).len(), 64);
        assert!(!hash(&a).contains(&a[3..]));
    }
}
