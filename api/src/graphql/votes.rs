//! Vote mutations: upvoting and withdrawing upvotes of papers, comments and collections.

use async_graphql::{Context, ID, Object};

use crate::error::{AppError, GqlResult};
use crate::graphql::args::id_arg;
use crate::graphql::collections::Collection;
use crate::graphql::context::{caller, db, loaders, publish};
use crate::graphql::discussion::Comment;
use crate::graphql::papers::Paper;
use crate::ids::{CollectionId, CommentId, PaperId};
use crate::services::events::Event;
use crate::services::votes::{self, Target};

/// Votes, and tells subscribers whose counts moved (comments' counts stream with nothing yet).
async fn vote(ctx: &Context<'_>, target: Target, up: bool) -> async_graphql::Result<()> {
    votes::vote(&db(ctx)?, caller(ctx)?, target, up)
        .await
        .gql()?;
    let event = match target {
        Target::Paper(paper) => Event::PaperUpdated { paper },
        Target::Collection(collection) => Event::CollectionUpdated { collection },
        Target::Comment(_) => return Ok(()),
    };
    publish(ctx, &[event]).await
}

async fn reload_paper(ctx: &Context<'_>, id: PaperId) -> async_graphql::Result<Paper> {
    crate::services::papers::find_by_id(&db(ctx)?, id)
        .await
        .gql()?
        .map(Paper::from)
        .ok_or_else(|| AppError::NotFound("no such paper".into()).into_gql())
}

async fn reload_comment(ctx: &Context<'_>, id: CommentId) -> async_graphql::Result<Comment> {
    loaders(ctx)?
        .comment_by_id
        .load_one(id)
        .await?
        .map(Comment)
        .ok_or_else(|| AppError::NotFound("no such comment".into()).into_gql())
}

async fn reload_collection(
    ctx: &Context<'_>,
    id: CollectionId,
) -> async_graphql::Result<Collection> {
    loaders(ctx)?
        .collection_by_id
        .load_one(id)
        .await?
        .map(Collection)
        .ok_or_else(|| AppError::NotFound("no such collection".into()).into_gql())
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
        let id = id_arg(&paper_id, "paperId")?;
        vote(ctx, Target::Paper(id), true).await?;
        reload_paper(ctx, id).await
    }

    /// Withdraws the viewer's upvote of a paper; without one, changes nothing.
    async fn remove_paper_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Paper` ID.")] paper_id: ID,
    ) -> async_graphql::Result<Paper> {
        let id = id_arg(&paper_id, "paperId")?;
        vote(ctx, Target::Paper(id), false).await?;
        reload_paper(ctx, id).await
    }

    /// Upvotes a comment; a repeat changes nothing.
    async fn upvote_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] comment_id: ID,
    ) -> async_graphql::Result<Comment> {
        let id = id_arg(&comment_id, "commentId")?;
        vote(ctx, Target::Comment(id), true).await?;
        reload_comment(ctx, id).await
    }

    /// Withdraws the viewer's upvote of a comment.
    async fn remove_comment_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Comment` ID.")] comment_id: ID,
    ) -> async_graphql::Result<Comment> {
        let id = id_arg(&comment_id, "commentId")?;
        vote(ctx, Target::Comment(id), false).await?;
        reload_comment(ctx, id).await
    }

    /// Upvotes a collection; another user's private collection is `NOT_FOUND`.
    async fn upvote_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] collection_id: ID,
    ) -> async_graphql::Result<Collection> {
        let id = id_arg(&collection_id, "collectionId")?;
        vote(ctx, Target::Collection(id), true).await?;
        reload_collection(ctx, id).await
    }

    /// Withdraws the viewer's upvote of a collection.
    async fn remove_collection_upvote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] collection_id: ID,
    ) -> async_graphql::Result<Collection> {
        let id = id_arg(&collection_id, "collectionId")?;
        vote(ctx, Target::Collection(id), false).await?;
        reload_collection(ctx, id).await
    }
}
