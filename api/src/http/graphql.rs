//! The GraphQL-over-HTTP handler, written for our transport rules rather than the stock
//! service: JSON only on POST (415 otherwise), queries only on GET (a mutation → 405 with
//! `Allow: POST`), capped batches, `Accept` negotiation, a timeout, document limits checked
//! before anything runs, and every error leaving with an `extensions.code`.

use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{ServerError, Variables};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::header::{ALLOW, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;

use crate::auth::{self, Viewer};
use crate::error::{ErrorCode, INTERNAL_MESSAGE};
use crate::graphql::PapersSchema;
use crate::graphql::checks::{self, DocumentLimits};
use crate::graphql::context::RequestData;
use crate::graphql::limits::CostBudget;
use crate::graphql::loaders::Loaders;
use crate::http::negotiate::{self, ResponseFormat};
use crate::http::nesting;
use crate::state::AppState;

/// What the GraphQL handler needs, built once.
#[derive(Clone)]
pub struct GraphqlState {
    pub schema: PapersSchema,
    pub app: AppState,
    pub limits: DocumentLimits,
    pub timeout: Duration,
    pub max_batch: usize,
    /// The cost budget of one request (a batch shares it).
    pub max_complexity: usize,
    /// Deepest bracket nesting of a document or a JSON body, checked before parsing.
    pub max_nesting: usize,
    pub loader_delay: Duration,
}

/// One operation's parameters, as a GraphQL-over-HTTP request carries them.
struct Params {
    query: String,
    operation_name: Option<String>,
    variables: Variables,
}

/// How one operation ended.
enum Outcome {
    /// It ran (perhaps with field errors); the response is as the executor made it.
    Executed(async_graphql::Response),
    /// It was refused before running: a parse or validation failure.
    Refused(Vec<ServerError>, ErrorCode),
    /// A mutation arrived over GET.
    MutationOverGet,
    /// It ran out of time.
    TimedOut,
    /// A mutation from a read-only API token.
    ReadOnly,
}

pub async fn post(
    State(state): State<GraphqlState>,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client = connection.map(|Extension(ConnectInfo(addr))| addr.ip());
    let Some(format) = negotiate::response_format(&headers) else {
        return not_acceptable();
    };
    if !is_json_content_type(&headers) {
        return plain_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format,
            "requests must be sent as application/json",
            ErrorCode::BadUserInput,
        );
    }
    let viewer = match authenticate(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    if nesting::json_depth(&body, state.max_nesting).is_none() {
        return too_deep(format, "the request body", state.max_nesting);
    }
    let body: Value = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(_) => {
            return plain_error(
                StatusCode::BAD_REQUEST,
                format,
                "the request body is not valid JSON",
                ErrorCode::GraphqlParseFailed,
            );
        }
    };
    match body {
        Value::Array(batch) => run_batch(&state, &viewer, client, format, batch).await,
        single => match params_from_json(single) {
            Ok(params) => {
                let budget = CostBudget::new(state.max_complexity);
                respond(
                    format,
                    run(&state, &viewer, client, params, false, &budget).await,
                )
            }
            Err(message) => plain_error(
                StatusCode::BAD_REQUEST,
                format,
                &message,
                ErrorCode::BadUserInput,
            ),
        },
    }
}

pub async fn get(
    State(state): State<GraphqlState>,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let client = connection.map(|Extension(ConnectInfo(addr))| addr.ip());
    let pairs: Vec<(String, String)> = raw
        .as_deref()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if param("query").is_none() && negotiate::wants_html(&headers) {
        return Html(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .finish(),
        )
        .into_response();
    }
    let Some(format) = negotiate::response_format(&headers) else {
        return not_acceptable();
    };
    let viewer = match authenticate(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let variables = param("variables");
    if variables
        .as_deref()
        .is_some_and(|v| nesting::json_depth(v.as_bytes(), state.max_nesting).is_none())
    {
        return too_deep(format, "`variables`", state.max_nesting);
    }
    let params = params_from_query(param("query"), param("operationName"), variables);
    match params {
        Ok(params) => {
            let budget = CostBudget::new(state.max_complexity);
            respond(
                format,
                run(&state, &viewer, client, params, true, &budget).await,
            )
        }
        Err(message) => plain_error(
            StatusCode::BAD_REQUEST,
            format,
            &message,
            ErrorCode::BadUserInput,
        ),
    }
}

/// The viewer of the request, or the 401 response for a bad `Authorization` header.
async fn authenticate(state: &GraphqlState, headers: &HeaderMap) -> Result<Viewer, Response> {
    match auth::viewer::from_headers(headers, &state.app.jwt, &state.app.db).await {
        Ok(viewer) => Ok(viewer),
        Err(err) => {
            let code = err.code();
            let message = match code {
                ErrorCode::Unauthenticated => err.to_string(),
                _ => {
                    tracing::error!(cause = %err, "authentication failed");
                    INTERNAL_MESSAGE.to_owned()
                }
            };
            let status = match code {
                ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let mut response =
                json_response(status, ResponseFormat::Json, &error_body(&message, code));
            if status == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer"),
                );
            }
            Err(response)
        }
    }
}

/// `application/json`, with no charset or UTF-8.
fn is_json_content_type(headers: &HeaderMap) -> bool {
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

fn params_from_json(value: Value) -> Result<Params, String> {
    let Value::Object(mut map) = value else {
        return Err("the request body must be a JSON object".into());
    };
    let query = match map.remove("query") {
        Some(Value::String(query)) => query,
        Some(_) => return Err("`query` must be a string".into()),
        None => return Err("the request has no `query`".into()),
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
    match map.remove("extensions") {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        Some(_) => return Err("`extensions` must be an object".into()),
    }
    Ok(Params {
        query,
        operation_name,
        variables,
    })
}

fn params_from_query(
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
) -> Result<Params, String> {
    let query = query.ok_or("the request has no `query` parameter")?;
    let variables = match variables.as_deref() {
        None | Some("") | Some("null") => Variables::default(),
        Some(json) => match serde_json::from_str::<Value>(json) {
            Ok(vars @ Value::Object(_)) => Variables::from_json(vars),
            _ => return Err("`variables` must be a JSON object".into()),
        },
    };
    Ok(Params {
        query,
        operation_name: operation_name.filter(|n| !n.is_empty()),
        variables,
    })
}

async fn run_batch(
    state: &GraphqlState,
    viewer: &Viewer,
    client: Option<std::net::IpAddr>,
    format: ResponseFormat,
    batch: Vec<Value>,
) -> Response {
    if batch.is_empty() || batch.len() > state.max_batch {
        let message = if state.max_batch == 0 {
            "batched requests are not accepted".to_owned()
        } else {
            format!("a batch must hold 1 to {} operations", state.max_batch)
        };
        return plain_error(
            StatusCode::BAD_REQUEST,
            format,
            &message,
            ErrorCode::GraphqlValidationFailed,
        );
    }
    // The operations of a batch spend one cost budget between them.
    let budget = CostBudget::new(state.max_complexity);
    let mut bodies: Vec<Vec<u8>> = Vec::with_capacity(batch.len());
    for item in batch {
        let outcome = match params_from_json(item) {
            Ok(params) => run(state, viewer, client, params, false, &budget).await,
            Err(message) => Outcome::Refused(
                vec![ServerError::new(message, None)],
                ErrorCode::BadUserInput,
            ),
        };
        bodies.push(outcome_body(outcome).1);
    }
    let mut array = b"[".to_vec();
    array.extend(bodies.join(&b","[..]));
    array.push(b']');
    bytes_response(StatusCode::OK, format, array)
}

/// Parses, checks and runs one operation.
async fn run(
    state: &GraphqlState,
    viewer: &Viewer,
    client: Option<std::net::IpAddr>,
    params: Params,
    over_get: bool,
    budget: &Arc<CostBudget>,
) -> Outcome {
    if nesting::graphql_depth(&params.query, state.max_nesting).is_none() {
        let message = format!(
            "the document nests brackets deeper than {} levels",
            state.max_nesting
        );
        return Outcome::Refused(
            vec![ServerError::new(message, None)],
            ErrorCode::GraphqlParseFailed,
        );
    }
    // Kept for the required-variables check, which runs while the request holds the document.
    let variables = params.variables.clone();
    let mut request = async_graphql::Request::new(params.query).variables(params.variables);
    if let Some(name) = &params.operation_name {
        request = request.operation_name(name.clone());
    }
    let document = match request.parsed_query() {
        Ok(document) => document,
        Err(err) => return Outcome::Refused(vec![err], ErrorCode::GraphqlParseFailed),
    };
    let mutation = is_mutation(document, params.operation_name.as_deref());
    if over_get && mutation {
        return Outcome::MutationOverGet;
    }
    if mutation && !viewer.may_write() {
        return Outcome::ReadOnly;
    }
    let checked = state.limits.check(document).and_then(|()| {
        checks::check_required_variables(document, params.operation_name.as_deref(), &variables)
    });
    if let Err(message) = checked {
        return Outcome::Refused(
            vec![ServerError::new(message, None)],
            ErrorCode::GraphqlValidationFailed,
        );
    }
    let request = request
        .data(RequestData::new(
            viewer.clone(),
            client,
            Loaders::new(&state.app.db, viewer.user_id(), state.loader_delay),
        ))
        .data(budget.clone());
    match tokio::time::timeout(state.timeout, state.schema.execute(request)).await {
        Err(_) => Outcome::TimedOut,
        // Errors without a path come from before execution: validation, variable coercion,
        // operation selection.
        Ok(response)
            if response.data == async_graphql::Value::Null
                && !response.errors.is_empty()
                && response.errors.iter().all(|e| e.path.is_empty()) =>
        {
            Outcome::Refused(response.errors, ErrorCode::GraphqlValidationFailed)
        }
        Ok(response) => Outcome::Executed(response),
    }
}

/// Whether the operation the request selects is a mutation or subscription (not for GET).
fn is_mutation(
    document: &async_graphql::parser::types::ExecutableDocument,
    operation_name: Option<&str>,
) -> bool {
    document.operations.iter().any(|(name, operation)| {
        let selected = match (operation_name, name) {
            (Some(wanted), Some(name)) => wanted == name.as_str(),
            (Some(_), None) => false,
            (None, _) => true,
        };
        selected && operation.node.ty != OperationType::Query
    })
}

/// The body of an executed operation, serialized straight from the executor's values (no
/// intermediate JSON tree: a feed page is large).
#[derive(serde::Serialize)]
struct ExecutedBody<'a> {
    data: &'a async_graphql::Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Value>,
}

/// The status and JSON body of an outcome (the status as for `application/json`).
fn outcome_body(outcome: Outcome) -> (StatusCode, Vec<u8>) {
    let to_bytes = |value: &Value| serde_json::to_vec(value).unwrap_or_default();
    match outcome {
        Outcome::Executed(response) => encode(
            StatusCode::OK,
            &ExecutedBody {
                data: &response.data,
                errors: response.errors.into_iter().map(executed_error).collect(),
            },
        ),
        Outcome::Refused(errors, code) => {
            let errors: Vec<Value> = errors.into_iter().map(|e| refused_error(e, code)).collect();
            (
                StatusCode::BAD_REQUEST,
                to_bytes(&json!({ "errors": errors })),
            )
        }
        Outcome::MutationOverGet => (
            StatusCode::METHOD_NOT_ALLOWED,
            to_bytes(&error_body(
                "mutations must be sent with POST",
                ErrorCode::GraphqlValidationFailed,
            )),
        ),
        Outcome::ReadOnly => (
            StatusCode::FORBIDDEN,
            to_bytes(&error_body(
                "this API token may only read",
                ErrorCode::Forbidden,
            )),
        ),
        Outcome::TimedOut => (
            StatusCode::GATEWAY_TIMEOUT,
            to_bytes(&error_body("the request took too long", ErrorCode::Timeout)),
        ),
    }
}

/// A body as JSON with its status; a body that fails to serialise becomes a logged `500` with
/// a generic error, never an empty `200`.
fn encode(status: StatusCode, body: &impl serde::Serialize) -> (StatusCode, Vec<u8>) {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, bytes),
        Err(err) => {
            tracing::error!(cause = %err, "a response failed to serialise");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::to_vec(&error_body(
                    INTERNAL_MESSAGE,
                    ErrorCode::InternalServerError,
                ))
                .unwrap_or_default(),
            )
        }
    }
}

/// Responds to a single operation. Refusals are 400 under `application/graphql-response+json`
/// and 200 under `application/json`, as the GraphQL-over-HTTP spec asks.
fn respond(format: ResponseFormat, outcome: Outcome) -> Response {
    let mutation_over_get = matches!(outcome, Outcome::MutationOverGet);
    let (status, body) = outcome_body(outcome);
    let status = match (status, format) {
        (StatusCode::BAD_REQUEST, ResponseFormat::Json) => StatusCode::OK,
        (status, _) => status,
    };
    let mut response = bytes_response(status, format, body);
    if mutation_over_get {
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
    }
    response
}

/// An error from execution. One that carries a code was made by `AppError::into_gql`. Every
/// argument value was checked against its type before execution (`graphql::limits`), so
/// anything else is a failure of ours: logged, never shown.
fn executed_error(mut error: ServerError) -> Value {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some());
    if !has_code {
        tracing::error!(cause = %error.message, "uncoded error replaced by a generic one");
        error.message = INTERNAL_MESSAGE.to_owned();
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", ErrorCode::InternalServerError.as_str());
    }
    serde_json::to_value(&error)
        .unwrap_or_else(|_| error_body(INTERNAL_MESSAGE, ErrorCode::InternalServerError))
}

fn refused_error(mut error: ServerError, code: ErrorCode) -> Value {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some());
    if !has_code {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
    }
    serde_json::to_value(&error).unwrap_or(Value::Null)
}

fn error_body(message: &str, code: ErrorCode) -> Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] })
}

fn plain_error(
    status: StatusCode,
    format: ResponseFormat,
    message: &str,
    code: ErrorCode,
) -> Response {
    json_response(status, format, &error_body(message, code))
}

/// A JSON body (or `variables` parameter) nested deeper than the limit: refused unparsed.
fn too_deep(format: ResponseFormat, what: &str, limit: usize) -> Response {
    plain_error(
        StatusCode::BAD_REQUEST,
        format,
        &format!("{what} nests deeper than {limit} levels"),
        ErrorCode::GraphqlParseFailed,
    )
}

fn not_acceptable() -> Response {
    json_response(
        StatusCode::NOT_ACCEPTABLE,
        ResponseFormat::Json,
        &error_body(
            "responses are application/graphql-response+json or application/json",
            ErrorCode::BadUserInput,
        ),
    )
}

fn json_response(status: StatusCode, format: ResponseFormat, body: &Value) -> Response {
    bytes_response(status, format, serde_json::to_vec(body).unwrap_or_default())
}

fn bytes_response(status: StatusCode, format: ResponseFormat, bytes: Vec<u8>) -> Response {
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    /// A value whose serialisation fails.
    struct Unserialisable;

    impl serde::Serialize for Unserialisable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot"))
        }
    }

    #[test]
    fn a_body_that_fails_to_serialise_is_an_internal_error_not_an_empty_200() {
        let (status, body) = encode(StatusCode::OK, &Unserialisable);
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let body: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "INTERNAL_SERVER_ERROR"
        );
    }
}
