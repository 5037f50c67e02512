//! The declared-accounts list of a unit's subtree, pure: one line per account, and one line
//! with empty account columns for each person who has declared none. CSV (UTF-8 with a BOM) or
//! an XLSX sheet.

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::evaluation::defuse;

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    /// Staff code.
    pub staff_code: String,
    /// Full name.
    pub full_name: String,
    /// The person's unit code.
    pub unit_code: String,
    /// The person's unit name.
    pub unit_name: String,
    /// Platform label (`Facebook`, …); empty for a person without accounts.
    pub platform: String,
    /// The address as declared.
    pub address: String,
    /// The normalised account.
    pub normalized: String,
    /// The name shown on the account.
    pub display_name: String,
    /// Declared on (`YYYY-MM-DD`).
    pub declared_on: String,
}

/// Column titles, Vietnamese (the file goes to Vietnamese offices).
pub const HEADER: [&str; 9] = [
    "Mã cán bộ",
    "Họ và tên",
    "Mã đơn vị",
    "Đơn vị",
    "Nền tảng",
    "Địa chỉ tài khoản",
    "Tài khoản (chuẩn hoá)",
    "Tên hiển thị",
    "Ngày khai báo",
];

impl AccountLine {
    fn cells(&self) -> [&str; 9] {
        [
            &self.staff_code,
            &self.full_name,
            &self.unit_code,
            &self.unit_name,
            &self.platform,
            &self.address,
            &self.normalized,
            &self.display_name,
            &self.declared_on,
        ]
    }
}

/// The list as CSV, UTF-8 with a BOM so that Excel reads the Vietnamese correctly.
pub fn csv(lines: &[AccountLine]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(HEADER)?;
    for line in lines {
        writer.write_record(line.cells().map(|c| defuse(c).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
}

/// The list as a workbook with one sheet.
pub fn workbook(title: &str, lines: &[AccountLine]) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name("Tài khoản")?;
    let bold = CellFormat::new().set_bold();
    ws.write_string_with_format(0, 0, title, &bold)?;
    let widths = [12.0, 26.0, 12.0, 30.0, 12.0, 40.0, 26.0, 24.0, 14.0];
    for (c, (w, h)) in (0u16..).zip(widths.into_iter().zip(HEADER)) {
        ws.set_column_width(c, w)?;
        ws.write_string_with_format(2, c, h, &bold)?;
    }
    for (r, line) in (3u32..).zip(lines) {
        for (c, cell) in (0u16..).zip(line.cells()) {
            // Strings only: an address typed as `=…` stays text.
            ws.write_string(r, c, cell)?;
        }
    }
    Ok(workbook)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(code: &str, address: &str) -> AccountLine {
        AccountLine {
            staff_code: code.into(),
            full_name: "Nguyễn Văn An".into(),
            unit_code: "XMP".into(),
            unit_name: "Xã Mường Phăng".into(),
            platform: "Facebook".into(),
            address: address.into(),
            normalized: "nguyenvana".into(),
            display_name: String::new(),
            declared_on: "2026-03-01".into(),
        }
    }

    #[test]
    fn csv_starts_with_a_bom_and_defuses_formulas() {
        let bytes = csv(&[line("DB001", "=HYPERLINK(\"x\")"), line("DB002", "@an")]).expect("csv");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.contains("Mã cán bộ,Họ và tên"), "{text}");
        assert!(text.contains("'=HYPERLINK"), "formula defused: {text}");
        assert!(
            text.contains("'@an"),
            "an @handle is not a formula either: {text}"
        );
        assert!(text.contains("Nguyễn Văn An"), "Vietnamese kept");
    }

    #[test]
    fn the_workbook_saves() {
        let mut wb =
            workbook("Danh sách", &[line("DB001", "https://facebook.com/an")]).expect("workbook");
        let bytes = wb.save_to_buffer().expect("saves");
        assert!(bytes.starts_with(b"PK"), "a zip file");
    }
}
