//! Turns a fetched body into a [`ParsedFeed`]: feed-rs does the format work (RSS 0.9x/1.0/2.0,
//! Atom, JSON Feed); this module makes real-world bodies acceptable to it first and then
//! normalises every entry into an [`Article`].
//!
//! Pre-processing happens in two tiers so that the common case stays cheap:
//! - always (cheap): BOM and charset detection (UTF-8/16/32, HTTP charset, XML declaration,
//!   legacy charsets via encoding_rs), with no copy when the body already is UTF-8; junk
//!   before the document; classifying what the body is; upgrading dialects feed-rs would
//!   read as empty (Atom 0.3 and pre-1.0 namespaces, RSS 0.90, namespaced RSS 2, RSS
//!   versions feed-rs does not dispatch on, iTunes namespace spelt in other cases);
//! - only after a failed first parse (one more copy): HTML entities XML does not define,
//!   bare `&`, `&#X…;`, MIME types feed-rs rejects on Atom text constructs, podcast people
//!   outside feed-rs's taxonomy, a root end tag cut short, RSS without `<channel>`, and JSON
//!   Feeds with wrongly typed members.
//!
//! What feed-rs leaves out (podcast chapters, transcript languages, iTunes durations and
//! authors, XHTML bodies, Dublin Core Terms dates) comes from one extra quick-xml pass, run
//! only when the document mentions any of it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use feed_rs::model::{Content, Entry, Feed, FeedType, Link, LinkTarget, Text};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use quick_xml::events::{BytesStart, Event};
use regex::Regex;
use sha2::{Digest, Sha256};
use url::Url;

use super::normalize::canonical_url;
use crate::domain::{Article, EpisodeMedia, ParsedFeed, TranscriptRef};
use crate::text::html::{html_to_text, named_entity, plain_text, plain_to_text};

/// Why a body could not be turned into a feed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The body is something else (an HTML page, JSON that is not a JSON Feed, an image…).
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// The body looks like a feed but is broken beyond what we tolerate.
    #[error("parse error: {0}")]
    Malformed(String),
}

/// Descriptions shorter than this (in words), with no full content beside them, are
/// treated as excerpts.
const EXCERPT_MAX_WORDS: usize = 80;

/// Words taken from the text when an item has no title.
const TITLE_FALLBACK_WORDS: usize = 12;

/// Parses a fetched body. `feed_url` resolves relative links; `fetched_at` clamps future
/// dates and stands in for missing ones.
pub fn parse_feed(
    body: &[u8],
    content_type: Option<&str>,
    feed_url: &Url,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    let text = decode_body(body, content_type);
    let feed = match sniff(&text) {
        Sniff::Empty => return Err(ParseError::NotAFeed("the body is empty".into())),
        Sniff::Other => {
            return Err(ParseError::NotAFeed(
                "neither XML nor JSON (plain text or binary)".into(),
            ));
        }
        Sniff::Html => return Err(ParseError::NotAFeed("an HTML page, not a feed".into())),
        Sniff::NoRoot => {
            return Err(ParseError::NotAFeed("an XML document without a root element".into()));
        }
        Sniff::OtherXml(root) => {
            let what = if root.eq_ignore_ascii_case("opml") {
                "an OPML subscription list, not a feed".to_string()
            } else {
                format!("an XML document with root <{root}>, not a feed")
            };
            return Err(ParseError::NotAFeed(what));
        }
        Sniff::Json(start) => parse_json(&text[start..], feed_url)?,
        Sniff::Xml(root) => parse_xml(&text, &root, feed_url)?,
    };
    Ok(convert(feed, &text, feed_url, fetched_at))
}

// ---------------------------------------------------------------------------------------
// Bytes → UTF-8 text
// ---------------------------------------------------------------------------------------

/// The body as UTF-8 without BOM. Precedence: BOM (or UTF-16/32 byte patterns), then the
/// HTTP charset, then the XML declaration, then UTF-8 when the bytes are valid UTF-8, else
/// Windows-1252. A declared legacy charset loses to UTF-8 when the bytes are valid UTF-8
/// and the other declaration says UTF-8: servers often label everything ISO-8859-1.
fn decode_body<'a>(body: &'a [u8], content_type: Option<&str>) -> Cow<'a, str> {
    if let Some(text) = decode_utf32(body) {
        return strip_declared_encoding(Cow::Owned(text));
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = encoding.decode_without_bom_handling(&body[bom_len..]);
        return strip_declared_encoding(text);
    }
    // UTF-16 without BOM still starts with "<?" in either byte order.
    if body.starts_with(&[b'<', 0, b'?', 0]) {
        return strip_declared_encoding(UTF_16LE.decode_without_bom_handling(body).0);
    }
    if body.starts_with(&[0, b'<', 0, b'?']) {
        return strip_declared_encoding(UTF_16BE.decode_without_bom_handling(body).0);
    }

    let utf8 = std::str::from_utf8(body).ok();
    // A UTF-16 label on a byte stream that is evidently ASCII-compatible is a lie.
    let usable = |e: &'static Encoding| e != UTF_16LE && e != UTF_16BE;
    let http = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .filter(|e| usable(e));
    let declared = xml_declared_encoding(body)
        .and_then(Encoding::for_label)
        .filter(|e| usable(e));
    let says_utf8 = http == Some(UTF_8) || declared == Some(UTF_8);
    let encoding = match (http, declared) {
        _ if utf8.is_some() && says_utf8 => UTF_8,
        (Some(e), _) | (None, Some(e)) => e,
        (None, None) if utf8.is_some() => UTF_8,
        (None, None) => WINDOWS_1252,
    };
    if encoding == UTF_8 {
        // An ASCII body reads the same in every ASCII-compatible charset: no copy.
        return match utf8 {
            Some(text) => strip_declared_encoding(Cow::Borrowed(text)),
            None => strip_declared_encoding(String::from_utf8_lossy(body)),
        };
    }
    if utf8.is_some_and(|t| t.is_ascii()) {
        return strip_declared_encoding(Cow::Borrowed(utf8.unwrap_or_default()));
    }
    strip_declared_encoding(encoding.decode_without_bom_handling(body).0)
}

/// UTF-32 (which encoding_rs, following WHATWG, does not support), recognised by its
/// BOM or by a leading `<` in either byte order.
fn decode_utf32(body: &[u8]) -> Option<String> {
    let (big_endian, skip) = match body {
        [0, 0, 0xfe, 0xff, ..] => (true, 4),
        [0xff, 0xfe, 0, 0, ..] => (false, 4),
        [0, 0, 0, b'<', ..] => (true, 0),
        [b'<', 0, 0, 0, ..] => (false, 0),
        _ => return None,
    };
    let text = body[skip..]
        .chunks_exact(4)
        .map(|c| {
            let unit = [c[0], c[1], c[2], c[3]];
            let value = if big_endian {
                u32::from_be_bytes(unit)
            } else {
                u32::from_le_bytes(unit)
            };
            char::from_u32(value).unwrap_or('\u{fffd}')
        })
        .collect();
    Some(text)
}

fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
    })
}

/// The `encoding="…"` of an XML declaration near the start of an ASCII-compatible body.
fn xml_declared_encoding(body: &[u8]) -> Option<&[u8]> {
    let head = &body[..body.len().min(1024)];
    let start = find_bytes(head, b"<?xml")?;
    let decl = &head[start..];
    let decl = &decl[..find_bytes(decl, b"?>")?];
    let at = find_bytes(decl, b"encoding")?;
    let rest = &decl[at + b"encoding".len()..];
    let rest = rest.trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    Some(&value[..value.iter().position(|&b| b == quote)?])
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Text is UTF-8 from here on; an encoding named in the XML declaration would make the
/// XML reader decode it a second time, so the attribute goes unless it says UTF-8.
fn strip_declared_encoding(text: Cow<'_, str>) -> Cow<'_, str> {
    let stated = xml_declared_encoding(text.as_bytes()).map(|label| {
        let start = label.as_ptr() as usize - text.as_ptr() as usize;
        (start, label.len())
    });
    let Some((value_start, value_len)) = stated else {
        return text;
    };
    let label = &text[value_start..value_start + value_len];
    if Encoding::for_label(label.as_bytes()) == Some(UTF_8) {
        return text;
    }
    let Some(attr_start) = text[..value_start].rfind("encoding") else {
        return text;
    };
    let mut fixed = String::with_capacity(text.len());
    fixed.push_str(text[..attr_start].trim_end());
    fixed.push_str(&text[value_start + value_len + 1..]);
    Cow::Owned(fixed)
}

// ---------------------------------------------------------------------------------------
// What is this body?
// ---------------------------------------------------------------------------------------

enum Sniff {
    Empty,
    /// Markup (comments, a declaration) but no element.
    NoRoot,
    Other,
    Html,
    OtherXml(String),
    /// JSON starting at this byte offset.
    Json(usize),
    Xml(RootTag),
}

/// The root element of an XML body.
struct RootTag {
    /// Where the document (its XML declaration, or the first markup) starts.
    doc_start: usize,
    /// Byte range of the root start tag, `<` to `>` inclusive.
    tag: std::ops::Range<usize>,
    /// Local name, lowercased.
    name: String,
}

fn sniff(text: &str) -> Sniff {
    let Some(first) = text.find(|c: char| !c.is_whitespace()) else {
        return Sniff::Empty;
    };
    let head = &text[first..];
    if head.starts_with('{') {
        return Sniff::Json(first);
    }
    // Junk before the document (PHP warnings, stray text): start at a later XML
    // declaration or feed root when there is one near the beginning.
    let window = &text[..text.floor_char_boundary(4096)];
    let doc_start = if head.starts_with("<?xml") {
        first
    } else if let Some(p) = window.find("<?xml") {
        p
    } else if head.starts_with('<') {
        first
    } else if let Some(p) = ["<rss", "<feed", "<rdf:RDF", "<RDF"]
        .iter()
        .filter_map(|root| window.find(root))
        .min()
    {
        p
    } else if head.starts_with('[') {
        return Sniff::Json(first);
    } else {
        return Sniff::Other;
    };
    match find_root(text, doc_start) {
        RootScan::Root(tag, html_doctype) => {
            let name_end = text[tag.start + 1..tag.end]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .map_or(tag.end, |i| tag.start + 1 + i);
            let qname = &text[tag.start + 1..name_end];
            let local = qname.rsplit(':').next().unwrap_or(qname);
            match local {
                "rss" | "RDF" | "feed" | "entry" => Sniff::Xml(RootTag {
                    doc_start,
                    tag,
                    name: local.to_ascii_lowercase(),
                }),
                _ if html_doctype || ["html", "body", "head"].iter().any(|h| local.eq_ignore_ascii_case(h)) => {
                    Sniff::Html
                }
                _ => Sniff::OtherXml(qname.to_string()),
            }
        }
        RootScan::None => Sniff::NoRoot,
    }
}

enum RootScan {
    /// The root start tag, and whether an HTML doctype came before it.
    Root(std::ops::Range<usize>, bool),
    None,
}

/// Steps over the prolog (declaration, processing instructions, comments, doctype) to
/// the root start tag.
fn find_root(text: &str, from: usize) -> RootScan {
    let mut pos = from;
    // XHTML doctypes also turn up before feeds (copied templates), so this only counts
    // when the root is not a feed.
    let mut html_doctype = false;
    loop {
        let Some(rel) = text[pos..].find('<') else {
            return RootScan::None;
        };
        let lt = pos + rel;
        let rest = &text[lt..];
        let skip_to = |needle: &str| rest.find(needle).map(|i| lt + i + needle.len());
        let next = if rest.starts_with("<?") {
            skip_to("?>")
        } else if rest.starts_with("<!--") {
            skip_to("-->")
        } else if rest.starts_with("<!") {
            let head = &rest[..rest.floor_char_boundary(64)];
            html_doctype |= head.to_ascii_lowercase().starts_with("<!doctype html");
            // A doctype may carry an internal subset in brackets.
            match (rest.find('['), rest.find('>')) {
                (Some(b), Some(g)) if b < g => skip_to("]>").or_else(|| skip_to(">")),
                _ => skip_to(">"),
            }
        } else if rest[1..].starts_with(|c: char| c.is_alphabetic() || c == '_') {
            return match scan_tag_end(text, lt) {
                Some(end) => RootScan::Root(lt..end, html_doctype),
                None => RootScan::None,
            };
        } else {
            Some(lt + 1)
        };
        match next {
            Some(n) => pos = n,
            None => return RootScan::None,
        }
    }
}

/// End (exclusive) of the start tag beginning at `lt`, honouring quoted attribute values.
fn scan_tag_end(text: &str, lt: usize) -> Option<usize> {
    let mut quote = None;
    for (i, b) in text.as_bytes()[lt..].iter().enumerate() {
        match (quote, b) {
            (Some(q), b) if *b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(*b),
            (None, b'>') => return Some(lt + i + 1),
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// feed-rs, with fix-ups
// ---------------------------------------------------------------------------------------

fn feed_rs_parser(feed_url: &Url) -> feed_rs::parser::Parser {
    feed_rs::parser::Builder::new()
        .base_uri(Some(feed_url.as_str()))
        // An empty id tells `convert` the feed gave none, so it can pick a stable one.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(parse_date)
        .build()
}

/// Runs feed-rs, turning a panic inside it into an error: one odd feed must not take a
/// poller task down.
fn run_feed_rs(input: &str, feed_url: &Url) -> Result<Feed, FeedRsFailure> {
    let parser = feed_rs_parser(feed_url);
    match catch_unwind(AssertUnwindSafe(|| parser.parse(input.as_bytes()))) {
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(e)) => Err(FeedRsFailure::Error(e)),
        Err(_) => Err(FeedRsFailure::Panic),
    }
}

enum FeedRsFailure {
    Error(ParseFeedError),
    Panic,
}

impl FeedRsFailure {
    fn describe(&self) -> String {
        match self {
            FeedRsFailure::Panic => "the feed parser crashed on this document".into(),
            FeedRsFailure::Error(ParseFeedError::XmlReader(e)) => {
                format!("broken or truncated XML ({e})")
            }
            FeedRsFailure::Error(ParseFeedError::ParseError(kind)) => match kind {
                ParseErrorKind::NoFeedRoot => "no feed element found".into(),
                other => format!("unsupported feed content ({other})"),
            },
            FeedRsFailure::Error(ParseFeedError::JsonSerde(e)) => {
                format!("broken JSON Feed ({e})")
            }
            FeedRsFailure::Error(ParseFeedError::JsonUnsupportedVersion(v)) => {
                format!("unsupported JSON Feed version {v:?}")
            }
            FeedRsFailure::Error(ParseFeedError::IoError(e)) => format!("read error ({e})"),
        }
    }
}

fn parse_json(text: &str, feed_url: &Url) -> Result<Feed, ParseError> {
    // The marker matches escaped slashes too ("https:\/\/jsonfeed.org\/version\/1"); the
    // shape test catches feeds without a version and truncated ones.
    let marked = text.contains("jsonfeed.org");
    let shaped = text.contains("\"items\"")
        && ["\"feed_url\"", "\"home_page_url\""]
            .iter()
            .any(|key| text.contains(key));
    if !marked && !shaped {
        return Err(ParseError::NotAFeed("JSON, but not a JSON Feed".into()));
    }
    match run_feed_rs(text, feed_url) {
        Ok(feed) => Ok(feed),
        Err(FeedRsFailure::Error(ParseFeedError::JsonSerde(_) | ParseFeedError::JsonUnsupportedVersion(_))) => {
            let mut value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| ParseError::Malformed(format!("broken JSON Feed ({e})")))?;
            let Some(object) = value.as_object_mut() else {
                return Err(ParseError::NotAFeed("JSON, but not a JSON Feed".into()));
            };
            coerce_json_feed(object);
            run_feed_rs(&value.to_string(), feed_url).map_err(|f| ParseError::Malformed(f.describe()))
        }
        Err(failure) => Err(ParseError::Malformed(failure.describe())),
    }
}

type JsonMap = serde_json::Map<String, serde_json::Value>;

/// Bends a JSON Feed that strict deserialisation rejects into the shape feed-rs reads:
/// a version it accepts ("http://jsonfeed.org/version/1" is the same format), numbers
/// where strings belong (numeric ids), a comma-separated string for `tags`, a plain
/// string for an author, and members of the wrong type dropped.
fn coerce_json_feed(feed: &mut JsonMap) {
    use serde_json::Value;
    feed.insert("version".into(), "https://jsonfeed.org/version/1.1".into());
    coerce_string(feed, "title", true);
    for key in [
        "home_page_url",
        "feed_url",
        "language",
        "description",
        "icon",
        "favicon",
    ] {
        coerce_string(feed, key, false);
    }
    coerce_authors(feed);
    let items = match feed.remove("items") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let items = items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(mut item) => {
                coerce_json_item(&mut item);
                Some(Value::Object(item))
            }
            _ => None,
        })
        .collect();
    feed.insert("items".into(), Value::Array(items));
}

fn coerce_json_item(item: &mut JsonMap) {
    use serde_json::Value;
    for key in [
        "id",
        "url",
        "external_url",
        "title",
        "content_html",
        "content_text",
        "summary",
        "date_published",
        "date_modified",
    ] {
        coerce_string(item, key, false);
    }
    coerce_authors(item);
    let tags: Option<Vec<Value>> = match item.remove("tags") {
        Some(Value::String(s)) => Some(
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(Value::from)
                .collect(),
        ),
        Some(Value::Array(tags)) => Some(tags.into_iter().filter(Value::is_string).collect()),
        _ => None,
    };
    if let Some(tags) = tags {
        item.insert("tags".into(), Value::Array(tags));
    }
    if let Some(Value::Array(attachments)) = item.remove("attachments") {
        let attachments = attachments
            .into_iter()
            .filter_map(|a| {
                let Value::Object(mut a) = a else { return None };
                coerce_string(&mut a, "url", false);
                coerce_string(&mut a, "title", false);
                a.get("url")?;
                if !a.get("mime_type").is_some_and(Value::is_string) {
                    a.insert("mime_type".into(), "application/octet-stream".into());
                }
                if !a.get("size_in_bytes").is_some_and(Value::is_u64) {
                    a.remove("size_in_bytes");
                }
                Some(Value::Object(a))
            })
            .collect();
        item.insert("attachments".into(), Value::Array(attachments));
    }
}

fn coerce_authors(map: &mut JsonMap) {
    use serde_json::Value;
    let author = |v: Value| -> Option<Value> {
        let mut author = match v {
            Value::String(name) => JsonMap::from_iter([("name".to_string(), Value::String(name))]),
            Value::Object(o) => o,
            _ => return None,
        };
        coerce_string(&mut author, "name", false);
        coerce_string(&mut author, "url", false);
        Some(Value::Object(author))
    };
    if let Some(a) = map.remove("author").and_then(author) {
        map.insert("author".into(), a);
    }
    if let Some(Value::Array(list)) = map.remove("authors") {
        let list = list.into_iter().filter_map(author).collect();
        map.insert("authors".into(), Value::Array(list));
    }
}

/// Keeps `key` only as a string (numbers and booleans are written out); `required`
/// fields default to the empty string.
fn coerce_string(map: &mut JsonMap, key: &str, required: bool) {
    use serde_json::Value;
    let value = match map.remove(key) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    };
    match value {
        Some(s) => {
            map.insert(key.into(), Value::String(s));
        }
        None if required => {
            map.insert(key.into(), Value::String(String::new()));
        }
        None => {}
    }
}

fn parse_xml(text: &str, root: &RootTag, feed_url: &Url) -> Result<Feed, ParseError> {
    let doc = &text[root.doc_start..];
    let tag = root.tag.start - root.doc_start..root.tag.end - root.doc_start;
    let upgraded = upgrade_dialect(doc, tag, &root.name);
    let input = upgraded.as_deref().unwrap_or(doc);
    let first = match run_feed_rs(input, feed_url) {
        Ok(feed) => return Ok(feed),
        Err(failure) => failure,
    };
    // Report what is still wrong after our repairs, not what they already fixed.
    let (input, mut failure) = match repair_xml(input, &root.name) {
        Some(repaired) => match run_feed_rs(&repaired, feed_url) {
            Ok(feed) => return Ok(feed),
            Err(second) => (Cow::Owned(repaired), second),
        },
        None => (Cow::Borrowed(input), first),
    };
    // RSS without a <channel> is an empty feed, or items written straight under <rss>.
    if root.name == "rss" && is_no_feed_root(&failure) {
        let root_end = match find_root(&input, 0) {
            RootScan::Root(tag, _) => tag.end,
            RootScan::None => 0,
        };
        match run_feed_rs(&wrap_in_channel(&input, root_end), feed_url) {
            Ok(feed) => return Ok(feed),
            Err(third) => failure = third,
        }
    }
    Err(match failure {
        FeedRsFailure::Error(ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot)) => {
            ParseError::NotAFeed(format!("a <{}> document with no feed inside", root.name))
        }
        other => ParseError::Malformed(other.describe()),
    })
}

fn is_no_feed_root(failure: &FeedRsFailure) -> bool {
    matches!(
        failure,
        FeedRsFailure::Error(ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot))
    )
}

/// `<rss …>…</rss>` → `<rss …><channel>…</channel></rss>`.
fn wrap_in_channel(doc: &str, root_end: usize) -> String {
    let root_end = root_end.min(doc.len());
    let close = doc.rfind("</rss").filter(|&c| c >= root_end).unwrap_or(doc.len());
    let mut out = String::with_capacity(doc.len() + 24);
    out.push_str(&doc[..root_end]);
    out.push_str("<channel>");
    out.push_str(&doc[root_end..close]);
    out.push_str("</channel>");
    out.push_str(&doc[close..]);
    out
}

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const ITUNES_NS: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";

/// Rewrites dialects feed-rs would read as an empty (or partly empty) feed. Returns
/// `None` when nothing needs changing, the usual case: every check here is a substring
/// search or looks at the root tag only.
fn upgrade_dialect(doc: &str, tag: std::ops::Range<usize>, root: &str) -> Option<String> {
    let root_tag = &doc[tag.clone()];
    let mut out: Option<String> = None;
    match root {
        "rss" => {
            let version = attr_value(root_tag, "version");
            let known = matches!(version.as_deref(), Some("2.0" | "" | "0.91" | "0.92"));
            let default_ns = attr_value(root_tag, "xmlns");
            if !known || default_ns.is_some() {
                // feed-rs dispatches on the exact version and reads RSS elements only
                // without a default namespace; RSS 2.0 rules read every version well.
                let mut new_tag = remove_attr(&remove_attr(root_tag, "version"), "xmlns");
                new_tag.insert_str(tag_name_end(&new_tag), " version=\"2.0\"");
                out = Some(replace_range(doc, tag, &new_tag));
            }
            // UserLand's namespace for RSS 2.0 elements, used with a prefix.
            const USERLAND: &str = "http://backend.userland.com/rss2";
            if out.as_deref().unwrap_or(doc).contains(USERLAND) {
                out = Some(
                    out.as_deref()
                        .unwrap_or(doc)
                        .replace(USERLAND, "http://purl.org/rss/1.0/"),
                );
            }
        }
        "feed" | "entry" => {
            let default_ns = attr_value(root_tag, "xmlns");
            let atom03 = default_ns.as_deref() == Some("http://purl.org/atom/ns#")
                || attr_value(root_tag, "version").as_deref() == Some("0.3")
                || doc.contains("http://purl.org/atom/ns#");
            let foreign = default_ns.as_deref().is_some_and(|ns| ns != ATOM_NS);
            if foreign {
                // Pre-standard Atom drafts used a variety of namespaces; the elements are
                // the Atom ones.
                let mut new_tag = remove_attr(root_tag, "xmlns");
                new_tag.insert_str(tag_name_end(&new_tag), &format!(" xmlns=\"{ATOM_NS}\""));
                out = Some(replace_range(doc, tag, &new_tag));
            }
            if atom03 {
                out = Some(upgrade_atom03(out.as_deref().unwrap_or(doc)));
            }
        }
        "rdf" => {
            const RSS090: &str = "http://my.netscape.com/rdf/simple/0.9/";
            if doc.contains(RSS090) {
                out = Some(doc.replace(RSS090, "http://purl.org/rss/1.0/"));
            }
        }
        _ => {}
    }
    // feed-rs matches namespace URIs exactly; iTunes' is often written in other cases.
    // Namespace declarations sit on the root element, near the start.
    let current = out.as_deref().unwrap_or(doc);
    let head = &current[..current.floor_char_boundary(8192)];
    if head.contains("itunes.com/") && !head.contains(ITUNES_NS) && contains_ignore_ascii_case(head, ITUNES_NS) {
        static ITUNES: LazyLock<Option<Regex>> =
            LazyLock::new(|| static_regex(r"(?i)http://www\.itunes\.com/dtds/podcast-1\.0\.dtd"));
        if let Some(re) = ITUNES.as_ref() {
            out = Some(re.replace_all(current, ITUNES_NS).into_owned());
        }
    }
    out
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Byte offset just past the element name of a start tag.
fn tag_name_end(tag: &str) -> usize {
    tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(tag.len())
}

/// Atom 0.3 → Atom 1.0: namespace, renamed elements, and MIME-typed text constructs.
fn upgrade_atom03(doc: &str) -> String {
    static RENAMES: LazyLock<Option<Regex>> =
        LazyLock::new(|| static_regex(r"<(/?)([A-Za-z_][\w.-]*:)?(issued|modified|tagline|copyright)\b"));
    let doc = doc.replace("http://purl.org/atom/ns#", ATOM_NS);
    let Some(renames) = RENAMES.as_ref() else {
        return normalise_atom_types(&doc).into_owned();
    };
    let doc = renames.replace_all(&doc, |caps: &regex::Captures<'_>| {
        let new = match &caps[3] {
            "issued" => "published",
            "modified" => "updated",
            "tagline" => "subtitle",
            _ => "rights",
        };
        format!("<{}{}{}", &caps[1], caps.get(2).map_or("", |m| m.as_str()), new)
    });
    normalise_atom_types(&doc).into_owned()
}

/// feed-rs rejects a whole feed over one Atom text construct (`title`, `subtitle`,
/// `summary`, `rights`) whose `type` is not `text`, `html` or `xhtml`, and over a
/// `content` type that is not a MIME type. Atom 0.3 used MIME types there, and broken
/// generators write anything; map them to the keyword they mean, `text` otherwise.
fn normalise_atom_types(doc: &str) -> Cow<'_, str> {
    static TYPES: LazyLock<Option<Regex>> = LazyLock::new(|| {
        static_regex(
            r#"(<(?:[\w.-]+:)?(title|subtitle|summary|rights|content)\b[^>]*?\stype\s*=\s*)(?:"([^"]*)"|'([^']*)')"#,
        )
    });
    let Some(types) = TYPES.as_ref() else {
        return Cow::Borrowed(doc);
    };
    types.replace_all(doc, |caps: &regex::Captures<'_>| {
        let value = caps.get(3).or(caps.get(4)).map_or("", |m| m.as_str()).trim();
        let keyword = match value.to_ascii_lowercase().as_str() {
            "text" | "text/plain" => "text",
            "html" | "text/html" => "html",
            "xhtml" | "application/xhtml+xml" | "text/xhtml" => "xhtml",
            // A real MIME type is fine on content (inline XML, base64 payloads).
            v if &caps[2] == "content" && v.contains('/') && !v.contains(' ') => value,
            _ => "text",
        };
        format!("{}\"{keyword}\"", &caps[1])
    })
}

fn attr_value(tag: &str, name: &str) -> Option<String> {
    let (start, end) = attr_span(tag, name)?;
    let raw = &tag[start..end];
    let value = raw[raw.find('=')? + 1..].trim();
    Some(value.trim_matches(['"', '\'']).trim().to_string())
}

fn remove_attr(tag: &str, name: &str) -> String {
    match attr_span(tag, name) {
        Some((start, end)) => format!("{}{}", &tag[..start], &tag[end..]),
        None => tag.to_string(),
    }
}

/// Byte span of ` name="value"` (leading whitespace included) within a start tag.
fn attr_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let bytes = tag.as_bytes();
    let mut search = 0;
    while let Some(rel) = tag[search..].find(name) {
        let at = search + rel;
        search = at + name.len();
        let preceded = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let rest = tag[at + name.len()..].trim_start();
        if !preceded || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        let value_start = tag.len() - value.len();
        let end = match value.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => value[1..].find(q as char).map(|i| value_start + i + 2)?,
            _ => value
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .map_or(tag.len(), |i| value_start + i),
        };
        let start = tag[..at].trim_end().len();
        return Some((start, end));
    }
    None
}

fn replace_range(doc: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(doc.len() + with.len());
    out.push_str(&doc[..range.start]);
    out.push_str(with);
    out.push_str(&doc[range.end..]);
    out
}

/// The costly second-chance repairs. Returns `None` when none applies (the error is then
/// final).
fn repair_xml(doc: &str, root: &str) -> Option<String> {
    let mut fixed = fix_references(doc);
    // A document cut off inside its very last tag ("…</feed") lost nothing.
    let current = fixed.as_deref().unwrap_or(doc);
    let tail = current.trim_end();
    let last_tag = tail.rfind("</").map(|i| &tail[i + 2..]);
    if last_tag.is_some_and(|t| {
        let local = t.rsplit(':').next().unwrap_or(t);
        local.eq_ignore_ascii_case(root) || (root == "rdf" && local == "RDF")
    }) {
        let mut s = tail.to_string();
        s.push('>');
        fixed = Some(s);
    }
    if (root == "feed" || root == "entry")
        && let Cow::Owned(s) = normalise_atom_types(fixed.as_deref().unwrap_or(doc))
    {
        fixed = Some(s);
    }
    if doc.contains(":person")
        && let Cow::Owned(s) = drop_podcast_people(fixed.as_deref().unwrap_or(doc))
    {
        fixed = Some(s);
    }
    fixed
}

/// HTML entities XML does not define become numeric references (unknown ones are
/// escaped so they read literally), and a bare `&` becomes `&amp;`. CDATA sections are
/// copied untouched.
fn fix_references(doc: &str) -> Option<String> {
    let mut out = String::with_capacity(doc.len() + 256);
    let mut changed = false;
    let mut rest = doc;
    while let Some(amp) = rest.find('&') {
        if let Some(cdata) = rest[..amp].find("<![CDATA[") {
            let end = rest[cdata..].find("]]>").map_or(rest.len(), |i| cdata + i + 3);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let consumed = match xml_reference(tail) {
            XmlRef::Valid(len) => {
                if tail.as_bytes().get(2) == Some(&b'X') {
                    // "&#X41;": XML only knows the lowercase x.
                    changed = true;
                    out.push_str("&#x");
                    out.push_str(&tail[3..len]);
                } else {
                    out.push_str(&tail[..len]);
                }
                len
            }
            XmlRef::Named(name) => {
                changed = true;
                match named_entity(name) {
                    Some(ch) => {
                        let _ = write!(out, "&#{};", ch as u32);
                    }
                    None => {
                        out.push_str("&amp;");
                        out.push_str(name);
                        out.push(';');
                    }
                }
                name.len() + 2
            }
            XmlRef::Bare => {
                changed = true;
                out.push_str("&amp;");
                1
            }
        };
        rest = &tail[consumed..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

enum XmlRef<'a> {
    /// A reference XML understands, this many bytes long.
    Valid(usize),
    /// `&name;` with a name XML does not predefine.
    Named(&'a str),
    /// An `&` that starts no reference.
    Bare,
}

fn xml_reference(tail: &str) -> XmlRef<'_> {
    let bytes = tail.as_bytes();
    if bytes.get(1) == Some(&b'#') {
        let hex = matches!(bytes.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let digits = bytes[start..]
            .iter()
            .take_while(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() })
            .count();
        return if digits > 0 && bytes.get(start + digits) == Some(&b';') {
            XmlRef::Valid(start + digits + 1)
        } else {
            XmlRef::Bare
        };
    }
    let name_len = bytes[1..]
        .iter()
        .take(40)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    if name_len == 0 || bytes.get(1 + name_len) != Some(&b';') {
        return XmlRef::Bare;
    }
    let name = &tail[1..1 + name_len];
    match name {
        "amp" | "lt" | "gt" | "quot" | "apos" => XmlRef::Valid(name_len + 2),
        _ => XmlRef::Named(name),
    }
}

/// feed-rs fails a whole feed on a `<podcast:person>` role or group outside its
/// taxonomy; we do not use people, so they go.
fn drop_podcast_people(doc: &str) -> Cow<'_, str> {
    static PEOPLE: LazyLock<Option<Regex>> = LazyLock::new(|| {
        static_regex(r"(?s)<([A-Za-z_][\w.-]*):person\b[^>]*?(?:/>|>.*?</([A-Za-z_][\w.-]*):person\s*>)")
    });
    match PEOPLE.as_ref() {
        Some(people) => people.replace_all(doc, ""),
        None => Cow::Borrowed(doc),
    }
}

/// Compiles one of this module's fixed patterns. A failure could only be a typo, which
/// the unit tests catch; at run time the rewrite is then skipped rather than panicking.
fn static_regex(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

// ---------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------

/// Lenient date parsing: RFC 3339 and RFC 2822 first (the formats feeds are supposed to
/// use), then the variants feeds actually contain: W3C partial dates, missing seconds
/// or zone, long month and weekday names, month-first order, named zones, 2-digit years.
/// A date without a zone is taken as UTC.
pub(crate) fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    if s.len() >= 4 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        parse_iso_loose(s)
    } else {
        parse_rfc822_loose(s)
    }
}

/// `YYYY[-MM[-DD]][(T| )hh:mm[:ss[.frac]]][zone]`, also without separators.
fn parse_iso_loose(s: &str) -> Option<DateTime<Utc>> {
    let mut cur = Cursor { s, pos: 0 };
    let year = cur.digits(4, 4)? as i32;
    cur.eat(b'-');
    let month = cur.digits(2, 2).unwrap_or(1);
    cur.eat(b'-');
    let day = cur.digits(2, 2).unwrap_or(1);
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut time = NaiveTime::MIN;
    let mut offset = 0;
    if cur.eat(b'T') || cur.eat(b't') || cur.eat(b' ') {
        let hour = cur.digits(1, 2)?;
        cur.eat(b':');
        let minute = cur.digits(2, 2).unwrap_or(0);
        cur.eat(b':');
        let second = cur.digits(2, 2).unwrap_or(0);
        let mut nanos = 0;
        if cur.eat(b'.') || cur.eat(b',') {
            let start = cur.pos;
            let frac = cur.digits(1, 9).unwrap_or(0);
            let len = cur.pos - start;
            nanos = frac * 10u32.pow(9 - len as u32);
            cur.skip_digits();
        }
        time = hms(hour, minute, second, nanos)?;
        offset = parse_zone(cur.rest().trim())?;
    }
    to_utc(date, time, offset)
}

/// `[Weekday,] D Month YYYY [hh:mm[:ss]] [zone]`, or month first, in any mix of
/// spaces, commas and dashes.
fn parse_rfc822_loose(s: &str) -> Option<DateTime<Utc>> {
    let mut numbers: Vec<(u32, usize)> = Vec::with_capacity(3);
    let mut month = None;
    let mut time = None;
    let mut offset = 0;
    let mut pm = None;
    for token in s.split(|c: char| c.is_whitespace() || c == ',') {
        if token.is_empty() {
            continue;
        }
        if token.contains(':') && token.as_bytes()[0].is_ascii_digit() {
            let mut parts = token.splitn(3, ':');
            let hour = parts.next()?.parse().ok()?;
            let minute = parts.next()?.parse().ok()?;
            let (second, nanos) = match parts.next() {
                Some(sec) => {
                    let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
                    let frac = &frac[..frac.len().min(9)];
                    let nanos = if frac.is_empty() {
                        0
                    } else {
                        frac.parse::<u32>().ok()? * 10u32.pow(9 - frac.len() as u32)
                    };
                    (whole.parse().ok()?, nanos)
                }
                None => (0, 0),
            };
            time = Some((hour, minute, second, nanos));
        } else if token.starts_with(['+', '-']) && token.len() > 1 {
            offset = parse_zone(token)?;
        } else if token.bytes().all(|b| b.is_ascii_digit()) {
            numbers.push((token.parse().ok()?, token.len()));
        } else if token.contains('-') && token.bytes().any(|b| b.is_ascii_alphabetic()) {
            // "01-Jan-2004"
            for part in token.split('-') {
                if let Ok(n) = part.parse::<u32>() {
                    numbers.push((n, part.len()));
                } else if let Some(m) = month_number(part) {
                    month = Some(m);
                }
            }
        } else if let Some(m) = month_number(token) {
            month = Some(m);
        } else {
            let lower = token.trim_end_matches('.').to_ascii_lowercase();
            match lower.as_str() {
                "am" | "a.m" => pm = Some(false),
                "pm" | "p.m" => pm = Some(true),
                _ => {
                    if let Some(o) = zone_offset(&lower) {
                        offset = o;
                    }
                    // Anything else is a weekday or noise.
                }
            }
        }
    }
    let month = month?;
    let (day, year) = match numbers.as_slice() {
        [(d, _), (y, _)] => (*d, *y),
        [(a, 4), (b, _), ..] => (*b, *a),
        [(d, _), (y, _), ..] => (*d, *y),
        _ => return None,
    };
    let year = match year {
        0..=69 => 2000 + year,
        70..=99 => 1900 + year,
        y => y,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let (mut hour, minute, second, nanos) = time.unwrap_or((0, 0, 0, 0));
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    to_utc(date, hms(hour, minute, second, nanos)?, offset)
}

fn hms(hour: u32, minute: u32, second: u32, nanos: u32) -> Option<NaiveTime> {
    // "24:00" is end of day in ISO 8601; feeds also write it for midnight.
    let hour = if hour == 24 { 0 } else { hour };
    NaiveTime::from_hms_nano_opt(hour, minute, second.min(59), nanos)
}

fn to_utc(date: NaiveDate, time: NaiveTime, offset_secs: i32) -> Option<DateTime<Utc>> {
    let offset = FixedOffset::east_opt(offset_secs)?;
    let local = offset.from_local_datetime(&date.and_time(time)).single()?;
    Some(local.with_timezone(&Utc))
}

/// Zone suffix → seconds east of UTC. Empty and unknown names read as UTC.
fn parse_zone(zone: &str) -> Option<i32> {
    let zone = zone.trim();
    if zone.is_empty() {
        return Some(0);
    }
    let bytes = zone.as_bytes();
    if matches!(bytes[0], b'+' | b'-') {
        let sign = if bytes[0] == b'-' { -1 } else { 1 };
        let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
        let (h, m) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            3 => (digits[..1].parse::<i32>().ok()?, digits[1..].parse::<i32>().ok()?),
            4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
            _ => return None,
        };
        if h > 23 || m > 59 {
            return None;
        }
        return Some(sign * (h * 3600 + m * 60));
    }
    Some(zone_offset(&zone.to_ascii_lowercase()).unwrap_or(0))
}

fn zone_offset(name: &str) -> Option<i32> {
    let hours = match name {
        "z" | "ut" | "utc" | "gmt" | "wet" => 0.0,
        "est" => -5.0,
        "edt" | "ast" => -4.0,
        "cst" => -6.0,
        "cdt" => -5.0,
        "mst" => -7.0,
        "mdt" => -6.0,
        "pst" => -8.0,
        "pdt" | "akdt" => -7.0,
        "akst" => -9.0,
        "hst" => -10.0,
        "bst" | "cet" | "west" => 1.0,
        "cest" | "eet" => 2.0,
        "eest" | "msk" => 3.0,
        "ist" => 5.5,
        "jst" | "kst" => 9.0,
        "aest" => 10.0,
        "aedt" => 11.0,
        "nzst" => 12.0,
        "nzdt" => 13.0,
        _ => return None,
    };
    Some((hours * 3600.0) as i32)
}

fn month_number(token: &str) -> Option<u32> {
    let t = token.as_bytes();
    if t.len() < 3 || !t.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let m = match &[
        t[0].to_ascii_lowercase(),
        t[1].to_ascii_lowercase(),
        t[2].to_ascii_lowercase(),
    ] {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    };
    Some(m)
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let bytes = &self.s.as_bytes()[self.pos..];
        let n = bytes.iter().take(max).take_while(|b| b.is_ascii_digit()).count();
        if n < min {
            return None;
        }
        let value = self.s[self.pos..self.pos + n].parse().ok()?;
        self.pos += n;
        Some(value)
    }

    fn skip_digits(&mut self) {
        while self.s.as_bytes().get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.s.as_bytes().get(self.pos) == Some(&b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }
}

// ---------------------------------------------------------------------------------------
// feed-rs model → ours
// ---------------------------------------------------------------------------------------

fn convert(feed: Feed, text: &str, feed_url: &Url, fetched_at: DateTime<Utc>) -> ParsedFeed {
    let is_atom = feed.feed_type == FeedType::Atom;
    let podcast_ns = text.contains("podcastindex.org/namespace") || text.contains("Podcastindex-org/podcast-namespace");
    let itunes_ns = text.contains("itunes.com/dtds/podcast") || text.contains("itunes.com/DTDs/Podcast");
    let extras = if Extras::wanted(text, podcast_ns, itunes_ns) {
        item_extras(text, feed_url)
    } else {
        Extras::default()
    };

    let mut seen = HashSet::with_capacity(feed.entries.len());
    let mut articles = Vec::with_capacity(feed.entries.len());
    let mut has_media = false;
    for (index, entry) in feed.entries.into_iter().enumerate() {
        let extra = extras.for_entry(index, &entry.id);
        let article = convert_entry(entry, extra, is_atom, feed_url, fetched_at);
        has_media |= article.episode.as_ref().is_some_and(|e| e.enclosure_url.is_some());
        if seen.insert(article.guid.clone()) {
            articles.push(article);
        }
    }

    let site_url = pick_link(&feed.links).and_then(|link| canonical_url(&link.href, Some(feed_url)));
    ParsedFeed {
        title: feed
            .title
            .as_ref()
            .map(|t| text_of(t, is_atom))
            .filter(|t| !t.is_empty()),
        site_url,
        ttl_minutes: feed.ttl,
        looks_like_podcast: has_media
            || podcast_ns
            || (itunes_ns && !articles.is_empty() && articles.iter().any(|a| a.episode.is_some())),
        articles,
    }
}

fn convert_entry(
    entry: Entry,
    extra: Option<&ItemExtras>,
    is_atom: bool,
    feed_url: &Url,
    fetched_at: DateTime<Utc>,
) -> Article {
    let base = entry.base.as_deref().and_then(|b| feed_url.join(b).ok());
    let base = base.as_ref().unwrap_or(feed_url);

    let id = entry.id.trim();
    let url = pick_link(&entry.links)
        .and_then(|link| canonical_url(&link.href, Some(base)))
        .or_else(|| {
            // An RSS guid is a permalink unless it says otherwise; an http id is the
            // best link left when there is no link at all.
            (id.starts_with("http://") || id.starts_with("https://"))
                .then(|| canonical_url(id, None))
                .flatten()
        });

    let content = entry
        .content
        .as_ref()
        .and_then(content_text)
        .filter(|t| !t.is_empty())
        .or_else(|| extra.and_then(|e| e.body.clone()));
    let summary = entry
        .summary
        .as_ref()
        .map(|t| text_of(t, is_atom))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            entry
                .media
                .iter()
                .find_map(|m| m.description.as_ref())
                .map(|t| text_of(t, is_atom))
                .filter(|t| !t.is_empty())
        });
    let text = content.clone().or_else(|| summary.clone()).unwrap_or_default();
    let excerpt_only = match &content {
        Some(c) => looks_truncated(c, true),
        None => {
            text.split_whitespace().count() < EXCERPT_MAX_WORDS
                || looks_truncated(&text, false)
                // WordPress's footer on excerpt-only feeds.
                || text.contains("appeared first on")
        }
    };

    let mut title = entry.title.as_ref().map(|t| text_of(t, is_atom)).unwrap_or_default();
    if title.is_empty() {
        title = entry
            .media
            .iter()
            .find_map(|m| m.title.as_ref())
            .map(|t| text_of(t, is_atom))
            .unwrap_or_default();
    }
    if title.is_empty() {
        title = first_words(&text, TITLE_FALLBACK_WORDS);
    }

    let mut authors: Vec<String> = Vec::new();
    for person in &entry.authors {
        let name = person.name.as_deref().map(plain_to_text).filter(|n| !n.is_empty());
        if let Some(name) = name
            && !authors.contains(&name)
        {
            authors.push(name);
        }
    }
    if authors.is_empty() {
        // iTunes/Media RSS credits (`itunes:author`) name the people behind an episode.
        for credit in entry.media.iter().flat_map(|m| &m.credits) {
            let name = plain_to_text(&credit.entity);
            if !name.is_empty() && !authors.contains(&name) {
                authors.push(name);
            }
        }
    }
    if authors.is_empty() {
        authors.extend(extra.and_then(|e| e.author.clone()));
    }
    let author = (!authors.is_empty()).then(|| authors.join(", "));

    let date = entry.published.or(entry.updated).or_else(|| extra.and_then(|e| e.date));
    let (published_at, date_missing) = match date {
        Some(date) => (date.min(fetched_at), false),
        None => (fetched_at, true),
    };

    let guid = if !id.is_empty() {
        id.to_string()
    } else if let Some(url) = &url {
        url.clone()
    } else {
        // Nothing identifies the item: hash what a publisher is least likely to edit
        // between polls, so the guid stays stable.
        let mut hasher = Sha256::new();
        hasher.update(title.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        let digest = hasher.finalize();
        format!("urn:newsdesk:sha256:{}", hex::encode(&digest[..16]))
    };

    let episode = episode_of(&entry, extra, base);

    Article {
        guid,
        url,
        title,
        author,
        published_at,
        date_missing,
        fetched_at,
        summary,
        text,
        excerpt_only,
        episode,
    }
}

/// The link a reader would open: `alternate` (or no rel) first, HTML before other
/// types; never `self`, `edit`, `replies`, `enclosure` or comment links.
fn pick_link(links: &[Link]) -> Option<&Link> {
    let eligible = |l: &&Link| {
        matches!(l.rel.as_deref().map(str::trim), None | Some("" | "alternate"))
            && !matches!(l.target, Some(LinkTarget::Comments | LinkTarget::CommentsFeed))
            && !l.href.trim().is_empty()
    };
    let html = |l: &&Link| l.media_type.as_deref().is_none_or(|t| t.contains("html"));
    links
        .iter()
        .filter(eligible)
        .find(html)
        .or_else(|| links.iter().find(eligible))
}

/// Plain text of a feed-rs text construct. Atom `type="text"` is literal text; elsewhere
/// "plain" fields (RSS titles) often carry markup anyway, which `plain_to_text` detects.
fn text_of(text: &Text, is_atom: bool) -> String {
    let ct = &text.content_type;
    match (ct.ty().as_str(), ct.subty().as_str()) {
        ("text", "plain") if is_atom => plain_text(&text.content),
        ("text", "plain") => plain_to_text(&text.content),
        _ => html_to_text(&text.content),
    }
}

fn content_text(content: &Content) -> Option<String> {
    let body = content.body.as_deref()?;
    let ct = &content.content_type;
    Some(match (ct.ty().as_str(), ct.subty().as_str()) {
        ("text", "plain") => plain_to_text(body),
        // Base64 or other binary payloads are not text we can use.
        ("text", _) | ("application", "xhtml" | "xhtml+xml" | "xml") => html_to_text(body),
        _ => return None,
    })
}

/// Endings publishers put on excerpts: an ellipsis, or a short last line sending the
/// reader to the site ("Read more »", "Continue reading →", "To read this article in
/// full, please click here"). `full_content` text only counts the unambiguous ones:
/// complete articles end in "click here to subscribe" too.
fn looks_truncated(text: &str, full_content: bool) -> bool {
    let text = text.trim_end();
    let bare = text.trim_end_matches([')', ']', '»', '→', '›', '>', '"', ' ']);
    if bare.ends_with('…') || bare.ends_with("...") {
        return true;
    }
    let last_line = text.rsplit('\n').next().unwrap_or(text);
    if last_line.split_whitespace().count() > 15 {
        return false;
    }
    let last_line = last_line.to_lowercase();
    let unambiguous = ["read more", "continue reading", "read the rest", "keep reading"];
    let likely = [
        "read full",
        "read the full",
        "in full",
        "full article",
        "full story",
        "click here",
    ];
    unambiguous.iter().any(|m| last_line.contains(m)) || (!full_content && likely.iter().any(|m| last_line.contains(m)))
}

fn first_words(text: &str, n: usize) -> String {
    let mut words = text.split_whitespace();
    let mut out = words.by_ref().take(n).collect::<Vec<_>>().join(" ");
    if words.next().is_some() {
        out.push('…');
    }
    out
}

// ---------------------------------------------------------------------------------------
// Podcasts
// ---------------------------------------------------------------------------------------

fn episode_of(entry: &Entry, extra: Option<&ItemExtras>, base: &Url) -> Option<EpisodeMedia> {
    let mut enclosure_url = None;
    let mut duration = None;
    for media in &entry.media {
        duration = duration.or(media.duration);
        for content in &media.content {
            let is_av = content
                .content_type
                .as_ref()
                .is_some_and(|ct| matches!(ct.ty().as_str(), "audio" | "video"))
                || content.url.as_ref().is_some_and(|u| {
                    let path = u.path().to_ascii_lowercase();
                    [".mp3", ".m4a", ".mp4", ".ogg", ".opus", ".aac", ".wav", ".m4v", ".mov"]
                        .iter()
                        .any(|ext| path.ends_with(ext))
                });
            if is_av && enclosure_url.is_none() {
                enclosure_url = content.url.as_ref().map(Url::to_string);
                duration = duration.or(content.duration);
            }
        }
    }
    // JSON Feed attachments arrive as links with rel "enclosure".
    if enclosure_url.is_none() {
        enclosure_url = entry
            .links
            .iter()
            .filter(|l| l.rel.as_deref() == Some("enclosure"))
            .find(|l| {
                l.media_type
                    .as_deref()
                    .is_some_and(|t| t.starts_with("audio/") || t.starts_with("video/"))
            })
            .and_then(|l| base.join(l.href.trim()).ok())
            .map(String::from);
    }

    let mut transcripts: Vec<TranscriptRef> = match extra {
        Some(extra) if !extra.transcripts.is_empty() => extra.transcripts.clone(),
        _ => entry
            .media
            .iter()
            .flat_map(|m| &m.transcripts)
            .map(|t| TranscriptRef {
                url: t.url.to_string(),
                mime: t.content_type.to_string(),
                language: None,
            })
            .collect(),
    };
    transcripts.dedup_by(|a, b| a.url == b.url);
    let chapters_url = extra.and_then(|e| e.chapters_url.clone());

    if enclosure_url.is_none() && transcripts.is_empty() && chapters_url.is_none() {
        return None;
    }
    Some(EpisodeMedia {
        enclosure_url,
        duration_secs: duration
            .map(|d| d.as_secs())
            .or_else(|| extra.and_then(|e| e.duration_secs)),
        transcripts,
        chapters_url,
    })
}

/// Item data feed-rs leaves out, read in one extra pass when the document has any:
/// `<podcast:chapters>` (not parsed at all), the `language` of `<podcast:transcript>`
/// and transcripts under the namespace's old GitHub URI, `<itunes:duration>` (dropped
/// when the item has no other iTunes data), XHTML `<body>` / `<xhtml:body>` /
/// `<fullitem>` content, and Dublin Core Terms dates.
#[derive(Default)]
struct Extras {
    items: Vec<ItemExtras>,
    by_guid: HashMap<String, usize>,
}

#[derive(Default)]
struct ItemExtras {
    guid: Option<String>,
    duration_secs: Option<u64>,
    transcripts: Vec<TranscriptRef>,
    chapters_url: Option<String>,
    /// Plain text of an XHTML body or `<fullitem>`.
    body: Option<String>,
    /// `itunes:author` and the like, which feed-rs drops with an otherwise empty
    /// iTunes media object.
    author: Option<String>,
    date: Option<DateTime<Utc>>,
}

impl Extras {
    /// Whether `text` has anything the pass would find; a few substring searches, so
    /// ordinary feeds skip the pass entirely.
    fn wanted(text: &str, podcast_ns: bool, itunes_ns: bool) -> bool {
        podcast_ns
            || itunes_ns
            || [":chapters", "<body", ":body", "<fullitem", "purl.org/dc/terms"]
                .iter()
                .any(|marker| text.contains(marker))
    }

    /// Items are matched by guid, falling back to document order.
    fn for_entry(&self, index: usize, id: &str) -> Option<&ItemExtras> {
        let id = id.trim();
        if !id.is_empty()
            && let Some(&i) = self.by_guid.get(id)
        {
            return self.items.get(i);
        }
        self.items
            .get(index)
            .filter(|item| item.guid.as_deref().is_none_or(|g| id.is_empty() || g == id))
    }
}

#[derive(Clone, Copy)]
enum Capture {
    Guid,
    Duration,
    Date,
    Author,
}

#[derive(Clone, Copy, PartialEq)]
enum RawKind {
    /// Inline XHTML markup.
    Body,
    /// Escaped HTML text.
    Fullitem,
}

/// One quick-xml pass over the items. Errors end the pass quietly: whatever was read
/// before them is still useful, and feed-rs has already accepted the document.
fn item_extras(text: &str, feed_url: &Url) -> Extras {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut extras = Extras::default();
    let mut current: Option<ItemExtras> = None;
    let mut capture: Option<Capture> = None;
    let mut captured = String::new();
    let mut depth = 0usize;
    // An element whose raw inner markup we keep: kind, start offset, its depth.
    let mut raw: Option<(RawKind, usize, usize)> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(event, Event::Start(_));
                if is_start {
                    depth += 1;
                }
                if raw.is_some() {
                    continue;
                }
                let qname = e.name();
                let prefixed = qname.prefix().is_some();
                let local = qname.local_name();
                let Some(item) = current.as_mut() else {
                    if is_start && !prefixed && matches!(local.as_ref(), "item" | "entry") {
                        current = Some(ItemExtras::default());
                    }
                    continue;
                };
                captured.clear();
                match (prefixed, local.as_ref()) {
                    (false, "guid" | "id") if is_start => capture = Some(Capture::Guid),
                    (true, "duration") if is_start => capture = Some(Capture::Duration),
                    (true, "author") if is_start => capture = Some(Capture::Author),
                    (true, "issued" | "created" | "modified") if is_start => {
                        capture = Some(Capture::Date);
                    }
                    (_, "body") if is_start && item.body.is_none() => {
                        let start = usize::try_from(reader.buffer_position()).unwrap_or(0);
                        raw = Some((RawKind::Body, start, depth));
                    }
                    (false, "fullitem") if is_start && item.body.is_none() => {
                        let start = usize::try_from(reader.buffer_position()).unwrap_or(0);
                        raw = Some((RawKind::Fullitem, start, depth));
                    }
                    (true, "transcript") => {
                        if let Some(t) = transcript_ref(e, feed_url) {
                            item.transcripts.push(t);
                        }
                    }
                    (true, "chapters") if item.chapters_url.is_none() => {
                        item.chapters_url = attr(e, "url").and_then(|u| resolve(&u, feed_url));
                    }
                    _ => {}
                }
            }
            Event::Text(ref t) if capture.is_some() => captured.push_str(&t.xml10_content()),
            Event::CData(ref t) if capture.is_some() => captured.push_str(&t.xml10_content()),
            Event::GeneralRef(ref r) if capture.is_some() => match r.resolve_char_ref() {
                Ok(Some(ch)) => captured.push(ch),
                _ => {
                    let name = r.xml10_content();
                    let resolved = quick_xml::escape::resolve_predefined_entity(&name);
                    captured.push_str(resolved.unwrap_or_default());
                }
            },
            Event::End(ref e) => {
                let closing_depth = depth;
                depth = depth.saturating_sub(1);
                if let Some((kind, start, at)) = raw {
                    if closing_depth == at {
                        raw = None;
                        if let (Some(item), Some(inner)) = (current.as_mut(), text.get(start..before)) {
                            item.body = Some(raw_text(kind, inner)).filter(|t| !t.is_empty());
                        }
                    }
                    continue;
                }
                if let (Some(field), Some(item)) = (capture.take(), current.as_mut()) {
                    let value = captured.trim();
                    match field {
                        Capture::Guid => item.guid = Some(value.to_string()),
                        Capture::Duration => item.duration_secs = parse_duration(value),
                        Capture::Date => item.date = item.date.or_else(|| parse_date(value)),
                        Capture::Author if item.author.is_none() && !value.is_empty() => {
                            item.author = Some(plain_to_text(value));
                        }
                        Capture::Author => {}
                    }
                    continue;
                }
                let qname = e.name();
                if qname.prefix().is_none()
                    && matches!(qname.local_name().as_ref(), "item" | "entry")
                    && let Some(item) = current.take()
                {
                    if let Some(g) = item.guid.as_ref().filter(|g| !g.is_empty()) {
                        extras.by_guid.entry(g.clone()).or_insert(extras.items.len());
                    }
                    extras.items.push(item);
                }
            }
            _ => {}
        }
    }
    extras
}

/// Plain text of an element's raw inner markup.
fn raw_text(kind: RawKind, inner: &str) -> String {
    let inner = inner.trim();
    if let Some(cdata) = inner.strip_prefix("<![CDATA[").and_then(|s| s.strip_suffix("]]>")) {
        return html_to_text(cdata);
    }
    match kind {
        RawKind::Body => html_to_text(inner),
        RawKind::Fullitem => match quick_xml::escape::unescape(inner) {
            Ok(html) => html_to_text(&html),
            Err(_) => html_to_text(inner),
        },
    }
}

/// `itunes:duration`: seconds, `MM:SS` or `HH:MM:SS`, with optional fractions.
fn parse_duration(raw: &str) -> Option<u64> {
    let mut total = 0.0f64;
    let mut parts = 0;
    for part in raw.trim().split(':') {
        let value: f64 = part.trim().parse().ok()?;
        if !value.is_finite() || value < 0.0 {
            return None;
        }
        total = total * 60.0 + value;
        parts += 1;
    }
    (parts <= 3).then_some(total as u64)
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.trim().to_string())
        })
}

fn resolve(raw: &str, base: &Url) -> Option<String> {
    let url = base.join(raw.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.into())
}

fn transcript_ref(e: &BytesStart<'_>, feed_url: &Url) -> Option<TranscriptRef> {
    let url = resolve(&attr(e, "url")?, feed_url)?;
    Some(TranscriptRef {
        url,
        mime: attr(e, "type").unwrap_or_default(),
        language: attr(e, "language").filter(|l| !l.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://example.com/feed.xml").unwrap_or_else(|_| unreachable!())
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn rewrites_compile_and_apply() {
        let atom03 = upgrade_atom03(
            "<feed xmlns=\"http://purl.org/atom/ns#\"><tagline type=\"text/plain\">t</tagline>\
             <entry><issued>2004</issued><content type='application/xhtml+xml'/></entry></feed>",
        );
        assert_eq!(
            atom03,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><subtitle type=\"text\">t</subtitle>\
             <entry><published>2004</published><content type=\"xhtml\"/></entry></feed>"
        );
        assert_eq!(
            normalise_atom_types("<title type=\"\">x</title><content type=\"image/png\">"),
            "<title type=\"text\">x</title><content type=\"image/png\">"
        );
        assert_eq!(
            drop_podcast_people(
                "<a/><podcast:person role=\"Weird\">N</podcast:person><podcast:person href=\"x\"/><b/>"
            ),
            "<a/><b/>"
        );
        let upgraded = upgrade_dialect(
            "<rss xmlns:itunes=\"http://www.itunes.com/DTDs/Podcast-1.0.dtd\"><channel/></rss>",
            0..67,
            "rss",
        );
        assert_eq!(
            upgraded.as_deref(),
            Some("<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><channel/></rss>")
        );
    }

    #[test]
    fn json_feeds_are_coerced_and_json_that_is_not_a_feed_is_refused() {
        let now = at(2024, 1, 1, 0, 0, 0);
        let body = r#"{"version": "http://jsonfeed.org/version/1", "title": "J",
            "home_page_url": "https://j.example/",
            "items": [{"id": 42, "url": "https://j.example/42", "title": "Numbered",
                       "tags": "a,b", "author": "Ann", "content_text": "Hello"}]}"#;
        let feed = parse_feed(body.as_bytes(), None, &url(), now).unwrap();
        assert_eq!(feed.title.as_deref(), Some("J"));
        assert_eq!(feed.site_url.as_deref(), Some("https://j.example/"));
        assert_eq!(feed.articles[0].guid, "42");
        assert_eq!(feed.articles[0].author.as_deref(), Some("Ann"));
        let truncated = r#"{"title": "J", "feed_url": "https://j.example/feed.json", "items": [{"id": "1"#;
        assert!(matches!(
            parse_feed(truncated.as_bytes(), None, &url(), now),
            Err(ParseError::Malformed(_))
        ));
    }

    #[test]
    fn rss_quirks_are_tolerated() {
        let now = at(2024, 1, 1, 0, 0, 0);
        // No version, no channel, root end tag cut short.
        let body = "<rss><item><title>Loose</title><link>https://e.com/1</link></item></rss";
        let feed = parse_feed(body.as_bytes(), None, &url(), now).unwrap();
        assert_eq!(feed.articles[0].title, "Loose");
        // RSS 0.94 and an XHTML doctype before the root.
        let body = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"x\"><rss version=\"0.94\">\
                    <channel><title>Old</title></channel></rss>";
        let feed = parse_feed(body.as_bytes(), None, &url(), now).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Old"));
        // UTF-32 with BOM.
        let mut body = vec![0, 0, 0xfe, 0xff];
        for c in "<rss version=\"2.0\"><channel><title>Wide</title></channel></rss>".chars() {
            body.extend_from_slice(&(c as u32).to_be_bytes());
        }
        let feed = parse_feed(&body, None, &url(), now).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Wide"));
    }

    #[test]
    fn truncation_markers() {
        assert!(looks_truncated("Some words and then…", true));
        assert!(looks_truncated("Some words [...]", true));
        assert!(looks_truncated("Body.\n\nContinue reading →", true));
        assert!(looks_truncated(
            "Body.\n\nTo read this article in full, please click here",
            false
        ));
        assert!(!looks_truncated("Body.\n\nTo subscribe, click here.", true));
        assert!(!looks_truncated("A complete sentence.", false));
    }

    #[test]
    fn dates_in_the_wild() {
        let cases = [
            ("2003-12-31T10:14:55Z", at(2003, 12, 31, 10, 14, 55)),
            ("2003-12-31T10:14:55-05:00", at(2003, 12, 31, 15, 14, 55)),
            (
                "2003-12-31T10:14:55.123+0100",
                at(2003, 12, 31, 9, 14, 55) + chrono::Duration::milliseconds(123),
            ),
            ("2003-12-31", at(2003, 12, 31, 0, 0, 0)),
            ("2003-12", at(2003, 12, 1, 0, 0, 0)),
            ("2003-12-31T10:14Z", at(2003, 12, 31, 10, 14, 0)),
            ("2003-12-31 10:14:55", at(2003, 12, 31, 10, 14, 55)),
            ("20031231T101455Z", at(2003, 12, 31, 10, 14, 55)),
            ("Thu, 01 Jan 2004 19:48:21 GMT", at(2004, 1, 1, 19, 48, 21)),
            ("Sat, 25 Aug 2012 19:48:21 GMT", at(2012, 8, 25, 19, 48, 21)),
            ("Wed, 25 Aug 2012 19:48:21 GMT", at(2012, 8, 25, 19, 48, 21)),
            ("Thursday, 01 January 2004 19:48 EST", at(2004, 1, 2, 0, 48, 0)),
            ("1 Jan 04 9:48:21 +0000", at(2004, 1, 1, 9, 48, 21)),
            ("Jan 1, 2004 7:48 PM UTC", at(2004, 1, 1, 19, 48, 0)),
            ("01-Jan-2004 19:48:21 -0800", at(2004, 1, 2, 3, 48, 21)),
            ("Thu, 01 Jan 2004 19:48:21 UTC", at(2004, 1, 1, 19, 48, 21)),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_date(raw), Some(want), "{raw}");
        }
        assert_eq!(parse_date("not a date"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("2003-13-45"), None);
    }

    #[test]
    fn legacy_charset_in_declaration_is_transcoded() {
        let mut body = b"<?xml version='1.0' encoding='iso-8859-1'?><rss version='2.0'><channel><title>Caf".to_vec();
        body.push(0xe9);
        body.extend_from_slice(b"</title></channel></rss>");
        let feed = parse_feed(&body, None, &url(), at(2024, 1, 1, 0, 0, 0)).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Café"));
    }

    #[test]
    fn http_charset_wins_but_not_over_valid_utf8_declared_utf8() {
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Café</title></channel></rss>";
        let feed = parse_feed(
            body.as_bytes(),
            Some("text/xml; charset=ISO-8859-1"),
            &url(),
            at(2024, 1, 1, 0, 0, 0),
        )
        .unwrap();
        assert_eq!(feed.title.as_deref(), Some("Café"));
    }

    #[test]
    fn utf16_with_bom_and_junk_before_the_document() {
        let src = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>Ünïcode</title></channel></rss>";
        let mut body = vec![0xff, 0xfe];
        for unit in src.encode_utf16() {
            body.extend_from_slice(&unit.to_le_bytes());
        }
        let feed = parse_feed(&body, None, &url(), at(2024, 1, 1, 0, 0, 0)).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Ünïcode"));

        let junk = "\u{feff}\n\nWarning: something in /var/www<br/>\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title></channel></rss>";
        let feed = parse_feed(junk.as_bytes(), None, &url(), at(2024, 1, 1, 0, 0, 0)).unwrap();
        assert_eq!(feed.title.as_deref(), Some("T"));
    }

    #[test]
    fn html_entities_and_bare_ampersands_are_repaired() {
        let body = "<rss version=\"2.0\"><channel><title>A &mdash; B &amp; C & D</title>\
                    <item><title>caf&eacute;&nbsp;x</title><link>https://e.com/?a=1&b=2</link></item></channel></rss>";
        let feed = parse_feed(body.as_bytes(), None, &url(), at(2024, 1, 1, 0, 0, 0)).unwrap();
        assert_eq!(feed.title.as_deref(), Some("A — B & C & D"));
        assert_eq!(feed.articles[0].title, "café x");
        assert_eq!(feed.articles[0].url.as_deref(), Some("https://e.com/?a=1&b=2"));
    }

    #[test]
    fn classification() {
        let now = at(2024, 1, 1, 0, 0, 0);
        let not_a_feed = |body: &str| {
            matches!(
                parse_feed(body.as_bytes(), None, &url(), now),
                Err(ParseError::NotAFeed(_))
            )
        };
        assert!(not_a_feed(""));
        assert!(not_a_feed("   \n"));
        assert!(not_a_feed("<!DOCTYPE html><html><body>hi</body></html>"));
        assert!(not_a_feed("<html><head><title>x</title></head></html>"));
        assert!(not_a_feed("{\"hello\": \"world\"}"));
        assert!(not_a_feed("<opml version=\"2.0\"><body/></opml>"));
        assert!(not_a_feed("GIF89a\u{1}\u{2}"));
        let truncated = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title><item><title>a";
        match parse_feed(truncated.as_bytes(), None, &url(), now) {
            Err(ParseError::Malformed(reason)) => assert!(!reason.is_empty()),
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn podcast_chapters_and_transcripts() {
        let body = r#"<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Pod</title><ttl>60</ttl>
<item><title>Ep 1</title><guid>ep1</guid>
<enclosure url="https://cdn.example.com/ep1.mp3" type="audio/mpeg" length="1"/>
<itunes:duration>01:02:03</itunes:duration>
<podcast:transcript url="https://example.com/ep1.vtt" type="text/vtt" language="en"/>
<podcast:chapters url="/ep1/chapters.json" type="application/json+chapters"/>
</item>
<item><title>Ep 2</title><guid>ep2</guid><enclosure url="https://cdn.example.com/ep2.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>"#;
        let feed = parse_feed(body.as_bytes(), None, &url(), at(2024, 1, 1, 0, 0, 0)).unwrap();
        assert!(feed.looks_like_podcast);
        assert_eq!(feed.ttl_minutes, Some(60));
        let ep = feed.articles[0].episode.as_ref().unwrap();
        assert_eq!(ep.enclosure_url.as_deref(), Some("https://cdn.example.com/ep1.mp3"));
        assert_eq!(ep.duration_secs, Some(3723));
        assert_eq!(
            ep.transcripts,
            vec![TranscriptRef {
                url: "https://example.com/ep1.vtt".into(),
                mime: "text/vtt".into(),
                language: Some("en".into()),
            }]
        );
        assert_eq!(
            ep.chapters_url.as_deref(),
            Some("https://example.com/ep1/chapters.json")
        );
        let ep2 = feed.articles[1].episode.as_ref().unwrap();
        assert!(ep2.transcripts.is_empty());
        assert_eq!(ep2.chapters_url, None);
    }

    #[test]
    fn guid_fallbacks_and_dedupe() {
        let body = r#"<rss version="2.0"><channel>
<item><title>A</title><link>https://e.com/a?utm_source=rss#x</link></item>
<item><title>No link</title><description>Body</description></item>
<item><guid>g</guid><title>First</title></item>
<item><guid>g</guid><title>Second</title></item>
</channel></rss>"#;
        let now = at(2024, 1, 1, 0, 0, 0);
        let a = parse_feed(body.as_bytes(), None, &url(), now).unwrap();
        let b = parse_feed(body.as_bytes(), None, &url(), now).unwrap();
        assert_eq!(a.articles.len(), 3);
        assert_eq!(a.articles[0].guid, "https://e.com/a");
        assert!(a.articles[1].guid.starts_with("urn:newsdesk:"));
        assert_eq!(a.articles[1].guid, b.articles[1].guid);
        assert_eq!(a.articles[2].title, "First");
    }

    #[test]
    fn atom_links_prefer_alternate_and_excerpts_are_flagged() {
        let body = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">T &amp;lt;3</title>
<link rel="self" href="https://e.com/feed"/><link href="https://e.com/"/>
<entry><id>tag:e.com,1</id><title>E</title>
<link rel="replies" href="https://e.com/1#comments"/><link rel="alternate" type="text/html" href="/1"/>
<summary>Short teaser [&#8230;]</summary><updated>2003-12-31T10:14:55Z</updated></entry></feed>"#;
        let feed = parse_feed(body.as_bytes(), None, &url(), at(2024, 1, 1, 0, 0, 0)).unwrap();
        assert_eq!(feed.title.as_deref(), Some("T <3"));
        assert_eq!(feed.site_url.as_deref(), Some("https://e.com/"));
        let a = &feed.articles[0];
        assert_eq!(a.url.as_deref(), Some("https://example.com/1"));
        assert!(a.excerpt_only);
        assert_eq!(a.published_at, at(2003, 12, 31, 10, 14, 55));
        assert!(!a.date_missing);
    }
}
