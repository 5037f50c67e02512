//! Operating the service: the Prometheus registry and the address allow list. Neither holds
//! application state (`state` holds them); the `/metrics` endpoint is in `api::health` and the
//! per-request middleware (load shedding, metrics by route template) in `router::middleware`.

pub mod access;
pub mod metrics;

pub use access::AddressList;
pub use metrics::Metrics;
