//! Planning an allowlist import: each rule of the file against the stored rules, as created,
//! updated, unchanged or refused (with why), before anything is written. Pure; the service
//! applies a plan and the pages show it.

use entity::allowlist_rule;
use sha2::{Digest, Sha256};

use crate::verify::{Rule, needs_restricted_suffix_confirmation, parse_rules_csv, refusal_message};

/// What importing one rule would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowAction {
    /// A new rule.
    Create,
    /// The stored rule with this id gets the file's category and label (and is re-enabled).
    Update {
        /// The stored rule.
        id: i64,
        /// Its category, label and active flag now.
        before: (String, String, bool),
    },
    /// The stored rule with this id is already exactly so.
    Unchanged {
        /// The stored rule.
        id: i64,
    },
    /// Not imported, and why (Vietnamese).
    Refused(String),
}

/// One row of the plan: the rule as read (or, for unreadable rows, the line's error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    /// Position in the file: the 1-based line for unreadable rows, else the rule's rank.
    pub line: u64,
    /// The rule, when the row could be read.
    pub rule: Option<Rule>,
    /// What importing it does.
    pub action: RowAction,
}

/// The whole plan; it may be applied only when nothing is refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportPlan {
    /// Every row, in file order.
    pub rows: Vec<PlannedRow>,
}

impl ImportPlan {
    /// How many rows would be created, updated, left unchanged, refused.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for row in &self.rows {
            match row.action {
                RowAction::Create => counts.0 += 1,
                RowAction::Update { .. } => counts.1 += 1,
                RowAction::Unchanged { .. } => counts.2 += 1,
                RowAction::Refused(_) => counts.3 += 1,
            }
        }
        counts
    }

    /// Whether any row is refused (then nothing is imported).
    pub fn has_refusals(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(r.action, RowAction::Refused(_)))
    }

    /// A digest of the plan, carried by the confirmation form so the confirmed import is
    /// exactly the one previewed.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for row in &self.rows {
            hasher.update(format!("{}|{:?}|{:?}\n", row.line, row.rule, row.action).as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// Plans importing `csv` over the `stored` rules. A suffix rule on a public suffix that is
/// not already stored exactly so is refused unless `restricted_suffix_confirmed`.
pub fn plan(
    csv: &str,
    stored: &[allowlist_rule::Model],
    restricted_suffix_confirmed: bool,
) -> ImportPlan {
    let rules = match parse_rules_csv(csv) {
        Ok(rules) => rules,
        Err(errors) => {
            return ImportPlan {
                rows: errors
                    .into_iter()
                    .map(|e| PlannedRow {
                        line: e.line,
                        rule: None,
                        action: RowAction::Refused(e.message),
                    })
                    .collect(),
            };
        }
    };
    let rows = rules
        .into_iter()
        .enumerate()
        .map(|(index, rule)| {
            let existing = stored
                .iter()
                .find(|row| row.kind == rule.kind.as_str() && row.pattern == rule.pattern);
            let action = match existing {
                Some(row)
                    if row.category == rule.category.as_str()
                        && row.label == rule.label
                        && row.active =>
                {
                    RowAction::Unchanged { id: row.id }
                }
                // A new or re-enabled rule on a public suffix needs the confirmation; a
                // label or category change of an active one does not (as in the edit form).
                _ if needs_restricted_suffix_confirmation(&rule)
                    && !restricted_suffix_confirmed
                    && existing.is_none_or(|row| !row.active) =>
                {
                    RowAction::Refused(refusal_message(&rule.pattern))
                }
                Some(row) => RowAction::Update {
                    id: row.id,
                    before: (row.category.clone(), row.label.clone(), row.active),
                },
                None => RowAction::Create,
            };
            PlannedRow {
                line: u64::try_from(index).unwrap_or(u64::MAX).saturating_add(1),
                rule: Some(rule),
                action,
            }
        })
        .collect();
    ImportPlan { rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(
        id: i64,
        kind: &str,
        pattern: &str,
        label: &str,
        active: bool,
    ) -> allowlist_rule::Model {
        let at = chrono::DateTime::UNIX_EPOCH;
        allowlist_rule::Model {
            id,
            kind: kind.into(),
            pattern: pattern.into(),
            category: "government".into(),
            label: label.into(),
            active,
            created_at: at,
            created_by: None,
            updated_at: at,
            updated_by: None,
        }
    }

    #[test]
    fn each_rule_is_created_updated_or_unchanged() {
        let csv = "kind,pattern,category,label\n\
                   host,a.gov.vn,government,A\n\
                   host,b.gov.vn,government,B new\n\
                   host,c.gov.vn,government,C\n\
                   host,d.gov.vn,government,D\n";
        let rows = [
            stored(1, "host", "b.gov.vn", "B", true),
            stored(2, "host", "c.gov.vn", "C", true),
            stored(3, "host", "d.gov.vn", "D", false),
        ];
        let plan = plan(csv, &rows, false);
        let actions: Vec<_> = plan.rows.iter().map(|r| r.action.clone()).collect();
        assert_eq!(actions[0], RowAction::Create);
        assert!(matches!(actions[1], RowAction::Update { id: 1, .. }));
        assert_eq!(actions[2], RowAction::Unchanged { id: 2 });
        assert!(
            matches!(actions[3], RowAction::Update { id: 3, .. }),
            "re-enabled"
        );
        assert_eq!(plan.counts(), (1, 2, 1, 0));
        assert!(!plan.has_refusals());
    }

    #[test]
    fn a_new_public_suffix_rule_is_refused_without_confirmation_but_a_stored_one_is_not() {
        let csv =
            "kind,pattern,category,label\nsuffix,com.vn,press,All\nsuffix,gov.vn,government,Gov\n";
        let rows = [stored(7, "suffix", "gov.vn", "Gov", true)];
        let refused = plan(csv, &rows, false);
        assert!(matches!(&refused.rows[0].action, RowAction::Refused(m) if m.contains("com.vn")));
        assert_eq!(refused.rows[1].action, RowAction::Unchanged { id: 7 });
        let confirmed = plan(csv, &rows, true);
        assert_eq!(confirmed.rows[0].action, RowAction::Create);
        assert_ne!(refused.digest(), confirmed.digest());
    }

    #[test]
    fn relabelling_an_active_public_suffix_rule_needs_no_confirmation_but_reenabling_does() {
        let relabel = "kind,pattern,category,label\nsuffix,gov.vn,government,Gov new\n";
        let active = [stored(7, "suffix", "gov.vn", "Gov", true)];
        assert!(matches!(
            plan(relabel, &active, false).rows[0].action,
            RowAction::Update { id: 7, .. }
        ));
        let disabled = [stored(7, "suffix", "gov.vn", "Gov", false)];
        assert!(plan(relabel, &disabled, false).has_refusals());
        assert!(!plan(relabel, &disabled, true).has_refusals());
    }

    #[test]
    fn unreadable_rows_refuse_the_whole_file_with_their_lines() {
        let csv = "kind,pattern,category,label\nhost,a.gov.vn,government,A\nwrong,x,y,z\n";
        let plan = plan(csv, &[], false);
        assert!(plan.has_refusals());
        assert_eq!(plan.rows.len(), 1);
        assert_eq!(plan.rows[0].line, 3);
    }

    #[test]
    fn the_digest_is_stable() {
        let csv = "kind,pattern,category,label\nhost,a.gov.vn,government,A\n";
        assert_eq!(
            plan(csv, &[], false).digest(),
            plan(csv, &[], false).digest()
        );
    }
}
