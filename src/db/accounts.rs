//! Declared accounts: a person's own, the owner of an account, a unit's people with theirs, and
//! the match status of shares about to be stored (read in the storing transaction).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::declared_account;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, SqlErr,
};

use crate::db::shares::NewShare;
use crate::verify::AccountMatch;

/// A validated account to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Platform code.
    pub platform: String,
    /// Normalised account.
    pub normalized: String,
    /// As typed.
    pub address: String,
    /// Name shown on the account.
    pub display_name: Option<String>,
}

/// How storing an account ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    /// Stored.
    Saved(declared_account::Model),
    /// Declared meanwhile by a concurrent request (the unique index refused it). On PostgreSQL
    /// the transaction is aborted then: ask `owner_of` on another connection, after it ends.
    Taken,
}

/// The person's accounts, oldest first.
pub async fn of_person(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Vec<declared_account::Model>, DbErr> {
    declared_account::Entity::find()
        .filter(declared_account::Column::PersonId.eq(person_id))
        .order_by_asc(declared_account::Column::Id)
        .all(db)
        .await
}

/// The accounts of these people, oldest first.
pub async fn of_people(
    db: &impl ConnectionTrait,
    people: &[i64],
) -> Result<Vec<declared_account::Model>, DbErr> {
    let mut out = Vec::new();
    // Bounded IN lists: SQLite takes at most 32,766 parameters.
    for chunk in people.chunks(5000) {
        out.extend(
            declared_account::Entity::find()
                .filter(declared_account::Column::PersonId.is_in(chunk.iter().copied()))
                .order_by_asc(declared_account::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// One account by id.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<declared_account::Model>, DbErr> {
    declared_account::Entity::find_by_id(id).one(db).await
}

/// Who declared this account, if anyone.
pub async fn owner_of(
    db: &impl ConnectionTrait,
    platform: &str,
    normalized: &str,
) -> Result<Option<declared_account::Model>, DbErr> {
    declared_account::Entity::find()
        .filter(declared_account::Column::Platform.eq(platform))
        .filter(declared_account::Column::Normalized.eq(normalized))
        .one(db)
        .await
}

/// Stores a new account for a person; an account already declared is reported, not stored.
pub async fn insert(
    db: &impl ConnectionTrait,
    person_id: i64,
    new: &NewAccount,
    now: DateTime<Utc>,
) -> Result<Stored, DbErr> {
    let row = declared_account::ActiveModel {
        person_id: Set(person_id),
        platform: Set(new.platform.clone()),
        normalized: Set(new.normalized.clone()),
        address: Set(new.address.clone()),
        display_name: Set(new.display_name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(model) => Ok(Stored::Saved(model)),
        Err(err) => taken_or(err),
    }
}

/// Changes an account (address, platform, display name).
pub async fn update(
    db: &impl ConnectionTrait,
    current: &declared_account::Model,
    new: &NewAccount,
    now: DateTime<Utc>,
) -> Result<Stored, DbErr> {
    let mut row: declared_account::ActiveModel = current.clone().into();
    row.platform = Set(new.platform.clone());
    row.normalized = Set(new.normalized.clone());
    row.address = Set(new.address.clone());
    row.display_name = Set(new.display_name.clone());
    row.updated_at = Set(now);
    match row.update(db).await {
        Ok(model) => Ok(Stored::Saved(model)),
        Err(err) => taken_or(err),
    }
}

/// A unique violation is the account declared meanwhile (a race with the check before it).
fn taken_or(err: DbErr) -> Result<Stored, DbErr> {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        Ok(Stored::Taken)
    } else {
        Err(err)
    }
}

/// Removes an account.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    declared_account::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Sets the match status of shares about to be stored, from the accounts declared now: one
/// query for the whole group, inside the transaction that stores them.
pub async fn resolve_matches(
    db: &impl ConnectionTrait,
    shares: &mut [NewShare],
) -> Result<(), DbErr> {
    let wanted: Vec<(&str, &str)> = shares
        .iter()
        .filter_map(|s| Some((s.platform.as_str(), s.post_account.as_deref()?)))
        .collect();
    let mut owners: HashMap<(String, String), i64> = HashMap::new();
    if !wanted.is_empty() {
        let mut condition = Condition::any();
        for (platform, account) in &wanted {
            condition = condition.add(
                Condition::all()
                    .add(declared_account::Column::Platform.eq(*platform))
                    .add(declared_account::Column::Normalized.eq(*account)),
            );
        }
        for row in declared_account::Entity::find()
            .filter(condition)
            .all(db)
            .await?
        {
            owners.insert((row.platform, row.normalized), row.person_id);
        }
    }
    for share in shares.iter_mut() {
        let owner = share
            .post_account
            .as_ref()
            .and_then(|a| owners.get(&(share.platform.clone(), a.clone())).copied());
        share.account_match =
            AccountMatch::classify(share.post_account.as_deref(), owner, share.person_id);
    }
    Ok(())
}
