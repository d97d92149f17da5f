//! Collection queries: a collection by slug, and lists of them.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use papers_macros::connections;

use crate::error::GqlResult;
use crate::graphql::args::{self, RelayArgs};
use crate::graphql::collections::{
    Collection, CollectionConnection, filtered_collection_connection,
};
use crate::graphql::context::{db, viewer_id};
use crate::services::collections::{self, CollectionFilter, CollectionOrder};

/// How a list of collections is ordered; ties go to the newest collection.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "CollectionOrder")]
pub enum CollectionOrderArg {
    /// Highest time-decayed upvotes first.
    Trending,
    /// Newest first.
    Newest,
    /// Most upvotes first.
    Upvotes,
}

impl From<CollectionOrderArg> for CollectionOrder {
    fn from(order: CollectionOrderArg) -> Self {
        match order {
            CollectionOrderArg::Trending => Self::Trending,
            CollectionOrderArg::Newest => Self::Newest,
            CollectionOrderArg::Upvotes => Self::Upvotes,
        }
    }
}

/// Narrows a list of collections.
#[derive(InputObject, Default)]
#[graphql(name = "CollectionFilter")]
pub struct CollectionFilterInput {
    /// Made by the user with this username.
    owner: Option<String>,
    /// Holding this paper (a `Paper` ID).
    paper_id: Option<ID>,
}

#[derive(Default)]
pub struct CollectionQuery;

/// Collections: one by slug, lists of them.
#[connections]
#[Object]
impl CollectionQuery {
    /// A collection by slug; null when unknown or another user's private collection.
    async fn collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The collection's slug.")] slug: String,
    ) -> async_graphql::Result<Option<Collection>> {
        let viewer = viewer_id(ctx)?;
        Ok(collections::find_by_slug(&db(ctx)?, &slug, viewer)
            .await
            .gql()?
            .map(Collection))
    }

    /// Public collections (and the viewer's own private ones), as a Relay connection.
    async fn collections(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which collections; all visible ones when absent.")] filter: Option<
            CollectionFilterInput,
        >,
        #[graphql(
            desc = "The order of the list.",
            default_with = "Some(CollectionOrderArg::Trending)"
        )]
        order_by: Option<CollectionOrderArg>,
        page: RelayArgs,
    ) -> async_graphql::Result<CollectionConnection> {
        let page_args = page.parse()?;
        let input = filter.unwrap_or_default();
        let filter = CollectionFilter {
            owner: input.owner,
            containing_paper: (input.paper_id.as_ref())
                .map(|id| args::id_of(id, "filter.paperId"))
                .transpose()
                .gql()?,
        };
        let order = order_by.unwrap_or(CollectionOrderArg::Trending).into();
        filtered_collection_connection(ctx, filter, order, &page_args).await
    }
}
