//! Webhooks, per the Standard Webhooks specification: a user registers an endpoint and the
//! events it wants; each event is written to the outbox (`webhook_deliveries`) in the same
//! transaction as the change it reports, and the delivery worker signs and sends it, retrying
//! on a schedule until the endpoint answers 2xx (at least once) or the schedule runs out.
//!
//! - [`address`]: which URLs a webhook may target (public addresses only, checked again before
//!   every attempt).
//! - [`signature`]: `whsec_` secrets and `v1,` signatures.
//! - [`outbox`]: the events and their payloads, written inside the caller's transaction.
//! - [`deliver`]: the worker.
//!
//! Managing webhooks needs a session or a `WRITE` token (the transport refuses mutations to
//! read-only tokens); a user sees and changes only their own, and another's answers as absent.

pub mod address;
pub mod deliver;
pub mod outbox;
pub mod signature;

use entity::{webhook, webhook_delivery};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, Statement,
};

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::ids::{UserId, WebhookId};
use crate::services::input::Text;
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};

/// The most webhooks one user may have.
pub const MAX_PER_USER: u64 = 10;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// The owner's note on what a webhook is for.
pub type Description = Text<MAX_DESCRIPTION_CHARS>;

/// What a webhook can be told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// A paper entered the feed (submitted or imported).
    PaperSubmitted,
    /// A comment on a paper the owner submitted or authored, or a reply to the owner's comment.
    CommentAdded,
    /// One of the owner's authorship claims was approved or rejected.
    ClaimDecided,
    /// `pingWebhook`: a test message, sent whatever the webhook subscribes to.
    Ping,
}

impl EventType {
    /// The event's `type` on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PaperSubmitted => "paper.submitted",
            Self::CommentAdded => "comment.added",
            Self::ClaimDecided => "claim.decided",
            Self::Ping => "webhook.ping",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "paper.submitted" => Some(Self::PaperSubmitted),
            "comment.added" => Some(Self::CommentAdded),
            "claim.decided" => Some(Self::ClaimDecided),
            _ => None,
        }
    }
}

/// The events a webhook subscribes to, as stored.
pub fn events_of(row: &webhook::Model) -> Vec<EventType> {
    row.events.split(',').filter_map(EventType::parse).collect()
}

/// A parsed set of events: at least one, no `webhook.ping`, no repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Events(Vec<EventType>);

impl Events {
    pub fn parse(mut events: Vec<EventType>, field: &str) -> Result<Self, AppError> {
        events.retain(|e| *e != EventType::Ping);
        events.sort_unstable();
        events.dedup();
        if events.is_empty() {
            return Err(AppError::bad_input(field, "give at least one event"));
        }
        Ok(Self(events))
    }

    fn stored(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(|e| e.as_str()).collect();
        names.join(",")
    }
}

/// A target URL, checked for its form (its addresses are checked by the service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target(url::Url);

impl Target {
    pub fn parse(text: &str, field: &str) -> Result<Self, AppError> {
        address::parse(text)
            .map(Self)
            .map_err(|refused| AppError::bad_input(field, refused.to_string()))
    }

    /// Resolves the host and refuses private addresses (unless allowed).
    async fn check(&self, field: &str, allow_private: bool) -> Result<(), AppError> {
        address::resolve(&self.0, allow_private)
            .await
            .map(|_| ())
            .map_err(|refused| AppError::bad_input(field, refused.to_string()))
    }
}

/// A new webhook, parsed.
#[derive(Debug)]
pub struct NewWebhook {
    pub url: Target,
    pub events: Events,
    pub description: Option<Description>,
}

/// A change to a webhook: absent fields stay; a blank description clears it.
#[derive(Debug, Default)]
pub struct WebhookChange {
    pub url: Option<Target>,
    pub events: Option<Events>,
    pub description: Option<Option<Description>>,
    pub is_active: Option<bool>,
}

/// Creates a webhook; returns its secret (shown this once) with the row. At most
/// [`MAX_PER_USER`] per user, counted under a lock on the owner's row so that parallel requests
/// cannot pass the limit together.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewWebhook,
    allow_private: bool,
) -> Result<(String, webhook::Model), AppError> {
    let owner = writer(caller)?;
    new.url.check("url", allow_private).await?;
    let secret = signature::new_secret();
    let txn = db::begin_write(db).await?;
    lock_owner(&txn, owner.id).await?;
    let existing = webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(owner.id))
        .count(&txn)
        .await?;
    if existing >= MAX_PER_USER {
        return Err(AppError::bad_input(
            "input",
            format!("a user may have at most {MAX_PER_USER} webhooks"),
        ));
    }
    let row = webhook::ActiveModel {
        user_id: Set(owner.id),
        url: Set(new.url.0.to_string()),
        events: Set(new.events.stored()),
        description: Set(new.description.map(String::from)),
        secret: Set(secret.clone()),
        is_active: Set(true),
        created_at: Set(crate::services::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((secret, row))
}

/// Changes one of the caller's webhooks. Turning one back on (`isActive: true`) is how an
/// endpoint disabled by a `410` is revived.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: WebhookId,
    change: WebhookChange,
    allow_private: bool,
) -> Result<webhook::Model, AppError> {
    let owner = writer(caller)?;
    let row = own(db, owner.id, id).await?;
    if let Some(url) = &change.url {
        url.check("url", allow_private).await?;
    }
    let mut active: webhook::ActiveModel = row.into();
    if let Some(url) = change.url {
        active.url = Set(url.0.to_string());
    }
    if let Some(events) = change.events {
        active.events = Set(events.stored());
    }
    if let Some(description) = change.description {
        active.description = Set(description.map(String::from));
    }
    if let Some(is_active) = change.is_active {
        active.is_active = Set(is_active);
    }
    Ok(active.update(db).await?)
}

/// Deletes one of the caller's webhooks and its deliveries (pending ones are not sent).
pub async fn delete(
    db: &DatabaseConnection,
    caller: &Caller,
    id: WebhookId,
) -> Result<bool, AppError> {
    let owner = writer(caller)?;
    let deleted = webhook::Entity::delete_many()
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::UserId.eq(owner.id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(not_found());
    }
    Ok(true)
}

/// Queues a `webhook.ping` to one of the caller's webhooks and returns the pending delivery.
pub async fn ping(
    db: &DatabaseConnection,
    caller: &Caller,
    id: WebhookId,
) -> Result<webhook_delivery::Model, AppError> {
    let owner = writer(caller)?;
    let row = own(db, owner.id, id).await?;
    let txn = db::begin_write(db).await?;
    let delivery = outbox::ping(&txn, &row).await?;
    txn.commit().await?;
    Ok(delivery)
}

/// A user's webhooks, oldest first: the caller's own, nobody else's (empty for them).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    user_id: UserId,
) -> Result<Vec<webhook::Model>, AppError> {
    if caller.user_id() != Some(user_id) {
        return Ok(Vec::new());
    }
    Ok(webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(user_id))
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?)
}

/// One of the caller's webhooks by id; `None` for anyone else's.
pub async fn find(
    db: &DatabaseConnection,
    caller: &Caller,
    id: WebhookId,
) -> Result<Option<webhook::Model>, AppError> {
    let Some(user_id) = caller.user_id() else {
        return Ok(None);
    };
    Ok(webhook::Entity::find_by_id(id)
        .filter(webhook::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

fn deliveries_keyset() -> Keyset<webhook_delivery::Column> {
    Keyset {
        scope: "webhook_deliveries",
        key: webhook_delivery::Column::Id,
        kind: KeyKind::None,
        tiebreak: webhook_delivery::Column::Id,
        descending: true,
    }
}

/// A page of a webhook's deliveries, newest first (the caller has been checked to own it).
pub async fn deliveries(
    db: &DatabaseConnection,
    webhook: WebhookId,
    args: &PageArgs,
) -> Result<Page<webhook_delivery::Model>, AppError> {
    let keyset = deliveries_keyset();
    let select =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::WebhookId.eq(webhook));
    let rows = keyset.apply(select, args)?.all(db).await?;
    Ok(Page::from_rows(args, rows, |row| {
        keyset.cursor(Key::None, row.id)
    }))
}

/// How many deliveries a webhook has had.
pub async fn count_deliveries(
    db: &DatabaseConnection,
    webhook: WebhookId,
) -> Result<u64, AppError> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook))
        .count(db)
        .await?)
}

/// How long settled deliveries are kept (listed under their webhook) before being pruned.
pub const KEEP_DELIVERIES_DAYS: i64 = 30;

/// Deletes deliveries settled (delivered or failed) more than [`KEEP_DELIVERIES_DAYS`] ago;
/// pending ones stay whatever their age. Returns how many went.
pub async fn prune(db: &DatabaseConnection) -> Result<usize, AppError> {
    let before = crate::services::now() - chrono::Duration::days(KEEP_DELIVERIES_DAYS);
    let pruned = webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.ne(deliver::Status::Pending.as_str()))
        .filter(webhook_delivery::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(usize::try_from(pruned.rows_affected).unwrap_or(usize::MAX))
}

/// The signed-in caller, if the request may write.
fn writer(caller: &Caller) -> Result<&entity::user::Model, AppError> {
    let user = caller.signed_in()?;
    if !caller.may_write() {
        return Err(AppError::Forbidden(
            "managing webhooks needs a session or a write-scoped token".into(),
        ));
    }
    Ok(user)
}

async fn own(
    db: &DatabaseConnection,
    owner: UserId,
    id: WebhookId,
) -> Result<webhook::Model, AppError> {
    webhook::Entity::find_by_id(id)
        .filter(webhook::Column::UserId.eq(owner))
        .one(db)
        .await?
        .ok_or_else(not_found)
}

fn not_found() -> AppError {
    AppError::NotFound("no such webhook".into())
}

/// Holds the owner's row until the transaction ends (PostgreSQL); SQLite's write transaction
/// excludes other writers already.
async fn lock_owner<C: ConnectionTrait>(txn: &C, user_id: UserId) -> Result<(), AppError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM users WHERE id = $1 FOR UPDATE",
            [user_id.into()],
        ))
        .await?;
    }
    Ok(())
}
