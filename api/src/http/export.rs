//! `GET /api/me/export`: the viewer's data as a JSON download. Needs a session's bearer token
//! (401 without a valid one, 403 for an API token: an integration cannot take a user's data).

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_DISPOSITION};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::http::client::ClientAddress;
use crate::http::json_error::{ErrorBody, json_error};
use crate::services::accounts;
use crate::state::AppState;

/// The signed-in viewer's data (account, papers, votes, comments, collections, follows, tokens'
/// names) as a JSON download. Needs a session's bearer token; an API token is 403.
#[utoipa::path(get, path = "/api/me/export", tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The viewer's data.", body = Object),
        (status = 401, description = "No valid session.", body = ErrorBody),
        (status = 403, description = "An API token cannot export.", body = ErrorBody),
    ))]
pub async fn export(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
) -> Response {
    let client = client.map(|Extension(ClientAddress(ip))| ip);
    let authorization = headers.get(AUTHORIZATION).map(HeaderValue::as_bytes);
    let result = async {
        // No header at all is as unauthenticated as a bad one here.
        let authorization = authorization.ok_or(AppError::Unauthenticated)?;
        let caller = accounts::caller(&state.services, Some(authorization), client).await?;
        let user = caller.with_session()?;
        let document = accounts::export::export(&state.services.db, user).await?;
        Ok::<_, AppError>((user.username.clone(), document))
    }
    .await;
    match result {
        Ok((username, document)) => {
            let disposition = format!("attachment; filename=\"papers-export-{username}.json\"");
            let mut response = Json(document).into_response();
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(CONTENT_DISPOSITION, value);
            }
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(err) => json_error(&err),
    }
}
