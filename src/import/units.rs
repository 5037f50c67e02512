//! `import-units` CSV: `code,name,kind,parent_code`.

use super::{RowError, optional, read_records};
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

/// Parses the whole file, reporting every bad row.
pub fn parse(text: &str) -> Result<Vec<UnitRow>, Vec<RowError>> {
    let records = read_records(text, HEADER)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (line, cells) in records.rows {
        let mut problems = Vec::new();
        let code = parse_unit_code(&cells[0])
            .map_err(|e| problems.push(e))
            .ok();
        let name = cells[1].trim().to_owned();
        if name.is_empty() {
            problems.push("tên đơn vị không được để trống".to_owned());
        } else if name.chars().count() > 200 || name.chars().any(char::is_control) {
            problems.push("tên đơn vị quá dài hoặc có ký tự điều khiển".to_owned());
        }
        let kind = cells[2]
            .parse::<UnitKind>()
            .map_err(|e| problems.push(e))
            .ok();
        let parent_code = match optional(&cells[3]).map(|c| parse_unit_code(&c)) {
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
        match (code, kind, problems.is_empty()) {
            (Some(code), Some(kind), true) => rows.push(UnitRow {
                line,
                code,
                name,
                kind,
                parent_code,
            }),
            _ => errors.push(RowError::new(line, problems.join("; "))),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
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
