//! Throttles, counted inside the resolvers so that aliases and batches cannot multiply them:
//! a sliding window of recent events per key (an account, a client address, a user). Kept in
//! memory, per process: behind several replicas each enforces its own share.
//!
//! A slot is reserved — checked and counted in one step, under one lock — before the slow work
//! it guards (a password check, a write), so parallel requests cannot all pass a check that
//! none of them has recorded yet. Work that should not count gives its slot back.
//!
//! (governor's rate limiters count every check; failed logins must count failures only and
//! refuse before the next password check, which a window of timestamps does simply.)

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use prometheus_client::metrics::counter::Counter;

use crate::config::Settings;
use crate::error::AppError;
use crate::metrics::Metrics;

/// At most `limit` events per key within `window`.
pub struct Throttle {
    limit: usize,
    window: Duration,
    enabled: bool,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Counts the refusals, for `/metrics`.
    rejections: Counter,
}

/// Keys kept before stale ones are swept.
const SWEEP_AT: usize = 10_000;

/// An event counted against a key. Dropped, it stays counted; [`Slot::release`] takes it back.
#[must_use = "a slot is released explicitly or stays counted"]
pub struct Slot<'a> {
    held: Option<(&'a Throttle, String, Instant)>,
}

impl Slot<'_> {
    /// Takes the event back: the guarded work turned out not to count.
    pub fn release(self) {
        if let Some((throttle, key, at)) = self.held {
            let mut events = throttle.events();
            if let Some(recent) = events.get_mut(&key)
                && let Some(index) = recent.iter().rposition(|t| *t == at)
            {
                recent.remove(index);
            }
        }
    }
}

impl Throttle {
    pub fn new(limit: u64, window: Duration, enabled: bool) -> Self {
        Self {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            window,
            enabled,
            events: Mutex::new(HashMap::new()),
            rejections: Counter::default(),
        }
    }

    /// The same throttle, its refusals counted by `rejections`.
    pub fn counted_by(self, rejections: Counter) -> Self {
        Self { rejections, ..self }
    }

    /// The map of events. A panic while it was held cannot leave it inconsistent (every change
    /// is one push or removal), so a poisoned lock is used as it is: throttles never turn off.
    fn events(&self) -> MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts an event for the key, or answers `RATE_LIMITED` (with the seconds until the
    /// oldest event leaves the window) when the key is at its limit.
    pub fn reserve(&self, key: &str) -> Result<Slot<'_>, AppError> {
        if !self.enabled {
            return Ok(Slot { held: None });
        }
        let now = Instant::now();
        let mut events = self.events();
        if events.len() >= SWEEP_AT {
            let window = self.window;
            events.retain(|_, recent| {
                recent
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let recent = events.entry(key.to_owned()).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            recent.pop_front();
        }
        if recent.len() >= self.limit {
            let oldest = recent.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            self.rejections.inc();
            return Err(AppError::RateLimited {
                retry_after: wait.as_secs().max(1),
            });
        }
        recent.push_back(now);
        Ok(Slot {
            held: Some((self, key.to_owned(), now)),
        })
    }
}

/// Every throttle of the service, from configuration.
pub struct Throttles {
    pub login_failures_per_account: Throttle,
    pub login_failures_per_address: Throttle,
    pub registrations_per_address: Throttle,
    pub comments_per_user: Throttle,
    pub submissions_per_user: Throttle,
}

impl Throttles {
    /// Throttles that never refuse (`--rate-limits off`): for commands and test fixtures.
    pub fn disabled() -> Self {
        let off = |limit: u64| Throttle::new(limit, Duration::from_secs(60), false);
        Self {
            login_failures_per_account: off(1),
            login_failures_per_address: off(1),
            registrations_per_address: off(1),
            comments_per_user: off(1),
            submissions_per_user: off(1),
        }
    }

    /// The throttles configured, each counting its refusals in `metrics` under its name.
    pub fn new(settings: &Settings, metrics: &Metrics) -> Self {
        let on = settings.rate_limits_enabled();
        let throttle = |name: &'static str, limit: u64, minutes: u64| {
            Throttle::new(limit, Duration::from_secs(minutes * 60), on)
                .counted_by(metrics.throttle(name))
        };
        Self {
            login_failures_per_account: throttle(
                "login_failures_per_account",
                settings.throttle_login_account,
                15,
            ),
            login_failures_per_address: throttle(
                "login_failures_per_address",
                settings.throttle_login_address,
                15,
            ),
            registrations_per_address: throttle(
                "registrations_per_address",
                settings.throttle_register,
                60,
            ),
            comments_per_user: throttle("comments_per_user", settings.throttle_comments, 1),
            submissions_per_user: throttle(
                "submissions_per_user",
                settings.throttle_submissions,
                24 * 60,
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_key_at_its_limit_waits_and_others_do_not() {
        let throttle = Throttle::new(2, Duration::from_secs(60), true);
        let _kept = throttle.reserve("a").map(drop);
        let released = throttle.reserve("a").expect("a second slot");
        released.release();
        let _kept = throttle.reserve("a").map(drop);
        assert!(
            matches!(throttle.reserve("a").map(drop), Err(AppError::RateLimited { retry_after }) if (1..=60).contains(&retry_after))
        );
        assert!(throttle.reserve("b").is_ok());
        let off = Throttle::new(0, Duration::from_secs(60), false);
        assert!(off.reserve("a").is_ok());
    }

    #[test]
    fn a_poisoned_lock_keeps_counting() {
        let throttle = std::sync::Arc::new(Throttle::new(1, Duration::from_secs(60), true));
        let poisoner = throttle.clone();
        let _ = std::thread::spawn(move || {
            let _guard = poisoner.events.lock();
            panic!("poison the lock");
        })
        .join();
        assert!(throttle.events.is_poisoned());
        assert!(throttle.reserve("a").is_ok());
        assert!(throttle.reserve("a").is_err());
    }
}
