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
        for scheme in schemes(tag) {
            assert!(
                !["javascript", "vbscript", "data", "file"].contains(&scheme.as_str()),
                "{html}"
            );
        }
        let handler = tag
            .split_whitespace()
            .skip(1)
            .any(|attr| attr.starts_with("on"));
        assert!(!handler, "{html}");
    }
});

/// The URL schemes an `href` or `src` of the sanitised HTML names (`None` for a relative URL):
/// a scheme is letters, digits, `+`, `-`, `.` before the first `:`, as browsers read it.
fn schemes(tag: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for (at, _) in tag.match_indices(attribute) {
            let value = &tag[at + attribute.len()..];
            let value = value.split('"').next().unwrap_or("").trim();
            if let Some((scheme, _)) = value.split_once(':') {
                let is_scheme = !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
                if is_scheme {
                    found.push(scheme.to_owned());
                }
            }
        }
    }
    found
}
