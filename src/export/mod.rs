//! Export writers, pure: the evaluation table (XLSX, CSV, JSON) for Sở Nội vụ, the annual report
//! for Sở VHTTDL and the commendation shortlist. Rows come in from the service layer a chunk at a
//! time and bytes go out, so a province-wide export never holds the whole table.

pub mod accounts;
pub mod evaluation;
pub mod form;
pub mod reminder;
pub mod report;
pub mod shortlist;

use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::roster::EmploymentType;
use crate::error::AppError;
use crate::tally::Period;

/// The file formats of the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `{year, closed, rows: [...]}`.
    Json,
    /// UTF-8 with a BOM, comma-separated, one header line.
    Csv,
    /// An Excel workbook laid out as an administrative form.
    Xlsx,
}

impl Format {
    /// The stored and typed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl FromStr for Format {
    type Err = AppError;

    fn from_str(s: &str) -> Result<Self, AppError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(AppError::invalid(
                "unsupported_format",
                "Định dạng không được hỗ trợ (dùng format=xlsx, csv hoặc json).",
            )),
        }
    }
}

/// One person's line of the evaluation export. Serialises to the rows of the JSON export
/// (the shape of `GET /api/v1/units/{code}/tally`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationRow {
    /// Staff code.
    pub staff_code: String,
    /// Full name.
    pub full_name: String,
    /// Code of the unit that rates the person (their current unit; for a closed year, the unit
    /// they were in when it was closed).
    pub unit_code: String,
    /// Name of that unit.
    pub unit_name: String,
    /// Position.
    pub position: Option<String>,
    /// Employment type code (`can_bo`, `cong_chuc`, `vien_chuc`, `nguoi_lao_dong`).
    pub employment_type: String,
    /// Accepted shares in the period.
    pub accepted: u32,
    /// Rejected shares in the period.
    pub rejected: u32,
    /// Pro-rated target; `None` without a policy.
    pub target: Option<u32>,
    /// Whether the target is met; `None` without a policy.
    pub met: Option<bool>,
    /// Level name; `None` without a policy.
    pub level: Option<String>,
    /// Accepted shares per calendar quarter (Q1–Q4).
    pub quarters: [u32; 4],
    /// The unit's id (for grouping; not exported).
    #[serde(skip)]
    pub unit_id: i64,
}

impl EvaluationRow {
    /// The Vietnamese label of the employment type (the code itself if unknown).
    pub fn employment_label(&self) -> &str {
        match self.employment_type.parse::<EmploymentType>() {
            Ok(t) => t.label_vi(),
            Err(_) => &self.employment_type,
        }
    }

    /// `accepted × 100 ÷ target`, rounded down; `None` without a target or with a target of 0.
    pub fn percent(&self) -> Option<u32> {
        self.target.filter(|&t| t > 0).map(|t| {
            u32::try_from(u64::from(self.accepted) * 100 / u64::from(t)).unwrap_or(u32::MAX)
        })
    }
}

/// What the top of an exported form says: who issues it, for what scope and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormHeader {
    /// The issuing body, e.g. `UBND TỈNH ĐIỆN BIÊN`.
    pub organization: String,
    /// The unit the export is limited to; `None` for the whole province.
    pub unit_name: Option<String>,
    /// The work year.
    pub year: i32,
    /// The evaluation period.
    pub period: Period,
    /// Whether the year is closed (its figures final).
    pub closed: bool,
    /// The day of the export (Asia/Ho_Chi_Minh).
    pub exported_on: NaiveDate,
    /// Who made it (printed under *Người lập biểu*); `None` from the command line.
    pub prepared_by: Option<String>,
}

impl FormHeader {
    /// "toàn tỉnh" or the unit's name.
    pub fn scope_label(&self) -> String {
        self.unit_name
            .clone()
            .unwrap_or_else(|| "Toàn tỉnh".to_owned())
    }
}

/// A file name for a download: `{stem}-{year}[-{unit}].{ext}`, ASCII only.
pub fn file_name(stem: &str, year: i32, unit_code: Option<&str>, format: Format) -> String {
    let unit: String = unit_code
        .map(|c| {
            let safe: String = c
                .chars()
                .filter(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
                .collect();
            format!("-{safe}")
        })
        .unwrap_or_default();
    format!("{stem}-{year}{unit}.{}", format.as_str())
}

/// "ngày 26 tháng 11 năm 2025", the date line of a Vietnamese administrative document.
pub fn date_line(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "ngày {:02} tháng {:02} năm {}",
        date.day(),
        date.month(),
        date.year()
    )
}

/// A whole number the Vietnamese way: `12.345`.
pub fn number_vi(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// A number with one decimal the Vietnamese way: `66,7`.
pub fn decimal_vi(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

/// A percentage the Vietnamese way: `66,7 %`; empty when there is none.
pub fn percent_vi(p: Option<f64>) -> String {
    p.map(|p| format!("{} %", decimal_vi(p)))
        .unwrap_or_default()
}

/// "Ngày 26 tháng 11 năm 2025", as it starts a line.
pub fn date_line_capitalised(date: NaiveDate) -> String {
    let line = date_line(date);
    let rest = line.strip_prefix("ngày").unwrap_or(&line);
    format!("Ngày{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_case_insensitively_and_refuse_others() {
        assert_eq!("XLSX".parse::<Format>().ok(), Some(Format::Xlsx));
        assert_eq!(" csv ".parse::<Format>().ok(), Some(Format::Csv));
        assert_eq!("json".parse::<Format>().ok(), Some(Format::Json));
        let err = "pdf".parse::<Format>().err().map(|e| e.code());
        assert_eq!(err, Some("unsupported_format"));
    }

    #[test]
    fn file_names_are_ascii_and_name_the_scope() {
        assert_eq!(
            file_name("danh-gia", 2026, None, Format::Xlsx),
            "danh-gia-2026.xlsx"
        );
        assert_eq!(
            file_name("danh-gia", 2026, Some("X-MP/\"; a"), Format::Csv),
            "danh-gia-2026-X-MPa.csv"
        );
    }

    #[test]
    fn the_date_line_is_spelled_out() {
        let d = NaiveDate::from_ymd_opt(2025, 11, 5).expect("date");
        assert_eq!(date_line(d), "ngày 05 tháng 11 năm 2025");
        assert_eq!(date_line_capitalised(d), "Ngày 05 tháng 11 năm 2025");
    }

    #[test]
    fn numbers_and_percentages_are_written_the_vietnamese_way() {
        assert_eq!(number_vi(0), "0");
        assert_eq!(number_vi(999), "999");
        assert_eq!(number_vi(1000), "1.000");
        assert_eq!(number_vi(10_234_567), "10.234.567");
        assert_eq!(percent_vi(Some(66.7)), "66,7 %");
        assert_eq!(percent_vi(Some(100.0)), "100,0 %");
        assert_eq!(percent_vi(None), "");
        assert_eq!(decimal_vi(20.0), "20,0");
    }
}
