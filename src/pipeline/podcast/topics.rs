//! Topic boundaries: cue phrases first, TextTiling-style lexical cohesion where cues are
//! missing or a cued segment runs long.

use std::collections::HashMap;

use super::units::{Cue, Unit};

/// A cue only opens a new segment once the current one has this many words, so a run of
/// transition sentences does not shatter the episode.
const MIN_SEGMENT_WORDS: usize = 60;
/// Cohesion windows hold about this many words on each side of a gap.
const COHESION_WINDOW_WORDS: usize = 120;
/// Segments cut by cohesion alone are at least this long.
const MIN_COHESION_WORDS: usize = 150;
/// A cue-delimited segment longer than this is cut again by cohesion.
const MAX_CUED_WORDS: usize = 2500;

/// Splits the kept units (indices into `units`) into topic segments.
pub(super) fn topic_ranges(units: &[Unit], kept: &[usize]) -> Vec<Vec<usize>> {
    if kept.is_empty() {
        return Vec::new();
    }
    let seq: Vec<&Unit> = kept.iter().map(|&i| &units[i]).collect();
    let depth = cohesion_depths(&seq);
    let mean_depth = mean(&depth[1..]);

    // Boundaries are positions in `seq` where a segment starts.
    let mut bounds = vec![0];
    let mut words = 0;
    for (p, u) in seq.iter().enumerate() {
        let is_cue = match u.cue {
            Cue::Strong | Cue::Section => words >= MIN_SEGMENT_WORDS,
            Cue::Weak => words >= 2 * MIN_SEGMENT_WORDS && depth[p] > mean_depth,
            Cue::None => false,
        };
        if p > 0 && is_cue {
            bounds.push(p);
            words = 0;
        }
        words += u.words;
    }

    let cued = bounds.len() >= 3;
    let (max_words, min_words, threshold) = if cued {
        (MAX_CUED_WORDS, MAX_CUED_WORDS / 4, mean_depth + std_dev(&depth[1..]))
    } else {
        let total: usize = seq.iter().map(|u| u.words).sum();
        let min = MIN_COHESION_WORDS.max(total / 15);
        (2 * min, min, mean_depth + 0.5 * std_dev(&depth[1..]))
    };
    let mut refined = Vec::new();
    for (k, &a) in bounds.iter().enumerate() {
        let b = bounds.get(k + 1).copied().unwrap_or(seq.len());
        refined.push(a);
        refined.extend(cohesion_splits(&seq, &depth, a, b, max_words, min_words, threshold));
    }
    refined.sort_unstable();

    refined
        .iter()
        .enumerate()
        .map(|(k, &a)| {
            let b = refined.get(k + 1).copied().unwrap_or(seq.len());
            kept[a..b].to_vec()
        })
        .collect()
}

/// Extra boundaries inside `seq[a..b]` when it is longer than `max_words`: the deepest
/// cohesion dips above `threshold` that leave both sides at least `min_words` long.
fn cohesion_splits(
    seq: &[&Unit],
    depth: &[f64],
    a: usize,
    b: usize,
    max_words: usize,
    min_words: usize,
    threshold: f64,
) -> Vec<usize> {
    let total: usize = seq[a..b].iter().map(|u| u.words).sum();
    if total <= max_words {
        return Vec::new();
    }
    let mut gaps: Vec<usize> = (a + 1..b).filter(|&g| depth[g] > threshold).collect();
    gaps.sort_by(|x, y| depth[*y].total_cmp(&depth[*x]));
    let mut chosen: Vec<usize> = Vec::new();
    for g in gaps {
        let mut cuts = chosen.clone();
        cuts.push(g);
        cuts.sort_unstable();
        let mut edges = vec![a];
        edges.extend(&cuts);
        edges.push(b);
        let long_enough = edges
            .windows(2)
            .all(|w| seq[w[0]..w[1]].iter().map(|u| u.words).sum::<usize>() >= min_words);
        if long_enough {
            chosen = cuts;
        }
    }
    chosen
}

/// TextTiling depth scores: `depth[g]` for the gap before `seq[g]` (0 for g = 0); high
/// where the vocabulary before and after the gap differ more than around it.
fn cohesion_depths(seq: &[&Unit]) -> Vec<f64> {
    let n = seq.len();
    let mut sim = vec![0.0; n];
    for (g, s) in sim.iter_mut().enumerate().skip(1) {
        let left = window_terms(seq[..g].iter().rev());
        let right = window_terms(seq[g..].iter());
        *s = cosine(&left, &right);
    }
    let mut depth = vec![0.0; n];
    for g in 1..n {
        let mut left_peak = sim[g];
        for &s in sim[1..g].iter().rev() {
            if s < left_peak {
                break;
            }
            left_peak = s;
        }
        let mut right_peak = sim[g];
        for &s in &sim[g + 1..] {
            if s < right_peak {
                break;
            }
            right_peak = s;
        }
        depth[g] = (left_peak - sim[g]) + (right_peak - sim[g]);
    }
    depth
}

fn window_terms<'a>(units: impl Iterator<Item = &'a &'a Unit>) -> HashMap<&'a str, f64> {
    let mut counts = HashMap::new();
    let mut words = 0;
    for u in units {
        for t in &u.terms {
            *counts.entry(t.as_str()).or_insert(0.0) += 1.0;
        }
        words += u.words;
        if words >= COHESION_WINDOW_WORDS {
            break;
        }
    }
    counts
}

fn cosine(a: &HashMap<&str, f64>, b: &HashMap<&str, f64>) -> f64 {
    let dot: f64 = a.iter().filter_map(|(t, x)| b.get(t).map(|y| x * y)).sum();
    let norm = |m: &HashMap<&str, f64>| m.values().map(|v| v * v).sum::<f64>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 { 0.0 } else { dot / denominator }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn std_dev(values: &[f64]) -> f64 {
    let m = mean(values);
    mean(&values.iter().map(|v| (v - m) * (v - m)).collect::<Vec<_>>()).sqrt()
}
