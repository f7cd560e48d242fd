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
//!
//! Layout: this file holds the public API ([`plain_text_segments`], [`summarize_episode`])
//! and the flow between the stages; `units` splits the transcript into sentence units,
//! `cues` holds the cue phrases and markers each unit is tagged with, `editorial`
//! drops sponsor reads, preamble and outro, `topics` places the topic boundaries,
//! `titles` titles the segments and `summaries` writes the segment and episode
//! summaries.

mod cues;
mod editorial;
mod summaries;
mod titles;
mod topics;
mod units;

use serde::{Deserialize, Serialize};

use self::editorial::editorial_mask;
use self::summaries::{episode_tldr, segment_summary, top_titles};
use self::titles::{Vocabulary, segment_title};
use self::topics::topic_ranges;
use self::units::{Unit, ends_sentence, sentence_spans, units_of};
use super::summarize::{Document, Extractive, Summary};
use crate::domain::Segment;

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
#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::cues::{
        AD_LIKE, BACK_TO_SHOW, BREAK, INTRO, LEAD_FILLER, OUTRO, OUTRO_WEAK, PREVIEW, SECTION_CUE, SPONSOR, START,
        STORY_CUE_EARLY, STRONG_CUE, WEAK_CUE,
    };
    use super::titles::{
        GENERIC_START, LEADING_PRONOUN, NOT_A_STORY, PRESENTER, SUBJECT_PRONOUN, TITLED, TRAILING_VOCATIVE, VOCATIVE,
    };
    use super::units::make_unit;
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
