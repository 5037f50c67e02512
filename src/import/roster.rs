//! `import-roster` CSV:
//! `staff_code,full_name,email,unit_code,position,employment_type,joined_on,left_on`.

use chrono::NaiveDate;

use super::table::{Column, Table};
use super::{RowError, all_or_errors, optional, read_records};
use crate::domain::roster::{EmploymentType, StaffCode, parse_unit_code, truncate_for_message};
use crate::domain::time::parse_date;

/// The header the file must start with.
pub const HEADER: &[&str] = &[
    "staff_code",
    "full_name",
    "email",
    "unit_code",
    "position",
    "employment_type",
    "joined_on",
    "left_on",
];

/// One person as given in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// Line in the file.
    pub line: u64,
    /// Staff code, upper-cased.
    pub staff_code: StaffCode,
    /// Full name as written (family name first).
    pub full_name: String,
    /// Work e-mail, lower-cased.
    pub email: Option<String>,
    /// Unit code.
    pub unit_code: String,
    /// Position (chức vụ).
    pub position: Option<String>,
    /// Personnel category.
    pub employment_type: EmploymentType,
    /// First day of employment.
    pub joined_on: Option<NaiveDate>,
    /// Last day of employment.
    pub left_on: Option<NaiveDate>,
}

/// Checks a person's full name: 1–120 characters, letters and spaces, no control characters.
pub fn check_full_name(name: &str) -> Result<String, String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("họ và tên không được để trống".to_owned());
    }
    if name.chars().count() > 120 {
        return Err("họ và tên quá dài (tối đa 120 ký tự)".to_owned());
    }
    if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '<' | '>' | '"' | ';'))
    {
        return Err("họ và tên có ký tự không hợp lệ".to_owned());
    }
    Ok(name)
}

/// Checks an e-mail address loosely (one `@`, a dot in the domain, no spaces), lower-cased.
pub fn check_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split('@').count() == 2
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(format!("địa chỉ thư điện tử «{email}» không hợp lệ"))
    }
}

/// The columns of a roster table, with the Vietnamese headers accepted for each.
pub const COLUMNS: &[Column] = &[
    Column {
        name: "staff_code",
        aliases: &["Mã cán bộ", "Mã CB", "Mã số"],
        required: true,
    },
    Column {
        name: "full_name",
        aliases: &["Họ và tên", "Họ tên"],
        required: true,
    },
    Column {
        name: "email",
        aliases: &["Thư điện tử", "E-mail"],
        required: false,
    },
    Column {
        name: "unit_code",
        aliases: &["Mã đơn vị"],
        required: true,
    },
    Column {
        name: "position",
        aliases: &["Chức vụ"],
        required: false,
    },
    Column {
        name: "employment_type",
        aliases: &["Loại cán bộ", "Loại"],
        required: true,
    },
    Column {
        name: "joined_on",
        aliases: &["Ngày bắt đầu", "Ngày vào làm"],
        required: false,
    },
    Column {
        name: "left_on",
        aliases: &["Ngày nghỉ", "Ngày nghỉ việc"],
        required: false,
    },
];

/// Parses the whole file, reporting every bad row.
pub fn parse(text: &str) -> Result<Vec<PersonRow>, Vec<RowError>> {
    all_or_errors(parse_rows(read_records(text, HEADER)?.rows))
}

/// Reads an uploaded table (CSV or XLSX, columns by name): every row, good or refused, or why
/// the table as a whole cannot be read.
pub fn read_table(table: &Table) -> Result<Vec<Result<PersonRow, RowError>>, RowError> {
    Ok(parse_rows(table.select(COLUMNS)?))
}

/// Parses rows whose cells are in `HEADER` order, each on its own; a staff code seen on an
/// earlier row refuses the later one.
pub fn parse_rows(rows: Vec<(u64, Vec<String>)>) -> Vec<Result<PersonRow, RowError>> {
    let mut seen = std::collections::HashMap::new();
    rows.into_iter()
        .map(|(line, cells)| {
            let mut problems = Vec::new();
            let row = parse_cells(line, &cells, &mut problems);
            if let Some(row) = &row
                && let Some(first) = seen.insert(row.staff_code.clone(), line)
            {
                problems.push(format!(
                    "mã cán bộ {} trùng với dòng {first}",
                    row.staff_code
                ));
            }
            match row {
                Some(row) if problems.is_empty() => Ok(row),
                _ => Err(RowError::new(line, problems.join("; "))),
            }
        })
        .collect()
}

fn parse_cells(line: u64, cells: &[String], problems: &mut Vec<String>) -> Option<PersonRow> {
    let cell = |at: usize| cells.get(at).map_or("", String::as_str);
    let staff_code = StaffCode::parse(cell(0)).map_err(|e| problems.push(e)).ok();
    let full_name = check_full_name(cell(1)).map_err(|e| problems.push(e)).ok();
    let email = match optional(cell(2)).map(|e| check_email(&e)) {
        Some(Ok(e)) => Some(e),
        Some(Err(e)) => {
            problems.push(e);
            None
        }
        None => None,
    };
    let unit_code = parse_unit_code(cell(3)).map_err(|e| problems.push(e)).ok();
    let position = optional(cell(4));
    if position.as_ref().is_some_and(|p| p.chars().count() > 200) {
        problems.push("chức vụ quá dài".to_owned());
    }
    let employment_type = cell(5)
        .parse::<EmploymentType>()
        .map_err(|e| problems.push(e))
        .ok();
    let mut date = |text: &str, what: &str| match optional(text) {
        None => None,
        Some(text) => {
            let parsed = parse_date(&text);
            if parsed.is_none() {
                problems.push(format!(
                    "{what} «{}» không hợp lệ (dùng dd/mm/yyyy hoặc YYYY-MM-DD)",
                    truncate_for_message(&text)
                ));
            }
            parsed
        }
    };
    let joined_on = date(cell(6), "ngày bắt đầu");
    let left_on = date(cell(7), "ngày nghỉ");
    if let (Some(j), Some(l)) = (joined_on, left_on)
        && l < j
    {
        problems.push("ngày nghỉ trước ngày bắt đầu".to_owned());
    }
    Some(PersonRow {
        line,
        staff_code: staff_code?,
        full_name: full_name?,
        email,
        unit_code: unit_code?,
        position,
        employment_type: employment_type?,
        joined_on,
        left_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "staff_code,full_name,email,unit_code,position,employment_type,joined_on,left_on\n";

    #[test]
    fn both_date_formats_and_a_bom_are_read() {
        let text = format!(
            "\u{feff}{HEAD}db001,Nguyễn Văn An,An@DienBien.gov.vn,SNV,Chuyên viên,cong_chuc,2026-01-15,\ndb002,Lò Thị Bình,,SNV,,vien_chuc,,30/06/2026\n"
        );
        let rows = parse(&text).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].staff_code.as_str(), "DB001");
        assert_eq!(rows[0].email.as_deref(), Some("an@dienbien.gov.vn"));
        assert_eq!(rows[0].joined_on, NaiveDate::from_ymd_opt(2026, 1, 15));
        assert_eq!(rows[1].left_on, NaiveDate::from_ymd_opt(2026, 6, 30));
    }

    #[test]
    fn every_bad_row_is_reported() {
        let text = format!(
            "{HEAD}DB1,,x@y.vn,SNV,,cong_chuc,,\nDB2,Tên,khong-email,SNV,,cong_chuc,,\nDB3,Tên,,SNV,,giam_doc,,\nDB4,Tên,,SNV,,cong_chuc,31/02/2026,\nDB5,Tên,,SNV,,cong_chuc,2026-05-01,2026-04-01\nDB5,Tên,,SNV,,cong_chuc,,\n"
        );
        let errors = parse(&text).err().unwrap_or_default();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 7], "{errors:?}");
    }
}
