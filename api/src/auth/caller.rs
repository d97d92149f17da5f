//! Who is calling: a signed-in user (with a session or an API token) or nobody, and from where.
//! Services take a `Caller` and decide from it what the call may do, so every transport (GraphQL
//! over HTTP today; WebSocket, REST and jobs next) gets the same rules.

use std::net::IpAddr;

use entity::user;

use crate::error::AppError;
use crate::ids::UserId;

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
}

/// The caller of one request.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub user: Option<user::Model>,
    /// The scopes of the API token the request came with; `None` for a session (access token)
    /// or an anonymous request.
    pub api_scopes: Option<Vec<Scope>>,
    /// The client's address, for per-address throttles.
    pub address: Option<IpAddr>,
}

impl Caller {
    pub fn anonymous(address: Option<IpAddr>) -> Self {
        Self {
            address,
            ..Self::default()
        }
    }

    /// A user signed in with a session (no API token), from no particular address.
    pub fn session(user: user::Model) -> Self {
        Self {
            user: Some(user),
            api_scopes: None,
            address: None,
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        self.user.as_ref().map(|u| u.id)
    }

    /// The signed-in user, or `UNAUTHENTICATED`.
    pub fn signed_in(&self) -> Result<&user::Model, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// The user signed in with a session, not an API token (`FORBIDDEN` for a token): what
    /// managing one's tokens needs.
    pub fn with_session(&self) -> Result<&user::Model, AppError> {
        let user = self.signed_in()?;
        if self.is_api_token() {
            return Err(AppError::Forbidden(
                "this needs a session, not an API token".into(),
            ));
        }
        Ok(user)
    }

    /// The signed-in user if a moderator or an admin, else `FORBIDDEN`.
    pub fn moderator(&self, what: &str) -> Result<&user::Model, AppError> {
        let user = self.signed_in()?;
        if user.role.moderates() {
            Ok(user)
        } else {
            Err(AppError::Forbidden(format!("only moderators {what}")))
        }
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

    /// Whether the caller moderates (sees hidden comments, decides claims).
    pub fn is_moderator(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.moderates())
    }
}
