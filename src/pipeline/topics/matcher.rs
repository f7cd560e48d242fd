//! The compiled matcher: every term of every topic in one Aho-Corasick automaton, so tagging
//! an article is one pass over its title and one over its text (the rules are in the
//! [module docs](super)).

use super::*;

/// How a term is used by a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Include,
    Boost,
    Exclude,
}

#[derive(Debug)]
struct Term {
    text: String,
    role: Role,
}

#[derive(Debug)]
struct CompiledTopic {
    slug: String,
    /// Global id of `terms[0]`; a topic's terms have consecutive ids.
    first_term: u32,
    terms: Vec<Term>,
    /// Only the title is read (the podcasts topic: "episode" in a body says little).
    title_only: bool,
    /// `is_podcast` alone gives full strength.
    podcast: bool,
    sources: &'static [&'static str],
}

/// One use of an automaton pattern by one term of one topic.
#[derive(Debug)]
struct PatternUse {
    /// Global term id.
    term: u32,
    /// The exact bytes to find, for short acronyms matched case-sensitively.
    exact: Option<Box<[u8]>>,
}

/// Topic tagging compiled once from a topic list; cheap to share between threads.
#[derive(Debug)]
pub struct TopicMatcher {
    automaton: AhoCorasick,
    /// Indexed by automaton pattern id.
    uses: Vec<Vec<PatternUse>>,
    topics: Vec<CompiledTopic>,
    /// Topic index of each global term id.
    term_topic: Vec<u32>,
}

impl TopicMatcher {
    /// Compiles `topics`. Fails on duplicate slugs, malformed slugs, topics without include
    /// terms and empty terms; custom-topic limits are [`validate_custom`]'s job.
    pub fn new(topics: &[Topic]) -> Result<TopicMatcher, TopicError> {
        let mut seen = HashSet::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let mut uses: Vec<Vec<PatternUse>> = Vec::new();
        let mut compiled = Vec::with_capacity(topics.len());
        let mut term_topic: Vec<u32> = Vec::new();
        for (topic_index, topic) in topics.iter().enumerate() {
            check_slug(&topic.slug)?;
            if !seen.insert(topic.slug.as_str()) {
                return Err(TopicError::DuplicateSlug {
                    slug: topic.slug.clone(),
                });
            }
            if topic.include.iter().all(|t| t.trim().is_empty()) {
                return Err(TopicError::NoIncludeTerms {
                    slug: topic.slug.clone(),
                });
            }
            let builtin = topic
                .builtin
                .then(|| BUILTINS.iter().find(|b| b.slug == topic.slug))
                .flatten();
            let boosts = builtin.map(|b| b.boost).unwrap_or_default();
            let mut terms: Vec<Term> = Vec::new();
            let listed = topic
                .include
                .iter()
                .map(|t| (t.as_str(), Role::Include))
                .chain(boosts.iter().map(|t| (*t, Role::Boost)))
                .chain(topic.exclude.iter().map(|t| (t.as_str(), Role::Exclude)));
            for (raw, role) in listed {
                let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.chars().any(char::is_alphanumeric) {
                    return Err(TopicError::InvalidTerm {
                        slug: topic.slug.clone(),
                        term: raw.to_string(),
                        reason: "a term needs at least one letter or digit",
                    });
                }
                let term_id = term_topic.len() as u32;
                term_topic.push(topic_index as u32);
                let exact = is_case_sensitive(&text);
                for variant in variants(&text) {
                    let key = variant.to_ascii_lowercase();
                    let id = *pattern_ids.entry(key.clone()).or_insert_with(|| {
                        patterns.push(key);
                        uses.push(Vec::new());
                        patterns.len() - 1
                    });
                    uses[id].push(PatternUse {
                        term: term_id,
                        exact: exact.then(|| variant.into_bytes().into_boxed_slice()),
                    });
                }
                terms.push(Term { text, role });
            }
            compiled.push(CompiledTopic {
                slug: topic.slug.clone(),
                first_term: term_topic.len() as u32 - terms.len() as u32,
                terms,
                title_only: builtin.is_some_and(|b| b.slug == PODCASTS),
                podcast: builtin.is_some_and(|b| b.slug == PODCASTS),
                sources: builtin.map(|b| b.sources).unwrap_or_default(),
            });
        }
        // Standard semantics, because overlapping search needs it: every term that occurs
        // is seen, and overlaps are settled per topic afterwards. A full DFA searched a third
        // faster than the default NFA on the catalogue; should a huge custom list make it too
        // big to build, the default choice still works.
        let mut builder = AhoCorasick::builder();
        builder.ascii_case_insensitive(true).match_kind(MatchKind::Standard);
        let automaton = match builder.kind(Some(AhoCorasickKind::DFA)).build(&patterns) {
            Ok(dfa) => dfa,
            Err(_) => builder.kind(None).build(&patterns)?,
        };
        Ok(TopicMatcher {
            automaton,
            uses,
            topics: compiled,
            term_topic,
        })
    }

    /// The matcher for the built-in catalogue alone.
    pub fn builtin() -> Result<TopicMatcher, TopicError> {
        TopicMatcher::new(&builtin_topics())
    }

    /// Slugs of the compiled topics, in the order given to [`TopicMatcher::new`].
    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.topics.iter().map(|t| t.slug.as_str())
    }

    /// The topics `doc` is on, strongest first (ties in catalogue order), each at least
    /// [`MIN_STRENGTH`].
    pub fn matches(&self, doc: &TopicInput<'_>) -> Vec<TopicMatch> {
        let mut out: Vec<TopicMatch> = self
            .evidence(doc)
            .into_iter()
            .filter(|e| !e.vetoed && e.strength >= MIN_STRENGTH)
            .map(|e| TopicMatch {
                slug: e.slug,
                strength: e.strength,
                matched: e.matched,
            })
            .collect();
        // Stable sort keeps catalogue order among equals.
        out.sort_by(|a, b| b.strength.total_cmp(&a.strength));
        out
    }

    /// Per-topic detail for every topic with any hit or cue, in catalogue order, including
    /// weak and vetoed ones.
    pub fn evidence(&self, doc: &TopicInput<'_>) -> Vec<TopicEvidence> {
        // Dense counts by global term id: a few kilobytes to zero, cheaper than sorting hits.
        let terms = self.term_topic.len();
        let mut title_counts = vec![0u32; terms];
        let mut body_counts = vec![0u32; terms];
        let mut touched = Vec::new();
        let mut scratch = Vec::new();
        let mut last_end = vec![0usize; self.topics.len()];
        self.count_hits(doc.title, &mut scratch, &mut last_end, &mut title_counts, &mut touched);
        self.count_hits(doc.text, &mut scratch, &mut last_end, &mut body_counts, &mut touched);
        touched.sort_unstable();
        touched.dedup();
        // (topic, term within the topic, title count, body count), in topic order.
        let merged: Vec<(u32, u32, u32, u32)> = touched
            .iter()
            .filter_map(|&g| {
                let topic = *self.term_topic.get(g as usize)?;
                let first = self.topics.get(topic as usize)?.first_term;
                Some((topic, g - first, title_counts[g as usize], body_counts[g as usize]))
            })
            .collect();

        let source = SourceUrl::parse(doc.source_url);
        let mut out = Vec::new();
        let mut rest = merged.as_slice();
        for (index, topic) in self.topics.iter().enumerate() {
            let split = rest.iter().position(|h| h.0 as usize != index).unwrap_or(rest.len());
            let (mine, tail) = rest.split_at(split);
            rest = tail;
            let source_cue = topic.sources.iter().any(|hint| source.matches(hint));
            let podcast_cue = topic.podcast && doc.is_podcast;
            if mine.is_empty() && !source_cue && !podcast_cue {
                continue;
            }
            out.push(score_topic(topic, mine, source_cue, podcast_cue));
        }
        out
    }

    /// Counts the valid hits in `hay` by global term id, overlaps settled per topic: the
    /// leftmost hit first, then the longest. `touched` collects the ids counted.
    fn count_hits(
        &self,
        hay: &str,
        scratch: &mut Vec<(u64, u32)>,
        last_end: &mut [usize],
        counts: &mut [u32],
        touched: &mut Vec<u32>,
    ) {
        let bytes = hay.as_bytes();
        scratch.clear();
        for m in self.automaton.find_overlapping_iter(hay) {
            let (start, end) = (m.start(), m.end());
            if !at_word_edges(hay, start, end) {
                continue;
            }
            // Start ascending, then longer first; terms are far shorter than 64 KiB.
            let len = u16::try_from(end - start).unwrap_or(u16::MAX);
            let key = ((start as u64) << 16) | u64::from(u16::MAX - len);
            for u in &self.uses[m.pattern().as_usize()] {
                if u.exact.as_deref().is_some_and(|exact| &bytes[start..end] != exact) {
                    continue;
                }
                scratch.push((key, u.term));
            }
        }
        // The search reports hits by end, which is nearly start order already: a stable sort
        // is about linear on such runs.
        scratch.sort_by_key(|&(key, _)| key);
        last_end.fill(0);
        for &(key, term) in scratch.iter() {
            let start = (key >> 16) as usize;
            let end = start + usize::from(u16::MAX - (key & 0xFFFF) as u16);
            let (Some(&topic), Some(count)) = (self.term_topic.get(term as usize), counts.get_mut(term as usize))
            else {
                continue;
            };
            let Some(topic_end) = last_end.get_mut(topic as usize) else {
                continue;
            };
            if start < *topic_end {
                continue;
            }
            *topic_end = end;
            if *count == 0 {
                touched.push(term);
            }
            *count += 1;
        }
    }
}

fn score_topic(
    topic: &CompiledTopic,
    hits: &[(u32, u32, u32, u32)],
    source_cue: bool,
    podcast_cue: bool,
) -> TopicEvidence {
    let mut core = 0.0f32;
    let mut boost = 0.0f32;
    let mut title_terms = 0;
    let mut body_total = 0;
    let mut veto_title = 0;
    let mut veto_body = 0;
    // (weight, term, is a boost)
    let mut weighted: Vec<(f32, &str, bool)> = Vec::new();
    for &(_, term, t, b) in hits {
        let Some(term) = topic.terms.get(term as usize) else {
            continue;
        };
        let b = if topic.title_only { 0 } else { b };
        let weight = if t > 0 { TITLE_WEIGHT } else { 0.0 } + BODY_WEIGHT * (b as f32).ln_1p();
        match term.role {
            Role::Exclude => {
                veto_title += t;
                veto_body += b;
            }
            Role::Include => {
                core += weight;
                title_terms += u32::from(t > 0);
                body_total += b;
                weighted.push((weight, term.text.as_str(), false));
            }
            Role::Boost => {
                boost += weight * BOOST_FACTOR;
                weighted.push((weight * BOOST_FACTOR, term.text.as_str(), true));
            }
        }
    }
    if source_cue {
        core += SOURCE_WEIGHT;
    }
    let vetoed = veto_title > 0 || veto_body >= BODY_VETO_HITS;
    // Boosts only firm up a topic that nearly stands on its own, and at most double it, so
    // one passing "gpu" plus common words like "training" and "memory" stays untagged.
    let boosted = core >= MIN_CORE_FOR_BOOST;
    let score = if boosted { core + boost.min(core) } else { core };
    let strength = if vetoed {
        0.0
    } else if podcast_cue {
        1.0
    } else {
        (1.0 - (-score).exp()).clamp(0.0, 1.0)
    };
    weighted.retain(|&(weight, _, is_boost)| weight > 0.0 && (boosted || !is_boost));
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut matched: Vec<String> = Vec::with_capacity(weighted.len());
    for (_, text, _) in weighted {
        if !matched.iter().any(|m| m == text) {
            matched.push(text.to_string());
        }
    }
    TopicEvidence {
        slug: topic.slug.clone(),
        strength,
        title_terms,
        body_hits: body_total,
        vetoed,
        matched,
    }
}

/// Short capitalised terms are acronyms or names whose lower-case form is another word
/// ("AI" vs "ai", "Grok" vs "grok"), so they must match exactly.
fn is_case_sensitive(term: &str) -> bool {
    term.chars().count() <= 4 && term.chars().any(char::is_uppercase)
}

/// The spellings searched for a term: as written, with spaces and hyphens swapped, and the
/// "-ies" plural of a word ending in consonant + "y" (plain "s"/"es" plurals are accepted
/// at match time instead).
fn variants(term: &str) -> Vec<String> {
    let mut out = vec![term.to_string()];
    if term.contains(' ') {
        out.push(term.replace(' ', "-"));
    }
    if term.contains('-') && term.chars().filter(|&c| c == '-').count() <= 3 {
        out.push(term.replace('-', " "));
    }
    let mut extra = Vec::new();
    for v in &out {
        let chars: Vec<char> = v.chars().collect();
        if let [.., before, last] = chars[..]
            && last.eq_ignore_ascii_case(&'y')
            && before.is_ascii_alphabetic()
            && !"aeiouAEIOU".contains(before)
            && chars.len() > 3
        {
            let stem: String = chars[..chars.len() - 1].iter().collect();
            extra.push(format!("{stem}ies"));
        }
    }
    out.extend(extra);
    out.sort();
    out.dedup();
    out
}

/// A match counts only at word edges: no letter or digit right before it, and right after
/// it either none or a plural "s"/"es" that ends the word.
fn at_word_edges(hay: &str, start: usize, end: usize) -> bool {
    let matched = &hay[start..end];
    let starts_alnum = matched.chars().next().is_some_and(char::is_alphanumeric);
    if starts_alnum && hay[..start].chars().next_back().is_some_and(char::is_alphanumeric) {
        return false;
    }
    let last = matched.chars().next_back();
    if !last.is_some_and(char::is_alphanumeric) {
        return true;
    }
    let after = &hay[end..];
    if !after.chars().next().is_some_and(char::is_alphanumeric) {
        return true;
    }
    if !last.is_some_and(char::is_alphabetic) {
        return false;
    }
    ["s", "es", "S", "ES"].iter().any(|suffix| {
        after
            .strip_prefix(suffix)
            .is_some_and(|rest| !rest.chars().next().is_some_and(char::is_alphanumeric))
    })
}

/// The host and path of a source URL, lower-cased, "www." dropped.
struct SourceUrl {
    host: String,
    path: String,
}

impl SourceUrl {
    fn parse(url: &str) -> SourceUrl {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let (host, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        let host = host.rsplit('@').next().unwrap_or(host);
        let host = host.split(':').next().unwrap_or(host);
        let host = host.to_ascii_lowercase();
        let host = host.strip_prefix("www.").map(str::to_string).unwrap_or(host);
        SourceUrl {
            host,
            path: path.to_ascii_lowercase(),
        }
    }

    /// `hint` is "host" (subdomains included), "host/path-prefix" or "/path-fragment".
    fn matches(&self, hint: &str) -> bool {
        if self.host.is_empty() {
            return false;
        }
        if hint.starts_with('/') {
            return self.path.contains(hint);
        }
        let (hint_host, hint_path) = hint.find('/').map_or((hint, ""), |i| hint.split_at(i));
        let host_ok = self.host == hint_host
            || self
                .host
                .strip_suffix(hint_host)
                .is_some_and(|prefix| prefix.ends_with('.'));
        host_ok && self.path.starts_with(hint_path)
    }
}

/// Host of a URL (lower-cased, without "www."), for callers that key rules on the source.
pub fn source_host(url: &str) -> String {
    SourceUrl::parse(url).host
}

/// Whether `url` is on `hint`: a host (subdomains included), "host/path-prefix", or
/// "/fragment" anywhere in the path.
pub fn source_matches(url: &str, hint: &str) -> bool {
    SourceUrl::parse(url).matches(hint)
}
