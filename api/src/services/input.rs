//! Input parsed once, by the rules every service shares, into types that say it was: text of a
//! bounded length, http(s) URLs, markdown ("parse, don't validate"). A broken rule is
//! `BAD_USER_INPUT` naming the field; a service that takes a `Title` need not check it again.

use crate::error::AppError;

/// Longest URL accepted anywhere.
pub const MAX_URL_CHARS: usize = 500;

/// Whether text holds a control character other than a line break or a tab.
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Text a person typed, parsed: trimmed, 1 to `MAX` characters, no control characters other
/// than line breaks and tabs. Each domain names its kinds (`papers::Title`,
/// `collections::Note`, …) so the limit travels with the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> Text<MAX> {
    /// Text that must be there.
    pub fn parse(input: &str, field: &str) -> Result<Self, AppError> {
        let text = input.trim();
        if text.is_empty() || text.chars().count() > MAX || has_control(text) {
            return Err(AppError::bad_input(
                field,
                format!("{field} has 1 to {MAX} characters"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// Optional text: absent or blank is none.
    pub fn parse_optional(input: Option<String>, field: &str) -> Result<Option<Self>, AppError> {
        match input.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => Self::parse(text, field).map(Some).map_err(|_| {
                AppError::bad_input(field, format!("{field} has at most {MAX} characters"))
            }),
        }
    }

    /// A change to optional text: absent leaves it (`None`), blank clears it (`Some(None)`).
    pub fn parse_change(
        input: Option<String>,
        field: &str,
    ) -> Result<Option<Option<Self>>, AppError> {
        input
            .map(|text| Self::parse_optional(Some(text), field))
            .transpose()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> From<Text<MAX>> for String {
    fn from(text: Text<MAX>) -> String {
        text.0
    }
}

/// An http(s) URL: trimmed, at most [`MAX_URL_CHARS`], no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(String);

impl HttpUrl {
    /// An optional URL: absent or blank is none.
    pub fn parse(input: Option<String>, field: &str) -> Result<Option<Self>, AppError> {
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
        Ok(Some(Self(url)))
    }

    /// A change to an optional URL: absent leaves it (`None`), blank clears it (`Some(None)`).
    pub fn parse_change(
        input: Option<String>,
        field: &str,
    ) -> Result<Option<Option<Self>>, AppError> {
        input.map(|url| Self::parse(Some(url), field)).transpose()
    }
}

impl From<HttpUrl> for String {
    fn from(url: HttpUrl) -> String {
        url.0
    }
}

/// Markdown a person wrote (a comment): kept exactly as written, since its whitespace is part
/// of the text (code blocks, line breaks); not blank; at most `MAX` characters. It is rendered
/// to safe HTML only on output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markdown<const MAX: usize>(String);

impl<const MAX: usize> Markdown<MAX> {
    pub fn parse(input: String, field: &str) -> Result<Self, AppError> {
        if input.trim().is_empty() || input.chars().count() > MAX {
            return Err(AppError::bad_input(
                field,
                format!("{field} has 1 to {MAX} characters"),
            ));
        }
        Ok(Self(input))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> From<Markdown<MAX>> for String {
    fn from(text: Markdown<MAX>) -> String {
        text.0
    }
}

/// Text made safe for HTML content or a quoted attribute value.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The first `max` characters of a text, with `…` when it was cut.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_on_characters_and_html_is_escaped() {
        assert_eq!(excerpt("héllo", 2), "hé…");
        assert_eq!(excerpt("héllo", 5), "héllo");
        assert_eq!(
            escape_html("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
    }

    type Short = Text<10>;

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        let title = Short::parse("  a title ", "title").ok();
        assert_eq!(title.as_ref().map(Short::as_str), Some("a title"));
        assert!(Short::parse("   ", "title").is_err());
        assert!(Short::parse("eleven char", "title").is_err());
        assert!(Short::parse("a\u{0}b", "title").is_err());
        assert_eq!(
            Short::parse_optional(Some("  ".into()), "note").ok(),
            Some(None)
        );
        assert!(matches!(
            Short::parse_optional(Some(" two\nlines".into()), "note"),
            Ok(Some(_))
        ));
        assert!(Short::parse_optional(Some("much too long".into()), "note").is_err());
        assert_eq!(Short::parse_change(None, "note").ok(), Some(None));
        assert_eq!(
            Short::parse_change(Some(" ".into()), "note").ok(),
            Some(Some(None))
        );
    }

    #[test]
    fn urls_are_http_or_https_without_spaces() {
        let url = HttpUrl::parse(Some(" https://x.org/a ".into()), "u")
            .ok()
            .flatten();
        assert_eq!(url.map(String::from).as_deref(), Some("https://x.org/a"));
        assert_eq!(HttpUrl::parse(None, "u").ok(), Some(None));
        assert!(HttpUrl::parse(Some("javascript:alert(1)".into()), "u").is_err());
        assert!(HttpUrl::parse(Some("https://x.org/a b".into()), "u").is_err());
        assert!(HttpUrl::parse(Some(format!("https://{}", "a".repeat(600))), "u").is_err());
    }

    #[test]
    fn markdown_keeps_its_whitespace_and_is_not_blank() {
        let code = "    indented code\n".to_owned();
        let body = Markdown::<100>::parse(code.clone(), "body").ok();
        assert_eq!(body.map(String::from), Some(code));
        assert!(Markdown::<100>::parse(" \n ".into(), "body").is_err());
        assert!(Markdown::<3>::parse("four".into(), "body").is_err());
    }
}
