//! The `Author` type: a distinct author identity.

use async_graphql::{Context, ID, Object};
use entity::author;
use papers_macros::connections;

use crate::graphql::accounts::User;
use crate::graphql::args::RelayArgs;
use crate::graphql::context::loaders;
use crate::graphql::loaders::PapersOfAuthor;
use crate::graphql::papers::{PaperConnection, paper_connection_of};
use crate::ids::Global;
use crate::services::follows::FollowKind;

pub struct Author(pub author::Model);

/// A person listed as an author on one or more papers. Once a user's authorship claim is
/// approved, the author is linked to that user.
#[connections]
#[Object]
impl Author {
    /// The author's opaque global ID.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// The author's name as listed on papers.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Users following this author.
    async fn follower_count(&self) -> i32 {
        self.0.follower_count
    }

    /// Whether the signed-in viewer follows this author; false when anonymous.
    async fn viewer_is_following(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        loaders(ctx)?
            .viewer_follows(FollowKind::Author, self.0.id.into())
            .await
    }

    /// The user who claimed this author identity, once approved.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(loaders(ctx)?.user(self.0.user_id).await?.map(User::from))
    }

    /// The papers listing this author, latest to enter the feed first.
    async fn papers(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = page.parse()?;
        let papers = &loaders(ctx)?.papers_of_author;
        paper_connection_of(papers, self.0.id, PapersOfAuthor, page_args).await
    }

    /// How many papers list this author.
    async fn paper_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(loaders(ctx)?
            .paper_count_of_author
            .load_one(self.0.id)
            .await?
            .unwrap_or(0))
    }
}
