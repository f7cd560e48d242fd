//! The text toolkit: the string helpers that both [`crate::sources`] (parsing what was
//! fetched) and [`crate::pipeline`] (reading it) need, kept in one place so the two layers
//! cannot drift apart.
//!
//! - [`html`]: HTML and character references to plain text;
//! - [`sentences`]: the sentence splitter;
//! - [`words`]: word tokens, stop lists and plural stemming;
//! - [`collapse_whitespace`] here.
//!
//! This is the lowest layer: it uses the standard library and external crates only, never
//! another module of this crate.

pub mod entities;
pub mod html;
pub mod sentences;
pub mod words;

/// Collapses runs of whitespace (newlines included) to one space and trims.
pub fn collapse_whitespace(text: &str) -> String {
    let text = text.trim();
    // Most pieces have single spaces only; they are copied as they are.
    let bytes = text.as_bytes();
    let plain = text.is_ascii()
        && !bytes.iter().any(|&b| matches!(b, b'\n' | b'\r' | b'\t' | 0x0b | 0x0c))
        && !bytes.windows(2).any(|w| w == b"  ");
    if plain {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_collapses_to_single_spaces() {
        assert_eq!(collapse_whitespace("  one two  "), "one two");
        assert_eq!(collapse_whitespace("one \t\n two\u{a0}three\r\n"), "one two three");
        assert_eq!(collapse_whitespace(" \n "), "");
    }
}
