//! Near-duplicate clusters: the same story told by different outlets (other URLs, reworded
//! titles) becomes one cluster, so a digest shows it once with "also covered by".
//!
//! Candidates come from MinHash LSH (gaoya) over two token sets per article: the title's
//! content words, and word shingles of the lead. Candidate pairs are then confirmed on exact
//! Jaccard similarities, which is where the editorial rules live: the same launch retold
//! must merge, while two different stories about one event (a launch and an analysis of
//! its pricing) share a name but little else and stay apart.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use gaoya::minhash::{MinHashIndex, MinHasher, MinHasher32};

use crate::text::words::content_words;

/// What clustering looks at for one article.
#[derive(Debug, Clone, Copy)]
pub struct ClusterInput<'a> {
    pub title: &'a str,
    /// The start of the text; only the first [`LEAD_WORDS`] words are used.
    pub lead: &'a str,
    pub published_at: DateTime<Utc>,
    /// Canonical link: two articles with the same link are the same story.
    pub url: Option<&'a str>,
}

/// Words of the lead that are compared: the opening is where outlets retell the same facts.
pub const LEAD_WORDS: usize = 80;

/// Stories further apart in time than this are not merged, whatever they share.
const MAX_APART_HOURS: i64 = 96;

/// LSH bands × rows: with 30 × 3 hashes, pairs at Jaccard 0.45 become candidates 93% of the
/// time and pairs at 0.2 only 21%; confirmation then decides on exact similarities.
const BANDS: usize = 30;
const ROWS_PER_BAND: usize = 3;

/// Characters of the lead that are read at all: [`LEAD_WORDS`] content words fit easily.
const LEAD_CHARS: usize = 1200;

/// Groups `items` into clusters of near-duplicates. Every index appears in exactly one
/// cluster; clusters are listed in order of their first member, members in input order.
pub fn cluster(items: &[ClusterInput<'_>]) -> Vec<Vec<usize>> {
    let features: Vec<Features> = items.iter().map(Features::of).collect();
    let mut sets = DisjointSets::new(items.len());

    let mut by_url: HashMap<&str, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(url) = item.url.filter(|u| !u.is_empty()) {
            match by_url.get(url) {
                Some(&first) => sets.union(first, i),
                None => {
                    by_url.insert(url, i);
                }
            }
        }
    }

    let hasher = MinHasher32::new(BANDS * ROWS_PER_BAND);
    let mut candidates: HashSet<(usize, usize)> = HashSet::new();
    for use_title in [true, false] {
        let mut index: MinHashIndex<u32, usize> = MinHashIndex::new(BANDS, ROWS_PER_BAND, 0.25);
        let mut signatures = Vec::with_capacity(items.len());
        for (i, f) in features.iter().enumerate() {
            // The lead's unigrams stand for it here: half the hashing of unigrams + bigrams,
            // and a higher similarity for retold stories, so fewer are missed.
            let set = if use_title { &f.title } else { &f.lead_unigrams };
            if set.len() < 2 {
                signatures.push(None);
                continue;
            }
            let signature = hasher.create_signature(set.iter());
            index.insert(i, signature.clone());
            signatures.push(Some(signature));
        }
        for (i, signature) in signatures.iter().enumerate() {
            let Some(signature) = signature else { continue };
            for j in index.query_owned(signature) {
                if j != i {
                    candidates.insert((i.min(j), i.max(j)));
                }
            }
        }
    }

    let mut pairs: Vec<(usize, usize)> = candidates.into_iter().collect();
    pairs.sort_unstable();
    for (i, j) in pairs {
        let apart = (items[i].published_at - items[j].published_at).abs();
        if apart <= Duration::hours(MAX_APART_HOURS) && same_story(&features[i], &features[j]) {
            sets.union(i, j);
        }
    }

    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    for i in 0..items.len() {
        let root = sets.find(i);
        match group_of_root.get(&root) {
            Some(&g) => groups[g].push(i),
            None => {
                group_of_root.insert(root, groups.len());
                groups.push(vec![i]);
            }
        }
    }
    groups
}

/// The token sets compared for one article, as sorted, deduplicated token hashes: set
/// operations on them are merges, with no string allocation per comparison.
#[derive(Debug, Default)]
struct Features {
    title: Vec<u64>,
    /// Lead unigrams and bigrams of content words.
    lead: Vec<u64>,
    lead_unigrams: Vec<u64>,
    lead_words: usize,
}

impl Features {
    fn of(item: &ClusterInput<'_>) -> Features {
        let mut title: Vec<u64> = content_words(item.title)
            .iter()
            .map(|w| token_hash(&normalize(w), ""))
            .collect();
        let lead_text = match item.lead.char_indices().nth(LEAD_CHARS) {
            Some((cut, _)) => &item.lead[..cut],
            None => item.lead,
        };
        let words: Vec<String> = content_words(lead_text)
            .into_iter()
            .take(LEAD_WORDS)
            .map(|w| normalize(&w))
            .collect();
        let mut lead_unigrams: Vec<u64> = words.iter().map(|w| token_hash(w, "")).collect();
        let mut lead = lead_unigrams.clone();
        lead.extend(words.windows(2).map(|pair| token_hash(&pair[0], &pair[1])));
        for set in [&mut title, &mut lead, &mut lead_unigrams] {
            set.sort_unstable();
            set.dedup();
        }
        Features {
            title,
            lead,
            lead_unigrams,
            lead_words: words.len(),
        }
    }
}

/// FNV-1a over one word or a word pair: stable across runs, and fast on short tokens.
fn token_hash(first: &str, second: &str) -> u64 {
    let separator: &[u8] = if second.is_empty() { b"" } else { b" " };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in first.bytes().chain(separator.iter().copied()).chain(second.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Folds the words outlets use interchangeably for the same news onto one, and plurals
/// onto singulars, so a reworded headline still looks like itself.
fn normalize(word: &str) -> String {
    let word = word.trim_end_matches("'s");
    let folded = match word {
        "launch" | "launches" | "launched" | "launching" | "release" | "releases" | "released" | "releasing"
        | "unveil" | "unveils" | "unveiled" | "announce" | "announces" | "announced" | "introduce" | "introduces"
        | "introduced" | "debut" | "debuts" | "debuted" | "ships" | "shipped" | "rolls" | "rolled" | "drops"
        | "dropped" => "launch",
        "acquire" | "acquires" | "acquired" | "acquisition" | "buys" | "bought" => "acquire",
        "raise" | "raises" | "raised" | "funding" | "round" => "raise",
        "model" | "models" | "llm" | "llms" => "model",
        _ => word,
    };
    if folded.len() > 4 && folded.ends_with('s') && !folded.ends_with("ss") && !folded.contains(['.', '-']) {
        folded[..folded.len() - 1].to_string()
    } else {
        folded.to_string()
    }
}

/// Size of the intersection of two sorted, deduplicated lists.
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = shared(a, b);
    common as f64 / (a.len() + b.len() - common) as f64
}

/// Share of the smaller set found in the larger: an excerpt inside the full text.
fn containment(a: &[u64], b: &[u64]) -> f64 {
    let small = a.len().min(b.len());
    if small == 0 {
        return 0.0;
    }
    shared(a, b) as f64 / small as f64
}

/// The confirmation rule for a candidate pair.
fn same_story(a: &Features, b: &Features) -> bool {
    let title = jaccard(&a.title, &b.title);
    let lead = jaccard(&a.lead, &b.lead);
    let long_enough = a.lead_words >= 12 && b.lead_words >= 12;
    let titled = a.title.len() >= 3 && b.title.len() >= 3;
    // Near-identical headlines are the same story unless the texts clearly diverge.
    (titled && title >= 0.75 && (lead >= 0.1 || !long_enough))
        // The same facts in the opening, whatever the headline.
        || (long_enough && lead >= 0.45)
        || (long_enough && containment(&a.lead, &b.lead) >= 0.8)
        // A reworded headline over an overlapping opening; short openings share a byline
        // or a quote attribution easily, so they must share more.
        || (titled && long_enough && title >= 0.4 && lead >= 0.18)
        || (titled && !long_enough && title >= 0.6 && lead >= 0.3)
}

/// Union-find over indices, with path halving.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The earlier item stays the root so cluster order follows input order.
            let (keep, fold) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[fold] = keep;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn input<'a>(title: &'a str, lead: &'a str, url: &'a str, hour: u32) -> ClusterInput<'a> {
        ClusterInput {
            title,
            lead,
            published_at: at(hour),
            url: Some(url),
        }
    }

    const LAUNCH_A: &str = "OpenAI on Thursday released GPT-5, its newest flagship model, to all ChatGPT users. \
        The company says GPT-5 is better at coding, writing and health questions, and that it hallucinates far \
        less than earlier models. Free users get access with usage limits, while Pro subscribers get unlimited use \
        and a reasoning mode called GPT-5 Thinking.";
    const LAUNCH_B: &str = "GPT-5 is here: OpenAI released its newest flagship model to all ChatGPT users on \
        Thursday. According to the company the model is better at coding, writing and health questions and \
        hallucinates much less. Free users get it with limits; Pro subscribers get unlimited use and GPT-5 Thinking, \
        a reasoning mode.";
    const PRICING: &str = "At $1.25 per million input tokens and $10 per million output tokens, GPT-5 undercuts \
        Claude Opus and Gemini 2.5 Pro on the API. We compared costs for a typical agent workload and found the \
        cheapest option depends on cache hit rates and how many reasoning tokens a task burns.";

    #[test]
    fn the_same_launch_retold_is_one_cluster() {
        let items = [
            input("OpenAI launches GPT-5", LAUNCH_A, "https://a.example/gpt5", 10),
            input(
                "OpenAI releases GPT-5, its newest model",
                LAUNCH_B,
                "https://b.example/news/gpt-5",
                12,
            ),
        ];
        assert_eq!(cluster(&items), vec![vec![0, 1]]);
    }

    #[test]
    fn a_launch_and_its_pricing_analysis_stay_apart() {
        let items = [
            input("OpenAI launches GPT-5", LAUNCH_A, "https://a.example/gpt5", 10),
            input(
                "GPT-5 API pricing: what an agent workload costs",
                PRICING,
                "https://c.example/pricing",
                14,
            ),
        ];
        assert_eq!(cluster(&items), vec![vec![0], vec![1]]);
    }

    #[test]
    fn the_same_link_is_one_cluster_and_unrelated_stories_are_not() {
        let items = [
            input(
                "Gemini 3.1 Flash TTS",
                "Google released a text-to-speech model.",
                "https://s.example/tts",
                9,
            ),
            input(
                "Rust 1.95 is out",
                "The Rust team shipped a new compiler release with faster builds.",
                "https://r.example/1.95",
                9,
            ),
            input(
                "Gemini 3.1 Flash TTS",
                "Notes on the new TTS model.",
                "https://s.example/tts",
                10,
            ),
        ];
        assert_eq!(cluster(&items), vec![vec![0, 2], vec![1]]);
    }

    #[test]
    fn identical_titles_far_apart_in_time_are_different_stories() {
        let lead = "A weekly roundup of the most interesting links of the week, with commentary on each one.";
        let items = [
            ClusterInput {
                title: "Weekly links roundup",
                lead,
                published_at: at(0),
                url: Some("https://w.example/1"),
            },
            ClusterInput {
                title: "Weekly links roundup",
                lead,
                published_at: at(0) + Duration::days(7),
                url: Some("https://w.example/2"),
            },
        ];
        assert_eq!(cluster(&items).len(), 2);
    }

    #[test]
    fn empty_and_tiny_inputs_do_not_panic() {
        assert!(cluster(&[]).is_empty());
        let items = [input("", "", "", 1), input("x", "", "", 1)];
        assert_eq!(cluster(&items).len(), 2);
    }
}
