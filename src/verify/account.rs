//! Declared accounts: a person's own social accounts normalised so that two spellings are one
//! account, the account a post URL shows (when it shows one), and how a share's post compares
//! with what people declared. Pure: no I/O, never panics.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::hostname::is_same_or_subdomain;
use super::post::{Platform, param};
use super::reason::UnknownCode;
use super::source::{MAX_URL_BYTES, normalize_source};

/// The network an account is on (the share platforms plus LinkedIn and Telegram).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountPlatform {
    /// Facebook.
    Facebook,
    /// Zalo.
    Zalo,
    /// TikTok.
    Tiktok,
    /// YouTube.
    Youtube,
    /// X (Twitter); `twitter` is accepted when parsing.
    #[serde(alias = "twitter")]
    X,
    /// Instagram.
    Instagram,
    /// LinkedIn.
    Linkedin,
    /// Telegram.
    Telegram,
    /// Any other site.
    Other,
}

impl AccountPlatform {
    /// Every account platform, in the order shown in forms.
    pub const ALL: [AccountPlatform; 9] = [
        AccountPlatform::Facebook,
        AccountPlatform::Zalo,
        AccountPlatform::Tiktok,
        AccountPlatform::Youtube,
        AccountPlatform::X,
        AccountPlatform::Instagram,
        AccountPlatform::Linkedin,
        AccountPlatform::Telegram,
        AccountPlatform::Other,
    ];

    /// The stable code: `facebook`, `zalo`, `tiktok`, `youtube`, `x`, `instagram`, `linkedin`,
    /// `telegram`, `other`.
    pub fn as_str(&self) -> &'static str {
        match self {
            AccountPlatform::Facebook => "facebook",
            AccountPlatform::Zalo => "zalo",
            AccountPlatform::Tiktok => "tiktok",
            AccountPlatform::Youtube => "youtube",
            AccountPlatform::X => "x",
            AccountPlatform::Instagram => "instagram",
            AccountPlatform::Linkedin => "linkedin",
            AccountPlatform::Telegram => "telegram",
            AccountPlatform::Other => "other",
        }
    }

    /// The display name (`Khác` for [`AccountPlatform::Other`]).
    pub fn label(&self) -> &'static str {
        match self {
            AccountPlatform::Facebook => "Facebook",
            AccountPlatform::Zalo => "Zalo",
            AccountPlatform::Tiktok => "TikTok",
            AccountPlatform::Youtube => "YouTube",
            AccountPlatform::X => "X (Twitter)",
            AccountPlatform::Instagram => "Instagram",
            AccountPlatform::Linkedin => "LinkedIn",
            AccountPlatform::Telegram => "Telegram",
            AccountPlatform::Other => "Khác",
        }
    }

    /// The account platform of a share's platform.
    pub fn of_share(platform: Platform) -> Self {
        match platform {
            Platform::Facebook => AccountPlatform::Facebook,
            Platform::Zalo => AccountPlatform::Zalo,
            Platform::Tiktok => AccountPlatform::Tiktok,
            Platform::Youtube => AccountPlatform::Youtube,
            Platform::X => AccountPlatform::X,
            Platform::Instagram => AccountPlatform::Instagram,
            Platform::Other => AccountPlatform::Other,
        }
    }

    /// The domains whose hosts (and subdomains) belong to the platform.
    fn domains(&self) -> &'static [&'static str] {
        match self {
            AccountPlatform::Facebook => &["facebook.com", "fb.com"],
            AccountPlatform::Zalo => &["zalo.me"],
            AccountPlatform::Tiktok => &["tiktok.com"],
            AccountPlatform::Youtube => &["youtube.com"],
            AccountPlatform::X => &["x.com", "twitter.com"],
            AccountPlatform::Instagram => &["instagram.com", "instagr.am"],
            AccountPlatform::Linkedin => &["linkedin.com"],
            AccountPlatform::Telegram => &["t.me", "telegram.me"],
            AccountPlatform::Other => &[],
        }
    }

    /// The host a bare path such as `channel/UC…` or `in/slug` is read against.
    fn home_host(&self) -> &'static str {
        self.domains().first().copied().unwrap_or("")
    }
}

impl fmt::Display for AccountPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccountPlatform {
    type Err = UnknownCode;

    /// Case-insensitive, surrounding white space ignored; `twitter` is X.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("twitter") {
            return Ok(AccountPlatform::X);
        }
        AccountPlatform::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| UnknownCode(t.to_owned()))
    }
}

/// Why an account address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountError {
    /// Empty, too long, or not an account name or profile address.
    InvalidAccount,
    /// A web address that is not on the chosen platform.
    AccountPlatformMismatch,
}

impl AccountError {
    /// The stable code: `invalid_account` or `account_platform_mismatch`.
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::InvalidAccount => "invalid_account",
            AccountError::AccountPlatformMismatch => "account_platform_mismatch",
        }
    }

    /// A plain Vietnamese explanation.
    pub fn message_vi(&self) -> &'static str {
        match self {
            AccountError::InvalidAccount => {
                "Tài khoản không hợp lệ. Hãy dán địa chỉ trang cá nhân (ví dụ https://www.facebook.com/ten.cua.ban) hoặc tên tài khoản dạng @ten."
            }
            AccountError::AccountPlatformMismatch => {
                "Địa chỉ tài khoản không thuộc nền tảng đã chọn. Hãy chọn lại nền tảng hoặc dán đúng địa chỉ trang cá nhân."
            }
        }
    }

    /// The English explanation.
    pub fn message_en(&self) -> &'static str {
        match self {
            AccountError::InvalidAccount => {
                "Not a valid account. Paste your profile address (e.g. https://www.facebook.com/your.name) or the account name as @name."
            }
            AccountError::AccountPlatformMismatch => {
                "The account address is not on the chosen platform. Choose the right platform or paste your profile address."
            }
        }
    }
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message_vi())
    }
}

impl std::error::Error for AccountError {}

/// How a share's post compares with the declared accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountMatch {
    /// The post is on one of the sharer's declared accounts.
    Matched,
    /// The post is on an account another person declared.
    OtherPerson,
    /// The post is on an account nobody declared.
    Undeclared,
    /// No post address, or one that does not show the account.
    Unknown,
}

impl AccountMatch {
    /// Every status, in the order figures show them.
    pub const ALL: [AccountMatch; 4] = [
        AccountMatch::Matched,
        AccountMatch::OtherPerson,
        AccountMatch::Undeclared,
        AccountMatch::Unknown,
    ];

    /// The stable code: `matched`, `other_person`, `undeclared`, `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            AccountMatch::Matched => "matched",
            AccountMatch::OtherPerson => "other_person",
            AccountMatch::Undeclared => "undeclared",
            AccountMatch::Unknown => "unknown",
        }
    }

    /// The Vietnamese label.
    pub fn label_vi(&self) -> &'static str {
        match self {
            AccountMatch::Matched => "Đúng tài khoản đã khai báo",
            AccountMatch::OtherPerson => "Tài khoản của người khác",
            AccountMatch::Undeclared => "Tài khoản chưa khai báo",
            AccountMatch::Unknown => "Không xác định được",
        }
    }

    /// The English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            AccountMatch::Matched => "Declared account",
            AccountMatch::OtherPerson => "Another person's account",
            AccountMatch::Undeclared => "Undeclared account",
            AccountMatch::Unknown => "Cannot tell",
        }
    }

    /// Whether a policy that counts only verifiable shares counts this one.
    pub fn counts_when_strict(&self) -> bool {
        matches!(self, AccountMatch::Matched | AccountMatch::Unknown)
    }

    /// The status of a post showing `account` (`None`: cannot tell), whose declarer is `owner`
    /// (`None`: nobody), for a share by `sharer`.
    pub fn classify(account: Option<&str>, owner: Option<i64>, sharer: i64) -> Self {
        match (account, owner) {
            (None, _) => AccountMatch::Unknown,
            (Some(_), Some(owner)) if owner == sharer => AccountMatch::Matched,
            (Some(_), Some(_)) => AccountMatch::OtherPerson,
            (Some(_), None) => AccountMatch::Undeclared,
        }
    }
}

impl fmt::Display for AccountMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccountMatch {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccountMatch::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| UnknownCode(s.trim().to_owned()))
    }
}

/// Longest account name (handle, id or path) kept.
pub const MAX_ACCOUNT_CHARS: usize = 200;

/// A handle or path segment: `A-Z a-z 0-9 . _ - ~` and percent-escapes, 1–100 bytes.
fn is_handle(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'~' | b'%'))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 30 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Path segments, empty ones skipped (a profile address is forgiving about `//` and `/`).
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// A Facebook name or id: case and dots do not count (Facebook ignores both in user names).
fn facebook_name(s: &str) -> Option<String> {
    if !is_handle(s) {
        return None;
    }
    let name: String = s
        .chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A case-insensitive handle (TikTok, X, Instagram, Telegram, LinkedIn slugs).
fn lower_handle(s: &str) -> Option<String> {
    let s = s.strip_prefix('@').unwrap_or(s);
    is_handle(s).then(|| s.to_ascii_lowercase())
}

/// First path segments on Facebook that are never a person or page.
const FACEBOOK_RESERVED: &[&str] = &[
    "ads",
    "business",
    "dialog",
    "events",
    "friends",
    "gaming",
    "groups",
    "hashtag",
    "help",
    "home.php",
    "l.php",
    "login",
    "login.php",
    "marketplace",
    "media",
    "messages",
    "notifications",
    "permalink.php",
    "photo",
    "photo.php",
    "plugins",
    "policies",
    "privacy",
    "reel",
    "reels",
    "search",
    "settings",
    "share",
    "sharer",
    "sharer.php",
    "stories",
    "story.php",
    "video.php",
    "watch",
];

/// First path segments on X that are never an account.
const X_RESERVED: &[&str] = &[
    "compose",
    "explore",
    "hashtag",
    "home",
    "i",
    "intent",
    "login",
    "messages",
    "notifications",
    "privacy",
    "search",
    "settings",
    "share",
    "signup",
    "tos",
];

/// First path segments on Instagram that are never an account.
const INSTAGRAM_RESERVED: &[&str] = &[
    "about",
    "accounts",
    "developer",
    "direct",
    "explore",
    "legal",
    "p",
    "reel",
    "reels",
    "stories",
    "tv",
];

/// A Vietnamese phone number as Zalo shows it: digits only, `+84`/`84` written as `0`.
fn phone(s: &str) -> Option<String> {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = match digits.strip_prefix('+') {
        Some(rest) => rest.to_owned(),
        None => digits,
    };
    if !is_digits(&digits) {
        return None;
    }
    let local = match digits.strip_prefix("84") {
        Some(rest) if digits.len() >= 11 => format!("0{rest}"),
        _ => digits,
    };
    (9..=11).contains(&local.len()).then_some(local)
}

/// A Zalo account: a phone number when it is written with digits only, else a name.
fn zalo_name(s: &str) -> Option<String> {
    let phone_like = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')' | '+'));
    if phone_like {
        phone(s)
    } else {
        lower_handle(s)
    }
}

/// The account a URL on `platform`'s hosts shows, from its path and query: a profile address
/// or a post whose address names its author. `None` when it shows none (share links, group
/// posts, videos by id, Zalo posts…).
fn account_of_url(
    platform: AccountPlatform,
    host: &str,
    path: &str,
    query: Option<&str>,
) -> Option<String> {
    let segs = segments(path);
    match platform {
        AccountPlatform::Facebook => {
            // fb.me / fb.watch short links and l.facebook.com wrappers hide the account.
            if !platform
                .domains()
                .iter()
                .any(|d| is_same_or_subdomain(host, d))
                || host.starts_with("l.")
                || host.starts_with("lm.")
            {
                return None;
            }
            match segs.as_slice() {
                ["profile.php", ..] | ["permalink.php", ..] | ["story.php", ..] => {
                    param(query, "id")
                        .filter(|v| is_digits(v))
                        .map(str::to_owned)
                }
                ["people", _, id, ..] | ["pages", _, id, ..] if is_digits(id) => {
                    Some((*id).to_owned())
                }
                ["pg", page, ..] => facebook_name(page),
                [first, ..] if FACEBOOK_RESERVED.contains(&first.to_ascii_lowercase().as_str()) => {
                    None
                }
                ["people" | "pages" | "pg", ..] => None,
                [user, ..] => facebook_name(user),
                [] => None,
            }
        }
        AccountPlatform::Tiktok => match segs.as_slice() {
            [user, ..] if user.starts_with('@') => lower_handle(user),
            _ => None,
        },
        AccountPlatform::Youtube => match segs.as_slice() {
            [handle, ..] if handle.starts_with('@') => {
                lower_handle(handle).map(|h| format!("@{h}"))
            }
            ["channel", id, ..] if is_handle(id) && !id.contains(['%', '.', '~']) => {
                // Channel ids are case-sensitive.
                Some(format!("channel/{id}"))
            }
            [kind @ ("c" | "user"), name, ..] => lower_handle(name).map(|n| format!("{kind}/{n}")),
            _ => None,
        },
        AccountPlatform::X => match segs.as_slice() {
            [user, ..] if !X_RESERVED.contains(&user.to_ascii_lowercase().as_str()) => {
                lower_handle(user).filter(|u| !u.contains(['.', '%', '~']))
            }
            _ => None,
        },
        AccountPlatform::Instagram => match segs.as_slice() {
            ["stories", user, ..] => lower_handle(user),
            [user, ..] if !INSTAGRAM_RESERVED.contains(&user.to_ascii_lowercase().as_str()) => {
                lower_handle(user)
            }
            _ => None,
        },
        AccountPlatform::Linkedin => match segs.as_slice() {
            [kind @ ("in" | "company"), slug, ..] => {
                lower_handle(slug).map(|s| format!("{kind}/{s}"))
            }
            _ => None,
        },
        AccountPlatform::Telegram => match segs.as_slice() {
            ["s", channel, ..] => lower_handle(channel),
            [first, ..] if matches!(*first, "c" | "joinchat" | "addstickers" | "share") => None,
            [user, ..] if !user.starts_with('+') => lower_handle(user),
            _ => None,
        },
        AccountPlatform::Zalo => match segs.as_slice() {
            [one] if !matches!(*one, "g" | "s") => zalo_name(one),
            _ => None,
        },
        AccountPlatform::Other => None,
    }
}

/// Whether the text is a web address rather than a bare name: it has a scheme, or its first
/// path segment is a host name (has a dot).
fn looks_like_address(text: &str) -> bool {
    if text.contains("://") || text.starts_with("//") {
        return true;
    }
    match text.split_once('/') {
        Some((first, _)) => first.contains('.'),
        None => false,
    }
}

/// Whether the whole text is one of the platform's hosts (`facebook.com` typed alone).
fn is_platform_host(platform: AccountPlatform, text: &str) -> bool {
    let host = text.to_ascii_lowercase();
    platform
        .domains()
        .iter()
        .any(|d| is_same_or_subdomain(&host, d))
}

/// Normalises a declared account: a profile address (any spelling: `www.`/`m.`/`mobile.` hosts,
/// case, trailing slashes, tracking parameters, `profile.php?id=`) or a bare `@handle` (or a
/// path such as `channel/UC…` or `in/slug`). The result is the account's identity on its
/// platform, the same for every spelling; normalising it again gives it back.
///
/// Forms per platform: Facebook `name` (lower case, dots dropped) or the numeric id; TikTok,
/// X, Instagram, Telegram `name`; YouTube `@handle`, `channel/UC…`, `c/name`, `user/name`;
/// LinkedIn `in/slug`, `company/slug`; Zalo the phone number (`0…`) or name; other sites
/// `host/path` (no scheme, no `www.`) or `@name`.
pub fn normalize_account(platform: AccountPlatform, input: &str) -> Result<String, AccountError> {
    let text = input.trim();
    if text.is_empty() || text.len() > MAX_URL_BYTES {
        return Err(AccountError::InvalidAccount);
    }
    let out = if platform == AccountPlatform::Other {
        normalize_other(text)?
    } else if looks_like_address(text) || is_platform_host(platform, text) {
        let n = normalize_source(text).map_err(|_| AccountError::InvalidAccount)?;
        if !platform
            .domains()
            .iter()
            .any(|d| is_same_or_subdomain(&n.host, d))
        {
            return Err(AccountError::AccountPlatformMismatch);
        }
        let query = n.url.split_once('?').map(|(_, q)| q);
        account_of_url(platform, &n.host, &n.path, query).ok_or(AccountError::InvalidAccount)?
    } else if text.contains('/') {
        // A path without a host (`channel/UC…`, `in/slug`): read it on the platform's home host.
        let path = format!("/{}", text.trim_start_matches('/'));
        account_of_url(platform, platform.home_host(), &path, None)
            .ok_or(AccountError::InvalidAccount)?
    } else {
        bare_name(platform, text).ok_or(AccountError::InvalidAccount)?
    };
    if out.chars().count() > MAX_ACCOUNT_CHARS {
        return Err(AccountError::InvalidAccount);
    }
    Ok(out)
}

/// A bare name (with or without `@`) in the platform's canonical form.
fn bare_name(platform: AccountPlatform, text: &str) -> Option<String> {
    let name = text.strip_prefix('@').unwrap_or(text);
    match platform {
        AccountPlatform::Facebook => facebook_name(name),
        AccountPlatform::Youtube => lower_handle(name).map(|h| format!("@{h}")),
        AccountPlatform::Linkedin => lower_handle(name).map(|s| format!("in/{s}")),
        AccountPlatform::Zalo => zalo_name(name),
        AccountPlatform::X => lower_handle(name).filter(|u| !u.contains(['.', '%', '~'])),
        AccountPlatform::Tiktok | AccountPlatform::Instagram | AccountPlatform::Telegram => {
            lower_handle(name)
        }
        AccountPlatform::Other => lower_handle(name).map(|h| format!("@{h}")),
    }
}

/// An account on another site: its address without scheme, `www.`/`m.`, trailing slash and
/// tracking parameters, lower-cased; or `@name`.
fn normalize_other(text: &str) -> Result<String, AccountError> {
    if !text.contains(['.', '/', ':']) {
        return bare_name(AccountPlatform::Other, text).ok_or(AccountError::InvalidAccount);
    }
    let n = normalize_source(text).map_err(|_| AccountError::InvalidAccount)?;
    // A one-label host (`https://people`) is no site; it would read back as a bare name.
    if !n.host.contains('.') {
        return Err(AccountError::InvalidAccount);
    }
    if AccountPlatform::ALL
        .iter()
        .any(|p| p.domains().iter().any(|d| is_same_or_subdomain(&n.host, d)))
    {
        return Err(AccountError::AccountPlatformMismatch);
    }
    let key = n.dedupe_key.to_lowercase();
    let key = key.trim_end_matches('/');
    // Re-normalising must give the same text: refuse what would not survive the round trip.
    match normalize_source(key) {
        Ok(again) if again.dedupe_key.to_lowercase().trim_end_matches('/') == key => {
            Ok(key.to_owned())
        }
        _ => Err(AccountError::InvalidAccount),
    }
}

/// The account a share's (already checked) post address shows, in [`normalize_account`] form,
/// or `None` when it cannot tell: no address, share links (`fb.me`, `facebook.com/share/…`,
/// `vt.tiktok.com`, `youtu.be`), videos and reels by id, group posts, Zalo, other sites.
pub fn account_in_post(platform: Platform, post_url: &str) -> Option<String> {
    let account_platform = AccountPlatform::of_share(platform);
    if matches!(
        account_platform,
        AccountPlatform::Zalo | AccountPlatform::Other
    ) {
        return None;
    }
    let n = normalize_source(post_url).ok()?;
    if !account_platform
        .domains()
        .iter()
        .any(|d| is_same_or_subdomain(&n.host, d))
    {
        return None;
    }
    let query = n.url.split_once('?').map(|(_, q)| q);
    let account = account_of_url(account_platform, &n.host, &n.path, query)?;
    // Post addresses carry an account only in these shapes; a profile address is not a post.
    let segs = segments(&n.path);
    let shows = match account_platform {
        AccountPlatform::Facebook => matches!(
            segs.as_slice(),
            [_, "posts" | "videos" | "photos", ..] | ["permalink.php" | "story.php"]
        ),
        AccountPlatform::Tiktok => matches!(segs.as_slice(), [_, "video" | "photo", _]),
        AccountPlatform::Youtube => segs.len() >= 2,
        AccountPlatform::X => matches!(segs.as_slice(), [_, "status" | "statuses", ..]),
        AccountPlatform::Instagram => matches!(segs.as_slice(), [_, "p" | "reel", _]),
        _ => false,
    };
    shows.then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountPlatform as A;

    #[test]
    fn platform_codes_round_trip() {
        for p in AccountPlatform::ALL {
            assert_eq!(p.as_str().parse::<AccountPlatform>(), Ok(p), "{p}");
            assert_eq!(
                serde_json::to_string(&p).ok(),
                Some(format!("\"{p}\"")),
                "serde {p}"
            );
        }
        assert_eq!("Twitter".parse::<AccountPlatform>(), Ok(A::X), "alias");
        assert!("myspace".parse::<AccountPlatform>().is_err(), "unknown");
        for p in Platform::ALL {
            assert_eq!(
                AccountPlatform::of_share(p).as_str(),
                p.as_str(),
                "share platform {p} keeps its code"
            );
        }
        for m in AccountMatch::ALL {
            assert_eq!(m.as_str().parse::<AccountMatch>(), Ok(m), "{m}");
            assert!(!m.label_vi().is_empty() && !m.label_en().is_empty(), "{m}");
        }
    }

    #[test]
    fn declared_accounts_are_normalised_per_platform() {
        let cases = [
            (
                A::Facebook,
                "https://www.facebook.com/Nguyen.Van.A/",
                "nguyenvana",
                "profile, dots and case",
            ),
            (
                A::Facebook,
                "m.facebook.com/nguyenvana?mibextid=abc",
                "nguyenvana",
                "m. host, tracker",
            ),
            (
                A::Facebook,
                "https://mobile.facebook.com/nguyenvana",
                "nguyenvana",
                "mobile. host",
            ),
            (
                A::Facebook,
                "https://web.facebook.com/nguyenvana/about",
                "nguyenvana",
                "sub-page",
            ),
            (
                A::Facebook,
                "https://www.facebook.com/profile.php?id=100012345678&sk=about",
                "100012345678",
                "profile.php",
            ),
            (
                A::Facebook,
                "https://www.facebook.com/people/Nguyen-Van-A/100012345678/",
                "100012345678",
                "people",
            ),
            (
                A::Facebook,
                "https://www.facebook.com/pg/TrangDonVi/posts/",
                "trangdonvi",
                "pg",
            ),
            (A::Facebook, "@Nguyen.Van.A", "nguyenvana", "@handle"),
            (A::Facebook, "nguyenvana", "nguyenvana", "bare name"),
            (A::Facebook, "100012345678", "100012345678", "bare id"),
            (
                A::Facebook,
                "https://fb.com/NguyenVanA",
                "nguyenvana",
                "fb.com",
            ),
            (
                A::Tiktok,
                "https://www.tiktok.com/@Nguyen_Van.A?lang=vi",
                "nguyen_van.a",
                "profile",
            ),
            (A::Tiktok, "@nguyen_van.a", "nguyen_van.a", "@handle"),
            (
                A::Youtube,
                "https://www.youtube.com/@VTV24/videos",
                "@vtv24",
                "handle",
            ),
            (
                A::Youtube,
                "https://m.youtube.com/channel/UCabcDEF_123-xyz",
                "channel/UCabcDEF_123-xyz",
                "channel keeps case",
            ),
            (
                A::Youtube,
                "channel/UCabcDEF_123-xyz",
                "channel/UCabcDEF_123-xyz",
                "channel path",
            ),
            (A::Youtube, "@VTV24", "@vtv24", "@handle"),
            (A::Youtube, "vtv24", "@vtv24", "bare handle"),
            (
                A::Youtube,
                "https://www.youtube.com/c/VTV24",
                "c/vtv24",
                "legacy c/",
            ),
            (
                A::X,
                "https://twitter.com/NguyenVanA",
                "nguyenvana",
                "twitter.com",
            ),
            (A::X, "https://x.com/nguyenvana/", "nguyenvana", "x.com"),
            (A::X, "@NguyenVanA", "nguyenvana", "@handle"),
            (
                A::Instagram,
                "https://www.instagram.com/nguyen.van.a/?igsh=abc",
                "nguyen.van.a",
                "profile",
            ),
            (A::Instagram, "@Nguyen.Van.A", "nguyen.van.a", "@handle"),
            (
                A::Linkedin,
                "https://vn.linkedin.com/in/Nguyen-Van-A/",
                "in/nguyen-van-a",
                "country host",
            ),
            (A::Linkedin, "nguyen-van-a", "in/nguyen-van-a", "bare slug"),
            (
                A::Linkedin,
                "https://www.linkedin.com/company/so-noi-vu",
                "company/so-noi-vu",
                "company",
            ),
            (A::Telegram, "https://t.me/NguyenVanA", "nguyenvana", "t.me"),
            (
                A::Telegram,
                "telegram.me/s/kenhdonvi",
                "kenhdonvi",
                "public channel view",
            ),
            (A::Telegram, "@nguyenvana", "nguyenvana", "@handle"),
            (A::Zalo, "0912 345 678", "0912345678", "phone with spaces"),
            (
                A::Zalo,
                "+84 912.345.678",
                "0912345678",
                "international phone",
            ),
            (
                A::Zalo,
                "https://zalo.me/0912345678",
                "0912345678",
                "zalo.me link",
            ),
            (
                A::Other,
                "https://www.Lotus.vn/u/NguyenVanA/",
                "lotus.vn/u/nguyenvana",
                "other site",
            ),
            (A::Other, "@NguyenVanA", "@nguyenvana", "other @handle"),
        ];
        for (platform, input, want, msg) in cases {
            let got = normalize_account(platform, input);
            assert_eq!(got.as_deref(), Ok(want), "{msg}: {platform} {input}");
            assert_eq!(
                normalize_account(platform, want).as_deref(),
                Ok(want),
                "idempotent, {msg}"
            );
        }
    }

    #[test]
    fn refused_account_addresses() {
        use AccountError::*;
        let cases = [
            (A::Facebook, "", InvalidAccount, "empty"),
            (A::Facebook, "   ", InvalidAccount, "blank"),
            (
                A::Facebook,
                "https://www.facebook.com/",
                InvalidAccount,
                "home page",
            ),
            (
                A::Facebook,
                "https://www.facebook.com/groups/123",
                InvalidAccount,
                "group",
            ),
            (
                A::Facebook,
                "https://www.facebook.com/share/p/1AbC",
                InvalidAccount,
                "share link",
            ),
            (
                A::Facebook,
                "https://www.facebook.com/profile.php",
                InvalidAccount,
                "profile.php without id",
            ),
            (
                A::Facebook,
                "https://fb.me/abc",
                AccountPlatformMismatch,
                "fb.me is not a profile host",
            ),
            (
                A::Facebook,
                "https://www.tiktok.com/@a",
                AccountPlatformMismatch,
                "TikTok as Facebook",
            ),
            (
                A::Facebook,
                "Nguyễn Văn A",
                InvalidAccount,
                "a display name is not an account",
            ),
            (A::Facebook, "javascript:alert(1)", InvalidAccount, "script"),
            (
                A::Tiktok,
                "https://vt.tiktok.com/ZSabc/",
                InvalidAccount,
                "TikTok short link",
            ),
            (
                A::Youtube,
                "https://youtu.be/abc",
                AccountPlatformMismatch,
                "youtu.be is a video",
            ),
            (
                A::Youtube,
                "https://www.youtube.com/watch?v=abc",
                InvalidAccount,
                "a video",
            ),
            (
                A::X,
                "https://x.com/i/web/status/1",
                InvalidAccount,
                "status by id",
            ),
            (
                A::Instagram,
                "https://instagram.com/p/Cabc",
                InvalidAccount,
                "a post",
            ),
            (
                A::Zalo,
                "https://zalo.me/g/abc",
                InvalidAccount,
                "Zalo group",
            ),
            (
                A::Zalo,
                "12",
                InvalidAccount,
                "too short for a phone, not a name",
            ),
            (
                A::Other,
                "https://www.facebook.com/abc",
                AccountPlatformMismatch,
                "known platform as other",
            ),
        ];
        for (platform, input, want, msg) in cases {
            assert_eq!(
                normalize_account(platform, input),
                Err(want),
                "{msg}: {platform} {input}"
            );
        }
        assert_eq!(
            normalize_account(A::Facebook, &"a".repeat(3000)),
            Err(InvalidAccount),
            "too long"
        );
    }

    #[test]
    fn accounts_shown_by_post_addresses() {
        use Platform::*;
        let cases = [
            (
                Facebook,
                "https://www.facebook.com/Nguyen.Van.A/posts/pfbid02abc",
                Some("nguyenvana"),
                "user posts",
            ),
            (
                Facebook,
                "https://m.facebook.com/permalink.php?story_fbid=1&id=100012345678",
                Some("100012345678"),
                "permalink id",
            ),
            (
                Facebook,
                "https://www.facebook.com/story.php?story_fbid=1&id=42",
                Some("42"),
                "story id",
            ),
            (
                Facebook,
                "https://www.facebook.com/permalink.php?story_fbid=pfbid0abc",
                None,
                "permalink without id",
            ),
            (
                Facebook,
                "https://www.facebook.com/VTV24/videos/123/",
                Some("vtv24"),
                "page video",
            ),
            (
                Facebook,
                "https://www.facebook.com/page/photos/a.1/2/",
                Some("page"),
                "photos",
            ),
            (
                Facebook,
                "https://www.facebook.com/share/p/1AbC/",
                None,
                "share link cannot tell",
            ),
            (
                Facebook,
                "https://www.facebook.com/share/1AbC",
                None,
                "share link cannot tell",
            ),
            (Facebook, "https://fb.me/abc", None, "fb.me cannot tell"),
            (
                Facebook,
                "https://fb.watch/abc/",
                None,
                "fb.watch cannot tell",
            ),
            (
                Facebook,
                "https://www.facebook.com/groups/123/posts/456",
                None,
                "group post",
            ),
            (
                Facebook,
                "https://www.facebook.com/reel/1",
                None,
                "reel by id",
            ),
            (
                Facebook,
                "https://www.facebook.com/watch/?v=1",
                None,
                "watch",
            ),
            (
                Facebook,
                "https://www.facebook.com/photo/?fbid=1",
                None,
                "photo by id",
            ),
            (
                Tiktok,
                "https://www.tiktok.com/@Nguyen_A/video/7300000000000000000",
                Some("nguyen_a"),
                "video",
            ),
            (Tiktok, "https://vt.tiktok.com/ZSabc/", None, "short link"),
            (Tiktok, "https://www.tiktok.com/t/ZTabc/", None, "t code"),
            (
                Youtube,
                "https://www.youtube.com/@VTV24/community?lb=1",
                Some("@vtv24"),
                "handle",
            ),
            (
                Youtube,
                "https://www.youtube.com/channel/UCabc/community",
                Some("channel/UCabc"),
                "channel",
            ),
            (
                Youtube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                None,
                "watch",
            ),
            (Youtube, "https://youtu.be/dQw4w9WgXcQ", None, "youtu.be"),
            (
                Youtube,
                "https://www.youtube.com/shorts/abc",
                None,
                "shorts",
            ),
            (
                X,
                "https://x.com/NguyenVanA/status/1790000000000000000",
                Some("nguyenvana"),
                "status",
            ),
            (
                X,
                "https://twitter.com/nguyenvana/status/1/photo/1",
                Some("nguyenvana"),
                "twitter photo",
            ),
            (X, "https://x.com/i/web/status/1", None, "status by id"),
            (X, "https://t.co/abc", None, "t.co"),
            (
                Instagram,
                "https://www.instagram.com/nguyen.a/p/Cabc/",
                Some("nguyen.a"),
                "user/p",
            ),
            (
                Instagram,
                "https://www.instagram.com/p/Cabc/",
                None,
                "p by code",
            ),
            (
                Instagram,
                "https://www.instagram.com/reel/Cabc/",
                None,
                "reel by code",
            ),
            (
                Zalo,
                "https://zalo.me/s/1234567890/",
                None,
                "Zalo cannot tell",
            ),
            (
                Zalo,
                "https://zalo.me/0912345678",
                None,
                "Zalo cannot tell, even a phone",
            ),
            (
                Other,
                "https://www.lotus.vn/u/a/posts/1",
                None,
                "other site",
            ),
            (
                Facebook,
                "https://www.facebook.com/nguyenvana",
                None,
                "a profile is not a post",
            ),
            (Facebook, "not a url", None, "garbage"),
        ];
        for (platform, url, want, msg) in cases {
            assert_eq!(
                account_in_post(platform, url).as_deref(),
                want,
                "{msg}: {url}"
            );
        }
    }

    #[test]
    fn a_post_matches_the_account_declared_in_another_spelling() {
        let declared = normalize_account(A::Facebook, "https://m.facebook.com/Nguyen.Van.A/");
        let shown = account_in_post(
            Platform::Facebook,
            "https://www.facebook.com/nguyenvana/posts/123",
        );
        assert_eq!(declared.ok(), shown, "dots and case do not count");
        let declared = normalize_account(A::Facebook, "profile.php?id=42");
        assert!(declared.is_err(), "a bare profile.php path needs its host");
        let declared = normalize_account(A::Facebook, "facebook.com/profile.php?id=42");
        let shown = account_in_post(
            Platform::Facebook,
            "https://www.facebook.com/permalink.php?story_fbid=1&id=42",
        );
        assert_eq!(declared.ok(), shown, "numeric id");
    }

    #[test]
    fn classification() {
        use AccountMatch::*;
        assert_eq!(
            AccountMatch::classify(None, Some(1), 1),
            Unknown,
            "cannot tell"
        );
        assert_eq!(
            AccountMatch::classify(Some("a"), Some(1), 1),
            Matched,
            "own"
        );
        assert_eq!(
            AccountMatch::classify(Some("a"), Some(2), 1),
            OtherPerson,
            "other"
        );
        assert_eq!(
            AccountMatch::classify(Some("a"), None, 1),
            Undeclared,
            "nobody's"
        );
        assert!(Matched.counts_when_strict() && Unknown.counts_when_strict());
        assert!(!OtherPerson.counts_when_strict() && !Undeclared.counts_when_strict());
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    fn account_platform() -> impl Strategy<Value = AccountPlatform> {
        prop::sample::select(AccountPlatform::ALL.to_vec())
    }

    fn share_platform() -> impl Strategy<Value = Platform> {
        prop::sample::select(Platform::ALL.to_vec())
    }

    /// Account addresses and handles in many spellings, with the parts most likely to trip
    /// normalisation: hosts of every platform, `@`, dots, case, escapes, queries, slashes.
    fn account_like() -> impl Strategy<Value = String> {
        let scheme = prop_oneof![Just(""), Just("https://"), Just("HTTP://"), Just("//")];
        let host = prop::sample::select(vec![
            "",
            "facebook.com/",
            "www.facebook.com/",
            "M.Facebook.com/",
            "mobile.facebook.com/",
            "fb.com/",
            "fb.me/",
            "tiktok.com/",
            "youtube.com/",
            "x.com/",
            "twitter.com/",
            "instagram.com/",
            "vn.linkedin.com/",
            "t.me/",
            "zalo.me/",
            "lotus.vn/",
            "example.com/",
        ]);
        let segment = prop_oneof![
            prop::sample::select(vec![
                "profile.php?id=123",
                "people",
                "pages",
                "pg",
                "channel",
                "c",
                "user",
                "in",
                "company",
                "s",
                "p",
                "posts",
                "status",
                "stories",
                "share",
                "groups",
                "@",
                ".",
                "..",
                "%41",
                "%zz",
            ])
            .prop_map(str::to_owned),
            "@?[a-zA-Z0-9._~-]{1,10}",
            "[0-9 +.]{1,14}",
            "\\PC{0,4}",
        ];
        let path = prop::collection::vec(segment, 0..4).prop_map(|s| s.join("/"));
        let tail = prop_oneof![
            Just(""),
            Just("/"),
            Just("?utm_source=x"),
            Just("#top"),
            Just("//")
        ];
        (scheme, host, path, tail).prop_map(|(s, h, p, t)| format!("{s}{h}{p}{t}"))
    }

    fn post_like() -> impl Strategy<Value = String> {
        let host = prop::sample::select(vec![
            "https://www.facebook.com/",
            "https://m.facebook.com/",
            "https://fb.watch/",
            "https://www.tiktok.com/",
            "https://www.youtube.com/",
            "https://x.com/",
            "https://www.instagram.com/",
            "https://zalo.me/",
        ]);
        let segment = prop_oneof![
            prop::sample::select(vec![
                "posts",
                "videos",
                "photos",
                "video",
                "status",
                "p",
                "reel",
                "channel",
                "permalink.php?story_fbid=1&id=42",
                "story.php?id=7&story_fbid=2",
                "groups",
                "share",
            ])
            .prop_map(str::to_owned),
            "@?[a-zA-Z0-9._%-]{1,10}",
            "[0-9]{1,8}",
        ];
        let path = prop::collection::vec(segment, 0..4).prop_map(|s| s.join("/"));
        (host, path).prop_map(|(h, p)| format!("{h}{p}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn normalising_an_account_is_idempotent(platform in account_platform(), input in account_like()) {
            if let Ok(once) = normalize_account(platform, &input) {
                prop_assert_eq!(normalize_account(platform, &once), Ok(once.clone()), "{}", input);
                prop_assert!(once.chars().count() <= MAX_ACCOUNT_CHARS);
            }
        }

        #[test]
        fn normalising_never_panics(platform in account_platform(), input in any::<String>()) {
            let _ = normalize_account(platform, &input);
        }

        #[test]
        fn a_post_shows_an_account_in_its_declared_form(platform in share_platform(), url in post_like()) {
            if let Some(account) = account_in_post(platform, &url) {
                prop_assert_eq!(
                    normalize_account(AccountPlatform::of_share(platform), &account),
                    Ok(account.clone()),
                    "{}", url
                );
            }
        }
    }
}
