//! The default AI source pack, installed on first use.

use crate::domain::SourceKind;

/// One curated source.
#[derive(Debug, Clone, Copy)]
pub struct DefaultSource {
    pub url: &'static str,
    pub title: &'static str,
    pub kind: SourceKind,
}

/// The curated pack.
pub const DEFAULT_SOURCES: &[DefaultSource] = &[];
