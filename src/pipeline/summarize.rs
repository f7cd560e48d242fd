//! Summaries behind one [`Summarizer`] trait: the extractive one here needs no key and no
//! network; #5 adds an LLM one with this as its fallback.
//!
//! The extractive summariser works in four steps:
//!
//! 1. **Clean**: markup leftovers (tags, entities, Markdown links and emphasis) are reduced to
//!    text, the text is split into sentences, and boilerplate (newsletter and cookie banners,
//!    "The post … appeared first on …", captions, bylines, sponsor lines, "Read more", bare
//!    URLs…) is dropped so that it reaches no output field. Datelines ("LONDON (Reuters) —")
//!    are cut from the sentence they open.
//! 2. **Score**: each remaining sentence gets a lead bias (news puts the story first), a
//!    centrality (TF-IDF cosine with the rest of the document, the cheap centroid form of
//!    LexRank) and its overlap with the title, minus penalties for questions, first-person
//!    chatter, headings, fragments and run-ons.
//! 3. **Select**: the TL;DR is the best sentence, compressed (asides, "In a blog post on
//!    Tuesday," openers and "he said" tails removed) and cut at a clause boundary when longer
//!    than 40 words; the summary picks 2–4 non-redundant sentences in document order; bullets
//!    prefer facts (numbers, money, versions, names); "why it matters" is only ever a sentence
//!    of the text that says so in words.
//! 4. **Annotate**: tags from [`super::keywords`], the decoder from [`super::glossary`], both
//!    over the cleaned text.
//!
//! Work is capped (the first [`MAX_INPUT_BYTES`] bytes, [`MAX_SENTENCES`] sentences), so a
//! 1,000-word article takes well under a millisecond.

use std::collections::HashMap;
use std::sync::LazyLock;

use futures::future::BoxFuture;
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::glossary::DecoderEntry;
use super::text::is_stopword;

/// What a summariser reads: a title and the plain text of an article.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub title: &'a str,
    pub text: &'a str,
}

/// Everything a digest shows about one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// One sentence, at most 40 words.
    pub tldr: String,
    /// Two to four sentences.
    pub summary: String,
    /// Three to six facts, preferring those with numbers.
    pub bullets: Vec<String>,
    /// A sentence from the text that says why the story matters; never invented.
    pub why_it_matters: Option<String>,
    pub tags: Vec<String>,
    pub decoder: Vec<DecoderEntry>,
    /// `extractive` or `llm`.
    pub summarizer: String,
}

/// Anything that can summarise an article. Async because the LLM one waits on the network.
pub trait Summarizer: Send + Sync {
    fn name(&self) -> &'static str;
    fn summarize<'a>(&'a self, doc: Document<'a>) -> BoxFuture<'a, Summary>;
}

/// The offline summariser: sentence scoring with lead bias and centrality.
#[derive(Debug, Clone, Default)]
pub struct Extractive;

/// Only this much of an article is read: the story is in the opening, and the cap keeps a
/// pasted book from stalling a digest.
pub const MAX_INPUT_BYTES: usize = 60_000;
/// At most this many usable sentences are scored.
pub const MAX_SENTENCES: usize = 200;
/// The TL;DR's word limit.
pub const TLDR_MAX_WORDS: usize = 40;
/// Bullets longer than this are cut at a clause boundary.
const BULLET_MAX_WORDS: usize = 28;
/// "Why it matters" sentences longer than this are cut at a clause boundary.
const WHY_MAX_WORDS: usize = 45;
/// Tags and decoder entries per summary.
const MAX_TAGS: usize = 6;
const MAX_DECODER: usize = 6;

impl Extractive {
    pub fn summarize_document(&self, doc: Document<'_>) -> Summary {
        let analysis = Analysis::new(doc.title, doc.text);
        let clean_text = analysis.clean_text();
        let tags = super::keywords::keywords(doc.title, &clean_text, MAX_TAGS);
        let decoder = super::glossary::decode(&clean_text, MAX_DECODER);

        let Some(tldr_pick) = analysis.pick_tldr() else {
            let title = collapse_whitespace(&strip_markup(doc.title));
            return Summary {
                tldr: title.clone(),
                summary: title,
                bullets: Vec::new(),
                why_it_matters: None,
                tags,
                decoder,
                summarizer: "extractive".to_string(),
            };
        };
        let summary_ids = analysis.pick_summary(tldr_pick.index);
        let summary = summary_ids
            .iter()
            .map(|&i| analysis.sentences[i].text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let bullets = analysis.pick_bullets(tldr_pick.index);
        let why_it_matters = analysis.pick_why(tldr_pick.index);
        Summary {
            tldr: tldr_pick.text,
            summary,
            bullets,
            why_it_matters,
            tags,
            decoder,
            summarizer: "extractive".to_string(),
        }
    }
}

impl Summarizer for Extractive {
    fn name(&self) -> &'static str {
        "extractive"
    }

    fn summarize<'a>(&'a self, doc: Document<'a>) -> BoxFuture<'a, Summary> {
        Box::pin(std::future::ready(self.summarize_document(doc)))
    }
}

/// True when a sentence is boilerplate that no summary should repeat: newsletter, cookie,
/// share and sponsor lines, "Read more", "The post … appeared first on …", captions,
/// copyright lines, bylines, greetings, bare URLs, "This article discusses…".
pub fn is_boilerplate(sentence: &str) -> bool {
    let s = collapse_whitespace(strip_list_marker(sentence.trim()));
    if s.is_empty() {
        return true;
    }
    if is_bare_url(&s) {
        return true;
    }
    if BOILERPLATE.as_ref().is_some_and(|re| re.is_match(&s)) {
        return true;
    }
    let words = s.split_whitespace().count();
    words <= 12 && SHORT_BOILERPLATE.as_ref().is_some_and(|re| re.is_match(&s))
}

/// The text with markup reduced and boilerplate sentences removed, one sentence a line:
/// what the summary fields are drawn from.
pub fn clean(text: &str) -> String {
    Analysis::new("", text).clean_text()
}

// ---------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------

/// Sentences that are site furniture whatever their length.
static BOILERPLATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)",
        // "This article discusses…", "In this post, we…"
        r"^(?:this|the following|today's|in this|in today's|in the following|with this)\s+(?:article|post|blog post|blog|piece|story|episode|video|newsletter|issue|edition|tutorial|guide|write-?up|installment|series)(?-u:\b)",
        r"|^(?:this|the following) (?:article|post|piece|story|essay|write-?up) (?:is|was|will|discusses|covers|explores|looks|examines|describes|explains|walks|shows|dives|delves|outlines|highlights|reviews|summari[sz]es|provides|presents|details|introduces|focuses)",
        // cookies and consent
        r"|(?-u:\b)(?:we|this (?:site|website)|our (?:site|website)) uses? cookies(?-u:\b)|(?-u:\b)accept (?:all )?cookies(?-u:\b)|(?-u:\b)cookie (?:policy|settings|preferences|consent|banner|notice)(?-u:\b)",
        r"|(?-u:\b)by (?:continuing to )?(?:use|using|browse|browsing) (?:this|our) (?:site|website)(?-u:\b)|(?-u:\b)privacy policy(?-u:\b).*(?-u:\b)(?:terms|agree|accept)(?-u:\b)",
        // newsletters and subscriptions
        r"|^(?:please |be sure to |don't forget to )?(?:subscribe|sign up|signup|join (?:our|the) (?:newsletter|mailing list|list|community|discord))(?-u:\b)",
        r"|(?-u:\b)(?:subscribe|sign up|signup|register|opt in)(?-u:\b)[^.!?]{0,40}(?-u:\b)(?:newsletter|mailing list|our list|our channel|my channel|the channel|podcast|inbox|updates|rss feed|youtube|apple podcasts|spotify)(?-u:\b)",
        r"|(?-u:\b)newsletter(?-u:\b)[^.!?]{0,50}(?-u:\b)(?:subscribe|sign up|inbox|delivered|free)(?-u:\b)|(?-u:\b)delivered (?:straight |directly |right )?to your inbox(?-u:\b)",
        r"|(?-u:\b)subscribe (?:now|today|here|for free)(?-u:\b)|(?-u:\b)(?:become|becoming) a (?:paid )?(?:subscriber|member|patron|supporter)(?-u:\b)|(?-u:\b)support (?:us|this (?:blog|site|newsletter|work)) on(?-u:\b)|(?-u:\b)patreon(?-u:\b)",
        // sharing and following
        r"|^share (?:this|on|via|the)(?-u:\b)|^(?:follow|find|join|like) (?:us|me) on(?-u:\b)|(?-u:\b)follow (?:us|me) on (?:twitter|x|facebook|linkedin|instagram|mastodon|bluesky|threads|youtube|tiktok)(?-u:\b)",
        r"|^(?:tweet|email|print|facebook|linkedin|reddit|whatsapp|pinterest|copy link)(?: this)?$",
        // read more, click here, post footers
        r"|^(?:read|continue reading|keep reading|read the (?:full|rest|whole|original)|read more|read on|more here|full story|learn more)(?-u:\b)[^.!?]{0,60}(?:[.:…»›→]|$)",
        r"|(?-u:\b)continue reading(?-u:\b)|(?-u:\b)read more(?-u:\b)\s*(?:[»›→…]|\.\.\.|$)|(?-u:\b)appeared first on(?-u:\b)|(?-u:\b)click here(?-u:\b)|(?-u:\b)tap here(?-u:\b)",
        r"|(?-u:\b)originally (?:published|appeared|posted) (?:on|in|at|by)(?-u:\b)|(?-u:\b)the post .{1,200} appeared(?-u:\b)",
        // copyright
        r"|(?-u:\b)all rights reserved(?-u:\b)|©|^copyright(?-u:\b)|\(c\) (?:19|20)\d\d(?-u:\b)",
        // captions and credits
        r"|^(?:photo|photos|image|images|picture|illustration|graphic|screenshot|video|credit|photograph|source|header image|featured image|cover image|top image|lead image|hero image)s?(?: credit| courtesy| by| via| source)?\s*[:|]",
        r"|^(?:photo|image|screenshot|illustration|picture)s? (?:by|courtesy of|via|credit|from)(?-u:\b)",
        r"|^\((?:photo|image|credit|picture|illustration)[^)]*\)$",
        // sponsors and ads
        r"|(?-u:\b)(?:this|today's|the) (?:episode|video|newsletter|post|issue|show|edition|podcast|segment|article) (?:is|was) (?:sponsored|brought to you|presented|supported|powered|made possible|underwritten) by(?-u:\b)",
        r"|(?-u:\b)sponsored by(?-u:\b)|(?-u:\b)brought to you by(?-u:\b)|(?-u:\b)thanks to (?:our|today's) sponsors?(?-u:\b)|^(?:sponsored|promoted|advertisement|partner content|paid content|ad)(?-u:\b)\s*[:|—–-]?",
        r"|(?-u:\b)(?:use|with) (?:the )?(?:promo |discount |coupon )?code [A-Z0-9]{3,}(?-u:\b)|(?-u:\b)affiliate links?(?-u:\b)|(?-u:\b)we may earn (?:a )?(?:small )?commission(?-u:\b)",
        // related lists
        r"|^(?:related|related (?:articles?|stories|posts?|reading|coverage|content|links?)|see also|more from|more on this|also read|also on|recommended|recommended reading|you may also like|you might also like|further reading|previously|elsewhere|more coverage|read next|up next)(?-u:\b)\s*[:|—–-]",
        // meta lines
        r"|^(?:filed under|tags?|categories|category|topics?|posted in|labels?)\s*:|(?-u:\b)\d+\s*min(?:ute)?s? read(?-u:\b)|^(?:estimated )?reading time(?-u:\b)|^listen to (?:this|the) (?:article|story|episode)(?-u:\b)",
        r"|^(?:skip to|jump to) (?:main )?content(?-u:\b)|^(?:advertisement|loading|sponsored)\W*$|(?-u:\b)reporting by(?-u:\b).*(?-u:\b)editing by(?-u:\b)|^(?:editing|writing|reporting|additional reporting) by(?-u:\b)",
        r"|^(?:leave a (?:comment|reply)|comments?|\d+ comments?|discuss (?:this )?on)(?-u:\b)",
        r"|^(?:thanks|thank you) (?:for|to (?:all )?(?:our|my)) (?:reading|listening|watching|subscribing|tuning in|supporting|subscribers|readers|listeners)",
        r"|^(?:if you (?:enjoyed|liked|like|enjoy) (?:this|the|reading|my|our))(?-u:\b)|(?-u:\b)please (?:share|like|subscribe|rate|review)(?-u:\b)",
        // greetings
        r"|^(?:hi|hey|hello|greetings|howdy)(?: there| all| everyone| everybody| folks| friends| guys| team| y'all)?(?-u:\b)\s*[,!.—–-]",
        r"|^(?:hi|hey|hello)\s+(?:everyone|everybody|folks|friends|all|there)(?-u:\b)|^welcome (?:back|to (?:the|this|another|our|my|episode|issue|edition|part|week))(?-u:\b)",
        r"|^happy (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|new year|holidays)(?-u:\b)|^good (?:morning|afternoon|evening)(?-u:\b)",
    ))
    .ok()
});

/// Patterns that mark boilerplate only in a short line (bylines, datelines on their own,
/// credits): in a full sentence the same words can be content.
static SHORT_BOILERPLATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)",
        r"^(?:by|written by|posted by|words by|author|authors|story by|text by)\s*:?\s+\p{Lu}",
        r"|^(?:published|updated|last updated|posted|modified|first published)(?: on| at)?\s*:?\s+",
        r"|(?-u:\b)(?:getty images|shutterstock|ap photo|afp|via getty|reuters/|unsplash|pexels|istock)(?-u:\b)",
        r"|^source\s*:|^via\s*:|^h/t(?-u:\b)|^hat tip(?-u:\b)|^(?:image|photo)(?-u:\b)",
        r"|^(?:top|all|more) (?:stories|news|posts)(?-u:\b)|^(?:menu|search|home|navigation|log ?in|sign in|sign out|log ?out)$",
    ))
    .ok()
});

/// Datelines that open wire copy: "SAN FRANCISCO (Reuters) —", "LONDON —", "(AP) -".
static DATELINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:",
        r"(?:\p{Lu}{2}[\p{Lu}.'’ -]{1,40}?(?:,\s*\p{Lu}[\p{L}.]*(?:\s+[\p{L}0-9.]+){0,3})?\s*(?:\([\p{L} .&]{2,30}\)\s*)?)",
        r"|(?:\([\p{L} .&]{2,30}\)\s*)",
        r")[—–-]{1,2}\s+",
    ))
    .ok()
});

/// Openers a one-line summary does without: "In a blog post on Tuesday,", "Today,",
/// "Earlier this week,". Must be followed by ", " and then the main clause.
static LEADING_CLAUSE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:",
        r"(?:today|yesterday|tonight|this morning|this afternoon|this evening|this week|last week|earlier (?:today|this week|this month|this year)|recently|now|finally|meanwhile|separately|however|additionally|also|in addition|as expected|as reported)",
        r"|(?:on|late on|early on|last|this|next) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?: (?:morning|afternoon|evening|night))?",
        r"|(?:on|in) (?:jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?: \d{1,2}(?:st|nd|rd|th)?)?(?:,? \d{4})?",
        r"|in (?:a|an|its|his|her|their|the|today's|this) (?:new |recent |latest |short |brief |detailed |lengthy |joint |official )?(?:blog post|post|blog|statement|announcement|press release|interview|tweet|thread|paper|report|video|note|email|memo|filing|letter|keynote|livestream|presentation|update|op-ed|essay|newsletter|podcast|study|changelog)(?: [^,]{0,70})?",
        r"|(?:at|during) (?:a|an|the|its|their|his|her) [^,]{0,50}(?:event|conference|keynote|summit|briefing|hearing|livestream|meeting)(?: [^,]{0,40})?",
        r"|speaking (?:at|to|on|with) [^,]{1,60}",
        r")\s*,\s+",
    ))
    .ok()
});

/// "Here we show that", "Our results suggest that": scientific framing a one-liner drops.
static FINDING_FRAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:(?:here|herein|in this (?:study|work|paper|report|article)|in the present (?:study|work)|together|taken together|overall|collectively|in summary|in conclusion|altogether)\s*,?\s+)?",
        r"(?:we|our (?:results|findings|data|analyses|analysis|study|work)|these (?:results|findings|data))\s+",
        r"(?:show|shows|showed|demonstrate|demonstrates|demonstrated|find|found|reveal|reveals|revealed|report|establish|observe|observed|confirm|uncover|suggest|suggests|indicate|indicates|provide evidence|identify|identified)\s+that\s+",
    ))
    .ok()
});

/// "Here, we …" / "In this study, we …": the opener goes, "We …" stays.
static HERE_WE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:here|herein|in this (?:study|work|paper|report)|in the present (?:study|work))\s*,?\s+(we)(?-u:\b)")
        .ok()
});

/// Sentences that state a result: a boost for TL;DR candidates.
static FINDING_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)(?:here,? we|we (?:show|demonstrate|find|found|report|reveal|identify|present|propose|introduce|describe|develop|developed)|our (?:results|findings) (?:show|suggest|indicate|reveal|demonstrate)",
        r"|(?:study|research|paper|researchers|scientists|authors|team|report|survey|analysis) (?:found|finds|shows|showed|suggests|reveals|revealed|concludes|concluded)",
        r"|(?:announced|announces|launched|launches|released|releases|unveiled|unveils|introduced|introduces|acquired|acquires|raised|raises|is launching|is releasing|today announced|is now available|are now available|now supports|is rolling out|rolls out|rolled out))(?-u:\b)",
    ))
    .ok()
});

/// "Why it matters" cues, strongest first. A sentence must use one to be chosen; nothing is
/// ever written in their place.
static WHY_STRONG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)(?:(?:this|that|it) matters (?:because|since|as)|why (?:this|it|that) matters|matters because",
        r"|the (?:significance|importance|implications?)|(?:is|are|was|were) (?:significant|important|crucial|critical|notable|key) because",
        r"|important because|implications (?:for|of)|(?:this|that|which) means that|what this means|the (?:move|deal|decision|launch|release|change|ruling|result|announcement|investment|acquisition) (?:signals|marks|suggests|underscores|highlights|reflects|could|would|means)",
        r"|(?:signals|marks) a (?:shift|turning point|new era|major|significant|broader|change)|paves? the way|(?:a|the) (?:major|significant|big|key|crucial|important) (?:step|milestone|shift)|game[- ]changer|for the first time)(?-u:\b)",
    ))
    .ok()
});

static WHY_MEDIUM: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)(?:means that|(?:could|would|will|should|may|might) (?:allow|enable|let|help|make it (?:possible|easier|harder|cheaper)|lead to|change|reshape|transform|open (?:up|the door)|accelerate|reduce|lower|boost|unlock|speed up|democratize|democratise)",
        r"|which (?:would|could|will|means|allows|enables|lets|makes)|(?:allowing|enabling|letting) (?:developers|users|researchers|companies|businesses|teams|people|anyone|customers)",
        r"|the first (?:time|company|model|country|of its kind)|(?:is|are|was) (?:significant|important|crucial|critical|key) (?:for|to|in)|(?:has|have) (?:major |broad |wide |important )?implications|(?:impact|effect) on)(?-u:\b)",
    ))
    .ok()
});

// ---------------------------------------------------------------------------------------
// Analysis: cleaned, scored sentences
// ---------------------------------------------------------------------------------------

/// One usable sentence with its features.
#[derive(Debug, Clone)]
struct Sentence {
    /// Cleaned text: whitespace collapsed, list marker and dateline removed.
    text: String,
    words: usize,
    /// Unit TF-IDF vector, sorted by term id.
    vector: Vec<(u32, f32)>,
    /// Ends without sentence punctuation: a heading, label or list item.
    heading: bool,
    question: bool,
    /// Ends with ":" (introduces a list) or was cut off ("[…]").
    incomplete: bool,
    /// Opens with a word that points back ("This", "It", "However").
    dangling: bool,
    /// First-person or conversational tone, 0–1.
    chatter: f32,
    /// Numbers, money, percentages, dates, versions and names, 0–3.
    facts: f32,
    has_url: bool,
    finding: bool,
    /// The general score (lead, centrality, title) before TL;DR-specific penalties.
    score: f32,
}

/// The TL;DR and the sentence it came from.
#[derive(Debug, Clone)]
struct TldrPick {
    index: usize,
    text: String,
}

struct Analysis {
    sentences: Vec<Sentence>,
    /// Indices of sentences that are not headings, in document order.
    candidates: Vec<usize>,
}

impl Analysis {
    fn new(title: &str, text: &str) -> Analysis {
        let text = prefix(text, MAX_INPUT_BYTES);
        let prepared = strip_markup(text);
        let mut sentences = Vec::new();
        for raw in super::sentences::split(&prepared) {
            if sentences.len() >= MAX_SENTENCES {
                break;
            }
            if let Some(sentence) = prepare_sentence(raw) {
                sentences.push(sentence);
            }
        }
        let mut analysis = Analysis {
            candidates: Vec::new(),
            sentences,
        };
        analysis.choose_candidates();
        analysis.score(title);
        analysis
    }

    /// Sentences that may appear in the outputs: full sentences, or, when the text has none
    /// (a list of headlines, an excerpt without punctuation), lines of a few words.
    fn choose_candidates(&mut self) {
        self.candidates = (0..self.sentences.len())
            .filter(|&i| !self.sentences[i].heading && self.sentences[i].words >= 3)
            .collect();
        if self.candidates.is_empty() {
            self.candidates = (0..self.sentences.len())
                .filter(|&i| self.sentences[i].words >= 4)
                .collect();
        }
    }

    fn clean_text(&self) -> String {
        let mut out = String::new();
        for sentence in &self.sentences {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&sentence.text);
        }
        out
    }

    /// Vectors, centrality, title overlap and the general score of every candidate.
    fn score(&mut self, title: &str) {
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut buf = String::new();
        let mut term_lists: Vec<Vec<u32>> = Vec::with_capacity(self.sentences.len());
        for sentence in &self.sentences {
            let mut terms = Vec::new();
            for_each_term(&sentence.text, &mut buf, |term| {
                let next = vocab.len() as u32;
                let id = match vocab.get(term) {
                    Some(&id) => id,
                    None => {
                        vocab.insert(term.to_string(), next);
                        next
                    }
                };
                terms.push(id);
            });
            term_lists.push(terms);
        }
        let mut title_terms = Vec::new();
        for_each_term(title, &mut buf, |term| {
            if let Some(&id) = vocab.get(term) {
                title_terms.push(id);
            }
        });
        title_terms.sort_unstable();
        title_terms.dedup();

        // Document frequency over candidates only: headings and captions are not the story.
        let mut df = vec![0u32; vocab.len()];
        for &i in &self.candidates {
            let mut seen = term_lists[i].clone();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                df[t as usize] += 1;
            }
        }
        let n = self.candidates.len().max(1) as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((n + 1.0) / (d as f32 + 0.5)).ln().max(0.1))
            .collect();

        for (sentence, terms) in self.sentences.iter_mut().zip(term_lists) {
            sentence.vector = unit_vector(terms, &idf);
        }

        let mut centroid = vec![0f32; vocab.len()];
        for &i in &self.candidates {
            for &(t, w) in &self.sentences[i].vector {
                centroid[t as usize] += w;
            }
        }
        let centroid_sq: f32 = centroid.iter().map(|w| w * w).sum();
        let title_mass: f32 = title_terms.iter().map(|&t| idf[t as usize]).sum();

        let mut centrality = vec![0f32; self.sentences.len()];
        let mut max_centrality = 0f32;
        for &i in &self.candidates {
            let v = &self.sentences[i].vector;
            if v.is_empty() {
                continue;
            }
            // Cosine with the centroid of the *other* sentences, so a sentence is not central
            // merely for being counted in its own centroid.
            let dot: f32 = v.iter().map(|&(t, w)| w * centroid[t as usize]).sum();
            let rest = (centroid_sq - 2.0 * dot + 1.0).max(0.0).sqrt();
            let c = if rest > 1e-6 {
                ((dot - 1.0) / rest).max(0.0)
            } else {
                0.0
            };
            centrality[i] = c;
            max_centrality = max_centrality.max(c);
        }

        for (rank, &i) in self.candidates.iter().enumerate() {
            let sentence = &self.sentences[i];
            let cent = if max_centrality > 0.0 {
                centrality[i] / max_centrality
            } else {
                0.0
            };
            let title_overlap = if title_mass > 0.0 {
                let shared: f32 = sentence
                    .vector
                    .iter()
                    .filter(|(t, _)| title_terms.binary_search(t).is_ok())
                    .map(|&(t, _)| idf[t as usize])
                    .sum();
                shared / title_mass
            } else {
                0.0
            };
            let position = 1.0 / (1.0 + 0.45 * rank as f32);
            let score = 1.2 * position + 0.8 * cent + 0.8 * title_overlap
                - length_penalty(sentence.words)
                - 0.9 * f32::from(u8::from(sentence.question))
                - 0.4 * sentence.chatter
                - 0.3 * f32::from(u8::from(sentence.incomplete))
                - 0.15 * f32::from(u8::from(sentence.has_url));
            self.sentences[i].score = score;
        }
    }

    /// The best one-sentence summary: the top candidate after TL;DR-specific penalties,
    /// compressed and cut to [`TLDR_MAX_WORDS`].
    fn pick_tldr(&self) -> Option<TldrPick> {
        let mut ranked: Vec<(f32, usize)> = self
            .candidates
            .iter()
            .map(|&i| {
                let s = &self.sentences[i];
                let mut score = s.score;
                if s.dangling {
                    score -= 0.35;
                }
                if s.finding {
                    score += 0.25;
                }
                if s.words < 6 {
                    score -= 0.5;
                }
                (score, i)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let best = ranked.first()?.1;
        for &(_, i) in ranked.iter().take(4) {
            let compressed = compress(&self.sentences[i].text, true);
            if let Some(text) = shorten(&compressed, TLDR_MAX_WORDS) {
                return Some(TldrPick { index: i, text });
            }
        }
        Some(TldrPick {
            index: best,
            text: hard_cut(&compress(&self.sentences[best].text, true), TLDR_MAX_WORDS),
        })
    }

    /// 2–4 sentences in document order, without the TL;DR's own sentence where the text has
    /// enough others, without near-repeats, and without a sentence that opens with "It" or
    /// "However" unless the one before it is also in.
    fn pick_summary(&self, tldr: usize) -> Vec<usize> {
        let usable: Vec<usize> = self
            .candidates
            .iter()
            .copied()
            .filter(|&i| !self.sentences[i].question)
            .collect();
        let pool: Vec<usize> = if usable.len() >= 3 {
            usable.iter().copied().filter(|&i| i != tldr).collect()
        } else if usable.is_empty() {
            self.candidates.clone()
        } else {
            usable
        };
        let want = match pool.len() {
            0 => return Vec::new(),
            1 => 1,
            2..=4 => 2,
            5..=15 => 3,
            _ => 4,
        };
        // Compared with the TL;DR only when it is not itself allowed back in.
        let against_tldr = if pool.contains(&tldr) { None } else { Some(tldr) };
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < want {
            let mut best: Option<(f32, usize)> = None;
            for &i in &pool {
                if chosen.contains(&i) {
                    continue;
                }
                let s = &self.sentences[i];
                let redundancy = chosen
                    .iter()
                    .chain(against_tldr.iter())
                    .map(|&j| cosine(&s.vector, &self.sentences[j].vector))
                    .fold(0.0, f32::max);
                if redundancy > 0.75 {
                    continue;
                }
                let mut value = s.score - 0.5 * redundancy;
                let previous_in = i > 0 && (chosen.contains(&(i - 1)) || i - 1 == tldr);
                if s.dangling && !previous_in {
                    value -= 0.4;
                }
                if s.words > 55 {
                    value -= 0.3;
                }
                if best.is_none_or(|(b, _)| value > b) {
                    best = Some((value, i));
                }
            }
            match best {
                Some((_, i)) => chosen.push(i),
                None => break,
            }
        }
        chosen.sort_unstable();
        chosen
    }

    /// 3–6 short facts in document order, preferring sentences with numbers, money,
    /// percentages, dates, versions and names.
    fn pick_bullets(&self, tldr: usize) -> Vec<String> {
        let usable: Vec<usize> = self
            .candidates
            .iter()
            .copied()
            .filter(|&i| {
                let s = &self.sentences[i];
                !s.question && !s.incomplete && s.words >= 4
            })
            .collect();
        let want = (3 + usable.len() / 8).min(6);
        let pool: Vec<usize> = if usable.len() > want {
            usable.iter().copied().filter(|&i| i != tldr).collect()
        } else {
            usable
        };
        // Compared with the TL;DR only when it is not itself allowed back in.
        let against_tldr = if pool.contains(&tldr) { None } else { Some(tldr) };
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < want {
            let mut best: Option<(f32, usize)> = None;
            for &i in &pool {
                if chosen.contains(&i) {
                    continue;
                }
                let s = &self.sentences[i];
                let redundancy = chosen
                    .iter()
                    .chain(against_tldr.iter())
                    .map(|&j| cosine(&s.vector, &self.sentences[j].vector))
                    .fold(0.0, f32::max);
                if redundancy > 0.7 {
                    continue;
                }
                let mut value = 0.6 * s.score + 0.45 * s.facts - 0.4 * redundancy - 0.3 * s.chatter;
                if s.dangling {
                    value -= 0.2;
                }
                if best.is_none_or(|(b, _)| value > b) {
                    best = Some((value, i));
                }
            }
            match best {
                Some((_, i)) => chosen.push(i),
                None => break,
            }
        }
        chosen.sort_unstable();
        chosen
            .into_iter()
            .map(|i| {
                let text = compress(&self.sentences[i].text, false);
                shorten(&text, BULLET_MAX_WORDS).unwrap_or_else(|| hard_cut(&text, BULLET_MAX_WORDS))
            })
            .collect()
    }

    /// A sentence of the text that says why the story matters, or `None`.
    fn pick_why(&self, tldr: usize) -> Option<String> {
        let strong = WHY_STRONG.as_ref()?;
        let medium = WHY_MEDIUM.as_ref()?;
        let mut best: Option<(f32, usize)> = None;
        for &i in &self.candidates {
            let s = &self.sentences[i];
            if i == tldr || s.question || s.incomplete || s.words < 6 || s.words > 70 {
                continue;
            }
            let cue = if strong.is_match(&s.text) {
                1.0
            } else if medium.is_match(&s.text) {
                0.5
            } else {
                continue;
            };
            let value = cue + 0.3 * s.score - 0.3 * s.chatter;
            if best.is_none_or(|(b, _)| value > b) {
                best = Some((value, i));
            }
        }
        let (_, i) = best?;
        let text = &self.sentences[i].text;
        Some(shorten(text, WHY_MAX_WORDS).unwrap_or_else(|| hard_cut(text, WHY_MAX_WORDS)))
    }
}

/// Turns one split piece into a [`Sentence`], or `None` when it is boilerplate.
fn prepare_sentence(raw: &str) -> Option<Sentence> {
    let marker_free = strip_list_marker(raw.trim());
    let mut text = collapse_whitespace(marker_free);
    let incomplete_marker = strip_truncation(&mut text);
    if text.is_empty() || is_boilerplate(&text) {
        return None;
    }
    if let Some(re) = DATELINE.as_ref()
        && let Some(m) = re.find(&text)
        && m.end() < text.len()
        && text[m.end()..].split_whitespace().count() >= 4
    {
        text = capitalize_first(&text[m.end()..]);
    }
    let last = text
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*', '_'])
        .chars()
        .next_back()
        .unwrap_or(' ');
    let words = text.split_whitespace().count();
    let heading = !matches!(last, '.' | '!' | '?' | '…' | '。' | '！' | '？' | ':' | ';') && words <= 14;
    let question = last == '?' || last == '？';
    let first_word = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
    let second_word = text.split_whitespace().nth(1).unwrap_or("");
    Some(Sentence {
        words,
        vector: Vec::new(),
        heading,
        question,
        incomplete: incomplete_marker || last == ':',
        dangling: is_dangling(first_word, second_word),
        chatter: chatter(&text, first_word),
        facts: facts(&text),
        has_url: text.contains("://") || text.contains("www."),
        finding: FINDING_CUE.as_ref().is_some_and(|re| re.is_match(&text)),
        score: 0.0,
        text,
    })
}

/// Removes a trailing "[…]" / "Read more" left by feed excerpts; true when the sentence
/// was cut off.
fn strip_truncation(text: &mut String) -> bool {
    let mut cut = false;
    loop {
        let trimmed = text.trim_end();
        let lower_tail: String = trimmed
            .chars()
            .rev()
            .take(20)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<String>()
            .to_lowercase();
        let mut strip = 0;
        for marker in [
            "[…]",
            "[...]",
            "(…)",
            "(...)",
            "read more »",
            "read more…",
            "read more...",
            "read more",
            "continue reading →",
            "continue reading",
            "→",
            "»",
        ] {
            if lower_tail.ends_with(marker) {
                strip = marker.len();
                break;
            }
        }
        if strip == 0 || strip > trimmed.len() {
            break;
        }
        let keep = trimmed.len() - strip;
        if !trimmed.is_char_boundary(keep) {
            break;
        }
        let new_len = trimmed[..keep].trim_end().len();
        text.truncate(new_len);
        cut = true;
    }
    if text.ends_with("...") && !text.ends_with("....") {
        // A sentence cut by the feed ends in three dots without a period before them.
        cut = true;
    }
    cut
}

fn is_dangling(first: &str, second: &str) -> bool {
    let time_word = matches!(
        second.trim_matches(|c: char| !c.is_alphanumeric()),
        "week"
            | "month"
            | "year"
            | "morning"
            | "afternoon"
            | "evening"
            | "summer"
            | "spring"
            | "fall"
            | "autumn"
            | "winter"
            | "quarter"
            | "time"
    );
    match first {
        "This" | "That" | "These" | "Those" => !time_word,
        "It" | "Its" | "It's" | "It’s" | "They" | "Their" | "Them" | "He" | "She" | "His" | "Her" | "But"
        | "However" | "And" | "Also" | "So" | "Still" | "Yet" | "Meanwhile" | "Instead" | "Moreover"
        | "Furthermore" | "Additionally" | "Plus" | "Then" | "Such" | "Both" | "Another" | "Otherwise"
        | "Nevertheless" | "Nonetheless" | "Thus" | "Therefore" | "Hence" | "Likewise" | "Similarly" | "Conversely"
        | "Besides" | "Which" | "That's" | "That’s" | "There's" | "Here's" | "Here’s" | "Or" | "Unlike" => true,
        _ => false,
    }
}

/// How conversational a sentence sounds: first person singular, direct address, filler
/// openers.
fn chatter(text: &str, first: &str) -> f32 {
    let mut score: f32 = 0.0;
    let lower_first = first.to_lowercase();
    if matches!(
        lower_first.as_str(),
        "let's"
            | "let’s"
            | "okay"
            | "ok"
            | "well"
            | "anyway"
            | "honestly"
            | "oh"
            | "yeah"
            | "yes"
            | "no"
            | "wow"
            | "lol"
            | "here's"
            | "here’s"
            | "hmm"
            | "sure"
            | "imagine"
            | "check"
            | "don't"
            | "don’t"
    ) {
        score += 0.7;
    }
    for word in text.split_whitespace().take(60) {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
        match w {
            "I" | "I'm" | "I’m" | "I've" | "I’ve" | "I'd" | "I’d" | "I'll" | "I’ll" | "me" | "my" | "My" | "mine"
            | "myself" => score += 0.35,
            "you" | "You" | "your" | "Your" | "you're" | "You're" | "you’re" | "You’re" => score += 0.15,
            _ => {}
        }
    }
    score.min(1.0)
}

/// Fact density: numbers, money, percentages, versions, dates and capitalised names.
fn facts(text: &str) -> f32 {
    let mut score: f32 = 0.0;
    if text.chars().any(|c| c.is_ascii_digit()) {
        score += 1.0;
    }
    if text.contains(['$', '€', '£', '¥']) || contains_word(text, &["million", "billion", "trillion", "bn", "m"]) {
        score += 0.5;
    }
    if text.contains('%') || contains_word(text, &["percent", "per cent"]) {
        score += 0.5;
    }
    let mut names = 0;
    for (k, word) in text.split_whitespace().enumerate() {
        if k == 0 {
            continue;
        }
        let w = word.trim_matches(|c: char| !c.is_alphanumeric());
        let mut chars = w.chars();
        if chars.next().is_some_and(char::is_uppercase) && w.len() > 1 && !is_stopword(&w.to_lowercase()) {
            names += 1;
        }
    }
    score += (names as f32 * 0.15).min(0.6);
    score.min(3.0)
}

fn contains_word(text: &str, words: &[&str]) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| words.iter().any(|x| w.eq_ignore_ascii_case(x)))
}

/// Calls `f` with each content term of `text`: lower-cased, plural-stemmed, no stop words.
/// `buf` is reused so that known terms cost no allocation.
fn for_each_term(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    let mut chars = text.chars().peekable();
    loop {
        buf.clear();
        while let Some(&c) = chars.peek() {
            if c.is_alphanumeric() {
                break;
            }
            chars.next();
        }
        while let Some(c) = chars.next() {
            if c.is_alphanumeric() {
                if c.is_ascii() {
                    buf.push(c.to_ascii_lowercase());
                } else {
                    buf.extend(c.to_lowercase());
                }
                continue;
            }
            // Keep "gpt-4.5", "don't" and "c++" whole.
            let joins = matches!(c, '-' | '.' | '\'' | '’') && chars.peek().is_some_and(|n| n.is_alphanumeric());
            if joins {
                buf.push(if c == '’' { '\'' } else { c });
            } else {
                break;
            }
        }
        if buf.is_empty() {
            return;
        }
        if buf.ends_with("'s") {
            buf.truncate(buf.len() - 2);
        }
        if buf.len() < 2 || is_stopword(buf) {
            continue;
        }
        light_stem(buf);
        f(buf);
    }
}

/// Strips English plural endings in place, which is what separates most repeated terms.
fn light_stem(word: &mut String) {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        word.truncate(n - 3);
        word.push('y');
    } else if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        word.truncate(n - 1);
    }
}

/// A unit TF-IDF vector from a list of term ids.
fn unit_vector(mut terms: Vec<u32>, idf: &[f32]) -> Vec<(u32, f32)> {
    terms.sort_unstable();
    let mut out: Vec<(u32, f32)> = Vec::with_capacity(terms.len());
    let mut k = 0;
    while k < terms.len() {
        let t = terms[k];
        let mut count = 0;
        while k < terms.len() && terms[k] == t {
            count += 1;
            k += 1;
        }
        let w = (1.0 + (count as f32).ln()) * idf.get(t as usize).copied().unwrap_or(1.0);
        out.push((t, w));
    }
    let norm = out.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut out {
            *w /= norm;
        }
    }
    out
}

/// Cosine of two unit vectors sorted by term id.
fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// Penalty for sentences too short to say anything or too long to read at a glance.
fn length_penalty(words: usize) -> f32 {
    match words {
        0..=4 => 1.0,
        5..=7 => 0.35,
        8..=9 => 0.1,
        10..=32 => 0.0,
        33..=45 => 0.05,
        46..=65 => 0.2,
        _ => 0.5,
    }
}

// ---------------------------------------------------------------------------------------
// Compression and shortening
// ---------------------------------------------------------------------------------------

static PARENTHETICAL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s*(?:\([^()]{0,160}\)|\[[^\[\]]{0,120}\])").ok());
static DASH_ASIDE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s+[—–]\s+[^—–]{1,120}?\s+[—–]\s+|(\w)—[^—]{1,120}?—(\w)").ok());
static SAID_TAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#",?\s+(?:(?:he|she|they|it|the company|the firm|the startup|the lab|the team|the spokesperson|a spokesperson|a spokeswoman|a spokesman)\s+(?:said|says|wrote|added|noted|explained|announced|confirmed)"#,
        r#"|(?:said|says|added|noted|wrote)\s+(?:he|she|they|the company|the firm))(?:\s+(?:on|in)\s+[^,.;]{1,40})?\s*([.!?]["'”’]?)$"#,
    ))
    .ok()
});

/// Drops what a short summary does without: bracketed asides, paired-dash asides, and for
/// the TL;DR also time/venue openers, scientific framing and "he said" tails.
fn compress(sentence: &str, aggressive: bool) -> String {
    let mut text = sentence.to_string();
    if let Some(re) = PARENTHETICAL.as_ref() {
        let replaced = re.replace_all(&text, "");
        if word_count(&replaced) >= 5 {
            text = replaced.into_owned();
        }
    }
    if let Some(re) = DASH_ASIDE.as_ref() {
        let replaced = re.replace_all(&text, |caps: &regex::Captures<'_>| match (caps.get(1), caps.get(2)) {
            (Some(a), Some(b)) => format!("{} {}", a.as_str(), b.as_str()),
            _ => " ".to_string(),
        });
        if word_count(&replaced) >= 6 {
            text = replaced.into_owned();
        }
    }
    if aggressive {
        for re in [LEADING_CLAUSE.as_ref(), FINDING_FRAME.as_ref()].into_iter().flatten() {
            if let Some(m) = re.find(&text)
                && word_count(&text[m.end()..]) >= 6
            {
                text = capitalize_first(&text[m.end()..]);
            }
        }
        if let Some(re) = HERE_WE.as_ref()
            && let Some(caps) = re.captures(&text)
            && let Some(we) = caps.get(1)
        {
            text = capitalize_first(&text[we.start()..]);
        }
        if let Some(re) = SAID_TAIL.as_ref()
            && let Some(caps) = re.captures(&text)
            && let Some(whole) = caps.get(0)
            && word_count(&text[..whole.start()]) >= 6
        {
            let end = caps.get(1).map_or(".", |m| m.as_str()).to_string();
            text = format!("{}{}", text[..whole.start()].trim_end_matches([',', ' ']), end);
        }
    }
    // Removing asides can leave " ," or " ." behind.
    let text = text.replace(" ,", ",").replace(" .", ".").replace(" ;", ";");
    collapse_whitespace(&text)
}

/// The sentence itself when it has at most `max` words, else its longest clean prefix that
/// ends at a clause boundary (";", " — ", ", which", ",") and keeps at least a third of the
/// limit; `None` when there is no such boundary.
fn shorten(sentence: &str, max: usize) -> Option<String> {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() <= max {
        return Some(sentence.to_string());
    }
    let min = (max / 3).max(6);
    let mut best: Option<(f32, usize)> = None;
    for k in min..=max.min(words.len() - 1) {
        // A cut after words[k - 1], before words[k].
        let before = words[k - 1];
        let next = words[k].to_lowercase();
        let next = next.trim_matches(|c: char| !c.is_alphanumeric());
        let priority: f32 = if before.ends_with(';') || matches!(words[k], "—" | "–" | "-") {
            3.0
        } else if before.ends_with(',')
            && matches!(
                next,
                "which"
                    | "who"
                    | "while"
                    | "whereas"
                    | "although"
                    | "though"
                    | "because"
                    | "but"
                    | "and"
                    | "as"
                    | "after"
                    | "including"
                    | "where"
                    | "when"
                    | "amid"
                    | "despite"
                    | "so"
                    | "with"
                    | "making"
                    | "bringing"
                    | "allowing"
                    | "giving"
                    | "adding"
                    | "according"
                    | "saying"
                    | "following"
            )
        {
            3.0
        } else if before.ends_with(',') || before.ends_with(':') {
            2.0
        } else if matches!(
            next,
            "which" | "while" | "whereas" | "although" | "because" | "including" | "amid" | "despite" | "after"
        ) {
            1.5
        } else if matches!(next, "and" | "but") {
            1.0
        } else {
            continue;
        };
        let prefix = words[..k].join(" ");
        if !balanced(&prefix) {
            continue;
        }
        let value = priority + k as f32 / max as f32;
        if best.is_none_or(|(b, _)| value > b) {
            best = Some((value, k));
        }
    }
    let (_, k) = best?;
    let mut prefix = words[..k].join(" ");
    let trimmed_len = prefix
        .trim_end_matches(|c: char| matches!(c, ',' | ';' | ':' | '—' | '–' | '-' | ' '))
        .len();
    prefix.truncate(trimmed_len);
    for conjunction in [" and", " but", " or"] {
        if prefix.ends_with(conjunction) {
            prefix.truncate(prefix.len() - conjunction.len());
        }
    }
    if !prefix.ends_with(['.', '!', '?', '…']) {
        prefix.push('.');
    }
    Some(prefix)
}

/// The first `max` words and an ellipsis: the last resort when no clause boundary fits.
fn hard_cut(sentence: &str, max: usize) -> String {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() <= max {
        return sentence.to_string();
    }
    let mut out = words[..max].join(" ");
    let trimmed_len = out.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
    out.truncate(trimmed_len);
    out.push('…');
    out
}

/// True when brackets and double quotes are closed.
fn balanced(text: &str) -> bool {
    let open = text.matches('(').count() == text.matches(')').count()
        && text.matches('[').count() == text.matches(']').count();
    let straight = text.matches('"').count() % 2 == 0;
    let curly = text.matches('“').count() == text.matches('”').count();
    open && straight && curly
}

// ---------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------

/// Reduces markup that survived extraction: HTML tags (scripts, styles and captions with
/// their content), common entities, Markdown images, links, emphasis, headings and quotes.
fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        match c {
            '<' => {
                if let Some(skip) = html_tag(rest, &mut out) {
                    i += skip;
                    continue;
                }
            }
            '&' => {
                if let Some((decoded, len)) = entity(rest) {
                    out.push(decoded);
                    i += len;
                    line_start = false;
                    continue;
                }
            }
            '!' if rest.starts_with("![") => {
                if let Some((_, len)) = markdown_link(&rest[1..]) {
                    i += 1 + len;
                    continue;
                }
            }
            '[' => {
                if let Some((label, len)) = markdown_link(rest) {
                    out.push_str(label);
                    i += len;
                    line_start = false;
                    continue;
                }
            }
            '*' | '_' if bytes.get(i + 1) == Some(&(c as u8)) => {
                i += 2;
                continue;
            }
            '`' => {
                i += 1;
                continue;
            }
            '#' | '>' if line_start => {
                let marker_len = rest.len() - rest.trim_start_matches(c).len();
                if rest[marker_len..].starts_with(' ') {
                    i += marker_len + 1;
                    continue;
                }
            }
            '\r' | '\u{200b}' | '\u{feff}' | '\u{ad}' => {
                i += c.len_utf8();
                continue;
            }
            '\u{a0}' => {
                out.push(' ');
                i += c.len_utf8();
                continue;
            }
            _ => {}
        }
        out.push(c);
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
        i += c.len_utf8();
    }
    out
}

/// Handles an HTML tag at the start of `rest`: writes a line break for block elements and
/// returns how many bytes to skip (the tag, or the whole element for scripts, styles and
/// captions). `None` when `rest` does not start with a tag ("a < b").
fn html_tag(rest: &str, out: &mut String) -> Option<usize> {
    let bytes = rest.as_bytes();
    let second = *bytes.get(1)?;
    if !(second.is_ascii_alphabetic() || second == b'/' || second == b'!') {
        return None;
    }
    let close = rest[..rest.len().min(600)].find('>')?;
    if rest.starts_with("<!--") {
        return Some(rest.find("-->").map_or(close + 1, |end| end + 3));
    }
    let closing = second == b'/';
    let name_start = if closing { 2 } else { 1 };
    let name_len = rest[name_start..]
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(0);
    let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
    if !closing
        && matches!(
            name.as_str(),
            "script" | "style" | "figcaption" | "noscript" | "template" | "svg"
        )
    {
        let end_tag = format!("</{name}");
        let lower = rest.to_ascii_lowercase();
        return Some(match lower.find(&end_tag) {
            Some(at) => rest[at..].find('>').map_or(rest.len(), |gt| at + gt + 1),
            None => close + 1,
        });
    }
    if matches!(
        name.as_str(),
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "blockquote"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "figure"
            | "hr"
            | "pre"
            | "dt"
            | "dd"
    ) {
        out.push('\n');
    }
    Some(close + 1)
}

/// Decodes an HTML entity at the start of `rest`: the character and the entity's length.
fn entity(rest: &str) -> Option<(char, usize)> {
    let end = rest[..rest.len().min(12)].find(';')?;
    let name = &rest[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// A Markdown link `[label](target)` at the start of `rest`: the label and the link's
/// length.
fn markdown_link(rest: &str) -> Option<(&str, usize)> {
    let close = rest[..rest.len().min(400)].find(']')?;
    let label = &rest[1..close];
    if label.contains(['\n', '[']) {
        return None;
    }
    let after = &rest[close + 1..];
    if !after.starts_with('(') {
        return None;
    }
    let end = after[..after.len().min(600)].find(')')?;
    if after[1..end].contains(char::is_whitespace) && !after[1..end].contains(" \"") {
        return None;
    }
    Some((label, close + 1 + end + 1))
}

/// Strips a leading bullet or number marker ("- ", "• ", "1. ", "2) ").
fn strip_list_marker(line: &str) -> &str {
    let line = line.trim_start();
    for marker in ["- ", "* ", "• ", "· ", "– ", "— ", "+ ", "▪ ", "► ", "→ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return rest.trim_start();
        }
    }
    line
}

fn is_bare_url(s: &str) -> bool {
    let mut words = s.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let url_like = |w: &str| w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www.");
    url_like(first) && words.all(|w| url_like(w) || w.chars().all(|c| !c.is_alphanumeric()))
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn capitalize_first(text: &str) -> String {
    let text = text.trim_start();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summarize(title: &str, text: &str) -> Summary {
        Extractive.summarize_document(Document { title, text })
    }

    fn sentence_count(text: &str) -> usize {
        super::super::sentences::split(text).len()
    }

    const NEWS: &str = "SAN FRANCISCO (Reuters) — OpenAI on Thursday released GPT-4.5, a larger language model \
        that the company says hallucinates less and follows instructions better than GPT-4o. \
        The model is available to ChatGPT Pro subscribers, who pay $200 a month, and to developers through the API. \
        Mr. Altman said in a post on X that GPT-4.5 is the company's last model without chain-of-thought reasoning. \
        It costs $75 per million input tokens, about 30 times the price of GPT-4o. \
        Dr. Jane Smith of Stanford University said the U.S. lab's pricing would limit adoption. \
        This matters because the high price signals that scaling up pre-training alone is running into diminishing returns. \
        OpenAI said it would bring the model to Plus users next week, after adding 10,000 GPUs to its clusters. \
        Subscribe to our newsletter for more AI news. \
        The post OpenAI releases GPT-4.5 appeared first on AI Weekly.";

    #[test]
    fn news_article() {
        let s = summarize("OpenAI releases GPT-4.5, its biggest model yet", NEWS);
        assert_eq!(s.summarizer, "extractive");
        // TL;DR: one sentence, at most 40 words, no dateline.
        assert!(word_count(&s.tldr) <= TLDR_MAX_WORDS, "{}", s.tldr);
        assert_eq!(sentence_count(&s.tldr), 1, "{}", s.tldr);
        assert!(!s.tldr.contains("Reuters"), "{}", s.tldr);
        assert!(s.tldr.contains("GPT-4.5"), "{}", s.tldr);
        // Summary: 2–4 sentences, not the TL;DR verbatim.
        let n = sentence_count(&s.summary);
        assert!((2..=4).contains(&n), "{n}: {}", s.summary);
        assert!(!s.summary.contains(&s.tldr), "{}", s.summary);
        // Bullets: 3–6, most with numbers.
        assert!((3..=6).contains(&s.bullets.len()), "{:?}", s.bullets);
        let with_numbers = s
            .bullets
            .iter()
            .filter(|b| b.chars().any(|c| c.is_ascii_digit()))
            .count();
        assert!(with_numbers * 2 >= s.bullets.len(), "{:?}", s.bullets);
        // Why it matters: the sentence that says so.
        assert_eq!(
            s.why_it_matters.as_deref(),
            Some(
                "This matters because the high price signals that scaling up pre-training alone is running into \
                 diminishing returns."
            )
        );
        // Boilerplate reaches no field.
        let all = format!(
            "{} {} {} {:?} {:?}",
            s.tldr,
            s.summary,
            s.bullets.join(" "),
            s.why_it_matters,
            s.tags
        );
        assert!(!all.contains("Subscribe") && !all.contains("appeared first"), "{all}");
        assert!((1..=6).contains(&s.tags.len()), "{:?}", s.tags);
    }

    #[test]
    fn no_why_it_matters_without_a_cue() {
        let text = "Google released Gemma 3 on Wednesday. The open model comes in four sizes, from 1B to 27B \
            parameters. It supports 140 languages and a context window of 128,000 tokens. The weights are on Hugging \
            Face and Kaggle. Google trained the models on TPUs.";
        let s = summarize("Google releases Gemma 3", text);
        assert_eq!(s.why_it_matters, None);
        assert!((3..=6).contains(&s.bullets.len()), "{:?}", s.bullets);
    }

    #[test]
    fn boilerplate_is_recognised() {
        for line in [
            "This article discusses the new features of Rust 1.80.",
            "In this post, we look at three ways to speed up inference.",
            "We use cookies to improve your experience on our site.",
            "By continuing to use this site you accept our cookie policy.",
            "Subscribe to our newsletter!",
            "Sign up for our free weekly newsletter to get the latest AI news.",
            "Share this article",
            "Follow us on Twitter and LinkedIn.",
            "Read more",
            "Continue reading →",
            "The post How we built it appeared first on Example Blog.",
            "Click here to download the report.",
            "© 2024 Example Media. All rights reserved.",
            "Copyright 2025 Acme Inc.",
            "Photo: Getty Images",
            "Image credit: Apple",
            "https://example.com/some/article",
            "This episode is sponsored by Acme Cloud.",
            "Related: How transformers work",
            "Hi everyone, welcome back to the newsletter.",
            "By Jane Doe",
        ] {
            assert!(is_boilerplate(line), "{line}");
        }
        for line in [
            "The company uses cookies from third parties to track ads, regulators said.",
            "Users can subscribe to ChatGPT Plus for $20 a month.",
            "By 2030, data centres could use 8% of US electricity.",
            "OpenAI released GPT-5 on Thursday.",
            "Netflix now has 300 million subscribers.",
        ] {
            assert!(!is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn all_boilerplate_and_empty_fall_back_to_the_title() {
        let s = summarize("A title", "");
        assert_eq!(s.tldr, "A title");
        assert!(s.bullets.is_empty() && s.why_it_matters.is_none());
        let s = summarize(
            "Weekly roundup",
            "Subscribe to our newsletter! Share this article. Read more\n© 2025 Example. All rights reserved.",
        );
        assert_eq!(s.tldr, "Weekly roundup");
        assert!(!s.summary.contains("Subscribe"));
    }

    #[test]
    fn one_sentence() {
        let s = summarize("T", "Anthropic raised $2 billion at a $60 billion valuation.");
        assert_eq!(s.tldr, "Anthropic raised $2 billion at a $60 billion valuation.");
        assert_eq!(s.summary, s.tldr);
        assert!(s.bullets.len() <= 1);
    }

    #[test]
    fn skips_bad_leads() {
        let text = "Hi everyone, welcome back!\nWhy does this matter?\nPhoto: Reuters\n\
            Meta released Llama 4, a family of open-weight models with a 10 million token context window. \
            The largest model has 2 trillion parameters. It will be available on AWS and Azure. \
            Meta said the models were trained on 40 trillion tokens.";
        let s = summarize("Meta releases Llama 4", text);
        assert!(s.tldr.starts_with("Meta released Llama 4"), "{}", s.tldr);
    }

    #[test]
    fn compresses_the_tldr() {
        let text = "In a blog post on Tuesday, Google said its Gemini 2.5 Pro model (the company's most capable to date) \
            now tops the LMArena leaderboard by a wide margin, the company said. Gemini 2.5 Pro is available in AI Studio. \
            Developers can try it today. Pricing will follow.";
        let s = summarize("Gemini 2.5 Pro tops leaderboard", text);
        assert_eq!(
            s.tldr,
            "Google said its Gemini 2.5 Pro model now tops the LMArena leaderboard by a wide margin."
        );
    }

    #[test]
    fn long_tldr_is_cut_at_a_clause() {
        let long = "The European Union's AI Act, which entered into force in August 2024 after years of negotiation \
            between member states, the European Parliament and the Commission, sets out obligations for providers of \
            general-purpose AI models, including transparency requirements, copyright policies and risk assessments for \
            the most capable systems, which regulators will enforce from 2025.";
        let text = format!(
            "{long} Fines can reach 7% of global turnover. Companies have until 2026 to comply. Critics say it is vague."
        );
        let s = summarize("EU AI Act", &text);
        assert!(word_count(&s.tldr) <= TLDR_MAX_WORDS, "{}", s.tldr);
        assert!(s.tldr.ends_with('.'), "{}", s.tldr);
        assert!(
            long.starts_with(s.tldr.trim_end_matches('.')) || !s.tldr.starts_with("The European"),
            "{}",
            s.tldr
        );
    }

    #[test]
    fn markup_is_reduced() {
        let text = "<p>Apple&rsquo;s new <b>M4</b> chip is 50% faster.</p><figure><figcaption>Photo by Apple</figcaption></figure>\
            <p>See [the announcement](https://apple.com/news) for details. The chip ships in May.</p>\
            <script>var x = 1;</script><p>Prices start at $599 for the base model.</p>";
        let s = summarize("Apple M4", text);
        let all = format!("{} {} {:?}", s.tldr, s.summary, s.bullets);
        assert!(
            !all.contains('<') && !all.contains("](") && !all.contains("var x"),
            "{all}"
        );
        assert!(s.tldr.contains("Apple’s new M4 chip"), "{}", s.tldr);
    }

    #[test]
    fn huge_and_odd_texts_do_not_panic() {
        let huge = "The model was trained on 1,000 GPUs for a month. ".repeat(20_000);
        let s = summarize("Huge", &huge);
        assert!(word_count(&s.tldr) <= TLDR_MAX_WORDS);
        for text in [
            "Компания выпустила новую модель. Модель стала быстрее на 20%. Цена не изменилась. Она доступна всем.",
            "今天发布了新模型。模型很好。价格不变。",
            "?!?!... ... ---",
            "word",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t u v w x y z",
        ] {
            let s = summarize("", text);
            assert!(word_count(&s.tldr) <= TLDR_MAX_WORDS, "{}", s.tldr);
        }
    }

    #[test]
    fn patterns_compile() {
        for re in [
            &BOILERPLATE,
            &SHORT_BOILERPLATE,
            &DATELINE,
            &LEADING_CLAUSE,
            &FINDING_FRAME,
            &HERE_WE,
            &FINDING_CUE,
            &WHY_STRONG,
            &WHY_MEDIUM,
            &PARENTHETICAL,
            &DASH_ASIDE,
            &SAID_TAIL,
        ] {
            assert!(re.is_some());
        }
    }

    #[test]
    fn shorten_cuts_at_clause_boundaries() {
        let s = "The startup raised $50 million in a Series B round led by Sequoia, which it will use to hire engineers \
            and expand into Europe and Asia over the next two years.";
        assert_eq!(
            shorten(s, 15).as_deref(),
            Some("The startup raised $50 million in a Series B round led by Sequoia.")
        );
        assert_eq!(shorten("Short one.", 15).as_deref(), Some("Short one."));
        assert_eq!(hard_cut("one two three four", 2), "one two…");
    }

    /// Tuning aid, not a check: ROUGE of the TL;DR against LEAD-1 on the evaluation set and
    /// the time per article. `cargo test --release --lib summarize::tests::eval_report --
    /// --ignored --nocapture`; set `NEWSDESK_DUMP=path` to write every pair out.
    #[test]
    #[ignore = "tuning aid: prints figures"]
    fn eval_report() {
        use crate::eval::{Rouge, dataset};
        let Ok(pairs) = dataset::load(&dataset::default_corpus_dir()) else {
            eprintln!("no corpus");
            return;
        };
        let rouge = Rouge::default();
        let mut by_source: Vec<(&str, usize, [f64; 6])> = Vec::new();
        let mut dump = String::new();
        let mut words = 0;
        // Warm the lazily compiled patterns so the timing is per article.
        let _ = summarize("warm up", "Warm up the patterns. This is a test. Subscribe now.");
        let start = std::time::Instant::now();
        let summaries: Vec<Summary> = pairs.iter().map(|p| summarize(&p.title, &p.text)).collect();
        let elapsed = start.elapsed();
        let t = std::time::Instant::now();
        for p in &pairs {
            let _ = Analysis::new(&p.title, &p.text).pick_tldr();
        }
        println!("analysis + tldr: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64);
        let t = std::time::Instant::now();
        for p in &pairs {
            let _ = super::super::keywords::keywords(&p.title, &p.text, MAX_TAGS);
        }
        println!("keywords: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64);
        let t = std::time::Instant::now();
        for p in &pairs {
            let _ = super::super::glossary::decode(&p.text, MAX_DECODER);
        }
        println!("glossary: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64);
        let t = std::time::Instant::now();
        for p in &pairs {
            let _ = super::super::sentences::split(&p.text);
        }
        println!("split: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64);
        let all: Vec<String> = pairs
            .iter()
            .flat_map(|p| super::super::sentences::split(&p.text).into_iter().map(collapse_whitespace))
            .collect();
        for (name, re) in [
            ("boilerplate", &BOILERPLATE),
            ("short", &SHORT_BOILERPLATE),
            ("dateline", &DATELINE),
            ("leading", &LEADING_CLAUSE),
            ("finding frame", &FINDING_FRAME),
            ("here we", &HERE_WE),
            ("finding cue", &FINDING_CUE),
            ("why strong", &WHY_STRONG),
            ("why medium", &WHY_MEDIUM),
            ("paren", &PARENTHETICAL),
            ("dash", &DASH_ASIDE),
            ("said", &SAID_TAIL),
        ] {
            let t = std::time::Instant::now();
            let mut hits = 0;
            if let Some(re) = re.as_ref() {
                for s in &all {
                    hits += usize::from(re.is_match(s));
                }
            }
            println!("{name}: {:.1} µs per article ({hits} hits)", t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64);
        }
        let t = std::time::Instant::now();
        for s in &all {
            let _ = prepare_sentence(s);
        }
        println!("prepare: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64);
        let t = std::time::Instant::now();
        for p in &pairs {
            let _ = strip_markup(&p.text);
        }
        println!("strip_markup: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64);
        for (pair, s) in pairs.iter().zip(&summaries) {
            words += word_count(&pair.text);
            let lead = crate::eval::lead1(&pair.text);
            let a = rouge.score(&pair.reference, &lead);
            let b = rouge.score(&pair.reference, &s.tldr);
            let row = [
                a.rouge1.f1,
                a.rouge2.f1,
                a.rouge_l.f1,
                b.rouge1.f1,
                b.rouge2.f1,
                b.rouge_l.f1,
            ];
            for source in [pair.source, "ALL"] {
                match by_source.iter_mut().find(|(name, _, _)| *name == source) {
                    Some((_, n, sums)) => {
                        *n += 1;
                        for (x, y) in sums.iter_mut().zip(row) {
                            *x += y;
                        }
                    }
                    None => by_source.push((source, 1, row)),
                }
            }
            dump.push_str(&format!(
                "== {} {}\nREF:  {}\nLEAD: {}\nTLDR: {}\nR1 lead {:.3} tldr {:.3}\nSUM:  {}\nBUL:  {:?}\nWHY:  {:?}\nTAGS: {:?}\n\n",
                pair.source, pair.id, pair.reference, lead, s.tldr, a.rouge1.f1, b.rouge1.f1, s.summary, s.bullets,
                s.why_it_matters, s.tags
            ));
        }
        println!("source           n   lead R1  R2     RL   | tldr R1  R2     RL");
        for (source, n, sums) in &by_source {
            let m: Vec<f64> = sums.iter().map(|x| x / *n as f64).collect();
            println!(
                "{source:<15} {n:>3}   {:.3}  {:.3}  {:.3} | {:.3}  {:.3}  {:.3}",
                m[0], m[1], m[2], m[3], m[4], m[5]
            );
        }
        println!(
            "{} articles, {} words on average, {:.1} µs per article",
            pairs.len(),
            words / pairs.len().max(1),
            elapsed.as_secs_f64() * 1e6 / pairs.len().max(1) as f64
        );
        if let Some(path) = std::env::var_os("NEWSDESK_DUMP") {
            let _ = std::fs::write(path, dump);
        }
    }

    /// Profiling aid: summarises the evaluation set 20 times (`perf record` this test).
    #[test]
    #[ignore = "profiling aid"]
    fn profile_loop() {
        use crate::eval::dataset;
        let Ok(pairs) = dataset::load(&dataset::default_corpus_dir()) else {
            return;
        };
        let only = std::env::var("NEWSDESK_PROFILE").unwrap_or_default();
        let mut pairs = pairs;
        if let Some(p) = pairs.iter().find(|p| (900..1100).contains(&word_count(&p.text))) {
            println!("{} words, {} bytes", word_count(&p.text), p.text.len());
            let t = std::time::Instant::now();
            for _ in 0..200 {
                drop(super::super::sentences::split(&p.text));
            }
            println!("split {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / 200.0);
            let t = std::time::Instant::now();
            for _ in 0..200 {
                drop(super::super::keywords::keywords(&p.title, &p.text, 6));
            }
            println!("keywords {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / 200.0);
            let t = std::time::Instant::now();
            for _ in 0..200 {
                drop(strip_markup(&p.text));
            }
            println!("strip_markup {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / 200.0);
        }
        if let Ok(range) = std::env::var("NEWSDESK_WORDS") {
            // "800-1200": only articles of that many words.
            let (lo, hi) = range.split_once('-').unwrap_or(("0", "1000000"));
            let (lo, hi): (usize, usize) = (lo.parse().unwrap_or(0), hi.parse().unwrap_or(usize::MAX));
            pairs.retain(|p| (lo..=hi).contains(&word_count(&p.text)));
            println!("{} articles", pairs.len());
        }
        let start = std::time::Instant::now();
        for _ in 0..20 {
            for p in &pairs {
                match only.as_str() {
                    "keywords" => drop(super::super::keywords::keywords(&p.title, &p.text, MAX_TAGS)),
                    "analysis" => drop(Analysis::new(&p.title, &p.text).pick_tldr()),
                    _ => drop(summarize(&p.title, &p.text)),
                }
            }
        }
        println!("{:.1} µs per article", start.elapsed().as_secs_f64() * 1e6 / (20 * pairs.len()) as f64);
    }
}
