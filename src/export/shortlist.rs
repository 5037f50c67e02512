//! The commendation shortlist for Sở Nội vụ: the individuals and units that stand out, by a rule
//! Home Affairs sets (how many of each, the least share of target an individual must reach, the
//! least headcount a unit must have). Ranked in bounded memory: only the best `top_people` are
//! ever kept.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use rust_xlsxwriter::{Workbook, XlsxError};
use serde::{Deserialize, Serialize};

use super::form::{self, Layout, Styles};
use super::{EvaluationRow, FormHeader};

/// The rule of a shortlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// How many individuals to list (0 to 1,000).
    #[serde(default = "default_top_people")]
    pub top_people: u32,
    /// How many units to list (0 to 200).
    #[serde(default = "default_top_units")]
    pub top_units: u32,
    /// The least `accepted ÷ target`, in percent, an individual must reach (0 to 10,000).
    #[serde(default = "default_min_percent")]
    pub min_percent: u32,
    /// The least number of people a unit must have to be listed (1 to 100,000).
    #[serde(default = "default_min_unit_people")]
    pub min_unit_people: u32,
}

fn default_top_people() -> u32 {
    20
}
fn default_top_units() -> u32 {
    5
}
fn default_min_percent() -> u32 {
    100
}
fn default_min_unit_people() -> u32 {
    5
}

impl Default for Rule {
    fn default() -> Self {
        Self {
            top_people: default_top_people(),
            top_units: default_top_units(),
            min_percent: default_min_percent(),
            min_unit_people: default_min_unit_people(),
        }
    }
}

impl Rule {
    /// Checks the bounds; the message is Vietnamese.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.top_people > 1000 {
            return Err("Số cá nhân đề xuất tối đa là 1.000.");
        }
        if self.top_units > 200 {
            return Err("Số tập thể đề xuất tối đa là 200.");
        }
        if self.min_percent > 10_000 {
            return Err("Tỷ lệ hoàn thành chỉ tiêu tối thiểu không hợp lệ (0–10.000 %).");
        }
        if !(1..=100_000).contains(&self.min_unit_people) {
            return Err("Số người tối thiểu của một tập thể phải từ 1 đến 100.000.");
        }
        Ok(())
    }

    /// The rule in words, for the top of the list.
    pub fn describe_vi(&self) -> String {
        format!(
            "Tối đa {} cá nhân hoàn thành từ {}% chỉ tiêu trở lên, xếp theo tỷ lệ hoàn thành; tối đa {} tập thể có từ {} người trở lên, xếp theo tỷ lệ người đạt chỉ tiêu.",
            self.top_people, self.min_percent, self.top_units, self.min_unit_people
        )
    }
}

/// An individual on the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedPerson {
    /// 1 for the first.
    pub rank: u32,
    /// Staff code.
    pub staff_code: String,
    /// Full name.
    pub full_name: String,
    /// Unit code.
    pub unit_code: String,
    /// Unit name.
    pub unit_name: String,
    /// Position.
    pub position: Option<String>,
    /// Accepted shares.
    pub accepted: u32,
    /// Pro-rated target.
    pub target: u32,
    /// `accepted ÷ target` in percent, one decimal.
    pub percent: f64,
    /// Level name.
    pub level: Option<String>,
}

impl RankedPerson {
    /// The share of target as printed: `150,0 %`.
    pub fn percent_vi(&self) -> String {
        super::percent_vi(Some(self.percent))
    }
}

/// A unit on the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedUnit {
    /// 1 for the first.
    pub rank: u32,
    /// Unit code.
    pub unit_code: String,
    /// Unit name.
    pub unit_name: String,
    /// People in the tally.
    pub headcount: u32,
    /// People who met their target.
    pub met: u32,
    /// `met ÷ headcount` in percent, one decimal.
    pub met_percent: f64,
    /// Accepted shares of its people.
    pub accepted: u64,
    /// Accepted shares per person, one decimal.
    pub accepted_per_person: f64,
}

impl RankedUnit {
    /// The share of people who met the target as printed: `80,0 %`.
    pub fn met_percent_vi(&self) -> String {
        super::percent_vi(Some(self.met_percent))
    }

    /// Shares per person as printed: `20,0`.
    pub fn per_person_vi(&self) -> String {
        super::decimal_vi(self.accepted_per_person)
    }
}

/// The shortlist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortlist {
    /// The work year.
    pub year: i32,
    /// Whether the year is closed.
    pub closed: bool,
    /// The rule applied.
    pub rule: Rule,
    /// Individuals, best first.
    pub people: Vec<RankedPerson>,
    /// Units, best first.
    pub units: Vec<RankedUnit>,
}

/// A candidate in the bounded heap, ordered by merit (greater is better).
#[derive(Debug)]
struct Entry {
    sort_key: String,
    row: EvaluationRow,
    target: u32,
}

impl Entry {
    fn merit(&self, other: &Self) -> Ordering {
        // accepted/target compared without rounding: a·t' against a'·t.
        let mine = u64::from(self.row.accepted) * u64::from(other.target);
        let theirs = u64::from(other.row.accepted) * u64::from(self.target);
        mine.cmp(&theirs)
            .then_with(|| self.row.accepted.cmp(&other.row.accepted))
            // Then Vietnamese name order: earlier in the alphabet ranks higher.
            .then_with(|| other.sort_key.cmp(&self.sort_key))
            .then_with(|| other.row.staff_code.cmp(&self.row.staff_code))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.merit(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.merit(other)
    }
}

#[derive(Debug, Default, Clone)]
struct UnitAcc {
    headcount: u32,
    met: u32,
    accepted: u64,
}

/// One unit that may be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitGroup {
    /// The unit's id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// Collects candidates one at a time.
#[derive(Debug)]
pub struct ShortlistBuilder {
    rule: Rule,
    best: BinaryHeap<Reverse<Entry>>,
    groups: Vec<UnitGroup>,
    index: HashMap<i64, usize>,
    units: Vec<UnitAcc>,
}

fn one_decimal(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    // Counts of people and shares are far below 2^52: exact in f64.
    #[allow(clippy::cast_precision_loss)]
    let value = (part as f64 * 10.0 / whole as f64).round() / 10.0;
    value
}

impl ShortlistBuilder {
    /// A builder for a rule, over the units that may be listed.
    pub fn new(rule: Rule, groups: Vec<UnitGroup>) -> Self {
        let index = groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
        let units = vec![UnitAcc::default(); groups.len()];
        Self {
            rule,
            best: BinaryHeap::new(),
            groups,
            index,
            units,
        }
    }

    /// Considers one person, who belongs to `group` for the unit list (if any).
    pub fn add(&mut self, group: Option<i64>, sort_key: String, row: &EvaluationRow) {
        if let Some(acc) = group
            .and_then(|g| self.index.get(&g))
            .and_then(|&i| self.units.get_mut(i))
        {
            acc.headcount += 1;
            acc.met += u32::from(row.met == Some(true));
            acc.accepted += u64::from(row.accepted);
        }
        let Some(target) = row.target.filter(|&t| t > 0) else {
            return;
        };
        let reached =
            u64::from(row.accepted) * 100 >= u64::from(target) * u64::from(self.rule.min_percent);
        if !reached || self.rule.top_people == 0 {
            return;
        }
        let entry = Entry {
            sort_key,
            row: row.clone(),
            target,
        };
        let limit = usize::try_from(self.rule.top_people).unwrap_or(usize::MAX);
        if self.best.len() < limit {
            self.best.push(Reverse(entry));
        } else if self
            .best
            .peek()
            .is_some_and(|Reverse(worst)| entry > *worst)
        {
            self.best.pop();
            self.best.push(Reverse(entry));
        }
    }

    /// The ranked list.
    pub fn finish(self, year: i32, closed: bool) -> Shortlist {
        let mut best: Vec<Entry> = self.best.into_iter().map(|Reverse(e)| e).collect();
        best.sort_by(|a, b| b.cmp(a));
        let people = (1u32..)
            .zip(best)
            .map(|(rank, e)| RankedPerson {
                rank,
                percent: one_decimal(u64::from(e.row.accepted) * 100, u64::from(e.target)),
                staff_code: e.row.staff_code,
                full_name: e.row.full_name,
                unit_code: e.row.unit_code,
                unit_name: e.row.unit_name,
                position: e.row.position,
                accepted: e.row.accepted,
                target: e.target,
                level: e.row.level,
            })
            .collect();

        let rule = self.rule;
        let mut units: Vec<(&UnitGroup, &UnitAcc)> = self
            .groups
            .iter()
            .zip(&self.units)
            .filter(|(_, u)| u.headcount >= rule.min_unit_people && u.met > 0)
            .collect();
        units.sort_by(|(ga, a), (gb, b)| {
            let met = (u64::from(b.met) * u64::from(a.headcount))
                .cmp(&(u64::from(a.met) * u64::from(b.headcount)));
            let per_person =
                (b.accepted * u64::from(a.headcount)).cmp(&(a.accepted * u64::from(b.headcount)));
            met.then(per_person)
                .then_with(|| ga.name.cmp(&gb.name))
                .then_with(|| ga.code.cmp(&gb.code))
        });
        let units = (1u32..)
            .zip(units)
            .take(usize::try_from(rule.top_units).unwrap_or(usize::MAX))
            .map(|(rank, (g, u))| RankedUnit {
                rank,
                unit_code: g.code.clone(),
                unit_name: g.name.clone(),
                headcount: u.headcount,
                met: u.met,
                met_percent: one_decimal(u64::from(u.met) * 100, u64::from(u.headcount)),
                accepted: u.accepted,
                accepted_per_person: one_decimal(u.accepted, u64::from(u.headcount)),
            })
            .collect();
        Shortlist {
            year,
            closed,
            rule,
            people,
            units,
        }
    }
}

/// The shortlist as an XLSX form: individuals, then units, then the signature block.
pub fn workbook(list: &Shortlist, header: &FormHeader) -> Result<Workbook, XlsxError> {
    let s = Styles::new();
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name(format!("Đề xuất khen thưởng {}", list.year))?;
    for (c, w) in (0u16..).zip([6.0, 12.0, 26.0, 44.0, 20.0, 10.0, 10.0, 12.0, 12.0]) {
        ws.set_column_width(c, w)?;
    }
    let last = 8;
    let mut row = form::heading(
        ws,
        &s,
        header,
        Layout {
            last_col: last,
            left_end: 3,
            right_start: 5,
            period_at: 2,
        },
        &format!(
            "DANH SÁCH ĐỀ XUẤT KHEN THƯỞNG THỰC HIỆN CHỈ THỊ SỐ 2241/CT-UBND NĂM {}",
            list.year
        ),
        "(Tập thể, cá nhân tiêu biểu trong đăng tải, chia sẻ thông tin tích cực, chính thống)",
    )?;
    ws.merge_range(
        row - 1,
        0,
        row - 1,
        last,
        &format!("Tiêu chí: {}", list.rule.describe_vi()),
        &s.note,
    )?;
    ws.merge_range(row, 0, row, last, "I. CÁ NHÂN", &s.sign)?;
    row += 1;
    let titles = [
        "STT",
        "Mã cán bộ",
        "Họ và tên",
        "Đơn vị",
        "Chức vụ",
        "Được tính",
        "Chỉ tiêu",
        "Tỷ lệ hoàn thành",
        "Mức",
    ];
    ws.set_row_height(row, 32)?;
    for (c, t) in (0u16..).zip(titles) {
        ws.write_string_with_format(row, c, t, &s.header)?;
    }
    row += 1;
    for p in &list.people {
        ws.write_number_with_format(row, 0, p.rank, &s.center)?;
        ws.write_string_with_format(row, 1, &p.staff_code, &s.text)?;
        ws.write_string_with_format(row, 2, &p.full_name, &s.text)?;
        ws.write_string_with_format(row, 3, &p.unit_name, &s.text)?;
        ws.write_string_with_format(row, 4, p.position.as_deref().unwrap_or_default(), &s.text)?;
        ws.write_number_with_format(row, 5, p.accepted, &s.number)?;
        ws.write_number_with_format(row, 6, p.target, &s.number)?;
        ws.write_number_with_format(row, 7, p.percent / 100.0, &s.percent)?;
        ws.write_string_with_format(row, 8, p.level.as_deref().unwrap_or_default(), &s.center)?;
        row += 1;
    }
    row += 1;
    ws.merge_range(row, 0, row, last, "II. TẬP THỂ", &s.sign)?;
    row += 1;
    let titles = [
        "STT",
        "Mã đơn vị",
        "Đơn vị",
        "",
        "Số người",
        "Số người đạt",
        "Tỷ lệ đạt",
        "Tổng lượt được tính",
        "Bình quân/người",
    ];
    ws.set_row_height(row, 32)?;
    for (c, t) in (0u16..).zip(titles) {
        ws.write_string_with_format(row, c, t, &s.header)?;
    }
    ws.merge_range(row, 2, row, 3, "Đơn vị", &s.header)?;
    row += 1;
    for u in &list.units {
        ws.write_number_with_format(row, 0, u.rank, &s.center)?;
        ws.write_string_with_format(row, 1, &u.unit_code, &s.text)?;
        ws.merge_range(row, 2, row, 3, &u.unit_name, &s.text)?;
        ws.write_number_with_format(row, 4, u.headcount, &s.number)?;
        ws.write_number_with_format(row, 5, u.met, &s.number)?;
        ws.write_number_with_format(row, 6, u.met_percent / 100.0, &s.percent)?;
        #[allow(clippy::cast_precision_loss)]
        ws.write_number_with_format(row, 7, u.accepted as f64, &s.number)?;
        ws.write_number_with_format(row, 8, u.accepted_per_person, &s.decimal)?;
        row += 1;
    }
    form::page_setup(ws, None, true)?;
    form::signatures(ws, &s, header, row + 1, (1, 2), (5, last))?;
    Ok(workbook)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::names::sort_key;

    fn person(
        code: &str,
        name: &str,
        unit: i64,
        accepted: u32,
        target: Option<u32>,
    ) -> EvaluationRow {
        EvaluationRow {
            staff_code: code.into(),
            full_name: name.into(),
            unit_code: format!("U{unit}"),
            unit_name: format!("Đơn vị {unit}"),
            position: None,
            employment_type: "cong_chuc".into(),
            accepted,
            rejected: 0,
            target,
            met: target.map(|t| accepted >= t),
            level: None,
            quarters: [0; 4],
            unit_id: unit,
        }
    }

    fn groups() -> Vec<UnitGroup> {
        (1..=3)
            .map(|id| UnitGroup {
                id,
                code: format!("U{id}"),
                name: format!("Đơn vị {id}"),
            })
            .collect()
    }

    fn build(rule: Rule, people: &[EvaluationRow]) -> Shortlist {
        let mut b = ShortlistBuilder::new(rule, groups());
        for p in people {
            b.add(Some(p.unit_id), sort_key(&p.full_name), p);
        }
        b.finish(2026, false)
    }

    #[test]
    fn individuals_rank_by_share_of_target_then_count_then_name() {
        let people = [
            person("A", "Nguyễn Văn Bình", 1, 150, Some(100)),
            person("B", "Lò Thị An", 1, 75, Some(50)),
            person("C", "Trần Chí", 2, 300, Some(100)),
            person("D", "Quàng An", 2, 150, Some(100)),
            person("E", "Vừ Dính", 2, 99, Some(100)),
            person("F", "Mùa Páo", 3, 500, None),
            person("G", "Cà Văn Giang", 3, 5, Some(0)),
        ];
        let rule = Rule {
            top_people: 3,
            ..Rule::default()
        };
        let list = build(rule, &people);
        let codes: Vec<&str> = list.people.iter().map(|p| p.staff_code.as_str()).collect();
        // C 300 %; then A and D at 150 % with 150 shares (Bình after An: D first); B 150 % with 75.
        assert_eq!(codes, ["C", "D", "A"]);
        assert_eq!(list.people[0].percent, 300.0);
        assert_eq!(list.people[2].rank, 3);
        let all = build(
            Rule {
                top_people: 100,
                ..Rule::default()
            },
            &people,
        );
        assert_eq!(
            all.people.len(),
            4,
            "below the minimum, without a target or a 0 target: out"
        );
        let none = build(
            Rule {
                top_people: 0,
                ..Rule::default()
            },
            &people,
        );
        assert!(none.people.is_empty());
    }

    #[test]
    fn units_rank_by_share_of_people_who_met_the_target() {
        let mut people = Vec::new();
        for i in 0..5 {
            people.push(person(
                &format!("1-{i}"),
                "A",
                1,
                if i < 4 { 10 } else { 0 },
                Some(10),
            ));
            people.push(person(&format!("2-{i}"), "B", 2, 20, Some(10)));
        }
        for i in 0..3 {
            people.push(person(&format!("3-{i}"), "C", 3, 20, Some(10)));
        }
        let list = build(Rule::default(), &people);
        let codes: Vec<&str> = list.units.iter().map(|u| u.unit_code.as_str()).collect();
        assert_eq!(codes, ["U2", "U1"], "U3 has fewer than 5 people");
        assert_eq!((list.units[1].met, list.units[1].met_percent), (4, 80.0));
        assert_eq!(list.units[0].accepted_per_person, 20.0);
        let small = build(
            Rule {
                min_unit_people: 3,
                top_units: 2,
                ..Rule::default()
            },
            &people,
        );
        let codes: Vec<&str> = small.units.iter().map(|u| u.unit_code.as_str()).collect();
        assert_eq!(
            codes,
            ["U2", "U3"],
            "equal share met: more shares per person first… then name"
        );
    }

    #[test]
    fn rules_are_bounded() {
        assert!(Rule::default().check().is_ok());
        assert!(
            Rule {
                top_people: 1001,
                ..Rule::default()
            }
            .check()
            .is_err()
        );
        assert!(
            Rule {
                min_unit_people: 0,
                ..Rule::default()
            }
            .check()
            .is_err()
        );
        assert!(Rule::default().describe_vi().contains("100%"));
    }
}
