//! Markup to plain text, for every layer that reads HTML (character references are decoded
//! by [`super::entities`]).
//!
//! Two readers, because their inputs differ:
//!
//! - [`html_to_text`] keeps the layout a reader sees (paragraphs, line breaks, list items,
//!   `<pre>`) and drops scripts and styles: feed bodies, article pages, titles. Only a `<`
//!   followed by a letter opens a tag, so "a<b" and "<3" stay text.
//! - [`strip_tags`] removes tags and keeps every other character as written: transcript cue
//!   payloads, whose WebVTT timestamp tags (`<00:00:01.000>`) start with a digit and must
//!   go, and which carry no layout worth keeping.
//!
//! Character references are decoded by one set of rules, [`decode_entity`]: inside
//! `html_to_text`, and by [`decode_entities`] for text outside markup (attribute values,
//! transcript lines), which `strip_tags` leaves encoded.
//!
//! `html_to_text` is a hand-written single-pass scanner rather than a DOM build: feed
//! bodies are small fragments, ingest throughput matters, and all we need from the markup
//! is where blocks, line breaks and list items start.
//!
//! The entity table is our own rather than quick-xml's `resolve_html5_entity`: that needs
//! quick-xml's `escape-html` feature, and Cargo would switch it on for feed-rs as well,
//! whose XML parser would then resolve HTML names in every feed (`resolve_predefined_entity`
//! changes meaning with the feature). The HTML5 table also maps `&lang;`/`&rang;` to other
//! characters than HTML 4 and some names to two characters, which a `char` cannot hold.

use std::borrow::Cow;

use super::entities::{ReferenceContext, WINDOWS_1252_C1, decode_references};
pub use super::entities::{decode_entities, decode_entity, named_entity};

/// HTML fragment → readable plain text: paragraphs separated by blank lines, line breaks
/// and list items (`- ` / `1. `) on their own lines, `<pre>` kept verbatim, scripts and
/// styles dropped, entities decoded, other whitespace collapsed. Links are reduced to
/// their text and nothing is wrapped. Text without markup passes through with entities
/// decoded and whitespace normalised.
pub fn html_to_text(html: &str) -> String {
    let mut sink = TextSink::with_capacity(html.len());
    let mut pos = 0;
    while pos < html.len() {
        let Some(rel) = html[pos..].find('<') else {
            sink.text(&html[pos..], true);
            break;
        };
        let lt = pos + rel;
        sink.text(&html[pos..lt], true);
        pos = match scan_markup(html, lt) {
            Markup::Literal => {
                sink.text("<", false);
                lt + 1
            }
            Markup::Skip(end) => end,
            Markup::Cdata { text, next } => {
                sink.text(&html[text], false);
                next
            }
            Markup::Tag {
                name,
                closing,
                self_closing,
                end,
            } => {
                let name = &html[name];
                let kind = TagKind::of(name);
                if kind == TagKind::RawText && !closing && !self_closing {
                    // Without an end tag, only the start tag goes: swallowing the rest
                    // of an item over one unclosed tag loses more than it hides.
                    skip_raw_text(html, end, name).unwrap_or(end)
                } else {
                    sink.tag(kind, closing);
                    end
                }
            }
        };
    }
    sink.finish()
}

/// Text that is plain by declaration: entities decoded (publishers double-escape) and
/// whitespace collapsed, but `<` left alone, so `Vec<String>` survives.
pub fn plain_text(text: &str) -> String {
    let mut sink = TextSink::with_capacity(text.len());
    sink.text(text, true);
    sink.finish()
}

/// Text that should be plain but often is not (RSS titles, author names): reduced like
/// HTML when it evidently contains markup (a known tag), otherwise like [`plain_text`].
pub fn plain_to_text(text: &str) -> String {
    if contains_known_tag(text) {
        html_to_text(text)
    } else {
        plain_text(text)
    }
}

/// Removes markup tags and keeps every other character as written (no decoding, no
/// whitespace changes). Anything from a `<` followed by a letter, digit, `/`, `!` or `?` to
/// the next `>` is a tag, so timestamp tags such as `<00:00:01.000>` go too; any other `<`
/// (`a < b`) is text. A `<br>` becomes a space, so the words it separated stay apart.
pub fn strip_tags(text: &str) -> Cow<'_, str> {
    if !text.contains('<') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let opens_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/' || c == '!' || c == '?');
        // Only a `<` that opens a tag looks for its `>`; a scan from every bare `<` would
        // be quadratic on text like `< < < … >`.
        if !opens_tag {
            out.push('<');
            rest = after;
            continue;
        }
        let Some(close) = after.find('>') else {
            // No `>` anywhere further on: nothing left can be a tag.
            out.push_str(&rest[open..]);
            return Cow::Owned(out);
        };
        let tag = &after[..close];
        // A line break inside a paragraph separates words.
        if tag.len() >= 2 && tag.is_char_boundary(2) && tag[..2].eq_ignore_ascii_case("br") {
            out.push(' ');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// True when `text` contains a start or end tag of a common HTML element.
fn contains_known_tag(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(rel) = text[pos..].find('<') {
        let mut i = pos + rel + 1;
        pos = i;
        if bytes.get(i) == Some(&b'/') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let ends_name = matches!(bytes.get(i), Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'));
        if start < i && ends_name {
            let name = &text[start..i];
            let known =
                TagKind::of(name) != TagKind::Inline || INLINE_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name));
            if known {
                return true;
            }
        }
    }
    false
}

/// Inline elements common enough in feed text to count as evidence of markup.
const INLINE_TAGS: &[&str] = &[
    "a", "b", "i", "u", "s", "em", "strong", "span", "img", "code", "sup", "sub", "small", "big", "font", "abbr",
    "cite", "q", "mark", "del", "ins", "strike", "tt", "kbd",
];

/// What one `<…>` construct in the input is.
enum Markup {
    /// A `<` that does not start markup (`a < b`, an unterminated tag): literal text.
    Literal,
    /// Comment, doctype or processing instruction, ending at this byte offset.
    Skip(usize),
    /// A CDATA section: its text, and where scanning resumes.
    Cdata { text: std::ops::Range<usize>, next: usize },
    /// A start or end tag, `name` being the byte range of its name.
    Tag {
        name: std::ops::Range<usize>,
        closing: bool,
        self_closing: bool,
        end: usize,
    },
}

fn find_from(html: &str, from: usize, needle: &str) -> Option<usize> {
    html.get(from..)?.find(needle).map(|i| from + i)
}

fn scan_markup(html: &str, lt: usize) -> Markup {
    let bytes = html.as_bytes();
    let len = html.len();
    let after_gt = |from: usize| find_from(html, from, ">").map_or(len, |i| i + 1);
    match bytes.get(lt + 1) {
        Some(b'!') => {
            let rest = &html[lt..];
            if rest.starts_with("<!--") {
                Markup::Skip(find_from(html, lt + 4, "-->").map_or(len, |i| i + 3))
            } else if rest.starts_with("<![CDATA[") {
                let start = lt + 9;
                match find_from(html, start, "]]>") {
                    Some(i) => Markup::Cdata {
                        text: start..i,
                        next: i + 3,
                    },
                    None => Markup::Cdata {
                        text: start..len,
                        next: len,
                    },
                }
            } else {
                // "<!DOCTYPE …>"; without a closing ">" it is text that merely starts so.
                find_from(html, lt + 2, ">").map_or(Markup::Literal, |i| Markup::Skip(i + 1))
            }
        }
        Some(b'?') => Markup::Skip(after_gt(lt + 2)),
        Some(b'/') => match bytes.get(lt + 2) {
            Some(c) if c.is_ascii_alphabetic() => scan_tag(html, lt + 2, true),
            Some(_) => Markup::Skip(after_gt(lt + 2)),
            None => Markup::Literal,
        },
        Some(c) if c.is_ascii_alphabetic() => scan_tag(html, lt + 1, false),
        _ => Markup::Literal,
    }
}

/// Scans a tag whose name starts at `start`, up to its `>`, stepping over quoted
/// attribute values (which may contain `>`).
fn scan_tag(html: &str, start: usize, closing: bool) -> Markup {
    let bytes = html.as_bytes();
    let mut i = start;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'-' | b':')) {
        i += 1;
    }
    let name_end = i;
    let mut quote: Option<u8> = None;
    let mut after_eq = false;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'>' => {
                    let name_start = html[start..name_end].rfind(':').map_or(start, |p| start + p + 1);
                    return Markup::Tag {
                        name: name_start..name_end,
                        closing,
                        self_closing: i > start && bytes[i - 1] == b'/',
                        end: i + 1,
                    };
                }
                b'"' | b'\'' if after_eq => {
                    quote = Some(c);
                    after_eq = false;
                }
                b'=' => after_eq = true,
                c if c.is_ascii_whitespace() => {}
                _ => after_eq = false,
            },
        }
        i += 1;
    }
    // No closing `>`: browsers would swallow the rest, but for text that merely looks
    // like a tag ("if a<b then") keeping it is the better reading.
    Markup::Literal
}

/// End of the content of a `<script>`-like element, just past its end tag; `None` when
/// the element is never closed.
fn skip_raw_text(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut pos = from;
    while let Some(i) = find_from(html, pos, "</") {
        let name_start = i + 2;
        let name_end = name_start + name.len();
        let matches = bytes
            .get(name_start..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && bytes.get(name_end).is_none_or(|b| !b.is_ascii_alphanumeric());
        if matches {
            return Some(find_from(html, name_end, ">").map_or(html.len(), |g| g + 1));
        }
        pos = name_start;
    }
    None
}

/// How a tag affects the text layout.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// Starts and ends a paragraph.
    Block,
    /// Preformatted block: whitespace inside is kept.
    Pre,
    /// `<br>`: one line break.
    Break,
    /// Starts and ends a line (table rows, definition terms).
    Line,
    /// Table cell: separated by a space.
    Cell,
    List {
        ordered: bool,
    },
    ListItem,
    /// Content is not text at all (`<script>`, `<style>`…).
    RawText,
    Inline,
}

impl TagKind {
    fn of(name: &str) -> TagKind {
        let mut buf = [0u8; 10];
        if name.len() > buf.len() {
            return TagKind::Inline;
        }
        let lower = &mut buf[..name.len()];
        lower.copy_from_slice(name.as_bytes());
        lower.make_ascii_lowercase();
        match &*lower {
            b"p" | b"div" | b"section" | b"article" | b"header" | b"footer" | b"aside" | b"nav" | b"main"
            | b"blockquote" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"hr" | b"address" | b"figure"
            | b"figcaption" | b"form" | b"fieldset" | b"details" | b"summary" | b"table" | b"caption" | b"dl"
            | b"center" | b"body" | b"video" | b"audio" => TagKind::Block,
            b"pre" | b"listing" | b"xmp" | b"plaintext" => TagKind::Pre,
            b"br" => TagKind::Break,
            b"tr" | b"dt" | b"dd" => TagKind::Line,
            b"td" | b"th" => TagKind::Cell,
            b"ul" | b"menu" | b"dir" => TagKind::List { ordered: false },
            b"ol" => TagKind::List { ordered: true },
            b"li" => TagKind::ListItem,
            b"script" | b"style" | b"noscript" | b"template" | b"head" => TagKind::RawText,
            _ => TagKind::Inline,
        }
    }
}

enum Bullet {
    Dash,
    Number(u32),
}

/// Accumulates output words; separators are only written when the next word arrives,
/// so the result never starts or ends with whitespace and never doubles it.
struct TextSink {
    out: String,
    /// Pending line breaks before the next word (2 = paragraph).
    newlines: u8,
    space: bool,
    pre: u32,
    /// Open lists: `None` for unordered, `Some(next number)` for ordered.
    lists: Vec<Option<u32>>,
    bullet: Option<Bullet>,
}

impl TextSink {
    fn with_capacity(capacity: usize) -> TextSink {
        TextSink {
            out: String::with_capacity(capacity),
            newlines: 0,
            space: false,
            pre: 0,
            lists: Vec::new(),
            bullet: None,
        }
    }

    fn emit(&mut self, piece: &str) {
        if !self.out.is_empty() {
            if self.newlines > 0 {
                for _ in 0..self.newlines {
                    self.out.push('\n');
                }
            } else if self.space {
                self.out.push(' ');
            }
        }
        self.newlines = 0;
        self.space = false;
        match self.bullet.take() {
            Some(Bullet::Dash) => self.out.push_str("- "),
            Some(Bullet::Number(n)) => {
                self.out.push_str(&n.to_string());
                self.out.push_str(". ");
            }
            None => {}
        }
        self.out.push_str(piece);
    }

    fn text(&mut self, s: &str, decode: bool) {
        if s.is_empty() {
            return;
        }
        if self.pre > 0 {
            return self.pre_text(s, decode);
        }
        let bytes = s.as_bytes();
        let mut run = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b' ' && run < i && bytes.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                // A single space between words needs no collapsing: keep it in the run,
                // so a sentence is written with one push instead of one per word.
                i += 1;
            } else if b.is_ascii_whitespace() {
                self.flush_run(&s[run..i]);
                self.space = true;
                let ws_end = i + bytes[i..].iter().take_while(|b| b.is_ascii_whitespace()).count();
                // Text that carries its own layout (plain-text bodies, lists typed as lines
                // inside a paragraph) keeps a line break where a blank line or a bullet
                // starts one, so the lines are not run together into one sentence.
                if bytes[i..ws_end].contains(&b'\n')
                    && (bytes[i..ws_end].iter().filter(|&&b| b == b'\n').count() >= 2
                        || crate::text::sentences::starts_list_item(&s[ws_end..]))
                {
                    self.newlines = self.newlines.max(1);
                }
                i = ws_end;
                run = i;
            } else if b == b'&' && decode {
                match decode_entity(&s[i..]) {
                    Some((ch, consumed)) => {
                        self.flush_run(&s[run..i]);
                        self.push_char(ch);
                        i += consumed;
                        run = i;
                    }
                    None => i += 1,
                }
            } else if b >= 0x80 {
                let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
                if ch.is_whitespace() {
                    self.flush_run(&s[run..i]);
                    self.space = true;
                    i += ch.len_utf8();
                    run = i;
                } else if ('\u{80}'..='\u{9f}').contains(&ch) {
                    // C1 controls in text are Windows-1252 characters that went through
                    // a Latin-1 decoder ("don\u{92}t").
                    self.flush_run(&s[run..i]);
                    self.push_char(WINDOWS_1252_C1[(ch as u32 - 0x80) as usize]);
                    i += ch.len_utf8();
                    run = i;
                } else {
                    i += ch.len_utf8();
                }
            } else {
                i += 1;
            }
        }
        self.flush_run(&s[run..]);
    }

    fn flush_run(&mut self, run: &str) {
        // A run may end in the single space it kept; that space becomes a pending one,
        // so whatever follows (an entity, a break) decides how words are separated.
        let trimmed = run.strip_suffix(' ').unwrap_or(run);
        if !trimmed.is_empty() {
            self.emit(trimmed);
        }
        if trimmed.len() != run.len() {
            self.space = true;
        }
    }

    fn push_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            self.space = true;
        } else {
            self.emit(ch.encode_utf8(&mut [0; 4]));
        }
    }

    fn pre_text(&mut self, s: &str, decode: bool) {
        let decoded = if decode {
            decode_references(s, ReferenceContext::Text)
        } else {
            Cow::Borrowed(s)
        };
        // HTML ignores the newline right after `<pre>`; the pending paragraph break
        // already separates the block.
        let text = if self.newlines > 0 {
            decoded.trim_start_matches(['\r', '\n'])
        } else {
            &decoded
        };
        if !text.is_empty() {
            self.emit(text);
        }
    }

    fn tag(&mut self, kind: TagKind, closing: bool) {
        match kind {
            TagKind::Block => self.newlines = 2,
            TagKind::Pre => {
                self.newlines = 2;
                self.pre = if closing {
                    self.pre.saturating_sub(1)
                } else {
                    self.pre + 1
                };
            }
            TagKind::Break => self.newlines = (self.newlines + 1).min(2),
            TagKind::Line => self.newlines = self.newlines.max(1),
            TagKind::Cell => self.space = true,
            TagKind::List { ordered } => {
                self.newlines = 2;
                if closing {
                    self.lists.pop();
                } else {
                    self.lists.push(ordered.then_some(1));
                }
            }
            TagKind::ListItem => {
                self.newlines = self.newlines.max(1);
                self.bullet = None;
                if !closing {
                    self.bullet = Some(match self.lists.last_mut() {
                        Some(Some(n)) => {
                            let bullet = Bullet::Number(*n);
                            *n += 1;
                            bullet
                        }
                        _ => Bullet::Dash,
                    });
                }
            }
            TagKind::RawText | TagKind::Inline => {}
        }
    }

    fn finish(mut self) -> String {
        let len = self.out.trim_end().len();
        self.out.truncate(len);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_typed_as_a_list_or_paragraphs_keep_their_breaks() {
        assert_eq!(
            html_to_text("<p>Launch notes\n- DeepSeek released V4\n- V4 trails GPT-5 in single prompts</p>"),
            "Launch notes\n- DeepSeek released V4\n- V4 trails GPT-5 in single prompts"
        );
        assert_eq!(
            plain_text("First paragraph\n\nSecond paragraph"),
            "First paragraph\nSecond paragraph"
        );
        // Hard-wrapped prose still reads as one paragraph.
        assert_eq!(
            html_to_text("<p>one line\nwrapped here - and on</p>"),
            "one line wrapped here - and on"
        );
    }

    #[test]
    fn paragraphs_lists_and_breaks() {
        let html = "<p>First  para\n with <b>bold</b> text.</p><p>Second</p>\
                    <ul><li>one</li><li>two <a href='x'>link</a></li></ul>\
                    <ol><li>a</li><li>b</li></ol>line<br>next<br/><br />para";
        assert_eq!(
            html_to_text(html),
            "First para with bold text.\n\nSecond\n\n- one\n- two link\n\n1. a\n2. b\n\nline\nnext\n\npara"
        );
    }

    #[test]
    fn scripts_styles_and_comments_are_dropped() {
        let html = "<style>p{color:red}</style><script>var a = '</p>'; if (a<b) {}</script>\
                    Hello<!-- hidden <p> --> <noscript>no</noscript>world<![CDATA[ & more]]>";
        assert_eq!(html_to_text(html), "Hello world & more");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            html_to_text("caf&eacute; &amp; &lt;b&gt; &#8217;s &#x2014; &#146; &nbsp;x &bogus; AT&T"),
            "café & <b> ’s — ’ x &bogus; AT&T"
        );
        assert_eq!(
            html_to_text("a&amp b &ampx &#0; &#99999999;"),
            "a& b &ampx \u{fffd} \u{fffd}"
        );
    }

    #[test]
    fn plain_text_passes_through_normalised() {
        assert_eq!(html_to_text("  just\ttext\r\n  here  "), "just text here");
        assert_eq!(html_to_text("x < y and y > z"), "x < y and y > z");
        assert_eq!(html_to_text("if a<b then"), "if a<b then");
        assert_eq!(html_to_text("don\u{92}t"), "don\u{2019}t");
        assert_eq!(html_to_text("a &nbsp;b c &amp; d<br>e "), "a b c & d\ne");
        assert_eq!(html_to_text(""), "");
    }

    #[test]
    fn pre_keeps_whitespace_and_attributes_may_hold_gt() {
        assert_eq!(
            html_to_text("<p>code:</p><pre>\nfn main() {\n    x &lt; 1;\n}</pre><p>end</p>"),
            "code:\n\nfn main() {\n    x < 1;\n}\n\nend"
        );
        assert_eq!(
            html_to_text(r#"<img alt="a > b" src='x'>after <A HREF="y">Link</A>"#),
            "after Link"
        );
    }

    #[test]
    fn tables_and_headings() {
        assert_eq!(
            html_to_text("<h1>Title</h1><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
            "Title\n\na b\nc"
        );
    }

    #[test]
    fn references_outside_markup_decode_by_the_html_rules() {
        assert_eq!(decode_entities("no references"), "no references");
        assert_eq!(
            decode_entities("&AMP; &lt;b&GT; &#146;s &#x41 &hearts; &unknown; a & b &amp c"),
            "& <b> ’s A ♥ &unknown; a & b & c"
        );
        // As in an HTML attribute value, a query parameter named like a reference stays.
        assert_eq!(
            decode_entities("https://e.com/feed?id=1&amp=1&reg=2&amp;copy;&lt;=&#38="),
            "https://e.com/feed?id=1&amp=1&reg=2&copy;<=&="
        );
        assert_eq!(html_to_text("<pre>a&amp=1</pre>"), "a&=1");
    }

    #[test]
    fn strip_tags_keeps_text_as_written() {
        assert_eq!(strip_tags("plain"), "plain");
        assert_eq!(
            strip_tags("<00:00:01.000><c.x>one</c>  two<br/>three &amp; 1 < 2 <b"),
            "one  two three &amp; 1 < 2 <b"
        );
    }
}
