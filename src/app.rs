//! The application: shared state, the router with its middleware, and serving with graceful
//! shutdown. The listener and the shutdown signal are passed in, so tests drive the real server.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, header};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::auth::TokenCache;
use crate::auth::guard::Routes;
use crate::db;
use crate::service::writer::ShareWriter;
use crate::settings::Settings;
use crate::verify::Allowlist;

/// Everything a request handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Settings the server started with.
    pub settings: Arc<Settings>,
    /// The active allowlist; replaced whole when rules change.
    pub allowlist: Arc<RwLock<Arc<Allowlist>>>,
    /// Stores shares (grouping concurrent inserts into one transaction on SQLite).
    pub writer: ShareWriter,
    /// Per-person limit on writes; None when turned off.
    pub write_limiter: Option<Arc<DefaultKeyedRateLimiter<i64>>>,
    /// Per-caller limit on all API calls; None when turned off.
    pub api_limiter: Option<Arc<DefaultKeyedRateLimiter<i64>>>,
    /// Per-address limit on sign-in attempts.
    pub signin_limiter: Option<Arc<DefaultKeyedRateLimiter<std::net::IpAddr>>>,
    /// The identity provider, when sign-in is configured.
    pub provider: Option<Arc<crate::auth::oidc::Provider>>,
    /// Recently seen API tokens, so each request does not re-read them.
    pub tokens: TokenCache,
    /// The clock (fixed in tests that cross midnight or a year end).
    pub clock: Clock,
    /// Prometheus metrics of this server.
    pub metrics: Arc<crate::observability::Metrics>,
    /// Who may read `/metrics`.
    pub metrics_allow: Arc<crate::observability::AddressList>,
    /// Permits for requests handled at once; none left means answer 503 at once.
    pub in_flight: Arc<tokio::sync::Semaphore>,
}

/// Where the current time comes from.
#[derive(Clone, Copy, Debug, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A fixed instant (tests).
    Fixed(chrono::DateTime<chrono::Utc>),
}

impl Clock {
    /// The current instant.
    pub fn now(self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Self::System => chrono::Utc::now(),
            Self::Fixed(at) => at,
        }
    }

    /// Today's date in Asia/Ho_Chi_Minh.
    pub fn today(self) -> chrono::NaiveDate {
        crate::domain::time::local_date(self.now())
    }
}

impl AppState {
    /// Builds the state over an open pool, loading the allowlist from the database.
    pub async fn new(db: DatabaseConnection, settings: Settings) -> Result<Self, sea_orm::DbErr> {
        let rules = db::allowlist::active_rules(&db).await?;
        let write_limiter = NonZeroU32::new(settings.write_rate_per_minute).map(|rate| {
            let burst = NonZeroU32::new(settings.write_burst).unwrap_or(rate);
            Arc::new(RateLimiter::keyed(
                Quota::per_minute(rate).allow_burst(burst),
            ))
        });
        let api_limiter = NonZeroU32::new(settings.api_rate_per_minute)
            .map(|rate| Arc::new(RateLimiter::keyed(Quota::per_minute(rate))));
        let signin_limiter = NonZeroU32::new(settings.signin_rate_per_minute)
            .map(|rate| Arc::new(RateLimiter::keyed(Quota::per_minute(rate))));
        let provider = crate::auth::oidc::Provider::from_settings(&settings)
            .map_err(|e| sea_orm::DbErr::Custom(format!("sign-in settings: {e}")))?;
        let writer = ShareWriter::start(db.clone());
        let metrics_allow = crate::observability::AddressList::parse(&settings.metrics_allow)
            .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
        let in_flight = Arc::new(tokio::sync::Semaphore::new(
            settings.max_concurrent_requests.max(1),
        ));
        Ok(Self {
            db,
            settings: Arc::new(settings),
            allowlist: Arc::new(RwLock::new(Arc::new(Allowlist::new(rules)))),
            writer,
            write_limiter,
            api_limiter,
            signin_limiter,
            provider,
            tokens: TokenCache::default(),
            clock: Clock::System,
            metrics: Arc::new(crate::observability::Metrics::new()),
            metrics_allow: Arc::new(metrics_allow),
            in_flight,
        })
    }

    /// The allowlist in force now.
    pub fn allowlist(&self) -> Arc<Allowlist> {
        match self.allowlist.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reloads the allowlist from the database after a change.
    pub async fn reload_allowlist(&self) -> Result<(), sea_orm::DbErr> {
        let rules = db::allowlist::active_rules(&self.db).await?;
        let fresh = Arc::new(Allowlist::new(rules));
        match self.allowlist.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route of the application, each with its declared need.
pub fn routes(state: &AppState) -> Routes {
    crate::pages::routes(crate::api::routes(Routes::new(state.clone())))
}

/// The Content-Security-Policy: nothing inline, nothing from other hosts, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole application's router with its middleware.
pub fn build_router(state: AppState) -> Router {
    let body_limit = state.settings.max_body_bytes;
    let hsts = state.settings.is_https();
    let router = Router::new()
        .merge(routes(&state).into_router())
        .fallback(crate::api::error::not_found)
        .method_not_allowed_fallback(crate::api::error::method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::custom(crate::api::error::panic_response))
        // Load shedding, metrics by route template and the error shape (observability/).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::observability::middleware::track,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ));
    let router = if hsts {
        router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    };
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            // One span per request with low-cardinality fields: the route template, not the
            // path (which may name a person), and never headers or the query (tokens, cookies).
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    let route = request
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("unmatched", |p| p.as_str());
                    tracing::info_span!("request", method = %request.method(), route = %route, request_id = %id)
                })
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Serves until `shutdown` completes, then lets requests in flight finish (for at most
/// `SHUTDOWN_GRACE`).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_grace(listener, router, shutdown, SHUTDOWN_GRACE).await
}

/// Serves until `shutdown` completes; then stops accepting, lets requests in flight finish and
/// returns — after `grace` at the latest, leaving whatever is still open behind.
pub async fn serve_with_grace(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (fired, started) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        let _ = fired.send(());
    };
    let server = std::future::IntoFuture::into_future(
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal),
    );
    let deadline = async move {
        match started.await {
            Ok(()) => tokio::time::sleep(grace).await,
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        result = server => result,
        () = deadline => {
            tracing::warn!(grace_secs = grace.as_secs(), "grace period over: leaving requests still open");
            Ok(())
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// How long a graceful shutdown may take before the process exits anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
