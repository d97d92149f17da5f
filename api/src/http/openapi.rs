//! `GET /openapi.json`: the OpenAPI 3.1 document of the REST routes. The routes and the
//! document come from the same declarations (each handler's `#[utoipa::path]`, its parameter
//! and response types), registered together through `utoipa_axum`, so a route cannot be served
//! without being described. GraphQL (`/graphql`, `/graphql/ws`) and MCP (`/mcp`) are protocols
//! with descriptions of their own (the schema by introspection, `tools/list`) and are only
//! named in the document's description.

use std::sync::Arc;

use axum::Extension;
use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::{comments, digest, export, feeds, health, hf, llms, metrics, pages};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Papers",
        description = "The REST surface of Papers, a community site of research papers: the \
            daily papers and paper lookups in the shape of the Hugging Face Hub's papers API, \
            comment threads, papers as markdown, feeds, the digest's links, the account export \
            and the operator's probes. The whole site is also a GraphQL API at `/graphql` \
            (schema by introspection) and an MCP server at `/mcp` (Streamable HTTP).",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "papers", description = "Papers and their discussion."),
        (name = "feeds", description = "The daily feed for feed readers."),
        (name = "agents", description = "For AI agents."),
        (name = "account", description = "The signed-in viewer's own data."),
        (name = "digest", description = "The links of the digest's mails."),
        (name = "operations", description = "Probes and metrics for operators."),
    ),
    components(schemas(hf::DailySort, comments::CommentSort)),
    modifiers(&SessionAuth),
)]
struct ApiDoc;

/// The bearer token of a session (`login`), for the routes that need one.
struct SessionAuth;

impl Modify for SessionAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A session's access token, from GraphQL's `login` or `register`.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("session", SecurityScheme::Http(scheme));
    }
}

/// The document as served, rendered once.
#[derive(Clone)]
struct Document(Arc<String>);

/// This document (OpenAPI 3.1) of the REST routes.
#[utoipa::path(get, path = "/openapi.json", tag = "agents", operation_id = "openapi", responses(
    (status = 200, description = "The document.", content_type = "application/json", body = Object),
))]
async fn document(Extension(Document(json)): Extension<Document>) -> Response {
    (
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        json.as_str().to_owned(),
    )
        .into_response()
}

/// The REST routes and their document; `/metrics` among them unless it has a listener of its
/// own.
pub fn rest_routes(metrics_here: bool) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(hf::daily_papers))
        .routes(routes!(hf::search_papers))
        .routes(routes!(hf::paper))
        .routes(routes!(comments::comments))
        .routes(routes!(pages::paper))
        .routes(routes!(export::export))
        .routes(routes!(feeds::daily_atom))
        .routes(routes!(feeds::daily_rss))
        .routes(routes!(digest::confirm))
        .routes(routes!(digest::unsubscribe_page, digest::unsubscribe))
        .routes(routes!(llms::llms_txt))
        .routes(routes!(document))
        .routes(routes!(health::health))
        .routes(routes!(health::ready));
    if metrics_here {
        router = router.routes(routes!(metrics::scrape));
    }
    let (router, openapi) = router.split_for_parts();
    let json = openapi.to_json().unwrap_or_default();
    (router.layer(Extension(Document(Arc::new(json)))), openapi)
}
