//! Fuzzes the CSV readers of the import commands and the allowlist: the first byte picks the
//! reader (units, roster, shares, allowlist rules), the rest is the file. Never panics; a
//! refusal names at least one line, each within the file; an accepted file has at most one
//! row per line; reading is deterministic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fn lines_in(text: &str) -> u64 {
    u64::try_from(text.split('\n').count()).unwrap_or(u64::MAX)
}

fn check<T: PartialEq + std::fmt::Debug>(
    text: &str,
    parse: impl Fn(&str) -> Result<Vec<T>, Vec<(u64, String)>>,
) {
    let first = parse(text);
    assert_eq!(first, parse(text), "deterministic");
    let lines = lines_in(text);
    match first {
        Ok(rows) => assert!(
            u64::try_from(rows.len()).unwrap_or(u64::MAX) < lines.max(1),
            "{} rows from {lines} lines",
            rows.len()
        ),
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal says why");
            for (line, message) in errors {
                assert!(line >= 1 && line <= lines + 1, "line {line} of {lines}");
                assert!(!message.is_empty());
            }
        }
    }
}

fn pairs(errors: Vec<lantoa::import::RowError>) -> Vec<(u64, String)> {
    errors.into_iter().map(|e| (e.line, e.message)).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 4 {
        0 => check(&text, |t| lantoa::import::units::parse(t).map_err(pairs)),
        1 => check(&text, |t| lantoa::import::roster::parse(t).map_err(pairs)),
        2 => check(&text, |t| lantoa::import::shares::parse(t).map_err(pairs)),
        _ => check(&text, |t| {
            lantoa::verify::parse_rules_csv(t)
                .map_err(|errors| errors.into_iter().map(|e| (e.line, e.message)).collect())
        }),
    }
});
