//! The `Author` type: a distinct author identity.

use async_graphql::{ID, Object};
use entity::author;

use crate::graphql::ids::{self, NodeType};

pub struct Author(pub author::Model);

/// A person listed as an author on one or more papers. Once a user's authorship claim is
/// approved, the author is linked to that user.
#[Object]
impl Author {
    /// The author's opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Author, self.0.id)
    }

    /// The author's name as listed on papers.
    async fn name(&self) -> &str {
        &self.0.name
    }
}
