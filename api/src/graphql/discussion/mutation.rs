//! Discussion mutations: comments, replies, edits, deletions and moderation.

use async_graphql::{Context, ID, InputObject, Object};

use crate::error::GqlResult;
use crate::graphql::args::{id_arg, optional_id_arg};
use crate::graphql::context::{caller, db, services};
use crate::graphql::discussion::Comment;
use crate::services::discussion::{self, Body};
use crate::services::moderation::{self, Reason};

/// A new comment, or a reply.
#[derive(InputObject)]
pub struct AddCommentInput {
    /// The paper (a `Paper` ID).
    paper_id: ID,
    /// Markdown, 1–10,000 characters.
    body: String,
    /// The comment replied to (a `Comment` ID of the same paper); absent for a top-level comment.
    parent_id: Option<ID>,
}

/// A new body for one's own comment.
#[derive(InputObject)]
pub struct EditCommentInput {
    /// The comment (a `Comment` ID).
    id: ID,
    /// Markdown, 1–10,000 characters.
    body: String,
}

#[derive(Default)]
pub struct DiscussionMutation;

/// Comments and their moderation.
#[Object]
impl DiscussionMutation {
    /// Comments on a paper, or replies to a comment of the same paper (replies nest at most 8
    /// deep).
    async fn add_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment.")] input: AddCommentInput,
    ) -> async_graphql::Result<Comment> {
        let paper = id_arg(&input.paper_id, "paperId")?;
        let parent = optional_id_arg(input.parent_id.as_ref(), "parentId")?;
        let body = Body::parse(input.body, "body").gql()?;
        let added = discussion::add(services(ctx)?, caller(ctx)?, paper, body, parent);
        Ok(Comment(added.await.gql()?))
    }

    /// Replaces the body of the viewer's own comment and marks it edited.
    async fn edit_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment and its new body.")] input: EditCommentInput,
    ) -> async_graphql::Result<Comment> {
        let id = id_arg(&input.id, "id")?;
        let body = Body::parse(input.body, "body").gql()?;
        Ok(Comment(
            discussion::edit(&db(ctx)?, caller(ctx)?, id, body)
                .await
                .gql()?,
        ))
    }

    /// Deletes the viewer's own comment: it stays as a tombstone holding its replies.
    async fn delete_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] id: ID,
    ) -> async_graphql::Result<Comment> {
        let id = id_arg(&id, "id")?;
        Ok(Comment(
            discussion::delete(&db(ctx)?, caller(ctx)?, id)
                .await
                .gql()?,
        ))
    }

    /// Hides a comment (moderators): it reads as a tombstone to everyone but moderators.
    async fn hide_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] id: ID,
        #[graphql(desc = "Why, for the record; 1–500 characters.")] reason: String,
    ) -> async_graphql::Result<Comment> {
        let id = id_arg(&id, "id")?;
        let reason = Reason::parse(&reason, "reason").gql()?;
        let row = moderation::hide(services(ctx)?, caller(ctx)?, id, reason).await;
        Ok(Comment(row.gql()?))
    }
}
