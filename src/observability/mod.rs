//! Operating the service: Prometheus metrics (`/metrics`, reachable only from configured
//! addresses), the per-request middleware (load shedding, metrics by route template, error
//! shape), and the address allow list.

pub mod access;
pub mod metrics;
pub mod middleware;

pub use access::AddressList;
pub use metrics::Metrics;
