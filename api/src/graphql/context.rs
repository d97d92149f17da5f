//! What resolvers read from the context: the shared state and the request's own data.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::auth::Viewer;
use crate::error::GqlResult;
use crate::graphql::loaders::Loaders;
use crate::state::AppState;

/// Per-request data, attached by the HTTP handler to each GraphQL request.
pub struct RequestData {
    pub viewer: Viewer,
    /// The client's address, for per-address throttles.
    pub client: Option<std::net::IpAddr>,
    pub loaders: Loaders,
    /// The user a mutation of this request signed in (`register`, `login`, …): their own
    /// `AuthPayload.user` may show them their email although the request came anonymously.
    pub signed_in: std::sync::Mutex<Option<i64>>,
}

impl RequestData {
    pub fn new(viewer: Viewer, client: Option<std::net::IpAddr>, loaders: Loaders) -> Self {
        Self {
            viewer,
            client,
            loaders,
            signed_in: std::sync::Mutex::new(None),
        }
    }
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

/// The signed-in user, or `UNAUTHENTICATED`.
pub fn signed_in(ctx: &Context<'_>) -> async_graphql::Result<entity::user::Model> {
    viewer(ctx)?
        .user
        .clone()
        .ok_or(crate::error::AppError::Unauthenticated)
        .gql()
}

/// Whether the user is the one asking: the viewer, or the user this request signed in.
pub fn is_self(ctx: &Context<'_>, user_id: i64) -> async_graphql::Result<bool> {
    let request = request(ctx)?;
    if request.viewer.user_id() == Some(user_id) {
        return Ok(true);
    }
    Ok(request
        .signed_in
        .lock()
        .map(|s| *s == Some(user_id))
        .unwrap_or(false))
}

/// Records the user a mutation signed in.
pub fn record_sign_in(ctx: &Context<'_>, user_id: i64) -> async_graphql::Result<()> {
    if let Ok(mut signed_in) = request(ctx)?.signed_in.lock() {
        *signed_in = Some(user_id);
    }
    Ok(())
}
