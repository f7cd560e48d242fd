//! Everything between a source URL and a parsed [`crate::domain::ParsedFeed`]:
//! HTTP fetching with limits and the SSRF guard, feed parsing and normalisation,
//! podcast transcripts and chapters, OPML, and the default AI source pack.

pub mod defaults;
pub mod fetch;
pub mod fulltext;
pub mod guard;
pub mod normalize;
pub mod opml;
pub mod parse;
pub mod transcript;
