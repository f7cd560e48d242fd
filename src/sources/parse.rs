//! feed-rs → [`ParsedFeed`]: lenient pre-processing, then normalisation of every entry.

use chrono::{DateTime, Utc};
use url::Url;

use crate::domain::ParsedFeed;

/// Why a body could not be turned into a feed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The body is something else (an HTML page, JSON that is not a JSON Feed, an image…).
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// The body looks like a feed but is broken beyond what we tolerate.
    #[error("parse error: {0}")]
    Malformed(String),
}

/// Parses a fetched body. `feed_url` resolves relative links; `fetched_at` clamps future
/// dates and stands in for missing ones.
pub fn parse_feed(
    body: &[u8],
    content_type: Option<&str>,
    feed_url: &Url,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    let _ = (body, content_type, feed_url, fetched_at);
    Err(ParseError::Malformed("unimplemented".into()))
}
