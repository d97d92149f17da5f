//! The black-box suite: the real service over HTTP (and the `papers` binary), a fresh database
//! per test, every storage test on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod cli;
mod demo;
mod errors;
mod import;
mod migrations;
mod read_api;
mod schema;
mod transport;
