//! The Discord edition: a digest, or one instant alert, as Discord messages with embeds.
//!
//! Pure and free of serenity: [`DiscordMessage`] and friends are plain serde structs whose
//! JSON is exactly the body of Discord's create-message call, so the bot, webhooks and the
//! fake Discord server in tests share them. Discord rejects a whole message when any one limit
//! is exceeded, so every text is cut to its limit here (counted in chars, cut on char
//! boundaries, ending in "…"), a digest is spread over several messages on item boundaries,
//! and [`check_limits`] spells the limits out for tests and the fake server.
//!
//! Feed text gets the same treatment as in the Markdown edition ([`super::text`]): cleaned,
//! mention-proofed and escaped, with links only from http(s) URLs, so a hostile feed cannot
//! ping, fake links or break the layout. Author names and footers are not Markdown on
//! Discord, so they are cleaned and mention-proofed but not escaped.

use chrono::{DateTime, SecondsFormat, Utc};

use super::text::{clean_line, markdown_text, neutralize_mentions, safe_url};
use super::{
    BAR_WIDTH, CHART_KEYWORDS, also_covered, article_flow, funnel, keyword_entries, nothing_message, score_badge,
    stamp, threshold,
};
use crate::digest::chart::text_bars;
use crate::digest::layout::{Block, CAPS, blocks, label};
use crate::digest::{Digest, DigestItem, TopicRef, age};
use crate::pipeline::category::Category;

mod chunks;
mod message;

pub use chunks::text_chunks;
pub use message::*;

// Feed text is cut to the edition's per-part caps (`CAPS`): Discord allows 6,000 chars across
// the embeds of a message, so one story with a runaway summary would otherwise get a message
// to itself; the caps keep a typical edition to a few messages.

/// Links longer than this inside a description are shown unlinked: a tracking-laden URL
/// would eat the room meant for the text.
const INLINE_URL_MAX: usize = 512;
/// A part that does not fit is cut only when at least this much of it can still be shown;
/// a few words and "…" would read as a glitch.
const MIN_CUT_ROOM: usize = 40;

/// Embed colours: the header, alerts, and one per category (the chart's bar colours, so a
/// category looks the same in the PNG and in the embeds).
const HEADER_COLOR: u32 = 0x4285F4;
const ALERT_COLOR: u32 = 0xFFB300;

/// The whole digest as one or more messages, each within Discord's limits.
///
/// The first embed is the header (highlights, must-reads, data overview, keyword chart); then
/// one embed per item, by category section, numbered 1..n as in the Markdown edition. A new
/// message starts on an item boundary whenever the next embed would break the 10-embed or
/// 6,000-char limit. The first message's `content` is the digest title (for notifications);
/// the last embed carries the footer. `now` is the clock ages are measured against.
pub fn digest_messages(digest: &Digest, now: DateTime<Utc>) -> Vec<DiscordMessage> {
    // Everything before the first item shares the header embed; each item is an embed of its
    // own (its category shows as the embed's author and colour, so sections need no heading);
    // the footer goes on the last embed.
    let mut head = Vec::new();
    let mut embeds = Vec::new();
    for part in blocks(digest) {
        match part {
            Block::Header => head.push(Part::keep(format!("*{}*", header_meta(digest)))),
            Block::Nothing => head.push(Part::keep(format!("**{}**", nothing_message(digest)))),
            Block::Highlights(text) => {
                let highlights = truncate_chars(&markdown_text(text), CAPS.highlights);
                if !highlights.is_empty() {
                    head.push(Part::cut(format!("**{}**\n{highlights}", label::HIGHLIGHTS)));
                }
            }
            Block::MustRead(items) => head.push(Part::cut(must_read(&items, now))),
            Block::Overview => head.push(Part::keep(overview(digest))),
            Block::Charts => {
                if !digest.keywords.is_empty() {
                    // Not cuttable: a cut would leave the code block open.
                    head.push(Part::keep(format!(
                        "**{}**\n```text\n{}\n```",
                        label::KEYWORDS,
                        text_bars(&keyword_entries(digest, CHART_KEYWORDS), BAR_WIDTH)
                    )));
                }
            }
            Block::Section(_) => {}
            Block::Item(n, item) => embeds.push(item_embed(item, n, now)),
            Block::Footer => {}
        }
    }
    embeds.insert(0, header_embed(digest, head));
    if let Some(last) = embeds.last_mut() {
        last.footer = Some(EmbedFooter {
            text: format!("newsdesk · {} · {}", stamp(digest), funnel(digest)),
        });
        last.timestamp = Some(rfc3339(digest.generated_at));
    }
    let mut messages = pack(embeds.into_iter().map(fit_embed).collect());
    if let Some(first) = messages.first_mut() {
        first.content = truncate_chars(&markdown_text(&digest.title), CONTENT_MAX);
    }
    messages
}

/// One embed for an instant alert: the topic as author, the linked title, then source, age,
/// score, TL;DR, why it matters and tags.
pub fn alert_message(item: &DigestItem, topic: Option<&TopicRef>, now: DateTime<Utc>) -> DiscordMessage {
    let topic_name = topic
        .map(|t| truncate_chars(&plain_text(&t.name), CAPS.topic))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "Alert".to_string());
    let mut parts = vec![Part::cut(format!(
        "{} · {}\n{}",
        item_meta(item, now),
        item.category.label(),
        tldr_line(item)
    ))];
    parts.extend(why_part(item));
    parts.extend(tags_part(item));
    let embed = Embed {
        title: Some(item_title(item)),
        description: Some(fit_parts(parts, EMBED_DESCRIPTION_MAX)),
        url: embed_url(&item.url),
        color: Some(ALERT_COLOR),
        author: Some(EmbedAuthor {
            name: format!("⚡ {topic_name}"),
        }),
        footer: Some(EmbedFooter {
            text: "newsdesk alert".to_string(),
        }),
        // A skewed feed clock must not date the story in the future.
        timestamp: Some(rfc3339(item.published_at.min(now))),
        ..Embed::default()
    };
    DiscordMessage {
        content: String::new(),
        embeds: vec![fit_embed(embed)],
    }
}

/// The header embed: the digest's title over the head's parts.
fn header_embed(digest: &Digest, parts: Vec<Part>) -> Embed {
    let title = markdown_text(&digest.title);
    let title = if title.is_empty() {
        "📰 News digest".to_string()
    } else if title.starts_with('📰') {
        title
    } else {
        format!("📰 {title}")
    };
    Embed {
        title: Some(title),
        description: Some(fit_parts(parts, EMBED_DESCRIPTION_MAX)),
        color: Some(HEADER_COLOR),
        ..Embed::default()
    }
}

/// "Generated … · last 24 h · topic: …".
fn header_meta(digest: &Digest) -> String {
    let mut meta = format!("Generated {} · last {} h", stamp(digest), digest.stats.window_hours);
    if let Some(topic) = &digest.topic {
        meta.push_str(&format!(
            " · topic: {}",
            truncate_chars(&markdown_text(&topic.name), CAPS.topic)
        ));
    }
    meta
}

fn overview(digest: &Digest) -> String {
    let s = &digest.stats;
    let llm = super::llm_line(digest)
        .map(|line| format!("\n{} {line}", label::LLM))
        .unwrap_or_default();
    format!(
        "**{}**\nSources {}/{} · {} · window {} h · min score {}{llm}",
        label::OVERVIEW,
        s.sources_ok,
        s.sources_total,
        article_flow(digest),
        s.window_hours,
        threshold(digest)
    )
}

/// The top three as linked titles, each pointing at the number it is shown under below.
fn must_read(items: &[(&DigestItem, Option<usize>)], now: DateTime<Utc>) -> String {
    let mut out = format!("**{}**", label::MUST_READ);
    for &(item, number) in items {
        let mut title = truncate_chars(&markdown_text(&item.title), CAPS.must_read_title);
        if title.is_empty() {
            title = "(untitled)".to_string();
        }
        out.push_str(&format!(
            "\n- **{}** · {}",
            inline_link(&title, &item.url),
            item_meta(item, now)
        ));
        if let Some(n) = number {
            out.push_str(&format!(" · → item {n}"));
        }
    }
    out
}

fn item_embed(item: &DigestItem, n: usize, now: DateTime<Utc>) -> Embed {
    let mut parts = vec![Part::cut(format!("{}\n{}", item_meta(item, now), tldr_line(item)))];
    let summary = truncate_chars(&markdown_text(&item.summary), CAPS.summary);
    if !summary.is_empty() {
        parts.push(Part::cut(summary));
    }
    let bullets: Vec<String> = item
        .bullets
        .iter()
        .map(|b| truncate_chars(&markdown_text(b), CAPS.bullet))
        .filter(|b| !b.is_empty())
        .take(CAPS.bullets)
        .map(|b| format!("- {b}"))
        .collect();
    if !bullets.is_empty() {
        parts.push(Part::cut(format!("**{}**\n{}", label::DEEP_DIVE, bullets.join("\n"))));
    }
    parts.extend(why_part(item));
    let decoder: Vec<String> = item
        .decoder
        .iter()
        .take(CAPS.decoder_entries)
        .map(|e| {
            let line = format!(
                "{} **{}** — {}",
                label::DECODER_ICON,
                markdown_text(&e.term),
                markdown_text(&e.definition)
            );
            truncate_chars(&line, CAPS.decoder_entry)
        })
        .collect();
    if !decoder.is_empty() {
        parts.push(Part::cut(decoder.join("\n")));
    }
    parts.extend(tags_part(item));
    let also: Vec<String> = also_covered(item)
        .iter()
        .take(CAPS.also_covered)
        .map(|(name, url)| inline_link(&truncate_chars(&markdown_text(name), CAPS.also_covered_name), url))
        .collect();
    if !also.is_empty() {
        // Not cuttable: a cut could end inside a link.
        parts.push(Part::keep(format!("{} {}", label::ALSO_COVERED, also.join(", "))));
    }
    Embed {
        title: Some(format!("{n}. {}", item_title(item))),
        description: Some(fit_parts(parts, EMBED_DESCRIPTION_MAX)),
        url: embed_url(&item.url),
        color: Some(category_color(item.category)),
        author: Some(EmbedAuthor {
            name: item.category.label().to_string(),
        }),
        ..Embed::default()
    }
}

/// "source · 3h ago · ⭐ 24/30".
fn item_meta(item: &DigestItem, now: DateTime<Utc>) -> String {
    format!(
        "{} · {} · {}",
        truncate_chars(&markdown_text(&item.source), CAPS.source),
        age(item.published_at, now),
        score_badge(item)
    )
}

/// "**TL;DR** …", falling back to the summary when there is no TL;DR.
fn tldr_line(item: &DigestItem) -> String {
    let tldr = truncate_chars(&markdown_text(&item.tldr), CAPS.tldr);
    if tldr.is_empty() {
        truncate_chars(&markdown_text(&item.summary), CAPS.tldr)
    } else {
        format!("**{}** {tldr}", label::TLDR)
    }
}

fn why_part(item: &DigestItem) -> Option<Part> {
    let why = truncate_chars(&markdown_text(item.why_it_matters.as_deref()?), CAPS.why);
    (!why.is_empty()).then(|| Part::cut(format!("{} **{}** {why}", label::WHY_ICON, label::WHY)))
}

fn tags_part(item: &DigestItem) -> Option<Part> {
    let tags: Vec<String> = item
        .tags
        .iter()
        .map(|t| truncate_chars(&markdown_text(t), CAPS.tag))
        .filter(|t| !t.is_empty())
        .take(CAPS.tags)
        .collect();
    (!tags.is_empty()).then(|| Part::cut(format!("{} {}", label::TAGS_ICON, tags.join(" · "))))
}

/// The item's title as embed title text, never empty.
fn item_title(item: &DigestItem) -> String {
    let title = markdown_text(&item.title);
    if title.is_empty() {
        "(untitled)".to_string()
    } else {
        title
    }
}

fn category_color(category: Category) -> u32 {
    match category {
        Category::AiMl => 0x7C4DFF,
        Category::Security => 0xE53935,
        Category::Engineering => 0x00897B,
        Category::ToolsOpenSource => 0xFB8C00,
        Category::OpinionEssays => 0x43A047,
        Category::Other => 0x757575,
    }
}

/// The embed's click-through URL: http(s) only, and no longer than Discord takes.
fn embed_url(raw: &str) -> Option<String> {
    safe_url(raw).filter(|url| chars(url) <= EMBED_URL_MAX)
}

/// `[text](url)` for a safe, short URL; the (already escaped) text alone otherwise.
fn inline_link(text: &str, raw_url: &str) -> String {
    match safe_url(raw_url).filter(|url| chars(url) <= INLINE_URL_MAX) {
        Some(url) => format!("[{text}]({url})"),
        None => text.to_string(),
    }
}

/// Feed text for places Discord shows verbatim (author names, footers): one clean line that
/// cannot ping. Escaping would show its backslashes there.
fn plain_text(raw: &str) -> String {
    neutralize_mentions(&clean_line(raw))
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One paragraph of a description; `cut` parts may be shortened to fit, the others are
/// left out whole (a cut could leave a link or code block open).
struct Part {
    text: String,
    cut: bool,
}

impl Part {
    fn cut(text: String) -> Self {
        Part { text, cut: true }
    }

    fn keep(text: String) -> Self {
        Part { text, cut: false }
    }
}

/// Parts joined by blank lines, as many as fit in `max` chars, in order.
fn fit_parts(parts: Vec<Part>, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for part in parts {
        if part.text.trim().is_empty() {
            continue;
        }
        let gap = if out.is_empty() { 0 } else { 2 };
        let len = chars(&part.text);
        let text = if used + gap + len <= max {
            part.text
        } else {
            let room = max.saturating_sub(used + gap);
            if !part.cut || room < MIN_CUT_ROOM {
                continue;
            }
            truncate_chars(&part.text, room)
        };
        if gap > 0 {
            out.push_str("\n\n");
        }
        used += gap + chars(&text);
        out.push_str(&text);
    }
    out
}

/// Every part of `embed` cut to its own limit, then the description shortened until the embed
/// fits a message alone, so packing can always place it.
fn fit_embed(mut embed: Embed) -> Embed {
    let cut = |text: &mut Option<String>, max: usize| {
        if let Some(t) = text.as_mut() {
            *t = truncate_chars(t, max);
        }
    };
    cut(&mut embed.title, EMBED_TITLE_MAX);
    cut(&mut embed.description, EMBED_DESCRIPTION_MAX);
    embed.url = embed.url.filter(|url| chars(url) <= EMBED_URL_MAX);
    if let Some(footer) = embed.footer.as_mut() {
        footer.text = truncate_chars(&footer.text, FOOTER_TEXT_MAX);
    }
    if let Some(author) = embed.author.as_mut() {
        author.name = truncate_chars(&author.name, AUTHOR_NAME_MAX);
    }
    embed.fields.truncate(EMBED_FIELDS_MAX);
    for field in &mut embed.fields {
        field.name = truncate_chars(&field.name, FIELD_NAME_MAX);
        field.value = truncate_chars(&field.value, FIELD_VALUE_MAX);
    }
    let excess = embed.text_chars().saturating_sub(MESSAGE_EMBED_CHARS_MAX);
    if excess > 0
        && let Some(description) = embed.description.as_mut()
    {
        let keep = chars(description).saturating_sub(excess);
        *description = truncate_chars(description, keep);
    }
    embed
}

/// Embeds into messages, in order, starting a new message when the next embed would break the
/// embed-count or total-chars limit. Never yields an empty message.
fn pack(embeds: Vec<Embed>) -> Vec<DiscordMessage> {
    let mut messages = Vec::new();
    let mut current: Vec<Embed> = Vec::new();
    let mut used = 0;
    for embed in embeds {
        let size = embed.text_chars();
        if !current.is_empty() && (current.len() == EMBEDS_PER_MESSAGE_MAX || used + size > MESSAGE_EMBED_CHARS_MAX) {
            messages.push(DiscordMessage {
                content: String::new(),
                embeds: std::mem::take(&mut current),
            });
            used = 0;
        }
        used += size;
        current.push(embed);
    }
    if !current.is_empty() {
        messages.push(DiscordMessage {
            content: String::new(),
            embeds: current,
        });
    }
    messages
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// `text` cut to at most `max` chars on a char boundary, ending in "…" when it was cut.
/// Works on escaped Markdown: a dangling escape backslash is dropped rather than left to
/// escape the "…" (or, inside link text, the closing bracket).
fn truncate_chars(text: &str, max: usize) -> String {
    if chars(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.truncate(out.trim_end().len());
    let backslashes = out.chars().rev().take_while(|&c| c == '\\').count();
    if backslashes % 2 == 1 {
        out.pop();
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::render::fixture;

    fn all_text(messages: &[DiscordMessage]) -> String {
        let mut out = String::new();
        for m in messages {
            out.push_str(&m.content);
            out.push('\n');
            for e in &m.embeds {
                for s in [&e.title, &e.description, &e.url].into_iter().flatten() {
                    out.push_str(s);
                    out.push('\n');
                }
                if let Some(f) = &e.footer {
                    out.push_str(&f.text);
                    out.push('\n');
                }
                if let Some(a) = &e.author {
                    out.push_str(&a.name);
                    out.push('\n');
                }
            }
        }
        out
    }

    /// A digest of `n` items spread over every category, each with a unique "Story NN" title.
    fn big_digest(n: u32, summary_len: usize) -> Digest {
        let mut d = fixture::digest();
        let template = d.items[1].clone();
        d.items = (1..=n)
            .map(|rank| {
                let mut item = template.clone();
                item.rank = rank;
                item.title = format!("Story {rank:02} {}", "about a long headline ".repeat(6));
                item.summary = "A sentence that goes on. ".repeat(summary_len / 25);
                item.tldr = "The short version of it, which is still quite long. ".repeat(8);
                item.category = Category::ALL[rank as usize % Category::ALL.len()];
                item
            })
            .collect();
        d.stats.selected = n;
        d
    }

    /// Item embeds (all but the header) across messages, in order.
    fn item_embeds(messages: &[DiscordMessage]) -> Vec<&Embed> {
        messages.iter().flat_map(|m| &m.embeds).skip(1).collect()
    }

    #[test]
    fn big_digest_splits_within_limits_keeping_every_item_once_in_order() {
        let d = big_digest(25, 2_000);
        let messages = digest_messages(&d, fixture::now());
        assert!(messages.len() > 2, "{} messages", messages.len());
        for (i, m) in messages.iter().enumerate() {
            assert_eq!(check_limits(m), Ok(()), "message {i}");
            assert!(!m.embeds.is_empty());
        }
        let expected: Vec<u32> = d
            .sections()
            .iter()
            .flat_map(|(_, items)| items.iter().map(|i| i.rank))
            .collect();
        let items = item_embeds(&messages);
        assert_eq!(items.len(), 25);
        for (k, (embed, rank)) in items.iter().zip(&expected).enumerate() {
            let title = embed.title.as_deref().unwrap_or_default();
            assert!(title.starts_with(&format!("{}. Story {rank:02} ", k + 1)), "{title}");
        }
        let text = all_text(&messages);
        for rank in 1..=25 {
            assert_eq!(text.matches(&format!(". Story {rank:02} ")).count(), 1, "story {rank}");
        }
        // Header first, footer only on the very last embed.
        assert_eq!(
            messages[0].embeds[0].title.as_deref(),
            Some("📰 AI Daily Digest — 2026-04-16")
        );
        let footers = messages
            .iter()
            .flat_map(|m| &m.embeds)
            .filter(|e| e.footer.is_some())
            .count();
        assert_eq!(footers, 1);
        assert!(
            messages
                .last()
                .and_then(|m| m.embeds.last())
                .and_then(|e| e.footer.as_ref())
                .is_some()
        );
        // Only the first message carries content.
        assert_eq!(messages[0].content, "📰 AI Daily Digest — 2026-04-16");
        assert!(messages[1..].iter().all(|m| m.content.is_empty()));
    }

    #[test]
    fn many_short_items_split_at_ten_embeds() {
        let mut d = big_digest(25, 0);
        for item in &mut d.items {
            item.title = format!("Story {:02}", item.rank);
            item.tldr = "Short.".to_string();
            item.bullets.clear();
            item.decoder.clear();
        }
        let messages = digest_messages(&d, fixture::now());
        // 26 embeds, all small: 10 + 10 + 6.
        let sizes: Vec<usize> = messages.iter().map(|m| m.embeds.len()).collect();
        assert_eq!(sizes, vec![10, 10, 6]);
        assert!(messages.iter().all(|m| check_limits(m).is_ok()));
    }

    #[test]
    fn huge_multibyte_item_is_cut_within_every_limit() {
        let mut d = fixture::digest();
        let huge = "日本語のニュース 🚀🔥 ".repeat(1_000);
        assert!(huge.chars().count() >= 10_000);
        for item in &mut d.items {
            item.title = huge.clone();
            item.summary = huge.clone();
            item.tldr = huge.clone();
            item.source = huge.clone();
            item.why_it_matters = Some(huge.clone());
            item.tags = vec![huge.clone(); 30];
            item.bullets = vec![huge.clone(); 30];
        }
        d.highlights = huge.clone();
        d.title = huge.clone();
        let messages = digest_messages(&d, fixture::now());
        for m in &messages {
            assert_eq!(check_limits(m), Ok(()));
            assert!(m.content.chars().count() <= CONTENT_MAX);
        }
        let items = item_embeds(&messages);
        assert_eq!(items.len(), d.items.len());
        for e in items {
            let title = e.title.as_deref().unwrap_or_default();
            assert!(
                title.chars().count() <= EMBED_TITLE_MAX && title.chars().count() > 240,
                "{title}"
            );
            assert!(title.ends_with('…'));
            assert!(e.description.as_deref().unwrap_or_default().chars().count() <= EMBED_DESCRIPTION_MAX);
        }
        let alert = alert_message(&d.items[0], d.topic.as_ref(), fixture::now());
        assert_eq!(check_limits(&alert), Ok(()));
    }

    #[test]
    fn truncation_is_char_safe_and_never_leaves_a_dangling_escape() {
        assert_eq!(truncate_chars("héllo wörld", 6), "héllo…");
        assert_eq!(truncate_chars("short", 5), "short");
        assert_eq!(truncate_chars("🚀🚀🚀🚀", 3), "🚀🚀…");
        assert_eq!(truncate_chars("abc", 0), "");
        // "ab\[" cut after the backslash would escape the ellipsis.
        assert_eq!(truncate_chars("ab\\[cdef", 4), "ab…");
        assert_eq!(truncate_chars("ab\\\\cdef", 5), "ab\\\\…");
    }

    #[test]
    fn hostile_text_cannot_ping_or_fake_links() {
        let mut d = fixture::digest();
        d.title = "@everyone digest <@123>".to_string();
        d.highlights = "Look @here [click](http://evil.example)".to_string();
        d.items[0].title = "@everyone [click](http://evil.example) <@123> <@&1> <#1>".to_string();
        d.items[0].summary = "@everyone read [click](http://evil.example) <@123>".to_string();
        d.items[0].tldr = "<@&1> now".to_string();
        let topic = TopicRef {
            slug: "x".to_string(),
            name: "@everyone <@123>".to_string(),
        };
        let mut messages = digest_messages(&d, fixture::now());
        messages.push(alert_message(&d.items[0], Some(&topic), fixture::now()));
        let text = all_text(&messages);
        assert!(!text.contains("@everyone"));
        assert!(!text.contains("@here"));
        assert!(!text.contains("<@123>"));
        assert!(!text.contains("<@&1>"));
        assert!(!text.contains("[click](http://evil.example)"));
        assert!(text.contains("\\[click\\](http://evil.example)"));
        // The fixture's escape sequences and javascript: URL do not get through.
        assert!(!text.contains('\u{1b}'));
        assert!(!text.contains("pwned"));
        assert!(!text.contains("javascript:"));
        assert!(!messages[0].content.contains("@everyone"));
    }

    #[test]
    fn fixture_digest_layout() {
        let messages = digest_messages(&fixture::digest(), fixture::now());
        assert!(messages.iter().all(|m| check_limits(m).is_ok()));
        let header = &messages[0].embeds[0];
        let desc = header.description.as_deref().unwrap_or_default();
        assert!(desc.starts_with("*Generated 2026-04-16 14:01 UTC · last 24 h · topic: LLMs*"));
        assert!(desc.contains("**✨ Today's Highlights**\nChips, local training"));
        assert!(desc.contains(
            "- **[Jensen Huang – TPU competition, why we should sell chips to China, & Nvidia’s supply chain moat](https://www.dwarkesh.com/p/jensen-huang)** · dwarkesh.com · 22h ago · ⭐ 29/30 · → item 7"
        ));
        assert!(desc.contains("Sources 89/92 · 2542 fetched → 26 in window → 21 stories → 7 selected · window 24 h"));
        assert!(desc.contains("```text\n"));
        assert!(desc.contains("ai │ ████████████████████ 3"));
        assert!(desc.ends_with("\n```"));
        assert_eq!(header.color, Some(HEADER_COLOR));

        let items = item_embeds(&messages);
        assert_eq!(items.len(), 7);
        let first = items[0];
        assert_eq!(
            first.title.as_deref(),
            Some("1. Writing an LLM from scratch, part 32k – Interventions: gradient accumulation")
        );
        assert_eq!(
            first.url.as_deref(),
            Some("https://www.gilesthomas.com/2026/04/llm-from-scratch-32k")
        );
        assert_eq!(first.author.as_ref().map(|a| a.name.as_str()), Some("🤖 AI / ML"));
        assert_eq!(first.color, Some(category_color(Category::AiMl)));
        let body = first.description.as_deref().unwrap_or_default();
        assert!(
            body.starts_with("gilesthomas.com · 18h ago · ⭐ 28/30\n**TL;DR** "),
            "{body}"
        );
        assert!(body.contains("**Deep dive:**\n- First key point of the piece.\n- Second key point"));
        assert!(body.contains("💡 **Why it matters:** It changes"));
        assert!(body.contains("📖 **LLM** — large language model"));
        assert!(body.contains("🏷️ LLM · Training · ai"));
        assert!(body.ends_with(
            "Also covered by: [Hacker News](https://news.ycombinator.com/item?id=1), \\[bad\\](http://evil)"
        ));
        // The javascript: item has no link at all.
        let evil = items[3];
        assert!(
            evil.title
                .as_deref()
                .unwrap_or_default()
                .starts_with("4. Breaking: @\u{200B}everyone")
        );
        assert_eq!(evil.url, None);
        // A future publication date reads "just now".
        assert!(
            items[2]
                .description
                .as_deref()
                .unwrap_or_default()
                .starts_with("wikipedia.org · just now")
        );

        let last = items[6];
        assert!(last.title.as_deref().unwrap_or_default().starts_with("7. Jensen Huang"));
        assert_eq!(
            last.footer.as_ref().map(|f| f.text.as_str()),
            Some("newsdesk · 2026-04-16 14:01 UTC · Scanned 89 sources → 2542 articles → selected 7")
        );
        assert_eq!(last.timestamp.as_deref(), Some("2026-04-16T14:01:00Z"));
    }

    #[test]
    fn empty_digest_is_one_header_message() {
        let messages = digest_messages(&fixture::empty_digest(), fixture::now());
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].embeds.len(), 1);
        assert_eq!(check_limits(&messages[0]), Ok(()));
        let header = &messages[0].embeds[0];
        let desc = header.description.as_deref().unwrap_or_default();
        assert!(desc.contains("**Nothing above the threshold in the last 24 h"));
        assert!(desc.contains("Sources 89/92"));
        assert!(!desc.contains("Must Read"));
        assert!(header.footer.is_some());
    }

    #[test]
    fn json_uses_discord_field_names() {
        let message = DiscordMessage {
            content: String::new(),
            embeds: vec![Embed {
                title: Some("t".to_string()),
                url: Some("https://example.com/".to_string()),
                color: Some(0x123456),
                footer: Some(EmbedFooter { text: "f".to_string() }),
                author: Some(EmbedAuthor { name: "a".to_string() }),
                timestamp: Some("2026-04-16T14:01:00Z".to_string()),
                ..Embed::default()
            }],
        };
        let json = serde_json::to_value(&message).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "embeds": [{
                    "title": "t",
                    "url": "https://example.com/",
                    "color": 0x123456,
                    "footer": {"text": "f"},
                    "author": {"name": "a"},
                    "timestamp": "2026-04-16T14:01:00Z"
                }]
            })
        );

        let with_fields = DiscordMessage {
            content: "hi".to_string(),
            embeds: vec![Embed {
                description: Some("d".to_string()),
                fields: vec![EmbedField {
                    name: "n".to_string(),
                    value: "v".to_string(),
                    inline: true,
                }],
                ..Embed::default()
            }],
        };
        let json = serde_json::to_value(&with_fields).unwrap_or_default();
        assert_eq!(json["content"], "hi");
        assert_eq!(json["embeds"][0]["description"], "d");
        assert_eq!(
            json["embeds"][0]["fields"],
            serde_json::json!([{"name": "n", "value": "v", "inline": true}])
        );
        assert!(json["embeds"][0].get("title").is_none());

        // What Discord sends back (with extra keys) reads into the same structs.
        let echoed = r#"{"id":"1","content":"hi","embeds":[{"type":"rich","description":"d",
            "fields":[{"name":"n","value":"v","inline":true}]}]}"#;
        let parsed: DiscordMessage = serde_json::from_str(echoed).unwrap_or_default();
        assert_eq!(parsed, with_fields);
    }

    #[test]
    fn check_limits_catches_each_violation() {
        let text = |n: usize| "é".repeat(n);
        let embed = |f: &dyn Fn(&mut Embed)| {
            let mut e = Embed {
                title: Some("ok".to_string()),
                ..Embed::default()
            };
            f(&mut e);
            DiscordMessage {
                content: String::new(),
                embeds: vec![e],
            }
        };
        assert_eq!(check_limits(&DiscordMessage::default()), Err(LimitViolation::Empty));
        assert_eq!(
            check_limits(&DiscordMessage {
                content: text(2_001),
                embeds: Vec::new()
            }),
            Err(LimitViolation::Content {
                actual: 2_001,
                max: 2_000
            })
        );
        // Chars, not bytes: 2,000 two-byte chars are fine.
        assert!(
            check_limits(&DiscordMessage {
                content: text(2_000),
                embeds: Vec::new()
            })
            .is_ok()
        );
        assert_eq!(
            check_limits(&DiscordMessage {
                content: String::new(),
                embeds: vec![Embed::default(); 11]
            }),
            Err(LimitViolation::EmbedCount { actual: 11, max: 10 })
        );
        let part = |e: LimitViolation| match e {
            LimitViolation::EmbedText { part, actual, max, .. } => Some((part, actual, max)),
            _ => None,
        };
        // (how to break it, which part, chars it then has, limit)
        type Case<'a> = (&'a dyn Fn(&mut Embed), EmbedPart, usize, usize);
        let cases: [Case<'_>; 5] = [
            (&|e| e.title = Some(text(257)), EmbedPart::Title, 257, 256),
            (
                &|e| e.description = Some(text(4_097)),
                EmbedPart::Description,
                4_097,
                4_096,
            ),
            (
                &|e| e.url = Some(format!("https://e.com/{}", "a".repeat(2_048))),
                EmbedPart::Url,
                2_062,
                2_048,
            ),
            (
                &|e| e.footer = Some(EmbedFooter { text: text(2_049) }),
                EmbedPart::FooterText,
                2_049,
                2_048,
            ),
            (
                &|e| e.author = Some(EmbedAuthor { name: text(257) }),
                EmbedPart::AuthorName,
                257,
                256,
            ),
        ];
        for (set, want, actual, max) in cases {
            let err = check_limits(&embed(set)).err();
            assert_eq!(err.clone().and_then(part), Some((want, actual, max)), "{err:?}");
        }
        let field = |name: String, value: String| EmbedField {
            name,
            value,
            inline: false,
        };
        assert_eq!(
            check_limits(&embed(&|e| e.fields = vec![field("n".into(), "v".into()); 26])),
            Err(LimitViolation::FieldCount {
                embed: 0,
                actual: 26,
                max: 25
            })
        );
        assert_eq!(
            check_limits(&embed(
                &|e| e.fields = vec![field("n".into(), "v".into()), field(" ".into(), "v".into())]
            )),
            Err(LimitViolation::BlankField { embed: 0, field: 1 })
        );
        assert_eq!(
            check_limits(&embed(&|e| e.fields = vec![field(text(257), "v".into())])),
            Err(LimitViolation::FieldName {
                embed: 0,
                field: 0,
                actual: 257,
                max: 256
            })
        );
        assert_eq!(
            check_limits(&embed(&|e| e.fields = vec![field("n".into(), text(1_025))])),
            Err(LimitViolation::FieldValue {
                embed: 0,
                field: 0,
                actual: 1_025,
                max: 1_024
            })
        );
        // Each embed within its own limits, 2 × 4,000 together too much.
        let big = Embed {
            description: Some(text(4_000)),
            ..Embed::default()
        };
        let err = check_limits(&DiscordMessage {
            content: String::new(),
            embeds: vec![big.clone(), big],
        });
        assert_eq!(
            err,
            Err(LimitViolation::Total {
                actual: 8_000,
                max: 6_000
            })
        );
        assert!(err.err().is_some_and(|e| e.to_string().contains("8000")));
    }

    #[test]
    fn alert_message_shape() {
        let d = fixture::digest();
        let item = &d.items[1];
        let alert = alert_message(item, d.topic.as_ref(), fixture::now());
        assert_eq!(check_limits(&alert), Ok(()));
        assert!(alert.content.is_empty());
        assert_eq!(alert.embeds.len(), 1);
        let e = &alert.embeds[0];
        assert_eq!(e.author.as_ref().map(|a| a.name.as_str()), Some("⚡ LLMs"));
        assert_eq!(
            e.title.as_deref(),
            Some("Writing an LLM from scratch, part 32k – Interventions: gradient accumulation")
        );
        assert_eq!(
            e.url.as_deref(),
            Some("https://www.gilesthomas.com/2026/04/llm-from-scratch-32k")
        );
        let body = e.description.as_deref().unwrap_or_default();
        assert!(
            body.starts_with("gilesthomas.com · 18h ago · ⭐ 28/30 · 🤖 AI / ML\n**TL;DR** "),
            "{body}"
        );
        assert!(body.contains("💡 **Why it matters:**"));
        assert!(body.ends_with("🏷️ LLM · Training · ai"));
        assert_eq!(e.timestamp.as_deref(), Some("2026-04-15T20:01:00Z"));
        // Without a topic the author still says what it is; a future date is clamped to now.
        let future = &d.items[6];
        let alert = alert_message(future, None, fixture::now());
        assert_eq!(
            alert.embeds[0].author.as_ref().map(|a| a.name.as_str()),
            Some("⚡ Alert")
        );
        assert_eq!(alert.embeds[0].timestamp.as_deref(), Some("2026-04-16T14:01:00Z"));
    }

    #[test]
    fn text_chunks_split_on_lines() {
        assert!(text_chunks("", 10).is_empty());
        assert!(text_chunks("\n\n  \n", 10).is_empty());
        assert_eq!(text_chunks("short", 100), vec!["short"]);
        let text = (1..=30).map(|i| format!("line {i}")).collect::<Vec<_>>().join("\n");
        let chunks = text_chunks(&text, 50);
        assert!(chunks.len() > 1);
        assert!(chunks.iter().all(|c| c.chars().count() <= 50 && !c.trim().is_empty()));
        // Nothing lost or reordered: the lines come back joined.
        assert_eq!(chunks.join("\n"), text);
        // Chunks end between lines, never mid-line.
        assert!(chunks.iter().all(|c| c.lines().all(|l| l.starts_with("line "))));
    }

    #[test]
    fn text_chunks_hard_split_long_lines_char_safely() {
        let line = "日本語🚀".repeat(100);
        let chunks = text_chunks(&format!("before\n{line}\nafter"), 37);
        assert!(
            chunks.iter().all(|c| c.chars().count() <= 37 && !c.is_empty()),
            "{chunks:?}"
        );
        assert_eq!(chunks.concat().replace('\n', ""), format!("before{line}after"));
        assert_eq!(text_chunks("abcdef", 0), vec!["a", "b", "c", "d", "e", "f"]);
    }

    #[test]
    fn text_chunks_close_and_reopen_code_blocks() {
        let code: Vec<String> = (1..=20).map(|i| format!("let x{i} = {i};")).collect();
        let text = format!("Here is code:\n```rust\n{}\n```\nDone.", code.join("\n"));
        let chunks = text_chunks(&text, 80);
        assert!(chunks.len() > 2, "{chunks:?}");
        for c in &chunks {
            assert!(c.chars().count() <= 80, "{c}");
            // Every chunk has balanced fences, so each renders on its own.
            assert_eq!(c.matches("```").count() % 2, 0, "{c}");
        }
        for c in &chunks[1..chunks.len() - 1] {
            assert!(c.starts_with("```rust\n"), "{c}");
            assert!(c.ends_with("\n```"), "{c}");
        }
        assert!(chunks[0].starts_with("Here is code:\n```rust\nlet x1 = 1;"));
        assert!(chunks.last().is_some_and(|c| c.ends_with("Done.")));
        // Every code line is there exactly once.
        let all = chunks.join("\n");
        for line in &code {
            assert_eq!(all.matches(&format!("{line}\n")).count(), 1, "{line}");
        }
    }
}
