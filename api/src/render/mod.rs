//! The site's things as the readers outside GraphQL read them: papers and comment threads as
//! JSON (the REST answers and the MCP tools' structured results) and as markdown (the paper
//! pages for agents, the MCP tools' text). One place, so that every surface shows the same
//! fields under the same privacy rules as GraphQL.

pub mod comments;
pub mod paper;

use chrono::{DateTime, SecondsFormat, Utc};
use entity::user;
use serde::Serialize;
use utoipa::ToSchema;

/// A moment as the REST answers write it: RFC 3339 in UTC with milliseconds.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A user, as the Hugging Face client's `User` reads one.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HubUser {
    /// The username.
    pub user: String,
    /// The display name, else the username.
    pub fullname: String,
    /// The avatar's address, if the user set one.
    pub avatar_url: Option<String>,
}

impl From<&user::Model> for HubUser {
    fn from(user: &user::Model) -> Self {
        Self {
            user: user.username.clone(),
            fullname: display_name(user).to_owned(),
            avatar_url: user.avatar_url.clone(),
        }
    }
}

/// The name a user shows: their display name, else their username.
pub fn display_name(user: &user::Model) -> &str {
    user.display_name.as_deref().unwrap_or(&user.username)
}

/// Text quoted as a markdown block quote, every line of it.
pub fn quote(text: &str) -> String {
    text.trim()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                ">".to_owned()
            } else {
                format!("> {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
