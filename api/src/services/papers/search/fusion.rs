//! The rankings by meaning: `SEMANTIC` is the papers nearest to the query's vector; `HYBRID`
//! fuses that list with the full-text ranking by reciprocal rank fusion (Cormack, Clarke and
//! Büttcher, 2009): a paper scores `1 / (RRF_K + rank)` in each list it appears in (ranks from 1),
//! summed. Fusing ranks rather than scores needs no calibration between a cosine and bm25, and a
//! paper high in either list ranks high. Each list is cut at [`DEPTH`].
//!
//! A paper whose title is the query (the same words) comes first in `HYBRID`, with the best
//! score: whoever types a title wants that paper, even when its abstract is about something
//! broader than its title.

use std::collections::HashMap;

use entity::paper;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::{Mode, lexical, words as words_of};
use crate::error::AppError;
use crate::ids::PaperId;
use crate::services::discovery::Discovery;

/// The constant of reciprocal rank fusion: the usual 60, which flattens the difference between
/// neighbouring ranks so that agreement between the lists counts more than the top of one.
pub const RRF_K: f64 = 60.0;
/// How deep each ranking is read, and so the most results a search by meaning has.
pub const DEPTH: usize = 100;
/// How many of the best full-text matches are checked for a title equal to the query.
const TITLE_CHECKED: usize = 10;

/// A paper of a ranking by meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub id: PaperId,
    pub score: f64,
    /// Whether the full-text engine matched it too.
    pub lexical: bool,
}

/// The whole ranking of a query in `SEMANTIC` or `HYBRID` mode, best first.
pub async fn ranking(
    db: &DatabaseConnection,
    discovery: &Discovery,
    query: &str,
    words: &[String],
    mode: Mode,
) -> Result<Vec<Ranked>, AppError> {
    let nearest = discovery.nearest_to_text(query.trim(), DEPTH);
    if mode != Mode::Hybrid {
        return Ok(nearest
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|(id, score)| Ranked {
                id,
                score: f64::from(score),
                lexical: false,
            })
            .collect());
    }
    // The query's embedding (on the model's threads) and the full-text ranking at once.
    let depth = u64::try_from(DEPTH).unwrap_or(u64::MAX);
    let (nearest, matched) = tokio::join!(nearest, lexical::best(db, words, depth));
    let nearest: Vec<PaperId> = nearest?
        .unwrap_or_default()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let matched: Vec<PaperId> = matched?.into_iter().map(|row| row.id).collect();
    let mut fused = fuse(&matched, &nearest);
    if let Some(title) = title_match(db, words, &matched).await? {
        promote(&mut fused, title);
    }
    Ok(fused)
}

/// Reciprocal rank fusion of the full-text ranking and the ranking by meaning.
fn fuse(lexical: &[PaperId], semantic: &[PaperId]) -> Vec<Ranked> {
    let mut scores: HashMap<PaperId, Ranked> = HashMap::new();
    for (list, is_lexical) in [(lexical, true), (semantic, false)] {
        for (rank, &id) in list.iter().take(DEPTH).enumerate() {
            // Ranks are at most DEPTH: exact in an f64.
            #[allow(clippy::cast_precision_loss)]
            let share = 1.0 / (RRF_K + (rank + 1) as f64);
            let entry = scores.entry(id).or_insert(Ranked {
                id,
                score: 0.0,
                lexical: false,
            });
            entry.score += share;
            entry.lexical |= is_lexical;
        }
    }
    let mut fused: Vec<Ranked> = scores.into_values().collect();
    fused.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
    fused
}

/// Moves a paper to the top with the best score.
fn promote(fused: &mut Vec<Ranked>, id: PaperId) {
    let best = fused.first().map_or(0.0, |r| r.score);
    if let Some(at) = fused.iter().position(|r| r.id == id) {
        let mut hit = fused.remove(at);
        hit.score = hit.score.max(best);
        fused.insert(0, hit);
    }
}

/// Among the best full-text matches, the first whose title has exactly the query's words.
async fn title_match(
    db: &DatabaseConnection,
    words: &[String],
    matched: &[PaperId],
) -> Result<Option<PaperId>, AppError> {
    let checked: Vec<PaperId> = matched.iter().copied().take(TITLE_CHECKED).collect();
    if checked.is_empty() {
        return Ok(None);
    }
    let titles: HashMap<PaperId, String> = paper::Entity::find()
        .select_only()
        .columns([paper::Column::Id, paper::Column::Title])
        .filter(paper::Column::Id.is_in(checked.iter().copied()))
        .into_tuple::<(PaperId, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(checked
        .into_iter()
        .find(|id| titles.get(id).is_some_and(|t| words_of(t) == words)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_between_the_lists_ranks_first() {
        let (a, b, c, d) = (PaperId(1), PaperId(2), PaperId(3), PaperId(4));
        // b is second in both lists; a and d top one list each and miss the other.
        let fused = fuse(&[a, b, c], &[d, b]);
        let order: Vec<PaperId> = fused.iter().map(|r| r.id).collect();
        assert_eq!(order, [b, d, a, c]);
        assert!((fused[0].score - 2.0 / 62.0).abs() < 1e-12);
        assert!(fused[0].lexical && !fused[1].lexical);
    }

    #[test]
    fn a_promoted_title_comes_first_with_the_best_score() {
        let mut fused = fuse(&[PaperId(1), PaperId(2)], &[PaperId(1), PaperId(3)]);
        promote(&mut fused, PaperId(2));
        assert_eq!(fused[0].id, PaperId(2));
        assert!(fused[0].score >= fused[1].score);
    }
}
