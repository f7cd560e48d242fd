//! Words of English text: tokens, stop lists and plural stemming, for every stage that
//! compares texts by their words (clustering, keywords, the summariser, podcast segmenting).

use std::sync::LazyLock;

use yake_rust::StopWords;

/// Lower-cased word tokens: runs of letters and digits, with inner `'`, `-`, `.` and `+`
/// kept when letters or digits follow (so "GPT-4.5", "C++" and "don't" stay whole).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
            continue;
        }
        let joins = matches!(c, '\'' | '’' | '-' | '.' | '+')
            && !current.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        let trailing_plus = c == '+' && !current.is_empty();
        if joins {
            current.push(if c == '’' { '\'' } else { c });
        } else if trailing_plus {
            current.push('+');
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Content words: tokens that are not stop words and not bare numbers of one digit.
pub fn content_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !(is_stopword(w) || is_single_digit(w)))
        .collect()
}

fn is_single_digit(word: &str) -> bool {
    word.len() == 1 && word.chars().all(|c| c.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------
// Stop lists
//
// Three lists, because the texts differ. Speech ([`SPOKEN_STOPWORDS`]) adds conversational
// filler and talk verbs ("yeah", "gonna", "basically", "know", "actually"), which in a
// transcript name no topic; written news ([`STOPWORDS`]) keeps those as words and lists a
// few the spoken list lacks ("new", "use", "using"). The summariser, clustering and tags
// use the written list, podcast segmenting the spoken one; a union would change what each
// of them keeps. YAKE's own list ([`YAKE_STOP_WORDS`]) is the one its scores are defined
// over, so the keyword ranker must use exactly that one.
// ---------------------------------------------------------------------------------------

/// English function words that carry no topic in written text.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Function words and conversational filler that carry no topic in speech; a curly
/// apostrophe (`don’t`) counts as a straight one.
pub fn is_spoken_stopword(word: &str) -> bool {
    SPOKEN_STOPWORDS.binary_search(&word).is_ok()
        || (word.contains('’') && SPOKEN_STOPWORDS.binary_search(&word.replace('’', "'").as_str()).is_ok())
}

/// `yake-rust`'s English stop list.
pub static YAKE_STOP_WORDS: LazyLock<StopWords> = LazyLock::new(|| StopWords::predefined("en").unwrap_or_default());

/// Stop words of written English, sorted so lookups can binary-search.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren't",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "got",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "here's",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "how's",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "let's",
    "like",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "mustn't",
    "my",
    "myself",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "really",
    "said",
    "same",
    "say",
    "says",
    "shan't",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "use",
    "used",
    "using",
    "very",
    "via",
    "was",
    "wasn't",
    "way",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "well",
    "were",
    "weren't",
    "what",
    "what's",
    "when",
    "when's",
    "where",
    "where's",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "why",
    "why's",
    "will",
    "with",
    "won't",
    "would",
    "wouldn't",
    "yet",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Stop words of spoken English, sorted so lookups can binary-search.
const SPOKEN_STOPWORDS: &[&str] = &[
    "a",
    "able",
    "about",
    "above",
    "across",
    "actually",
    "after",
    "again",
    "against",
    "all",
    "almost",
    "already",
    "alright",
    "also",
    "although",
    "always",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "anyone",
    "anything",
    "anyway",
    "are",
    "aren't",
    "around",
    "as",
    "at",
    "away",
    "back",
    "basically",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "bit",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "course",
    "definitely",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "done",
    "down",
    "during",
    "each",
    "either",
    "else",
    "enough",
    "especially",
    "essentially",
    "even",
    "ever",
    "every",
    "everyone",
    "everything",
    "exactly",
    "fact",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "go",
    "goes",
    "going",
    "gone",
    "gonna",
    "got",
    "gotta",
    "guess",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "here's",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "honestly",
    "how",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "interesting",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "kind",
    "know",
    "knows",
    "let",
    "let's",
    "like",
    "likely",
    "literally",
    "lot",
    "lots",
    "made",
    "make",
    "makes",
    "many",
    "may",
    "maybe",
    "me",
    "mean",
    "means",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "need",
    "needs",
    "no",
    "nor",
    "not",
    "nothing",
    "now",
    "of",
    "off",
    "often",
    "oh",
    "ok",
    "okay",
    "on",
    "once",
    "one",
    "ones",
    "only",
    "or",
    "other",
    "others",
    "otherwise",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "perhaps",
    "pretty",
    "probably",
    "quite",
    "rather",
    "really",
    "right",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "see",
    "seem",
    "seems",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "since",
    "so",
    "some",
    "something",
    "sort",
    "still",
    "stuff",
    "such",
    "sure",
    "take",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "too",
    "totally",
    "toward",
    "towards",
    "true",
    "uh",
    "um",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "want",
    "wants",
    "was",
    "wasn't",
    "way",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "well",
    "went",
    "were",
    "weren't",
    "what",
    "what's",
    "whatever",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "won't",
    "would",
    "wouldn't",
    "wow",
    "yeah",
    "yep",
    "yes",
    "yet",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
];

// ---------------------------------------------------------------------------------------
// Plural stemming
// ---------------------------------------------------------------------------------------

/// `word` without a trailing possessive "'s" or "’s".
pub fn strip_possessive(word: &str) -> &str {
    word.trim_end_matches("'s").trim_end_matches("’s")
}

/// A light stem that folds English plural endings, which is what separates most repeated
/// terms: "-ies" becomes "-y" ("companies"), a final "-s" goes except after "s", "u" or "i"
/// ("models", but "class", "bus", "analysis"). The summariser's term vectors and podcast
/// segmenting compare words by this stem.
pub fn plural_stem(word: &str) -> String {
    fold_plural(word, false)
}

/// [`plural_stem`] after [`strip_possessive`], that also folds "-es" after a sibilant
/// ("switches", "boxes", "classes"). That merges most plural tags with their singular
/// ("switch" / "switches"), at the price of splitting a few words ending in "-che" ("cache"
/// / "caches"); fine for telling near-duplicate tags apart, which is what it is for.
pub fn plural_stem_with_es(word: &str) -> String {
    fold_plural(strip_possessive(word), true)
}

fn fold_plural(word: &str, sibilant_es: bool) -> String {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..n - 3]);
    }
    let sibilant = |w: &str| w.ends_with("ches") || w.ends_with("shes") || w.ends_with("sses") || w.ends_with("xes");
    if sibilant_es && n > 4 && sibilant(word) {
        return word[..n - 2].to_string();
    }
    if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        return word[..n - 1].to_string();
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(
            STOPWORDS.windows(2).all(|w| w[0] < w[1]),
            "STOPWORDS must stay sorted and unique"
        );
        assert!(
            SPOKEN_STOPWORDS.windows(2).all(|w| w[0] < w[1]),
            "SPOKEN_STOPWORDS must stay sorted and unique"
        );
    }

    #[test]
    fn words_keep_model_names_whole() {
        assert_eq!(
            words("GPT-4.5 beats C++ code, doesn't it?"),
            ["gpt-4.5", "beats", "c++", "code", "doesn't", "it"]
        );
        assert_eq!(content_words("The new Llama 3 model is out"), ["llama", "model"]);
    }

    #[test]
    fn spoken_stopwords_take_either_apostrophe() {
        assert!(is_spoken_stopword("don't") && is_spoken_stopword("don’t") && is_spoken_stopword("yeah"));
        assert!(!is_spoken_stopword("model") && !is_stopword("yeah"));
    }

    #[test]
    fn stem_merges_plurals() {
        assert_eq!(plural_stem_with_es("models"), "model");
        assert_eq!(plural_stem_with_es("companies"), "company");
        assert_eq!(plural_stem_with_es("openai's"), "openai");
        assert_eq!(plural_stem_with_es("bus"), "bus");
        assert_eq!(plural_stem_with_es("analysis"), "analysis");
    }

    #[test]
    fn only_the_tag_stem_folds_sibilant_es() {
        assert_eq!(plural_stem_with_es("switches"), "switch");
        assert_eq!(plural_stem("switches"), "switche");
        assert_eq!(plural_stem("caches"), "cache");
        assert_eq!(plural_stem(strip_possessive("Anthropic’s")), "Anthropic");
    }
}
