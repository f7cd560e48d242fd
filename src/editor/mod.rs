//! The editor: the service that keeps topics in sync and articles tagged, composes digests
//! (read the candidates → select → summarise the picks → highlights) and summarises one
//! document on request. The decisions themselves live in the pure [`crate::pipeline`] and
//! [`crate::digest`] modules; the editor feeds them from the store, the fetcher and the
//! optional LLM editor, and never calls back into the `App` that holds it.

mod audience;
mod document;
mod edition;
mod topics;

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::llm::LlmSummarizer;
use crate::pipeline::topics::TopicError;
use crate::sources::fetch::Fetcher;
use crate::store::{Store, StoreCounts, StoreError};

pub use audience::Audiences;
pub use document::{SummarizeError, SummarizedDocument};
pub use edition::{DigestRequest, EditorMode, LlmShare};
pub use topics::{TopicIndex, TopicSpec, builtin_catalogue};

#[derive(Debug, thiserror::Error)]
pub enum EditorialError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Topic(#[from] TopicError),
    #[error("unknown topic {slug:?}; known topics: {known}. See `newsdesk topics list`.")]
    UnknownTopic { slug: String, known: String },
    #[error("a topic {0:?} already exists here; pick another slug or edit that one")]
    TopicExists(String),
    #[error("no custom topic {0:?} here (built-in topics cannot be changed or deleted)")]
    NoSuchCustomTopic(String),
}

/// The editorial service. Cheap to share behind an `Arc`; the topic cache is its own.
pub struct Editor {
    settings: Arc<Settings>,
    store: Store,
    fetcher: Arc<Fetcher>,
    /// Built on first use and rebuilt when topics change.
    topics: tokio::sync::RwLock<Option<Arc<TopicIndex>>>,
    /// The LLM editor when `[llm]` is configured; the offline pipeline otherwise.
    llm: Option<Arc<LlmSummarizer>>,
    clock: Clock,
    /// The data overview's counts per scope, with the instant they were read: every edition
    /// of a pass shows them, and counting a million articles once a minute is plenty.
    counts: std::sync::Mutex<std::collections::HashMap<String, (chrono::DateTime<chrono::Utc>, StoreCounts)>>,
}

impl std::fmt::Debug for Editor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editor")
            .field("llm", &self.llm.is_some())
            .finish_non_exhaustive()
    }
}

impl Editor {
    pub fn new(
        settings: Arc<Settings>,
        store: Store,
        fetcher: Arc<Fetcher>,
        llm: Option<Arc<LlmSummarizer>>,
        clock: Clock,
    ) -> Editor {
        Editor {
            settings,
            store,
            fetcher,
            topics: tokio::sync::RwLock::new(None),
            llm,
            clock,
            counts: std::sync::Mutex::default(),
        }
    }

    /// The LLM editor, when `[llm]` is configured.
    pub fn llm(&self) -> Option<&Arc<LlmSummarizer>> {
        self.llm.as_ref()
    }
}
