//! The OpenAPI 3.1 document of the JSON API, generated at compile time by `utoipa` from the
//! `#[utoipa::path]` attributes on the handlers in `src/api/*`, served at
//! `/api/v1/openapi.json`, with a readable page at `/api/docs` (a static page and a small local
//! script, nothing from other hosts). The documented bodies are in `schema`, which the handlers'
//! attributes name, so the handlers do not import this file and this file imports them.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::schema::{
    AccountIn, AllowlistImportIn, BatchIn, ErrorBody, ErrorDetail, LeaveIn, MoveIn, PersonIn,
    PolicyIn, ReviewBulkIn, ReviewIn, RoleIn, RuleIn, ShareIn, TokenIn, UnitChangeIn, UnitIn,
    VerifyIn,
};

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
        super::admin::allowlist_list,
        super::admin::allowlist_create,
        super::admin::allowlist_test,
        super::admin::allowlist_import,
        super::admin::allowlist_update,
        super::admin::allowlist_disable,
        super::admin::allowlist_enable,
        super::admin::units_tree,
        super::admin::units_create,
        super::admin::units_change,
        super::admin::units_retire,
        super::admin::people_search,
        super::admin::people_create,
        super::admin::people_update,
        super::admin::people_move,
        super::admin::people_leave,
        super::admin::roles_list,
        super::admin::roles_grant,
        super::admin::roles_revoke,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        RuleIn,
        AllowlistImportIn,
        UnitIn,
        UnitChangeIn,
        PersonIn,
        MoveIn,
        LeaveIn,
        RoleIn,
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
