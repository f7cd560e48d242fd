//! WebVTT and SRT: cue blocks with timings, voice tags and speaker labels.

use super::*;

/// Reads a WebVTT voice tag (`<v Name>`, `<v.loud Name>`) at the start of a line: returns
/// the speaker (if the tag names one) and the tag's length in bytes.
pub(super) fn voice_tag(line: &str) -> Option<(Option<String>, usize)> {
    let after = line.strip_prefix("<v")?;
    if !after.starts_with(['.', ' ', '\t', '>']) {
        return None;
    }
    let close = after.find('>')?;
    let inside = &after[..close];
    // Classes (`.loud`) come first and run to the first whitespace; the rest is the name.
    let name = match inside.find([' ', '\t']) {
        Some(space) => collapse_whitespace(&decode_entities(&inside[space..])),
        None => String::new(),
    };
    Some(((!name.is_empty()).then_some(name), 2 + close + 1))
}

/// Whether the text begins with an SRT cue: an optional numeric index, then a timing line.
pub(super) fn looks_like_srt(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    match lines.next() {
        Some(first) if first.contains("-->") => timing_line(first).is_some(),
        Some(first) if first.bytes().all(|b| b.is_ascii_digit()) => {
            lines.next().is_some_and(|second| timing_line(second).is_some())
        }
        _ => false,
    }
}

/// `start --> end [settings]`; the end may be missing or unreadable.
pub(super) fn timing_line(line: &str) -> Option<(f64, Option<f64>)> {
    let (left, right) = line.split_once("-->")?;
    let start = parse_clock(left)?;
    let end = right.split_whitespace().next().and_then(parse_clock);
    Some((start, end))
}

pub(super) fn is_vtt_metadata_block(first_line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|kw| {
        first_line
            .strip_prefix(kw)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    })
}

/// Accumulates segments and carries the last named speaker forward.
#[derive(Default)]
pub(super) struct SegmentSink {
    pub(super) out: Vec<Segment>,
    pub(super) last_speaker: Option<String>,
}

impl SegmentSink {
    pub(super) fn push(&mut self, start: Option<f64>, end: Option<f64>, speaker: Option<String>, text: String) {
        if speaker.is_some() {
            self.last_speaker = speaker;
        }
        if !text.is_empty() {
            self.out.push(Segment {
                start,
                end,
                speaker: self.last_speaker.clone(),
                text,
            });
        }
    }
}

/// WebVTT and SRT share one block-based parser: blank lines separate blocks, a block with
/// a `-->` line is a cue, lines before it are an identifier or index, lines after it the
/// payload. WebVTT `NOTE`/`STYLE`/`REGION` blocks and the header are skipped. A block
/// with no timing line that follows a cue is taken as a continuation of that cue's text
/// (a blank line inside cue text, which SRT files in the wild contain).
pub(super) fn parse_cues(text: &str, format: TranscriptFormat) -> Result<Vec<Segment>, TranscriptError> {
    let mut sink = SegmentSink::default();
    let mut saw_timing = false;
    let mut block: Vec<&str> = Vec::new();
    let mut first_block = true;
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let blank = line.trim().is_empty();
        if !blank {
            block.push(line);
        }
        if (blank || lines.peek().is_none()) && !block.is_empty() {
            saw_timing |= cue_block(&block, first_block, &mut sink);
            first_block = false;
            block.clear();
        }
    }
    if !saw_timing && !text.trim().is_empty() {
        return Err(invalid(
            format.name(),
            "no cue timing line (`00:00:01.000 --> 00:00:02.000`) found",
        ));
    }
    Ok(sink.out)
}

/// Handles one block; returns whether it held a cue timing line.
pub(super) fn cue_block(block: &[&str], first_block: bool, sink: &mut SegmentSink) -> bool {
    let first = block[0].trim();
    if first_block && first.starts_with("WEBVTT") {
        // The header may run straight into a cue when the blank line is missing.
        return match block.iter().position(|l| l.contains("-->")) {
            Some(at) => cue_block(&block[at..], false, sink),
            None => false,
        };
    }
    if is_vtt_metadata_block(first) {
        return false;
    }
    let Some(at) = block.iter().position(|l| l.contains("-->")) else {
        if block.iter().all(|l| l.trim().bytes().all(|b| b.is_ascii_digit())) {
            return false;
        }
        let extra = clean_markup(&block.join(" "));
        if let Some(last) = sink.out.last_mut()
            && !extra.is_empty()
        {
            last.text.push(' ');
            last.text.push_str(&extra);
        }
        return false;
    };
    let Some((start, end)) = timing_line(block[at].trim()) else {
        return false;
    };
    emit_cue(Some(start), end, &block[at + 1..], sink);
    true
}

/// Splits a cue payload into speaker parts (a voice tag at a line start opens a new part)
/// and pushes them. A `Name: ` label on the first line names the speaker when the cue
/// has no voice tag there.
pub(super) fn emit_cue(start: Option<f64>, end: Option<f64>, payload: &[&str], sink: &mut SegmentSink) {
    let mut speaker: Option<String> = None;
    let mut text = String::new();
    for (i, raw) in payload.iter().enumerate() {
        let mut line = raw.trim();
        if let Some((name, len)) = voice_tag(line) {
            if !text.is_empty() && name.is_some() && name != speaker {
                sink.push(start, end, speaker.take(), collapse_whitespace(&text));
                text.clear();
            }
            if name.is_some() {
                speaker = name;
            }
            line = &line[len..];
        }
        let cleaned = clean_markup(line);
        let body = match (i, &speaker) {
            (0, None) => match split_speaker_label(&cleaned) {
                Some((name, rest)) => {
                    speaker = Some(name.to_owned());
                    rest.to_owned()
                }
                None => cleaned,
            },
            _ => cleaned,
        };
        if !body.is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&body);
        }
    }
    sink.push(start, end, speaker, text);
}
