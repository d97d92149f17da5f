//! The Relay `Node` interface and global-ID lookups.

use async_graphql::{Context, ID, Interface};

use crate::error::GqlResult;
use crate::graphql::accounts::User;
use crate::graphql::collections::Collection;
use crate::graphql::context::{caller, db, loaders, viewer_id};
use crate::graphql::discussion::Comment;
use crate::graphql::moderation::{CommentReport, ModerationAction};
use crate::graphql::notifications::Notification;
use crate::graphql::papers::Paper;
use crate::graphql::papers::author::Author;
use crate::graphql::topics::Topic;
use crate::graphql::webhooks::Webhook;
use crate::ids::{self, AnyId};
use crate::services::{collections, moderation, webhooks};

/// An object with an opaque global ID that `node(id)` finds again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's opaque global ID."))]
pub enum Node {
    Paper(Paper),
    Author(Author),
    User(User),
    Comment(Comment),
    Collection(Collection),
    Webhook(Webhook),
    Notification(Notification),
    CommentReport(CommentReport),
    ModerationAction(ModerationAction),
    Topic(Topic),
}

/// Looks an ID up; an ID that is garbage, of an unknown type, of a missing row, of another
/// user's private collection, webhook or notification, or of a moderators' object asked by
/// someone else, is `None`.
pub async fn find(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let Some(id) = ids::decode(id.as_str()) else {
        return Ok(None);
    };
    let loaders = loaders(ctx)?;
    Ok(match id {
        AnyId::Paper(id) => loaders
            .paper_by_id
            .load_one(id)
            .await?
            .map(|p| Node::Paper(Paper::from(p))),
        AnyId::Author(id) => loaders
            .author_by_id
            .load_one(id)
            .await?
            .map(|a| Node::Author(Author(a))),
        AnyId::User(id) => loaders
            .user_by_id
            .load_one(id)
            .await?
            .map(|u| Node::User(User::from(u))),
        AnyId::Topic(id) => loaders
            .topic_by_id
            .load_one(id)
            .await?
            .map(|t| Node::Topic(Topic(t))),
        AnyId::Comment(id) => loaders
            .comment_by_id
            .load_one(id)
            .await?
            .map(|c| Node::Comment(Comment(c))),
        // API tokens and claims are not nodes: their IDs find nothing here.
        AnyId::ApiToken(_) | AnyId::Claim(_) | AnyId::WebhookDelivery(_) => None,
        // Moderators' only.
        AnyId::CommentReport(_) | AnyId::ModerationAction(_) if !caller(ctx)?.is_moderator() => {
            None
        }
        AnyId::CommentReport(id) => moderation::report_by_id(&db(ctx)?, id)
            .await
            .gql()?
            .map(|r| Node::CommentReport(CommentReport(r))),
        AnyId::ModerationAction(id) => moderation::action_by_id(&db(ctx)?, id)
            .await
            .gql()?
            .map(|a| Node::ModerationAction(ModerationAction(a))),
        // The owner's only.
        AnyId::Notification(id) => {
            let viewer = viewer_id(ctx)?;
            loaders
                .notification_by_id
                .load_one(id)
                .await?
                .filter(|n| Some(n.user_id) == viewer)
                .map(|n| Node::Notification(Notification(n)))
        }
        AnyId::Webhook(id) => webhooks::find(&db(ctx)?, caller(ctx)?, id)
            .await
            .gql()?
            .map(|w| Node::Webhook(Webhook(w))),
        AnyId::Collection(id) => {
            let viewer = viewer_id(ctx)?;
            loaders
                .collection_by_id
                .load_one(id)
                .await?
                .filter(|c| collections::is_visible(c, viewer))
                .map(|c| Node::Collection(Collection(c)))
        }
    })
}
