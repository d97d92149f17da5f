//! The root fields of no particular domain: any object by global ID, and the viewer.

use async_graphql::{Context, ID, Object};

use crate::error::{AppError, GqlResult};
use crate::graphql::accounts::User;
use crate::graphql::context::caller;
use crate::graphql::node::{self, Node};

/// The most IDs one `nodes` call may ask for.
pub const MAX_NODES: usize = 100;

#[derive(Default)]
pub struct RootQuery;

/// Objects by global ID, and the viewer.
#[Object]
impl RootQuery {
    /// Any object with a global ID; null when the ID is unknown, malformed, of another type, or
    /// another user's private collection.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID as returned by an object's `id` field.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        node::find(ctx, &id).await
    }

    /// Several objects by global ID, in the order asked; null for each that `node` would not
    /// answer.
    #[graphql(complexity = "ids.len().max(1) * child_complexity + 1")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::bad_input(
                "ids",
                format!("at most {MAX_NODES} IDs per call"),
            ))
            .gql();
        }
        // Every lookup goes through the loaders, so the IDs of one type cost one query.
        let lookups = ids.iter().map(|id| node::find(ctx, id));
        futures_util::future::try_join_all(lookups).await
    }

    /// The signed-in user; null when anonymous.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(caller(ctx)?.user.clone().map(User::from))
    }
}
