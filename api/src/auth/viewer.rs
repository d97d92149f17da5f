//! The viewer of a request: anonymous, or a signed-in user.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use entity::user;
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::auth::jwt::JwtKeys;
use crate::error::AppError;
use crate::services::tokens::{self, Scope};

/// Who is asking.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<user::Model>,
    /// The scopes of the API token the request came with; `None` for a session (access token)
    /// or an anonymous request.
    pub api_scopes: Option<Vec<Scope>>,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    /// Whether the request may write: anonymous and session requests may (mutations check
    /// sign-in themselves); an API token needs the `write` scope.
    pub fn may_write(&self) -> bool {
        self.api_scopes
            .as_ref()
            .is_none_or(|scopes| scopes.contains(&Scope::Write))
    }

    /// Whether the request came with an API token rather than a session.
    pub fn is_api_token(&self) -> bool {
        self.api_scopes.is_some()
    }
}

/// Resolves the `Authorization` header. Absent: anonymous. Present: it must be
/// `Bearer <access token>` for an existing, enabled user, issued no earlier than the user's last
/// password change, or `Bearer papers_…`, a live API token of an enabled user; anything else is
/// `UNAUTHENTICATED`, never silent anonymity.
pub async fn from_headers(
    headers: &HeaderMap,
    keys: &JwtKeys,
    db: &DatabaseConnection,
) -> Result<Viewer, AppError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(Viewer::anonymous());
    };
    let value = value.to_str().map_err(|_| AppError::Unauthenticated)?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or(AppError::Unauthenticated)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AppError::Unauthenticated);
    }
    let token = token.trim();
    if token.starts_with(tokens::PREFIX) {
        let row = tokens::authenticate(db, token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let user = user::Entity::find_by_id(row.user_id)
            .one(db)
            .await?
            .filter(|u| u.disabled_at.is_none())
            .ok_or(AppError::Unauthenticated)?;
        return Ok(Viewer {
            user: Some(user),
            api_scopes: Some(tokens::scopes_of(&row)),
        });
    }
    let (user_id, issued_at) = keys.verify(token).ok_or(AppError::Unauthenticated)?;
    let user = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let password_changed = user.password_changed_at.timestamp_millis() as f64 / 1000.0;
    if user.disabled_at.is_some() || issued_at < password_changed {
        return Err(AppError::Unauthenticated);
    }
    Ok(Viewer {
        user: Some(user),
        api_scopes: None,
    })
}
