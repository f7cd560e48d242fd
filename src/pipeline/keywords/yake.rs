//! YAKE (Campos et al., 2020) as `yake-rust` 1.0.3 computes it, with window size 1, n-grams
//! up to 3 and strict capitalisation, restricted to candidates without stop words (the only
//! ones a tag can use, and the ones whose score needs no stop-word bridging terms).

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
    let mut index: FxHashMap<u64, usize> = FxHashMap::with_capacity_and_hasher(tokens.len() * 2, Default::default());
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
        if start.is_some() && matches!(c, '-' | '.' | '\'' | '’' | '&' | '_') && char_at(i + len).0.is_alphanumeric()
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
        let reference: Vec<String> = yake_rust::get_n_best(200, text, &YAKE_STOP_WORDS, &yake_rust::Config::default())
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
