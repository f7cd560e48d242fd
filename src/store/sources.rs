//! The `sources` table: what we poll, when, and how healthy each source is.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::scopes::GLOBAL_SCOPE;
use super::{Store, StoreError, from_unix, opt_from_unix, parse_or};
use crate::domain::{FailureClass, SourceKind, SourceStatus};

/// A source as stored, with its article count.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    pub id: i64,
    pub url: String,
    pub kind: SourceKind,
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub weight: f64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub poll_interval_secs: i64,
    pub next_poll_at: DateTime<Utc>,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
    pub failures: i64,
    pub last_status: Option<i64>,
    pub last_error_class: Option<FailureClass>,
    pub last_error: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub added_at: DateTime<Utc>,
    /// Articles first stored from it (0 where a hot path does not count them: `due_sources`).
    pub articles: i64,
}

impl SourceRow {
    pub fn status(&self) -> SourceStatus {
        if self.disabled_at.is_some() {
            SourceStatus::Disabled
        } else if self.failures > 0 {
            SourceStatus::Failing
        } else if self.last_polled_at.is_none() {
            SourceStatus::New
        } else {
            SourceStatus::Ok
        }
    }

    /// The title when known, else the URL.
    pub fn display_name(&self) -> &str {
        self.title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&self.url)
    }

    pub(crate) fn from_row(row: &SqliteRow) -> Result<SourceRow, sqlx::Error> {
        let kind: String = row.try_get("kind")?;
        let class: Option<String> = row.try_get("last_error_class")?;
        Ok(SourceRow {
            id: row.try_get("id")?,
            url: row.try_get("url")?,
            kind: parse_or(&kind, SourceKind::Feed),
            title: row.try_get("title")?,
            site_url: row.try_get("site_url")?,
            weight: row.try_get("weight")?,
            etag: row.try_get("etag")?,
            last_modified: row.try_get("last_modified")?,
            poll_interval_secs: row.try_get("poll_interval_secs")?,
            next_poll_at: from_unix(row.try_get("next_poll_at")?),
            last_polled_at: opt_from_unix(row.try_get("last_polled_at")?),
            last_success_at: opt_from_unix(row.try_get("last_success_at")?),
            failing_since: opt_from_unix(row.try_get("failing_since")?),
            failures: row.try_get("failures")?,
            last_status: row.try_get("last_status")?,
            last_error_class: class.and_then(|c| c.parse().ok()),
            last_error: row.try_get("last_error")?,
            disabled_at: opt_from_unix(row.try_get("disabled_at")?),
            added_at: from_unix(row.try_get("added_at")?),
            articles: row.try_get("articles")?,
        })
    }
}

/// What adding a source for a scope did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// A new source, polled from now on.
    New,
    /// A known source, now read by this scope too.
    Linked,
    /// This scope already read it.
    AlreadyLinked,
}

/// A source to add.
#[derive(Debug, Clone)]
pub struct NewSource {
    pub url: String,
    pub kind: SourceKind,
    pub title: Option<String>,
    pub added_by: Option<String>,
}

/// What a successful poll (200 or 304) changes.
#[derive(Debug, Clone)]
pub struct SuccessUpdate {
    pub status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Feed title, filled only when the source has none yet (a user-given name wins).
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// Set when a source first polled turns out to be a podcast.
    pub kind: Option<SourceKind>,
    pub interval_secs: i64,
    pub next_poll_at: DateTime<Utc>,
}

/// What a failed poll changes.
#[derive(Debug, Clone)]
pub struct FailureUpdate {
    pub class: FailureClass,
    pub message: String,
    pub status: Option<u16>,
    pub next_poll_at: DateTime<Utc>,
    /// Disable the source (it has failed for too long).
    pub disable: bool,
}

const SELECT_SOURCES: &str =
    "SELECT s.*, (SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id) AS articles FROM sources s";

impl Store {
    /// Adds a global source (the operator's), due at once. Returns `None` when the URL is
    /// already a source; a source only servers linked becomes global too.
    pub async fn add_source(&self, new: &NewSource, now: DateTime<Utc>) -> Result<Option<SourceRow>, StoreError> {
        let (row, added) = self.add_scoped_source(new, GLOBAL_SCOPE, now).await?;
        Ok((added == Added::New).then_some(row))
    }

    /// Adds the source for `scope` (global `''` or one server): a new URL becomes a source due
    /// at once; a known one gets a link, so it is still fetched once however many scopes read
    /// it. A server's name for it stays on its link: other servers never see it.
    pub async fn add_scoped_source(
        &self,
        new: &NewSource,
        scope: &str,
        now: DateTime<Utc>,
    ) -> Result<(SourceRow, Added), StoreError> {
        let (source_title, link_name) = if scope == GLOBAL_SCOPE {
            (new.title.as_deref(), None)
        } else {
            (None, new.title.as_deref())
        };
        let mut tx = self.write_tx().await?;
        let inserted = sqlx::query(
            "INSERT INTO sources (url, kind, title, added_by, added_at, next_poll_at)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
        )
        .bind(&new.url)
        .bind(new.kind.as_str())
        .bind(source_title)
        .bind(&new.added_by)
        .bind(now.timestamp())
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        let id: i64 = sqlx::query_scalar("SELECT id FROM sources WHERE url = ?")
            .bind(&new.url)
            .fetch_one(&mut *tx)
            .await?;
        let linked = sqlx::query(
            "INSERT INTO source_links (source_id, scope, name, added_by, added_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (source_id, scope) DO NOTHING",
        )
        .bind(id)
        .bind(scope)
        .bind(link_name)
        .bind(&new.added_by)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if linked && scope == GLOBAL_SCOPE {
            // A source that becomes global is read by everyone again.
            sqlx::query("DELETE FROM source_mutes WHERE source_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let row = self
            .source_by_url(&new.url)
            .await?
            .ok_or_else(|| StoreError::NoSuchSource(new.url.clone()))?;
        let added = match (inserted, linked) {
            (true, _) => Added::New,
            (false, true) => Added::Linked,
            (false, false) => Added::AlreadyLinked,
        };
        Ok((row, added))
    }

    pub async fn source_by_url(&self, url: &str) -> Result<Option<SourceRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_SOURCES} WHERE s.url = ?")))
            .bind(url)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(SourceRow::from_row).transpose()?)
    }

    pub async fn list_sources(&self) -> Result<Vec<SourceRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_SOURCES} ORDER BY lower(coalesce(s.title, s.url))"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(SourceRow::from_row).collect::<Result<_, _>>()?)
    }

    /// (failing, total) sources, for the metrics every tick: one cheap aggregate instead of
    /// the whole list with its article counts.
    pub async fn source_health(&self) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(failures > 0 AND disabled_at IS NULL), 0) AS failing, COUNT(*) AS total FROM sources",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("failing")?, row.try_get("total")?))
    }

    pub async fn count_sources(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sources")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Enabled sources whose next poll time has come, soonest first. A source read only by
    /// servers the bot was removed from is not polled. Runs every tick, so it leaves out the
    /// per-source article count (`articles` reads 0): counting a large archive per row cost
    /// ~31 ms a tick at a million articles.
    pub async fn due_sources(&self, now: DateTime<Utc>) -> Result<Vec<SourceRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.*, 0 AS articles FROM sources s WHERE s.disabled_at IS NULL AND s.next_poll_at <= ? \
             AND EXISTS (SELECT 1 FROM source_links l WHERE l.source_id = s.id \
                 AND l.scope NOT IN (SELECT scope FROM departed_servers)) \
             ORDER BY s.next_poll_at, s.id",
        )
        .bind(now.timestamp())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(SourceRow::from_row).collect::<Result<_, _>>()?)
    }

    /// Removes a source and the articles first stored from it; returns how many articles went.
    pub async fn remove_source(&self, url: &str) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM sources WHERE url = ?")
            .bind(url)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else {
            return Err(StoreError::NoSuchSource(url.to_string()));
        };
        let articles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles WHERE source_id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sources WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(articles)
    }

    /// Re-enables a disabled source and makes it due now.
    pub async fn enable_source(&self, url: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE sources SET disabled_at = NULL, failures = 0, failing_since = NULL, next_poll_at = ? WHERE url = ?",
        )
        .bind(now.timestamp())
        .bind(url)
        .execute(&self.pool)
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NoSuchSource(url.to_string()));
        }
        Ok(())
    }

    pub async fn record_success(&self, id: i64, update: &SuccessUpdate, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sources SET
                last_status = ?, etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),
                title = coalesce(title, ?), site_url = coalesce(?, site_url),
                kind = coalesce(?, kind), poll_interval_secs = ?, next_poll_at = ?,
                last_polled_at = ?, last_success_at = ?, failures = 0, failing_since = NULL,
                last_error_class = NULL, last_error = NULL
             WHERE id = ?",
        )
        .bind(i64::from(update.status))
        .bind(&update.etag)
        .bind(&update.last_modified)
        .bind(&update.title)
        .bind(&update.site_url)
        .bind(update.kind.map(SourceKind::as_str))
        .bind(update.interval_secs)
        .bind(update.next_poll_at.timestamp())
        .bind(now.timestamp())
        .bind(now.timestamp())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn record_failure(&self, id: i64, update: &FailureUpdate, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sources SET
                last_status = ?, last_error_class = ?, last_error = ?, failures = failures + 1,
                failing_since = coalesce(failing_since, ?), next_poll_at = ?, last_polled_at = ?,
                disabled_at = CASE WHEN ? THEN coalesce(disabled_at, ?) ELSE disabled_at END
             WHERE id = ?",
        )
        .bind(update.status.map(i64::from))
        .bind(update.class.as_str())
        .bind(&update.message)
        .bind(now.timestamp())
        .bind(update.next_poll_at.timestamp())
        .bind(now.timestamp())
        .bind(update.disable)
        .bind(now.timestamp())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Sets how much a source counts in quality scores (1.0 is neutral).
    pub async fn set_source_weight(&self, id: i64, weight: f64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sources SET weight = ? WHERE id = ?")
            .bind(weight)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
