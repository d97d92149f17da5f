//! Parsing of arguments shared by many fields.

use async_graphql::ID;

use crate::error::{AppError, GqlResult};
use crate::graphql::ids::{self, NodeType};
use crate::services::pagination::PageArgs;

/// Checks Relay page arguments.
pub fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> async_graphql::Result<PageArgs> {
    PageArgs::parse(first, after, last, before).gql()
}

/// Decodes an ID argument that must name an object of one type, as a resolver's error.
pub fn id_arg(kind: NodeType, id: &ID, field: &str) -> async_graphql::Result<i64> {
    id_of(kind, id, field).gql()
}

/// Decodes an ID argument that must name an object of one type.
pub fn id_of(kind: NodeType, id: &ID, field: &str) -> Result<i64, AppError> {
    ids::decode_as(kind, id)
        .ok_or_else(|| AppError::bad_input(field, format!("{field} is not a valid {kind:?} ID")))
}
