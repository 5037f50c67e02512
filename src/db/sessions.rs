//! Sign-in sessions and pending sign-ins. Only hashes of session ids and `state` values are
//! stored; the secrets live in the browser's cookies.

use chrono::{DateTime, Duration, Utc};
use entity::{login_attempt, session};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::tokens::hash;

/// How long a sign-in may take between leaving for the provider and coming back.
pub const LOGIN_ATTEMPT_TTL: Duration = Duration::minutes(10);

/// Stores a new session for a person; `secret` is the cookie value.
pub async fn create(
    db: &impl ConnectionTrait,
    person_id: i64,
    secret: &str,
    csrf: &str,
    expires_at: DateTime<Utc>,
    user_agent: Option<String>,
) -> Result<session::Model, DbErr> {
    let now = Utc::now();
    session::ActiveModel {
        id_hash: Set(hash(secret)),
        person_id: Set(person_id),
        csrf_hash: Set(hash(csrf)),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        ended_at: Set(None),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(200).collect())),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The live session with this cookie value: not ended, not past its absolute expiry, and used
/// within `idle`.
pub async fn find_live(
    db: &impl ConnectionTrait,
    secret: &str,
    idle: Duration,
    now: DateTime<Utc>,
) -> Result<Option<session::Model>, DbErr> {
    Ok(session::Entity::find()
        .filter(session::Column::IdHash.eq(hash(secret)))
        .filter(session::Column::EndedAt.is_null())
        .one(db)
        .await?
        .filter(|s| s.expires_at > now && s.last_seen_at + idle > now))
}

/// Records use of a session (at most once a minute, to spare the database).
pub async fn touch(
    db: &impl ConnectionTrait,
    session: &session::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if now - session.last_seen_at < Duration::minutes(1) {
        return Ok(());
    }
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(session.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends one session.
pub async fn end(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::EndedAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every live session of a person; returns how many.
pub async fn end_all_for(
    db: &impl ConnectionTrait,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(session::Entity::update_many()
        .col_expr(session::Column::EndedAt, Expr::value(now))
        .filter(session::Column::PersonId.eq(person_id))
        .filter(session::Column::EndedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Remembers a sign-in that left for the provider.
pub async fn create_attempt(
    db: &impl ConnectionTrait,
    state: &str,
    nonce: &str,
    pkce_verifier: &str,
    next_path: &str,
) -> Result<(), DbErr> {
    let now = Utc::now();
    // Old attempts are useless; clear them as we go.
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::CreatedAt.lt(now - LOGIN_ATTEMPT_TTL))
        .exec(db)
        .await?;
    login_attempt::ActiveModel {
        state_hash: Set(hash(state)),
        nonce: Set(nonce.to_owned()),
        pkce_verifier: Set(pkce_verifier.to_owned()),
        next_path: Set(next_path.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes (and deletes) the pending sign-in for a `state`, if it exists and is fresh: each
/// `state` can finish one sign-in only.
pub async fn take_attempt(
    db: &impl ConnectionTrait,
    state: &str,
) -> Result<Option<login_attempt::Model>, DbErr> {
    let Some(attempt) = login_attempt::Entity::find()
        .filter(login_attempt::Column::StateHash.eq(hash(state)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let deleted = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Id.eq(attempt.id))
        .exec(db)
        .await?;
    // Two callbacks racing with the same state: only the one that deleted the row proceeds.
    if deleted.rows_affected == 0 || Utc::now() - attempt.created_at > LOGIN_ATTEMPT_TTL {
        return Ok(None);
    }
    Ok(Some(attempt))
}
