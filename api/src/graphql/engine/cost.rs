//! The cost of an operation, spent from its request's budget by the checker's extension before
//! anything executes.
//!
//! Every field costs 1 plus what it selects; a connection field costs its page size (`first`
//! or `last`, default 20, counted at most 100) times what each item selects, plus 1;
//! `Paper.authors` counts [`AUTHORS_COST`] entries; `nodes(ids:)` counts its ids. All the
//! operations of one HTTP request (a batch) spend one budget, `--max-complexity`.
//!
//! Worked example: `papers(first: 50) { edges { node { title authors { name } } } }` costs
//! `1 + 50 × (1 + (1 + (1 + 1 + 10 × (1 + 1))))` = 1 + 50 × 24 = 1,201. The same with
//! `comments(first: 100) { edges { node { replies(first: 100) { edges { node { id } } } } } }`
//! under each paper costs more than 50 million and is refused before a row is read.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{ErrorExtensionValues, Pos, ServerError};

use crate::error::ErrorCode;
use crate::services::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// How many entries `Paper.authors` is counted as: a typical author list.
pub const AUTHORS_COST: usize = 10;

/// The cost of a connection field whose items each cost `child`.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child: usize) -> usize {
    let size = first.or(last).map_or(DEFAULT_PAGE_SIZE, |n| {
        u64::try_from(n).unwrap_or(0).clamp(1, MAX_PAGE_SIZE)
    });
    usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_mul(child)
        .saturating_add(1)
}

/// The cost left to one HTTP request: every operation of a batch spends from it.
pub struct CostBudget {
    left: AtomicUsize,
    limit: usize,
}

impl CostBudget {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            left: AtomicUsize::new(limit),
            limit,
        })
    }

    /// Spends `cost`, or refuses when it is more than what is left.
    fn spend(&self, cost: usize) -> Result<(), String> {
        self.left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(cost)
            })
            .map(drop)
            .map_err(|left| {
                if left == self.limit {
                    format!("the query costs {cost}; the limit is {}", self.limit)
                } else {
                    format!(
                        "the query costs {cost}, more than the {left} left of the request's \
                         budget of {}",
                        self.limit
                    )
                }
            })
    }
}

/// An error refusing a query before it runs.
pub(super) fn refusal(message: impl Into<String>, pos: Option<Pos>) -> ServerError {
    let mut error = ServerError::new(message, pos);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", ErrorCode::GraphqlValidationFailed.as_str());
    error.extensions = Some(extensions);
    error
}

/// Spends the cost async-graphql's validation computed from the request's budget (a request
/// without one of its own gets `max_complexity` for its one operation).
pub(super) fn spend(
    ctx: &async_graphql::extensions::ExtensionContext<'_>,
    max_complexity: usize,
    cost: usize,
) -> Result<(), ServerError> {
    let spent = match ctx.data_opt::<Arc<CostBudget>>() {
        Some(budget) => budget.spend(cost),
        None => CostBudget::new(max_complexity).spend(cost),
    };
    spent.map_err(|message| refusal(message, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_costs_its_size_times_its_items() {
        assert_eq!(page_cost(None, None, 3), 61);
        assert_eq!(page_cost(Some(50), None, 2), 101);
        assert_eq!(page_cost(None, Some(5), 2), 11);
        // Out-of-range sizes are refused by the field itself; here they count as the bounds.
        assert_eq!(page_cost(Some(1000), None, 1), 101);
        assert_eq!(page_cost(Some(-5), None, 1), 2);
    }

    #[test]
    fn a_budget_is_shared_until_spent() {
        let budget = CostBudget::new(100);
        assert!(budget.spend(60).is_ok());
        assert!(budget.spend(50).is_err());
        assert!(budget.spend(40).is_ok());
        assert!(budget.spend(1).is_err());
    }
}
