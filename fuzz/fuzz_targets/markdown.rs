//! A comment's markdown rendered to HTML: never a panic, and no markup that runs script.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let html = api::services::discussion::markdown::to_safe_html(text).to_ascii_lowercase();
    // Text is escaped, so only what sits between `<` and `>` is markup.
    for tag in html
        .split('<')
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or(""))
    {
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("");
        assert!(
            !["script", "iframe", "object", "embed", "style", "svg"].contains(&name),
            "{html}"
        );
        for (name, value) in attributes(tag) {
            assert!(!name.starts_with("on"), "an event handler in {html}");
            let url = matches!(name.as_str(), "href" | "src" | "action" | "formaction");
            if let Some(scheme) = url_scheme(&value).filter(|_| url) {
                let bad = ["javascript", "vbscript", "data", "file"].contains(&scheme.as_str());
                assert!(!bad, "{html}");
            }
        }
    }
});

/// The attributes of a tag of the sanitised HTML (`name="value"`, as the sanitiser writes them:
/// values double-quoted, a `"` inside escaped), names lowercased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = tag.trim_start_matches('/');
    // The element's name.
    rest = rest.trim_start();
    rest = &rest[rest.find(char::is_whitespace).unwrap_or(rest.len())..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest == "/" {
            return found;
        }
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            if let Some(quoted) = after.strip_prefix('"') {
                let close = quoted.find('"').unwrap_or(quoted.len());
                value = quoted[..close].to_owned();
                rest = quoted.get(close + 1..).unwrap_or("");
            } else {
                let close = after.find(char::is_whitespace).unwrap_or(after.len());
                value = after[..close].to_owned();
                rest = &after[close..];
            }
        }
        found.push((name, value));
    }
}

/// The URL scheme a URL names, as browsers read it (letters, digits, `+`, `-`, `.` before the
/// first `:`); `None` for a relative URL.
fn url_scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.trim().split_once(':')?;
    let is_scheme = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| scheme.to_ascii_lowercase())
}
