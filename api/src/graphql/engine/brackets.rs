//! How deeply a text nests, measured on the raw text before a parser sees it: a GraphQL document
//! (by the engine) and a JSON request body (by the transport).
//!
//! Both parsers recurse once per level of brackets: a few kilobytes of `[[[[…` would otherwise
//! overflow a worker thread's stack and abort the whole process. These scanners only count, in
//! one pass and constant memory, and stop as soon as the limit is passed.

/// The deepest nesting seen so far, against a limit.
struct Depth {
    now: usize,
    deepest: usize,
    limit: usize,
}

impl Depth {
    fn new(limit: usize) -> Self {
        Self {
            now: 0,
            deepest: 0,
            limit,
        }
    }

    /// One level deeper; `false` once past the limit.
    fn open(&mut self) -> bool {
        self.now += 1;
        self.deepest = self.deepest.max(self.now);
        self.deepest <= self.limit
    }

    fn close(&mut self) {
        self.now = self.now.saturating_sub(1);
    }
}

/// The deepest nesting of `{`, `[` and `(` in a GraphQL document, outside strings, block
/// strings and comments, or `None` as soon as it exceeds `limit`.
pub fn graphql(document: &str, limit: usize) -> Option<usize> {
    let bytes = document.as_bytes();
    let (mut depth, mut i) = (Depth::new(limit), 0usize);
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
            b'"' => i = string_end(bytes, i, true),
            // `open` counts the level whatever it answers; past the limit the scan stops.
            b'{' | b'[' | b'(' if !depth.open() => return None,
            b'}' | b']' | b')' => depth.close(),
            _ => {}
        }
        i += 1;
    }
    Some(depth.deepest)
}

/// The deepest nesting of arrays and objects in a JSON text, outside strings, or `None` as soon
/// as it exceeds `limit`. Malformed JSON is measured as far as it goes; the JSON parser then
/// refuses it.
pub fn json(text: &[u8], limit: usize) -> Option<usize> {
    let (mut depth, mut i) = (Depth::new(limit), 0usize);
    while i < text.len() {
        match text[i] {
            b'"' => i = string_end(text, i, false),
            b'{' | b'[' if !depth.open() => return None,
            b'}' | b']' => depth.close(),
            _ => {}
        }
        i += 1;
    }
    Some(depth.deepest)
}

/// Where the string opened at `start` ends (its closing quote, or the end of the text; with
/// `line`, a line break ends it too), escapes skipped.
fn string_end(bytes: &[u8], start: usize, line: bool) -> usize {
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != b'"' && !(line && bytes[i] == b'\n') {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_nesting_counts_brackets_outside_strings_and_comments() {
        assert_eq!(graphql("{ a { b } }", 64), Some(2));
        assert_eq!(graphql("{ a(x: [[1]]) }", 64), Some(4));
        assert_eq!(graphql("{ a(x: \"{{{{[[[[\") }", 64), Some(2));
        assert_eq!(graphql("{ a(x: \"\\\"{{{{\") }", 64), Some(2));
        assert_eq!(
            graphql("{ a(x: \"\"\"{{{ \\\"\"\" [[[\"\"\") }", 64),
            Some(2)
        );
        assert_eq!(graphql("# {{{{{{{\n{ a }", 64), Some(1));
        assert_eq!(graphql(&"[".repeat(100_000), 64), None);
        assert_eq!(graphql(&"{a ".repeat(65), 64), None);
    }

    #[test]
    fn json_nesting_counts_brackets_outside_strings() {
        assert_eq!(json(br#"{"query": "{ a { b } }"}"#, 64), Some(1));
        assert_eq!(json(br#"{"v": {"x": [[1, {"y": "\"]]]"}]]}}"#, 64), Some(5));
        assert_eq!(json("[".repeat(10_000).as_bytes(), 64), None);
    }
}
