//! The `Comment` type: markdown comments in threads.

pub mod mutation;

use async_graphql::{Context, ID, Object, ScalarType, Value};
use chrono::{DateTime, Utc};
use entity::comment;
use papers_macros::connections;

use crate::graphql::accounts::User;
use crate::graphql::args::RelayArgs;
use crate::graphql::connection::{Parts, Totals, connection};
use crate::graphql::context::{caller, loaders};
use crate::graphql::engine::direct::{Direct, PlainFields};
use crate::graphql::loaders::RepliesTo;
use crate::graphql::papers::Paper;
use crate::ids::Global;
use crate::services::discussion::markdown;

pub struct Comment(pub comment::Model);

connection!(
    direct CommentConnection,
    CommentEdge,
    Comment,
    "A page of comments, as a Relay connection.",
    "A comment in a page of comments."
);

impl Comment {
    /// The body as HTML: stored at writing, rendered here for rows written before that.
    fn html(&self) -> String {
        match &self.0.body_html {
            Some(html) => html.clone(),
            None => markdown::to_safe_html(&self.0.body),
        }
    }

    /// Deleted comments, and hidden ones for everyone but moderators, read as tombstones.
    fn is_tombstone(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        if self.0.deleted_at.is_some() {
            return Ok(true);
        }
        if self.0.hidden_at.is_some() {
            return Ok(!caller(ctx)?.is_moderator());
        }
        Ok(false)
    }
}

/// A comment on a paper, or a reply to another comment of the same paper.
#[connections]
#[Object]
impl Comment {
    /// The comment's opaque global ID.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// The paper the comment is on.
    async fn paper(&self, ctx: &Context<'_>) -> async_graphql::Result<Paper> {
        Ok(Paper::from(loaders(ctx)?.paper(self.0.paper_id).await?))
    }

    /// Who wrote it; null for a tombstone or a deleted account.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Direct<User>>> {
        if self.is_tombstone(ctx)? {
            return Ok(None);
        }
        Ok(loaders(ctx)?
            .user(self.0.user_id)
            .await?
            .map(|row| Direct(User::from(row))))
    }

    /// The markdown source; empty for a tombstone.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(if self.is_tombstone(ctx)? {
            String::new()
        } else {
            self.0.body.clone()
        })
    }

    /// Why a moderator hid it: answered to moderators and the comment's author only, null
    /// for everyone else and for a comment not hidden.
    async fn hidden_reason(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let caller = caller(ctx)?;
        let allowed = caller.is_moderator()
            || (self.0.user_id.is_some() && caller.user_id() == self.0.user_id);
        Ok(if allowed && self.0.hidden_at.is_some() {
            self.0.hidden_reason.as_deref()
        } else {
            None
        })
    }

    /// The body rendered to sanitised HTML; empty for a tombstone.
    async fn body_html(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(if self.is_tombstone(ctx)? {
            String::new()
        } else {
            self.html()
        })
    }

    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When its author last edited it.
    async fn edited_at(&self) -> Option<DateTime<Utc>> {
        self.0.edited_at
    }

    /// Whether it was deleted (or hidden by a moderator): its body is gone, its replies stay.
    async fn is_deleted(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        self.is_tombstone(ctx)
    }

    /// The comment this one replies to; null for a top-level comment.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Comment>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .comment_by_id
            .load_one(parent)
            .await?
            .map(Comment))
    }

    /// The direct replies, oldest first.
    async fn replies(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<CommentConnection> {
        let page_args = page.parse()?;
        let total = u64::try_from(self.0.reply_count).unwrap_or(0);
        let totals = Totals::new(move || async move { Ok(total) });
        // Every comment of a thread page asks at once: one batched query for all of them.
        let page = loaders(ctx)?
            .replies
            .page(self.0.id, RepliesTo, page_args)
            .await?;
        Ok(CommentConnection(Parts::from_page(page, totals, Comment)))
    }

    /// How many direct replies it has.
    async fn reply_count(&self) -> i32 {
        self.0.reply_count
    }

    /// Upvotes on the comment.
    async fn upvote_count(&self) -> i32 {
        self.0.upvote_count
    }

    /// Whether the signed-in viewer has upvoted it; false when anonymous.
    async fn viewer_has_upvoted(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        loaders(ctx)?.viewer_upvoted(self.0.id).await
    }
}

/// The fields of `Comment` read from its row, as the resolvers above give them. What a
/// tombstone shows depends on who asks (moderators see hidden comments): a deleted or hidden
/// comment's body goes through its resolver.
impl PlainFields for Comment {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let row = &self.0;
        let shown = row.deleted_at.is_none() && row.hidden_at.is_none();
        Some(match name {
            "id" => Value::String(row.id.global()),
            "createdAt" => row.created_at.to_value(),
            "editedAt" => row.edited_at.map_or(Value::Null, |at| at.to_value()),
            "replyCount" => row.reply_count.to_value(),
            "upvoteCount" => row.upvote_count.to_value(),
            "isDeleted" if shown => Value::Boolean(false),
            "body" if shown => Value::String(row.body.clone()),
            "bodyHtml" if shown => Value::String(self.html()),
            _ => return None,
        })
    }
}
