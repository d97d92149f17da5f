//! Query strings for the REST routes: axum's `Query`, but a string that does not parse (a
//! parameter given twice, say) is refused the way every other bad parameter is, a 400 with the
//! JSON error body, instead of axum's plain-text rejection.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::http::json_error::json_error;

/// The request's query parameters as `T`.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(params)) => Ok(Self(params)),
            Err(rejection) => Err(json_error(&AppError::bad_input(
                "query",
                rejection.body_text(),
            ))),
        }
    }
}
