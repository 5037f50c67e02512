//! The annual report on carrying out the directive, per unit, for Sở VHTTDL: headcount, how many
//! took part and what share of staff that is, shares by platform and by source category, the
//! most shared sources and how many met the target — aggregated here, written as XLSX here and
//! as a printable page by `pages::exports`.

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use serde::Serialize;

use super::FormHeader;
use super::form::{self, Layout, Styles};
use crate::verify::{Category, Platform};

/// How many sources each unit lists.
pub const TOP_SOURCES_PER_UNIT: usize = 5;
/// How many sources the whole scope lists.
pub const TOP_SOURCES: usize = 10;

/// A line of the report: a unit and everything below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportGroup {
    /// The unit's id.
    pub id: i64,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// A source and how often it was shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    /// The source's host (`baodienbienphu.vn`).
    pub host: String,
    /// The allowlist label it matched, if any.
    pub label: Option<String>,
    /// Accepted shares.
    pub shares: u64,
}

/// Shares per platform (codes of `Platform::ALL`) or per category (codes of `Category::ALL`
/// and `other`), every key present.
pub type Counts = BTreeMap<&'static str, u64>;

/// One unit's line, or the total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    /// Unit code (empty for the total).
    pub unit_code: String,
    /// Unit name ("Tổng cộng" for the total).
    pub unit_name: String,
    /// People employed during the period.
    pub headcount: u32,
    /// Of those, how many had at least one accepted share in the period.
    pub participants: u32,
    /// `participants ÷ headcount` as a percentage (one decimal); `None` without people.
    pub participation_percent: Option<f64>,
    /// People with a target (a policy exists).
    pub with_target: u32,
    /// People who met their target.
    pub met: u32,
    /// `met ÷ with_target` as a percentage (one decimal); `None` without targets.
    pub met_percent: Option<f64>,
    /// Accepted shares logged while in the unit, in the period.
    pub shares: u64,
    /// The same by platform.
    pub by_platform: Counts,
    /// The same by source category (`other`: no category recorded).
    pub by_category: Counts,
    /// The unit's most shared sources, most first.
    pub top_sources: Vec<SourceCount>,
}

impl ReportRow {
    /// Shares on one platform.
    pub fn platform(&self, p: Platform) -> u64 {
        self.by_platform.get(p.as_str()).copied().unwrap_or(0)
    }

    /// Shares in one category (`None`: no category).
    pub fn category(&self, c: Option<Category>) -> u64 {
        self.by_category
            .get(c.map_or("other", |c| c.as_str()))
            .copied()
            .unwrap_or(0)
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnualReport {
    /// The work year.
    pub year: i32,
    /// Whether the year is closed.
    pub closed: bool,
    /// One line per unit, in the order of the unit tree.
    pub rows: Vec<ReportRow>,
    /// The scope's total.
    pub total: ReportRow,
    /// The scope's most shared sources.
    pub top_sources: Vec<SourceCount>,
}

#[derive(Debug, Default, Clone)]
struct Acc {
    headcount: u32,
    participants: u32,
    with_target: u32,
    met: u32,
    platforms: [u64; 7],
    categories: [u64; 6],
    sources: HashMap<(String, Option<String>), u64>,
}

impl Acc {
    fn merge(&mut self, other: &Acc) {
        self.headcount += other.headcount;
        self.participants += other.participants;
        self.with_target += other.with_target;
        self.met += other.met;
        for (a, b) in self.platforms.iter_mut().zip(other.platforms) {
            *a += b;
        }
        for (a, b) in self.categories.iter_mut().zip(other.categories) {
            *a += b;
        }
        for (k, v) in &other.sources {
            *self.sources.entry(k.clone()).or_default() += v;
        }
    }

    fn row(&self, code: &str, name: &str, top: usize) -> ReportRow {
        let percent = |part: u32, whole: u32| {
            (whole > 0).then(|| (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0)
        };
        let mut sources: Vec<SourceCount> = self
            .sources
            .iter()
            .map(|((host, label), shares)| SourceCount {
                host: host.clone(),
                label: label.clone(),
                shares: *shares,
            })
            .collect();
        sources.sort_by(|a, b| {
            b.shares
                .cmp(&a.shares)
                .then_with(|| a.host.cmp(&b.host))
                .then_with(|| a.label.cmp(&b.label))
        });
        sources.truncate(top);
        ReportRow {
            unit_code: code.to_owned(),
            unit_name: name.to_owned(),
            headcount: self.headcount,
            participants: self.participants,
            participation_percent: percent(self.participants, self.headcount),
            with_target: self.with_target,
            met: self.met,
            met_percent: percent(self.met, self.with_target),
            shares: self.platforms.iter().sum(),
            by_platform: Platform::ALL
                .iter()
                .zip(self.platforms)
                .map(|(p, n)| (p.as_str(), n))
                .collect(),
            by_category: Category::ALL
                .iter()
                .map(|c| c.as_str())
                .chain(["other"])
                .zip(self.categories)
                .collect(),
            top_sources: sources,
        }
    }
}

/// Adds up people and shares into report lines.
#[derive(Debug)]
pub struct ReportBuilder {
    groups: Vec<ReportGroup>,
    index: HashMap<i64, usize>,
    accs: Vec<Acc>,
}

impl ReportBuilder {
    /// A builder with one line per group, in the given order.
    pub fn new(groups: Vec<ReportGroup>) -> Self {
        let index = groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
        let accs = vec![Acc::default(); groups.len()];
        Self {
            groups,
            index,
            accs,
        }
    }

    /// Counts one person of a group: their accepted shares in the period and whether they met
    /// the target (`None` without a policy). Unknown groups are ignored.
    pub fn add_person(&mut self, group: i64, accepted: u32, met: Option<bool>) {
        if let Some(acc) = self.index.get(&group).and_then(|&i| self.accs.get_mut(i)) {
            acc.headcount += 1;
            acc.participants += u32::from(accepted > 0);
            acc.with_target += u32::from(met.is_some());
            acc.met += u32::from(met == Some(true));
        }
    }

    /// Counts `shares` accepted shares logged in a group on a platform, from a source host with
    /// the category and label of the rule it matched. Unknown groups are ignored.
    pub fn add_shares(
        &mut self,
        group: i64,
        platform: &str,
        category: Option<&str>,
        host: &str,
        label: Option<&str>,
        shares: u64,
    ) {
        let Some(acc) = self.index.get(&group).and_then(|&i| self.accs.get_mut(i)) else {
            return;
        };
        let p = Platform::ALL
            .iter()
            .position(|x| x.as_str() == platform)
            .unwrap_or(Platform::ALL.len() - 1);
        let c = category
            .and_then(|c| Category::ALL.iter().position(|x| x.as_str() == c))
            .unwrap_or(Category::ALL.len());
        if let Some(slot) = acc.platforms.get_mut(p) {
            *slot += shares;
        }
        if let Some(slot) = acc.categories.get_mut(c) {
            *slot += shares;
        }
        // `www.` and `m.` name the same site (as in source verification).
        let host = host
            .strip_prefix("www.")
            .or_else(|| host.strip_prefix("m."))
            .unwrap_or(host);
        *acc.sources
            .entry((host.to_owned(), label.map(str::to_owned)))
            .or_default() += shares;
    }

    /// The report: lines of groups with anyone or any share, and the total.
    pub fn finish(self, year: i32, closed: bool) -> AnnualReport {
        let mut total = Acc::default();
        let mut rows = Vec::new();
        for (g, acc) in self.groups.iter().zip(&self.accs) {
            total.merge(acc);
            if acc.headcount > 0 || acc.platforms.iter().any(|&n| n > 0) {
                rows.push(acc.row(&g.code, &g.name, TOP_SOURCES_PER_UNIT));
            }
        }
        let total_row = total.row("", "Tổng cộng", TOP_SOURCES);
        AnnualReport {
            year,
            closed,
            rows,
            top_sources: total_row.top_sources.clone(),
            total: total_row,
        }
    }
}

/// The category columns: the five categories, then "other".
pub fn category_columns() -> Vec<(Option<Category>, &'static str)> {
    Category::ALL
        .iter()
        .map(|c| (Some(*c), c.label_vi()))
        .chain([(None, "Khác")])
        .collect()
}

/// Column of the first platform.
const PLATFORM_COL: u16 = 6;
/// Column of the first category.
const CATEGORY_COL: u16 = PLATFORM_COL + 7;
/// Column of "met".
const MET_COL: u16 = CATEGORY_COL + 6;
/// Last column.
const LAST_COL: u16 = MET_COL + 1;

fn write_line(
    ws: &mut Worksheet,
    s: &Styles,
    row: u32,
    stt: Option<u32>,
    r: &ReportRow,
    total: bool,
) -> Result<(), XlsxError> {
    let (text, number, percent) = if total {
        (&s.total_label, &s.total_number, &s.total_percent)
    } else {
        (&s.text, &s.number, &s.percent)
    };
    match stt {
        Some(n) => ws.write_number_with_format(row, 0, n, &s.center)?,
        None => ws.write_blank(row, 0, text)?,
    };
    ws.write_string_with_format(row, 1, &r.unit_name, text)?;
    ws.write_number_with_format(row, 2, r.headcount, number)?;
    ws.write_number_with_format(row, 3, r.participants, number)?;
    match r.participation_percent {
        Some(p) => ws.write_number_with_format(row, 4, p / 100.0, percent)?,
        None => ws.write_blank(row, 4, percent)?,
    };
    // Share counts fit f64 exactly far beyond any province's total.
    #[allow(clippy::cast_precision_loss)]
    let n = |v: u64| v as f64;
    ws.write_number_with_format(row, 5, n(r.shares), number)?;
    for (c, p) in (PLATFORM_COL..).zip(Platform::ALL) {
        ws.write_number_with_format(row, c, n(r.platform(p)), number)?;
    }
    for (c, (cat, _)) in (CATEGORY_COL..).zip(category_columns()) {
        ws.write_number_with_format(row, c, n(r.category(cat)), number)?;
    }
    ws.write_number_with_format(row, MET_COL, r.met, number)?;
    match r.met_percent {
        Some(p) => ws.write_number_with_format(row, LAST_COL, p / 100.0, percent)?,
        None => ws.write_blank(row, LAST_COL, percent)?,
    };
    Ok(())
}

/// The report as an XLSX workbook: the report form, then a sheet of the most shared sources.
pub fn workbook(report: &AnnualReport, header: &FormHeader) -> Result<Workbook, XlsxError> {
    let s = Styles::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!(
                "Báo cáo kết quả thực hiện Chỉ thị 2241/CT-UBND năm {}",
                report.year
            ))
            .set_author(header.organization.clone()),
    );
    let ws = workbook.add_worksheet();
    ws.set_name(format!("Báo cáo {}", report.year))?;
    let widths = [5.0, 44.0, 11.0, 10.0, 9.0, 10.0];
    for (c, w) in (0u16..).zip(widths) {
        ws.set_column_width(c, w)?;
    }
    for c in PLATFORM_COL..=LAST_COL {
        ws.set_column_width(c, 10.5)?;
    }
    let header_row = form::heading(
        ws,
        &s,
        header,
        Layout {
            last_col: LAST_COL,
            left_end: 4,
            right_start: 12,
            period_at: 4,
        },
        &format!(
            "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ THỊ SỐ 2241/CT-UBND NĂM {}",
            report.year
        ),
        "(Về việc đăng tải, chia sẻ thông tin tích cực, chính thống trên mạng xã hội — gửi Sở Văn hóa, Thể thao và Du lịch)",
    )?;
    // Two header rows: groups of columns above, each column below.
    let (h1, h2) = (header_row, header_row + 1);
    let single = [
        (0, "STT"),
        (1, "Đơn vị"),
        (2, "Số CB, CC, VC, NLĐ"),
        (3, "Số người tham gia"),
        (4, "Tỷ lệ tham gia"),
        (5, "Tổng lượt chia sẻ"),
    ];
    for (c, title) in single {
        ws.merge_range(h1, c, h2, c, title, &s.header)?;
    }
    ws.merge_range(
        h1,
        PLATFORM_COL,
        h1,
        CATEGORY_COL - 1,
        "Theo nền tảng",
        &s.header,
    )?;
    ws.merge_range(
        h1,
        CATEGORY_COL,
        h1,
        MET_COL - 1,
        "Theo nhóm nguồn",
        &s.header,
    )?;
    ws.merge_range(h1, MET_COL, h1, LAST_COL, "Đạt chỉ tiêu", &s.header)?;
    for (c, p) in (PLATFORM_COL..).zip(Platform::ALL) {
        ws.write_string_with_format(h2, c, p.label(), &s.header)?;
    }
    for (c, (_, label)) in (CATEGORY_COL..).zip(category_columns()) {
        ws.write_string_with_format(h2, c, label, &s.header)?;
    }
    ws.write_string_with_format(h2, MET_COL, "Số người", &s.header)?;
    ws.write_string_with_format(h2, LAST_COL, "Tỷ lệ", &s.header)?;
    ws.set_row_height(h2, 48)?;
    ws.set_freeze_panes(h2 + 1, 2)?;
    form::page_setup(ws, Some(h2), true)?;
    ws.set_repeat_rows(h1, h2)?;

    let mut row = h2 + 1;
    for (stt, r) in (1u32..).zip(&report.rows) {
        write_line(ws, &s, row, Some(stt), r, false)?;
        row += 1;
    }
    write_line(ws, &s, row, None, &report.total, true)?;
    row += 2;
    let notes = [
        "Ghi chú: Số CB, CC, VC, NLĐ gồm những người công tác ít nhất một ngày trong kỳ; người tham gia có ít nhất một lượt chia sẻ được tính trong kỳ.",
        "Lượt chia sẻ được tính theo đơn vị của người chia sẻ tại thời điểm ghi nhận; lượt bị loại khi rà soát không được tính.",
    ];
    for note in notes {
        ws.merge_range(row, 0, row, LAST_COL, note, &s.plain)?;
        row += 1;
    }
    form::signatures(ws, &s, header, row + 1, (1, 3), (12, LAST_COL))?;

    let ws = workbook.add_worksheet();
    ws.set_name("Nguồn chia sẻ nhiều nhất")?;
    for (c, w) in (0u16..).zip([5.0, 40.0, 26.0, 40.0, 10.0]) {
        ws.set_column_width(c, w)?;
    }
    ws.merge_range(
        0,
        0,
        0,
        4,
        &format!(
            "NGUỒN THÔNG TIN ĐƯỢC CHIA SẺ NHIỀU NHẤT NĂM {}",
            report.year
        ),
        &s.title,
    )?;
    let titles = ["STT", "Đơn vị", "Nguồn", "Tên nguồn", "Số lượt"];
    for (c, t) in (0u16..).zip(titles) {
        ws.write_string_with_format(2, c, t, &s.header)?;
    }
    ws.set_freeze_panes(3, 0)?;
    form::page_setup(ws, Some(2), false)?;
    let mut row = 3;
    let scope = header.scope_label();
    let blocks = std::iter::once((scope.as_str(), &report.top_sources)).chain(
        report
            .rows
            .iter()
            .map(|r| (r.unit_name.as_str(), &r.top_sources)),
    );
    for (unit, sources) in blocks {
        for (stt, src) in (1u32..).zip(sources) {
            ws.write_number_with_format(row, 0, stt, &s.center)?;
            ws.write_string_with_format(row, 1, unit, &s.text)?;
            ws.write_string_with_format(row, 2, &src.host, &s.text)?;
            ws.write_string_with_format(row, 3, src.label.as_deref().unwrap_or_default(), &s.text)?;
            #[allow(clippy::cast_precision_loss)]
            ws.write_number_with_format(row, 4, src.shares as f64, &s.number)?;
            row += 1;
        }
    }
    Ok(workbook)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(id: i64, name: &str) -> ReportGroup {
        ReportGroup {
            id,
            code: format!("U{id}"),
            name: name.into(),
        }
    }

    #[test]
    fn lines_add_up_people_and_shares_and_the_total_adds_up_lines() {
        let mut b = ReportBuilder::new(vec![group(1, "Sở A"), group(2, "Xã B"), group(3, "Trống")]);
        b.add_person(1, 3, Some(true));
        b.add_person(1, 0, Some(false));
        b.add_person(2, 1, Some(false));
        b.add_person(99, 5, Some(true));
        b.add_shares(
            1,
            "facebook",
            Some("press"),
            "baodienbienphu.vn",
            Some("Báo Điện Biên Phủ"),
            2,
        );
        b.add_shares(1, "zalo", Some("government"), "dienbien.gov.vn", None, 1);
        b.add_shares(2, "tiktok", None, "vtv.vn", None, 1);
        b.add_shares(2, "myspace", Some("nonsense"), "www.vtv.vn", None, 1);
        let r = b.finish(2026, false);
        assert_eq!(
            r.rows.len(),
            2,
            "a unit with nobody and nothing is left out"
        );
        let a = &r.rows[0];
        assert_eq!(
            (a.headcount, a.participants, a.met, a.with_target),
            (2, 1, 1, 2)
        );
        assert_eq!(a.participation_percent, Some(50.0));
        assert_eq!(a.shares, 3);
        assert_eq!(a.platform(Platform::Facebook), 2);
        assert_eq!(a.category(Some(Category::Press)), 2);
        assert_eq!(a.top_sources[0].host, "baodienbienphu.vn");
        let b_row = &r.rows[1];
        assert_eq!(
            b_row.platform(Platform::Other),
            1,
            "unknown platform counts as other"
        );
        assert_eq!(
            b_row.category(None),
            2,
            "no or unknown category counts as other"
        );
        assert_eq!(b_row.met_percent, Some(0.0));
        assert_eq!(b_row.top_sources.len(), 1, "www.vtv.vn is vtv.vn");
        assert_eq!(
            r.total.headcount, 3,
            "people of unknown units are not counted"
        );
        assert_eq!(r.total.shares, 5);
        assert_eq!(r.total.by_platform.values().sum::<u64>(), 5);
        assert_eq!(r.total.by_category.values().sum::<u64>(), 5);
        assert_eq!(
            r.top_sources[0],
            SourceCount {
                host: "baodienbienphu.vn".into(),
                label: Some("Báo Điện Biên Phủ".into()),
                shares: 2
            }
        );
    }

    #[test]
    fn percentages_round_to_one_decimal_and_are_absent_without_people() {
        let mut b = ReportBuilder::new(vec![group(1, "A"), group(2, "B")]);
        for accepted in [1, 1, 0] {
            b.add_person(1, accepted, None);
        }
        b.add_shares(2, "zalo", None, "x.gov.vn", None, 4);
        let r = b.finish(2026, false);
        assert_eq!(r.rows[0].participation_percent, Some(66.7));
        assert_eq!(r.rows[0].met_percent, None, "no policy, no targets");
        assert_eq!(
            r.rows[1].participation_percent, None,
            "shares but no people now"
        );
    }
}
