//! Host-name helpers shared by source, post and allowlist checks (all inputs
//! are lower-case ASCII host names as produced by the `url` crate).

/// Longest accepted host name, in bytes (DNS limit).
pub(crate) const MAX_HOST_LEN: usize = 253;
/// Longest accepted label, in bytes (DNS limit).
pub(crate) const MAX_LABEL_LEN: usize = 63;

/// `true` if `host` is a usable DNS name: non-empty labels of at most 63
/// bytes made of `a-z`, `0-9`, `-` and `_`, at most 253 bytes in all, and a
/// last label that is not all digits (that would be an IPv4 form).
pub(crate) fn is_valid_domain(host: &str) -> bool {
    if host.is_empty() || host.len() > MAX_HOST_LEN {
        return false;
    }
    let mut last = "";
    for label in host.split('.') {
        if label.is_empty()
            || label.len() > MAX_LABEL_LEN
            || !label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return false;
        }
        last = label;
    }
    !last.bytes().all(|b| b.is_ascii_digit())
}

/// The host used for matching: one leading `www.` or `m.` removed, as long as
/// at least two labels remain (`www.x.gov.vn` → `x.gov.vn`, `m.vn` stays).
pub(crate) fn match_host(host: &str) -> &str {
    for prefix in ["www.", "m."] {
        if let Some(rest) = host.strip_prefix(prefix)
            && rest.contains('.')
        {
            return rest;
        }
    }
    host
}

/// The proper label-suffixes of `host`, longest first:
/// `a.b.gov.vn` → `b.gov.vn`, `gov.vn`, `vn`.
pub(crate) fn parent_suffixes(host: &str) -> impl Iterator<Item = &str> {
    host.match_indices('.').map(move |(i, _)| &host[i + 1..])
}

/// `true` if `host` is `domain` or one of its subdomains (whole labels).
pub(crate) fn is_same_or_subdomain(host: &str, domain: &str) -> bool {
    match host.strip_suffix(domain) {
        Some("") => true,
        Some(rest) => rest.ends_with('.'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_domains() {
        let cases = [
            ("gov.vn", true, "plain domain"),
            ("a-b_c.gov.vn", true, "hyphen and underscore"),
            ("xn--bnv-xyz.gov.vn", true, "punycode label"),
            ("localhost", true, "single label is a valid DNS name"),
            ("", false, "empty"),
            ("a..b", false, "empty label"),
            ("a.b.", false, "trailing dot"),
            (".a.b", false, "leading dot"),
            ("a*b.vn", false, "star"),
            ("A.vn", false, "upper case is not normalised"),
            ("x.123", false, "numeric last label"),
        ];
        for (host, want, msg) in cases {
            assert_eq!(is_valid_domain(host), want, "{msg}: {host}");
        }
        let long_label = format!("{}.vn", "a".repeat(64));
        assert!(!is_valid_domain(&long_label), "label over 63 bytes");
        let long_host = format!("{}vn", "abcdefghi.".repeat(26));
        assert!(!is_valid_domain(&long_host), "host over 253 bytes");
    }

    #[test]
    fn match_host_strips_one_www_or_m() {
        let cases = [
            ("www.x.gov.vn", "x.gov.vn"),
            ("m.x.gov.vn", "x.gov.vn"),
            ("www.m.x.vn", "m.x.vn"),
            ("x.gov.vn", "x.gov.vn"),
            ("m.vn", "m.vn"),
            ("www.vn", "www.vn"),
            ("wwwx.vn", "wwwx.vn"),
        ];
        for (host, want) in cases {
            assert_eq!(match_host(host), want, "match_host({host})");
        }
    }

    #[test]
    fn suffixes_and_subdomains() {
        let got: Vec<&str> = parent_suffixes("a.b.gov.vn").collect();
        assert_eq!(got, ["b.gov.vn", "gov.vn", "vn"], "parent suffixes");
        assert!(is_same_or_subdomain("gov.vn", "gov.vn"), "same host");
        assert!(is_same_or_subdomain("x.gov.vn", "gov.vn"), "subdomain");
        assert!(
            !is_same_or_subdomain("fakegov.vn", "gov.vn"),
            "not whole label"
        );
        assert!(!is_same_or_subdomain("vn", "gov.vn"), "shorter host");
    }
}
