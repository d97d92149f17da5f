//! Papers: the backend of a community research-papers site, served as one GraphQL API.
//!
//! Request flow, one layer each: HTTP handler (`http`) → GraphQL resolver (`graphql`) →
//! service (`services`, the only code that touches sea-orm) → entity / database.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod mcp;
pub mod metrics;
pub mod render;
pub mod services;
pub mod state;
pub mod telemetry;
