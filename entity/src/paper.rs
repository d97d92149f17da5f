//! `papers`: arXiv preprints listed on the daily feed. Counters are denormalised and kept equal
//! to their rows by the services, in the same transaction as the rows.
use sea_orm::entity::prelude::*;

use crate::ids::{PaperId, UserId};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "papers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: PaperId,
    /// Without version, e.g. `2309.00916` or `hep-th/9901001`.
    #[sea_orm(unique)]
    pub arxiv_id: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub r#abstract: String,
    /// The arXiv publication date (midnight UTC); unknown for some papers.
    pub published_at: Option<DateTimeUtc>,
    /// When the paper entered the daily feed.
    pub submitted_at: DateTimeUtc,
    pub submitted_by: Option<UserId>,
    pub github_repo: Option<String>,
    pub project_page: Option<String>,
    /// Upvotes cast on this instance: always the number of `paper_upvotes` rows.
    pub upvote_count: i32,
    /// Non-deleted comments.
    pub comment_count: i32,
    pub trending_score: f64,
    /// The upvote count the paper had on the site it was imported from, kept for reference
    /// only: it is never added to `upvote_count` and never ranks anything.
    pub source_upvotes: Option<i32>,
    /// The author list as text (`A, B, C`), kept for full-text search.
    #[sea_orm(column_type = "Text")]
    pub author_names: String,
    /// The primary arXiv category (`cs.CL`), when an arXiv import said.
    #[sea_orm(column_type = "Text", nullable)]
    pub primary_category: Option<String>,
    /// The authors' comment on arXiv (`15 pages, 5 figures`), when an arXiv import said.
    #[sea_orm(column_type = "Text", nullable)]
    pub arxiv_comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
