//! The TL;DR: the lead sentence unless another one earns its place, and never a sentence
//! that reads as the middle of a thought.
//!
//! News puts the story first, so the TL;DR starts from the lead (the first sentence that can
//! stand alone) and departs from it only for a sentence whose score beats the lead's by
//! [`Tuning::departure`]: a stated result, the title's subject, the centre of the text. What
//! "can stand alone" means is spelt out here, one rule a function:
//! - no question, fragment, list introduction (":"), editor's note or chatter;
//! - no opening connective ("But", "And", "However,", "So"…): the connective is dropped
//!   when what follows is a sentence of its own, else the sentence is passed over;
//! - no opening pronoun or pointer that needs an earlier sentence ("It", "This", "They",
//!   "The latter", "For example"…);
//! - one sentence of at most [`TLDR_MAX_WORDS`] words, compressed and cut at a clause
//!   boundary (see [`super::compress`]).
//!
//! Labels ("Summary:", "TL;DR:", "Update:"), bylines and datelines never reach this far:
//! [`super::features`] strips them from every sentence.

use super::*;

/// Connectives that tie a sentence to the one before it. Dropping them leaves a sentence
/// that may stand alone ("However, the model is slower." → "The model is slower.").
const CONNECTIVES: &[&str] = &[
    "and",
    "but",
    "so",
    "yet",
    "or",
    "nor",
    "however",
    "still",
    "also",
    "plus",
    "meanwhile",
    "instead",
    "thus",
    "therefore",
    "hence",
    "moreover",
    "furthermore",
    "additionally",
    "besides",
    "nevertheless",
    "nonetheless",
    "then",
    "anyway",
    "indeed",
    "likewise",
    "similarly",
    "conversely",
    "otherwise",
    "consequently",
    "accordingly",
    "regardless",
    "of course",
    "that said",
    "even so",
    "in fact",
    "in addition",
    "as a result",
    "in other words",
    "on the other hand",
    "on top of that",
    "at the same time",
    "after all",
    "in any case",
    "because of this",
    "because of that",
    "as such",
    "to be fair",
    "by contrast",
    "in contrast",
    "in turn",
    "again",
    "now",
];

/// Openers that point at something said before: the sentence is not the story's start
/// whatever follows them.
const POINTERS: &[&str] = &[
    "it",
    "it's",
    "its",
    "they",
    "they're",
    "their",
    "them",
    "he",
    "he's",
    "she",
    "she's",
    "his",
    "her",
    "this",
    "that",
    "that's",
    "these",
    "those",
    "such",
    "both",
    "another",
    "here",
    "here's",
    "there's",
    "which",
    "the latter",
    "the former",
    "the same",
    "for example",
    "for instance",
    "in it",
    "in this",
    "in that",
    "of these",
    "of those",
    "to do this",
    "to do that",
    "like this",
    "unlike",
];

/// Nouns after "This"/"That" that make a time phrase, not a pointer: "This week, Google…".
const TIME_NOUNS: &[&str] = &[
    "week",
    "month",
    "year",
    "morning",
    "afternoon",
    "evening",
    "summer",
    "spring",
    "fall",
    "autumn",
    "winter",
    "quarter",
    "weekend",
    "time",
];

/// The sentence's words in lower case, apostrophes made straight, punctuation trimmed.
fn lower_words(text: &str, n: usize) -> Vec<String> {
    text.split_whitespace()
        .take(n)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .replace('’', "'")
                .to_lowercase()
        })
        .collect()
}

/// How many words a phrase of `list` opening `text` takes (0 when none does); the longest
/// phrase wins.
fn opening_phrase(words: &[String], list: &[&str]) -> usize {
    list.iter()
        .filter_map(|phrase| {
            let parts: Vec<&str> = phrase.split(' ').collect();
            (words.len() >= parts.len() && parts.iter().zip(words).all(|(p, w)| p == w)).then_some(parts.len())
        })
        .max()
        .unwrap_or(0)
}

/// True when `text` opens with a connective ("But", "However,", "That said,").
pub(super) fn opens_with_connective(text: &str) -> bool {
    let words = lower_words(text, 5);
    let n = opening_phrase(&words, CONNECTIVES);
    // "Now available: …", "Still image…" and "So-called" are not connectives: a one-word
    // adverb counts when it is a conjunction or is set off by a comma.
    n > 0 && (matches!(words[0].as_str(), "and" | "but" | "so" | "yet" | "or" | "nor") || n > 1 || comma_after(text, n))
}

/// True when the `n`-th word of `text` ends with a comma.
fn comma_after(text: &str, n: usize) -> bool {
    text.split_whitespace().nth(n - 1).is_some_and(|w| w.ends_with(','))
}

/// True when `text` opens with a pronoun or pointer that needs an earlier sentence ("It",
/// "This approach", "They", "For example,"). "This week" is a time, not a pointer.
pub(super) fn needs_antecedent(text: &str) -> bool {
    let words = lower_words(text, 4);
    let Some(first) = words.first() else {
        return false;
    };
    if matches!(first.as_str(), "this" | "that" | "these" | "those")
        && words.get(1).is_some_and(|w| TIME_NOUNS.contains(&w.as_str()))
    {
        return false;
    }
    // "That's why" and "It's official:" still point back; "There's" opens a new thought only
    // in speech, never in a one-liner.
    opening_phrase(&words, POINTERS) > 0
}

/// `text` without its opening connective, capitalised, when what is left stands alone:
/// at least six words and no pointer at its start. `None` when it does not.
pub(super) fn without_connective(text: &str) -> Option<String> {
    let words = lower_words(text, 5);
    let n = opening_phrase(&words, CONNECTIVES);
    if n == 0 {
        return Some(text.to_string());
    }
    let rest: Vec<&str> = text.split_whitespace().skip(n).collect();
    let rest = rest.join(" ");
    let rest = rest.trim_start_matches([',', ';', ':', '—', '–', '-', ' ']);
    if word_count(rest) < 6 || needs_antecedent(rest) || opens_with_connective(rest) {
        return None;
    }
    Some(capitalize_first(rest))
}

/// The TL;DR form of a sentence: compressed, its connective dropped, cut to the word limit
/// at a clause boundary. `None` when the sentence cannot open a summary (it needs an
/// earlier sentence) or has no clause boundary within the limit.
pub(super) fn tldr_form(sentence: &str, target: usize) -> Option<String> {
    let compressed = compress(sentence, true);
    let standalone = without_connective(&compressed)?;
    if needs_antecedent(&standalone) {
        return None;
    }
    shorten(&standalone, target).or_else(|| shorten(&standalone, TLDR_MAX_WORDS))
}

impl Analysis {
    /// Whether sentence `i` may be a TL;DR at all, before its wording is checked.
    fn tldr_eligible(&self, i: usize) -> bool {
        let s = &self.sentences[i];
        !s.question && !s.fragment && !s.incomplete && !s.meta && s.words >= 6 && s.chatter < 0.7
    }

    /// What a sentence offers as a TL;DR beyond the general score: a stated result or
    /// announcement counts for it; a first-person aside counts against.
    fn tldr_value(&self, i: usize) -> f32 {
        let s = &self.sentences[i];
        let t = &self.tuning;
        let mut value = s.score;
        if s.finding {
            value += t.finding;
        }
        if s.dangling {
            value -= t.dangling;
        }
        value
    }

    /// The TL;DR: the lead (the first sentence that can open a summary) unless a later one
    /// beats it by the departure margin; `None` when the text has no candidate at all.
    pub(super) fn pick_tldr(&self) -> Option<TldrPick> {
        let target = self.tuning.tldr_target_words.min(TLDR_MAX_WORDS);
        let mut forms: Vec<(usize, String)> = Vec::new();
        for &i in &self.candidates {
            if !self.tldr_eligible(i) {
                continue;
            }
            if let Some(text) = tldr_form(&self.sentences[i].text, target) {
                forms.push((i, text));
            }
        }
        let Some((lead, _)) = forms.first() else {
            return self.tldr_of_last_resort();
        };
        let lead_value = self.tldr_value(*lead);
        let mut pick = 0;
        let mut best = lead_value + self.tuning.departure;
        for (k, &(i, _)) in forms.iter().enumerate().skip(1) {
            let value = self.tldr_value(i);
            if value > best {
                best = value;
                pick = k;
            }
        }
        let (index, text) = forms.swap_remove(pick);
        Some(TldrPick { index, text })
    }

    /// When no sentence can open a summary: the best candidate, its connective dropped where
    /// that leaves a sentence, cut hard at the limit. A text of headings and questions ends
    /// here; one without any candidate gets `None` (the caller shows the title).
    fn tldr_of_last_resort(&self) -> Option<TldrPick> {
        let index = self
            .candidates
            .iter()
            .copied()
            .filter(|&i| !needs_antecedent(&self.sentences[i].text))
            .max_by(|&a, &b| self.tldr_value(a).total_cmp(&self.tldr_value(b)).then(b.cmp(&a)))?;
        let compressed = compress(&self.sentences[index].text, true);
        let text = without_connective(&compressed).unwrap_or(compressed);
        if needs_antecedent(&text) || opens_with_connective(&text) {
            return None;
        }
        let text = shorten(&text, TLDR_MAX_WORDS).unwrap_or_else(|| hard_cut(&text, TLDR_MAX_WORDS));
        Some(TldrPick { index, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tldr(title: &str, text: &str) -> String {
        Extractive.summarize_document(Document { title, text }).tldr
    }

    #[test]
    fn connectives_are_recognised_only_as_connectives() {
        for opening in [
            "But here we are, and this has quickly turned into a race.",
            "And the model is open.",
            "However, the model is slower than its predecessor.",
            "So the team rewrote the scheduler.",
            "That said, the benchmark numbers are strong.",
            "On the other hand, prices went up.",
            "Still, the launch went well.",
        ] {
            assert!(opens_with_connective(opening), "{opening}");
        }
        for opening in [
            "Still images are now supported in the API.",
            "Now available: Gemini 2.5 Flash in Vertex AI.",
            "Andrej Karpathy released nanochat.",
            "Sora 2 ships today.",
        ] {
            assert!(!opens_with_connective(opening), "{opening}");
        }
    }

    #[test]
    fn a_dropped_connective_leaves_a_capitalised_sentence() {
        assert_eq!(
            without_connective("However, the new model is slower than its predecessor on long prompts.").as_deref(),
            Some("The new model is slower than its predecessor on long prompts.")
        );
        assert_eq!(
            without_connective("But OpenAI says the new model is cheaper to run at scale.").as_deref(),
            Some("OpenAI says the new model is cheaper to run at scale.")
        );
        // What is left still points back: no TL;DR can be made of it.
        assert_eq!(
            without_connective("But here we are, and this has quickly turned into a race."),
            None
        );
    }

    #[test]
    fn pointers_need_an_earlier_sentence_but_times_do_not() {
        for opening in [
            "It is faster than GPT-4o on every benchmark.",
            "This approach cuts memory use by half.",
            "They released the weights on Hugging Face.",
            "The latter is cheaper to run.",
            "For example, the model can call tools in parallel.",
            "Its context window is one million tokens.",
            "Here’s how it works under the hood.",
        ] {
            assert!(needs_antecedent(opening), "{opening}");
        }
        for opening in [
            "This week, Google released Gemma 3 in four sizes.",
            "Thistle is a new open-source scheduler.",
            "Italy fined OpenAI 15 million euros.",
            "The model is faster than GPT-4o.",
        ] {
            assert!(!needs_antecedent(opening), "{opening}");
        }
    }

    #[test]
    fn the_tldr_is_the_lead_when_nothing_beats_it() {
        let text = "Mistral released Devstral 2, an open coding model, on Tuesday. The model scores 72% on \
            SWE-bench Verified. It runs on a single GPU. Weights are on Hugging Face under Apache 2.0. \
            The company also updated its Vibe CLI.";
        assert_eq!(
            tldr("Mistral releases Devstral 2", text),
            "Mistral released Devstral 2, an open coding model, on Tuesday."
        );
    }

    #[test]
    fn the_tldr_never_opens_with_a_connective_or_a_pointer() {
        let text = "But here we are, and this has quickly turned into a race nobody planned for. \
            It started with a leaked memo last spring. \
            However, Anthropic released Claude Opus 4.6 with a one-million-token context window on Thursday. \
            This is the company's largest model so far. The model is available through the API.";
        let got = tldr("Anthropic releases Claude Opus 4.6", text);
        assert_eq!(
            got,
            "Anthropic released Claude Opus 4.6 with a one-million-token context window on Thursday."
        );
    }

    #[test]
    fn the_tldr_skips_a_question_a_list_introduction_and_chatter() {
        let text = "What if your laptop could run a frontier model? \
            Here is what we found after a week of testing: \
            Honestly, I did not expect much from it. \
            Apple's M5 Max runs a 70-billion-parameter model at 40 tokens per second. \
            Memory bandwidth is the limit.";
        assert_eq!(
            tldr("M5 Max runs big models", text),
            "Apple's M5 Max runs a 70-billion-parameter model at 40 tokens per second."
        );
    }

    #[test]
    fn labels_are_stripped_from_the_tldr() {
        for (text, expected) in [
            (
                "Summary: The White House issued an executive order on AI chips on Monday. Exports now need a licence. \
                 Vendors have 90 days to comply. Critics called it vague.",
                "The White House issued an executive order on AI chips on Monday.",
            ),
            (
                "TL;DR: Meta is cutting 600 jobs from its AI research unit this week. The cuts hit FAIR hardest. \
                 Staff were told on Wednesday. Hiring continues elsewhere.",
                "Meta is cutting 600 jobs from its AI research unit this week.",
            ),
            (
                "UPDATE 2: Nvidia shares fell 4% after the export rules were published. Analysts cut targets. \
                 The rules take effect in May. China sales were 13% of revenue.",
                "Nvidia shares fell 4% after the export rules were published.",
            ),
        ] {
            assert_eq!(tldr("", text), expected);
        }
    }

    #[test]
    fn bylines_and_datelines_are_stripped_from_the_tldr() {
        for text in [
            "By Jane Doe and John Roe | The EU fined Meta 200 million euros over its pay-or-consent model. \
             Meta will appeal. The fine is the first under the DMA. More are expected.",
            "BRUSSELS (Reuters) - The EU fined Meta 200 million euros over its pay-or-consent model. \
             Meta will appeal. The fine is the first under the DMA. More are expected.",
            "By Jane Doe, Reuters\nThe EU fined Meta 200 million euros over its pay-or-consent model. \
             Meta will appeal. The fine is the first under the DMA. More are expected.",
        ] {
            assert_eq!(
                tldr("", text),
                "The EU fined Meta 200 million euros over its pay-or-consent model.",
                "{text}"
            );
        }
    }

    #[test]
    fn a_long_lead_is_compressed_at_a_clause_boundary() {
        let text = "Google DeepMind released Gemini 3 Pro, its most capable model to date, which tops the LMArena \
            leaderboard, beats GPT-5 on 19 of 20 benchmarks, handles a million tokens of context and costs less than \
            its predecessor for most developers who use it through the Gemini API and Vertex AI. \
            It is available today. Pricing starts at $2 per million input tokens. Enterprise plans follow.";
        let got = tldr("Gemini 3 Pro", text);
        assert!(word_count(&got) <= TLDR_MAX_WORDS, "{got}");
        assert!(got.starts_with("Google DeepMind released Gemini 3 Pro"), "{got}");
        assert!(got.ends_with('.'), "{got}");
        assert!(!got.ends_with("…"), "{got}");
    }
}
