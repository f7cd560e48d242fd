//! Chat command lines (`/digest topic:… hours:…`, `!newsdesk …`) on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk::commands::parse::{parse_command, tokenize};

fuzz_target!(|line: &str| {
    let _ = tokenize(line);
    let _ = parse_command(line);
});
