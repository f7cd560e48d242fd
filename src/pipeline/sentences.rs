//! Sentence splitting that survives abbreviations, decimal numbers, initials and quotes.

/// Splits plain text into trimmed sentences, in order.
pub fn split(text: &str) -> Vec<&str> {
    // Placeholder until the real splitter lands: one sentence per paragraph.
    text.split('\n').map(str::trim).filter(|s| !s.is_empty()).collect()
}
