//! The extractive summariser on arbitrary text: the first line is the title, the rest the
//! article. It must return a summary for anything, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::pipeline::summarize::{Document, Extractive};

fuzz_target!(|text: &str| {
    let (title, body) = text.split_once('\n').unwrap_or(("", text));
    let summary = Extractive.summarize_document(Document { title, text: body });
    assert!(summary.tldr.split_whitespace().count() <= newsdesk::pipeline::summarize::TLDR_MAX_WORDS);
});
