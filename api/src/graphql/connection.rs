//! Relay connections: a page from the services turned into `edges`, `pageInfo` and a lazily
//! counted `totalCount`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Object, OutputType};

use crate::error::{AppError, GqlResult};
use crate::services::pagination::Page;

type CountFuture = Pin<Box<dyn Future<Output = Result<u64, AppError>> + Send>>;

/// The connection-level fields beyond `edges` and `pageInfo`. The count runs only when a
/// client asks for `totalCount`.
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
}

#[Object]
impl Totals {
    /// How many items the whole list holds, across all pages.
    async fn total_count(&self) -> async_graphql::Result<i64> {
        let count = (self.count)().await.gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

/// A connection of `Node`s with a `totalCount`.
pub type CountedConnection<Node> = Connection<String, Node, Totals, EmptyFields>;

/// Builds a connection from a page, converting each item.
pub fn from_page<T, Node: OutputType>(
    page: Page<T>,
    totals: Totals,
    convert: impl Fn(T) -> Node,
) -> CountedConnection<Node> {
    let mut connection =
        Connection::with_additional_fields(page.has_previous_page, page.has_next_page, totals);
    connection.edges = page
        .items
        .into_iter()
        .map(|(cursor, item)| Edge::new(cursor, convert(item)))
        .collect();
    connection
}
