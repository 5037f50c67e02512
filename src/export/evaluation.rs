//! The evaluation table in three formats, each written a row at a time: CSV (UTF-8 with a BOM,
//! so Excel reads Vietnamese correctly), JSON (`{year, closed, rows}`) and an XLSX form with
//! people grouped by unit, a totals row and the signature block.

use std::io::Write;

use rust_xlsxwriter::{Formula, Workbook, XlsxError};

use super::form::{self, Layout, Styles};
use super::{EvaluationRow, FormHeader};

/// The columns of the CSV file, in order.
pub const CSV_HEADER: [&str; 16] = [
    "Mã cán bộ",
    "Họ và tên",
    "Mã đơn vị",
    "Đơn vị",
    "Chức vụ",
    "Loại cán bộ",
    "Được tính",
    "Bị loại",
    "Chỉ tiêu",
    "Quý I",
    "Quý II",
    "Quý III",
    "Quý IV",
    "Đạt chỉ tiêu",
    "Mức",
    "Đã chốt",
];

/// The byte order mark Excel looks for to read a CSV file as UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

fn yes_no(value: bool) -> &'static str {
    if value { "Có" } else { "Không" }
}

/// Text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed
/// with an apostrophe, so a name or position typed as `=HYPERLINK(…)` stays text.
pub(crate) fn defuse(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// CSV, written into a buffer that the caller drains after each chunk.
pub struct EvaluationCsv {
    out: csv::Writer<Vec<u8>>,
    closed: bool,
}

fn csv_writer(start: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(start)
}

impl EvaluationCsv {
    /// Starts the file: the BOM and the header line.
    pub fn new(closed: bool) -> Result<Self, csv::Error> {
        let mut out = csv_writer(BOM.to_vec());
        out.write_record(CSV_HEADER)?;
        Ok(Self { out, closed })
    }

    /// Adds one person.
    pub fn write(&mut self, row: &EvaluationRow) -> Result<(), csv::Error> {
        let num = |n: u32| n.to_string();
        let [q1, q2, q3, q4] = row.quarters;
        self.out.write_record([
            defuse(&row.staff_code).as_ref(),
            defuse(&row.full_name).as_ref(),
            defuse(&row.unit_code).as_ref(),
            defuse(&row.unit_name).as_ref(),
            defuse(row.position.as_deref().unwrap_or_default()).as_ref(),
            row.employment_label(),
            &num(row.accepted),
            &num(row.rejected),
            &row.target.map(num).unwrap_or_default(),
            &num(q1),
            &num(q2),
            &num(q3),
            &num(q4),
            row.met.map(yes_no).unwrap_or_default(),
            defuse(row.level.as_deref().unwrap_or_default()).as_ref(),
            yes_no(self.closed),
        ])?;
        Ok(())
    }

    /// The bytes written since the last call.
    pub fn take(&mut self) -> Result<Vec<u8>, csv::Error> {
        let full = std::mem::replace(&mut self.out, csv_writer(Vec::new()));
        full.into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// JSON `{"year":…,"closed":…,"rows":[…]}`, one row per line, written into a buffer that the
/// caller drains after each chunk.
pub struct EvaluationJson {
    buf: Vec<u8>,
    first: bool,
}

impl EvaluationJson {
    /// Starts the document.
    pub fn new(year: i32, closed: bool) -> Self {
        Self {
            buf: format!("{{\"year\":{year},\"closed\":{closed},\"rows\":[").into_bytes(),
            first: true,
        }
    }

    /// Adds one person.
    pub fn write(&mut self, row: &EvaluationRow) -> Result<(), serde_json::Error> {
        self.buf
            .extend_from_slice(if self.first { b"\n" } else { b",\n" });
        self.first = false;
        serde_json::to_writer(&mut self.buf, row)
    }

    /// The bytes written since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    /// Closes the document; returns the last bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.extend_from_slice(b"\n]}\n");
        self.buf
    }
}

/// Columns of the XLSX table: (header, width).
const XLSX_COLUMNS: [(&str, f64); 17] = [
    ("STT", 5.0),
    ("Mã cán bộ", 11.0),
    ("Họ và tên", 24.0),
    ("Đơn vị", 38.0),
    ("Chức vụ", 20.0),
    ("Loại cán bộ", 13.0),
    ("Được tính", 9.0),
    ("Bị loại", 8.0),
    ("Chỉ tiêu", 8.5),
    ("Quý I", 7.5),
    ("Quý II", 7.5),
    ("Quý III", 7.5),
    ("Quý IV", 7.5),
    ("Tỷ lệ hoàn thành", 10.0),
    ("Đạt chỉ tiêu", 8.5),
    ("Mức", 10.0),
    ("Đã chốt", 8.0),
];

/// Column indexes of the XLSX table.
mod col {
    pub const STT: u16 = 0;
    pub const ACCEPTED: u16 = 6;
    pub const TARGET: u16 = 8;
    pub const Q4: u16 = 12;
    pub const PERCENT: u16 = 13;
    pub const MET: u16 = 14;
    pub const LAST: u16 = 16;
}

/// Running totals of the numeric columns.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    people: u32,
    accepted: u64,
    rejected: u64,
    target: u64,
    quarters: [u64; 4],
    met: u32,
}

/// The evaluation form as an XLSX workbook in constant-memory mode: rows go to a temporary file
/// as they are written, so memory does not grow with the number of people.
pub struct EvaluationXlsx {
    workbook: Workbook,
    styles: Styles,
    header: FormHeader,
    header_row: u32,
    row: u32,
    unit: Option<i64>,
    totals: Totals,
}

impl EvaluationXlsx {
    /// Starts the workbook with the top of the form and the table header. `tempdir` is where the
    /// row data is spooled (the system's temporary directory when `None`).
    pub fn new(header: FormHeader, tempdir: Option<&std::path::Path>) -> Result<Self, XlsxError> {
        let mut workbook = Workbook::new();
        // Fastest deflate: half the time of the default level for a file about 1.5 times larger.
        workbook.set_zip_compression_level(1);
        if let Some(dir) = tempdir {
            workbook.set_tempdir(dir)?;
        }
        workbook.set_properties(
            &rust_xlsxwriter::DocProperties::new()
                .set_title(format!(
                    "Kết quả chia sẻ thông tin chính thống năm {}",
                    header.year
                ))
                .set_author(header.organization.clone())
                .set_company(header.organization.clone()),
        );
        let styles = Styles::new();
        let ws = workbook.add_worksheet_with_constant_memory()?;
        ws.set_name(format!("Đánh giá {}", header.year))?;
        for (i, (_, width)) in (0u16..).zip(XLSX_COLUMNS) {
            ws.set_column_width(i, width)?;
        }
        let header_row = form::heading(
            ws,
            &styles,
            &header,
            Layout {
                last_col: col::LAST,
                left_end: 3,
                right_start: 8,
                period_at: 5,
            },
            &format!(
                "BẢNG TỔNG HỢP KẾT QUẢ CHIA SẺ THÔNG TIN TÍCH CỰC, CHÍNH THỐNG NĂM {}",
                header.year
            ),
            "(Phục vụ đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao \
             động theo Chỉ thị số 2241/CT-UBND)",
        )?;
        ws.set_row_height(header_row, 32)?;
        for (i, (title, _)) in (0u16..).zip(XLSX_COLUMNS) {
            ws.write_string_with_format(header_row, i, title, &styles.header)?;
        }
        ws.set_freeze_panes(header_row + 1, 0)?;
        form::page_setup(ws, Some(header_row), true)?;
        Ok(Self {
            workbook,
            styles,
            header,
            header_row,
            row: header_row + 1,
            unit: None,
            totals: Totals::default(),
        })
    }

    /// Adds one person; rows must come grouped by unit. A unit's first person is preceded by a
    /// row naming the unit.
    pub fn write(&mut self, r: &EvaluationRow) -> Result<(), XlsxError> {
        let s = &self.styles;
        let ws = self.workbook.worksheet_from_index(0)?;
        if self.unit != Some(r.unit_id) {
            self.unit = Some(r.unit_id);
            ws.merge_range(
                self.row,
                0,
                self.row,
                col::LAST,
                &format!("{} ({})", r.unit_name, r.unit_code),
                &s.group,
            )?;
            self.row += 1;
        }
        let row = self.row;
        self.totals.people += 1;
        ws.write_number_with_format(row, col::STT, self.totals.people, &s.center)?;
        ws.write_string_with_format(row, 1, &r.staff_code, &s.text)?;
        ws.write_string_with_format(row, 2, &r.full_name, &s.text)?;
        ws.write_string_with_format(row, 3, &r.unit_name, &s.text)?;
        ws.write_string_with_format(row, 4, r.position.as_deref().unwrap_or_default(), &s.text)?;
        ws.write_string_with_format(row, 5, r.employment_label(), &s.text)?;
        ws.write_number_with_format(row, col::ACCEPTED, r.accepted, &s.number)?;
        ws.write_number_with_format(row, col::ACCEPTED + 1, r.rejected, &s.number)?;
        match r.target {
            Some(t) => ws.write_number_with_format(row, col::TARGET, t, &s.number)?,
            None => ws.write_blank(row, col::TARGET, &s.number)?,
        };
        for (q, value) in (col::TARGET + 1..).zip(r.quarters) {
            ws.write_number_with_format(row, q, value, &s.number)?;
        }
        match r.target.filter(|&t| t > 0) {
            Some(t) => ws.write_number_with_format(
                row,
                col::PERCENT,
                f64::from(r.accepted) / f64::from(t),
                &s.percent,
            )?,
            None => ws.write_blank(row, col::PERCENT, &s.percent)?,
        };
        ws.write_string_with_format(
            row,
            col::MET,
            r.met.map(yes_no).unwrap_or_default(),
            &s.center,
        )?;
        ws.write_string_with_format(
            row,
            col::MET + 1,
            r.level.as_deref().unwrap_or_default(),
            &s.center,
        )?;
        ws.write_string_with_format(row, col::LAST, yes_no(self.header.closed), &s.center)?;

        let t = &mut self.totals;
        t.accepted += u64::from(r.accepted);
        t.rejected += u64::from(r.rejected);
        t.target += u64::from(r.target.unwrap_or(0));
        for (sum, q) in t.quarters.iter_mut().zip(r.quarters) {
            *sum += u64::from(q);
        }
        t.met += u32::from(r.met == Some(true));
        self.row += 1;
        Ok(())
    }

    /// Adds the totals row, the date of export and the signature block; the workbook is then
    /// ready to be saved (`Workbook::save_to_writer` streams it without seeking).
    pub fn finish(mut self) -> Result<Workbook, XlsxError> {
        let s = &self.styles;
        let ws = self.workbook.worksheet_from_index(0)?;
        let row = self.row;
        let first = self.header_row + 2;
        let last = row;
        let t = self.totals;
        ws.merge_range(
            row,
            0,
            row,
            5,
            &format!("Tổng cộng: {} người", t.people),
            &s.total_label,
        )?;
        let sums = [
            t.accepted,
            t.rejected,
            t.target,
            t.quarters[0],
            t.quarters[1],
            t.quarters[2],
            t.quarters[3],
        ];
        // Formulas (with their values cached) so the totals follow edits made in Excel; an
        // empty table gets plain zeros, as a range over no rows would include the totals row.
        for (c, value) in (col::ACCEPTED..=col::Q4).zip(sums) {
            let letter = column_letter(c);
            if t.people == 0 {
                ws.write_number_with_format(row, c, 0, &s.total_number)?;
            } else {
                ws.write_formula_with_format(
                    row,
                    c,
                    Formula::new(format!("=SUM({letter}{first}:{letter}{last})"))
                        .set_result(value.to_string()),
                    &s.total_number,
                )?;
            }
        }
        ws.write_blank(row, col::PERCENT, &s.total_number)?;
        let met = column_letter(col::MET);
        if t.people == 0 {
            ws.write_number_with_format(row, col::MET, 0, &s.total_number)?;
        } else {
            ws.write_formula_with_format(
                row,
                col::MET,
                Formula::new(format!("=COUNTIF({met}{first}:{met}{last},\"Có\")"))
                    .set_result(t.met.to_string()),
                &s.total_number,
            )?;
        }
        ws.write_blank(row, col::MET + 1, &s.total_number)?;
        ws.write_blank(row, col::LAST, &s.total_number)?;
        form::signatures(ws, s, &self.header, row + 2, (1, 3), (8, col::LAST))?;
        Ok(self.workbook)
    }
}

/// The spreadsheet letter of a column (0 → A; the table has fewer than 27 columns).
fn column_letter(col: u16) -> char {
    char::from(b'A' + u8::try_from(col.min(25)).unwrap_or(25))
}

/// Streams `workbook` into `out` (a file, or a channel feeding an HTTP body).
pub fn save(mut workbook: Workbook, out: impl Write + Send) -> Result<(), XlsxError> {
    workbook.save_to_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::Period;
    use chrono::NaiveDate;

    fn row(code: &str, unit_id: i64, accepted: u32, target: Option<u32>) -> EvaluationRow {
        EvaluationRow {
            staff_code: code.into(),
            full_name: "Nguyễn Văn An".into(),
            unit_code: format!("U{unit_id}"),
            unit_name: format!("Đơn vị {unit_id}"),
            position: Some("=cmd".into()),
            employment_type: "cong_chuc".into(),
            accepted,
            rejected: 1,
            target,
            met: target.map(|t| accepted >= t),
            level: target.map(|t| {
                if accepted >= t {
                    "Đạt"
                } else {
                    "Chưa đạt"
                }
                .into()
            }),
            quarters: [accepted, 0, 0, 0],
            unit_id,
        }
    }

    #[test]
    fn csv_starts_with_a_bom_and_defuses_formulas() {
        let mut csv = EvaluationCsv::new(false).expect("csv");
        csv.write(&row("DB001", 1, 5, Some(4))).expect("row");
        let bytes = csv.take().expect("bytes");
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[BOM.len()..].to_vec()).expect("utf-8");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(CSV_HEADER.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some("DB001,Nguyễn Văn An,U1,Đơn vị 1,'=cmd,Công chức,5,1,4,5,0,0,0,Có,Đạt,Không")
        );
        assert_eq!(csv.take().expect("nothing more"), Vec::<u8>::new());
    }

    #[test]
    fn json_is_one_document_across_chunks() {
        let mut json = EvaluationJson::new(2026, true);
        json.write(&row("DB001", 1, 5, None)).expect("row");
        let mut bytes = json.take();
        json.write(&row("DB002", 1, 0, None)).expect("row");
        bytes.extend(json.take());
        bytes.extend(json.finish());
        let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
        assert_eq!(doc["year"], 2026);
        assert_eq!(doc["closed"], true);
        assert_eq!(doc["rows"][1]["staff_code"], "DB002");
        assert!(doc["rows"][0].get("unit_id").is_none(), "ids stay inside");
        let empty = EvaluationJson::new(2026, false).finish();
        let doc: serde_json::Value = serde_json::from_slice(&empty).expect("valid JSON");
        assert_eq!(doc["rows"], serde_json::json!([]));
    }

    #[test]
    fn an_xlsx_is_written_for_rows_and_for_none() {
        let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        let header = FormHeader {
            organization: "UBND tỉnh Điện Biên".into(),
            unit_name: None,
            year: 2026,
            period: Period::calendar_year(2026),
            closed: false,
            exported_on: date(11, 20),
            prepared_by: None,
        };
        for rows in [vec![], vec![row("A", 1, 3, Some(2)), row("B", 2, 0, None)]] {
            let mut x = EvaluationXlsx::new(header.clone(), None).expect("workbook");
            for r in &rows {
                x.write(r).expect("row");
            }
            let mut bytes = Vec::new();
            save(x.finish().expect("finish"), &mut bytes).expect("save");
            assert!(bytes.starts_with(b"PK"), "a zip file");
        }
        assert_eq!(column_letter(0), 'A');
        assert_eq!(column_letter(13), 'N');
    }
}
