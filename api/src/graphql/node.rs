//! The Relay `Node` interface and global-ID lookups.

use async_graphql::{Context, ID, Interface};

use crate::graphql::author::Author;
use crate::graphql::context::loaders;
use crate::graphql::ids::{self, NodeType};
use crate::graphql::paper::Paper;

/// An object with an opaque global ID that `node(id)` finds again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's opaque global ID."))]
pub enum Node {
    Paper(Paper),
    Author(Author),
}

/// Looks an ID up; an ID that is garbage, of an unknown type or of a missing row is `None`.
pub async fn find(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let Some((kind, row)) = ids::decode(id) else {
        return Ok(None);
    };
    let loaders = loaders(ctx)?;
    Ok(match kind {
        NodeType::Paper => loaders
            .paper_by_id
            .load_one(row)
            .await?
            .map(|p| Node::Paper(Paper(p))),
        NodeType::Author => loaders
            .author_by_id
            .load_one(row)
            .await?
            .map(|a| Node::Author(Author(a))),
    })
}
