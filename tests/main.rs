//! The black-box suite: the real service over HTTP (and the `papers` binary), a fresh database
//! per test, every storage test on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod accounts;
mod agents;
mod api_tokens;
mod backup;
mod claims;
mod cli;
mod collections;
mod comments;
mod curation;
mod demo;
mod digest;
mod discovery;
mod discussion;
mod erasure;
mod errors;
mod feeds;
mod follows;
mod hardening;
mod import;
mod integrations;
mod migrations;
mod moderation;
mod notifications;
mod people;
mod properties;
mod read_api;
mod recommendations;
mod replicas;
mod schema;
mod search;
mod seed;
mod statements;
mod subscriptions;
mod syndication;
mod throttles;
mod tokens;
mod tooling;
mod topics;
mod transfer;
mod transport;
mod trending;
mod viewer_cache;
mod votes;
mod webhooks;
