//! Account input, parsed once: usernames, emails, passwords, profile fields.

use crate::error::AppError;
use crate::services::input::{HttpUrl, Text};

/// Usernames nobody may take: they name parts of the site or would mislead.
pub const RESERVED_USERNAMES: &[&str] = &[
    "admin",
    "administrator",
    "api",
    "graphql",
    "root",
    "system",
    "support",
    "moderator",
    "mod",
    "papers",
    "null",
    "undefined",
    "me",
    "settings",
    "login",
    "logout",
    "register",
    "signup",
    "help",
    "about",
    "www",
    "staff",
    "security",
    "official",
];
pub const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 3..=32;
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 10..=128;
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;
pub const MAX_BIO_CHARS: usize = 500;

/// A username: 3–32 characters of `a-z 0-9 - _` (given in any case, kept lowercase), not
/// reserved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, AppError> {
        let name = input.trim().to_lowercase();
        let field = "username";
        if !USERNAME_CHARS.contains(&name.chars().count()) {
            return Err(AppError::bad_input(
                field,
                "a username has 3 to 32 characters",
            ));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            return Err(AppError::bad_input(
                field,
                "a username has only letters a-z, digits, - and _",
            ));
        }
        if RESERVED_USERNAMES.contains(&name.as_str()) {
            return Err(AppError::bad_input(field, "this username is reserved"));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address of sane shape, kept lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, AppError> {
        let email = input.trim().to_lowercase();
        let bad = || AppError::bad_input("email", "not an email address");
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let sane = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
        if sane { Ok(Self(email)) } else { Err(bad()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 10 to 128 characters, kept as given (it is only ever hashed). Its `Debug`
/// never shows it.
pub struct Password(String);

impl Password {
    pub fn parse(input: String, field: &str) -> Result<Self, AppError> {
        if PASSWORD_CHARS.contains(&input.chars().count()) {
            Ok(Self(input))
        } else {
            Err(AppError::bad_input(
                field,
                "a password has 10 to 128 characters",
            ))
        }
    }

    /// The password itself, for hashing.
    pub fn reveal(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A display name.
pub type DisplayName = Text<MAX_DISPLAY_NAME_CHARS>;
/// A profile's "about me".
pub type Bio = Text<MAX_BIO_CHARS>;

/// New account data, checked.
pub struct Registration {
    pub username: Username,
    pub email: Email,
    pub password: Password,
    pub display_name: Option<DisplayName>,
}

impl Registration {
    pub fn parse(
        username: &str,
        email: &str,
        password: String,
        display_name: Option<String>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            username: Username::parse(username)?,
            email: Email::parse(email)?,
            password: Password::parse(password, "password")?,
            display_name: DisplayName::parse_optional(display_name, "displayName")?,
        })
    }
}

/// Profile changes, checked: a field left out stays as it is; an empty one is cleared.
pub struct ProfileChange {
    pub display_name: Option<Option<DisplayName>>,
    pub bio: Option<Option<Bio>>,
    pub avatar_url: Option<Option<HttpUrl>>,
}

impl ProfileChange {
    pub fn parse(
        display_name: Option<String>,
        bio: Option<String>,
        avatar_url: Option<String>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            display_name: DisplayName::parse_change(display_name, "displayName")?,
            bio: Bio::parse_change(bio, "bio")?,
            avatar_url: HttpUrl::parse_change(avatar_url, "avatarUrl")?,
        })
    }
}
