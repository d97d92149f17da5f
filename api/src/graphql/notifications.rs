//! The notifications inbox: the `Notification` type and marking notifications read.

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use entity::notification;

use crate::error::GqlResult;
use crate::graphql::accounts::User;
use crate::graphql::claims::AuthorshipClaim;
use crate::graphql::connection::connection;
use crate::graphql::context::{caller, db, loaders};
use crate::graphql::discussion::Comment;
use crate::graphql::papers::Paper;
use crate::ids::{self, Global, NotificationId};
use crate::services::notifications::{self, Kind};

/// What a notification tells of.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// Someone replied to your comment.
    CommentReply,
    /// Someone commented on a paper you submitted or authored.
    PaperComment,
    /// Your authorship claim was approved or rejected.
    ClaimDecided,
    /// A moderator hid your comment (`comment.hiddenReason` says why).
    CommentHidden,
    /// A paper by an author you follow (or by a user you follow, as its author) arrived.
    FollowedAuthorPaper,
    /// A collection you follow gained a paper (`actor` added it).
    FollowedCollectionItem,
}

pub struct Notification(pub notification::Model);

/// Something that happened that concerns the viewer.
#[Object]
impl Notification {
    /// The notification's opaque global ID, for `markNotificationsRead`.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// What it tells of.
    async fn kind(&self) -> NotificationKind {
        match Kind::parse(&self.0.kind) {
            Some(Kind::CommentReply) => NotificationKind::CommentReply,
            Some(Kind::ClaimDecided) => NotificationKind::ClaimDecided,
            Some(Kind::CommentHidden) => NotificationKind::CommentHidden,
            Some(Kind::FollowedAuthorPaper) => NotificationKind::FollowedAuthorPaper,
            Some(Kind::FollowedCollectionItem) => NotificationKind::FollowedCollectionItem,
            _ => NotificationKind::PaperComment,
        }
    }

    /// When it happened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the viewer marked it read; null while unread.
    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }

    /// Who did it: the commenter or the moderator; null once their account is gone.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(loaders(ctx)?.user(self.0.actor_id).await?.map(User::from))
    }

    /// The paper concerned.
    async fn paper(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Paper>> {
        let Some(id) = self.0.paper_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .paper_by_id
            .load_one(id)
            .await?
            .map(Paper::from))
    }

    /// The comment concerned (a reply, a comment on the paper, the hidden comment).
    async fn comment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Comment>> {
        let Some(id) = self.0.comment_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.comment_by_id.load_one(id).await?.map(Comment))
    }

    /// The claim decided.
    async fn claim(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AuthorshipClaim>> {
        let Some(id) = self.0.claim_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .claim_by_id
            .load_one(id)
            .await?
            .map(AuthorshipClaim))
    }
}

connection!(
    NotificationConnection,
    NotificationEdge,
    Notification,
    "A page of the viewer's notifications, newest first, as a Relay connection.",
    "A notification in a page of notifications."
);

#[derive(Default)]
pub struct NotificationMutation;

/// The viewer's inbox.
#[Object]
impl NotificationMutation {
    /// Marks the viewer's notifications read: those of `ids`, or every one with `all: true`.
    /// Answers how many changed; another user's IDs change nothing.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "`Notification` IDs (others are ignored).")] ids: Option<Vec<ID>>,
        #[graphql(desc = "True to mark every notification read.")] all: Option<bool>,
    ) -> async_graphql::Result<i32> {
        let rows = ids.map(|ids| {
            ids.iter()
                .filter_map(|id| ids::decode_as::<NotificationId>(id.as_str()))
                .collect::<Vec<_>>()
        });
        let changed = notifications::mark_read(&db(ctx)?, caller(ctx)?, rows, all.unwrap_or(false))
            .await
            .gql()?;
        Ok(i32::try_from(changed).unwrap_or(i32::MAX))
    }
}
