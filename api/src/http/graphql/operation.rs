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

/// Why a subscription sent over HTTP is refused.
const SUBSCRIPTIONS: &str = "subscriptions run over the WebSocket at /graphql/ws";

/// The message Apollo Client looks for before sending the query with its hash.
const PERSISTED_QUERY_NOT_FOUND: &str = "PersistedQueryNotFound";

/// One transport request, on whose behalf its operations run: the state, the caller, whether
/// it came over GET, and the cost budget its operations share.
pub(super) struct Request<'a> {
    pub state: &'a GraphqlState,
    pub caller: &'a Caller,
    pub over_get: bool,
    pub budget: Arc<CostBudget>,
}

impl<'a> Request<'a> {
    /// A request of this caller, with a fresh budget.
    pub fn new(state: &'a GraphqlState, caller: &'a Caller, over_get: bool) -> Self {
        let budget = state.engine.budget();
        Self {
            state,
            caller,
            over_get,
            budget,
        }
    }

    /// Runs one operation of the request and counts it.
    pub async fn run(&self, params: Params) -> Outcome {
        let mut counted = Counted::default();
        let outcome = self.run_counted(params, &mut counted).await;
        let result = match &outcome {
            Outcome::Executed(response) if response.errors.is_empty() => OperationOutcome::Success,
            Outcome::Executed(_) => OperationOutcome::FieldErrors,
            Outcome::TimedOut => OperationOutcome::Timeout,
            _ => OperationOutcome::Refused,
        };
        let metrics = &self.state.app.metrics;
        metrics.operation(counted.kind, counted.name.as_deref(), result);
        outcome
    }
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

impl Request<'_> {
    /// Everything before running: the persisted query looked up, the operation parsed, the
    /// transport's rules applied, the operation prepared. Shared by HTTP and the WebSocket.
    // A refusal is made once per request and returned at once: boxing it would buy nothing.
    #[allow(clippy::result_large_err)]
    pub fn admit(&self, params: Params, counted: &mut Counted) -> Result<Admitted, Outcome> {
        let state = self.state;
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
        if self.over_get && parsed.writes() {
            return Err(Outcome::MutationOverGet);
        }
        if parsed.writes() && !parsed.is_subscription() && !self.caller.may_write() {
            return Err(Outcome::ReadOnly);
        }
        let prepared = state.engine.prepare(parsed, self.caller, &self.budget)?;
        Ok(Admitted { prepared, persist })
    }

    async fn run_counted(&self, params: Params, counted: &mut Counted) -> Outcome {
        let over_websocket = || refused(SUBSCRIPTIONS, ErrorCode::BadUserInput);
        let Admitted { prepared, persist } = match self.admit(params, counted) {
            Ok(admitted) if admitted.prepared.is_subscription() => return over_websocket(),
            Ok(admitted) => admitted,
            Err(outcome) => return outcome,
        };
        let outcome = match self.state.engine.run(prepared).await {
            engine::Outcome::Executed(response) => Outcome::Executed(response),
            engine::Outcome::Refused(refused) => refused.into(),
            engine::Outcome::TimedOut => Outcome::TimedOut,
            engine::Outcome::Streaming(_) => over_websocket(),
        };
        if let (Outcome::Executed(_), Some((hash, query))) = (&outcome, persist) {
            // A query is persisted once it has run: junk sent with a matching hash is not kept.
            self.state.persisted.put(hash, query);
        }
        outcome
    }
}
