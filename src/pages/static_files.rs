//! Static assets compiled into the binary (no CDN, nothing fetched from elsewhere), served with
//! a content type and a cache lifetime.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (name, content type, bytes) of every asset under `web/static`.
const ASSETS: &[(&str, &str, &[u8])] = &[(
    "app.css",
    "text/css; charset=utf-8",
    include_bytes!("../../web/static/app.css"),
)];

/// Serves one asset by name.
pub async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => {
            let mut response = (StatusCode::OK, *bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            response
        }
        None => crate::error::AppError::NotFound("tệp").into_response(),
    }
}
