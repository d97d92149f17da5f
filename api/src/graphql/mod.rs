//! The GraphQL layer: schema, types, loaders. Resolvers stay thin and call the services.

// Each GraphQL argument is a resolver parameter; connection fields alone take four.
#![allow(clippy::too_many_arguments)]

pub mod api_token;
pub mod args;
pub mod author;
pub mod checks;
pub mod claim;
pub mod collection;
pub mod comment;
pub mod connection;
pub mod context;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod node;
pub mod paper;
pub mod query;
pub mod scalars;
pub mod search;
pub mod user;

use async_graphql::{EmptySubscription, Schema, SchemaBuilder};

use crate::config::Settings;
use crate::state::AppState;

pub type PapersSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// The one schema builder: the server and the SDL export both start here.
fn builder() -> SchemaBuilder<query::Query, mutation::Mutation, EmptySubscription> {
    Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        .register_output_type::<node::Node>()
}

/// The schema the server runs, with the state and the configured limits.
pub fn build(state: AppState, settings: &Settings) -> PapersSchema {
    let limit = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    builder()
        .data(state)
        .extension(limits::QueryLimits {
            max_complexity: limit(settings.max_complexity),
        })
        .limit_depth(limit(settings.max_depth))
        .limit_directives(limit(settings.max_directives))
        .limit_recursive_depth(64)
        .finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
