//! Composition: picking the day's stories out of a window of articles, then writing the
//! edition around them. Pure: the caller reads the store, runs the summariser on the picks
//! and passes `now`.
//!
//! [`select`] clusters near-duplicates, scores each story through its best article, drops
//! what is below the minimum, keeps at most a few stories per source so one prolific blog
//! cannot fill the digest, and returns the best `max_items`. [`compose`] adds the
//! highlights paragraph, keyword and category counts and the data overview.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::{Digest, DigestItem, DigestStats, TopicRef};
use crate::pipeline::category::{Category, categorize};
use crate::pipeline::cluster::{ClusterInput, cluster};
use crate::pipeline::score::{Score, ScoreInput, score};
use crate::pipeline::summarize::Summary;
use crate::pipeline::topics::{TopicInput, TopicMatch};

/// The podcast topic says what a story is, not what it is about: it never makes a story
/// relevant on its own in a general digest.
const FORMAT_TOPICS: &[&str] = &["podcasts"];

/// One article of the window, as the pipeline sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub title: String,
    pub url: Option<String>,
    /// The start of the text (clustering, tagging and categories read only this).
    pub lead: String,
    pub text_words: usize,
    pub published_at: DateTime<Utc>,
    pub date_missing: bool,
    pub excerpt_only: bool,
    pub source_id: i64,
    pub source_name: String,
    pub source_url: String,
    pub source_weight: f64,
    pub is_podcast: bool,
    pub has_transcript: bool,
    /// Matched topic slugs with their strength, strongest first.
    pub topics: Vec<(String, f32)>,
    /// Other sources that carried the same link: (display name, source URL).
    pub sightings: Vec<(String, String)>,
}

/// What a digest is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectOptions {
    /// Only stories matching this topic.
    pub topic: Option<TopicRef>,
    pub window_hours: u32,
    pub min_score: u8,
    pub max_items: usize,
    /// Display names of topic slugs, for score reasons and highlights.
    pub topic_names: HashMap<String, String>,
}

/// One story picked for the digest: a cluster shown through its best article.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// Index of the article shown, into the candidates.
    pub lead: usize,
    /// Every article of the cluster (the shown one included), as candidate indices.
    pub members: Vec<usize>,
    pub score: Score,
    pub category: Category,
    /// The topic that made it relevant, when one did.
    pub topic: Option<String>,
}

/// The outcome of selection, with the counts of the data overview.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub in_window: usize,
    pub stories: usize,
    pub above_threshold: usize,
    /// Best first.
    pub picked: Vec<Story>,
}

/// Picks the stories of a digest from the window's candidates.
pub fn select(candidates: &[Candidate], options: &SelectOptions, now: DateTime<Utc>) -> Selection {
    let wanted: Vec<usize> = (0..candidates.len())
        .filter(|&i| match &options.topic {
            Some(topic) => candidates[i].topics.iter().any(|(slug, _)| *slug == topic.slug),
            None => true,
        })
        .collect();

    let inputs: Vec<ClusterInput<'_>> = wanted
        .iter()
        .map(|&i| ClusterInput {
            title: &candidates[i].title,
            lead: &candidates[i].lead,
            published_at: candidates[i].published_at,
            url: candidates[i].url.as_deref(),
        })
        .collect();
    let clustering = std::time::Instant::now();
    let clusters = cluster(&inputs);
    let clustered = clustering.elapsed();

    let mut stories: Vec<Story> = clusters
        .iter()
        .map(|group| {
            let members: Vec<usize> = group.iter().map(|&k| wanted[k]).collect();
            story(candidates, members, options, now)
        })
        .collect();
    tracing::debug!(
        cluster_ms = clustered.as_millis() as u64,
        stories_ms = (clustering.elapsed() - clustered).as_millis() as u64,
        "selection"
    );
    let story_count = stories.len();
    stories.retain(|s| s.score.total >= options.min_score);
    let above_threshold = stories.len();

    let picked = pick(candidates, stories, options.max_items);

    Selection {
        in_window: wanted.len(),
        stories: story_count,
        above_threshold,
        picked,
    }
}

/// The best `max_items` of `stories`, at most a few per source (max/5, at least 2) so one
/// prolific blog cannot fill the digest, unless nothing else is left; best first.
pub fn pick(candidates: &[Candidate], mut stories: Vec<Story>, max_items: usize) -> Vec<Story> {
    stories.sort_by(|a, b| {
        b.score
            .total
            .cmp(&a.score.total)
            .then(b.score.relevance.cmp(&a.score.relevance))
            .then(candidates[b.lead].published_at.cmp(&candidates[a.lead].published_at))
            .then(candidates[a.lead].id.cmp(&candidates[b.lead].id))
    });

    let per_source_cap = (max_items / 5).max(2);
    let mut per_source: HashMap<i64, usize> = HashMap::new();
    let mut picked = Vec::new();
    let mut held_back = Vec::new();
    for story in stories {
        if picked.len() >= max_items {
            break;
        }
        let count = per_source.entry(candidates[story.lead].source_id).or_default();
        if *count >= per_source_cap {
            held_back.push(story);
            continue;
        }
        *count += 1;
        picked.push(story);
    }
    // A quiet day with one prolific source still fills the digest rather than leave room empty.
    let room = max_items.saturating_sub(picked.len());
    picked.extend(held_back.into_iter().take(room));
    picked.sort_by(|a, b| {
        b.score
            .total
            .cmp(&a.score.total)
            .then(candidates[b.lead].published_at.cmp(&candidates[a.lead].published_at))
    });
    picked
}

fn story(candidates: &[Candidate], members: Vec<usize>, options: &SelectOptions, now: DateTime<Utc>) -> Story {
    // The article shown is the most substantial one from the most trusted source; the
    // earliest wins ties, since it broke the story.
    let lead = members
        .iter()
        .copied()
        .max_by(|&a, &b| {
            let (ca, cb) = (&candidates[a], &candidates[b]);
            ca.source_weight
                .total_cmp(&cb.source_weight)
                .then((!ca.excerpt_only).cmp(&!cb.excerpt_only))
                .then(ca.text_words.min(1500).cmp(&cb.text_words.min(1500)))
                .then(cb.published_at.cmp(&ca.published_at))
                .then(cb.id.cmp(&ca.id))
        })
        .unwrap_or(members[0]);
    let shown = &candidates[lead];

    let mut sources: HashSet<&str> = HashSet::new();
    for &m in &members {
        sources.insert(&candidates[m].source_url);
        for (_, url) in &candidates[m].sightings {
            sources.insert(url);
        }
    }

    let mut topic_strengths: BTreeMap<&str, f32> = BTreeMap::new();
    for &m in &members {
        for (slug, strength) in &candidates[m].topics {
            let entry = topic_strengths.entry(slug).or_default();
            *entry = entry.max(*strength);
        }
    }
    let relevant_topic: Option<(&str, f32)> = match &options.topic {
        Some(topic) => topic_strengths
            .get(topic.slug.as_str())
            .map(|&s| (topic.slug.as_str(), s)),
        None => topic_strengths
            .iter()
            .filter(|(slug, _)| !FORMAT_TOPICS.contains(slug))
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(slug, s)| (*slug, *s)),
    };
    let topic_name = relevant_topic.map(|(slug, _)| options.topic_names.get(slug).map_or(slug, String::as_str));
    let earliest = members
        .iter()
        .map(|&m| candidates[m].published_at)
        .min()
        .unwrap_or(shown.published_at);
    let input = ScoreInput {
        topic: topic_name.zip(relevant_topic.map(|(_, s)| s)),
        topics_matched: topic_strengths.keys().filter(|s| !FORMAT_TOPICS.contains(s)).count(),
        text_words: shown.text_words,
        excerpt_only: shown.excerpt_only,
        source_weight: shown.source_weight,
        sources: sources.len(),
        // A story is as fresh as its first telling, not its latest echo.
        published_at: earliest,
        date_missing: shown.date_missing,
        has_transcript: shown.has_transcript,
    };
    let score = score(&input, now, options.window_hours);

    let matches: Vec<TopicMatch> = shown
        .topics
        .iter()
        .map(|(slug, strength)| TopicMatch {
            slug: slug.clone(),
            strength: *strength,
            matched: Vec::new(),
        })
        .collect();
    let category = categorize(
        &TopicInput {
            title: &shown.title,
            text: &shown.lead,
            is_podcast: shown.is_podcast,
            source_url: &shown.source_url,
        },
        &matches,
    );
    Story {
        lead,
        members,
        score,
        category,
        topic: relevant_topic.map(|(slug, _)| slug.to_string()),
    }
}

/// Counts for the data overview that come from outside the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreTotals {
    pub sources_ok: u32,
    pub sources_total: u32,
    pub articles: u32,
}

/// Writes the edition: `summaries[i]` belongs to `selection.picked[i]`.
pub fn compose(
    candidates: &[Candidate],
    selection: &Selection,
    summaries: &[Summary],
    options: &SelectOptions,
    totals: StoreTotals,
    now: DateTime<Utc>,
) -> Digest {
    let items: Vec<DigestItem> = selection
        .picked
        .iter()
        .zip(summaries)
        .enumerate()
        .map(|(i, (story, summary))| {
            let shown = &candidates[story.lead];
            let mut also_urls = Vec::new();
            let mut also_sources = Vec::new();
            let mut seen_sources: HashSet<&str> = HashSet::from([shown.source_url.as_str()]);
            for &m in &story.members {
                let other = &candidates[m];
                if m != story.lead && seen_sources.insert(&other.source_url) {
                    if let Some(url) = other.url.as_deref().filter(|u| Some(*u) != shown.url.as_deref()) {
                        also_urls.push(url.to_string());
                    }
                    also_sources.push(other.source_name.clone());
                }
                for (name, source_url) in &other.sightings {
                    if seen_sources.insert(source_url) {
                        also_sources.push(name.clone());
                    }
                }
            }
            let mut topics: Vec<(String, f32)> = shown.topics.clone();
            topics.sort_by(|a, b| b.1.total_cmp(&a.1));
            DigestItem {
                rank: (i + 1) as u32,
                title: shown.title.clone(),
                url: shown.url.clone().unwrap_or_default(),
                source: shown.source_name.clone(),
                published_at: shown.published_at.min(now),
                category: story.category,
                topics: topics.into_iter().map(|(slug, _)| slug).collect(),
                score: story.score.clone(),
                tldr: summary.tldr.clone(),
                summary: summary.summary.clone(),
                bullets: summary.bullets.clone(),
                why_it_matters: summary.why_it_matters.clone(),
                tags: summary.tags.clone(),
                decoder: summary.decoder.clone(),
                also_covered_by: also_urls,
                also_covered_by_sources: also_sources,
                summarizer: summary.summarizer.clone(),
            }
        })
        .collect();

    let keywords = keyword_counts(&items, 12);
    let mut per_category: BTreeMap<Category, u32> = BTreeMap::new();
    for item in &items {
        *per_category.entry(item.category).or_default() += 1;
    }
    let highlights = highlights(&items, selection, options);
    let title = match (&options.topic, options.window_hours) {
        (None, 24) => format!("📰 AI Daily Digest — {}", now.format("%Y-%m-%d")),
        (None, h) => format!("📰 AI Digest — {} (last {h} h)", now.format("%Y-%m-%d")),
        (Some(topic), 24) => format!("📰 {} — AI Daily Digest — {}", topic.name, now.format("%Y-%m-%d")),
        (Some(topic), h) => format!(
            "📰 {} — AI Digest — {} (last {h} h)",
            topic.name,
            now.format("%Y-%m-%d")
        ),
    };
    Digest {
        title,
        generated_at: now,
        topic: options.topic.clone(),
        highlights,
        stats: DigestStats {
            sources_ok: totals.sources_ok,
            sources_total: totals.sources_total,
            fetched: totals.articles,
            in_window: selection.in_window as u32,
            stories: selection.stories as u32,
            above_threshold: selection.above_threshold as u32,
            selected: items.len() as u32,
            window_hours: options.window_hours,
            min_score: options.min_score,
            llm: None,
        },
        items,
        keywords,
        categories: per_category.into_iter().collect(),
    }
}

/// Tag counts over the selected items, most frequent first, ties alphabetical.
fn keyword_counts(items: &[DigestItem], limit: usize) -> Vec<(String, u32)> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for item in items {
        let unique: HashSet<String> = item.tags.iter().map(|t| t.trim().to_lowercase()).collect();
        for tag in unique.into_iter().filter(|t| !t.is_empty()) {
            *counts.entry(tag).or_default() += 1;
        }
    }
    let mut counts: Vec<(String, u32)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.truncate(limit);
    counts
}

/// The day's two or three themes: the topics most of the selected stories share, each with
/// its leading stories, then the most widely covered story. Built only from what was picked.
fn highlights(items: &[DigestItem], selection: &Selection, options: &SelectOptions) -> String {
    if items.is_empty() {
        return format!(
            "Nothing reached the minimum score of {} in the last {} hours.",
            options.min_score, options.window_hours
        );
    }
    let sources: HashSet<&str> = items.iter().map(|i| i.source.as_str()).collect();
    let mut text = format!(
        "{} {} from {} {}, picked from {} in the window.",
        items.len(),
        if items.len() == 1 { "story" } else { "stories" },
        sources.len(),
        if sources.len() == 1 { "source" } else { "sources" },
        plural(selection.in_window, "article"),
    );

    let mut by_theme: BTreeMap<&str, Vec<&DigestItem>> = BTreeMap::new();
    for (item, story) in items.iter().zip(&selection.picked) {
        if let Some(topic) = story.topic.as_deref() {
            by_theme.entry(topic).or_default().push(item);
        }
    }
    let mut themes: Vec<(&str, Vec<&DigestItem>)> = by_theme.into_iter().collect();
    themes.sort_by(|a, b| {
        let weight = |items: &Vec<&DigestItem>| items.iter().map(|i| u32::from(i.score.total)).sum::<u32>();
        weight(&b.1).cmp(&weight(&a.1)).then(a.0.cmp(b.0))
    });
    let mut mentioned: HashSet<u32> = HashSet::new();
    for (n, (slug, theme_items)) in themes.iter().take(3).enumerate() {
        let name = options.topic_names.get(*slug).map_or(*slug, String::as_str);
        let examples: Vec<String> = theme_items
            .iter()
            .filter(|i| mentioned.insert(i.rank))
            .take(2)
            .map(|i| format!("“{}” ({})", short_title(&i.title), i.source))
            .collect();
        if examples.is_empty() {
            continue;
        }
        let count = plural(theme_items.len(), "story");
        let lead_in = match n {
            0 => format!(" {name} leads with {count}"),
            1 => format!(" {name} follows with {count}"),
            _ => format!(" {name} adds {count}"),
        };
        text.push_str(&lead_in);
        text.push_str(if examples.len() == 1 {
            ", notably "
        } else {
            ", among them "
        });
        text.push_str(&examples.join(" and "));
        text.push('.');
    }
    if let Some(widest) = items
        .iter()
        .max_by_key(|i| (i.also_covered_by_sources.len(), i.score.total))
        && !widest.also_covered_by_sources.is_empty()
    {
        text.push_str(&format!(
            " The most widely covered story, “{}”, was carried by {} sources.",
            short_title(&widest.title),
            widest.also_covered_by_sources.len() + 1
        ));
    }
    text
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "story") => format!("{n} stories"),
        _ => format!("{n} {word}s"),
    }
}

/// Titles quoted in prose are cut at a word boundary so the paragraph stays readable.
fn short_title(title: &str) -> String {
    const MAX: usize = 80;
    let title = title.trim();
    if title.chars().count() <= MAX {
        return title.to_string();
    }
    let cut: String = title.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '-', '–']))
}
