//! Analysis: cleaned, scored sentences, the word features and vocabulary behind their scores, and the picks (TL;DR, summary, bullets, why it matters).

use super::*;

/// The weights of sentence scoring, in one place so the evaluation can vary them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tuning {
    /// Weight of the lead bias and how fast it decays with position.
    pub(super) lead: f32,
    pub(super) lead_decay: f32,
    /// Weight of centrality (cosine with the rest of the document), normalised to 0–1.
    pub(super) centrality: f32,
    /// Weight of the share of the title's terms a sentence contains.
    pub(super) title: f32,
    /// TL;DR bonus for sentences that state a result or an announcement.
    pub(super) finding: f32,
    /// TL;DR penalty for sentences that open with a back-reference.
    pub(super) dangling: f32,
    /// A TL;DR longer than this is cut at a clause boundary if it has one.
    pub(super) tldr_target_words: usize,
    /// How much more than the lead a later sentence must score to become the TL;DR.
    pub(super) departure: f32,
}

pub(super) const TUNING: Tuning = Tuning {
    lead: 1.2,
    lead_decay: 0.2,
    centrality: 0.8,
    title: 0.4,
    finding: 0.75,
    dangling: 0.35,
    tldr_target_words: TLDR_MAX_WORDS,
    departure: 0.0,
};

/// One usable sentence with its features.
#[derive(Debug, Clone)]
pub(super) struct Sentence {
    /// Cleaned text: whitespace collapsed, list marker and dateline removed.
    pub(super) text: String,
    /// `text` in ASCII lower case, for the cue patterns.
    pub(super) lower: String,
    pub(super) words: usize,
    /// Unit TF-IDF vector, sorted by term id.
    pub(super) vector: Vec<(u32, f32)>,
    /// Short and without sentence punctuation: a heading, label or list item.
    pub(super) heading: bool,
    /// Ends without sentence punctuation.
    pub(super) unterminated: bool,
    /// Opens or closes a quotation or bracket it does not contain both ends of, or opens with
    /// a bracket: a fragment that reads badly on its own.
    pub(super) fragment: bool,
    /// Normalised centrality, 0–1.
    pub(super) centrality: f32,
    pub(super) question: bool,
    /// Ends with ":" (introduces a list) or was cut off ("[…]").
    pub(super) incomplete: bool,
    /// An editor's note about the piece rather than the story.
    pub(super) meta: bool,
    /// Opens with a word that points back ("This", "It", "However").
    pub(super) dangling: bool,
    /// First-person or conversational tone, 0–1.
    pub(super) chatter: f32,
    /// Numbers, money, percentages, dates, versions and names, 0–3.
    pub(super) facts: f32,
    pub(super) has_url: bool,
    pub(super) finding: bool,
    /// The general score (lead, centrality, title) before TL;DR-specific penalties.
    pub(super) score: f32,
}

/// The TL;DR and the sentence it came from.
#[derive(Debug, Clone)]
pub(super) struct TldrPick {
    pub(super) index: usize,
    pub(super) text: String,
}

pub(super) struct Analysis {
    pub(super) tuning: Tuning,
    pub(super) sentences: Vec<Sentence>,
    /// Indices of sentences that are not headings, in document order.
    pub(super) candidates: Vec<usize>,
}

impl Analysis {
    pub(super) fn new(title: &str, text: &str) -> Analysis {
        Analysis::with_tuning(title, text, TUNING)
    }

    pub(super) fn with_tuning(title: &str, text: &str, tuning: Tuning) -> Analysis {
        let text = repair_artefacts(prefix(text, MAX_INPUT_BYTES));
        let prepared = strip_markup(&text);
        let mut sentences = Vec::new();
        for raw in crate::text::sentences::split(&prepared) {
            if sentences.len() >= MAX_SENTENCES {
                break;
            }
            if let Some(sentence) = prepare_sentence(raw) {
                sentences.push(sentence);
            }
        }
        let mut analysis = Analysis {
            tuning,
            candidates: Vec::new(),
            sentences,
        };
        analysis.choose_candidates();
        analysis.score(title);
        analysis
    }

    /// Sentences that may appear in the outputs: full sentences, or, when the text has none
    /// (a list of headlines, an excerpt without punctuation), lines of a few words.
    pub(super) fn choose_candidates(&mut self) {
        self.candidates = (0..self.sentences.len())
            .filter(|&i| !self.sentences[i].heading && self.sentences[i].words >= 3)
            .collect();
        // Long lines without a full stop are list items or subheadings; they stay out when
        // the text has enough real sentences.
        let terminated = self
            .candidates
            .iter()
            .filter(|&&i| !self.sentences[i].unterminated)
            .count();
        if terminated >= 3 {
            self.candidates.retain(|&i| !self.sentences[i].unterminated);
        }
        if self.candidates.is_empty() {
            self.candidates = (0..self.sentences.len())
                .filter(|&i| self.sentences[i].words >= 4)
                .collect();
        }
    }

    pub(super) fn clean_text(&self) -> String {
        let mut out = String::new();
        for sentence in &self.sentences {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&sentence.text);
        }
        out
    }

    /// Vectors, centrality, title overlap and the general score of every candidate.
    pub(super) fn score(&mut self, title: &str) {
        let mut vocab = Vocabulary::default();
        let mut buf = String::new();
        let mut term_lists: Vec<Vec<u32>> = Vec::with_capacity(self.sentences.len());
        for sentence in &self.sentences {
            let mut terms = Vec::new();
            for_each_word(&sentence.text, &mut buf, |word| {
                if let Some(id) = vocab.intern(word) {
                    terms.push(id);
                }
            });
            term_lists.push(terms);
        }
        let mut title_terms = Vec::new();
        for_each_word(title, &mut buf, |word| {
            if let Some(id) = vocab.lookup(word) {
                title_terms.push(id);
            }
        });
        title_terms.sort_unstable();
        title_terms.dedup();
        let vocab_len = vocab.len();

        // Document frequency over candidates only: headings and captions are not the story.
        let mut df = vec![0u32; vocab_len];
        for &i in &self.candidates {
            let mut seen = term_lists[i].clone();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                df[t as usize] += 1;
            }
        }
        let n = self.candidates.len().max(1) as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((n + 1.0) / (d as f32 + 0.5)).ln().max(0.1))
            .collect();

        for (sentence, terms) in self.sentences.iter_mut().zip(term_lists) {
            sentence.vector = unit_vector(terms, &idf);
        }

        let mut centroid = vec![0f32; vocab_len];
        for &i in &self.candidates {
            for &(t, w) in &self.sentences[i].vector {
                centroid[t as usize] += w;
            }
        }
        let centroid_sq: f32 = centroid.iter().map(|w| w * w).sum();
        let title_mass: f32 = title_terms.iter().map(|&t| idf[t as usize]).sum();

        let mut centrality = vec![0f32; self.sentences.len()];
        let mut max_centrality = 0f32;
        for &i in &self.candidates {
            let v = &self.sentences[i].vector;
            if v.is_empty() {
                continue;
            }
            // Cosine with the centroid of the *other* sentences, so a sentence is not central
            // merely for being counted in its own centroid.
            let dot: f32 = v.iter().map(|&(t, w)| w * centroid[t as usize]).sum();
            let rest = (centroid_sq - 2.0 * dot + 1.0).max(0.0).sqrt();
            let c = if rest > 1e-6 {
                ((dot - 1.0) / rest).max(0.0)
            } else {
                0.0
            };
            centrality[i] = c;
            max_centrality = max_centrality.max(c);
        }

        for (rank, &i) in self.candidates.iter().enumerate() {
            let sentence = &self.sentences[i];
            let cent = if max_centrality > 0.0 {
                centrality[i] / max_centrality
            } else {
                0.0
            };
            let title_overlap = if title_mass > 0.0 {
                let shared: f32 = sentence
                    .vector
                    .iter()
                    .filter(|(t, _)| title_terms.binary_search(t).is_ok())
                    .map(|&(t, _)| idf[t as usize])
                    .sum();
                shared / title_mass
            } else {
                0.0
            };
            let t = &self.tuning;
            let position = 1.0 / (1.0 + t.lead_decay * rank as f32);
            let score = t.lead * position + t.centrality * cent + t.title * title_overlap
                - length_penalty(sentence.words)
                - 0.9 * f32::from(u8::from(sentence.question))
                - 0.4 * sentence.chatter
                - 0.3 * f32::from(u8::from(sentence.incomplete))
                - 0.15 * f32::from(u8::from(sentence.has_url))
                - 0.4 * f32::from(u8::from(sentence.fragment));
            self.sentences[i].score = score;
            self.sentences[i].centrality = cent;
        }
    }

    /// 2–4 sentences in document order, without the TL;DR's own sentence where the text has
    /// enough others, without near-repeats, and without a sentence that opens with "It" or
    /// "However" unless the one before it is also in.
    pub(super) fn pick_summary(&self, tldr: usize) -> Vec<usize> {
        let usable: Vec<usize> = self
            .candidates
            .iter()
            .copied()
            .filter(|&i| !self.sentences[i].question)
            .collect();
        let pool: Vec<usize> = if usable.len() >= 3 {
            usable.iter().copied().filter(|&i| i != tldr).collect()
        } else if usable.is_empty() {
            self.candidates.clone()
        } else {
            usable
        };
        let want = match pool.len() {
            0 => return Vec::new(),
            1 => 1,
            2..=4 => 2,
            5..=15 => 3,
            _ => 4,
        };
        // Compared with the TL;DR only when it is not itself allowed back in.
        let against_tldr = if pool.contains(&tldr) { None } else { Some(tldr) };
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < want {
            let mut best: Option<(f32, usize)> = None;
            for &i in &pool {
                if chosen.contains(&i) {
                    continue;
                }
                let s = &self.sentences[i];
                let redundancy = chosen
                    .iter()
                    .chain(against_tldr.iter())
                    .map(|&j| cosine(&s.vector, &self.sentences[j].vector))
                    .fold(0.0, f32::max);
                if redundancy > 0.75 {
                    continue;
                }
                let mut value = s.score - 0.5 * redundancy;
                let previous_in = i > 0 && (chosen.contains(&(i - 1)) || i - 1 == tldr);
                if s.dangling && !previous_in {
                    value -= 0.4;
                }
                if s.words > 55 {
                    value -= 0.3;
                }
                if best.is_none_or(|(b, _)| value > b) {
                    best = Some((value, i));
                }
            }
            match best {
                Some((_, i)) => chosen.push(i),
                None => break,
            }
        }
        chosen.sort_unstable();
        chosen
    }

    /// 3–6 short facts in document order, preferring sentences with numbers, money,
    /// percentages, dates, versions and names.
    pub(super) fn pick_bullets(&self, tldr: usize) -> Vec<String> {
        let usable: Vec<usize> = self
            .candidates
            .iter()
            .copied()
            .filter(|&i| {
                let s = &self.sentences[i];
                !s.question && !s.incomplete && !s.fragment && s.words >= 4
            })
            .collect();
        // A bullet stands alone: "This impacted Opus 4.6." says nothing without the line
        // before it, so such sentences go when enough others are left.
        let standalone: Vec<usize> = usable
            .iter()
            .copied()
            .filter(|&i| !needs_antecedent(&self.sentences[i].text) && !opens_with_connective(&self.sentences[i].text))
            .collect();
        let usable = if standalone.len() >= 3 { standalone } else { usable };
        let want = (3 + usable.len() / 8).min(6);
        let pool: Vec<usize> = if usable.len() > want {
            usable.iter().copied().filter(|&i| i != tldr).collect()
        } else {
            usable
        };
        // Compared with the TL;DR only when it is not itself allowed back in.
        let against_tldr = if pool.contains(&tldr) { None } else { Some(tldr) };
        // A sentence that would have to be cut mid-clause makes a poor bullet.
        let base_value: Vec<f32> = pool
            .iter()
            .map(|&i| {
                let s = &self.sentences[i];
                let mut value = 0.6 * s.score + 0.45 * s.facts - 0.3 * s.chatter;
                if s.dangling {
                    value -= 0.2;
                }
                if s.words > BULLET_MAX_WORDS && shorten(&s.text, BULLET_MAX_WORDS).is_none() {
                    value -= 0.5;
                }
                value
            })
            .collect();
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < want {
            let mut best: Option<(f32, usize)> = None;
            for (k, &i) in pool.iter().enumerate() {
                if chosen.contains(&i) {
                    continue;
                }
                let s = &self.sentences[i];
                let redundancy = chosen
                    .iter()
                    .chain(against_tldr.iter())
                    .map(|&j| cosine(&s.vector, &self.sentences[j].vector))
                    .fold(0.0, f32::max);
                if redundancy > 0.7 {
                    continue;
                }
                let value = base_value[k] - 0.4 * redundancy;
                if best.is_none_or(|(b, _)| value > b) {
                    best = Some((value, i));
                }
            }
            match best {
                Some((_, i)) => chosen.push(i),
                None => break,
            }
        }
        chosen.sort_unstable();
        chosen
            .into_iter()
            .map(|i| {
                let text = as_prose(&compress(&self.sentences[i].text, false));
                shorten(&text, BULLET_MAX_WORDS).unwrap_or_else(|| hard_cut(&text, BULLET_MAX_WORDS))
            })
            .collect()
    }

    /// A sentence of the text that says why the story matters, or `None`.
    pub(super) fn pick_why(&self, tldr: usize) -> Option<String> {
        let strong = WHY_STRONG.as_ref()?;
        let medium = WHY_MEDIUM.as_ref()?;
        let mut best: Option<(f32, usize)> = None;
        for &i in &self.candidates {
            let s = &self.sentences[i];
            if i == tldr || s.question || s.incomplete || s.fragment || s.words < 6 || s.words > 70 {
                continue;
            }
            let cue = if strong.is_match(&s.lower) {
                1.0
            } else if s.centrality >= 0.3 && s.chatter < 0.3 && !s.dangling && medium.is_match(&s.lower) {
                // A weak cue counts only in a sentence about the story's main subject.
                0.5
            } else {
                continue;
            };
            let value = cue + 0.3 * s.score - 0.3 * s.chatter;
            if best.is_none_or(|(b, _)| value > b) {
                best = Some((value, i));
            }
        }
        let (_, i) = best?;
        let text = &self.sentences[i].text;
        Some(shorten(text, WHY_MAX_WORDS).unwrap_or_else(|| hard_cut(text, WHY_MAX_WORDS)))
    }
}
