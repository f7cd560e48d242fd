//! Feed parsing (RSS, Atom, JSON Feed, with repairs and encodings) on arbitrary bytes.
#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use newsdesk::sources::parse::parse_feed;

fuzz_target!(|body: &[u8]| {
    let Ok(feed_url) = url::Url::parse("https://example.com/feed.xml") else { return };
    let fetched_at = Utc.timestamp_opt(1_770_000_000, 0).single().unwrap_or_default();
    let _ = parse_feed(body, Some("application/rss+xml"), &feed_url, fetched_at);
    let _ = parse_feed(body, None, &feed_url, fetched_at);
});
