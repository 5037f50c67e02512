//! Pure CSV readers for the import commands: text in, typed rows or line-numbered errors out.
//! No database here; `db::units`, `db::people` and `db::shares` apply the rows.

pub mod allowlist;
pub mod plan;
pub mod roster;
pub mod shares;
pub mod table;
pub mod units;

use std::fmt;

/// A refused row, by its line number in the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl RowError {
    /// A new row error.
    pub fn new(line: u64, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dòng {}: {}", self.line, self.message)
    }
}

/// A CSV file split into records with their line numbers, after checking the header.
pub(crate) struct Records {
    /// (line number, cells) for each non-blank row.
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Reads CSV text (UTF-8, with or without a BOM) whose header must be exactly `expected`.
pub(crate) fn read_records(text: &str, expected: &[&str]) -> Result<Records, Vec<RowError>> {
    let (mut records, mut errors) = csv_rows(text);
    if records.is_empty() {
        errors.insert(
            0,
            RowError::new(
                1,
                format!("tệp trống: cần dòng tiêu đề «{}»", expected.join(",")),
            ),
        );
        return Err(errors);
    }
    let (line, header) = records.remove(0);
    let header: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
    if header != expected {
        return Err(vec![RowError::new(
            line,
            format!(
                "dòng tiêu đề phải là «{}», nhận được «{}»",
                expected.join(","),
                header.join(",")
            ),
        )]);
    }
    let mut rows = Vec::new();
    for (line, cells) in records {
        if cells.len() == expected.len() {
            rows.push((line, cells));
        } else {
            errors.push(RowError::new(
                line,
                format!("cần {} cột, có {} cột", expected.len(), cells.len()),
            ));
        }
    }
    errors.sort_by_key(|e| e.line);
    if errors.is_empty() {
        Ok(Records { rows })
    } else {
        Err(errors)
    }
}

/// Every non-blank CSV record (the header included) with its line number, and the records that
/// could not be read.
pub(crate) fn csv_rows(text: &str) -> (Vec<(u64, Vec<String>)>, Vec<RowError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    // The csv crate does not count skipped blank lines, so lines come from byte offsets.
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect();
    let bytes = text.as_bytes();
    let line_at = |byte: u64| -> u64 {
        // A record's position may point at the blank lines skipped before it.
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
            at += 1;
        }
        let before = newlines.partition_point(|&n| n < at);
        before as u64 + 1
    };
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                let line = err.position().map_or(0, |p| line_at(p.byte()));
                errors.push(RowError::new(
                    line,
                    format!("không đọc được dòng CSV: {err}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    (rows, errors)
}

/// Every row, or every refusal when any row is refused.
pub(crate) fn all_or_errors<R>(rows: Vec<Result<R, RowError>>) -> Result<Vec<R>, Vec<RowError>> {
    let (rows, errors): (Vec<_>, Vec<_>) = rows.into_iter().partition(Result::is_ok);
    if errors.is_empty() {
        Ok(rows.into_iter().filter_map(Result::ok).collect())
    } else {
        Err(errors.into_iter().filter_map(Result::err).collect())
    }
}

/// Empty cells mean "not given".
pub(crate) fn optional(cell: &str) -> Option<String> {
    let cell = cell.trim();
    (!cell.is_empty()).then(|| cell.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_and_blank_lines_are_accepted() {
        let records = read_records("\u{feff}a,b\n\n1,2\n", &["a", "b"]).map(|r| r.rows);
        assert_eq!(records, Ok(vec![(3, vec!["1".to_owned(), "2".to_owned()])]));
    }

    #[test]
    fn a_wrong_header_is_refused_on_line_one() {
        let errors = read_records("x,y\n1,2\n", &["a", "b"])
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
    }

    #[test]
    fn rows_with_the_wrong_number_of_cells_are_reported_by_line() {
        let errors = read_records("a,b\n1,2\n1\n1,2,3\n", &["a", "b"])
            .err()
            .unwrap_or_default();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4]);
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert!(read_records("", &["a"]).is_err());
    }
}
