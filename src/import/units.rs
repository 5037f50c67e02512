//! `import-units` CSV: `code,name,kind,parent_code`.

use std::collections::{HashMap, HashSet};

use super::table::{Column, Table};
use super::{RowError, all_or_errors, optional, read_records};
use crate::domain::roster::{UnitKind, parse_unit_code};

/// The header the file must start with.
pub const HEADER: &[&str] = &["code", "name", "kind", "parent_code"];

/// One unit as given in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// Line in the file.
    pub line: u64,
    /// Unit code, upper-cased.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Kind of unit.
    pub kind: UnitKind,
    /// Parent's code, or none for a root.
    pub parent_code: Option<String>,
}

/// The columns of a unit table, with the Vietnamese headers accepted for each.
pub const COLUMNS: &[Column] = &[
    Column {
        name: "code",
        aliases: &["Mã đơn vị", "Mã"],
        required: true,
    },
    Column {
        name: "name",
        aliases: &["Tên đơn vị", "Tên"],
        required: true,
    },
    Column {
        name: "kind",
        aliases: &["Loại đơn vị", "Loại"],
        required: true,
    },
    Column {
        name: "parent_code",
        aliases: &["Mã đơn vị cấp trên", "Cấp trên"],
        required: false,
    },
];

/// Parses the whole file, reporting every bad row.
pub fn parse(text: &str) -> Result<Vec<UnitRow>, Vec<RowError>> {
    all_or_errors(parse_rows(read_records(text, HEADER)?.rows))
}

/// Reads an uploaded table (CSV or XLSX, columns by name): every row, good or refused, or why
/// the table as a whole cannot be read.
pub fn read_table(table: &Table) -> Result<Vec<Result<UnitRow, RowError>>, RowError> {
    Ok(parse_rows(table.select(COLUMNS)?))
}

/// Parses rows whose cells are in `HEADER` order, each on its own; a code seen on an earlier
/// row refuses the later one.
pub fn parse_rows(records: Vec<(u64, Vec<String>)>) -> Vec<Result<UnitRow, RowError>> {
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (line, cells) in records {
        let cell = |at: usize| cells.get(at).map_or("", String::as_str);
        let mut problems = Vec::new();
        let code = parse_unit_code(cell(0)).map_err(|e| problems.push(e)).ok();
        let name = check_unit_name(cell(1)).map_err(|e| problems.push(e)).ok();
        let kind = cell(2)
            .parse::<UnitKind>()
            .map_err(|e| problems.push(e))
            .ok();
        let parent_code = match optional(cell(3)).map(|c| parse_unit_code(&c)) {
            Some(Ok(c)) => Some(c),
            Some(Err(e)) => {
                problems.push(format!("đơn vị cấp trên: {e}"));
                None
            }
            None => None,
        };
        if let (Some(code), Some(parent)) = (&code, &parent_code)
            && code == parent
        {
            problems.push("đơn vị không thể là cấp trên của chính nó".to_owned());
        }
        if let Some(code) = &code
            && let Some(first) = seen.insert(code.clone(), line)
        {
            problems.push(format!("mã đơn vị {code} trùng với dòng {first}"));
        }
        out.push(match (code, name, kind, problems.is_empty()) {
            (Some(code), Some(name), Some(kind), true) => Ok(UnitRow {
                line,
                code,
                name,
                kind,
                parent_code,
            }),
            _ => Err(RowError::new(line, problems.join("; "))),
        });
    }
    out
}

/// Steps from a unit code up to its root through `parent_of` (code → parent code), or None on
/// a cycle.
pub fn depth(parent_of: &HashMap<String, Option<String>>, code: &str) -> Option<usize> {
    let mut seen = HashSet::new();
    let mut current = code.to_owned();
    let mut steps = 0;
    while let Some(Some(parent)) = parent_of.get(&current) {
        if !seen.insert(current.clone()) {
            return None;
        }
        current = parent.clone();
        steps += 1;
    }
    Some(steps)
}

/// Checks a unit's name: 1–200 characters, no control characters; spaces collapsed.
pub fn check_unit_name(name: &str) -> Result<String, String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err("tên đơn vị không được để trống".to_owned())
    } else if name.chars().count() > 200 || name.chars().any(char::is_control) {
        Err("tên đơn vị quá dài hoặc có ký tự điều khiển".to_owned())
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_rows_are_read() {
        let rows = parse("code,name,kind,parent_code\nDB,Tỉnh Điện Biên,province,\nSNV,Sở Nội vụ,department,DB\n")
            .unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].parent_code.as_deref(), Some("DB"));
        assert_eq!(rows[0].kind, UnitKind::Province);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let errors = parse("code,name,kind,parent_code\nDB,Tỉnh,province,\n,Không mã,ward,DB\nX,Tên,castle,DB\nDB,Lặp,ward,\n")
            .err()
            .unwrap_or_default();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5], "{errors:?}");
    }
}
