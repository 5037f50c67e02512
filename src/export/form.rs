//! The parts every exported workbook shares, laid out like a Vietnamese administrative form
//! (Nghị định 30/2020/NĐ-CP): the issuing body and the national motto at the top, the title,
//! the period, and at the bottom the date of export and the signature block.

use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, FormatUnderline, Worksheet, XlsxError,
};

use super::{FormHeader, date_line_capitalised};

/// The font of administrative documents.
const FONT: &str = "Times New Roman";
/// Light grey behind header cells.
const HEADER_FILL: u32 = 0xD9E1F2;
/// Lighter fill behind group rows.
const GROUP_FILL: u32 = 0xF2F2F2;

/// The cell formats of a form.
#[derive(Debug, Clone)]
pub struct Styles {
    /// Issuing body and national motto: bold, centred.
    pub top: Format,
    /// "Độc lập - Tự do - Hạnh phúc": bold, underlined, centred.
    pub motto: Format,
    /// The title: bold, large, centred.
    pub title: Format,
    /// Italic, centred (subtitle, notes, the date line).
    pub note: Format,
    /// Plain text, right-aligned (labels before a value).
    pub label: Format,
    /// Plain text, left-aligned.
    pub plain: Format,
    /// Plain text, centred.
    pub center_plain: Format,
    /// A date outside the table: dd/mm/yyyy, left-aligned, bold.
    pub date: Format,
    /// Table header: bold, centred, wrapped, bordered, filled.
    pub header: Format,
    /// Table text.
    pub text: Format,
    /// Table text, centred.
    pub center: Format,
    /// Table integer.
    pub number: Format,
    /// Table number with one decimal.
    pub decimal: Format,
    /// Table percentage (the value is a fraction).
    pub percent: Format,
    /// A group row (a unit's name above its people).
    pub group: Format,
    /// Totals label.
    pub total_label: Format,
    /// Totals number.
    pub total_number: Format,
    /// Totals percentage.
    pub total_percent: Format,
    /// Signature titles: bold, centred.
    pub sign: Format,
}

impl Default for Styles {
    fn default() -> Self {
        Self::new()
    }
}

impl Styles {
    /// The formats, in Times New Roman 12.
    pub fn new() -> Self {
        let base = Format::new().set_font_name(FONT).set_font_size(12);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Self {
            top: base.clone().set_bold().set_align(FormatAlign::Center),
            motto: base
                .clone()
                .set_bold()
                .set_underline(FormatUnderline::Single)
                .set_align(FormatAlign::Center),
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            note: base.clone().set_italic().set_align(FormatAlign::Center),
            label: base.clone().set_align(FormatAlign::Right),
            plain: base.clone().set_align(FormatAlign::Left),
            center_plain: base.clone().set_align(FormatAlign::Center),
            date: base
                .clone()
                .set_bold()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(HEADER_FILL)),
            text: cell.clone(),
            center: cell.clone().set_align(FormatAlign::Center),
            number: cell.clone().set_num_format("#,##0"),
            decimal: cell.clone().set_num_format("#,##0.0"),
            percent: cell.clone().set_num_format("0.0%"),
            group: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(GROUP_FILL)),
            total_label: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(HEADER_FILL)),
            total_number: cell
                .clone()
                .set_bold()
                .set_num_format("#,##0")
                .set_background_color(Color::RGB(HEADER_FILL)),
            total_percent: cell
                .set_bold()
                .set_num_format("0.0%")
                .set_background_color(Color::RGB(HEADER_FILL)),
            sign: base.set_bold().set_align(FormatAlign::Center),
        }
    }
}

/// Where the top block's pieces go, in columns of the sheet.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Last column of the table.
    pub last_col: u16,
    /// The issuing body spans columns `0..=left_end`.
    pub left_end: u16,
    /// The motto spans `right_start..=last_col`.
    pub right_start: u16,
    /// The period line: "Kỳ đánh giá: từ ngày" right-aligned up to this column, then the start
    /// date over two columns, "đến ngày" in one, the end date over two.
    pub period_at: u16,
}

/// Writes the top of the form (issuing body, motto, title, subtitle, period, scope) from row 0;
/// returns the row where the table header goes.
pub fn heading(
    ws: &mut Worksheet,
    s: &Styles,
    h: &FormHeader,
    layout: Layout,
    title: &str,
    subtitle: &str,
) -> Result<u32, XlsxError> {
    let Layout {
        last_col,
        left_end,
        right_start,
        period_at,
    } = layout;
    ws.merge_range(0, 0, 0, left_end, &h.organization.to_uppercase(), &s.top)?;
    ws.merge_range(
        0,
        right_start,
        0,
        last_col,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        &s.top,
    )?;
    let unit_line = h
        .unit_name
        .as_deref()
        .map(str::to_uppercase)
        .unwrap_or_default();
    ws.merge_range(1, 0, 1, left_end, &unit_line, &s.top)?;
    ws.merge_range(
        1,
        right_start,
        1,
        last_col,
        "Độc lập - Tự do - Hạnh phúc",
        &s.motto,
    )?;
    ws.merge_range(
        2,
        right_start,
        2,
        last_col,
        &date_line_capitalised(h.exported_on),
        &s.note,
    )?;
    ws.set_row_height(4, 22)?;
    ws.merge_range(4, 0, 4, last_col, title, &s.title)?;
    ws.merge_range(5, 0, 5, last_col, subtitle, &s.note)?;
    ws.merge_range(6, 0, 6, period_at, "Kỳ đánh giá: từ ngày", &s.label)?;
    // A date in a merged pair of cells: merge first, then write the date into its first cell.
    ws.merge_range(6, period_at + 1, 6, period_at + 2, "", &s.date)?;
    ws.write_date_with_format(6, period_at + 1, h.period.start, &s.date)?;
    ws.write_string_with_format(6, period_at + 3, "đến ngày", &s.center_plain)?;
    ws.merge_range(6, period_at + 4, 6, period_at + 5, "", &s.date)?;
    ws.write_date_with_format(6, period_at + 4, h.period.end, &s.date)?;
    let status = if h.closed {
        "số liệu đã chốt (chính thức)"
    } else {
        "số liệu tạm tính (năm chưa chốt)"
    };
    ws.merge_range(
        7,
        0,
        7,
        last_col,
        &format!("Phạm vi: {} — {status}", h.scope_label()),
        &s.note,
    )?;
    Ok(9)
}

/// Writes the date of export and the signature block (*Người lập biểu* on the left, *Thủ
/// trưởng đơn vị* on the right) from `row`; returns the row after it.
pub fn signatures(
    ws: &mut Worksheet,
    s: &Styles,
    h: &FormHeader,
    row: u32,
    left: (u16, u16),
    right: (u16, u16),
) -> Result<u32, XlsxError> {
    ws.merge_range(row, left.0, row, left.1, "Ngày xuất:", &s.label)?;
    ws.write_date_with_format(row, left.1 + 1, h.exported_on, &s.date)?;
    let r = row + 2;
    ws.merge_range(
        r,
        right.0,
        r,
        right.1,
        &date_line_capitalised(h.exported_on),
        &s.note,
    )?;
    ws.merge_range(r + 1, left.0, r + 1, left.1, "NGƯỜI LẬP BIỂU", &s.sign)?;
    ws.merge_range(r + 1, right.0, r + 1, right.1, "THỦ TRƯỞNG ĐƠN VỊ", &s.sign)?;
    ws.merge_range(r + 2, left.0, r + 2, left.1, "(Ký, ghi rõ họ tên)", &s.note)?;
    ws.merge_range(
        r + 2,
        right.0,
        r + 2,
        right.1,
        "(Ký, ghi rõ họ tên và đóng dấu)",
        &s.note,
    )?;
    let name_row = r + 7;
    if let Some(name) = &h.prepared_by {
        ws.merge_range(name_row, left.0, name_row, left.1, name, &s.sign)?;
    }
    Ok(name_row + 1)
}

/// A4 (landscape for wide tables), one page wide, the table header repeated on every page, page
/// numbers below.
pub fn page_setup(
    ws: &mut Worksheet,
    header_row: Option<u32>,
    landscape: bool,
) -> Result<(), XlsxError> {
    if landscape {
        ws.set_landscape();
    }
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&CTrang &P/&N");
    if let Some(row) = header_row {
        ws.set_repeat_rows(row, row)?;
    }
    Ok(())
}
