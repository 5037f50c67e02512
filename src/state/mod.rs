//! `AppState`: what a request, a service function or a command may use — the pool, the share
//! writer, the caches and limiters — and how it is built. Everything below the router may import
//! it; what it holds is defined below it (`db`, `identity`, `observability`).

pub mod breaker;
pub mod watch;

use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sea_orm::DatabaseConnection;

use crate::db;
use crate::db::writer::ShareWriter;
use crate::identity::user::TokenCache;
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
    /// The identity provider, when sign-in is configured.
    pub provider: Option<Arc<crate::identity::oidc::Provider>>,
    /// Recently seen API tokens, so each request does not re-read them.
    pub tokens: TokenCache,
    /// The clock (fixed in tests that cross midnight or a year end).
    pub clock: Clock,
    /// Prometheus metrics of this server.
    pub metrics: Arc<crate::observability::Metrics>,
    /// Who may read `/metrics`.
    pub metrics_allow: Arc<crate::observability::AddressList>,
    /// The reverse proxies whose forwarding headers are believed.
    pub trusted_proxies: Arc<crate::observability::AddressList>,
    /// Whether the database is away (requests then fail fast).
    pub breaker: Arc<breaker::Breaker>,
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
        // The version is read before the rules, so a change committed in between is seen later.
        let version = db::changes::current(&db).await?;
        let rules = db::allowlist::active_rules(&db).await?;
        let write_limiter = NonZeroU32::new(settings.write_rate_per_minute).map(|rate| {
            let burst = NonZeroU32::new(settings.write_burst).unwrap_or(rate);
            Arc::new(RateLimiter::keyed(
                Quota::per_minute(rate).allow_burst(burst),
            ))
        });
        let api_limiter = NonZeroU32::new(settings.api_rate_per_minute)
            .map(|rate| Arc::new(RateLimiter::keyed(Quota::per_minute(rate))));
        let provider = crate::identity::oidc::Provider::from_settings(&settings)
            .map_err(|e| sea_orm::DbErr::Custom(format!("sign-in settings: {e}")))?;
        let writer = ShareWriter::start(db.clone());
        let metrics_allow = crate::observability::AddressList::parse(&settings.metrics_allow)
            .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
        let trusted_proxies =
            crate::observability::AddressList::parse(&settings.trusted_proxies)
                .map_err(|e| sea_orm::DbErr::Custom(format!("LANTOA_TRUSTED_PROXIES: {e}")))?;
        let in_flight = Arc::new(tokio::sync::Semaphore::new(
            settings.max_concurrent_requests.max(1),
        ));
        let allowlist = Arc::new(RwLock::new(Arc::new(Allowlist::new(rules))));
        let tokens = TokenCache::default();
        let breaker = Arc::new(breaker::Breaker::default());
        watch::spawn(watch::Watched {
            db: db.clone(),
            allowlist: Arc::downgrade(&allowlist),
            tokens: tokens.clone(),
            breaker: Arc::clone(&breaker),
            seen: version,
        });
        Ok(Self {
            db,
            settings: Arc::new(settings),
            allowlist,
            writer,
            write_limiter,
            api_limiter,
            provider,
            tokens,
            clock: Clock::System,
            metrics: Arc::new(crate::observability::Metrics::new()),
            metrics_allow: Arc::new(metrics_allow),
            trusted_proxies: Arc::new(trusted_proxies),
            in_flight,
            breaker,
        })
    }

    /// The allowlist in force now.
    pub fn allowlist(&self) -> Arc<Allowlist> {
        match self.allowlist.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// This server's metrics in the OpenMetrics text format, with the pool and writer read now.
    pub fn metrics_text(&self) -> String {
        self.metrics.render(
            &self.db,
            self.settings.db_max_connections,
            self.writer.queue_depth(),
        )
    }

    /// Puts a change to reference data in force on this replica at once (other replicas follow
    /// through the watch): forgets the cached tokens and reloads the allowlist.
    pub async fn reference_changed(&self) -> Result<(), sea_orm::DbErr> {
        refresh(&self.db, &self.allowlist, &self.tokens).await
    }
}

/// Forgets the resolved tokens (a revoked token or role must not outlive the change), then
/// reloads the allowlist: what a change to reference data asks of a replica's caches.
async fn refresh(
    db: &DatabaseConnection,
    allowlist: &RwLock<Arc<Allowlist>>,
    tokens: &TokenCache,
) -> Result<(), sea_orm::DbErr> {
    tokens.clear();
    let fresh = Arc::new(Allowlist::new(db::allowlist::active_rules(db).await?));
    match allowlist.write() {
        Ok(mut guard) => *guard = fresh,
        Err(poisoned) => *poisoned.into_inner() = fresh,
    }
    Ok(())
}
