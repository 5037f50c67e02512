//! Fail fast while the database is away: after [`TRIP_AFTER`] failed checks in a row (the watch
//! of `state::watch` reads the database every half second, each read bounded to 1 s), every
//! request that needs the database is answered 503 `unavailable` with
//! `Retry-After` at once instead of waiting the pool's acquire timeout; `/readyz` says not
//! ready, so the load balancer takes the replica out. The next successful check closes it.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Failed checks in a row that open the breaker.
pub const TRIP_AFTER: u32 = 2;

/// The state of the database as this replica last saw it.
#[derive(Debug, Default)]
pub struct Breaker {
    open: AtomicBool,
    failures: AtomicU32,
}

impl Breaker {
    /// Whether requests that need the database are refused at once.
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Relaxed)
    }

    /// A check could not reach the database.
    pub fn failed(&self) {
        let failures = self.failures.fetch_add(1, Ordering::Relaxed) + 1;
        if failures >= TRIP_AFTER && !self.open.swap(true, Ordering::Relaxed) {
            tracing::warn!("database unreachable: answering 503 at once until it is back");
        }
    }

    /// A check reached the database.
    pub fn succeeded(&self) {
        self.failures.store(0, Ordering::Relaxed);
        if self.open.swap(false, Ordering::Relaxed) {
            tracing::info!("database reachable again");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_opens_after_failures_in_a_row_and_closes_on_success() {
        let breaker = Breaker::default();
        breaker.failed();
        assert!(!breaker.is_open(), "one failure is not an outage");
        breaker.succeeded();
        breaker.failed();
        assert!(
            !breaker.is_open(),
            "a success in between starts the count again"
        );
        breaker.failed();
        assert!(breaker.is_open());
        breaker.succeeded();
        assert!(!breaker.is_open());
    }
}
