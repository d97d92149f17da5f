//! sea-orm entities of Papers, one module per table. Plain data: no GraphQL, no HTTP.
//!
//! Relations are declared only where a service joins through them; child lookups are batched by
//! the GraphQL layer's DataLoaders with explicit `IN (…)` queries.

pub mod api_token;
pub mod author;
pub mod authorship_claim;
pub mod collection;
pub mod collection_item;
pub mod collection_upvote;
pub mod comment;
pub mod comment_report;
pub mod comment_upvote;
pub mod digest_send;
pub mod digest_subscription;
pub mod follow;
pub mod ids;
pub mod job_run;
pub mod moderation_action;
pub mod notification;
pub mod paper;
pub mod paper_author;
pub mod paper_embedding;
pub mod paper_topic;
pub mod paper_upvote;
pub mod refresh_token;
pub mod topic;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
