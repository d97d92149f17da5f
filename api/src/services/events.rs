//! Live events: what subscriptions stream. An event names what changed (a kind and ids), never
//! its content: each subscriber loads the object as it may see it.
//!
//! Events are published after the change has committed, never for work rolled back. On SQLite
//! they go to this process's subscribers; on PostgreSQL through `NOTIFY` on one channel, which
//! every replica `LISTEN`s to (this one too), so an event caused on any replica reaches
//! subscribers on all of them. The listener reconnects by itself after the database restarts;
//! events sent meanwhile are not replayed, but whoever keeps state derived from them is told of
//! the gap ([`Relay`]).
//!
//! One kind is not published by the service but by the database: a trigger on `users` announces
//! every change to an account (`UserChanged`), whatever process or tool made it, so that the
//! cache of signed-in users (`accounts::viewers`) forgets it on every replica.
//!
//! Subscribers share one bounded ring of recent events (a `broadcast` channel): one that falls
//! more than [`BUFFERED`] events behind loses the oldest and carries on from the newest, so a
//! slow client cannot make the process hold more.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::ids::{CollectionId, CommentId, NotificationId, PaperId, UserId};

/// The `LISTEN/NOTIFY` channel.
const CHANNEL: &str = "papers_events";
/// Events kept for subscribers that are behind.
pub const BUFFERED: usize = 1024;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A paper's fields or counts changed.
    PaperUpdated { paper: PaperId },
    /// A comment (or reply) was posted on a paper.
    CommentAdded { paper: PaperId, comment: CommentId },
    /// A paper entered the daily feed.
    PaperSubmitted { paper: PaperId },
    /// A collection's fields or items changed.
    CollectionUpdated { collection: CollectionId },
    /// A paper got its vector under the embedding model: every replica adds it to its index.
    PaperEmbedded { paper: PaperId },
    /// A notification reached a user's inbox.
    NotificationAdded {
        notification: NotificationId,
        user: UserId,
    },
    /// An account's row changed or went (role, password, disabling, profile, erasure): sent by
    /// the database's trigger on PostgreSQL, never by the service.
    UserChanged { user: UserId },
}

/// What the relay of events tells a watcher of this replica's state.
#[derive(Debug, Clone, Copy)]
pub enum Relay<'a> {
    /// Listening (again): every event committed from now on arrives.
    Connected,
    /// The connection was lost: events may have been missed until the next `Connected`.
    Lost,
    /// An event from any replica (or, for `UserChanged`, the database).
    Event(&'a Event),
}

/// A subscription's events, taken when the operation arrives rather than when its resolver
/// first runs: whatever is published after the server has read a `subscribe` message reaches
/// that subscription.
pub struct EventFeed(std::sync::Mutex<Option<broadcast::Receiver<Event>>>);

impl EventFeed {
    pub fn new(receiver: broadcast::Receiver<Event>) -> Self {
        Self(std::sync::Mutex::new(Some(receiver)))
    }

    /// The receiver, once.
    pub fn take(&self) -> Option<broadcast::Receiver<Event>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

/// Publishes events and hands out subscriptions.
pub struct Events {
    sender: broadcast::Sender<Event>,
    db: DatabaseConnection,
}

impl Events {
    pub fn new(db: DatabaseConnection) -> Self {
        let (sender, _) = broadcast::channel(BUFFERED);
        Self { sender, db }
    }

    /// Every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// Publishes events of work that has committed. A failure to notify is logged, not
    /// returned: the work itself has succeeded.
    pub async fn publish(&self, events: &[Event]) {
        if self.db.get_database_backend() != DbBackend::Postgres {
            for event in events {
                // No subscriber is not an error.
                let _ = self.sender.send(*event);
            }
            return;
        }
        for event in events {
            let Ok(payload) = serde_json::to_string(event) else {
                continue;
            };
            let sent = self
                .db
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CHANNEL.into(), payload.into()],
                ))
                .await;
            if let Err(err) = sent {
                tracing::warn!(error = %err, "cannot publish a live event");
            }
        }
    }

    /// On PostgreSQL, relays every replica's events to this process's subscribers until the
    /// process ends, reconnecting after a lost connection, and tells `watch` first of each event
    /// and of each gap. Nothing to do on SQLite (whose events never leave the process).
    pub async fn listen(&self, database_url: String, watch: impl Fn(Relay<'_>) + Send + Sync) {
        if self.db.get_database_backend() != DbBackend::Postgres {
            return;
        }
        use sea_orm::sqlx::postgres::PgListener;
        loop {
            let listener = async {
                let mut listener = PgListener::connect(&database_url).await?;
                listener.listen(CHANNEL).await?;
                tracing::info!("listening for live events");
                watch(Relay::Connected);
                loop {
                    // `None`: the connection was lost and has been made again (LISTEN included);
                    // whatever was sent in between is gone.
                    let Some(notification) = listener.try_recv().await? else {
                        tracing::warn!("the live-event listener reconnected; events may be lost");
                        watch(Relay::Lost);
                        watch(Relay::Connected);
                        continue;
                    };
                    match serde_json::from_str::<Event>(notification.payload()) {
                        Ok(event) => {
                            watch(Relay::Event(&event));
                            let _ = self.sender.send(event);
                        }
                        Err(err) => tracing::warn!(error = %err, "an unreadable live event"),
                    }
                }
            };
            let result: Result<(), sea_orm::sqlx::Error> = listener.await;
            watch(Relay::Lost);
            if let Err(err) = result {
                tracing::warn!(error = %err, "the live-event listener lost its connection; reconnecting");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}
