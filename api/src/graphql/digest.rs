//! The email digest: subscribing (double opt-in) and unsubscribing.

use async_graphql::{Context, Enum, InputObject, Object};
use chrono::{DateTime, Utc};
use entity::digest_subscription;

use crate::error::GqlResult;
use crate::graphql::context::{caller, db, services};
use crate::services::accounts::Email;
use crate::services::digest::{self, Frequency};

/// How often the digest comes.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum DigestFrequency {
    /// The day's 10 most upvoted papers, each morning (UTC) for the day before.
    Daily,
    /// The week's 20 most upvoted papers, each Monday for the ISO week before.
    Weekly,
}

impl From<DigestFrequency> for Frequency {
    fn from(frequency: DigestFrequency) -> Self {
        match frequency {
            DigestFrequency::Daily => Self::Daily,
            DigestFrequency::Weekly => Self::Weekly,
        }
    }
}

/// What the digest holds.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum DigestKind {
    /// The period's most upvoted papers, the same for everyone.
    Trending,
    /// The account's own: what reached its following feed in the period, then its
    /// recommendations among the period's papers; not sent when there is nothing new. Needs a
    /// session and goes to the account's address.
    ForYou,
}

impl From<DigestKind> for digest::Kind {
    fn from(kind: DigestKind) -> Self {
        match kind {
            DigestKind::Trending => Self::Trending,
            DigestKind::ForYou => Self::ForYou,
        }
    }
}

/// A subscription to the digest.
#[derive(InputObject)]
pub struct SubscribeDigestInput {
    /// The address; a signed-in user may leave it out to use the account's (a `FOR_YOU` digest
    /// always goes to the account's).
    email: Option<String>,
    /// How often.
    frequency: DigestFrequency,
    /// What it holds.
    #[graphql(default_with = "DigestKind::Trending")]
    kind: DigestKind,
}

pub struct DigestSubscription(digest_subscription::Model);

/// An address's subscription to the trending-papers email.
#[Object]
impl DigestSubscription {
    /// The address mailed.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// How often.
    async fn frequency(&self) -> DigestFrequency {
        match Frequency::parse(&self.0.frequency) {
            Some(Frequency::Weekly) => DigestFrequency::Weekly,
            _ => DigestFrequency::Daily,
        }
    }

    /// What it holds.
    async fn kind(&self) -> DigestKind {
        match digest::Kind::parse(&self.0.kind) {
            Some(digest::Kind::ForYou) => DigestKind::ForYou,
            _ => DigestKind::Trending,
        }
    }

    /// Whether the confirmation link has been followed: nothing is sent before.
    async fn confirmed(&self) -> bool {
        self.0.confirmed_at.is_some()
    }

    /// When it was asked for.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Default)]
pub struct DigestMutation;

/// The trending-papers email.
#[Object]
impl DigestMutation {
    /// Subscribes an address to the digest. A confirmation mail with a link is sent first
    /// (double opt-in); subscribing again while unconfirmed sends a new link, once confirmed it
    /// changes nothing. Throttled per address and per client.
    async fn subscribe_digest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address (or the account's) and the frequency.")]
        input: SubscribeDigestInput,
    ) -> async_graphql::Result<DigestSubscription> {
        let email = input
            .email
            .filter(|e| !e.trim().is_empty())
            .map(|e| Email::parse(&e))
            .transpose()
            .gql()?;
        let frequency = Frequency::from(input.frequency);
        let kind = input.kind.into();
        let subscribed =
            digest::subscribe(services(ctx)?, caller(ctx)?, email, frequency, kind).await;
        Ok(DigestSubscription(subscribed.gql()?))
    }

    /// Ends a digest subscription, by the token of its links; false when there is none.
    async fn unsubscribe_digest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `token` of the subscription's unsubscribe link.")] token: String,
    ) -> async_graphql::Result<bool> {
        digest::unsubscribe(&db(ctx)?, &token).await.gql()
    }
}
