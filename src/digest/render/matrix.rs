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
    BAR_WIDTH, CHART_KEYWORDS, TAG_LINE_KEYWORDS, also_covered, article_flow, category_entries, display_numbers,
    funnel, keyword_entries, nothing_message, score_badge, stamp, threshold,
};
use crate::digest::chart::text_bars;
use crate::digest::render::discord::text_chunks;
use crate::digest::{Digest, DigestItem, TopicRef, age};

/// Budget for one message's HTML and plain bodies together, in bytes. Matrix caps a whole
/// event (JSON escaping, signatures and all) at 65,536 bytes; this leaves room for all that.
pub const MESSAGE_BYTES_MAX: usize = 24_000;

/// Per-part caps on feed text, in chars, so one runaway item cannot fill a message.
const TITLE_MAX: usize = 300;
const SOURCE_MAX: usize = 100;
const TLDR_MAX: usize = 500;
const SUMMARY_MAX: usize = 1_500;
const BULLET_MAX: usize = 300;
const BULLETS_MAX: usize = 6;
const WHY_MAX: usize = 500;
const DECODER_MAX: usize = 4;
const DECODER_ENTRY_MAX: usize = 250;
const TAG_MAX: usize = 40;
const TAGS_MAX: usize = 12;
const ALSO_MAX: usize = 5;
const HIGHLIGHTS_MAX: usize = 1_000;
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
    let mut blocks = vec![header_block(digest, now)];
    if digest.items.is_empty() {
        blocks[0].push(&block(
            &format!("<p><strong>{}</strong></p>\n", escape(&nothing_message(digest))),
            &format!("{}\n\n", nothing_message(digest)),
        ));
    }
    let mut n = 0;
    for (category, items) in digest.sections() {
        for (i, item) in items.into_iter().enumerate() {
            n += 1;
            let mut item_block = if i == 0 {
                block(
                    &format!("<hr>\n<h3>{}</h3>\n", escape(category.label())),
                    &format!("── {} ──\n\n", category.label()),
                )
            } else {
                MatrixMessage::default()
            };
            item_block.push(&item_html(item, n, now));
            blocks.push(item_block);
        }
    }
    let footer = format!("Generated at {} | {}", stamp(digest), funnel(digest));
    blocks.push(block(
        &format!("<hr>\n<p><em>{}</em></p>", escape(&footer)),
        &format!("{footer}\n"),
    ));
    pack(blocks)
}

/// One instant alert: the topic, the linked title, source, age, score, category, TL;DR, why
/// it matters and tags.
pub fn alert_message(item: &DigestItem, topic: Option<&TopicRef>, now: DateTime<Utc>) -> MatrixMessage {
    let topic_name = topic
        .map(|t| feed_text(&t.name, SOURCE_MAX))
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
    let tldr = feed_text(&item.tldr, TLDR_MAX);
    if !tldr.is_empty() {
        out.push(&block(
            &format!("<p><strong>TL;DR</strong> {}</p>\n", escape(&tldr)),
            &format!("TL;DR {tldr}\n"),
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

fn header_block(digest: &Digest, now: DateTime<Utc>) -> MatrixMessage {
    let mut title = feed_text(&digest.title, TITLE_MAX);
    if !title.starts_with('📰') {
        title = format!("📰 {title}");
    }
    let mut meta = format!("Generated {} · last {} h", stamp(digest), digest.stats.window_hours);
    if let Some(topic) = &digest.topic {
        meta.push_str(&format!(" · topic: {}", feed_text(&topic.name, SOURCE_MAX)));
    }
    let mut out = block(
        &format!("<h2>{}</h2>\n<p><em>{}</em></p>\n", escape(&title), escape(&meta)),
        &format!("{title}\n{meta}\n\n"),
    );
    if digest.items.is_empty() {
        out.push(&overview_block(digest));
        return out;
    }
    let highlights = feed_text(&digest.highlights, HIGHLIGHTS_MAX);
    if !highlights.is_empty() {
        out.push(&block(
            &format!("<h3>✨ Today's Highlights</h3>\n<p>{}</p>\n", escape(&highlights)),
            &format!("✨ Today's Highlights\n{highlights}\n\n"),
        ));
    }
    out.push(&must_read_block(digest, now));
    out.push(&overview_block(digest));
    out.push(&charts_block(digest));
    out
}

fn must_read_block(digest: &Digest, now: DateTime<Utc>) -> MatrixMessage {
    let numbers = display_numbers(digest);
    let mut html = String::from("<h3>🔥 Must Read</h3>\n<ol>\n");
    let mut body = String::from("🔥 Must Read\n");
    for (i, item) in digest.must_read().iter().enumerate() {
        let (title_html, title_plain) = linked_title(item);
        let mut meta = format!("{} · {}", meta_line(item, now), item.category.label());
        if let Some(n) = numbers.get(&item.rank) {
            meta.push_str(&format!(" · → item {n}"));
        }
        let tldr = feed_text(&item.tldr, TLDR_MAX);
        html.push_str(&format!(
            "<li><strong>{title_html}</strong><br>{}<br><strong>TL;DR</strong> {}",
            escape(&meta),
            escape(&tldr)
        ));
        body.push_str(&format!("{}. {title_plain}\n   {meta}\n   TL;DR {tldr}\n", i + 1));
        if let Some(why) = why_text(item) {
            html.push_str(&format!("<br>💡 <strong>Why it matters:</strong> {}", escape(&why)));
            body.push_str(&format!("   💡 Why it matters: {why}\n"));
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
        "<h3>📊 Data Overview</h3>\n<table>\n<thead><tr><th>Sources scanned</th><th>Articles</th><th>Window</th><th>Min score</th></tr></thead>\n\
         <tbody><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tbody>\n</table>\n",
        escape(&sources),
        escape(&article_flow(digest)),
        escape(&window),
        escape(&threshold(digest))
    );
    let mut body = format!(
        "📊 Data Overview\nSources scanned {sources} · {} · window {window} · min score {}\n",
        article_flow(digest),
        threshold(digest)
    );
    if let Some(line) = super::llm_line(digest) {
        html.push_str(&format!("<p>LLM editor: {}</p>\n", escape(&line)));
        body.push_str(&format!("LLM editor: {line}\n"));
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
            .map(|(word, n)| format!("{}({n})", feed_text(word, TAG_MAX)))
            .collect();
        let tags = tags.join(" · ");
        out.push(&block(
            &format!(
                "<h3>🔑 Top Keywords</h3>\n<pre><code>{}</code></pre>\n<p><strong>Topic Tags:</strong> {}</p>\n",
                escape(&bars),
                escape(&tags)
            ),
            &format!("🔑 Top Keywords\n{bars}\nTopic Tags: {tags}\n\n"),
        ));
    }
    if !digest.categories.is_empty() {
        let bars = text_bars(&category_entries(digest), BAR_WIDTH);
        out.push(&block(
            &format!(
                "<h3>🗂️ Category Distribution</h3>\n<pre><code>{}</code></pre>\n",
                escape(&bars)
            ),
            &format!("🗂️ Category Distribution\n{bars}\n\n"),
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
    let tldr = feed_text(&item.tldr, TLDR_MAX);
    if !tldr.is_empty() {
        out.push(&block(
            &format!("<p><strong>TL;DR</strong> {}</p>\n", escape(&tldr)),
            &format!("TL;DR {tldr}\n"),
        ));
    }
    let summary = feed_text(&item.summary, SUMMARY_MAX);
    if !summary.is_empty() {
        out.push(&block(
            &format!("<p>{}</p>\n", escape(&summary)),
            &format!("{summary}\n"),
        ));
    }
    let bullets: Vec<String> = item
        .bullets
        .iter()
        .map(|b| feed_text(b, BULLET_MAX))
        .filter(|b| !b.is_empty())
        .take(BULLETS_MAX)
        .collect();
    if !bullets.is_empty() {
        let items: String = bullets.iter().map(|b| format!("<li>{}</li>", escape(b))).collect();
        let lines: String = bullets.iter().map(|b| format!("• {b}\n")).collect();
        out.push(&block(
            &format!("<p><strong>Deep dive:</strong></p>\n<ul>{items}</ul>\n"),
            &format!("Deep dive:\n{lines}"),
        ));
    }
    out.push(&why_block(item));
    let decoder: Vec<(String, String)> = item
        .decoder
        .iter()
        .take(DECODER_MAX)
        .map(|e| (feed_text(&e.term, TAG_MAX), feed_text(&e.definition, DECODER_ENTRY_MAX)))
        .filter(|(term, definition)| !term.is_empty() && !definition.is_empty())
        .collect();
    if !decoder.is_empty() {
        let html: Vec<String> = decoder
            .iter()
            .map(|(term, definition)| format!("📖 <strong>{}</strong> — {}", escape(term), escape(definition)))
            .collect();
        let plain: String = decoder
            .iter()
            .map(|(term, definition)| format!("📖 {term} — {definition}\n"))
            .collect();
        out.push(&block(&format!("<p>{}</p>\n", html.join("<br>")), &plain));
    }
    out.push(&tags_block(item));
    let also: Vec<(String, String)> = also_covered(item)
        .into_iter()
        .take(ALSO_MAX)
        .map(|(name, url)| {
            let name = feed_text(&name, SOURCE_MAX);
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
            &format!("<p>Also covered by: {}</p>\n", html.join(", ")),
            &format!("Also covered by: {}\n", plain.join(", ")),
        ));
    }
    out.push(&block("", "\n"));
    out
}

fn why_text(item: &DigestItem) -> Option<String> {
    item.why_it_matters
        .as_deref()
        .map(|why| feed_text(why, WHY_MAX))
        .filter(|why| !why.is_empty())
}

fn why_block(item: &DigestItem) -> MatrixMessage {
    match why_text(item) {
        Some(why) => block(
            &format!("<p>💡 <strong>Why it matters:</strong> {}</p>\n", escape(&why)),
            &format!("💡 Why it matters: {why}\n"),
        ),
        None => MatrixMessage::default(),
    }
}

fn tags_block(item: &DigestItem) -> MatrixMessage {
    let tags: Vec<String> = item
        .tags
        .iter()
        .map(|t| feed_text(t, TAG_MAX))
        .filter(|t| !t.is_empty())
        .take(TAGS_MAX)
        .collect();
    if tags.is_empty() {
        return MatrixMessage::default();
    }
    let tags = tags.join(" · ");
    block(&format!("<p>🏷️ {}</p>\n", escape(&tags)), &format!("🏷️ {tags}\n"))
}

/// "source · 3h ago · ⭐ 24/30", feed text cleaned (escape it for HTML).
fn meta_line(item: &DigestItem, now: DateTime<Utc>) -> String {
    format!(
        "{} · {} · {}",
        feed_text(&item.source, SOURCE_MAX),
        age(item.published_at, now),
        score_badge(item)
    )
}

/// The title as an HTML link (or bare, for a URL we will not link) and as plain text with
/// the URL after it.
fn linked_title(item: &DigestItem) -> (String, String) {
    let mut title = feed_text(&item.title, TITLE_MAX);
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
