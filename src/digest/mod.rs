//! The digest: what was selected, composed into one edition, and its renderings.
//!
//! [`compose`] turns scored, summarised clusters into a [`Digest`] (pure, `now` passed in);
//! [`render`] writes it as Markdown, an ANSI terminal view or JSON, and [`chart`] draws the
//! keyword and category charts as a PNG or as text bars. An [`edition::Edition`] is one
//! composed digest shared by every channel that receives it, rendered once per platform.

pub mod chart;
pub mod compose;
pub mod edition;
pub mod layout;
pub mod render;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::pipeline::category::Category;
use crate::pipeline::glossary::DecoderEntry;
use crate::pipeline::score::Score;

/// One edition, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    /// e.g. "📰 AI Daily Digest — 2026-11-23" or "📰 Agents Digest — 2026-11-23".
    pub title: String,
    pub generated_at: DateTime<Utc>,
    /// The topic the digest was filtered to, when one was asked for.
    pub topic: Option<TopicRef>,
    /// The day's two or three themes, in prose built from the selected items.
    pub highlights: String,
    pub stats: DigestStats,
    /// Best first; `rank` 1 is the top story. Must-reads are the first three.
    pub items: Vec<DigestItem>,
    /// Most frequent tags across the selected items, most frequent first.
    pub keywords: Vec<(String, u32)>,
    /// Selected items per category, in section order, categories with none left out.
    pub categories: Vec<(Category, u32)>,
}

impl Digest {
    /// The must-read items: the top three by rank.
    pub fn must_read(&self) -> &[DigestItem] {
        &self.items[..self.items.len().min(3)]
    }

    /// Items grouped into sections in [`Category`] order; items keep rank order inside a section.
    pub fn sections(&self) -> Vec<(Category, Vec<&DigestItem>)> {
        Category::ALL
            .iter()
            .map(|&category| {
                (
                    category,
                    self.items.iter().filter(|i| i.category == category).collect::<Vec<_>>(),
                )
            })
            .filter(|(_, items)| !items.is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicRef {
    pub slug: String,
    pub name: String,
}

/// The data overview: how much was looked at to pick what was picked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DigestStats {
    /// Enabled sources whose last poll succeeded.
    pub sources_ok: u32,
    /// Enabled sources.
    pub sources_total: u32,
    /// Articles stored in total (what fetching has brought in).
    pub fetched: u32,
    /// Articles published inside the window (and matching the topic, when one is set).
    pub in_window: u32,
    /// Distinct stories in the window once near-duplicates are clustered.
    pub stories: u32,
    /// Stories at or above the minimum score.
    pub above_threshold: u32,
    pub selected: u32,
    pub window_hours: u32,
    pub min_score: u8,
    /// What the LLM editor spent on this edition, when one is configured.
    pub llm: Option<LlmCost>,
}

/// Requests and tokens an edition cost at the model endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LlmCost {
    pub requests: u32,
    pub cache_hits: u32,
    pub tokens: u64,
    /// Items that fell back on the offline path (failure, timeout, budget).
    pub fallbacks: u32,
    /// The server this edition is for spent its share of today's LLM budget
    /// (`llm.max_tokens_per_server_day`): the edition was made offline.
    pub share_exhausted: bool,
}

/// One selected story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestItem {
    pub rank: u32,
    pub title: String,
    pub url: String,
    /// Display name of the source, e.g. "simonwillison.net" or the feed title.
    pub source: String,
    pub published_at: DateTime<Utc>,
    pub category: Category,
    /// Slugs of the topics the story matched.
    pub topics: Vec<String>,
    pub score: Score,
    pub tldr: String,
    pub summary: String,
    pub bullets: Vec<String>,
    pub why_it_matters: Option<String>,
    pub tags: Vec<String>,
    pub decoder: Vec<DecoderEntry>,
    /// Other articles of the same cluster: their links.
    pub also_covered_by: Vec<String>,
    /// Display names of the sources of `also_covered_by`, same order.
    pub also_covered_by_sources: Vec<String>,
    /// `extractive` or `llm`.
    pub summarizer: String,
}

/// "3h ago", "2d ago", "just now": never negative, whatever the clock says.
pub fn age(published_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - published_at).num_minutes().max(0);
    match minutes {
        0 => "just now".to_string(),
        1..=59 => format!("{minutes}m ago"),
        60..=2879 => format!("{}h ago", minutes / 60),
        _ => format!("{}d ago", minutes / 1440),
    }
}
