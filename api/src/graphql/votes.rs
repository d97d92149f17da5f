//! Vote mutations: upvoting and withdrawing upvotes of papers, comments and collections.

use async_graphql::{Context, ID, Object};

use crate::error::GqlResult;
use crate::graphql::args::id_arg;
use crate::graphql::collections::Collection;
use crate::graphql::context::{caller, services};
use crate::graphql::discussion::Comment;
use crate::graphql::papers::Paper;
use crate::ids::{CollectionId, CommentId, PaperId};
use crate::services::votes::{self, Votable};

/// Votes (or withdraws the vote) on what the ID names, and answers it as it is now.
async fn vote<T: Votable>(
    ctx: &Context<'_>,
    id: &ID,
    field: &str,
    up: bool,
) -> async_graphql::Result<T::Row> {
    let id: T = id_arg(id, field)?;
    votes::vote(services(ctx)?, caller(ctx)?, id, up)
        .await
        .gql()
}

#[derive(Default)]
pub struct VoteMutation;

/// Upvotes, each idempotent.
#[Object]
impl VoteMutation {
    /// Upvotes a paper; a repeat changes nothing.
    async fn upvote_paper(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Paper` ID.")] paper_id: ID,
    ) -> async_graphql::Result<Paper> {
        let row = vote::<PaperId>(ctx, &paper_id, "paperId", true).await?;
        Ok(Paper::from(row))
    }

    /// Withdraws the viewer's upvote of a paper; without one, changes nothing.
    async fn remove_paper_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Paper` ID.")] paper_id: ID,
    ) -> async_graphql::Result<Paper> {
        let row = vote::<PaperId>(ctx, &paper_id, "paperId", false).await?;
        Ok(Paper::from(row))
    }

    /// Upvotes a comment; a repeat changes nothing.
    async fn upvote_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] comment_id: ID,
    ) -> async_graphql::Result<Comment> {
        let row = vote::<CommentId>(ctx, &comment_id, "commentId", true).await?;
        Ok(Comment(row))
    }

    /// Withdraws the viewer's upvote of a comment.
    async fn remove_comment_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] comment_id: ID,
    ) -> async_graphql::Result<Comment> {
        let row = vote::<CommentId>(ctx, &comment_id, "commentId", false).await?;
        Ok(Comment(row))
    }

    /// Upvotes a collection; another user's private collection is `NOT_FOUND`.
    async fn upvote_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] collection_id: ID,
    ) -> async_graphql::Result<Collection> {
        let row = vote::<CollectionId>(ctx, &collection_id, "collectionId", true).await?;
        Ok(Collection(row))
    }

    /// Withdraws the viewer's upvote of a collection.
    async fn remove_collection_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] collection_id: ID,
    ) -> async_graphql::Result<Collection> {
        let row = vote::<CollectionId>(ctx, &collection_id, "collectionId", false).await?;
        Ok(Collection(row))
    }
}
