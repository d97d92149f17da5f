//! The `Collection` type: a user's ordered, annotated list of papers.

pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{collection, collection_item};
use papers_macros::connections;

use crate::error::{AppError, GqlResult};
use crate::graphql::accounts::User;
use crate::graphql::args::RelayArgs;
use crate::graphql::connection::{Parts, Totals, connection};
use crate::graphql::context::{db, loaders};
use crate::graphql::loaders::{ItemsOf, ListLoaders, NestedList};
use crate::graphql::papers::Paper;
use crate::ids::Global;
use crate::services::collections;
use crate::services::follows::FollowKind;

pub struct Collection(pub collection::Model);

connection!(
    CollectionConnection,
    CollectionEdge,
    Collection,
    "A page of collections, as a Relay connection.",
    "A collection in a page of collections."
);

pub struct CollectionItem(pub collection_item::Model);

connection!(
    CollectionItemConnection,
    CollectionItemEdge,
    CollectionItem,
    "A page of a collection's items, in the collection's order.",
    "An item in a page of a collection's items."
);

/// A user's curated list of papers, each with a note. Private collections are visible to their
/// owner only.
#[connections]
#[Object]
impl Collection {
    /// The collection's opaque global ID.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// The collection's stable address, `owner/title-slug-id`; it does not change on rename.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the collection gathers.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The user who made it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        loaders(ctx)?
            .user_by_id
            .load_one(self.0.owner_id)
            .await?
            .map(User::from)
            .ok_or_else(|| AppError::NotFound("owner not found".into()).into_gql())
    }

    /// Whether only its owner can see it.
    async fn is_private(&self) -> bool {
        self.0.is_private
    }

    /// The papers in the collection, in its order.
    async fn items(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<CollectionItemConnection> {
        let page_args = page.parse()?;
        let page = loaders(ctx)?
            .items
            .page(self.0.id, ItemsOf, page_args)
            .await?;
        let total = u64::try_from(self.0.item_count).unwrap_or(0);
        let totals = Totals::new(move || async move { Ok(total) });
        Ok(CollectionItemConnection(Parts::from_page(
            page,
            totals,
            CollectionItem,
        )))
    }

    /// How many papers it holds.
    async fn item_count(&self) -> i32 {
        self.0.item_count
    }

    /// Upvotes on the collection.
    async fn upvote_count(&self) -> i32 {
        self.0.upvote_count
    }

    /// Whether the signed-in viewer has upvoted it; false when anonymous.
    async fn viewer_has_upvoted(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        loaders(ctx)?.viewer_upvoted(self.0.id).await
    }

    /// Users following the collection.
    async fn follower_count(&self) -> i32 {
        self.0.follower_count
    }

    /// Whether the signed-in viewer follows the collection; false when anonymous.
    async fn viewer_is_following(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        loaders(ctx)?
            .viewer_follows(FollowKind::Collection, self.0.id.into())
            .await
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it or its items last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A paper in a collection.
#[Object]
impl CollectionItem {
    /// The paper.
    async fn paper(&self, ctx: &Context<'_>) -> async_graphql::Result<Paper> {
        Ok(Paper::from(loaders(ctx)?.paper(self.0.paper_id).await?))
    }

    /// The owner's note on this paper.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The item's place in the collection, from 0.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// When the paper was added.
    async fn added_at(&self) -> DateTime<Utc> {
        self.0.added_at
    }
}

/// A connection over the collections a filter selects that the viewer may see, counted lazily.
pub async fn filtered_collection_connection(
    ctx: &Context<'_>,
    filter: collections::CollectionFilter,
    order: collections::CollectionOrder,
    page_args: &crate::services::pagination::PageArgs,
) -> async_graphql::Result<CollectionConnection> {
    let viewer = crate::graphql::context::viewer_id(ctx)?;
    let db = db(ctx)?;
    let page = collections::list(&db, &filter, order, viewer, page_args)
        .await
        .gql()?;
    let totals = Totals::new(move || {
        let (db, filter) = (db.clone(), filter.clone());
        async move { collections::count(&db, &filter, viewer).await }
    });
    Ok(CollectionConnection(Parts::from_page(
        page, totals, Collection,
    )))
}

/// A connection over a parent's nested list of collections (a paper's, a user's) that the
/// viewer may see, loaded and counted in batches with the other parents of the page.
pub async fn collection_connection<L: NestedList<Row = collection::Model>>(
    collections: &ListLoaders<L>,
    parent: L::Parent,
    list: L,
    page_args: crate::services::pagination::PageArgs,
) -> async_graphql::Result<CollectionConnection> {
    let page = collections.page(parent, list, page_args).await?;
    Ok(CollectionConnection(Parts::from_page(
        page,
        collections.total(parent, list),
        Collection,
    )))
}
