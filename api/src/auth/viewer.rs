//! The viewer of a request: anonymous, or a signed-in user.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use entity::user;
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::auth::jwt::JwtKeys;
use crate::error::AppError;

/// Who is asking.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<user::Model>,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }
}

/// Resolves the `Authorization` header. Absent: anonymous. Present: it must be
/// `Bearer <access token>` for an existing, enabled user, issued no earlier than the user's last
/// password change; anything else is `UNAUTHENTICATED`, never silent anonymity.
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
    let (user_id, issued_at) = keys.verify(token.trim()).ok_or(AppError::Unauthenticated)?;
    let user = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let password_changed = user.password_changed_at.timestamp_millis() as f64 / 1000.0;
    if user.disabled_at.is_some() || issued_at < password_changed {
        return Err(AppError::Unauthenticated);
    }
    Ok(Viewer { user: Some(user) })
}
