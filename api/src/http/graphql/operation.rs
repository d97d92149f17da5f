//! One operation of a request (over HTTP or the WebSocket), from its parameters to its outcome:
//! the persisted query looked up, the transport's own rules applied (no mutation over GET, none
//! from a read-only token), the engine's steps run, and the operation counted in the metrics.
//! Everything about GraphQL itself (limits, checks, execution, order) is the engine's.

use std::sync::Arc;

use async_graphql::ServerError;

use crate::auth::Caller;
use crate::error::ErrorCode;
use crate::graphql::engine::cost::CostBudget;
use crate::graphql::engine::{self, Operation, Prepared};
use crate::http::graphql::GraphqlState;
use crate::http::graphql::params::Params;
use crate::http::graphql::respond::Outcome;
use crate::metrics::OperationOutcome;

/// The message Apollo Client looks for before sending the query with its hash.
const PERSISTED_QUERY_NOT_FOUND: &str = "PersistedQueryNotFound";

/// Runs one operation and counts it.
pub(super) async fn run(
    state: &GraphqlState,
    caller: &Caller,
    params: Params,
    over_get: bool,
    budget: &Arc<CostBudget>,
) -> Outcome {
    let mut counted = Counted::default();
    let outcome = run_counted(state, caller, params, over_get, budget, &mut counted).await;
    let result = match &outcome {
        Outcome::Executed(response) if response.errors.is_empty() => OperationOutcome::Success,
        Outcome::Executed(_) => OperationOutcome::FieldErrors,
        Outcome::TimedOut => OperationOutcome::Timeout,
        _ => OperationOutcome::Refused,
    };
    state
        .app
        .metrics
        .operation(counted.kind, counted.name.as_deref(), result);
    outcome
}

/// What the metrics learn of an operation while it runs.
pub(super) struct Counted {
    kind: &'static str,
    name: Option<String>,
}

impl Default for Counted {
    fn default() -> Self {
        Self {
            kind: "unknown",
            name: None,
        }
    }
}

fn refused(message: impl Into<String>, code: ErrorCode) -> Outcome {
    Outcome::Refused(vec![ServerError::new(message, None)], code)
}

/// An operation the transport admitted: prepared by the engine, with the query to persist once
/// it has run.
pub(super) struct Admitted {
    pub prepared: Prepared,
    /// A query sent with its hash, to keep once it has run.
    persist: Option<(crate::http::graphql::persisted::QueryHash, String)>,
}

/// Everything before running: the persisted query looked up, the operation parsed, the
/// transport's rules applied, the operation prepared. Shared by HTTP and the WebSocket.
// A refusal is made once per request and returned at once: boxing it would buy nothing.
#[allow(clippy::result_large_err)]
pub(super) fn admit(
    state: &GraphqlState,
    caller: &Caller,
    params: Params,
    over_get: bool,
    budget: &Arc<CostBudget>,
    counted: &mut Counted,
) -> Result<Admitted, Outcome> {
    // The query: as sent (checked against its hash, if any), or persisted under the hash.
    let (query, persist) = match (params.query, params.persisted) {
        (Some(query), Some(hash)) if !hash.matches(&query) => {
            return Err(refused(
                "the persisted query hash does not match the query",
                ErrorCode::BadUserInput,
            ));
        }
        (Some(query), hash) => (query, hash),
        (None, Some(hash)) => match state.persisted.get(&hash) {
            Some(query) => (query, None),
            None => {
                return Err(refused(
                    PERSISTED_QUERY_NOT_FOUND,
                    ErrorCode::PersistedQueryNotFound,
                ));
            }
        },
        (None, None) => {
            return Err(refused(
                "the request has no `query`",
                ErrorCode::BadUserInput,
            ));
        }
    };
    // Only a query sent with its hash is kept afterwards: only then is it copied.
    let persist = persist.map(|hash| (hash, query.clone()));
    let parsed = state.engine.parse(Operation {
        query,
        operation_name: params.operation_name,
        variables: params.variables,
    })?;
    counted.kind = parsed.kind();
    counted.name = parsed.name().map(str::to_owned);
    if over_get && parsed.writes() {
        return Err(Outcome::MutationOverGet);
    }
    if parsed.writes() && !parsed.is_subscription() && !caller.may_write() {
        return Err(Outcome::ReadOnly);
    }
    let prepared = state.engine.prepare(parsed, caller, budget)?;
    Ok(Admitted { prepared, persist })
}

async fn run_counted(
    state: &GraphqlState,
    caller: &Caller,
    params: Params,
    over_get: bool,
    budget: &Arc<CostBudget>,
    counted: &mut Counted,
) -> Outcome {
    let Admitted { prepared, persist } =
        match admit(state, caller, params, over_get, budget, counted) {
            Ok(admitted) => admitted,
            Err(outcome) => return outcome,
        };
    if prepared.is_subscription() {
        return refused(
            "subscriptions run over the WebSocket at /graphql/ws",
            ErrorCode::BadUserInput,
        );
    }
    let outcome = match state.engine.run(prepared).await {
        engine::Outcome::Executed(response) => Outcome::Executed(response),
        engine::Outcome::Refused(refused) => refused.into(),
        engine::Outcome::TimedOut => Outcome::TimedOut,
        engine::Outcome::Streaming(_) => refused(
            "subscriptions run over the WebSocket at /graphql/ws",
            ErrorCode::BadUserInput,
        ),
    };
    if let (Outcome::Executed(_), Some((hash, query))) = (&outcome, persist) {
        // A query is persisted once it has run: junk sent with a matching hash is not kept.
        state.persisted.put(hash, query);
    }
    outcome
}
