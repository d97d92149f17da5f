//! Webhooks: the `Webhook` and `WebhookDelivery` types, and managing one's webhooks.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{webhook, webhook_delivery};
use papers_macros::connections;

use crate::error::GqlResult;
use crate::graphql::args::{ForwardArgs, id_arg};
use crate::graphql::connection::{Parts, Totals, connection};
use crate::graphql::context::{caller, db, state};
use crate::ids::{Global, WebhookId};
use crate::services::input::Text;
use crate::services::webhooks::deliver::Status;
use crate::services::webhooks::{
    self, Description, EventType, Events, NewWebhook, Target, WebhookChange,
};

/// What a webhook can be told of.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WebhookEvent {
    /// `paper.submitted`: a paper entered the daily feed, by submission or import.
    PaperSubmitted,
    /// `comment.added`: a comment on a paper the owner submitted or authored, or a reply to one
    /// of the owner's comments (never the owner's own).
    CommentAdded,
    /// `claim.decided`: one of the owner's authorship claims was approved or rejected.
    ClaimDecided,
}

impl From<WebhookEvent> for EventType {
    fn from(event: WebhookEvent) -> Self {
        match event {
            WebhookEvent::PaperSubmitted => Self::PaperSubmitted,
            WebhookEvent::CommentAdded => Self::CommentAdded,
            WebhookEvent::ClaimDecided => Self::ClaimDecided,
        }
    }
}

/// Where a delivery stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WebhookDeliveryStatus {
    /// Not delivered yet: the next attempt is at `nextAttemptAt`.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up: the retries are spent, the endpoint answered 410, or the webhook was turned off.
    Failed,
}

pub struct Webhook(pub webhook::Model);

/// An endpoint told of events as they happen, per the Standard Webhooks specification: each
/// POST carries `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
#[connections]
#[Object]
impl Webhook {
    /// The webhook's opaque global ID.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The events it is told of.
    async fn events(&self) -> Vec<WebhookEvent> {
        webhooks::events_of(&self.0)
            .into_iter()
            .filter_map(|event| match event {
                EventType::PaperSubmitted => Some(WebhookEvent::PaperSubmitted),
                EventType::CommentAdded => Some(WebhookEvent::CommentAdded),
                EventType::ClaimDecided => Some(WebhookEvent::ClaimDecided),
                EventType::Ping => None,
            })
            .collect()
    }

    /// The owner's note on what it is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Whether it is told of events; an endpoint that answers `410 Gone` is turned off.
    async fn is_active(&self) -> bool {
        self.0.is_active
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Its deliveries, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        page: ForwardArgs,
    ) -> async_graphql::Result<WebhookDeliveryConnection> {
        let page_args = page.parse()?;
        let db = db(ctx)?;
        let id = self.0.id;
        let page = webhooks::deliveries(&db, id, &page_args).await.gql()?;
        let totals = Totals::new(move || {
            let db = db.clone();
            async move { webhooks::count_deliveries(&db, id).await }
        });
        Ok(WebhookDeliveryConnection(Parts::from_page(
            page,
            totals,
            WebhookDelivery,
        )))
    }
}

pub struct WebhookDelivery(pub webhook_delivery::Model);

/// One event sent (or to be sent) to a webhook, with its attempts.
#[Object]
impl WebhookDelivery {
    /// The delivery's opaque ID.
    async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// The `webhook-id` header it is sent with, the same on every attempt (the receiver's
    /// idempotency key).
    async fn message_id(&self) -> &str {
        &self.0.message_id
    }

    /// The event type: `paper.submitted`, `comment.added`, `claim.decided` or `webhook.ping`.
    async fn event(&self) -> &str {
        &self.0.event
    }

    /// Where it stands.
    async fn status(&self) -> WebhookDeliveryStatus {
        match Status::parse(&self.0.status) {
            Status::Pending => WebhookDeliveryStatus::Pending,
            Status::Delivered => WebhookDeliveryStatus::Delivered,
            Status::Failed => WebhookDeliveryStatus::Failed,
        }
    }

    /// How many times it has been sent.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// The HTTP status of the last answer; null when there was none.
    async fn response_status(&self) -> Option<i32> {
        self.0.response_status
    }

    /// Why the last attempt failed; null when it did not.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// The JSON body sent, exactly as signed.
    async fn payload(&self) -> &str {
        &self.0.payload
    }

    /// When the event happened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the endpoint accepted it.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }

    /// When it is tried next, while pending.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (Status::parse(&self.0.status) == Status::Pending)
            .then_some(self.0.next_attempt_at)
            .flatten()
    }
}

connection!(
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    WebhookDelivery,
    "A page of a webhook's deliveries, as a Relay connection.",
    "A delivery in a page of deliveries."
);

/// A new webhook.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// Where to POST: an http(s) URL whose host resolves to public addresses.
    url: String,
    /// The events to be told of (at least one).
    events: Vec<WebhookEvent>,
    /// What it is for, at most 500 characters.
    description: Option<String>,
}

/// A new webhook and its signing secret.
#[derive(SimpleObject)]
pub struct CreateWebhookPayload {
    /// The webhook.
    webhook: Webhook,
    /// The signing secret, `whsec_…`: shown this once.
    secret: String,
}

/// A change to a webhook; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    /// The webhook's ID.
    id: ID,
    /// A new target URL.
    url: Option<String>,
    /// A new set of events (at least one).
    events: Option<Vec<WebhookEvent>>,
    /// A new description; blank clears it.
    description: Option<String>,
    /// Turns it on or off.
    is_active: Option<bool>,
}

fn events(list: Vec<WebhookEvent>) -> Result<Events, crate::error::AppError> {
    Events::parse(list.into_iter().map(Into::into).collect(), "events")
}

#[derive(Default)]
pub struct WebhookMutation;

/// Webhooks for integrations.
#[Object]
impl WebhookMutation {
    /// Registers a webhook (at most 10 per user); the answer holds its secret, shown once.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The target, the events and a description.")] input: CreateWebhookInput,
    ) -> async_graphql::Result<CreateWebhookPayload> {
        let new = NewWebhook {
            url: Target::parse(&input.url, "url").gql()?,
            events: events(input.events).gql()?,
            description: Description::parse_optional(input.description, "description").gql()?,
        };
        let allow_private = state(ctx)?.settings.webhook_allow_private();
        let (secret, row) = webhooks::create(&db(ctx)?, caller(ctx)?, new, allow_private)
            .await
            .gql()?;
        Ok(CreateWebhookPayload {
            webhook: Webhook(row),
            secret,
        })
    }

    /// Changes one of the viewer's webhooks.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook and what changes.")] input: UpdateWebhookInput,
    ) -> async_graphql::Result<Webhook> {
        let id: WebhookId = id_arg(&input.id, "id")?;
        let change = WebhookChange {
            url: input
                .url
                .map(|url| Target::parse(&url, "url"))
                .transpose()
                .gql()?,
            events: input.events.map(events).transpose().gql()?,
            description: Text::parse_change(input.description, "description").gql()?,
            is_active: input.is_active,
        };
        let allow_private = state(ctx)?.settings.webhook_allow_private();
        let row = webhooks::update(&db(ctx)?, caller(ctx)?, id, change, allow_private)
            .await
            .gql()?;
        Ok(Webhook(row))
    }

    /// Deletes one of the viewer's webhooks with its deliveries.
    async fn delete_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Webhook` ID.")] id: ID,
    ) -> async_graphql::Result<bool> {
        let id: WebhookId = id_arg(&id, "id")?;
        webhooks::delete(&db(ctx)?, caller(ctx)?, id).await.gql()
    }

    /// Sends a `webhook.ping` to one of the viewer's webhooks; answers the pending delivery.
    async fn ping_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Webhook` ID.")] id: ID,
    ) -> async_graphql::Result<WebhookDelivery> {
        let id: WebhookId = id_arg(&id, "id")?;
        let row = webhooks::ping(&db(ctx)?, caller(ctx)?, id).await.gql()?;
        Ok(WebhookDelivery(row))
    }
}
