//! An edition: one composed digest shared by every subscription that receives it in a slot,
//! with its chart drawn once and each platform's rendering made once, on first use.
//!
//! Ten thousand channels on thirteen topics receive at most a few hundred different
//! digests; composing, drawing and rendering each of those once (instead of once per channel)
//! is what keeps a big fan-out cheap. The value is shared behind an `Arc` by the posts of
//! every subscription of the edition; the renderings are pure functions of the digest and
//! the edition's `now`, so caching them changes nothing a reader sees.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use super::Digest;
use super::render::discord::DiscordMessage;
use super::render::matrix::MatrixMessage;
use super::{chart, render};

/// A composed digest and its renderings.
#[derive(Debug)]
pub struct Edition {
    digest: Digest,
    /// For ages ("3h ago") in every rendering of this edition.
    now: DateTime<Utc>,
    chart_png: Option<Vec<u8>>,
    discord: OnceLock<Vec<DiscordMessage>>,
    matrix: OnceLock<Vec<MatrixMessage>>,
    markdown: OnceLock<String>,
}

impl Edition {
    /// Wraps a composed digest and draws its keyword chart (a digest whose chart cannot be
    /// drawn is still worth posting, without it).
    pub fn new(digest: Digest, now: DateTime<Utc>) -> Edition {
        let chart_png = if digest.items.is_empty() {
            None
        } else {
            chart::png(&digest).ok()
        };
        Edition::with_chart(digest, now, chart_png)
    }

    /// An edition with a chart drawn (or not) by the caller.
    pub fn with_chart(digest: Digest, now: DateTime<Utc>, chart_png: Option<Vec<u8>>) -> Edition {
        Edition {
            digest,
            now,
            chart_png,
            discord: OnceLock::new(),
            matrix: OnceLock::new(),
            markdown: OnceLock::new(),
        }
    }

    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn chart_png(&self) -> Option<&[u8]> {
        self.chart_png.as_deref()
    }

    /// The Discord messages, rendered the first time any channel needs them.
    pub fn discord_messages(&self) -> &[DiscordMessage] {
        self.discord
            .get_or_init(|| render::discord::digest_messages(&self.digest, self.now))
    }

    /// The Matrix messages, rendered the first time any room needs them.
    pub fn matrix_messages(&self) -> &[MatrixMessage] {
        self.matrix
            .get_or_init(|| render::matrix::digest_messages(&self.digest, self.now))
    }

    /// The Markdown rendering (kept with the edition's record).
    pub fn markdown(&self) -> &str {
        self.markdown.get_or_init(|| render::markdown(&self.digest, self.now))
    }
}

impl PartialEq for Edition {
    /// Two editions are the same when they say the same thing; the caches are derived.
    fn eq(&self, other: &Edition) -> bool {
        self.digest == other.digest && self.now == other.now && self.chart_png == other.chart_png
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::DigestStats;

    fn empty_digest(now: DateTime<Utc>) -> Digest {
        Digest {
            title: "📰 AI Daily Digest".to_string(),
            generated_at: now,
            topic: None,
            highlights: String::new(),
            stats: DigestStats::default(),
            items: Vec::new(),
            keywords: Vec::new(),
            categories: Vec::new(),
        }
    }

    #[test]
    fn renderings_are_made_once_and_shared() {
        let now = Utc::now();
        let edition = Edition::new(empty_digest(now), now);
        let first = edition.discord_messages().as_ptr();
        let second = edition.discord_messages().as_ptr();
        assert_eq!(first, second, "the second reader gets the cached rendering");
        assert_eq!(edition.markdown(), render::markdown(edition.digest(), now));
        assert!(edition.chart_png().is_none(), "an empty digest has no chart");
    }
}
