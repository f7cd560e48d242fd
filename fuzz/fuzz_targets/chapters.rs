//! Podcast chapters (JSON) on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::sources::transcript::parse_chapters;

fuzz_target!(|body: &str| {
    let _ = parse_chapters(body);
});
