//! What a sentence is made of: preparing a split piece (labels, datelines, artefacts,
//! truncation markers), its word-level features, and the TF-IDF vocabulary and vectors
//! behind centrality.

use super::*;

/// Turns one split piece into a [`Sentence`], or `None` when it is boilerplate.
pub(super) fn prepare_sentence(raw: &str) -> Option<Sentence> {
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
    if let Some(rest) = after_byline(&text)
        && word_count(rest) >= 4
    {
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
pub(super) fn strip_label(text: &str) -> Option<(&str, bool)> {
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
    // "Updated 11/28/17:", "Update (Nov 28):", "UPDATE 2:", "Summary:", "TL;DR —": the
    // label goes, the news after it stays.
    if let Some(rest) = after_news_label(text) {
        return Some((rest, false));
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

/// Labels that open a sentence without being part of it. Matched in lower case, before a
/// ":" or a dash; "update" and "correction" also with a date or number after them.
const NEWS_LABELS: &[&str] = &[
    "summary",
    "tl;dr",
    "tldr",
    "tl dr",
    "tl;dr version",
    "the short version",
    "in short",
    "in brief",
    "brief",
    "the gist",
    "gist",
    "key takeaway",
    "key takeaways",
    "takeaway",
    "takeaways",
    "bottom line",
    "the bottom line",
    "the big picture",
    "big picture",
    "quick take",
    "breaking",
    "breaking news",
    "just in",
    "exclusive",
    "scoop",
    "analysis",
    "opinion",
    "commentary",
    "news",
    "announcement",
    "press release",
    "overview",
    "abstract",
    "the news",
    "what happened",
    "the story",
];

/// The text after a label such as "Summary:", "TL;DR —" or "UPDATE 2 (Nov 28):", when the
/// sentence opens with one and something is left after it.
pub(super) fn after_news_label(text: &str) -> Option<&str> {
    let head = &text[..text.floor_char_boundary(40)];
    let (label_end, rest_start) = head.char_indices().find_map(|(i, c)| match c {
        ':' => Some((i, i + 1)),
        '—' | '–' | '|' => Some((i, i + c.len_utf8())),
        '-' if head[i + 1..].starts_with(' ') && head[..i].ends_with(' ') => Some((i, i + 1)),
        _ => None,
    })?;
    let label = head[..label_end]
        .trim()
        .trim_matches(['*', '_', '#', '[', ']', '(', ')'])
        .trim()
        .to_lowercase()
        .replace('’', "'");
    let rest = text[rest_start..].trim_start_matches(['*', '_']).trim_start();
    if rest.is_empty() || label.is_empty() {
        return None;
    }
    let dated = |prefix: &str| label.starts_with(prefix) && label.split_whitespace().count() <= 4;
    let known = NEWS_LABELS.contains(&label.as_str()) || dated("update") || dated("correction");
    known.then_some(rest)
}

/// An editor's note about the piece itself ("We have updated this post…").
pub(super) fn is_note_about_the_piece(note: &str) -> bool {
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
pub(super) fn repair_artefacts(text: &str) -> std::borrow::Cow<'_, str> {
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

/// The text after a byline or a date set off by a separator ("By Jane Doe | ",
/// "March 3, 2026 — "), if the sentence opens with one.
pub(super) fn after_byline(text: &str) -> Option<&str> {
    // Both patterns are anchored and open with an ASCII letter or digit.
    if !text.as_bytes().first()?.is_ascii_alphanumeric() {
        return None;
    }
    [BYLINE.as_ref(), DATE_DATELINE.as_ref()]
        .into_iter()
        .flatten()
        .find_map(|re| {
            re.captures(text)
                .and_then(|caps| caps.get(1))
                .map(|m| &text[m.start()..])
        })
}

/// The text after a wire dateline ("LONDON (Reuters) — "), if it opens with one.
pub(super) fn after_dateline(text: &str) -> Option<&str> {
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
pub(super) fn strip_truncation(text: &mut String) -> bool {
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
pub(super) struct WordFeatures {
    pub(super) words: usize,
    pub(super) dangling: bool,
    /// First-person or conversational tone, 0–1.
    pub(super) chatter: f32,
    /// Numbers, money, percentages and capitalised names, 0–3.
    pub(super) facts: f32,
}

impl WordFeatures {
    /// `text` is whitespace-collapsed: words are separated by single ASCII spaces.
    pub(super) fn of(text: &str) -> WordFeatures {
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
pub(super) fn trim_word(word: &str) -> &str {
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
pub(super) fn is_title_case(text: &str) -> bool {
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
pub(super) fn is_filler_opener(first: &str) -> bool {
    const FILLERS: [&str; 19] = [
        "let's", "let’s", "okay", "ok", "well", "anyway", "honestly", "oh", "yeah", "yes", "no", "wow", "lol",
        "here's", "here’s", "hmm", "sure", "imagine", "check",
    ];
    FILLERS.iter().any(|f| first.eq_ignore_ascii_case(f))
}

pub(super) fn is_dangling(first: &str, second: &str) -> bool {
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
pub(super) struct Vocabulary {
    /// Lower-case word → term id, or [`Vocabulary::STOP`].
    pub(super) words: FxHashMap<String, u32>,
    /// Stemmed term → term id.
    pub(super) terms: FxHashMap<String, u32>,
}

impl Vocabulary {
    const STOP: u32 = u32::MAX;

    pub(super) fn intern(&mut self, word: &str) -> Option<u32> {
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
    pub(super) fn lookup(&self, word: &str) -> Option<u32> {
        if let Some(&id) = self.words.get(word) {
            return (id != Self::STOP).then_some(id);
        }
        if is_stopword(word) {
            return None;
        }
        self.terms.get(&plural_stem(word)).copied()
    }

    pub(super) fn len(&self) -> usize {
        self.terms.len()
    }
}

/// Calls `f` with each lower-cased word of `text` of two characters or more, possessive
/// "'s" removed. `buf` is reused so that known words cost no allocation.
pub(super) fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
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
pub(super) fn unit_vector(mut terms: Vec<u32>, idf: &[f32]) -> Vec<(u32, f32)> {
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
pub(super) fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
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
pub(super) fn length_penalty(words: usize) -> f32 {
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
