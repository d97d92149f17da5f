//! One operation of a request, from its parameters to its outcome: the persisted query looked
//! up, the document parsed and checked against the transport rules and document limits, run
//! with the request's data under the timeout, and counted in the metrics.

use std::sync::Arc;

use async_graphql::ServerError;
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition, OperationType};

use crate::auth::Caller;
use crate::error::ErrorCode;
use crate::graphql::checks;
use crate::graphql::context::RequestData;
use crate::graphql::extension::CheckOnly;
use crate::graphql::limits::CostBudget;
use crate::graphql::loaders::Loaders;
use crate::graphql::order;
use crate::http::graphql::GraphqlState;
use crate::http::graphql::params::Params;
use crate::http::graphql::respond::Outcome;
use crate::http::nesting;
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

/// An operation ready to run: parsed, checked, carrying the request's data.
pub(super) struct Prepared {
    pub request: async_graphql::Request,
    /// The document and variables, for putting the response in query order.
    document: ExecutableDocument,
    variables: async_graphql::Variables,
    /// A query sent with its hash, to keep once it has run.
    persist: Option<(crate::http::graphql::persisted::QueryHash, String)>,
    /// Whether the selected operation is a subscription.
    pub subscription: bool,
}

/// Everything before execution: the persisted query looked up, the document parsed and checked
/// against the transport rules and the document limits, the request's data attached. Shared by
/// HTTP and the WebSocket.
// A refusal is made once per request and returned at once: boxing it would buy nothing.
#[allow(clippy::result_large_err)]
pub(super) fn prepare(
    state: &GraphqlState,
    caller: &Caller,
    params: Params,
    over_get: bool,
    budget: &Arc<CostBudget>,
    counted: &mut Counted,
) -> Result<Prepared, Outcome> {
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
    if nesting::graphql_depth(&query, state.max_nesting).is_none() {
        let message = format!(
            "the document nests brackets deeper than {} levels",
            state.max_nesting
        );
        return Err(refused(message, ErrorCode::GraphqlParseFailed));
    }
    // Kept for the required-variables check, which runs while the request holds the document.
    let variables = params.variables.clone();
    // Only a query sent with its hash is kept afterwards: only then is it copied.
    let persist = persist.map(|hash| (hash, query.clone()));
    let mut request = async_graphql::Request::new(query).variables(params.variables);
    if let Some(name) = &params.operation_name {
        request = request.operation_name(name.clone());
    }
    let document = match request.parsed_query() {
        Ok(document) => document,
        Err(err) => return Err(Outcome::Refused(vec![err], ErrorCode::GraphqlParseFailed)),
    };
    let operation = selected(document, params.operation_name.as_deref());
    let mut subscription = false;
    if let Some((name, operation)) = operation {
        counted.kind = match operation.ty {
            OperationType::Query => "query",
            OperationType::Mutation => "mutation",
            OperationType::Subscription => "subscription",
        };
        subscription = operation.ty == OperationType::Subscription;
        counted.name = name.map(str::to_owned);
    }
    // Any candidate that is not a query counts (several unnamed operations are refused later).
    let mutation = document.operations.iter().any(|(name, op)| {
        is_selected(params.operation_name.as_deref(), name.map(|n| n.as_str()))
            && op.node.ty != OperationType::Query
    });
    if over_get && mutation {
        return Err(Outcome::MutationOverGet);
    }
    if mutation && !subscription && !caller.may_write() {
        return Err(Outcome::ReadOnly);
    }
    let checked = state.limits.check(document).and_then(|()| {
        checks::check_required_variables(document, params.operation_name.as_deref(), &variables)
    });
    if let Err(message) = checked {
        return Err(refused(message, ErrorCode::GraphqlValidationFailed));
    }
    let document = document.clone();
    let request = request
        .data(RequestData {
            loaders: Loaders::new(&state.app.db, caller.user_id(), state.loader_delay),
            caller: caller.clone(),
        })
        .data(budget.clone());
    Ok(Prepared {
        request,
        document,
        variables,
        persist,
        subscription,
    })
}

async fn run_counted(
    state: &GraphqlState,
    caller: &Caller,
    params: Params,
    over_get: bool,
    budget: &Arc<CostBudget>,
    counted: &mut Counted,
) -> Outcome {
    let prepared = match prepare(state, caller, params, over_get, budget, counted) {
        Ok(prepared) => prepared,
        Err(outcome) => return outcome,
    };
    if prepared.subscription {
        return refused(
            "subscriptions run over the WebSocket at /graphql/ws",
            ErrorCode::BadUserInput,
        );
    }
    let persist = prepared.persist.clone();
    let outcome = execute(state, prepared, budget).await;
    if let (Outcome::Executed(_), Some((hash, query))) = (&outcome, persist) {
        // A query is persisted once it has run: junk sent with a matching hash is not kept.
        state.persisted.put(hash, query);
    }
    outcome
}

/// Runs a prepared query or mutation (over HTTP or the WebSocket): checked on the hooked schema,
/// which stops before executing (values, cost spent from `budget`, and everything async-graphql
/// validates), then executed on the bare schema under the timeout, and its response put in
/// query order (`graphql::Schemas` says why two schemas).
pub(super) async fn execute(
    state: &GraphqlState,
    prepared: Prepared,
    budget: &Arc<CostBudget>,
) -> Outcome {
    let Prepared {
        request,
        document,
        variables,
        ..
    } = prepared;
    let mut check = async_graphql::Request::new(request.query.clone())
        .variables(variables.clone())
        .data(budget.clone())
        .data(CheckOnly);
    check.operation_name = request.operation_name.clone();
    check.set_parsed_query(document.clone());
    let checked = state.schemas.hooked.execute(check).await;
    if !checked.errors.is_empty() {
        return Outcome::Refused(checked.errors, ErrorCode::GraphqlValidationFailed);
    }
    let operation_name = request.operation_name.clone();
    match tokio::time::timeout(state.timeout, state.schemas.bare.execute(request)).await {
        Err(_) => Outcome::TimedOut,
        // Errors without a path come from before execution (the check above catches them;
        // this stays for anything async-graphql refuses later).
        Ok(response) if refused_before_running(&response) => {
            Outcome::Refused(response.errors, ErrorCode::GraphqlValidationFailed)
        }
        Ok(mut response) => {
            if let Some(registry) = state.schemas.registry() {
                order::reorder(
                    registry,
                    &document,
                    &variables,
                    operation_name.as_deref(),
                    &mut response.data,
                );
            }
            Outcome::Executed(response)
        }
    }
}

/// Whether a response is a refusal from before execution: no data, and errors without a path
/// (validation, variable coercion, operation selection).
pub(super) fn refused_before_running(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The operation the request selects (by name, or the only one), with its name.
fn selected<'d>(
    document: &'d ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<(Option<&'d str>, &'d OperationDefinition)> {
    document
        .operations
        .iter()
        .find(|(name, _)| is_selected(operation_name, name.map(|n| n.as_str())))
        .map(|(name, operation)| (name.map(|n| n.as_str()), &operation.node))
}

/// Whether an operation named `name` is the one `operation_name` asks for.
fn is_selected(operation_name: Option<&str>, name: Option<&str>) -> bool {
    match (operation_name, name) {
        (Some(wanted), Some(name)) => wanted == name,
        (Some(_), None) => false,
        (None, _) => true,
    }
}
