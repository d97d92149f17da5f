//! Input parsed once, by the rules every service shares: required and optional text, http(s)
//! URLs. A broken rule is `BAD_USER_INPUT` naming the field; what passes is trimmed.

use crate::error::AppError;

/// Longest URL accepted anywhere.
pub const MAX_URL_CHARS: usize = 500;

/// Whether text holds a control character other than a line break or a tab.
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Text that must be there: trimmed, 1 to `max` characters.
pub fn required(input: &str, field: &str, max: usize) -> Result<String, AppError> {
    let text = input.trim();
    if text.is_empty() || text.chars().count() > max || has_control(text) {
        return Err(AppError::bad_input(
            field,
            format!("{field} has 1 to {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Optional text: trimmed, empty meaning none, at most `max` characters.
pub fn optional(
    input: Option<String>,
    field: &str,
    max: usize,
) -> Result<Option<String>, AppError> {
    let Some(text) = input.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max || has_control(&text) {
        return Err(AppError::bad_input(
            field,
            format!("{field} has at most {max} characters"),
        ));
    }
    Ok(Some(text))
}

/// An optional http(s) URL: trimmed, empty meaning none, at most [`MAX_URL_CHARS`], no spaces.
pub fn http_url(input: Option<String>, field: &str) -> Result<Option<String>, AppError> {
    let Some(url) = input.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok
        || url.chars().count() > MAX_URL_CHARS
        || url.contains(char::is_whitespace)
        || has_control(&url)
    {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be an http(s) URL of at most {MAX_URL_CHARS} characters"),
        ));
    }
    Ok(Some(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert!(matches!(
            required("  a title ", "title", 10).as_deref(),
            Ok("a title")
        ));
        assert!(required("   ", "title", 10).is_err());
        assert!(required("eleven char", "title", 10).is_err());
        assert!(required("a\u{0}b", "title", 10).is_err());
        assert!(matches!(optional(Some("  ".into()), "note", 5), Ok(None)));
        assert!(matches!(
            optional(Some(" two\nlines ".into()), "note", 20),
            Ok(Some(_))
        ));
        assert!(optional(Some("toolong".into()), "note", 5).is_err());
    }

    #[test]
    fn urls_are_http_or_https_without_spaces() {
        assert!(
            matches!(http_url(Some(" https://x.org/a ".into()), "u"), Ok(Some(ref u)) if u == "https://x.org/a")
        );
        assert!(matches!(http_url(None, "u"), Ok(None)));
        assert!(http_url(Some("javascript:alert(1)".into()), "u").is_err());
        assert!(http_url(Some("https://x.org/a b".into()), "u").is_err());
        assert!(http_url(Some(format!("https://{}", "a".repeat(600))), "u").is_err());
    }
}
