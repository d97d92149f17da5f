//! Reading votes: which of several objects the viewer has upvoted (one query per kind of
//! object), the papers a user upvoted and the users who upvoted a paper.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use entity::{paper, paper_upvote, user};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use crate::error::AppError;
use crate::ids::{PaperId, UserId};
use crate::services::accounts::users;
use crate::services::pagination::{
    Key, KeyKind, Keyset, Page, PageArgs, ParentId, counts_of, qualified, uncounted,
};
use crate::services::papers;
use crate::services::votes::Votable;

/// Which of `ids` (papers, comments or collections) the user has upvoted, in one query.
pub async fn upvoted_by<T: Votable>(
    db: &DatabaseConnection,
    user: UserId,
    ids: &[T],
) -> Result<HashSet<T>, AppError> {
    let ledger = T::ledger();
    let voted = ledger.voted.clone();
    let query = Query::select()
        .column(ledger.voted)
        .from(ledger.votes)
        .and_where(Expr::col(ledger.voter).eq(user))
        .and_where(Expr::col(voted.clone()).is_in(ids.iter().copied()))
        .to_owned();
    let column = voted.to_string();
    db.query_all(&query)
        .await?
        .iter()
        .map(|row| Ok(row.try_get::<T>("", &column)?))
        .collect()
}

/// Each parent's page of paper votes seen from one side (a user's, or a paper's), latest vote
/// first, turned into the rows on the other side (the papers, or the users): one query for the
/// votes of every parent, one for the rows they name.
async fn through_paper_votes<P, O, R, F, Fut>(
    db: &DatabaseConnection,
    keyset: Keyset<paper_upvote::Column>,
    parent: paper_upvote::Column,
    parents: &[P],
    args: &PageArgs,
    other: fn(&paper_upvote::Model) -> O,
    find: F,
) -> Result<HashMap<P, Page<R>>, AppError>
where
    P: ParentId,
    O: ParentId,
    R: Clone,
    F: FnOnce(Vec<O>) -> Fut,
    Fut: Future<Output = Result<HashMap<O, R>, AppError>>,
{
    let votes = keyset
        .pages_of(
            db,
            paper_upvote::Entity::find(),
            qualified(parent),
            parents,
            args,
            false,
            |v| keyset.cursor(Key::Time(Some(v.created_at)), other(v)),
        )
        .await
        .map(uncounted)?;
    let ids: Vec<O> = votes
        .values()
        .flat_map(|page| page.items.iter().map(|(_, v)| other(v)))
        .collect();
    let found = find(ids).await?;
    Ok(votes
        .into_iter()
        .map(|(p, page)| (p, page.filter_map(|v| found.get(&other(&v)).cloned())))
        .collect())
}

/// The votes of paper upvotes, latest first, in pages that end in `tiebreak`.
fn latest_first(
    scope: &'static str,
    tiebreak: paper_upvote::Column,
) -> Keyset<paper_upvote::Column> {
    Keyset {
        scope,
        key: paper_upvote::Column::CreatedAt,
        kind: KeyKind::Time,
        tiebreak,
        descending: true,
    }
}

/// The same page of the papers each user upvoted, latest vote first.
pub async fn upvoted_papers(
    db: &DatabaseConnection,
    user_ids: &[UserId],
    args: &PageArgs,
) -> Result<HashMap<UserId, Page<paper::Model>>, AppError> {
    let keyset = latest_first("user-upvotes", paper_upvote::Column::PaperId);
    through_paper_votes(
        db,
        keyset,
        paper_upvote::Column::UserId,
        user_ids,
        args,
        |v| v.paper_id,
        |ids| async move { papers::find_by_ids(db, &ids).await },
    )
    .await
}

/// How many papers each user upvoted.
pub async fn upvoted_counts(
    db: &DatabaseConnection,
    user_ids: &[UserId],
) -> Result<HashMap<UserId, u64>, AppError> {
    counts_of(
        db,
        paper_upvote::Entity::find(),
        qualified(paper_upvote::Column::UserId),
        user_ids,
    )
    .await
}

/// The same page of the users who upvoted each paper, latest first.
pub async fn upvoters(
    db: &DatabaseConnection,
    paper_ids: &[PaperId],
    args: &PageArgs,
) -> Result<HashMap<PaperId, Page<user::Model>>, AppError> {
    let keyset = latest_first("paper-upvoters", paper_upvote::Column::UserId);
    through_paper_votes(
        db,
        keyset,
        paper_upvote::Column::PaperId,
        paper_ids,
        args,
        |v| v.user_id,
        |ids| async move { users::find_by_ids(db, &ids).await },
    )
    .await
}
