//! OPML import and export of source lists.
//!
//! Import is lenient about what feed readers actually write: attribute names in any case
//! (`xmlUrl`, `xmlurl`), `title` or only `text`, folders nested to any depth, a
//! byte-order mark, HTML entities such as `&nbsp;`, unquoted attribute values and
//! mismatched closing tags. It is strict about one thing: a document without an `<opml>`
//! element (an HTML page, a feed, JSON) is rejected with [`OpmlError::Invalid`], so a
//! wrong file is reported rather than imported as nothing.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::domain::SourceKind;
use crate::text::collapse_whitespace;
use crate::text::html::decode_entities;

/// One feed found in an OPML file.
#[derive(Debug, Clone, PartialEq)]
pub struct OpmlEntry {
    pub url: String,
    pub title: Option<String>,
    pub kind: SourceKind,
}

#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("not a valid OPML document: {0}")]
    Invalid(String),
}

/// The attributes of one `<outline>` that matter to us.
#[derive(Default)]
struct Outline {
    xml_url: Option<String>,
    title: Option<String>,
    text: Option<String>,
    kind_type: Option<String>,
    category: Option<String>,
}

impl Outline {
    fn read(element: &BytesStart<'_>) -> Outline {
        let mut outline = Outline::default();
        // `html_attributes` accepts unquoted and valueless attributes; a malformed one is
        // skipped rather than failing the whole import.
        for attr in element.html_attributes().with_checks(false).flatten() {
            let key = attr.key.local_name().as_ref().to_ascii_lowercase();
            let slot = match key.as_str() {
                "xmlurl" => &mut outline.xml_url,
                "title" => &mut outline.title,
                "text" => &mut outline.text,
                "type" => &mut outline.kind_type,
                "category" => &mut outline.category,
                _ => continue,
            };
            let value = collapse_whitespace(&decode_entities(&attr.value));
            if !value.is_empty() && slot.is_none() {
                *slot = Some(value);
            }
        }
        outline
    }

    fn label(&self) -> Option<&str> {
        self.title.as_deref().or(self.text.as_deref())
    }

    /// `type="podcast"`, or a `category` mentioning podcasts (what [`render_opml`] writes).
    fn says_podcast(&self) -> bool {
        self.kind_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("podcast"))
            || self
                .category
                .as_deref()
                .is_some_and(|c| c.to_ascii_lowercase().contains("podcast"))
    }

    /// A folder named "Podcasts": podcast apps export their subscriptions that way.
    fn is_podcast_folder(&self) -> bool {
        self.xml_url.is_none()
            && self
                .label()
                .is_some_and(|l| l.eq_ignore_ascii_case("podcasts") || l.eq_ignore_ascii_case("podcast"))
    }
}

/// Reads every `<outline xmlUrl=…>` (nested folders included).
///
/// - The title is the outline's `title`, else its `text`; `None` when both are empty.
/// - The kind is [`SourceKind::Podcast`] when the outline has `type="podcast"`, a
///   `category` mentioning podcasts, or sits in a folder named "Podcasts"; otherwise
///   [`SourceKind::Feed`].
/// - A URL seen before (after trimming) is skipped; the first occurrence wins.
/// - URLs are returned as written (entities decoded); callers validate them.
pub fn parse_opml(text: &str) -> Result<Vec<OpmlEntry>, OpmlError> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.is_empty() {
        return Err(OpmlError::Invalid("the document is empty".into()));
    }
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.allow_dangling_amp = true;
    config.check_end_names = false;
    config.allow_unmatched_ends = true;

    let mut saw_opml = false;
    let mut entries = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    // One flag per open `<outline>`: whether it is a podcast folder.
    let mut folders: Vec<bool> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| OpmlError::Invalid(format!("XML error at byte {}: {e}", reader.error_position())))?;
        let (element, has_children) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(e) => {
                if e.local_name().as_ref().eq_ignore_ascii_case("outline") {
                    folders.pop();
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name();
        if name.as_ref().eq_ignore_ascii_case("opml") {
            saw_opml = true;
            continue;
        }
        if !name.as_ref().eq_ignore_ascii_case("outline") {
            continue;
        }
        let outline = Outline::read(element);
        if let Some(url) = outline.xml_url.as_deref() {
            let in_podcast_folder = folders.iter().any(|&podcasts| podcasts);
            let kind = if outline.says_podcast() || in_podcast_folder {
                SourceKind::Podcast
            } else {
                SourceKind::Feed
            };
            if seen.insert(url.to_owned()) {
                entries.push(OpmlEntry {
                    url: url.to_owned(),
                    title: outline.label().map(str::to_owned),
                    kind,
                });
            }
        }
        if has_children {
            folders.push(outline.is_podcast_folder());
        }
    }
    if !saw_opml {
        return Err(OpmlError::Invalid("no <opml> element".into()));
    }
    Ok(entries)
}

/// Writes an OPML 2.0 document listing the given entries.
///
/// Every entry is an `<outline type="rss">` with `text` and `title` (the URL when the entry
/// has no title) and `xmlUrl`; podcasts also carry `category="/podcast"` so that
/// [`parse_opml`] reads them back as podcasts. No `dateCreated`, so the output is
/// deterministic; see [`render_opml_with_date`].
pub fn render_opml(title: &str, entries: &[OpmlEntry]) -> String {
    render(title, entries, None)
}

/// [`render_opml`] with a `<dateCreated>` (RFC 822 date, as OPML 2.0 asks).
pub fn render_opml_with_date(title: &str, entries: &[OpmlEntry], created: DateTime<Utc>) -> String {
    render(title, entries, Some(created))
}

fn render(title: &str, entries: &[OpmlEntry], created: Option<DateTime<Utc>>) -> String {
    let mut out = String::with_capacity(200 + entries.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    out.push_str(&format!("    <title>{}</title>\n", escape(title)));
    if let Some(created) = created {
        out.push_str(&format!("    <dateCreated>{}</dateCreated>\n", created.to_rfc2822()));
    }
    out.push_str("  </head>\n  <body>\n");
    for entry in entries {
        let label = escape(entry.title.as_deref().unwrap_or(&entry.url));
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{label}\" title=\"{label}\" xmlUrl=\"{}\"",
            escape(&entry.url)
        ));
        if entry.kind == SourceKind::Podcast {
            out.push_str(" category=\"/podcast\"");
        }
        out.push_str("/>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

/// Escapes text for an XML attribute or element. Tabs and newlines become character
/// references so attribute normalisation cannot turn them into spaces; other control
/// characters are not allowed in XML 1.0 and are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, title: Option<&str>, kind: SourceKind) -> OpmlEntry {
        OpmlEntry {
            url: url.into(),
            title: title.map(Into::into),
            kind,
        }
    }

    #[test]
    fn round_trip() {
        let entries = vec![
            entry(
                "https://example.com/feed.xml?a=1&b=2",
                Some("Tom & Jerry's \"news\" <daily>"),
                SourceKind::Feed,
            ),
            entry("https://pod.example/rss", Some("Ünïcode pod"), SourceKind::Podcast),
            entry("https://untitled.example/atom", None, SourceKind::Feed),
        ];
        let xml = render_opml("My <sources> & more", &entries);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">"));
        assert!(xml.contains("<title>My &lt;sources&gt; &amp; more</title>"));
        assert!(!xml.contains("dateCreated"));
        let back = parse_opml(&xml).unwrap();
        // An untitled entry is written with its URL as text, and read back that way.
        let mut expected = entries.clone();
        expected[2].title = Some("https://untitled.example/atom".into());
        assert_eq!(back, expected);
    }

    #[test]
    fn render_with_date() {
        let created = DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        let xml = render_opml_with_date("t", &[], created);
        assert!(
            xml.contains("<dateCreated>Thu, 2 Jan 2025 03:04:05 +0000</dateCreated>"),
            "{xml}"
        );
        assert!(parse_opml(&xml).unwrap().is_empty());
    }

    #[test]
    fn nested_folders_case_entities_and_dupes() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n<OPML version=\"1.0\"><head><title>x</title></head><body>\
            <outline text=\"Tech\">\
              <outline text=\"Deep\"><outline TEXT=\"A&amp;B&nbsp;blog\" XMLURL=\"https://a.example/feed?x=1&amp;y=2\"/></outline>\
              <outline title=\"Titled\" text=\"Texted\" xmlurl=\" https://b.example/rss \" type=\"rss\"></outline>\
            </outline>\
            <outline text=\"Podcasts\"><outline text=\"Some Show\" xmlUrl=\"https://c.example/pod\"/></outline>\
            <outline text=\"Typed\" type=\"Podcast\" xmlUrl=\"https://d.example/pod\"/>\
            <outline text=\"Again\" xmlUrl=\"https://b.example/rss\"/>\
            <outline text=\"no url\"/>\
            <outline xmlUrl=\"https://e.example/feed\"/>\
            </body></OPML>";
        let entries = parse_opml(xml).unwrap();
        assert_eq!(
            entries,
            vec![
                entry("https://a.example/feed?x=1&y=2", Some("A&B blog"), SourceKind::Feed),
                entry("https://b.example/rss", Some("Titled"), SourceKind::Feed),
                entry("https://c.example/pod", Some("Some Show"), SourceKind::Podcast),
                entry("https://d.example/pod", Some("Typed"), SourceKind::Podcast),
                entry("https://e.example/feed", None, SourceKind::Feed),
            ]
        );
    }

    #[test]
    fn folder_scope_ends_with_the_folder() {
        let xml = "<opml><body><outline text=\"Podcasts\"><outline text=\"P\" xmlUrl=\"https://p.example/\"/></outline>\
            <outline text=\"F\" xmlUrl=\"https://f.example/\"/></body></opml>";
        let kinds: Vec<_> = parse_opml(xml).unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![SourceKind::Podcast, SourceKind::Feed]);
    }

    #[test]
    fn rejects_non_opml() {
        for bad in [
            "",
            "   ",
            "hello world",
            "{\"feeds\": []}",
            "<!doctype html><html><body><p>hi</p></body></html>",
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title></channel></rss>",
            "<opml><body><outline xmlUrl=\"https://a\" text=\"x></body></opml>",
        ] {
            match parse_opml(bad) {
                Err(OpmlError::Invalid(reason)) => assert!(!reason.is_empty()),
                Ok(entries) => panic!("{bad:?} parsed as {entries:?}"),
            }
        }
    }

    #[test]
    fn escape_drops_control_characters() {
        assert_eq!(escape("a\u{1}b\tc\nd'"), "ab&#9;c&#10;d&apos;");
    }
}
