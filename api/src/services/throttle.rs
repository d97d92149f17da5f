//! Throttles, counted inside the resolvers so that aliases and batches cannot multiply them:
//! a sliding window of recent events per key (an account, a client address, a user).
//!
//! Where the window lives follows the database: on PostgreSQL, where several replicas may serve
//! one site, in `throttle_windows` (one row per key, checked and extended by one atomic upsert,
//! so N replicas together allow the limit once, not N times); on SQLite, which one process
//! serves, in memory.
//!
//! A slot is reserved — checked and counted in one step, under one lock (the row's, or the
//! map's) — before the slow work it guards (a password check, a write), so parallel requests
//! cannot all pass a check that none of them has recorded yet. Work that should not count gives
//! its slot back.
//!
//! (governor's rate limiters count every check; failed logins must count failures only and
//! refuse before the next password check, which a window of timestamps does simply.)

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use prometheus_client::metrics::counter::Counter;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement};

use crate::config::Settings;
use crate::error::AppError;
use crate::metrics::Metrics;

/// Where a throttle keeps its windows.
enum Store {
    /// This process's memory: each key's event times, oldest first.
    Memory(Mutex<HashMap<String, VecDeque<Instant>>>),
    /// `throttle_windows` on PostgreSQL, shared by every replica; rows are named by the
    /// throttle's name.
    Shared {
        db: DatabaseConnection,
        name: &'static str,
    },
}

/// At most `limit` events per key within `window`.
pub struct Throttle {
    limit: usize,
    window: Duration,
    enabled: bool,
    store: Store,
    /// Counts the refusals, for `/metrics`.
    rejections: Counter,
}

/// Keys kept in memory before stale ones are swept.
const SWEEP_AT: usize = 10_000;

/// When an event was counted, as its store records it.
enum At {
    Memory(Instant),
    Shared(DateTime<Utc>),
}

/// An event counted against a key. Dropped, it stays counted; [`Slot::release`] takes it back.
#[must_use = "a slot is released explicitly or stays counted"]
pub struct Slot<'a> {
    held: Option<(&'a Throttle, String, At)>,
}

impl Slot<'_> {
    /// Takes the event back: the guarded work turned out not to count. A shared window that
    /// cannot be reached keeps the event (the throttle errs on the strict side).
    pub async fn release(self) {
        let Some((throttle, key, at)) = self.held else {
            return;
        };
        match (&throttle.store, at) {
            (Store::Memory(_), At::Memory(at)) => {
                let mut events = throttle.events();
                if let Some(recent) = events.get_mut(&key)
                    && let Some(index) = recent.iter().rposition(|t| *t == at)
                {
                    recent.remove(index);
                }
            }
            (Store::Shared { db, name }, At::Shared(at)) => {
                let released = db
                    .execute_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "UPDATE throttle_windows \
                         SET events = events[:array_position(events, $3) - 1] \
                                      || events[array_position(events, $3) + 1:] \
                         WHERE throttle = $1 AND key = $2 AND array_position(events, $3) IS NOT NULL",
                        [(*name).into(), key.into(), at.into()],
                    ))
                    .await;
                if let Err(err) = released {
                    tracing::warn!(throttle = name, error = %err, "cannot release a throttle slot");
                }
            }
            _ => {}
        }
    }
}

/// The answer of the shared window's upsert.
#[derive(FromQueryResult)]
struct Reserved {
    accepted: bool,
    oldest: DateTime<Utc>,
    at: DateTime<Utc>,
}

impl Throttle {
    /// A throttle kept in this process's memory.
    pub fn new(limit: u64, window: Duration, enabled: bool) -> Self {
        Self {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            window,
            enabled,
            store: Store::Memory(Mutex::new(HashMap::new())),
            rejections: Counter::default(),
        }
    }

    /// The same throttle, its windows kept in `throttle_windows` under `name`, shared with
    /// every replica on the database.
    pub fn shared(self, db: DatabaseConnection, name: &'static str) -> Self {
        Self {
            store: Store::Shared { db, name },
            ..self
        }
    }

    /// The same throttle, its refusals counted by `rejections`.
    pub fn counted_by(self, rejections: Counter) -> Self {
        Self { rejections, ..self }
    }

    /// The in-memory map of events (empty for a shared throttle). A panic while it was held
    /// cannot leave it inconsistent (every change is one push or removal), so a poisoned lock
    /// is used as it is: throttles never turn off.
    fn events(&self) -> MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        static NONE: std::sync::LazyLock<Mutex<HashMap<String, VecDeque<Instant>>>> =
            std::sync::LazyLock::new(|| Mutex::new(HashMap::new()));
        let map = match &self.store {
            Store::Memory(map) => map,
            Store::Shared { .. } => &NONE,
        };
        map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The refusal, with the seconds until the oldest event leaves the window.
    fn refuse(&self, wait: Duration) -> AppError {
        self.rejections.inc();
        AppError::RateLimited {
            retry_after: wait.as_secs().max(1),
        }
    }

    /// Counts an event for the key, or answers `RATE_LIMITED` (with the seconds until the
    /// oldest event leaves the window) when the key is at its limit.
    pub async fn reserve(&self, key: &str) -> Result<Slot<'_>, AppError> {
        if !self.enabled {
            return Ok(Slot { held: None });
        }
        match &self.store {
            Store::Memory(_) => self.reserve_in_memory(key),
            Store::Shared { db, name } => self.reserve_shared(db, name, key).await,
        }
    }

    fn reserve_in_memory(&self, key: &str) -> Result<Slot<'_>, AppError> {
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
            return Err(self.refuse(self.window.saturating_sub(now.duration_since(oldest))));
        }
        recent.push_back(now);
        Ok(Slot {
            held: Some((self, key.to_owned(), At::Memory(now))),
        })
    }

    /// One upsert: the key's row is locked, its events older than the window dropped, and the
    /// new event appended only while fewer than `limit` remain. The database's clock times
    /// every event, so replicas whose clocks differ still share one window.
    async fn reserve_shared(
        &self,
        db: &DatabaseConnection,
        name: &'static str,
        key: &str,
    ) -> Result<Slot<'_>, AppError> {
        if self.limit == 0 {
            return Err(self.refuse(self.window));
        }
        let window = self.window.as_secs_f64();
        let limit = i64::try_from(self.limit).unwrap_or(i64::MAX);
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH now AS (SELECT statement_timestamp() AS at) \
             INSERT INTO throttle_windows AS t (throttle, key, events) \
             SELECT $1, $2, ARRAY[at] FROM now \
             ON CONFLICT (throttle, key) DO UPDATE SET events = ( \
               SELECT CASE WHEN cardinality(recent) < $4 THEN recent || now.at ELSE recent END \
               FROM now, LATERAL (SELECT ARRAY( \
                 SELECT e FROM unnest(t.events) e \
                 WHERE e > now.at - make_interval(secs => $3) ORDER BY e)) AS r(recent)) \
             RETURNING t.events[cardinality(t.events)] = statement_timestamp() AS accepted, \
                       t.events[1] AS oldest, statement_timestamp() AS at",
            [name.into(), key.into(), window.into(), limit.into()],
        );
        let reserved = Reserved::find_by_statement(statement)
            .one(db)
            .await?
            .ok_or_else(|| AppError::Internal("the throttle upsert returned no row".into()))?;
        if !reserved.accepted {
            let waited = (reserved.at - reserved.oldest).to_std().unwrap_or_default();
            return Err(self.refuse(self.window.saturating_sub(waited)));
        }
        Ok(Slot {
            held: Some((self, key.to_owned(), At::Shared(reserved.at))),
        })
    }
}

/// Forgets shared windows whose newest event is older than a day (longer than any throttle's
/// window) or that hold none: a periodic job, so the table holds only keys still counting.
pub async fn sweep_shared(db: &DatabaseConnection) -> Result<usize, AppError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(0);
    }
    let swept = db
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "DELETE FROM throttle_windows WHERE cardinality(events) = 0 \
             OR events[cardinality(events)] < now() - interval '25 hours'",
        ))
        .await?;
    Ok(usize::try_from(swept.rows_affected()).unwrap_or(usize::MAX))
}

/// Every throttle of the service, from configuration.
pub struct Throttles {
    pub login_failures_per_account: Throttle,
    pub login_failures_per_address: Throttle,
    pub registrations_per_address: Throttle,
    pub comments_per_user: Throttle,
    pub submissions_per_user: Throttle,
    /// Digest subscriptions (each sends a confirmation mail) per email address.
    pub digest_per_address: Throttle,
    /// Digest subscriptions per client address.
    pub digest_per_client: Throttle,
    /// Comment reports per user.
    pub reports_per_user: Throttle,
    pub follows_per_user: Throttle,
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
            digest_per_address: off(1),
            digest_per_client: off(1),
            reports_per_user: off(1),
            follows_per_user: off(1),
        }
    }

    /// The throttles configured, each counting its refusals in `metrics` under its name; on
    /// PostgreSQL their windows are shared through `db` with every replica.
    pub fn new(settings: &Settings, metrics: &Metrics, db: &DatabaseConnection) -> Self {
        let on = settings.rate_limits_enabled();
        let shared = db.get_database_backend() == DbBackend::Postgres;
        let throttle = |name: &'static str, limit: u64, minutes: u64| {
            let throttle = Throttle::new(limit, Duration::from_secs(minutes * 60), on)
                .counted_by(metrics.throttle(name));
            if shared {
                throttle.shared(db.clone(), name)
            } else {
                throttle
            }
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
            digest_per_address: throttle(
                "digest_per_address",
                settings.throttle_digest_address,
                60,
            ),
            digest_per_client: throttle("digest_per_client", settings.throttle_digest_client, 60),
            reports_per_user: throttle("reports_per_user", settings.throttle_reports, 60),
            follows_per_user: throttle("follows_per_user", settings.throttle_follows, 60),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_key_at_its_limit_waits_and_others_do_not() {
        let throttle = Throttle::new(2, Duration::from_secs(60), true);
        let _kept = throttle.reserve("a").await.map(drop);
        let released = throttle.reserve("a").await.expect("a second slot");
        released.release().await;
        let _kept = throttle.reserve("a").await.map(drop);
        assert!(
            matches!(throttle.reserve("a").await.map(drop), Err(AppError::RateLimited { retry_after }) if (1..=60).contains(&retry_after))
        );
        assert!(throttle.reserve("b").await.is_ok());
        let off = Throttle::new(0, Duration::from_secs(60), false);
        assert!(off.reserve("a").await.is_ok());
    }

    #[tokio::test]
    async fn a_poisoned_lock_keeps_counting() {
        let throttle = std::sync::Arc::new(Throttle::new(1, Duration::from_secs(60), true));
        let poisoner = throttle.clone();
        let _ = std::thread::spawn(move || {
            let _guard = poisoner.events();
            panic!("poison the lock");
        })
        .join();
        assert!(matches!(&throttle.store, Store::Memory(map) if map.is_poisoned()));
        assert!(throttle.reserve("a").await.is_ok());
        assert!(throttle.reserve("a").await.is_err());
    }
}
