//! Making untrusted feed text safe to show, and laying text out by display width.
//!
//! Everything a feed controls (titles, summaries, source names, tags, URLs) goes through
//! [`clean_line`] before any renderer sees it, so a feed cannot move the cursor, recolour the
//! terminal, set the window title or hide text with bidi overrides. The Markdown path adds
//! [`neutralize_mentions`] and [`escape_markdown`], and links only ever come from [`safe_url`].

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Zero-width space: breaks a mention for chat clients while looking unchanged to readers.
const ZWSP: char = '\u{200B}';

/// Feed text as one clean line: terminal escape sequences and control characters removed,
/// bidi overrides dropped, every run of whitespace (newlines included) collapsed to one space.
pub fn clean_line(raw: &str) -> String {
    let stripped = strip_controls(raw);
    let mut out = String::with_capacity(stripped.len());
    for word in stripped.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Removes ANSI/VT escape sequences (CSI, OSC, DCS and friends, in both their 7-bit and C1
/// forms) and other control characters. Whitespace controls become spaces so words stay apart.
pub fn strip_controls(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // A two-character escape (or a dangling ESC): both characters go.
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Bidi embeddings, overrides and isolates can make a title read differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A CSI sequence ends at its first final byte (0x40–0x7E); parameters before it are dropped.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/APC strings end at BEL, ST (ESC \) or C1 ST; an unterminated one eats the rest,
/// which is what a terminal would do too.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{07}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Breaks `@everyone`, `@here`, `@room` and `<@123>`-style mentions by putting a zero-width
/// space after the `@`, so a headline cannot ping a whole server when the digest is posted.
pub fn neutralize_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        out.push(c);
        if c == '@' {
            let rest = &text[i + 1..];
            let lower: String = rest.chars().take(8).flat_map(char::to_lowercase).collect();
            let broadcast = ["everyone", "here", "room"].iter().any(|w| lower.starts_with(w));
            if broadcast || prev == Some('<') {
                out.push(ZWSP);
            }
        }
        prev = Some(c);
    }
    out
}

/// Backslash-escapes what Markdown (CommonMark, GitHub, Discord) would read as syntax, so feed
/// text cannot fake links, headings, emphasis, code, tables, spoilers or quotes. Line-leading
/// list and heading markers are escaped too; `text` is expected to be one line ([`clean_line`]).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        let at_start = i == 0;
        // Parentheses, '#' and '>' mid-line cannot start anything once '[' ']' are escaped
        // and nothing begins a line, and escaping them makes prose like "C\#" unreadable.
        let special = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|');
        let leading = at_start && matches!(c, '-' | '+' | '=' | '#' | '>');
        // "1. foo" at the start of a line would become an ordered list item.
        let ordered_marker =
            c == '.' && i > 0 && text[..i].chars().all(|d| d.is_ascii_digit()) && !text[..i].is_empty();
        if special || leading || ordered_marker {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The whole Markdown treatment for one piece of feed text.
pub fn markdown_text(raw: &str) -> String {
    escape_markdown(&neutralize_mentions(&clean_line(raw)))
}

/// An http(s) URL made safe to put inside `[text](…)` or show on a terminal, or `None` for
/// anything else (`javascript:`, `data:`, relative or unparsable links get no link at all).
pub fn safe_url(raw: &str) -> Option<String> {
    let parsed = url::Url::parse(clean_line(raw).as_str()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return None;
    }
    let mut out = String::with_capacity(parsed.as_str().len());
    for c in parsed.as_str().chars() {
        // These would end the link destination early, start a link title or break out of
        // Discord's masked-link syntax; the url crate leaves some of them unencoded.
        match c {
            '(' | ')' | '<' | '>' | '\\' | ' ' | '"' | '\'' | '`' => {
                out.push_str(&format!("%{:02X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// `text` cut to at most `max` display columns, ending in `…` when it was cut.
pub fn truncate_width(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Display columns of `text` on a terminal.
pub fn display_width(text: &str) -> usize {
    text.width()
}

/// Greedy word wrap by display width. The first line starts with `first_indent`, the others
/// with `rest_indent`; words wider than a line are split on character boundaries.
pub fn wrap(text: &str, width: usize, first_indent: &str, rest_indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first_indent.to_string();
    let mut line_width = first_indent.width();
    let mut line_has_word = false;
    for word in text.split_whitespace() {
        let indent_width = if lines.is_empty() {
            first_indent.width()
        } else {
            rest_indent.width()
        };
        let room = width.saturating_sub(indent_width).max(1);
        let word_width = word.width();
        let needed = if line_has_word { word_width + 1 } else { word_width };
        if line_has_word && line_width + needed > width {
            lines.push(std::mem::take(&mut line));
            line = rest_indent.to_string();
            line_width = rest_indent.width();
            line_has_word = false;
        }
        if word_width > room {
            // A URL or a run of CJK without spaces: split it so nothing overflows.
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if line_has_word && line_width + w > width {
                    lines.push(std::mem::take(&mut line));
                    line = rest_indent.to_string();
                    line_width = rest_indent.width();
                }
                line.push(c);
                line_width += w;
                line_has_word = true;
            }
            continue;
        }
        if line_has_word {
            line.push(' ');
            line_width += 1;
        }
        line.push_str(word);
        line_width += word_width;
        line_has_word = true;
    }
    if line_has_word || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_ansi_and_controls() {
        let s = "\u{1b}[31mred\u{1b}[0m \u{1b}]0;title\u{07}ok\u{1b}]8;;http://x\u{1b}\\link\u{9b}2J\u{0}\u{7f} done";
        let cleaned = clean_line(s);
        assert_eq!(cleaned, "red oklink done");
        assert!(!cleaned.chars().any(char::is_control));
    }

    #[test]
    fn strips_bidi_and_collapses_whitespace() {
        assert_eq!(clean_line("  a\u{202E}b \n\t c  "), "ab c");
    }

    #[test]
    fn neutralizes_mentions() {
        let out = neutralize_mentions("hi @everyone and @here, <@123> <@&9> @Room mail@example.com");
        assert!(!out.contains("@everyone"));
        assert!(!out.contains("@here"));
        assert!(!out.contains("<@1"));
        assert!(!out.contains("<@&"));
        assert!(!out.contains("@Room"));
        assert!(out.contains("mail@example.com"));
    }

    #[test]
    fn escapes_markdown() {
        assert_eq!(escape_markdown("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(escape_markdown("C# (and F#) > Java"), "C# (and F#) > Java");
        assert_eq!(escape_markdown("> quote"), "\\> quote");
        assert_eq!(escape_markdown("# h"), "\\# h");
        assert_eq!(escape_markdown("- item"), "\\- item");
        assert_eq!(escape_markdown("12. item"), "12\\. item");
        assert_eq!(escape_markdown("GPT-4.5 is *big*"), "GPT-4.5 is \\*big\\*");
        assert_eq!(escape_markdown("a|b ~~c~~ `d`"), "a\\|b \\~\\~c\\~\\~ \\`d\\`");
    }

    #[test]
    fn urls() {
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,hi"), None);
        assert_eq!(safe_url("/relative"), None);
        assert_eq!(safe_url("ftp://example.com/x"), None);
        assert_eq!(
            safe_url("https://en.wikipedia.org/wiki/Rust_(language) x").as_deref(),
            Some("https://en.wikipedia.org/wiki/Rust_%28language%29%20x")
        );
        assert_eq!(safe_url("http://[::1]:8080/a").as_deref(), Some("http://[::1]:8080/a"));
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate_width("héllo wörld", 6), "héllo…");
        assert_eq!(truncate_width("short", 10), "short");
        assert_eq!(truncate_width("日本語のテキスト", 5), "日本…");
    }

    #[test]
    fn wraps_by_width() {
        let lines = wrap("the quick brown fox jumps over the lazy dog", 16, "  ", "    ");
        assert!(lines.iter().all(|l| l.width() <= 16), "{lines:?}");
        assert_eq!(lines[0], "  the quick");
        assert!(lines[1].starts_with("    "));
        let long = wrap(&"x".repeat(40), 10, "", "");
        assert!(long.iter().all(|l| l.width() <= 10));
        assert_eq!(long.concat().len(), 40);
    }
}
