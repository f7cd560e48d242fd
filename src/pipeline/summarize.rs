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
//! Work is capped (the first [`MAX_INPUT_BYTES`] bytes, [`MAX_SENTENCES`] sentences), the
//! patterns are compiled once, and the hot paths scan bytes, so a 1,000-word article takes
//! under a millisecond, tags and decoder included. The scoring weights (`TUNING`) were set against
//! the evaluation set of `crate::eval` (see the ignored `tune_grid` test).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use futures::future::BoxFuture;
use regex::Regex;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::glossary::DecoderEntry;
use crate::text::collapse_whitespace;
use crate::text::words::{is_stopword, plural_stem};

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
/// The decoder reads at most this much of the cleaned text.
const MAX_DECODER_BYTES: usize = 12_000;
/// Tags and decoder entries per summary.
const MAX_TAGS: usize = 6;
const MAX_DECODER: usize = 6;

impl Extractive {
    /// Summarises one article synchronously (the [`Summarizer`] impl wraps this). Never
    /// fails: a text with no usable sentence (empty, all boilerplate) gets its title as
    /// TL;DR and summary, with no bullets.
    pub fn summarize_document(&self, doc: Document<'_>) -> Summary {
        let analysis = Analysis::new(doc.title, doc.text);
        let clean_sentences: Vec<&str> = analysis.sentences.iter().map(|s| s.text.as_str()).collect();
        let tags = super::keywords::keywords_of_sentences(doc.title, &clean_sentences, MAX_TAGS);
        // The decoder lists terms in order of first appearance, so the opening settles it;
        // the cap keeps long reads from paying for a scan of their whole text.
        let clean_text = clean_sentences.join("\n");
        let decoder = super::glossary::decode(prefix(&clean_text, MAX_DECODER_BYTES), MAX_DECODER);

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
    is_clean_boilerplate(&s, word_count(&s))
}

/// [`is_boilerplate`] for a sentence already trimmed, unmarked and collapsed.
fn is_clean_boilerplate(s: &str, words: usize) -> bool {
    is_lower_boilerplate(s, &s.to_ascii_lowercase(), words)
}

/// [`is_clean_boilerplate`] given the sentence lower-cased as well. ASCII lower-casing keeps
/// UTF-8 intact and lets the patterns be case-sensitive, which is what makes their literal
/// prefilters work.
fn is_lower_boilerplate(s: &str, lower: &str, words: usize) -> bool {
    if s.is_empty() || is_bare_url(s) {
        return true;
    }
    if BOILERPLATE_START.as_ref().is_some_and(|re| re.is_match(lower)) {
        return true;
    }
    // The keyword scan is a single pass; the pattern only runs on the few sentences that
    // mention a keyword.
    let mentions_furniture = FURNITURE_WORDS.as_ref().is_some_and(|ac| ac.is_match(lower));
    if mentions_furniture && BOILERPLATE_ANY.as_ref().is_some_and(|re| re.is_match(lower)) {
        return true;
    }
    words <= 12 && SHORT_BOILERPLATE.as_ref().is_some_and(|re| re.is_match(s))
}

/// The text with markup reduced and boilerplate sentences removed, one sentence a line:
/// what the summary fields are drawn from.
pub fn clean(text: &str) -> String {
    Analysis::new("", text).clean_text()
}

// ---------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------

/// Sentences that are site furniture whatever their length, by how they open. Matched
/// against the lower-cased sentence; anchored, so a search stops within a few bytes.
static BOILERPLATE_START: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:",
        // "This article discusses…", "In this post, we…"
        r"(?:this|the following|today's|in this|in today's|in the following|with this)\s+(?:article|post|blog post|blog|piece|story|episode|video|newsletter|issue|edition|tutorial|guide|write-?up|installment|series)(?-u:\b)",
        r"|(?:this|the following) (?:article|post|piece|story|essay|write-?up) (?:is|was|will|discusses|covers|explores|looks|examines|describes|explains|walks|shows|dives|delves|outlines|highlights|reviews|summari[sz]es|provides|presents|details|introduces|focuses)",
        // newsletters, sharing, following
        r"|(?:please |be sure to |don't forget to )?(?:subscribe|sign up|signup|join (?:our|the) (?:newsletter|mailing list|list|community|discord))(?-u:\b)",
        r"|share (?:this|on|via|the)(?-u:\b)|(?:follow|find|join|like) (?:us|me) on(?-u:\b)",
        r"|(?:tweet|email|print|facebook|linkedin|reddit|whatsapp|pinterest|copy link)(?: this)?$",
        // read more, cross-posts
        r"|(?:read|continue reading|keep reading|read the (?:full|rest|whole|original)|read more|read on|more here|full story|learn more)(?-u:\b)[^.!?]{0,60}(?:[.:…»›→]|$)",
        r"|[\[(]?(?:cross-?post(?:ed|ing)?|re-?post(?:ed|ing)?|this (?:post|article) (?:was|is) (?:cross-?posted|reposted))(?-u:\b)",
        r"|copyright(?-u:\b)",
        // captions and credits
        r"|(?:photo|photos|image|images|picture|illustration|graphic|screenshot|video|credit|photograph|source|header image|featured image|cover image|top image|lead image|hero image)s?(?: credit| courtesy| by| via| source)?\s*[:|]",
        r"|(?:photo|image|screenshot|illustration|picture)s? (?:by|courtesy of|via|credit|from)(?-u:\b)",
        r"|\((?:photo|image|credit|picture|illustration)[^)]*\)$",
        r"|(?:images?|photos?|photographs?|videos?|illustrations?|graphics?|screenshots?|artwork) (?:provided|courtesy|supplied|taken|used|shown|shared|created|made) (?:by|of|with)(?-u:\b)",
        // ads and related lists
        r"|(?:sponsored|promoted|advertisement|partner content|paid content|ad)(?-u:\b)\s*[:|—–-]?",
        r"|(?:related|related (?:articles?|stories|posts?|reading|coverage|content|links?)|see also|more from|more on this|also read|also on|recommended|recommended reading|you may also like|you might also like|further reading|previously|elsewhere|more coverage|read next|up next)(?-u:\b)\s*[:|—–-]",
        // meta lines
        r"|(?:filed under|tags?|categories|category|topics?|posted in|labels?)\s*:|(?:estimated )?reading time(?-u:\b)|listen to (?:this|the) (?:article|story|episode)(?-u:\b)",
        r"|(?:skip to|jump to) (?:main )?content(?-u:\b)|(?:advertisement|loading|sponsored)\W*$|(?:editing|writing|reporting|additional reporting) by(?-u:\b)",
        r"|(?:leave a (?:comment|reply)|comments?|\d+ comments?|discuss (?:this )?on)(?-u:\b)",
        r"|(?:thanks|thank you) (?:for|to (?:all )?(?:our|my)) (?:reading|listening|watching|subscribing|tuning in|supporting|subscribers|readers|listeners)",
        r"|if you (?:enjoyed|liked|like|enjoy) (?:this|the|reading|my|our)(?-u:\b)",
        // greetings
        r"|(?:hi|hey|hello|greetings|howdy)(?: there| all| everyone| everybody| folks| friends| guys| team| y'all)?(?-u:\b)\s*[,!.—–-]",
        r"|(?:hi|hey|hello)\s+(?:everyone|everybody|folks|friends|all|there)(?-u:\b)|welcome (?:back|to (?:the|this|another|our|my|episode|issue|edition|part|week))(?-u:\b)",
        r"|happy (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|new year|holidays)(?-u:\b)|good (?:morning|afternoon|evening)(?-u:\b)",
        r")",
    ))
    .ok()
});

/// One word of every branch of [`BOILERPLATE_ANY`]: a sentence with none of them cannot
/// match it.
static FURNITURE_WORDS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::new([
        "cookie",
        "site",
        "privacy policy",
        "subscri",
        "sign up",
        "signup",
        "register",
        "opt in",
        "newsletter",
        "inbox",
        "member",
        "patron",
        "patreon",
        "supporter",
        "support us",
        "support this",
        "follow us",
        "follow me",
        "continue reading",
        "read more",
        "appeared",
        "click here",
        "tap here",
        "originally",
        "rights reserved",
        "©",
        "(c) ",
        "sponsor",
        "brought to you",
        "presented by",
        "supported by",
        "powered by",
        "made possible by",
        "underwritten by",
        " code",
        "affiliate",
        "commission",
        " read",
        "editing by",
        "please ",
    ])
    .ok()
});

/// Site furniture anywhere in a sentence. Matched against the lower-cased sentence, and
/// only when [`FURNITURE_WORDS`] finds one of its words.
static BOILERPLATE_ANY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        // cookies and consent
        r"(?-u:\b)(?:we|this (?:site|website)|our (?:site|website)) uses? cookies(?-u:\b)|(?-u:\b)accept (?:all )?cookies(?-u:\b)|(?-u:\b)cookie (?:policy|settings|preferences|consent|banner|notice)(?-u:\b)",
        r"|(?-u:\b)by (?:continuing to )?(?:use|using|browse|browsing) (?:this|our) (?:site|website)(?-u:\b)|(?-u:\b)privacy policy(?-u:\b).*(?-u:\b)(?:terms|agree|accept)(?-u:\b)",
        // newsletters and subscriptions
        r"|(?-u:\b)(?:subscribe|sign up|signup|register|opt in)(?-u:\b).*(?-u:\b)(?:newsletter|mailing list|our list|our channel|my channel|the channel|podcast|inbox|updates|rss feed|youtube|apple podcasts|spotify)(?-u:\b)",
        r"|(?-u:\b)newsletter(?-u:\b).*(?-u:\b)(?:subscribe|sign up|inbox|delivered|free)(?-u:\b)|(?-u:\b)delivered (?:straight |directly |right )?to your inbox(?-u:\b)",
        r"|(?-u:\b)subscribe (?:now|today|here|for free)(?-u:\b)|(?-u:\b)(?:become|becoming) a (?:paid )?(?:subscriber|member|patron|supporter)(?-u:\b)|(?-u:\b)support (?:us|this (?:blog|site|newsletter|work)) on(?-u:\b)|(?-u:\b)patreon(?-u:\b)",
        r"|(?-u:\b)follow (?:us|me) on (?:twitter|x|facebook|linkedin|instagram|mastodon|bluesky|threads|youtube|tiktok)(?-u:\b)",
        // read more, click here, post footers
        r"|(?-u:\b)continue reading(?-u:\b)|(?-u:\b)read more(?-u:\b)\s*(?:[»›→…]|\.\.\.|$)|(?-u:\b)appeared first on(?-u:\b)|(?-u:\b)click here(?-u:\b)|(?-u:\b)tap here(?-u:\b)",
        r"|(?-u:\b)originally (?:published|appeared|posted) (?:on|in|at|by)(?-u:\b)|(?-u:\b)the post .+ appeared(?-u:\b)",
        // copyright
        r"|(?-u:\b)all rights reserved(?-u:\b)|©|\(c\) (?:19|20)\d\d(?-u:\b)",
        // sponsors and ads
        r"|(?-u:\b)(?:this|today's|the) (?:episode|video|newsletter|post|issue|show|edition|podcast|segment|article) (?:is|was) (?:sponsored|brought to you|presented|supported|powered|made possible|underwritten) by(?-u:\b)",
        r"|(?-u:\b)sponsored by(?-u:\b)|(?-u:\b)brought to you by(?-u:\b)|(?-u:\b)thanks to (?:our|today's) sponsors?(?-u:\b)",
        r"|(?-u:\b)(?:promo|discount|coupon) code(?-u:\b)|(?-u:\b)affiliate links?(?-u:\b)|(?-u:\b)we may earn (?:a )?(?:small )?commission(?-u:\b)",
        // meta lines
        r"|(?-u:\b)\d+\s*min(?:ute)?s? read(?-u:\b)|(?-u:\b)reporting by(?-u:\b).*(?-u:\b)editing by(?-u:\b)|(?-u:\b)please (?:share|like|subscribe|rate|review)(?-u:\b)",
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
        r"(?:\p{Lu}{2}[\p{Lu}.'’ -]+?(?:,\s*\p{Lu}[\p{L}.]*(?:\s+[\p{L}0-9.]+){0,3})?\s*(?:\([\p{L} .&]+\)\s*)?)",
        r"|(?:\([\p{L} .&]+\)\s*)",
        r")[—–-]{1,2}\s+",
    ))
    .ok()
});

static ARTEFACT_NN: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"([.!?:])nn(\p{Lu})").ok());
static ARTEFACT_MARKER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[OC]_(?:LI|FIG|TABLE|TBL|FLOAT|NO)").ok());

/// Openers a one-line summary does without: "In a blog post on Tuesday,", "Today,",
/// "Earlier this week,". Must be followed by ", " and then the main clause.
static LEADING_CLAUSE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:",
        r"(?:today|yesterday|tonight|this morning|this afternoon|this evening|this week|last week|earlier (?:today|this week|this month|this year)|recently|now|finally|meanwhile|separately|however|additionally|also|in addition|as expected|as reported)",
        r"|(?:on|late on|early on|last|this|next) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?: (?:morning|afternoon|evening|night))?",
        r"|(?:on|in) (?:jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?: \d{1,2}(?:st|nd|rd|th)?)?(?:,? \d{4})?",
        r"|in (?:a|an|its|his|her|their|the|today's|this) (?:new |recent |latest |short |brief |detailed |lengthy |joint |official )?(?:blog post|post|blog|statement|announcement|press release|interview|tweet|thread|paper|report|video|note|email|memo|filing|letter|keynote|livestream|presentation|update|op-ed|essay|newsletter|podcast|study|changelog)(?: [^,]*)?",
        r"|(?:at|during) (?:a|an|the|its|their|his|her) [^,]*(?:event|conference|keynote|summit|briefing|hearing|livestream|meeting)(?: [^,]*)?",
        r"|speaking (?:at|to|on|with) [^,]+",
        r")\s*,\s+",
    ))
    .ok()
});

/// A short opening phrase set off by a comma; stripped only when [`TIME_WORD`] finds that
/// it dates the news.
static GENERAL_OPENER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:in|on|at|during|earlier|back in|since|as of|over the|after|following|until|late|early)(?:\s+[^\s,;:]+){1,6},\s+",
    )
    .ok()
});

static TIME_WORD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)(?:(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?(?-u:\b)|january|february|march|april|may|june|july|august|september|october|november|december",
        r"|(?:19|20)\d\d|week|month|year|today|yesterday|tonight|morning|afternoon|evening|night|ago|recently|quarter|summer|spring|fall|autumn|winter|weekend",
        r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|conference|keynote|summit|event|announcement|blog post|statement|interview)",
        r"|['’]\d\d(?-u:\b)",
    ))
    .ok()
});

static BARE_TIME_OPENER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:(?:last|this|earlier this|late last|next) (?:week|month|year|weekend|quarter|morning|summer|spring|fall|autumn|winter)|today|yesterday)\s+(\p{Lu})",
    )
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
    Regex::new(
        r"(?i)^(?:here|herein|in this (?:study|work|paper|report)|in the present (?:study|work))\s*,?\s+(we)(?-u:\b)",
    )
    .ok()
});

/// Sentences that state a result: a boost for TL;DR candidates.
static FINDING_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(?:here,? we|we (?:show|demonstrate|find|found|report|reveal|identify|present|propose|introduce|describe|develop|developed)|our (?:results|findings) (?:show|suggest|indicate|reveal|demonstrate)",
        r"|(?:study|research|paper|researchers|scientists|authors|team|report|survey|analysis) (?:found|finds|shows|showed|suggests|reveals|revealed|concludes|concluded)",
        r"|(?:announced|announces|launched|launches|released|releases|unveiled|unveils|introduced|introduces|acquired|acquires|raised|raises|is launching|is releasing|today announced|is now available|are now available|now supports|is rolling out|rolls out|rolled out))(?-u:\b)",
    ))
    .ok()
});

/// "Why it matters" cues, strongest first. A sentence must use one to be chosen; nothing is
/// ever written in their place.
static WHY_STRONG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(?:(?:this|that|it) matters (?:because|since|as)|why (?:this|it|that) matters|matters because",
        r"|the (?:significance|importance|implications?) (?:of (?:this|the (?:move|deal|decision|launch|release|change|ruling|result|announcement|finding|study|work))|for)|(?:is|are|was|were) (?:significant|important|crucial|critical|notable|key) because",
        r"|important because|(?:major|broad|wide|important|serious|big|significant) implications|what this means (?:for|is)|the (?:move|deal|decision|launch|release|change|ruling|result|announcement|investment|acquisition) (?:signals|marks|suggests|underscores|highlights|reflects|could|would|means)",
        r"|(?:signals|marks) a (?:shift|turning point|new era|major|significant|broader|change)|paves? the way|(?:a|the) (?:major|significant|big|key|crucial|important) (?:step|milestone|shift)|game[- ]changer|for the first time)(?-u:\b)",
    ))
    .ok()
});

static WHY_MEDIUM: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(?:(?:this|which) means|(?:could|would|will) (?:allow|enable|let|help|make it (?:possible|easier|harder|cheaper)|lead to|change|reshape|transform|open (?:up|the door)|accelerate|reduce|lower|boost|unlock|speed up|democratize|democratise)",
        r"|which (?:would|could|will|means|allows|enables|lets|makes)|(?:allowing|enabling|letting) (?:developers|users|researchers|companies|businesses|teams|people|anyone|customers)",
        r"|the first (?:company|model|country|lab|startup|time that) to|the first of its kind|(?:is|are|was) (?:significant|important|crucial|critical|key) (?:for|to|in)|(?:has|have) implications|implications (?:for|of))(?-u:\b)",
    ))
    .ok()
});

// ---------------------------------------------------------------------------------------
// Analysis: cleaned, scored sentences
// ---------------------------------------------------------------------------------------

/// The weights of sentence scoring, in one place so the evaluation can vary them.
#[derive(Debug, Clone, Copy)]
struct Tuning {
    /// Weight of the lead bias and how fast it decays with position.
    lead: f32,
    lead_decay: f32,
    /// Weight of centrality (cosine with the rest of the document), normalised to 0–1.
    centrality: f32,
    /// Weight of the share of the title's terms a sentence contains.
    title: f32,
    /// TL;DR bonus for sentences that state a result or an announcement.
    finding: f32,
    /// TL;DR penalty for sentences that open with a back-reference.
    dangling: f32,
    /// TL;DR penalty for sentences that end with a colon (they introduce, not state).
    colon: f32,
    /// TL;DR penalty for an editor's note.
    meta: f32,
    /// A TL;DR longer than this is cut at a clause boundary if it has one.
    tldr_target_words: usize,
}

const TUNING: Tuning = Tuning {
    lead: 1.2,
    lead_decay: 0.2,
    centrality: 0.8,
    title: 0.4,
    finding: 0.75,
    dangling: 0.35,
    colon: 0.8,
    meta: 0.4,
    tldr_target_words: TLDR_MAX_WORDS,
};

/// One usable sentence with its features.
#[derive(Debug, Clone)]
struct Sentence {
    /// Cleaned text: whitespace collapsed, list marker and dateline removed.
    text: String,
    /// `text` in ASCII lower case, for the cue patterns.
    lower: String,
    words: usize,
    /// Unit TF-IDF vector, sorted by term id.
    vector: Vec<(u32, f32)>,
    /// Short and without sentence punctuation: a heading, label or list item.
    heading: bool,
    /// Ends without sentence punctuation.
    unterminated: bool,
    /// Opens or closes a quotation or bracket it does not contain both ends of, or opens with
    /// a bracket: a fragment that reads badly on its own.
    fragment: bool,
    /// Normalised centrality, 0–1.
    centrality: f32,
    question: bool,
    /// Ends with ":" (introduces a list) or was cut off ("[…]").
    incomplete: bool,
    ends_colon: bool,
    /// An editor's note about the piece rather than the story.
    meta: bool,
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
    tuning: Tuning,
    sentences: Vec<Sentence>,
    /// Indices of sentences that are not headings, in document order.
    candidates: Vec<usize>,
}

impl Analysis {
    fn new(title: &str, text: &str) -> Analysis {
        Analysis::with_tuning(title, text, TUNING)
    }

    fn with_tuning(title: &str, text: &str, tuning: Tuning) -> Analysis {
        let text = repair_artefacts(prefix(text, MAX_INPUT_BYTES));
        let prepared = strip_markup(&text);
        let mut sentences = Vec::new();
        for raw in crate::text::sentences::split(&prepared) {
            if sentences.len() >= MAX_SENTENCES {
                break;
            }
            if let Some(sentence) = prepare_sentence(raw) {
                sentences.push(sentence);
            }
        }
        let mut analysis = Analysis {
            tuning,
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
        // Long lines without a full stop are list items or subheadings; they stay out when
        // the text has enough real sentences.
        let terminated = self
            .candidates
            .iter()
            .filter(|&&i| !self.sentences[i].unterminated)
            .count();
        if terminated >= 3 {
            self.candidates.retain(|&i| !self.sentences[i].unterminated);
        }
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
        let mut vocab = Vocabulary::default();
        let mut buf = String::new();
        let mut term_lists: Vec<Vec<u32>> = Vec::with_capacity(self.sentences.len());
        for sentence in &self.sentences {
            let mut terms = Vec::new();
            for_each_word(&sentence.text, &mut buf, |word| {
                if let Some(id) = vocab.intern(word) {
                    terms.push(id);
                }
            });
            term_lists.push(terms);
        }
        let mut title_terms = Vec::new();
        for_each_word(title, &mut buf, |word| {
            if let Some(id) = vocab.lookup(word) {
                title_terms.push(id);
            }
        });
        title_terms.sort_unstable();
        title_terms.dedup();
        let vocab_len = vocab.len();

        // Document frequency over candidates only: headings and captions are not the story.
        let mut df = vec![0u32; vocab_len];
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

        let mut centroid = vec![0f32; vocab_len];
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
            let t = &self.tuning;
            let position = 1.0 / (1.0 + t.lead_decay * rank as f32);
            let score = t.lead * position + t.centrality * cent + t.title * title_overlap
                - length_penalty(sentence.words)
                - 0.9 * f32::from(u8::from(sentence.question))
                - 0.4 * sentence.chatter
                - 0.3 * f32::from(u8::from(sentence.incomplete))
                - 0.15 * f32::from(u8::from(sentence.has_url))
                - 0.4 * f32::from(u8::from(sentence.fragment));
            self.sentences[i].score = score;
            self.sentences[i].centrality = cent;
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
                let t = &self.tuning;
                let mut score = s.score;
                if s.dangling {
                    score -= t.dangling;
                }
                if s.finding {
                    score += t.finding;
                }
                if s.ends_colon {
                    score -= t.colon;
                }
                if s.meta {
                    score -= t.meta;
                }
                if s.fragment {
                    score -= 0.6;
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
            let target = self.tuning.tldr_target_words.min(TLDR_MAX_WORDS);
            if let Some(text) = shorten(&compressed, target).or_else(|| shorten(&compressed, TLDR_MAX_WORDS)) {
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
                !s.question && !s.incomplete && !s.fragment && s.words >= 4
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
        // A sentence that would have to be cut mid-clause makes a poor bullet.
        let base_value: Vec<f32> = pool
            .iter()
            .map(|&i| {
                let s = &self.sentences[i];
                let mut value = 0.6 * s.score + 0.45 * s.facts - 0.3 * s.chatter;
                if s.dangling {
                    value -= 0.2;
                }
                if s.words > BULLET_MAX_WORDS && shorten(&s.text, BULLET_MAX_WORDS).is_none() {
                    value -= 0.5;
                }
                value
            })
            .collect();
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < want {
            let mut best: Option<(f32, usize)> = None;
            for (k, &i) in pool.iter().enumerate() {
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
                let value = base_value[k] - 0.4 * redundancy;
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
            if i == tldr || s.question || s.incomplete || s.fragment || s.words < 6 || s.words > 70 {
                continue;
            }
            let cue = if strong.is_match(&s.lower) {
                1.0
            } else if s.centrality >= 0.3 && s.chatter < 0.3 && !s.dangling && medium.is_match(&s.lower) {
                // A weak cue counts only in a sentence about the story's main subject.
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
    let mut text = collapse_whitespace(strip_list_marker(raw.trim()));
    let incomplete_marker = strip_truncation(&mut text);
    let mut lower = text.to_ascii_lowercase();
    if is_lower_boilerplate(&text, &lower, word_count(&text)) {
        return None;
    }
    let mut meta = false;
    if let Some((rest, editors_note)) = strip_label(&text) {
        meta = editors_note;
        if rest.is_empty() || is_clean_boilerplate(rest, word_count(rest)) || (meta && is_note_about_the_piece(rest)) {
            return None;
        }
        text = capitalize_first(rest);
        lower = text.to_ascii_lowercase();
    }
    if let Some(rest) = after_dateline(&text)
        && word_count(rest) >= 4
    {
        text = capitalize_first(rest);
        lower = text.to_ascii_lowercase();
    }
    let last = text
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*', '_'])
        .chars()
        .next_back()
        .unwrap_or(' ');
    let features = WordFeatures::of(&text);
    let unterminated = !matches!(last, '.' | '!' | '?' | '…' | '。' | '！' | '？' | ':' | ';');
    // Headings are short, or title-cased; a sentence that merely lost its final period at the
    // end of a feed excerpt is neither.
    let heading = unterminated && (features.words <= 5 || (features.words <= 14 && is_title_case(&text)));
    let fragment = !balanced(&text) || text.starts_with(['(', '[']);
    Some(Sentence {
        words: features.words,
        vector: Vec::new(),
        heading,
        unterminated,
        fragment,
        centrality: 0.0,
        question: last == '?' || last == '？',
        incomplete: incomplete_marker || last == ':',
        ends_colon: last == ':',
        meta,
        dangling: features.dangling,
        chatter: features.chatter,
        facts: features.facts,
        has_url: text.contains("://") || text.contains("www."),
        finding: FINDING_CUE.as_ref().is_some_and(|re| re.is_match(&lower)),
        lower,
        score: 0.0,
        text,
    })
}

/// The text after an "Editor's note:" (true) or an abstract's section label glued to the
/// sentence ("BackgroundMoso bamboo…", "ResultsHere, we…"; false), if the sentence opens
/// with one.
fn strip_label(text: &str) -> Option<(&str, bool)> {
    for label in [
        "Editor's note:",
        "Editor’s note:",
        "Editors' note:",
        "Editor's Note:",
        "Editor’s Note:",
    ] {
        if let Some(rest) = text.strip_prefix(label) {
            return Some((rest.trim_start(), true));
        }
    }
    // "Updated 11/28/17:", "Update (Nov 28):", "UPDATE:": the update is usually the news.
    let head = &text[..text.floor_char_boundary(32)];
    if let Some(colon) = head.find(':') {
        let label = head[..colon].to_ascii_lowercase();
        let rest = text[colon + 1..].trim_start();
        if (label.starts_with("update") || label.starts_with("correction"))
            && label.split_whitespace().count() <= 4
            && !rest.is_empty()
        {
            return Some((rest, false));
        }
    }
    for label in [
        "Background",
        "Abstract",
        "Results",
        "Methods",
        "Conclusions",
        "Conclusion",
        "Summary",
        "Introduction",
        "Objectives",
        "Objective",
        "Significance",
        "Findings",
        "Motivation",
        "Purpose",
    ] {
        if let Some(rest) = text.strip_prefix(label)
            && rest.chars().next().is_some_and(char::is_uppercase)
            && rest.chars().nth(1).is_some_and(char::is_lowercase)
        {
            return Some((rest, false));
        }
    }
    None
}

/// An editor's note about the piece itself ("We have updated this post…").
fn is_note_about_the_piece(note: &str) -> bool {
    let lower = note.to_lowercase();
    [
        "updated",
        "corrected",
        "correction",
        "originally",
        "this article",
        "this post",
        "this story",
        "this blog",
        "this piece",
        "column",
        "guest post",
    ]
    .iter()
    .any(|cue| lower.contains(cue))
}

/// Repairs feed artefacts seen in abstracts: paragraph breaks flattened to "nn"
/// ("unclear.nnResults…") and bioRxiv's list markers ("O_LI", "C_LI").
fn repair_artefacts(text: &str) -> std::borrow::Cow<'_, str> {
    let glued = text.contains("nn") && ARTEFACT_NN.as_ref().is_some_and(|re| re.is_match(text));
    if !glued && !text.contains("_LI") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = std::borrow::Cow::Borrowed(text);
    if let Some(re) = ARTEFACT_NN.as_ref() {
        out = std::borrow::Cow::Owned(re.replace_all(&out, "$1\n\n$2").into_owned());
    }
    if let Some(re) = ARTEFACT_MARKER.as_ref() {
        out = std::borrow::Cow::Owned(re.replace_all(&out, "\n").into_owned());
    }
    out
}

/// The text after a wire dateline ("LONDON (Reuters) — "), if it opens with one.
fn after_dateline(text: &str) -> Option<&str> {
    // Cheap checks first: the pattern is costly to run and datelines are rare.
    let first = text.chars().next()?;
    if !(first.is_uppercase() || first == '(') {
        return None;
    }
    let head = &text[..text.floor_char_boundary(80)];
    if !head.contains(['—', '–', '-']) {
        return None;
    }
    let m = DATELINE.as_ref()?.find(text)?;
    (m.end() < text.len()).then(|| &text[m.end()..])
}

/// Removes trailing "[…]" / "Read more" markers left by feed excerpts; true when the
/// sentence was cut off.
fn strip_truncation(text: &mut String) -> bool {
    const MARKERS: [&str; 12] = [
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
    ];
    let mut cut = false;
    'strip: loop {
        let len = text.trim_end().len();
        for marker in MARKERS {
            let Some(start) = len.checked_sub(marker.len()) else {
                continue;
            };
            if text.is_char_boundary(start) && text[start..len].eq_ignore_ascii_case(marker) {
                let keep = text[..start].trim_end().len();
                text.truncate(keep);
                cut = true;
                continue 'strip;
            }
        }
        break;
    }
    // A sentence cut by the feed ends in three dots with no period before them.
    cut || (text.ends_with("...") && !text.ends_with("...."))
}

/// Word-level features of a sentence, gathered in one pass.
struct WordFeatures {
    words: usize,
    dangling: bool,
    /// First-person or conversational tone, 0–1.
    chatter: f32,
    /// Numbers, money, percentages and capitalised names, 0–3.
    facts: f32,
}

impl WordFeatures {
    /// `text` is whitespace-collapsed: words are separated by single ASCII spaces.
    fn of(text: &str) -> WordFeatures {
        let mut words = 0;
        let mut first = "";
        let mut second = "";
        let mut chatter: f32 = 0.0;
        let mut names = 0;
        let (mut digits, mut money, mut percent) = (false, false, false);
        for (k, word) in text.split(' ').filter(|w| !w.is_empty()).enumerate() {
            words += 1;
            for &b in word.as_bytes() {
                digits |= b.is_ascii_digit();
                money |= b == b'$';
                percent |= b == b'%';
            }
            if !word.is_ascii() {
                money |= word.contains(['€', '£', '¥']);
            }
            let w = trim_word(word);
            match k {
                0 => first = w,
                1 => second = w,
                _ => {}
            }
            let Some(&lead) = w.as_bytes().first() else {
                continue;
            };
            // Cheap screens before the string comparisons: most words are none of these.
            if w.len() <= 8 && matches!(lead, b'I' | b'm' | b'M' | b'y' | b'Y') {
                match w {
                    "I" | "I'm" | "I’m" | "I've" | "I’ve" | "I'd" | "I’d" | "I'll" | "I’ll" | "me" | "my" | "My"
                    | "mine" | "myself" => chatter += 0.35,
                    "you" | "You" | "your" | "Your" | "you're" | "You're" | "you’re" | "You’re" => chatter += 0.15,
                    _ => {}
                }
            }
            match w.len() {
                2 if w == "bn" => money = true,
                7 if w == "million" || w == "billion" || w == "percent" => {
                    if w == "percent" {
                        percent = true;
                    } else {
                        money = true;
                    }
                }
                8 if w == "trillion" => money = true,
                _ => {}
            }
            let capitalised = if lead.is_ascii() {
                lead.is_ascii_uppercase()
            } else {
                w.chars().next().is_some_and(char::is_uppercase)
            };
            if k > 0
                && capitalised
                && w.len() > 1
                && !matches!(
                    w,
                    "The" | "A" | "An" | "In" | "On" | "It" | "This" | "But" | "And" | "I'm" | "I’m"
                )
            {
                names += 1;
            }
        }
        if is_filler_opener(first) {
            chatter += 0.7;
        }
        let mut facts: f32 = 0.0;
        if digits {
            facts += 1.0;
        }
        if money {
            facts += 0.5;
        }
        if percent {
            facts += 0.5;
        }
        facts += (names as f32 * 0.15).min(0.6);
        WordFeatures {
            words,
            dangling: is_dangling(first, second),
            chatter: chatter.min(1.0),
            facts: facts.min(3.0),
        }
    }
}

/// A word without the punctuation and quotes around it; apostrophes inside stay ("I'm").
fn trim_word(word: &str) -> &str {
    let keep = |c: char| c.is_alphanumeric() || c == '\'' || c == '’';
    let bytes = word.as_bytes();
    // ASCII ends are trimmed by byte; a non-ASCII end falls back to chars.
    let mut start = 0;
    while start < bytes.len() && bytes[start].is_ascii() && !keep(bytes[start] as char) {
        start += 1;
    }
    let mut end = bytes.len();
    while end > start && bytes[end - 1].is_ascii() && !keep(bytes[end - 1] as char) {
        end -= 1;
    }
    let core = &word[start..end];
    if core.as_bytes().first().is_some_and(|b| !b.is_ascii()) || core.as_bytes().last().is_some_and(|b| !b.is_ascii()) {
        core.trim_matches(|c: char| !keep(c))
    } else {
        core
    }
}

/// True when at least half the words of `text` are capitalised: "How We Built It".
fn is_title_case(text: &str) -> bool {
    let (mut capitalised, mut total) = (0, 0);
    for word in text.split(' ') {
        let Some(c) = word.chars().find(|c| c.is_alphanumeric()) else {
            continue;
        };
        total += 1;
        if c.is_uppercase() || c.is_ascii_digit() {
            capitalised += 1;
        }
    }
    total > 0 && capitalised * 2 >= total
}

/// Conversational openers: "Let's", "Okay", "Honestly", "Here's".
fn is_filler_opener(first: &str) -> bool {
    const FILLERS: [&str; 19] = [
        "let's", "let’s", "okay", "ok", "well", "anyway", "honestly", "oh", "yeah", "yes", "no", "wow", "lol",
        "here's", "here’s", "hmm", "sure", "imagine", "check",
    ];
    FILLERS.iter().any(|f| first.eq_ignore_ascii_case(f))
}

fn is_dangling(first: &str, second: &str) -> bool {
    // "In it," "Of these," "To do this," "For example," "The latter": pointers to a sentence
    // before this one.
    let pair_points_back = matches!(
        (first, second.trim_end_matches(',')),
        (
            "In",
            "it" | "this" | "that" | "these" | "those" | "addition" | "contrast" | "turn" | "particular" | "doing"
        ) | ("Of", "these" | "those" | "this" | "course")
            | ("To", "do" | "this" | "that")
            | ("For", "this" | "that" | "these" | "example" | "instance")
            | ("By", "contrast")
            | ("Even", "so")
            | ("The", "latter" | "former" | "same")
    );
    if pair_points_back {
        return true;
    }
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

/// Term ids of a document: words map to plural-stemmed terms, stop words to none. Each
/// distinct word is classified once. Fx-hashed: the keys are words of our own text, so
/// SipHash's flooding protection would buy nothing.
#[derive(Default)]
struct Vocabulary {
    /// Lower-case word → term id, or [`Vocabulary::STOP`].
    words: FxHashMap<String, u32>,
    /// Stemmed term → term id.
    terms: FxHashMap<String, u32>,
}

impl Vocabulary {
    const STOP: u32 = u32::MAX;

    fn intern(&mut self, word: &str) -> Option<u32> {
        if let Some(&id) = self.words.get(word) {
            return (id != Self::STOP).then_some(id);
        }
        let id = if is_stopword(word) {
            Self::STOP
        } else {
            let next = self.terms.len() as u32;
            *self.terms.entry(plural_stem(word)).or_insert(next)
        };
        self.words.insert(word.to_string(), id);
        (id != Self::STOP).then_some(id)
    }

    /// The term id of `word` when the document has that term.
    fn lookup(&self, word: &str) -> Option<u32> {
        if let Some(&id) = self.words.get(word) {
            return (id != Self::STOP).then_some(id);
        }
        if is_stopword(word) {
            return None;
        }
        self.terms.get(&plural_stem(word)).copied()
    }

    fn len(&self) -> usize {
        self.terms.len()
    }
}

/// Calls `f` with each lower-cased word of `text` of two characters or more, possessive
/// "'s" removed. `buf` is reused so that known words cost no allocation.
fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
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
            // Keep "gpt-4.5" and "don't" whole.
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
        if buf.len() >= 2 {
            f(buf);
        }
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

/// A bracketed aside after a space: "Google Cloud Platform (GCP)", "[1]". Brackets glued to
/// a word ("O(lg N)", "f(x)") are notation and stay.
static PARENTHETICAL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s+(?:\(([^()]*)\)|\[([^\[\]]*)\])").ok());
static DASH_ASIDE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s+[—–]\s+[^—–]+?\s+[—–]\s+|(\w)—[^—]+?—(\w)").ok());
static SAID_TAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#",?\s+(?:(?:he|she|they|it|the company|the firm|the startup|the lab|the team|the spokesperson|a spokesperson|a spokeswoman|a spokesman)\s+(?:said|says|wrote|added|noted|explained|announced|confirmed)"#,
        r#"|(?:said|says|added|noted|wrote)\s+(?:he|she|they|the company|the firm))(?:\s+(?:on|in)\s+[^,.;]+)?\s*([.!?]["'”’]?)$"#,
    ))
    .ok()
});

/// Drops what a short summary does without: bracketed asides, paired-dash asides, and for
/// the TL;DR also time/venue openers, scientific framing and "he said" tails.
fn compress(sentence: &str, aggressive: bool) -> String {
    let mut text = sentence.to_string();
    if let Some(re) = PARENTHETICAL.as_ref() {
        let replaced = re.replace_all(&text, |caps: &regex::Captures<'_>| {
            let inner = caps.get(1).or_else(|| caps.get(2)).map_or("", |m| m.as_str());
            // Formulas ("(X AND Y') OR …") are content; acronyms, citations, credits and,
            // in a TL;DR, any other aside, are not.
            let formula = inner.contains(['=', '*', '+', '<', '>', '\\']);
            let minor = !inner.contains(' ')
                || inner
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '-' || c == ' ')
                || ["photo", "image", "source", "via", "credit", "pictured"]
                    .iter()
                    .any(|cue| inner.to_ascii_lowercase().starts_with(cue));
            if !formula && (aggressive || minor) {
                String::new()
            } else {
                caps.get(0).map_or(String::new(), |m| m.as_str().to_string())
            }
        });
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
        // "In April at Google Cloud Next '19, we…": any short opener that dates the news.
        if let (Some(opener), Some(time)) = (GENERAL_OPENER.as_ref(), TIME_WORD.as_ref())
            && let Some(m) = opener.find(&text)
            && time.is_match(m.as_str())
            && word_count(&text[m.end()..]) >= 6
        {
            text = capitalize_first(&text[m.end()..]);
        }
        // "Last week Apple released…": the same without a comma, before a capitalised word.
        if let Some(re) = BARE_TIME_OPENER.as_ref()
            && let Some(caps) = re.captures(&text)
            && let Some(rest) = caps.get(1)
            && word_count(&text[rest.start()..]) >= 6
        {
            text = text[rest.start()..].to_string();
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
    // Byte offset where each word ends, so a prefix is a slice rather than a join.
    let base = sentence.as_ptr() as usize;
    let ends: Vec<usize> = words.iter().map(|w| w.as_ptr() as usize - base + w.len()).collect();
    let min = (max / 3).max(6);
    // After an introductory phrase ("While we could…,", "In 2024,"), the first comma only
    // closes the introduction: the main clause is still to come.
    let introduced = words.first().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "while"
                | "although"
                | "though"
                | "even"
                | "whether"
                | "if"
                | "when"
                | "because"
                | "as"
                | "since"
                | "whereas"
                | "unless"
                | "once"
                | "after"
                | "before"
                | "until"
                | "despite"
                | "to"
                | "with"
                | "by"
                | "for"
                | "in"
                | "on"
                | "at"
                | "among"
                | "following"
                | "given"
                | "during"
                | "without"
                | "unlike"
                | "like"
                | "from"
        )
    });
    let first_comma = words.iter().position(|w| w.ends_with(',')).unwrap_or(0);
    let mut best: Option<(f32, usize)> = None;
    for k in min..=max.min(words.len() - 1) {
        if introduced && k <= first_comma + 1 {
            continue;
        }
        // A cut after words[k - 1], before words[k].
        let before = words[k - 1];
        let next = words[k].to_lowercase();
        let next = next.trim_matches(|c: char| !c.is_alphanumeric());
        let strong_comma = before.ends_with(',')
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
            );
        let priority: f32 = if before.ends_with(';') || matches!(words[k], "—" | "–" | "-") || strong_comma {
            3.0
        } else if before.ends_with(',') || before.ends_with(':') {
            2.0
        } else if matches!(
            next,
            "which" | "while" | "whereas" | "although" | "because" | "including" | "amid" | "despite" | "after"
        ) {
            1.5
        } else {
            continue;
        };
        // A comma inside an enumeration ("infrastructure, skilled workers, favourable laws,")
        // is not a clause boundary: the segments on either side are short list items.
        if before.ends_with(',') && !strong_comma {
            let segment_words = |range: &[&str]| range.iter().position(|w| w.ends_with(',')).map(|p| p + 1);
            let before_segment = words[..k - 1].iter().rev().position(|w| w.ends_with(','));
            let after_segment = segment_words(&words[k..]);
            if before_segment.is_some_and(|n| n < 4) || after_segment.is_some_and(|n| n <= 4) {
                continue;
            }
        }
        let prefix = &sentence[..ends[k - 1]];
        if !balanced(prefix) {
            continue;
        }
        // "The code, which harvested wallets," ends a relative clause, not the sentence.
        if before.ends_with(',') {
            let last_segment = prefix.trim_end_matches(',').rsplit(", ").next().unwrap_or("");
            if prefix.contains(", ")
                && matches!(
                    last_segment.split_whitespace().next(),
                    Some("which" | "who" | "whose" | "where")
                )
            {
                continue;
            }
        }
        let value = priority + k as f32 / max as f32;
        if best.is_none_or(|(b, _)| value > b) {
            best = Some((value, k));
        }
    }
    let (_, k) = best?;
    let mut prefix = sentence[..ends[k - 1]].to_string();
    let trimmed_len = prefix.trim_end_matches([',', ';', ':', '—', '–', '-', ' ']).len();
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
    // One pass over the bytes: “ and ” are E2 80 9C and E2 80 9D in UTF-8.
    let (mut round, mut square, mut straight, mut curly) = (0i32, 0i32, 0u32, 0i32);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => round += 1,
            b')' => round -= 1,
            b'[' => square += 1,
            b']' => square -= 1,
            b'"' => straight += 1,
            0xE2 if bytes.get(i + 1) == Some(&0x80) => match bytes.get(i + 2) {
                Some(0x9C) => curly += 1,
                Some(0x9D) => curly -= 1,
                _ => {}
            },
            _ => {}
        }
    }
    round == 0 && square == 0 && straight % 2 == 0 && curly == 0
}

// ---------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------

/// Reduces markup that survived extraction: HTML tags (scripts, styles and captions with
/// their content), common entities, Markdown images, links, emphasis, headings and quotes.
fn strip_markup(text: &str) -> String {
    // Bytes that may start markup; everything between them is copied in bulk. The non-ASCII
    // ones are the lead bytes of no-break and zero-width spaces, soft hyphens and BOMs.
    let special = |b: u8| {
        matches!(
            b,
            b'<' | b'&' | b'!' | b'[' | b'*' | b'_' | b'`' | b'#' | b'>' | b'\r' | b'\n' | 0xC2 | 0xE2 | 0xEF
        )
    };
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < text.len() {
        let run = bytes[i..].iter().position(|&b| special(b)).unwrap_or(text.len() - i);
        if run > 0 {
            // `i + run` is a char boundary: special bytes are ASCII or lead bytes.
            let chunk = &text[i..i + run];
            out.push_str(chunk);
            if chunk.bytes().any(|b| !b.is_ascii_whitespace()) {
                line_start = false;
            }
            i += run;
            continue;
        }
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
    if !(s.starts_with("http") || s.starts_with("www.")) {
        return false;
    }
    let mut words = s.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let url_like = |w: &str| w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www.");
    url_like(first) && words.all(|w| url_like(w) || w.chars().all(|c| !c.is_alphanumeric()))
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
    &text[..text.floor_char_boundary(max)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summarize(title: &str, text: &str) -> Summary {
        Extractive.summarize_document(Document { title, text })
    }

    fn sentence_count(text: &str) -> usize {
        crate::text::sentences::split(text).len()
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
    fn notes_bylines_captions_and_artefacts_are_handled() {
        let text = "By Jane Doe\nEditor’s note: We have updated this post to correct the launch date.\n\
            Photo: Getty Images\nImages provided by Luma Pictures.\n\
            BackgroundMoso bamboo is well known for its rapid growth. Its genome has 30 GATA factors.\
            nnResultsHere, we found that bamboo GATA factors regulate shoot growth and rhizome development in the field. \
            The factors respond to gibberellin. Knocking them out cut growth by 40%.";
        let s = summarize("", text);
        let all = format!("{} {} {:?}", s.tldr, s.summary, s.bullets);
        for gone in [
            "Jane Doe",
            "updated this post",
            "Getty",
            "Luma",
            "BackgroundMoso",
            "nnResults",
            "Here, we",
        ] {
            assert!(!all.contains(gone), "{gone}: {all}");
        }
        assert_eq!(
            s.tldr,
            "Bamboo GATA factors regulate shoot growth and rhizome development in the field."
        );
        // The summary keeps document order.
        let positions: Vec<usize> = crate::text::sentences::split(&s.summary)
            .iter()
            .filter_map(|piece| text.find(piece.trim_end_matches('.')))
            .collect();
        assert!(positions.len() >= 2, "{}", s.summary);
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}", s.summary);
    }

    #[test]
    fn why_it_matters_needs_an_honest_cue() {
        // A first-person aside that mentions importance is not a reason the story matters.
        let text = "The Go team accepted the vgo proposal on Monday after months of review. \
            The proposal adds package versions and a minimal version selection algorithm to the go command. \
            Modules will ship as an opt-in feature in Go 1.11. \
            In later posts I will talk about why versions are important for software engineering.";
        assert_eq!(summarize("Go accepts vgo", text).why_it_matters, None);
        // A sentence that says what the change allows is.
        let text = "The Go team accepted the vgo proposal on Monday after months of review. \
            The proposal adds package versions and a minimal version selection algorithm to the go command. \
            Modules will ship as an opt-in feature in Go 1.11. \
            The proposal would allow Go developers to build reproducible builds with package versions without extra tools.";
        assert_eq!(
            summarize("Go accepts vgo proposal for package versions", text)
                .why_it_matters
                .as_deref(),
            Some(
                "The proposal would allow Go developers to build reproducible builds with package versions without extra \
                 tools."
            )
        );
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
    fn compress_drops_openers_asides_and_tails_only() {
        let cases = [
            (
                "Last week Apple released its 2017 Q4 (which everyone else's calendar says is 2017 Q3) sales figures, \
                 which means a boatload of graphs.",
                "Apple released its 2017 Q4 sales figures, which means a boatload of graphs.",
            ),
            (
                "In April at Google Cloud Next ’19, we announced Managed Service for Microsoft Active Directory.",
                "We announced Managed Service for Microsoft Active Directory.",
            ),
            (
                "In Spider-Man: Far From Home, Spidey leaves New York City for a school trip to Venice.",
                "In Spider-Man: Far From Home, Spidey leaves New York City for a school trip to Venice.",
            ),
            (
                "Here, we show that bamboo GATA factors regulate the growth of shoots and rhizomes.",
                "Bamboo GATA factors regulate the growth of shoots and rhizomes.",
            ),
            (
                "Each round takes O(n log n) time, and the number of rounds is O(log n).",
                "Each round takes O(n log n) time, and the number of rounds is O(log n).",
            ),
            (
                "OpenAI — the maker of ChatGPT — said the model is faster, the company said.",
                "OpenAI said the model is faster.",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(compress(input, true), expected);
        }
        // Bullets keep their asides, except acronyms and credits.
        assert_eq!(
            compress(
                "Google Cloud Platform (GCP) now runs AMD chips (the fastest yet).",
                false
            ),
            "Google Cloud Platform now runs AMD chips (the fastest yet)."
        );
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
        assert!(FURNITURE_WORDS.is_some());
        for re in [
            &BOILERPLATE_START,
            &BOILERPLATE_ANY,
            &SHORT_BOILERPLATE,
            &DATELINE,
            &LEADING_CLAUSE,
            &GENERAL_OPENER,
            &TIME_WORD,
            &BARE_TIME_OPENER,
            &ARTEFACT_NN,
            &ARTEFACT_MARKER,
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
        if let Ok(range) = std::env::var("NEWSDESK_WORDS") {
            // "800-1200": only articles of that many words.
            let (lo, hi) = range.split_once('-').unwrap_or(("0", "1000000"));
            let (lo, hi): (usize, usize) = (lo.parse().unwrap_or(0), hi.parse().unwrap_or(usize::MAX));
            pairs.retain(|p| (lo..=hi).contains(&word_count(&p.text)));
            println!("{} articles", pairs.len());
        }
        let rounds: usize = std::env::var("NEWSDESK_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(20);
        let start = std::time::Instant::now();
        for _ in 0..rounds {
            for p in &pairs {
                match only.as_str() {
                    "keywords" => drop(super::super::keywords::keywords(&p.title, &p.text, MAX_TAGS)),
                    "analysis" => drop(Analysis::new(&p.title, &p.text).pick_tldr()),
                    _ => drop(summarize(&p.title, &p.text)),
                }
            }
        }
        println!(
            "{:.1} µs per article",
            start.elapsed().as_secs_f64() * 1e6 / (rounds * pairs.len()) as f64
        );
    }

    /// Tuning aid: ROUGE of the TL;DR over a grid of [`Tuning`] values, best last.
    #[test]
    #[ignore = "tuning aid: prints figures"]
    fn tune_grid() {
        use crate::eval::{Rouge, dataset};
        let Ok(pairs) = dataset::load(&dataset::default_corpus_dir()) else {
            return;
        };
        let rouge = Rouge::default();
        let refs: Vec<Vec<String>> = pairs.iter().map(|p| rouge.tokens(&p.reference)).collect();
        let evaluate = |tuning: Tuning| -> (f64, f64, f64) {
            let mut sums = (0.0, 0.0, 0.0);
            for (pair, reference) in pairs.iter().zip(&refs) {
                let tldr = Analysis::with_tuning(&pair.title, &pair.text, tuning)
                    .pick_tldr()
                    .map_or_else(|| pair.title.clone(), |p| p.text);
                let r = crate::eval::rouge::score_tokens(reference, &rouge.tokens(&tldr));
                sums.0 += r.rouge1.f1;
                sums.1 += r.rouge2.f1;
                sums.2 += r.rouge_l.f1;
            }
            let n = pairs.len() as f64;
            (sums.0 / n, sums.1 / n, sums.2 / n)
        };
        let mut results = Vec::new();
        for lead_decay in [0.1, 0.2, 0.3] {
            for finding in [0.6, 0.75, 0.9] {
                for title in [0.2, 0.4, 0.6] {
                    for dangling in [0.2, 0.35, 0.6] {
                        for colon in [0.4, 0.8] {
                            let tuning = Tuning {
                                lead_decay,
                                finding,
                                title,
                                dangling,
                                colon,
                                ..TUNING
                            };
                            let (r1, r2, rl) = evaluate(tuning);
                            results.push(((r1 + r2 + rl) / 3.0, r1, r2, rl, tuning));
                        }
                    }
                }
            }
        }
        results.sort_by(|a, b| a.0.total_cmp(&b.0));
        let current = evaluate(TUNING);
        for (mean, r1, r2, rl, t) in results.iter().rev().take(15).rev() {
            println!(
                "{mean:.4}  R1 {r1:.3} R2 {r2:.3} RL {rl:.3}  decay {} finding {} title {} dangling {} colon {}",
                t.lead_decay, t.finding, t.title, t.dangling, t.colon
            );
        }
        println!("current: R1 {:.3} R2 {:.3} RL {:.3}", current.0, current.1, current.2);
    }

    /// Reading aid: summaries of every item of the feed at `NEWSDESK_FEED`.
    #[test]
    #[ignore = "reading aid: prints summaries"]
    fn print_feed() {
        let Some(path) = std::env::var_os("NEWSDESK_FEED") else {
            return;
        };
        let Ok(body) = std::fs::read(&path) else {
            return;
        };
        let Ok(base) = url::Url::parse("https://feed.invalid/") else {
            return;
        };
        let Ok(feed) = crate::sources::parse::parse_feed(&body, None, &base, chrono::Utc::now()) else {
            return;
        };
        for article in feed.articles.iter().take(12) {
            let s = summarize(&article.title, &article.text);
            println!(
                "== {}\nTLDR: {}\nSUM:  {}\nBUL:  {:?}\nWHY:  {:?}\nTAGS: {:?}\n",
                article.title, s.tldr, s.summary, s.bullets, s.why_it_matters, s.tags
            );
        }
    }
}
