//! Import plans: what an uploaded unit or roster table would do to what is stored — row by row
//! created, updated (which fields, from what to what), unchanged or refused (and why) — before
//! anything is written. A plan's digest lets a confirmation prove it applies exactly the plan
//! that was previewed. Pure: the stored units and people come in as values.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{person, unit};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::RowError;
use super::roster::PersonRow;
use super::table::{Column, Table, from_upload};
use super::units::{UnitRow, depth};
use crate::domain::roster::{EmploymentType, UnitKind};
use crate::domain::time::format_vi;

/// One field that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The field's Vietnamese name.
    pub field: &'static str,
    /// Its stored value (empty for none).
    pub before: String,
    /// Its value after the import.
    pub after: String,
}

/// What a row does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// A new unit or person.
    Create,
    /// These fields change.
    Update {
        /// The changes.
        changes: Vec<Change>,
    },
    /// Already as given.
    Unchanged,
    /// Not imported, and why (the whole import is refused while any row is).
    Refused {
        /// Why, in Vietnamese.
        reason: String,
    },
}

/// A row of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRow {
    /// The row's line (CSV) or row number (XLSX); the header is line 1.
    pub line: u64,
    /// The staff or unit code, as read (empty when unreadable).
    pub key: String,
    /// A short description: name, unit, kind.
    pub summary: String,
    /// What happens to it.
    pub outcome: Outcome,
}

/// A whole plan: every row, and the typed rows to apply when nothing is refused.
#[derive(Debug, Clone)]
pub struct Plan<R> {
    /// Every row, in file order.
    pub rows: Vec<PlannedRow>,
    /// The rows that would be written (creates and updates) or are already there.
    pub good: Vec<R>,
}

/// How many rows of each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PlanCounts {
    /// New.
    pub created: usize,
    /// Changed.
    pub updated: usize,
    /// Already as given.
    pub unchanged: usize,
    /// Refused.
    pub refused: usize,
}

impl<R> Plan<R> {
    /// A plan for a table that cannot be read at all.
    pub fn unreadable(error: RowError) -> Self {
        Self {
            rows: vec![refused(error)],
            good: Vec::new(),
        }
    }

    /// Plans rows in file order: a row that could not be read is refused with what it said
    /// (`hints`), every other row is planned by `plan_row`; the rows it does not refuse are the
    /// good ones.
    fn of_rows(
        rows: Vec<Result<R, RowError>>,
        hints: &Hints,
        mut plan_row: impl FnMut(&R) -> PlannedRow,
    ) -> Self {
        let mut plan = Self {
            rows: Vec::new(),
            good: Vec::new(),
        };
        for row in rows {
            match row {
                Err(error) => plan.rows.push(refused_with(error, hints)),
                Ok(row) => {
                    let planned = plan_row(&row);
                    let good = !matches!(planned.outcome, Outcome::Refused { .. });
                    plan.rows.push(planned);
                    if good {
                        plan.good.push(row);
                    }
                }
            }
        }
        plan
    }

    /// Counts by outcome.
    pub fn counts(&self) -> PlanCounts {
        let mut counts = PlanCounts::default();
        for row in &self.rows {
            match row.outcome {
                Outcome::Create => counts.created += 1,
                Outcome::Update { .. } => counts.updated += 1,
                Outcome::Unchanged => counts.unchanged += 1,
                Outcome::Refused { .. } => counts.refused += 1,
            }
        }
        counts
    }

    /// Whether the plan may be applied: no row refused and something to read.
    pub fn can_apply(&self) -> bool {
        !self.rows.is_empty() && self.counts().refused == 0
    }

    /// A digest of every row's outcome: equal digests mean the same plan.
    pub fn digest(&self) -> String {
        let text = serde_json::to_string(&self.rows).unwrap_or_default();
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// What a row said, by line, for rows that could not be read: (code, name) as written.
pub type Hints = HashMap<u64, (String, String)>;

/// Plans an uploaded file (CSV or XLSX): its rows as `read_table` reads them, planned by `plan`
/// with the code and name cells of every row (`columns` order) to show beside a refusal; a file
/// that cannot be read is one refused row.
pub fn plan_upload<R>(
    bytes: &[u8],
    columns: &[Column],
    read_table: impl FnOnce(&Table) -> Result<Vec<Result<R, RowError>>, RowError>,
    plan: impl FnOnce(Vec<Result<R, RowError>>, &Hints) -> Plan<R>,
) -> Plan<R> {
    let table = match from_upload(bytes) {
        Ok(table) => table,
        Err(error) => return Plan::unreadable(error),
    };
    let hints = table
        .select(columns)
        .map(|rows| hints(&rows))
        .unwrap_or_default();
    match read_table(&table) {
        Ok(rows) => plan(rows, &hints),
        Err(error) => Plan::unreadable(error),
    }
}

/// The code and name cells of every row, to show beside a refusal.
pub fn hints(rows: &[(u64, Vec<String>)]) -> Hints {
    rows.iter()
        .map(|(line, cells)| {
            let cell = |at: usize| cells.get(at).cloned().unwrap_or_default();
            (
                *line,
                (
                    cell(0).chars().take(40).collect(),
                    cell(1).chars().take(120).collect(),
                ),
            )
        })
        .collect()
}

fn refused_with(error: RowError, hints: &Hints) -> PlannedRow {
    let (key, summary) = hints.get(&error.line).cloned().unwrap_or_default();
    PlannedRow {
        line: error.line,
        key,
        summary,
        outcome: Outcome::Refused {
            reason: error.message,
        },
    }
}

fn refused(error: RowError) -> PlannedRow {
    PlannedRow {
        line: error.line,
        key: String::new(),
        summary: String::new(),
        outcome: Outcome::Refused {
            reason: error.message,
        },
    }
}

/// The fields in which a stored unit or person differs from a row.
#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn compare(&mut self, field: &'static str, before: String, after: String) {
        if before != after {
            self.0.push(Change {
                field,
                before,
                after,
            });
        }
    }

    /// Unchanged, or an update of the fields that differ.
    fn outcome(self) -> Outcome {
        if self.0.is_empty() {
            Outcome::Unchanged
        } else {
            Outcome::Update { changes: self.0 }
        }
    }
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(format_vi).unwrap_or_default()
}

fn employment_label(code: &str) -> String {
    code.parse::<EmploymentType>()
        .map_or_else(|_| code.to_owned(), |t| t.label_vi().to_owned())
}

fn kind_label(code: &str) -> String {
    code.parse::<UnitKind>()
        .map_or_else(|_| code.to_owned(), |k| k.label_vi().to_owned())
}

/// Whether someone with this last day is still employed on `today`.
pub fn is_active_on(left_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    left_on.is_none_or(|left| left >= today)
}

/// Plans a roster import against the stored people and units.
pub fn plan_roster(
    rows: Vec<Result<PersonRow, RowError>>,
    hints: &Hints,
    people: &[person::Model],
    units: &[unit::Model],
    today: NaiveDate,
) -> Plan<PersonRow> {
    let by_code: HashMap<&str, &person::Model> =
        people.iter().map(|p| (p.staff_code.as_str(), p)).collect();
    let units_by_code: HashMap<&str, &unit::Model> =
        units.iter().map(|u| (u.code.as_str(), u)).collect();
    let unit_code_of: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.code.as_str())).collect();
    Plan::of_rows(rows, hints, |row| {
        let summary = format!(
            "{} · {} · {}",
            row.full_name,
            row.unit_code,
            row.employment_type.label_vi()
        );
        let existing = by_code.get(row.staff_code.as_str()).copied();
        let outcome = match units_by_code.get(row.unit_code.as_str()) {
            None => Outcome::Refused {
                reason: format!(
                    "đơn vị {} chưa có trong hệ thống (nhập đơn vị trước)",
                    row.unit_code
                ),
            },
            Some(unit) if !unit.active && existing.is_none_or(|p| p.unit_id != unit.id) => {
                Outcome::Refused {
                    reason: format!("đơn vị {} đã ngừng hoạt động", row.unit_code),
                }
            }
            Some(unit) => match existing {
                None => Outcome::Create,
                Some(person) => person_update(person, row, unit, &unit_code_of, today),
            },
        };
        PlannedRow {
            line: row.line,
            key: row.staff_code.to_string(),
            summary,
            outcome,
        }
    })
}

fn person_update(
    person: &person::Model,
    row: &PersonRow,
    unit: &unit::Model,
    unit_code_of: &HashMap<i64, &str>,
    today: NaiveDate,
) -> Outcome {
    let mut changes = Changes::default();
    changes.compare("Họ và tên", person.full_name.clone(), row.full_name.clone());
    changes.compare(
        "Thư điện tử",
        person.email.clone().unwrap_or_default(),
        row.email.clone().unwrap_or_default(),
    );
    changes.compare(
        "Đơn vị",
        unit_code_of
            .get(&person.unit_id)
            .map_or_else(String::new, |c| (*c).to_owned()),
        unit.code.clone(),
    );
    changes.compare(
        "Chức vụ",
        person.position.clone().unwrap_or_default(),
        row.position.clone().unwrap_or_default(),
    );
    changes.compare(
        "Loại cán bộ",
        employment_label(&person.employment_type),
        row.employment_type.label_vi().to_owned(),
    );
    changes.compare(
        "Ngày bắt đầu",
        date_text(person.joined_on),
        date_text(row.joined_on),
    );
    changes.compare(
        "Ngày nghỉ",
        date_text(person.left_on),
        date_text(row.left_on),
    );
    let state = |active: bool| {
        if active {
            "đang làm việc"
        } else {
            "đã nghỉ"
        }
        .to_owned()
    };
    changes.compare(
        "Trạng thái",
        state(person.active),
        state(is_active_on(row.left_on, today)),
    );
    changes.outcome()
}

/// Plans a unit import against the stored units.
pub fn plan_units(
    rows: Vec<Result<UnitRow, RowError>>,
    hints: &Hints,
    units: &[unit::Model],
) -> Plan<UnitRow> {
    let by_code: HashMap<&str, &unit::Model> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let code_of: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.code.as_str())).collect();
    // The parent of every code once the file is applied.
    let mut parent_of: HashMap<String, Option<String>> = units
        .iter()
        .map(|u| {
            (
                u.code.clone(),
                u.parent_id
                    .and_then(|p| code_of.get(&p))
                    .map(|c| (*c).to_owned()),
            )
        })
        .collect();
    let in_file: HashSet<String> = rows
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| r.code.clone())
        .collect();
    for row in rows.iter().filter_map(|r| r.as_ref().ok()) {
        parent_of.insert(row.code.clone(), row.parent_code.clone());
    }
    Plan::of_rows(rows, hints, |row| {
        let summary = format!("{} · {}", row.name, row.kind.label_vi());
        let existing = by_code.get(row.code.as_str()).copied();
        let parent = row.parent_code.as_deref();
        let outcome = if let Some(parent) = parent.filter(|p| !parent_of.contains_key(*p)) {
            Outcome::Refused {
                reason: format!("đơn vị cấp trên {parent} không có trong tệp hay trong hệ thống"),
            }
        } else if let Some(parent) = parent
            .filter(|p| !in_file.contains(*p))
            .and_then(|p| by_code.get(p))
            .filter(|p| !p.active)
        {
            Outcome::Refused {
                reason: format!("đơn vị cấp trên {} đã ngừng hoạt động", parent.code),
            }
        } else if depth(&parent_of, &row.code).is_none() {
            Outcome::Refused {
                reason: format!("đơn vị {} tạo thành vòng lặp cấp trên – cấp dưới", row.code),
            }
        } else {
            match existing {
                None => Outcome::Create,
                Some(unit) => unit_update(unit, row, &code_of),
            }
        };
        PlannedRow {
            line: row.line,
            key: row.code.clone(),
            summary,
            outcome,
        }
    })
}

fn unit_update(unit: &unit::Model, row: &UnitRow, code_of: &HashMap<i64, &str>) -> Outcome {
    let mut changes = Changes::default();
    changes.compare("Tên đơn vị", unit.name.clone(), row.name.clone());
    changes.compare(
        "Loại",
        kind_label(&unit.kind),
        row.kind.label_vi().to_owned(),
    );
    changes.compare(
        "Đơn vị cấp trên",
        unit.parent_id
            .and_then(|p| code_of.get(&p))
            .map_or_else(String::new, |c| (*c).to_owned()),
        row.parent_code.clone().unwrap_or_default(),
    );
    if !unit.active {
        changes.compare(
            "Trạng thái",
            "ngừng hoạt động".to_owned(),
            "hoạt động".to_owned(),
        );
    }
    changes.outcome()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::table::from_csv;

    fn at() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::<chrono::Utc>::UNIX_EPOCH
    }

    fn unit(id: i64, code: &str, parent: Option<i64>, active: bool) -> unit::Model {
        unit::Model {
            id,
            code: code.into(),
            name: format!("Đơn vị {code}"),
            kind: "department".into(),
            parent_id: parent,
            path: String::new(),
            active,
            created_at: at(),
            updated_at: at(),
        }
    }

    fn person(code: &str, name: &str, unit_id: i64) -> person::Model {
        person::Model {
            id: 1,
            staff_code: code.into(),
            full_name: name.into(),
            sort_key: String::new(),
            email: None,
            unit_id,
            position: None,
            employment_type: "cong_chuc".into(),
            joined_on: None,
            left_on: None,
            active: true,
            created_at: at(),
            updated_at: at(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
    }

    fn roster(text: &str) -> Vec<Result<PersonRow, RowError>> {
        let table = from_csv(text).expect("table");
        crate::import::roster::read_table(&table).expect("columns")
    }

    #[test]
    fn a_roster_plan_says_per_row_what_happens_and_why() {
        let units = [
            unit(1, "DB", None, true),
            unit(2, "SNV", Some(1), true),
            unit(3, "OLD", Some(1), false),
        ];
        let people = [
            person("DB001", "Nguyễn Văn An", 2),
            person("DB002", "Lò Thị Bình", 2),
        ];
        let plan = plan_roster(
            roster(
                "staff_code,full_name,unit_code,employment_type\n\
                 DB001,Nguyễn Văn An,SNV,cong_chuc\n\
                 DB002,Lò Thị Bình,DB,cong_chuc\n\
                 DB003,Trần Chính,SNV,vien_chuc\n\
                 DB004,Quàng Dũng,XYZ,vien_chuc\n\
                 DB005,Mùa Páo,OLD,vien_chuc\n\
                 DB003,Trần Chính,SNV,vien_chuc\n",
            ),
            &Hints::new(),
            &people,
            &units,
            today(),
        );
        let kinds: Vec<&str> = plan
            .rows
            .iter()
            .map(|r| match &r.outcome {
                Outcome::Create => "create",
                Outcome::Update { .. } => "update",
                Outcome::Unchanged => "unchanged",
                Outcome::Refused { .. } => "refused",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "unchanged",
                "update",
                "create",
                "refused",
                "refused",
                "refused"
            ]
        );
        let Outcome::Update { changes } = &plan.rows[1].outcome else {
            panic!("an update");
        };
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].before.as_str(), changes[0].after.as_str()),
            ("SNV", "DB")
        );
        assert!(
            matches!(&plan.rows[3].outcome, Outcome::Refused { reason } if reason.contains("XYZ"))
        );
        assert!(
            matches!(&plan.rows[4].outcome, Outcome::Refused { reason } if reason.contains("ngừng"))
        );
        assert!(
            matches!(&plan.rows[5].outcome, Outcome::Refused { reason } if reason.contains("trùng"))
        );
        assert!(!plan.can_apply());
        assert_eq!(plan.good.len(), 3);
    }

    #[test]
    fn the_digest_changes_when_what_is_stored_changes() {
        let units = [unit(1, "DB", None, true)];
        let text =
            "staff_code,full_name,unit_code,employment_type\nDB001,Nguyễn Văn An,DB,cong_chuc\n";
        let before = plan_roster(roster(text), &Hints::new(), &[], &units, today());
        let again = plan_roster(roster(text), &Hints::new(), &[], &units, today());
        assert!(before.can_apply());
        assert_eq!(before.digest(), again.digest());
        let stored = [person("DB001", "Nguyễn Văn Ân", 1)];
        let after = plan_roster(roster(text), &Hints::new(), &stored, &units, today());
        assert_ne!(before.digest(), after.digest());
    }

    #[test]
    fn a_unit_plan_refuses_unknown_parents_cycles_and_retired_parents() {
        let units = [
            unit(1, "DB", None, true),
            unit(2, "A", Some(1), true),
            unit(3, "OLD", Some(1), false),
        ];
        let table = from_csv(
            "code,name,kind,parent_code\n\
             A,Đơn vị A,department,B\n\
             B,Đơn vị B,department,A\n\
             C,Đơn vị C,department,NONE\n\
             D,Đơn vị D,department,OLD\n\
             E,Đơn vị E,department,DB\n",
        )
        .expect("table");
        let rows = crate::import::units::read_table(&table).expect("columns");
        let plan = plan_units(rows, &Hints::new(), &units);
        let refused: Vec<u64> = plan
            .rows
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Refused { .. }))
            .map(|r| r.line)
            .collect();
        assert_eq!(refused, [2, 3, 4, 5]);
        assert_eq!(plan.rows[4].outcome, Outcome::Create);
    }
}
