//! Podcast episodes: a transcript becomes topic segments and an episode summary.

use serde::{Deserialize, Serialize};

use super::summarize::{Document, Extractive, Summary};
use crate::domain::Segment;

/// One topic of an episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicSegment {
    /// Seconds from the start, when the transcript has timestamps.
    pub start: Option<f64>,
    pub title: String,
    pub summary: String,
}

/// An episode digested: the summary of the whole plus its topic segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeSummary {
    pub summary: Summary,
    /// Short names of the stories covered, in order.
    pub stories: Vec<String>,
    pub segments: Vec<TopicSegment>,
}

/// Turns a plain-text transcript (no timestamps) into segments: one per paragraph.
pub fn plain_text_segments(text: &str) -> Vec<Segment> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Segment {
            start: None,
            end: None,
            speaker: None,
            text: p.to_string(),
        })
        .collect()
}

/// Digests one episode.
pub fn summarize_episode(title: &str, segments: &[Segment], summarizer: &Extractive) -> EpisodeSummary {
    let text = segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("\n");
    EpisodeSummary {
        summary: summarizer.summarize_document(Document { title, text: &text }),
        stories: Vec::new(),
        segments: Vec::new(),
    }
}
