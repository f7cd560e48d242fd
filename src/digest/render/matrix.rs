//! The Matrix edition: a digest, an instant alert or a command reply as `m.notice` messages,
//! each an HTML body (`org.matrix.custom.html`) and its plain-text twin.
//!
//! Pure and free of matrix-sdk, like the Discord edition. Matrix refuses events over 64 KiB,
//! so a digest is cut into several messages on item boundaries, each part of an item capped
//! first. Feed text is cleaned and mention-proofed ([`super::text`]) and then HTML-escaped, so
//! it cannot add tags, fake links or ping a room; links are made only from http(s) URLs and
//! never to `matrix.to`, where a link is a user or room pill.

use chrono::{DateTime, Utc};

use super::text::{clean_line, neutralize_mentions, safe_url};
use super::{
    BAR_WIDTH, CHART_KEYWORDS, TAG_LINE_KEYWORDS, also_covered, article_flow, category_entries, funnel,
    keyword_entries, nothing_message, score_badge, stamp, threshold,
};
use crate::digest::chart::text_bars;
use crate::digest::layout::{Block, CAPS, blocks, label};
use crate::digest::render::discord::text_chunks;
use crate::digest::{Digest, DigestItem, TopicRef, age};

/// Budget for one message's HTML and plain bodies together, in bytes. Matrix caps a whole
/// event (JSON escaping, signatures and all) at 65,536 bytes; this leaves room for all that.
pub const MESSAGE_BYTES_MAX: usize = 24_000;

// Feed text is cut to the edition's per-part caps (`CAPS`), so one runaway item cannot fill
// a message.

/// Longer links are shown unlinked: a tracking-laden URL is not worth the bytes.
const URL_MAX: usize = 1_024;

/// One `m.notice`: `body` is the plain-text fallback, `html` the `formatted_body`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixMessage {
    pub body: String,
    pub html: String,
}

impl MatrixMessage {
    pub fn bytes(&self) -> usize {
        self.body.len() + self.html.len()
    }

    fn push(&mut self, block: &MatrixMessage) {
        self.body.push_str(&block.body);
        self.html.push_str(&block.html);
    }
}

/// The whole digest as one or more messages within [`MESSAGE_BYTES_MAX`]: the header
/// (highlights, must-reads, data overview, keyword and category bars), then the items by
/// category section, numbered 1..n as in every edition, then the footer. A section heading
/// stays with the first item under it.
pub fn digest_messages(digest: &Digest, now: DateTime<Utc>) -> Vec<MatrixMessage> {
    // Messages are cut only between these pieces: the head (everything before the first
    // section), each item (with the section heading before it), the footer.
    let mut pieces: Vec<MatrixMessage> = Vec::new();
    let mut current = MatrixMessage::default();
    let mut heading_only = false;
    for part in blocks(digest) {
        match part {
            Block::Header => current.push(&header_block(digest)),
            Block::Nothing => current.push(&block(
                &format!("<p><strong>{}</strong></p>\n", escape(&nothing_message(digest))),
                &format!("{}\n\n", nothing_message(digest)),
            )),
            Block::Highlights(text) => current.push(&highlights_block(text)),
            Block::MustRead(items) => current.push(&must_read_block(&items, now)),
            Block::Overview => current.push(&overview_block(digest)),
            Block::Charts => current.push(&charts_block(digest)),
            Block::Section(category) => {
                pieces.push(std::mem::take(&mut current));
                current = block(
                    &format!("<hr>\n<h3>{}</h3>\n", escape(category.label())),
                    &format!("── {} ──\n\n", category.label()),
                );
                heading_only = true;
            }
            Block::Item(n, item) => {
                if !heading_only {
                    pieces.push(std::mem::take(&mut current));
                }
                heading_only = false;
                current.push(&item_html(item, n, now));
            }
            Block::Footer => {
                pieces.push(std::mem::take(&mut current));
                let footer = format!("Generated at {} | {}", stamp(digest), funnel(digest));
                current = block(
                    &format!("<hr>\n<p><em>{}</em></p>", escape(&footer)),
                    &format!("{footer}\n"),
                );
            }
        }
    }
    pieces.push(current);
    pieces.retain(|piece| piece.bytes() > 0);
    pack(pieces)
}

/// One instant alert: the topic, the linked title, source, age, score, category, TL;DR, why
/// it matters and tags.
pub fn alert_message(item: &DigestItem, topic: Option<&TopicRef>, now: DateTime<Utc>) -> MatrixMessage {
    let topic_name = topic
        .map(|t| feed_text(&t.name, CAPS.source))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "Alert".to_string());
    let mut out = block(
        &format!("<p>⚡ <strong>{}</strong></p>\n", escape(&topic_name)),
        &format!("⚡ {topic_name}\n"),
    );
    let (title_html, title_plain) = linked_title(item);
    out.push(&block(&format!("<h4>{title_html}</h4>\n"), &format!("{title_plain}\n")));
    let meta = format!("{} · {}", meta_line(item, now), item.category.label());
    out.push(&block(&format!("<p>{}</p>\n", escape(&meta)), &format!("{meta}\n")));
    let tldr = feed_text(&item.tldr, CAPS.tldr);
    if !tldr.is_empty() {
        out.push(&block(
            &format!("<p><strong>{}</strong> {}</p>\n", label::TLDR, escape(&tldr)),
            &format!("{} {tldr}\n", label::TLDR),
        ));
    }
    out.push(&why_block(item));
    out.push(&tags_block(item));
    trim_end(out)
}

/// A command reply: the handler's Markdown (feed text in it already escaped) as HTML, cut
/// between lines into messages within the budget. Raw HTML in the text is shown as text.
pub fn reply_messages(markdown: &str) -> Vec<MatrixMessage> {
    // HTML is at most a few times the Markdown; a third of the budget per chunk is safe.
    text_chunks(markdown, MESSAGE_BYTES_MAX / 8)
        .into_iter()
        .map(|chunk| MatrixMessage {
            html: markdown_to_html(&chunk),
            body: chunk,
        })
        .collect()
}

/// CommonMark (with tables and strikethrough) to HTML. Raw HTML becomes escaped text and
/// links and images survive only as http(s) links, never `matrix.to` pills or inline images.
pub fn markdown_to_html(markdown: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut link_depth: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => match html_url(&dest_url) {
            Some(url) => {
                link_depth.push(true);
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(url),
                    title,
                    id,
                }))
            }
            None => {
                link_depth.push(false);
                None
            }
        },
        Event::End(TagEnd::Link) => match link_depth.pop() {
            Some(true) => Some(Event::End(TagEnd::Link)),
            _ => None,
        },
        // An image would make every client fetch a URL of the feed's choosing; the alt text
        // stays as text.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html.trim_end().to_string()
}

/// Packs blocks into messages within the budget, in order.
fn pack(blocks: Vec<MatrixMessage>) -> Vec<MatrixMessage> {
    let mut messages: Vec<MatrixMessage> = Vec::new();
    let mut current = MatrixMessage::default();
    for block in blocks {
        if current.bytes() > 0 && current.bytes() + block.bytes() > MESSAGE_BYTES_MAX {
            messages.push(trim_end(std::mem::take(&mut current)));
        }
        current.push(&block);
    }
    if current.bytes() > 0 {
        messages.push(trim_end(current));
    }
    messages
}

fn trim_end(message: MatrixMessage) -> MatrixMessage {
    MatrixMessage {
        body: message.body.trim_end().to_string(),
        html: message.html.trim_end().to_string(),
    }
}

fn block(html: &str, body: &str) -> MatrixMessage {
    MatrixMessage {
        body: body.to_string(),
        html: html.to_string(),
    }
}

fn header_block(digest: &Digest) -> MatrixMessage {
    let mut title = feed_text(&digest.title, CAPS.title);
    if !title.starts_with('📰') {
        title = format!("📰 {title}");
    }
    let mut meta = format!("Generated {} · last {} h", stamp(digest), digest.stats.window_hours);
    if let Some(topic) = &digest.topic {
        meta.push_str(&format!(" · topic: {}", feed_text(&topic.name, CAPS.source)));
    }
    block(
        &format!("<h2>{}</h2>\n<p><em>{}</em></p>\n", escape(&title), escape(&meta)),
        &format!("{title}\n{meta}\n\n"),
    )
}

fn highlights_block(text: &str) -> MatrixMessage {
    let highlights = feed_text(text, CAPS.highlights);
    if highlights.is_empty() {
        return MatrixMessage::default();
    }
    block(
        &format!("<h3>{}</h3>\n<p>{}</p>\n", label::HIGHLIGHTS, escape(&highlights)),
        &format!("{}\n{highlights}\n\n", label::HIGHLIGHTS),
    )
}

fn must_read_block(items: &[(&DigestItem, Option<usize>)], now: DateTime<Utc>) -> MatrixMessage {
    let mut html = format!("<h3>{}</h3>\n<ol>\n", label::MUST_READ);
    let mut body = format!("{}\n", label::MUST_READ);
    for (i, &(item, number)) in items.iter().enumerate() {
        let (title_html, title_plain) = linked_title(item);
        let mut meta = format!("{} · {}", meta_line(item, now), item.category.label());
        if let Some(n) = number {
            meta.push_str(&format!(" · → item {n}"));
        }
        let tldr = feed_text(&item.tldr, CAPS.tldr);
        html.push_str(&format!(
            "<li><strong>{title_html}</strong><br>{}<br><strong>{}</strong> {}",
            escape(&meta),
            label::TLDR,
            escape(&tldr)
        ));
        body.push_str(&format!(
            "{}. {title_plain}\n   {meta}\n   {} {tldr}\n",
            i + 1,
            label::TLDR
        ));
        if let Some(why) = why_text(item) {
            html.push_str(&format!(
                "<br>{} <strong>{}</strong> {}",
                label::WHY_ICON,
                label::WHY,
                escape(&why)
            ));
            body.push_str(&format!("   {} {} {why}\n", label::WHY_ICON, label::WHY));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ol>\n");
    body.push('\n');
    block(&html, &body)
}

fn overview_block(digest: &Digest) -> MatrixMessage {
    let s = &digest.stats;
    let sources = format!("{}/{}", s.sources_ok, s.sources_total);
    let window = format!("{} h", s.window_hours);
    let mut html = format!(
        "<h3>{}</h3>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n\
         <tbody><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tbody>\n</table>\n",
        label::OVERVIEW,
        label::SOURCES_SCANNED,
        label::ARTICLES,
        label::WINDOW,
        label::MIN_SCORE,
        escape(&sources),
        escape(&article_flow(digest)),
        escape(&window),
        escape(&threshold(digest))
    );
    let mut body = format!(
        "{}\n{} {sources} · {} · window {window} · min score {}\n",
        label::OVERVIEW,
        label::SOURCES_SCANNED,
        article_flow(digest),
        threshold(digest)
    );
    if let Some(line) = super::llm_line(digest) {
        html.push_str(&format!("<p>{} {}</p>\n", label::LLM, escape(&line)));
        body.push_str(&format!("{} {line}\n", label::LLM));
    }
    body.push('\n');
    block(&html, &body)
}

fn charts_block(digest: &Digest) -> MatrixMessage {
    let mut out = MatrixMessage::default();
    if !digest.keywords.is_empty() {
        let bars = text_bars(&keyword_entries(digest, CHART_KEYWORDS), BAR_WIDTH);
        let tags: Vec<String> = digest
            .keywords
            .iter()
            .take(TAG_LINE_KEYWORDS)
            .map(|(word, n)| format!("{}({n})", feed_text(word, CAPS.tag)))
            .collect();
        let tags = tags.join(" · ");
        out.push(&block(
            &format!(
                "<h3>{}</h3>\n<pre><code>{}</code></pre>\n<p><strong>{}</strong> {}</p>\n",
                label::KEYWORDS,
                escape(&bars),
                label::TOPIC_TAGS,
                escape(&tags)
            ),
            &format!("{}\n{bars}\n{} {tags}\n\n", label::KEYWORDS, label::TOPIC_TAGS),
        ));
    }
    if !digest.categories.is_empty() {
        let bars = text_bars(&category_entries(digest), BAR_WIDTH);
        out.push(&block(
            &format!(
                "<h3>{}</h3>\n<pre><code>{}</code></pre>\n",
                label::CATEGORIES,
                escape(&bars)
            ),
            &format!("{}\n{bars}\n\n", label::CATEGORIES),
        ));
    }
    out
}

fn item_html(item: &DigestItem, n: usize, now: DateTime<Utc>) -> MatrixMessage {
    let (title_html, title_plain) = linked_title(item);
    let meta = meta_line(item, now);
    let mut out = block(
        &format!("<h4>{n}. {title_html}</h4>\n<p>{}</p>\n", escape(&meta)),
        &format!("{n}. {title_plain}\n{meta}\n"),
    );
    let tldr = feed_text(&item.tldr, CAPS.tldr);
    if !tldr.is_empty() {
        out.push(&block(
            &format!("<p><strong>{}</strong> {}</p>\n", label::TLDR, escape(&tldr)),
            &format!("{} {tldr}\n", label::TLDR),
        ));
    }
    let summary = feed_text(&item.summary, CAPS.summary);
    if !summary.is_empty() {
        out.push(&block(
            &format!("<p>{}</p>\n", escape(&summary)),
            &format!("{summary}\n"),
        ));
    }
    let bullets: Vec<String> = item
        .bullets
        .iter()
        .map(|b| feed_text(b, CAPS.bullet))
        .filter(|b| !b.is_empty())
        .take(CAPS.bullets)
        .collect();
    if !bullets.is_empty() {
        let items: String = bullets.iter().map(|b| format!("<li>{}</li>", escape(b))).collect();
        let lines: String = bullets.iter().map(|b| format!("• {b}\n")).collect();
        out.push(&block(
            &format!("<p><strong>{}</strong></p>\n<ul>{items}</ul>\n", label::DEEP_DIVE),
            &format!("{}\n{lines}", label::DEEP_DIVE),
        ));
    }
    out.push(&why_block(item));
    let decoder: Vec<(String, String)> = item
        .decoder
        .iter()
        .take(CAPS.decoder_entries)
        .map(|e| {
            (
                feed_text(&e.term, CAPS.tag),
                feed_text(&e.definition, CAPS.decoder_entry),
            )
        })
        .filter(|(term, definition)| !term.is_empty() && !definition.is_empty())
        .collect();
    if !decoder.is_empty() {
        let html: Vec<String> = decoder
            .iter()
            .map(|(term, definition)| {
                format!(
                    "{} <strong>{}</strong> — {}",
                    label::DECODER_ICON,
                    escape(term),
                    escape(definition)
                )
            })
            .collect();
        let plain: String = decoder
            .iter()
            .map(|(term, definition)| format!("{} {term} — {definition}\n", label::DECODER_ICON))
            .collect();
        out.push(&block(&format!("<p>{}</p>\n", html.join("<br>")), &plain));
    }
    out.push(&tags_block(item));
    let also: Vec<(String, String)> = also_covered(item)
        .into_iter()
        .take(CAPS.also_covered)
        .map(|(name, url)| {
            let name = feed_text(&name, CAPS.source);
            let html = match html_url(url) {
                Some(url) => format!("<a href=\"{}\">{}</a>", escape(&url), escape(&name)),
                None => escape(&name),
            };
            (html, name)
        })
        .collect();
    if !also.is_empty() {
        let html: Vec<&str> = also.iter().map(|(html, _)| html.as_str()).collect();
        let plain: Vec<&str> = also.iter().map(|(_, name)| name.as_str()).collect();
        out.push(&block(
            &format!("<p>{} {}</p>\n", label::ALSO_COVERED, html.join(", ")),
            &format!("{} {}\n", label::ALSO_COVERED, plain.join(", ")),
        ));
    }
    out.push(&block("", "\n"));
    out
}

fn why_text(item: &DigestItem) -> Option<String> {
    item.why_it_matters
        .as_deref()
        .map(|why| feed_text(why, CAPS.why))
        .filter(|why| !why.is_empty())
}

fn why_block(item: &DigestItem) -> MatrixMessage {
    match why_text(item) {
        Some(why) => block(
            &format!(
                "<p>{} <strong>{}</strong> {}</p>\n",
                label::WHY_ICON,
                label::WHY,
                escape(&why)
            ),
            &format!("{} {} {why}\n", label::WHY_ICON, label::WHY),
        ),
        None => MatrixMessage::default(),
    }
}

fn tags_block(item: &DigestItem) -> MatrixMessage {
    let tags: Vec<String> = item
        .tags
        .iter()
        .map(|t| feed_text(t, CAPS.tag))
        .filter(|t| !t.is_empty())
        .take(CAPS.tags)
        .collect();
    if tags.is_empty() {
        return MatrixMessage::default();
    }
    let tags = tags.join(" · ");
    block(
        &format!("<p>{} {}</p>\n", label::TAGS_ICON, escape(&tags)),
        &format!("{} {tags}\n", label::TAGS_ICON),
    )
}

/// "source · 3h ago · ⭐ 24/30", feed text cleaned (escape it for HTML).
fn meta_line(item: &DigestItem, now: DateTime<Utc>) -> String {
    format!(
        "{} · {} · {}",
        feed_text(&item.source, CAPS.source),
        age(item.published_at, now),
        score_badge(item)
    )
}

/// The title as an HTML link (or bare, for a URL we will not link) and as plain text with
/// the URL after it.
fn linked_title(item: &DigestItem) -> (String, String) {
    let mut title = feed_text(&item.title, CAPS.title);
    if title.is_empty() {
        title = "(untitled)".to_string();
    }
    match html_url(&item.url) {
        Some(url) => (
            format!("<a href=\"{}\">{}</a>", escape(&url), escape(&title)),
            format!("{title} — {url}"),
        ),
        None => (escape(&title), title),
    }
}

/// An http(s) URL fit for `href`, or `None`: other schemes, over-long links and `matrix.to`
/// (whose links clients turn into user and room pills) are not linked.
fn html_url(raw: &str) -> Option<String> {
    let url = safe_url(raw)?;
    if url.len() > URL_MAX {
        return None;
    }
    let host = url::Url::parse(&url).ok()?.host_str()?.to_ascii_lowercase();
    if host == "matrix.to" || host.ends_with(".matrix.to") {
        return None;
    }
    Some(url)
}

/// Feed text for Matrix: one clean line, mentions broken, at most `max` chars (ending "…").
/// Not yet HTML-escaped: the plain body wants it as is.
fn feed_text(raw: &str, max: usize) -> String {
    let text = neutralize_mentions(&clean_line(raw));
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::render::fixture;

    fn rendered() -> Vec<MatrixMessage> {
        digest_messages(&fixture::digest(), fixture::now())
    }

    fn all_html(messages: &[MatrixMessage]) -> String {
        messages.iter().map(|m| m.html.as_str()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn digest_has_every_part_in_html_and_plain_text() {
        let messages = rendered();
        let html = all_html(&messages);
        let body: String = messages.iter().map(|m| m.body.as_str()).collect();
        for part in [
            "📰 AI Daily Digest — 2026-04-16",
            "✨ Today's Highlights",
            "🔥 Must Read",
            "📊 Data Overview",
            "🔑 Top Keywords",
            "🗂️ Category Distribution",
            "TL;DR",
            "Deep dive:",
            "💡",
            "📖",
            "🏷️",
            "Also covered by:",
            "Scanned 89 sources → 2542 articles → selected 7",
        ] {
            assert!(html.contains(part), "{part} missing from the HTML");
            assert!(body.contains(part), "{part} missing from the plain body");
        }
        assert!(html.contains("<td>2542 fetched → 26 in window → 21 stories → 7 selected</td>"));
        assert!(html.contains(
            "<h4>1. <a href=\"https://www.gilesthomas.com/2026/04/llm-from-scratch-32k\">Writing an LLM from scratch"
        ));
        assert!(html.contains("<h4>7. <a href=\"https://www.dwarkesh.com/p/jensen-huang\">Jensen Huang"));
        assert!(html.contains("→ item 7"));
        assert!(html.contains("wikipedia.org · just now"));
        assert!(
            body.contains("Writing an LLM from scratch, part 32k – Interventions: gradient accumulation — https://")
        );
    }

    #[test]
    fn hostile_feed_text_cannot_add_markup_links_or_pings() {
        let html = all_html(&rendered());
        assert!(!html.contains("<b>"), "feed HTML got through");
        assert!(html.contains("evil &lt;b&gt;feed&lt;/b&gt; @\u{200B}here"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains('\u{1b}'));
        assert!(!html.contains("@everyone") && !html.contains("@here"));
        assert!(!html.contains("<@123456>"));
        assert!(!html.contains("href=\"http://evil.example\""));
        // Only our own tags appear.
        let tags = regex::Regex::new(r"</?([a-z0-9]+)").unwrap();
        for tag in tags.captures_iter(&html) {
            assert!(
                matches!(
                    &tag[1],
                    "h2" | "h3"
                        | "h4"
                        | "p"
                        | "em"
                        | "strong"
                        | "a"
                        | "br"
                        | "ol"
                        | "ul"
                        | "li"
                        | "hr"
                        | "pre"
                        | "code"
                        | "table"
                        | "thead"
                        | "tbody"
                        | "tr"
                        | "th"
                        | "td"
                ),
                "unexpected tag {}",
                &tag[0]
            );
        }
    }

    #[test]
    fn matrix_to_links_are_not_made_into_pills() {
        let mut digest = fixture::digest();
        digest.items[0].url = "https://matrix.to/#/@alice:example.org".to_string();
        let html = all_html(&digest_messages(&digest, fixture::now()));
        assert!(!html.contains("matrix.to"), "{html}");
    }

    #[test]
    fn a_long_digest_is_split_on_item_boundaries_within_the_budget() {
        let mut digest = fixture::digest();
        let template = digest.items[1].clone();
        digest.items = (1..=60)
            .map(|rank| {
                let mut item = template.clone();
                item.rank = rank;
                item.title = format!("Story number {rank}");
                item.summary = "A long summary sentence that goes on. ".repeat(100);
                item
            })
            .collect();
        let messages = digest_messages(&digest, fixture::now());
        assert!(messages.len() > 2, "{} messages", messages.len());
        for message in &messages {
            assert!(message.bytes() <= MESSAGE_BYTES_MAX, "{} bytes", message.bytes());
            // Every tag opened in a message is closed in it: no item spans two messages.
            assert_eq!(
                message.html.matches("<h4>").count(),
                message.html.matches("</h4>").count()
            );
            assert_eq!(
                message.html.matches("<p>").count(),
                message.html.matches("</p>").count()
            );
        }
        let html = all_html(&messages);
        for rank in 1..=60 {
            assert_eq!(
                html.matches(&format!(">Story number {rank}</a></h4>")).count(),
                1,
                "story {rank} missing or repeated"
            );
        }
        // The summary was capped.
        assert!(html.contains('…'));
    }

    #[test]
    fn empty_digest_says_so() {
        let messages = digest_messages(&fixture::empty_digest(), fixture::now());
        assert_eq!(messages.len(), 1);
        assert!(
            messages[0]
                .html
                .contains("Nothing above the threshold in the last 24 h")
        );
        assert!(messages[0].html.contains("📊 Data Overview"));
        assert!(!messages[0].html.contains("Must Read"));
    }

    #[test]
    fn alert_has_topic_title_meta_and_tldr() {
        let digest = fixture::digest();
        let topic = TopicRef {
            slug: "security".into(),
            name: "Security @room".into(),
        };
        let alert = alert_message(&digest.items[2], Some(&topic), fixture::now());
        assert!(
            alert
                .html
                .starts_with("<p>⚡ <strong>Security @\u{200B}room</strong></p>")
        );
        assert!(
            alert
                .html
                .contains("<h4>Breaking: @\u{200B}everyone see [fake](http://evil.example)")
        );
        assert!(alert.html.contains("⭐ 26/30 · 🔒 Security"), "{}", alert.html);
        assert!(alert.body.contains("TL;DR "));
        assert!(!alert.html.contains("javascript:"));
    }

    #[test]
    fn replies_turn_markdown_into_html_without_raw_html_or_bad_links() {
        let messages = reply_messages(
            "**Subscribed** `!room:x` to *agents*.\n\n- one\n- two\n\n<img src=x onerror=alert(1)> [ok](https://example.org/a) [bad](javascript:alert(1)) [pill](https://matrix.to/#/@a:b) ![img](https://t.example/p.png)",
        );
        assert_eq!(messages.len(), 1);
        let html = &messages[0].html;
        assert!(html.contains("<strong>Subscribed</strong> <code>!room:x</code> to <em>agents</em>."));
        assert!(html.contains("<li>one</li>"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{html}");
        assert!(html.contains("<a href=\"https://example.org/a\">ok</a>"));
        assert!(!html.contains("javascript:") && html.contains("bad"));
        assert!(!html.contains("matrix.to") && html.contains("pill"));
        assert!(!html.contains("<img"));
        assert!(messages[0].body.starts_with("**Subscribed**"));
    }

    #[test]
    fn long_replies_are_split() {
        let text: String = (0..3_000).map(|i| format!("line {i} of a long list\n")).collect();
        let messages = reply_messages(&text);
        assert!(messages.len() > 1);
        for message in &messages {
            assert!(message.bytes() <= MESSAGE_BYTES_MAX);
        }
        let joined: String = messages.iter().map(|m| m.body.as_str()).collect::<Vec<_>>().join("\n");
        assert!(joined.contains("line 0 of") && joined.contains("line 2999 of"));
    }
}
