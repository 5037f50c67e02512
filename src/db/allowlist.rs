//! Allowlist rules in the database: loading the active set, seeding, importing.

use chrono::Utc;
use entity::allowlist_rule;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::verify::{Rule, parse_rules_csv};

/// The allowlist a new database starts with (a copy of `shared/data/allowlist-seed.csv`).
pub const SEED_CSV: &str = include_str!("../../data/allowlist-seed.csv");

/// Converts a stored row to a verifier rule; a row that no longer parses is skipped with a log line.
fn to_rule(row: &allowlist_rule::Model) -> Option<Rule> {
    let kind = row.kind.parse().ok()?;
    let category = row.category.parse().ok()?;
    match Rule::new(kind, &row.pattern, category, &row.label) {
        Ok(mut rule) => {
            rule.id = Some(row.id);
            Some(rule)
        }
        Err(err) => {
            tracing::warn!(rule_id = row.id, %err, "stored allowlist rule is not valid; ignored");
            None
        }
    }
}

/// Every active rule, ready for `Allowlist::new`.
pub async fn active_rules(db: &impl ConnectionTrait) -> Result<Vec<Rule>, DbErr> {
    let rows = allowlist_rule::Entity::find()
        .filter(allowlist_rule::Column::Active.eq(true))
        .order_by_asc(allowlist_rule::Column::Id)
        .all(db)
        .await?;
    Ok(rows.iter().filter_map(to_rule).collect())
}

/// Every rule, active or not, in id order.
pub async fn all_rows(db: &impl ConnectionTrait) -> Result<Vec<allowlist_rule::Model>, DbErr> {
    allowlist_rule::Entity::find()
        .order_by_asc(allowlist_rule::Column::Id)
        .all(db)
        .await
}

/// Seeds the shipped allowlist when the table is empty; returns how many rules were added.
pub async fn seed_if_empty(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    if allowlist_rule::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let rules = parse_rules_csv(SEED_CSV)
        .map_err(|errors| DbErr::Custom(format!("seed allowlist is invalid: {errors:?}")))?;
    let outcome = upsert(db, &rules, "seed").await?;
    Ok(outcome.created)
}

/// What an import changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpsertOutcome {
    /// New rules.
    pub created: usize,
    /// Existing rules whose category, label or active flag changed.
    pub updated: usize,
    /// Rules already exactly as given.
    pub unchanged: usize,
}

/// Creates or updates rules by (kind, pattern); imported rules are active. Run inside a
/// transaction so a failure leaves nothing half-written.
pub async fn upsert(
    db: &impl ConnectionTrait,
    rules: &[Rule],
    by: &str,
) -> Result<UpsertOutcome, DbErr> {
    let mut outcome = UpsertOutcome::default();
    let now = Utc::now();
    for rule in rules {
        let existing = allowlist_rule::Entity::find()
            .filter(allowlist_rule::Column::Kind.eq(rule.kind.to_string()))
            .filter(allowlist_rule::Column::Pattern.eq(rule.pattern.clone()))
            .one(db)
            .await?;
        match existing {
            None => {
                allowlist_rule::ActiveModel {
                    kind: Set(rule.kind.to_string()),
                    pattern: Set(rule.pattern.clone()),
                    category: Set(rule.category.to_string()),
                    label: Set(rule.label.clone()),
                    active: Set(true),
                    created_at: Set(now),
                    created_by: Set(Some(by.to_owned())),
                    updated_at: Set(now),
                    updated_by: Set(Some(by.to_owned())),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                outcome.created += 1;
            }
            Some(row)
                if row.category == rule.category.to_string()
                    && row.label == rule.label
                    && row.active =>
            {
                outcome.unchanged += 1;
            }
            Some(row) => {
                let mut active: allowlist_rule::ActiveModel = row.into();
                active.category = Set(rule.category.to_string());
                active.label = Set(rule.label.clone());
                active.active = Set(true);
                active.updated_at = Set(now);
                active.updated_by = Set(Some(by.to_owned()));
                active.update(db).await?;
                outcome.updated += 1;
            }
        }
    }
    Ok(outcome)
}
