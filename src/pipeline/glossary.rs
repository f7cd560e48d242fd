//! The shipped AI and tech glossary behind the summary "decoder".
//!
//! The entries live in `glossary.tsv` next to this file (canonical term, aliases, one-line
//! definition) and are compiled into the binary. On first use they are parsed and turned
//! into two Aho-Corasick automata, so [`decode`] is one linear pass over the text.
//!
//! Matching rules, chosen to avoid false hits in ordinary prose:
//!
//! - acronyms and other aliases written with capitals (`MoE`, `RAG`, `TPU`, `LoRA`, `Arm`)
//!   match case-sensitively, so "rag", "arm" or "rust" in prose are not terms;
//!   lower-case phrases ("mixture of experts") match in any case;
//! - a match must start and end at a word boundary, so "drag" never contains RAG;
//! - plurals are generated (`agents`, `embeddings`, `LLMs`, `vulnerabilities`);
//! - where aliases overlap, the longest match wins ("vision-language model" over "model").

use std::collections::HashSet;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};

/// One jargon term found in a text, with its one-line definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecoderEntry {
    pub term: String,
    pub definition: String,
}

/// One glossary entry as shipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryEntry {
    /// The term as the decoder shows it.
    pub term: &'static str,
    /// Other spellings, acronym forms and irregular inflections (plurals are generated).
    pub aliases: Vec<&'static str>,
    pub definition: &'static str,
}

const GLOSSARY_TSV: &str = include_str!("glossary.tsv");

struct Matcher {
    entries: Vec<GlossaryEntry>,
    /// Aliases that must match exactly as written.
    exact: Option<AhoCorasick>,
    exact_owner: Vec<usize>,
    /// Aliases that match in any case.
    folded: Option<AhoCorasick>,
    folded_owner: Vec<usize>,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| Matcher::new(parse(GLOSSARY_TSV)));

/// Every glossary entry, in file order.
pub fn entries() -> &'static [GlossaryEntry] {
    &MATCHER.entries
}

/// Glossary terms that occur in `text`, in order of first appearance, at most `max`.
pub fn decode(text: &str, max: usize) -> Vec<DecoderEntry> {
    if max == 0 || text.is_empty() {
        return Vec::new();
    }
    let matcher = &*MATCHER;
    let mut hits: Vec<(usize, usize, usize)> = Vec::new();
    for (automaton, owners) in [
        (&matcher.exact, &matcher.exact_owner),
        (&matcher.folded, &matcher.folded_owner),
    ] {
        let Some(automaton) = automaton else { continue };
        // Overlapping search: a leftmost match that fails the boundary test must not hide
        // a shorter or later one that passes.
        for m in automaton.find_overlapping_iter(text) {
            if at_word_boundary(text, m.start(), m.end()) {
                hits.push((m.start(), m.end(), owners[m.pattern().as_usize()]));
            }
        }
    }
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));

    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut covered_to = 0;
    for (start, end, entry) in hits {
        if start < covered_to {
            continue;
        }
        covered_to = end;
        if seen.insert(entry) {
            let e = &matcher.entries[entry];
            out.push(DecoderEntry {
                term: e.term.to_string(),
                definition: e.definition.to_string(),
            });
            if out.len() == max {
                break;
            }
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn at_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

/// Parses the TSV; lines that are blank, comments or malformed are skipped (the tests
/// check that none are malformed).
fn parse(tsv: &'static str) -> Vec<GlossaryEntry> {
    tsv.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let term = fields.next()?.trim();
            let aliases = fields.next()?;
            let definition = fields.next()?.trim();
            if term.is_empty() || definition.is_empty() || fields.next().is_some() {
                return None;
            }
            let aliases = aliases.split('|').map(str::trim).filter(|a| !a.is_empty()).collect();
            Some(GlossaryEntry {
                term,
                aliases,
                definition,
            })
        })
        .collect()
}

/// Whether an alias must match with its exact capitalisation: acronyms (two or more
/// capitals), short capitalised names that are also common words (Arm, Rust, Elo), and
/// camel case (vLLM, PyTorch).
fn is_case_sensitive(alias: &str) -> bool {
    let upper = alias.chars().filter(|c| c.is_uppercase()).count();
    if upper >= 2 || (upper == 1 && alias.chars().count() <= 5) {
        return true;
    }
    let mut prev: Option<char> = None;
    for c in alias.chars() {
        if c.is_uppercase() && prev.is_some_and(char::is_alphanumeric) {
            return true;
        }
        prev = Some(c);
    }
    false
}

/// The regular plural of an alias, if it takes one: acronyms get a lower-case `s`
/// (LLMs), words their English plural (agents, vulnerabilities, boxes).
fn plural(alias: &str) -> Option<String> {
    let last = alias.chars().next_back()?;
    if last.is_uppercase() {
        return Some(format!("{alias}s"));
    }
    if !last.is_lowercase() || alias.ends_with('s') {
        return None;
    }
    if let Some(stem) = alias.strip_suffix('y') {
        let vowel_before = stem.chars().next_back().is_some_and(|c| "aeiou".contains(c));
        if !vowel_before {
            return Some(format!("{stem}ies"));
        }
    }
    if alias.ends_with(['x', 'z']) || alias.ends_with("ch") || alias.ends_with("sh") {
        return Some(format!("{alias}es"));
    }
    Some(format!("{alias}s"))
}

impl Matcher {
    fn new(entries: Vec<GlossaryEntry>) -> Self {
        let mut exact = Vec::new();
        let mut exact_owner = Vec::new();
        let mut folded = Vec::new();
        let mut folded_owner = Vec::new();
        let mut seen = HashSet::new();
        // Explicit spellings first, so a generated plural never shadows one of them.
        let explicit: Vec<(String, usize)> = entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| {
                std::iter::once(e.term)
                    .chain(e.aliases.iter().copied())
                    .map(move |a| (a.to_string(), i))
            })
            .collect();
        let generated: Vec<(String, usize)> = explicit
            .iter()
            .filter_map(|(a, i)| plural(a).map(|p| (p, *i)))
            .collect();
        for (alias, owner) in explicit.into_iter().chain(generated) {
            let sensitive = is_case_sensitive(&alias);
            let key = if sensitive { alias.clone() } else { alias.to_lowercase() };
            if !seen.insert((sensitive, key)) {
                continue;
            }
            if sensitive {
                exact.push(alias);
                exact_owner.push(owner);
            } else {
                folded.push(alias);
                folded_owner.push(owner);
            }
        }
        let build = |patterns: &[String], fold: bool| {
            if patterns.is_empty() {
                return None;
            }
            // A build failure (only possible past aho-corasick's size limits) leaves that
            // half of the glossary unmatched rather than failing every summary.
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(fold)
                .build(patterns)
                .ok()
        };
        Matcher {
            exact: build(&exact, false),
            folded: build(&folded, true),
            exact_owner,
            folded_owner,
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, max: usize) -> Vec<String> {
        decode(text, max).into_iter().map(|e| e.term).collect()
    }

    #[test]
    fn every_line_parses_and_there_are_enough_entries() {
        let lines = GLOSSARY_TSV
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(entries().len(), lines, "a glossary line is malformed");
        assert!(entries().len() >= 170, "only {} entries", entries().len());
    }

    #[test]
    fn definitions_are_short_and_present() {
        for e in entries() {
            let words = e.definition.split_whitespace().count();
            assert!(words > 0, "{} has no definition", e.term);
            assert!(words <= 25, "{} definition has {words} words", e.term);
            assert!(!e.term.contains('|'), "{}", e.term);
        }
    }

    #[test]
    fn no_duplicate_terms_or_aliases() {
        let mut terms = HashSet::new();
        for e in entries() {
            assert!(terms.insert(e.term.to_lowercase()), "duplicate term {}", e.term);
        }
        // Two spellings collide when they would match the same text: equal as written, or
        // equal ignoring case where either one ignores case.
        let mut spellings: Vec<(String, bool, &str)> = Vec::new();
        for e in entries() {
            let mut own = HashSet::new();
            for a in std::iter::once(e.term).chain(e.aliases.iter().copied()) {
                assert!(own.insert(a), "{} lists {a} twice", e.term);
                spellings.push((a.to_string(), is_case_sensitive(a), e.term));
            }
        }
        for (i, (a, sa, ta)) in spellings.iter().enumerate() {
            for (b, sb, tb) in &spellings[i + 1..] {
                if ta == tb {
                    continue;
                }
                let clash = if *sa && *sb { a == b } else { a.eq_ignore_ascii_case(b) };
                assert!(!clash, "{a} ({ta}) and {b} ({tb}) collide");
            }
        }
    }

    #[test]
    fn acronyms_are_case_sensitive_whole_words() {
        assert!(terms("Drag and drop the file, don't brag, use a rag.", 10).is_empty());
        assert_eq!(terms("We built a RAG pipeline.", 10), ["RAG"]);
        assert_eq!(terms("The new MoE has 64 experts.", 10), ["MoE"]);
        assert!(terms("a moe of water", 10).is_empty());
        assert!(terms("He hurt his arm and found rust on the car.", 10).is_empty());
        assert_eq!(terms("Arm-based laptops", 10), ["Arm"]);
        assert!(terms("STPU and TPUX are not chips", 10).is_empty());
        assert!(terms("Pay attention: the temperature of the transformer rose.", 10).len() <= 2);
        assert!(!terms("Pay attention to this.", 10).contains(&"attention mechanism".to_string()));
    }

    #[test]
    fn phrases_ignore_case_and_plurals_match() {
        assert_eq!(terms("A Mixture-of-Experts design", 10), ["MoE"]);
        assert_eq!(terms("Agents now call tools.", 10), ["agent"]);
        assert_eq!(terms("LLMs and their embeddings", 10), ["LLM", "embedding"]);
        assert_eq!(terms("two zero-day vulnerabilities", 10), ["zero-day"]);
        assert_eq!(terms("Google's TPUs", 10), ["TPU"]);
    }

    #[test]
    fn each_term_once_in_order_of_first_appearance_up_to_max() {
        let text = "RLHF tunes the LLM; then quantization shrinks it. The LLM runs on a GPU with HBM. RLHF again.";
        assert_eq!(terms(text, 10), ["RLHF", "LLM", "quantization", "GPU", "HBM"]);
        assert_eq!(terms(text, 2), ["RLHF", "LLM"]);
        assert!(terms(text, 0).is_empty());
    }

    #[test]
    fn longest_alias_wins_and_vllm_is_not_llm() {
        assert_eq!(terms("served with vLLM", 10), ["vLLM"]);
        assert_eq!(terms("the Model Context Protocol (MCP)", 10), ["MCP"]);
        assert_eq!(terms("a small language model", 10), ["SLM"]);
        assert_eq!(terms("reinforcement learning from human feedback", 10), ["RLHF"]);
    }

    #[test]
    fn brief_terms_are_covered() {
        for t in [
            "context window",
            "distillation",
            "RLAIF",
            "DPO",
            "NPU",
            "CUDA",
            "QLoRA",
            "fine-tuning",
            "pre-training",
            "inference",
            "token",
            "tokenizer",
            "vector database",
            "agentic",
            "tool use",
            "chain of thought",
            "reasoning model",
            "test-time compute",
            "hallucination",
            "alignment",
            "interpretability",
            "sparse autoencoder",
            "jailbreak",
            "prompt injection",
            "red teaming",
            "MMLU",
            "SWE-bench",
            "GPQA",
            "ARC-AGI",
            "HumanEval",
            "LMArena",
            "transformer",
            "attention mechanism",
            "diffusion model",
            "multimodal",
            "TTS",
            "ASR",
            "open weights",
            "parameters",
            "FLOPs",
            "scaling laws",
            "synthetic data",
            "overfitting",
            "KV cache",
            "speculative decoding",
            "FlashAttention",
            "GGUF",
            "ONNX",
            "PyTorch",
            "JAX",
            "AGI",
            "ASI",
            "frontier model",
            "foundation model",
            "zero-shot",
            "few-shot",
            "in-context learning",
            "system prompt",
            "temperature",
            "latency",
            "throughput",
            "data centre",
            "hyperscaler",
            "export controls",
            "EU AI Act",
            "CVE",
            "zero-day",
            "supply-chain attack",
            "RCE",
            "SOC 2",
        ] {
            assert!(entries().iter().any(|e| e.term == t), "missing {t}");
            assert_eq!(terms(t, 3), [t], "{t} does not find itself");
        }
    }

    #[test]
    fn empty_text_and_unicode_are_fine() {
        assert!(decode("", 5).is_empty());
        assert_eq!(terms("ünïcode — données: l’LLM « ok »", 5), ["LLM"]);
    }
}
