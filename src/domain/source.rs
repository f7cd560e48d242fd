//! Sources: the feeds newsdesk polls, and the words used to describe their health.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a source carries: a news feed, or a podcast whose episodes may have transcripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Feed,
    Podcast,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Podcast => "podcast",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SourceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "feed" | "rss" | "atom" | "json" => Ok(SourceKind::Feed),
            "podcast" => Ok(SourceKind::Podcast),
            other => Err(format!("unknown source kind {other:?} (expected feed or podcast)")),
        }
    }
}

/// A source's health as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatus {
    /// Added, never polled.
    New,
    /// Last poll succeeded.
    Ok,
    /// Last poll failed; retried with backoff.
    Failing,
    /// Failed for more than a day; no longer polled until re-enabled.
    Disabled,
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::New => "new",
            SourceStatus::Ok => "ok",
            SourceStatus::Failing => "failing",
            SourceStatus::Disabled => "disabled",
        }
    }
}

impl fmt::Display for SourceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a poll failed, in the classes users see in `sources list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    Dns,
    Connect,
    Timeout,
    HttpStatus,
    TooLarge,
    NotAFeed,
    ParseError,
    /// Refused by the SSRF guard (private address) or the redirect cap.
    Blocked,
}

impl FailureClass {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::Dns => "dns",
            FailureClass::Connect => "connect",
            FailureClass::Timeout => "timeout",
            FailureClass::HttpStatus => "http_status",
            FailureClass::TooLarge => "too_large",
            FailureClass::NotAFeed => "not_a_feed",
            FailureClass::ParseError => "parse_error",
            FailureClass::Blocked => "blocked",
        }
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FailureClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "dns" => FailureClass::Dns,
            "connect" => FailureClass::Connect,
            "timeout" => FailureClass::Timeout,
            "http_status" => FailureClass::HttpStatus,
            "too_large" => FailureClass::TooLarge,
            "not_a_feed" => FailureClass::NotAFeed,
            "parse_error" => FailureClass::ParseError,
            "blocked" => FailureClass::Blocked,
            other => return Err(format!("unknown failure class {other:?}")),
        })
    }
}
