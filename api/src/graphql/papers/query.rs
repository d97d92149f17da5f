//! Paper queries: a paper, the filtered and daily lists, search, authors.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use papers_macros::connections;

use crate::error::{AppError, GqlResult};
use crate::graphql::args::{self, RelayArgs};
use crate::graphql::context::{db, loaders, services, viewer_id};
use crate::graphql::papers::author::Author;
use crate::graphql::papers::search::{PaperSearchConnection, SearchCapabilities, SearchModeArg};
use crate::graphql::papers::{Paper, PaperConnection, paper_connection};
use crate::graphql::scalars::Date;
use crate::ids::AuthorId;
use crate::services::papers::search::{self, Mode};
use crate::services::papers::{self, FilterArgs, PaperFilter, PaperOrder, Period};

/// How a list of papers is ordered. Ties are broken by the newest paper first, so pages never
/// skip or repeat a paper.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "PaperOrder")]
pub enum PaperOrderArg {
    /// Highest trending score (time-decayed upvotes) first.
    Trending,
    /// Most upvotes first.
    Upvotes,
    /// Latest to enter the daily feed first.
    SubmittedAt,
    /// Latest arXiv publication first; papers without a date last.
    PublishedAt,
}

impl From<PaperOrderArg> for PaperOrder {
    fn from(order: PaperOrderArg) -> Self {
        match order {
            PaperOrderArg::Trending => Self::Trending,
            PaperOrderArg::Upvotes => Self::Upvotes,
            PaperOrderArg::SubmittedAt => Self::SubmittedAt,
            PaperOrderArg::PublishedAt => Self::PublishedAt,
        }
    }
}

/// Narrows a list of papers; every field given must match.
#[derive(InputObject, Default)]
#[graphql(name = "PaperFilter")]
pub struct PaperFilterInput {
    /// Entered the daily feed on this day (UTC).
    submitted_on: Option<Date>,
    /// Entered the daily feed in this ISO week, e.g. `2025-W49`.
    submitted_week: Option<String>,
    /// Entered the daily feed in this month, e.g. `2025-12`.
    submitted_month: Option<String>,
    /// Published on arXiv on or after this day.
    published_from: Option<Date>,
    /// Published on arXiv on or before this day.
    published_to: Option<Date>,
    /// Lists this author (an `Author` ID).
    author_id: Option<ID>,
    /// Submitted by the user with this username.
    submitter: Option<String>,
    /// Filed under this topic (an arXiv category code such as `cs.CL`; an unknown one is
    /// `BAD_USER_INPUT`).
    topic: Option<String>,
}

impl PaperFilterInput {
    /// The filter in the service's terms.
    fn parse(&self) -> Result<PaperFilter, AppError> {
        let submitted = Period {
            date: self.submitted_on.as_ref().map(|d| d.0.as_str()),
            week: self.submitted_week.as_deref(),
            month: self.submitted_month.as_deref(),
            fields: [
                "filter.submittedOn",
                "filter.submittedWeek",
                "filter.submittedMonth",
            ],
        };
        let author_id = self.author_id.as_ref();
        PaperFilter::parse(FilterArgs {
            submitted,
            published_from: (self.published_from.as_ref())
                .map(|d| (d.0.as_str(), "filter.publishedFrom")),
            published_to: (self.published_to.as_ref())
                .map(|d| (d.0.as_str(), "filter.publishedTo")),
            author_id: author_id
                .map(|id| args::id_of(id, "filter.authorId"))
                .transpose()?,
            submitter: self.submitter.as_deref(),
            topic: self.topic.as_deref().map(|slug| (slug, "filter.topic")),
        })
    }
}

#[derive(Default)]
pub struct PaperQuery;

/// Papers: one, lists of them, search, authors.
#[connections]
#[Object]
impl PaperQuery {
    /// A paper by arXiv id; a versioned id (`2309.00916v2`) or an old-style one
    /// (`hep-th/9901001`) works too. Null when unknown.
    async fn paper(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An arXiv identifier, e.g. `2309.00916` or `hep-th/9901001`.")]
        arxiv_id: String,
    ) -> async_graphql::Result<Option<Paper>> {
        // The viewer's upvote, the authors and the submitter are read with the paper when the
        // selection asks for them.
        let asked = ctx.look_ahead();
        let along = papers::Along {
            upvoted_by: match asked.field("viewerHasUpvoted").exists() {
                true => viewer_id(ctx)?,
                false => None,
            },
            authors: papers::ReadAuthors::asked(
                asked.field("authors").exists() || asked.field("authorCount").exists(),
                ["position", "author", "user"]
                    .iter()
                    .any(|field| asked.field("authors").field(field).exists()),
            ),
            submitter: asked.field("submittedBy").exists(),
            ..Default::default()
        };
        let found = papers::find_listed_by_arxiv_id(&db(ctx)?, &arxiv_id, along).await;
        Ok(found.gql()?.map(Paper::from))
    }

    /// Papers, filtered and ordered, as a Relay connection.
    async fn papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which papers; all when absent.")] filter: Option<PaperFilterInput>,
        #[graphql(
            desc = "The order of the list.",
            default_with = "Some(PaperOrderArg::Trending)"
        )]
        order_by: Option<PaperOrderArg>,
        page: RelayArgs,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = page.parse()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        // An explicit null, or a variable left unset, means the default order.
        let order = order_by.unwrap_or(PaperOrderArg::Trending).into();
        paper_connection(ctx, filter, order, &page_args).await
    }

    /// The daily feed: the papers that entered the feed on a day, in an ISO week or in a month
    /// (UTC), most upvoted first by default. With none of `date`, `week`, `month`: today.
    async fn daily_papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A day, `YYYY-MM-DD`.")] date: Option<Date>,
        #[graphql(desc = "An ISO week, `YYYY-Www` (e.g. `2025-W49`).")] week: Option<String>,
        #[graphql(desc = "A month, `YYYY-MM`.")] month: Option<String>,
        #[graphql(
            desc = "The order of the list.",
            default_with = "Some(PaperOrderArg::Upvotes)"
        )]
        order_by: Option<PaperOrderArg>,
        #[graphql(
            desc = "Only papers filed under this topic (an arXiv category code such as `cs.CL`)."
        )]
        topic: Option<String>,
        page: RelayArgs,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = page.parse()?;
        let period = Period {
            date: date.as_ref().map(|d| d.0.as_str()),
            week: week.as_deref(),
            month: month.as_deref(),
            fields: ["date", "week", "month"],
        };
        let topic = topic.as_deref().map(|slug| (slug, "topic"));
        let filter = PaperFilter::daily(period, None, topic).gql()?;
        let order = order_by.unwrap_or(PaperOrderArg::Upvotes).into();
        paper_connection(ctx, filter, order, &page_args).await
    }

    /// Search over titles, authors and abstracts, best match first. `mode` says how: by words
    /// (`LEXICAL`: title matches above author matches above abstract matches; the last word
    /// also matches as a prefix, search as you type, unless it is a whole word that 20 or more
    /// papers match with the others), by meaning (`SEMANTIC`) or both (`HYBRID`); see
    /// `searchCapabilities`. Any text is a valid query: words are letters and digits, everything
    /// else is ignored.
    async fn search_papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to search for, at most 1000 characters.")] query: String,
        #[graphql(
            desc = "How to search: by default `HYBRID` when the server has an embedding \
                          model, `LEXICAL` when it has none (`SEMANTIC` and `HYBRID` are then \
                          refused, `BAD_USER_INPUT` on `mode`)."
        )]
        mode: Option<SearchModeArg>,
        page: RelayArgs,
    ) -> async_graphql::Result<PaperSearchConnection> {
        let page_args = page.parse()?;
        let services = services(ctx)?;
        let mode = mode.map(Mode::from);
        let results = search::search(&services.db, &services.discovery, &query, mode, &page_args)
            .await
            .gql()?;
        Ok(PaperSearchConnection(results))
    }

    /// What search this server offers: its modes, its default mode and its embedding model.
    async fn search_capabilities(&self) -> SearchCapabilities {
        SearchCapabilities
    }

    /// An author by global ID; null when unknown.
    async fn author(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An `Author` ID.")] id: ID,
    ) -> async_graphql::Result<Option<Author>> {
        let Some(row) = crate::ids::decode_as::<AuthorId>(id.as_str()) else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.author_by_id.load_one(row).await?.map(Author))
    }
}
