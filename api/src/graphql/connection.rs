//! Relay connections: a page from the services turned into `edges`, `pageInfo` and a lazily
//! counted `totalCount`. Each connection type is declared with [`connection!`] so that it gets
//! its own documented name (`PaperConnection`, `PaperEdge`, …).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use async_graphql::connection::PageInfo;

use crate::error::{AppError, GqlResult};
use crate::services::pagination::Page;

type CountFuture = Pin<Box<dyn Future<Output = Result<u64, AppError>> + Send>>;

/// Counts a whole list, only when a client asks for `totalCount`.
#[derive(Clone)]
pub struct Totals {
    count: Arc<dyn Fn() -> CountFuture + Send + Sync>,
}

impl Totals {
    pub fn new<F, Fut>(count: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<u64, AppError>> + Send + 'static,
    {
        Self {
            count: Arc::new(move || Box::pin(count())),
        }
    }

    pub async fn total(&self) -> async_graphql::Result<i64> {
        let count = (self.count)().await.gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

/// The parts of a connection, before they are wrapped in a named connection type.
pub struct Parts<Node> {
    pub edges: Vec<(String, Node)>,
    pub page_info: PageInfo,
    pub totals: Totals,
}

/// Where a page lies in its list.
pub fn page_info<T>(page: &Page<T>) -> PageInfo {
    PageInfo {
        has_previous_page: page.has_previous_page,
        has_next_page: page.has_next_page,
        start_cursor: page.items.first().map(|(cursor, _)| cursor.clone()),
        end_cursor: page.items.last().map(|(cursor, _)| cursor.clone()),
    }
}

impl<Node> Parts<Node> {
    pub fn from_page<T>(page: Page<T>, totals: Totals, convert: impl Fn(T) -> Node) -> Self {
        let page_info = page_info(&page);
        Self {
            edges: page
                .items
                .into_iter()
                .map(|(c, item)| (c, convert(item)))
                .collect(),
            page_info,
            totals,
        }
    }
}

/// Declares a documented connection type and its edge type for a node type. Edges are resolved
/// directly (`graphql::engine::direct`); with `direct` first, so are the nodes, whose type then
/// implements `PlainFields`.
macro_rules! connection {
    (direct $connection:ident, $edge:ident, $node:ty, $connection_doc:literal, $edge_doc:literal) => {
        $crate::graphql::connection::connection!(
            @types $connection, $edge, $node,
            $crate::graphql::engine::direct::Direct<&$node>, $crate::graphql::engine::direct::Direct,
            $connection_doc, $edge_doc
        );
    };
    ($connection:ident, $edge:ident, $node:ty, $connection_doc:literal, $edge_doc:literal) => {
        $crate::graphql::connection::connection!(
            @types $connection, $edge, $node, &$node, std::convert::identity,
            $connection_doc, $edge_doc
        );
    };
    (@types $connection:ident, $edge:ident, $node:ty, $out:ty, $wrap:expr,
     $connection_doc:literal, $edge_doc:literal) => {
        #[doc = $connection_doc]
        pub struct $connection(pub $crate::graphql::connection::Parts<$node>);

        #[doc = $connection_doc]
        #[async_graphql::Object]
        impl $connection {
            /// The items of this page, each with its cursor.
            async fn edges(&self) -> Vec<$crate::graphql::engine::direct::Direct<$edge<'_>>> {
                self.0
                    .edges
                    .iter()
                    .map(|(cursor, node)| $crate::graphql::engine::direct::Direct($edge { cursor, node }))
                    .collect()
            }

            /// The items of this page, without cursors.
            async fn nodes(&self) -> Vec<$out> {
                self.0.edges.iter().map(|(_, node)| $wrap(node)).collect()
            }

            /// Where this page lies in the whole list.
            async fn page_info(&self) -> &$crate::graphql::connection::PageInfo {
                &self.0.page_info
            }

            /// How many items the whole list holds, across all pages.
            async fn total_count(&self) -> async_graphql::Result<i64> {
                self.0.totals.total().await
            }
        }

        #[doc = $edge_doc]
        pub struct $edge<'a> {
            cursor: &'a String,
            node: &'a $node,
        }

        #[doc = $edge_doc]
        #[async_graphql::Object]
        impl<'a> $edge<'a> {
            /// An opaque cursor: pass it as `after` or `before` to page from this item.
            async fn cursor(&self) -> &str {
                self.cursor
            }

            /// The item.
            async fn node(&self) -> $out {
                $wrap(self.node)
            }
        }

        impl $crate::graphql::engine::direct::PlainFields for $edge<'_> {
            fn plain_field(&self, name: &str) -> Option<async_graphql::Value> {
                (name == "cursor").then(|| async_graphql::Value::String(self.cursor.clone()))
            }
        }
    };
}

pub(crate) use connection;
