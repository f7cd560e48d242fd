//! Podcast episodes: a transcript becomes topic segments and an episode summary.
//!
//! The transcript (timestamped [`Segment`]s from
//! [`parse_transcript`](crate::sources::transcript::parse_transcript), or a plain-text one
//! cut up by [`plain_text_segments`]) is re-split into sentences, each keeping the start
//! time of the transcript segment it begins in. Then, in order:
//!
//! 1. **Non-editorial talk is dropped**: sponsor reads, the host introduction with its
//!    small talk and episode preview, the outro, and song lyrics.
//! 2. **Topic boundaries** come from spoken cue phrases ("next up", "moving on", "on to
//!    policy and safety", "the first story is"), with a minimum segment length so a run
//!    of cues ("And on to a few more quick stories. Next up, …") stays one boundary.
//!    Weak cues ("and now", "speaking of") only count where lexical cohesion dips.
//!    Where a transcript has no usable cues, or a cue-delimited segment is very long,
//!    TextTiling-style cohesion (content-word similarity of adjacent windows) places
//!    the boundaries.
//! 3. Each segment gets a **title** compressed from the sentence that introduces the
//!    story (cue phrase and presenter talk removed, pronouns resolved to the entity just
//!    named) and a one-to-two sentence **extractive summary**.
//!
//! Nothing is invented: titles and summaries are built only from transcript words.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::summarize::{Document, Extractive, Summary};
use crate::domain::Segment;
use crate::text::words::{is_spoken_stopword, plural_stem, strip_possessive};

/// One topic of an episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicSegment {
    /// Seconds from the start, when the transcript has timestamps.
    pub start: Option<f64>,
    pub title: String,
    pub summary: String,
}

/// An episode digested: the summary of the whole plus its topic segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeSummary {
    pub summary: Summary,
    /// Short names of the stories covered, in order.
    pub stories: Vec<String>,
    pub segments: Vec<TopicSegment>,
}

/// Titles are cut to this many words.
pub const MAX_TITLE_WORDS: usize = 10;

/// A cue only opens a new segment once the current one has this many words, so a run of
/// transition sentences does not shatter the episode.
const MIN_SEGMENT_WORDS: usize = 60;

/// Plain-text paragraphs longer than this are cut into sentence groups of about
/// [`TARGET_GROUP_CHARS`].
const MAX_PARAGRAPH_CHARS: usize = 1200;
const TARGET_GROUP_CHARS: usize = 600;

/// Turns a plain-text transcript (no timestamps) into segments of paragraphs or sentence
/// groups.
///
/// Transcripts exported from speech recognition often wrap lines mid-sentence, so a line
/// break only ends a paragraph where the line ends a sentence and the next line starts
/// one; a blank line always does.
pub fn plain_text_segments(text: &str) -> Vec<Segment> {
    let mut paragraphs: Vec<String> = Vec::new();
    for block in text.split("\n\n") {
        let mut current = String::new();
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let starts_sentence = line
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'“‘♪([".contains(c));
            if !current.is_empty() && ends_sentence(&current) && starts_sentence {
                paragraphs.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line);
        }
        if !current.is_empty() {
            paragraphs.push(current);
        }
    }

    let mut out = Vec::new();
    for paragraph in paragraphs {
        if paragraph.len() <= MAX_PARAGRAPH_CHARS {
            out.push(text_segment(paragraph));
            continue;
        }
        let mut group = String::new();
        for sentence in sentence_spans(&paragraph) {
            let sentence = &paragraph[sentence.0..sentence.1];
            if !group.is_empty() && group.len() + sentence.len() > TARGET_GROUP_CHARS {
                out.push(text_segment(std::mem::take(&mut group)));
            }
            if !group.is_empty() {
                group.push(' ');
            }
            group.push_str(sentence);
        }
        if !group.is_empty() {
            out.push(text_segment(group));
        }
    }
    out
}

fn text_segment(text: String) -> Segment {
    Segment {
        start: None,
        end: None,
        speaker: None,
        text,
    }
}

/// Digests one episode.
pub fn summarize_episode(title: &str, segments: &[Segment], summarizer: &Extractive) -> EpisodeSummary {
    let units = units_of(segments);
    let keep = editorial_mask(&units);
    let kept: Vec<usize> = (0..units.len()).filter(|&i| keep[i]).collect();
    let ranges = topic_ranges(&units, &kept);

    let vocabulary = Vocabulary::of(kept.iter().map(|&i| &units[i]));
    let mut topics = Vec::new();
    for range in &ranges {
        let members: Vec<&Unit> = range.iter().map(|&i| &units[i]).collect();
        let Some(first) = members.first() else { continue };
        let (title, lead) = segment_title(&members, &vocabulary);
        if title.is_empty() {
            continue;
        }
        topics.push(TopicSegment {
            start: first.start,
            summary: segment_summary(&members, lead),
            title,
        });
    }

    // The whole-episode summary reads only the editorial text; one sentence a line so any
    // sentence splitter sees the boundaries found here.
    let body = kept
        .iter()
        .map(|&i| units[i].text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let mut summary = summarizer.summarize_document(Document { title, text: &body });
    let stories: Vec<String> = topics.iter().map(|t| t.title.clone()).collect();
    if !stories.is_empty() {
        summary.summary = format!("This episode covers: {}.", stories.join("; "));
        summary.tldr = episode_tldr(title, &stories);
        summary.bullets = top_titles(&topics, &ranges, &units);
    }
    summary.decoder = super::glossary::decode(&body, 8);
    EpisodeSummary {
        summary,
        stories,
        segments: topics,
    }
}

// ---------------------------------------------------------------------------------------
// Sentence units

/// One sentence of the transcript with what the later stages need to know about it.
#[derive(Debug, Clone)]
struct Unit {
    text: String,
    start: Option<f64>,
    words: usize,
    /// Lower-cased, stemmed content words, for cohesion and summary scoring.
    terms: Vec<String>,
    cue: Cue,
    marks: Marks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cue {
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
struct Marks {
    intro: bool,
    preview: bool,
    /// "let's get into it": the end of the preamble.
    start: bool,
    outro: bool,
    /// A closing request ("subscribe"); ends the show only next to an [`Marks::outro`].
    outro_weak: bool,
    sponsor: bool,
    /// Words typical of an ad read that do not open one by themselves ("free trial").
    ad_like: bool,
    back_to_show: bool,
    noise: bool,
}

/// Splits the transcript into sentence units carrying the start time of the transcript
/// segment each sentence begins in.
fn units_of(segments: &[Segment]) -> Vec<Unit> {
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

fn make_unit(text: &str, start: Option<f64>) -> Unit {
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
fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
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
fn resplit(text: &str, a: usize, b: usize) -> Vec<(usize, usize)> {
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

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| ".?!…\"'”’♪)".contains(c))
}

// ---------------------------------------------------------------------------------------
// Cues and markers

/// Spoken filler that may precede a cue ("And so, okay, next up …").
static LEAD_FILLER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:(?:and|so|well|okay|ok|alright|all right(?:y)?|all righty|yeah|yes|now|then|also|anyway|um|uh|oh|right|cool|great|good|in fact)\b[\s,.:;!-]*)+",
    )
});

/// The names of the recurring sections of news podcasts.
const SECTIONS: &str = r"(?:tools (?:and|&) apps|applications (?:and|&) business|projects (?:and|&) open source|open source|research (?:and|&) advancements|policy (?:and|&) safety|synthetic media (?:and|&) art|lightning round|hardware|business|funding|policy|research|safety|security|tools|art|media|models|new models)";

/// Cue phrases that open a sentence.
static STRONG_CUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^(?:next up|up next|next,|next we|next on|next is|next story|next one|the next|our next|first up|first off|the first story|our first story|first story|the last story|our last story|last story|the final story|one more story|another story|moving (?:right )?(?:along|on)|let's move on|let's get (?:to|into)|on to|onto|turning to|in other news|last but not least|and finally|finally,|to start (?:off|with)|kicking (?:things )?off|in {SECTIONS}\b)"
    ))
});

/// Story cues anywhere in the opening words ("Speaking of that, in fact, the next story
/// is about …").
static STORY_CUE_EARLY: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(?:next story|first story|last story|next up|next we have|moving on to)\b"));

static WEAK_CUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:and now|speaking of|talking of|let's talk about|meanwhile|now let's|let's turn|switching gears|in other)\b",
    )
});

/// A bare section heading opening the sentence ("Applications and business, …").
static SECTION_CUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:tools (?:and|&) apps|applications (?:and|&) business|projects (?:and|&) open source|research (?:and|&) advancements|policy (?:and|&) safety|synthetic media (?:and|&) art|lightning round)\b",
    )
});

fn cue_of(lower: &str) -> Cue {
    let stripped = LEAD_FILLER.replace(lower, "");
    if SECTION_CUE.is_match(&stripped) {
        return Cue::Section;
    }
    if STRONG_CUE.is_match(&stripped) {
        return Cue::Strong;
    }
    let opening: String = lower.chars().take(80).collect();
    if STORY_CUE_EARLY.is_match(&opening) {
        return Cue::Strong;
    }
    if WEAK_CUE.is_match(&stripped) {
        return Cue::Weak;
    }
    Cue::None
}

static INTRO: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:welcome (?:to|back)|i'm your (?:co-?)?host|i am your (?:co-?)?host|(?:one of )?your (?:other )?(?:co-?)?hosts?\b|my co-?host|i'm joined by|joining me (?:today|this week|as always)|you're listening to|this is episode|hello,? everyone|hi,? everyone|hey,? everyone|hello and welcome)",
    )
});

static PREVIEW: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:quick preview|preview of what|in this episode|on this episode|in today's episode|on today's (?:show|episode)|today we(?:'ll| will)|we(?:'ll| will) be (?:talking|discussing|covering|summari[sz]ing)|coming up (?:on|in|later)|in the chapters today)\b",
    )
});

static START: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:get (?:straight |right )?into it|get started|dive (?:right )?in|jump (?:right )?in|let's (?:begin|start)|kick (?:this|things|it) off|without further ado|let's do it|let's get going)\b",
    )
});

/// Phrases that only close a show.
static OUTRO: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:thanks? (?:you )?(?:so much |very much )?for listening|thank you (?:so much |very much )?for (?:listening|tuning in)|see you next (?:week|time|episode)|until next (?:week|time)|catch you next|talk to you next|that's (?:it|all) for (?:this|today|the)|that's our show|and with that,? we(?:'re| are)? (?:going to|gonna|will|'ll)|signing off)\b",
    )
});

/// Closing requests that can also come up mid-show ("subscribe to ChatGPT Plus").
static OUTRO_WEAK: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:subscribe|leave (?:us )?a review|rate and review|review the podcast|finish (?:it )?up|wrap (?:it |things )?up|keep (?:listening|tuning in)|share the (?:podcast|show|episode))\b",
    )
});

static BREAK: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(?:(?:quick|short|little|brief) break|word from (?:our|this week's|today's) sponsor)"));

static SPONSOR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\bbrought to you by\b|\bsponsored by\b|\b(?:our|today's|this week's) sponsor|\bthis (?:episode|podcast|show) is (?:supported|powered|presented) by\b|\bpromo code\b|\buse (?:the )?code\b|\bdiscount code\b|\boffer code\b|\bword from our sponsor|\b(?:go|head|head over) to\s+[a-z0-9-]+\.(?:com|io|ai|co|net|org|fm)/\S+)",
    )
});

static AD_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\bfree trial\b|\d+% off\b|\bsign up (?:at|today|now)\b|\bvisit [a-z0-9-]+\.(?:com|io|ai|co)\b|\b(?:go|head) to [a-z0-9-]+\.(?:com|io|ai|co)\b|\bfirst month free\b|\bexclusive offer\b|\blimited time\b|\bget started (?:today|for free)\b)",
    )
});

static BACK_TO_SHOW: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:back to the (?:show|episode|news|stories)|now back to|and we're back|back to our (?:show|episode|stories))\b",
    )
});

fn regex(pattern: &str) -> Regex {
    Regex::new(&format!("(?i){pattern}")).expect("patterns are literals of this module, each compiled by its tests")
}

fn marks_of(text: &str, lower: &str) -> Marks {
    Marks {
        intro: INTRO.is_match(lower),
        preview: PREVIEW.is_match(lower),
        start: START.is_match(lower),
        outro: OUTRO.is_match(lower),
        outro_weak: OUTRO_WEAK.is_match(lower),
        sponsor: SPONSOR.is_match(lower),
        ad_like: AD_LIKE.is_match(lower),
        back_to_show: BACK_TO_SHOW.is_match(lower),
        noise: text.contains('♪') || !text.chars().any(char::is_alphanumeric),
    }
}

// ---------------------------------------------------------------------------------------
// Dropping what is not editorial

/// Intro markers further apart than this (in sentences) do not belong to one preamble.
const INTRO_CHAIN_GAP: usize = 25;
/// Only the opening of an episode can be its preamble.
const INTRO_WINDOW_SHARE: f64 = 0.2;
/// Only the close of an episode can be its outro.
const OUTRO_WINDOW_SHARE: f64 = 0.2;

/// `true` for the sentences that belong to the episode's stories.
fn editorial_mask(units: &[Unit]) -> Vec<bool> {
    let n = units.len();
    let mut keep: Vec<bool> = units.iter().map(|u| !u.marks.noise).collect();
    drop_sponsor_reads(units, &mut keep);

    // Preamble: the chain of intro / preview / start markers from the top, then anything
    // (small talk) up to the first story cue after it.
    let window = ((n as f64 * INTRO_WINDOW_SHARE).ceil() as usize).max(12).min(n);
    let mut preamble_end: Option<usize> = None;
    let mut in_preview = false;
    let mut last_marker = 0;
    for (i, u) in units.iter().enumerate().take(window) {
        let marked = u.marks.intro || u.marks.preview || (u.marks.start && preamble_end.is_some());
        let reachable = match preamble_end {
            None => i < INTRO_CHAIN_GAP.min(window),
            Some(_) => i - last_marker <= INTRO_CHAIN_GAP,
        };
        if !reachable {
            break;
        }
        if marked {
            preamble_end = Some(i);
            last_marker = i;
            in_preview = u.marks.preview || (in_preview && !u.marks.start);
        } else if in_preview && u.cue == Cue::Section {
            // Section names rattled off in the preview are part of it.
            preamble_end = Some(i);
            last_marker = i;
        }
    }
    if let Some(end) = preamble_end {
        let first_story = (end + 1..window)
            .find(|&i| keep[i] && is_story_cue(units, i))
            .unwrap_or(end + 1);
        for k in keep.iter_mut().take(first_story.min(n)) {
            *k = false;
        }
    }

    // Outro: from the first closing phrase near the end that no story cue follows; a
    // closing request counts when a closing phrase comes soon after it.
    const OUTRO_CHAIN: usize = 8;
    let tail = n - ((n as f64 * OUTRO_WINDOW_SHARE).ceil() as usize).min(n);
    let last_cue = (0..n).rev().find(|&i| keep[i] && units[i].cue >= Cue::Strong);
    let closes = |i: usize| {
        let m = units[i].marks;
        m.outro || (m.outro_weak && units[i..].iter().take(OUTRO_CHAIN).any(|u| u.marks.outro))
    };
    if let Some(outro) = (tail..n).find(|&i| closes(i) && last_cue.is_none_or(|c| c < i)) {
        for k in keep.iter_mut().skip(outro) {
            *k = false;
        }
    }
    keep
}

/// A strong cue that is not one name in a run of section names.
fn is_story_cue(units: &[Unit], i: usize) -> bool {
    match units[i].cue {
        Cue::Strong => true,
        Cue::Section => !units[i + 1..].iter().take(3).any(|u| u.cue == Cue::Section),
        Cue::Weak | Cue::None => false,
    }
}

/// Sponsor reads: from a sponsor marker through the markers chained to it (each within a
/// few sentences of the last), plus trailing ad copy and a "back to the show".
fn drop_sponsor_reads(units: &[Unit], keep: &mut [bool]) {
    const CHAIN: usize = 4;
    let n = units.len();
    let mut i = 0;
    while i < n {
        if !units[i].marks.sponsor {
            i += 1;
            continue;
        }
        let mut start = i;
        // "Let's take a quick break" before the read belongs to it.
        if start > 0 && BREAK.is_match(&units[start - 1].text) {
            start -= 1;
        }
        let mut end = i;
        let mut j = i + 1;
        while j < n && j <= end + CHAIN {
            let u = &units[j];
            if u.cue >= Cue::Strong {
                break;
            }
            if u.marks.sponsor || u.marks.ad_like {
                end = j;
            }
            if u.marks.back_to_show {
                end = j;
                break;
            }
            j += 1;
        }
        // A read rarely ends on its marker; the next sentence is usually more ad copy,
        // unless the show resumes with a cue or "back to the show".
        if let Some(next) = units.get(end + 1)
            && next.cue == Cue::None
            && !units[end].marks.back_to_show
            && (next.marks.ad_like || next.marks.back_to_show)
        {
            end += 1;
        }
        for k in keep.iter_mut().take(end + 1).skip(start) {
            *k = false;
        }
        i = end + 1;
    }
}

// ---------------------------------------------------------------------------------------
// Topic boundaries

/// Cohesion windows hold about this many words on each side of a gap.
const COHESION_WINDOW_WORDS: usize = 120;
/// Segments cut by cohesion alone are at least this long.
const MIN_COHESION_WORDS: usize = 150;
/// A cue-delimited segment longer than this is cut again by cohesion.
const MAX_CUED_WORDS: usize = 2500;

/// Splits the kept units (indices into `units`) into topic segments.
fn topic_ranges(units: &[Unit], kept: &[usize]) -> Vec<Vec<usize>> {
    if kept.is_empty() {
        return Vec::new();
    }
    let seq: Vec<&Unit> = kept.iter().map(|&i| &units[i]).collect();
    let depth = cohesion_depths(&seq);
    let mean_depth = mean(&depth[1..]);

    // Boundaries are positions in `seq` where a segment starts.
    let mut bounds = vec![0];
    let mut words = 0;
    for (p, u) in seq.iter().enumerate() {
        let is_cue = match u.cue {
            Cue::Strong | Cue::Section => words >= MIN_SEGMENT_WORDS,
            Cue::Weak => words >= 2 * MIN_SEGMENT_WORDS && depth[p] > mean_depth,
            Cue::None => false,
        };
        if p > 0 && is_cue {
            bounds.push(p);
            words = 0;
        }
        words += u.words;
    }

    let cued = bounds.len() >= 3;
    let (max_words, min_words, threshold) = if cued {
        (MAX_CUED_WORDS, MAX_CUED_WORDS / 4, mean_depth + std_dev(&depth[1..]))
    } else {
        let total: usize = seq.iter().map(|u| u.words).sum();
        let min = MIN_COHESION_WORDS.max(total / 15);
        (2 * min, min, mean_depth + 0.5 * std_dev(&depth[1..]))
    };
    let mut refined = Vec::new();
    for (k, &a) in bounds.iter().enumerate() {
        let b = bounds.get(k + 1).copied().unwrap_or(seq.len());
        refined.push(a);
        refined.extend(cohesion_splits(&seq, &depth, a, b, max_words, min_words, threshold));
    }
    refined.sort_unstable();

    refined
        .iter()
        .enumerate()
        .map(|(k, &a)| {
            let b = refined.get(k + 1).copied().unwrap_or(seq.len());
            kept[a..b].to_vec()
        })
        .collect()
}

/// Extra boundaries inside `seq[a..b]` when it is longer than `max_words`: the deepest
/// cohesion dips above `threshold` that leave both sides at least `min_words` long.
fn cohesion_splits(
    seq: &[&Unit],
    depth: &[f64],
    a: usize,
    b: usize,
    max_words: usize,
    min_words: usize,
    threshold: f64,
) -> Vec<usize> {
    let total: usize = seq[a..b].iter().map(|u| u.words).sum();
    if total <= max_words {
        return Vec::new();
    }
    let mut gaps: Vec<usize> = (a + 1..b).filter(|&g| depth[g] > threshold).collect();
    gaps.sort_by(|x, y| depth[*y].total_cmp(&depth[*x]));
    let mut chosen: Vec<usize> = Vec::new();
    for g in gaps {
        let mut cuts = chosen.clone();
        cuts.push(g);
        cuts.sort_unstable();
        let mut edges = vec![a];
        edges.extend(&cuts);
        edges.push(b);
        let long_enough = edges
            .windows(2)
            .all(|w| seq[w[0]..w[1]].iter().map(|u| u.words).sum::<usize>() >= min_words);
        if long_enough {
            chosen = cuts;
        }
    }
    chosen
}

/// TextTiling depth scores: `depth[g]` for the gap before `seq[g]` (0 for g = 0); high
/// where the vocabulary before and after the gap differ more than around it.
fn cohesion_depths(seq: &[&Unit]) -> Vec<f64> {
    let n = seq.len();
    let mut sim = vec![0.0; n];
    for (g, s) in sim.iter_mut().enumerate().skip(1) {
        let left = window_terms(seq[..g].iter().rev());
        let right = window_terms(seq[g..].iter());
        *s = cosine(&left, &right);
    }
    let mut depth = vec![0.0; n];
    for g in 1..n {
        let mut left_peak = sim[g];
        for &s in sim[1..g].iter().rev() {
            if s < left_peak {
                break;
            }
            left_peak = s;
        }
        let mut right_peak = sim[g];
        for &s in &sim[g + 1..] {
            if s < right_peak {
                break;
            }
            right_peak = s;
        }
        depth[g] = (left_peak - sim[g]) + (right_peak - sim[g]);
    }
    depth
}

fn window_terms<'a>(units: impl Iterator<Item = &'a &'a Unit>) -> HashMap<&'a str, f64> {
    let mut counts = HashMap::new();
    let mut words = 0;
    for u in units {
        for t in &u.terms {
            *counts.entry(t.as_str()).or_insert(0.0) += 1.0;
        }
        words += u.words;
        if words >= COHESION_WINDOW_WORDS {
            break;
        }
    }
    counts
}

fn cosine(a: &HashMap<&str, f64>, b: &HashMap<&str, f64>) -> f64 {
    let dot: f64 = a.iter().filter_map(|(t, x)| b.get(t).map(|y| x * y)).sum();
    let norm = |m: &HashMap<&str, f64>| m.values().map(|v| v * v).sum::<f64>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 { 0.0 } else { dot / denominator }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn std_dev(values: &[f64]) -> f64 {
    let m = mean(values);
    mean(&values.iter().map(|v| (v - m) * (v - m)).collect::<Vec<_>>()).sqrt()
}

// ---------------------------------------------------------------------------------------
// Titles

/// Presenter talk between a cue and the story itself, removed from the front of a
/// candidate title; applied repeatedly.
static PRESENTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^(?:{filler}|{cue}|(?:in |on ?to )?(?:the )?{SECTIONS}\b|{pointer}|{presenter}|{title_of})[\s,.:;!-]*",
        filler = r"(?:and|so|well|okay|ok|alright|all right(?:y)?|yeah|yes|now|then|also|anyway|um|uh|oh|right|cool|great|in fact|i think|i guess|you know|just|actually|basically|again|here|today|this week)\b",
        cue = r"(?:next up|up next|next|first up|first off|first|to start(?: off)?|finally|lastly|last but not least|moving (?:right )?(?:along|on)(?: to (?:the |our |a )?(?:next|last|final|new|other)? ?(?:story|stories|models?|papers?|one))?|let's move on(?: to)?|let's talk about|let's get to|turning to|speaking of(?: that| which| this)?|talking of|in other news|and now|on ?to (?:the |our )?(?:next|last|final|first)? ?(?:story|one|item)|on ?to (?:a few|some|one|two|three) (?:more )?(?:quick )?(?:stories|items)|on ?to)\b",
        pointer = r"(?:the |our |a )?(?:first|next|last|final|other|another|one more|quick)? ?(?:story|item|paper|one)(?: (?:here|today))?(?: (?:is|was))?(?: (?:about|on))?\b",
        presenter = r"(?:we(?:'ve)? (?:have|got|begin with|start with|kick off with|open with|are starting with)|we've got|here we have|here's|there's|there is|it's about|this is about|this one is about|the story is about|it is about|we have the (?:news|finding|report|announcement) that|the (?:news|finding|report|announcement) that|some news (?:about|on|from)|news (?:about|on|from)|a story (?:about|on|from)|a bit of news (?:about|on|from)|some)\b",
        title_of = r"(?:the )?title of the (?:story|article|paper|piece|post) is\b|it turns out(?: that)?\b|(?:you|we|i)(?:'ve)? (?:had|have|saw|wrote|read|covered|ran|got|published) (?:a|an|this|the|some) (?:report|story|piece|article|item|post|news|paper)(?:\s+(?:in|on|from)\s+(?:(?-i:[A-Z])[\w'’.-]*\s+){1,4})?(?:that|about|on)\b",
    ))
});

/// "a story from The Information titled X": the title is X.
static TITLED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:(?:[\w'’.-]+\s+){0,6}?(?:titled|headlined)|(?:[\w'’.-]+\s+){0,6}?(?:story|article|paper|piece|post|report|essay|op-ed)\s+(?:[\w'’.-]+\s+){0,4}?(?:called|named))\s+(.{8,})$",
    )
});

/// "OpenAI and they are releasing", "Anthropic and them adding", "OpenAI, they have released".
static SUBJECT_PRONOUN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^((?-i:[A-Z0-9])[\w.'’-]*(?:\s+(?-i:[A-Z0-9])[\w.'’-]*){0,3}),?\s+(?:and\s+)?(?:they|them|it)(?:'re|'ve|'s)?\s+(?:are\s+|is\s+|have\s+|has\s+)?",
    )
});

/// Candidates that point at the story instead of naming it ("Jeremy, you mentioned this one").
static NOT_A_STORY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\b(?:this one|that one|you mentioned|you covered|you flagged|i mentioned|we mentioned|we covered|talked about)\b|^[\w'’-]+,\s+(?:you|i|we)\b)",
    )
});

/// A name closing a sentence as an address ("…, James.").
static TRAILING_VOCATIVE: LazyLock<Regex> = LazyLock::new(|| regex(r",\s+(?-i:[A-Z])[\w'’-]+[.?!]?$"));

/// A co-host addressed by name ("Jeremy, you …").
static VOCATIVE: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?-i:[A-Z])[\w'’-]+,\s+(?:you|i|we)\b"));

/// A pronoun opening a sentence, to be replaced by the entity named just before.
static LEADING_PRONOUN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:they|it|this one|that one|the company|the startup|the firm)(?:'re|'s|'ve)?\s+(?:are\s+|is\s+|have\s+|has\s+)?",
    )
});

/// Words that add nothing to a headline.
const TITLE_FILLER: &[&str] = &[
    "apparently",
    "basically",
    "actually",
    "really",
    "just",
    "quite",
    "pretty",
    "essentially",
    "seemingly",
    "often",
    "also",
    "kind",
    "sort",
    "now",
    "some",
    "interesting",
    "exciting",
    "absurd",
    "crazy",
    "cool",
    "fascinating",
    "fun",
    "weird",
    "wild",
    "neat",
    "quick",
];

/// Progressive forms a subject is often followed by in speech ("Baidu launching"),
/// turned into headline present tense.
const GERUNDS: &[(&str, &str)] = &[
    ("launching", "launches"),
    ("releasing", "releases"),
    ("adding", "adds"),
    ("making", "makes"),
    ("dropping", "drops"),
    ("announcing", "announces"),
    ("unveiling", "unveils"),
    ("acquiring", "acquires"),
    ("buying", "buys"),
    ("raising", "raises"),
    ("building", "builds"),
    ("introducing", "introduces"),
    ("rolling", "rolls"),
    ("shipping", "ships"),
    ("partnering", "partners"),
    ("testing", "tests"),
    ("training", "trains"),
    ("developing", "develops"),
    ("offering", "offers"),
    ("planning", "plans"),
    ("expanding", "expands"),
    ("bringing", "brings"),
    ("getting", "gets"),
    ("taking", "takes"),
    ("pushing", "pushes"),
    ("using", "uses"),
    ("giving", "gives"),
    ("hiring", "hires"),
    ("suing", "sues"),
    ("investing", "invests"),
    ("reaching", "reaches"),
    ("previewing", "previews"),
    ("updating", "updates"),
    ("publishing", "publishes"),
    ("debuting", "debuts"),
    ("signing", "signs"),
    ("selling", "sells"),
    ("cutting", "cuts"),
    ("opening", "opens"),
    ("open-sourcing", "open-sources"),
    ("teaming", "teams"),
    ("winning", "wins"),
    ("facing", "faces"),
    ("working", "works"),
    ("showing", "shows"),
    ("claiming", "claims"),
    ("reporting", "reports"),
    ("restricting", "restricts"),
    ("banning", "bans"),
    ("blocking", "blocks"),
    ("creating", "creates"),
    ("deploying", "deploys"),
    ("integrating", "integrates"),
    ("joining", "joins"),
    ("leaving", "leaves"),
    ("losing", "loses"),
    ("moving", "moves"),
    ("paying", "pays"),
    ("putting", "puts"),
    ("setting", "sets"),
    ("spending", "spends"),
    ("starting", "starts"),
    ("targeting", "targets"),
];

/// Clause openers a headline is cut before.
const CLAUSE_BREAKS: &[&str] = &[
    ", which ",
    " which ",
    ", where ",
    " where ",
    ", so ",
    " so that ",
    ", but ",
    " but ",
    ", because ",
    " because ",
    " that is ",
    " that are ",
    " that's ",
    ", and then ",
    " and the ",
    " and then ",
    ", you know",
    " i think",
    ", i ",
    "...",
    " - ",
    " — ",
    "; ",
];

/// Words a headline should not end on.
const DANGLING: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "to", "for", "with", "in", "on", "at", "by", "from", "their", "its", "his",
    "her", "our", "is", "are", "was", "that", "this", "as", "into", "about", "than", "be", "it", "they", "we", "some",
    "when", "how", "what", "who", "why", "where", "whether", "if", "has", "have", "had", "can", "will", "would",
];

/// A title for the segment and the position (in `members`) of the sentence it came from.
///
/// A segment opened by a cue phrase is titled from the sentence that introduces the
/// story: the first of the opening sentences that names it (a name or number in it)
/// wins. The first sentence with a candidate at all may also win without a name, when it
/// still has four content words once teasers are dropped: paper titles and plain topics
/// ("block diffusion, interpolating between …") are read out in lower case.
///
/// A segment found by cohesion alone starts mid-conversation, where sentences rarely
/// make headlines; unless its first sentence does, it is titled by its recurring names
/// and words.
fn segment_title(members: &[&Unit], episode: &Vocabulary) -> (String, usize) {
    let cued = members.first().is_some_and(|u| u.cue != Cue::None);
    if cued {
        if let Some(found) = introduced_title(members) {
            return found;
        }
    } else if let Some(first) = members.first()
        && let Some(h) = headline(&first.text, None)
        && h.specific
        && h.content_words >= 4
        && !is_chatty(&first.text)
    {
        return (h.title, 0);
    }
    if let Some(title) = keyword_title(members, episode) {
        return (title, 0);
    }
    let best = members
        .iter()
        .enumerate()
        .take(8)
        .max_by(|(_, a), (_, b)| specificity(a).total_cmp(&specificity(b)));
    if let Some((k, u)) = best {
        let candidate = strip_presenter(&u.text);
        let title = capitalize(&compress(&candidate));
        if !title.is_empty() {
            return (title, k);
        }
    }
    (String::new(), 0)
}

/// The headline of the sentence that introduces a cued story, if one does.
fn introduced_title(members: &[&Unit]) -> Option<(String, usize)> {
    let mut last_entity: Option<String> = None;
    let mut first_candidate = true;
    // Four sentences of substance; "Yes." and "Audio Boom." do not use up the budget.
    let mut budget = 4;
    for (k, u) in members.iter().enumerate().take(10) {
        if let Some(headline) = headline(&u.text, last_entity.as_deref()) {
            if headline.specific || (first_candidate && headline.content_words >= 4) {
                return Some((headline.title, k));
            }
            first_candidate = false;
        }
        // "They" refers to a name in the sentence just before, never to a host being
        // addressed ("Jeremy, you mentioned this one", "…, James.").
        last_entity = if VOCATIVE.is_match(&u.text) {
            None
        } else {
            entities(&TRAILING_VOCATIVE.replace(&u.text, ""), true).last().cloned()
        };
        if u.words >= 4 {
            budget -= 1;
            if budget == 0 {
                break;
            }
        }
    }
    None
}

/// "Spotify, Schwab and NPR": the names and words most particular to the segment
/// (said there at least twice, and mostly there rather than elsewhere in the episode),
/// names first, three at most.
fn keyword_title(members: &[&Unit], episode: &Vocabulary) -> Option<String> {
    let here = Vocabulary::of(members.iter().copied());
    let rank = |counts: &HashMap<String, (String, usize)>, whole: &HashMap<String, (String, usize)>, min: usize| {
        let mut ranked: Vec<(f64, &str)> = counts
            .iter()
            .filter(|(_, (_, n))| *n >= min)
            .map(|(key, (surface, n))| {
                let total = whole.get(key).map_or(*n, |(_, t)| (*t).max(*n));
                ((n * n) as f64 / total as f64, surface.as_str())
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        ranked.into_iter().map(|(_, s)| s.to_string()).collect::<Vec<_>>()
    };
    let mut picked: Vec<String> = rank(&here.names, &episode.names, 2).into_iter().take(3).collect();
    let room = (3 - picked.len()).min(2);
    picked.extend(rank(&here.words, &episode.words, 3).into_iter().take(room));
    match picked.as_slice() {
        [] => None,
        [one] => Some(capitalize(one)),
        [init @ .., last] => Some(capitalize(&format!("{} and {last}", init.join(", ")))),
    }
}

/// How often names and topic words occur, keyed by a folded form, with the first
/// spelling seen.
#[derive(Debug, Default)]
struct Vocabulary {
    names: HashMap<String, (String, usize)>,
    words: HashMap<String, (String, usize)>,
}

impl Vocabulary {
    fn of<'a>(units: impl Iterator<Item = &'a Unit>) -> Vocabulary {
        let mut v = Vocabulary::default();
        let bump = |map: &mut HashMap<String, (String, usize)>, key: String, surface: &str| {
            map.entry(key).or_insert_with(|| (surface.to_string(), 0)).1 += 1;
        };
        for u in units {
            for name in entities(&u.text, true) {
                if name.chars().count() > 1 && !is_spoken_stopword(&name.to_lowercase()) {
                    bump(&mut v.names, name.to_lowercase(), &name);
                }
            }
            for w in u
                .text
                .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
            {
                let lower = w.trim_matches(['-', '\'', '’']).to_lowercase();
                let topical = lower.chars().count() > 3
                    && lower.chars().all(|c| c.is_alphabetic() || c == '-')
                    && !is_spoken_stopword(&lower)
                    && !VAGUE_WORDS.contains(&lower.as_str())
                    && !w.chars().any(char::is_uppercase);
                if topical {
                    bump(&mut v.words, plural_stem(strip_possessive(&lower)), &lower);
                }
            }
        }
        v
    }
}

/// Frequent in talk but no topic by themselves.
const VAGUE_WORDS: &[&str] = &[
    "first",
    "second",
    "last",
    "next",
    "somebody",
    "someone",
    "different",
    "together",
    "good",
    "great",
    "better",
    "best",
    "believe",
    "thinking",
    "sense",
    "talk",
    "talking",
    "talked",
    "people",
    "time",
    "times",
    "little",
    "start",
    "started",
    "year",
    "years",
    "today",
    "week",
    "weeks",
    "doing",
    "working",
    "work",
    "look",
    "looking",
    "feel",
    "want",
    "wanted",
    "need",
    "needed",
    "able",
    "point",
    "kind",
    "sort",
    "stuff",
    "thing",
    "things",
    "idea",
    "ideas",
    "part",
    "place",
    "whole",
    "same",
    "actually",
    "maybe",
    "probably",
    "sure",
    "guys",
    "anybody",
    "everybody",
    "nobody",
    "yeah",
    "okay",
    "right",
    "come",
    "came",
    "coming",
    "goes",
    "went",
    "said",
    "tell",
    "told",
    "call",
    "called",
    "trying",
    "tried",
    "gets",
    "getting",
    "give",
    "given",
    "keep",
    "lots",
    "much",
    "many",
    "kinds",
    "back",
    "means",
    "question",
    "answer",
    "again",
    "always",
    "never",
    "course",
    "literally",
    "totally",
    "absolutely",
    "obviously",
    "certainly",
    "thank",
    "thanks",
    "hear",
    "heard",
    "said",
    "saying",
    "says",
    "seen",
    "looks",
    "love",
    "loved",
    "like",
    "liked",
    "likes",
    "pretty",
    "quite",
    "really",
    "very",
    "well",
    "also",
    "just",
    "even",
    "still",
    "gonna",
    "wanna",
    "everything",
    "anything",
    "nothing",
    "something",
    "other",
    "others",
    "another",
    "every",
    "each",
    "both",
    "either",
    "neither",
    "such",
    "these",
    "those",
    "here",
    "there",
    "where",
    "when",
    "what",
    "which",
    "while",
    "because",
    "since",
    "though",
    "although",
    "about",
    "into",
    "over",
    "after",
    "before",
    "through",
    "without",
];

fn is_chatty(sentence: &str) -> bool {
    let lower = sentence.trim_start().to_lowercase();
    CHATTY.iter().any(|c| lower.starts_with(c))
}

/// Openings of sentences that chat rather than state.
const CHATTY: &[&str] = &[
    "yeah", "i think", "i mean", "you know", "i guess", "i don't", "i would", "i'm", "so i", "and i", "but i",
    "right?", "okay", "oh,", "well,", "like,", "listen", "no,", "yes,", "thank",
];

/// A sentence compressed to a headline, with what [`segment_title`] weighs it by.
#[derive(Debug)]
struct Headline {
    title: String,
    /// It has a name or a number in it.
    specific: bool,
    content_words: usize,
}

/// Openings of candidates that do not name a story.
static GENERIC_START: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:something|more|a few|a couple|one more|another|a bit|related|similar|this|that|these|those|i|you|we|he|she|what|how|why|where|when|there|here|if|because|but)\b",
    )
});

/// The story named by a sentence, as a headline, if the sentence could name one.
fn headline(sentence: &str, antecedent: Option<&str>) -> Option<Headline> {
    let mut candidate = strip_presenter(sentence);
    if let Some(caps) = TITLED.captures(&candidate)
        && let Some(rest) = caps.get(1)
    {
        candidate = rest.as_str().to_string();
    }
    if let Some(m) = LEADING_PRONOUN.find(&candidate) {
        let entity = antecedent?;
        candidate = format!("{entity} {}", &candidate[m.end()..]);
    }
    if NOT_A_STORY.is_match(&candidate) || GENERIC_START.is_match(&candidate) {
        return None;
    }
    let candidate = TRAILING_VOCATIVE.replace(&candidate, "");
    let title = compress(&candidate);
    let words = title.split_whitespace().count();
    if words < 3 {
        return None;
    }
    // Judged on the uncut candidate and before capitalising, so that a name cut off the
    // end still counts and a common word moved to the front does not pass for a name.
    let initial = sentence.trim_start().starts_with(candidate.as_ref());
    let specific = !entities(&candidate, initial).is_empty() || title.chars().any(|c| c.is_ascii_digit());
    Some(Headline {
        content_words: content_count(&title),
        title: capitalize(&title),
        specific,
    })
}

/// Removes cue phrases and presenter talk from the front of a sentence.
fn strip_presenter(sentence: &str) -> String {
    let mut s = sentence.trim().to_string();
    for _ in 0..12 {
        let Some(m) = PRESENTER.find(&s) else { break };
        if m.end() == 0 {
            break;
        }
        s = s[m.end()..].trim_start().to_string();
    }
    s
}

/// Cuts a candidate down to a headline of at most [`MAX_TITLE_WORDS`] words, or two more
/// where that keeps it whole. The first letter is left as found.
fn compress(candidate: &str) -> String {
    let mut s = candidate.trim().to_string();
    if let Some(caps) = SUBJECT_PRONOUN.captures(&s)
        && let (Some(all), Some(subject)) = (caps.get(0), caps.get(1))
    {
        s = format!("{} {}", subject.as_str(), &s[all.end()..]);
    }
    // Cut at the first sentence end or clause opener.
    if let Some(end) = sentence_end(&s) {
        s.truncate(end);
    }
    // ASCII folding keeps byte offsets, so positions found in `lower` are valid in `s`.
    let lower = s.to_ascii_lowercase();
    let cut = CLAUSE_BREAKS
        .iter()
        .filter_map(|c| lower.find(c))
        .filter(|&at| lower[..at].split_whitespace().count() >= 3)
        .min();
    if let Some(at) = cut {
        s.truncate(at);
    }

    let mut words: Vec<String> = Vec::new();
    let mut dropped_after_article = false;
    for w in s.split_whitespace() {
        if TITLE_FILLER.contains(&w.to_lowercase().trim_matches(',')) {
            dropped_after_article |= words.last().is_some_and(|a| is_article(a));
            continue;
        }
        // "an exciting milestone" without "exciting" is "a milestone".
        if dropped_after_article
            && let Some(article) = words.last_mut()
            && is_article(article)
        {
            let vowel = w.chars().next().is_some_and(|c| "aeiouAEIOU".contains(c));
            *article = if vowel { "an" } else { "a" }.to_string();
        }
        dropped_after_article = false;
        words.push(w.to_string());
    }
    words.dedup();
    // Headlines drop a leading indefinite article.
    if words.len() > 3 && words.first().is_some_and(|w| is_article(w)) {
        words.remove(0);
    }
    if words.len() >= 2 && is_entity_word(&words[0]) {
        let subject_len = words.iter().take_while(|w| is_entity_word(w)).count().min(4);
        if let Some(verb) = words.get(subject_len)
            && let Some((_, present)) = GERUNDS.iter().find(|(g, _)| verb.eq_ignore_ascii_case(g))
        {
            words[subject_len] = (*present).to_string();
        }
    }
    if words.len() > MAX_TITLE_WORDS + 2 {
        // Prefer ending at a comma inside the limit when that keeps most of the title.
        let comma = (4..MAX_TITLE_WORDS).rev().find(|&k| words[k - 1].ends_with(','));
        words.truncate(comma.unwrap_or(MAX_TITLE_WORDS));
    }
    while let Some(last) = words.last() {
        let bare = last.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        if bare.is_empty() || DANGLING.contains(&bare.as_str()) || (bare == "of" || bare == "kind") {
            words.pop();
        } else {
            break;
        }
    }
    let mut title = words.join(" ");
    title = title
        .trim_end_matches(|c: char| ",;:.-—–".contains(c) || c.is_whitespace())
        .to_string();
    title.trim_start_matches(|c: char| !c.is_alphanumeric()).to_string()
}

fn is_article(word: &str) -> bool {
    word.eq_ignore_ascii_case("a") || word.eq_ignore_ascii_case("an")
}

/// Where the first sentence of `s` ends (before its punctuation), when more text follows.
fn sentence_end(s: &str) -> Option<usize> {
    resplit(s, 0, s.len())
        .first()
        .filter(|&&(_, b)| b < s.len())
        .map(|&(_, b)| s[..b].trim_end_matches(['.', '?', '!', '…', ' ']).len())
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Capitalised or alphanumeric words that are not sentence furniture.
fn is_entity_word(word: &str) -> bool {
    let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
    let Some(first) = bare.chars().next() else { return false };
    let lower = bare.to_lowercase();
    if is_spoken_stopword(&lower) || SPOKEN_CAPITALS.contains(&lower.as_str()) {
        return false;
    }
    first.is_uppercase() || (bare.chars().any(|c| c.is_ascii_digit()) && bare.chars().any(char::is_alphabetic))
}

/// Capitalised words in speech that are never names on their own.
const SPOKEN_CAPITALS: &[&str] = &[
    "yeah", "okay", "ok", "so", "well", "oh", "um", "uh", "right", "yes", "no", "hey", "hi", "hello", "thanks", "like",
    "next", "moving", "speaking", "let's", "let", "ai", "i'm", "i've", "i'd", "i'll", "it's", "that's", "there's",
    "we're", "they're", "you're", "here's", "what's", "also", "finally",
];

/// The named entities of a sentence, as runs of entity words.
///
/// Every sentence starts with a capital, so its first word only counts when it looks
/// like a name anyway (OpenAI, NVIDIA, H20) or starts a run of names (New Zealand).
/// Pass `initial = false` for text cut from the middle of a sentence.
fn entities(sentence: &str, initial: bool) -> Vec<String> {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let counts = is_entity_word(word)
            && (i > 0
                || !initial
                || looks_like_a_name(word)
                || (!word.ends_with(',') && words.get(1).is_some_and(|next| is_entity_word(next))));
        if counts {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
            run.push(
                bare.strip_suffix("'s")
                    .or_else(|| bare.strip_suffix("’s"))
                    .unwrap_or(bare),
            );
            if word.ends_with([',', '.', ';', ':', '?', '!']) {
                out.push(run.join(" "));
                run.clear();
            }
        } else if !run.is_empty() {
            out.push(run.join(" "));
            run.clear();
        }
    }
    if !run.is_empty() {
        out.push(run.join(" "));
    }
    out
}

/// Capitals past the first letter, or digits among letters: a name wherever it stands.
fn looks_like_a_name(word: &str) -> bool {
    let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
    bare.chars().skip(1).any(char::is_uppercase)
        || (bare.chars().any(|c| c.is_ascii_digit()) && bare.chars().any(char::is_alphabetic))
}

fn specificity(u: &Unit) -> f64 {
    let entities = entities(&u.text, true).len() as f64;
    let numbers = u
        .text
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count() as f64;
    let length_ok = if (6..=40).contains(&u.words) { 1.0 } else { 0.3 };
    (entities + 0.5 * numbers) * length_ok
}

// ---------------------------------------------------------------------------------------
// Segment summaries

/// Summaries longer than this many words are cut with an ellipsis.
const MAX_SUMMARY_SENTENCE_WORDS: usize = 45;
const MAX_SUMMARY_WORDS: usize = 75;

/// One or two sentences of the segment: the one that introduces the story and, when one
/// stands out, the most informative of those that follow.
fn segment_summary(members: &[&Unit], lead: usize) -> String {
    let lead = (lead..members.len())
        .find(|&k| content_count(&strip_presenter(&members[k].text)) >= 3)
        .unwrap_or(lead.min(members.len().saturating_sub(1)));
    let Some(first) = members.get(lead) else {
        return String::new();
    };
    let mut parts = vec![cap_words(&first.text, MAX_SUMMARY_SENTENCE_WORDS)];

    let mut segment_terms: HashMap<&str, usize> = HashMap::new();
    for u in members {
        for t in &u.terms {
            *segment_terms.entry(t.as_str()).or_default() += 1;
        }
    }
    let best = members
        .iter()
        .enumerate()
        .skip(lead + 1)
        .take(12)
        .filter(|(_, u)| (8..=MAX_SUMMARY_SENTENCE_WORDS).contains(&u.words))
        // Lead bias: the sentences right after the introduction usually carry its facts.
        .map(|(k, u)| (k, fact_score(u, &segment_terms) + 1.5 / (k - lead) as f64))
        .filter(|&(_, score)| score > 1.0)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((k, _)) = best {
        let total = first.words.min(MAX_SUMMARY_SENTENCE_WORDS) + members[k].words;
        if total <= MAX_SUMMARY_WORDS {
            parts.push(members[k].text.clone());
        }
    }
    parts.join(" ")
}

/// How much a sentence states rather than chats: names, numbers and the segment's own
/// vocabulary count for it; filler openings, questions and first-person talk against it.
fn fact_score(u: &Unit, segment_terms: &HashMap<&str, usize>) -> f64 {
    let lower = u.text.to_lowercase();
    let mut score = 0.0;
    score += entities(&u.text, true).len() as f64 * 0.8;
    score += u
        .text
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count() as f64
        * 0.6;
    let shared = u
        .terms
        .iter()
        .filter(|t| segment_terms.get(t.as_str()).is_some_and(|&c| c >= 3))
        .count();
    score += shared as f64 * 0.3;
    if is_chatty(&lower) {
        score -= 1.5;
    }
    if lower.contains(" i ") || lower.starts_with("i ") {
        score -= 0.8;
    }
    if u.text.trim_end().ends_with('?') {
        score -= 1.5;
    }
    if u.cue != Cue::None {
        score -= 1.0;
    }
    score / (u.words as f64).sqrt() * 4.0
}

fn cap_words(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= max {
        return words.join(" ");
    }
    format!("{}…", words[..max].join(" ").trim_end_matches([',', ';', ':']))
}

/// Distinct content words.
fn content_count(text: &str) -> usize {
    content_terms(text).into_iter().collect::<HashSet<_>>().len()
}

// ---------------------------------------------------------------------------------------
// Episode summary

fn episode_tldr(title: &str, stories: &[String]) -> String {
    const MAX_WORDS: usize = 40;
    let title = title.trim();
    let opening = if title.is_empty() {
        format!("This episode covers {} stories", stories.len())
    } else {
        format!("{title} covers {} stories", stories.len())
    };
    for shown in (1..=stories.len().min(3)).rev() {
        let list = match shown {
            1 => stories[0].clone(),
            _ => format!("{} and {}", stories[..shown - 1].join(", "), stories[shown - 1]),
        };
        let sentence = if stories.len() == 1 {
            format!("{opening}: {list}.")
        } else {
            format!("{opening}, including {list}.")
        }
        .replacen("covers 1 stories", "covers one story", 1);
        if sentence.split_whitespace().count() <= MAX_WORDS {
            return sentence;
        }
    }
    cap_words(&format!("{opening}."), MAX_WORDS)
}

/// Titles of the longest segments, in episode order, three to six of them.
fn top_titles(topics: &[TopicSegment], ranges: &[Vec<usize>], units: &[Unit]) -> Vec<String> {
    let mut by_length: Vec<(usize, usize)> = ranges
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.iter().map(|&i| units[i].words).sum::<usize>())
        .enumerate()
        .collect();
    by_length.sort_by_key(|&(_, words)| std::cmp::Reverse(words));
    let mut chosen: Vec<usize> = by_length.iter().take(6).map(|&(k, _)| k).collect();
    chosen.sort_unstable();
    chosen
        .into_iter()
        .filter_map(|k| topics.get(k).map(|t| t.title.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Words

/// Lower-cased, lightly stemmed content words (stopwords and spoken filler removed).
fn content_terms(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches(['\'', '’', '-']).to_lowercase())
        .filter(|w| w.chars().count() > 2 && !is_spoken_stopword(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| plural_stem(strip_possessive(&w)))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::sources::transcript::{TranscriptFormat, parse_transcript};

    fn examples_dir() -> PathBuf {
        let dir = std::env::var_os("NEWSDESK_EXAMPLES_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/examples"));
        assert!(
            dir.is_dir(),
            "examples directory {} is missing: set NEWSDESK_EXAMPLES_DIR",
            dir.display()
        );
        dir
    }

    fn corpus_dir() -> PathBuf {
        let dir = std::env::var_os("NEWSDESK_CORPUS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
        assert!(
            dir.is_dir(),
            "corpus directory {} is missing: set NEWSDESK_CORPUS_DIR",
            dir.display()
        );
        dir
    }

    fn last_week_in_ai() -> EpisodeSummary {
        let path = examples_dir().join("001_6eeb48275b0d02fc.txt");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        summarize_episode("Last Week in AI", &plain_text_segments(&text), &Extractive)
    }

    fn seg(start: f64, text: &str) -> Segment {
        Segment {
            start: Some(start),
            end: None,
            speaker: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn plain_text_rejoins_lines_broken_mid_sentence() {
        let text = "Hello there. This line breaks in the\nmiddle of a sentence, and goes on.\nA new paragraph starts here.\n\nAnd a blank line separates this one.";
        let segments = plain_text_segments(text);
        let texts: Vec<&str> = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Hello there. This line breaks in the middle of a sentence, and goes on.",
                "A new paragraph starts here.",
                "And a blank line separates this one.",
            ]
        );
        assert!(segments.iter().all(|s| s.start.is_none()));
    }

    #[test]
    fn plain_text_cuts_long_paragraphs_into_sentence_groups() {
        let sentence = "The model was trained on a large dataset of public text. ";
        let text = sentence.repeat(60);
        let segments = plain_text_segments(&text);
        assert!(segments.len() >= 4, "{}", segments.len());
        assert!(
            segments
                .iter()
                .all(|s| s.text.len() <= TARGET_GROUP_CHARS + sentence.len())
        );
        let rejoined: Vec<&str> = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(rejoined.join(" "), text.trim());
    }

    #[test]
    fn last_week_in_ai_is_split_into_its_stories() {
        let episode = last_week_in_ai();
        let titles: Vec<&str> = episode.segments.iter().map(|s| s.title.as_str()).collect();
        assert!(episode.segments.len() >= 8, "{titles:#?}");
        let first = &episode.segments[0];
        assert!(
            first.title.contains("Baidu") || first.title.contains("Ernie"),
            "first segment: {first:#?}"
        );
        for s in &episode.segments {
            let words = s.title.split_whitespace().count();
            assert!((1..=12).contains(&words), "title {:?}", s.title);
            let lower = format!("{} {}", s.title, s.summary).to_lowercase();
            for leak in [
                "bats",
                "welcome to",
                "quick preview",
                "your other host",
                "thank you so much for listening",
            ] {
                assert!(!lower.contains(leak), "{leak:?} leaked into {s:#?}");
            }
            assert!(!s.summary.is_empty(), "{s:#?}");
            assert!(s.start.is_none());
        }
        assert_eq!(episode.stories, titles);
        assert!(episode.summary.summary.starts_with("This episode covers: "));
        assert!(episode.summary.summary.contains(&first.title));
        assert!(episode.summary.tldr.split_whitespace().count() <= 40);
        assert!((3..=6).contains(&episode.summary.bullets.len()));
        assert!(!episode.summary.decoder.is_empty());
    }

    #[test]
    fn last_week_in_ai_finds_the_announced_sections() {
        let episode = last_week_in_ai();
        let all: String = episode
            .segments
            .iter()
            .map(|s| format!("{} | {}\n", s.title, s.summary))
            .collect();
        for story in ["OpenAI", "Anthropic", "NVIDIA", "Mistral", "DeepSeek", "copyright"] {
            assert!(all.contains(story), "{story} missing from\n{all}");
        }
        // The preview's section names must not become segments of their own.
        assert!(
            !all.to_lowercase()
                .contains("we're going to be talking a lot about hardware"),
            "{all}"
        );
    }

    #[test]
    fn timed_transcripts_keep_increasing_start_times() {
        let dir = corpus_dir().join("podcast/transcripts-transcriptator");
        for (file, format) in [
            ("podnews_weekly_review_2024-01-19.vtt", TranscriptFormat::WebVtt),
            ("podcasting_20_episode_124.srt", TranscriptFormat::Srt),
            ("buzzcast.srt", TranscriptFormat::Srt),
        ] {
            let path = dir.join(file);
            let body = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let segments = parse_transcript(&body, format).unwrap_or_else(|e| panic!("{file}: {e}"));
            let episode = summarize_episode(file, &segments, &Extractive);
            assert!(episode.segments.len() >= 2, "{file}: {:#?}", episode.segments);
            let starts: Vec<f64> = episode
                .segments
                .iter()
                .map(|s| {
                    s.start
                        .unwrap_or_else(|| panic!("{file}: segment without start: {s:#?}"))
                })
                .collect();
            assert!(starts.windows(2).all(|w| w[0] < w[1]), "{file}: {starts:?}");
            for s in &episode.segments {
                let words = s.title.split_whitespace().count();
                assert!((1..=12).contains(&words), "{file}: title {:?}", s.title);
                let lower = s.summary.to_lowercase();
                assert!(!lower.contains("sponsored by"), "{file}: ad in {s:#?}");
            }
        }
    }

    #[test]
    fn every_corpus_transcript_digests() {
        let dir = corpus_dir().join("podcast");
        let mut stack = vec![dir];
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let name = path.to_string_lossy().to_string();
                if name.ends_with("_parsed.json") || name.contains("chapters") {
                    continue;
                }
                let Some(format) = TranscriptFormat::from_extension(&name) else {
                    continue;
                };
                if format == TranscriptFormat::Text {
                    continue;
                }
                let Ok(body) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Ok(segments) = parse_transcript(&body, format) else {
                    continue;
                };
                let episode = summarize_episode(&name, &segments, &Extractive);
                for s in &episode.segments {
                    assert!(
                        !s.title.is_empty() && s.title.split_whitespace().count() <= 12,
                        "{name}: {s:#?}"
                    );
                }
                seen += 1;
            }
        }
        assert!(seen >= 8, "only {seen} transcripts");
    }

    fn story_one() -> Vec<&'static str> {
        vec![
            "The first story is about Acme Robotics launching a humanoid robot called Atlas Nine.",
            "The robot costs 20,000 dollars and ships to warehouses in March.",
            "Acme says Atlas Nine can lift 25 kilograms and work eight hours on one charge.",
            "Analysts expect Acme Robotics to sell about 5,000 units in the first year.",
            "The company raised 300 million dollars last year to build the factory in Ohio.",
            "Competitors such as Figure and Agility are working on similar warehouse robots.",
        ]
    }

    fn story_two() -> Vec<&'static str> {
        vec![
            "Next up, Globex released an open-weights language model named Orca 7B.",
            "Orca 7B beats larger models on the GSM8K maths benchmark according to Globex.",
            "The weights are available on Hugging Face under the Apache 2.0 licence.",
            "Globex trained the model on 4 trillion tokens using 2,048 GPUs for three weeks.",
            "Researchers at Stanford have already fine-tuned Orca 7B for medical question answering.",
            "Globex plans a larger 70B version later this year.",
        ]
    }

    #[test]
    fn a_sponsor_read_between_stories_is_left_out() {
        let ad = [
            "This episode is brought to you by Initech.",
            "Initech makes payroll painless for teams of every size.",
            "Go to initech.com/newsdesk and use code NEWS for 20% off your first year.",
            "And now, back to the show.",
        ];
        let mut t = 0.0;
        let mut segments = Vec::new();
        for line in story_one().into_iter().chain(ad).chain(story_two()) {
            segments.push(seg(t, line));
            t += 5.0;
        }
        let episode = summarize_episode("Synthetic", &segments, &Extractive);
        assert_eq!(episode.segments.len(), 2, "{:#?}", episode.segments);
        let everything = serde_json::to_string(&episode).unwrap_or_default();
        assert!(!everything.contains("Initech"), "{everything}");
        assert!(!everything.contains("back to the show"), "{everything}");
        assert_eq!(episode.segments[0].start, Some(0.0));
        assert_eq!(episode.segments[1].start, Some(50.0));
        assert!(episode.segments[0].title.contains("Acme"), "{:#?}", episode.segments);
        assert!(episode.segments[1].title.contains("Globex"), "{:#?}", episode.segments);
    }

    #[test]
    fn intro_preview_and_outro_are_left_out() {
        let intro = [
            "Hello and welcome to the Robot Report, I'm your host Sam.",
            "It has been a rainy week here and my cat knocked over the coffee.",
            "In this episode we will talk about warehouse robots and a new open model.",
            "Let's get into it.",
        ];
        let outro = [
            "That's it for this week, thanks for listening.",
            "Please subscribe and leave a review, and see you next week.",
        ];
        let lines: Vec<&str> = intro
            .into_iter()
            .chain(story_one())
            .chain(story_two())
            .chain(outro)
            .collect();
        let text = lines.join("\n");
        let episode = summarize_episode("Robot Report", &plain_text_segments(&text), &Extractive);
        let everything = serde_json::to_string(&episode.segments).unwrap_or_default();
        for leak in ["cat", "welcome", "In this episode", "subscribe", "thanks for listening"] {
            assert!(!everything.contains(leak), "{leak}: {everything}");
        }
        assert_eq!(episode.segments.len(), 2, "{:#?}", episode.segments);
        assert_eq!(
            episode.segments[0].title,
            "Acme Robotics launches a humanoid robot called Atlas Nine"
        );
    }

    #[test]
    fn titles_drop_presenter_talk() {
        let cases = [
            (
                "In Tools and Apps, the first story is about Baidu launching two new versions of the Ernie model, Ernie 4.5 and Ernie X1.",
                "Baidu launches two new versions of the Ernie model",
            ),
            (
                "Moving right along, next we have OpenAI and they are releasing some new audio models.",
                "OpenAI releases new audio models",
            ),
            (
                "And onto projects and open source, we begin with a story from the information titled Anthropix not so secret weapon that's giving agents a boost.",
                "Anthropix not so secret weapon",
            ),
            (
                "And onto the last story, Tencent is reportedly making massive NVIDIA H20 chip purchases.",
                "Tencent is reportedly making massive NVIDIA H20 chip purchases",
            ),
        ];
        for (sentence, want) in cases {
            assert_eq!(title_of(&[sentence]), want, "{sentence}");
        }
        // A teaser is not a title; the sentence that names the company is, with "they"
        // resolved to it.
        assert_eq!(
            title_of(&[
                "And next story is also about some absurd sounding numbers of hardware.",
                "This one is from Apple.",
                "They have launched a Mac Studio with the M3 Ultra chip.",
            ]),
            "Apple launched a Mac Studio with the M3 Ultra chip"
        );
        // A paper title read out in lower case is kept.
        assert_eq!(
            title_of(&[
                "And next up, we have the paper block diffusion, interpolating between autoregressive and diffusion language models.",
                "So typically, when you're using an LLM, you're generating one token at a time.",
            ]),
            "Block diffusion, interpolating between autoregressive and diffusion language models"
        );
        // Addressing a co-host names no story.
        assert_eq!(
            title_of(&[
                "Next up, I think, Jeremy, you mentioned this one.",
                "We have an interesting analysis measuring AI ability to complete long tasks.",
                "And it is looking at how 13 frontier models handle long tasks.",
            ]),
            "Analysis measuring AI ability to complete long tasks"
        );
    }

    fn title_of(sentences: &[&str]) -> String {
        let units: Vec<Unit> = sentences.iter().map(|s| make_unit(s, None)).collect();
        let members: Vec<&Unit> = units.iter().collect();
        segment_title(&members, &Vocabulary::of(units.iter())).0
    }

    #[test]
    fn transcripts_without_cues_are_split_by_cohesion() {
        let mut lines = Vec::new();
        for _ in 0..4 {
            lines.extend(story_one());
        }
        for _ in 0..4 {
            lines.extend(story_two());
        }
        let segments: Vec<Segment> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                seg(
                    i as f64,
                    &l.replace("The first story is about ", "").replace("Next up, ", ""),
                )
            })
            .collect();
        let episode = summarize_episode("No cues", &segments, &Extractive);
        assert_eq!(episode.segments.len(), 2, "{:#?}", episode.segments);
        assert_eq!(episode.segments[1].start, Some(24.0));
    }

    #[test]
    fn a_mid_story_subscribe_or_sponsorship_is_not_an_outro_or_ad() {
        let mut lines = story_one();
        lines.push("Customers can subscribe to the robot service for 900 dollars a month.");
        lines.push("The pilot study was sponsored by the Ohio Department of Transportation.");
        lines.push("Acme Robotics plans to open a second factory near Columbus in 2026.");
        let segments: Vec<Segment> = lines.iter().enumerate().map(|(i, l)| seg(i as f64, l)).collect();
        let episode = summarize_episode("Robots", &segments, &Extractive);
        assert_eq!(episode.segments.len(), 1, "{:#?}", episode.segments);
        let units = units_of(&segments);
        let keep = editorial_mask(&units);
        let dropped: Vec<&str> = units
            .iter()
            .zip(&keep)
            .filter(|(_, k)| !**k)
            .map(|(u, _)| u.text.as_str())
            .collect();
        // A sponsorship mentioned in the news loses that one sentence, never the story.
        assert!(dropped.len() <= 1, "{dropped:#?}");
        assert!(keep[units.len() - 1], "the last story sentence was cut");
    }

    #[test]
    fn every_pattern_compiles() {
        for re in [
            &LEAD_FILLER,
            &STRONG_CUE,
            &STORY_CUE_EARLY,
            &WEAK_CUE,
            &SECTION_CUE,
            &INTRO,
            &PREVIEW,
            &START,
            &OUTRO,
            &OUTRO_WEAK,
            &BREAK,
            &SPONSOR,
            &AD_LIKE,
            &BACK_TO_SHOW,
            &PRESENTER,
            &TITLED,
            &SUBJECT_PRONOUN,
            &NOT_A_STORY,
            &TRAILING_VOCATIVE,
            &VOCATIVE,
            &LEADING_PRONOUN,
            &GENERIC_START,
        ] {
            assert!(!re.as_str().is_empty());
        }
    }

    #[test]
    fn empty_and_degenerate_input_does_not_panic() {
        for segments in [
            Vec::new(),
            vec![seg(0.0, "")],
            vec![seg(0.0, "   ")],
            vec![seg(0.0, "♪ ♪ ♪")],
            vec![seg(0.0, "Welcome to the show, I'm your host.")],
            vec![seg(0.0, "Next up.")],
            vec![seg(0.0, "Thanks for listening, subscribe!")],
            vec![
                seg(
                    0.0,
                    "İSTANBUL’DA ÇOK büyük bir haber… Ünïcode Corp İzmir 🚀 launches İZMİR-2, which İs big.",
                ),
                seg(
                    1.0,
                    "Next up, ŞİRKET İçin launching 🚀🚀 a model — called İZMİR 2 — with 3 trillion tokens.",
                ),
            ],
        ] {
            let episode = summarize_episode("", &segments, &Extractive);
            assert!(episode.segments.len() <= 1);
        }
        assert!(plain_text_segments("").is_empty());
        assert!(plain_text_segments("\n\n  \n").is_empty());
        let episode = summarize_episode("Empty", &[], &Extractive);
        assert!(episode.stories.is_empty());
    }
}
