//! `/lang/{vi|en}`: remembers the interface language in a cookie and returns to the page the
//! person was on (`?next=`, else the same-site page that linked here, else `/`).

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::safe_next;
use axum::http::request::Parts;

use crate::auth::cookies::{self, LANG_COOKIE, read};
use crate::domain::lang::Lang;

/// A year: long enough to be a preference.
const LANG_MAX_AGE_SECS: i64 = 366 * 24 * 3600;

/// `?next=/path`.
#[derive(Debug, Deserialize)]
pub struct SwitchQuery {
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// Sets the language cookie and goes back.
pub async fn switch(
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
    headers: HeaderMap,
) -> Response {
    let code = if code == "en" { "en" } else { "vi" };
    let next = query
        .next
        .or_else(|| same_site_referer(&headers))
        .map(|path| without_lang(&path));
    let mut response = Redirect::to(&safe_next(next.as_deref())).into_response();
    // The cookie only holds a preference; not being https-only costs nothing.
    let cookie = cookies::set(LANG_COOKIE, code, LANG_MAX_AGE_SECS, false);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The path and query of the `Referer` when it is this site (same host and port).
fn same_site_referer(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = url::Url::parse(headers.get(header::REFERER)?.to_str().ok()?).ok()?;
    let referer_host = match referer.port() {
        Some(port) => format!("{}:{port}", referer.host_str()?),
        None => referer.host_str()?.to_owned(),
    };
    (referer_host.eq_ignore_ascii_case(host)).then(|| match referer.query() {
        Some(q) => format!("{}?{q}", referer.path()),
        None => referer.path().to_owned(),
    })
}

/// Drops a `lang=` parameter, which would override the cookie just set.
fn without_lang(path: &str) -> String {
    let Some((base, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.starts_with("lang=") && !pair.is_empty())
        .collect();
    if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// How a request chooses its language.
impl Lang {
    /// From `?lang=` or the language cookie.
    pub fn from_parts(parts: &Parts) -> Self {
        let from_query = parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "lang")
                .map(|(_, v)| v.into_owned())
        });
        match from_query
            .as_deref()
            .or_else(|| read(&parts.headers, LANG_COOKIE))
        {
            Some("en") => Self::En,
            _ => Self::Vi,
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_parameter_is_dropped_from_the_way_back() {
        let cases = [
            ("/me/history?lang=en&month=3", "/me/history?month=3"),
            ("/?lang=vi", "/"),
            ("/me/progress", "/me/progress"),
            ("/x?a=1&lang=en", "/x?a=1"),
        ];
        for (input, expected) in cases {
            assert_eq!(without_lang(input), expected, "{input}");
        }
    }

    #[test]
    fn only_a_same_site_referer_is_followed() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:8080/me/history?month=2"),
        );
        assert_eq!(
            same_site_referer(&headers).as_deref(),
            Some("/me/history?month=2")
        );
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("https://evil.example/me"),
        );
        assert_eq!(same_site_referer(&headers), None);
    }
}
