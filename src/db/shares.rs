//! Shares: the insert that de-duplicates (and keeps the counters in step), and the
//! listings a person and a reviewer read.

use chrono::{DateTime, NaiveDate, Utc};

use super::counters::{Counted, Deltas};
use entity::share;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::verify::AccountMatch;

/// A verified share, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShare {
    /// Whose share.
    pub person_id: i64,
    /// The person's unit now (kept on the share: figures by unit-at-the-time).
    pub unit_id: i64,
    /// Normalised source URL.
    pub source_url: String,
    /// De-duplication key of the source.
    pub source_key: String,
    /// Normalised source host.
    pub source_host: String,
    /// The allowlist rule that accepted it.
    pub rule_id: Option<i64>,
    /// That rule's label, as it was then.
    pub rule_label: Option<String>,
    /// That rule's category, as it was then.
    pub rule_category: Option<String>,
    /// Platform code.
    pub platform: String,
    /// Normalised post URL.
    pub post_url: Option<String>,
    /// Canonical post key (one post, one entry).
    pub post_key: Option<String>,
    /// Local date it was shared.
    pub shared_on: NaiveDate,
    /// When the server received it.
    pub submitted_at: DateTime<Utc>,
    /// Client-chosen key that makes retries safe.
    pub idempotency_key: Option<String>,
    /// `api`, `web`, `import` or `demo`.
    pub origin: &'static str,
    /// The account the post address shows (normalised), if it shows one.
    pub post_account: Option<String>,
    /// How the post compares with the declared accounts; set when it is stored.
    pub account_match: AccountMatch,
}

/// Changes to the counters of accepted shares by match status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchDelta {
    /// Accepted shares on the person's own declared accounts.
    pub matched: i32,
    /// Accepted shares on another person's declared account.
    pub other_person: i32,
    /// Accepted shares on undeclared accounts.
    pub undeclared: i32,
}

impl MatchDelta {
    /// `n` accepted shares of this status (`unknown` has no counter of its own).
    pub fn of(status: AccountMatch, n: i32) -> Self {
        match status {
            AccountMatch::Matched => Self {
                matched: n,
                ..Self::default()
            },
            AccountMatch::OtherPerson => Self {
                other_person: n,
                ..Self::default()
            },
            AccountMatch::Undeclared => Self {
                undeclared: n,
                ..Self::default()
            },
            AccountMatch::Unknown => Self::default(),
        }
    }

    /// The status of a stored share.
    pub fn of_stored(share: &share::Model, n: i32) -> Self {
        Self::of(
            share.account_match.parse().unwrap_or(AccountMatch::Unknown),
            n,
        )
    }

    /// Adds another change.
    pub fn add(&mut self, other: Self) {
        self.matched += other.matched;
        self.other_person += other.other_person;
        self.undeclared += other.undeclared;
    }
}

/// How an insert ended.
#[derive(Debug, Clone, PartialEq)]
pub enum InsertOutcome {
    /// Stored now.
    Inserted(share::Model),
    /// The same idempotency key was used before: this is the share it created.
    Replayed(share::Model),
    /// The same person already logged this source on this platform.
    Duplicate,
    /// Another entry already claims this post.
    PostClaimed,
}

/// Finds a share by the idempotency key its person sent.
pub async fn by_idempotency_key(
    db: &impl ConnectionTrait,
    person_id: i64,
    key: &str,
) -> Result<Option<share::Model>, DbErr> {
    share::Entity::find()
        .filter(share::Column::PersonId.eq(person_id))
        .filter(share::Column::IdempotencyKey.eq(key))
        .one(db)
        .await
}

/// Inserts a share unless it conflicts; on success also adds it to the counters.
/// Uses `ON CONFLICT DO NOTHING`, so a conflict never aborts the surrounding transaction.
pub async fn insert(db: &impl ConnectionTrait, new: &NewShare) -> Result<InsertOutcome, DbErr> {
    let mut new = new.clone();
    crate::db::accounts::resolve_matches(db, std::slice::from_mut(&mut new)).await?;
    let new = &new;
    let row = active_model(new);
    // RETURNING yields no row when ON CONFLICT DO NOTHING skipped the insert.
    let inserted = share::Entity::insert(row)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_with_returning_many(db)
        .await?;
    match inserted.into_iter().next() {
        Some(model) => {
            let mut deltas = Deltas::new();
            deltas.add(Counted::from(&model), 1, 0);
            deltas.apply(db).await?;
            Ok(InsertOutcome::Inserted(model))
        }
        None => classify_conflict(db, new).await,
    }
}

/// Inserts many shares with one statement (the SQLite group commit), then updates the counters
/// with one upsert per table; outcomes are in input order. When two items of the batch collide, the first
/// wins, exactly as if they had come one after the other.
pub async fn insert_batch(
    db: &impl ConnectionTrait,
    batch: &[NewShare],
) -> Result<Vec<InsertOutcome>, DbErr> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut batch = batch.to_vec();
    crate::db::accounts::resolve_matches(db, &mut batch).await?;
    let batch = batch.as_slice();
    let inserted = share::Entity::insert_many(batch.iter().map(active_model))
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_with_returning(db)
        .await?;
    let mut by_key: std::collections::HashMap<(i64, String, String), share::Model> = inserted
        .into_iter()
        .map(|m| ((m.person_id, m.source_key.clone(), m.platform.clone()), m))
        .collect();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut deltas = Deltas::new();
    for new in batch {
        let key = (new.person_id, new.source_key.clone(), new.platform.clone());
        let mine = by_key.get(&key).is_some_and(|m| {
            m.idempotency_key == new.idempotency_key
                && m.post_key == new.post_key
                && m.shared_on == new.shared_on
        });
        match by_key.remove(&key).filter(|_| mine) {
            Some(model) => {
                deltas.add(Counted::from(&model), 1, 0);
                outcomes.push(InsertOutcome::Inserted(model));
            }
            None => outcomes.push(classify_conflict(db, new).await?),
        }
    }
    // One upsert per counter table for the whole group.
    deltas.apply(db).await?;
    Ok(outcomes)
}

/// The row to insert for a verified share.
fn active_model(new: &NewShare) -> share::ActiveModel {
    share::ActiveModel {
        person_id: Set(new.person_id),
        unit_id: Set(new.unit_id),
        source_url: Set(new.source_url.clone()),
        source_key: Set(new.source_key.clone()),
        source_host: Set(new.source_host.clone()),
        rule_id: Set(new.rule_id),
        rule_label: Set(new.rule_label.clone()),
        rule_category: Set(new.rule_category.clone()),
        platform: Set(new.platform.clone()),
        post_url: Set(new.post_url.clone()),
        post_key: Set(new.post_key.clone()),
        shared_on: Set(new.shared_on),
        submitted_at: Set(new.submitted_at),
        status: Set("accepted".to_owned()),
        review_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        idempotency_key: Set(new.idempotency_key.clone()),
        origin: Set(new.origin.to_owned()),
        account_match: Set(new.account_match.as_str().to_owned()),
        post_account: Set(new.post_account.clone()),
        ..Default::default()
    }
}

/// Finds which unique constraint a refused insert hit.
async fn classify_conflict(
    db: &impl ConnectionTrait,
    new: &NewShare,
) -> Result<InsertOutcome, DbErr> {
    if let Some(key) = &new.idempotency_key
        && let Some(first) = by_idempotency_key(db, new.person_id, key).await?
    {
        return Ok(InsertOutcome::Replayed(first));
    }
    let same_source = share::Entity::find()
        .filter(share::Column::PersonId.eq(new.person_id))
        .filter(share::Column::SourceKey.eq(new.source_key.clone()))
        .filter(share::Column::Platform.eq(new.platform.clone()))
        .one(db)
        .await?;
    if same_source.is_some() {
        return Ok(InsertOutcome::Duplicate);
    }
    if new.post_key.is_some() {
        return Ok(InsertOutcome::PostClaimed);
    }
    Err(DbErr::Custom(
        "share insert conflicted on no known constraint".to_owned(),
    ))
}

/// A person's shares dated in [from, to], newest first.
pub async fn of_person_between(
    db: &impl ConnectionTrait,
    person_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<share::Model>, DbErr> {
    share::Entity::find()
        .filter(share::Column::PersonId.eq(person_id))
        .filter(share::Column::SharedOn.between(from, to))
        .order_by_desc(share::Column::SharedOn)
        .order_by_desc(share::Column::Id)
        .all(db)
        .await
}

/// The highest share id stored (0 when there is none): shares with a higher id arrived later.
pub async fn max_id(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let max: Option<Option<i64>> = share::Entity::find()
        .select_only()
        .column_as(share::Column::Id.max(), "max_id")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// Accepted shares per person stored after `after_id` and dated in [from, to]: what arrived since
/// a list's first page (a range on the primary key: cheap however big the table is).
pub async fn accepted_after(
    db: &impl ConnectionTrait,
    after_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<std::collections::HashMap<i64, u32>, DbErr> {
    let rows: Vec<(i64, i64)> = share::Entity::find()
        .select_only()
        .column(share::Column::PersonId)
        .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
        .filter(share::Column::Id.gt(after_id))
        .filter(share::Column::Status.eq("accepted"))
        .filter(share::Column::SharedOn.between(from, to))
        .group_by(share::Column::PersonId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(person, n)| (person, u32::try_from(n).unwrap_or(u32::MAX)))
        .collect())
}

/// Whether the share already stored for this (person, source, platform) is this very one
/// (same date and post), so re-importing a file is harmless.
pub async fn same_as_stored(db: &impl ConnectionTrait, new: &NewShare) -> Result<bool, DbErr> {
    let stored = share::Entity::find()
        .filter(share::Column::PersonId.eq(new.person_id))
        .filter(share::Column::SourceKey.eq(new.source_key.clone()))
        .filter(share::Column::Platform.eq(new.platform.clone()))
        .one(db)
        .await?;
    Ok(stored.is_some_and(|s| s.shared_on == new.shared_on && s.post_key == new.post_key))
}

/// Sets a share's review status, moving its count between the accepted and rejected counters
/// in the same transaction. Returns the updated share, or None if the status was already so.
pub async fn set_status(
    db: &impl ConnectionTrait,
    share: &share::Model,
    status: crate::domain::roster::ShareStatus,
    reason: Option<String>,
    reviewer: Option<i64>,
    at: DateTime<Utc>,
) -> Result<Option<share::Model>, DbErr> {
    use sea_orm::ActiveModelTrait;
    if share.status == status.as_str() {
        return Ok(None);
    }
    let mut active: share::ActiveModel = share.clone().into();
    active.status = Set(status.as_str().to_owned());
    active.review_reason = Set(reason);
    active.reviewed_by = Set(reviewer);
    active.reviewed_at = Set(Some(at));
    let updated = active.update(db).await?;
    let (accepted, rejected) = match status {
        crate::domain::roster::ShareStatus::Rejected => (-1, 1),
        crate::domain::roster::ShareStatus::Accepted => (1, -1),
    };
    let mut deltas = Deltas::new();
    deltas.add(Counted::from(share), accepted, rejected);
    deltas.apply(db).await?;
    Ok(Some(updated))
}

/// Stores many verified shares at once, skipping any that conflict (bulk seeding and
/// benchmarks). The counters are not touched: call `counters::rebuild` after.
pub async fn insert_many_unchecked(
    db: &impl ConnectionTrait,
    rows: &[NewShare],
) -> Result<(), DbErr> {
    // 21 columns per row keeps a chunk well under SQLite's 32,766 bound parameters.
    for chunk in rows.chunks(1000) {
        let mut chunk = chunk.to_vec();
        crate::db::accounts::resolve_matches(db, &mut chunk).await?;
        let models = chunk.iter().map(active_model);
        share::Entity::insert_many(models)
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
