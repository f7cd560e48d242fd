//! The `articles` table (plus `article_sightings` and `episodes` rows written with it):
//! exact dedupe on (source, guid) and on canonical URL across sources.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

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
    ///
    /// New articles go in with multi-row `INSERT … RETURNING` statements: every statement is
    /// a round trip to SQLite's worker thread, and one per article made storing slower than
    /// parsing. Only the rows that clashed are looked at one by one.
    pub async fn insert_articles(&self, source_id: i64, articles: &[Article]) -> Result<InsertOutcome, StoreError> {
        let mut outcome = InsertOutcome::default();
        let mut tx = self.write_tx().await?;
        let mut clashed = Vec::new();
        // Articles retention deleted stay deleted: a feed that still carries one must not
        // bring it back as news.
        let buried = buried_articles(&mut tx, source_id, articles).await?;
        outcome.already_known += buried.len();
        let kept: Vec<usize> = (0..articles.len()).filter(|i| !buried.contains(i)).collect();
        for chunk in kept.chunks(INSERT_CHUNK) {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO articles (source_id, guid, url, title, author, published_at, date_missing,
                    fetched_at, summary, text, excerpt_only, content_hash) ",
            );
            insert.push_values(chunk, |mut row, &index| {
                let article = &articles[index];
                row.push_bind(source_id)
                    .push_bind(article.guid.as_str())
                    .push_bind(article.url.as_deref())
                    .push_bind(article.title.as_str())
                    .push_bind(article.author.as_deref())
                    .push_bind(article.published_at.timestamp())
                    .push_bind(article.date_missing)
                    .push_bind(article.fetched_at.timestamp())
                    .push_bind(article.summary.as_deref())
                    .push_bind(article.text.as_str())
                    .push_bind(article.excerpt_only)
                    .push_bind(content_hash(article));
            });
            insert.push(" ON CONFLICT DO NOTHING RETURNING id, guid");
            let mut ids: HashMap<String, i64> = HashMap::new();
            for row in insert.build().fetch_all(&mut *tx).await? {
                ids.insert(row.try_get("guid")?, row.try_get("id")?);
            }
            for &index in chunk {
                // `remove`: a guid repeated within the document counts once.
                match ids.remove(&articles[index].guid) {
                    Some(id) => outcome.inserted.push((index, id)),
                    None => clashed.push(index),
                }
            }
        }
        for (index, id) in &outcome.inserted {
            if let Some(episode) = articles.get(*index).and_then(|a| a.episode.as_ref()) {
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
        }
        let known = known_guids(&mut tx, source_id, clashed.iter().filter_map(|i| articles.get(*i))).await?;
        for index in clashed {
            let Some(article) = articles.get(index) else { continue };
            if known.contains(&article.guid) {
                outcome.already_known += 1;
                continue;
            }
            // The guid is new for this source, so the canonical URL clashed: another source
            // (or an earlier guid of this one) already holds the story.
            let owner: Option<(i64, i64)> = match &article.url {
                Some(url) => sqlx::query("SELECT id, source_id FROM articles WHERE url = ?")
                    .bind(url)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|row| Ok::<_, sqlx::Error>((row.try_get("id")?, row.try_get("source_id")?)))
                    .transpose()?,
                None => None,
            };
            let Some((article_id, owner_source)) = owner else {
                outcome.already_known += 1;
                continue;
            };
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

/// Rows per multi-row INSERT: 12 bound values each stays far below SQLite's variable limit.
const INSERT_CHUNK: usize = 200;

/// Indexes of the articles retention deleted before (by this source's guid, or by
/// canonical URL from any source).
async fn buried_articles(
    conn: &mut SqliteConnection,
    source_id: i64,
    articles: &[Article],
) -> Result<HashSet<usize>, sqlx::Error> {
    let mut buried_guids = HashSet::new();
    let mut buried_urls = HashSet::new();
    for chunk in articles.chunks(INSERT_CHUNK) {
        let mut query = QueryBuilder::<Sqlite>::new("SELECT guid FROM article_tombstones WHERE source_id = ");
        query.push_bind(source_id).push(" AND guid IN (");
        let mut list = query.separated(", ");
        for article in chunk {
            list.push_bind(article.guid.as_str());
        }
        query.push(")");
        for row in query.build().fetch_all(&mut *conn).await? {
            buried_guids.insert(row.try_get::<String, _>("guid")?);
        }
        let urls: Vec<&str> = chunk.iter().filter_map(|a| a.url.as_deref()).collect();
        if urls.is_empty() {
            continue;
        }
        let mut query = QueryBuilder::<Sqlite>::new("SELECT url FROM article_tombstones WHERE url IN (");
        let mut list = query.separated(", ");
        for url in urls {
            list.push_bind(url);
        }
        query.push(")");
        for row in query.build().fetch_all(&mut *conn).await? {
            buried_urls.insert(row.try_get::<String, _>("url")?);
        }
    }
    Ok(articles
        .iter()
        .enumerate()
        .filter(|(_, a)| buried_guids.contains(&a.guid) || a.url.as_ref().is_some_and(|u| buried_urls.contains(u)))
        .map(|(i, _)| i)
        .collect())
}

/// Which of these articles' guids this source already stored, or saw as another source's story.
async fn known_guids<'a>(
    conn: &mut SqliteConnection,
    source_id: i64,
    articles: impl Iterator<Item = &'a Article>,
) -> Result<HashSet<String>, sqlx::Error> {
    let guids: Vec<&str> = articles.map(|a| a.guid.as_str()).collect();
    let mut known = HashSet::new();
    for chunk in guids.chunks(INSERT_CHUNK) {
        let mut query = QueryBuilder::<Sqlite>::new("SELECT guid FROM articles WHERE source_id = ");
        query.push_bind(source_id).push(" AND guid IN (");
        let mut list = query.separated(", ");
        for guid in chunk {
            list.push_bind(*guid);
        }
        query.push(") UNION SELECT guid FROM article_sightings WHERE source_id = ");
        query.push_bind(source_id).push(" AND guid IN (");
        let mut list = query.separated(", ");
        for guid in chunk {
            list.push_bind(*guid);
        }
        query.push(")");
        for row in query.build().fetch_all(&mut *conn).await? {
            known.insert(row.try_get("guid")?);
        }
    }
    Ok(known)
}
