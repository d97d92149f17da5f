//! How deeply a GraphQL document nests, measured on the raw text before the parser sees it.
//!
//! The parser recurses once per level of brackets: a few kilobytes of `[[[[…` would otherwise
//! overflow a worker thread's stack and abort the whole process. This scanner only counts, in
//! one pass and constant memory, and stops as soon as the limit is passed.

/// The deepest nesting of `{`, `[` and `(` in a GraphQL document, outside strings, block
/// strings and comments, or `None` as soon as it exceeds `limit`.
pub fn depth(document: &str, limit: usize) -> Option<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_nesting_counts_brackets_outside_strings_and_comments() {
        assert_eq!(depth("{ a { b } }", 64), Some(2));
        assert_eq!(depth("{ a(x: [[1]]) }", 64), Some(4));
        assert_eq!(depth("{ a(x: \"{{{{[[[[\") }", 64), Some(2));
        assert_eq!(depth("{ a(x: \"\\\"{{{{\") }", 64), Some(2));
        assert_eq!(depth("{ a(x: \"\"\"{{{ \\\"\"\" [[[\"\"\") }", 64), Some(2));
        assert_eq!(depth("# {{{{{{{\n{ a }", 64), Some(1));
        assert_eq!(depth(&"[".repeat(100_000), 64), None);
        assert_eq!(depth(&"{a ".repeat(65), 64), None);
    }
}
