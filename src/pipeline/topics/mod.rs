//! Topics: the built-in AI catalogue and custom topics, matched by include/exclude terms.
//!
//! A [`Topic`] is a slug, a name and two term lists. [`TopicMatcher`] compiles any list of
//! topics (the built-in catalogue from [`builtin_topics`] plus the user's custom ones) into a
//! single Aho-Corasick automaton over every term of every topic, so tagging an article is one
//! pass over its title and one over its text, however many topics there are.
//!
//! How a term matches:
//! - whole words and phrases only: "agent" does not hit "reagent", "AI" does not hit "said";
//! - case-insensitively (ASCII), except short acronyms: a term of at most four characters
//!   written with a capital letter ("AI", "ML", "TTS", "Grok") matches only in exactly that
//!   case, so it cannot hit an ordinary lower-case word;
//! - simple plurals: "agent" hits "agents", "breach" hits "breaches", "policy" hits
//!   "policies"; a space and a hyphen are interchangeable ("open source" = "open-source");
//! - within one topic, overlapping hits keep the longest, so "open weights" counts once and
//!   an exclude phrase such as "travel agent" swallows the "agent" inside it.
//!
//! How a topic scores: each distinct include term found in the title adds 1.0; in the text
//! each distinct term adds `0.3·ln(1 + n)` for its `n` occurrences (a passing mention is not
//! enough, repetition helps with diminishing returns). Built-in topics also have *boost*
//! terms ("release", "weights", …) that add half as much but only once a real term has hit,
//! and source hints (an arXiv feed is research) worth one title hit. The strength is
//! `1 − e^(−score)`, so it saturates towards 1.0; topics under [`MIN_STRENGTH`] are dropped.
//! An exclude term in the title, or exclude terms twice in the text, veto the topic. The
//! `podcasts` topic only reads the title and is 1.0 for any podcast episode.

mod catalogue;
mod matcher;

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use catalogue::BUILTINS;
pub use catalogue::{PODCASTS, builtin_topics, is_builtin_slug};
pub use matcher::{TopicMatcher, source_host, source_matches};

/// Topics weaker than this are not reported: about two mentions of a term in the text, or
/// one of two different terms; a single passing mention stays below it.
pub const MIN_STRENGTH: f32 = 0.25;

/// Longest term, in characters.
pub const MAX_TERM_CHARS: usize = 60;
/// Most terms in one list (include or exclude) of a custom topic.
pub const MAX_TERMS: usize = 50;
/// Longest topic name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

const TITLE_WEIGHT: f32 = 1.0;
const BODY_WEIGHT: f32 = 0.3;
/// Boost terms count for this fraction of a real term.
const BOOST_FACTOR: f32 = 0.5;
/// A source hint is worth one title hit.
const SOURCE_WEIGHT: f32 = 1.0;
/// Core score from which boost terms count: a title hit, or about two text mentions.
const MIN_CORE_FOR_BOOST: f32 = 0.3;
/// Exclude hits in the text needed to veto (one in the title is enough).
const BODY_VETO_HITS: u32 = 2;

/// A topic: what articles on it contain (`include`) and what shows they are not (`exclude`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub builtin: bool,
}

/// One topic an article matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicMatch {
    pub slug: String,
    /// 0.0..=1.0, at least [`MIN_STRENGTH`].
    pub strength: f32,
    /// The terms that hit, as the topic spells them, most telling first. Empty when only a
    /// source cue matched (a podcast feed, an arXiv listing).
    pub matched: Vec<String>,
}

/// Everything the matcher knows about one topic in one article, for callers that weigh the
/// title differently (the category classifier does). Unlike [`TopicMatch`], it also reports
/// topics under [`MIN_STRENGTH`] and vetoed ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicEvidence {
    pub slug: String,
    /// 0.0..=1.0; 0.0 when vetoed.
    pub strength: f32,
    /// Distinct include terms (boosts left out) found in the title.
    pub title_terms: u32,
    /// Occurrences of include terms (boosts left out) in the text.
    pub body_hits: u32,
    pub vetoed: bool,
    pub matched: Vec<String>,
}

/// What the matcher reads of an article.
#[derive(Debug, Clone, Copy)]
pub struct TopicInput<'a> {
    pub title: &'a str,
    /// Plain text of the article (or the excerpt we have), without the title.
    pub text: &'a str,
    pub is_podcast: bool,
    /// The feed or page the article came from; only its host and path are looked at.
    pub source_url: &'a str,
}

/// Why a topic list or a custom topic was refused. Each message names the bad value and how
/// to fix it, because these reach users who type custom topics.
#[derive(Debug, Error)]
pub enum TopicError {
    #[error("topic slug {slug:?} is invalid: use 2-32 characters from a-z, 0-9 and '-' (for example {suggestion:?})")]
    InvalidSlug { slug: String, suggestion: String },
    #[error("topic slug {slug:?} belongs to a built-in topic: pick another one, for example \"my-{slug}\"")]
    ReservedSlug { slug: String },
    #[error("two topics have the slug {slug:?}: slugs must be unique, rename one of them")]
    DuplicateSlug { slug: String },
    #[error("topic name {name:?} is invalid: give a name of 1-{MAX_NAME_CHARS} characters on one line")]
    InvalidName { name: String },
    #[error("topic {slug:?} has no include terms: give at least one word or phrase that articles on it contain")]
    NoIncludeTerms { slug: String },
    #[error("term {term:?} of topic {slug:?} is invalid: {reason}")]
    InvalidTerm {
        slug: String,
        term: String,
        reason: &'static str,
    },
    #[error("topic {slug:?} has {count} {list} terms, at most {MAX_TERMS} are allowed: keep the most telling ones")]
    TooManyTerms {
        slug: String,
        list: &'static str,
        count: usize,
    },
    #[error("could not compile the topic terms: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// Checks and normalises a custom topic typed by a user: the slug is 2-32 characters of
/// `a-z`, `0-9` and `-` and not a built-in slug; the name is 1-60 characters; there is at
/// least one include term; terms are 1-60 characters with a letter or digit, at most 50 per
/// list. Terms are trimmed, inner whitespace is collapsed and case-insensitive duplicates are
/// dropped (the first spelling is kept, since capitals make short acronyms case-sensitive).
pub fn validate_custom<S: AsRef<str>>(
    slug: &str,
    name: &str,
    include: &[S],
    exclude: &[S],
) -> Result<Topic, TopicError> {
    check_slug(slug)?;
    if is_builtin_slug(slug) {
        return Err(TopicError::ReservedSlug { slug: slug.to_string() });
    }
    let name_trimmed = name.trim();
    let name_chars = name_trimmed.chars().count();
    if name_chars == 0 || name_chars > MAX_NAME_CHARS || name_trimmed.chars().any(char::is_control) {
        return Err(TopicError::InvalidName { name: name.to_string() });
    }
    let include = clean_terms(slug, "include", include)?;
    let exclude = clean_terms(slug, "exclude", exclude)?;
    if include.is_empty() {
        return Err(TopicError::NoIncludeTerms { slug: slug.to_string() });
    }
    Ok(Topic {
        slug: slug.to_string(),
        name: name_trimmed.to_string(),
        description: format!("Custom topic: {}", include.join(", ")),
        include,
        exclude,
        builtin: false,
    })
}

fn check_slug(slug: &str) -> Result<(), TopicError> {
    let ok = (2..=32).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(TopicError::InvalidSlug {
            slug: slug.to_string(),
            suggestion: suggest_slug(slug),
        })
    }
}

/// A valid slug close to what the user typed, for the error message.
fn suggest_slug(input: &str) -> String {
    let mut out = String::new();
    for c in input.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(32);
    let out = out.trim_end_matches('-').to_string();
    if out.len() < 2 {
        "my-topic".to_string()
    } else if is_builtin_slug(&out) {
        format!("my-{out}")
    } else {
        out
    }
}

fn clean_terms<S: AsRef<str>>(slug: &str, list: &'static str, terms: &[S]) -> Result<Vec<String>, TopicError> {
    if terms.len() > MAX_TERMS {
        return Err(TopicError::TooManyTerms {
            slug: slug.to_string(),
            list,
            count: terms.len(),
        });
    }
    let mut out: Vec<String> = Vec::with_capacity(terms.len());
    for raw in terms {
        let raw = raw.as_ref();
        let invalid = |reason| TopicError::InvalidTerm {
            slug: slug.to_string(),
            term: raw.to_string(),
            reason,
        };
        if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) || raw.contains(['\n', '\r']) {
            return Err(invalid("a term must be one line of plain text"));
        }
        let term = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars = term.chars().count();
        if chars == 0 || chars > MAX_TERM_CHARS {
            return Err(invalid(
                "terms are 1-60 characters: shorten it, or split a long phrase into several terms",
            ));
        }
        if !term.chars().any(char::is_alphanumeric) {
            return Err(invalid("a term needs at least one letter or digit"));
        }
        if !out.iter().any(|t| t.eq_ignore_ascii_case(&term)) {
            out.push(term);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> TopicMatcher {
        TopicMatcher::builtin().unwrap()
    }

    fn doc<'a>(title: &'a str, text: &'a str) -> TopicInput<'a> {
        TopicInput {
            title,
            text,
            is_podcast: false,
            source_url: "https://example.com/feed",
        }
    }

    fn slugs(matches: &[TopicMatch]) -> Vec<&str> {
        matches.iter().map(|m| m.slug.as_str()).collect()
    }

    fn strength(matches: &[TopicMatch], slug: &str) -> f32 {
        matches.iter().find(|m| m.slug == slug).map_or(0.0, |m| m.strength)
    }

    #[test]
    fn catalogue_is_well_formed() {
        let topics = builtin_topics();
        for slug in [
            "models",
            "agents",
            "research",
            "hardware",
            "policy-safety",
            "open-source",
            "business",
            "robotics",
            "security",
            "podcasts",
        ] {
            assert!(topics.iter().any(|t| t.slug == slug), "missing {slug}");
        }
        for t in &topics {
            assert!(check_slug(&t.slug).is_ok(), "{}", t.slug);
            assert!(!t.name.is_empty() && !t.description.is_empty(), "{}", t.slug);
            assert!(t.include.len() >= 3, "{}", t.slug);
            for term in t.include.iter().chain(&t.exclude) {
                assert_eq!(term.trim(), term, "{}: {term:?}", t.slug);
                assert!(term.chars().count() <= MAX_TERM_CHARS, "{}: {term:?}", t.slug);
            }
        }
        let m = matcher();
        assert_eq!(m.slugs().count(), topics.len());
    }

    /// (title, text, topics that must be there, topics that must not)
    const CASES: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "Gemini 3.1 Flash TTS",
            "Google has released Gemini 3.1 Flash TTS, a new text-to-speech model accessible via the standard \
             Gemini API using the gemini-3.1-flash-tts-preview model ID. It can be directed through prompts.",
            &["models", "multimodal"],
            &["security", "business", "robotics"],
        ),
        (
            "Writing an LLM from scratch, part 32k – Interventions: training a better model locally with \
             gradient accumulation",
            "This post details training a GPT-2-small-style LLM locally, building on Sebastian Raschka's book. \
             Gradient accumulation simulates larger batch sizes on limited hardware without excessive GPU memory.",
            &["research", "models"],
            &["business", "security", "podcasts"],
        ),
        (
            "AI cybersecurity is not proof of work",
            "Bug finding with LLMs is not like proof of work: sampling a model for a bug in a given code base \
             does not equate to finding a hash collision. Security work explores a finite state space.",
            &["security"],
            &["business", "robotics"],
        ),
        (
            "Nvidia H200 exports to China approved under new export controls",
            "The Commerce Department will let Nvidia ship H200 GPUs to approved customers in China, reversing \
             export controls on AI chips that lawmakers said protected national security.",
            &["hardware", "policy-safety"],
            &["robotics", "podcasts"],
        ),
        (
            "Mistral AI raises €1.7 billion Series C at an €11.7 billion valuation",
            "The Paris startup said the funding round was led by ASML, with existing investors joining. \
             The raise values Mistral AI at €11.7 billion.",
            &["business"],
            &["security", "robotics"],
        ),
        (
            "Figure unveils its third-generation humanoid robot for homes",
            "Figure AI's new humanoid can load a dishwasher and fold laundry. The robot uses a \
             vision-language-action model trained on teleoperation data.",
            &["robotics"],
            &["business", "security"],
        ),
        (
            "OpenAI launches an Agents SDK with computer use and MCP support",
            "Developers can build agents that call tools, browse the web and connect to MCP servers.",
            &["agents"],
            &["robotics"],
        ),
        (
            "vLLM 0.7 released with faster GGUF loading",
            "The open-source inference engine now loads GGUF checkpoints from Hugging Face directly. \
             Install it with pip install vllm; see the release notes on GitHub.",
            &["open-source"],
            &["robotics", "security"],
        ),
        (
            "Attention is not all you need: a new architecture for long contexts",
            "We propose a recurrent architecture and show that it matches the transformer baseline on long \
             context benchmarks. Ablations show where the gains come from. Code is available on GitHub.",
            &["research"],
            &["business", "hardware"],
        ),
        (
            "Review: a luminous Seagull at the Old Vic",
            "Chekhov's comedy gets a tender staging. The cast is superb, the lighting is spare and the final act \
             lands with quiet force. The director trusts the silences, and the audience held its breath.",
            &[],
            &[
                "models",
                "agents",
                "research",
                "hardware",
                "policy-safety",
                "open-source",
                "business",
                "robotics",
                "security",
                "science",
                "coding",
                "multimodal",
                "podcasts",
            ],
        ),
    ];

    #[test]
    fn realistic_articles_get_the_expected_topics() {
        let m = matcher();
        for (title, text, must, must_not) in CASES {
            let found = m.matches(&doc(title, text));
            let found_slugs = slugs(&found);
            for slug in *must {
                assert!(found_slugs.contains(slug), "{title:?}: missing {slug} in {found:?}");
            }
            for slug in *must_not {
                assert!(!found_slugs.contains(slug), "{title:?}: unexpected {slug} in {found:?}");
            }
            assert!(found.windows(2).all(|w| w[0].strength >= w[1].strength), "{found:?}");
            assert!(
                found.iter().all(|f| (MIN_STRENGTH..=1.0).contains(&f.strength)),
                "{found:?}"
            );
        }
    }

    #[test]
    fn title_terms_weigh_more_than_body_terms() {
        let m = matcher();
        let in_title = m.matches(&doc("A new robot", "It walks."));
        let in_body = m.matches(&doc("News", "A new robot walks, and the robot talks."));
        assert!(strength(&in_title, "robotics") > strength(&in_body, "robotics"));
        // One passing mention in the text is not enough.
        let once = m.matches(&doc("News", "Someone mentioned a robot once."));
        assert!(!slugs(&once).contains(&"robotics"), "{once:?}");
    }

    #[test]
    fn strength_saturates_towards_one() {
        let m = matcher();
        let text = "humanoid robot robotics Unitree Boston Dynamics quadruped teleoperation ".repeat(20);
        let found = m.matches(&doc("Humanoid robot robotics news", &text));
        let s = strength(&found, "robotics");
        assert!(s > 0.99 && s <= 1.0, "{s}");
    }

    #[test]
    fn words_match_whole_with_plurals_and_case_rules() {
        let m = matcher();
        // "AI" must not hit "said"; "agent" hits "agents"; "reagent" is not an agent.
        let found = m.matches(&doc("Agents everywhere", "The reagent said nothing."));
        assert_eq!(
            found.first().map(|f| f.matched.clone()),
            Some(vec!["agent".to_string()])
        );
        let reagent = m.matches(&doc("A new reagent", "reagents and reagents"));
        assert!(!slugs(&reagent).contains(&"agents"), "{reagent:?}");
        // "-ies" plurals and hyphen/space equivalence.
        let policy = m.matches(&doc("New policies on AI", ""));
        assert!(slugs(&policy).contains(&"policy-safety"), "{policy:?}");
        let open = m.matches(&doc("An open source model runner", ""));
        assert!(slugs(&open).contains(&"open-source"), "{open:?}");
        // "Grok" is case-sensitive; "grok" the verb is not the model.
        let grok = m.matches(&doc("Hard to grok", ""));
        assert!(grok.is_empty(), "{grok:?}");
        let grok = m.matches(&doc("Grok 5 is out", ""));
        assert!(slugs(&grok).contains(&"models"), "{grok:?}");
        // Short lower-case acronyms are case-insensitive.
        let gpu = m.matches(&doc("Renting GPUs by the hour", ""));
        assert!(slugs(&gpu).contains(&"hardware"), "{gpu:?}");
    }

    #[test]
    fn exclude_terms_veto_their_topic() {
        let m = matcher();
        let travel = m.matches(&doc("Why every travel agent is worried", "agents agents agents"));
        assert!(!slugs(&travel).contains(&"agents"), "{travel:?}");
        let concerns = m.matches(&doc(
            "Plan raises concerns",
            "The startup says its funding is fine, but the plan raises concerns.",
        ));
        assert!(!slugs(&concerns).contains(&"business"), "{concerns:?}");
        // Once in the body does not veto; twice does.
        let once = m.matches(&doc(
            "Robots learn to fold laundry",
            "A humanoid robot folds shirts. Unrelated: our robots.txt changed.",
        ));
        assert!(slugs(&once).contains(&"robotics"), "{once:?}");
        let twice = m.matches(&doc(
            "Publishers fight AI crawlers",
            "The robots.txt file is ignored by robots, they say; robots.txt needs teeth.",
        ));
        assert!(!slugs(&twice).contains(&"robotics"), "{twice:?}");
    }

    #[test]
    fn podcasts_come_from_the_flag_the_title_or_the_feed() {
        let m = matcher();
        let flagged = m.matches(&TopicInput {
            title: "Jensen Huang on TPUs and supply chains",
            text: "We talk about Nvidia.",
            is_podcast: true,
            source_url: "https://example.com/feed",
        });
        assert_eq!(strength(&flagged, PODCASTS), 1.0);
        let titled = m.matches(&doc("Episode 212: the state of open models", ""));
        assert!(slugs(&titled).contains(&PODCASTS), "{titled:?}");
        let body_only = m.matches(&doc("Open models", "In the latest podcast episode, podcast podcast."));
        assert!(!slugs(&body_only).contains(&PODCASTS), "{body_only:?}");
        let feed = m.matches(&TopicInput {
            source_url: "https://feeds.megaphone.fm/MLN2155636147",
            ..doc("Agents in production with a guest from Stripe", "")
        });
        assert!(slugs(&feed).contains(&PODCASTS), "{feed:?}");
    }

    #[test]
    fn arxiv_sources_count_as_research() {
        let m = matcher();
        let found = m.matches(&TopicInput {
            source_url: "https://rss.arxiv.org/rss/cs.CL",
            ..doc("Sparse mixtures for long documents", "")
        });
        assert!(slugs(&found).contains(&"research"), "{found:?}");
    }

    #[test]
    fn custom_topics_match_alongside_builtins() {
        let rust = validate_custom("rust-lang", "Rust", &["rust", "cargo"], &["game"]).unwrap();
        let mut topics = builtin_topics();
        topics.push(rust);
        let m = TopicMatcher::new(&topics).unwrap();
        let hit = m.matches(&doc("Rust 1.90 ships faster cargo builds", "Cargo now caches more."));
        assert!(slugs(&hit).contains(&"rust-lang"), "{hit:?}");
        let custom = hit.iter().find(|t| t.slug == "rust-lang").unwrap();
        // "cargo" is in the title and the text, so it is the most telling term.
        assert_eq!(custom.matched, ["cargo", "rust"]);
        // The exclude term vetoes: Rust the video game.
        let game = m.matches(&doc(
            "Rust the game gets a new map",
            "The survival game adds cargo ships.",
        ));
        assert!(!slugs(&game).contains(&"rust-lang"), "{game:?}");
        // Whole words: "trust" and "rusty" are not Rust.
        let trust = m.matches(&doc("In trust we trust", "A rusty gate."));
        assert!(!slugs(&trust).contains(&"rust-lang"), "{trust:?}");
    }

    #[test]
    fn validate_custom_explains_what_is_wrong() {
        let err = validate_custom("My Topic!", "Mine", &["x1"], &[]).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, TopicError::InvalidSlug { .. }), "{msg}");
        assert!(
            msg.contains("\"My Topic!\"") && msg.contains("\"my-topic\"") && msg.contains("a-z"),
            "{msg}"
        );
        assert!(matches!(
            validate_custom("a", "A", &["x"], &[]),
            Err(TopicError::InvalidSlug { .. })
        ));
        assert!(matches!(
            validate_custom(&"a".repeat(33), "A", &["x"], &[]),
            Err(TopicError::InvalidSlug { .. })
        ));
        let err = validate_custom("agents", "Agents", &["x"], &[]).unwrap_err();
        assert!(matches!(err, TopicError::ReservedSlug { .. }));
        assert!(err.to_string().contains("my-agents"), "{err}");
        let err = validate_custom::<&str>("rust", "Rust", &[], &[]).unwrap_err();
        assert!(matches!(err, TopicError::NoIncludeTerms { .. }), "{err}");
        let long = "x".repeat(61);
        let err = validate_custom("rust", "Rust", &[long.as_str()], &[]).unwrap_err();
        assert!(
            matches!(err, TopicError::InvalidTerm { .. }) && err.to_string().contains("1-60"),
            "{err}"
        );
        let err = validate_custom("rust", "Rust", &["  ", "rust"], &[]).unwrap_err();
        assert!(matches!(err, TopicError::InvalidTerm { .. }), "{err}");
        let many: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
        let err = validate_custom("rust", "Rust", &many, &[]).unwrap_err();
        assert!(matches!(err, TopicError::TooManyTerms { count: 51, .. }), "{err}");
        assert!(matches!(
            validate_custom("rust", " ", &["rust"], &[]),
            Err(TopicError::InvalidName { .. })
        ));
        let ok = validate_custom("rust", " Rust ", &[" rust  lang ", "Rust Lang", "cargo"], &[]).unwrap();
        assert_eq!(ok.include, ["rust lang", "cargo"]);
        assert_eq!(ok.name, "Rust");
        assert!(!ok.builtin);
    }

    #[test]
    fn matcher_rejects_bad_topic_lists() {
        let mut topics = builtin_topics();
        topics.push(topics[0].clone());
        assert!(matches!(
            TopicMatcher::new(&topics),
            Err(TopicError::DuplicateSlug { .. })
        ));
        let empty = TopicMatcher::new(&[]).unwrap();
        assert!(empty.matches(&doc("GPT-5", "")).is_empty());
    }

    #[test]
    fn source_urls_are_read_by_host_and_path() {
        assert_eq!(
            source_host("https://www.Pluralistic.net/2026/04/16/x/"),
            "pluralistic.net"
        );
        assert!(source_matches("https://rss.arxiv.org/rss/cs.AI", "arxiv.org"));
        assert!(!source_matches("https://notarxiv.org/", "arxiv.org"));
        assert!(source_matches(
            "https://api.substack.com/feed/podcast/69345.rss",
            "/podcast"
        ));
        assert!(source_matches(
            "https://www.microsoft.com/en-us/research/feed/",
            "microsoft.com/en-us/research"
        ));
        assert!(!source_matches("", "arxiv.org"));
    }

    #[test]
    fn matcher_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<TopicMatcher>();
    }

    /// Tags 20,000 synthetic articles of 1,000 words twice, once with the term density of
    /// news prose (one term in 25 words) and once with a term in every other word, and prints
    /// the times. Run in release:
    /// `cargo test --release --lib pipeline::topics -- --ignored --nocapture`.
    #[test]
    #[cfg(feature = "eval")]
    #[ignore = "timing; run in release with --ignored --nocapture"]
    fn speed_20k_articles() {
        let m = matcher();
        // Common words, including some that hide a term inside them ("said", "chain", "paid").
        let filler = "the a of and to in is that for on it with as was at by be this from have are an not \
            but they which or his her their has been would will more said could about after people year \
            years first also new time over into than other some only what when there can just its two \
            most against again certain maintain chain paid plain brain rain train gain main explain \
            market week report company government world while where because under between during \
            before through those these each many much well still even back down since another \
            however according number part public group state city country million today last";
        let terms = "model GPT-5 Claude Gemini training LLM agents MCP arXiv paper benchmark GPUs Nvidia chips \
            TSMC regulation lawsuit copyright safety alignment open-source GitHub library raises funding \
            valuation robot humanoid drone vulnerability CVE malware podcast episode AI startup";
        let filler: Vec<&str> = filler.split_whitespace().collect();
        let terms: Vec<&str> = terms.split_whitespace().collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (label, one_in) in [
            ("news-like, 1 term in 25 words", 25u64),
            ("dense, 1 term in 2 words", 2),
        ] {
            let docs: Vec<(String, String)> = (0..20_000)
                .map(|_| {
                    let mut pick = |n: usize| {
                        (0..n)
                            .map(|_| {
                                let r = next();
                                if r % one_in == 0 {
                                    terms[((r >> 8) % terms.len() as u64) as usize]
                                } else {
                                    filler[((r >> 8) % filler.len() as u64) as usize]
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    (pick(10), pick(1_000))
                })
                .collect();
            let bytes: usize = docs.iter().map(|(t, b)| t.len() + b.len()).sum();
            let started = std::time::Instant::now();
            let mut tagged = 0usize;
            for (title, text) in &docs {
                tagged += m.matches(&doc(title, text)).len();
            }
            let elapsed = started.elapsed();
            println!(
                "{label}: tagged {} articles ({:.1} MB) in {:.3} s ({:.0} MB/s), {tagged} topic tags",
                docs.len(),
                bytes as f64 / 1e6,
                elapsed.as_secs_f64(),
                bytes as f64 / 1e6 / elapsed.as_secs_f64()
            );
            let started = std::time::Instant::now();
            let mut other = 0usize;
            for (title, text) in &docs {
                let input = doc(title, text);
                let category = super::super::category::categorize(&input, &m.matches(&input));
                other += usize::from(category == super::super::category::Category::Other);
            }
            println!(
                "{label}: tagged and categorised them in {:.3} s ({other} Other)",
                started.elapsed().as_secs_f64()
            );
        }
    }
}
