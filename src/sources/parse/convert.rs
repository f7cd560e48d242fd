//! feed-rs model → ours: every entry becomes an [`Article`] (links, text, excerpt flag,
//! title and author fallbacks, clamped dates, stable guids, podcast episode media), plus
//! the extra quick-xml pass for item data feed-rs leaves out.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use feed_rs::model::{Content, Entry, Feed, FeedType, Link, LinkTarget, Text};
use quick_xml::events::{BytesStart, Event};
use sha2::{Digest, Sha256};
use url::Url;

use super::dates::parse_date;
use crate::domain::{Article, EpisodeMedia, ParsedFeed, TranscriptRef};
use crate::sources::normalize::canonical_url;
use crate::text::html::{html_to_text, plain_text, plain_to_text};

/// Descriptions shorter than this (in words), with no full content beside them, are
/// treated as excerpts.
const EXCERPT_MAX_WORDS: usize = 80;

/// Words taken from the text when an item has no title.
const TITLE_FALLBACK_WORDS: usize = 12;

pub(super) fn convert(feed: Feed, text: &str, feed_url: &Url, fetched_at: DateTime<Utc>) -> ParsedFeed {
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
pub(super) fn looks_truncated(text: &str, full_content: bool) -> bool {
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
