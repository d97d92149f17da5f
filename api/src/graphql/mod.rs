//! The GraphQL layer: the schema's types by domain, their loaders, and the engine that runs
//! operations against them (`engine`). Resolvers stay thin and call the services.

// Each GraphQL argument is a resolver parameter: a connection field's page arguments alone are
// four once `#[connections]` has declared them.
#![allow(clippy::too_many_arguments)]
pub mod accounts;
pub mod args;
pub mod claims;
pub mod collections;
pub mod connection;
pub mod context;
pub mod digest;
pub mod discussion;
pub mod engine;
pub mod follows;
pub mod loaders;
pub mod moderation;
pub mod node;
pub mod notifications;
pub mod papers;
pub mod root;
pub mod scalars;
pub mod subscriptions;
pub mod tokens;
pub mod topics;
pub mod votes;
pub mod webhooks;

use async_graphql::MergedObject;

pub use engine::{Engine, sdl};

/// The entry points for reading: feeds, search, papers, authors, users, collections and any
/// object by global ID.
#[derive(MergedObject, Default)]
pub struct Query(
    root::RootQuery,
    papers::query::PaperQuery,
    accounts::query::AccountQuery,
    collections::query::CollectionQuery,
    topics::TopicQuery,
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
    follows::FollowMutation,
    moderation::ModerationMutation,
);
