//! Source URL normalisation and verification against the allowlist: the
//! URL-level checks, the canonical spelling that is stored and
//! de-duplicated, short-link rejection and rule matching.

use std::borrow::Cow;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use url::{Host, Url};

use super::allowlist::{Allowlist, Category, Rule, RuleKind};
use super::hostname::{is_valid_domain, match_host, parent_suffixes};
use super::reason::Reason;

/// Longest accepted address in bytes, checked on the trimmed input and again
/// on the normalised URL.
pub const MAX_URL_BYTES: usize = 2048;

/// Query parameters removed during normalisation (compared ASCII
/// case-insensitively, after percent-decoding the name). Any name starting
/// with one of [`TRACKING_PARAM_PREFIXES`] is removed too.
pub const TRACKING_PARAMS: &[&str] = &[
    // Google / Microsoft / Yandex ad click ids and analytics
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "_ga",
    "_gl",
    // Facebook / Instagram / Messenger
    "fbclid",
    "mibextid",
    "sfnsn",
    "refsrc",
    "__tn__",
    "__cft__",
    "__xts__",
    "fb_action_ids",
    "fb_action_types",
    "fb_ref",
    "fb_source",
    "action_object_map",
    "action_type_map",
    "action_ref_map",
    "igshid",
    "igsh",
    // Zalo
    "zarsrc",
    "zalo_ref",
    "gidzl",
    // TikTok
    "ttclid",
    "is_from_webapp",
    "sender_device",
    "sender_web_id",
    "share_app_id",
    "share_link_id",
    // X / Twitter
    "twclid",
    "ref_src",
    "ref_url",
    // HubSpot, Mailchimp, Marketo, LinkedIn
    "_hsenc",
    "_hsmi",
    "mc_cid",
    "mc_eid",
    "mkt_tok",
    "li_fat_id",
    // generic share trackers
    "share_source",
    "share_medium",
];

/// Name prefixes of tracking parameters (e.g. every `utm_*`).
pub const TRACKING_PARAM_PREFIXES: &[&str] = &["utm_"];

/// Link-shortener hosts: the host itself or any subdomain is a short link.
pub const SHORT_LINK_HOSTS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "bit.do",
    "tinyurl.com",
    "tinyurl.vn",
    "goo.gl",
    "g.co",
    "forms.gle",
    "t.co",
    "ow.ly",
    "is.gd",
    "v.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "tiny.cc",
    "rb.gy",
    "t.ly",
    "s.id",
    "fb.watch",
    "fb.me",
    "vt.tiktok.com",
    "vm.tiktok.com",
    "youtu.be",
    "lnkd.in",
    "shorten.asia",
    "trib.al",
    "dlvr.it",
    "amzn.to",
];

/// A URL that passed the URL-level checks, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct NormalizedUrl {
    /// The canonical URL (`https://host/path?query`), what is stored.
    pub url: String,
    /// The canonical host (lower-case ASCII/punycode, no trailing dot).
    pub host: String,
    /// The path (always starts with `/`), without the query.
    pub path: String,
    /// The URL without scheme and with one leading `www.`/`m.` removed from
    /// the host: equal for `http://www.x.gov.vn/a` and `https://x.gov.vn/a`.
    pub dedupe_key: String,
}

/// Whether a source was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The source is on the allowlist; the share counts.
    Accepted,
    /// The source was rejected; see the reason.
    Rejected,
}

/// The result of [`verify_source`].
///
/// `normalized`, `host` and `dedupe_key` are filled whenever the address
/// passed the URL-level checks, including for the `short_link`,
/// `not_allowlisted` and `excluded` rejections; for a wrapped link they are the
/// address inside the wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification<'a> {
    /// The input exactly as given (it is checked after trimming).
    pub input: String,
    /// Accepted iff `reason` is `None`.
    pub verdict: Verdict,
    /// Why it was rejected.
    pub reason: Option<Reason>,
    /// The canonical URL, see [`NormalizedUrl::url`].
    pub normalized: Option<String>,
    /// The canonical host, see [`NormalizedUrl::host`].
    pub host: Option<String>,
    /// The de-duplication key, see [`NormalizedUrl::dedupe_key`].
    pub dedupe_key: Option<String>,
    /// The rule that accepted the source (only when accepted).
    pub rule: Option<&'a Rule>,
}

impl Verification<'_> {
    /// `true` when the verdict is [`Verdict::Accepted`].
    pub fn is_accepted(&self) -> bool {
        self.verdict == Verdict::Accepted
    }
}

/// The rule as shown in a verification result (no database id).
#[derive(Serialize)]
struct RuleView<'a> {
    kind: RuleKind,
    pattern: &'a str,
    category: Category,
    label: &'a str,
}

impl Serialize for Verification<'_> {
    /// `{"input","verdict","reason","normalized","rule"}`, in that order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Verification", 5)?;
        s.serialize_field("input", &self.input)?;
        s.serialize_field("verdict", &self.verdict)?;
        s.serialize_field("reason", &self.reason)?;
        s.serialize_field("normalized", &self.normalized)?;
        let rule = self.rule.map(|r| RuleView {
            kind: r.kind,
            pattern: &r.pattern,
            category: r.category,
            label: &r.label,
        });
        s.serialize_field("rule", &rule)?;
        s.end()
    }
}

/// Characters trimmed from both ends of the input: Unicode white space and
/// controls, plus the invisible marks phones paste (zero-width spaces and
/// joiners, direction marks, word joiner, BOM).
fn is_trimmed(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{200b}'
                | '\u{200c}'
                | '\u{200d}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2060}'
                | '\u{feff}'
        )
}

/// `true` if `s` (the text before the first `:`) is a scheme name: an ASCII
/// letter followed by letters, digits, `+` or `-`. A `.` means a host name
/// (`dienbien.gov.vn:8080`), so it is not treated as a scheme.
fn looks_like_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-')
}

/// Adds `https:` or `https://` to an input typed without a scheme.
fn with_scheme(s: &str) -> Cow<'_, str> {
    if s.starts_with("//") {
        return Cow::Owned(format!("https:{s}"));
    }
    match s.find(':') {
        Some(i) if looks_like_scheme(&s[..i]) => Cow::Borrowed(s),
        _ => Cow::Owned(format!("https://{s}")),
    }
}

/// `true` if the (raw, still percent-encoded) query parameter name is a
/// tracking parameter.
fn is_tracking_param(raw_name: &str) -> bool {
    let name: Cow<'_, str> = if raw_name.contains(['%', '+']) {
        match url::form_urlencoded::parse(raw_name.as_bytes()).next() {
            Some((name, _)) => name,
            None => Cow::Borrowed(raw_name),
        }
    } else {
        Cow::Borrowed(raw_name)
    };
    let bytes = name.as_bytes();
    TRACKING_PARAMS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(&name))
        || TRACKING_PARAM_PREFIXES
            .iter()
            .any(|p| bytes.len() >= p.len() && bytes[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
}

/// The query without tracking parameters and empty pieces; `None` when
/// nothing remains. Borrowed when nothing had to be removed.
fn clean_query(query: &str) -> Option<Cow<'_, str>> {
    let keep = |piece: &&str| {
        !piece.is_empty() && !is_tracking_param(piece.split('=').next().unwrap_or(piece))
    };
    if query.split('&').all(|p| keep(&p)) {
        return (!query.is_empty()).then_some(Cow::Borrowed(query));
    }
    let mut out = String::with_capacity(query.len());
    for piece in query.split('&').filter(keep) {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(piece);
    }
    (!out.is_empty()).then_some(Cow::Owned(out))
}

/// Checks and normalises a URL without looking at the allowlist.
///
/// Steps: trim (Unicode white space and invisible marks); reject empty
/// (`invalid_url`) and over 2,048 bytes (`too_long`); read scheme-less input
/// as `https://`; parse; only `http`/`https`; no user name or password; a
/// domain host (not an IP literal); default port only; then lower-case host
/// and IDNA to ASCII, strip one trailing dot, drop the fragment and the
/// tracking parameters ([`TRACKING_PARAMS`]), resolve dot segments.
/// Idempotent: `normalize_source(&n.url) == Ok(n)`.
pub fn normalize_source(input: &str) -> Result<NormalizedUrl, Reason> {
    let trimmed = input.trim_matches(is_trimmed);
    if trimmed.is_empty() {
        return Err(Reason::InvalidUrl);
    }
    if trimmed.len() > MAX_URL_BYTES {
        return Err(Reason::TooLong);
    }
    let mut url = Url::parse(&with_scheme(trimmed)).map_err(|_| Reason::InvalidUrl)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Reason::UnsupportedScheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Reason::CredentialsInUrl);
    }
    let host = match url.host() {
        Some(Host::Domain(d)) => d,
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => return Err(Reason::IpHost),
        None => return Err(Reason::InvalidUrl),
    };
    if url.port().is_some() {
        return Err(Reason::NonstandardPort);
    }
    if let Some(stripped) = host.strip_suffix('.') {
        if !is_valid_domain(stripped) {
            return Err(Reason::InvalidUrl);
        }
        let stripped = stripped.to_owned();
        url.set_host(Some(&stripped))
            .map_err(|_| Reason::InvalidUrl)?;
        if url.host_str() != Some(stripped.as_str()) {
            return Err(Reason::InvalidUrl);
        }
    } else if !is_valid_domain(host) {
        return Err(Reason::InvalidUrl);
    }
    url.set_fragment(None);
    if let Some(query) = url.query() {
        match clean_query(query) {
            None => url.set_query(None),
            Some(Cow::Borrowed(_)) => {}
            Some(Cow::Owned(q)) => url.set_query(Some(&q)),
        }
    }

    let host = url.host_str().unwrap_or_default().to_owned();
    let path = url.path().to_owned();
    let scheme_len = url.scheme().len();
    let url: String = url.into();
    if url.len() > MAX_URL_BYTES {
        return Err(Reason::TooLong);
    }
    // `url` is `scheme://host` followed by the path and query.
    let after_host = url
        .get(scheme_len..)
        .and_then(|s| s.strip_prefix("://"))
        .and_then(|s| s.strip_prefix(host.as_str()))
        .ok_or(Reason::InvalidUrl)?;
    let matching = match_host(&host);
    let mut dedupe_key = String::with_capacity(matching.len() + after_host.len());
    dedupe_key.push_str(matching);
    dedupe_key.push_str(after_host);
    Ok(NormalizedUrl {
        url,
        host,
        path,
        dedupe_key,
    })
}

/// Outbound-link wrappers that a copied link often carries: `(host, path, target parameters)`,
/// the parameters in the order they are tried. Facebook's `l.php?u=` and Google's `url?q=` /
/// `url?url=` (the latter form also has a `q=` that holds the search words, so `url` comes
/// first).
const LINK_WRAPPERS: &[(&str, &str, &[&str])] = &[
    ("l.facebook.com", "/l.php", &["u"]),
    ("lm.facebook.com", "/l.php", &["u"]),
    ("google.com", "/url", &["url", "q"]),
    ("www.google.com", "/url", &["url", "q"]),
    ("google.com.vn", "/url", &["url", "q"]),
    ("www.google.com.vn", "/url", &["url", "q"]),
];

/// How many wrappers around one address are taken off (a Google link to a Facebook link to the
/// article is two); an address still wrapped after that is refused.
pub const MAX_UNWRAPS: usize = 3;

/// The longest wrapper that is read, in bytes: the target inside is percent-encoded, so a
/// wrapper may be longer than the [`MAX_URL_BYTES`] its target must fit.
pub(crate) const MAX_WRAPPER_BYTES: usize = 4 * MAX_URL_BYTES;

/// The target of an outbound-link wrapper: `None` when `input` is not a wrapper,
/// `Some(Err(redirect_without_target))` when it is one with no `http(s)` address inside.
fn wrapped_target(input: &str) -> Option<Result<String, Reason>> {
    let trimmed = input.trim_matches(is_trimmed);
    // A cheap look first: the wrappers' paths, before parsing anything.
    if trimmed.len() > MAX_WRAPPER_BYTES
        || !(trimmed.contains("/l.php") || trimmed.contains("/url"))
    {
        return None;
    }
    let url = Url::parse(&with_scheme(trimmed)).ok()?;
    let host = url.host_str()?;
    let host = host.strip_suffix('.').unwrap_or(host);
    let (_, _, params) = LINK_WRAPPERS.iter().find(|(h, p, _)| {
        *h == host
            && *p == url.path()
            && matches!(url.scheme(), "http" | "https")
            && url.username().is_empty()
            && url.password().is_none()
            && url.port().is_none()
    })?;
    let target = params.iter().find_map(|name| {
        url.query_pairs().find_map(|(key, value)| {
            let value = value.trim_matches(is_trimmed);
            let absolute = value
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
                || value
                    .get(..7)
                    .is_some_and(|s| s.eq_ignore_ascii_case("http://"));
            (key == *name && absolute).then(|| value.to_owned())
        })
    });
    Some(target.ok_or(Reason::RedirectWithoutTarget))
}

/// Takes off up to [`MAX_UNWRAPS`] outbound-link wrappers (offline: the address inside is read
/// from the wrapper's query, nothing is fetched). Borrowed when `input` is not a wrapper.
pub fn unwrap_link(input: &str) -> Result<Cow<'_, str>, Reason> {
    let mut current = Cow::Borrowed(input);
    for _ in 0..MAX_UNWRAPS {
        match wrapped_target(&current) {
            None => return Ok(current),
            Some(target) => current = Cow::Owned(target?),
        }
    }
    match wrapped_target(&current) {
        None => Ok(current),
        Some(_) => Err(Reason::RedirectWithoutTarget),
    }
}

/// `true` if `host` is a link shortener (listed in [`SHORT_LINK_HOSTS`], or
/// a subdomain of one).
pub fn is_short_link_host(host: &str) -> bool {
    // The host and each of its parent suffixes against a set, rather than every listed host
    // against the end of this one: three look-ups instead of thirty comparisons per address.
    static SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| SHORT_LINK_HOSTS.iter().copied().collect());
    std::iter::once(host)
        .chain(parent_suffixes(host))
        .any(|h| SET.contains(h))
}

/// Verifies a shared source address: [`unwrap_link`] (a Facebook or Google
/// outbound-link wrapper is replaced by the address inside it, or refused with
/// `redirect_without_target`), then [`normalize_source`], then short links
/// (`short_link`), then the allowlist (`excluded` when an exclude rule
/// covers it, else the most specific of prefix, host and suffix rules, else
/// `not_allowlisted`). Never panics.
pub fn verify_source<'a>(allowlist: &'a Allowlist, input: &str) -> Verification<'a> {
    let mut v = Verification {
        input: input.to_owned(),
        verdict: Verdict::Rejected,
        reason: None,
        normalized: None,
        host: None,
        dedupe_key: None,
        rule: None,
    };
    let unwrapped = match unwrap_link(input) {
        Ok(unwrapped) => unwrapped,
        Err(reason) => {
            v.reason = Some(reason);
            return v;
        }
    };
    match normalize_source(&unwrapped) {
        Err(reason) => v.reason = Some(reason),
        Ok(n) => {
            let outcome = if is_short_link_host(&n.host) {
                Err(Reason::ShortLink)
            } else {
                allowlist.lookup(&n.host, &n.path)
            };
            match outcome {
                Ok(rule) => {
                    v.verdict = Verdict::Accepted;
                    v.rule = Some(rule);
                }
                Err(reason) => v.reason = Some(reason),
            }
            v.normalized = Some(n.url);
            v.host = Some(n.host);
            v.dedupe_key = Some(n.dedupe_key);
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::allowlist::{Category, Rule, RuleKind};

    fn norm(input: &str) -> Result<String, Reason> {
        normalize_source(input).map(|n| n.url)
    }

    #[test]
    fn url_level_rejections() {
        let long_path = format!("https://x.gov.vn/{}", "a".repeat(2040));
        let long_after_encoding = format!("https://x.gov.vn/{}", "ộ".repeat(600));
        let cases: &[(&str, Reason, &str)] = &[
            ("", Reason::InvalidUrl, "empty"),
            ("   \u{a0}\t\n", Reason::InvalidUrl, "only white space"),
            ("http://", Reason::InvalidUrl, "no host"),
            (
                "https://exa mple.gov.vn/",
                Reason::InvalidUrl,
                "space in host",
            ),
            ("http://./", Reason::InvalidUrl, "host is only a dot"),
            ("http://a..gov.vn/", Reason::InvalidUrl, "empty label"),
            (
                "http://x.gov.vn../",
                Reason::InvalidUrl,
                "two trailing dots",
            ),
            ("http://a*b.gov.vn/", Reason::InvalidUrl, "star in host"),
            ("https://[::1", Reason::InvalidUrl, "broken IPv6"),
            (
                "javascript:alert(1)",
                Reason::UnsupportedScheme,
                "javascript",
            ),
            ("ftp://x.gov.vn/a", Reason::UnsupportedScheme, "ftp"),
            ("mailto:a@x.gov.vn", Reason::UnsupportedScheme, "mailto"),
            ("data:text/html,hi", Reason::UnsupportedScheme, "data"),
            ("file:///etc/passwd", Reason::UnsupportedScheme, "file"),
            (
                "https://user@x.gov.vn/",
                Reason::CredentialsInUrl,
                "user name",
            ),
            (
                "https://user:pw@x.gov.vn/",
                Reason::CredentialsInUrl,
                "user and password",
            ),
            (
                "https://:pw@x.gov.vn/",
                Reason::CredentialsInUrl,
                "password only",
            ),
            ("http://127.0.0.1/", Reason::IpHost, "IPv4"),
            ("http://0x7f.1/", Reason::IpHost, "hex IPv4"),
            ("http://2130706433/", Reason::IpHost, "integer IPv4"),
            ("http://[::1]/", Reason::IpHost, "IPv6"),
            ("10.0.0.1/admin", Reason::IpHost, "scheme-less IPv4"),
            ("http://1.2.3.4./", Reason::IpHost, "IPv4 with trailing dot"),
            (
                "https://x.gov.vn:8443/",
                Reason::NonstandardPort,
                "port 8443",
            ),
            (
                "http://x.gov.vn:443/",
                Reason::NonstandardPort,
                "443 on http",
            ),
            (
                "https://x.gov.vn:80/",
                Reason::NonstandardPort,
                "80 on https",
            ),
            (
                "dienbien.gov.vn:8080/x",
                Reason::NonstandardPort,
                "scheme-less with port",
            ),
            (&long_path, Reason::TooLong, "over 2048 bytes"),
            (
                &long_after_encoding,
                Reason::TooLong,
                "over 2048 after percent-encoding",
            ),
        ];
        for (input, want, msg) in cases {
            assert_eq!(
                normalize_source(input).map(|n| n.url),
                Err(*want),
                "{msg}: {input}"
            );
        }
        let just_fits = format!("https://x.gov.vn/{}", "a".repeat(MAX_URL_BYTES - 17));
        assert_eq!(just_fits.len(), MAX_URL_BYTES);
        assert!(
            normalize_source(&just_fits).is_ok(),
            "exactly 2048 bytes is accepted"
        );
    }

    #[test]
    fn normalisation() {
        let cases = [
            (
                "https://dienbien.gov.vn/a",
                "https://dienbien.gov.vn/a",
                "already canonical",
            ),
            (
                "  https://dienbien.gov.vn/a \u{200b}",
                "https://dienbien.gov.vn/a",
                "trimmed",
            ),
            (
                "\u{feff}\u{a0}https://dienbien.gov.vn/a\u{3000}",
                "https://dienbien.gov.vn/a",
                "unicode trim",
            ),
            (
                "HTTPS://DienBien.GOV.VN/A",
                "https://dienbien.gov.vn/A",
                "scheme and host lower-cased, path kept",
            ),
            (
                "dienbien.gov.vn",
                "https://dienbien.gov.vn/",
                "scheme-less host",
            ),
            (
                "dienbien.gov.vn/a?b=1",
                "https://dienbien.gov.vn/a?b=1",
                "scheme-less with path",
            ),
            (
                "//dienbien.gov.vn/x",
                "https://dienbien.gov.vn/x",
                "protocol-relative",
            ),
            (
                "x.gov.vn/a?u=http://y.vn",
                "https://x.gov.vn/a?u=http://y.vn",
                "scheme-less with :// in query",
            ),
            ("http://x.gov.vn/a", "http://x.gov.vn/a", "http kept"),
            (
                "https://x.gov.vn:443/a",
                "https://x.gov.vn/a",
                "default https port dropped",
            ),
            (
                "http://x.gov.vn:80/a",
                "http://x.gov.vn/a",
                "default http port dropped",
            ),
            (
                "https://x.gov.vn./a",
                "https://x.gov.vn/a",
                "trailing dot stripped",
            ),
            (
                "https://x.gov.vn/a#top",
                "https://x.gov.vn/a",
                "fragment dropped",
            ),
            (
                "https://x.gov.vn/a?#",
                "https://x.gov.vn/a",
                "empty query and fragment dropped",
            ),
            (
                "https://x.gov.vn/a/./b/../c",
                "https://x.gov.vn/a/c",
                "dot segments",
            ),
            (
                "https://x.gov.vn/a/%2e%2e/c",
                "https://x.gov.vn/c",
                "encoded dot segments",
            ),
            (
                "https://x.gov.vn\\a\\b",
                "https://x.gov.vn/a/b",
                "backslashes",
            ),
            (
                "https://x.gov.vn/a?utm_source=fb&id=3&UTM_Medium=x&fbclid=abc&b=2#c",
                "https://x.gov.vn/a?id=3&b=2",
                "tracking params dropped, others kept in order",
            ),
            (
                "https://x.gov.vn/a?fbclid=1&gclid=2&mibextid=3&zarsrc=4",
                "https://x.gov.vn/a",
                "only tracking params: ? dropped",
            ),
            (
                "https://x.gov.vn/a?utm%5Fsource=x&k=1",
                "https://x.gov.vn/a?k=1",
                "percent-encoded tracking name",
            ),
            (
                "https://x.gov.vn/a?a=1&&b=2&",
                "https://x.gov.vn/a?a=1&b=2",
                "empty pieces dropped",
            ),
            (
                "https://x.gov.vn/a?zalo_ref=1&gidzl=2&__tn__=3&ref_src=4&share_source=5&igshid=6&igsh=7",
                "https://x.gov.vn/a",
                "more trackers",
            ),
            (
                "https://x.gov.vn/a?_hsenc=1&_hsmi=2&mc_cid=3&mc_eid=4&dclid=5&gbraid=6&wbraid=7&msclkid=8&yclid=9",
                "https://x.gov.vn/a",
                "ad trackers",
            ),
            (
                "https://x.gov.vn/a?utmx=1",
                "https://x.gov.vn/a?utmx=1",
                "utm without underscore is kept",
            ),
            (
                "https://x.gov.vn/tin tức",
                "https://x.gov.vn/tin%20t%E1%BB%A9c",
                "path percent-encoded",
            ),
            (
                "https://bộnộivụ.gov.vn/",
                "https://xn--bniv-5y5ab0g.gov.vn/",
                "IDNA to punycode",
            ),
            (
                "https://BỘNỘIVỤ.gov.vn/",
                "https://xn--bniv-5y5ab0g.gov.vn/",
                "IDNA of upper case",
            ),
            (
                "https://xn--bniv-5y5ab0g.gov.vn/",
                "https://xn--bniv-5y5ab0g.gov.vn/",
                "punycode kept",
            ),
            ("https:x.gov.vn/a", "https://x.gov.vn/a", "missing slashes"),
            ("https://@x.gov.vn/", "https://x.gov.vn/", "empty user info"),
        ];
        for (input, want, msg) in cases {
            assert_eq!(norm(input).as_deref(), Ok(want), "{msg}: {input}");
        }
    }

    #[test]
    fn host_path_and_dedupe_key() {
        let n = normalize_source("http://www.x.gov.vn./a/b?c=1#d");
        assert_eq!(
            n,
            Ok(NormalizedUrl {
                url: "http://www.x.gov.vn/a/b?c=1".into(),
                host: "www.x.gov.vn".into(),
                path: "/a/b".into(),
                dedupe_key: "x.gov.vn/a/b?c=1".into(),
            }),
            "all parts"
        );
        let same = [
            "http://www.x.gov.vn/a",
            "https://x.gov.vn/a",
            "https://m.x.gov.vn/a?utm_source=zalo",
            "x.gov.vn/a#frag",
        ];
        for input in same {
            assert_eq!(
                normalize_source(input).map(|n| n.dedupe_key).as_deref(),
                Ok("x.gov.vn/a"),
                "dedupe key of {input}"
            );
        }
        assert_eq!(
            normalize_source("https://m.vn/a")
                .map(|n| n.dedupe_key)
                .as_deref(),
            Ok("m.vn/a"),
            "m. kept when only one label would remain"
        );
    }

    #[test]
    fn normalisation_is_idempotent_on_examples() {
        for input in [
            "https://x.gov.vn./a/../b?utm_source=1&x=%zz&y=ộ#f",
            "bộnộivụ.gov.vn/tin tức?q=a b",
            "http://www.x.gov.vn/a?&&",
            "https://x.gov.vn/a?x='\"<>",
            "@facebook.com:??",
        ] {
            let Ok(n) = normalize_source(input) else {
                panic!("{input} should normalise");
            };
            assert_eq!(
                normalize_source(&n.url),
                Ok(n.clone()),
                "idempotent for {input}"
            );
        }
    }

    fn allowlist() -> Allowlist {
        let rules = [
            (
                RuleKind::Suffix,
                "gov.vn",
                Category::Government,
                "Cơ quan nhà nước",
            ),
            (
                RuleKind::Suffix,
                "dienbien.gov.vn",
                Category::Government,
                "Tỉnh Điện Biên",
            ),
            (
                RuleKind::Host,
                "baodienbienphu.info.vn",
                Category::Press,
                "Báo Điện Biên Phủ",
            ),
            (
                RuleKind::Host,
                "www.nhandan.vn",
                Category::Press,
                "Báo Nhân Dân",
            ),
            (
                RuleKind::Prefix,
                "facebook.com/thongtinchinhphu",
                Category::OfficialSocial,
                "Thông tin Chính phủ",
            ),
            (
                RuleKind::Prefix,
                "https://www.youtube.com/@VTV24/videos",
                Category::OfficialSocial,
                "VTV24",
            ),
            (
                RuleKind::Exclude,
                "spam.gov.vn",
                Category::Government,
                "Loại trừ",
            ),
            (
                RuleKind::Exclude,
                "www.dienbien.gov.vn/rao-vat",
                Category::Government,
                "Rao vặt",
            ),
            (
                RuleKind::Exclude,
                "facebook.com/thongtinchinhphu/groups",
                Category::OfficialSocial,
                "Nhóm",
            ),
        ];
        let rules = rules
            .into_iter()
            .map(|(k, p, c, l)| Rule::new(k, p, c, l))
            .collect::<Result<Vec<_>, _>>();
        match rules {
            Ok(rules) => Allowlist::new(rules),
            Err(e) => panic!("test rules are valid: {e}"),
        }
    }

    #[test]
    fn allowlist_matching() {
        let list = allowlist();
        // (input, expected reason, expected rule pattern, message)
        let cases: &[(&str, Option<Reason>, Option<&str>, &str)] = &[
            (
                "https://gov.vn/",
                None,
                Some("gov.vn"),
                "suffix matches itself",
            ),
            (
                "https://chinhphu.gov.vn/a",
                None,
                Some("gov.vn"),
                "suffix matches subdomain",
            ),
            (
                "https://www.x.y.gov.vn/a",
                None,
                Some("gov.vn"),
                "suffix matches deep subdomain",
            ),
            (
                "https://dienbien.gov.vn/",
                None,
                Some("dienbien.gov.vn"),
                "longest suffix wins",
            ),
            (
                "https://www.x.dienbien.gov.vn/",
                None,
                Some("dienbien.gov.vn"),
                "longest suffix wins for subdomain",
            ),
            (
                "https://fakegov.vn/",
                Some(Reason::NotAllowlisted),
                None,
                "suffix needs whole labels",
            ),
            (
                "https://gov.vn.example.com/",
                Some(Reason::NotAllowlisted),
                None,
                "suffix must be at the end",
            ),
            (
                "https://xgov.vn.example.com/",
                Some(Reason::NotAllowlisted),
                None,
                "suffix in the middle",
            ),
            (
                "https://baodienbienphu.info.vn/a",
                None,
                Some("baodienbienphu.info.vn"),
                "host exact",
            ),
            (
                "https://www.baodienbienphu.info.vn/a",
                None,
                Some("baodienbienphu.info.vn"),
                "host with www",
            ),
            (
                "https://m.baodienbienphu.info.vn/a",
                None,
                Some("baodienbienphu.info.vn"),
                "host with m",
            ),
            (
                "https://x.baodienbienphu.info.vn/a",
                Some(Reason::NotAllowlisted),
                None,
                "host rule does not cover subdomains",
            ),
            (
                "https://nhandan.vn/a",
                None,
                Some("www.nhandan.vn"),
                "host rule with www matches bare host",
            ),
            (
                "https://m.nhandan.vn/a",
                None,
                Some("www.nhandan.vn"),
                "host rule with www matches m.",
            ),
            (
                "https://facebook.com/thongtinchinhphu",
                None,
                Some("facebook.com/thongtinchinhphu"),
                "prefix exact path",
            ),
            (
                "https://www.facebook.com/thongtinchinhphu/",
                None,
                Some("facebook.com/thongtinchinhphu"),
                "prefix with trailing slash",
            ),
            (
                "https://m.facebook.com/thongtinchinhphu/posts/1",
                None,
                Some("facebook.com/thongtinchinhphu"),
                "prefix deeper path",
            ),
            (
                "https://facebook.com/ThongTinChinhPhu/posts/1",
                None,
                Some("facebook.com/thongtinchinhphu"),
                "prefix is case-insensitive",
            ),
            (
                "https://facebook.com/thongtinchinhphufake",
                Some(Reason::NotAllowlisted),
                None,
                "prefix on whole segments",
            ),
            (
                "https://facebook.com/thongtinchinhphufake/posts/1",
                Some(Reason::NotAllowlisted),
                None,
                "prefix on whole segments, deeper",
            ),
            (
                "https://facebook.com/",
                Some(Reason::NotAllowlisted),
                None,
                "prefix host alone",
            ),
            (
                "https://web.facebook.com/thongtinchinhphu",
                Some(Reason::NotAllowlisted),
                None,
                "prefix host other subdomain",
            ),
            (
                "https://youtube.com/@vtv24/videos/x",
                None,
                Some("www.youtube.com/@vtv24/videos"),
                "two-segment prefix, www equivalence",
            ),
            (
                "https://youtube.com/@vtv24",
                Some(Reason::NotAllowlisted),
                None,
                "shorter than the prefix",
            ),
            (
                "https://spam.gov.vn/a",
                Some(Reason::Excluded),
                None,
                "exclude host wins over suffix",
            ),
            (
                "https://www.spam.gov.vn/a",
                Some(Reason::Excluded),
                None,
                "exclude host with www",
            ),
            (
                "https://a.b.spam.gov.vn/a",
                Some(Reason::Excluded),
                None,
                "exclude host covers subdomains",
            ),
            (
                "https://notspam.gov.vn/a",
                None,
                Some("gov.vn"),
                "exclude host on whole labels",
            ),
            (
                "https://dienbien.gov.vn/rao-vat",
                Some(Reason::Excluded),
                None,
                "exclude path",
            ),
            (
                "https://m.dienbien.gov.vn/rao-vat/1",
                Some(Reason::Excluded),
                None,
                "exclude path deeper, m.",
            ),
            (
                "https://dienbien.gov.vn/rao-vat-2",
                None,
                Some("dienbien.gov.vn"),
                "exclude path on whole segments",
            ),
            (
                "https://x.dienbien.gov.vn/rao-vat",
                None,
                Some("dienbien.gov.vn"),
                "exclude path does not cover subdomains",
            ),
            (
                "https://facebook.com/thongtinchinhphu/groups/1",
                Some(Reason::Excluded),
                None,
                "exclude path wins over prefix",
            ),
            (
                "https://bit.ly/abc",
                Some(Reason::ShortLink),
                None,
                "bit.ly",
            ),
            (
                "https://fb.watch/abc",
                Some(Reason::ShortLink),
                None,
                "fb.watch",
            ),
            (
                "https://youtu.be/abc",
                Some(Reason::ShortLink),
                None,
                "youtu.be",
            ),
            (
                "https://vt.tiktok.com/abc",
                Some(Reason::ShortLink),
                None,
                "vt.tiktok.com",
            ),
            (
                "https://www.tinyurl.com/abc",
                Some(Reason::ShortLink),
                None,
                "shortener subdomain",
            ),
            (
                "https://notbit.ly/abc",
                Some(Reason::NotAllowlisted),
                None,
                "shortener on whole labels",
            ),
            (
                "https://example.com/",
                Some(Reason::NotAllowlisted),
                None,
                "unknown host",
            ),
            (
                "ftp://x.gov.vn/",
                Some(Reason::UnsupportedScheme),
                None,
                "URL checks come first",
            ),
        ];
        for (input, reason, pattern, msg) in cases {
            let v = verify_source(&list, input);
            assert_eq!(v.reason, *reason, "reason, {msg}: {input}");
            assert_eq!(
                v.rule.map(|r| r.pattern.as_str()),
                *pattern,
                "rule, {msg}: {input}"
            );
            assert_eq!(
                v.verdict == Verdict::Accepted,
                reason.is_none(),
                "verdict, {msg}: {input}"
            );
            assert_eq!(
                v.is_accepted(),
                reason.is_none(),
                "is_accepted, {msg}: {input}"
            );
        }
    }

    #[test]
    fn verification_fields_and_json() {
        let list = allowlist();
        let v = verify_source(&list, " https://www.dienbien.gov.vn/a?utm_source=x#y ");
        assert_eq!(
            v.input, " https://www.dienbien.gov.vn/a?utm_source=x#y ",
            "input kept as given"
        );
        assert_eq!(
            v.normalized.as_deref(),
            Some("https://www.dienbien.gov.vn/a"),
            "normalized"
        );
        assert_eq!(v.host.as_deref(), Some("www.dienbien.gov.vn"), "host");
        assert_eq!(
            v.dedupe_key.as_deref(),
            Some("dienbien.gov.vn/a"),
            "dedupe key"
        );
        let json = serde_json::to_string(&v).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"input":" https://www.dienbien.gov.vn/a?utm_source=x#y ","verdict":"accepted","reason":null,"normalized":"https://www.dienbien.gov.vn/a","rule":{"kind":"suffix","pattern":"dienbien.gov.vn","category":"government","label":"Tỉnh Điện Biên"}}"#,
            "accepted JSON"
        );

        let v = verify_source(&list, "https://example.com/x");
        let json = serde_json::to_string(&v).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"input":"https://example.com/x","verdict":"rejected","reason":"not_allowlisted","normalized":"https://example.com/x","rule":null}"#,
            "not allowlisted JSON keeps the normalised URL"
        );

        let v = verify_source(&list, "nope nope");
        assert_eq!(v.normalized, None, "no normalised URL for an invalid one");
        assert_eq!(v.host, None, "no host for an invalid one");
        let json = serde_json::to_string(&v).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"input":"nope nope","verdict":"rejected","reason":"invalid_url","normalized":null,"rule":null}"#,
            "invalid JSON"
        );
    }

    /// `target` percent-encoded the way the wrappers carry it.
    fn encoded(target: &str) -> String {
        url::form_urlencoded::byte_serialize(target.as_bytes()).collect()
    }

    #[test]
    fn outbound_link_wrappers_are_unwrapped() {
        let list = allowlist();
        let article = "https://www.dienbien.gov.vn/tin-tuc/a.html?utm_source=fb&id=7#top";
        let bare = verify_source(&list, article);
        assert!(bare.is_accepted());
        let e = encoded(article);
        let wrapped = [
            format!("https://l.facebook.com/l.php?u={e}&h=AT0abc&s=1"),
            format!("https://lm.facebook.com/l.php?u={e}&h=AT0abc"),
            format!("http://l.facebook.com/l.php?h=AT0abc&u={e}"),
            format!("l.facebook.com/l.php?u={e}"),
            format!("  HTTPS://L.FACEBOOK.COM./l.php?u={e} "),
            format!("https://www.google.com/url?q={e}&sa=D&source=editors"),
            format!("https://google.com/url?sa=t&rct=j&q=&esrc=s&url={e}"),
            format!("https://www.google.com.vn/url?sa=t&q=tin+t%E1%BB%A9c&url={e}"),
            format!("https://google.com.vn/url?q={e}"),
            // A Google link to a Facebook link to the article.
            format!(
                "https://www.google.com/url?q={}",
                encoded(&format!("https://l.facebook.com/l.php?u={e}"))
            ),
        ];
        for input in &wrapped {
            let v = verify_source(&list, input);
            assert_eq!(v.input, *input, "input kept as given");
            assert_eq!(v.verdict, Verdict::Accepted, "{input}");
            assert_eq!(v.rule, bare.rule, "the article's rule: {input}");
            assert_eq!(
                v.normalized.as_deref(),
                Some("https://www.dienbien.gov.vn/tin-tuc/a.html?id=7"),
                "the stored source is the article, normalised: {input}"
            );
            assert_eq!(v.host, bare.host, "{input}");
            assert_eq!(v.dedupe_key, bare.dedupe_key, "{input}");
        }
    }

    #[test]
    fn a_wrapped_link_is_refused_as_its_target_would_be() {
        let list = allowlist();
        let cases = [
            ("https://example.com/x", Reason::NotAllowlisted),
            ("https://spam.gov.vn/a", Reason::Excluded),
            ("https://bit.ly/3abc", Reason::ShortLink),
            ("https://user:pw@dienbien.gov.vn/", Reason::CredentialsInUrl),
            ("http://127.0.0.1/", Reason::IpHost),
            ("https://dienbien.gov.vn:8080/", Reason::NonstandardPort),
        ];
        for (target, want) in cases {
            let input = format!("https://l.facebook.com/l.php?u={}", encoded(target));
            let v = verify_source(&list, &input);
            assert_eq!(v.reason, Some(want), "{input}");
            assert_eq!(
                v.normalized,
                verify_source(&list, target).normalized,
                "{input}"
            );
        }
        let v = verify_source(
            &list,
            &format!(
                "https://www.google.com/url?q={}",
                encoded("https://example.com/x")
            ),
        );
        assert_eq!(
            v.normalized.as_deref(),
            Some("https://example.com/x"),
            "the refused site is what is shown"
        );
    }

    #[test]
    fn a_wrapper_without_a_usable_target_is_refused() {
        let list = allowlist();
        let inputs = [
            "https://l.facebook.com/l.php".to_owned(),
            "https://l.facebook.com/l.php?u=".to_owned(),
            "https://lm.facebook.com/l.php?u=%20&h=x".to_owned(),
            "https://l.facebook.com/l.php?u=javascript%3Aalert(1)".to_owned(),
            "https://l.facebook.com/l.php?u=dienbien.gov.vn%2Fa".to_owned(),
            "https://l.facebook.com/l.php?url=https%3A%2F%2Fdienbien.gov.vn%2F".to_owned(),
            "https://www.google.com/url?q=tin+t%E1%BB%A9c+%C4%91i%E1%BB%87n+bi%C3%AAn".to_owned(),
            "https://www.google.com/url?sa=t&url=".to_owned(),
        ];
        for input in &inputs {
            let v = verify_source(&list, input);
            assert_eq!(v.reason, Some(Reason::RedirectWithoutTarget), "{input}");
            assert_eq!(v.normalized, None, "{input}");
        }
        // Wrapped more than MAX_UNWRAPS times: refused, never followed further.
        let mut link = "https://dienbien.gov.vn/a".to_owned();
        for depth in 1..=MAX_UNWRAPS + 1 {
            link = format!("https://l.facebook.com/l.php?u={}", encoded(&link));
            let want = if depth <= MAX_UNWRAPS {
                None
            } else {
                Some(Reason::RedirectWithoutTarget)
            };
            assert_eq!(verify_source(&list, &link).reason, want, "depth {depth}");
        }
    }

    #[test]
    fn only_the_known_wrappers_are_unwrapped() {
        let list = allowlist();
        let target = encoded("https://dienbien.gov.vn/a");
        let cases = [
            // Other paths of the wrapper hosts, other hosts with the wrapper paths.
            (
                format!("https://l.facebook.com/other?u={target}"),
                Reason::NotAllowlisted,
            ),
            (
                format!("https://www.google.com/search?q={target}"),
                Reason::NotAllowlisted,
            ),
            (
                format!("https://www.google.com/url/x?q={target}"),
                Reason::NotAllowlisted,
            ),
            (
                format!("https://example.com/url?q={target}"),
                Reason::NotAllowlisted,
            ),
            (
                format!("https://example.com/l.php?u={target}"),
                Reason::NotAllowlisted,
            ),
            (
                format!("https://google.co.uk/url?q={target}"),
                Reason::NotAllowlisted,
            ),
            // A wrapper that fails the URL-level checks itself is refused for that.
            (
                format!("https://l.facebook.com:8443/l.php?u={target}"),
                Reason::NonstandardPort,
            ),
            (
                format!("https://a:b@l.facebook.com/l.php?u={target}"),
                Reason::CredentialsInUrl,
            ),
            (
                format!("ftp://l.facebook.com/l.php?u={target}"),
                Reason::UnsupportedScheme,
            ),
        ];
        for (input, want) in &cases {
            assert_eq!(verify_source(&list, input).reason, Some(*want), "{input}");
        }
        assert_eq!(
            unwrap_link("https://dienbien.gov.vn/url?q=1"),
            Ok(Cow::Borrowed("https://dienbien.gov.vn/url?q=1")),
            "a plain address is passed through untouched"
        );
        let too_long = format!(
            "https://l.facebook.com/l.php?u={target}&h={}",
            "x".repeat(MAX_WRAPPER_BYTES)
        );
        assert_eq!(
            verify_source(&list, &too_long).reason,
            Some(Reason::TooLong),
            "an over-long wrapper is not read"
        );
    }

    #[test]
    fn every_reason_code_is_reachable() {
        let list = allowlist();
        let inputs = [
            ("", Reason::InvalidUrl),
            ("gopher://x.gov.vn", Reason::UnsupportedScheme),
            ("https://a:b@x.gov.vn", Reason::CredentialsInUrl),
            ("https://192.168.1.1", Reason::IpHost),
            ("https://x.gov.vn:8080", Reason::NonstandardPort),
            ("https://bit.ly/x", Reason::ShortLink),
            ("https://example.org", Reason::NotAllowlisted),
            ("https://spam.gov.vn", Reason::Excluded),
            (
                "https://l.facebook.com/l.php?h=AT0x",
                Reason::RedirectWithoutTarget,
            ),
        ];
        let mut seen = std::collections::HashSet::new();
        for (input, want) in inputs {
            assert_eq!(verify_source(&list, input).reason, Some(want), "{input}");
            seen.insert(want);
        }
        let long = "a".repeat(MAX_URL_BYTES + 1);
        assert_eq!(
            verify_source(&list, &long).reason,
            Some(Reason::TooLong),
            "too long"
        );
        seen.insert(Reason::TooLong);
        assert_eq!(seen.len(), Reason::ALL.len(), "all reasons covered");
    }
}
