//! Reading papers: by id, by arXiv id, and as filtered and ordered pages.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{paper, paper_upvote, user};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, JoinType, Query, SubQueryStatement};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryTrait, Select,
};

use crate::error::AppError;
use crate::ids::{PaperId, UserId};
use crate::services::accounts::users;
use crate::services::pagination::{Key, KeyKind, Keyset, Page, PageArgs};
use crate::services::papers::arxiv::ArxivId;
use crate::services::papers::authors::{authors_json, parse_authors_json};
use crate::services::papers::{AuthorList, PaperFilter, ReadAuthors};

/// The orders of a paper list. Each ends in the paper id (newest first) as its tie-breaker, so
/// that paging never skips or repeats a paper when scores tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperOrder {
    /// Highest trending score first.
    Trending,
    /// Most upvotes first.
    Upvotes,
    /// Latest to enter the feed first.
    SubmittedAt,
    /// Latest arXiv publication first; papers without a date last.
    PublishedAt,
}

impl PaperOrder {
    pub(super) fn keyset(self) -> Keyset<paper::Column> {
        let (scope, key, kind) = match self {
            Self::Trending => (
                "papers:trending",
                paper::Column::TrendingScore,
                KeyKind::Float,
            ),
            Self::Upvotes => ("papers:upvotes", paper::Column::UpvoteCount, KeyKind::Int),
            Self::SubmittedAt => (
                "papers:submitted",
                paper::Column::SubmittedAt,
                KeyKind::Time,
            ),
            Self::PublishedAt => (
                "papers:published",
                paper::Column::PublishedAt,
                KeyKind::NullableTime,
            ),
        };
        Keyset {
            scope,
            key,
            kind,
            tiebreak: paper::Column::Id,
            descending: true,
        }
    }

    pub(super) fn key_of(self, row: &paper::Model) -> Key {
        match self {
            Self::Trending => Key::Float(row.trending_score),
            Self::Upvotes => Key::Int(i64::from(row.upvote_count)),
            Self::SubmittedAt => Key::Time(Some(row.submitted_at)),
            Self::PublishedAt => Key::Time(row.published_at),
        }
    }
}

pub async fn find_by_id(
    db: &DatabaseConnection,
    id: PaperId,
) -> Result<Option<paper::Model>, AppError> {
    Ok(paper::Entity::find_by_id(id).one(db).await?)
}

/// Finds a paper by arXiv id; a versioned id finds its paper, a malformed one finds nothing.
pub async fn find_by_arxiv_id(
    db: &DatabaseConnection,
    arxiv_id: &str,
) -> Result<Option<paper::Model>, AppError> {
    Ok(find_listed_by_arxiv_id(db, arxiv_id, Along::default())
        .await?
        .map(|row| row.paper))
}

/// Finds a paper by arXiv id as `find_by_arxiv_id` does, with what `along` asks (the viewer's
/// upvote; a total means nothing here) read in the same statement.
pub async fn find_listed_by_arxiv_id(
    db: &DatabaseConnection,
    arxiv_id: &str,
    along: Along,
) -> Result<Option<Listed>, AppError> {
    let Some(id) = ArxivId::parse(arxiv_id) else {
        return Ok(None);
    };
    let select = paper::Entity::find().filter(paper::Column::ArxivId.eq(id.as_str()));
    let (rows, _) = read_along(db, select, along, Total::None, None).await?;
    Ok(rows.into_iter().next())
}

/// Papers by id, for the DataLoader and `nodes`.
pub async fn find_by_ids(
    db: &DatabaseConnection,
    ids: &[PaperId],
) -> Result<HashMap<PaperId, paper::Model>, AppError> {
    let rows = paper::Entity::find()
        .filter(paper::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

/// What a page of papers reads in its own statement besides the rows, when the client asked
/// for it: each field saved here is one round trip fewer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Along {
    /// Whether this user upvoted each paper (a correlated `EXISTS` per row of the page).
    pub upvoted_by: Option<UserId>,
    /// How many papers the filter selects: an uncorrelated sub-select, which both databases
    /// evaluate once per statement, whatever the page size (on the first page of a period of
    /// the feed, a window over the rows the statement reads anyway).
    pub total: bool,
    /// Whether the client left `abstract` out of its selection: an empty string then stands in
    /// for it, and the page's longest column is neither sent nor copied.
    pub without_abstract: bool,
    /// Each paper's ordered author list, names only or whole entries (a correlated sub-select
    /// per row giving one JSON text).
    pub authors: ReadAuthors,
    /// The user who submitted each paper (a left join of `users` on its primary key).
    pub submitter: bool,
}

/// A paper of a page, with what was read along with it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub paper: paper::Model,
    pub read: ReadAlong,
}

/// What a paper's statement read along with its row, each `None` when not asked.
#[derive(Debug, Clone, Default)]
pub struct ReadAlong {
    /// Whether `Along::upvoted_by` upvoted it.
    pub upvoted: Option<bool>,
    /// Its ordered author list.
    pub authors: Option<AuthorList>,
    /// The user who submitted it, `Some(None)` when no one did (an imported paper); shared by
    /// the papers of a page with the same submitter.
    pub submitter: Option<Option<Arc<user::Model>>>,
}

/// A page of papers with what was read along with it.
pub struct PaperPage {
    pub page: Page<Listed>,
    /// The filter's total, when asked and the page had a row to carry it (an empty first page
    /// means a total of 0; an empty later page tells nothing).
    pub total: Option<u64>,
}

/// One page of the papers a filter selects, in the given order.
pub async fn list(
    db: &DatabaseConnection,
    filter: &PaperFilter,
    order: PaperOrder,
    args: &PageArgs,
    along: Along,
) -> Result<PaperPage, AppError> {
    let keyset = order.keyset();
    let select = keyset.apply(filter.select(db.get_database_backend()), args)?;
    // A first page of one period of the feed reads every row of the period to order them
    // anyway (no index gives the order of upvotes or scores): on PostgreSQL counting those rows
    // as they pass costs nothing, where the sub-select scanned the period a second time. (SQLite
    // runs the window as a sub-query of its own, slower than its second scan: 0.34 against
    // 0.20 ms for a day of 140 papers.)
    let windowed = args.cursor.is_none()
        && filter.submitted.is_some()
        && db.get_database_backend() == sea_orm::DbBackend::Postgres;
    let total = match along.total {
        false => Total::None,
        true if windowed => Total::Window,
        true => Total::Of(filter),
    };
    let reorder = |outer| keyset.order(outer, args);
    let (rows, mut total) = read_along(db, select, along, total, Some(&reorder)).await?;
    if along.total && total.is_none() && args.cursor.is_none() {
        // No row to carry the total: the filter selects nothing.
        total = Some(0);
    }
    Ok(PaperPage {
        page: Page::from_rows(args, rows, |row| {
            keyset.cursor(order.key_of(&row.paper), row.paper.id)
        }),
        total,
    })
}

/// How a page's statement reads the size of its list.
#[derive(Clone, Copy)]
enum Total<'a> {
    None,
    /// A sub-select counting what the filter selects.
    Of(&'a PaperFilter),
    /// A window over the rows the statement reads: right only when no cursor narrows them.
    Window,
}

/// Runs a select of papers with what `along` asks read in the same statement: the viewer's
/// upvote, the authors and the submitter per row, and the list's total (`total`), which the
/// first row carries.
///
/// A page (`reorder` given: the page's order, to apply again) is read in two levels: the select
/// with its filter, cursor, order, limit and total becomes a table of its own named `papers`,
/// and an outer select around it reads the rest for the rows of the page only, in the same
/// order. Why: a day of the feed has some 140 papers for a page of 50, and both databases
/// evaluated what a single level read along before its sort and limit: SQLite every column for
/// all 140 rows (its sorter holds whole rows), PostgreSQL the submitter's join.
async fn read_along(
    db: &DatabaseConnection,
    mut select: Select<paper::Entity>,
    along: Along,
    total: Total<'_>,
    reorder: Option<&(dyn Fn(Select<paper::Entity>) -> Select<paper::Entity> + Sync)>,
) -> Result<(Vec<Listed>, Option<u64>), AppError> {
    use sea_orm::{ConnectionTrait, Iterable, QuerySelect};
    const UPVOTED: &str = "along_upvoted";
    const TOTAL: &str = "along_total";
    const AUTHORS: &str = "along_authors";
    const SUBMITTER: &str = "along_submitter";
    let backend = db.get_database_backend();
    if along.without_abstract {
        // Every column in its place (`paper_at` reads by position), the abstract an empty one
        // under its own name (an outer select reads it by name).
        select = select.select_only();
        for column in paper::Column::iter() {
            select = match column {
                paper::Column::Abstract => select.expr_as(Expr::val(""), column),
                _ => select.column(column),
            };
        }
    }
    let total = match total {
        Total::None => None,
        Total::Of(filter) => {
            let count = Query::select()
                .expr(Expr::col(Asterisk).count())
                .from(paper::Entity)
                .cond_where(filter.condition(backend))
                .to_owned();
            let count = SubQueryStatement::SelectStatement(count);
            Some(Expr::SubQuery(None, Box::new(count)))
        }
        Total::Window => Some(Expr::cust("COUNT(*) OVER ()")),
    };
    let counted = total.is_some();
    // What a page counts, it counts in the inner level, over every row its filter selects.
    let (mut select, mut total) = match reorder {
        None => (select, total),
        Some(reorder) => {
            let inner = match total {
                Some(total) => select.expr_as(total, TOTAL),
                None => select,
            };
            let mut outer = reorder(paper::Entity::find());
            QueryTrait::query(&mut outer)
                .from_clear()
                .from_subquery(inner.into_query(), paper::Entity);
            let total = counted.then(|| Expr::col((paper::Entity, Alias::new(TOTAL))));
            (outer, total)
        }
    };
    // The submitter's columns follow the paper's, read by position from there.
    let submitter_at = paper::Column::iter().count();
    if along.submitter {
        let submitter = Alias::new(SUBMITTER);
        QueryTrait::query(&mut select).join_as(
            JoinType::LeftJoin,
            user::Entity,
            submitter.clone(),
            Expr::col((submitter.clone(), user::Column::Id))
                .equals((paper::Entity, paper::Column::SubmittedBy)),
        );
        for column in user::Column::iter() {
            select = select.expr(Expr::col((submitter.clone(), column)));
        }
    }
    if let Some(viewer) = along.upvoted_by {
        let voted = Query::select()
            .expr(Expr::val(1))
            .from(paper_upvote::Entity)
            .and_where(
                Expr::col((paper_upvote::Entity, paper_upvote::Column::PaperId))
                    .equals((paper::Entity, paper::Column::Id)),
            )
            .and_where(paper_upvote::Column::UserId.eq(viewer))
            .to_owned();
        select = select.expr_as(Expr::exists(voted), UPVOTED);
    }
    if let Some(authors) = authors_json(along.authors, backend) {
        select = select.expr_as(authors, AUTHORS);
    }
    if let Some(total) = total.take() {
        select = select.expr_as(total, TOTAL);
    }
    let rows = db.query_all(QueryTrait::query(&mut select)).await?;
    let mut total = None;
    let mut listed = Vec::with_capacity(rows.len());
    // A page's papers share few submitters: each is decoded once.
    let mut submitters: HashMap<UserId, Arc<user::Model>> = HashMap::new();
    for row in rows {
        if counted && total.is_none() {
            total = Some(u64::try_from(row.try_get::<i64>("", TOTAL)?).unwrap_or(0));
        }
        let paper = paper_at(&row)?;
        let mut read = ReadAlong::default();
        if along.upvoted_by.is_some() {
            read.upvoted = Some(row.try_get::<bool>("", UPVOTED)?);
        }
        if along.authors != ReadAuthors::No {
            let text: Option<String> = row.try_get("", AUTHORS)?;
            read.authors = Some(parse_authors_json(along.authors, text.as_deref())?);
        }
        if along.submitter {
            read.submitter = Some(match paper.submitted_by {
                Some(id) => match submitters.get(&id) {
                    Some(user) => Some(Arc::clone(user)),
                    None => {
                        let user = users::user_at(&row, submitter_at)?.map(Arc::new);
                        if let Some(user) = &user {
                            submitters.insert(id, Arc::clone(user));
                        }
                        user
                    }
                },
                None => None,
            });
        }
        listed.push(Listed { paper, read });
    }
    Ok((listed, total))
}

/// A paper row by position: a `Select<paper::Entity>` lists the columns first, in the order of
/// `paper::Column`, which is the order of the model's fields. sea-orm's own decoding looks every
/// column up by a name it formats per row and per column: for a page of papers that was more of
/// the server's time than the round trip (issue 10).
fn paper_at(row: &sea_orm::QueryResult) -> Result<paper::Model, sea_orm::DbErr> {
    use paper::Column as C;
    let at = |column: C| column as usize;
    Ok(paper::Model {
        id: row.try_get_by_index(at(C::Id))?,
        arxiv_id: row.try_get_by_index(at(C::ArxivId))?,
        title: row.try_get_by_index(at(C::Title))?,
        r#abstract: row.try_get_by_index(at(C::Abstract))?,
        published_at: row.try_get_by_index(at(C::PublishedAt))?,
        submitted_at: row.try_get_by_index(at(C::SubmittedAt))?,
        submitted_by: row.try_get_by_index(at(C::SubmittedBy))?,
        github_repo: row.try_get_by_index(at(C::GithubRepo))?,
        project_page: row.try_get_by_index(at(C::ProjectPage))?,
        upvote_count: row.try_get_by_index(at(C::UpvoteCount))?,
        comment_count: row.try_get_by_index(at(C::CommentCount))?,
        trending_score: row.try_get_by_index(at(C::TrendingScore))?,
        source_upvotes: row.try_get_by_index(at(C::SourceUpvotes))?,
        author_names: row.try_get_by_index(at(C::AuthorNames))?,
        primary_category: row.try_get_by_index(at(C::PrimaryCategory))?,
        arxiv_comment: row.try_get_by_index(at(C::ArxivComment))?,
    })
}

/// Papers a filter selects by page number (from 0) rather than cursor, as the REST surface
/// pages. A deep page costs an offset scan: callers bound `page * size`.
pub async fn list_by_page_number(
    db: &DatabaseConnection,
    filter: &PaperFilter,
    order: PaperOrder,
    page: u64,
    size: u64,
) -> Result<Vec<paper::Model>, AppError> {
    use sea_orm::QuerySelect;
    let args = PageArgs::first(size);
    Ok(order
        .keyset()
        .apply(filter.select(db.get_database_backend()), &args)?
        .limit(size)
        .offset(page.saturating_mul(size))
        .all(db)
        .await?)
}

/// The number of papers a filter selects.
pub async fn count(db: &DatabaseConnection, filter: &PaperFilter) -> Result<u64, AppError> {
    Ok(filter.select(db.get_database_backend()).count(db).await?)
}
