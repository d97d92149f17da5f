//! The `Topic` type (an arXiv category) and the topic queries.

use async_graphql::{Context, Enum, ID, Object};
use entity::topic;
use papers_macros::connections;

use crate::error::GqlResult;
use crate::graphql::args::{ForwardArgs, RelayArgs};
use crate::graphql::connection::{Parts, Totals, connection};
use crate::graphql::context::{db, loaders};
use crate::graphql::papers::query::PaperOrderArg;
use crate::graphql::papers::{PaperConnection, paper_connection};
use crate::ids::Global;
use crate::services::follows::FollowKind;
use crate::services::papers::PaperFilter;
use crate::services::topics::{self, TopicOrder};

pub struct Topic(pub topic::Model);

connection!(
    TopicConnection,
    TopicEdge,
    Topic,
    "A page of topics, as a Relay connection.",
    "A topic in a page of topics."
);

/// How a list of topics is ordered.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "TopicOrder")]
pub enum TopicOrderArg {
    /// Most papers first.
    Papers,
    /// Most followers first.
    Followers,
    /// By name, A to Z.
    Name,
}

impl From<TopicOrderArg> for TopicOrder {
    fn from(order: TopicOrderArg) -> Self {
        match order {
            TopicOrderArg::Papers => Self::Papers,
            TopicOrderArg::Followers => Self::Followers,
            TopicOrderArg::Name => Self::Name,
        }
    }
}

/// A field of research: one of arXiv's categories, which papers are filed under and readers
/// follow.
#[connections]
#[Object]
impl Topic {
    /// The topic's opaque global ID.
    pub async fn id(&self) -> ID {
        ID(self.0.id.global())
    }

    /// The arXiv category's code, e.g. `cs.CL`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The category's title as arXiv gives it, e.g. "Computation and Language".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Papers filed under the topic.
    async fn paper_count(&self) -> i32 {
        self.0.paper_count
    }

    /// Users following the topic.
    async fn follower_count(&self) -> i32 {
        self.0.follower_count
    }

    /// Whether the signed-in viewer follows the topic; false when anonymous.
    async fn viewer_is_following(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        loaders(ctx)?
            .viewer_follows(FollowKind::Topic, self.0.id.into())
            .await
    }

    /// The papers filed under the topic.
    async fn papers(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The order of the list.",
            default_with = "Some(PaperOrderArg::Trending)"
        )]
        order_by: Option<PaperOrderArg>,
        page: RelayArgs,
    ) -> async_graphql::Result<PaperConnection> {
        let page_args = page.parse()?;
        let filter = PaperFilter {
            topic: Some(self.0.slug.clone()),
            ..Default::default()
        };
        let order = order_by.unwrap_or(PaperOrderArg::Trending).into();
        paper_connection(ctx, filter, order, &page_args).await
    }
}

#[derive(Default)]
pub struct TopicQuery;

/// Topics: one by slug, and all of them.
#[connections]
#[Object]
impl TopicQuery {
    /// A topic by its slug (an arXiv category code such as `cs.CL`); null when arXiv lists no
    /// such category.
    async fn topic(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An arXiv category code, e.g. `cs.CL`.")] slug: String,
    ) -> async_graphql::Result<Option<Topic>> {
        let found = topics::by_slug(&db(ctx)?, &slug).await.gql()?;
        Ok(found.map(Topic))
    }

    /// Every topic, most papers first by default.
    async fn topics(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The order of the list.",
            default_with = "Some(TopicOrderArg::Papers)"
        )]
        order_by: Option<TopicOrderArg>,
        page: ForwardArgs,
    ) -> async_graphql::Result<TopicConnection> {
        let page_args = page.parse()?;
        let db = db(ctx)?;
        let order = order_by.unwrap_or(TopicOrderArg::Papers).into();
        let page = topics::list(&db, order, &page_args).await.gql()?;
        let totals = Totals::new(move || {
            let db = db.clone();
            async move { topics::count(&db).await }
        });
        Ok(TopicConnection(Parts::from_page(page, totals, Topic)))
    }
}
