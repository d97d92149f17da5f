//! The GraphQL layer: schema, types, loaders. Resolvers stay thin and call the services.

// Each GraphQL argument is a resolver parameter; connection fields alone take four.
#![allow(clippy::too_many_arguments)]

pub mod accounts;
pub mod args;
pub mod checks;
pub mod claims;
pub mod collections;
pub mod connection;
pub mod context;
pub mod digest;
pub mod direct;
pub mod discussion;
pub mod extension;
pub mod introspection;
pub mod limits;
pub mod loaders;
pub mod moderation;
pub mod node;
pub mod notifications;
pub mod order;
pub mod papers;
pub mod root;
pub mod scalars;
pub mod subscriptions;
pub mod tokens;
pub mod votes;
pub mod webhooks;

use std::sync::{Arc, OnceLock};

use async_graphql::registry::Registry;
use async_graphql::{MergedObject, Schema, SchemaBuilder, SchemaEnv};

use crate::graphql::subscriptions::Subscription;

use crate::config::Settings;
use crate::state::AppState;

/// The entry points for reading: feeds, search, papers, authors, users, collections and any
/// object by global ID.
#[derive(MergedObject, Default)]
pub struct Query(
    root::RootQuery,
    papers::query::PaperQuery,
    accounts::query::AccountQuery,
    collections::query::CollectionQuery,
    moderation::ModerationQuery,
);

/// The entry points for writing: accounts, sessions, votes, comments, collections,
/// submissions, claims, webhooks and the email digest.
#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::mutation::AccountMutation,
    votes::VoteMutation,
    discussion::mutation::DiscussionMutation,
    papers::mutation::PaperMutation,
    collections::mutation::CollectionMutation,
    tokens::TokenMutation,
    claims::ClaimMutation,
    webhooks::WebhookMutation,
    digest::DigestMutation,
    notifications::NotificationMutation,
    moderation::ModerationMutation,
);

pub type PapersSchema = Schema<Query, Mutation, Subscription>;

/// The one schema builder: the server and the SDL export both start here.
fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .register_output_type::<node::Node>()
}

/// The schema twice, built once at start: the same types, state and document limits.
///
/// `hooked` carries the one extension (`graphql::extension`): the values check, the cost spent
/// from the request's budget, the response put in query order. But with any extension installed
/// async-graphql sends every resolved field and list item through a boxed hook chain with
/// registry lookups and formatted type names, which was a quarter of the feed's server time
/// (issue 10). So a query or mutation is checked on `hooked`, which stops before executing
/// ([`extension::CheckOnly`]), and executed on `bare`, which has no extension; the handler then
/// puts the response in query order (`http::graphql::execute`). Subscriptions run on `hooked`.
#[derive(Clone)]
pub struct Schemas {
    pub hooked: PapersSchema,
    pub bare: PapersSchema,
    /// The schema's registry, set by the first request checked on `hooked`.
    registry: Arc<OnceLock<SchemaEnv>>,
}

impl Schemas {
    /// The registry, once a request has been checked (every execution on `bare` follows one).
    pub fn registry(&self) -> Option<&Registry> {
        self.registry.get().map(|env| &env.registry)
    }
}

/// The schemas the server runs, with the state and the configured limits.
pub fn build(state: AppState, settings: &Settings) -> Schemas {
    let limit = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    // Depth is checked with the document limits (`checks`), where introspection has its own
    // bound: async-graphql's `limit_depth` would refuse tools' standard introspection.
    let limited = || {
        builder()
            .data(state.clone())
            .limit_directives(limit(settings.max_directives))
            .limit_recursive_depth(64)
    };
    let registry = Arc::new(OnceLock::new());
    Schemas {
        hooked: limited()
            .extension(extension::Operations {
                max_complexity: limit(settings.max_complexity),
                registry: registry.clone(),
            })
            .finish(),
        bare: limited().finish(),
        registry,
    }
}

/// The SDL of the schema, as committed in `schema.graphql`: every type (scalars with their
/// `@specifiedBy`), then the schema's root types under its description, as introspection
/// reports them.
pub fn sdl() -> String {
    let sdl = builder()
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by());
    let description = format!("\"\"\"\n{}\n\"\"\"\n", introspection::DESCRIPTION);
    match sdl.rfind("\nschema {") {
        Some(at) => format!("{}\n{description}{}", &sdl[..=at], &sdl[at + 1..]),
        None => sdl,
    }
}
