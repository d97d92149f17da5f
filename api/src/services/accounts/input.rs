//! Account input, parsed once: usernames, emails, passwords, profile fields.

use crate::error::AppError;
use crate::services::input;

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
pub fn parse_username(input: &str) -> Result<String, AppError> {
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
    Ok(name)
}

/// An email address of sane shape, kept lowercase.
pub fn parse_email(input: &str) -> Result<String, AppError> {
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
    if sane { Ok(email) } else { Err(bad()) }
}

pub fn check_password(password: &str, field: &str) -> Result<(), AppError> {
    if PASSWORD_CHARS.contains(&password.chars().count()) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            "a password has 10 to 128 characters",
        ))
    }
}

/// New account data, checked.
pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
    pub display_name: Option<String>,
}

impl Registration {
    pub fn parse(
        username: &str,
        email: &str,
        password: String,
        display_name: Option<String>,
    ) -> Result<Self, AppError> {
        let username = parse_username(username)?;
        let email = parse_email(email)?;
        check_password(&password, "password")?;
        let display_name = input::optional(display_name, "displayName", MAX_DISPLAY_NAME_CHARS)?;
        Ok(Self {
            username,
            email,
            password,
            display_name,
        })
    }
}

/// Profile changes, checked: a field left out stays as it is; an empty one is cleared.
pub struct ProfileChange {
    pub display_name: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
}

impl ProfileChange {
    pub fn parse(
        display_name: Option<String>,
        bio: Option<String>,
        avatar_url: Option<String>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            display_name: display_name
                .map(|v| input::optional(Some(v), "displayName", MAX_DISPLAY_NAME_CHARS))
                .transpose()?,
            bio: bio
                .map(|v| input::optional(Some(v), "bio", MAX_BIO_CHARS))
                .transpose()?,
            avatar_url: avatar_url
                .map(|v| input::http_url(Some(v), "avatarUrl"))
                .transpose()?,
        })
    }
}
