//! Allowlist rules (suffix, host, prefix, exclude), their canonical
//! patterns, the CSV exchange format, and the indexed [`Allowlist`] that
//! matches a normalised host and path.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use super::hostname::{is_valid_domain, match_host, parent_suffixes};
use super::reason::Reason;

/// Longest accepted rule pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 2048;
/// Longest accepted rule label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;

/// How a rule's pattern is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// The host and all its subdomains, on whole labels (`gov.vn`).
    Suffix,
    /// Exactly this host (`www.` and `m.` are equivalent).
    Host,
    /// A host (with `www.`/`m.` equivalence) and a path prefix on whole
    /// segments (`facebook.com/thongtinchinhphu`).
    Prefix,
    /// Removes a host and its subdomains, or a host's path prefix; wins over
    /// every other rule.
    Exclude,
}

impl RuleKind {
    /// Every kind, in declaration order.
    pub const ALL: [RuleKind; 4] = [
        RuleKind::Suffix,
        RuleKind::Host,
        RuleKind::Prefix,
        RuleKind::Exclude,
    ];

    /// The stable string form: `suffix`, `host`, `prefix` or `exclude`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RuleKind::Suffix => "suffix",
            RuleKind::Host => "host",
            RuleKind::Prefix => "prefix",
            RuleKind::Exclude => "exclude",
        }
    }

    /// A short Vietnamese description for the admin pages.
    pub fn label_vi(&self) -> &'static str {
        match self {
            RuleKind::Suffix => "Tên miền và mọi tên miền con",
            RuleKind::Host => "Đúng tên miền",
            RuleKind::Prefix => "Tên miền và đường dẫn",
            RuleKind::Exclude => "Loại trừ",
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RuleKind {
    type Err = RuleError;

    /// Case-insensitive, surrounding white space ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        RuleKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| RuleError::UnknownKind(t.to_owned()))
    }
}

/// What kind of source a rule describes (shown to users and in reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// State agencies.
    Government,
    /// Communist Party bodies and publications.
    Party,
    /// Licensed press.
    Press,
    /// The Fatherland Front and socio-political organisations.
    Organization,
    /// Official social-network accounts (string form `official_social`;
    /// `social` is accepted when parsing).
    #[serde(alias = "social")]
    OfficialSocial,
}

impl Category {
    /// Every category, in declaration order.
    pub const ALL: [Category; 5] = [
        Category::Government,
        Category::Party,
        Category::Press,
        Category::Organization,
        Category::OfficialSocial,
    ];

    /// The stable string form, e.g. `official_social`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Category::Government => "government",
            Category::Party => "party",
            Category::Press => "press",
            Category::Organization => "organization",
            Category::OfficialSocial => "official_social",
        }
    }

    /// The Vietnamese name of the category.
    pub fn label_vi(&self) -> &'static str {
        match self {
            Category::Government => "Cơ quan nhà nước",
            Category::Party => "Cơ quan Đảng",
            Category::Press => "Báo chí",
            Category::Organization => "Mặt trận, đoàn thể",
            Category::OfficialSocial => "Tài khoản mạng xã hội chính thức",
        }
    }

    /// The English name of the category.
    pub fn label_en(&self) -> &'static str {
        match self {
            Category::Government => "Government",
            Category::Party => "Party",
            Category::Press => "Press",
            Category::Organization => "Organisations",
            Category::OfficialSocial => "Official social account",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = RuleError;

    /// Case-insensitive, surrounding white space ignored; `social` is
    /// read as [`Category::OfficialSocial`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("social") {
            return Ok(Category::OfficialSocial);
        }
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| RuleError::UnknownCategory(t.to_owned()))
    }
}

/// Why a rule (or a field of it) is invalid. `Display` is Vietnamese, for
/// the admin who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// Not one of `suffix`, `host`, `prefix`, `exclude`.
    #[error("Loại quy tắc “{0}” không hợp lệ; chỉ nhận suffix, host, prefix hoặc exclude.")]
    UnknownKind(String),
    /// Not one of the category names.
    #[error(
        "Nhóm nguồn “{0}” không hợp lệ; chỉ nhận government, party, press, organization hoặc official_social."
    )]
    UnknownCategory(String),
    /// The pattern is empty.
    #[error("Mẫu trống; hãy nhập tên miền, ví dụ baodienbienphu.vn.")]
    EmptyPattern,
    /// The pattern is longer than [`MAX_PATTERN_BYTES`].
    #[error("Mẫu quá dài (tối đa 2.048 byte).")]
    PatternTooLong,
    /// The host part is not a valid domain name.
    #[error("“{0}” không phải là tên miền hợp lệ.")]
    InvalidHost(String),
    /// The host part has a single label (`vn`).
    #[error("Tên miền “{0}” phải có ít nhất hai phần, ví dụ gov.vn.")]
    SingleLabel(String),
    /// The host part is an IP address.
    #[error("Mẫu phải là tên miền, không được là địa chỉ IP.")]
    IpAddress,
    /// A suffix or host rule contains a path.
    #[error("Quy tắc loại {0} chỉ nhận tên miền, không có đường dẫn (dấu /).")]
    PathNotAllowed(RuleKind),
    /// A prefix rule has no path.
    #[error(
        "Quy tắc prefix cần có đường dẫn sau tên miền, ví dụ facebook.com/thongtinchinhphu; để chấp nhận cả tên miền hãy dùng loại host hoặc suffix."
    )]
    MissingPath,
    /// The path has an empty segment (`a//b`).
    #[error("Đường dẫn trong mẫu không hợp lệ (có đoạn trống “//”).")]
    InvalidPath,
    /// The pattern contains `?` or `#`.
    #[error("Mẫu không được chứa dấu ? hoặc #.")]
    QueryNotAllowed,
    /// The label is empty.
    #[error("Nhãn trống; hãy nhập tên nguồn hiển thị cho người dùng.")]
    EmptyLabel,
    /// The label is longer than [`MAX_LABEL_CHARS`].
    #[error("Nhãn quá dài (tối đa 200 ký tự).")]
    LabelTooLong,
    /// The label contains a control character.
    #[error("Nhãn không được chứa ký tự điều khiển (xuống dòng, tab…).")]
    InvalidLabel,
}

/// One allowlist rule. Build it with [`Rule::new`], which canonicalises the
/// pattern; the fields are public for storage layers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Rule {
    /// Database id, if stored.
    pub id: Option<i64>,
    /// How the pattern is matched.
    pub kind: RuleKind,
    /// Canonical pattern: a host (`gov.vn`) for suffix/host rules, `host/path`
    /// for prefix rules, `host` or `host/path` for exclude rules. Lower-case,
    /// IDNA to ASCII, no scheme, no trailing dot or slash.
    pub pattern: String,
    /// What kind of source this is.
    pub category: Category,
    /// The name shown to users (trimmed, non-empty).
    pub label: String,
}

impl Rule {
    /// Validates and canonicalises a rule (pattern per
    /// [`Rule::canonical_pattern`], label trimmed). `id` is `None`.
    pub fn new(
        kind: RuleKind,
        pattern: &str,
        category: Category,
        label: &str,
    ) -> Result<Rule, RuleError> {
        let pattern = Rule::canonical_pattern(kind, pattern)?;
        let label = label.trim();
        if label.is_empty() {
            return Err(RuleError::EmptyLabel);
        }
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(RuleError::LabelTooLong);
        }
        if label.chars().any(char::is_control) {
            return Err(RuleError::InvalidLabel);
        }
        Ok(Rule {
            id: None,
            kind,
            pattern,
            category,
            label: label.to_owned(),
        })
    }

    /// The same rule with a database id.
    pub fn with_id(mut self, id: i64) -> Rule {
        self.id = Some(id);
        self
    }

    /// The canonical form of a pattern for `kind`: trimmed; a leading
    /// `https://` or `http://` removed; host lower-cased, IDNA to ASCII, one
    /// trailing dot removed, at least two labels, not an IP; for prefix and
    /// exclude the path is percent-encoded like a URL path, dot segments
    /// resolved, lower-cased, trailing `/` removed. Idempotent.
    pub fn canonical_pattern(kind: RuleKind, pattern: &str) -> Result<String, RuleError> {
        let p = pattern.trim();
        if p.is_empty() {
            return Err(RuleError::EmptyPattern);
        }
        if p.len() > MAX_PATTERN_BYTES {
            return Err(RuleError::PatternTooLong);
        }
        let p = strip_scheme(p);
        if p.contains(['?', '#']) {
            return Err(RuleError::QueryNotAllowed);
        }
        match kind {
            RuleKind::Suffix | RuleKind::Host => {
                let host = p.strip_suffix('/').unwrap_or(p);
                if host.contains(['/', '\\']) {
                    return Err(RuleError::PathNotAllowed(kind));
                }
                canonical_host(host)
            }
            RuleKind::Prefix | RuleKind::Exclude => {
                let (host, path) = match p.find(['/', '\\']) {
                    Some(i) => (&p[..i], &p[i..]),
                    None => (p, ""),
                };
                let host = canonical_host(host)?;
                let path = canonical_path(&host, path)?;
                if path.is_empty() {
                    return match kind {
                        RuleKind::Prefix => Err(RuleError::MissingPath),
                        _ => Ok(host),
                    };
                }
                Ok(format!("{host}{path}"))
            }
        }
    }
}

/// Removes a leading `https://` or `http://` (ASCII case-insensitive).
fn strip_scheme(p: &str) -> &str {
    for scheme in ["https://", "http://"] {
        if p.len() >= scheme.len()
            && p.as_bytes()[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
        {
            return &p[scheme.len()..];
        }
    }
    p
}

/// Canonical host of a pattern (see [`Rule::canonical_pattern`]).
fn canonical_host(host: &str) -> Result<String, RuleError> {
    if host.starts_with('[') {
        return Err(RuleError::IpAddress);
    }
    if host.is_empty() || host.contains([':', '@']) {
        return Err(RuleError::InvalidHost(host.to_owned()));
    }
    let parsed = Host::parse(host).map_err(|_| RuleError::InvalidHost(host.to_owned()))?;
    let domain = match parsed {
        Host::Domain(d) => d,
        Host::Ipv4(_) | Host::Ipv6(_) => return Err(RuleError::IpAddress),
    };
    let domain = domain.strip_suffix('.').unwrap_or(&domain);
    if !is_valid_domain(domain) {
        return Err(RuleError::InvalidHost(host.to_owned()));
    }
    if !domain.contains('.') {
        return Err(RuleError::SingleLabel(domain.to_owned()));
    }
    Ok(domain.to_owned())
}

/// Canonical path of a prefix/exclude pattern: `""` or `/seg/seg`.
fn canonical_path(host: &str, path: &str) -> Result<String, RuleError> {
    if path.is_empty() {
        return Ok(String::new());
    }
    let url = Url::parse(&format!("https://{host}{path}"))
        .map_err(|_| RuleError::InvalidHost(host.to_owned()))?;
    if url.host_str() != Some(host) || url.query().is_some() || url.fragment().is_some() {
        return Err(RuleError::InvalidHost(host.to_owned()));
    }
    let path = url.path().trim_end_matches('/');
    if path.split('/').skip(1).any(str::is_empty) {
        return Err(RuleError::InvalidPath);
    }
    Ok(path.to_ascii_lowercase())
}

/// One line of an allowlist CSV that could not be read. `Display` is
/// `dòng N: message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("dòng {line}: {message}")]
pub struct CsvRowError {
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

/// The CSV header, exactly.
const CSV_HEADER: [&str; 4] = ["kind", "pattern", "category", "label"];

/// Reads allowlist rules from CSV with the header `kind,pattern,category,label`
/// (UTF-8 BOM stripped, cells trimmed, blank lines ignored). Every bad row is
/// reported with its line number; a `(kind, pattern)` repeated in the file is
/// an error. Rules get `id: None`.
pub fn parse_rules_csv(text: &str) -> Result<Vec<Rule>, Vec<CsvRowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<(RuleKind, String), u64> = HashMap::new();
    let mut header_seen = false;
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                errors.push(CsvRowError {
                    line: e.position().map_or(0, |p| record_line(text, p)),
                    message: format!("không đọc được dòng CSV ({e})."),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| record_line(text, p));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            let ok = record.len() == CSV_HEADER.len()
                && record
                    .iter()
                    .zip(CSV_HEADER)
                    .all(|(got, want)| got.eq_ignore_ascii_case(want));
            if !ok {
                errors.push(CsvRowError {
                    line,
                    message: "dòng tiêu đề phải đúng là: kind,pattern,category,label".to_owned(),
                });
                return Err(errors);
            }
            continue;
        }
        if record.len() != CSV_HEADER.len() {
            errors.push(CsvRowError {
                line,
                message: format!(
                    "cần đúng 4 cột (kind, pattern, category, label) nhưng có {} cột.",
                    record.len()
                ),
            });
            continue;
        }
        let (kind, pattern, category, label) = (&record[0], &record[1], &record[2], &record[3]);
        let mut problems = Vec::new();
        let kind = kind
            .parse::<RuleKind>()
            .map_err(|e| problems.push(e.to_string()))
            .ok();
        let category = category
            .parse::<Category>()
            .map_err(|e| problems.push(e.to_string()))
            .ok();
        if let (Some(kind), Some(category)) = (kind, category) {
            match Rule::new(kind, pattern, category, label) {
                Ok(rule) => match seen.entry((rule.kind, rule.pattern.clone())) {
                    Entry::Occupied(first) => problems.push(format!(
                        "quy tắc {} “{}” trùng với dòng {}.",
                        rule.kind,
                        rule.pattern,
                        first.get()
                    )),
                    Entry::Vacant(slot) => {
                        slot.insert(line);
                        rules.push(rule);
                    }
                },
                Err(e) => problems.push(e.to_string()),
            }
        } else if let Some(kind) = kind {
            // Still report a bad pattern alongside the bad category.
            if let Err(e) = Rule::canonical_pattern(kind, pattern) {
                problems.push(e.to_string());
            }
        }
        if !problems.is_empty() {
            errors.push(CsvRowError {
                line,
                message: problems.join(" "),
            });
        }
    }
    if !header_seen {
        errors.push(CsvRowError {
            line: 1,
            message: "tệp trống: thiếu dòng tiêu đề kind,pattern,category,label".to_owned(),
        });
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// The 1-based line a record starts on. The csv crate reports the position
/// before the blank lines it skipped, so count those too.
fn record_line(text: &str, pos: &csv::Position) -> u64 {
    let start = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
    let skipped = text.get(start..).map_or(0, |rest| {
        rest.bytes()
            .take_while(|b| matches!(b, b'\n' | b'\r'))
            .filter(|&b| b == b'\n')
            .count()
    });
    pos.line()
        .saturating_add(u64::try_from(skipped).unwrap_or(u64::MAX))
}

/// Writes rules in the format [`parse_rules_csv`] reads (header first,
/// `\n` line ends, quoting only where needed). Ids are not written.
pub fn rules_to_csv(rules: &[Rule]) -> String {
    fn push_field(out: &mut String, field: &str) {
        if field.contains([',', '"', '\n', '\r']) || field.trim() != field {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    let mut out = String::from("kind,pattern,category,label\n");
    for rule in rules {
        push_field(&mut out, rule.kind.as_str());
        out.push(',');
        push_field(&mut out, &rule.pattern);
        out.push(',');
        push_field(&mut out, rule.category.as_str());
        out.push(',');
        push_field(&mut out, &rule.label);
        out.push('\n');
    }
    out
}

/// A prefix or exclude-path rule under one host.
#[derive(Debug, Clone)]
struct PathRule {
    /// Lower-case path segments, at least one.
    segments: Vec<String>,
    /// Index into `Allowlist::rules`.
    rule: usize,
}

/// Path rules per matching host, each list sorted by first segment.
#[derive(Debug, Clone, Default)]
struct PathIndex(HostMap<Vec<PathRule>>);

/// Compares a lower-case pattern segment with a URL segment, ignoring ASCII
/// case on the URL side.
fn cmp_segment(pattern: &str, url_segment: &str) -> Ordering {
    pattern
        .bytes()
        .cmp(url_segment.bytes().map(|b| b.to_ascii_lowercase()))
}

impl PathIndex {
    fn insert(&mut self, host: &str, segments: Vec<String>, rule: usize) {
        self.0
            .entry(match_host(host).to_owned())
            .or_default()
            .push(PathRule { segments, rule });
    }

    fn sort(&mut self) {
        for list in self.0.values_mut() {
            // By first segment, then longest first; stable, so earlier rules
            // win among equals.
            list.sort_by(|a, b| {
                a.segments
                    .first()
                    .cmp(&b.segments.first())
                    .then(b.segments.len().cmp(&a.segments.len()))
            });
        }
    }

    /// The longest path rule of `host` whose segments prefix `path`.
    fn lookup(&self, host: &str, path: &str) -> Option<usize> {
        let list = self.0.get(host)?;
        let path = path.strip_prefix('/').unwrap_or(path);
        let first = path.split('/').next().unwrap_or_default();
        let start = list.partition_point(|r| {
            r.segments
                .first()
                .is_none_or(|s| cmp_segment(s, first).is_lt())
        });
        list[start..]
            .iter()
            .take_while(|r| {
                r.segments
                    .first()
                    .is_some_and(|s| cmp_segment(s, first).is_eq())
            })
            .find(|r| {
                let mut url_segments = path.split('/');
                r.segments.iter().all(|s| {
                    url_segments
                        .next()
                        .is_some_and(|u| cmp_segment(s, u).is_eq())
                })
            })
            .map(|r| r.rule)
    }
}

/// A map keyed by host name, hashed with FNV-1a instead of the standard keyed hash: every
/// verification makes five to ten look-ups of short host names, where SipHash was a large part
/// of the time. Its keys come from the rules (admins), not from users; a crafted address can
/// only be looked up, which costs the same whatever it hashes to.
type HostMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// The 64-bit FNV-1a hash.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Suffix-style host rules: the host itself (with `www.`/`m.` equivalence)
/// and all its subdomains.
#[derive(Debug, Clone, Default)]
struct SuffixIndex {
    /// Keyed by the pattern's matching host (`www.`/`m.` removed).
    same: HostMap<usize>,
    /// Keyed by the pattern as written, for strict subdomains.
    under: HostMap<usize>,
}

impl SuffixIndex {
    fn insert(&mut self, host: &str, rule: usize) {
        self.same.entry(match_host(host).to_owned()).or_insert(rule);
        self.under.entry(host.to_owned()).or_insert(rule);
    }

    /// The most specific rule covering `url_host` (given as its matching host).
    fn lookup(&self, matching_host: &str) -> Option<usize> {
        if let Some(&i) = self.same.get(matching_host) {
            return Some(i);
        }
        parent_suffixes(matching_host).find_map(|s| self.under.get(s).copied())
    }
}

/// The set of active rules, indexed for fast matching. Build it once per
/// rule change and share it (it is immutable).
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    rules: Vec<Rule>,
    suffix: SuffixIndex,
    host: HostMap<usize>,
    prefix: PathIndex,
    exclude_host: SuffixIndex,
    exclude_path: PathIndex,
}

/// Splits a (normally canonical) pattern into a lower-case host without
/// trailing dot and lower-case, non-empty path segments. Tolerates
/// non-canonical patterns put straight into a [`Rule`].
fn pattern_parts(pattern: &str) -> (String, Vec<String>) {
    let p = strip_scheme(pattern.trim()).to_ascii_lowercase();
    let (host, path) = match p.find('/') {
        Some(i) => (&p[..i], &p[i..]),
        None => (p.as_str(), ""),
    };
    let host = host.strip_suffix('.').unwrap_or(host).to_owned();
    let segments = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (host, segments)
}

impl Allowlist {
    /// Indexes already validated rules (pass only active ones). When rules
    /// tie (same kind and key), the earlier one wins.
    pub fn new(rules: Vec<Rule>) -> Allowlist {
        let mut list = Allowlist {
            rules: Vec::new(),
            ..Allowlist::default()
        };
        for (i, rule) in rules.iter().enumerate() {
            let (host, segments) = pattern_parts(&rule.pattern);
            if host.is_empty() {
                continue;
            }
            match rule.kind {
                RuleKind::Suffix => list.suffix.insert(&host, i),
                RuleKind::Host => {
                    list.host.entry(match_host(&host).to_owned()).or_insert(i);
                }
                RuleKind::Prefix if segments.is_empty() => {
                    list.host.entry(match_host(&host).to_owned()).or_insert(i);
                }
                RuleKind::Prefix => list.prefix.insert(&host, segments, i),
                RuleKind::Exclude if segments.is_empty() => list.exclude_host.insert(&host, i),
                RuleKind::Exclude => list.exclude_path.insert(&host, segments, i),
            }
        }
        list.prefix.sort();
        list.exclude_path.sort();
        list.rules = rules;
        list
    }

    /// The rules, in the order given to [`Allowlist::new`].
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// `true` when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Matches a normalised host and path: exclude rules first
    /// (`Err(Excluded)`), then prefix, host and the longest suffix rule;
    /// `Err(NotAllowlisted)` when none applies.
    pub(crate) fn lookup(&self, host: &str, path: &str) -> Result<&Rule, Reason> {
        let m = match_host(host);
        if self.exclude_host.lookup(m).is_some() || self.exclude_path.lookup(m, path).is_some() {
            return Err(Reason::Excluded);
        }
        self.prefix
            .lookup(m, path)
            .or_else(|| self.host.get(m).copied())
            .or_else(|| self.suffix.lookup(m))
            .and_then(|i| self.rules.get(i))
            .ok_or(Reason::NotAllowlisted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_and_category_strings() {
        for kind in RuleKind::ALL {
            assert_eq!(
                kind.as_str().parse::<RuleKind>(),
                Ok(kind),
                "FromStr {kind}"
            );
            assert_eq!(
                serde_json::to_string(&kind).ok(),
                Some(format!("\"{kind}\"")),
                "serde {kind}"
            );
            assert!(!kind.label_vi().is_empty(), "label of {kind}");
        }
        assert_eq!(
            " SUFFIX ".parse::<RuleKind>(),
            Ok(RuleKind::Suffix),
            "case-insensitive kind"
        );
        assert!("domain".parse::<RuleKind>().is_err(), "unknown kind");
        for cat in Category::ALL {
            assert_eq!(cat.as_str().parse::<Category>(), Ok(cat), "FromStr {cat}");
            assert_eq!(
                serde_json::to_string(&cat).ok(),
                Some(format!("\"{cat}\"")),
                "serde {cat}"
            );
            assert!(!cat.label_vi().is_empty(), "label_vi of {cat}");
            assert!(!cat.label_en().is_empty(), "label_en of {cat}");
        }
        assert_eq!(
            "social".parse::<Category>(),
            Ok(Category::OfficialSocial),
            "social alias"
        );
        assert_eq!(
            serde_json::from_str::<Category>("\"social\"").ok(),
            Some(Category::OfficialSocial),
            "serde social alias"
        );
        assert!("ngo".parse::<Category>().is_err(), "unknown category");
    }

    #[test]
    fn canonical_patterns() {
        use RuleKind::*;
        let ok = [
            (Suffix, "gov.vn", "gov.vn", "plain"),
            (
                Suffix,
                " GOV.VN. ",
                "gov.vn",
                "trim, lower-case, trailing dot",
            ),
            (
                Suffix,
                "https://gov.vn/",
                "gov.vn",
                "scheme and slash removed",
            ),
            (Host, "bộnộivụ.gov.vn", "xn--bniv-5y5ab0g.gov.vn", "IDNA"),
            (
                Host,
                "www.nhandan.vn",
                "www.nhandan.vn",
                "www kept in the pattern",
            ),
            (
                Prefix,
                "facebook.com/thongtinchinhphu",
                "facebook.com/thongtinchinhphu",
                "prefix",
            ),
            (
                Prefix,
                "https://www.Facebook.com/ThongTinChinhPhu/",
                "www.facebook.com/thongtinchinhphu",
                "prefix with scheme, case, slash",
            ),
            (
                Prefix,
                "HTTP://youtube.com/@VTV24/videos",
                "youtube.com/@vtv24/videos",
                "two segments",
            ),
            (Prefix, "x.vn/a/./b/../c", "x.vn/a/c", "dot segments"),
            (
                Prefix,
                "x.vn/tin tức",
                "x.vn/tin%20t%e1%bb%a9c",
                "percent-encoded and lower-cased",
            ),
            (Exclude, "spam.gov.vn", "spam.gov.vn", "exclude host"),
            (
                Exclude,
                "spam.gov.vn/",
                "spam.gov.vn",
                "exclude host with slash",
            ),
            (
                Exclude,
                "x.gov.vn/rao-vat/",
                "x.gov.vn/rao-vat",
                "exclude path",
            ),
        ];
        for (kind, input, want, msg) in ok {
            let got = Rule::canonical_pattern(kind, input);
            assert_eq!(got.as_deref(), Ok(want), "{msg}: {kind} {input}");
            assert_eq!(
                Rule::canonical_pattern(kind, want).as_deref(),
                Ok(want),
                "idempotent, {msg}"
            );
        }
        let bad = [
            (Suffix, "", RuleError::EmptyPattern, "empty"),
            (Suffix, "   ", RuleError::EmptyPattern, "blank"),
            (
                Suffix,
                "gov.vn/a",
                RuleError::PathNotAllowed(Suffix),
                "suffix with path",
            ),
            (
                Host,
                "x.vn/a",
                RuleError::PathNotAllowed(Host),
                "host with path",
            ),
            (
                Suffix,
                "vn",
                RuleError::SingleLabel("vn".into()),
                "single label",
            ),
            (Host, "1.2.3.4", RuleError::IpAddress, "IPv4"),
            (Host, "[::1]", RuleError::IpAddress, "IPv6"),
            (
                Host,
                "x.vn:8080",
                RuleError::InvalidHost("x.vn:8080".into()),
                "port",
            ),
            (
                Host,
                "a..vn",
                RuleError::InvalidHost("a..vn".into()),
                "empty label",
            ),
            (
                Host,
                "a b.vn",
                RuleError::InvalidHost("a b.vn".into()),
                "space",
            ),
            (
                Host,
                "u@x.vn",
                RuleError::InvalidHost("u@x.vn".into()),
                "user info",
            ),
            (Host, "x.vn?a=1", RuleError::QueryNotAllowed, "query"),
            (
                Prefix,
                "facebook.com",
                RuleError::MissingPath,
                "prefix without path",
            ),
            (
                Prefix,
                "facebook.com/",
                RuleError::MissingPath,
                "prefix with only slash",
            ),
            (
                Prefix,
                "facebook.com/a//b",
                RuleError::InvalidPath,
                "empty segment",
            ),
            (
                Prefix,
                "/thongtinchinhphu",
                RuleError::InvalidHost("".into()),
                "no host",
            ),
            (Exclude, "x.vn/a#b", RuleError::QueryNotAllowed, "fragment"),
        ];
        for (kind, input, want, msg) in bad {
            assert_eq!(
                Rule::canonical_pattern(kind, input),
                Err(want),
                "{msg}: {kind} {input:?}"
            );
        }
        let long = format!("{}.vn", "a".repeat(MAX_PATTERN_BYTES));
        assert_eq!(
            Rule::canonical_pattern(Suffix, &long),
            Err(RuleError::PatternTooLong),
            "too long"
        );
    }

    #[test]
    fn rule_new_checks_label() {
        let cases = [
            ("", Err(RuleError::EmptyLabel), "empty label"),
            ("  ", Err(RuleError::EmptyLabel), "blank label"),
            ("a\nb", Err(RuleError::InvalidLabel), "newline"),
            ("  Báo Nhân Dân ", Ok("Báo Nhân Dân"), "trimmed"),
        ];
        for (label, want, msg) in cases {
            let got = Rule::new(RuleKind::Suffix, "nhandan.vn", Category::Press, label);
            assert_eq!(
                got.map(|r| r.label).as_deref().map_err(Clone::clone),
                want,
                "{msg}"
            );
        }
        let long = "ạ".repeat(MAX_LABEL_CHARS + 1);
        assert_eq!(
            Rule::new(RuleKind::Suffix, "nhandan.vn", Category::Press, &long),
            Err(RuleError::LabelTooLong),
            "label too long"
        );
        let ok =
            Rule::new(RuleKind::Suffix, "nhandan.vn", Category::Press, "x").map(|r| r.with_id(7));
        assert_eq!(ok.map(|r| r.id), Ok(Some(7)), "with_id");
        assert!(
            RuleError::EmptyPattern.to_string().starts_with("Mẫu trống"),
            "Vietnamese Display"
        );
    }

    #[test]
    fn seed_file_parses() {
        let seed = include_str!("../../data/allowlist-seed.csv");
        let rules = parse_rules_csv(seed);
        let Ok(rules) = rules else {
            panic!("seed must parse: {rules:?}");
        };
        assert!(rules.len() >= 10, "seed has rules");
        assert!(
            rules
                .iter()
                .any(|r| r.kind == RuleKind::Suffix && r.pattern == "gov.vn"),
            "seed has gov.vn"
        );
        let list = Allowlist::new(rules.clone());
        assert_eq!(list.rules(), rules.as_slice(), "rules kept in order");
        assert_eq!(
            list.lookup("dienbien.gov.vn", "/")
                .map(|r| r.pattern.as_str()),
            Ok("gov.vn")
        );
        assert_eq!(
            parse_rules_csv(&rules_to_csv(&rules)),
            Ok(rules),
            "seed round-trips"
        );
    }

    #[test]
    fn csv_parsing() {
        let text = "\u{feff}kind,pattern,category,label\n\
                    suffix, GOV.VN ,government,Nhà nước\n\
                    \n\
                    host,www.nhandan.vn,press,\"Báo Nhân Dân, bản điện tử\"\n\
                    \x20\x20\n\
                    prefix,https://facebook.com/thongtinchinhphu/,social,Thông tin Chính phủ\n\
                    exclude,spam.gov.vn,government,Loại trừ\n";
        let rules = parse_rules_csv(text);
        let Ok(rules) = rules else {
            panic!("valid CSV: {rules:?}");
        };
        let got: Vec<(RuleKind, &str, Category, &str)> = rules
            .iter()
            .map(|r| (r.kind, r.pattern.as_str(), r.category, r.label.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (RuleKind::Suffix, "gov.vn", Category::Government, "Nhà nước"),
                (
                    RuleKind::Host,
                    "www.nhandan.vn",
                    Category::Press,
                    "Báo Nhân Dân, bản điện tử"
                ),
                (
                    RuleKind::Prefix,
                    "facebook.com/thongtinchinhphu",
                    Category::OfficialSocial,
                    "Thông tin Chính phủ"
                ),
                (
                    RuleKind::Exclude,
                    "spam.gov.vn",
                    Category::Government,
                    "Loại trừ"
                ),
            ],
            "parsed rules"
        );
        assert_eq!(
            parse_rules_csv(&rules_to_csv(&rules)),
            Ok(rules.clone()),
            "round trip"
        );
    }

    #[test]
    fn csv_errors_report_every_bad_row() {
        let text = "kind,pattern,category,label\n\
                    suffix,gov.vn,government,OK\n\
                    domain,x.vn,press,Sai loại\n\
                    suffix,x.vn/a,press,Có đường dẫn\n\
                    suffix,y.vn,ngo,Sai nhóm\n\
                    suffix,y.vn\n\
                    suffix,GOV.VN.,government,Trùng\n\
                    host,z.vn,press,\n";
        let Err(errors) = parse_rules_csv(text) else {
            panic!("must fail");
        };
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(
            lines,
            [3, 4, 5, 6, 7, 8],
            "one error per bad line: {errors:?}"
        );
        assert!(
            errors[0].message.contains("domain"),
            "unknown kind named: {}",
            errors[0]
        );
        assert!(
            errors[4].message.contains("trùng với dòng 2"),
            "duplicate: {}",
            errors[4]
        );
        assert_eq!(
            errors[0].to_string(),
            format!("dòng 3: {}", errors[0].message),
            "Display"
        );

        let cases = [
            ("", 1, "empty file"),
            ("\n\n", 1, "only blank lines"),
            (
                "kind,pattern,category\nsuffix,gov.vn,government\n",
                1,
                "wrong header",
            ),
            (
                "\npattern,kind,category,label\n",
                2,
                "header order, after a blank line",
            ),
            (
                "kind,pattern,category,label\n\n\r\n  \nsuffix,x.vn,bad,x\n",
                5,
                "line numbers count skipped blank lines",
            ),
        ];
        for (text, line, msg) in cases {
            let got = parse_rules_csv(text);
            assert_eq!(
                got.as_ref().err().map(|e| e[0].line),
                Some(line),
                "{msg}: {got:?}"
            );
        }
        assert_eq!(
            parse_rules_csv("Kind, Pattern ,CATEGORY,label\n"),
            Ok(vec![]),
            "header alone, any case"
        );
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let rule = Rule {
            id: Some(1),
            kind: RuleKind::Host,
            pattern: "x.vn".into(),
            category: Category::Press,
            label: "Báo \"X\", số 1".into(),
        };
        let csv = rules_to_csv(std::slice::from_ref(&rule));
        assert_eq!(
            csv, "kind,pattern,category,label\nhost,x.vn,press,\"Báo \"\"X\"\", số 1\"\n",
            "quoted"
        );
        let back =
            parse_rules_csv(&csv).map(|r| r.into_iter().map(|r| r.label).collect::<Vec<_>>());
        assert_eq!(back, Ok(vec![rule.label]), "label round-trips");
    }

    #[test]
    fn many_prefixes_under_one_host() {
        let mut rules = Vec::new();
        for i in 0..300 {
            if let Ok(r) = Rule::new(
                RuleKind::Prefix,
                &format!("facebook.com/page{i}"),
                Category::OfficialSocial,
                "Trang",
            ) {
                rules.push(r);
            }
        }
        for (pattern, kind) in [
            ("facebook.com/page7/sub", RuleKind::Prefix),
            ("facebook.com/page9/hidden", RuleKind::Exclude),
        ] {
            if let Ok(r) = Rule::new(kind, pattern, Category::OfficialSocial, "x") {
                rules.push(r);
            }
        }
        let list = Allowlist::new(rules);
        let cases = [
            ("/page0", Ok("facebook.com/page0"), "first"),
            (
                "/PAGE299/posts/1",
                Ok("facebook.com/page299"),
                "last, case-insensitive",
            ),
            (
                "/page7/sub/x",
                Ok("facebook.com/page7/sub"),
                "longest prefix wins",
            ),
            (
                "/page7/subx",
                Ok("facebook.com/page7"),
                "shorter prefix on whole segments",
            ),
            ("/page9/hidden/1", Err(Reason::Excluded), "exclude path"),
            (
                "/page9/visible",
                Ok("facebook.com/page9"),
                "beside the exclude",
            ),
            ("/page300", Err(Reason::NotAllowlisted), "not listed"),
            ("/", Err(Reason::NotAllowlisted), "root"),
        ];
        for (path, want, msg) in cases {
            let got = list
                .lookup("www.facebook.com", path)
                .map(|r| r.pattern.as_str());
            assert_eq!(got, want, "{msg}: {path}");
        }
    }

    #[test]
    fn equivalence_of_www_and_m_in_rules() {
        let rules = [
            (RuleKind::Suffix, "m.a.vn"),
            (RuleKind::Exclude, "www.b.vn"),
            (RuleKind::Suffix, "b.vn"),
        ]
        .into_iter()
        .filter_map(|(k, p)| Rule::new(k, p, Category::Press, "x").ok())
        .collect();
        let list = Allowlist::new(rules);
        let cases = [
            (
                "a.vn",
                Ok("m.a.vn"),
                "suffix m.a.vn covers a.vn by equivalence",
            ),
            ("www.a.vn", Ok("m.a.vn"), "and www.a.vn"),
            ("x.m.a.vn", Ok("m.a.vn"), "and its own subdomains"),
            (
                "x.a.vn",
                Err(Reason::NotAllowlisted),
                "but not other subdomains of a.vn",
            ),
            (
                "b.vn",
                Err(Reason::Excluded),
                "exclude www.b.vn covers b.vn",
            ),
            (
                "x.www.b.vn",
                Err(Reason::Excluded),
                "and subdomains of www.b.vn",
            ),
            ("x.b.vn", Ok("b.vn"), "but not other subdomains of b.vn"),
        ];
        for (host, want, msg) in cases {
            let got = list.lookup(host, "/").map(|r| r.pattern.as_str());
            assert_eq!(got, want, "{msg}: {host}");
        }
    }

    #[test]
    fn hand_built_rules_are_tolerated() {
        let rule = Rule {
            id: None,
            kind: RuleKind::Prefix,
            pattern: "HTTPS://Facebook.com./Page/".into(),
            category: Category::OfficialSocial,
            label: "x".into(),
        };
        let empty = Rule {
            pattern: String::new(),
            kind: RuleKind::Suffix,
            ..rule.clone()
        };
        let list = Allowlist::new(vec![empty, rule]);
        assert!(
            list.lookup("facebook.com", "/page/1").is_ok(),
            "non-canonical pattern indexed"
        );
        assert_eq!(list.len(), 2, "all rules kept");
        assert!(!list.is_empty(), "not empty");
    }
}
