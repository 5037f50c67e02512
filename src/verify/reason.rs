//! Why a source URL was rejected: stable reason codes with Vietnamese and
//! English messages for the person who typed the address.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a source URL was rejected. Serialised (serde, [`Reason::code`],
/// [`FromStr`]) as its stable snake_case code, e.g. `short_link`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Empty input, unparsable address, or a host that is not a valid domain name.
    InvalidUrl,
    /// A scheme other than `http`/`https` (`ftp:`, `javascript:`, `mailto:` …).
    UnsupportedScheme,
    /// The address carries a user name or password (`user:pass@host`).
    CredentialsInUrl,
    /// The host is an IPv4 or IPv6 literal rather than a domain name.
    IpHost,
    /// An explicit port other than the scheme's default.
    NonstandardPort,
    /// More than 2,048 bytes (before or after normalisation).
    TooLong,
    /// A link shortener (`bit.ly`, `fb.watch`, …): the real source is unknown offline.
    ShortLink,
    /// Valid address, but no allowlist rule covers it.
    NotAllowlisted,
    /// An exclude rule covers the address.
    Excluded,
    /// A Facebook or Google outbound-link wrapper (`l.facebook.com/l.php?u=…`,
    /// `google.com/url?q=…`) with no `http(s)` address inside, or wrapped too many times.
    RedirectWithoutTarget,
}

impl Reason {
    /// Every reason, in declaration order.
    pub const ALL: [Reason; 10] = [
        Reason::InvalidUrl,
        Reason::UnsupportedScheme,
        Reason::CredentialsInUrl,
        Reason::IpHost,
        Reason::NonstandardPort,
        Reason::TooLong,
        Reason::ShortLink,
        Reason::NotAllowlisted,
        Reason::Excluded,
        Reason::RedirectWithoutTarget,
    ];

    /// The stable machine-readable code, e.g. `not_allowlisted`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::InvalidUrl => "invalid_url",
            Reason::UnsupportedScheme => "unsupported_scheme",
            Reason::CredentialsInUrl => "credentials_in_url",
            Reason::IpHost => "ip_host",
            Reason::NonstandardPort => "nonstandard_port",
            Reason::TooLong => "too_long",
            Reason::ShortLink => "short_link",
            Reason::NotAllowlisted => "not_allowlisted",
            Reason::Excluded => "excluded",
            Reason::RedirectWithoutTarget => "redirect_without_target",
        }
    }

    /// A plain Vietnamese explanation for a phone user, saying what to do.
    pub fn message_vi(&self) -> &'static str {
        match self {
            Reason::InvalidUrl => {
                "Địa chỉ không hợp lệ. Hãy mở bài viết rồi sao chép và dán lại địa chỉ đầy đủ (bắt đầu bằng https://)."
            }
            Reason::UnsupportedScheme => {
                "Chỉ chấp nhận địa chỉ trang web bắt đầu bằng http:// hoặc https://."
            }
            Reason::CredentialsInUrl => {
                "Địa chỉ có chứa tên đăng nhập hoặc mật khẩu nên không được chấp nhận. Hãy dán địa chỉ bài viết không có phần này."
            }
            Reason::IpHost => {
                "Địa chỉ dùng số IP thay cho tên miền nên không xác định được nguồn. Hãy dùng địa chỉ có tên miền của trang báo hoặc cơ quan."
            }
            Reason::NonstandardPort => {
                "Địa chỉ có cổng kết nối không chuẩn (ví dụ :8080) nên không được chấp nhận. Hãy dùng địa chỉ chính thức của bài viết."
            }
            Reason::TooLong => {
                "Địa chỉ quá dài (tối đa 2.048 byte). Hãy kiểm tra lại để chỉ dán một địa chỉ bài viết."
            }
            Reason::ShortLink => {
                "Đây là liên kết rút gọn, không kiểm tra được nguồn. Hãy mở liên kết rồi sao chép địa chỉ đầy đủ của bài viết."
            }
            Reason::NotAllowlisted => {
                "Nguồn này không có trong danh sách nguồn tin chính thống được công nhận (cơ quan nhà nước, Đảng, báo chí, tài khoản chính thức)."
            }
            Reason::Excluded => {
                "Trang này đã bị loại khỏi danh sách nguồn được công nhận nên lượt chia sẻ không được tính."
            }
            Reason::RedirectWithoutTarget => {
                "Đây là liên kết chuyển tiếp của Facebook hoặc Google nhưng không chứa địa chỉ bài viết. Hãy mở bài viết rồi sao chép địa chỉ đầy đủ của bài viết (bắt đầu bằng https://)."
            }
        }
    }

    /// The English explanation.
    pub fn message_en(&self) -> &'static str {
        match self {
            Reason::InvalidUrl => {
                "This is not a valid address. Open the article, then copy and paste its full address (starting with https://)."
            }
            Reason::UnsupportedScheme => {
                "Only web addresses starting with http:// or https:// are accepted."
            }
            Reason::CredentialsInUrl => {
                "The address contains a user name or password and cannot be accepted. Paste the article's address without it."
            }
            Reason::IpHost => {
                "The address uses an IP number instead of a domain name, so its source cannot be identified. Use the address with the site's domain name."
            }
            Reason::NonstandardPort => {
                "The address uses a non-standard port (such as :8080) and cannot be accepted. Use the article's official address."
            }
            Reason::TooLong => {
                "The address is too long (at most 2,048 bytes). Check that you pasted a single article address."
            }
            Reason::ShortLink => {
                "This is a shortened link, so its source cannot be checked. Open the link, then copy the article's full address."
            }
            Reason::NotAllowlisted => {
                "This source is not on the list of recognised official sources (government, Party, licensed press, official accounts)."
            }
            Reason::Excluded => {
                "This site has been excluded from the recognised sources, so the share does not count."
            }
            Reason::RedirectWithoutTarget => {
                "This is a Facebook or Google redirect link with no article address inside. Open the article, then copy its full address (starting with https://)."
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Error returned when parsing a code or name that is not one of the known values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("giá trị không hợp lệ: {0:?}")]
pub struct UnknownCode(pub String);

impl FromStr for Reason {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reason::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_from_str_and_serde() {
        let expected = [
            "invalid_url",
            "unsupported_scheme",
            "credentials_in_url",
            "ip_host",
            "nonstandard_port",
            "too_long",
            "short_link",
            "not_allowlisted",
            "excluded",
            "redirect_without_target",
        ];
        for (reason, code) in Reason::ALL.into_iter().zip(expected) {
            assert_eq!(reason.code(), code, "code of {reason:?}");
            assert_eq!(code.parse::<Reason>(), Ok(reason), "FromStr of {code}");
            assert_eq!(
                serde_json::to_string(&reason).ok(),
                Some(format!("\"{code}\"")),
                "serde of {reason:?}"
            );
            assert_eq!(
                serde_json::from_str::<Reason>(&format!("\"{code}\"")).ok(),
                Some(reason),
                "serde back of {code}"
            );
            assert_eq!(reason.to_string(), code, "Display of {reason:?}");
            assert!(!reason.message_vi().is_empty(), "vi message of {code}");
            assert!(!reason.message_en().is_empty(), "en message of {code}");
        }
        assert!(
            "nope".parse::<Reason>().is_err(),
            "unknown code is an error"
        );
    }

    #[test]
    fn short_link_message_is_the_agreed_text() {
        assert_eq!(
            Reason::ShortLink.message_vi(),
            "Đây là liên kết rút gọn, không kiểm tra được nguồn. Hãy mở liên kết rồi sao chép địa chỉ đầy đủ của bài viết."
        );
    }
}
