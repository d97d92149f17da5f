//! The `Paper` type and its author list.

pub mod author;
pub mod mutation;
pub mod query;
pub mod search;
pub mod similar;

use async_graphql::{Context, Enum, ID, Object, ScalarType, Value};
use chrono::{DateTime, Utc};
use entity::paper;
use papers_macros::connections;

use crate::error::GqlResult;
use crate::graphql::accounts::{User, UserConnection};
use crate::graphql::args::RelayArgs;
use crate::graphql::collections::{CollectionConnection, collection_connection};
use crate::graphql::connection::{Parts, Totals, connection};
use crate::graphql::context::{caller, db, loaders, services};
use crate::graphql::discussion::{Comment, CommentConnection};
use crate::graphql::engine::direct::{Direct, PlainFields, optional};
use crate::graphql::papers::author::Author;
use crate::graphql::papers::similar::SimilarPaperConnection;
use crate::graphql::topics::Topic;
use crate::ids::{Global, PaperId};

use crate::graphql::loaders::{
    CollectionsHolding, CommentsOf, ListLoaders, NestedList, UpvotersOf,
};
use crate::services::discussion::CommentOrder;
use crate::services::pagination::PageArgs;
use crate::services::papers::{
    self, AuthorList, PaperAuthorEntry, PaperFilter, PaperOrder, ReadAlong,
};
use crate::services::recommendations;

/// The page size of `similarPapers` (a sidebar's worth) when none is given.
const SIMILAR_PAGE: i32 = 10;

/// A paper row, with what the statement that read the row read along with it
/// (`papers::Along`: the viewer's upvote, the authors, the submitter); what it did not read
/// comes through the batched loaders.
pub struct Paper(pub paper::Model, ReadAlong);

impl From<paper::Model> for Paper {
    fn from(row: paper::Model) -> Self {
        Self(row, ReadAlong::default())
    }
}

impl From<papers::Listed> for Paper {
    fn from(row: papers::Listed) -> Self {
        Self(row.paper, row.read)
    }
}

impl Paper {
    /// The paper's ordered author list, as read along or through the loader.
    async fn author_list(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PaperAuthor>> {
        let paper = self.0.id;
        Ok(match &self.1.authors {
            Some(AuthorList::Names(names)) => names
                .iter()
                .enumerate()
                .map(|(index, name)| PaperAuthor::Named {
                    paper,
                    index,
                    name: name.clone(),
                })
                .collect(),
            Some(AuthorList::Entries(entries)) => {
                entries.iter().cloned().map(PaperAuthor::Entry).collect()
            }
            None => loaders(ctx)?
                .authors_of_paper
                .load_one(paper)
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(PaperAuthor::Entry)
                .collect(),
        })
    }
}

connection!(
    direct PaperConnection,
    PaperEdge,
    Paper,
    "A page of papers, as a Relay connection.",
    "A paper in a page of papers."
);

/// How a paper's top-level comments are ordered.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "CommentOrder")]
pub enum CommentOrderArg {
    /// Oldest first, as a conversation reads.
    Oldest,
    /// Newest first.
    Newest,
    /// Most upvoted first, newest first among equals.
    Top,
}

impl From<CommentOrderArg> for CommentOrder {
    fn from(order: CommentOrderArg) -> Self {
        match order {
            CommentOrderArg::Oldest => Self::Oldest,
            CommentOrderArg::Newest => Self::Newest,
            CommentOrderArg::Top => Self::Top,
        }
    }
}

/// An arXiv preprint listed on the site.
#[connections]
#[Object]
impl Paper {
    /// The paper's opaque global ID.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// The arXiv identifier without version, e.g. `2309.00916`.
    async fn arxiv_id(&self) -> &str {
        &self.0.arxiv_id
    }

    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The abstract, as plain text.
    #[graphql(name = "abstract")]
    async fn abstract_text(&self) -> &str {
        &self.0.r#abstract
    }

    /// The authors in the order the paper lists them.
    #[graphql(complexity = "crate::graphql::engine::cost::AUTHORS_COST * child_complexity + 1")]
    async fn authors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Direct<PaperAuthor>>> {
        let list = self.author_list(ctx).await?;
        Ok(list.into_iter().map(Direct).collect())
    }

    /// How many authors the paper lists.
    async fn author_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        if let Some(list) = &self.1.authors {
            return Ok(i32::try_from(list.len()).unwrap_or(i32::MAX));
        }
        let entries = loaders(ctx)?.authors_of_paper.load_one(self.0.id).await?;
        Ok(i32::try_from(entries.map_or(0, |e| e.len())).unwrap_or(i32::MAX))
    }

    /// When arXiv published the paper (midnight UTC of its date); null when unknown.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// When the paper entered the daily feed.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }

    /// The user who submitted the paper to the feed; null for imported papers.
    async fn submitted_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Direct<User>>> {
        let row = match &self.1.submitter {
            Some(read) => read.as_deref().cloned(),
            None => loaders(ctx)?.user(self.0.submitted_by).await?,
        };
        Ok(row.map(|row| Direct(User::from(row))))
    }

    /// Upvotes cast on this site.
    async fn upvote_count(&self) -> i32 {
        self.0.upvote_count
    }

    /// Whether the signed-in viewer has upvoted the paper; false when anonymous.
    async fn viewer_has_upvoted(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        if let Some(upvoted) = self.1.upvoted {
            return Ok(upvoted);
        }
        loaders(ctx)?.viewer_upvoted(self.0.id).await
    }

    /// The users who upvoted the paper, latest first.
    async fn upvoters(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<UserConnection> {
        let page_args = page.parse()?;
        let page = loaders(ctx)?
            .upvoters
            .page(self.0.id, UpvotersOf, page_args)
            .await?;
        let total = u64::try_from(self.0.upvote_count).unwrap_or(0);
        let totals = Totals::new(move || async move { Ok(total) });
        Ok(UserConnection(Parts::from_page(page, totals, User::from)))
    }

    /// Comments on the paper, deleted ones not counted.
    async fn comment_count(&self) -> i32 {
        self.0.comment_count
    }

    /// The paper's top-level comments; each nests its `replies`. Deleted comments that have
    /// replies stay as tombstones so that threads keep their shape.
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The order of the comments.",
            default_with = "Some(CommentOrderArg::Oldest)"
        )]
        order_by: Option<CommentOrderArg>,
        page: RelayArgs,
    ) -> async_graphql::Result<CommentConnection> {
        let page_args = page.parse()?;
        let list = CommentsOf(order_by.unwrap_or(CommentOrderArg::Oldest).into());
        // Every paper of a page asks at once: one batched query for all of them.
        let comments = &loaders(ctx)?.comments_of_paper;
        let total_asked = ctx.look_ahead().field("totalCount").exists();
        let (page, totals) = comments
            .page_and_total(self.0.id, list, page_args, total_asked)
            .await?;
        Ok(CommentConnection(Parts::from_page(page, totals, Comment)))
    }

    /// The public collections holding the paper (and the viewer's own private ones), trending
    /// first.
    async fn collections(
        &self,
        ctx: &Context<'_>,
        page: RelayArgs,
    ) -> async_graphql::Result<CollectionConnection> {
        let page_args = page.parse()?;
        let collections = &loaders(ctx)?.collections_of_paper;
        collection_connection(collections, self.0.id, CollectionsHolding, page_args).await
    }

    /// Papers about the same thing, most similar first; never this paper, at most 100 in all.
    /// With an embedding model, the papers whose vectors (of title and abstract) are nearest to
    /// this one's; without one, or until this paper has its vector, the papers that share its
    /// most distinctive words.
    #[graphql(
        complexity = "crate::graphql::engine::cost::page_cost(Some(first.unwrap_or(SIMILAR_PAGE)), None, child_complexity)"
    )]
    async fn similar_papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10, desc = "Page size (1 to 100; null is 10).")] first: Option<i32>,
        #[graphql(desc = "A cursor: the page starts after this edge.")] after: Option<String>,
    ) -> async_graphql::Result<SimilarPaperConnection> {
        let first = first.unwrap_or(SIMILAR_PAGE);
        let page_args = PageArgs::parse(Some(first), after, None, None).gql()?;
        let services = services(ctx)?;
        let page =
            papers::similar::similar(&services.db, &services.discovery, self.0.id, &page_args)
                .await
                .gql()?;
        Ok(SimilarPaperConnection(page))
    }

    /// Readers who upvoted this paper also upvoted: the papers most upvoted by its latest 500
    /// upvoters, most shared first, at most 100 in all; never this paper. Computed when asked.
    #[graphql(
        complexity = "crate::graphql::engine::cost::page_cost(Some(first), None, child_complexity)"
    )]
    async fn also_upvoted(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10, desc = "How many papers (1 to 100).")] first: i32,
    ) -> async_graphql::Result<PaperConnection> {
        let size = PageArgs::parse(Some(first), None, None, None).gql()?.size;
        let ranked = recommendations::also_upvoted(&db(ctx)?, self.0.id, size)
            .await
            .gql()?;
        let total = ranked.total;
        let totals = Totals::new(move || async move { Ok(total) });
        Ok(PaperConnection(Parts::from_page(
            ranked.page,
            totals,
            Paper::from,
        )))
    }

    /// The paper's abstract page on arXiv.
    async fn arxiv_url(&self) -> String {
        format!("https://arxiv.org/abs/{}", self.0.arxiv_id)
    }

    /// The paper's PDF on arXiv.
    async fn pdf_url(&self) -> String {
        format!("https://arxiv.org/pdf/{}", self.0.arxiv_id)
    }

    /// The topics (arXiv categories) the paper is filed under, primary first.
    async fn topics(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Topic>> {
        let topics = loaders(ctx)?.topics_of_paper.load_one(self.0.id).await?;
        Ok(topics.unwrap_or_default().into_iter().map(Topic).collect())
    }

    /// The paper's primary arXiv category (`cs.CL`), when its import said.
    async fn primary_category(&self) -> Option<&str> {
        self.0.primary_category.as_deref()
    }

    /// The authors' comment on arXiv (`15 pages, 5 figures`), when its import said.
    async fn arxiv_comment(&self) -> Option<&str> {
        self.0.arxiv_comment.as_deref()
    }

    /// The paper's code repository, when known.
    async fn github_repo(&self) -> Option<&str> {
        self.0.github_repo.as_deref()
    }

    /// The paper's project page, when known.
    async fn project_page(&self) -> Option<&str> {
        self.0.project_page.as_deref()
    }

    /// The time-decayed rank of the paper: `ln(2 + upvotes) / (hours since submission + 2)^1.8`,
    /// refreshed when a vote lands and periodically for recent papers.
    async fn trending_score(&self) -> f64 {
        self.0.trending_score
    }
}

/// The fields of `Paper` read from its row, as the resolvers above give them.
impl PlainFields for Paper {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let row = &self.0;
        Some(match name {
            "id" => Value::String(row.id.global()),
            "arxivId" => Value::String(row.arxiv_id.clone()),
            "title" => Value::String(row.title.clone()),
            "abstract" => Value::String(row.r#abstract.clone()),
            "publishedAt" => row.published_at.map_or(Value::Null, |at| at.to_value()),
            "submittedAt" => row.submitted_at.to_value(),
            "upvoteCount" => row.upvote_count.to_value(),
            "viewerHasUpvoted" => Value::Boolean(self.1.upvoted?),
            "commentCount" => row.comment_count.to_value(),
            "arxivUrl" => Value::String(format!("https://arxiv.org/abs/{}", row.arxiv_id)),
            "pdfUrl" => Value::String(format!("https://arxiv.org/pdf/{}", row.arxiv_id)),
            "primaryCategory" => optional(row.primary_category.as_deref()),
            "arxivComment" => optional(row.arxiv_comment.as_deref()),
            "githubRepo" => optional(row.github_repo.as_deref()),
            "projectPage" => optional(row.project_page.as_deref()),
            "trendingScore" => row.trending_score.to_value(),
            _ => return None,
        })
    }
}

/// One entry of a paper's author list.
pub enum PaperAuthor {
    /// The whole entry.
    Entry(PaperAuthorEntry),
    /// The entry's name alone, the `index`-th of its paper's list, as a page whose selection
    /// asked no more read it (`papers::ReadAuthors::Names`); the rest is loaded if asked after
    /// all.
    Named {
        paper: PaperId,
        index: usize,
        name: String,
    },
}

impl PaperAuthor {
    fn name(&self) -> &str {
        match self {
            Self::Entry(entry) => &entry.author.name,
            Self::Named { name, .. } => name,
        }
    }

    /// The whole entry: its own, or its paper's list read again to find it.
    async fn entry(&self, ctx: &Context<'_>) -> async_graphql::Result<PaperAuthorEntry> {
        let (paper, index) = match self {
            Self::Entry(entry) => return Ok(entry.clone()),
            Self::Named { paper, index, .. } => (*paper, *index),
        };
        let entries = loaders(ctx)?.authors_of_paper.load_one(paper).await?;
        entries
            .unwrap_or_default()
            .into_iter()
            .nth(index)
            .ok_or_else(|| async_graphql::Error::new("the author list changed while read"))
    }
}

/// The fields of `PaperAuthor` read from its entry.
impl PlainFields for PaperAuthor {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match (name, self) {
            ("position", Self::Entry(entry)) => entry.position.to_value(),
            ("name", _) => Value::String(self.name().to_owned()),
            _ => return None,
        })
    }
}

/// One entry of a paper's author list.
#[Object]
impl PaperAuthor {
    /// The entry's place in the list, from 0 for the first author.
    async fn position(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(self.entry(ctx).await?.position)
    }

    /// The author's name as listed on this paper.
    #[graphql(name = "name")]
    async fn name_field(&self) -> &str {
        self.name()
    }

    /// The author identity.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Author> {
        Ok(Author(self.entry(ctx).await?.author))
    }

    /// The user who claimed this author identity, once a moderator approved the claim.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let claimed_by = self.entry(ctx).await?.author.user_id;
        Ok(loaders(ctx)?.user(claimed_by).await?.map(User::from))
    }
}

/// A connection over the papers a filter selects, counted lazily.
pub async fn paper_connection(
    ctx: &Context<'_>,
    filter: PaperFilter,
    order: PaperOrder,
    page_args: &PageArgs,
) -> async_graphql::Result<PaperConnection> {
    let db = db(ctx)?;
    // Read what the selection asks of every paper and of the list in the page's own statement
    // rather than in later round trips.
    let asked = ctx.look_ahead();
    let of_each = |field: &str| {
        asked.field("edges").field("node").field(field).exists()
            || asked.field("nodes").field(field).exists()
    };
    let of_authors = |field: &str| {
        let authors = "authors";
        asked
            .field("edges")
            .field("node")
            .field(authors)
            .field(field)
            .exists()
            || asked.field("nodes").field(authors).field(field).exists()
    };
    let along = papers::Along {
        upvoted_by: if of_each("viewerHasUpvoted") {
            caller(ctx)?.user_id()
        } else {
            None
        },
        total: asked.field("totalCount").exists(),
        without_abstract: !of_each("abstract"),
        authors: papers::ReadAuthors::asked(
            of_each("authors") || of_each("authorCount"),
            of_authors("position") || of_authors("author") || of_authors("user"),
        ),
        submitter: of_each("submittedBy"),
    };
    let listed = papers::list(&db, &filter, order, page_args, along)
        .await
        .gql()?;
    let totals = match listed.total {
        Some(total) => Totals::new(move || async move { Ok(total) }),
        None => Totals::new(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { papers::count(&db, &filter).await }
        }),
    };
    Ok(PaperConnection(Parts::from_page(
        listed.page,
        totals,
        Paper::from,
    )))
}

/// A connection over a parent's nested list of papers (an author's, a user's), loaded and
/// counted in batches with the other parents of the page.
pub async fn paper_connection_of<L: NestedList<Row = paper::Model>>(
    papers: &ListLoaders<L>,
    parent: L::Parent,
    list: L,
    page_args: PageArgs,
) -> async_graphql::Result<PaperConnection> {
    let page = papers.page(parent, list, page_args).await?;
    Ok(PaperConnection(Parts::from_page(
        page,
        papers.total(parent, list),
        Paper::from,
    )))
}
