//! Fuzzes `verify_source` against the seed allowlist: never panics, the
//! verdict is consistent, normalising is idempotent and keeps the verdict.

#![no_main]

use std::sync::LazyLock;

use lantoa::verify::{Allowlist, Verdict, normalize_source, parse_rules_csv, verify_source};
use libfuzzer_sys::fuzz_target;

static ALLOWLIST: LazyLock<Allowlist> = LazyLock::new(|| {
    let rules = parse_rules_csv(include_str!("../../data/allowlist-seed.csv"))
        .expect("the seed allowlist parses");
    Allowlist::new(rules)
});

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let v = verify_source(&ALLOWLIST, &input);
    assert_eq!(v.verdict == Verdict::Accepted, v.reason.is_none());
    assert_eq!(v.rule.is_some(), v.reason.is_none());

    match normalize_source(&input) {
        Ok(n) => {
            assert_eq!(v.normalized.as_deref(), Some(n.url.as_str()));
            let again = normalize_source(&n.url);
            assert_eq!(
                again.as_ref(),
                Ok(&n),
                "normalising is idempotent for {input:?}"
            );
            let w = verify_source(&ALLOWLIST, &n.url);
            assert_eq!(w.verdict, v.verdict, "verdict kept for {input:?}");
            assert_eq!(w.reason, v.reason, "reason kept for {input:?}");
            assert_eq!(w.rule, v.rule, "rule kept for {input:?}");
        }
        Err(reason) => {
            assert_eq!(v.reason, Some(reason));
            assert_eq!(v.normalized, None);
        }
    }
});
