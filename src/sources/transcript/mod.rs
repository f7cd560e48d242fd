//! Podcast transcripts (WebVTT, SRT, Podcasting 2.0 JSON, HTML, plain text) and
//! Podcasting 2.0 chapters files, parsed into timestamped, speaker-tagged segments.
//!
//! The parsers are lenient in the way podcast transcripts need: a byte-order mark,
//! CRLF line ends, a missing `WEBVTT` header, seconds-only cue timings (`0.860 --> 7.380`)
//! and stray markup are all accepted. Every parser runs in time linear in the input.
//!
//! Conventions shared by all formats:
//!
//! - `start` / `end` are seconds from the start of the episode. Formats that only give a
//!   start (HTML, plain text) get `end` = the next segment's start.
//! - Text is plain: markup stripped (cue tags such as `<c>`, `<i>`, `</v>`), character
//!   references decoded, whitespace collapsed, trimmed. Segments left empty are dropped.
//! - Speakers: WebVTT `<v Name>` voice tags, Podcasting 2.0 JSON `speaker`, HTML `<cite>`,
//!   and a leading `Name: ` label (SRT, WebVTT without voice tags, plain text, subtitle
//!   JSON). A label
//!   counts only when it looks like a name (see [`looks_like_speaker`]), so a sentence
//!   such as `He told me: no` keeps its text. In WebVTT, SRT, HTML and plain text the
//!   speaker carries forward to following segments until the next label, because
//!   Podcasting 2.0 transcripts name the speaker only when it changes. Podcasting 2.0
//!   JSON names a speaker per segment, so a segment without one has `speaker: None`.
//! - The parsers keep the file's segmentation (a cue, a JSON segment, an HTML monologue,
//!   a text paragraph or labelled line); [`merge_turns`] joins word-level segments into
//!   speaker turns for callers that want them.

mod cues;
mod helpers;
mod html;
mod json;
mod text;

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use crate::domain::{Chapter, Segment};
use crate::text::collapse_whitespace;
use crate::text::html::{decode_entities, strip_tags};
#[allow(unused_imports)]
use cues::*;
#[allow(unused_imports)]
use helpers::*;
#[allow(unused_imports)]
use html::*;
#[allow(unused_imports)]
use json::*;
#[allow(unused_imports)]
use text::*;

/// Transcript formats we read, from the `type` attribute of `<podcast:transcript>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptFormat {
    WebVtt,
    Srt,
    Json,
    Html,
    Text,
}

impl TranscriptFormat {
    /// Picks the format from a MIME type, falling back on the URL's extension.
    ///
    /// MIME parameters (`; charset=utf-8`) and case are ignored. When the MIME type is
    /// `text/plain` but the URL names a more specific format (`.vtt`, `.srt`, `.json`,
    /// `.html`), the extension wins: servers commonly label caption files as plain text.
    pub fn detect(mime: &str, url: &str) -> Option<TranscriptFormat> {
        let from_mime = Self::from_mime(mime);
        let from_ext = Self::from_extension(url);
        match (from_mime, from_ext) {
            (Some(TranscriptFormat::Text), Some(ext)) => Some(ext),
            (Some(format), _) => Some(format),
            (None, ext) => ext,
        }
    }

    /// The format a MIME type names, if any.
    pub fn from_mime(mime: &str) -> Option<TranscriptFormat> {
        let essence = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/vtt" | "text/webvtt" => Some(TranscriptFormat::WebVtt),
            "application/x-subrip"
            | "application/srt"
            | "application/x-srt"
            | "text/srt"
            | "text/x-srt"
            | "text/x-subrip" => Some(TranscriptFormat::Srt),
            "application/json" | "text/json" => Some(TranscriptFormat::Json),
            "text/html" | "application/xhtml+xml" => Some(TranscriptFormat::Html),
            "text/plain" => Some(TranscriptFormat::Text),
            other if other.starts_with("application/") && other.ends_with("+json") => Some(TranscriptFormat::Json),
            _ => None,
        }
    }

    /// The format a URL's file extension names, if any (query and fragment ignored).
    pub fn from_extension(url: &str) -> Option<TranscriptFormat> {
        let path = match url::Url::parse(url) {
            Ok(parsed) => parsed.path().to_owned(),
            Err(_) => url.split(['?', '#']).next().unwrap_or("").to_owned(),
        };
        let file = path.rsplit('/').next().unwrap_or("");
        let (_, ext) = file.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "vtt" | "webvtt" => Some(TranscriptFormat::WebVtt),
            "srt" => Some(TranscriptFormat::Srt),
            "json" => Some(TranscriptFormat::Json),
            "html" | "htm" | "xhtml" => Some(TranscriptFormat::Html),
            "txt" | "text" => Some(TranscriptFormat::Text),
            _ => None,
        }
    }

    /// Guesses the format from the body itself, for when the declared type is missing or
    /// generic. Returns `None` for a blank body.
    pub fn sniff(body: &str) -> Option<TranscriptFormat> {
        let text = body.trim_start_matches('\u{feff}').trim_start();
        if text.is_empty() {
            return None;
        }
        if text.starts_with("WEBVTT") {
            return Some(TranscriptFormat::WebVtt);
        }
        // `[` alone could open a plain-text timestamp (`[00:00:05] Host: …`).
        let json_array = text
            .strip_prefix('[')
            .is_some_and(|rest| rest.trim_start().starts_with(['{', ']']));
        if text.starts_with('{') || json_array {
            return Some(TranscriptFormat::Json);
        }
        if looks_like_srt(text) {
            return Some(TranscriptFormat::Srt);
        }
        if text.starts_with('<') {
            return Some(TranscriptFormat::Html);
        }
        Some(TranscriptFormat::Text)
    }

    /// A short human name, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            TranscriptFormat::WebVtt => "WebVTT",
            TranscriptFormat::Srt => "SRT",
            TranscriptFormat::Json => "JSON transcript",
            TranscriptFormat::Html => "HTML transcript",
            TranscriptFormat::Text => "plain-text transcript",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    #[error("transcript is not valid {format}: {reason}")]
    Invalid { format: &'static str, reason: String },
}

fn invalid(format: &'static str, reason: impl Into<String>) -> TranscriptError {
    TranscriptError::Invalid {
        format,
        reason: reason.into(),
    }
}

/// Parses a transcript body into segments.
///
/// A `Text` body that is unmistakably WebVTT (starts with `WEBVTT`) or SRT (starts with a
/// cue) is parsed as such, because caption files are often served as `text/plain`.
///
/// Errors: invalid JSON or JSON of an unknown shape; WebVTT or SRT with no cue timing
/// line at all. A blank body yields no segments for every format but JSON.
pub fn parse_transcript(body: &str, format: TranscriptFormat) -> Result<Vec<Segment>, TranscriptError> {
    let text = normalize_newlines(body.trim_start_matches('\u{feff}'));
    match format {
        TranscriptFormat::WebVtt => parse_cues(&text, TranscriptFormat::WebVtt),
        TranscriptFormat::Srt => parse_cues(&text, TranscriptFormat::Srt),
        TranscriptFormat::Json => parse_json(&text),
        TranscriptFormat::Html => parse_html(&text),
        TranscriptFormat::Text => match TranscriptFormat::sniff(&text) {
            Some(sniffed @ (TranscriptFormat::WebVtt | TranscriptFormat::Srt)) => parse_cues(&text, sniffed),
            _ => Ok(parse_text(&text)),
        },
    }
}

/// Parses a Podcasting 2.0 chapters file (`{"version": "1.2.0", "chapters": [...]}`).
///
/// - Chapters are returned sorted by start time.
/// - `toc: false` chapters are kept: they still mark a position in the episode that a
///   summary may cite; callers building a table of contents can't tell them apart, which
///   is acceptable because [`Chapter`] has no such flag.
/// - A chapter without a title takes its `location.name`, else an empty title.
/// - A chapter without a usable `startTime` is skipped.
/// - `endTime` is kept only when the file gives it.
///
/// Errors: invalid JSON, or a document without a `chapters` array.
pub fn parse_chapters(body: &str) -> Result<Vec<Chapter>, TranscriptError> {
    const FORMAT: &str = "chapters JSON";
    let value: Value =
        serde_json::from_str(body.trim_start_matches('\u{feff}')).map_err(|e| invalid(FORMAT, e.to_string()))?;
    let items = match value.get("chapters") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid(FORMAT, "`chapters` is not an array")),
        None => return Err(invalid(FORMAT, "no `chapters` array")),
    };
    let mut chapters: Vec<Chapter> = items
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|item| {
            let start = item.get("startTime").and_then(seconds_value)?;
            let title = non_empty_str(item.get("title"))
                .or_else(|| non_empty_str(item.get("location").and_then(|l| l.get("name"))))
                .map(collapse_whitespace)
                .unwrap_or_default();
            Some(Chapter {
                start,
                end: item.get("endTime").and_then(seconds_value),
                title,
                url: non_empty_str(item.get("url")).map(|u| u.trim().to_owned()),
            })
        })
        .collect();
    chapters.sort_by(|a, b| a.start.total_cmp(&b.start));
    Ok(chapters)
}

/// Joins consecutive segments of the same speaker into one, as long as the joined text
/// stays within `max_chars` characters (`None`: no limit).
///
/// Word-level transcripts (one segment per word) are too fine-grained to summarise or
/// cite; this turns them into speaker turns. The joined segment keeps the first start
/// and the last end. Text is joined with a space, except before closing punctuation.
pub fn merge_turns(segments: &[Segment], max_chars: Option<usize>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    // Character counts of `out`'s texts, kept so the limit check stays O(1) per segment.
    let mut lens: Vec<usize> = Vec::new();
    for seg in segments {
        let seg_len = seg.text.chars().count();
        if let (Some(prev), Some(prev_len)) = (out.last_mut(), lens.last_mut()) {
            let glue = usize::from(!starts_with_closing_punct(&seg.text));
            let joined_len = *prev_len + glue + seg_len;
            if prev.speaker == seg.speaker && max_chars.is_none_or(|max| joined_len <= max) {
                if glue == 1 {
                    prev.text.push(' ');
                }
                prev.text.push_str(&seg.text);
                *prev_len = joined_len;
                if seg.end.is_some() {
                    prev.end = seg.end;
                }
                if prev.start.is_none() {
                    prev.start = seg.start;
                }
                continue;
            }
        }
        out.push(seg.clone());
        lens.push(seg_len);
    }
    out
}

fn starts_with_closing_punct(text: &str) -> bool {
    text.starts_with(['.', ',', '?', '!', ';', ':', ')', ']', '}', '…', '%'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(start: Option<f64>, end: Option<f64>, speaker: Option<&str>, text: &str) -> Segment {
        Segment {
            start,
            end,
            speaker: speaker.map(str::to_owned),
            text: text.to_owned(),
        }
    }

    #[test]
    fn detect_uses_mime_then_extension() {
        use TranscriptFormat::*;
        assert_eq!(TranscriptFormat::detect("text/vtt", ""), Some(WebVtt));
        assert_eq!(TranscriptFormat::detect("TEXT/VTT; charset=utf-8", ""), Some(WebVtt));
        assert_eq!(TranscriptFormat::detect("application/x-subrip", ""), Some(Srt));
        assert_eq!(TranscriptFormat::detect("application/srt", ""), Some(Srt));
        assert_eq!(TranscriptFormat::detect("text/srt", ""), Some(Srt));
        assert_eq!(TranscriptFormat::detect("application/json", ""), Some(Json));
        assert_eq!(TranscriptFormat::detect("text/html", ""), Some(Html));
        assert_eq!(TranscriptFormat::detect("text/plain", ""), Some(Text));
        assert_eq!(
            TranscriptFormat::detect("", "https://x.test/ep1.vtt?sig=1#t"),
            Some(WebVtt)
        );
        assert_eq!(
            TranscriptFormat::detect("application/octet-stream", "https://x.test/a.SRT"),
            Some(Srt)
        );
        assert_eq!(TranscriptFormat::detect("", "https://x.test/a.json"), Some(Json));
        assert_eq!(TranscriptFormat::detect("", "https://x.test/a.htm"), Some(Html));
        assert_eq!(TranscriptFormat::detect("", "https://x.test/a.txt"), Some(Text));
        assert_eq!(
            TranscriptFormat::detect("text/plain", "https://x.test/a.srt"),
            Some(Srt)
        );
        assert_eq!(
            TranscriptFormat::detect("text/vtt", "https://x.test/a.srt"),
            Some(WebVtt)
        );
        assert_eq!(TranscriptFormat::detect("audio/mpeg", "https://x.test/a.mp3"), None);
        assert_eq!(TranscriptFormat::detect("", "not a url/transcript.vtt"), Some(WebVtt));
    }

    #[test]
    fn sniff_recognises_bodies() {
        use TranscriptFormat::*;
        assert_eq!(TranscriptFormat::sniff("\u{feff}WEBVTT\n\n"), Some(WebVtt));
        assert_eq!(
            TranscriptFormat::sniff("1\n00:00:01,000 --> 00:00:02,000\nhi"),
            Some(Srt)
        );
        assert_eq!(TranscriptFormat::sniff(" {\"segments\":[]}"), Some(Json));
        assert_eq!(TranscriptFormat::sniff("<cite>A:</cite>"), Some(Html));
        assert_eq!(TranscriptFormat::sniff("Alice: hi"), Some(Text));
        assert_eq!(TranscriptFormat::sniff("[00:00:05] Alice: hi"), Some(Text));
        assert_eq!(TranscriptFormat::sniff("[\n  {\"start\": 1}]"), Some(Json));
        assert_eq!(TranscriptFormat::sniff("  \n"), None);
    }

    #[test]
    fn clock_formats() {
        assert_eq!(parse_clock("00:00:05.000"), Some(5.0));
        assert_eq!(parse_clock("01:02:03,450"), Some(3723.45));
        assert_eq!(parse_clock("12:34"), Some(754.0));
        assert_eq!(parse_clock("0.860"), Some(0.86));
        assert_eq!(parse_clock("7"), Some(7.0));
        assert_eq!(parse_clock("1:00:00.5"), Some(3600.5));
        assert_eq!(parse_clock("100:00:00.000"), Some(360000.0));
        assert_eq!(parse_clock(""), None);
        assert_eq!(parse_clock("ab:cd"), None);
        assert_eq!(parse_clock("1:2:3:4"), None);
        assert_eq!(parse_clock("00:00:01.x"), None);
    }

    #[test]
    fn webvtt_voices_tags_notes_and_identifiers() {
        let vtt = "\u{feff}WEBVTT - Episode 1\r\nKind: captions\r\n\r\nNOTE written by hand\r\nspanning lines\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\nintro\r\n00:00:00.000 --> 00:00:02.500 align:start position:10%\r\n<v.loud Jane Doe>Hello <i>there</i>,\r\nand <c.yellow>welcome</c>.</v>\r\n\r\n00:00:02.500 --> 00:00:04.000\r\nStill Jane &amp; friends.\r\n\r\n3\r\n00:00:04.000 --> 00:00:06.000\r\n<v Bob>Hi!\r\n<v Jane Doe>Bye.\r\n";
        let segs = parse_transcript(vtt, TranscriptFormat::WebVtt).unwrap();
        assert_eq!(
            segs,
            vec![
                seg(Some(0.0), Some(2.5), Some("Jane Doe"), "Hello there, and welcome."),
                seg(Some(2.5), Some(4.0), Some("Jane Doe"), "Still Jane & friends."),
                seg(Some(4.0), Some(6.0), Some("Bob"), "Hi!"),
                seg(Some(4.0), Some(6.0), Some("Jane Doe"), "Bye."),
            ]
        );
    }

    #[test]
    fn webvtt_lenient_timings_and_no_header() {
        let vtt = "0.860 --> 7.380\n<v SPEAKER_1>One.\n\n01:10.5 --> 01:12\nTwo:  a label\n";
        let segs = parse_transcript(vtt, TranscriptFormat::WebVtt).unwrap();
        assert_eq!(segs[0], seg(Some(0.86), Some(7.38), Some("SPEAKER_1"), "One."));
        assert_eq!(segs[1].start, Some(70.5));
        assert_eq!(segs[1].end, Some(72.0));
        // `Two` is capitalised, so it reads as a label; the speaker changes.
        assert_eq!(segs[1].speaker.as_deref(), Some("Two"));
        assert_eq!(segs[1].text, "a label");
    }

    #[test]
    fn webvtt_without_cues_is_an_error() {
        assert!(parse_transcript("WEBVTT\n\nhello\n", TranscriptFormat::WebVtt).is_err());
        assert!(parse_transcript("WEBVTT\n", TranscriptFormat::WebVtt).is_err());
        assert_eq!(parse_transcript("", TranscriptFormat::WebVtt).unwrap(), vec![]);
    }

    #[test]
    fn srt_labels_carry_forward_and_multiline() {
        let srt = "1\n00:00:00,179 --> 00:00:02,399\nTravis: When you first get\nstarted in podcasting, it's\n\n2\n00:00:02,400 --> 00:00:04,799\nalmost <b>guaranteed</b>\n\n\n3\n00:00:05,000 --> 00:00:06,000\nSarah: Yes.\n\nstray continuation\n";
        let segs = parse_transcript(srt, TranscriptFormat::Srt).unwrap();
        assert_eq!(
            segs,
            vec![
                seg(
                    Some(0.179),
                    Some(2.399),
                    Some("Travis"),
                    "When you first get started in podcasting, it's"
                ),
                seg(Some(2.4), Some(4.799), Some("Travis"), "almost guaranteed"),
                seg(Some(5.0), Some(6.0), Some("Sarah"), "Yes. stray continuation"),
            ]
        );
    }

    #[test]
    fn srt_sentence_with_colon_is_not_a_speaker() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nHe told me: no way\n\n2\n00:00:02,000 --> 00:00:03,000\nWell, then: fine\n";
        let segs = parse_transcript(srt, TranscriptFormat::Srt).unwrap();
        assert_eq!(segs[0].speaker, None);
        assert_eq!(segs[0].text, "He told me: no way");
        assert_eq!(segs[1].speaker, None);
    }

    #[test]
    fn json_podcasting20() {
        let json = r#"{"version":"1.0.0","segments":[
            {"speaker":"Darth Vader","startTime":0.5,"endTime":0.75,"body":"I"},
            {"speaker":"Darth Vader","startTime":"1","endTime":1.25,"body":" am\n"},
            {"speaker":"","startTime":2.75,"body":"Nooooo"},
            {"speaker":"Luke","startTime":3,"endTime":3.5,"body":"  "}]}"#;
        let segs = parse_transcript(json, TranscriptFormat::Json).unwrap();
        assert_eq!(
            segs,
            vec![
                seg(Some(0.5), Some(0.75), Some("Darth Vader"), "I"),
                seg(Some(1.0), Some(1.25), Some("Darth Vader"), "am"),
                seg(Some(2.75), None, None, "Nooooo"),
            ]
        );
    }

    #[test]
    fn json_subtitle_list_in_milliseconds() {
        let json =
            r#"[{"start":1,"end":5000,"text":"Subtitles: @someone"},{"start":5001,"end":6000,"text":"<i>la la</i>"}]"#;
        let segs = parse_transcript(json, TranscriptFormat::Json).unwrap();
        assert_eq!(segs[0], seg(Some(0.001), Some(5.0), Some("Subtitles"), "@someone"));
        assert_eq!(segs[1], seg(Some(5.001), Some(6.0), Some("Subtitles"), "la la"));
    }

    #[test]
    fn json_errors() {
        assert!(parse_transcript("", TranscriptFormat::Json).is_err());
        assert!(parse_transcript("{\"segments\": [],}", TranscriptFormat::Json).is_err());
        assert!(parse_transcript("{\"version\": \"1.0.0\"}", TranscriptFormat::Json).is_err());
        assert!(parse_transcript("[{\"foo\": 1}]", TranscriptFormat::Json).is_err());
        assert!(parse_transcript("42", TranscriptFormat::Json).is_err());
        assert_eq!(parse_transcript("{}", TranscriptFormat::Json).unwrap(), vec![]);
        assert_eq!(parse_transcript("[]", TranscriptFormat::Json).unwrap(), vec![]);
    }

    #[test]
    fn html_cite_time_paragraphs() {
        let html = "<html><body>\n<cite>Kevin:</cite>\n<time>0:00</time>\n<p>\n  We have an update &amp; more<br>planned\n</p>\n<p>Second paragraph.</p>\n<cite>Alban :</cite>\n<time>0:09</time>\n<p>You&#39;re triggering Tom.</p>\n<time>1:02:03</time><p>No cite here.</p></body></html>";
        let segs = parse_transcript(html, TranscriptFormat::Html).unwrap();
        assert_eq!(
            segs,
            vec![
                seg(
                    Some(0.0),
                    Some(9.0),
                    Some("Kevin"),
                    "We have an update & more planned Second paragraph."
                ),
                seg(Some(9.0), Some(3723.0), Some("Alban"), "You're triggering Tom."),
                seg(Some(3723.0), None, Some("Alban"), "No cite here."),
            ]
        );
    }

    #[test]
    fn html_unclosed_elements_end_at_the_next_one() {
        let html = "<!-- <p>not this</p> --><cite>Ann:<time>0:05<p>Hello<p>More<cite>Bo</cite><p>Hi";
        let segs = parse_transcript(html, TranscriptFormat::Html).unwrap();
        assert_eq!(
            segs,
            vec![
                seg(Some(5.0), None, Some("Ann"), "Hello More"),
                seg(None, None, Some("Bo"), "Hi"),
            ]
        );
    }

    #[test]
    fn html_without_paragraphs_falls_back_to_text() {
        let html = "<div>Alice: Hello there.</div><div>Bob: Hi.</div>";
        let segs = parse_transcript(html, TranscriptFormat::Html).unwrap();
        let texts: Vec<_> = segs.iter().map(|s| (s.speaker.as_deref(), s.text.as_str())).collect();
        assert_eq!(texts, vec![(Some("Alice"), "Hello there."), (Some("Bob"), "Hi.")]);
    }

    #[test]
    fn text_labels_timestamps_and_paragraphs() {
        let text = "[00:00:05] Alice: Hello there,\nhow are you?\n\nBob: Fine.\n\n00:01:10 Thanks.\nAlice (00:02:00): Bye.\nCarol  2:30\nA header-style turn.\n\nA paragraph after it.\n";
        let segs = parse_transcript(text, TranscriptFormat::Text).unwrap();
        assert_eq!(
            segs,
            vec![
                seg(Some(5.0), None, Some("Alice"), "Hello there, how are you?"),
                seg(None, Some(70.0), Some("Bob"), "Fine."),
                seg(Some(70.0), Some(120.0), Some("Bob"), "Thanks."),
                seg(Some(120.0), Some(150.0), Some("Alice"), "Bye."),
                seg(Some(150.0), None, Some("Carol"), "A header-style turn."),
                seg(None, None, Some("Carol"), "A paragraph after it."),
            ]
        );
    }

    #[test]
    fn text_plain_paragraphs() {
        let text = "First paragraph\ncontinues here.\n\n\nSecond one: with a colon.\n";
        let segs = parse_transcript(text, TranscriptFormat::Text).unwrap();
        assert_eq!(
            segs,
            vec![
                seg(None, None, None, "First paragraph continues here."),
                seg(None, None, None, "Second one: with a colon."),
            ]
        );
    }

    #[test]
    fn text_that_is_really_srt_is_read_as_srt() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nHi.\n";
        let segs = parse_transcript(srt, TranscriptFormat::Text).unwrap();
        assert_eq!(segs, vec![seg(Some(1.0), Some(2.0), None, "Hi.")]);
    }

    #[test]
    fn speaker_names() {
        for name in [
            "Adam Curry",
            "SPEAKER_1",
            "Speaker 2",
            "Norma-Jean Belenky",
            "Dr. Jane Smith",
            "Ludwig van Beethoven",
            "Q",
            "Ñandú",
        ] {
            assert!(looks_like_speaker(name), "{name}");
        }
        for name in [
            "He told me",
            "so",
            "Well, then",
            "",
            "This is a very long label that goes on",
            "A b",
        ] {
            assert!(!looks_like_speaker(name), "{name}");
        }
    }

    #[test]
    fn text_patterns_compile() {
        assert!(LEADING_TIME.is_some());
        assert!(NAME_TIME.is_some());
    }

    #[test]
    fn voice_tags() {
        assert_eq!(voice_tag("<v Bob>hi"), Some((Some("Bob".to_owned()), 7)));
        assert_eq!(
            voice_tag("<v.loud.x  Mary  Ann >hi"),
            Some((Some("Mary Ann".to_owned()), 22))
        );
        assert_eq!(voice_tag("<v>hi"), Some((None, 3)));
        assert_eq!(voice_tag("<vx>hi"), None);
        assert_eq!(voice_tag("<v Bob"), None);
        assert_eq!(voice_tag("hi <v Bob>"), None);
    }

    #[test]
    fn entities_and_tags() {
        assert_eq!(
            clean_markup("a &lt;b&gt; &amp;amp; &#x27;q&#39; &unknown; & done"),
            "a <b> &amp; 'q' &unknown; & done"
        );
        assert_eq!(clean_markup("1 < 2 and <b>bold</b> x>y"), "1 < 2 and bold x>y");
        assert_eq!(clean_markup("a<br/>b <00:00:01.000><c>c</c>"), "a b c");
        assert_eq!(clean_markup("&#0; &#xD800;"), "\u{fffd} \u{fffd}");
        assert_eq!(decode_entities("&é&amp;"), "&é&");
    }

    #[test]
    fn chapters() {
        let json = r#"{"version":"1.2.0","chapters":[
            {"startTime":168,"title":"Hearing Aids","img":"x.jpg"},
            {"startTime":0,"title":"Intro","endTime":168},
            {"startTime":410,"title":"Namespace","url":"https://github.com/Podcastindex-org/podcast-namespace"},
            {"startTime":4826,"toc":false,"location":{"name":"Eiffel Tower, Paris"}},
            {"title":"no start"}]}"#;
        let chapters = parse_chapters(json).unwrap();
        let titles: Vec<_> = chapters.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            vec!["Intro", "Hearing Aids", "Namespace", "Eiffel Tower, Paris"]
        );
        assert_eq!(chapters[0].end, Some(168.0));
        assert_eq!(chapters[1].end, None);
        assert_eq!(
            chapters[2].url.as_deref(),
            Some("https://github.com/Podcastindex-org/podcast-namespace")
        );
        assert!(parse_chapters("{\"chapters\": [").is_err());
        assert!(parse_chapters("{\"version\": \"1.2.0\"}").is_err());
        assert!(parse_chapters("[]").is_err());
    }

    #[test]
    fn merge_turns_joins_same_speaker() {
        let segs = vec![
            seg(Some(0.2), Some(0.3), Some("A"), "It's"),
            seg(Some(0.4), Some(0.8), Some("A"), "Friday"),
            seg(Some(0.8), Some(0.8), Some("A"), ","),
            seg(Some(0.9), Some(1.2), Some("A"), "folks."),
            seg(Some(2.0), Some(2.5), Some("B"), "Hi"),
            seg(Some(2.6), Some(3.0), Some("A"), "Again"),
        ];
        let merged = merge_turns(&segs, None);
        assert_eq!(
            merged,
            vec![
                seg(Some(0.2), Some(1.2), Some("A"), "It's Friday, folks."),
                seg(Some(2.0), Some(2.5), Some("B"), "Hi"),
                seg(Some(2.6), Some(3.0), Some("A"), "Again"),
            ]
        );
        let capped = merge_turns(&segs, Some(12));
        assert_eq!(capped[0].text, "It's Friday,");
        assert_eq!(capped[1].text, "folks.");
    }

    #[test]
    fn huge_and_hostile_inputs_stay_linear() {
        let mut vtt = String::from("WEBVTT\n\n");
        for i in 0..50_000u32 {
            vtt.push_str(&format!("{}.000 --> {}.500\n<v S{}>word {i}\n\n", i, i, i % 3));
        }
        assert_eq!(parse_transcript(&vtt, TranscriptFormat::WebVtt).unwrap().len(), 50_000);
        let hostile = "<a".repeat(200_000) + "&x".repeat(200_000).as_str();
        let segs = parse_transcript(
            &format!("1\n00:00:01,000 --> 00:00:02,000\n{hostile}\n"),
            TranscriptFormat::Srt,
        )
        .unwrap();
        assert_eq!(segs.len(), 1);
        let text = "x".repeat(1_000_000);
        assert_eq!(
            parse_transcript(&text, TranscriptFormat::Text).unwrap()[0].text.len(),
            1_000_000
        );
        let html = "<p>".repeat(100_000);
        assert!(parse_transcript(&html, TranscriptFormat::Html).is_ok());
        // Unclosed `<time>`s before every paragraph: a lazy regex would rescan to the end.
        let html = "<time>1:00<p>x</p>".repeat(100_000);
        assert_eq!(parse_transcript(&html, TranscriptFormat::Html).unwrap().len(), 100_000);
        let bare = "< ".repeat(300_000) + ">";
        assert_eq!(clean_markup(&bare).len(), 300_001 * 2 - 1);
        let divs = "<div>Alice: some words here.</div>".repeat(20_000);
        assert_eq!(parse_transcript(&divs, TranscriptFormat::Html).unwrap().len(), 20_000);
    }
}
