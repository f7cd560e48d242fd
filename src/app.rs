//! Wires settings, the SQLite store and the HTTP fetcher into one [`App`] with its services
//! ([`Editor`], [`Poller`]), and carries source management: adding (per scope, with the SSRF
//! guard and the per-server quota), the default pack, OPML and search.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use url::Url;

use crate::clock::Clock;
use crate::config::Settings;
use crate::domain::SourceKind;
use crate::domain::cooldown::Cooldowns;
use crate::editor::Editor;
use crate::llm::{LlmEditor, LlmSummarizer};
use crate::poller::Poller;
use crate::sources::defaults::{self, DEFAULT_SOURCES};
use crate::sources::fetch::{ClientBuildError, Fetcher};
use crate::sources::guard::{Guard, GuardError};
use crate::sources::normalize::canonical_url;
use crate::sources::opml::{OpmlEntry, OpmlError, parse_opml, render_opml};
use crate::store::{Added, GLOBAL_SCOPE, NewSource, SearchHit, SourceRow, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Client(#[from] ClientBuildError),
    #[error("cannot set up the LLM client: {0}")]
    Llm(#[from] crate::llm::client::CallError),
}

/// Why a source could not be added. Shown to the user as is.
#[derive(Debug, thiserror::Error)]
pub enum AddSourceError {
    #[error("{0:?} is not a valid URL: {1}")]
    InvalidUrl(String, url::ParseError),
    #[error("refused {url}: {reason}")]
    Refused { url: String, reason: GuardError },
    #[error("{0} is already a source")]
    AlreadyExists(String),
    #[error(
        "this server has {limit} sources of its own, the most it may have (`sources.max_per_server`); \
         remove one with `/manage sources remove` first"
    )]
    QuotaReached { limit: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an OPML import did, entry by entry.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub added: Vec<String>,
    pub existing: Vec<String>,
    pub refused: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Opml(#[from] OpmlError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The running newsdesk: settings, store and HTTP client, and the services built on them —
/// the [`Editor`] (topics, tagging, digests, summaries) and the [`Poller`] (polling passes).
/// `App` builds and holds them; the work is theirs.
#[derive(Clone)]
pub struct App {
    pub settings: Arc<Settings>,
    pub store: Store,
    pub fetcher: Arc<Fetcher>,
    pub editor: Arc<Editor>,
    pub poller: Poller,
    /// Recent runs of the expensive commands, for their cooldowns.
    pub cooldowns: Arc<Cooldowns>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("store", &self.store)
            .field("editor", &self.editor)
            .finish_non_exhaustive()
    }
}

impl App {
    pub async fn build(settings: Settings) -> Result<App, AppError> {
        let store = Store::open(&settings.database).await?;
        let guard = Guard {
            allow_private: settings.sources.allow_private,
        };
        let fetcher = Fetcher::new(&settings.fetch, guard)?;
        let llm = if settings.llm.enabled() {
            let editor = LlmEditor::new(&settings.llm, store.clone())?;
            Some(Arc::new(LlmSummarizer::new(Arc::new(editor))))
        } else {
            None
        };
        let settings = Arc::new(settings);
        let fetcher = Arc::new(fetcher);
        let editor = Arc::new(Editor::new(
            settings.clone(),
            store.clone(),
            fetcher.clone(),
            llm,
            Clock::System,
        ));
        let poller = Poller::new(settings.clone(), store.clone(), fetcher.clone(), editor.clone());
        Ok(App {
            settings,
            store,
            fetcher,
            editor,
            poller,
            cooldowns: Arc::new(Cooldowns::new()),
        })
    }

    /// Adds a global source after checking it against the SSRF guard (with DNS). A host that
    /// does not resolve now is still added: it may be a transient failure, and every fetch
    /// re-checks.
    pub async fn add_source(
        &self,
        raw_url: &str,
        kind: Option<SourceKind>,
        name: Option<String>,
        added_by: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<SourceRow, AddSourceError> {
        match self
            .add_source_to(GLOBAL_SCOPE, raw_url, kind, name, added_by, now)
            .await?
        {
            (row, Added::New | Added::Linked) => Ok(row),
            (row, Added::AlreadyLinked) => Err(AddSourceError::AlreadyExists(row.url)),
        }
    }

    /// Adds a source for `scope` (global `''`, or one chat server, which may hold at most
    /// `sources.max_per_server` of its own). A URL another scope already reads is linked, not
    /// fetched twice.
    pub async fn add_source_to(
        &self,
        scope: &str,
        raw_url: &str,
        kind: Option<SourceKind>,
        name: Option<String>,
        added_by: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<(SourceRow, Added), AddSourceError> {
        let url = normalize_source_url(raw_url)?;
        if scope != GLOBAL_SCOPE {
            let limit = self.settings.sources.max_per_server;
            let already = self
                .store
                .source_links(url.as_str())
                .await?
                .is_some_and(|links| links.linked_by(scope));
            if !already && self.store.count_links(scope).await? >= i64::from(limit) {
                return Err(AddSourceError::QuotaReached { limit });
            }
        }
        match self.fetcher.guard().check(&url).await {
            Ok(()) | Err(GuardError::Resolve { .. }) => {}
            Err(reason) => {
                return Err(AddSourceError::Refused {
                    url: url.to_string(),
                    reason,
                });
            }
        }
        let new = NewSource {
            url: url.to_string(),
            kind: kind.unwrap_or(SourceKind::Feed),
            title: name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
            added_by,
        };
        Ok(self.store.add_scoped_source(&new, scope, now).await?)
    }

    /// Adds every source of the default pack not already present; returns how many were added.
    pub async fn install_defaults(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut added = 0;
        for source in DEFAULT_SOURCES {
            let new = NewSource {
                url: source.url.to_string(),
                kind: source.kind,
                title: Some(source.title.to_string()),
                added_by: Some("default pack".to_string()),
            };
            if let Some(row) = self.store.add_source(&new, now).await? {
                self.store.set_source_weight(row.id, defaults::weight(source)).await?;
                added += 1;
            }
        }
        Ok(added)
    }

    /// Installs the default pack when the store has no sources and the config allows it;
    /// returns how many were installed.
    pub async fn ensure_sources(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        if !self.settings.sources.install_defaults || self.store.count_sources().await? > 0 {
            return Ok(0);
        }
        self.install_defaults(now).await
    }

    /// Adds every feed of an OPML document as a global source.
    pub async fn import_opml(&self, text: &str, now: DateTime<Utc>) -> Result<ImportReport, ImportError> {
        self.import_opml_to(GLOBAL_SCOPE, text, "opml import", now).await
    }

    /// Adds every feed of an OPML document for `scope`; past the server's quota the rest are
    /// refused with the reason, each by name.
    pub async fn import_opml_to(
        &self,
        scope: &str,
        text: &str,
        added_by: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, ImportError> {
        let entries = parse_opml(text)?;
        let mut report = ImportReport::default();
        for entry in entries {
            match self
                .add_source_to(
                    scope,
                    &entry.url,
                    Some(entry.kind),
                    entry.title,
                    Some(added_by.to_string()),
                    now,
                )
                .await
            {
                Ok((row, Added::New | Added::Linked)) => report.added.push(row.url),
                Ok((row, Added::AlreadyLinked)) => report.existing.push(row.url),
                Err(AddSourceError::AlreadyExists(url)) => report.existing.push(url),
                Err(AddSourceError::Store(e)) => return Err(e.into()),
                Err(other) => report.refused.push((entry.url, other.to_string())),
            }
        }
        Ok(report)
    }

    pub async fn export_opml(&self) -> Result<String, StoreError> {
        let entries: Vec<OpmlEntry> = self
            .store
            .list_sources()
            .await?
            .into_iter()
            .map(|s| OpmlEntry {
                title: s.title.clone(),
                url: s.url,
                kind: s.kind,
            })
            .collect();
        Ok(render_opml("newsdesk sources", &entries))
    }

    pub async fn search(
        &self,
        query: &str,
        days: Option<u32>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let since = days.map(|d| now - chrono::Duration::days(i64::from(d)));
        self.store.search(query, since, limit).await
    }
}

/// Source URLs are stored in canonical form, so `http://Example.com/feed#x` and
/// `http://example.com/feed` are one source; the feed URL keeps its query (minus trackers).
pub fn normalize_source_url(raw: &str) -> Result<Url, AddSourceError> {
    let trimmed = raw.trim();
    let parsed = Url::parse(trimmed).map_err(|e| AddSourceError::InvalidUrl(trimmed.to_string(), e))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(AddSourceError::Refused {
            url: trimmed.to_string(),
            reason: GuardError::Scheme(parsed.scheme().to_string()),
        });
    }
    let canonical = canonical_url(parsed.as_str(), None).unwrap_or_else(|| parsed.to_string());
    Url::parse(&canonical).map_err(|e| AddSourceError::InvalidUrl(trimmed.to_string(), e))
}
