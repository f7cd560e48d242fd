//! Cue phrases that open a story ("next up", section names) and the markers of
//! non-editorial talk (intro, preview, outro, sponsor reads).

use std::sync::LazyLock;

use regex::Regex;

use super::units::{Cue, Marks};

/// Spoken filler that may precede a cue ("And so, okay, next up …").
pub(super) static LEAD_FILLER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:(?:and|so|well|okay|ok|alright|all right(?:y)?|all righty|yeah|yes|now|then|also|anyway|um|uh|oh|right|cool|great|good|in fact)\b[\s,.:;!-]*)+",
    )
});

/// The names of the recurring sections of news podcasts.
pub(super) const SECTIONS: &str = r"(?:tools (?:and|&) apps|applications (?:and|&) business|projects (?:and|&) open source|open source|research (?:and|&) advancements|policy (?:and|&) safety|synthetic media (?:and|&) art|lightning round|hardware|business|funding|policy|research|safety|security|tools|art|media|models|new models)";

/// Cue phrases that open a sentence.
pub(super) static STRONG_CUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^(?:next up|up next|next,|next we|next on|next is|next story|next one|the next|our next|first up|first off|the first story|our first story|first story|the last story|our last story|last story|the final story|one more story|another story|moving (?:right )?(?:along|on)|let's move on|let's get (?:to|into)|on to|onto|turning to|in other news|last but not least|and finally|finally,|to start (?:off|with)|kicking (?:things )?off|in {SECTIONS}\b)"
    ))
});

/// Story cues anywhere in the opening words ("Speaking of that, in fact, the next story
/// is about …").
pub(super) static STORY_CUE_EARLY: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(?:next story|first story|last story|next up|next we have|moving on to)\b"));

pub(super) static WEAK_CUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:and now|speaking of|talking of|let's talk about|meanwhile|now let's|let's turn|switching gears|in other)\b",
    )
});

/// A bare section heading opening the sentence ("Applications and business, …").
pub(super) static SECTION_CUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:tools (?:and|&) apps|applications (?:and|&) business|projects (?:and|&) open source|research (?:and|&) advancements|policy (?:and|&) safety|synthetic media (?:and|&) art|lightning round)\b",
    )
});

pub(super) fn cue_of(lower: &str) -> Cue {
    let stripped = LEAD_FILLER.replace(lower, "");
    if SECTION_CUE.is_match(&stripped) {
        return Cue::Section;
    }
    if STRONG_CUE.is_match(&stripped) {
        return Cue::Strong;
    }
    let opening: String = lower.chars().take(80).collect();
    if STORY_CUE_EARLY.is_match(&opening) {
        return Cue::Strong;
    }
    if WEAK_CUE.is_match(&stripped) {
        return Cue::Weak;
    }
    Cue::None
}

pub(super) static INTRO: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:welcome (?:to|back)|i'm your (?:co-?)?host|i am your (?:co-?)?host|(?:one of )?your (?:other )?(?:co-?)?hosts?\b|my co-?host|i'm joined by|joining me (?:today|this week|as always)|you're listening to|this is episode|hello,? everyone|hi,? everyone|hey,? everyone|hello and welcome)",
    )
});

pub(super) static PREVIEW: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:quick preview|preview of what|in this episode|on this episode|in today's episode|on today's (?:show|episode)|today we(?:'ll| will)|we(?:'ll| will) be (?:talking|discussing|covering|summari[sz]ing)|coming up (?:on|in|later)|in the chapters today)\b",
    )
});

pub(super) static START: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:get (?:straight |right )?into it|get started|dive (?:right )?in|jump (?:right )?in|let's (?:begin|start)|kick (?:this|things|it) off|without further ado|let's do it|let's get going)\b",
    )
});

/// Phrases that only close a show.
pub(super) static OUTRO: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:thanks? (?:you )?(?:so much |very much )?for listening|thank you (?:so much |very much )?for (?:listening|tuning in)|see you next (?:week|time|episode)|until next (?:week|time)|catch you next|talk to you next|that's (?:it|all) for (?:this|today|the)|that's our show|and with that,? we(?:'re| are)? (?:going to|gonna|will|'ll)|signing off)\b",
    )
});

/// Closing requests that can also come up mid-show ("subscribe to ChatGPT Plus").
pub(super) static OUTRO_WEAK: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:subscribe|leave (?:us )?a review|rate and review|review the podcast|finish (?:it )?up|wrap (?:it |things )?up|keep (?:listening|tuning in)|share the (?:podcast|show|episode))\b",
    )
});

pub(super) static BREAK: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(?:(?:quick|short|little|brief) break|word from (?:our|this week's|today's) sponsor)"));

pub(super) static SPONSOR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\bbrought to you by\b|\bsponsored by\b|\b(?:our|today's|this week's) sponsor|\bthis (?:episode|podcast|show) is (?:supported|powered|presented) by\b|\bpromo code\b|\buse (?:the )?code\b|\bdiscount code\b|\boffer code\b|\bword from our sponsor|\b(?:go|head|head over) to\s+[a-z0-9-]+\.(?:com|io|ai|co|net|org|fm)/\S+)",
    )
});

pub(super) static AD_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\bfree trial\b|\d+% off\b|\bsign up (?:at|today|now)\b|\bvisit [a-z0-9-]+\.(?:com|io|ai|co)\b|\b(?:go|head) to [a-z0-9-]+\.(?:com|io|ai|co)\b|\bfirst month free\b|\bexclusive offer\b|\blimited time\b|\bget started (?:today|for free)\b)",
    )
});

pub(super) static BACK_TO_SHOW: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:back to the (?:show|episode|news|stories)|now back to|and we're back|back to our (?:show|episode|stories))\b",
    )
});

pub(super) fn regex(pattern: &str) -> Regex {
    // Proven invariant: every pattern passed here is a literal of this module, and the test
    // `every_pattern_compiles` in `podcast/mod.rs` forces each one, so a bad pattern fails
    // the build's tests rather than a running bot.
    Regex::new(&format!("(?i){pattern}")).expect("patterns are literals of this module, each compiled by its tests")
}

pub(super) fn marks_of(text: &str, lower: &str) -> Marks {
    Marks {
        intro: INTRO.is_match(lower),
        preview: PREVIEW.is_match(lower),
        start: START.is_match(lower),
        outro: OUTRO.is_match(lower),
        outro_weak: OUTRO_WEAK.is_match(lower),
        sponsor: SPONSOR.is_match(lower),
        ad_like: AD_LIKE.is_match(lower),
        back_to_show: BACK_TO_SHOW.is_match(lower),
        noise: text.contains('♪') || !text.chars().any(char::is_alphanumeric),
    }
}
