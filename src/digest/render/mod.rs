//! Renderers: Markdown, ANSI terminal, JSON, Discord embeds and Matrix HTML views of a
//! [`super::Digest`].
//!
//! Every renderer walks the same outline, [`super::layout::blocks`] — header, highlights, the
//! three must-reads, the data overview, charts, the items by category section (numbered 1..n
//! in the order shown), footer — with the labels and caps defined there, and only maps each
//! block to its syntax. The helpers below say what a block's lines contain. Feed text is
//! untrusted; [`text`] holds the cleaning every renderer applies before showing it.

pub mod discord;
mod json;
mod markdown;
pub mod matrix;
mod terminal;
pub mod text;

pub use json::json;
pub use markdown::markdown;
pub use terminal::terminal;

use super::{Digest, DigestItem};

use super::layout::{BAR_WIDTH, CHART_KEYWORDS, TAG_LINE_KEYWORDS};

/// "LLM: 12 requests · 18,400 tokens · 9 cached · 1 offline", when a model was used.
fn llm_line(digest: &Digest) -> Option<String> {
    let cost = digest.stats.llm?;
    if cost.share_exhausted {
        return Some(
            "offline summaries: this server used its share of today's LLM budget (back at 00:00 UTC)".to_string(),
        );
    }
    let mut line = format!("{} requests · {} tokens", cost.requests, cost.tokens);
    if cost.cache_hits > 0 {
        line.push_str(&format!(" · {} cached", cost.cache_hits));
    }
    if cost.fallbacks > 0 {
        line.push_str(&format!(" · {} offline fallbacks", cost.fallbacks));
    }
    Some(line)
}

/// "⭐ 24/30".
fn score_badge(item: &DigestItem) -> String {
    format!("⭐ {}/30", item.score.total)
}

/// The generated-at stamp shown in headers and footers.
fn stamp(digest: &Digest) -> String {
    digest.generated_at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "Scanned 89 sources → 2542 articles → selected 15".
fn funnel(digest: &Digest) -> String {
    let s = &digest.stats;
    format!(
        "Scanned {} sources → {} articles → selected {}",
        s.sources_ok, s.fetched, s.selected
    )
}

/// "2542 fetched → 26 in window → 20 stories → 15 selected".
fn article_flow(digest: &Digest) -> String {
    let s = &digest.stats;
    format!(
        "{} fetched → {} in window → {} stories → {} selected",
        s.fetched, s.in_window, s.stories, s.selected
    )
}

/// "18/30 (17 passed)".
fn threshold(digest: &Digest) -> String {
    let s = &digest.stats;
    format!("{}/30 ({} passed)", s.min_score, s.above_threshold)
}

/// What an empty edition says instead of items.
fn nothing_message(digest: &Digest) -> String {
    let s = &digest.stats;
    format!(
        "Nothing above the threshold in the last {} h: {} articles in the window, {} stories, none scored {}/30 or more.",
        s.window_hours, s.in_window, s.stories, s.min_score
    )
}

/// Source names for "also covered by", falling back to the link's host when a name is missing.
fn also_covered(item: &DigestItem) -> Vec<(String, &str)> {
    item.also_covered_by
        .iter()
        .enumerate()
        .map(|(i, url)| {
            let name = item
                .also_covered_by_sources
                .get(i)
                .map(|s| text::clean_line(s))
                .filter(|s| !s.is_empty())
                .or_else(|| url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)))
                .unwrap_or_else(|| "another source".to_string());
            (name, url.as_str())
        })
        .collect()
}

/// Keyword bars for the charts, feed text cleaned; backticks would close a Markdown fence.
fn keyword_entries(digest: &Digest, max: usize) -> Vec<(String, u32)> {
    digest
        .keywords
        .iter()
        .take(max)
        .map(|(word, n)| (text::clean_line(word).replace('`', "'"), *n))
        .collect()
}

/// Category bars by name: emoji have unreliable widths in monospace and would skew the bars.
fn category_entries(digest: &Digest) -> Vec<(String, u32)> {
    digest
        .categories
        .iter()
        .map(|(category, n)| (category.name().to_string(), *n))
        .collect()
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A realistic hand-built digest for renderer and chart tests.

    use chrono::{DateTime, Duration, TimeZone, Utc};

    use crate::digest::{Digest, DigestItem, DigestStats, TopicRef};
    use crate::pipeline::category::Category;
    use crate::pipeline::glossary::DecoderEntry;
    use crate::pipeline::score::Score;

    pub(crate) const EVIL_TITLE: &str =
        "\u{1b}[31mBreaking\u{1b}[0m: @everyone see [fake](http://evil.example) <@123456> \u{1b}]0;pwned\u{07}now";

    pub(crate) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 16, 14, 1, 0).single().unwrap_or_default()
    }

    #[allow(clippy::too_many_arguments)]
    fn item(
        rank: u32,
        title: &str,
        url: &str,
        source: &str,
        hours_ago: i64,
        category: Category,
        total: u8,
        tags: &[&str],
    ) -> DigestItem {
        DigestItem {
            rank,
            title: title.to_string(),
            url: url.to_string(),
            source: source.to_string(),
            published_at: now() - Duration::hours(hours_ago),
            category,
            topics: vec!["llm".to_string()],
            score: Score {
                relevance: total / 3,
                quality: total / 3,
                timeliness: total - 2 * (total / 3),
                total,
                reasons: vec!["matches llm (strong)".to_string(), format!("{hours_ago} h old")],
            },
            tldr: format!("{title} in one line."),
            summary: "The article explains the idea in detail, with numbers and a worked example. \
                      It closes with what the author would do next."
                .to_string(),
            bullets: vec![
                "First key point of the piece.".to_string(),
                "Second key point, with a caveat.".to_string(),
            ],
            why_it_matters: Some("It changes how practitioners approach the problem.".to_string()),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            decoder: vec![DecoderEntry {
                term: "LLM".to_string(),
                definition: "large language model, a neural network trained on text".to_string(),
            }],
            also_covered_by: Vec::new(),
            also_covered_by_sources: Vec::new(),
            summarizer: "extractive".to_string(),
        }
    }

    pub(crate) fn digest() -> Digest {
        let mut items = vec![
            item(
                1,
                "Jensen Huang – TPU competition, why we should sell chips to China, & Nvidia’s supply chain moat",
                "https://www.dwarkesh.com/p/jensen-huang",
                "dwarkesh.com",
                22,
                Category::OpinionEssays,
                29,
                &["Nvidia", "AI chips", "supply chain"],
            ),
            item(
                2,
                "Writing an LLM from scratch, part 32k – Interventions: gradient accumulation",
                "https://www.gilesthomas.com/2026/04/llm-from-scratch-32k",
                "gilesthomas.com",
                18,
                Category::AiMl,
                28,
                &["LLM", "Training", "ai"],
            ),
            item(
                3,
                EVIL_TITLE,
                "javascript:alert(1)",
                "evil <b>feed</b> @here",
                3,
                Category::Security,
                26,
                &["ai", "security"],
            ),
            item(
                4,
                "Gemini 3.1 Flash TTS",
                "https://simonwillison.net/2026/Apr/15/gemini-tts/",
                "simonwillison.net",
                20,
                Category::AiMl,
                24,
                &["Gemini", "TTS", "ai"],
            ),
            item(
                5,
                "SQLAlchemy 2 In Practice - Chapter 5 - Advanced Many-To-Many Relationships",
                "https://blog.miguelgrinberg.com/post/sqlalchemy-2-in-practice-chapter-5",
                "miguelgrinberg.com",
                2,
                Category::Engineering,
                24,
                &["SQLAlchemy", "Python"],
            ),
            item(
                6,
                "datasette 1.0a27",
                "https://simonwillison.net/2026/Apr/16/datasette/",
                "simonwillison.net",
                14,
                Category::ToolsOpenSource,
                22,
                &["Datasette", "security"],
            ),
            item(
                7,
                "Rust (programming language) turns 11",
                "https://en.wikipedia.org/wiki/Rust_(programming_language)",
                "wikipedia.org",
                // Published "in the future" by a skewed feed clock: ages must not go negative.
                -3,
                Category::AiMl,
                19,
                &["rust"],
            ),
        ];
        items[1].also_covered_by = vec![
            "https://news.ycombinator.com/item?id=1".to_string(),
            "javascript:alert(2)".to_string(),
        ];
        items[1].also_covered_by_sources = vec!["Hacker News".to_string(), "[bad](http://evil)".to_string()];
        items[3].why_it_matters = None;
        items[3].decoder.clear();
        items[2].summary = "# Not a heading\n> not a quote\n- not a list @everyone".to_string();
        items[2].bullets = vec!["- nested? no".to_string(), "|table|cell|".to_string()];
        Digest {
            title: "📰 AI Daily Digest — 2026-04-16".to_string(),
            generated_at: now(),
            topic: Some(TopicRef {
                slug: "llm".to_string(),
                name: "LLMs".to_string(),
            }),
            highlights: "Chips, local training and a new TTS model lead the day.".to_string(),
            stats: DigestStats {
                sources_ok: 89,
                sources_total: 92,
                fetched: 2542,
                in_window: 26,
                stories: 21,
                above_threshold: 17,
                selected: 7,
                window_hours: 24,
                min_score: 18,
                llm: None,
            },
            items,
            keywords: vec![
                ("ai".to_string(), 3),
                ("security".to_string(), 2),
                ("nvidia".to_string(), 1),
                ("ai chips".to_string(), 1),
                ("supply chain".to_string(), 1),
                ("llm".to_string(), 1),
                ("training".to_string(), 1),
                ("gemini".to_string(), 1),
                ("tts".to_string(), 1),
                ("sqlalchemy".to_string(), 1),
                ("python".to_string(), 1),
                ("datasette".to_string(), 1),
            ],
            categories: vec![
                (Category::AiMl, 3),
                (Category::Security, 1),
                (Category::Engineering, 1),
                (Category::ToolsOpenSource, 1),
                (Category::OpinionEssays, 1),
            ],
        }
    }

    pub(crate) fn empty_digest() -> Digest {
        let mut d = digest();
        d.items.clear();
        d.keywords.clear();
        d.categories.clear();
        d.highlights.clear();
        d.stats.selected = 0;
        d.stats.above_threshold = 0;
        d
    }
}
