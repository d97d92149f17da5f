//! How deeply a JSON request body nests, measured on the raw text before the parser sees it.
//!
//! The JSON parser recurses once per level of brackets: a few kilobytes of `[[[[…` would
//! otherwise overflow a worker thread's stack and abort the whole process. This scanner only
//! counts, in one pass and constant memory, and stops as soon as the limit is passed. (The
//! GraphQL document gets the same from the engine, `graphql::engine::brackets`.)

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
    fn json_nesting_counts_brackets_outside_strings() {
        assert_eq!(json_depth(br#"{"query": "{ a { b } }"}"#, 64), Some(1));
        assert_eq!(
            json_depth(br#"{"v": {"x": [[1, {"y": "\"]]]"}]]}}"#, 64),
            Some(5)
        );
        assert_eq!(json_depth("[".repeat(10_000).as_bytes(), 64), None);
    }
}
