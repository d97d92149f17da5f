//! Who a request comes from, decided once from its `Authorization` header.

use std::net::IpAddr;

use crate::auth::Caller;
use crate::error::AppError;
use crate::services::{Services, tokens};

/// The caller of a request with this `Authorization` header value. Absent: anonymous. Present: it must be
/// `Bearer <access token>` for an existing, enabled user, issued no earlier than the user's last
/// password change, or `Bearer papers_…`, a live API token of an enabled user; anything else is
/// `UNAUTHENTICATED`, never silent anonymity.
pub async fn caller(
    services: &Services,
    authorization: Option<&[u8]>,
    address: Option<IpAddr>,
) -> Result<Caller, AppError> {
    let (db, keys) = (&services.db, &services.jwt);
    let Some(value) = authorization else {
        return Ok(Caller::anonymous(address));
    };
    let value = std::str::from_utf8(value).map_err(|_| AppError::Unauthenticated)?;
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
        let user = services
            .viewers
            .find(db, row.user_id)
            .await?
            .filter(|u| u.disabled_at.is_none())
            .ok_or(AppError::Unauthenticated)?;
        return Ok(Caller {
            user: Some(user),
            api_scopes: Some(tokens::scopes_of(&row)),
            address,
        });
    }
    let (user_id, issued_at) = keys.verify(token).ok_or(AppError::Unauthenticated)?;
    let user = services
        .viewers
        .find(db, user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let password_changed = user.password_changed_at.timestamp_millis() as f64 / 1000.0;
    if user.disabled_at.is_some() || issued_at < password_changed {
        return Err(AppError::Unauthenticated);
    }
    Ok(Caller {
        user: Some(user),
        api_scopes: None,
        address,
    })
}
