//! The public-suffix guard for allowlist rules: a suffix rule on a public suffix (`com.vn`,
//! `gov.vn`, `github.io`, …) accepts every site anyone registers under it. Pure, backed by the
//! Public Suffix List compiled into the `psl` crate.

use super::allowlist::{Rule, RuleKind};

/// Stable error code when such a rule is refused.
pub const PUBLIC_SUFFIX_CODE: &str = "public_suffix_rule";

/// Whether `host` (canonical: lower-case ASCII, no trailing dot) is itself a public suffix on
/// the Public Suffix List (ICANN or private section), e.g. `vn`, `com.vn`, `gov.vn`.
pub fn is_public_suffix(host: &str) -> bool {
    psl::suffix(host.as_bytes())
        .is_some_and(|suffix| suffix.is_known() && suffix.as_bytes() == host.as_bytes())
}

/// Whether a rule would accept everything registered under a public suffix: a suffix rule
/// whose pattern is one. Other kinds only ever match one host or narrow the list.
pub fn needs_restricted_suffix_confirmation(rule: &Rule) -> bool {
    rule.kind == RuleKind::Suffix && is_public_suffix(&rule.pattern)
}

/// The Vietnamese explanation shown when such a rule is refused.
pub fn refusal_message(pattern: &str) -> String {
    format!(
        "“{pattern}” là hậu tố công cộng (public suffix): bất kỳ ai cũng có thể đăng ký tên miền dưới nó, \
         nên quy tắc loại suffix này sẽ chấp nhận mọi trang web như vậy. Hãy dùng tên miền cụ thể của cơ quan, \
         báo (ví dụ baodienbienphu.vn). Chỉ khi việc đăng ký dưới hậu tố này bị giới hạn cho cơ quan tin cậy \
         (như gov.vn chỉ cơ quan nhà nước được đăng ký), hãy đánh dấu ô xác nhận rồi lưu lại."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Category;

    fn suffix_rule(pattern: &str) -> Rule {
        Rule::new(RuleKind::Suffix, pattern, Category::Government, "x").expect("valid rule")
    }

    #[test]
    fn second_level_vietnamese_zones_and_hosting_suffixes_are_public() {
        for host in [
            "vn",
            "com.vn",
            "net.vn",
            "gov.vn",
            "org.vn",
            "edu.vn",
            "com",
            "github.io",
        ] {
            assert!(
                is_public_suffix(host),
                "{host} is on the Public Suffix List"
            );
        }
    }

    #[test]
    fn registered_domains_and_unknown_endings_are_not() {
        for host in [
            "dienbien.gov.vn",
            "baodienbienphu.vn",
            "facebook.com",
            "example.notatld",
            "",
        ] {
            assert!(!is_public_suffix(host), "{host} is not a public suffix");
        }
    }

    #[test]
    fn only_suffix_rules_on_a_public_suffix_need_confirmation() {
        assert!(needs_restricted_suffix_confirmation(&suffix_rule("gov.vn")));
        assert!(needs_restricted_suffix_confirmation(&suffix_rule(
            "COM.VN."
        )));
        assert!(!needs_restricted_suffix_confirmation(&suffix_rule(
            "dienbien.gov.vn"
        )));
        let host = Rule::new(RuleKind::Host, "gov.vn", Category::Government, "x").expect("valid");
        assert!(!needs_restricted_suffix_confirmation(&host));
        let exclude =
            Rule::new(RuleKind::Exclude, "com.vn", Category::Government, "x").expect("valid");
        assert!(!needs_restricted_suffix_confirmation(&exclude));
    }

    #[test]
    fn the_refusal_names_the_pattern() {
        assert!(refusal_message("com.vn").contains("“com.vn”"));
    }
}
