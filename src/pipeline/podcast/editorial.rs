//! Dropping what is not editorial: sponsor reads, the preamble (intro, small talk,
//! preview) and the outro.

use super::cues::BREAK;
use super::units::{Cue, Unit};

/// Intro markers further apart than this (in sentences) do not belong to one preamble.
const INTRO_CHAIN_GAP: usize = 25;
/// Only the opening of an episode can be its preamble.
const INTRO_WINDOW_SHARE: f64 = 0.2;
/// Only the close of an episode can be its outro.
const OUTRO_WINDOW_SHARE: f64 = 0.2;

/// `true` for the sentences that belong to the episode's stories.
pub(super) fn editorial_mask(units: &[Unit]) -> Vec<bool> {
    let n = units.len();
    let mut keep: Vec<bool> = units.iter().map(|u| !u.marks.noise).collect();
    drop_sponsor_reads(units, &mut keep);

    // Preamble: the chain of intro / preview / start markers from the top, then anything
    // (small talk) up to the first story cue after it.
    let window = ((n as f64 * INTRO_WINDOW_SHARE).ceil() as usize).max(12).min(n);
    let mut preamble_end: Option<usize> = None;
    let mut in_preview = false;
    let mut last_marker = 0;
    for (i, u) in units.iter().enumerate().take(window) {
        let marked = u.marks.intro || u.marks.preview || (u.marks.start && preamble_end.is_some());
        let reachable = match preamble_end {
            None => i < INTRO_CHAIN_GAP.min(window),
            Some(_) => i - last_marker <= INTRO_CHAIN_GAP,
        };
        if !reachable {
            break;
        }
        if marked {
            preamble_end = Some(i);
            last_marker = i;
            in_preview = u.marks.preview || (in_preview && !u.marks.start);
        } else if in_preview && u.cue == Cue::Section {
            // Section names rattled off in the preview are part of it.
            preamble_end = Some(i);
            last_marker = i;
        }
    }
    if let Some(end) = preamble_end {
        let first_story = (end + 1..window)
            .find(|&i| keep[i] && is_story_cue(units, i))
            .unwrap_or(end + 1);
        for k in keep.iter_mut().take(first_story.min(n)) {
            *k = false;
        }
    }

    // Outro: from the first closing phrase near the end that no story cue follows; a
    // closing request counts when a closing phrase comes soon after it.
    const OUTRO_CHAIN: usize = 8;
    let tail = n - ((n as f64 * OUTRO_WINDOW_SHARE).ceil() as usize).min(n);
    let last_cue = (0..n).rev().find(|&i| keep[i] && units[i].cue >= Cue::Strong);
    let closes = |i: usize| {
        let m = units[i].marks;
        m.outro || (m.outro_weak && units[i..].iter().take(OUTRO_CHAIN).any(|u| u.marks.outro))
    };
    if let Some(outro) = (tail..n).find(|&i| closes(i) && last_cue.is_none_or(|c| c < i)) {
        for k in keep.iter_mut().skip(outro) {
            *k = false;
        }
    }
    keep
}

/// A strong cue that is not one name in a run of section names.
fn is_story_cue(units: &[Unit], i: usize) -> bool {
    match units[i].cue {
        Cue::Strong => true,
        Cue::Section => !units[i + 1..].iter().take(3).any(|u| u.cue == Cue::Section),
        Cue::Weak | Cue::None => false,
    }
}

/// Sponsor reads: from a sponsor marker through the markers chained to it (each within a
/// few sentences of the last), plus trailing ad copy and a "back to the show".
fn drop_sponsor_reads(units: &[Unit], keep: &mut [bool]) {
    const CHAIN: usize = 4;
    let n = units.len();
    let mut i = 0;
    while i < n {
        if !units[i].marks.sponsor {
            i += 1;
            continue;
        }
        let mut start = i;
        // "Let's take a quick break" before the read belongs to it.
        if start > 0 && BREAK.is_match(&units[start - 1].text) {
            start -= 1;
        }
        let mut end = i;
        let mut j = i + 1;
        while j < n && j <= end + CHAIN {
            let u = &units[j];
            if u.cue >= Cue::Strong {
                break;
            }
            if u.marks.sponsor || u.marks.ad_like {
                end = j;
            }
            if u.marks.back_to_show {
                end = j;
                break;
            }
            j += 1;
        }
        // A read rarely ends on its marker; the next sentence is usually more ad copy,
        // unless the show resumes with a cue or "back to the show".
        if let Some(next) = units.get(end + 1)
            && next.cue == Cue::None
            && !units[end].marks.back_to_show
            && (next.marks.ad_like || next.marks.back_to_show)
        {
            end += 1;
        }
        for k in keep.iter_mut().take(end + 1).skip(start) {
            *k = false;
        }
        i = end + 1;
    }
}
