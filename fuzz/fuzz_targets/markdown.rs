//! A comment's markdown rendered to HTML: never a panic, and no markup that runs script.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let html = api::services::discussion::markdown::to_safe_html(text).to_ascii_lowercase();
    // Text is escaped, so only what sits between `<` and `>` is markup.
    for tag in html.split('<').skip(1).map(|rest| rest.split('>').next().unwrap_or("")) {
        let name = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("");
        assert!(!["script", "iframe", "object", "embed", "style", "svg"].contains(&name), "{html}");
        assert!(!tag.contains("javascript:") && !tag.contains("vbscript:"), "{html}");
        let handler = tag.split_whitespace().skip(1).any(|attr| attr.starts_with("on"));
        assert!(!handler, "{html}");
    }
});
