//! The one error type of the service, mapped once to GraphQL `extensions.code`.
//!
//! Services return `AppError`; resolvers convert it with [`AppError::into_gql`] (through the
//! [`GqlResult`] helper trait). Anything else that reaches a response without a code is replaced
//! by a generic `INTERNAL_SERVER_ERROR` in the HTTP handler, so no SQL, path or stack trace ever
//! reaches a client.

mod database;

use async_graphql::{ErrorExtensions, Value};

pub use database::{Failure, classify};

/// The closed set of `errors[].extensions.code` values (DESIGN.md, "Errors").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    GraphqlParseFailed,
    GraphqlValidationFailed,
    Timeout,
    InternalServerError,
    /// An automatic persisted query's hash this server does not hold (Apollo's APQ protocol):
    /// the client sends it again with the query.
    PersistedQueryNotFound,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::Timeout => "TIMEOUT",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
        }
    }
}

/// The message every internal error is answered with.
pub const INTERNAL_MESSAGE: &str = "internal server error";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required or credentials invalid")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Bad input; `field` names the argument or input field at fault.
    #[error("{message}")]
    BadUserInput { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("too many requests; retry in {retry_after} s")]
    RateLimited { retry_after: u64 },
    /// The transaction collided with a concurrent one (a deadlock or a serialisation failure)
    /// and kept colliding after its retries: answered `CONFLICT`, never `INTERNAL`.
    #[error("the change collided with a concurrent one; try again")]
    Contention,
    /// A failure of ours: logged with its cause, answered with a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::BadUserInput { .. } => ErrorCode::BadUserInput,
            Self::Conflict(_) | Self::Contention => ErrorCode::Conflict,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Internal(_) => ErrorCode::InternalServerError,
        }
    }

    /// The GraphQL error a client sees. Internal causes are logged here (inside the request's
    /// span, so with its request id) and never shown.
    pub fn into_gql(self) -> async_graphql::Error {
        let code = self.code();
        let message = match &self {
            Self::Internal(cause) => {
                tracing::error!(cause = %cause, "internal error");
                INTERNAL_MESSAGE.to_owned()
            }
            other => other.to_string(),
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code.as_str());
            match &self {
                Self::BadUserInput { field, .. } => ext.set("field", field.as_str()),
                Self::RateLimited { retry_after } => {
                    ext.set("retryAfter", Value::from(*retry_after))
                }
                _ => {}
            }
        })
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

/// `service_call().await.gql()?` in resolvers: the one conversion to a GraphQL error.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(AppError::into_gql)
    }
}
