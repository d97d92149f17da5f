//! A GraphQL-over-HTTP request's parameters: from a JSON body (POST) or a query string (GET).

use async_graphql::Variables;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde_json::Value;

use crate::http::graphql::persisted::QueryHash;

/// One operation's parameters, as a GraphQL-over-HTTP request carries them: a query, or the hash
/// of a persisted one, or both.
pub(super) struct Params {
    pub query: Option<String>,
    pub persisted: Option<QueryHash>,
    pub operation_name: Option<String>,
    pub variables: Variables,
}

/// `application/json`, with no charset or UTF-8.
pub(super) fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return false;
    }
    parts.all(|param| match param.trim().split_once('=') {
        Some((name, charset)) if name.trim().eq_ignore_ascii_case("charset") => {
            let charset = charset.trim().trim_matches('"');
            charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    })
}

pub(super) fn params_from_json(value: Value) -> Result<Params, String> {
    let Value::Object(mut map) = value else {
        return Err("the request body must be a JSON object".into());
    };
    let query = match map.remove("query") {
        Some(Value::String(query)) => Some(query),
        Some(_) => return Err("`query` must be a string".into()),
        None => None,
    };
    let operation_name = match map.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return Err("`operationName` must be a string".into()),
    };
    let variables = match map.remove("variables") {
        None | Some(Value::Null) => Variables::default(),
        Some(vars @ Value::Object(_)) => Variables::from_json(vars),
        Some(_) => return Err("`variables` must be an object".into()),
    };
    let persisted = match map.remove("extensions") {
        None | Some(Value::Null) => None,
        Some(extensions @ Value::Object(_)) => QueryHash::from_extensions(&extensions)?,
        Some(_) => return Err("`extensions` must be an object".into()),
    };
    if query.is_none() && persisted.is_none() {
        return Err("the request has no `query`".into());
    }
    Ok(Params {
        query,
        persisted,
        operation_name,
        variables,
    })
}

pub(super) fn params_from_query(
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
) -> Result<Params, String> {
    let persisted = match extensions.as_deref() {
        None | Some("") | Some("null") => None,
        Some(json) => match serde_json::from_str::<Value>(json) {
            Ok(extensions @ Value::Object(_)) => QueryHash::from_extensions(&extensions)?,
            _ => return Err("`extensions` must be a JSON object".into()),
        },
    };
    if query.is_none() && persisted.is_none() {
        return Err("the request has no `query` parameter".into());
    }
    let variables = match variables.as_deref() {
        None | Some("") | Some("null") => Variables::default(),
        Some(json) => match serde_json::from_str::<Value>(json) {
            Ok(vars @ Value::Object(_)) => Variables::from_json(vars),
            _ => return Err("`variables` must be a JSON object".into()),
        },
    };
    Ok(Params {
        query,
        persisted,
        operation_name: operation_name.filter(|n| !n.is_empty()),
        variables,
    })
}
