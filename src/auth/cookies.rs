//! The app's cookies: reading the `Cookie` header and writing `Set-Cookie` values with the
//! right flags. Names avoid `_session` (the identity provider's, on the same host in tests).

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie.
pub const SESSION_COOKIE: &str = "lantoa_sid";
/// The cookie that binds a pending sign-in to the browser that started it.
pub const LOGIN_COOKIE: &str = "lantoa_login";
/// The interface language chosen by the person (`vi` or `en`).
pub const LANG_COOKIE: &str = "lantoa_lang";

/// The value of a cookie sent by the browser.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|value| !value.is_empty() && value.len() <= 256)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when served over https.
pub fn set(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A `Set-Cookie` value that deletes the cookie.
pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("_session=x; lantoa_sid=abc; other=1"),
        );
        assert_eq!(read(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(read(&headers, LOGIN_COOKIE), None);
    }

    #[test]
    fn set_cookie_carries_the_protective_flags() {
        let value = set(SESSION_COOKIE, "v", 60, true);
        for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(value.contains(flag), "{flag} in {value}");
        }
        assert!(!set(SESSION_COOKIE, "v", 60, false).contains("Secure"));
    }
}
