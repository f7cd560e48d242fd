//! Plain-text transcripts with optional clock and speaker labels.

use super::*;

pub(super) const CLOCK: &str = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?";

// The two patterns below are `None` only if they failed to compile, which
// `text_patterns_compile` rules out; the parser would then still read `Name:` labels and
// paragraphs, just not timestamps.

/// `[00:12:34] rest`, `(12:34) rest`, `00:12:34 - rest`.
pub(super) static LEADING_TIME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:\[(?P<b>{CLOCK})\]|\((?P<p>{CLOCK})\)|(?P<t>{CLOCK}))(?:\s*[-–—|]\s*|\s+|$)(?P<rest>.*)$"
    ))
    .ok()
});

/// `Name 0:03` (a header line), `Name (00:12:34): rest`, `Name [12:34] rest`.
pub(super) static NAME_TIME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?P<name>[^\[\]():]{{1,40}}?)\s*(?:\[(?P<b>{CLOCK})\]|\((?P<p>{CLOCK})\)|(?P<t>{CLOCK}))\s*(?P<colon>:)?\s*(?P<rest>.*)$"
    ))
    .ok()
});

/// What a plain-text line says about segment boundaries.
pub(super) struct TextLine<'a> {
    pub(super) start: Option<f64>,
    pub(super) speaker: Option<&'a str>,
    pub(super) rest: &'a str,
}

pub(super) fn clock_capture(caps: &regex::Captures<'_>) -> Option<f64> {
    ["b", "p", "t"]
        .iter()
        .find_map(|n| caps.name(n))
        .and_then(|m| parse_clock(m.as_str()))
}

/// Reads a label (timestamp and/or speaker) at the start of a line; `None` for plain text.
pub(super) fn text_label(line: &str) -> Option<TextLine<'_>> {
    if let Some(caps) = LEADING_TIME.as_ref().and_then(|re| re.captures(line)) {
        let start = clock_capture(&caps);
        let rest = caps.name("rest").map_or("", |m| m.as_str());
        let (speaker, rest) = match split_speaker_label(rest) {
            Some((name, rest)) => (Some(name), rest),
            None => match rest.strip_suffix(':') {
                Some(name) if looks_like_speaker(name) => (Some(name.trim()), ""),
                _ => (None, rest),
            },
        };
        return Some(TextLine { start, speaker, rest });
    }
    if let Some(caps) = NAME_TIME.as_ref().and_then(|re| re.captures(line)) {
        let name = caps.name("name").map_or("", |m| m.as_str()).trim();
        let rest = caps.name("rest").map_or("", |m| m.as_str());
        // A bare time after a name is only a label when nothing but `: text` follows,
        // so `Alice 10:30 tomorrow` stays text.
        let labelled = caps.name("b").is_some() || caps.name("p").is_some() || caps.name("colon").is_some();
        if looks_like_speaker(name) && (labelled || rest.is_empty()) {
            return Some(TextLine {
                start: clock_capture(&caps),
                speaker: Some(name),
                rest,
            });
        }
    }
    if let Some((name, rest)) = split_speaker_label(line) {
        return Some(TextLine {
            start: None,
            speaker: Some(name),
            rest,
        });
    }
    match line.strip_suffix(':') {
        Some(name) if !name.contains(':') && looks_like_speaker(name) => Some(TextLine {
            start: None,
            speaker: Some(name.trim()),
            rest: "",
        }),
        _ => None,
    }
}

/// Plain text: a line starting with a timestamp and/or a `Speaker:` label opens a
/// segment; so does a paragraph (after a blank line). Other lines continue the current
/// segment. Without any labels this yields one segment per paragraph, with no times.
pub(super) fn parse_text(text: &str) -> Vec<Segment> {
    let mut sink = SegmentSink::default();
    let mut cur: Option<(Option<f64>, Option<String>, String)> = None;
    let mut paragraph_break = false;
    for raw in text.split('\n') {
        let line = raw.trim();
        if line.is_empty() {
            paragraph_break = true;
            continue;
        }
        if let Some(label) = text_label(line) {
            if let Some((start, speaker, body)) = cur.take() {
                sink.push(start, None, speaker, collapse_whitespace(&body));
            }
            cur = Some((label.start, label.speaker.map(str::to_owned), label.rest.to_owned()));
        } else {
            match &mut cur {
                // A blank line ends a paragraph, unless the segment so far is only a label.
                Some((_, _, body)) if !paragraph_break || body.trim().is_empty() => {
                    body.push(' ');
                    body.push_str(line);
                }
                _ => {
                    if let Some((start, speaker, body)) = cur.take() {
                        sink.push(start, None, speaker, collapse_whitespace(&body));
                    }
                    cur = Some((None, None, line.to_owned()));
                }
            }
        }
        paragraph_break = false;
    }
    if let Some((start, speaker, body)) = cur.take() {
        sink.push(start, None, speaker, collapse_whitespace(&body));
    }
    let mut out = sink.out;
    fill_ends_from_next_start(&mut out);
    out
}
