//! The score out of 30: relevance + quality + timeliness, 0–10 each, with the reasons kept.
//!
//! - **Relevance**: how strongly the story matches the topic asked for (or, in the general
//!   digest, its best topic), a point for touching several topics, and up to three for
//!   cross-source coverage: a story many outlets carry matters more.
//! - **Quality**: depth of the text (a one-line link post is not an essay), the source's
//!   weight, and penalties for excerpt-only items and items with no date of their own.
//! - **Timeliness**: 10 for the last three hours, falling linearly to 2 at the window's edge.
//!
//! A story matching no topic is off-topic: its quality and timeliness count half, so a
//! well-written theatre review cannot reach a digest's default minimum of 15.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The default minimum score of a digest or subscription.
pub const DEFAULT_MIN_SCORE: u8 = 15;

/// One article's (or cluster's) score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub relevance: u8,
    pub quality: u8,
    pub timeliness: u8,
    pub total: u8,
    /// Why each part got its value, e.g. "matches Agents (strong)", "3 sources", "4h old".
    pub reasons: Vec<String>,
}

/// What the scorer knows about a story (a cluster, seen through its best article).
#[derive(Debug, Clone)]
pub struct ScoreInput<'a> {
    /// The topic that makes the story relevant, with its match strength (0–1): the topic
    /// asked for, or the strongest one in a general digest. `None`: off-topic.
    pub topic: Option<(&'a str, f32)>,
    /// How many topics the story matched at all.
    pub topics_matched: usize,
    /// Words in the best article's text.
    pub text_words: usize,
    pub excerpt_only: bool,
    /// The source's weight (1.0 normal; curated lab and research sources weigh more).
    pub source_weight: f64,
    /// Distinct sources that carried the story (1 when only one did).
    pub sources: usize,
    pub published_at: DateTime<Utc>,
    pub date_missing: bool,
    /// A podcast episode whose transcript we have: it can be summarised properly.
    pub has_transcript: bool,
}

/// Scores one story for a digest covering `window_hours` before `now`.
pub fn score(input: &ScoreInput<'_>, now: DateTime<Utc>, window_hours: u32) -> Score {
    let mut reasons = Vec::new();

    let mut relevance = match input.topic {
        Some((name, strength)) => {
            let strength = strength.clamp(0.0, 1.0);
            let points = (2.0 + 6.0 * f64::from(strength)).round();
            let word = match strength {
                s if s >= 0.75 => "strong",
                s if s >= 0.4 => "moderate",
                _ => "weak",
            };
            reasons.push(format!("matches {name} ({word})"));
            points
        }
        None => {
            reasons.push("matches no topic".to_string());
            0.0
        }
    };
    if input.topic.is_some() && input.topics_matched >= 2 {
        relevance += 1.0;
        reasons.push(format!("{} topics", input.topics_matched));
    }
    if input.sources >= 2 {
        let bonus = (input.sources - 1).min(3) as f64;
        relevance += bonus;
        reasons.push(format!("covered by {} sources", input.sources));
    }
    let relevance = clamp10(relevance);

    let mut quality = match input.text_words {
        0..=39 => 2.0,
        40..=149 => 4.0,
        150..=399 => 6.0,
        400..=999 => 7.0,
        _ => 8.0,
    };
    reasons.push(format!("{} words", input.text_words));
    if input.has_transcript {
        quality += 1.0;
        reasons.push("transcript".to_string());
    }
    if input.source_weight > 1.05 {
        quality += 2.0 * (input.source_weight - 1.0).min(1.0);
        reasons.push(format!("source weight {:.1}", input.source_weight));
    } else if input.source_weight < 0.95 {
        quality -= 2.0 * (1.0 - input.source_weight).min(1.0);
        reasons.push(format!("source weight {:.1}", input.source_weight));
    }
    if input.excerpt_only {
        quality -= 1.0;
        reasons.push("excerpt only".to_string());
    }
    let quality = clamp10(quality);

    let window = f64::from(window_hours.max(1));
    let age_hours = ((now - input.published_at).num_minutes().max(0) as f64) / 60.0;
    let mut timeliness = if age_hours <= 3.0 {
        10.0
    } else {
        10.0 - 8.0 * ((age_hours - 3.0) / (window - 3.0).max(1.0)).min(1.0)
    };
    if age_hours > window {
        timeliness = (2.0 - (age_hours - window) / window).max(0.0);
    }
    reasons.push(format!("{}h old", age_hours.round() as i64));
    if input.date_missing {
        timeliness -= 2.0;
        reasons.push("no publication date".to_string());
    }
    let timeliness = clamp10(timeliness);

    let (quality, timeliness) = if input.topic.is_none() {
        reasons.push("off-topic: quality and timeliness count half".to_string());
        (quality / 2, timeliness / 2)
    } else {
        (quality, timeliness)
    };

    Score {
        relevance,
        quality,
        timeliness,
        total: relevance + quality + timeliness,
        reasons,
    }
}

fn clamp10(value: f64) -> u8 {
    value.round().clamp(0.0, 10.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn base() -> ScoreInput<'static> {
        ScoreInput {
            topic: Some(("Models & releases", 0.9)),
            topics_matched: 1,
            text_words: 800,
            excerpt_only: false,
            source_weight: 1.0,
            sources: 1,
            published_at: now() - Duration::hours(2),
            date_missing: false,
            has_transcript: false,
        }
    }

    #[test]
    fn parts_add_up_and_stay_in_range() {
        let s = score(&base(), now(), 24);
        assert_eq!(s.total, s.relevance + s.quality + s.timeliness);
        assert!(s.relevance <= 10 && s.quality <= 10 && s.timeliness <= 10);
        assert_eq!(s.timeliness, 10);
        assert!(s.reasons.iter().any(|r| r.contains("strong")), "{:?}", s.reasons);
    }

    #[test]
    fn coverage_raises_the_score() {
        let single = score(&base(), now(), 24);
        let covered = score(&ScoreInput { sources: 3, ..base() }, now(), 24);
        assert!(covered.total > single.total);
        assert!(covered.reasons.iter().any(|r| r == "covered by 3 sources"));
    }

    #[test]
    fn off_topic_stories_stay_below_the_default_minimum() {
        let review = ScoreInput {
            topic: None,
            topics_matched: 0,
            text_words: 2500,
            source_weight: 1.5,
            ..base()
        };
        let s = score(&review, now(), 24);
        assert!(s.total < DEFAULT_MIN_SCORE, "{s:?}");
    }

    #[test]
    fn older_stories_score_lower_and_future_dates_do_not_help() {
        let fresh = score(&base(), now(), 24);
        let old = score(
            &ScoreInput {
                published_at: now() - Duration::hours(23),
                ..base()
            },
            now(),
            24,
        );
        let future = score(
            &ScoreInput {
                published_at: now() + Duration::hours(5),
                ..base()
            },
            now(),
            24,
        );
        assert!(old.timeliness < fresh.timeliness);
        assert_eq!(future.timeliness, 10);
        assert!(future.reasons.iter().any(|r| r == "0h old"));
    }

    #[test]
    fn thin_excerpts_score_lower_than_deep_articles() {
        let deep = score(&base(), now(), 24);
        let thin = score(
            &ScoreInput {
                text_words: 30,
                excerpt_only: true,
                ..base()
            },
            now(),
            24,
        );
        assert!(thin.quality + 4 <= deep.quality);
    }
}
