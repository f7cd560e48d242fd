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

mod yake;

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
