//! Post (proof) URLs: each platform's known hosts and post shapes, and a
//! canonical key so that the same post in two spellings is one post.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::hostname::is_same_or_subdomain;
use super::reason::UnknownCode;
use super::source::normalize_source;

/// The social network a share was posted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
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
    /// Any other site (not one of the known platforms' hosts).
    Other,
}

impl Platform {
    /// Every platform, in the order shown in forms.
    pub const ALL: [Platform; 7] = [
        Platform::Facebook,
        Platform::Zalo,
        Platform::Tiktok,
        Platform::Youtube,
        Platform::X,
        Platform::Instagram,
        Platform::Other,
    ];

    /// The stable string form: `facebook`, `zalo`, `tiktok`, `youtube`,
    /// `x`, `instagram`, `other`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Platform::Facebook => "facebook",
            Platform::Zalo => "zalo",
            Platform::Tiktok => "tiktok",
            Platform::Youtube => "youtube",
            Platform::X => "x",
            Platform::Instagram => "instagram",
            Platform::Other => "other",
        }
    }

    /// The display name (`Khác` for [`Platform::Other`]).
    pub fn label(&self) -> &'static str {
        match self {
            Platform::Facebook => "Facebook",
            Platform::Zalo => "Zalo",
            Platform::Tiktok => "TikTok",
            Platform::Youtube => "YouTube",
            Platform::X => "X (Twitter)",
            Platform::Instagram => "Instagram",
            Platform::Other => "Khác",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = UnknownCode;

    /// Case-insensitive, surrounding white space ignored; `twitter` is X.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("twitter") {
            return Ok(Platform::X);
        }
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| UnknownCode(t.to_owned()))
    }
}

/// Why a post URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostError {
    /// Not a valid address, or not the address of a post on this platform.
    InvalidPostUrl,
    /// The address is not on the chosen platform.
    PlatformMismatch,
}

impl PostError {
    /// The stable code: `invalid_post_url` or `platform_mismatch`.
    pub fn code(&self) -> &'static str {
        match self {
            PostError::InvalidPostUrl => "invalid_post_url",
            PostError::PlatformMismatch => "platform_mismatch",
        }
    }

    /// A plain Vietnamese explanation for a phone user.
    pub fn message_vi(&self) -> &'static str {
        match self {
            PostError::InvalidPostUrl => {
                "Địa chỉ bài đăng không hợp lệ. Hãy mở bài đăng của bạn, chọn “Sao chép liên kết” rồi dán vào đây, hoặc để trống nếu bài đăng không có địa chỉ công khai."
            }
            PostError::PlatformMismatch => {
                "Địa chỉ bài đăng không thuộc nền tảng đã chọn. Hãy chọn lại nền tảng hoặc dán đúng địa chỉ bài đăng."
            }
        }
    }

    /// The English explanation.
    pub fn message_en(&self) -> &'static str {
        match self {
            PostError::InvalidPostUrl => {
                "This is not a valid post address. Open your post, choose “Copy link” and paste it here, or leave it empty if the post has no public address."
            }
            PostError::PlatformMismatch => {
                "The post address is not on the chosen platform. Choose the right platform or paste the right post address."
            }
        }
    }
}

impl fmt::Display for PostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message_vi())
    }
}

impl std::error::Error for PostError {}

/// An accepted post URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct NormalizedPost {
    /// The normalised URL (as for sources: tracking parameters and fragment
    /// dropped); use this one for links.
    pub url: String,
    /// The post's identity, for "one post, one entry": canonical host, no
    /// scheme, only identifying query parameters (sorted), no trailing
    /// slash. Not always a browsable URL.
    pub key: String,
}

/// The platform that owns `host`, if any (the host or any subdomain of the
/// platform's domains).
fn platform_of_host(host: &str) -> Option<Platform> {
    const OWNERS: &[(&str, Platform)] = &[
        ("facebook.com", Platform::Facebook),
        ("fb.com", Platform::Facebook),
        ("fb.watch", Platform::Facebook),
        ("fb.me", Platform::Facebook),
        ("zalo.me", Platform::Zalo),
        ("tiktok.com", Platform::Tiktok),
        ("youtube.com", Platform::Youtube),
        ("youtu.be", Platform::Youtube),
        ("x.com", Platform::X),
        ("twitter.com", Platform::X),
        ("t.co", Platform::X),
        ("instagram.com", Platform::Instagram),
        ("instagr.am", Platform::Instagram),
    ];
    OWNERS
        .iter()
        .find(|(domain, _)| is_same_or_subdomain(host, domain))
        .map(|&(_, p)| p)
}

/// Path segments without the leading and one trailing `/`; `None` if a
/// segment is empty (`/a//b`).
fn segments(path: &str) -> Option<Vec<&str>> {
    let p = path.strip_prefix('/').unwrap_or(path);
    let p = p.strip_suffix('/').unwrap_or(p);
    if p.is_empty() {
        return Some(Vec::new());
    }
    let segs: Vec<&str> = p.split('/').collect();
    (!segs.iter().any(|s| s.is_empty())).then_some(segs)
}

/// Longest accepted id or name segment.
const MAX_TOKEN: usize = 256;

/// An id or code: `A-Z a-z 0-9 _ -`.
fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_TOKEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// All ASCII digits.
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_TOKEN && s.bytes().all(|b| b.is_ascii_digit())
}

/// A user, page or group name: ids plus `.`, `~` and percent-escapes.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_TOKEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'~' | b'%'))
}

/// The first non-empty value of query parameter `name` (raw, still encoded).
pub(crate) fn param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .find_map(|piece| match piece.split_once('=') {
            Some((n, v)) if n == name && !v.is_empty() => Some(v),
            _ => None,
        })
}

/// An id-shaped query parameter.
fn id_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    param(query, name).filter(|v| is_id(v))
}

/// The query parameters that identify a post; everything else is dropped
/// from the key.
const KEY_PARAMS: [&str; 4] = ["fbid", "id", "story_fbid", "v"];

/// `?a=..&b=..` of the identifying parameters present, sorted by name, or "".
fn key_query(query: Option<&str>) -> String {
    let mut out = String::new();
    for name in KEY_PARAMS {
        if let Some(v) = param(query, name) {
            out.push(if out.is_empty() { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

/// Facebook post key, for the main Facebook hosts.
fn facebook_key(segs: &[&str], q: Option<&str>) -> Option<String> {
    let key = match segs {
        [file] if matches!(*file, "permalink.php" | "story.php") => {
            let story = id_param(q, "story_fbid")?;
            match id_param(q, "id") {
                Some(id) => format!("facebook.com/permalink.php?id={id}&story_fbid={story}"),
                None => format!("facebook.com/permalink.php?story_fbid={story}"),
            }
        }
        ["watch"] => format!("facebook.com/watch?v={}", id_param(q, "v")?),
        ["photo" | "photo.php"] => format!("facebook.com/photo?fbid={}", id_param(q, "fbid")?),
        ["share", kind @ ("p" | "r" | "v"), hash] if is_id(hash) => {
            format!("facebook.com/share/{kind}/{hash}")
        }
        ["share", hash] if is_id(hash) && !matches!(*hash, "p" | "r" | "v") => {
            format!("facebook.com/share/{hash}")
        }
        ["reel", id] if is_id(id) => format!("facebook.com/reel/{id}"),
        ["groups", group, "posts" | "permalink", id] if is_name(group) && is_id(id) => {
            format!(
                "facebook.com/groups/{}/posts/{id}",
                group.to_ascii_lowercase()
            )
        }
        [user, "posts", id] if is_name(user) && is_id(id) => {
            format!("facebook.com/{}/posts/{id}", user.to_ascii_lowercase())
        }
        [page, "videos", id] if is_name(page) && is_id(id) => {
            format!("facebook.com/{}/videos/{id}", page.to_ascii_lowercase())
        }
        [page, "videos", slug, id] if is_name(page) && is_name(slug) && is_digits(id) => {
            format!("facebook.com/{}/videos/{id}", page.to_ascii_lowercase())
        }
        [user, "photos", rest @ ..]
            if is_name(user) && !rest.is_empty() && rest.iter().all(|s| is_name(s)) =>
        {
            format!(
                "facebook.com/{}/photos/{}",
                user.to_ascii_lowercase(),
                rest.join("/")
            )
        }
        _ => return None,
    };
    Some(key)
}

/// The post key for `platform` on `host`, or `None` if the URL is not a post
/// of a known shape.
fn post_key(platform: Platform, host: &str, segs: &[&str], q: Option<&str>) -> Option<String> {
    match platform {
        Platform::Facebook => match host {
            "facebook.com"
            | "www.facebook.com"
            | "m.facebook.com"
            | "web.facebook.com"
            | "mbasic.facebook.com"
            | "touch.facebook.com"
            | "mobile.facebook.com"
            | "fb.com"
            | "www.fb.com" => facebook_key(segs, q),
            "fb.watch" | "www.fb.watch" => match segs {
                [hash] if is_id(hash) => Some(format!("fb.watch/{hash}")),
                _ => None,
            },
            // l.facebook.com / lm.facebook.com are outbound-link wrappers,
            // fb.me is a short link: never posts.
            _ => None,
        },
        Platform::Tiktok => match host {
            "tiktok.com" | "www.tiktok.com" | "m.tiktok.com" => match segs {
                [user, kind @ ("video" | "photo"), id]
                    if user.strip_prefix('@').is_some_and(is_name) && is_digits(id) =>
                {
                    // The id alone identifies the post; TikTok ignores the user part.
                    Some(format!("tiktok.com/{kind}/{id}"))
                }
                ["t", code] if is_id(code) => Some(format!("tiktok.com/t/{code}")),
                _ => None,
            },
            "vt.tiktok.com" | "vm.tiktok.com" => match segs {
                [code] if is_id(code) => Some(format!("{host}/{code}")),
                _ => None,
            },
            _ => None,
        },
        Platform::Youtube => match host {
            "youtube.com" | "www.youtube.com" | "m.youtube.com" | "music.youtube.com" => match segs
            {
                ["watch"] => Some(format!("youtube.com/watch?v={}", id_param(q, "v")?)),
                [kind @ ("shorts" | "live"), id] if is_id(id) => {
                    Some(format!("youtube.com/{kind}/{id}"))
                }
                _ => None,
            },
            "youtu.be" | "www.youtu.be" => match segs {
                [id] if is_id(id) => Some(format!("youtube.com/watch?v={id}")),
                _ => None,
            },
            _ => None,
        },
        Platform::Zalo => {
            if segs.is_empty() {
                return None;
            }
            let host = match host {
                "www.zalo.me" => "zalo.me",
                other => other,
            };
            Some(format!("{host}/{}{}", segs.join("/"), key_query(q)))
        }
        Platform::X => match host {
            "x.com" | "www.x.com" | "mobile.x.com" | "twitter.com" | "www.twitter.com"
            | "mobile.twitter.com" => match segs {
                [user, "status" | "statuses", id]
                | [user, "status" | "statuses", id, "photo" | "video", _]
                    if *user != "i" && is_name(user) && is_digits(id) =>
                {
                    // A status id is global; the user part is ignored by X.
                    Some(format!("x.com/i/web/status/{id}"))
                }
                ["i", "web", "status", id] | ["i", "status", id] if is_digits(id) => {
                    Some(format!("x.com/i/web/status/{id}"))
                }
                _ => None,
            },
            _ => None,
        },
        Platform::Instagram => match host {
            "instagram.com" | "www.instagram.com" | "m.instagram.com" | "instagr.am"
            | "www.instagr.am" => match segs {
                ["p" | "reel" | "reels" | "tv", code] if is_id(code) => {
                    // Shortcodes are one namespace: /reel/C and /p/C are the same media.
                    Some(format!("instagram.com/p/{code}"))
                }
                [user, "p" | "reel", code] if is_name(user) && is_id(code) => {
                    Some(format!("instagram.com/p/{code}"))
                }
                _ => None,
            },
            _ => None,
        },
        Platform::Other => None,
    }
}

/// Checks a post (proof) URL for `platform`.
///
/// The URL-level checks are those of sources ([`normalize_source`]); any
/// failure is [`PostError::InvalidPostUrl`]. A URL on another platform's
/// host, or (for a named platform) on no known platform host, is
/// [`PostError::PlatformMismatch`]. On the platform's own hosts the URL must
/// have one of the known post shapes, else [`PostError::InvalidPostUrl`].
/// For [`Platform::Other`] any valid URL off the known platforms is accepted,
/// keyed by its de-duplication key. Never panics.
pub fn check_post(platform: Platform, input: &str) -> Result<NormalizedPost, PostError> {
    let n = normalize_source(input).map_err(|_| PostError::InvalidPostUrl)?;
    let owner = platform_of_host(&n.host);
    let key = match (platform, owner) {
        (Platform::Other, None) => n.dedupe_key,
        (Platform::Other, Some(_)) => return Err(PostError::PlatformMismatch),
        (p, Some(o)) if p == o => {
            let query = n.url.split_once('?').map(|(_, q)| q);
            let segs = segments(&n.path).ok_or(PostError::InvalidPostUrl)?;
            post_key(platform, &n.host, &segs, query).ok_or(PostError::InvalidPostUrl)?
        }
        _ => return Err(PostError::PlatformMismatch),
    };
    Ok(NormalizedPost { url: n.url, key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_strings() {
        let labels = [
            "Facebook",
            "Zalo",
            "TikTok",
            "YouTube",
            "X (Twitter)",
            "Instagram",
            "Khác",
        ];
        for (p, label) in Platform::ALL.into_iter().zip(labels) {
            assert_eq!(p.as_str().parse::<Platform>(), Ok(p), "FromStr {p}");
            assert_eq!(
                p.as_str().to_uppercase().parse::<Platform>(),
                Ok(p),
                "case-insensitive {p}"
            );
            assert_eq!(
                serde_json::to_string(&p).ok(),
                Some(format!("\"{p}\"")),
                "serde {p}"
            );
            assert_eq!(p.label(), label, "label of {p}");
        }
        assert_eq!(
            "Twitter".parse::<Platform>(),
            Ok(Platform::X),
            "twitter alias"
        );
        assert_eq!(
            serde_json::from_str::<Platform>("\"twitter\"").ok(),
            Some(Platform::X),
            "serde alias"
        );
        assert!("myspace".parse::<Platform>().is_err(), "unknown platform");
    }

    #[test]
    fn post_error_strings() {
        for (e, code) in [
            (PostError::InvalidPostUrl, "invalid_post_url"),
            (PostError::PlatformMismatch, "platform_mismatch"),
        ] {
            assert_eq!(e.code(), code, "code");
            assert_eq!(
                serde_json::to_string(&e).ok(),
                Some(format!("\"{code}\"")),
                "serde {code}"
            );
            assert_eq!(e.to_string(), e.message_vi(), "Display is Vietnamese");
            assert!(!e.message_en().is_empty(), "English message");
        }
    }

    #[test]
    fn valid_posts_and_their_keys() {
        use Platform::*;
        let cases = [
            // Facebook
            (
                Facebook,
                "https://www.facebook.com/thongtinchinhphu/posts/123456",
                "facebook.com/thongtinchinhphu/posts/123456",
                "user posts id",
            ),
            (
                Facebook,
                "https://m.facebook.com/ThongTinChinhPhu/posts/pfbid02AbCdEf/?mibextid=x",
                "facebook.com/thongtinchinhphu/posts/pfbid02AbCdEf",
                "pfbid, user lower-cased",
            ),
            (
                Facebook,
                "https://web.facebook.com/permalink.php?story_fbid=123&id=456",
                "facebook.com/permalink.php?id=456&story_fbid=123",
                "permalink",
            ),
            (
                Facebook,
                "https://m.facebook.com/story.php?story_fbid=123&id=456&mibextid=abc",
                "facebook.com/permalink.php?id=456&story_fbid=123",
                "story.php",
            ),
            (
                Facebook,
                "http://www.facebook.com/story.php?id=456&story_fbid=123",
                "facebook.com/permalink.php?id=456&story_fbid=123",
                "story.php other order",
            ),
            (
                Facebook,
                "https://facebook.com/permalink.php?story_fbid=pfbid0abc",
                "facebook.com/permalink.php?story_fbid=pfbid0abc",
                "permalink without id",
            ),
            (
                Facebook,
                "https://www.facebook.com/share/p/1AbCdEfGh/",
                "facebook.com/share/p/1AbCdEfGh",
                "share p",
            ),
            (
                Facebook,
                "https://www.facebook.com/share/r/1AbC/",
                "facebook.com/share/r/1AbC",
                "share r",
            ),
            (
                Facebook,
                "https://www.facebook.com/share/v/1AbC",
                "facebook.com/share/v/1AbC",
                "share v",
            ),
            (
                Facebook,
                "https://www.facebook.com/share/1AbC",
                "facebook.com/share/1AbC",
                "share",
            ),
            (
                Facebook,
                "https://www.facebook.com/groups/123/posts/456/",
                "facebook.com/groups/123/posts/456",
                "group post",
            ),
            (
                Facebook,
                "https://www.facebook.com/groups/MyGroup/permalink/456/",
                "facebook.com/groups/mygroup/posts/456",
                "group permalink",
            ),
            (
                Facebook,
                "https://www.facebook.com/reel/987654",
                "facebook.com/reel/987654",
                "reel",
            ),
            (
                Facebook,
                "https://www.facebook.com/watch/?v=123",
                "facebook.com/watch?v=123",
                "watch/",
            ),
            (
                Facebook,
                "https://www.facebook.com/watch?v=123&ref=sharing",
                "facebook.com/watch?v=123",
                "watch",
            ),
            (
                Facebook,
                "https://www.facebook.com/VTV24/videos/123456/",
                "facebook.com/vtv24/videos/123456",
                "page video",
            ),
            (
                Facebook,
                "https://www.facebook.com/VTV24/videos/le-ky-niem/123456/",
                "facebook.com/vtv24/videos/123456",
                "page video with slug",
            ),
            (
                Facebook,
                "https://www.facebook.com/photo/?fbid=123&set=a.1",
                "facebook.com/photo?fbid=123",
                "photo/",
            ),
            (
                Facebook,
                "https://www.facebook.com/photo.php?fbid=123",
                "facebook.com/photo?fbid=123",
                "photo.php",
            ),
            (
                Facebook,
                "https://www.facebook.com/page/photos/a.123/456/",
                "facebook.com/page/photos/a.123/456",
                "user photos",
            ),
            (
                Facebook,
                "https://mbasic.facebook.com/x/posts/1",
                "facebook.com/x/posts/1",
                "mbasic",
            ),
            (
                Facebook,
                "https://touch.facebook.com/x/posts/1",
                "facebook.com/x/posts/1",
                "touch",
            ),
            (
                Facebook,
                "https://fb.com/x/posts/1",
                "facebook.com/x/posts/1",
                "fb.com",
            ),
            (
                Facebook,
                "https://fb.watch/abcD12_-/",
                "fb.watch/abcD12_-",
                "fb.watch",
            ),
            (
                Facebook,
                "facebook.com/x/posts/1#comments",
                "facebook.com/x/posts/1",
                "scheme-less, fragment",
            ),
            // TikTok
            (
                Tiktok,
                "https://www.tiktok.com/@vtv24news/video/7300000000000000000?is_from_webapp=1&sender_device=pc",
                "tiktok.com/video/7300000000000000000",
                "video",
            ),
            (
                Tiktok,
                "https://m.tiktok.com/@other.name/video/7300000000000000000",
                "tiktok.com/video/7300000000000000000",
                "same video, other user spelling",
            ),
            (
                Tiktok,
                "https://www.tiktok.com/@user_1/photo/7300000000000000001",
                "tiktok.com/photo/7300000000000000001",
                "photo",
            ),
            (
                Tiktok,
                "https://vt.tiktok.com/ZSabc123/",
                "vt.tiktok.com/ZSabc123",
                "vt short",
            ),
            (
                Tiktok,
                "https://vm.tiktok.com/ZMabc123",
                "vm.tiktok.com/ZMabc123",
                "vm short",
            ),
            (
                Tiktok,
                "https://www.tiktok.com/t/ZTabc123/",
                "tiktok.com/t/ZTabc123",
                "t code",
            ),
            // YouTube
            (
                Youtube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30s",
                "youtube.com/watch?v=dQw4w9WgXcQ",
                "watch",
            ),
            (
                Youtube,
                "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
                "youtube.com/watch?v=dQw4w9WgXcQ",
                "m. watch",
            ),
            (
                Youtube,
                "https://music.youtube.com/watch?v=dQw4w9WgXcQ",
                "youtube.com/watch?v=dQw4w9WgXcQ",
                "music",
            ),
            (
                Youtube,
                "https://youtu.be/dQw4w9WgXcQ?si=abc",
                "youtube.com/watch?v=dQw4w9WgXcQ",
                "youtu.be",
            ),
            (
                Youtube,
                "https://www.youtube.com/shorts/abcDEF12345",
                "youtube.com/shorts/abcDEF12345",
                "shorts",
            ),
            (
                Youtube,
                "https://youtube.com/live/abcDEF12345?feature=share",
                "youtube.com/live/abcDEF12345",
                "live",
            ),
            // Zalo
            (
                Zalo,
                "https://zalo.me/s/1234567890/",
                "zalo.me/s/1234567890",
                "OA post",
            ),
            (
                Zalo,
                "https://www.zalo.me/s/1234567890?zarsrc=30&gidzl=x",
                "zalo.me/s/1234567890",
                "www, trackers",
            ),
            (
                Zalo,
                "https://oa.zalo.me/home/article/abc",
                "oa.zalo.me/home/article/abc",
                "oa subdomain",
            ),
            (
                Zalo,
                "https://zalo.me/g/abc?id=5&x=1",
                "zalo.me/g/abc?id=5",
                "only identifying params kept",
            ),
            // X
            (
                X,
                "https://x.com/VTV24/status/1790000000000000000",
                "x.com/i/web/status/1790000000000000000",
                "status",
            ),
            (
                X,
                "https://twitter.com/vtv24/status/1790000000000000000?s=20&ref_src=twsrc",
                "x.com/i/web/status/1790000000000000000",
                "twitter",
            ),
            (
                X,
                "https://mobile.twitter.com/a/status/1790000000000000000/photo/1",
                "x.com/i/web/status/1790000000000000000",
                "photo of status",
            ),
            (
                X,
                "https://x.com/i/web/status/1790000000000000000",
                "x.com/i/web/status/1790000000000000000",
                "i/web/status",
            ),
            // Instagram
            (
                Instagram,
                "https://www.instagram.com/p/Cabc_12-x/?igsh=abc",
                "instagram.com/p/Cabc_12-x",
                "p",
            ),
            (
                Instagram,
                "https://www.instagram.com/reel/Cabc12/",
                "instagram.com/p/Cabc12",
                "reel",
            ),
            (
                Instagram,
                "https://instagram.com/reels/Cabc12",
                "instagram.com/p/Cabc12",
                "reels",
            ),
            (
                Instagram,
                "https://instagram.com/tv/Cabc12",
                "instagram.com/p/Cabc12",
                "tv",
            ),
            (
                Instagram,
                "https://instagr.am/p/Cabc12",
                "instagram.com/p/Cabc12",
                "instagr.am",
            ),
            (
                Instagram,
                "https://www.instagram.com/someone/p/Cabc12/",
                "instagram.com/p/Cabc12",
                "user/p",
            ),
            // Other
            (
                Other,
                "https://www.lotus.vn/w/post/123.htm?utm_source=x",
                "lotus.vn/w/post/123.htm",
                "other site",
            ),
            (
                Other,
                "https://bit.ly/abc",
                "bit.ly/abc",
                "other short link is accepted",
            ),
        ];
        for (platform, input, want_key, msg) in cases {
            let got = check_post(platform, input);
            assert_eq!(
                got.as_ref().map(|p| p.key.as_str()),
                Ok(want_key),
                "{msg}: {input}"
            );
            if let Ok(post) = got {
                assert_eq!(
                    check_post(platform, &post.url),
                    Ok(post.clone()),
                    "idempotent, {msg}"
                );
            }
        }
    }

    #[test]
    fn post_url_is_normalised() {
        let got = check_post(
            Platform::Facebook,
            " HTTPS://M.Facebook.com/story.php?story_fbid=1&id=2&mibextid=abc#x ",
        );
        assert_eq!(
            got.map(|p| p.url).as_deref(),
            Ok("https://m.facebook.com/story.php?story_fbid=1&id=2"),
            "url normalised, not canonicalised"
        );
    }

    #[test]
    fn rejected_posts() {
        use Platform::*;
        use PostError::*;
        let cases = [
            (Facebook, "", InvalidPostUrl, "empty"),
            (Facebook, "javascript:alert(1)", InvalidPostUrl, "scheme"),
            (
                Facebook,
                "https://u:p@facebook.com/x/posts/1",
                InvalidPostUrl,
                "credentials",
            ),
            (
                Facebook,
                "https://157.240.1.1/x/posts/1",
                InvalidPostUrl,
                "IP",
            ),
            (
                Facebook,
                "https://facebook.com:8443/x/posts/1",
                InvalidPostUrl,
                "port",
            ),
            (
                Facebook,
                "https://www.facebook.com/",
                InvalidPostUrl,
                "home page",
            ),
            (
                Facebook,
                "https://www.facebook.com/thongtinchinhphu",
                InvalidPostUrl,
                "profile",
            ),
            (
                Facebook,
                "https://www.facebook.com/profile.php?id=1",
                InvalidPostUrl,
                "profile.php",
            ),
            (
                Facebook,
                "https://www.facebook.com/permalink.php?id=1",
                InvalidPostUrl,
                "permalink without story",
            ),
            (
                Facebook,
                "https://www.facebook.com/watch/",
                InvalidPostUrl,
                "watch without v",
            ),
            (
                Facebook,
                "https://www.facebook.com/x/posts/",
                InvalidPostUrl,
                "posts without id",
            ),
            (
                Facebook,
                "https://www.facebook.com/x/posts/1/extra",
                InvalidPostUrl,
                "extra segment",
            ),
            (
                Facebook,
                "https://www.facebook.com/x//posts/1",
                InvalidPostUrl,
                "empty segment",
            ),
            (
                Facebook,
                "https://www.facebook.com/share/p",
                InvalidPostUrl,
                "share p without hash",
            ),
            (
                Facebook,
                "https://l.facebook.com/l.php?u=https%3A%2F%2Fbaodienbienphu.vn",
                InvalidPostUrl,
                "outbound wrapper",
            ),
            (
                Facebook,
                "https://lm.facebook.com/l.php?u=x",
                InvalidPostUrl,
                "mobile wrapper",
            ),
            (
                Facebook,
                "https://fb.me/abc",
                InvalidPostUrl,
                "fb.me short link",
            ),
            (
                Facebook,
                "https://www.tiktok.com/@a/video/1",
                PlatformMismatch,
                "TikTok URL as Facebook",
            ),
            (
                Facebook,
                "https://baodienbienphu.vn/tin/1",
                PlatformMismatch,
                "unknown host",
            ),
            (
                Facebook,
                "https://notfacebook.com/x/posts/1",
                PlatformMismatch,
                "look-alike host",
            ),
            (
                Tiktok,
                "https://www.tiktok.com/@a/video/abc",
                InvalidPostUrl,
                "non-digit video id",
            ),
            (
                Tiktok,
                "https://www.tiktok.com/a/video/1",
                InvalidPostUrl,
                "user without @",
            ),
            (
                Tiktok,
                "https://www.tiktok.com/@a",
                InvalidPostUrl,
                "profile",
            ),
            (
                Tiktok,
                "https://vt.tiktok.com/",
                InvalidPostUrl,
                "short without code",
            ),
            (
                Tiktok,
                "https://youtu.be/abc",
                PlatformMismatch,
                "YouTube as TikTok",
            ),
            (
                Youtube,
                "https://www.youtube.com/watch",
                InvalidPostUrl,
                "watch without v",
            ),
            (
                Youtube,
                "https://www.youtube.com/@VTV24",
                InvalidPostUrl,
                "channel",
            ),
            (
                Youtube,
                "https://www.youtube.com/shorts/",
                InvalidPostUrl,
                "shorts without id",
            ),
            (
                Youtube,
                "https://youtu.be/",
                InvalidPostUrl,
                "youtu.be without id",
            ),
            (
                Youtube,
                "https://x.com/a/status/1",
                PlatformMismatch,
                "X as YouTube",
            ),
            (Zalo, "https://zalo.me/", InvalidPostUrl, "zalo home"),
            (Zalo, "https://oa.zalo.me", InvalidPostUrl, "oa home"),
            (
                Zalo,
                "https://facebook.com/x/posts/1",
                PlatformMismatch,
                "Facebook as Zalo",
            ),
            (X, "https://x.com/a", InvalidPostUrl, "profile"),
            (
                X,
                "https://x.com/a/status/abc",
                InvalidPostUrl,
                "non-digit status",
            ),
            (X, "https://t.co/abc", InvalidPostUrl, "t.co short link"),
            (
                X,
                "https://instagram.com/p/abc",
                PlatformMismatch,
                "Instagram as X",
            ),
            (
                Instagram,
                "https://www.instagram.com/someone/",
                InvalidPostUrl,
                "profile",
            ),
            (
                Instagram,
                "https://www.instagram.com/p/",
                InvalidPostUrl,
                "p without code",
            ),
            (
                Instagram,
                "https://zalo.me/s/1",
                PlatformMismatch,
                "Zalo as Instagram",
            ),
            (
                Other,
                "https://www.facebook.com/x/posts/1",
                PlatformMismatch,
                "known platform as Other",
            ),
            (
                Other,
                "https://youtu.be/abc",
                PlatformMismatch,
                "youtu.be as Other",
            ),
            (Other, "not a url", InvalidPostUrl, "invalid as Other"),
        ];
        for (platform, input, want, msg) in cases {
            assert_eq!(
                check_post(platform, input),
                Err(want),
                "{msg}: {platform} {input}"
            );
        }
    }

    #[test]
    fn same_post_two_spellings_one_key() {
        let pairs = [
            (
                Platform::Facebook,
                "https://m.facebook.com/story.php?story_fbid=123&id=456&mibextid=abc",
                "http://www.facebook.com/story.php?id=456&story_fbid=123",
            ),
            (
                Platform::Facebook,
                "https://www.facebook.com/watch/?v=1",
                "facebook.com/watch?v=1&fbclid=x",
            ),
            (
                Platform::Youtube,
                "https://youtu.be/dQw4w9WgXcQ",
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be",
            ),
            (
                Platform::X,
                "https://twitter.com/a/status/1",
                "https://x.com/i/web/status/1",
            ),
        ];
        for (platform, a, b) in pairs {
            let ka = check_post(platform, a).map(|p| p.key);
            let kb = check_post(platform, b).map(|p| p.key);
            assert!(ka.is_ok(), "{a} accepted");
            assert_eq!(ka, kb, "{a} and {b}");
        }
    }
}
