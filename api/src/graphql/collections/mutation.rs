//! Collection mutations: collections and their ordered, annotated items.

use async_graphql::{Context, ID, InputObject, Object};

use crate::error::GqlResult;
use crate::graphql::args::id_arg;
use crate::graphql::collections::Collection;
use crate::graphql::context::{caller, db, services};
use crate::services::collections::{self, CollectionChange, Item, ItemChange, NewCollection};

/// A new collection.
#[derive(InputObject)]
pub struct CreateCollectionInput {
    /// 1–100 characters.
    title: String,
    /// At most 1,000 characters.
    description: Option<String>,
    /// Whether only the owner may see it (null or absent: public).
    #[graphql(default_with = "Some(false)")]
    is_private: Option<bool>,
}

/// Changes to a collection; a field left out stays as it is.
#[derive(InputObject)]
pub struct UpdateCollectionInput {
    /// The collection (a `Collection` ID).
    id: ID,
    /// 1–100 characters.
    title: Option<String>,
    /// At most 1,000 characters; empty clears it.
    description: Option<String>,
    /// Whether only the owner may see it.
    is_private: Option<bool>,
}

/// A paper to add to a collection.
#[derive(InputObject)]
pub struct AddCollectionItemInput {
    /// The collection (a `Collection` ID).
    collection_id: ID,
    /// The paper (a `Paper` ID).
    paper_id: ID,
    /// The owner's note on the paper, at most 500 characters.
    note: Option<String>,
    /// Where to insert it, from 0; the end when absent or beyond it.
    position: Option<i32>,
}

/// Changes to an item of a collection.
#[derive(InputObject)]
pub struct UpdateCollectionItemInput {
    /// The collection (a `Collection` ID).
    collection_id: ID,
    /// The paper (a `Paper` ID).
    paper_id: ID,
    /// A new note, at most 500 characters; empty clears it.
    note: Option<String>,
    /// Where to move it, from 0; the end when beyond it.
    position: Option<i32>,
}

#[derive(Default)]
pub struct CollectionMutation;

/// Collections and their items.
#[Object]
impl CollectionMutation {
    /// Creates a collection owned by the viewer.
    async fn create_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The collection.")] input: CreateCollectionInput,
    ) -> async_graphql::Result<Collection> {
        let is_private = input.is_private.unwrap_or(false);
        let new = NewCollection::parse(&input.title, input.description, is_private).gql()?;
        let db = db(ctx)?;
        Ok(Collection(
            collections::create(&db, caller(ctx)?, new).await.gql()?,
        ))
    }

    /// Changes the viewer's collection (its slug stays).
    async fn update_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateCollectionInput,
    ) -> async_graphql::Result<Collection> {
        let id = id_arg(&input.id, "id")?;
        let changes = CollectionChange::parse(input.title, input.description, input.is_private);
        let row = collections::update(services(ctx)?, caller(ctx)?, id, changes.gql()?).await;
        Ok(Collection(row.gql()?))
    }

    /// Deletes the viewer's collection.
    async fn delete_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] id: ID,
    ) -> async_graphql::Result<bool> {
        let id = id_arg(&id, "id")?;
        collections::delete(&db(ctx)?, caller(ctx)?, id).await.gql()
    }

    /// Adds a paper to the viewer's collection; a paper already in it is `CONFLICT`.
    async fn add_collection_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] input: AddCollectionItemInput,
    ) -> async_graphql::Result<Collection> {
        let item = item(&input.collection_id, &input.paper_id)?;
        let change = ItemChange::parse(input.note, input.position).gql()?;
        let row = collections::add_item(services(ctx)?, caller(ctx)?, item, change).await;
        Ok(Collection(row.gql()?))
    }

    /// Changes the note or the position of an item of the viewer's collection.
    async fn update_collection_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateCollectionItemInput,
    ) -> async_graphql::Result<Collection> {
        let item = item(&input.collection_id, &input.paper_id)?;
        let change = ItemChange::parse(input.note, input.position).gql()?;
        let row = collections::update_item(services(ctx)?, caller(ctx)?, item, change).await;
        Ok(Collection(row.gql()?))
    }

    /// Removes a paper from the viewer's collection.
    async fn remove_collection_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A `Collection` ID.")] collection_id: ID,
        #[graphql(desc = "A `Paper` ID.")] paper_id: ID,
    ) -> async_graphql::Result<Collection> {
        let item = item(&collection_id, &paper_id)?;
        let row = collections::remove_item(services(ctx)?, caller(ctx)?, item).await;
        Ok(Collection(row.gql()?))
    }
}

/// The item named by a collection's and a paper's global IDs.
fn item(collection_id: &ID, paper_id: &ID) -> async_graphql::Result<Item> {
    Ok(Item {
        collection: id_arg(collection_id, "collectionId")?,
        paper: id_arg(paper_id, "paperId")?,
    })
}
