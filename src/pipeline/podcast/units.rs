//! Sentence units: the transcript re-split into sentences, each tagged with its start
//! time, content words, cue and markers.

use super::cues::{cue_of, marks_of};
use crate::domain::Segment;
use crate::text::words::{is_spoken_stopword, plural_stem, strip_possessive};

/// One sentence of the transcript with what the later stages need to know about it.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub(super) text: String,
    pub(super) start: Option<f64>,
    pub(super) words: usize,
    /// Lower-cased, stemmed content words, for cohesion and summary scoring.
    pub(super) terms: Vec<String>,
    pub(super) cue: Cue,
    pub(super) marks: Marks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Cue {
    None,
    /// "and now", "speaking of": a boundary only where cohesion agrees.
    Weak,
    /// "next up", "moving on", "the first story is", a section name.
    Strong,
    /// A bare section name ("Applications and business, …"); strong, but a run of them
    /// is an episode preview.
    Section,
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Marks {
    pub(super) intro: bool,
    pub(super) preview: bool,
    /// "let's get into it": the end of the preamble.
    pub(super) start: bool,
    pub(super) outro: bool,
    /// A closing request ("subscribe"); ends the show only next to an [`Marks::outro`].
    pub(super) outro_weak: bool,
    pub(super) sponsor: bool,
    /// Words typical of an ad read that do not open one by themselves ("free trial").
    pub(super) ad_like: bool,
    pub(super) back_to_show: bool,
    pub(super) noise: bool,
}

/// Splits the transcript into sentence units carrying the start time of the transcript
/// segment each sentence begins in.
pub(super) fn units_of(segments: &[Segment]) -> Vec<Unit> {
    let mut text = String::new();
    let mut starts: Vec<(usize, Option<f64>)> = Vec::new();
    for segment in segments {
        let piece = segment.text.trim();
        if piece.is_empty() {
            continue;
        }
        if !text.is_empty() {
            // A newline only where a sentence ends, so that timestamped transcripts cut
            // into sentence fragments read as running text.
            text.push(if ends_sentence(&text) { '\n' } else { ' ' });
        }
        starts.push((text.len(), segment.start));
        text.push_str(piece);
    }
    sentence_spans(&text)
        .into_iter()
        .filter_map(|(a, b)| {
            let sentence = text[a..b].trim();
            if sentence.is_empty() {
                return None;
            }
            let at = starts.partition_point(|&(offset, _)| offset <= a);
            let start = at.checked_sub(1).and_then(|k| starts[k].1);
            Some(make_unit(sentence, start))
        })
        .collect()
}

pub(super) fn make_unit(text: &str, start: Option<f64>) -> Unit {
    let lower = text.to_lowercase();
    Unit {
        text: text.to_string(),
        start,
        words: text.split_whitespace().count(),
        terms: content_terms(text),
        cue: cue_of(&lower),
        marks: marks_of(text, &lower),
    }
}

/// Byte spans of the sentences of `text`, from the shared sentence splitter, with long
/// pieces cut again at sentence punctuation so that cue phrases mid-paragraph are seen
/// whatever the splitter does with run-on transcript text.
pub(super) fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut cursor = 0;
    for sentence in crate::text::sentences::split(text) {
        let Some(found) = text.get(cursor..).and_then(|rest| rest.find(sentence)) else {
            continue;
        };
        let a = cursor + found;
        let b = a + sentence.len();
        cursor = b;
        if sentence.split_whitespace().count() <= 40 {
            spans.push((a, b));
        } else {
            spans.extend(resplit(text, a, b));
        }
    }
    spans
}

/// Cuts `text[a..b]` after `.`, `?` or `!` followed by a space and a capital, except after
/// an abbreviation or an initial.
pub(super) fn resplit(text: &str, a: usize, b: usize) -> Vec<(usize, usize)> {
    let piece = &text[a..b];
    let mut out = Vec::new();
    let mut from = 0;
    let bytes = piece.as_bytes();
    for (i, c) in piece.char_indices() {
        if !matches!(c, '.' | '?' | '!' | '…') {
            continue;
        }
        let after = i + c.len_utf8();
        if bytes.get(after) != Some(&b' ') {
            continue;
        }
        let next = piece[after..].trim_start().chars().next();
        if !next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || "\"“'‘".contains(n)) {
            continue;
        }
        if c == '.' && is_abbreviation(&piece[from..i]) {
            continue;
        }
        out.push((a + from, a + after));
        from = after + 1;
    }
    if from < piece.len() {
        out.push((a + from, b));
    }
    out
}

fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let bare = word.trim_start_matches(['(', '"', '“']).to_lowercase();
    const ABBREVIATIONS: &[&str] = &[
        "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "inc", "ltd", "co", "corp", "jr", "sr", "no", "fig",
        "approx", "e.g", "i.e", "u.s", "u.k", "u.n", "a.i", "p.m", "a.m",
    ];
    // Single letters ("J. Smith") and dotted initialisms ("U.S.") are not sentence ends.
    bare.chars().count() == 1 || ABBREVIATIONS.contains(&bare.as_str()) || bare.contains('.')
}

pub(super) fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| ".?!…\"'”’♪)".contains(c))
}

// ---------------------------------------------------------------------------------------
// Words

/// Lower-cased, lightly stemmed content words (stopwords and spoken filler removed).
pub(super) fn content_terms(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches(['\'', '’', '-']).to_lowercase())
        .filter(|w| w.chars().count() > 2 && !is_spoken_stopword(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| plural_stem(strip_possessive(&w)))
        .collect()
}
