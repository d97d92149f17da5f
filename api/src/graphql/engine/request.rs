//! The values an operation passes through on its way through the engine: as a transport
//! received it, parsed, prepared, and refused.

use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationDefinition, OperationType};
use async_graphql::{Response, ServerError, Variables};
use futures_util::stream::BoxStream;

use super::cost::CostBudget;
use crate::error::ErrorCode;

/// An operation as a transport received it.
pub struct Operation {
    pub query: String,
    pub operation_name: Option<String>,
    pub variables: Variables,
}

/// Why an operation was refused before it ran, with the code its errors carry.
pub struct Refused {
    pub errors: Vec<ServerError>,
    pub code: ErrorCode,
}

impl Refused {
    pub(super) fn new(message: impl Into<String>, code: ErrorCode) -> Self {
        Self {
            errors: vec![ServerError::new(message, None)],
            code,
        }
    }
}

/// How a run ended.
pub enum Outcome {
    /// A query or mutation ran (perhaps with field errors).
    Executed(Response),
    /// A subscription runs: a response per event, each in query order.
    Streaming(BoxStream<'static, Response>),
    /// It was refused before running.
    Refused(Refused),
    /// It ran out of time.
    TimedOut,
}

/// An operation parsed, not yet checked against the limits.
pub struct Parsed {
    pub(super) request: async_graphql::Request,
    pub(super) operation_name: Option<String>,
    /// Kept for the required-variables check, which runs while the request holds the document.
    pub(super) variables: Variables,
    /// The selected operation's kind, when one is selected.
    pub(super) kind: Option<OperationType>,
    pub(super) name: Option<String>,
    /// Whether an operation that may be selected is not a query (several unnamed operations are
    /// refused later, at validation).
    pub(super) writes: bool,
}

impl Parsed {
    /// The selected operation's kind, as the metrics name it.
    pub fn kind(&self) -> &'static str {
        match self.kind {
            Some(OperationType::Query) => "query",
            Some(OperationType::Mutation) => "mutation",
            Some(OperationType::Subscription) => "subscription",
            None => "unknown",
        }
    }

    /// The selected operation's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub fn is_subscription(&self) -> bool {
        self.kind == Some(OperationType::Subscription)
    }

    /// Whether the operation may write: anything but a query.
    pub fn writes(&self) -> bool {
        self.writes
    }
}

/// An operation ready to run: checked against the limits, carrying the request's data.
pub struct Prepared {
    pub(super) request: async_graphql::Request,
    pub(super) document: ExecutableDocument,
    pub(super) variables: Variables,
    pub(super) budget: Arc<CostBudget>,
    pub(super) subscription: bool,
}

impl Prepared {
    pub fn is_subscription(&self) -> bool {
        self.subscription
    }

    /// Attaches more data for the resolvers (a subscription's event feed).
    pub fn data<D: std::any::Any + Send + Sync>(mut self, data: D) -> Self {
        self.request = self.request.data(data);
        self
    }
}

/// The operation the request selects (by name, or the only one), with its name.
pub(super) fn selected<'d>(
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
pub(super) fn is_selected(operation_name: Option<&str>, name: Option<&str>) -> bool {
    match (operation_name, name) {
        (Some(wanted), Some(name)) => wanted == name,
        (Some(_), None) => false,
        (None, _) => true,
    }
}
