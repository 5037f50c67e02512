//! The one place access is decided. Routes are added only through `Routes::add`, which takes
//! the route's `Need`; the guard resolves the caller, checks the need, CSRF and the per-caller
//! rate limit, then hands the caller to the handler. `Routes::specs` lists every route with
//! its need, for the authorisation matrix test.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::handler::Handler;
use axum::http::{Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, on};
use governor::clock::{Clock, DefaultClock};

use super::csrf::{CSRF_FIELD, CSRF_HEADER, same_token};
use super::{CurrentUser, resolve};
use crate::domain::roster::Role;
use crate::error::AppError;
use crate::state::AppState;

/// What a route requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nobody needs to be signed in (health checks, sign-in pages, static files).
    Public,
    /// Any signed-in person on the roster (staff acting for themselves).
    SignedIn,
    /// Signed in and holding one of these roles (admins always pass).
    AnyRole(&'static [Role]),
}

impl Need {
    /// Whether a caller satisfies this need (roles only; scopes are checked by handlers).
    pub fn allows(self, user: &CurrentUser) -> bool {
        match self {
            Need::Public | Need::SignedIn => true,
            Need::AnyRole(roles) => {
                user.has_role(Role::Admin) || roles.iter().any(|r| user.has_role(*r))
            }
        }
    }
}

/// A route and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    /// HTTP method.
    pub method: Method,
    /// Path pattern, e.g. `/api/v1/units/{code}/tally`.
    pub path: &'static str,
    /// What the caller needs.
    pub need: Need,
}

/// A router being built, which remembers every route's need.
pub struct Routes {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
    state: AppState,
}

impl Routes {
    /// An empty table over the application state.
    pub fn new(state: AppState) -> Self {
        Self {
            router: Router::new(),
            specs: Vec::new(),
            state,
        }
    }

    /// Adds a route; the guard in front of it enforces `need`.
    pub fn add<H, T>(mut self, method: Method, path: &'static str, need: Need, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        let guarded = on(filter, handler).route_layer(middleware::from_fn_with_state(
            (self.state.clone(), need, path),
            guard,
        ));
        self.router = self.router.route(path, guarded);
        self.specs.push(RouteSpec { method, path, need });
        self
    }

    /// Every route added so far.
    pub fn specs(&self) -> &[RouteSpec] {
        &self.specs
    }

    /// The finished router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// Pages answer a missing sign-in with a redirect; the API with JSON.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz" || path == "/readyz"
}

fn refuse(path: &str, path_and_query: &str, err: AppError) -> Response {
    if !is_api(path) && matches!(err, AppError::Unauthenticated) {
        // The query matters (a shared link arrives as /share-target?text=…): keep it.
        let next = urlencode(path_and_query);
        return Redirect::to(&format!("/auth/login?next={next}")).into_response();
    }
    if !is_api(path) {
        return crate::error::page::error_page(&err);
    }
    err.into_response()
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Largest form body read to find its CSRF field.
const MAX_FORM_FOR_CSRF: usize = 256 * 1024;

/// Largest file an upload form may carry (imports: a province's roster as XLSX is ~2 MB).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// Largest multipart body: the file plus the form's other fields. The guard buffers up to this
/// to find the CSRF field; upload routes set it as their body limit.
pub const MAX_MULTIPART_BODY: usize = MAX_UPLOAD_BYTES + 64 * 1024;

/// Finds the `_csrf` field of a buffered multipart body. The token stays in the body, like any
/// form's: a query parameter would leak it into logs and history.
async fn multipart_csrf(content_type: &str, bytes: &axum::body::Bytes) -> Option<String> {
    use axum::extract::{FromRequest, Multipart};
    let mut request = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes.clone()))
        .ok()?;
    // Without this, axum's default 2 MB limit would hide the token of any larger upload.
    axum::extract::DefaultBodyLimit::max(MAX_MULTIPART_BODY).apply(&mut request);
    let mut multipart = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(CSRF_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

/// Finds the CSRF token in the header, or in a url-encoded or multipart form body (which is
/// put back).
async fn presented_csrf(request: Request) -> Result<(Option<String>, Request), AppError> {
    if let Some(value) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        let value = value.to_owned();
        return Ok((Some(value), request));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if content_type.starts_with("multipart/form-data") {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_MULTIPART_BODY)
            .await
            .map_err(|_| upload_too_large())?;
        let token = multipart_csrf(&content_type, &bytes).await;
        return Ok((token, Request::from_parts(parts, Body::from(bytes))));
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Ok((None, request));
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_FOR_CSRF)
        .await
        .map_err(|_| too_large())?;
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(key, _)| key == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// An upload over [`MAX_UPLOAD_BYTES`], said so the person knows what to do.
pub fn upload_too_large() -> AppError {
    AppError::bad_request(
        "payload_too_large",
        format!(
            "Tệp quá lớn: tối đa {} MB. Hãy chia tệp thành nhiều phần.",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    )
}

fn too_large() -> AppError {
    AppError::bad_request("payload_too_large", "Nội dung gửi lên quá lớn.")
}

async fn guard(
    State((state, need, pattern)): State<(AppState, Need, &'static str)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
    match check(&state, need, pattern, request).await {
        Ok(request) => next.run(request).await,
        Err(err) => refuse(&path, &path_and_query, err),
    }
}

/// Unsafe-method routes that change nothing, so read-only tokens may call them.
const CHANGES_NOTHING: &[&str] = &["/api/v1/verify"];

async fn check(
    state: &AppState,
    need: Need,
    pattern: &str,
    request: Request,
) -> Result<Request, AppError> {
    if need == Need::Public {
        return Ok(request);
    }
    let (mut parts, body) = request.into_parts();
    let user = resolve(state, &parts)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !need.allows(&user) {
        return Err(AppError::Forbidden);
    }
    if let Some(limiter) = &state.api_limiter
        && let Err(not_until) = limiter.check_key(&user.rate_key())
    {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        return Err(AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let unsafe_method = !is_safe(&parts.method);
    // Read-only tokens (exports, reports) change nothing, on any route: checked here once rather
    // than trusted to every handler.
    if unsafe_method && !user.may_write() && !CHANGES_NOTHING.contains(&pattern) {
        return Err(AppError::Forbidden);
    }
    let expected_csrf = user.csrf_token().map(str::to_owned);
    parts.extensions.insert(user);
    let mut request = Request::from_parts(parts, body);
    if unsafe_method && let Some(expected) = expected_csrf {
        let (presented, restored) = presented_csrf(request).await?;
        request = restored;
        if !presented.is_some_and(|p| same_token(&expected, &p)) {
            return Err(AppError::CsrfFailed);
        }
    }
    Ok(request)
}

/// The client's address: the TCP peer, or behind a trusted proxy (`LANTOA_TRUSTED_PROXIES`) the
/// address it forwarded for; a forwarding header from anyone else changes nothing.
pub fn client_ip(state: &AppState, request_parts: &axum::http::request::Parts) -> std::net::IpAddr {
    let peer = request_parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |ci| ci.0.ip());
    let header = |name: &str| {
        request_parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
    };
    crate::observability::access::client_address(
        peer,
        &state.trusted_proxies,
        header("x-forwarded-for"),
        header("forwarded"),
    )
}
