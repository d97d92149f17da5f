//! The Model Context Protocol server at `/mcp`: Papers' tools for AI agents over the
//! Streamable HTTP transport, served by the protocol's official Rust SDK (`rmcp`) in the API's
//! own process and port.
//!
//! - Stateless: every POST carries one JSON-RPC message and is answered in JSON; the server
//!   keeps no sessions, so none can pile up and any replica answers any request.
//! - The caller is decided from `Authorization` as for GraphQL, by `http::mcp` before the
//!   protocol starts (a bad header is 401): anonymous callers and READ tokens get the read tools; a WRITE token (or
//!   a session) also gets `upvote_paper`, `add_comment` and `add_to_collection`, under the same
//!   services, throttles and privacy rules as the GraphQL mutations.
//! - A tool's bad arguments are a tool result with `isError` and a clear message, never a
//!   protocol error; an internal failure says so without detail (the cause goes to the log).

mod tools;

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::auth::Caller;
use crate::state::AppState;

/// What the server tells a client about itself when it connects.
const INSTRUCTIONS: &str = "Papers is a community site of research papers (arXiv preprints): \
listed day by day, ranked by upvotes, discussed in comments and gathered into collections. \
Use search_papers to find papers on a subject, daily_papers for what the community picked on a \
day, week or month, get_paper for one paper's details, similar_papers for related work, \
get_comments for its discussion and get_collection for a curated list. Papers are named by \
their arXiv id, e.g. 2401.00001.";

/// The SDK's Streamable HTTP service of the tools; `http::mcp` mounts it at `/mcp` behind the
/// caller's authentication, which it reads from the request's extensions.
pub fn service(
    state: AppState,
    body_limit: usize,
) -> StreamableHttpService<PapersMcp, LocalSessionManager> {
    let handler = PapersMcp { state };
    // The `Host` check guards servers on a developer's loopback against DNS rebinding; this one
    // answers the public, and what a rebound page could reach without the user's bearer token
    // is the public read tools. Browsers' origins are left open for the same reason.
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(body_limit)
        .disable_allowed_hosts();
    StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    )
}

/// The MCP server: one per request (it holds only the shared state).
#[derive(Clone)]
pub struct PapersMcp {
    state: AppState,
}

/// The caller the authentication layer put on the request; anonymous if none (a request that
/// did not pass the layer cannot reach the handler, but anonymity is the safe reading).
fn caller_of(context: &RequestContext<RoleServer>) -> Arc<Caller> {
    context
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Arc<Caller>>())
        .cloned()
        .unwrap_or_else(|| Arc::new(Caller::anonymous(None)))
}

impl ServerHandler for PapersMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("papers", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let caller = caller_of(&context);
        Ok(ListToolsResult::with_all_items(tools::listed_for(&caller)))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let caller = caller_of(&context);
        let arguments = request.arguments.unwrap_or_default();
        Ok(tools::call(&self.state, &caller, &request.name, arguments)
            .await
            .into())
    }
}
