//! The one place where `AppError` becomes an HTTP response:
//! `{"error": {"code", "message"}}` with a stable code and a Vietnamese message.

use std::any::Any;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::AppError;

impl AppError {
    /// The HTTP status of this outcome.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::CsrfFailed => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest { code, .. } => match *code {
                "payload_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
                "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "method_not_allowed" => StatusCode::METHOD_NOT_ALLOWED,
                _ => StatusCode::BAD_REQUEST,
            },
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            // Internals are logged once, inside the request span, and never sent.
            Self::Database(err) => tracing::error!(error = %err, "database error"),
            Self::Internal(err) => tracing::error!(error = %err, "internal error"),
            Self::Unavailable => tracing::warn!("database unavailable"),
            _ => {}
        }
        let body = Json(json!({"error": {"code": self.code(), "message": self.message()}}));
        let mut response = (status, body).into_response();
        match self {
            Self::RateLimited { retry_after_secs } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            Self::Unavailable => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            Self::Unauthenticated => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

/// Unknown paths.
pub async fn not_found() -> AppError {
    AppError::NotFound("đường dẫn này")
}

/// Known paths with the wrong method.
pub async fn method_not_allowed() -> AppError {
    AppError::bad_request(
        "method_not_allowed",
        "Phương thức HTTP này không được hỗ trợ cho đường dẫn này.",
    )
}

/// A handler panicked: answer like any other internal error.
pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    AppError::Internal("handler panicked".to_owned()).into_response()
}
