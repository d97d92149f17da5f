//! Throttles, counted inside the resolvers so that aliases and batches cannot multiply them:
//! a sliding window of recent events per key (an account, a client address, a user). Kept in
//! memory, per process: behind several replicas each enforces its own share.
//!
//! (governor's rate limiters count every check; failed logins must count failures only and
//! refuse before the next password check, which a window of timestamps does simply.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::Settings;
use crate::error::AppError;

/// At most `limit` events per key within `window`.
pub struct Throttle {
    limit: usize,
    window: Duration,
    enabled: bool,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Keys kept before stale ones are swept.
const SWEEP_AT: usize = 10_000;

impl Throttle {
    pub fn new(limit: u64, window: Duration, enabled: bool) -> Self {
        Self {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            window,
            enabled,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// `RATE_LIMITED` (with the seconds until the oldest event leaves the window) when the key
    /// is at its limit.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        if !self.enabled {
            return Ok(());
        }
        let now = Instant::now();
        let Ok(mut events) = self.events.lock() else {
            return Ok(());
        };
        let Some(recent) = events.get_mut(key) else {
            return Ok(());
        };
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            recent.pop_front();
        }
        if recent.len() < self.limit {
            return Ok(());
        }
        let oldest = recent.front().copied().unwrap_or(now);
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Err(AppError::RateLimited {
            retry_after: wait.as_secs().max(1),
        })
    }

    /// Counts an event for the key.
    pub fn record(&self, key: &str) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if let Ok(mut events) = self.events.lock() {
            if events.len() >= SWEEP_AT {
                let window = self.window;
                events.retain(|_, recent| {
                    recent
                        .back()
                        .is_some_and(|t| now.duration_since(*t) < window)
                });
            }
            events.entry(key.to_owned()).or_default().push_back(now);
        }
    }

    /// Checks, then counts: for limits on every attempt.
    pub fn hit(&self, key: &str) -> Result<(), AppError> {
        self.check(key)?;
        self.record(key);
        Ok(())
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
    pub fn new(settings: &Settings) -> Self {
        let on = settings.rate_limits_enabled();
        let minutes = |m: u64| Duration::from_secs(m * 60);
        Self {
            login_failures_per_account: Throttle::new(
                settings.throttle_login_account,
                minutes(15),
                on,
            ),
            login_failures_per_address: Throttle::new(
                settings.throttle_login_address,
                minutes(15),
                on,
            ),
            registrations_per_address: Throttle::new(settings.throttle_register, minutes(60), on),
            comments_per_user: Throttle::new(settings.throttle_comments, minutes(1), on),
            submissions_per_user: Throttle::new(
                settings.throttle_submissions,
                minutes(24 * 60),
                on,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_at_its_limit_waits_and_others_do_not() {
        let throttle = Throttle::new(2, Duration::from_secs(60), true);
        assert!(throttle.hit("a").is_ok());
        assert!(throttle.hit("a").is_ok());
        assert!(
            matches!(throttle.hit("a"), Err(AppError::RateLimited { retry_after }) if (1..=60).contains(&retry_after))
        );
        assert!(throttle.hit("b").is_ok());
        let off = Throttle::new(0, Duration::from_secs(60), false);
        assert!(off.hit("a").is_ok());
    }
}
