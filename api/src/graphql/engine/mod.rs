//! The query engine: what makes GraphQL operations safe and fast, behind one entry point that
//! every transport (HTTP, the WebSocket) drives the same way.
//!
//! 1. [`Engine::parse`]: the bracket nesting is measured before the parser sees the text, then
//!    the document is parsed. The transport reads the operation's kind here to apply its own
//!    rules (no mutation over GET, none from a read-only token).
//! 2. [`Engine::prepare`]: the document limits (depth, fields, aliases, directives) and the
//!    required variables are checked, and the request's data attached: the caller, its loaders
//!    and the cost budget it spends from.
//! 3. [`Engine::run`]: the operation is checked against the schema (values of the right type,
//!    its cost spent from the budget, everything async-graphql validates), executed, and each
//!    response (one for a query or mutation, one per event for a subscription) put in query
//!    order.
//!
//! Why two schemas. The checks of step 3 need async-graphql's hooks, and with any extension
//! installed async-graphql sends every resolved field and list item through a boxed hook chain
//! with registry lookups and formatted type names: a quarter of the feed's server time (issue
//! 10). So the schema is built twice with the same types, state and limits: `checker` carries the
//! one extension (`extension`), which checks and then stops before executing; `executor` has no
//! extension and executes. async-graphql lends a schema's registry to extensions only: the
//! engine borrows it once, while it is built, for the response pass (`order`).

pub mod brackets;
pub mod checks;
pub mod cost;
pub mod direct;
mod extension;
pub mod introspection;
mod order;
mod request;
mod values;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Response, Schema, SchemaBuilder, SchemaEnv, ValidationMode, Variables};
use futures_util::StreamExt;

use crate::auth::Caller;
use crate::config::Settings;
use crate::error::ErrorCode;
use crate::graphql::context::RequestData;
use crate::graphql::loaders::Loaders;
use crate::graphql::node::Node;
use crate::graphql::subscriptions::Subscription;
use crate::graphql::{Mutation, Query};
use crate::state::AppState;
use checks::DocumentLimits;
use cost::CostBudget;
pub use request::{Operation, Outcome, Parsed, Prepared, Refused};
use request::{is_selected, selected};

pub type PapersSchema = Schema<Query, Mutation, Subscription>;

/// The one schema builder: the engine and the SDL export both start here.
fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .register_output_type::<Node>()
}

/// The SDL of the schema, as committed in `schema.graphql`: every type (scalars with their
/// `@specifiedBy`), then the schema's root types under its description, as introspection
/// reports them.
pub fn sdl() -> String {
    let sdl = builder()
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by());
    let description = format!("\"\"\"\n{}\n\"\"\"\n", introspection::DESCRIPTION);
    match sdl.rfind("\nschema {") {
        Some(at) => format!("{}\n{description}{}", &sdl[..=at], &sdl[at + 1..]),
        None => sdl,
    }
}

/// Why the engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the schema lent no registry to order responses with")]
    NoRegistry,
}

/// The engine: both schemas, the registry, the limits. Cheap to clone.
#[derive(Clone)]
pub struct Engine(Arc<Inner>);

struct Inner {
    checker: PapersSchema,
    executor: PapersSchema,
    registry: SchemaEnv,
    limits: DocumentLimits,
    max_nesting: usize,
    max_complexity: usize,
    timeout: Duration,
    loader_delay: Duration,
    state: AppState,
}

impl Engine {
    /// Builds the schemas with the state and the configured limits, and borrows the registry.
    pub async fn build(state: AppState, settings: &Settings) -> Result<Self, EngineError> {
        let limit = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        // Depth is checked with the document limits (`checks`), where introspection has its own
        // bound: async-graphql's `limit_depth` would refuse tools' standard introspection.
        let limited = || {
            builder()
                .data(state.clone())
                .limit_directives(limit(settings.max_directives))
                .limit_recursive_depth(64)
        };
        let max_complexity = limit(settings.max_complexity);
        let checker = limited()
            .extension(extension::Checks { max_complexity })
            .finish();
        let registry = extension::registry_of(&checker)
            .await
            .ok_or(EngineError::NoRegistry)?;
        Ok(Self(Arc::new(Inner {
            checker,
            // The executor runs only what the checker has validated in full against the same
            // registry, document and variables; validating again (async-graphql's strict rules
            // run on every `execute`) would only repeat it. Fast mode keeps the few rules the
            // executor itself leans on (fragment cycles) and the depth and complexity counts.
            executor: limited().validation_mode(ValidationMode::Fast).finish(),
            registry,
            limits: DocumentLimits {
                max_depth: settings.max_depth,
                max_fields: settings.max_fields,
                max_aliases: settings.max_aliases,
                max_directives: settings.max_directives,
            },
            max_nesting: limit(settings.max_nesting),
            max_complexity,
            timeout: settings.request_timeout(),
            loader_delay: Duration::from_micros(settings.loader_delay_us),
            state,
        })))
    }

    /// A fresh cost budget: one per transport request (the operations of a batch share it).
    pub fn budget(&self) -> Arc<CostBudget> {
        CostBudget::new(self.0.max_complexity)
    }

    /// Parses an operation, refusing a document that nests too deep before the parser sees it.
    pub fn parse(&self, operation: Operation) -> Result<Parsed, Refused> {
        let max_nesting = self.0.max_nesting;
        if brackets::graphql(&operation.query, max_nesting).is_none() {
            let message = format!("the document nests brackets deeper than {max_nesting} levels");
            return Err(Refused::new(message, ErrorCode::GraphqlParseFailed));
        }
        let Operation {
            query,
            operation_name,
            variables,
        } = operation;
        let mut request = async_graphql::Request::new(query).variables(variables.clone());
        if let Some(name) = &operation_name {
            request = request.operation_name(name.clone());
        }
        let document = match request.parsed_query() {
            Ok(document) => document,
            Err(err) => {
                return Err(Refused {
                    errors: vec![err],
                    code: ErrorCode::GraphqlParseFailed,
                });
            }
        };
        let selected = selected(document, operation_name.as_deref());
        let (kind, name) = match selected {
            Some((name, operation)) => (Some(operation.ty), name.map(str::to_owned)),
            None => (None, None),
        };
        let writes = document.operations.iter().any(|(name, op)| {
            is_selected(operation_name.as_deref(), name.map(|n| n.as_str()))
                && op.node.ty != OperationType::Query
        });
        Ok(Parsed {
            request,
            operation_name,
            variables,
            kind,
            name,
            writes,
        })
    }

    /// Checks a parsed operation against the document limits and attaches the request's data:
    /// the caller, its loaders, and the budget its cost is spent from.
    pub fn prepare(
        &self,
        parsed: Parsed,
        caller: &Caller,
        budget: &Arc<CostBudget>,
    ) -> Result<Prepared, Refused> {
        let Parsed {
            mut request,
            operation_name,
            variables,
            kind,
            ..
        } = parsed;
        let document = request
            .parsed_query()
            .map_err(|err| Refused {
                errors: vec![err],
                code: ErrorCode::GraphqlParseFailed,
            })?
            .clone();
        let checked = self.0.limits.check(&document).and_then(|()| {
            checks::check_required_variables(&document, operation_name.as_deref(), &variables)
        });
        if let Err(message) = checked {
            return Err(Refused::new(message, ErrorCode::GraphqlValidationFailed));
        }
        let state = &self.0.state;
        let request = request
            .data(RequestData {
                loaders: Loaders::new(&state.services.db, caller.user_id(), self.0.loader_delay),
                caller: caller.clone(),
            })
            .data(budget.clone());
        Ok(Prepared {
            request,
            document,
            variables,
            budget: budget.clone(),
            subscription: kind == Some(OperationType::Subscription),
        })
    }

    /// Runs a prepared operation: checked on the checker (values, cost, validation), executed on
    /// the executor (a query or mutation under the timeout), every response in query order.
    pub async fn run(&self, prepared: Prepared) -> Outcome {
        let Prepared {
            request,
            document,
            variables,
            budget,
            subscription,
        } = prepared;
        let operation_name = request.operation_name.clone();
        let mut check = async_graphql::Request::new(request.query.clone())
            .variables(variables.clone())
            .data(budget);
        check.operation_name = operation_name.clone();
        check.set_parsed_query(document.clone());
        let checked = self.0.checker.execute(check).await;
        if !checked.errors.is_empty() {
            return Outcome::Refused(Refused {
                errors: checked.errors,
                code: ErrorCode::GraphqlValidationFailed,
            });
        }
        let ordered = Ordered {
            registry: self.0.registry.clone(),
            document,
            variables,
            operation_name,
        };
        if subscription {
            let stream = self.0.executor.execute_stream(request);
            return Outcome::Streaming(stream.map(move |r| ordered.response(r)).boxed());
        }
        let executed = self.0.executor.execute(request);
        match tokio::time::timeout(self.0.timeout, executed).await {
            Err(_) => Outcome::TimedOut,
            // Errors without a path come from before execution (the check above catches them;
            // this stays for anything async-graphql refuses later).
            Ok(response) if refused_before_running(&response) => Outcome::Refused(Refused {
                errors: response.errors,
                code: ErrorCode::GraphqlValidationFailed,
            }),
            Ok(response) => Outcome::Executed(ordered.response(response)),
        }
    }
}

/// What puts an operation's responses in query order.
struct Ordered {
    registry: SchemaEnv,
    document: ExecutableDocument,
    variables: Variables,
    operation_name: Option<String>,
}

impl Ordered {
    fn response(&self, mut response: Response) -> Response {
        order::reorder(
            &self.registry.registry,
            &self.document,
            &self.variables,
            self.operation_name.as_deref(),
            &mut response.data,
        );
        response
    }
}

/// Whether a response is a refusal from before execution: no data, and errors without a path
/// (validation, variable coercion, operation selection).
pub fn refused_before_running(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}
