//! OPML subscription lists on arbitrary text; what parses must render and parse again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::sources::opml::{parse_opml, render_opml};

fuzz_target!(|text: &str| {
    if let Ok(entries) = parse_opml(text) {
        let rendered = render_opml("fuzz", &entries);
        let _ = parse_opml(&rendered);
    }
});
