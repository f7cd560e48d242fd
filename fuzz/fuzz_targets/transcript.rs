//! Podcast transcripts in every format, and format sniffing, on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::sources::transcript::{TranscriptFormat, merge_turns, parse_transcript};

fuzz_target!(|body: &str| {
    let _ = TranscriptFormat::sniff(body);
    for format in [
        TranscriptFormat::WebVtt,
        TranscriptFormat::Srt,
        TranscriptFormat::Json,
        TranscriptFormat::Html,
        TranscriptFormat::Text,
    ] {
        if let Ok(segments) = parse_transcript(body, format) {
            let _ = merge_turns(&segments, Some(400));
        }
    }
});
