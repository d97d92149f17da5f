//! The authors of papers: each paper's ordered list, author identities by id, and how many
//! papers each lists.

use std::collections::HashMap;

use entity::{author, paper_author};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppError;
use crate::ids::{AuthorId, PaperId, UserId};

/// An entry of a paper's ordered author list.
#[derive(Debug, Clone)]
pub struct PaperAuthorEntry {
    pub position: i32,
    pub author: author::Model,
}

/// The ordered authors of each of the given papers, links and authors in one statement (a join
/// driven by the links of these papers, so PostgreSQL reads each author by primary key).
pub async fn authors_of(
    db: &DatabaseConnection,
    paper_ids: &[PaperId],
) -> Result<HashMap<PaperId, Vec<PaperAuthorEntry>>, AppError> {
    use sea_orm::{JoinType, QuerySelect, RelationTrait};
    // Exactly the columns an entry needs, read by position: a feed page reads some 150 rows
    // here, and decoding two whole models by prefixed column names (`find_also_related`) cost
    // the server a string per column per row.
    let rows: Vec<(PaperId, i32, AuthorId, String, Option<UserId>, i32)> =
        paper_author::Entity::find()
            .select_only()
            .column(paper_author::Column::PaperId)
            .column(paper_author::Column::Position)
            .column(author::Column::Id)
            .column(author::Column::Name)
            .column(author::Column::UserId)
            .column(author::Column::FollowerCount)
            .join(JoinType::InnerJoin, paper_author::Relation::Author.def())
            .filter(paper_author::Column::PaperId.is_in(paper_ids.iter().copied()))
            .order_by_asc(paper_author::Column::PaperId)
            .order_by_asc(paper_author::Column::Position)
            .into_tuple()
            .all(db)
            .await?;
    let mut by_paper: HashMap<PaperId, Vec<PaperAuthorEntry>> = HashMap::new();
    for (paper_id, position, id, name, user_id, follower_count) in rows {
        by_paper
            .entry(paper_id)
            .or_default()
            .push(PaperAuthorEntry {
                position,
                author: author::Model {
                    id,
                    name,
                    user_id,
                    follower_count,
                },
            });
    }
    Ok(by_paper)
}

/// A correlated sub-select giving the ordered author list of the outer statement's `papers` row
/// as one JSON text (`[[position, id, name, user_id, follower_count], …]`; NULL or `[]` for a
/// paper without authors), for a page of papers to read its authors in its own statement: the
/// links by the paper's key, each author by primary key, as `authors_of` reads them.
pub(super) fn authors_json(backend: DbBackend) -> Expr {
    let (aggregate, cast) = match backend {
        DbBackend::Postgres => ("json_agg(json_build_array", "::text"),
        _ => ("json_group_array(json_array", ""),
    };
    Expr::cust(format!(
        "(SELECT {aggregate}(l.position, a.id, a.name, a.user_id, a.follower_count) \
         ORDER BY l.position){cast} FROM paper_authors AS l JOIN authors AS a ON a.id = l.author_id \
         WHERE l.paper_id = \"papers\".\"id\")"
    ))
}

/// The entries of what `authors_json` read.
pub(super) fn parse_authors_json(text: Option<&str>) -> Result<Vec<PaperAuthorEntry>, AppError> {
    type Entry = (i32, AuthorId, String, Option<UserId>, i32);
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let entries: Vec<Entry> = serde_json::from_str(text)
        .map_err(|e| AppError::Internal(format!("a paper's author list: {e}")))?;
    Ok(entries
        .into_iter()
        .map(
            |(position, id, name, user_id, follower_count)| PaperAuthorEntry {
                position,
                author: author::Model {
                    id,
                    name,
                    user_id,
                    follower_count,
                },
            },
        )
        .collect())
}

/// Authors by id, for `node` and the Author loader.
pub async fn authors_by_ids(
    db: &DatabaseConnection,
    ids: &[AuthorId],
) -> Result<HashMap<AuthorId, author::Model>, AppError> {
    let rows = author::Entity::find()
        .filter(author::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

/// How many papers each author lists, in one query.
pub async fn paper_counts(
    db: &DatabaseConnection,
    author_ids: &[AuthorId],
) -> Result<HashMap<AuthorId, i64>, AppError> {
    use sea_orm::{FromQueryResult, QuerySelect};
    #[derive(FromQueryResult)]
    struct Row {
        author_id: AuthorId,
        n: i64,
    }
    let rows = paper_author::Entity::find()
        .select_only()
        .column(paper_author::Column::AuthorId)
        .column_as(
            Expr::col(paper_author::Column::PaperId).count_distinct(),
            "n",
        )
        .filter(paper_author::Column::AuthorId.is_in(author_ids.iter().copied()))
        .group_by(paper_author::Column::AuthorId)
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.author_id, r.n)).collect())
}
