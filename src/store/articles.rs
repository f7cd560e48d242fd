//! The `articles` table (plus `article_sightings` and `episodes` rows written with it):
//! exact dedupe on (source, guid) and on canonical URL across sources.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Store, StoreError, from_unix};
use crate::domain::Article;

/// What storing one feed's articles did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InsertOutcome {
    /// Row ids of the articles stored now, with their index in the input slice.
    pub inserted: Vec<(usize, i64)>,
    /// Items already stored from this source.
    pub already_known: usize,
    /// Items whose canonical URL another source already brought in.
    pub cross_source_duplicates: usize,
}

/// An article as read back from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub id: i64,
    pub source_id: i64,
    pub guid: String,
    pub url: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub published_at: DateTime<Utc>,
    pub fetched_at: DateTime<Utc>,
    pub summary: Option<String>,
    pub text: String,
    pub excerpt_only: bool,
    pub content_hash: String,
}

/// Hash of what a reader sees; later stages use it to spot re-posted copies.
pub fn content_hash(article: &Article) -> String {
    let mut hasher = Sha256::new();
    hasher.update(article.title.trim().as_bytes());
    hasher.update([0]);
    hasher.update(article.text.trim().as_bytes());
    hex::encode(&hasher.finalize()[..16])
}

impl Store {
    /// Stores a feed's articles in one transaction, skipping what is already known.
    pub async fn insert_articles(&self, source_id: i64, articles: &[Article]) -> Result<InsertOutcome, StoreError> {
        let mut outcome = InsertOutcome::default();
        let mut tx = self.write_tx().await?;
        for (index, article) in articles.iter().enumerate() {
            let known: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM articles WHERE source_id = ?1 AND guid = ?2
                 UNION ALL SELECT 1 FROM article_sightings WHERE source_id = ?1 AND guid = ?2 LIMIT 1",
            )
            .bind(source_id)
            .bind(&article.guid)
            .fetch_optional(&mut *tx)
            .await?;
            if known.is_some() {
                outcome.already_known += 1;
                continue;
            }
            let result = sqlx::query(
                "INSERT INTO articles (source_id, guid, url, title, author, published_at, date_missing,
                    fetched_at, summary, text, excerpt_only, content_hash)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(source_id)
            .bind(&article.guid)
            .bind(&article.url)
            .bind(&article.title)
            .bind(&article.author)
            .bind(article.published_at.timestamp())
            .bind(article.date_missing)
            .bind(article.fetched_at.timestamp())
            .bind(&article.summary)
            .bind(&article.text)
            .bind(article.excerpt_only)
            .bind(content_hash(article))
            .execute(&mut *tx)
            .await?;
            if result.rows_affected() == 0 {
                // The guid is new for this source, so the canonical URL clashed: another
                // source (or an earlier guid of this one) already holds the story.
                if let Some(url) = &article.url {
                    let owner: Option<(i64, i64)> = sqlx::query("SELECT id, source_id FROM articles WHERE url = ?")
                        .bind(url)
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|row| Ok::<_, sqlx::Error>((row.try_get("id")?, row.try_get("source_id")?)))
                        .transpose()?;
                    if let Some((article_id, owner_source)) = owner {
                        sqlx::query(
                            "INSERT INTO article_sightings (article_id, source_id, guid, seen_at)
                             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        )
                        .bind(article_id)
                        .bind(source_id)
                        .bind(&article.guid)
                        .bind(article.fetched_at.timestamp())
                        .execute(&mut *tx)
                        .await?;
                        if owner_source == source_id {
                            outcome.already_known += 1;
                        } else {
                            outcome.cross_source_duplicates += 1;
                        }
                        continue;
                    }
                }
                outcome.already_known += 1;
                continue;
            }
            let id = result.last_insert_rowid();
            if let Some(episode) = &article.episode {
                let transcript = episode.transcripts.first();
                sqlx::query(
                    "INSERT INTO episodes (article_id, enclosure_url, duration_secs, transcript_url,
                        transcript_mime, chapters_url) VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(id)
                .bind(&episode.enclosure_url)
                .bind(episode.duration_secs.and_then(|d| i64::try_from(d).ok()))
                .bind(transcript.map(|t| t.url.as_str()))
                .bind(transcript.map(|t| t.mime.as_str()))
                .bind(&episode.chapters_url)
                .execute(&mut *tx)
                .await?;
            }
            outcome.inserted.push((index, id));
        }
        tx.commit().await?;
        Ok(outcome)
    }

    pub async fn count_articles(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM articles")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Other sources that carried this article (cross-source duplicates by canonical URL).
    pub async fn sightings(&self, article_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT source_id FROM article_sightings WHERE article_id = ? ORDER BY seen_at")
                .bind(article_id)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Articles whose canonical URL is `url`.
    pub async fn article_by_url(&self, url: &str) -> Result<Option<StoredArticle>, StoreError> {
        let row = sqlx::query("SELECT * FROM articles WHERE url = ?")
            .bind(url)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(StoredArticle {
                id: row.try_get("id")?,
                source_id: row.try_get("source_id")?,
                guid: row.try_get("guid")?,
                url: row.try_get("url")?,
                title: row.try_get("title")?,
                author: row.try_get("author")?,
                published_at: from_unix(row.try_get("published_at")?),
                fetched_at: from_unix(row.try_get("fetched_at")?),
                summary: row.try_get("summary")?,
                text: row.try_get("text")?,
                excerpt_only: row.try_get("excerpt_only")?,
                content_hash: row.try_get("content_hash")?,
            })
        })
        .transpose()
        .map_err(StoreError::Sql)
    }

    /// Replaces an excerpt with the full text extracted from the article page.
    pub async fn set_full_text(&self, article_id: i64, text: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE articles SET text = ?, excerpt_only = 0 WHERE id = ?")
            .bind(text)
            .bind(article_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
