//! What resolvers read from the context: the shared state and the request's own data.

use async_graphql::Context;

use crate::graphql::loaders::Loaders;
use crate::state::AppState;

/// Per-request data, attached by the HTTP handler to each GraphQL request.
pub struct RequestData {
    pub loaders: Loaders,
}

pub fn state<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a AppState> {
    ctx.data::<AppState>()
}

pub fn request<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a RequestData> {
    ctx.data::<RequestData>()
}

pub fn loaders<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Loaders> {
    Ok(&request(ctx)?.loaders)
}
