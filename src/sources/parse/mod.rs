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
//!
//! Layout: this file holds the public API and the top-level flow (classifying the body,
//! running feed-rs, the retry tiers); `decode` turns bytes into UTF-8 text, `repair`
//! holds the lenient rewrites of broken documents, `dates` the lenient date parser and
//! `convert` the mapping from feed-rs's model to ours.

mod convert;
mod dates;
mod decode;
mod repair;

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, Utc};
use feed_rs::model::Feed;
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use url::Url;

use self::convert::convert;
pub(crate) use self::dates::parse_date;
use self::decode::decode_body;
use self::repair::{coerce_json_feed, repair_xml, upgrade_dialect, wrap_in_channel};
use crate::domain::ParsedFeed;

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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::convert::looks_truncated;
    use super::repair::{drop_podcast_people, normalise_atom_types, upgrade_atom03};
    use super::*;
    use crate::domain::TranscriptRef;

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
