//! Transcripts, chapters and OPML files, parsed through the public API.
//!
//! The transcript oracles come from the transcriptator library
//! (`podcast/transcripts-transcriptator/<name>_<fmt>_parsed.json`). Every oracle in that
//! folder must have an entry in [`ORACLES`], so a new one cannot be skipped silently.
//! Text is compared whitespace-normalised, start (and, where the oracle has real ones,
//! end) times within 1 ms, speakers exactly (an empty oracle speaker is our `None`).
//!
//! Where we differ from transcriptator on purpose, the test asserts our behaviour:
//!
//! - **Cue markup**: transcriptator keeps `<i>…</i>` in WebVTT/SRT/JSON-subtitle text
//!   (LaLaLand); we strip markup, so oracle bodies are compared with tags removed.
//! - **Merging options**: some oracles were produced with transcriptator's merge options.
//!   `*_combine_speaker_*` and `podnews_weekly_review_2023-06-02` (combineSpeaker) are
//!   matched exactly by our [`merge_turns`] with no length limit.
//!   `podnews_weekly_review_2023-05-05_json_parsed` (combineEqualTimes + combineSegments
//!   50) is checked as a coarsening: each oracle segment must be a run of consecutive
//!   parsed segments of one speaker, starting at the run's first start. Our parser never
//!   merges by itself.
//! - **Dropped blank segments**: JSON segments whose body is only whitespace (2023-06-02
//!   has 18 `" "` word slots) are dropped; they carry no text.
//! - **HTML speakers** (`podnews_weekly_review_2023-03-17`): that file's first paragraph
//!   has no `<cite>`. transcriptator then pairs the paragraph with the *next* `<cite>`,
//!   shifting every speaker one segment early. We read a `<cite>` as naming the
//!   paragraphs after it, so the first segment has no speaker and segment `i` has the
//!   oracle's speaker of segment `i - 1`.
//! - **HTML end times**: both fill `end` from the next start; for the last segment the
//!   oracle writes `0`, we leave `None`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use newsdesk::domain::{Segment, SourceKind};
use newsdesk::sources::opml::{parse_opml, render_opml};
use newsdesk::sources::transcript::{TranscriptFormat, merge_turns, parse_chapters, parse_transcript};
use serde::Deserialize;

use crate::support::corpus_dir;

#[derive(Debug, Deserialize)]
struct Oracle {
    segments: Vec<OracleSegment>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OracleSegment {
    start_time: f64,
    end_time: f64,
    #[serde(default)]
    speaker: Option<String>,
    body: String,
}

/// How an oracle relates to our output.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Same segmentation: count, text, speakers, start and end times.
    Same,
    /// Same segmentation, ends from the next start (HTML): the oracle's last end is 0.
    SameHtmlEnds,
    /// Same as `SameHtmlEnds`, but the oracle's speakers are one segment early.
    HtmlSpeakersShifted,
    /// The oracle equals `merge_turns(parsed, None)`.
    MergedTurns,
    /// Each oracle segment is a same-speaker run of consecutive parsed segments.
    Coarsening,
}

/// Oracle file, raw file, format, expectation.
const ORACLES: &[(&str, &str, TranscriptFormat, Expect)] = &[
    (
        "LaLaLand_json_parsed.json",
        "LaLaLand.json",
        TranscriptFormat::Json,
        Expect::Same,
    ),
    (
        "LaLaLand_vtt_parsed.json",
        "LaLaLand.vtt",
        TranscriptFormat::WebVtt,
        Expect::Same,
    ),
    (
        "buzzcast_html_parsed.json",
        "buzzcast.html",
        TranscriptFormat::Html,
        Expect::SameHtmlEnds,
    ),
    (
        "buzzcast_json_parsed.json",
        "buzzcast.json",
        TranscriptFormat::Json,
        Expect::Same,
    ),
    (
        "buzzcast_srt_parsed.json",
        "buzzcast.srt",
        TranscriptFormat::Srt,
        Expect::Same,
    ),
    (
        "how_to_start_a_podcast_json_parsed.json",
        "how_to_start_a_podcast.json",
        TranscriptFormat::Json,
        Expect::Same,
    ),
    (
        "kde_express-16_kde_en_telegram_vtt_parsed.json",
        "kde_express-16_kde_en_telegram.vtt",
        TranscriptFormat::WebVtt,
        Expect::Same,
    ),
    (
        "podcasting_20_episode_124_srt_parsed.json",
        "podcasting_20_episode_124.srt",
        TranscriptFormat::Srt,
        Expect::Same,
    ),
    (
        "podnews_daily_2024-01-25_vtt_parsed.json",
        "podnews_daily_2024-01-25.vtt",
        TranscriptFormat::WebVtt,
        Expect::Same,
    ),
    (
        "podnews_weekly_review_2023-03-17_html_parsed.json",
        "podnews_weekly_review_2023-03-17.html",
        TranscriptFormat::Html,
        Expect::HtmlSpeakersShifted,
    ),
    (
        "podnews_weekly_review_2023-05-05_combine_speaker_json_parsed.json",
        "podnews_weekly_review_2023-05-05.json",
        TranscriptFormat::Json,
        Expect::MergedTurns,
    ),
    (
        "podnews_weekly_review_2023-05-05_json_parsed.json",
        "podnews_weekly_review_2023-05-05.json",
        TranscriptFormat::Json,
        Expect::Coarsening,
    ),
    (
        "podnews_weekly_review_2023-06-02_json_parsed.json",
        "podnews_weekly_review_2023-06-02.json",
        TranscriptFormat::Json,
        Expect::MergedTurns,
    ),
    (
        "podnews_weekly_review_2024-01-19_vtt_parsed.json",
        "podnews_weekly_review_2024-01-19.vtt",
        TranscriptFormat::WebVtt,
        Expect::Same,
    ),
];

const TOLERANCE: f64 = 0.001 + 1e-9;

fn transcriptator_dir() -> PathBuf {
    corpus_dir().join("podcast/transcripts-transcriptator")
}

fn namespace_examples() -> PathBuf {
    corpus_dir().join("podcast/podcastindex-namespace/docs/examples")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Whitespace-collapsed text with markup removed, for comparing oracle bodies.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", "\"");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn oracle_speaker(seg: &OracleSegment) -> Option<String> {
    seg.speaker.clone().filter(|s| !s.is_empty())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= TOLERANCE)
}

/// Compares segment by segment and returns human-readable mismatches (at most a few per kind).
fn compare_same(ours: &[Segment], oracle: &[OracleSegment], expect: Expect) -> Vec<String> {
    let mut problems = Vec::new();
    if ours.len() != oracle.len() {
        problems.push(format!("segment count: ours {} vs oracle {}", ours.len(), oracle.len()));
    }
    let last = oracle.len().saturating_sub(1);
    for (i, (seg, want)) in ours.iter().zip(oracle).enumerate() {
        if seg.text != normalise(&want.body) {
            problems.push(format!("#{i} text: {:?} vs {:?}", seg.text, normalise(&want.body)));
        }
        let want_speaker = match expect {
            Expect::HtmlSpeakersShifted if i == 0 => None,
            Expect::HtmlSpeakersShifted => oracle_speaker(&oracle[i - 1]),
            _ => oracle_speaker(want),
        };
        if seg.speaker != want_speaker {
            problems.push(format!("#{i} speaker: {:?} vs {:?}", seg.speaker, want_speaker));
        }
        if !close(seg.start, want.start_time) {
            problems.push(format!("#{i} start: {:?} vs {}", seg.start, want.start_time));
        }
        let end_ok = match expect {
            Expect::SameHtmlEnds | Expect::HtmlSpeakersShifted if i == last => {
                seg.end.is_none() && want.end_time == 0.0
            }
            _ => close(seg.end, want.end_time),
        };
        if !end_ok {
            problems.push(format!("#{i} end: {:?} vs {}", seg.end, want.end_time));
        }
    }
    problems.truncate(12);
    problems
}

/// Checks that the oracle groups consecutive parsed segments of one speaker.
fn compare_coarsening(ours: &[Segment], oracle: &[OracleSegment]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut next = 0;
    for (i, want) in oracle.iter().enumerate() {
        let want_text = normalise(&want.body);
        let Some(first) = ours.get(next) else {
            problems.push(format!("oracle #{i} has no parsed segments left"));
            break;
        };
        if !close(first.start, want.start_time) {
            problems.push(format!("oracle #{i} start: {:?} vs {}", first.start, want.start_time));
        }
        let mut run = String::new();
        while run.len() < want_text.len() && next < ours.len() {
            let seg = &ours[next];
            if seg.speaker != oracle_speaker(want) {
                problems.push(format!(
                    "oracle #{i} absorbs segment {next} of speaker {:?}",
                    seg.speaker
                ));
            }
            if !run.is_empty() {
                run.push(' ');
            }
            run.push_str(&seg.text);
            next += 1;
        }
        if normalise(&run) != want_text {
            problems.push(format!("oracle #{i} text: {run:?} vs {want_text:?}"));
            break;
        }
    }
    if next != ours.len() {
        problems.push(format!(
            "{} parsed segments not covered by the oracle",
            ours.len() - next
        ));
    }
    problems.truncate(12);
    problems
}

#[test]
fn transcriptator_oracles() {
    let dir = transcriptator_dir();
    let on_disk: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with("_parsed.json"))
        .collect();
    let known: BTreeSet<String> = ORACLES.iter().map(|(o, ..)| (*o).to_owned()).collect();
    assert_eq!(on_disk, known, "every oracle on disk needs an expectation in ORACLES");

    let mut failures = Vec::new();
    for &(oracle_file, raw_file, format, expect) in ORACLES {
        let oracle: Oracle =
            serde_json::from_str(&read(&dir.join(oracle_file))).unwrap_or_else(|e| panic!("{oracle_file}: {e}"));
        let parsed = parse_transcript(&read(&dir.join(raw_file)), format).unwrap_or_else(|e| panic!("{raw_file}: {e}"));
        let (ours, problems) = match expect {
            Expect::Same | Expect::SameHtmlEnds | Expect::HtmlSpeakersShifted => {
                let problems = compare_same(&parsed, &oracle.segments, expect);
                (parsed.len(), problems)
            }
            Expect::MergedTurns => {
                let merged = merge_turns(&parsed, None);
                let problems = compare_same(&merged, &oracle.segments, Expect::Same);
                (merged.len(), problems)
            }
            Expect::Coarsening => (parsed.len(), compare_coarsening(&parsed, &oracle.segments)),
        };
        println!(
            "{oracle_file}: {expect:?}, ours {ours} / oracle {} segments: {}",
            oracle.segments.len(),
            if problems.is_empty() {
                "match".to_owned()
            } else {
                format!("{} problems", problems.len())
            }
        );
        for problem in &problems {
            println!("    {problem}");
        }
        if !problems.is_empty() {
            failures.push(oracle_file);
        }
    }
    assert!(failures.is_empty(), "oracles not matched: {failures:?}");
}

/// `one_word_segments.json` has no oracle here (transcriptator's are for merge options we
/// don't copy); it must parse word by word, and merge into a handful of turns.
#[test]
fn one_word_segments_without_oracle() {
    let body = read(&transcriptator_dir().join("one_word_segments.json"));
    let segs = parse_transcript(&body, TranscriptFormat::Json).expect("parses");
    assert_eq!(segs.len(), 392);
    assert!(
        segs.iter()
            .all(|s| s.speaker.is_some() && s.start.is_some() && !s.text.contains(' '))
    );
    assert!(segs.windows(2).all(|w| w[0].start <= w[1].start));
    let turns = merge_turns(&segs, None);
    assert!(turns.len() < 20, "{} turns", turns.len());
    // Punctuation-only words (7 in this file) attach to the previous word without a space.
    let punctuation = segs
        .iter()
        .filter(|s| s.text.chars().all(|c| c.is_ascii_punctuation()))
        .count();
    assert_eq!(punctuation, 7);
    let words: usize = turns.iter().map(|t| t.text.split(' ').count()).sum();
    assert_eq!(words, 392 - punctuation);
}

#[test]
fn namespace_example_transcripts() {
    let dir = namespace_examples().join("transcripts");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).expect("examples/transcripts") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let Some(format) = TranscriptFormat::detect("", &name) else {
            assert!(name.ends_with(".md"), "unexpected file {name}");
            continue;
        };
        let body = read(&path);
        assert_eq!(TranscriptFormat::sniff(&body), Some(format), "{name}");
        let segs = parse_transcript(&body, format).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!segs.is_empty(), "{name}");
        assert!(segs.iter().all(|s| !s.text.is_empty() && s.start.is_some()), "{name}");
        assert!(segs[0].speaker.is_some(), "{name}");
        seen += 1;
        let first = &segs[0];
        match format {
            TranscriptFormat::Json => {
                assert_eq!(segs.len(), 5);
                assert_eq!(first.speaker.as_deref(), Some("Darth Vader"));
                assert_eq!(segs[4].speaker.as_deref(), Some("Luke"));
            }
            TranscriptFormat::WebVtt => {
                assert_eq!(first.speaker.as_deref(), Some("Sarah"));
                assert!(segs.iter().any(|s| s.speaker.as_deref() == Some("Gillian")));
                assert!(segs.iter().any(|s| s.text.contains("Podcasting Q&A")), "entity decoded");
            }
            TranscriptFormat::Srt => {
                assert_eq!(first.speaker.as_deref(), Some("Travis"));
                assert_eq!(first.text, "When you first get started in podcasting, it's");
                assert!((first.start.unwrap_or(-1.0) - 0.179).abs() < TOLERANCE);
            }
            TranscriptFormat::Html => {
                assert_eq!(first.speaker.as_deref(), Some("Travis"));
                assert_eq!(first.start, Some(0.0));
                assert_eq!(segs[1].start, Some(53.0));
                assert!(
                    first
                        .text
                        .starts_with("When you first get started in podcasting, it's almost")
                );
            }
            TranscriptFormat::Text => {}
        }
        println!("{name}: {} segments", segs.len());
    }
    assert_eq!(seen, 4, "html, json, srt and vtt examples");
}

#[test]
fn namespace_example_chapters() {
    let dir = namespace_examples().join("chapters");
    let simple = parse_chapters(&read(&dir.join("example.json"))).expect("example.json");
    assert_eq!(simple.len(), 9);
    assert_eq!(simple[0].title, "Intro");
    assert_eq!(
        simple[3].url.as_deref(),
        Some("https://github.com/Podcastindex-org/podcast-namespace")
    );
    assert_eq!(simple[8].start, 6089.0);

    let complex = parse_chapters(&read(&dir.join("exampleComplex.json"))).expect("exampleComplex.json");
    assert_eq!(complex.len(), 11);
    let silent = complex
        .iter()
        .find(|c| c.start == 4826.0)
        .expect("toc:false chapter kept");
    assert_eq!(silent.title, "Eiffel Tower, Paris");
    assert!(complex.windows(2).all(|w| w[0].start <= w[1].start));
    assert!(complex.iter().all(|c| !c.title.is_empty()));
}

// --- one small fixture per format, through the public API ---------------------------

#[test]
fn fixture_webvtt() {
    let body = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:05.000\n<v John>Podcasting 2.0 is <i>really</i> changing the game.</v>\n\n00:00:05.000 --> 00:00:10.000\n<v Tom>Yeah, absolutely.\n\n00:00:10.000 --> 00:00:15.000\nIt's amazing.\n";
    let segs = parse_transcript(body, TranscriptFormat::WebVtt).expect("vtt");
    let got: Vec<_> = segs
        .iter()
        .map(|s| (s.start, s.end, s.speaker.as_deref(), s.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                Some(0.0),
                Some(5.0),
                Some("John"),
                "Podcasting 2.0 is really changing the game."
            ),
            (Some(5.0), Some(10.0), Some("Tom"), "Yeah, absolutely."),
            (Some(10.0), Some(15.0), Some("Tom"), "It's amazing."),
        ]
    );
}

#[test]
fn fixture_srt() {
    let body = "1\r\n00:01:02,500 --> 00:01:04,000\r\nAdam Curry: podcasting 2.0\r\nMarch 4\r\n\r\n2\r\n00:01:04,000 --> 00:01:05,250\r\nboard meeting\r\n";
    let segs = parse_transcript(body, TranscriptFormat::Srt).expect("srt");
    assert_eq!(segs.len(), 2);
    assert_eq!(segs[0].text, "podcasting 2.0 March 4");
    assert_eq!((segs[0].start, segs[0].end), (Some(62.5), Some(64.0)));
    assert_eq!(segs[1].speaker.as_deref(), Some("Adam Curry"));
    assert_eq!(segs[1].end, Some(65.25));
}

#[test]
fn fixture_json() {
    let body = r#"{"version":"1.0.0","segments":[{"speaker":"Darth Vader","startTime":0.5,"endTime":0.75,"body":"I"},{"speaker":"Luke","startTime":2.75,"endTime":3.0,"body":"Nooooo\n"}]}"#;
    let segs = parse_transcript(body, TranscriptFormat::Json).expect("json");
    assert_eq!(segs.len(), 2);
    assert_eq!(segs[1].speaker.as_deref(), Some("Luke"));
    assert_eq!(segs[1].text, "Nooooo");
    assert!(parse_transcript("{not json", TranscriptFormat::Json).is_err());
}

#[test]
fn fixture_html() {
    let body = "<cite>Kevin:</cite>\n<time>0:00</time>\n<p>\n  We have an update planned\n</p>\n<cite>Alban :</cite>\n<time>0:09</time>\n<p>You&#39;re triggering Tom.</p>";
    let segs = parse_transcript(body, TranscriptFormat::Html).expect("html");
    let got: Vec<_> = segs
        .iter()
        .map(|s| (s.start, s.end, s.speaker.as_deref(), s.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(0.0), Some(9.0), Some("Kevin"), "We have an update planned"),
            (Some(9.0), None, Some("Alban"), "You're triggering Tom."),
        ]
    );
}

#[test]
fn fixture_text() {
    let body = "[00:00:00] Host: Welcome back.\n[00:00:04] Guest: Thanks for having me.\nIt's great to be here.\n\n[00:01:30] Host: Let's start.\n";
    let segs = parse_transcript(body, TranscriptFormat::Text).expect("text");
    let got: Vec<_> = segs
        .iter()
        .map(|s| (s.start, s.speaker.as_deref(), s.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(0.0), Some("Host"), "Welcome back."),
            (Some(4.0), Some("Guest"), "Thanks for having me. It's great to be here."),
            (Some(90.0), Some("Host"), "Let's start."),
        ]
    );
    assert_eq!(segs[1].end, Some(90.0));
}

// --- OPML -------------------------------------------------------------------------------

#[test]
fn opml_hn_popular_blogs() {
    let entries = parse_opml(&read(&corpus_dir().join("opml/hn-popular-blogs-2025.opml"))).expect("parses");
    assert_eq!(entries.len(), 92);
    assert!(entries.iter().all(|e| e.kind == SourceKind::Feed && e.title.is_some()));
    assert_eq!(entries[0].url, "https://simonwillison.net/atom/everything/");
    assert_eq!(entries[0].title.as_deref(), Some("simonwillison.net"));
    assert!(
        entries.iter().all(|e| url::Url::parse(&e.url).is_ok()),
        "all URLs absolute"
    );
    // What we write, we read back identically.
    assert_eq!(
        parse_opml(&render_opml("HN blogs", &entries)).expect("round trip"),
        entries
    );
}

#[test]
fn opml_netnewswire_subscriptions() {
    let dir = corpus_dir().join("feeds/rsparser-netnewswire/opml");
    let with_titles = parse_opml(&read(&dir.join("Subs.opml"))).expect("Subs.opml");
    let text_only = parse_opml(&read(&dir.join("SubsNoTitleAttributes.opml"))).expect("SubsNoTitleAttributes.opml");
    assert_eq!(with_titles.len(), 207);
    assert_eq!(text_only.len(), 207);
    for entries in [&with_titles, &text_only] {
        let chat = entries
            .iter()
            .find(|e| e.url == "http://corinnekrych.blogspot.com/feeds/posts/default");
        assert_eq!(
            chat.and_then(|e| e.title.as_deref()),
            Some("chat & code"),
            "entities decoded"
        );
        assert!(entries.iter().all(|e| e.title.is_some()), "title falls back on text");
        assert!(entries.iter().all(|e| e.kind == SourceKind::Feed));
    }
    // Both files list the same feeds in the same order (folders included).
    let urls = |v: &[newsdesk::sources::opml::OpmlEntry]| v.iter().map(|e| e.url.clone()).collect::<Vec<_>>();
    assert_eq!(urls(&with_titles), urls(&text_only));
}
