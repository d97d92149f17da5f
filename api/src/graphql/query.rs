//! The query root. Resolvers are thin: read the context, parse arguments, call one service.

use async_graphql::{Context, Enum, ID, Object};

use crate::error::GqlResult;
use crate::graphql::connection::{Parts, Totals};
use crate::graphql::context::state;
use crate::graphql::node::{self, Node};
use crate::graphql::paper::{Paper, PaperConnection};
use crate::services::pagination::PageArgs;
use crate::services::papers;

/// The most IDs one `nodes` call may ask for.
pub const MAX_NODES: usize = 100;

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

impl From<PaperOrderArg> for papers::PaperOrder {
    fn from(order: PaperOrderArg) -> Self {
        match order {
            PaperOrderArg::Trending => Self::Trending,
            PaperOrderArg::Upvotes => Self::Upvotes,
            PaperOrderArg::SubmittedAt => Self::SubmittedAt,
            PaperOrderArg::PublishedAt => Self::PublishedAt,
        }
    }
}

pub struct Query;

/// The entry points for reading: papers, authors and any object by global ID.
#[Object]
impl Query {
    /// Any object with a global ID; null when the ID is unknown, malformed or of another type.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID as returned by an object's `id` field.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        node::find(ctx, &id).await
    }

    /// Several objects by global ID, in the order asked; null for each unknown ID.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(crate::error::AppError::bad_input(
                "ids",
                format!("at most {MAX_NODES} IDs per call"),
            ))
            .gql();
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(node::find(ctx, id).await?);
        }
        Ok(found)
    }

    /// A paper by arXiv id; a versioned id (`2309.00916v2`) finds its paper. Null when unknown.
    async fn paper(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An arXiv identifier, e.g. `2309.00916` or `hep-th/9901001`.")]
        arxiv_id: String,
    ) -> async_graphql::Result<Option<Paper>> {
        let db = &state(ctx)?.db;
        Ok(papers::find_by_arxiv_id(db, &arxiv_id)
            .await
            .gql()?
            .map(Paper))
    }

    /// All papers, as a Relay connection.
    async fn papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The order of the list.",
            default_with = "Some(PaperOrderArg::Trending)"
        )]
        order_by: Option<PaperOrderArg>,
        #[graphql(desc = "Page size counting forward from `after` (default 20, at most 100).")]
        first: Option<i32>,
        #[graphql(desc = "A cursor: the page starts after this edge.")] after: Option<String>,
        #[graphql(desc = "Page size counting back from `before` (at most 100).")] last: Option<i32>,
        #[graphql(desc = "A cursor: the page ends before this edge.")] before: Option<String>,
    ) -> async_graphql::Result<PaperConnection> {
        let args = PageArgs::parse(first, after, last, before).gql()?;
        let db = state(ctx)?.db.clone();
        // An explicit null, or a variable left unset, means the default order.
        let order = order_by.unwrap_or(PaperOrderArg::Trending).into();
        let page = papers::list(&db, order, &args).await.gql()?;
        let totals = Totals::new(move || {
            let db = db.clone();
            async move { papers::count(&db).await }
        });
        Ok(PaperConnection(Parts::from_page(page, totals, Paper)))
    }
}
