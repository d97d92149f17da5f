//! Highlighting, done here rather than by the engines so that both answer alike and everything
//! but the `<mark>` tags is HTML-escaped.

use crate::services::input::escape_html as escape;

/// How many words a snippet shows around the first match.
const SNIPPET_WORDS: usize = 30;

/// Whether a word of the text matches a query word: equal, or starting with it (so that
/// `train` marks `training`).
fn matches(word: &str, query_words: &[String]) -> bool {
    let word = word.to_lowercase();
    query_words.iter().any(|q| word.starts_with(q.as_str()))
}

/// Splits text into alternating runs of word and non-word characters.
fn runs(text: &str) -> Vec<(bool, &str)> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut in_word: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric();
        if in_word.is_some_and(|w| w != word) {
            runs.push((in_word.unwrap_or(false), &text[start..i]));
            start = i;
        }
        in_word = Some(word);
    }
    if start < text.len() {
        runs.push((in_word.unwrap_or(false), &text[start..]));
    }
    runs
}

/// The text, HTML-escaped, with matching words wrapped in `<mark>…</mark>`.
pub fn highlight(text: &str, query_words: &[String]) -> String {
    runs(text)
        .into_iter()
        .map(|(is_word, run)| {
            if is_word && matches(run, query_words) {
                format!("<mark>{}</mark>", escape(run))
            } else {
                escape(run)
            }
        })
        .collect()
}

/// About [`SNIPPET_WORDS`] words of the text, highlighted, with `…` where it is cut: around
/// its first match when `around_match`, else from its start.
pub fn snippet(text: &str, query_words: &[String], around_match: bool) -> String {
    let runs = runs(text);
    let word_runs: Vec<usize> = runs
        .iter()
        .enumerate()
        .filter(|(_, (w, _))| *w)
        .map(|(i, _)| i)
        .collect();
    let first_match = word_runs
        .iter()
        .position(|&i| around_match && matches(runs[i].1, query_words))
        .unwrap_or(0);
    let from_word = first_match.saturating_sub(SNIPPET_WORDS / 3);
    let to_word = (from_word + SNIPPET_WORDS).min(word_runs.len());
    if word_runs.is_empty() {
        return escape(text);
    }
    let from = word_runs[from_word];
    let to = word_runs[to_word.saturating_sub(1)];
    let body: String = runs[from..=to]
        .iter()
        .map(|&(is_word, run)| {
            if is_word && matches(run, query_words) {
                format!("<mark>{}</mark>", escape(run))
            } else {
                escape(run)
            }
        })
        .collect();
    let lead = if from_word > 0 { "…" } else { "" };
    let tail = if to_word < word_runs.len() { "…" } else { "" };
    format!("{lead}{body}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::papers::search::words;

    #[test]
    fn highlighting_escapes_everything_but_the_marks() {
        let words = words("train");
        assert_eq!(
            highlight("Training <b>models</b> & trains", &words),
            "<mark>Training</mark> &lt;b&gt;models&lt;/b&gt; &amp; <mark>trains</mark>"
        );
        let long = (0..100)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let snip = snippet(&format!("{long} training {long}"), &words, true);
        assert!(
            snip.starts_with('…') && snip.ends_with('…') && snip.contains("<mark>training</mark>"),
            "{snip}"
        );
    }
}
