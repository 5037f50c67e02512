//! Closed vocabularies of the roster: unit kinds, employment types, roles, and staff codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Declares a closed set of values stored and exchanged as snake_case strings.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The stored code.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text,)+ } }
            /// The Vietnamese label.
            pub fn label_vi(self) -> &'static str { match self { $($name::$variant => $label,)+ } }
            /// Every code, comma-separated, for error messages.
            pub fn codes() -> String { Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join("|") }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("{} không hợp lệ: «{other}» (phải là một trong {})", $what, Self::codes())),
                }
            }
        }
    };
}

string_enum!(
    /// What kind of body a unit is.
    UnitKind, "loại đơn vị" {
        /// The province itself.
        Province => "province", "Tỉnh";
        /// A provincial department (sở).
        Department => "department", "Sở, ban, ngành";
        /// An agency under a department.
        Agency => "agency", "Cơ quan";
        /// A commune (xã).
        Commune => "commune", "Xã";
        /// A ward (phường).
        Ward => "ward", "Phường";
        /// A mass or political organisation.
        Organization => "organization", "Tổ chức chính trị - xã hội";
        /// A press agency.
        Press => "press", "Cơ quan báo chí";
        /// A division inside a unit (phòng, ban).
        Division => "division", "Phòng, ban";
    }
);

string_enum!(
    /// The personnel category, which decides the applicable rating rules.
    EmploymentType, "loại cán bộ" {
        /// Cán bộ (elected or appointed officials).
        CanBo => "can_bo", "Cán bộ";
        /// Công chức (civil servants).
        CongChuc => "cong_chuc", "Công chức";
        /// Viên chức (public employees).
        VienChuc => "vien_chuc", "Viên chức";
        /// Người lao động (contract workers).
        NguoiLaoDong => "nguoi_lao_dong", "Người lao động";
    }
);

string_enum!(
    /// A role granted to a person, optionally scoped to a unit subtree.
    Role, "vai trò" {
        /// Logs and sees their own shares.
        Staff => "staff", "Cán bộ";
        /// Reviews everyone in a unit's subtree.
        UnitHead => "unit_head", "Thủ trưởng đơn vị";
        /// Reads and exports everything (Sở Nội vụ).
        HomeAffairs => "home_affairs", "Sở Nội vụ";
        /// Aggregate reports and the allowlist (Sở VHTTDL).
        Culture => "culture", "Sở VHTTDL";
        /// Manages units, roster, roles, allowlist and policy.
        Admin => "admin", "Quản trị";
    }
);

string_enum!(
    /// Review state of a share.
    ShareStatus, "trạng thái" {
        /// Counts towards the tally.
        Accepted => "accepted", "Được tính";
        /// Rejected by a reviewer; does not count.
        Rejected => "rejected", "Bị loại";
    }
);

/// A staff code (mã cán bộ): 1–32 characters of letters, digits, `-`, `_`, `.`, upper-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct StaffCode(String);

impl StaffCode {
    /// Parses and upper-cases a staff code.
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim();
        if code.is_empty() {
            return Err("Mã cán bộ không được để trống.".into());
        }
        if code.len() > 32
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(format!(
                "Mã cán bộ «{}» không hợp lệ: chỉ gồm chữ không dấu, chữ số, '-', '_', '.', tối đa 32 ký tự.",
                truncate_for_message(code)
            ));
        }
        Ok(Self(code.to_ascii_uppercase()))
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StaffCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit code: same alphabet as staff codes, upper-cased.
pub fn parse_unit_code(input: &str) -> Result<String, String> {
    let code = input.trim();
    if code.is_empty()
        || code.len() > 32
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!(
            "Mã đơn vị «{}» không hợp lệ: chỉ gồm chữ không dấu, chữ số, '-', '_', '.', tối đa 32 ký tự.",
            truncate_for_message(code)
        ));
    }
    Ok(code.to_ascii_uppercase())
}

/// Shortens user text quoted back in a message, on a character boundary.
pub fn truncate_for_message(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_strings() {
        for kind in UnitKind::ALL {
            assert_eq!(kind.as_str().parse::<UnitKind>(), Ok(*kind));
        }
        for t in EmploymentType::ALL {
            assert_eq!(t.as_str().parse::<EmploymentType>(), Ok(*t));
        }
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(*r));
        }
    }

    #[test]
    fn unknown_codes_are_refused_with_the_allowed_list() {
        let err = "boss".parse::<Role>().err().unwrap_or_default();
        assert!(err.contains("unit_head"), "{err}");
    }

    #[test]
    fn staff_codes_are_upper_cased_and_checked() {
        assert_eq!(StaffCode::parse(" db001 ").map(|c| c.0), Ok("DB001".into()));
        assert!(StaffCode::parse("").is_err(), "empty");
        assert!(StaffCode::parse("DB 001").is_err(), "space inside");
        assert!(StaffCode::parse("<script>").is_err(), "markup");
        assert!(StaffCode::parse(&"A".repeat(33)).is_err(), "too long");
    }
}
