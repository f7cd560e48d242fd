//! Text helpers shared by the transcript formats: newlines, markup, clocks, speakers.

use super::*;

/// Turns CRLF and lone CR into LF so every parser splits on `\n` only.
pub(super) fn normalize_newlines(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Markup-carrying text (cue payloads, HTML) to plain text.
pub(super) fn clean_markup(text: &str) -> String {
    collapse_whitespace(&decode_entities(&strip_tags(text)))
}

/// Parses `[[h:]m:]s[.fff]` (`,` also accepted before the fraction) into seconds.
pub(super) fn parse_clock(text: &str) -> Option<f64> {
    let text = text.trim();
    let (whole, frac) = match text.find(['.', ',']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mut total: u64 = 0;
    let mut fields = 0;
    for field in whole.split(':') {
        fields += 1;
        if fields > 3 || field.is_empty() || field.len() > 9 || !field.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        total = total.checked_mul(60)?.checked_add(field.parse::<u64>().ok()?)?;
    }
    let mut seconds = total as f64;
    if let Some(frac) = frac {
        if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !frac.is_empty() {
            let digits = frac.parse::<u64>().ok()?;
            seconds += digits as f64 / 10f64.powi(frac.len() as i32);
        }
    }
    Some(seconds)
}

/// A JSON time: a number of seconds, or a string holding one or a clock time.
pub(super) fn seconds_value(value: &Value) -> Option<f64> {
    let seconds = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok().or_else(|| parse_clock(s))?,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
}

pub(super) fn non_empty_str(value: Option<&Value>) -> Option<&str> {
    value.and_then(Value::as_str).filter(|s| !s.trim().is_empty())
}

/// Particles that may appear in lower case inside a name ("Ludwig van Beethoven").
pub(super) const NAME_PARTICLES: &[&str] = &[
    "al", "bin", "da", "de", "del", "della", "den", "der", "di", "du", "el", "ibn", "la", "le", "van", "von", "y",
];

/// Capitalised words that start sentences with a colon ("Look: …") far more often than
/// they name a speaker.
pub(super) const NOT_SPEAKERS: &[&str] = &[
    "also",
    "and",
    "again",
    "basically",
    "but",
    "example",
    "finally",
    "first",
    "here",
    "however",
    "listen",
    "look",
    "no",
    "note",
    "now",
    "ok",
    "okay",
    "plus",
    "remember",
    "right",
    "second",
    "so",
    "sure",
    "then",
    "there",
    "this",
    "update",
    "wait",
    "warning",
    "well",
    "yeah",
    "yes",
];

/// Whether a `Label:` prefix is a speaker name rather than the start of a sentence.
///
/// A name has at most 4 words and 40 characters, starts with a letter that is not lower
/// case, has every word capitalised (or a digit, or a particle such as `van`), and holds
/// no sentence punctuation; a single word must not be a common sentence opener such as
/// `Look` or `Yes`. `Adam Curry`, `SPEAKER_1`, `Speaker 2`, `Norma-Jean Belenky`,
/// `Dr. Jane Smith` pass; `He told me`, `so`, `Look` and `Well, then` do not.
/// All-lower-case handles (`dave`) are not recognised: that is the price of not eating
/// sentences.
pub fn looks_like_speaker(name: &str) -> bool {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return false;
    }
    if name.contains([
        ',', ';', '!', '?', '"', '“', '”', '(', ')', '[', ']', '{', '}', '<', '>', '=', '|', '*', '#', '/', '\\',
    ]) {
        return false;
    }
    if !name.contains(char::is_whitespace) && NOT_SPEAKERS.iter().any(|w| w.eq_ignore_ascii_case(name)) {
        return false;
    }
    let mut words = 0;
    for (i, word) in name.split_whitespace().enumerate() {
        words += 1;
        if words > 4 {
            return false;
        }
        let Some(first) = word.chars().next() else {
            return false;
        };
        let capitalised = first.is_alphabetic() && !first.is_lowercase();
        let ok = if i == 0 {
            capitalised
        } else {
            capitalised || first.is_ascii_digit() || NAME_PARTICLES.contains(&word)
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Splits `Name: text` when `Name` looks like a speaker and some text follows.
pub(super) fn split_speaker_label(line: &str) -> Option<(&str, &str)> {
    let colon = line.find(':')?;
    let rest = &line[colon + 1..];
    if !rest.starts_with(char::is_whitespace) || rest.trim().is_empty() {
        return None;
    }
    let name = line[..colon].trim();
    looks_like_speaker(name).then(|| (name, rest.trim_start()))
}

/// Fills a missing `end` with the next segment's start, for formats that only give starts.
pub(super) fn fill_ends_from_next_start(segments: &mut [Segment]) {
    for i in 1..segments.len() {
        let next_start = segments[i].start;
        let prev = &mut segments[i - 1];
        if prev.end.is_none() {
            prev.end = next_start;
        }
    }
}
