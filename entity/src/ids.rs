//! Row ids by the kind of row they name, as Lemmy's `PostId`/`PersonId`: every id column of
//! every entity is one of these, so a row's `paper_id` is a `PaperId` and a function that takes
//! a collection and a paper takes a `CollectionId` and a `PaperId`: passing them the wrong way
//! round, or a user's id for a paper's, does not compile. Each is a `BIGINT` in the database.

use std::fmt;

use sea_orm::DeriveValueType;
use serde::{Deserialize, Serialize};

macro_rules! row_ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DeriveValueType, Serialize,
            Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

row_ids! {
    /// A row of `papers`.
    PaperId;
    /// A row of `authors`.
    AuthorId;
    /// A row of `users`.
    UserId;
    /// A row of `comments`.
    CommentId;
    /// A row of `collections`.
    CollectionId;
    /// A row of `api_tokens`.
    TokenId;
    /// A row of `refresh_tokens`.
    RefreshTokenId;
    /// A row of `authorship_claims`.
    ClaimId;
    /// A row of `webhooks`.
    WebhookId;
    /// A row of `webhook_deliveries`.
    DeliveryId;
    /// A row of `comment_reports`.
    ReportId;
    /// A row of `moderation_actions`.
    ActionId;
    /// A row of `notifications`.
    NotificationId;
    /// A row of `digest_subscriptions`.
    SubscriptionId;
    /// A row of `topics`.
    TopicId;
    /// A row of `follows`.
    FollowId;
}
