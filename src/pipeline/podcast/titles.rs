//! Segment titles: a headline compressed from the sentence that introduces the story,
//! or the segment's recurring names and words.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::MAX_TITLE_WORDS;
use super::cues::{SECTIONS, regex};
use super::summaries::content_count;
use super::units::{Cue, Unit, resplit};
use crate::text::words::{is_spoken_stopword, plural_stem, strip_possessive};

/// Presenter talk between a cue and the story itself, removed from the front of a
/// candidate title; applied repeatedly.
pub(super) static PRESENTER: LazyLock<Regex> = LazyLock::new(|| {
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
pub(super) static TITLED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:(?:[\w'’.-]+\s+){0,6}?(?:titled|headlined)|(?:[\w'’.-]+\s+){0,6}?(?:story|article|paper|piece|post|report|essay|op-ed)\s+(?:[\w'’.-]+\s+){0,4}?(?:called|named))\s+(.{8,})$",
    )
});

/// "OpenAI and they are releasing", "Anthropic and them adding", "OpenAI, they have released".
pub(super) static SUBJECT_PRONOUN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^((?-i:[A-Z0-9])[\w.'’-]*(?:\s+(?-i:[A-Z0-9])[\w.'’-]*){0,3}),?\s+(?:and\s+)?(?:they|them|it)(?:'re|'ve|'s)?\s+(?:are\s+|is\s+|have\s+|has\s+)?",
    )
});

/// Candidates that point at the story instead of naming it ("Jeremy, you mentioned this one").
pub(super) static NOT_A_STORY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\b(?:this one|that one|you mentioned|you covered|you flagged|i mentioned|we mentioned|we covered|talked about)\b|^[\w'’-]+,\s+(?:you|i|we)\b)",
    )
});

/// A name closing a sentence as an address ("…, James.").
pub(super) static TRAILING_VOCATIVE: LazyLock<Regex> = LazyLock::new(|| regex(r",\s+(?-i:[A-Z])[\w'’-]+[.?!]?$"));

/// A co-host addressed by name ("Jeremy, you …").
pub(super) static VOCATIVE: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?-i:[A-Z])[\w'’-]+,\s+(?:you|i|we)\b"));

/// A pronoun opening a sentence, to be replaced by the entity named just before.
pub(super) static LEADING_PRONOUN: LazyLock<Regex> = LazyLock::new(|| {
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
pub(super) fn segment_title(members: &[&Unit], episode: &Vocabulary) -> (String, usize) {
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
pub(super) struct Vocabulary {
    names: HashMap<String, (String, usize)>,
    words: HashMap<String, (String, usize)>,
}

impl Vocabulary {
    pub(super) fn of<'a>(units: impl Iterator<Item = &'a Unit>) -> Vocabulary {
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

pub(super) fn is_chatty(sentence: &str) -> bool {
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
pub(super) static GENERIC_START: LazyLock<Regex> = LazyLock::new(|| {
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
pub(super) fn strip_presenter(sentence: &str) -> String {
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
pub(super) fn entities(sentence: &str, initial: bool) -> Vec<String> {
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
