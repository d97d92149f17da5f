//! The digest's links: confirming a subscription, and unsubscribing. `GET /digest/unsubscribe`
//! only shows a page with a button (a link scanner opening the mail must not unsubscribe
//! anyone); the button, and mail clients' one-click unsubscribe (RFC 8058), `POST` to the same
//! address, which unsubscribes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::json_error::ErrorBody;
use crate::http::params::Params;
use crate::services::digest;
use crate::state::AppState;

/// The token of a digest link.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// The token the mail's link carries.
    #[serde(default)]
    token: String,
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    );
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response()
}

fn unknown_link() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "This link does not work",
        "<p>It is not a digest link, or its subscription has ended.</p>",
    )
}

fn failed(err: crate::error::AppError) -> Response {
    tracing::error!(error = %err, "a digest link failed");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<p>Please try the link again later.</p>",
    )
}

/// Confirms a digest subscription: the double opt-in's second step (the confirmation mail's
/// link).
#[utoipa::path(get, path = "/digest/confirm", tag = "digest", params(TokenQuery), responses(
    (status = 400, description = "A malformed query string.", body = ErrorBody),
    (status = 200, description = "Subscribed: a page saying so.", content_type = "text/html", body = String),
    (status = 404, description = "Not a digest link, or an ended subscription.", content_type = "text/html", body = String),
))]
pub async fn confirm(State(state): State<AppState>, Params(query): Params<TokenQuery>) -> Response {
    match digest::confirm(&state.services.db, &query.token).await {
        Ok(Some(subscription)) => page(
            StatusCode::OK,
            "Subscribed",
            &format!(
                "<p>{} will get the {} digest of trending papers.</p>",
                ammonia::clean_text(&subscription.email),
                ammonia::clean_text(&subscription.frequency)
            ),
        ),
        Ok(None) => unknown_link(),
        Err(err) => failed(err),
    }
}

/// A page with the button that unsubscribes (a link scanner opening the mail must not).
#[utoipa::path(get, path = "/digest/unsubscribe", tag = "digest", params(TokenQuery), responses(
    (status = 400, description = "A malformed query string.", body = ErrorBody),
    (status = 200, description = "The page with the button.", content_type = "text/html", body = String),
))]
pub async fn unsubscribe_page(Params(query): Params<TokenQuery>) -> Response {
    let token = form_urlencoded::byte_serialize(query.token.as_bytes()).collect::<String>();
    page(
        StatusCode::OK,
        "Unsubscribe from the digest",
        &format!(
            "<form method=\"post\" action=\"/digest/unsubscribe?token={token}\">\
             <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
             <button type=\"submit\">Unsubscribe</button></form>"
        ),
    )
}

/// Unsubscribes (the page's button, and mail clients' one-click unsubscribe, RFC 8058; the
/// body, `List-Unsubscribe=One-Click`, is not needed).
#[utoipa::path(post, path = "/digest/unsubscribe", tag = "digest", params(TokenQuery), responses(
    (status = 400, description = "A malformed query string.", body = ErrorBody),
    (status = 200, description = "Unsubscribed: a page saying so.", content_type = "text/html", body = String),
    (status = 404, description = "Not a digest link, or an ended subscription.", content_type = "text/html", body = String),
))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    Params(query): Params<TokenQuery>,
) -> Response {
    match digest::unsubscribe(&state.services.db, &query.token).await {
        Ok(true) => page(
            StatusCode::OK,
            "Unsubscribed",
            "<p>No more digests will be sent to this address.</p>",
        ),
        Ok(false) => unknown_link(),
        Err(err) => failed(err),
    }
}
