//! Retention: deleting what is older than the operator chose to keep, in small batches so
//! posting never waits long for the write lock, and giving the space back to the file
//! system. Nothing a restart could still need goes: pending deliveries are never deleted,
//! nor an article a pending delivery names; a deleted article leaves a tombstone so a feed
//! that still carries it cannot bring it back as news.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Store, StoreError};

/// Cut-off instants per kind of row; `None` keeps that kind forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionCutoffs {
    /// Articles published and fetched before this.
    pub articles: Option<DateTime<Utc>>,
    /// Transcripts of episodes fetched before this.
    pub transcripts: Option<DateTime<Utc>>,
    /// Finished deliveries created before this.
    pub deliveries: Option<DateTime<Utc>>,
    /// Editions and digest records created before this.
    pub digests: Option<DateTime<Utc>>,
    /// LLM answers cached before this.
    pub llm_cache: Option<DateTime<Utc>>,
    /// Tombstones of articles deleted before this.
    pub tombstones: Option<DateTime<Utc>>,
}

/// Rows one batch (or a whole run) deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub articles: u64,
    pub transcript_segments: u64,
    pub deliveries: u64,
    pub digests: u64,
    pub editions: u64,
    pub llm_cache: u64,
    pub tombstones: u64,
    /// Sources no scope links any more (with their articles).
    pub sources: u64,
}

impl RetentionReport {
    pub fn total(&self) -> u64 {
        self.articles
            + self.transcript_segments
            + self.deliveries
            + self.digests
            + self.editions
            + self.llm_cache
            + self.tombstones
            + self.sources
    }

    pub fn add(&mut self, other: &RetentionReport) {
        self.articles += other.articles;
        self.transcript_segments += other.transcript_segments;
        self.deliveries += other.deliveries;
        self.digests += other.digests;
        self.editions += other.editions;
        self.llm_cache += other.llm_cache;
        self.tombstones += other.tombstones;
        self.sources += other.sources;
    }

    /// (kind, rows) pairs for logs and metrics.
    pub fn kinds(&self) -> [(&'static str, u64); 8] {
        [
            ("articles", self.articles),
            ("transcript_segments", self.transcript_segments),
            ("deliveries", self.deliveries),
            ("digests", self.digests),
            ("editions", self.editions),
            ("llm_cache", self.llm_cache),
            ("tombstones", self.tombstones),
            ("sources", self.sources),
        ]
    }
}

impl Store {
    /// Deletes at most `batch` rows of each kind past its cut-off, each kind in its own
    /// short write transaction. The caller repeats until a batch deletes nothing.
    pub async fn prune_batch(
        &self,
        cutoffs: &RetentionCutoffs,
        batch: u32,
        now: DateTime<Utc>,
    ) -> Result<RetentionReport, StoreError> {
        let batch = i64::from(batch.max(1));
        let mut report = RetentionReport::default();
        if let Some(cutoff) = cutoffs.articles {
            report.articles = self.prune_articles(cutoff, batch, now).await?;
        }
        report.sources = self.prune_unlinked_sources(batch).await?;
        if let Some(cutoff) = cutoffs.transcripts {
            report.transcript_segments = self
                .delete_rows(
                    "DELETE FROM transcript_segments WHERE rowid IN (
                        SELECT ts.rowid FROM transcript_segments ts JOIN articles a ON a.id = ts.article_id
                        WHERE a.fetched_at < ?1 LIMIT ?2)",
                    cutoff,
                    batch,
                )
                .await?;
        }
        if let Some(cutoff) = cutoffs.deliveries {
            // Pending rows stay whatever their age: a restart still needs their nonce.
            report.deliveries = self
                .delete_rows(
                    "DELETE FROM deliveries WHERE id IN (
                        SELECT id FROM deliveries WHERE status IN ('sent', 'failed') AND created_at < ?1 LIMIT ?2)",
                    cutoff,
                    batch,
                )
                .await?;
        }
        if let Some(cutoff) = cutoffs.digests {
            report.digests = self
                .delete_rows(
                    "DELETE FROM digests WHERE id IN (SELECT id FROM digests WHERE created_at < ?1 LIMIT ?2)",
                    cutoff,
                    batch,
                )
                .await?;
            report.editions = self
                .delete_rows(
                    "DELETE FROM editions WHERE id IN (SELECT id FROM editions WHERE created_at < ?1 LIMIT ?2)",
                    cutoff,
                    batch,
                )
                .await?;
        }
        if let Some(cutoff) = cutoffs.llm_cache {
            report.llm_cache = self
                .delete_rows(
                    "DELETE FROM llm_cache WHERE rowid IN (SELECT rowid FROM llm_cache WHERE created_at < ?1 LIMIT ?2)",
                    cutoff,
                    batch,
                )
                .await?;
        }
        if let Some(cutoff) = cutoffs.tombstones {
            report.tombstones = self
                .delete_rows(
                    "DELETE FROM article_tombstones WHERE (source_id, guid) IN (
                        SELECT source_id, guid FROM article_tombstones WHERE deleted_at < ?1 LIMIT ?2)",
                    cutoff,
                    batch,
                )
                .await?;
        }
        Ok(report)
    }

    /// Gives up to `max_pages` pages freed by deletions back to the file system
    /// (`auto_vacuum = INCREMENTAL`, set on every file this version creates). A file made
    /// before keeps its free pages and reuses them for new rows, so it stops growing all the
    /// same; converting it would need a full `VACUUM`, which rewrites the whole file, and is
    /// left to the operator. Returns the pages given back.
    pub async fn reclaim_space(&self, max_pages: u32) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mode: i64 = sqlx::query_scalar("PRAGMA auto_vacuum").fetch_one(&mut *conn).await?;
        if mode != 2 {
            return Ok(0);
        }
        let free: i64 = sqlx::query_scalar("PRAGMA freelist_count")
            .fetch_one(&mut *conn)
            .await?;
        if free == 0 {
            return Ok(0);
        }
        let pages = free.min(i64::from(max_pages.max(1)));
        sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA incremental_vacuum({pages})")))
            .execute(&mut *conn)
            .await?;
        Ok(pages as u64)
    }

    /// The database file's size in bytes as SQLite sees it (pages in use and free).
    pub async fn database_bytes(&self) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()")
            .fetch_one(&self.pool)
            .await?;
        let bytes: i64 = row.try_get("bytes")?;
        Ok(bytes.max(0) as u64)
    }

    /// One batch of old articles: tombstoned, then deleted (their search entries, topics,
    /// sightings, episodes, transcripts and chapters go with them). An article an unsent
    /// instant alert names is kept.
    async fn prune_articles(&self, cutoff: DateTime<Utc>, batch: i64, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT a.id FROM articles a
             WHERE a.published_at < ?1 AND a.fetched_at < ?1
               AND NOT EXISTS (SELECT 1 FROM deliveries d
                               WHERE d.status = 'pending' AND a.url IS NOT NULL AND d.item = 'url:' || a.url)
             ORDER BY a.published_at LIMIT ?2",
        )
        .bind(cutoff.timestamp())
        .bind(batch)
        .fetch_all(&mut *tx)
        .await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT OR IGNORE INTO article_tombstones (source_id, guid, url, deleted_at)
             SELECT source_id, guid, url, ?1 FROM articles WHERE id IN ({list})
             UNION ALL
             SELECT si.source_id, si.guid, NULL, ?1 FROM article_sightings si WHERE si.article_id IN ({list})"
        )))
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        let deleted = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM articles WHERE id IN ({list})"
        )))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(deleted)
    }

    /// Sources no scope links any more (left behind by servers that were pruned), with
    /// their articles. Removing a link deletes its source at once when it was the last;
    /// this catches whatever another path left.
    async fn prune_unlinked_sources(&self, batch: i64) -> Result<u64, StoreError> {
        let deleted = sqlx::query(
            "DELETE FROM sources WHERE id IN (
                SELECT s.id FROM sources s
                WHERE NOT EXISTS (SELECT 1 FROM source_links l WHERE l.source_id = s.id) LIMIT ?1)",
        )
        .bind(batch)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(deleted)
    }

    async fn delete_rows(&self, sql: &'static str, cutoff: DateTime<Utc>, batch: i64) -> Result<u64, StoreError> {
        let deleted = sqlx::query(sql)
            .bind(cutoff.timestamp())
            .bind(batch)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(deleted)
    }
}
