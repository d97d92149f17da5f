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

/// An entry's columns as both readers of author lists get them: position, author id, name,
/// claiming user, follower count.
type EntryColumns = (i32, AuthorId, String, Option<UserId>, i32);

impl From<EntryColumns> for PaperAuthorEntry {
    fn from((position, id, name, user_id, follower_count): EntryColumns) -> Self {
        Self {
            position,
            author: author::Model {
                id,
                name,
                user_id,
                follower_count,
            },
        }
    }
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
        let entry = PaperAuthorEntry::from((position, id, name, user_id, follower_count));
        by_paper.entry(paper_id).or_default().push(entry);
    }
    Ok(by_paper)
}

/// How much of each paper's author list a statement of papers reads along with the rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReadAuthors {
    /// None: the list comes through the loader if at all.
    #[default]
    No,
    /// The names in order: all that an entry's `name` needs.
    Names,
    /// Whole entries with their author identities.
    Entries,
}

impl ReadAuthors {
    /// What a selection needs: the list (`list`), and with it more of each entry than its
    /// name (`more`: its `position`, `author` or `user`).
    pub fn asked(list: bool, more: bool) -> Self {
        match (list, more) {
            (false, _) => Self::No,
            (true, false) => Self::Names,
            (true, true) => Self::Entries,
        }
    }
}

/// A paper's author list as a statement of papers read it along.
#[derive(Debug, Clone)]
pub enum AuthorList {
    /// The names in order (`ReadAuthors::Names`).
    Names(Vec<String>),
    /// The entries with their identities (`ReadAuthors::Entries`).
    Entries(Vec<PaperAuthorEntry>),
}

impl AuthorList {
    /// How many authors the list has.
    pub fn len(&self) -> usize {
        match self {
            Self::Names(names) => names.len(),
            Self::Entries(entries) => entries.len(),
        }
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A correlated sub-select giving the ordered author list of the outer statement's `papers` row
/// as one JSON text (NULL or `[]` for a paper without authors), for a page of papers to read
/// its authors in its own statement: the links by the paper's key, each author by primary key,
/// as `authors_of` reads them. Names only (`["…", …]`) unless more is asked
/// (`[[position, id, name, user_id, follower_count], …]`): building an array per author was a
/// sixth of PostgreSQL's time for the feed's statement (pgbench, one client, `-M prepared`:
/// 1.53–1.63 ms against 1.26–1.37 with names only).
pub(super) fn authors_json(read: ReadAuthors, backend: DbBackend) -> Option<Expr> {
    let postgres = backend == DbBackend::Postgres;
    let entry = match read {
        ReadAuthors::No => return None,
        ReadAuthors::Names => "a.name",
        ReadAuthors::Entries if postgres => {
            "json_build_array(l.position, a.id, a.name, a.user_id, a.follower_count)"
        }
        ReadAuthors::Entries => "json_array(l.position, a.id, a.name, a.user_id, a.follower_count)",
    };
    let (aggregate, cast) = match postgres {
        true => ("json_agg", "::text"),
        false => ("json_group_array", ""),
    };
    Some(Expr::cust(format!(
        "(SELECT {aggregate}({entry} ORDER BY l.position){cast} FROM paper_authors AS l \
         JOIN authors AS a ON a.id = l.author_id WHERE l.paper_id = \"papers\".\"id\")"
    )))
}

/// The list that `authors_json` read.
pub(super) fn parse_authors_json(
    read: ReadAuthors,
    text: Option<&str>,
) -> Result<AuthorList, AppError> {
    let bad = |e: serde_json::Error| AppError::Internal(format!("a paper's author list: {e}"));
    let text = text.unwrap_or("[]");
    if read != ReadAuthors::Entries {
        return Ok(AuthorList::Names(serde_json::from_str(text).map_err(bad)?));
    }
    let entries: Vec<EntryColumns> = serde_json::from_str(text).map_err(bad)?;
    Ok(AuthorList::Entries(
        entries.into_iter().map(PaperAuthorEntry::from).collect(),
    ))
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
