//! Similar papers: with an embedding model, the papers whose vectors are nearest to the paper's;
//! without one (or before the paper has its vector), the papers that share its most
//! distinctive words, through the full-text engine (`like`). Never the paper itself, best first,
//! at most [`MAX_SIMILAR`].

mod like;

use std::collections::HashMap;

use entity::paper;
use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::ids::PaperId;
use crate::services::discovery::Discovery;
use crate::services::pagination::{PageArgs, Positions};
use crate::services::papers;

/// The most similar papers listed for one paper.
pub const MAX_SIMILAR: usize = 100;

/// A similar paper.
#[derive(Debug, Clone)]
pub struct Similar {
    pub cursor: String,
    pub paper: paper::Model,
    /// The cosine of the two vectors, or the full-text engine's score: higher is more similar,
    /// comparable within one list only.
    pub score: f64,
}

/// A page of similar papers.
#[derive(Debug, Clone)]
pub struct SimilarPage {
    pub items: Vec<Similar>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    /// How many similar papers are listed in all.
    pub total: u64,
}

/// A page of the papers most similar to `paper`.
pub async fn similar(
    db: &DatabaseConnection,
    discovery: &Discovery,
    paper: PaperId,
    args: &PageArgs,
) -> Result<SimilarPage, AppError> {
    let scope = format!("similar:{paper}");
    let positions = Positions::of(args, &scope)?;
    let ranking: Vec<(PaperId, f64)> = match discovery.nearest_to_paper(paper, MAX_SIMILAR) {
        Some(nearest) => nearest
            .into_iter()
            .map(|(id, score)| (id, f64::from(score)))
            .collect(),
        None => like::ranking(db, paper, MAX_SIMILAR).await?,
    };
    let page = positions.slice(&ranking);
    let ids: Vec<PaperId> = page.iter().map(|(_, (id, _))| *id).collect();
    let mut found: HashMap<PaperId, paper::Model> = papers::find_by_ids(db, &ids).await?;
    let items = page
        .into_iter()
        .filter_map(|(at, (id, score))| {
            Some(Similar {
                cursor: Positions::cursor(&scope, at),
                paper: found.remove(&id)?,
                score,
            })
        })
        .collect();
    let (has_next_page, has_previous_page) = positions.flags(positions.more_in(ranking.len()));
    Ok(SimilarPage {
        items,
        has_next_page,
        has_previous_page,
        total: u64::try_from(ranking.len()).unwrap_or(u64::MAX),
    })
}
