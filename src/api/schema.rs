//! The bodies the OpenAPI document describes: the error shape, and documentation-only mirrors of
//! the handlers' input types, so the handlers' own types stay free of documentation derives.

use utoipa::ToSchema;

/// The error shape of every API error: a stable code and a Vietnamese message.
#[derive(ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The inside of an error.
#[derive(ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `not_allowlisted`, `duplicate`, `unavailable`.
    pub code: String,
    /// Vietnamese message for the user.
    pub message: String,
}

/// One share to log.
#[derive(ToSchema)]
pub struct ShareIn {
    /// The official article's address.
    pub source_url: String,
    /// `facebook`, `zalo`, `tiktok`, `youtube`, `x`, `instagram` or `other`.
    pub platform: String,
    /// The address of the person's own post, when it has one.
    pub post_url: Option<String>,
    /// The day it was shared (`YYYY-MM-DD`), today by default.
    pub shared_on: Option<String>,
    /// Makes a retry return the first answer (batch items; single shares use the header).
    pub idempotency_key: Option<String>,
}

/// Several shares at once.
#[derive(ToSchema)]
pub struct BatchIn {
    /// At most `LANTOA_MAX_BATCH_ITEMS` items.
    pub items: Vec<ShareIn>,
}

/// A URL to check without storing anything.
#[derive(ToSchema)]
pub struct VerifyIn {
    /// The address to verify.
    pub url: String,
}

/// A new API token.
#[derive(ToSchema)]
pub struct TokenIn {
    /// A name to recognise it by.
    pub name: String,
    /// A read-only token cannot change anything.
    pub read_only: Option<bool>,
}

/// A review decision on one entry.
#[derive(ToSchema)]
pub struct ReviewIn {
    /// `reject` or `restore`.
    pub decision: String,
    /// Why (required to reject).
    pub reason: Option<String>,
}

/// A review decision on several entries.
#[derive(ToSchema)]
pub struct ReviewBulkIn {
    /// The entries.
    pub ids: Vec<i64>,
    /// `reject` or `restore`.
    pub decision: String,
    /// Why (required to reject).
    pub reason: Option<String>,
}

/// A year's evaluation policy.
#[derive(ToSchema)]
pub struct PolicyIn {
    /// Shares a person needs in the period.
    pub target: u32,
    /// First day of the period (`YYYY-MM-DD`), 1 January by default.
    pub period_start: Option<String>,
    /// Last day of the period (`YYYY-MM-DD`), 31 December by default.
    pub period_end: Option<String>,
}
