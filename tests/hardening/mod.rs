//! The hardening regression suite: every way a single request, a burst of parallel requests or a
//! slow client once crashed, overran or corrupted the service (issue 7), fired for real.

mod connections;
mod cost;
mod nesting;
mod races;
mod smaller;
mod throttles;

use serde_json::Value;

use crate::support::TestApp;

/// Sends the same operation `n` times at once, each with its own variables, and returns the
/// bodies in order.
pub async fn in_parallel(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: impl Fn(usize) -> Value,
    n: usize,
) -> Vec<Value> {
    let requests = (0..n).map(|i| {
        let variables = variables(i);
        async move {
            match token {
                Some(token) => app.gql_as(token, query, variables).await,
                None => app.gql(query, variables).await,
            }
        }
    });
    futures_util::future::join_all(requests).await
}

/// How many bodies answered without errors, and the codes of the others.
pub fn tally(bodies: &[Value]) -> (usize, Vec<String>) {
    let ok = bodies.iter().filter(|b| b.get("errors").is_none()).count();
    let codes = bodies
        .iter()
        .flat_map(crate::support::error_codes)
        .collect();
    (ok, codes)
}
