//! Signed-in callers' account rows, kept between requests so that authenticating a request costs
//! no statement — but never past a change to the account.
//!
//! How a change is heard of depends on the database:
//!
//! - PostgreSQL: every change to a `users` row, by this process, another replica or an
//!   operator's tool, makes a trigger announce `UserChanged` to every replica's event relay,
//!   which forgets the row here. Rows are kept only while the relay listens: a lost connection
//!   (when changes may go unannounced) empties and disables the cache until the relay listens
//!   again.
//! - A SQLite file: a row is used only while the file's WAL index shows no commit at all since
//!   the row was read (`db::wal_index`), whoever committed — this server, `papers user promote`
//!   in another process, the `sqlite3` shell. Any write empties the cache in effect; reads
//!   between writes, most of a reading site's traffic, cost no statement. An in-memory database
//!   caches nothing.
//!
//! Either way this process also forgets the rows it changes itself as soon as the change
//! commits, before it answers. A row read while a change was on its way could be cached after
//! that change's event had already been handled; so every forgetting bumps a generation, and a
//! row read under an older generation is not kept (on SQLite the stamp, read before the row,
//! already covers it). Rows live at most `--viewer-cache-secs` besides (0 turns the cache off),
//! and at most [`CAPACITY`] are kept.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use entity::user;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};

use crate::db::wal_index::{Stamp, WalIndex};
use crate::ids::UserId;
use crate::services::events::{Event, Relay};

/// Rows kept at most; a full cache starts over.
pub const CAPACITY: usize = 10_000;

#[derive(Default)]
struct State {
    /// Whether every change is heard of: the relay listens, or the file's index is read.
    live: bool,
    /// Bumped by every forgetting.
    generation: u64,
    rows: HashMap<UserId, Cached>,
}

struct Cached {
    row: user::Model,
    at: Instant,
    /// The SQLite file's stamp read before the row (none on PostgreSQL).
    stamp: Option<Stamp>,
}

/// How changes reach the cache (see the module's documentation).
enum Freshness {
    Relay,
    Wal(WalIndex),
}

/// The cache of signed-in users' rows (see the module's documentation).
pub struct Viewers {
    /// How long a row is kept even without a change (a bound on what an unnoticed gap could
    /// cost); zero keeps none.
    ttl: Duration,
    freshness: Freshness,
    state: Mutex<State>,
}

impl Viewers {
    /// PostgreSQL's cache: live once the event relay listens ([`Viewers::watch`]).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            freshness: Freshness::Relay,
            state: Mutex::default(),
        }
    }

    /// The cache of a SQLite file, live from the start: its WAL index tells of every commit.
    pub fn for_sqlite_file(ttl: Duration, index: WalIndex) -> Self {
        Self {
            ttl,
            freshness: Freshness::Wal(index),
            state: Mutex::new(State {
                live: !ttl.is_zero(),
                ..State::default()
            }),
        }
    }

    /// A cache that keeps nothing (an in-memory database's, or one turned off).
    pub fn off() -> Self {
        Self::new(Duration::ZERO)
    }

    /// The user's row, from the cache when it holds a fresh one.
    pub async fn find(
        &self,
        db: &DatabaseConnection,
        id: UserId,
    ) -> Result<Option<user::Model>, DbErr> {
        // Read before the row: a commit after this read, even one racing the row's, makes the
        // stamp differ next time.
        let stamp = match &self.freshness {
            Freshness::Relay => None,
            Freshness::Wal(index) => match index.stamp() {
                Some(stamp) => Some(stamp),
                // Nothing known of the file's changes: neither use nor keep a row.
                None => return user::Entity::find_by_id(id).one(db).await,
            },
        };
        let generation = {
            let state = self.lock();
            if state.live
                && let Some(cached) = state.rows.get(&id)
                && cached.stamp == stamp
                && cached.at.elapsed() < self.ttl
            {
                return Ok(Some(cached.row.clone()));
            }
            state.generation
        };
        let row = user::Entity::find_by_id(id).one(db).await?;
        if let Some(row) = &row {
            let mut state = self.lock();
            if state.live && state.generation == generation {
                if state.rows.len() >= CAPACITY {
                    state.rows.clear();
                }
                let cached = Cached {
                    row: row.clone(),
                    at: Instant::now(),
                    stamp,
                };
                state.rows.insert(id, cached);
            }
        }
        Ok(row)
    }

    /// Forgets a user's row: it changed or went.
    pub fn forget(&self, id: UserId) {
        let mut state = self.lock();
        state.generation += 1;
        state.rows.remove(&id);
    }

    /// Follows the event relay: forgets changed rows, and keeps rows only while it listens.
    pub fn watch(&self, relay: Relay<'_>) {
        if !matches!(self.freshness, Freshness::Relay) {
            return;
        }
        match relay {
            Relay::Event(Event::UserChanged { user }) => self.forget(*user),
            Relay::Event(_) => {}
            Relay::Connected | Relay::Lost => {
                let mut state = self.lock();
                state.live = matches!(relay, Relay::Connected) && !self.ttl.is_zero();
                state.generation += 1;
                state.rows.clear();
            }
        }
    }

    /// Whether rows are kept (the relay listens, or the file's index is read), and how many are.
    pub fn state(&self) -> (bool, usize) {
        let state = self.lock();
        (state.live, state.rows.len())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}
