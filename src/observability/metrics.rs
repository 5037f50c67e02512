//! Prometheus metrics, with `prometheus-client` (the official Rust client): one registry per
//! application state, rendered by the `/metrics` handler in the OpenMetrics text format. No
//! global recorder and no listener of its own, so every in-process test app counts on its own.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::error::{AppError, AppResult};

/// Labels of a request counter: method, route template (never the raw path), status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// Labels of a latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// Labels of a submission counter: `accepted`/`rejected`/`error` and the reason code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SubmissionLabels {
    verdict: &'static str,
    reason: &'static str,
}

/// Labels of the pool gauge.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms … ~16 s.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.001, 2.0, 15,
    ))
}

/// The service's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    in_flight: Gauge,
    shed: Counter,
    submissions: Family<SubmissionLabels, Counter>,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    writer_queue: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with every metric registered.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("lantoa");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let in_flight = Gauge::default();
        let shed = Counter::default();
        let submissions = Family::<SubmissionLabels, Counter>::default();
        let pool = Family::<PoolLabels, Gauge>::default();
        let pool_max = Gauge::default();
        let writer_queue = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method and route template",
            latency.clone(),
        );
        registry.register(
            "http_requests_in_flight",
            "Requests being handled now (health checks and metrics excepted)",
            in_flight.clone(),
        );
        registry.register(
            "http_requests_shed",
            "Requests answered 503 at once because the server was at its concurrency limit",
            shed.clone(),
        );
        registry.register(
            "share_submissions",
            "Share submissions through the API, by verdict and reason code",
            submissions.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database pool connections by state (idle, in_use)",
            pool.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "Configured size of the database pool",
            pool_max.clone(),
        );
        registry.register(
            "share_writer_queue_depth",
            "Submissions waiting for the group-commit writer",
            writer_queue.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            in_flight,
            shed,
            submissions,
            pool,
            pool_max,
            writer_queue,
        }
    }

    /// Counts one answered request and its latency.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// A request started (+1) or ended (-1).
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.inc_by(delta);
    }

    /// A request was shed.
    pub fn shed(&self) {
        self.shed.inc();
    }

    /// Counts the outcome of one submission: accepted, rejected with the error's code, or an
    /// error of ours (database down, internal).
    pub fn submission<T>(&self, result: &AppResult<T>) {
        let labels = match result {
            Ok(_) => SubmissionLabels {
                verdict: "accepted",
                reason: "none",
            },
            Err(err @ (AppError::Unavailable | AppError::Database(_) | AppError::Internal(_))) => {
                SubmissionLabels {
                    verdict: "error",
                    reason: err.code(),
                }
            }
            Err(err) => SubmissionLabels {
                verdict: "rejected",
                reason: err.code(),
            },
        };
        self.submissions.get_or_create(&labels).inc();
    }

    /// Renders everything in the OpenMetrics text format, reading the pool's gauges now.
    pub fn render(
        &self,
        db: &sea_orm::DatabaseConnection,
        pool_max: u32,
        writer_queue: usize,
    ) -> String {
        let (size, idle) = pool_use(db);
        self.pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(idle);
        self.pool
            .get_or_create(&PoolLabels { state: "in_use" })
            .set(size.saturating_sub(idle));
        self.pool_max.set(i64::from(pool_max.max(1)));
        self.writer_queue
            .set(i64::try_from(writer_queue).unwrap_or(i64::MAX));
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

/// Open connections and idle ones in the pool.
fn pool_use(db: &sea_orm::DatabaseConnection) -> (i64, i64) {
    // Each getter is called only for its own backend, so neither can panic.
    let (size, idle) = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    };
    (
        i64::from(size),
        i64::try_from(idle).unwrap_or(i64::from(size)),
    )
}
