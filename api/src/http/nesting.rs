//! How deeply a request nests, measured on the raw text before any parser sees it.
//!
//! Parsers of GraphQL and JSON recurse once per level of brackets: a few kilobytes of `[[[[…`
//! would otherwise overflow a worker thread's stack and abort the whole process. These scanners
//! only count, in one pass and constant memory, and stop as soon as the limit is passed.

/// The deepest nesting of `{`, `[` and `(` in a GraphQL document, outside strings, block
/// strings and comments, or `None` as soon as it exceeds `limit`.
pub fn graphql_depth(document: &str, limit: usize) -> Option<usize> {
    let bytes = document.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                // A comment runs to the end of the line.
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                // A block string ends at the next unescaped `"""`.
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    return None;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Some(deepest)
}

/// The deepest nesting of arrays and objects in a JSON text, outside strings, or `None` as soon
/// as it exceeds `limit`. Malformed JSON is measured as far as it goes; the JSON parser then
/// refuses it.
pub fn json_depth(text: &[u8], limit: usize) -> Option<usize> {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    return None;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Some(deepest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_nesting_counts_brackets_outside_strings_and_comments() {
        assert_eq!(graphql_depth("{ a { b } }", 64), Some(2));
        assert_eq!(graphql_depth("{ a(x: [[1]]) }", 64), Some(4));
        assert_eq!(graphql_depth("{ a(x: \"{{{{[[[[\") }", 64), Some(2));
        assert_eq!(graphql_depth("{ a(x: \"\\\"{{{{\") }", 64), Some(2));
        assert_eq!(
            graphql_depth("{ a(x: \"\"\"{{{ \\\"\"\" [[[\"\"\") }", 64),
            Some(2)
        );
        assert_eq!(graphql_depth("# {{{{{{{\n{ a }", 64), Some(1));
        assert_eq!(graphql_depth(&"[".repeat(100_000), 64), None);
        assert_eq!(graphql_depth(&"{a ".repeat(65), 64), None);
    }

    #[test]
    fn json_nesting_counts_brackets_outside_strings() {
        assert_eq!(json_depth(br#"{"query": "{ a { b } }"}"#, 64), Some(1));
        assert_eq!(
            json_depth(br#"{"v": {"x": [[1, {"y": "\"]]]"}]]}}"#, 64),
            Some(5)
        );
        assert_eq!(json_depth("[".repeat(10_000).as_bytes(), 64), None);
    }
}
