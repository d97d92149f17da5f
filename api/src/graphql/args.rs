//! Parsing of arguments shared by many fields.

use async_graphql::ID;

use crate::error::{AppError, GqlResult};
use crate::ids::{self, Global};
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
pub fn id_arg<T: Global>(id: &ID, field: &str) -> async_graphql::Result<T> {
    id_of(id, field).gql()
}

/// Decodes an ID argument that must name an object of one type.
pub fn id_of<T: Global>(id: &ID, field: &str) -> Result<T, AppError> {
    ids::decode_as(id.as_str()).ok_or_else(|| {
        let kind = T::TYPE;
        AppError::bad_input(field, format!("{field} is not a valid {kind:?} ID"))
    })
}
