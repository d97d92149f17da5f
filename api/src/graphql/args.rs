//! Parsing of arguments shared by many fields.

use async_graphql::ID;

use crate::error::{AppError, GqlResult};
use crate::ids::{self, Global};
use crate::services::pagination::PageArgs;

/// The Relay page arguments of a connection field (`first/after/last/before`), as sent: a
/// resolver that takes them has them declared by `#[connections]`.
pub struct RelayArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl RelayArgs {
    /// The arguments checked (`BAD_USER_INPUT` naming the one at fault).
    pub fn parse(self) -> async_graphql::Result<PageArgs> {
        page(self.first, self.after, self.last, self.before)
    }
}

/// The page arguments of a connection field that pages forward only (`first/after`).
pub struct ForwardArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
}

impl ForwardArgs {
    /// The arguments checked.
    pub fn parse(self) -> async_graphql::Result<PageArgs> {
        page(self.first, self.after, None, None)
    }
}

/// Checks Relay page arguments.
fn page(
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

/// Decodes an optional ID argument that must name an object of one type.
pub fn optional_id_arg<T: Global>(
    id: Option<&ID>,
    field: &str,
) -> async_graphql::Result<Option<T>> {
    id.map(|id| id_arg(id, field)).transpose()
}

/// Decodes an ID argument that must name an object of one type.
pub fn id_of<T: Global>(id: &ID, field: &str) -> Result<T, AppError> {
    ids::decode_as(id.as_str()).ok_or_else(|| {
        let kind = T::TYPE;
        AppError::bad_input(field, format!("{field} is not a valid {kind:?} ID"))
    })
}
