//! Podcasting 2.0 JSON transcripts (and subtitle-style JSON).

use super::*;

/// Reads `{"version", "segments": [{startTime, endTime, speaker, body}]}`, also as a bare
/// array of such segments. A bare array of `{start, end, text}` objects (a subtitle
/// export some tools produce) is read too; its times are milliseconds and its text may
/// carry a `Name: ` label, which carries forward like in SRT.
pub(super) fn parse_json(text: &str) -> Result<Vec<Segment>, TranscriptError> {
    const FORMAT: &str = "JSON transcript";
    let value: Value = serde_json::from_str(text).map_err(|e| invalid(FORMAT, e.to_string()))?;
    let items = match &value {
        Value::Object(map) => match map.get("segments") {
            Some(Value::Array(items)) => items,
            Some(_) => return Err(invalid(FORMAT, "`segments` is not an array")),
            None if map.is_empty() => return Ok(Vec::new()),
            None => return Err(invalid(FORMAT, "no `segments` array")),
        },
        Value::Array(items) => items,
        _ => return Err(invalid(FORMAT, "expected an object with a `segments` array")),
    };
    let mut sink = SegmentSink::default();
    let mut recognised = 0usize;
    for item in items.iter().filter_map(Value::as_object) {
        if item.contains_key("body") || item.contains_key("startTime") {
            recognised += 1;
            json_p20_segment(item, &mut sink.out);
        } else if item.contains_key("text") && item.contains_key("start") {
            recognised += 1;
            json_subtitle_segment(item, &mut sink);
        }
    }
    if recognised == 0 && !items.is_empty() {
        return Err(invalid(
            FORMAT,
            "segments have neither `body`/`startTime` nor `start`/`text`",
        ));
    }
    Ok(sink.out)
}

pub(super) fn json_p20_segment(item: &Map<String, Value>, out: &mut Vec<Segment>) {
    let text = item
        .get("body")
        .and_then(Value::as_str)
        .map(collapse_whitespace)
        .unwrap_or_default();
    if text.is_empty() {
        return;
    }
    out.push(Segment {
        start: item.get("startTime").and_then(seconds_value),
        end: item.get("endTime").and_then(seconds_value),
        speaker: non_empty_str(item.get("speaker")).map(collapse_whitespace),
        text,
    });
}

pub(super) fn json_subtitle_segment(item: &Map<String, Value>, sink: &mut SegmentSink) {
    let millis = |key: &str| item.get(key).and_then(seconds_value).map(|ms| ms / 1000.0);
    let cleaned = clean_markup(item.get("text").and_then(Value::as_str).unwrap_or(""));
    let (speaker, text) = match split_speaker_label(&cleaned) {
        Some((name, rest)) => (Some(name.to_owned()), rest.to_owned()),
        None => (None, cleaned),
    };
    sink.push(millis("start"), millis("end"), speaker, text);
}
