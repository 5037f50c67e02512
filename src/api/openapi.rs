//! The OpenAPI 3.1 document of the JSON API, generated at compile time by `utoipa` from the
//! `#[utoipa::path]` attributes on the handlers in `src/api/*`, served at
//! `/api/v1/openapi.json`, with a readable page at `/api/docs` (a static page and a small local
//! script, nothing from other hosts). The request bodies below are documentation-only mirrors of
//! the handlers' input types, so the handlers' own types stay free of documentation derives.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

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

/// A declared account.
#[derive(ToSchema)]
pub struct AccountIn {
    /// `facebook`, `zalo`, `tiktok`, `youtube`, `x`, `instagram`, `linkedin`, `telegram` or `other`.
    pub platform: String,
    /// The profile address (`https://www.facebook.com/ten.cua.ban`) or `@handle`.
    pub address: String,
    /// The name shown on the account.
    pub display_name: Option<String>,
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
    /// Count only shares on the person's own declared accounts or that cannot tell (default
    /// off; absent keeps the stored choice).
    pub count_only_own_accounts: Option<bool>,
}

/// Adds the bearer-token scheme the annotations refer to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lan tỏa API",
        version = "1",
        description = "Ghi nhận và xác minh việc chia sẻ thông tin chính thống. Errors are \
                       `{\"error\": {\"code\", \"message\"}}` with a stable code; authenticate \
                       with `Authorization: Bearer TOKEN` (or the browser session and \
                       `X-CSRF-Token`)."
    ),
    paths(
        super::health::live,
        super::health::ready,
        document,
        super::tokens::me,
        super::shares::create,
        super::shares::create_batch,
        super::verify::verify,
        super::me::shares,
        super::me::tally,
        super::tokens::list,
        super::tokens::create,
        super::tokens::revoke,
        super::accounts::list,
        super::accounts::create,
        super::accounts::update,
        super::accounts::delete,
        super::units::tally,
        super::accounts::of_unit_list,
        super::exports::evaluation,
        super::tokens::end_sessions,
        super::review::list,
        super::review::review,
        super::review::review_bulk,
        super::policies::show,
        super::policies::put,
        super::policies::close_year,
        super::policies::reopen_year,
        super::reports::annual,
        super::reports::commendations,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        ShareIn,
        BatchIn,
        VerifyIn,
        TokenIn,
        ReviewIn,
        ReviewBulkIn,
        PolicyIn,
        AccountIn
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "shares", description = "Logging and reviewing shares"),
        (name = "me", description = "The caller's own data and tokens"),
        (name = "units", description = "Unit tallies"),
        (name = "exports", description = "Evaluation exports (audited)"),
        (name = "policies", description = "Evaluation policy per year"),
        (name = "admin", description = "Administration"),
        (name = "meta", description = "This document")
    )
)]
pub struct ApiDoc;

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned())
});

/// The OpenAPI document as JSON text.
pub fn document_json() -> &'static str {
    &DOCUMENT
}

fn with_type(body: &'static str, content_type: &'static str, cache: bool) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if cache {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
    }
    response
}

/// `GET /api/v1/openapi.json`.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "This OpenAPI document")))]
pub async fn document() -> Response {
    with_type(document_json(), "application/json", false)
}

/// `GET /api/docs`: a page that renders the document (with `viewer.js`).
pub async fn page() -> Response {
    with_type(
        include_str!("../../web/static/api-docs.html"),
        "text/html; charset=utf-8",
        false,
    )
}

/// `GET /api/docs/viewer.js`: the page's script.
pub async fn script() -> Response {
    with_type(
        include_str!("../../web/static/api-docs.js"),
        "text/javascript; charset=utf-8",
        true,
    )
}
