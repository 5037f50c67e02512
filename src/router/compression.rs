//! Response compression for weak networks: gzip or Brotli for every text answer (pages, JSON,
//! CSV, the OpenAPI document, static text assets), never for formats that are already compressed
//! (XLSX, PNG, zip) nor for answers too small to gain from it.
//!
//! Pages carry a CSRF token next to text the visitor typed, so compressing them opens the BREACH
//! side channel. Two guards close it: the token is masked afresh on every page (`auth::csrf`),
//! and requests another site started (`Sec-Fetch-Site: cross-site`, the only ones an attacker
//! can repeat with guesses) are answered uncompressed.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// Answers smaller than this go plain: below one network packet compression gains nothing.
pub const MIN_SIZE: u16 = 1024;

/// Gzip level / Brotli quality 4: most of the gain at a small cost per request (Brotli's own
/// default, 11, takes seconds on a province-wide CSV).
const QUALITY: i32 = 4;

/// The compression layer: gzip and Brotli, chosen from `Accept-Encoding`; `Vary: Accept-Encoding`
/// on every answer that could have been compressed.
pub fn layer() -> CompressionLayer<Compressible> {
    CompressionLayer::new()
        .gzip(true)
        .br(true)
        .no_deflate()
        .no_zstd()
        .quality(CompressionLevel::Precise(QUALITY))
        .compress_when(Compressible)
}

/// Compress text types only (an allowlist, so a new binary format is never compressed twice),
/// and only above `MIN_SIZE`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Compressible;

/// Whether a `Content-Type` names a text format worth compressing.
pub fn is_text(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    (essence.starts_with("text/") && essence != "text/event-stream")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/javascript"
                | "application/xml"
                | "application/manifest+json"
                | "image/svg+xml"
        )
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl Predicate for Compressible {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        let text = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_text);
        text && SizeAbove::new(MIN_SIZE).should_compress(response)
    }
}

/// Drops `Accept-Encoding` from requests another site started, so their answers go plain (see
/// the module comment). Browsers without `Sec-Fetch-Site` still get the masked CSRF token.
pub async fn plain_for_cross_site(mut request: Request, next: Next) -> Response {
    let cross_site = request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v == HeaderValue::from_static("cross-site"));
    if cross_site {
        request.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::is_text;

    #[test]
    fn text_formats_are_compressed_and_packed_formats_are_not() {
        let cases = [
            ("text/html; charset=utf-8", true),
            ("application/json", true),
            ("text/csv; charset=utf-8", true),
            ("text/css", true),
            ("image/svg+xml", true),
            ("application/problem+json", true),
            (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                false,
            ),
            ("application/zip", false),
            ("image/png", false),
            ("application/pdf", false),
            ("application/octet-stream", false),
            ("text/event-stream", false),
            ("", false),
        ];
        for (content_type, expected) in cases {
            assert_eq!(is_text(content_type), expected, "{content_type:?}");
        }
    }
}
