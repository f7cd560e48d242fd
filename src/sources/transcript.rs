//! Podcast transcripts (WebVTT, SRT, Podcasting 2.0 JSON, HTML, plain text) and
//! Podcasting 2.0 chapters files, parsed into timestamped, speaker-tagged segments.

use crate::domain::{Chapter, Segment};

/// Transcript formats we read, from the `type` attribute of `<podcast:transcript>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptFormat {
    WebVtt,
    Srt,
    Json,
    Html,
    Text,
}

impl TranscriptFormat {
    /// Picks the format from a MIME type, falling back on the URL's extension.
    pub fn detect(mime: &str, url: &str) -> Option<TranscriptFormat> {
        let _ = (mime, url);
        None
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    #[error("transcript is not valid {format}: {reason}")]
    Invalid { format: &'static str, reason: String },
}

/// Parses a transcript body into segments.
pub fn parse_transcript(body: &str, format: TranscriptFormat) -> Result<Vec<Segment>, TranscriptError> {
    let _ = (body, format);
    Ok(Vec::new())
}

/// Parses a Podcasting 2.0 chapters JSON file.
pub fn parse_chapters(body: &str) -> Result<Vec<Chapter>, TranscriptError> {
    let _ = body;
    Ok(Vec::new())
}
