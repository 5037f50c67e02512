//! Static assets compiled into the binary (no CDN, nothing fetched from elsewhere): CSS, the
//! small plain JS, icons, the web app manifest and the service worker, every asset with an ETag
//! so a phone revalidates with a 304 instead of downloading again.
//!
//! Compression is the router's one `CompressionLayer` (gzip or Brotli, text types only), as for
//! every other answer: the files live inside the binary, not on disk, so `ServeDir`'s
//! precompressed `.gz`/`.br` siblings do not apply, and with ETags and the service worker's
//! offline copy each phone downloads an asset once per version, so compressing those few
//! kilobytes on that one request costs well under a millisecond.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const fn asset(name: &'static str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
    Asset {
        name,
        content_type,
        bytes,
    }
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";
const PNG: &str = "image/png";

/// Every asset served under `/static/`.
const ASSETS: &[Asset] = &[
    asset("app.css", CSS, include_bytes!("../../web/static/app.css")),
    asset("app.js", JS, include_bytes!("../../web/static/app.js")),
    asset(
        "icons.svg",
        SVG,
        include_bytes!("../../web/static/icons.svg"),
    ),
    asset("icon.svg", SVG, include_bytes!("../../web/static/icon.svg")),
    asset(
        "icon-192.png",
        PNG,
        include_bytes!("../../web/static/icon-192.png"),
    ),
    asset(
        "icon-512.png",
        PNG,
        include_bytes!("../../web/static/icon-512.png"),
    ),
    asset(
        "icon-maskable-512.png",
        PNG,
        include_bytes!("../../web/static/icon-maskable-512.png"),
    ),
    asset(
        "report.css",
        CSS,
        include_bytes!("../../web/static/report.css"),
    ),
    asset(
        "report.js",
        JS,
        include_bytes!("../../web/static/report.js"),
    ),
];

/// The manifest, served at `/manifest.webmanifest`.
const MANIFEST: Asset = asset(
    "manifest.webmanifest",
    "application/manifest+json",
    include_bytes!("../../web/static/manifest.webmanifest"),
);

/// The service worker's source; `__VERSION__` is replaced by a hash of every asset, so any
/// change to an asset changes the worker and phones pick up the new files.
const SERVICE_WORKER: &str = include_str!("../../web/static/sw.js");

/// A file ready to send: its bytes and its ETag.
struct Prepared {
    content_type: &'static str,
    bytes: Vec<u8>,
    etag: HeaderValue,
}

impl Prepared {
    fn new(content_type: &'static str, bytes: Vec<u8>) -> Self {
        let digest = hex::encode(Sha256::digest(&bytes));
        let etag = HeaderValue::from_str(&format!("\"{}\"", &digest[..20]))
            .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
        Self {
            content_type,
            bytes,
            etag,
        }
    }

    fn respond(&self, request: &HeaderMap) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        // Revalidate every time (a 304 is a few bytes); the service worker keeps offline copies.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == self.etag)
            });
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        (StatusCode::OK, headers, self.bytes.clone()).into_response()
    }
}

/// Every asset, the manifest (index `ASSETS.len()`) and the worker (the last), prepared once.
fn prepared() -> &'static [Prepared] {
    static PREPARED: OnceLock<Vec<Prepared>> = OnceLock::new();
    PREPARED.get_or_init(|| {
        let mut all: Vec<Prepared> = ASSETS
            .iter()
            .chain(std::iter::once(&MANIFEST))
            .map(|a| Prepared::new(a.content_type, a.bytes.to_vec()))
            .collect();
        let worker = SERVICE_WORKER.replace("__VERSION__", &version());
        all.push(Prepared::new(JS, worker.into_bytes()));
        all
    })
}

/// A short hash of every asset and the manifest: the service worker's cache name.
pub fn version() -> String {
    let mut hasher = Sha256::new();
    for a in ASSETS.iter().chain(std::iter::once(&MANIFEST)) {
        hasher.update(a.name.as_bytes());
        hasher.update(a.bytes);
    }
    hex::encode(hasher.finalize())[..12].to_owned()
}

/// Serves one asset by name.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().position(|a| a.name == file) {
        Some(index) => match prepared().get(index) {
            Some(p) => p.respond(&headers),
            None => crate::error::AppError::NotFound("tệp").into_response(),
        },
        None => crate::error::AppError::NotFound("tệp").into_response(),
    }
}

/// `/manifest.webmanifest`: name, icons, colours and the share target.
pub async fn manifest(headers: HeaderMap) -> Response {
    match prepared().get(ASSETS.len()) {
        Some(p) => p.respond(&headers),
        None => crate::error::AppError::NotFound("tệp").into_response(),
    }
}

/// `/sw.js`: the service worker, served from the root so its scope is the whole site.
pub async fn service_worker(headers: HeaderMap) -> Response {
    match prepared().last() {
        Some(p) => p.respond(&headers),
        None => crate::error::AppError::NotFound("tệp").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_carries_the_asset_version() {
        let worker = prepared().last().expect("worker");
        let text = String::from_utf8_lossy(&worker.bytes);
        assert!(!text.contains("__VERSION__"));
        assert!(text.contains(&version()));
    }
}
