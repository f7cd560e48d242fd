//! The evaluation set: (article, human one-line summary) pairs built at run time from the
//! shared real-feed corpus (`NEWSDESK_CORPUS_DIR`, default `../shared/corpus`), so no
//! corpus text is copied into the repository. [`SOURCES`] names the files; the screens in
//! [`screen`] decide item by item.
//!
//! Two kinds of reference, both written by people:
//! - [`ReferenceKind::Dek`]: items that carry a short human-written description (dek,
//!   subtitle, JSON Feed `summary`) *and* the full article body; the shorter of the two is
//!   the reference. Google's Cloud blog feed puts the full post in `<description>` and the
//!   dek in an OpenGraph `<og><description>` block that feed-rs does not read, so that
//!   block is read straight from the file.
//! - [`ReferenceKind::Title`]: bioRxiv items, where the paper's title is a one-line summary
//!   of its abstract. The summariser is not shown the title for these pairs.
//!
//! A pair is kept only when the reference is not simply the article's opening (a truncated
//! prefix or near-copy of the first sentence would hand the win to LEAD-1), the body has
//! at least four sentences, and the reference has 3 to 60 words.
//!
//! Surveyed and left out: DaringFireball.atom/json and allthis.atom (the same items as
//! the files used), manton, theomnishow, dcrainmaker, expertopinionent, wirecutter,
//! nightvale and the podcast feeds (descriptions are prefixes of the body or the body is
//! short), heated (the body is a paywall teaser) and the Akamai item of
//! `atom_example_3.xml` (the "body" is a mid-article excerpt and the dek is the article's
//! own first line). The feedparser and gofeed sets are synthetic fixtures.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::Utc;
use quick_xml::escape::unescape;
use regex::Regex;
use url::Url;

use crate::sources::parse::parse_feed;
use crate::text::collapse_whitespace;
use crate::text::html::plain_to_text;
use crate::text::sentences;

/// Which field of the item the reference comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A human-written description beside the full body.
    Dek,
    /// The title of a paper, summarising its abstract.
    Title,
}

/// One article with its human one-line summary.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalPair {
    /// The feed's item id (guid).
    pub id: String,
    /// Short name of the site the item comes from.
    pub source: &'static str,
    /// The title the summariser may see: empty for [`ReferenceKind::Title`] pairs, where
    /// the title is the reference.
    pub title: String,
    /// The article body, plain text.
    pub text: String,
    /// The human one-line summary.
    pub reference: String,
    pub kind: ReferenceKind,
}

/// Which half of the evaluation set a pair belongs to: weights and rules are tuned on
/// [`Half::Tuning`] only, and a change is kept only if [`Half::HeldOut`] does not drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Half {
    Tuning,
    HeldOut,
}

impl Half {
    pub fn name(self) -> &'static str {
        match self {
            Half::Tuning => "tuning",
            Half::HeldOut => "held-out",
        }
    }
}

/// The half a case falls in, fixed by a hash of its source and id, so that the split
/// does not move when pairs are added, removed or reordered, and no one chooses it.
pub fn half_of(source: &str, id: &str) -> Half {
    use sha2::{Digest as _, Sha256};
    let digest = Sha256::new()
        .chain_update(source.as_bytes())
        .chain_update([0u8])
        .chain_update(id.as_bytes())
        .finalize();
    if digest[0] & 1 == 0 {
        Half::Tuning
    } else {
        Half::HeldOut
    }
}

impl EvalPair {
    /// See [`half_of`].
    pub fn half(&self) -> Half {
        half_of(self.source, &self.id)
    }
}

/// One corpus file the set draws from.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile {
    /// Path relative to the corpus directory.
    pub path: &'static str,
    pub source: &'static str,
    pub kind: ReferenceKind,
    /// The dek is the item's `<og><description>`, not a field feed-rs reads.
    pub og_dek: bool,
}

/// The corpus files used, chosen by surveying every feed of the corpus for items with both
/// a human summary and a full body.
pub const SOURCES: &[SourceFile] = &[
    SourceFile {
        path: "feeds/rsparser-netnewswire/cloudblog.rss",
        source: "cloudblog",
        kind: ReferenceKind::Dek,
        og_dek: true,
    },
    SourceFile {
        path: "feeds/rsparser-netnewswire/russcox.atom",
        source: "russcox",
        kind: ReferenceKind::Dek,
        og_dek: false,
    },
    SourceFile {
        path: "feeds/rsparser-netnewswire/allthis.json",
        source: "allthis",
        kind: ReferenceKind::Dek,
        og_dek: false,
    },
    SourceFile {
        path: "feeds/rsparser-netnewswire/natasha.xml",
        source: "natasha",
        kind: ReferenceKind::Dek,
        og_dek: false,
    },
    SourceFile {
        path: "feeds/rsparser-netnewswire/DaringFireball.rss",
        source: "daringfireball",
        kind: ReferenceKind::Dek,
        og_dek: false,
    },
    SourceFile {
        path: "feeds/feed-rs/rss2/rss_2.0_element_io.xml",
        source: "element",
        kind: ReferenceKind::Dek,
        og_dek: false,
    },
    // News journalism (Macworld's staff, 2017): the headline an editor wrote for each
    // story, against the story's opening paragraphs, which is all the feed carries.
    SourceFile {
        path: "feeds/rsparser-netnewswire/macworld.rss",
        source: "macworld",
        kind: ReferenceKind::Title,
        og_dek: false,
    },
    SourceFile {
        path: "feeds/rsparser-netnewswire/bio.rdf",
        source: "biorxiv",
        kind: ReferenceKind::Title,
        og_dek: false,
    },
    SourceFile {
        path: "feeds/feed-rs/rss1/rss_1.0_biorxiv.xml",
        source: "biorxiv",
        kind: ReferenceKind::Title,
        og_dek: false,
    },
];

/// Reference limits, in ROUGE-style words.
const MIN_REFERENCE_WORDS: usize = 3;
const MAX_REFERENCE_WORDS: usize = 60;
/// Bodies shorter than this leave nothing to choose between.
const MIN_BODY_SENTENCES: usize = 4;
/// How many leading words of the reference, found among the body's first
/// [`PREFIX_WINDOW`] words, make it a copy of the opening.
const PREFIX_WORDS: usize = 8;
const PREFIX_WINDOW: usize = 50;
/// Share of reference words found in the body's opening that makes it a near-copy.
const NEAR_COPY_SHARE: f64 = 0.7;

/// Why a candidate pair was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    ReferenceLength,
    ShortBody,
    /// The reference starts like the body: a truncated prefix or a copy of the lead.
    Prefix,
    /// Most of the reference's words sit in the body's opening.
    NearCopy,
}

/// A candidate pair with the verdict of [`screen`].
pub type Candidate = (EvalPair, Result<(), Rejection>);

/// Why the set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("no corpus at {0}")]
    NoCorpus(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot parse {path}: {message}")]
    Parse { path: PathBuf, message: String },
}

/// `NEWSDESK_CORPUS_DIR`, or `../shared/corpus` beside the crate.
pub fn default_corpus_dir() -> PathBuf {
    std::env::var_os("NEWSDESK_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

/// Builds the evaluation set from the corpus at `corpus`, in [`SOURCES`] order.
pub fn load(corpus: &Path) -> Result<Vec<EvalPair>, DatasetError> {
    Ok(candidates(corpus)?
        .into_iter()
        .filter(|(_, verdict)| verdict.is_ok())
        .map(|(pair, _)| pair)
        .collect())
}

/// Every candidate pair of the [`SOURCES`] files with the verdict of [`screen`], for
/// reporting what the set leaves out and why. Items repeated under the same id are
/// listed once.
pub fn candidates(corpus: &Path) -> Result<Vec<Candidate>, DatasetError> {
    if !corpus.is_dir() {
        return Err(DatasetError::NoCorpus(corpus.to_path_buf()));
    }
    let base = Url::parse("https://eval.newsdesk.invalid/feed").map_err(|e| DatasetError::Parse {
        path: corpus.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for file in SOURCES {
        let path = corpus.join(file.path);
        let body = std::fs::read(&path).map_err(|source| DatasetError::Read {
            path: path.clone(),
            source,
        })?;
        let feed = parse_feed(&body, None, &base, Utc::now()).map_err(|e| DatasetError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let og = if file.og_dek {
            og_descriptions(&String::from_utf8_lossy(&body)).map_err(|message| DatasetError::Parse {
                path: path.clone(),
                message,
            })?
        } else {
            HashMap::new()
        };
        for article in feed.articles {
            let summary = if file.og_dek {
                og.get(article.guid.trim()).cloned()
            } else {
                article.summary
            };
            let Some(pair) = candidate(file, article.guid, article.title, summary, article.text) else {
                continue;
            };
            if seen.insert(pair.id.clone()) {
                let verdict = screen(&pair.reference, &pair.text);
                out.push((pair, verdict));
            }
        }
    }
    Ok(out)
}

/// Turns one parsed item into a candidate pair, before screening.
fn candidate(file: &SourceFile, id: String, title: String, summary: Option<String>, text: String) -> Option<EvalPair> {
    let (title, text, reference) = match file.kind {
        ReferenceKind::Dek => {
            let summary = summary?;
            if summary.trim() == text.trim() {
                return None;
            }
            // The shorter side is the dek, whichever field the feed put it in.
            let (reference, body) = if summary.len() < text.len() {
                (summary, text)
            } else {
                (text, summary)
            };
            (title, body, reference)
        }
        ReferenceKind::Title => (String::new(), text, title),
    };
    Some(EvalPair {
        id,
        source: file.source,
        title: title.trim().to_string(),
        text: text.trim().to_string(),
        reference: collapse_whitespace(&reference),
        kind: file.kind,
    })
}

/// Item guid → the text of the item's OpenGraph `<og>…<description>` block, where one is
/// present and not empty.
fn og_descriptions(xml: &str) -> Result<HashMap<String, String>, String> {
    let item = Regex::new(r"(?s)<item\b[^>]*>(.*?)</item>").map_err(|e| e.to_string())?;
    let guid = Regex::new(r"(?s)<guid\b[^>]*>(.*?)</guid>").map_err(|e| e.to_string())?;
    let og = Regex::new(r"(?s)<og\b[^>]*>.*?<description>(.*?)</description>").map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    for block in item.captures_iter(xml) {
        let block = &block[1];
        let (Some(id), Some(dek)) = (guid.captures(block), og.captures(block)) else {
            continue;
        };
        // The block is XML-escaped text that may itself carry a little HTML.
        let dek = unescape(&dek[1]).map_err(|e| e.to_string())?;
        let dek = plain_to_text(&dek);
        let id = unescape(&id[1]).map_err(|e| e.to_string())?;
        if !dek.is_empty() {
            out.insert(id.trim().to_string(), dek);
        }
    }
    Ok(out)
}

/// Decides whether a (reference, body) pair is a fair test; see the module docs.
pub fn screen(reference: &str, body: &str) -> Result<(), Rejection> {
    let reference = words(reference);
    let body_words = words(body);
    if !(MIN_REFERENCE_WORDS..=MAX_REFERENCE_WORDS).contains(&reference.len()) {
        return Err(Rejection::ReferenceLength);
    }
    if sentence_count(body) < MIN_BODY_SENTENCES || body_words.len() < 2 * reference.len() {
        return Err(Rejection::ShortBody);
    }
    let lead_words = PREFIX_WORDS.min(reference.len());
    let window = &body_words[..PREFIX_WINDOW.min(body_words.len())];
    if window.windows(lead_words).any(|w| w == &reference[..lead_words]) {
        return Err(Rejection::Prefix);
    }
    let opening: HashSet<&str> = body_words
        .iter()
        .take(reference.len() + 10)
        .map(String::as_str)
        .collect();
    let shared = reference.iter().filter(|w| opening.contains(w.as_str())).count();
    if shared as f64 >= NEAR_COPY_SHARE * reference.len() as f64 {
        return Err(Rejection::NearCopy);
    }
    Ok(())
}

/// The first sentence of `text` (LEAD-1), by the pipeline's own splitter.
pub fn lead1(text: &str) -> String {
    lead(text, 1)
}

/// The first `n` sentences of `text`, joined by spaces.
pub fn lead(text: &str, n: usize) -> String {
    sentences::split(text).into_iter().take(n).collect::<Vec<_>>().join(" ")
}

/// Lower-cased ASCII alphanumeric words, as ROUGE sees them without stemming.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Counts sentence ends (`.`, `!`, `?`, possibly closed by a quote or bracket, then a
/// space or the end). Deliberately independent of `text::sentences`, which is tuned
/// separately, so that tuning cannot change which pairs are in the set.
fn sentence_count(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut count = 0;
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i], '.' | '!' | '?') && i > 0 && chars[i - 1].is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '"' | '\'' | '”' | '’' | ')' | ']') {
                j += 1;
            }
            if j == chars.len() || chars[j].is_whitespace() {
                count += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "The team shipped a faster parser this week. It reads feeds twice as fast. \
        Memory use fell by a third. Users noticed at once. More work is planned.";

    #[test]
    fn screen_keeps_an_abstractive_dek() {
        assert_eq!(screen("Parsing got twice as fast and leaner.", BODY), Ok(()));
    }

    #[test]
    fn screen_rejects_a_copy_of_the_lead() {
        assert_eq!(
            screen("The team shipped a faster parser this week…", BODY),
            Err(Rejection::Prefix)
        );
        assert_eq!(
            screen("This week the team shipped a parser, faster.", BODY),
            Err(Rejection::NearCopy)
        );
    }

    #[test]
    fn screen_rejects_short_bodies_and_long_references() {
        assert_eq!(
            screen("A dek about it.", "One sentence. Two sentences. Three."),
            Err(Rejection::ShortBody)
        );
        let long = "word ".repeat(61);
        assert_eq!(screen(&long, BODY), Err(Rejection::ReferenceLength));
        assert_eq!(screen("Too short", BODY), Err(Rejection::ReferenceLength));
    }

    #[test]
    fn sentence_count_handles_quotes_and_decimals() {
        assert_eq!(sentence_count("He said “go.” Then 3.5 GHz! Why? Done"), 3);
        assert_eq!(sentence_count(""), 0);
    }

    #[test]
    fn lead_takes_leading_sentences() {
        // Holds for any splitter that ends a sentence at a line break.
        let text = "First line.\nSecond line.\nThird line.";
        assert!(lead1(text).starts_with("First line."));
        assert!(!lead1(text).contains("Third"));
        assert!(lead(text, 3).contains("Third line."));
        assert_eq!(lead1(""), "");
    }

    #[test]
    fn dek_is_the_shorter_side() {
        let file = SourceFile {
            path: "x",
            source: "x",
            kind: ReferenceKind::Dek,
            og_dek: false,
        };
        let pair = candidate(&file, "id".into(), "T".into(), Some(BODY.into()), "Short dek.".into());
        let pair = pair.map(|p| (p.reference, p.text, p.title));
        assert_eq!(pair, Some(("Short dek.".into(), BODY.into(), "T".into())));
        let title_file = SourceFile {
            kind: ReferenceKind::Title,
            ..file
        };
        let pair = candidate(&title_file, "id".into(), "Paper title".into(), None, BODY.into());
        assert_eq!(
            pair.map(|p| (p.reference, p.title)),
            Some(("Paper title".into(), String::new()))
        );
    }

    #[test]
    fn og_descriptions_are_read_per_item() {
        let xml = "<rss><channel><item><guid>a</guid><description>body</description>\
            <og xmlns:og=\"http://ogp.me/ns#\"><title>T</title><description>Dek &amp; more.</description></og></item>\
            <item><guid>b</guid><og><description></description></og></item></channel></rss>";
        let found = og_descriptions(xml);
        let expected: HashMap<String, String> = [("a".to_string(), "Dek & more.".to_string())].into();
        assert_eq!(found, Ok(expected));
    }

    #[test]
    fn the_half_of_a_case_depends_on_its_source_and_id_alone() {
        assert_eq!(half_of("macworld", "a"), half_of("macworld", "a"));
        let halves: HashSet<Half> = (0..20).map(|i| half_of("macworld", &i.to_string())).collect();
        assert_eq!(halves.len(), 2, "twenty ids all fell in one half");
    }

    /// The set the benchmark reports on; skipped when the corpus is not checked out beside
    /// the repository.
    #[test]
    fn corpus_yields_the_expected_pairs() {
        let corpus = default_corpus_dir();
        if !corpus.is_dir() {
            eprintln!("skipped: no corpus at {}", corpus.display());
            return;
        }
        let all = match candidates(&corpus) {
            Ok(all) => all,
            Err(e) => panic!("{e}"),
        };
        for (pair, verdict) in &all {
            eprintln!("{:<15} {:?} {} | {}", pair.source, verdict, pair.id, pair.reference);
        }
        let pairs: Vec<EvalPair> = all.into_iter().filter(|(_, v)| v.is_ok()).map(|(p, _)| p).collect();
        assert!(pairs.len() >= 80, "only {} pairs", pairs.len());
        let sources: HashSet<&str> = pairs.iter().map(|p| p.source).collect();
        assert!(sources.len() >= 7, "{sources:?}");
        assert!(sources.contains("macworld"), "{sources:?}");
        let held_out = pairs.iter().filter(|p| p.half() == Half::HeldOut).count();
        assert!(
            (pairs.len() * 3 / 10..=pairs.len() * 7 / 10).contains(&held_out),
            "{held_out} of {} held out",
            pairs.len()
        );
        for pair in &pairs {
            assert!(!pair.reference.is_empty() && !pair.text.is_empty(), "{}", pair.id);
            assert_ne!(pair.reference, pair.text, "{}", pair.id);
            if pair.kind == ReferenceKind::Title {
                assert!(pair.title.is_empty(), "{}", pair.id);
            }
        }
    }
}
