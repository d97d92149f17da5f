//! Signed-in callers' account rows, kept between requests so that authenticating a request costs
//! no statement — but never past a change to the account.
//!
//! Every change to a `users` row, by this process, another replica or an operator's tool, makes
//! PostgreSQL's trigger announce `UserChanged` to every replica's event relay, which forgets the
//! row here; this process also forgets the rows it changes itself as soon as the change commits,
//! before it answers. Rows are kept only while the relay listens: a lost connection (when
//! changes may go unannounced) empties and disables the cache until the relay listens again, and
//! SQLite, with no relay, never caches (its lookup is an in-process read anyway).
//!
//! A row read while a change was on its way could be cached after that change's event had
//! already been handled; so every forgetting bumps a generation, and a row read under an older
//! generation is not kept. Rows live at most `--viewer-cache-secs` besides (0 turns the cache
//! off), and at most [`CAPACITY`] are kept.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use entity::user;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};

use crate::ids::UserId;
use crate::services::events::{Event, Relay};

/// Rows kept at most; a full cache starts over.
pub const CAPACITY: usize = 10_000;

#[derive(Default)]
struct State {
    /// Whether the relay listens, so that every change is heard of.
    live: bool,
    /// Bumped by every forgetting.
    generation: u64,
    rows: HashMap<UserId, (user::Model, Instant)>,
}

/// The cache of signed-in users' rows (see the module's documentation).
pub struct Viewers {
    /// How long a row is kept even without a change (a bound on what an unnoticed gap could
    /// cost); zero keeps none.
    ttl: Duration,
    state: Mutex<State>,
}

impl Viewers {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            state: Mutex::default(),
        }
    }

    /// A cache that keeps nothing (SQLite's, or one turned off).
    pub fn off() -> Self {
        Self::new(Duration::ZERO)
    }

    /// The user's row, from the cache when it holds a fresh one.
    pub async fn find(
        &self,
        db: &DatabaseConnection,
        id: UserId,
    ) -> Result<Option<user::Model>, DbErr> {
        let generation = {
            let state = self.lock();
            if state.live
                && let Some((row, at)) = state.rows.get(&id)
                && at.elapsed() < self.ttl
            {
                return Ok(Some(row.clone()));
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
                state.rows.insert(id, (row.clone(), Instant::now()));
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

    /// Whether rows are kept (the relay listens), and how many are.
    pub fn state(&self) -> (bool, usize) {
        let state = self.lock();
        (state.live, state.rows.len())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}
