//! `import-shares` CSV: `staff_code,source_url,platform,post_url,shared_on`. Only the cells
//! are read here; verification and de-duplication are the same as the API's (`service::shares`).

use chrono::NaiveDate;

use super::{RowError, optional, read_records};
use crate::domain::roster::StaffCode;
use crate::domain::time::parse_date;
use crate::verify::Platform;

/// The header the file must start with.
pub const HEADER: &[&str] = &[
    "staff_code",
    "source_url",
    "platform",
    "post_url",
    "shared_on",
];

/// One share as given in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRow {
    /// Line in the file.
    pub line: u64,
    /// Whose share.
    pub staff_code: StaffCode,
    /// The article address as typed.
    pub source_url: String,
    /// Where it was shared.
    pub platform: Platform,
    /// The person's own post, if any.
    pub post_url: Option<String>,
    /// The day it was shared.
    pub shared_on: NaiveDate,
}

/// Parses the whole file, reporting every row whose cells cannot be read.
pub fn parse(text: &str) -> Result<Vec<ShareRow>, Vec<RowError>> {
    let records = read_records(text, HEADER)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (line, cells) in records.rows {
        let mut problems = Vec::new();
        let staff_code = StaffCode::parse(&cells[0])
            .map_err(|e| problems.push(e))
            .ok();
        let source_url = cells[1].trim().to_owned();
        if source_url.is_empty() {
            problems.push("thiếu địa chỉ bài viết".to_owned());
        }
        let platform = cells[2]
            .parse::<Platform>()
            .map_err(|_| {
                problems.push(format!(
                    "nền tảng «{}» không hợp lệ (facebook|zalo|tiktok|youtube|x|instagram|other)",
                    cells[2]
                ))
            })
            .ok();
        let shared_on = match optional(&cells[4]) {
            None => {
                problems.push("thiếu ngày chia sẻ".to_owned());
                None
            }
            Some(text) => {
                let date = parse_date(&text);
                if date.is_none() {
                    problems.push(format!(
                        "ngày chia sẻ «{text}» không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)"
                    ));
                }
                date
            }
        };
        match (staff_code, platform, shared_on) {
            (Some(staff_code), Some(platform), Some(shared_on)) if problems.is_empty() => rows
                .push(ShareRow {
                    line,
                    staff_code,
                    source_url,
                    platform,
                    post_url: optional(&cells[3]),
                    shared_on,
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
    fn rows_are_read_and_bad_cells_reported() {
        let text = "staff_code,source_url,platform,post_url,shared_on\nDB1,https://dienbien.gov.vn/a,facebook,,2026-03-01\nDB2,,myspace,,hôm qua\n";
        let errors = parse(text).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert!(
            errors[0].message.contains("nền tảng"),
            "{}",
            errors[0].message
        );
        let ok = parse("staff_code,source_url,platform,post_url,shared_on\nDB1,https://dienbien.gov.vn/a,Facebook,,01/03/2026\n")
            .unwrap_or_default();
        assert_eq!(ok[0].platform, Platform::Facebook);
    }
}
