//! The score out of 30: relevance + quality + timeliness, 0–10 each, with the reasons kept.

use serde::{Deserialize, Serialize};

/// One article's (or cluster's) score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub relevance: u8,
    pub quality: u8,
    pub timeliness: u8,
    pub total: u8,
    /// Why each part got its value, e.g. "matches agents (strong)", "3 sources", "4 h old".
    pub reasons: Vec<String>,
}
