//! Text helpers: markup that survived extraction reduced to text, list markers, word counts.

/// Reduces markup that survived extraction: HTML tags (scripts, styles and captions with
/// their content), common entities, Markdown images, links, emphasis, headings and quotes.
pub(super) fn strip_markup(text: &str) -> String {
    // Bytes that may start markup; everything between them is copied in bulk. The non-ASCII
    // ones are the lead bytes of no-break and zero-width spaces, soft hyphens and BOMs.
    let special = |b: u8| {
        matches!(
            b,
            b'<' | b'&' | b'!' | b'[' | b'*' | b'_' | b'`' | b'#' | b'>' | b'\r' | b'\n' | 0xC2 | 0xE2 | 0xEF
        )
    };
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < text.len() {
        let run = bytes[i..].iter().position(|&b| special(b)).unwrap_or(text.len() - i);
        if run > 0 {
            // `i + run` is a char boundary: special bytes are ASCII or lead bytes.
            let chunk = &text[i..i + run];
            out.push_str(chunk);
            if chunk.bytes().any(|b| !b.is_ascii_whitespace()) {
                line_start = false;
            }
            i += run;
            continue;
        }
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        match c {
            '<' => {
                if let Some(skip) = html_tag(rest, &mut out) {
                    i += skip;
                    continue;
                }
            }
            '&' => {
                if let Some((decoded, len)) = entity(rest) {
                    out.push(decoded);
                    i += len;
                    line_start = false;
                    continue;
                }
            }
            '!' if rest.starts_with("![") => {
                if let Some((_, len)) = markdown_link(&rest[1..]) {
                    i += 1 + len;
                    continue;
                }
            }
            '[' => {
                if let Some((label, len)) = markdown_link(rest) {
                    out.push_str(label);
                    i += len;
                    line_start = false;
                    continue;
                }
            }
            '*' | '_' if bytes.get(i + 1) == Some(&(c as u8)) => {
                i += 2;
                continue;
            }
            '`' => {
                i += 1;
                continue;
            }
            '#' | '>' if line_start => {
                let marker_len = rest.len() - rest.trim_start_matches(c).len();
                if rest[marker_len..].starts_with(' ') {
                    i += marker_len + 1;
                    continue;
                }
            }
            '\r' | '\u{200b}' | '\u{feff}' | '\u{ad}' => {
                i += c.len_utf8();
                continue;
            }
            '\u{a0}' => {
                out.push(' ');
                i += c.len_utf8();
                continue;
            }
            _ => {}
        }
        out.push(c);
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
        i += c.len_utf8();
    }
    out
}

/// Handles an HTML tag at the start of `rest`: writes a line break for block elements and
/// returns how many bytes to skip (the tag, or the whole element for scripts, styles and
/// captions). `None` when `rest` does not start with a tag ("a < b").
pub(super) fn html_tag(rest: &str, out: &mut String) -> Option<usize> {
    let bytes = rest.as_bytes();
    let second = *bytes.get(1)?;
    if !(second.is_ascii_alphabetic() || second == b'/' || second == b'!') {
        return None;
    }
    let close = rest[..rest.floor_char_boundary(600)].find('>')?;
    if rest.starts_with("<!--") {
        return Some(rest.find("-->").map_or(close + 1, |end| end + 3));
    }
    let closing = second == b'/';
    let name_start = if closing { 2 } else { 1 };
    let name_len = rest[name_start..]
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(0);
    let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
    if !closing
        && matches!(
            name.as_str(),
            "script" | "style" | "figcaption" | "noscript" | "template" | "svg"
        )
    {
        let end_tag = format!("</{name}");
        let lower = rest.to_ascii_lowercase();
        return Some(match lower.find(&end_tag) {
            Some(at) => rest[at..].find('>').map_or(rest.len(), |gt| at + gt + 1),
            None => close + 1,
        });
    }
    if matches!(
        name.as_str(),
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "blockquote"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "figure"
            | "hr"
            | "pre"
            | "dt"
            | "dd"
    ) {
        out.push('\n');
    }
    Some(close + 1)
}

/// Decodes an HTML entity at the start of `rest`: the character and the entity's length.
pub(super) fn entity(rest: &str) -> Option<(char, usize)> {
    // The toolkit's decoder, with a no-break space read as a plain space: summaries are
    // plain prose, and a U+00A0 would only glue words together in chat clients.
    crate::text::html::decode_entity(rest).map(|(c, len)| (if c == '\u{a0}' { ' ' } else { c }, len))
}

/// A Markdown link `[label](target)` at the start of `rest`: the label and the link's
/// length.
pub(super) fn markdown_link(rest: &str) -> Option<(&str, usize)> {
    let close = rest[..rest.floor_char_boundary(400)].find(']')?;
    let label = &rest[1..close];
    if label.contains(['\n', '[']) {
        return None;
    }
    let after = &rest[close + 1..];
    if !after.starts_with('(') {
        return None;
    }
    let end = after[..after.floor_char_boundary(600)].find(')')?;
    if after[1..end].contains(char::is_whitespace) && !after[1..end].contains(" \"") {
        return None;
    }
    Some((label, close + 1 + end + 1))
}

/// Strips a leading bullet or number marker ("- ", "• ", "1. ", "2) ").
pub(super) fn strip_list_marker(line: &str) -> &str {
    let line = line.trim_start();
    for marker in ["- ", "* ", "• ", "· ", "– ", "— ", "+ ", "▪ ", "► ", "→ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return rest.trim_start();
        }
    }
    line
}

pub(super) fn is_bare_url(s: &str) -> bool {
    if !(s.starts_with("http") || s.starts_with("www.")) {
        return false;
    }
    let mut words = s.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let url_like = |w: &str| w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www.");
    url_like(first) && words.all(|w| url_like(w) || w.chars().all(|c| !c.is_alphanumeric()))
}

pub(super) fn capitalize_first(text: &str) -> String {
    let text = text.trim_start();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

pub(super) fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
pub(super) fn prefix(text: &str, max: usize) -> &str {
    &text[..text.floor_char_boundary(max)]
}

/// A sentence ready to sit in prose: no list marker, and a full stop where the source line
/// had none (a list item, a heading-like line) or ended on ",", ";" or ":".
pub(super) fn as_prose(sentence: &str) -> String {
    let text = strip_list_marker(sentence.trim()).trim_end();
    let core = text.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*', '_']);
    match core.chars().next_back() {
        None => String::new(),
        Some('.' | '!' | '?' | '…' | '。' | '！' | '？') => text.to_string(),
        Some(',' | ';' | ':' | '—' | '–' | '-') if core.len() == text.len() => {
            format!("{}.", text.trim_end_matches([',', ';', ':', '—', '–', '-', ' ']))
        }
        Some(_) if core.len() == text.len() => format!("{text}."),
        // A closing quote or bracket after an unpunctuated end: the stop goes outside.
        Some(_) => format!("{text}."),
    }
}
