//! Articles as newsdesk understands them, after parsing and normalisation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One item of a feed, normalised: plain text, canonical URL, a date that is never in
/// the future.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The feed's own identifier for the item (guid / id), or the canonical URL when the
    /// feed gives none. Unique per source.
    pub guid: String,
    /// Canonical link: tracking parameters and fragment removed. `None` when the item has no link.
    pub url: Option<String>,
    pub title: String,
    pub author: Option<String>,
    /// When the item was published; clamped to the fetch time, and the fetch time when the
    /// feed gives no date.
    pub published_at: DateTime<Utc>,
    /// True when the feed gave no usable date and `published_at` is the fetch time.
    pub date_missing: bool,
    pub fetched_at: DateTime<Utc>,
    /// The feed's short description as plain text (may equal `text`).
    pub summary: Option<String>,
    /// The readable plain text of the item: full content when the feed carries it,
    /// otherwise the description.
    pub text: String,
    /// True when only an excerpt is known (no full content in the feed, and full-text
    /// extraction was off or failed).
    pub excerpt_only: bool,
    /// Present for podcast episodes.
    pub episode: Option<EpisodeMedia>,
}

/// Podcast-specific data carried by an episode item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EpisodeMedia {
    pub enclosure_url: Option<String>,
    pub duration_secs: Option<u64>,
    /// `<podcast:transcript>` references, in feed order.
    pub transcripts: Vec<TranscriptRef>,
    /// `<podcast:chapters>` URL.
    pub chapters_url: Option<String>,
}

/// A `<podcast:transcript url type language rel>` reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptRef {
    pub url: String,
    pub mime: String,
    pub language: Option<String>,
}

/// One timestamped, optionally speaker-tagged piece of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Seconds from the start of the episode, when known.
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub speaker: Option<String>,
    pub text: String,
}

/// One chapter of a Podcasting 2.0 chapters file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    pub start: f64,
    pub end: Option<f64>,
    pub title: String,
    pub url: Option<String>,
}

/// What one fetched feed document yields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// The site the feed belongs to (feed-level alternate link).
    pub site_url: Option<String>,
    /// The feed's own refresh hint (RSS `<ttl>`), in minutes.
    pub ttl_minutes: Option<u32>,
    /// True when the feed looks like a podcast (enclosures with audio, itunes/podcast namespace).
    pub looks_like_podcast: bool,
    pub articles: Vec<Article>,
}
