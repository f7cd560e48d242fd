//! Keyword extraction for tags and the digest's keyword chart.
//!
//! YAKE ranks the phrases of the opening of the article: the scoring of `yake-rust`, whose
//! English stop list this uses, re-implemented over our own tokens, because the crate
//! tokenises with fancy-regex and takes several milliseconds per article where this takes a
//! few hundred microseconds at most. The title's own words are merged
//! in because a headline names the story better than any statistic, and model names such as
//! "GPT-4.5" (which YAKE cannot take: letters mixed with digits) come from the title and from
//! tokens the text repeats. The result is normalised for use as tags: lower case, no stop
//! words or bare numbers, and no near-duplicates ("model" / "models", "openai" / "openai api").

use std::collections::HashSet;

use crate::text::words::{YAKE_STOP_WORDS, is_stopword, plural_stem_with_es, words};

/// YAKE reads at most this many bytes of the text: keywords are settled by the opening, and
/// YAKE's cost grows with the text.
const MAX_TEXT_BYTES: usize = 2_500;

/// How many YAKE candidates to consider per wanted keyword, before filtering.
const CANDIDATES_PER_KEYWORD: usize = 4;

/// Up to `n` keywords or key phrases of an article, most characteristic first, in lower case.
pub fn keywords(title: &str, text: &str, n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let body = crate::text::sentences::split(prefix(text, MAX_TEXT_BYTES));
    keywords_of_sentences(title, &body, n)
}

/// [`keywords`] for a text already split into sentences (the summariser has them); reads
/// sentences up to about 2,500 bytes in all.
pub fn keywords_of_sentences(title: &str, body: &[&str], n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let title = title.trim();
    let title_words = words(title);
    let title_stems: HashSet<String> = title_words.iter().filter_map(|w| tag_word(w)).collect();
    let mut sentences: Vec<&str> = Vec::with_capacity(body.len() + 1);
    if !title.is_empty() {
        // The title goes first, as the opening sentence, so its terms get YAKE's position bonus.
        sentences.push(title);
    }
    let body_from = sentences.len();
    let mut budget = MAX_TEXT_BYTES;
    for sentence in body {
        if budget < sentence.len() {
            break;
        }
        budget -= sentence.len();
        sentences.push(sentence);
    }
    let ranking = yake::rank(&sentences, body_from, n * CANDIDATES_PER_KEYWORD);

    let mut scored: Vec<(f64, Vec<String>)> = Vec::new();
    for (rank, phrase) in ranking.phrases.iter().enumerate() {
        let Some(words) = clean_phrase(phrase) else {
            continue;
        };
        let in_title = words
            .iter()
            .filter(|w| title_stems.contains(&plural_stem_with_es(w)))
            .count();
        let mut score = 1.0 / (1.0 + rank as f64 * 0.5) + 0.6 * in_title as f64 / words.len() as f64;
        if let [word] = words.as_slice()
            && !ranking.is_name(word)
        {
            // A lone common word ("users", "simple") tags little; names and phrases tag well.
            if word.ends_with("ly") {
                continue;
            }
            score -= 0.35;
        }
        scored.push((score, words));
    }
    // Title words (the text's use of them counts), and product names the text repeats
    // ("gpt-5", "llama-3.1"), which YAKE cannot rank.
    for word in title_words {
        if tag_word(&word).is_some() {
            let mut score = if ranking.in_body(&word) { 0.7 } else { 0.35 };
            if !ranking.is_name(&word) && !word.chars().any(|c| c.is_ascii_digit()) {
                score -= 0.25;
            }
            scored.push((score, vec![word]));
        }
    }
    for (word, count) in ranking.products {
        if count >= 2 {
            scored.push((0.3 + 0.1 * f64::from(count.min(4)), vec![word]));
        }
    }

    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut chosen: Vec<Vec<String>> = Vec::new();
    let mut chosen_stems: Vec<Vec<String>> = Vec::new();
    for (_, words) in scored {
        if chosen.len() >= n {
            break;
        }
        let stems: Vec<String> = words.iter().map(|w| plural_stem_with_es(w)).collect();
        if chosen_stems.iter().any(|other| overlaps(other, &stems)) {
            continue;
        }
        chosen_stems.push(stems);
        chosen.push(words);
    }
    chosen.into_iter().map(|words| words.join(" ")).collect()
}

/// The words of a YAKE phrase fit for a tag, or `None` when the phrase is not one:
/// stop words at either end, bare numbers, URLs, generic news verbs.
fn clean_phrase(phrase: &str) -> Option<Vec<String>> {
    if phrase.contains(['/', '@', '\\', '=', '|']) || phrase.contains("http") || phrase.contains("www") {
        return None;
    }
    let words: Vec<String> = phrase
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '+')
                .replace('’', "'")
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 3 {
        return None;
    }
    let first = words.first()?;
    let last = words.last()?;
    // Tags read as names, so a stop word anywhere ("google and anthropic") disqualifies.
    if words.iter().any(|w| is_weak(w)) {
        return None;
    }
    if words.iter().any(|w| w.ends_with("'s") || is_number(w)) {
        return None;
    }
    if words.len() == 1 && first.chars().count() < 3 {
        return None;
    }
    if is_generic(first) || is_generic(last) || words.iter().any(|w| is_verb(w)) {
        return None;
    }
    Some(words)
}

/// A title word that can stand alone as a tag, stemmed; `None` for stop words, numbers,
/// short and generic words.
fn tag_word(word: &str) -> Option<String> {
    if word.chars().count() < 3 || is_weak(word) || is_number(word) || is_generic(word) || word.ends_with("'s") {
        return None;
    }
    if word.contains('.') && !word.chars().any(|c| c.is_ascii_digit()) {
        // "example.com" and abbreviations make poor tags.
        return None;
    }
    Some(plural_stem_with_es(word))
}

/// True when one phrase's stems contain the other's as a run: "model" / "models",
/// "openai" / "openai api".
fn overlaps(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.windows(short.len()).any(|w| w == short) {
        return true;
    }
    // "app engine standard" / "engine standard environment": two shared words are one
    // phrase seen through two windows.
    short.iter().filter(|w| long.contains(w)).count() >= 2
}

fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let end = text.floor_char_boundary(max);
    // Cut at a word boundary so the last word is not a fragment.
    let cut = text[..end].rfind(char::is_whitespace).unwrap_or(end);
    &text[..cut]
}

fn is_weak(word: &str) -> bool {
    is_stopword(word) || YAKE_STOP_WORDS.contains(word)
}

fn is_number(word: &str) -> bool {
    word.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '%' | '$' | '-' | '+'))
}

/// Common verbs that turn a phrase into a clause ("worldline puts apis").
fn is_verb(word: &str) -> bool {
    matches!(
        word,
        "put"
            | "puts"
            | "gives"
            | "give"
            | "brings"
            | "bring"
            | "goes"
            | "keeps"
            | "keep"
            | "adds"
            | "add"
            | "adding"
            | "choose"
            | "chooses"
            | "lets"
            | "let"
            | "wants"
            | "needs"
            | "becomes"
            | "become"
            | "gets"
            | "makes"
            | "takes"
            | "says"
            | "said"
            | "tells"
            | "told"
            | "moves"
            | "offers"
            | "allows"
            | "enables"
            | "improves"
            | "improved"
            | "simplifying"
            | "expands"
            | "expanding"
            | "unveils"
            | "unveiled"
            | "launches"
            | "launched"
            | "announces"
            | "announced"
            | "releases"
            | "released"
            | "introduces"
            | "introduced"
            | "reveals"
            | "revealed"
            | "plans"
            | "wins"
            | "beats"
            | "raises"
            | "raised"
            | "buys"
            | "acquires"
            | "acquired"
            | "sues"
            | "hits"
            | "tops"
            | "drops"
            | "cuts"
            | "joins"
            | "leaves"
            | "hires"
    )
}

/// Words that appear in any article and so tag none.
fn is_generic(word: &str) -> bool {
    matches!(
        word,
        "said"
            | "says"
            | "say"
            | "new"
            | "news"
            | "also"
            | "like"
            | "just"
            | "one"
            | "two"
            | "three"
            | "first"
            | "last"
            | "year"
            | "years"
            | "week"
            | "weeks"
            | "month"
            | "months"
            | "day"
            | "days"
            | "today"
            | "yesterday"
            | "time"
            | "times"
            | "way"
            | "ways"
            | "thing"
            | "things"
            | "lot"
            | "lots"
            | "people"
            | "thanks"
            | "read"
            | "post"
            | "posts"
            | "article"
            | "articles"
            | "blog"
            | "via"
            | "update"
            | "updates"
            | "including"
            | "make"
            | "makes"
            | "made"
            | "use"
            | "uses"
            | "used"
            | "using"
            | "get"
            | "gets"
            | "got"
            | "going"
            | "want"
            | "need"
            | "know"
            | "think"
            | "really"
            | "much"
            | "many"
            | "well"
            | "good"
            | "great"
            | "still"
            | "even"
            | "back"
            | "next"
            | "according"
            | "announced"
            | "announces"
            | "launch"
            | "launches"
            | "launched"
            | "release"
            | "released"
            | "releases"
            | "introducing"
            | "introduces"
            | "here"
            | "there"
            | "now"
            | "help"
            | "helps"
            | "work"
            | "works"
            | "part"
            | "number"
            | "lead"
            | "leads"
            | "set"
            | "sets"
            | "show"
            | "shows"
            | "shown"
            | "see"
            | "look"
            | "looks"
            | "take"
            | "takes"
            | "come"
            | "comes"
            | "best"
            | "better"
            | "big"
            | "bigger"
            | "large"
            | "small"
            | "high"
            | "low"
            | "long"
            | "percent"
            | "million"
            | "billion"
            | "trillion"
            | "company"
            | "companies"
            | "click"
            | "subscribe"
            | "newsletter"
            | "add"
            | "adds"
            | "adding"
            | "run"
            | "runs"
            | "define"
            | "defining"
            | "quickly"
            | "simple"
            | "easy"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
    )
}

/// YAKE (Campos et al., 2020) as `yake-rust` 1.0.3 computes it, with window size 1, n-grams
/// up to 3 and strict capitalisation, restricted to candidates without stop words (the only
/// ones a tag can use, and the ones whose score needs no stop-word bridging terms).
mod yake {
    use std::borrow::Cow;

    // FxHash: the keys are short words and ids from our own text, so SipHash's flooding
    // protection buys nothing and costs a third of the run time.
    use rustc_hash::FxHashMap;

    use crate::text::words::YAKE_STOP_WORDS;

    /// What one YAKE pass yields.
    pub(super) struct Ranking<'a> {
        /// The best candidates, lower-case words joined by spaces, best first.
        pub phrases: Vec<String>,
        /// Lower-case tokens that mix letters and digits ("gpt-4.5"), with their counts in
        /// the body, in order of first appearance.
        pub products: Vec<(String, u32)>,
        lc_ids: FxHashMap<Cow<'a, str>, u32>,
        lc_info: Vec<LcInfo>,
    }

    impl Ranking<'_> {
        /// True when the text writes `word` (lower case) as a name more often than not:
        /// "OpenAI", "Kubernetes", "GKE".
        pub(super) fn is_name(&self, word: &str) -> bool {
            self.lc_ids.get(word).is_some_and(|&id| {
                let info = &self.lc_info[id as usize];
                info.as_name > 0 && info.as_name >= info.as_lower
            })
        }

        /// True when the body uses `word` (lower case).
        pub(super) fn in_body(&self, word: &str) -> bool {
            self.lc_ids
                .get(word)
                .is_some_and(|&id| self.lc_info[id as usize].in_body)
        }
    }

    const NGRAMS: usize = 3;
    const MIN_CHARS: usize = 3;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Tag {
        Digit,
        Punctuation,
        Unparsable,
        Acronym,
        Uppercase,
        Parsable,
    }

    impl Tag {
        fn blocks_candidates(self) -> bool {
            matches!(self, Tag::Digit | Tag::Punctuation | Tag::Unparsable)
        }

        fn blocks_context(self) -> bool {
            matches!(self, Tag::Digit | Tag::Unparsable)
        }
    }

    #[derive(Debug, Default)]
    struct Term {
        tf: u32,
        tf_acronym: u32,
        tf_upper: u32,
        /// The last sentence the term was seen in, plus one (0: none yet).
        last_sentence: u32,
        /// How many distinct sentences it occurs in.
        sentence_count: u32,
        /// The median of those sentences' indices, filled in after the pass.
        median_sentence: f64,
        left_total: u32,
        left_distinct: u32,
        right_total: u32,
        right_distinct: u32,
        /// Some lower-case form of the term is not a stop word.
        content: bool,
    }

    struct LcInfo {
        uq: u32,
        stop: bool,
        chars: usize,
        in_body: bool,
        /// Occurrences written as a name (capitalised mid-sentence, or all capitals), and
        /// in lower case.
        as_name: u32,
        as_lower: u32,
    }

    /// Ranks the candidates of `sentences`, of which those from `body_from` on are the body.
    pub(super) fn rank<'a>(sentences: &[&'a str], body_from: usize, n: usize) -> Ranking<'a> {
        // Words already in lower case are borrowed from the input: most words of a text
        // are, and allocation is the main cost here.
        // Sized from the text up front: growing these maps is a tenth of the run time.
        let estimate = sentences.iter().map(|s| s.len()).sum::<usize>() / 6 + 16;
        let mut lc_ids: FxHashMap<Cow<'a, str>, u32> =
            FxHashMap::with_capacity_and_hasher(estimate / 2, Default::default());
        let mut lc_words: Vec<Cow<'a, str>> = Vec::with_capacity(estimate / 2);
        let mut lc_info: Vec<LcInfo> = Vec::with_capacity(estimate / 2);
        let mut uq_ids: FxHashMap<Cow<'a, str>, u32> =
            FxHashMap::with_capacity_and_hasher(estimate / 2, Default::default());
        let mut terms: Vec<Term> = Vec::with_capacity(estimate / 2);
        let mut pairs: FxHashMap<(u32, u32), u32> = FxHashMap::with_capacity_and_hasher(estimate, Default::default());
        // (term, sentence) for each distinct sentence of each term, in sentence order.
        let mut term_sentences: Vec<(u32, u32)> = Vec::new();
        let mut product_counts: Vec<(u32, u32)> = Vec::new();
        // All sentences' tokens in one list; a punctuation entry separates sentences too.
        let mut tokens: Vec<(u32, Tag)> = Vec::with_capacity(estimate + sentences.len());
        let mut lower = String::new();
        let mut words: Vec<&'a str> = Vec::new();

        for (s_idx, &sentence) in sentences.iter().enumerate() {
            tokens.push((u32::MAX, Tag::Punctuation));
            // Only the previous token matters with a window of 1.
            let mut window: Option<(u32, Tag)> = None;
            tokenize(sentence, &mut words);
            for (w_idx, &word) in words.iter().enumerate() {
                let tag = tag_of(word, w_idx == 0);
                if tag == Tag::Punctuation {
                    window = None;
                    tokens.push((u32::MAX, tag));
                    continue;
                }
                let already_lower = word.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase());
                let key: &str = if already_lower {
                    word
                } else {
                    lower.clear();
                    lower.extend(word.chars().flat_map(char::to_lowercase));
                    &lower
                };
                let lc = match lc_ids.get(key) {
                    Some(&id) => id,
                    None => {
                        let lc_word: Cow<'a, str> = if already_lower {
                            Cow::Borrowed(word)
                        } else {
                            Cow::Owned(lower.clone())
                        };
                        let uq_word: Cow<'a, str> = match &lc_word {
                            Cow::Borrowed(w) => Cow::Borrowed(to_single(w)),
                            Cow::Owned(w) => Cow::Owned(to_single(w).to_string()),
                        };
                        let next_uq = uq_ids.len() as u32;
                        let uq = *uq_ids.entry(uq_word).or_insert(next_uq);
                        if uq as usize == terms.len() {
                            terms.push(Term::default());
                        }
                        let stop = is_stopword(&lc_word);
                        let id = lc_words.len() as u32;
                        lc_info.push(LcInfo {
                            uq,
                            stop,
                            chars: lc_word.chars().count(),
                            in_body: false,
                            as_name: 0,
                            as_lower: 0,
                        });
                        lc_ids.insert(lc_word.clone(), id);
                        lc_words.push(lc_word);
                        if !stop {
                            terms[uq as usize].content = true;
                        }
                        id
                    }
                };
                match tag {
                    Tag::Acronym | Tag::Uppercase => lc_info[lc as usize].as_name += 1,
                    _ if already_lower => lc_info[lc as usize].as_lower += 1,
                    _ => {}
                }
                if s_idx >= body_from {
                    lc_info[lc as usize].in_body = true;
                    if tag == Tag::Unparsable && is_product_name(word) {
                        match product_counts.iter_mut().find(|(id, _)| *id == lc) {
                            Some((_, count)) => *count += 1,
                            None => product_counts.push((lc, 1)),
                        }
                    }
                }
                let uq = lc_info[lc as usize].uq;
                let term = &mut terms[uq as usize];
                term.tf += 1;
                match tag {
                    Tag::Acronym => term.tf_acronym += 1,
                    Tag::Uppercase => term.tf_upper += 1,
                    _ => {}
                }
                if term.last_sentence != s_idx as u32 + 1 {
                    term.last_sentence = s_idx as u32 + 1;
                    term.sentence_count += 1;
                    term_sentences.push((uq, s_idx as u32));
                }
                if !tag.blocks_context()
                    && let Some((left, left_tag)) = window
                    && !left_tag.blocks_context()
                {
                    let count = pairs.entry((left, uq)).or_insert(0);
                    *count += 1;
                    let first = *count == 1;
                    let right_term = &mut terms[uq as usize];
                    right_term.left_total += 1;
                    right_term.left_distinct += u32::from(first);
                    let left_term = &mut terms[left as usize];
                    left_term.right_total += 1;
                    left_term.right_distinct += u32::from(first);
                }
                window = Some((uq, tag));
                tokens.push((lc, tag));
            }
        }
        set_median_sentences(&mut terms, &term_sentences);
        let products = product_counts
            .into_iter()
            .map(|(lc, count)| (lc_words[lc as usize].to_string(), count))
            .collect();
        if terms.is_empty() {
            return Ranking {
                phrases: Vec::new(),
                products,
                lc_ids,
                lc_info,
            };
        }

        let scores = term_scores(&terms, sentences.len());

        // Candidates in order of first appearance, so ties keep YAKE's order. A candidate's
        // key packs its (id + 1)s into 21 bits each.
        let mut index: FxHashMap<u64, usize> =
            FxHashMap::with_capacity_and_hasher(tokens.len() * 2, Default::default());
        let mut candidates: Vec<(u64, u32)> = Vec::with_capacity(tokens.len() * 2);
        for j in 0..tokens.len() {
            let mut key = 0u64;
            let mut chars = 0;
            for (k, &(lc, tag)) in tokens[j..].iter().take(NGRAMS).enumerate() {
                if tag.blocks_candidates() || lc_info[lc as usize].stop {
                    break;
                }
                key |= u64::from(lc + 1) << (21 * k);
                chars += lc_info[lc as usize].chars;
                if chars < MIN_CHARS {
                    continue;
                }
                match index.get(&key) {
                    Some(&at) => candidates[at].1 += 1,
                    None => {
                        index.insert(key, candidates.len());
                        candidates.push((key, 1));
                    }
                }
            }
        }
        let ids = |key: u64| {
            (0..NGRAMS)
                .map(move |k| ((key >> (21 * k)) & 0x1f_ffff) as u32)
                .take_while(|&id| id != 0)
                .map(|id| id - 1)
        };

        let mut ranked: Vec<(f64, usize)> = candidates
            .iter()
            .enumerate()
            .map(|(at, &(key, count))| {
                let mut product = 1.0;
                let mut sum = 0.0;
                for lc in ids(key) {
                    let score = scores[lc_info[lc as usize].uq as usize];
                    product *= score;
                    sum += score;
                }
                if sum == -1.0 {
                    sum = 0.999_999_999;
                }
                (product / (f64::from(count) * (1.0 + sum)), at)
            })
            .filter(|(score, _)| score.is_finite())
            .collect();
        let by_score = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        if ranked.len() > n && n > 0 {
            ranked.select_nth_unstable_by(n - 1, by_score);
            ranked.truncate(n);
        }
        ranked.sort_unstable_by(by_score);
        let phrases = ranked
            .into_iter()
            .take(n)
            .map(|(_, at)| {
                ids(candidates[at].0)
                    .map(|lc| lc_words[lc as usize].as_ref())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        Ranking {
            phrases,
            products,
            lc_ids,
            lc_info,
        }
    }

    /// Fills in each term's median sentence index from the (term, sentence) list, grouped
    /// by a counting sort (the list is already in sentence order).
    fn set_median_sentences(terms: &mut [Term], term_sentences: &[(u32, u32)]) {
        let mut start = Vec::with_capacity(terms.len() + 1);
        let mut total = 0;
        for term in terms.iter() {
            start.push(total);
            total += term.sentence_count as usize;
        }
        start.push(total);
        let mut fill = start.clone();
        let mut grouped = vec![0u32; total];
        for &(uq, s_idx) in term_sentences {
            grouped[fill[uq as usize]] = s_idx;
            fill[uq as usize] += 1;
        }
        for (k, term) in terms.iter_mut().enumerate() {
            term.median_sentence = median(&grouped[start[k]..start[k + 1]]);
        }
    }

    /// A model or product name: letters and digits, starting with a letter ("gpt-4.5",
    /// "m4"), not a unit or ordinal ("10x", "5th").
    fn is_product_name(word: &str) -> bool {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        word.len() <= 24
            && letters >= 2
            && word.chars().any(|c| c.is_ascii_digit())
            && word.chars().next().is_some_and(char::is_alphabetic)
    }

    /// YAKE's single-term score (lower is better) for every term.
    fn term_scores(terms: &[Term], sentence_count: usize) -> Vec<f64> {
        let content_tfs: Vec<f64> = terms.iter().filter(|t| t.content).map(|t| f64::from(t.tf)).collect();
        let mean = content_tfs.iter().sum::<f64>() / content_tfs.len().max(1) as f64;
        let variance =
            content_tfs.iter().map(|tf| (tf - mean) * (tf - mean)).sum::<f64>() / content_tfs.len().max(1) as f64;
        let std = variance.sqrt();
        let max_tf = terms.iter().map(|t| t.tf).max().unwrap_or(1).max(1) as f64;
        let sentence_count = sentence_count.max(1) as f64;
        terms
            .iter()
            .map(|t| {
                let tf = f64::from(t.tf.max(1));
                let casing = f64::from(t.tf_acronym.max(t.tf_upper)) / (1.0 + tf.ln());
                let position = (3.0 + t.median_sentence).ln().ln();
                let frequency = tf / (mean + std);
                let dl = if t.left_total == 0 {
                    0.0
                } else {
                    f64::from(t.left_distinct) / f64::from(t.left_total)
                };
                let dr = if t.right_total == 0 {
                    0.0
                } else {
                    f64::from(t.right_distinct) / f64::from(t.right_total)
                };
                let relatedness = 1.0 + (dl + dr) * (tf / max_tf);
                let spread = f64::from(t.sentence_count) / sentence_count;
                (relatedness * position) / (casing + frequency / relatedness + spread / relatedness)
            })
            .collect()
    }

    fn median(sorted: &[u32]) -> f64 {
        match sorted.len() {
            0 => 0.0,
            n if n % 2 == 0 => (f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0,
            n => f64::from(sorted[n / 2]),
        }
    }

    /// Words and punctuation marks of a sentence: a word is a run of letters and digits with
    /// inner joiners ("gpt-4.5", "don't"); a possessive "'s" is dropped, as YAKE drops it;
    /// every other mark is a token of its own.
    fn tokenize<'a>(sentence: &'a str, out: &mut Vec<&'a str>) {
        out.clear();
        let bytes = sentence.as_bytes();
        // ASCII is classified by byte; only other characters are decoded.
        let char_at = |i: usize| -> (char, usize) {
            match bytes.get(i) {
                Some(&b) if b < 0x80 => (b as char, 1),
                Some(_) => sentence[i..].chars().next().map_or((' ', 1), |c| (c, c.len_utf8())),
                None => (' ', 0),
            }
        };
        let mut start: Option<usize> = None;
        let mut i = 0;
        while i < bytes.len() {
            let (c, len) = char_at(i);
            if c.is_alphanumeric() {
                start.get_or_insert(i);
                i += len;
                continue;
            }
            if start.is_some()
                && matches!(c, '-' | '.' | '\'' | '’' | '&' | '_')
                && char_at(i + len).0.is_alphanumeric()
            {
                i += len;
                continue;
            }
            if let Some(s) = start.take() {
                out.push(strip_possessive(&sentence[s..i]));
            }
            if !c.is_whitespace() {
                out.push(&sentence[i..i + len]);
            }
            i += len;
        }
        if let Some(s) = start {
            out.push(strip_possessive(&sentence[s..]));
        }
    }

    fn strip_possessive(word: &str) -> &str {
        word.strip_suffix("'s")
            .or_else(|| word.strip_suffix("’s"))
            .unwrap_or(word)
    }

    fn tag_of(word: &str, first_in_sentence: bool) -> Tag {
        let (mut has_digits, mut has_alphas, mut all_punctuation, mut all_upper) = (false, false, true, true);
        let (mut first_upper, mut later_upper) = (false, false);
        let mut marks: u128 = 0;
        for (k, c) in word.chars().enumerate() {
            has_digits |= c.is_ascii_digit();
            has_alphas |= c.is_alphabetic();
            let upper = c.is_uppercase();
            all_upper &= upper;
            if k == 0 {
                first_upper = upper;
            } else {
                later_upper |= upper;
            }
            if is_punctuation(c) {
                marks |= 1 << (c as u32);
            } else {
                all_punctuation = false;
            }
        }
        if has_digits && is_numeric(word) {
            Tag::Digit
        } else if all_punctuation {
            Tag::Punctuation
        } else if marks.count_ones() > 1 || has_alphas == has_digits {
            Tag::Unparsable
        } else if all_upper {
            Tag::Acronym
        } else if !first_in_sentence && first_upper && !later_upper {
            Tag::Uppercase
        } else {
            Tag::Parsable
        }
    }

    /// Parses as a float once thousands separators are removed, as YAKE checks.
    fn is_numeric(word: &str) -> bool {
        if word.contains(',') {
            word.replace(',', "").parse::<f64>().is_ok()
        } else {
            word.parse::<f64>().is_ok()
        }
    }

    /// YAKE's default punctuation set is ASCII punctuation without ";" (its list repeats ","
    /// where ";" would be).
    fn is_punctuation(c: char) -> bool {
        c.is_ascii_punctuation() && c != ';'
    }

    /// YAKE's plural folding: drop a final "s" from words of four letters or more.
    fn to_single(word: &str) -> &str {
        if word.chars().take(4).count() > 3 && word.ends_with(['s', 'S']) {
            &word[..word.len() - 1]
        } else {
            word
        }
    }

    fn is_stopword(lc: &str) -> bool {
        let single = to_single(lc);
        YAKE_STOP_WORDS.contains(lc)
            || YAKE_STOP_WORDS.contains(single)
            || single.chars().filter(|&c| !is_punctuation(c)).count() < 3
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// On text whose tokens both tokenisers agree on, the port ranks the stop-word-free
        /// candidates exactly as yake-rust does.
        #[test]
        fn matches_yake_rust() {
            let text = "Google released Gemini today. Gemini beats rival models on coding benchmarks. \
                Developers can try Gemini in Google AI Studio. The Gemini models are fast and cheap. \
                Rival labs such as Anthropic and OpenAI ship coding models too.";
            let sentences = crate::text::sentences::split(text);
            let ours = rank(&sentences, 0, 8).phrases;
            let reference: Vec<String> =
                yake_rust::get_n_best(200, text, &YAKE_STOP_WORDS, &yake_rust::Config::default())
                    .into_iter()
                    .map(|item| item.keyword)
                    .filter(|k| k.split_whitespace().all(|w| !is_stopword(w)))
                    .take(8)
                    .collect();
            assert_eq!(ours, reference);
        }

        #[test]
        fn tokens_and_tags() {
            let mut tokens = Vec::new();
            tokenize("OpenAI's GPT-4.5 (new) costs $75.", &mut tokens);
            assert_eq!(tokens, ["OpenAI", "GPT-4.5", "(", "new", ")", "costs", "$", "75", "."]);
            assert_eq!(tag_of("2,024", false), Tag::Digit);
            assert_eq!(tag_of("GPT-4.5", false), Tag::Unparsable);
            assert_eq!(tag_of("NASA", false), Tag::Acronym);
            assert_eq!(tag_of("Gemini", false), Tag::Uppercase);
            assert_eq!(tag_of("Gemini", true), Tag::Parsable);
            assert_eq!(tag_of("(", false), Tag::Punctuation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "OpenAI released GPT-5 on Thursday, its most capable language model so far. \
        The language model beats GPT-4.5 on coding benchmarks and costs less to run. \
        OpenAI said GPT-5 will be available to ChatGPT users and through the API. \
        Developers can use the API today, and enterprise customers get access next week. \
        Language models from Google and Anthropic compete on the same benchmarks.";

    #[test]
    fn keywords_are_lower_case_unique_and_capped() {
        let tags = keywords("OpenAI launches GPT-5", TEXT, 6);
        assert!(!tags.is_empty() && tags.len() <= 6, "{tags:?}");
        for tag in &tags {
            assert_eq!(tag, &tag.to_lowercase());
            assert!(!tag.split_whitespace().any(is_stopword), "{tag}");
            assert!(!is_number(tag), "{tag}");
            assert!((1..=3).contains(&tag.split_whitespace().count()), "{tag}");
        }
        assert!(tags.contains(&"openai".to_string()), "{tags:?}");
        assert!(tags.contains(&"gpt-5".to_string()), "{tags:?}");
        let unique: HashSet<&String> = tags.iter().collect();
        assert_eq!(unique.len(), tags.len());
    }

    #[test]
    fn no_plural_or_contained_duplicates() {
        let tags = keywords("Language models", TEXT, 6);
        let stems: Vec<Vec<String>> = tags
            .iter()
            .map(|t| t.split_whitespace().map(plural_stem_with_es).collect())
            .collect();
        for (i, a) in stems.iter().enumerate() {
            for b in &stems[i + 1..] {
                assert!(!overlaps(a, b), "{tags:?}");
            }
        }
    }

    #[test]
    fn degenerate_inputs() {
        assert!(keywords("", "", 5).is_empty());
        assert!(keywords("Title", "text", 0).is_empty());
        assert!(keywords("", "the of and 2024 42", 5).is_empty());
        assert_eq!(keywords("Quantum computing", "", 5), ["quantum computing"]);
        // Non-English text must not panic.
        let _ = keywords("Новости", "Компания выпустила новую модель. Модель стала быстрее.", 5);
        let _ = keywords("", "今天发布了新模型。模型很好。", 5);
    }
}
