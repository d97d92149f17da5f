//! Schema migrations of Papers: one file per table or change, each with a real `down()`.
//! The same migrations run on SQLite and PostgreSQL; dialect-specific statements, where a file
//! needs them, are chosen inside that file.

pub use sea_orm_migration::prelude::*;

pub mod arxiv_categories;
mod columns;
mod m20261126_000001_users;
mod m20261126_000002_authors;
mod m20261126_000003_papers;
mod m20261126_000004_paper_authors;
mod m20261126_000005_paper_upvotes;
mod m20261126_000006_comments;
mod m20261126_000007_comment_upvotes;
mod m20261126_000008_collections;
mod m20261126_000009_collection_items;
mod m20261126_000010_collection_upvotes;
mod m20261126_000011_refresh_tokens;
mod m20261126_000012_api_tokens;
mod m20261126_000013_authorship_claims;
mod m20261126_000014_paper_search;
mod m20261127_000015_unique_item_positions;
mod m20261127_000016_comment_body_html;
mod m20261127_000017_stemmed_author_search;
mod m20261127_000018_comment_indexes_by_id;
mod m20261127_000019_replicas;
mod m20261127_000020_arxiv_metadata;
mod m20261127_000021_webhooks;
mod m20261127_000022_digest;
mod m20261127_000023_notifications;
mod m20261127_000024_moderation;
mod m20261205_000025_paper_embeddings;
mod m20261205_000026_user_change_events;
mod m20261205_000027_topics;
mod m20261205_000028_follows;
mod m20261205_000029_followed_notifications;
mod m20261205_000030_digest_kinds;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_users::Migration),
            Box::new(m20261126_000002_authors::Migration),
            Box::new(m20261126_000003_papers::Migration),
            Box::new(m20261126_000004_paper_authors::Migration),
            Box::new(m20261126_000005_paper_upvotes::Migration),
            Box::new(m20261126_000006_comments::Migration),
            Box::new(m20261126_000007_comment_upvotes::Migration),
            Box::new(m20261126_000008_collections::Migration),
            Box::new(m20261126_000009_collection_items::Migration),
            Box::new(m20261126_000010_collection_upvotes::Migration),
            Box::new(m20261126_000011_refresh_tokens::Migration),
            Box::new(m20261126_000012_api_tokens::Migration),
            Box::new(m20261126_000013_authorship_claims::Migration),
            Box::new(m20261126_000014_paper_search::Migration),
            Box::new(m20261127_000015_unique_item_positions::Migration),
            Box::new(m20261127_000016_comment_body_html::Migration),
            Box::new(m20261127_000017_stemmed_author_search::Migration),
            Box::new(m20261127_000018_comment_indexes_by_id::Migration),
            Box::new(m20261127_000019_replicas::Migration),
            Box::new(m20261127_000020_arxiv_metadata::Migration),
            Box::new(m20261127_000021_webhooks::Migration),
            Box::new(m20261127_000022_digest::Migration),
            Box::new(m20261127_000023_notifications::Migration),
            Box::new(m20261127_000024_moderation::Migration),
            Box::new(m20261205_000025_paper_embeddings::Migration),
            Box::new(m20261205_000026_user_change_events::Migration),
            Box::new(m20261205_000027_topics::Migration),
            Box::new(m20261205_000028_follows::Migration),
            Box::new(m20261205_000029_followed_notifications::Migration),
            Box::new(m20261205_000030_digest_kinds::Migration),
        ]
    }
}
