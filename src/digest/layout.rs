//! One layout of the edition. Every renderer (Markdown, terminal, Matrix, Discord) shows the
//! same outline — header, highlights, must-read, data overview, charts, sections of items,
//! footer — so the outline is decided here once, as a list of [`Block`]s, together with every
//! label and every per-part length cap. A renderer only maps blocks to its syntax and splits
//! messages on block boundaries. Pure: no I/O.

use std::collections::HashMap;

use super::{Digest, DigestItem};
use crate::pipeline::category::Category;

/// Every label an edition shows, spelled once.
pub mod label {
    pub const HIGHLIGHTS: &str = "✨ Today's Highlights";
    pub const MUST_READ: &str = "🔥 Must Read";
    pub const OVERVIEW: &str = "📊 Data Overview";
    pub const KEYWORDS: &str = "🔑 Top Keywords";
    pub const CATEGORIES: &str = "🗂️ Category Distribution";
    pub const TOPIC_TAGS: &str = "Topic Tags:";
    pub const TLDR: &str = "TL;DR";
    pub const WHY: &str = "Why it matters:";
    pub const WHY_ICON: &str = "💡";
    pub const DEEP_DIVE: &str = "Deep dive:";
    pub const DECODER_ICON: &str = "📖";
    pub const TAGS_ICON: &str = "🏷️";
    pub const ALSO_COVERED: &str = "Also covered by:";
    pub const LLM: &str = "LLM editor:";
    /// The data overview's columns.
    pub const SOURCES_SCANNED: &str = "Sources scanned";
    pub const ARTICLES: &str = "Articles";
    pub const WINDOW: &str = "Window";
    pub const MIN_SCORE: &str = "Min score";
    pub const TAGS: &str = "Tags:";

    /// A heading without its emoji, for a monospace terminal (emoji have unreliable widths
    /// there): "✨ Today's Highlights" → "Today's Highlights".
    pub fn plain(label: &str) -> &str {
        label
            .split_once(' ')
            .filter(|(first, _)| !first.chars().any(char::is_alphanumeric))
            .map_or(label, |(_, rest)| rest)
    }
}

/// How much of each part of an item (and of the edition) is shown, in characters: feed text
/// is unbounded, and one runaway summary must not push the rest of a message over a chat
/// platform's limit. Chat renderers cut to these; the Markdown and terminal editions show
/// everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub title: usize,
    pub source: usize,
    pub tldr: usize,
    pub summary: usize,
    pub bullet: usize,
    pub bullets: usize,
    pub why: usize,
    pub decoder_entries: usize,
    pub decoder_entry: usize,
    pub tag: usize,
    pub tags: usize,
    pub also_covered: usize,
    pub also_covered_name: usize,
    pub highlights: usize,
    pub must_read_title: usize,
    pub topic: usize,
}

/// The caps every chat edition uses.
pub const CAPS: Caps = Caps {
    title: 256,
    source: 100,
    tldr: 500,
    summary: 1_200,
    bullet: 300,
    bullets: 6,
    why: 500,
    decoder_entries: 4,
    decoder_entry: 250,
    tag: 40,
    tags: 12,
    also_covered: 5,
    also_covered_name: 60,
    highlights: 800,
    must_read_title: 120,
    topic: 100,
};

/// How many keywords the bar charts show, and how many the tag line lists.
pub const CHART_KEYWORDS: usize = 10;
pub const TAG_LINE_KEYWORDS: usize = 20;
/// Bar length, in cells, of the text charts.
pub const BAR_WIDTH: usize = 20;

/// One part of the edition's outline.
#[derive(Debug, Clone, PartialEq)]
pub enum Block<'a> {
    /// Title and "generated … · last N h · topic".
    Header,
    /// An empty edition says why instead of showing items.
    Nothing,
    Highlights(&'a str),
    /// The top three, each with the number it is shown under below.
    MustRead(Vec<(&'a DigestItem, Option<usize>)>),
    Overview,
    /// Keyword and category bars (what a chart image shows, where images can go).
    Charts,
    /// A category heading, before the first item under it.
    Section(Category),
    /// An item with its number (1..n across the edition, in the order shown).
    Item(usize, &'a DigestItem),
    Footer,
}

/// The outline of `digest`, in the order every edition shows it.
pub fn blocks(digest: &Digest) -> Vec<Block<'_>> {
    let mut out = vec![Block::Header];
    if digest.items.is_empty() {
        out.extend([Block::Nothing, Block::Overview, Block::Footer]);
        return out;
    }
    if !digest.highlights.trim().is_empty() {
        out.push(Block::Highlights(&digest.highlights));
    }
    let numbers = display_numbers(digest);
    out.push(Block::MustRead(
        digest
            .must_read()
            .iter()
            .map(|item| (item, numbers.get(&item.rank).copied()))
            .collect(),
    ));
    out.push(Block::Overview);
    out.push(Block::Charts);
    let mut n = 0;
    for (category, items) in digest.sections() {
        out.push(Block::Section(category));
        for item in items {
            n += 1;
            out.push(Block::Item(n, item));
        }
    }
    out.push(Block::Footer);
    out
}

/// The number each item is shown under: sections in category order, rank order inside each,
/// counted 1..n across the whole digest. Keyed by rank.
pub fn display_numbers(digest: &Digest) -> HashMap<u32, usize> {
    digest
        .sections()
        .iter()
        .flat_map(|(_, items)| items.iter().map(|item| item.rank))
        .enumerate()
        .map(|(i, rank)| (rank, i + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::render::fixture;

    #[test]
    fn an_edition_runs_header_to_footer_with_items_numbered_in_the_order_shown() {
        let digest = fixture::digest();
        let outline = blocks(&digest);
        assert_eq!(outline.first(), Some(&Block::Header));
        assert_eq!(outline.last(), Some(&Block::Footer));
        let numbers: Vec<usize> = outline
            .iter()
            .filter_map(|b| match b {
                Block::Item(n, _) => Some(*n),
                _ => None,
            })
            .collect();
        assert_eq!(numbers, (1..=digest.items.len()).collect::<Vec<_>>());
        // A section heading comes right before the first item under it.
        for (i, block) in outline.iter().enumerate() {
            if let Block::Section(category) = block {
                assert!(matches!(outline.get(i + 1), Some(Block::Item(_, item)) if item.category == *category));
            }
        }
    }

    #[test]
    fn display_numbers_follow_sections() {
        let d = fixture::digest();
        let numbers = display_numbers(&d);
        // AI / ML comes first: ranks 2, 4, 7; the opinion piece (rank 1) is shown last.
        assert_eq!(numbers[&2], 1);
        assert_eq!(numbers[&4], 2);
        assert_eq!(numbers[&7], 3);
        assert_eq!(numbers[&1], 7);
        assert_eq!(numbers.len(), d.items.len());
    }

    #[test]
    fn plain_labels_drop_their_emoji() {
        assert_eq!(label::plain(label::HIGHLIGHTS), "Today's Highlights");
        assert_eq!(label::plain(label::CATEGORIES), "Category Distribution");
        assert_eq!(label::plain(label::TLDR), "TL;DR");
    }

    #[test]
    fn an_empty_edition_says_nothing_was_found_and_keeps_the_overview() {
        let mut digest = fixture::digest();
        digest.items.clear();
        assert_eq!(
            blocks(&digest),
            vec![Block::Header, Block::Nothing, Block::Overview, Block::Footer]
        );
    }
}
