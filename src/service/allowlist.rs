//! Changing the allowlist: add, edit, disable, re-enable, import — each checked (including the
//! public-suffix guard), audited with before/after in the same transaction, shared by the web
//! pages and the command line. Callers reload the in-memory allowlist after a change.

use chrono::Utc;
use entity::{allowlist_rule, share};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::{Value, json};

use crate::db;
use crate::db::audit::{Actor, Event};
use crate::error::{AppError, AppResult};
use crate::import::allowlist::{ImportPlan, RowAction, plan};
use crate::verify::{
    Allowlist, PUBLIC_SUFFIX_CODE, Rule, needs_restricted_suffix_confirmation, refusal_message,
};

/// A rule as typed in a form: kind, pattern, category, label.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RuleInput {
    /// `suffix`, `host`, `prefix` or `exclude`.
    pub kind: String,
    /// The pattern, e.g. `baodienbienphu.vn`.
    pub pattern: String,
    /// The category name, e.g. `press`.
    pub category: String,
    /// The label shown to users.
    pub label: String,
}

/// Validates and canonicalises a typed rule.
pub fn parse_rule(input: &RuleInput) -> AppResult<Rule> {
    let kind = input
        .kind
        .parse()
        .map_err(|e: crate::verify::RuleError| AppError::invalid("invalid_rule", e.to_string()))?;
    let category = input
        .category
        .parse()
        .map_err(|e: crate::verify::RuleError| AppError::invalid("invalid_rule", e.to_string()))?;
    Rule::new(kind, &input.pattern, category, &input.label)
        .map_err(|e| AppError::invalid("invalid_rule", e.to_string()))
}

/// Refuses a suffix rule on a public suffix unless the caller confirmed that registration
/// under it is restricted to trusted bodies.
pub fn check_public_suffix(rule: &Rule, confirmed: bool) -> AppResult<()> {
    if needs_restricted_suffix_confirmation(rule) && !confirmed {
        return Err(AppError::invalid(
            PUBLIC_SUFFIX_CODE,
            refusal_message(&rule.pattern),
        ));
    }
    Ok(())
}

/// The rules as they would be after replacing rule `edited_id` (or adding, when `None`) with
/// `edited`: for the "test before saving" box.
pub fn what_if(current: &[Rule], edited_id: Option<i64>, edited: &Rule) -> Allowlist {
    let mut rules: Vec<Rule> = current
        .iter()
        .filter(|rule| edited_id.is_none() || rule.id != edited_id)
        .cloned()
        .collect();
    let mut edited = edited.clone();
    edited.id = edited_id;
    // An edited rule keeps its place; a new one goes last (earlier rules win ties).
    match edited_id.and_then(|id| current.iter().position(|r| r.id == Some(id))) {
        Some(at) => rules.insert(at.min(rules.len()), edited),
        None => rules.push(edited),
    }
    Allowlist::new(rules)
}

fn snapshot(row: &allowlist_rule::Model) -> Value {
    json!({
        "kind": row.kind,
        "pattern": row.pattern,
        "category": row.category,
        "label": row.label,
        "active": row.active,
    })
}

async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<allowlist_rule::Model> {
    allowlist_rule::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("allowlist_rule"))
}

async fn refuse_duplicate(
    db: &impl ConnectionTrait,
    rule: &Rule,
    except: Option<i64>,
) -> AppResult<()> {
    let existing = allowlist_rule::Entity::find()
        .filter(allowlist_rule::Column::Kind.eq(rule.kind.as_str()))
        .filter(allowlist_rule::Column::Pattern.eq(rule.pattern.clone()))
        .one(db)
        .await?;
    match existing {
        Some(row) if Some(row.id) != except => Err(AppError::conflict(
            "rule_exists",
            format!(
                "Đã có quy tắc {} “{}” (số {}{}). Hãy sửa quy tắc đó thay vì thêm mới.",
                rule.kind,
                rule.pattern,
                row.id,
                if row.active {
                    ""
                } else {
                    ", đang tạm dừng"
                }
            ),
        )),
        _ => Ok(()),
    }
}

async fn insert(
    db: &impl ConnectionTrait,
    rule: &Rule,
    by: &Actor,
    active: bool,
) -> AppResult<allowlist_rule::Model> {
    let now = Utc::now();
    Ok(allowlist_rule::ActiveModel {
        kind: Set(rule.kind.to_string()),
        pattern: Set(rule.pattern.clone()),
        category: Set(rule.category.to_string()),
        label: Set(rule.label.clone()),
        active: Set(active),
        created_at: Set(now),
        created_by: Set(Some(by.label.clone())),
        updated_at: Set(now),
        updated_by: Set(Some(by.label.clone())),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Adds a rule; returns its id.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &RuleInput,
    restricted_suffix_confirmed: bool,
) -> AppResult<i64> {
    let rule = parse_rule(input)?;
    check_public_suffix(&rule, restricted_suffix_confirmed)?;
    let txn = db.begin().await?;
    refuse_duplicate(&txn, &rule, None).await?;
    let row = insert(&txn, &rule, actor, true).await?;
    db::audit::record_on(
        &txn,
        actor,
        "allowlist.create",
        "allowlist_rule",
        row.id.to_string(),
        json!({
            "after": snapshot(&row),
            "restricted_suffix_confirmed": needs_restricted_suffix_confirmation(&rule),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// The rule was changed in place.
    InPlace(i64),
    /// Shares were verified against the old kind or pattern: the old rule was disabled and
    /// kept as it was, and this new rule replaces it.
    Replaced {
        /// The old, now disabled rule.
        old: i64,
        /// The new rule.
        new: i64,
    },
}

/// Edits a rule. A changed kind or pattern on a rule that shares were verified against makes
/// a new rule and disables the old one, so those shares still point at what they matched.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    input: &RuleInput,
    restricted_suffix_confirmed: bool,
) -> AppResult<Edited> {
    let rule = parse_rule(input)?;
    let txn = db.begin().await?;
    let before = find(&txn, id).await?;
    let matching_changed = before.kind != rule.kind.as_str() || before.pattern != rule.pattern;
    if matching_changed {
        check_public_suffix(&rule, restricted_suffix_confirmed)?;
    }
    refuse_duplicate(&txn, &rule, Some(id)).await?;
    let confirmed = needs_restricted_suffix_confirmation(&rule);
    let referenced = matching_changed
        && share::Entity::find()
            .filter(share::Column::RuleId.eq(id))
            .count(&txn)
            .await?
            > 0;
    let outcome = if referenced {
        let mut old: allowlist_rule::ActiveModel = before.clone().into();
        old.active = Set(false);
        old.updated_at = Set(Utc::now());
        old.updated_by = Set(Some(actor.label.clone()));
        let old = old.update(&txn).await?;
        let new = insert(&txn, &rule, actor, before.active).await?;
        db::audit::record_on(
            &txn,
            actor,
            "allowlist.disable",
            "allowlist_rule",
            id.to_string(),
            json!({"before": snapshot(&before), "after": snapshot(&old), "replaced_by": new.id}),
        )
        .await?;
        db::audit::record_on(
            &txn,
            actor,
            "allowlist.create",
            "allowlist_rule",
            new.id.to_string(),
            json!({
                "after": snapshot(&new),
                "replaces": id,
                "restricted_suffix_confirmed": confirmed,
            }),
        )
        .await?;
        Edited::Replaced {
            old: id,
            new: new.id,
        }
    } else {
        let mut row: allowlist_rule::ActiveModel = before.clone().into();
        row.kind = Set(rule.kind.to_string());
        row.pattern = Set(rule.pattern.clone());
        row.category = Set(rule.category.to_string());
        row.label = Set(rule.label.clone());
        row.updated_at = Set(Utc::now());
        row.updated_by = Set(Some(actor.label.clone()));
        let after = row.update(&txn).await?;
        db::audit::record_on(
            &txn,
            actor,
            "allowlist.update",
            "allowlist_rule",
            id.to_string(),
            json!({
                "before": snapshot(&before),
                "after": snapshot(&after),
                "restricted_suffix_confirmed": confirmed,
            }),
        )
        .await?;
        Edited::InPlace(id)
    };
    txn.commit().await?;
    Ok(outcome)
}

/// Disables or re-enables a rule. Re-enabling a suffix rule on a public suffix needs the same
/// confirmation as adding it.
pub async fn set_active(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    active: bool,
    restricted_suffix_confirmed: bool,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let before = find(&txn, id).await?;
    if before.active == active {
        return Ok(());
    }
    if active
        && let (Ok(kind), Ok(category)) = (before.kind.parse(), before.category.parse())
        && let Ok(rule) = Rule::new(kind, &before.pattern, category, &before.label)
    {
        check_public_suffix(&rule, restricted_suffix_confirmed)?;
    }
    let mut row: allowlist_rule::ActiveModel = before.clone().into();
    row.active = Set(active);
    row.updated_at = Set(Utc::now());
    row.updated_by = Set(Some(actor.label.clone()));
    let after = row.update(&txn).await?;
    db::audit::record_on(
        &txn,
        actor,
        if active {
            "allowlist.enable"
        } else {
            "allowlist.disable"
        },
        "allowlist_rule",
        id.to_string(),
        json!({"before": snapshot(&before), "after": snapshot(&after)}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Plans an import against the stored rules (nothing written).
pub async fn plan_import(
    db: &impl ConnectionTrait,
    csv: &str,
    restricted_suffix_confirmed: bool,
) -> AppResult<ImportPlan> {
    let stored = db::allowlist::all_rows(db).await?;
    Ok(plan(csv, &stored, restricted_suffix_confirmed))
}

/// Imports a CSV all-or-nothing. When `expected_digest` is given (a previewed plan), the
/// import is refused if the plan changed since. `source` names the file in the audit log.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    csv: &str,
    restricted_suffix_confirmed: bool,
    expected_digest: Option<&str>,
    source: &str,
) -> AppResult<ImportPlan> {
    let txn = db.begin().await?;
    let plan = plan_import(&txn, csv, restricted_suffix_confirmed).await?;
    if expected_digest.is_some_and(|digest| digest != plan.digest()) {
        return Err(AppError::conflict(
            "plan_changed",
            "Danh sách quy tắc đã thay đổi kể từ lúc xem trước. Hãy xem trước lại rồi xác nhận.",
        ));
    }
    if plan.has_refusals() {
        return Err(AppError::invalid(
            "invalid_import",
            "Tệp có dòng không hợp lệ nên không nhập quy tắc nào. Hãy sửa các dòng bị từ chối rồi thử lại.",
        ));
    }
    let now = Utc::now();
    let mut changes = Vec::new();
    for row in &plan.rows {
        let Some(rule) = &row.rule else { continue };
        match &row.action {
            RowAction::Create => {
                let new = insert(&txn, rule, actor, true).await?;
                changes.push(json!({"id": new.id, "action": "create", "after": snapshot(&new)}));
            }
            RowAction::Update { id, .. } => {
                let before = find(&txn, *id).await?;
                let mut active: allowlist_rule::ActiveModel = before.clone().into();
                active.category = Set(rule.category.to_string());
                active.label = Set(rule.label.clone());
                active.active = Set(true);
                active.updated_at = Set(now);
                active.updated_by = Set(Some(actor.label.clone()));
                let after = active.update(&txn).await?;
                changes.push(json!({
                    "id": id, "action": "update",
                    "before": snapshot(&before), "after": snapshot(&after),
                }));
            }
            RowAction::Unchanged { .. } | RowAction::Refused(_) => {}
        }
    }
    let (created, updated, unchanged, _) = plan.counts();
    db::audit::record(
        &txn,
        actor,
        Event {
            action: "allowlist.import",
            target_type: Some("file"),
            target_id: Some(source.to_owned()),
            detail: Some(json!({
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "restricted_suffix_confirmed": restricted_suffix_confirmed,
                "changes": changes,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{Category, RuleKind, verify_source};

    fn rule(id: i64, kind: RuleKind, pattern: &str) -> Rule {
        Rule::new(kind, pattern, Category::Government, pattern)
            .expect("valid")
            .with_id(id)
    }

    #[test]
    fn what_if_replaces_the_edited_rule_and_adds_a_new_one() {
        let current = vec![
            rule(1, RuleKind::Suffix, "dienbien.gov.vn"),
            rule(2, RuleKind::Host, "baodienbienphu.vn"),
        ];
        let narrowed = rule(0, RuleKind::Host, "dienbien.gov.vn");
        let after = what_if(&current, Some(1), &narrowed);
        assert!(!verify_source(&after, "https://sotp.dienbien.gov.vn/a").is_accepted());
        assert!(verify_source(&after, "https://dienbien.gov.vn/a").is_accepted());
        assert_eq!(
            verify_source(&after, "https://dienbien.gov.vn/a")
                .rule
                .and_then(|r| r.id),
            Some(1)
        );
        let added = what_if(&current, None, &rule(0, RuleKind::Host, "vtv.vn"));
        assert!(verify_source(&added, "https://vtv.vn/x").is_accepted());
        assert_eq!(added.len(), 3);
    }

    #[test]
    fn the_public_suffix_guard_needs_a_confirmation() {
        let gov = rule(0, RuleKind::Suffix, "gov.vn");
        let refused = check_public_suffix(&gov, false).expect_err("refused");
        assert_eq!(refused.code(), PUBLIC_SUFFIX_CODE);
        assert!(check_public_suffix(&gov, true).is_ok());
        assert!(check_public_suffix(&rule(0, RuleKind::Suffix, "dienbien.gov.vn"), false).is_ok());
    }
}
