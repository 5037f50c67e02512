//! Generation of the example province (Tỉnh Điện Biên): units, people,
//! roles and shares, deterministic for a seed.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

use crate::domain::names::fold_ascii;
use crate::domain::roster::{EmploymentType, Role, UnitKind};
use crate::tally::Period;
use crate::verify::Platform;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DemoParams {
    /// Number of people: about 200 for the demo, 25,000 for benchmarks.
    /// Units scale with it (about one per 80 people, at least 30).
    pub people: usize,
    /// The year the shares are dated in (1 January to 31 December).
    pub year: i32,
    /// No share is dated after this day (today, for the demo).
    pub shares_until: NaiveDate,
    /// Average shares per person per working day for an ordinary person
    /// (weekends are lighter, some people log almost nothing, a few a lot).
    pub shares_per_person_per_day: f32,
}

impl DemoParams {
    /// The demo: 200 people, the year of `today`, shares up to `today`,
    /// 1.5 a day.
    pub fn demo(today: NaiveDate) -> Self {
        Self {
            people: 200,
            year: today.year(),
            shares_until: today,
            shares_per_person_per_day: 1.5,
        }
    }

    /// A province-sized benchmark: 25,000 people and a whole `year` of
    /// shares at 1.5 a day (about 10 million shares).
    pub fn benchmark(year: i32) -> Self {
        Self {
            people: 25_000,
            year,
            shares_until: Period::calendar_year(year).end,
            shares_per_person_per_day: 1.5,
        }
    }
}

/// A unit of the example province.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoUnit {
    /// Unique code (`DB`, `SNV`, `X-MUONGPHANG`, `X-MUONGPHANG-VP`…).
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// What kind of body it is.
    pub kind: UnitKind,
    /// The parent's code; `None` only for the province. Parents are listed
    /// before their children.
    pub parent_code: Option<String>,
}

/// A person of the example province.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoPerson {
    /// Unique staff code, `DB000001`, `DB000002`…
    pub staff_code: String,
    /// Full name with Vietnamese diacritics (NFC).
    pub full_name: String,
    /// `db000001@dienbien.gov.vn`.
    pub email: String,
    /// The person's unit.
    pub unit_code: String,
    /// Position (chức vụ), in Vietnamese.
    pub position: String,
    /// Personnel category.
    pub employment_type: EmploymentType,
    /// First day employed, if known.
    pub joined_on: Option<NaiveDate>,
    /// Last day employed, for the few who left during the year.
    pub left_on: Option<NaiveDate>,
}

/// A role grant of the example province.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoRole {
    /// Who holds it.
    pub staff_code: String,
    /// The role.
    pub role: Role,
    /// The unit subtree it covers; `None` = the whole province.
    pub unit_code: Option<String>,
}

/// One share of the example province.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoShare {
    /// Index of the person in [`DemoProvince::people`].
    pub person_index: usize,
    /// The person's staff code.
    pub staff_code: String,
    /// The article shared: normalised, on the seed allowlist.
    pub source_url: String,
    /// Where it was shared.
    pub platform: Platform,
    /// The person's own post; `None` for Zalo.
    pub post_url: Option<String>,
    /// The day shared.
    pub shared_on: NaiveDate,
}

/// The whole example province.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoProvince {
    /// Units, parents first; the first one is the province.
    pub units: Vec<DemoUnit>,
    /// People, grouped by unit in unit order; a unit's first person is its head.
    pub people: Vec<DemoPerson>,
    /// Role grants.
    pub roles: Vec<DemoRole>,
    /// Shares, by person then date (empty from [`generate_roster`]).
    pub shares: Vec<DemoShare>,
}

/// Generates the whole province, shares included. Deterministic for
/// `(seed, params)`. Holds every share in memory: for benchmark sizes use
/// [`generate_roster`] and [`for_each_share`].
pub fn generate(seed: u64, params: &DemoParams) -> DemoProvince {
    let mut province = generate_roster(seed, params);
    let mut shares = Vec::new();
    for_each_share(seed, params, &province.people, |s| shares.push(s));
    province.shares = shares;
    province
}

// ---------------------------------------------------------------------------
// Units

/// How people in a unit are staffed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    Province,
    Office,
    Commune,
    Division,
    School,
    Health,
    Service,
    Press,
    Organization,
}

/// A unit with what the generator needs to staff it.
struct UnitSpec {
    unit: DemoUnit,
    profile: Profile,
    /// Position and category of the head.
    head: (&'static str, EmploymentType),
    /// Relative size.
    weight: u32,
}

/// Provincial departments and agencies: code, name, head position.
const DEPARTMENTS: &[(&str, &str, &str)] = &[
    (
        "VPUBND",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Chánh Văn phòng",
    ),
    ("SNV", "Sở Nội vụ", "Giám đốc"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Giám đốc"),
    ("STC", "Sở Tài chính", "Giám đốc"),
    ("SYT", "Sở Y tế", "Giám đốc"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "Giám đốc"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "Giám đốc"),
    ("SXD", "Sở Xây dựng", "Giám đốc"),
    ("SCT", "Sở Công Thương", "Giám đốc"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "Giám đốc"),
    ("STP", "Sở Tư pháp", "Giám đốc"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "Giám đốc"),
    ("TTT", "Thanh tra tỉnh", "Chánh Thanh tra"),
];

/// Agencies under departments, added for larger provinces: parent, code
/// suffix, name, profile, head position.
const AGENCIES: &[(&str, &str, &str, Profile, &str)] = &[
    (
        "SYT",
        "BVDK",
        "Bệnh viện Đa khoa tỉnh Điện Biên",
        Profile::Health,
        "Giám đốc",
    ),
    (
        "SYT",
        "CDC",
        "Trung tâm Kiểm soát bệnh tật tỉnh",
        Profile::Health,
        "Giám đốc",
    ),
    (
        "SYT",
        "BVYHCT",
        "Bệnh viện Y học cổ truyền tỉnh",
        Profile::Health,
        "Giám đốc",
    ),
    (
        "SGDDT",
        "LQD",
        "Trường THPT Chuyên Lê Quý Đôn",
        Profile::School,
        "Hiệu trưởng",
    ),
    (
        "SGDDT",
        "PTDTNT",
        "Trường Phổ thông Dân tộc Nội trú tỉnh",
        Profile::School,
        "Hiệu trưởng",
    ),
    (
        "SGDDT",
        "PDG",
        "Trường THPT Phan Đình Giót",
        Profile::School,
        "Hiệu trưởng",
    ),
    (
        "SVHTTDL",
        "BT",
        "Bảo tàng tỉnh Điện Biên",
        Profile::Service,
        "Giám đốc",
    ),
    (
        "SVHTTDL",
        "TV",
        "Thư viện tỉnh Điện Biên",
        Profile::Service,
        "Giám đốc",
    ),
    (
        "SNNMT",
        "KL",
        "Chi cục Kiểm lâm",
        Profile::Office,
        "Chi cục trưởng",
    ),
];

/// Communes and wards after the 2025 reorganisation: name, is a ward.
const COMMUNES: &[(&str, bool)] = &[
    ("Điện Biên Phủ", true),
    ("Mường Phăng", false),
    ("Tủa Chùa", false),
    ("Mường Thanh", true),
    ("Mường Lay", true),
    ("Thanh Nưa", false),
    ("Mường Chà", false),
    ("Tuần Giáo", false),
    ("Mường Ảng", false),
    ("Mường Nhé", false),
    ("Nậm Pồ", false),
    ("Nà Tấu", false),
    ("Thanh An", false),
    ("Thanh Yên", false),
    ("Sam Mứn", false),
    ("Núa Ngam", false),
    ("Mường Nhà", false),
    ("Na Son", false),
    ("Xa Dung", false),
    ("Pu Nhi", false),
    ("Mường Luân", false),
    ("Tìa Dình", false),
    ("Phình Giàng", false),
    ("Na Sang", false),
    ("Mường Tùng", false),
    ("Pa Ham", false),
    ("Nậm Nèn", false),
    ("Mường Pồn", false),
    ("Sín Thầu", false),
    ("Mường Toong", false),
    ("Quảng Lâm", false),
    ("Nà Hỳ", false),
    ("Nà Bủng", false),
    ("Chà Tở", false),
    ("Si Pa Phìn", false),
    ("Sín Chải", false),
    ("Sính Phình", false),
    ("Tủa Thàng", false),
    ("Sáng Nhè", false),
    ("Quài Tở", false),
    ("Mường Mùn", false),
    ("Pú Nhung", false),
    ("Chiềng Sinh", false),
    ("Búng Lao", false),
    ("Mường Lạn", false),
];

/// Children of a commune, in the order they are added: code suffix, name
/// (the commune's name follows), kind, profile.
const COMMUNE_CHILDREN: &[(&str, &str, UnitKind, Profile)] = &[
    (
        "VP",
        "Văn phòng HĐND và UBND",
        UnitKind::Division,
        Profile::Division,
    ),
    ("KT", "Phòng Kinh tế", UnitKind::Division, Profile::Division),
    (
        "VHXH",
        "Phòng Văn hóa - Xã hội",
        UnitKind::Division,
        Profile::Division,
    ),
    (
        "HCC",
        "Trung tâm Phục vụ hành chính công",
        UnitKind::Agency,
        Profile::Division,
    ),
    ("THCS", "Trường THCS", UnitKind::Agency, Profile::School),
    ("TH", "Trường Tiểu học", UnitKind::Agency, Profile::School),
    ("MN", "Trường Mầm non", UnitKind::Agency, Profile::School),
];

fn unit(code: String, name: String, kind: UnitKind, parent: Option<&str>) -> DemoUnit {
    DemoUnit {
        code,
        name,
        kind,
        parent_code: parent.map(str::to_owned),
    }
}

/// `Mường Phăng` → `MUONGPHANG`.
fn code_part(name: &str) -> String {
    fold_ascii(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The units for `people` people: about one per 80, at least 30.
fn build_units(people: usize) -> Vec<UnitSpec> {
    let target = (people / 80).max(30);
    let mut out: Vec<UnitSpec> = Vec::with_capacity(target + 16);
    out.push(UnitSpec {
        unit: unit(
            "DB".into(),
            "Tỉnh Điện Biên".into(),
            UnitKind::Province,
            None,
        ),
        profile: Profile::Province,
        head: ("Chủ tịch UBND tỉnh", EmploymentType::CanBo),
        weight: 2,
    });
    for &(code, name, head) in DEPARTMENTS {
        out.push(UnitSpec {
            unit: unit(code.into(), name.into(), UnitKind::Department, Some("DB")),
            profile: Profile::Office,
            head: (head, EmploymentType::CongChuc),
            weight: 10,
        });
    }
    out.push(UnitSpec {
        unit: unit(
            "BDBP".into(),
            "Báo Điện Biên Phủ".into(),
            UnitKind::Press,
            Some("DB"),
        ),
        profile: Profile::Press,
        head: ("Tổng Biên tập", EmploymentType::VienChuc),
        weight: 6,
    });
    out.push(UnitSpec {
        unit: unit(
            "MTTQ".into(),
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Điện Biên".into(),
            UnitKind::Organization,
            Some("DB"),
        ),
        profile: Profile::Organization,
        head: ("Chủ tịch Ủy ban MTTQ tỉnh", EmploymentType::CanBo),
        weight: 4,
    });
    if target >= 100 {
        for &(parent, suffix, name, profile, head) in AGENCIES {
            let weight = match profile {
                Profile::Health => 14,
                Profile::School => 8,
                _ => 5,
            };
            out.push(UnitSpec {
                unit: unit(
                    format!("{parent}-{suffix}"),
                    name.into(),
                    UnitKind::Agency,
                    Some(parent),
                ),
                profile,
                head: (head, EmploymentType::VienChuc),
                weight,
            });
        }
    }
    let remaining = target.saturating_sub(out.len());
    let communes = (remaining / 5).clamp(3, COMMUNES.len());
    let children = remaining
        .div_ceil(communes)
        .saturating_sub(1)
        .clamp(2, COMMUNE_CHILDREN.len());
    for &(name, ward) in &COMMUNES[..communes] {
        let (prefix, title, lower) = if ward {
            ("P", "Phường", "phường")
        } else {
            ("X", "Xã", "xã")
        };
        let code = format!("{prefix}-{}", code_part(name));
        out.push(UnitSpec {
            unit: unit(
                code.clone(),
                format!("{title} {name}"),
                if ward {
                    UnitKind::Ward
                } else {
                    UnitKind::Commune
                },
                Some("DB"),
            ),
            profile: Profile::Commune,
            head: ("Chủ tịch UBND", EmploymentType::CanBo),
            weight: 6,
        });
        for &(suffix, base, kind, profile) in &COMMUNE_CHILDREN[..children] {
            let name = match (suffix, profile) {
                ("KT", _) if ward => format!("Phòng Kinh tế, Hạ tầng và Đô thị {lower} {name}"),
                (_, Profile::School) => format!("{base} {name}"),
                _ => format!("{base} {lower} {name}"),
            };
            let (head, weight) = match (suffix, profile) {
                ("VP", _) => ("Chánh Văn phòng", 3),
                ("HCC", _) => ("Giám đốc", 2),
                (_, Profile::School) => ("Hiệu trưởng", 5),
                _ => ("Trưởng phòng", 3),
            };
            let head_type = if profile == Profile::School {
                EmploymentType::VienChuc
            } else {
                EmploymentType::CongChuc
            };
            out.push(UnitSpec {
                unit: unit(format!("{code}-{suffix}"), name, kind, Some(&code)),
                profile,
                head: (head, head_type),
                weight,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------
// People

/// Positions of the staff under the head, with category and weight.
fn positions(profile: Profile) -> &'static [(&'static str, EmploymentType, u32)] {
    use EmploymentType::{CanBo, CongChuc, NguoiLaoDong, VienChuc};
    match profile {
        Profile::Province => &[("Phó Chủ tịch UBND tỉnh", CanBo, 1)],
        Profile::Office => &[
            ("Phó Giám đốc", CongChuc, 2),
            ("Trưởng phòng", CongChuc, 4),
            ("Phó Trưởng phòng", CongChuc, 5),
            ("Chuyên viên chính", CongChuc, 10),
            ("Chuyên viên", CongChuc, 30),
            ("Kế toán", CongChuc, 3),
            ("Văn thư", CongChuc, 2),
            ("Lái xe", NguoiLaoDong, 2),
            ("Bảo vệ", NguoiLaoDong, 1),
            ("Nhân viên hợp đồng", NguoiLaoDong, 2),
        ],
        Profile::Commune => &[
            ("Phó Chủ tịch UBND", CanBo, 2),
            ("Chủ tịch HĐND", CanBo, 1),
            ("Phó Chủ tịch HĐND", CanBo, 1),
            ("Chủ tịch Hội Phụ nữ", CanBo, 1),
            ("Chủ tịch Hội Nông dân", CanBo, 1),
            ("Bí thư Đoàn Thanh niên", CanBo, 1),
            ("Chuyên viên", CongChuc, 6),
            ("Nhân viên hợp đồng", NguoiLaoDong, 1),
        ],
        Profile::Division => &[
            ("Phó Trưởng phòng", CongChuc, 2),
            ("Chuyên viên", CongChuc, 8),
            ("Văn thư", CongChuc, 1),
            ("Nhân viên hợp đồng", NguoiLaoDong, 1),
        ],
        Profile::School => &[
            ("Phó Hiệu trưởng", VienChuc, 2),
            ("Giáo viên", VienChuc, 20),
            ("Kế toán", VienChuc, 1),
            ("Nhân viên thư viện", VienChuc, 1),
            ("Bảo vệ", NguoiLaoDong, 1),
            ("Nhân viên phục vụ", NguoiLaoDong, 1),
        ],
        Profile::Health => &[
            ("Phó Giám đốc", VienChuc, 1),
            ("Bác sĩ", VienChuc, 8),
            ("Điều dưỡng", VienChuc, 12),
            ("Dược sĩ", VienChuc, 2),
            ("Kỹ thuật viên", VienChuc, 3),
            ("Kế toán", VienChuc, 1),
            ("Hộ lý", NguoiLaoDong, 2),
        ],
        Profile::Service => &[
            ("Phó Giám đốc", VienChuc, 1),
            ("Viên chức", VienChuc, 8),
            ("Kế toán", VienChuc, 1),
            ("Nhân viên", NguoiLaoDong, 2),
        ],
        Profile::Press => &[
            ("Phó Tổng Biên tập", VienChuc, 1),
            ("Phóng viên", VienChuc, 8),
            ("Biên tập viên", VienChuc, 5),
            ("Kỹ thuật viên", VienChuc, 2),
            ("Kế toán", VienChuc, 1),
            ("Lái xe", NguoiLaoDong, 1),
        ],
        Profile::Organization => &[
            ("Phó Chủ tịch", CanBo, 1),
            ("Trưởng ban", CongChuc, 2),
            ("Chuyên viên", CongChuc, 6),
            ("Nhân viên hợp đồng", NguoiLaoDong, 1),
        ],
    }
}

/// Picks an item by weight.
fn weighted<'a, T>(rng: &mut fastrand::Rng, items: &'a [(T, u32)]) -> Option<&'a T> {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    if total == 0 {
        return None;
    }
    let mut x = rng.u32(0..total);
    for (item, w) in items {
        if x < *w {
            return Some(item);
        }
        x -= *w;
    }
    None
}

/// Picks a position by weight.
fn pick_position(rng: &mut fastrand::Rng, profile: Profile) -> (&'static str, EmploymentType) {
    let items = positions(profile);
    let total: u32 = items.iter().map(|p| p.2).sum();
    let mut x = rng.u32(0..total.max(1));
    for &(name, kind, w) in items {
        if x < w {
            return (name, kind);
        }
        x -= w;
    }
    ("Chuyên viên", EmploymentType::CongChuc)
}

const KINH_FAMILIES: &[(&str, u32)] = &[
    ("Nguyễn", 30),
    ("Trần", 10),
    ("Lê", 9),
    ("Phạm", 6),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Đỗ", 3),
    ("Bùi", 3),
    ("Đặng", 2),
    ("Ngô", 2),
    ("Đinh", 2),
    ("Hà", 2),
    ("Phan", 2),
    ("Trịnh", 1),
];
const THAI_FAMILIES: &[(&str, u32)] = &[
    ("Lò", 6),
    ("Quàng", 5),
    ("Lường", 5),
    ("Cà", 3),
    ("Tòng", 3),
    ("Điêu", 2),
    ("Lù", 2),
];
const HMONG_FAMILIES: &[(&str, u32)] = &[
    ("Giàng", 5),
    ("Sùng", 4),
    ("Vàng", 4),
    ("Mùa", 3),
    ("Thào", 3),
    ("Lý", 2),
];
const KINH_MALE_MIDDLE: &[(&str, u32)] = &[
    ("Văn", 10),
    ("Đức", 4),
    ("Minh", 4),
    ("Quang", 3),
    ("Hữu", 3),
    ("Anh", 2),
    ("Ngọc", 2),
    ("Thanh", 2),
    ("Xuân", 2),
    ("Mạnh", 1),
];
const KINH_FEMALE_MIDDLE: &[(&str, u32)] = &[
    ("Thị", 14),
    ("Thu", 3),
    ("Ngọc", 3),
    ("Thanh", 2),
    ("Minh", 2),
    ("Phương", 2),
    ("Hồng", 2),
    ("Thùy", 2),
    ("Kim", 1),
];
const SECOND_MIDDLE: &[(&str, u32)] = &[
    ("Thu", 3),
    ("Minh", 3),
    ("Ngọc", 2),
    ("Hải", 2),
    ("Thanh", 2),
    ("Kim", 1),
    ("Bảo", 1),
];
const MALE_GIVEN: &[(&str, u32)] = &[
    ("An", 2),
    ("Bình", 3),
    ("Cường", 3),
    ("Dũng", 3),
    ("Đức", 3),
    ("Hải", 3),
    ("Hùng", 4),
    ("Huy", 3),
    ("Khánh", 2),
    ("Kiên", 2),
    ("Long", 3),
    ("Mạnh", 2),
    ("Nam", 4),
    ("Phong", 2),
    ("Quân", 2),
    ("Sơn", 3),
    ("Thắng", 3),
    ("Toàn", 2),
    ("Trung", 3),
    ("Tuấn", 4),
    ("Việt", 2),
    ("Vinh", 2),
    ("Hiếu", 2),
    ("Lâm", 1),
    ("Tùng", 2),
    ("Ước", 1),
];
const FEMALE_GIVEN: &[(&str, u32)] = &[
    ("Anh", 3),
    ("Ánh", 2),
    ("Chi", 2),
    ("Dung", 2),
    ("Giang", 2),
    ("Hà", 3),
    ("Hằng", 3),
    ("Hiền", 3),
    ("Hoa", 3),
    ("Hương", 4),
    ("Huyền", 3),
    ("Lan", 3),
    ("Liên", 2),
    ("Linh", 4),
    ("Loan", 2),
    ("Mai", 3),
    ("Nga", 2),
    ("Ngọc", 2),
    ("Nhung", 2),
    ("Oanh", 1),
    ("Phương", 3),
    ("Quỳnh", 2),
    ("Thảo", 3),
    ("Thủy", 3),
    ("Trang", 4),
    ("Tuyết", 1),
    ("Vân", 2),
    ("Yến", 2),
    ("Ly", 1),
    ("Xuân", 1),
];
const THAI_MALE_GIVEN: &[(&str, u32)] = &[
    ("Khăm", 2),
    ("Inh", 2),
    ("Panh", 1),
    ("Ơn", 1),
    ("Sươi", 1),
    ("Thoong", 1),
    ("Chiến", 2),
    ("Quyết", 2),
];
const THAI_FEMALE_GIVEN: &[(&str, u32)] = &[
    ("Mỷ", 2),
    ("Ỏn", 1),
    ("Xiêng", 1),
    ("Pọm", 1),
    ("Ín", 1),
    ("Bun", 1),
];
const HMONG_MALE_GIVEN: &[(&str, u32)] = &[
    ("Páo", 3),
    ("Chứ", 2),
    ("Dơ", 2),
    ("Sính", 2),
    ("Dếnh", 1),
    ("Pó", 1),
    ("Chinh", 1),
    ("Tủa", 1),
    ("Lử", 1),
];
const HMONG_FEMALE_GIVEN: &[(&str, u32)] = &[
    ("Dua", 2),
    ("Sua", 2),
    ("Mai", 1),
    ("Dế", 1),
    ("Pà", 1),
    ("Chò", 1),
];

/// A real-looking Vietnamese name of the province (Kinh, Thái, Mông).
fn random_name(rng: &mut fastrand::Rng) -> String {
    let female = rng.bool();
    let group = rng.u32(0..100);
    let one = |rng: &mut fastrand::Rng, list: &[(&'static str, u32)]| -> &'static str {
        weighted(rng, list).copied().unwrap_or("An")
    };
    let mut parts: Vec<&'static str> = Vec::with_capacity(4);
    if group < 60 {
        parts.push(one(rng, KINH_FAMILIES));
        parts.push(one(
            rng,
            if female {
                KINH_FEMALE_MIDDLE
            } else {
                KINH_MALE_MIDDLE
            },
        ));
        if rng.u32(0..100) < 15 {
            parts.push(one(rng, SECOND_MIDDLE));
        }
        parts.push(one(rng, if female { FEMALE_GIVEN } else { MALE_GIVEN }));
    } else if group < 85 {
        parts.push(one(rng, THAI_FAMILIES));
        parts.push(if female { "Thị" } else { "Văn" });
        let given = match (female, rng.bool()) {
            (true, true) => THAI_FEMALE_GIVEN,
            (true, false) => FEMALE_GIVEN,
            (false, true) => THAI_MALE_GIVEN,
            (false, false) => MALE_GIVEN,
        };
        parts.push(one(rng, given));
    } else {
        parts.push(one(rng, HMONG_FAMILIES));
        parts.push(if female { "Thị" } else { "A" });
        parts.push(one(
            rng,
            if female {
                HMONG_FEMALE_GIVEN
            } else {
                HMONG_MALE_GIVEN
            },
        ));
    }
    parts.join(" ")
}

/// A date `offset` days after `start`, or `start` if that overflows.
fn add_days(start: NaiveDate, offset: u32) -> NaiveDate {
    start
        .checked_add_days(Days::new(u64::from(offset)))
        .unwrap_or(start)
}

/// A random date in `[start, end]` (`start` if the range is empty).
fn random_date(rng: &mut fastrand::Rng, start: NaiveDate, end: NaiveDate) -> NaiveDate {
    let span = Period::new(start, end).map_or(1, |p| p.days());
    add_days(start, rng.u32(0..span.max(1)))
}

/// Generates units, people and roles (no shares). Deterministic for
/// `(seed, params)`; the share rate does not matter here, `shares_until`
/// only bounds the dates of mid-year arrivals and departures (about 4 % join
/// between February and October, about 3 % leave between March and
/// November, never after `shares_until`; about 6 % have no known start).
pub fn generate_roster(seed: u64, params: &DemoParams) -> DemoProvince {
    let mut rng = fastrand::Rng::with_seed(seed);
    let specs = build_units(params.people);
    let year = Period::calendar_year(params.year);

    // Heads first, one per unit while people last; the rest by weight.
    let mut sizes = vec![0usize; specs.len()];
    for size in sizes.iter_mut().take(params.people) {
        *size = 1;
    }
    let weights: Vec<(usize, u32)> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.weight))
        .collect();
    for _ in specs.len().min(params.people)..params.people {
        if let Some(&i) = weighted(&mut rng, &weights) {
            sizes[i] += 1;
        }
    }
    // Role holders besides heads: the second person of these units.
    let second_of = |code: &str| {
        specs
            .iter()
            .position(|s| s.unit.code == code)
            .map(|i| (i, sizes[i] >= 2))
    };

    let old_start = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(year.start);
    // Mid-year arrivals and departures happen by `shares_until` (no one
    // joins or leaves in the future of the demo's "today").
    let join_window = Period::new(
        add_days(year.start, 31),
        add_days(year.start, 300).min(params.shares_until),
    );
    let leave_until = add_days(year.start, 333).min(params.shares_until);
    let last_year_end = year.start.pred_opt().unwrap_or(year.start);
    let mut people = Vec::with_capacity(params.people);
    let mut roles = Vec::new();
    let mut first_in_unit = vec![None::<usize>; specs.len()];
    for (u, spec) in specs.iter().enumerate() {
        for k in 0..sizes[u] {
            let index = people.len();
            let staff_code = format!("DB{:06}", index + 1);
            let (position, employment_type) = if k == 0 {
                spec.head
            } else {
                pick_position(&mut rng, spec.profile)
            };
            let full_name = random_name(&mut rng);
            // Heads and the second person of SNV, SVHTTDL and VPUBND hold
            // roles and are employed all year.
            let pinned = k == 0
                || (k == 1 && matches!(spec.unit.code.as_str(), "SNV" | "SVHTTDL" | "VPUBND"));
            let roll = rng.u32(0..100);
            let (joined_on, left_on) = if pinned {
                (Some(random_date(&mut rng, old_start, last_year_end)), None)
            } else {
                let joined = match roll {
                    0..=5 => None,
                    6..=9 if join_window.is_some() => {
                        join_window.map(|w| random_date(&mut rng, w.start, w.end))
                    }
                    _ => Some(random_date(&mut rng, old_start, last_year_end)),
                };
                let from = joined.unwrap_or(year.start).max(add_days(year.start, 59));
                let left = match Period::new(from, leave_until) {
                    Some(w) if rng.u32(0..100) < 3 => Some(random_date(&mut rng, w.start, w.end)),
                    _ => None,
                };
                (joined, left)
            };
            people.push(DemoPerson {
                email: format!("{}@dienbien.gov.vn", staff_code.to_ascii_lowercase()),
                staff_code,
                full_name,
                unit_code: spec.unit.code.clone(),
                position: position.to_owned(),
                employment_type,
                joined_on,
                left_on,
            });
            if k == 0 {
                first_in_unit[u] = Some(index);
            }
        }
    }
    for (u, spec) in specs.iter().enumerate() {
        if let Some(i) = first_in_unit[u] {
            roles.push(DemoRole {
                staff_code: people[i].staff_code.clone(),
                role: Role::UnitHead,
                unit_code: Some(spec.unit.code.clone()),
            });
        }
    }
    for (code, role) in [
        ("SNV", Role::HomeAffairs),
        ("SVHTTDL", Role::Culture),
        ("VPUBND", Role::Admin),
    ] {
        let holder = second_of(code).and_then(|(u, has_second)| {
            first_in_unit[u].map(|head| if has_second { head + 1 } else { head })
        });
        if let Some(i) = holder {
            roles.push(DemoRole {
                staff_code: people[i].staff_code.clone(),
                role,
                unit_code: None,
            });
        }
    }

    DemoProvince {
        units: specs.into_iter().map(|s| s.unit).collect(),
        people,
        roles,
        shares: Vec::new(),
    }
}

// ---------------------------------------------------------------------------
// Shares

/// Articles published per day across the sources.
const ARTICLES_PER_DAY: usize = 32;

/// Headline slugs (ASCII, as the news sites write them).
const SLUGS: &[&str] = &[
    "dien-bien-day-manh-chuyen-doi-so-trong-co-quan-nha-nuoc",
    "ky-niem-ngay-chien-thang-dien-bien-phu",
    "tinh-uy-dien-bien-trien-khai-nghi-quyet-moi",
    "hoi-nghi-tong-ket-cong-tac-xay-dung-dang",
    "xay-dung-nong-thon-moi-o-vung-cao",
    "phat-trien-du-lich-cong-dong-tai-muong-phang",
    "nong-dan-dien-bien-thu-hoach-ca-phe",
    "dam-bao-an-ninh-trat-tu-dip-le-hoi",
    "trao-qua-cho-ho-ngheo-vung-bien-gioi",
    "ra-quan-thang-thanh-nien",
    "tang-cuong-cai-cach-hanh-chinh",
    "van-hanh-chinh-quyen-dia-phuong-hai-cap",
    "le-hoi-hoa-ban-dien-bien",
    "hoc-sinh-vung-cao-vao-nam-hoc-moi",
    "chu-dong-phong-chong-thien-tai-mua-mua-lu",
    "xoa-nha-tam-nha-dot-nat-cho-ho-ngheo",
    "giu-gin-ban-sac-van-hoa-dan-toc-thai",
    "day-nhanh-giai-ngan-von-dau-tu-cong",
    "chuong-trinh-muc-tieu-quoc-gia-giam-ngheo-ben-vung",
    "tuyen-truyen-phap-luat-cho-dong-bao-dan-toc-thieu-so",
    "dai-hoi-dai-bieu-dang-bo-nhiem-ky-moi",
    "dien-bien-don-nhan-huan-chuong-lao-dong",
    "kiem-tra-cong-tac-phong-chay-chua-chay-rung",
    "tiem-chung-mo-rong-cho-tre-em-vung-sau",
    "ho-tro-sinh-ke-cho-dong-bao-vung-cao",
    "bao-ton-va-phat-huy-gia-tri-di-tich-lich-su",
    "dai-bieu-quoc-hoi-tiep-xuc-cu-tri",
    "phat-dong-phong-trao-thi-dua-yeu-nuoc",
    "mo-rong-mang-luoi-giao-thong-nong-thon",
    "hoi-nghi-giao-ban-cong-tac-bao-chi",
    "nang-cao-chat-luong-cham-soc-suc-khoe-nhan-dan",
    "thu-hut-dau-tu-vao-khu-cong-nghiep",
];

/// Sections of Báo Điện Biên Phủ.
const SECTIONS: &[&str] = &[
    "chinh-tri",
    "kinh-te",
    "xa-hoi",
    "van-hoa",
    "quoc-phong-an-ninh",
    "the-thao",
];

/// The source of article slot `slot` (0..ARTICLES_PER_DAY): the provincial
/// paper publishes most.
fn source_of_slot(slot: usize) -> usize {
    match slot {
        0..=11 => 0,
        12..=16 => 1,
        17..=20 => 2,
        21..=24 => 3,
        25..=27 => 4,
        28..=29 => 5,
        30 => 6,
        _ => 7,
    }
}

/// The URL of article `slot` published on `day` (normalised already: lower
/// case host, no tracking parameters, no fragment).
fn article_url(day: NaiveDate, slot: usize) -> String {
    let serial = i64::from(day.num_days_from_ce()) * 40 + slot as i64;
    let slug = SLUGS[(serial as usize).wrapping_mul(7919) % SLUGS.len()];
    let section = SECTIONS[(serial as usize) % SECTIONS.len()];
    let (y, m, d) = (day.year(), day.month(), day.day());
    match source_of_slot(slot) {
        0 => format!("https://baodienbienphu.vn/tin-tuc/{section}/{slug}-{serial}.html"),
        1 => format!("https://dienbien.gov.vn/portal/pages/{y}-{m}-{d}/{slug}-{serial}.aspx"),
        2 => format!("https://nhandan.vn/{slug}-post{serial}.html"),
        3 => format!(
            "https://baochinhphu.vn/{slug}-102{:02}{m:02}{d:02}{slot:02}{:04}.htm",
            y.rem_euclid(100),
            serial.rem_euclid(10_000)
        ),
        4 => format!("https://dienbientv.vn/tin-tuc-su-kien/{section}/{slug}-{serial}.htm"),
        5 => format!("https://www.vietnamplus.vn/{slug}-post{serial}.vnp"),
        6 => format!("https://www.qdnd.vn/chinh-tri/tin-tuc/{slug}-{serial}"),
        _ => format!("https://vtv.vn/chinh-tri/{slug}-{serial}.htm"),
    }
}

/// SplitMix64: a good 64-bit mix, to derive per-person seeds.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A Poisson draw (Knuth), capped; fine for the small means used here.
fn poisson(rng: &mut fastrand::Rng, mean: f32, cap: u32) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = rng.f32();
    while p > limit && k < cap {
        k += 1;
        p *= rng.f32();
    }
    k
}

/// The person's social-network user name: folded name and staff number.
fn handle(person: &DemoPerson) -> String {
    let name: String = fold_ascii(&person.full_name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let digits = person
        .staff_code
        .trim_start_matches(|c: char| !c.is_ascii_digit());
    format!("{name}.{digits}")
}

/// URL-safe base64 of `v` in 11 characters, for YouTube ids.
fn youtube_id(v: u64) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..11)
        .rev()
        .map(|i| {
            let idx = (v >> (i * 6)) & 63;
            char::from(ALPHABET[idx as usize])
        })
        .collect()
}

/// Streams the shares of `people` (as returned by [`generate_roster`] for
/// the same seed and params) to `f`, person by person, in date order.
///
/// Each person has an activity level (about 8 % log almost nothing, 5 % are
/// very active), a lighter weekend, sometimes a leave of one to three weeks;
/// shares fall only on days they were employed, in `params.year`, up to
/// `params.shares_until`. Each share's person-dependent randomness comes
/// from `(seed, person index)`, so any slice of people streams the same
/// shares as the whole (pass the whole list to keep `person_index` right).
pub fn for_each_share(
    seed: u64,
    params: &DemoParams,
    people: &[DemoPerson],
    mut f: impl FnMut(DemoShare),
) {
    let year = Period::calendar_year(params.year);
    let Some(range) = year.intersect(&Period {
        start: year.start,
        end: params.shares_until,
    }) else {
        return;
    };
    let days: Vec<NaiveDate> = range
        .start
        .iter_days()
        .take(range.days() as usize)
        .collect();
    // Every article URL of the year, by day and slot.
    let articles: Vec<String> = days
        .iter()
        .flat_map(|&d| (0..ARTICLES_PER_DAY).map(move |s| article_url(d, s)))
        .collect();
    // Slot weights: earlier slots (front-page news) are shared more.
    let slot_weights: Vec<(usize, u32)> = (0..ARTICLES_PER_DAY)
        .map(|s| (s, (ARTICLES_PER_DAY - s) as u32 + 4))
        .collect();
    let rate = params.shares_per_person_per_day.max(0.0);
    let seed_mix = mix(seed ^ 0x5348_4152_4553_u64);

    for (index, person) in people.iter().enumerate() {
        let mut rng = fastrand::Rng::with_seed(mix(seed_mix ^ index as u64));
        let activity = match rng.u32(0..100) {
            0..=7 => 0.03,
            8..=12 => 2.5 + rng.f32(),
            _ => 0.5 + 0.8 * rng.f32(),
        };
        let leave = if rng.u32(0..100) < 60 {
            let start = rng.usize(0..days.len().max(1));
            Some(start..start + rng.usize(5..21))
        } else {
            None
        };
        let employment = crate::tally::Employment {
            joined_on: person.joined_on,
            left_on: person.left_on,
        };
        let handle = handle(person);
        let mut seq: u64 = 0;
        let mut picked = [usize::MAX; 8];
        for (d, &day) in days.iter().enumerate() {
            if !employment.is_employed_on(day) || leave.as_ref().is_some_and(|l| l.contains(&d)) {
                continue;
            }
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let mean = rate * activity * if weekend { 0.3 } else { 1.0 };
            let k = poisson(&mut rng, mean, picked.len() as u32) as usize;
            let mut n = 0;
            let mut attempts = 0;
            while n < k && attempts < 4 * k {
                attempts += 1;
                let Some(&slot) = weighted(&mut rng, &slot_weights) else {
                    break;
                };
                if picked[..n].contains(&slot) {
                    continue;
                }
                picked[n] = slot;
                n += 1;
            }
            for &slot in &picked[..n] {
                let platform = match rng.u32(0..100) {
                    0..=71 => Platform::Facebook,
                    72..=87 => Platform::Zalo,
                    88..=94 => Platform::Tiktok,
                    _ => Platform::Youtube,
                };
                let unique = (index as u64) * 10_000_000 + seq;
                seq += 1;
                let post_url = match platform {
                    Platform::Facebook => Some(format!(
                        "https://www.facebook.com/{handle}/posts/{}",
                        100_000_000_000_000 + unique
                    )),
                    Platform::Tiktok => Some(format!(
                        "https://www.tiktok.com/@{handle}/video/{}",
                        7_300_000_000_000_000_000 + unique
                    )),
                    Platform::Youtube => Some(format!(
                        "https://www.youtube.com/shorts/{}",
                        youtube_id(unique)
                    )),
                    _ => None,
                };
                f(DemoShare {
                    person_index: index,
                    staff_code: person.staff_code.clone(),
                    source_url: articles[d * ARTICLES_PER_DAY + slot].clone(),
                    platform,
                    post_url,
                    shared_on: day,
                });
            }
        }
    }
}
