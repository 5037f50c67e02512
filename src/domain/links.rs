//! Finding web addresses inside pasted or shared text ("Đọc ngay: https://… via Zalo"), for
//! the phone form, the share target and logging several links at once. Pure: no I/O.
//!
//! `web/static/app.js` follows the same rules, so what a phone shows before sending is what
//! the server extracts from the same text.

/// At most this many addresses are taken from one text.
pub const MAX_LINKS: usize = 200;

/// Top-level domains accepted for an address typed without `http(s)://`; anything else
/// (`TP.HCM`, `v.v`) is read as words.
const BARE_TLDS: &[&str] = &[
    "vn", "com", "net", "org", "info", "gov", "edu", "tv", "me", "be", "ly", "gl", "co", "io",
    "to", "app", "asia", "biz",
];

/// Characters that end an address inside text.
fn is_stop(c: char) -> bool {
    c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”' | '«' | '»' | '‘' | '`' | '|')
}

/// Punctuation that ends a sentence rather than an address.
fn is_trailing_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '’' | '…' | ')' | ']' | '}'
    )
}

/// Every address in `text`, in order, each once. Addresses written with `http://` or
/// `https://` win; only when there are none are bare `host.tld/path` words taken.
pub fn extract(text: &str) -> Vec<String> {
    let mut found = with_scheme(text);
    if found.is_empty() {
        found = bare(text);
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|link| seen.insert(link.clone()));
    found.truncate(MAX_LINKS);
    found
}

/// The first address in any of these texts, in the order given (share target: `url`, then
/// `text`, then `title`).
pub fn first_of(texts: &[Option<&str>]) -> Option<String> {
    texts
        .iter()
        .flatten()
        .find_map(|text| extract(text).into_iter().next())
}

/// Where the next `http://` or `https://` starts at or after `from` (ASCII case-insensitive).
fn next_scheme(lower: &str, from: usize) -> Option<usize> {
    let rest = lower.get(from..)?;
    [rest.find("http://"), rest.find("https://")]
        .into_iter()
        .flatten()
        .min()
        .map(|at| at + from)
}

fn with_scheme(text: &str) -> Vec<String> {
    // ASCII lower-casing keeps every byte offset, so positions found in `lower` index `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while out.len() < MAX_LINKS
        && let Some(start) = next_scheme(&lower, from)
    {
        let rest = &text[start..];
        let mut end = rest.find(is_stop).unwrap_or(rest.len());
        // Two addresses glued together ("…/ahttps://…") are two addresses.
        if let Some(glued) = next_scheme(&lower, start + 1).filter(|&g| g < start + end) {
            end = glued - start;
        }
        let candidate = trim_tail(&rest[..end]);
        let scheme_len = if lower[start..].starts_with("https://") {
            8
        } else {
            7
        };
        if candidate.len() > scheme_len {
            out.push(candidate.to_owned());
        }
        from = start + end.max(1);
    }
    out
}

/// Drops sentence punctuation after an address; a closing bracket stays when it closes one
/// opened inside the address (`…/Hà_Nội_(thủ_đô)`).
fn trim_tail(candidate: &str) -> &str {
    let mut s = candidate;
    while let Some(last) = s.chars().next_back() {
        if !is_trailing_punctuation(last) {
            break;
        }
        let keep = match last {
            ')' => s.matches('(').count() >= s.matches(')').count(),
            ']' => s.matches('[').count() >= s.matches(']').count(),
            '}' => s.matches('{').count() >= s.matches('}').count(),
            _ => false,
        };
        if keep {
            break;
        }
        s = &s[..s.len() - last.len_utf8()];
    }
    s
}

fn bare(text: &str) -> Vec<String> {
    text.split(is_stop)
        .map(|word| trim_tail(word.trim_start_matches(['(', '[', '{', '\'', '’', '‘'])))
        .filter(|word| looks_like_address(word))
        .map(str::to_owned)
        .take(MAX_LINKS)
        .collect()
}

/// `host.tld` or `host.tld/…` with a known top-level domain, no `@` (an e-mail address).
fn looks_like_address(word: &str) -> bool {
    if word.contains('@') {
        return false;
    }
    let host_end = word.find(['/', '?', '#']).unwrap_or(word.len());
    let host = &word[..host_end];
    let host = host.split_once(':').map_or(host, |(h, port)| {
        if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            ""
        }
    });
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| BARE_TLDS.contains(&tld.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_found_inside_shared_text() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "https://baodienbienphu.vn/tin-tuc/1",
                &["https://baodienbienphu.vn/tin-tuc/1"],
                "a bare address",
            ),
            (
                "Đọc ngay: https://baodienbienphu.vn/tin-tuc/1. Hay lắm!",
                &["https://baodienbienphu.vn/tin-tuc/1"],
                "inside a sentence, full stop dropped",
            ),
            (
                "Xem (https://dienbien.gov.vn/a) nhé",
                &["https://dienbien.gov.vn/a"],
                "closing bracket that is not part of it",
            ),
            (
                "https://vi.wikipedia.org/wiki/Điện_Biên_(tỉnh)",
                &["https://vi.wikipedia.org/wiki/Điện_Biên_(tỉnh)"],
                "a bracket that belongs to it",
            ),
            (
                "«https://nhandan.vn/x» và “http://qdnd.vn/y”",
                &["https://nhandan.vn/x", "http://qdnd.vn/y"],
                "quotes around",
            ),
            (
                "https://a.gov.vn/1https://b.gov.vn/2",
                &["https://a.gov.vn/1", "https://b.gov.vn/2"],
                "glued together",
            ),
            (
                "https://a.gov.vn/1\nhttps://a.gov.vn/1\r\nHTTPS://B.GOV.VN/2",
                &["https://a.gov.vn/1", "HTTPS://B.GOV.VN/2"],
                "one per line, repeated once, upper case",
            ),
            (
                "baodienbienphu.vn/tin-tuc/2, www.dienbien.gov.vn",
                &["baodienbienphu.vn/tin-tuc/2", "www.dienbien.gov.vn"],
                "without a scheme",
            ),
            (
                "Họp ở TP.HCM ngày 12.5.2025, v.v. liên hệ a@dienbien.gov.vn",
                &[],
                "words, dates and e-mail addresses are not addresses",
            ),
            (
                "xem baodienbienphu.vn hoặc https://dienbien.gov.vn/x",
                &["https://dienbien.gov.vn/x"],
                "with a scheme wins over bare words",
            ),
            ("https://", &[], "a scheme alone"),
            ("", &[], "nothing"),
        ];
        for (text, expected, what) in cases {
            assert_eq!(extract(text), *expected, "{what}: {text:?}");
        }
    }

    #[test]
    fn the_share_target_takes_the_first_address_of_url_then_text_then_title() {
        assert_eq!(
            first_of(&[
                None,
                Some("Bài hay https://baodienbienphu.vn/a nhé"),
                Some("https://x.vn/title")
            ]),
            Some("https://baodienbienphu.vn/a".to_owned())
        );
        assert_eq!(
            first_of(&[Some(""), Some("không có"), Some("Tiêu đề")]),
            None
        );
    }

    #[test]
    fn extraction_never_panics_and_is_bounded() {
        let long = "https://a.vn/x ".repeat(1000);
        assert!(extract(&long).len() <= MAX_LINKS);
        let many: String = (0..500).map(|i| format!("https://a.vn/{i} ")).collect();
        assert_eq!(extract(&many).len(), MAX_LINKS);
        for text in [
            "http://ñ",
            "https://…",
            "ttps://a",
            "http://)",
            "((((https://a.vn)",
        ] {
            let _ = extract(text);
        }
    }
}
