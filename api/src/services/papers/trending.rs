//! The trending score: a time-decayed rank in the manner of Hacker News,
//! `ln(2 + upvotes) / (hours since submission + 2)^GRAVITY`, stored in `trending_score` and
//! indexed. A vote refreshes its paper's score at once; a background task refreshes the papers
//! and collections of the last [`REFRESH_WINDOW_DAYS`] days, whose scores still move with time.
//! Older scores are already tiny and stay as last computed.

use chrono::{DateTime, Duration, Utc};
use entity::{collection, paper};
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use crate::error::AppError;
use crate::ids::PaperId;

/// How fast a paper sinks as it ages.
pub const GRAVITY: f64 = 1.8;
/// How far back the periodic refresh reaches.
pub const REFRESH_WINDOW_DAYS: i64 = 7;
/// Rows updated per statement.
const CHUNK: usize = 500;

/// The score of something with `upvotes` votes, submitted at `submitted_at`, as seen at `now`.
pub fn score(upvotes: i32, submitted_at: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    let hours = ((now - submitted_at).num_seconds().max(0) as f64) / 3600.0;
    (2.0 + f64::from(upvotes.max(0))).ln() / (hours + 2.0).powf(GRAVITY)
}

/// Recomputes one paper's score (after a vote), inside the caller's transaction.
pub async fn refresh_paper<C: ConnectionTrait>(db: &C, paper_id: PaperId) -> Result<(), AppError> {
    let Some(row) = paper::Entity::find_by_id(paper_id).one(db).await? else {
        return Ok(());
    };
    let value = score(row.upvote_count, row.submitted_at, crate::services::now());
    paper::Entity::update_many()
        .col_expr(paper::Column::TrendingScore, Expr::value(value))
        .filter(paper::Column::Id.eq(paper_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The columns a trending score is computed from and stored in.
struct Scored<E: EntityTrait> {
    id: E::Column,
    upvotes: E::Column,
    since: E::Column,
    score: E::Column,
}

/// Recomputes the scores of recent papers and collections; returns how many rows it updated.
pub async fn refresh_recent(db: &DatabaseConnection) -> Result<usize, AppError> {
    let papers = Scored::<paper::Entity> {
        id: paper::Column::Id,
        upvotes: paper::Column::UpvoteCount,
        since: paper::Column::SubmittedAt,
        score: paper::Column::TrendingScore,
    };
    let collections = Scored::<collection::Entity> {
        id: collection::Column::Id,
        upvotes: collection::Column::UpvoteCount,
        since: collection::Column::CreatedAt,
        score: collection::Column::TrendingScore,
    };
    Ok(refresh(db, papers).await? + refresh(db, collections).await?)
}

/// Recomputes the scores of one table's rows of the refresh window, [`CHUNK`] rows a statement.
async fn refresh<E: EntityTrait>(
    db: &DatabaseConnection,
    table: Scored<E>,
) -> Result<usize, AppError> {
    let now = crate::services::now();
    let since = now - Duration::days(REFRESH_WINDOW_DAYS);
    let scores: Vec<(i64, f64)> = E::find()
        .select_only()
        .columns([table.id, table.upvotes, table.since])
        .filter(table.since.gte(since))
        .into_tuple::<(i64, i32, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, votes, at)| (id, score(votes, at, now)))
        .collect();
    for chunk in scores.chunks(CHUNK) {
        E::update_many()
            .col_expr(table.score, case(table.id, chunk))
            .filter(table.id.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(db)
            .await?;
    }
    Ok(scores.len())
}

/// `CASE id WHEN … THEN score … END`.
fn case<C: ColumnTrait>(id: C, scores: &[(i64, f64)]) -> Expr {
    let mut case = CaseStatement::new();
    for (row, value) in scores {
        case = case.case(id.eq(*row), Expr::value(*value));
    }
    case.finally(Expr::value(0.0)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_votes_rank_higher_and_age_decays() {
        let now = Utc::now();
        assert!(score(10, now, now) > score(1, now, now));
        assert!(score(10, now, now) > score(10, now - Duration::hours(24), now));
        assert!(score(0, now, now) > 0.0);
    }
}
