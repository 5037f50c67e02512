//! `AppError`: the outcomes a request or command can end in, each with a stable code and a
//! Vietnamese message; rendered to HTTP in one place, as JSON (`json`) or as a page (`page`),
//! so that the middleware below the API and the pages can render it too.

pub mod json;
pub mod page;

use sea_orm::DbErr;

/// The result type of application code.
pub type AppResult<T> = Result<T, AppError>;

/// Everything that can go wrong, as the user will be told.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Signed in, but the role or scope does not allow it.
    #[error("forbidden")]
    Forbidden,
    /// A cookie-authenticated change without its CSRF token.
    #[error("csrf failed")]
    CsrfFailed,
    /// The named thing does not exist (or is not visible to the caller).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The request could not be read at all (malformed JSON, wrong content type).
    #[error("bad request {code}: {message}")]
    BadRequest {
        /// Stable machine code.
        code: &'static str,
        /// Vietnamese message.
        message: String,
    },
    /// The request was read but a value is not acceptable.
    #[error("invalid {code}: {message}")]
    Invalid {
        /// Stable machine code.
        code: &'static str,
        /// Vietnamese message.
        message: String,
    },
    /// The request conflicts with what is stored.
    #[error("conflict {code}: {message}")]
    Conflict {
        /// Stable machine code.
        code: &'static str,
        /// Vietnamese message.
        message: String,
    },
    /// Too many requests; retry after this many seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a retry can succeed.
        retry_after_secs: u64,
    },
    /// The database is unreachable or overloaded.
    #[error("unavailable")]
    Unavailable,
    /// A database error that is not the user's fault.
    #[error("database: {0}")]
    Database(DbErr),
    /// Any other fault of ours.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// A 422 with a code and message.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    /// A 409 with a code and message.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A 400 with a code and message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// The stable code clients can act on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::CsrfFailed => "csrf_failed",
            Self::NotFound(_) => "not_found",
            Self::BadRequest { code, .. }
            | Self::Invalid { code, .. }
            | Self::Conflict { code, .. } => code,
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Database(_) | Self::Internal(_) => "internal",
        }
    }

    /// The Vietnamese message shown to the user; internals are never revealed.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => {
                "Bạn chưa đăng nhập hoặc phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.".into()
            }
            Self::Forbidden => "Bạn không có quyền thực hiện thao tác này.".into(),
            Self::CsrfFailed => "Phiên làm việc không hợp lệ (thiếu mã chống giả mạo). Vui lòng tải lại trang và thử lại.".into(),
            Self::NotFound(what) => format!("Không tìm thấy {what}."),
            Self::BadRequest { message, .. }
            | Self::Invalid { message, .. }
            | Self::Conflict { message, .. } => message.clone(),
            Self::RateLimited { retry_after_secs } => format!(
                "Bạn gửi quá nhanh. Vui lòng thử lại sau {retry_after_secs} giây."
            ),
            Self::Unavailable => {
                "Hệ thống đang tạm thời gián đoạn. Vui lòng thử lại sau ít phút; dữ liệu chưa gửi vẫn được giữ trên máy.".into()
            }
            Self::Database(_) | Self::Internal(_) => {
                "Đã xảy ra lỗi hệ thống. Vui lòng thử lại sau.".into()
            }
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable
        } else if is_unstorable_text(&err) {
            Self::invalid(
                "invalid_characters",
                "Dữ liệu gửi lên có ký tự không hợp lệ (ký tự điều khiển). Vui lòng kiểm tra lại.",
            )
        } else {
            Self::Database(err)
        }
    }
}

/// Whether the database refused a text value the user sent: PostgreSQL cannot store NUL
/// characters in text (SQLite can), so this is bad input, not a fault of ours.
pub fn is_unstorable_text(err: &DbErr) -> bool {
    let text = err.to_string();
    text.contains("invalid byte sequence for encoding")
        || text.contains("unsupported Unicode escape sequence")
}

/// Whether a database error means "cannot reach or get a connection" rather than a bug.
pub fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        other => {
            let text = other.to_string();
            // sqlx reports a dropped server or a busy SQLite file only in its message.
            [
                "PoolTimedOut",
                "pool timed out",
                "Connection refused",
                "connection reset",
                "database is locked",
                "terminating connection",
                "the database system is",
                "error communicating with database",
                "broken pipe",
            ]
            .iter()
            .any(|needle| text.contains(needle))
        }
    }
}
