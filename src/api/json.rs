//! `ApiJson`: axum's `Json` whose rejections are our own errors, so a malformed body gets the
//! same `{"error": …}` shape and a stable code.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A JSON request body.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_error(&rejection)),
        }
    }
}

fn rejection_to_error(rejection: &JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(err) => AppError::invalid(
            "invalid_body",
            format!(
                "Dữ liệu gửi lên thiếu trường hoặc sai kiểu: {}",
                short(&err.body_text())
            ),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            AppError::bad_request("malformed_json", "Nội dung gửi lên không phải JSON hợp lệ.")
        }
        JsonRejection::MissingJsonContentType(_) => AppError::bad_request(
            "unsupported_media_type",
            "Cần gửi nội dung JSON với Content-Type: application/json.",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::bad_request("payload_too_large", "Nội dung gửi lên quá lớn.")
        }
        _ => AppError::bad_request("malformed_body", "Không đọc được nội dung gửi lên."),
    }
}

/// serde's message names the field and type; keep it short and free of the user's input.
fn short(text: &str) -> String {
    text.split_once(": ")
        .map_or(text, |(_, rest)| rest)
        .chars()
        .take(160)
        .collect::<String>()
}

/// Query-string parameters whose rejection is our own 422.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| {
                AppError::invalid(
                    "invalid_query",
                    format!("Tham số không hợp lệ: {}", short(&rejection.body_text())),
                )
            })
    }
}
