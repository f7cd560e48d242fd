//! The only module that speaks SQL. One SQLite file in WAL mode with foreign keys and a
//! busy timeout; migrations from `migrations/` are embedded in the binary and applied on
//! open. A database written by a newer newsdesk is refused rather than misread.

mod articles;
mod delivery;
mod digest;
mod episodes;
mod llm;
mod retention;
mod scopes;
mod search;
mod sources;
mod topics;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::config::DatabaseSettings;

pub use articles::{InsertOutcome, StoredArticle};
pub use delivery::{
    DeliveryCounts, DeliveryStart, DigestSent, NewEdition, NewSubscription, ServerSettings, SubscriptionRow,
};
pub use digest::{LEAD_CHARS, StoreCounts, WindowArticle};
pub use llm::{CachedAnswer, LlmUsage, UsageDelta};
pub use retention::{RetentionCutoffs, RetentionReport};
pub use scopes::{DEPARTED_REASON, GLOBAL_SCOPE, PruneReport, ScopeCustomisation, ScopedSource, SourceLinks, Unlinked};
pub use search::{LatestArticle, SearchHit, fts_query};
pub use sources::{Added, FailureUpdate, NewSource, SourceRow, SuccessUpdate};
pub use topics::{NewTopic, TaggingInput, TopicRow};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the database folder {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot open the database {path}: {source}")]
    Open { path: PathBuf, source: sqlx::Error },
    #[error(
        "the database {path} has schema version {found}, newer than the {known} this newsdesk knows; \
         upgrade newsdesk or point database.path at another file"
    )]
    SchemaTooNew { path: PathBuf, found: i64, known: i64 },
    #[error("cannot migrate the database {path}: {source}")]
    Migrate {
        path: PathBuf,
        source: sqlx::migrate::MigrateError,
    },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("no source with URL {0}")]
    NoSuchSource(String),
}

/// A handle on the SQLite store; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating when missing) the database file and brings its schema up to date.
    pub async fn open(settings: &DatabaseSettings) -> Result<Store, StoreError> {
        let path = settings.path.clone();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Retention frees pages daily; incremental vacuum hands them back without
            // rewriting the file (takes effect on a new file; older ones convert once).
            .auto_vacuum(SqliteAutoVacuum::Incremental)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_millis(settings.busy_timeout_ms));
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.max_connections)
            // A local file cannot go stale like a network connection; a ping per acquire
            // would only add a round trip to the worker thread.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        refuse_newer_schema(&pool, &path).await?;
        MIGRATOR.run(&pool).await.map_err(|source| StoreError::Migrate {
            path: path.clone(),
            source,
        })?;
        Ok(Store { pool })
    }

    /// The newest migration this binary carries.
    pub fn known_schema_version() -> i64 {
        MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// A write transaction that takes the write lock up front. A deferred transaction that
    /// reads first and writes later fails at once with SQLITE_BUSY when another connection
    /// committed in between (WAL snapshot rules); IMMEDIATE waits on the busy timeout instead.
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn refuse_newer_schema(pool: &SqlitePool, path: &Path) -> Result<(), StoreError> {
    let has_table: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(pool)
            .await?;
    if has_table.is_none() {
        return Ok(());
    }
    let row = sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations WHERE success = 1")
        .fetch_one(pool)
        .await?;
    let found: Option<i64> = row.try_get("v")?;
    let known = Store::known_schema_version();
    match found {
        Some(found) if found > known => Err(StoreError::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            known,
        }),
        _ => Ok(()),
    }
}

/// Unix seconds → UTC time; out-of-range values (never written by us) read as the epoch.
pub(crate) fn from_unix(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

pub(crate) fn opt_from_unix(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.map(from_unix)
}

/// Parses a stored enum column, falling back on a default for values an older binary
/// would not know (never written by us).
pub(crate) fn parse_or<T: FromStr>(text: &str, fallback: T) -> T {
    text.parse().unwrap_or(fallback)
}
