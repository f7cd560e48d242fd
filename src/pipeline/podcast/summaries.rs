//! Summaries: one or two extractive sentences per segment, and the episode's TL;DR and
//! bullets built from the segment titles.

use std::collections::{HashMap, HashSet};

use super::TopicSegment;
use super::titles::{entities, is_chatty, strip_presenter};
use super::units::{Cue, Unit, content_terms};

/// Summaries longer than this many words are cut with an ellipsis.
const MAX_SUMMARY_SENTENCE_WORDS: usize = 45;
const MAX_SUMMARY_WORDS: usize = 75;

/// One or two sentences of the segment: the one that introduces the story and, when one
/// stands out, the most informative of those that follow.
pub(super) fn segment_summary(members: &[&Unit], lead: usize) -> String {
    let lead = (lead..members.len())
        .find(|&k| content_count(&strip_presenter(&members[k].text)) >= 3)
        .unwrap_or(lead.min(members.len().saturating_sub(1)));
    let Some(first) = members.get(lead) else {
        return String::new();
    };
    let mut parts = vec![cap_words(&first.text, MAX_SUMMARY_SENTENCE_WORDS)];

    let mut segment_terms: HashMap<&str, usize> = HashMap::new();
    for u in members {
        for t in &u.terms {
            *segment_terms.entry(t.as_str()).or_default() += 1;
        }
    }
    let best = members
        .iter()
        .enumerate()
        .skip(lead + 1)
        .take(12)
        .filter(|(_, u)| (8..=MAX_SUMMARY_SENTENCE_WORDS).contains(&u.words))
        // Lead bias: the sentences right after the introduction usually carry its facts.
        .map(|(k, u)| (k, fact_score(u, &segment_terms) + 1.5 / (k - lead) as f64))
        .filter(|&(_, score)| score > 1.0)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((k, _)) = best {
        let total = first.words.min(MAX_SUMMARY_SENTENCE_WORDS) + members[k].words;
        if total <= MAX_SUMMARY_WORDS {
            parts.push(members[k].text.clone());
        }
    }
    parts.join(" ")
}

/// How much a sentence states rather than chats: names, numbers and the segment's own
/// vocabulary count for it; filler openings, questions and first-person talk against it.
fn fact_score(u: &Unit, segment_terms: &HashMap<&str, usize>) -> f64 {
    let lower = u.text.to_lowercase();
    let mut score = 0.0;
    score += entities(&u.text, true).len() as f64 * 0.8;
    score += u
        .text
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count() as f64
        * 0.6;
    let shared = u
        .terms
        .iter()
        .filter(|t| segment_terms.get(t.as_str()).is_some_and(|&c| c >= 3))
        .count();
    score += shared as f64 * 0.3;
    if is_chatty(&lower) {
        score -= 1.5;
    }
    if lower.contains(" i ") || lower.starts_with("i ") {
        score -= 0.8;
    }
    if u.text.trim_end().ends_with('?') {
        score -= 1.5;
    }
    if u.cue != Cue::None {
        score -= 1.0;
    }
    score / (u.words as f64).sqrt() * 4.0
}

fn cap_words(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= max {
        return words.join(" ");
    }
    format!("{}…", words[..max].join(" ").trim_end_matches([',', ';', ':']))
}

/// Distinct content words.
pub(super) fn content_count(text: &str) -> usize {
    content_terms(text).into_iter().collect::<HashSet<_>>().len()
}

// ---------------------------------------------------------------------------------------
// Episode summary

pub(super) fn episode_tldr(title: &str, stories: &[String]) -> String {
    const MAX_WORDS: usize = 40;
    let title = title.trim();
    let opening = if title.is_empty() {
        format!("This episode covers {} stories", stories.len())
    } else {
        format!("{title} covers {} stories", stories.len())
    };
    for shown in (1..=stories.len().min(3)).rev() {
        let list = match shown {
            1 => stories[0].clone(),
            _ => format!("{} and {}", stories[..shown - 1].join(", "), stories[shown - 1]),
        };
        let sentence = if stories.len() == 1 {
            format!("{opening}: {list}.")
        } else {
            format!("{opening}, including {list}.")
        }
        .replacen("covers 1 stories", "covers one story", 1);
        if sentence.split_whitespace().count() <= MAX_WORDS {
            return sentence;
        }
    }
    cap_words(&format!("{opening}."), MAX_WORDS)
}

/// Titles of the longest segments, in episode order, three to six of them.
pub(super) fn top_titles(topics: &[TopicSegment], ranges: &[Vec<usize>], units: &[Unit]) -> Vec<String> {
    let mut by_length: Vec<(usize, usize)> = ranges
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.iter().map(|&i| units[i].words).sum::<usize>())
        .enumerate()
        .collect();
    by_length.sort_by_key(|&(_, words)| std::cmp::Reverse(words));
    let mut chosen: Vec<usize> = by_length.iter().take(6).map(|&(k, _)| k).collect();
    chosen.sort_unstable();
    chosen
        .into_iter()
        .filter_map(|k| topics.get(k).map(|t| t.title.clone()))
        .collect()
}
