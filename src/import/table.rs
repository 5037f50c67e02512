//! An uploaded table — CSV text or the first sheet of an XLSX workbook — as a header row and
//! cells of text, with columns found by name (the CSV's names or Vietnamese headers) in any
//! order. The one place spreadsheet cells become text: numbers typed as codes lose their `.0`,
//! real Excel dates become `YYYY-MM-DD`.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::{RowError, csv_rows};
use crate::domain::names::fold_ascii;

/// A column an import reads.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The CSV header name (`staff_code`).
    pub name: &'static str,
    /// Other headers accepted for it, written as people write them (`Mã cán bộ`).
    pub aliases: &'static [&'static str],
    /// Whether the file must have it (a missing optional column reads as empty cells).
    pub required: bool,
}

/// A header row and the rows under it, each with its line (CSV) or row number (XLSX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header's line.
    pub header_line: u64,
    /// The header cells as written.
    pub header: Vec<String>,
    /// Every non-blank row under the header.
    pub rows: Vec<(u64, Vec<String>)>,
}

/// The largest number of rows an uploaded table may have.
pub const MAX_ROWS: usize = 100_000;

/// Which format a file is, from its first bytes (an XLSX file is a ZIP archive).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads an uploaded file: XLSX by its content, anything else as UTF-8 CSV.
pub fn from_upload(bytes: &[u8]) -> Result<Table, RowError> {
    if is_xlsx(bytes) {
        return from_xlsx(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        RowError::new(
            1,
            "tệp không phải XLSX và cũng không phải CSV mã UTF-8 (trong Excel chọn «CSV UTF-8» khi lưu)",
        )
    })?;
    from_csv(text)
}

/// Reads CSV text (UTF-8, with or without a BOM).
pub fn from_csv(text: &str) -> Result<Table, RowError> {
    let (rows, errors) = csv_rows(text);
    if let Some(first) = errors.into_iter().next() {
        return Err(first);
    }
    from_rows(rows)
}

/// Reads the first sheet of an XLSX workbook.
pub fn from_xlsx(bytes: &[u8]) -> Result<Table, RowError> {
    let unreadable =
        |e: &dyn std::fmt::Display| RowError::new(1, format!("không đọc được tệp XLSX: {e}"));
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| RowError::new(1, "tệp XLSX không có trang tính nào"))?
        .map_err(|e| unreadable(&e))?;
    let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
    let first_col = range.start().map_or(0, |(_, col)| col as usize);
    let mut rows = Vec::new();
    for (index, cells) in range.rows().enumerate() {
        // Cells left of the range's start are empty; keep column positions as in the sheet.
        let mut texts = vec![String::new(); first_col];
        texts.extend(cells.iter().map(cell_text));
        if texts.iter().all(String::is_empty) {
            continue;
        }
        rows.push((first_row + index as u64 + 1, texts));
        if rows.len() > MAX_ROWS + 1 {
            break;
        }
    }
    from_rows(rows)
}

/// A spreadsheet cell as the text a CSV would have held.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => dt
            .as_datetime()
            .map_or_else(|| number_text(dt.as_f64()), |at| at.date().to_string()),
        Data::DateTime(dt) => number_text(dt.as_f64()),
        // An ISO date-time written as text by some programs: its date part.
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_owned(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
        Data::Empty => String::new(),
    }
}

/// A number without a spurious `.0`: a staff code typed as 1234 is stored as 1234.0.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

fn from_rows(mut rows: Vec<(u64, Vec<String>)>) -> Result<Table, RowError> {
    if rows.is_empty() {
        return Err(RowError::new(1, "tệp trống: cần dòng tiêu đề"));
    }
    if rows.len() > MAX_ROWS + 1 {
        return Err(RowError::new(
            1,
            format!("tệp có quá nhiều dòng (tối đa {MAX_ROWS})"),
        ));
    }
    let (header_line, header) = rows.remove(0);
    Ok(Table {
        header_line,
        header,
        rows,
    })
}

/// A header folded for matching: no diacritics, lower case, words joined by `_`.
pub fn header_key(text: &str) -> String {
    fold_ascii(text.trim())
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

impl Table {
    /// The rows with their cells in the order of `columns` (an absent optional column gives
    /// empty cells), or why the header does not fit.
    pub fn select(&self, columns: &[Column]) -> Result<Vec<(u64, Vec<String>)>, RowError> {
        let keys: Vec<String> = self.header.iter().map(|h| header_key(h)).collect();
        let mut positions = Vec::with_capacity(columns.len());
        let mut missing = Vec::new();
        for column in columns {
            let found = keys.iter().position(|k| {
                k == column.name || column.aliases.iter().any(|a| header_key(a) == *k)
            });
            match found {
                Some(at) => positions.push(Some(at)),
                None if column.required => {
                    missing.push(column.name);
                    positions.push(None);
                }
                None => positions.push(None),
            }
        }
        if !missing.is_empty() {
            let expected: Vec<&str> = columns.iter().map(|c| c.name).collect();
            return Err(RowError::new(
                self.header_line,
                format!(
                    "thiếu cột {} (dòng tiêu đề cần các cột «{}»)",
                    missing.join(", "),
                    expected.join(",")
                ),
            ));
        }
        Ok(self
            .rows
            .iter()
            .map(|(line, cells)| {
                let picked = positions
                    .iter()
                    .map(|p| {
                        p.and_then(|at| cells.get(at))
                            .map(|c| c.trim().to_owned())
                            .unwrap_or_default()
                    })
                    .collect();
                (*line, picked)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[
        Column {
            name: "staff_code",
            aliases: &["Mã cán bộ"],
            required: true,
        },
        Column {
            name: "left_on",
            aliases: &["Ngày nghỉ"],
            required: false,
        },
    ];

    #[test]
    fn headers_are_matched_by_name_in_any_order_with_vietnamese_aliases() {
        let table = from_csv("Ngày nghỉ,Ghi chú,MÃ CÁN BỘ\n01/02/2026,x,db1\n").expect("table");
        let rows = table.select(COLUMNS).expect("columns");
        assert_eq!(
            rows,
            vec![(2, vec!["db1".to_owned(), "01/02/2026".to_owned()])]
        );
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let table = from_csv("left_on\n\n").expect("table");
        let error = table.select(COLUMNS).expect_err("refused");
        assert!(error.message.contains("staff_code"), "{error}");
    }

    #[test]
    fn an_optional_column_may_be_absent() {
        let table = from_csv("staff_code\nDB1\n").expect("table");
        let rows = table.select(COLUMNS).expect("columns");
        assert_eq!(rows[0].1, vec!["DB1".to_owned(), String::new()]);
    }

    #[test]
    fn numbers_typed_as_codes_lose_their_decimal_point() {
        assert_eq!(cell_text(&Data::Float(1234.0)), "1234");
        assert_eq!(cell_text(&Data::Float(12.5)), "12.5");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(
            cell_text(&Data::String(" Lò Thị Bình ".into())),
            "Lò Thị Bình"
        );
        assert_eq!(
            cell_text(&Data::DateTimeIso("2026-03-01T00:00:00".into())),
            "2026-03-01"
        );
    }

    #[test]
    fn an_xlsx_sheet_reads_with_dates_numbers_and_vietnamese_text() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let joined = ExcelDateTime::from_ymd(2026, 3, 1).expect("date");
        sheet.write(0, 0, "Mã cán bộ").expect("write");
        sheet.write(0, 1, "Ngày nghỉ").expect("write");
        sheet.write(1, 0, 1234).expect("write");
        sheet
            .write_with_format(1, 1, &joined, &date)
            .expect("write");
        sheet.write(3, 0, "Nguyễn").expect("write");
        sheet.write(3, 1, "15/04/2026").expect("write");
        let bytes = workbook.save_to_buffer().expect("xlsx");
        assert!(is_xlsx(&bytes));
        let table = from_upload(&bytes).expect("table");
        let rows = table.select(COLUMNS).expect("columns");
        assert_eq!(
            rows,
            vec![
                (2, vec!["1234".to_owned(), "2026-03-01".to_owned()]),
                (4, vec!["Nguyễn".to_owned(), "15/04/2026".to_owned()]),
            ]
        );
    }

    #[test]
    fn a_file_that_is_neither_is_refused() {
        assert!(from_upload(&[0xff, 0xfe, 0x00]).is_err());
        assert!(from_upload(b"PK\x03\x04garbage").is_err());
        assert!(from_upload(b"").is_err());
    }
}
