//! `AppError` as an HTML page: the pages' counterpart of the JSON rendering in `json`, usable by
//! the middleware below the page layer.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::domain::lang::Lang;
use crate::error::AppError;

/// Renders a template, or a plain error if the template itself fails.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Đã xảy ra lỗi hệ thống.").into_response()
        }
    }
}

/// A page that says what went wrong, with the error's status.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Language.
    pub lang: Lang,
    /// Title.
    pub title: String,
    /// Explanation.
    pub message: String,
}

/// The error page for an outcome (pages' counterpart of the API's JSON error).
pub fn error_page(err: &AppError) -> Response {
    let page = ErrorPage {
        lang: Lang::Vi,
        title: match err {
            AppError::Forbidden | AppError::CsrfFailed => "Không có quyền truy cập".into(),
            AppError::NotFound(_) => "Không tìm thấy".into(),
            AppError::Invalid { .. } | AppError::BadRequest { .. } => {
                "Thông tin chưa hợp lệ".into()
            }
            AppError::RateLimited { .. } => "Quá nhiều yêu cầu".into(),
            _ => "Có lỗi xảy ra".into(),
        },
        message: err.message(),
    };
    let mut response = render(&page);
    *response.status_mut() = err.status();
    if let AppError::RateLimited { retry_after_secs } = err
        && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
