//! What resolvers read from the context: the shared state and the request's own data.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::auth::Viewer;
use crate::graphql::loaders::Loaders;
use crate::state::AppState;

/// Per-request data, attached by the HTTP handler to each GraphQL request.
pub struct RequestData {
    pub viewer: Viewer,
    pub loaders: Loaders,
}

pub fn state<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a AppState> {
    ctx.data::<AppState>()
}

pub fn db(ctx: &Context<'_>) -> async_graphql::Result<DatabaseConnection> {
    Ok(state(ctx)?.db.clone())
}

pub fn request<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a RequestData> {
    ctx.data::<RequestData>()
}

pub fn loaders<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Loaders> {
    Ok(&request(ctx)?.loaders)
}

pub fn viewer<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Viewer> {
    Ok(&request(ctx)?.viewer)
}

pub fn viewer_id(ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
    Ok(viewer(ctx)?.user_id())
}
