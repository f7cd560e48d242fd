//! The rest of the text pipeline on arbitrary text: cleaning, keywords, the decoder, topic
//! matching, categories, clustering and the podcast episode summary.
#![no_main]

use std::sync::LazyLock;

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use newsdesk::pipeline::category::categorize;
use newsdesk::pipeline::cluster::{ClusterInput, cluster};
use newsdesk::pipeline::podcast::{plain_text_segments, summarize_episode};
use newsdesk::pipeline::summarize::{Extractive, clean};
use newsdesk::pipeline::topics::{TopicInput, TopicMatcher};
use newsdesk::pipeline::{glossary, keywords};

static MATCHER: LazyLock<Option<TopicMatcher>> = LazyLock::new(|| TopicMatcher::builtin().ok());

fuzz_target!(|text: &str| {
    let (title, body) = text.split_once('\n').unwrap_or(("", text));
    let _ = clean(body);
    let _ = keywords::keywords(title, body, 6);
    let _ = glossary::decode(body, 6);
    let input = TopicInput { title, text: body, is_podcast: false, source_url: "https://example.com/feed" };
    if let Some(matcher) = MATCHER.as_ref() {
        let topics = matcher.matches(&input);
        let _ = categorize(&input, &topics);
    }
    let when = Utc.timestamp_opt(1_770_000_000, 0).single().unwrap_or_default();
    let halves: Vec<&str> = body.splitn(3, "\n\n").collect();
    let items: Vec<ClusterInput<'_>> =
        halves.iter().map(|lead| ClusterInput { title, lead, published_at: when, url: None }).collect();
    let _ = cluster(&items);
    let segments = plain_text_segments(body);
    let _ = summarize_episode(title, &segments, &Extractive);
});
