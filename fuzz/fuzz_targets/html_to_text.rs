//! HTML → text and its plain-text siblings on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::text::html::{html_to_text, plain_text, plain_to_text, strip_tags};

fuzz_target!(|html: &str| {
    let _ = html_to_text(html);
    let _ = plain_text(html);
    let _ = plain_to_text(html);
    let _ = strip_tags(html);
});
