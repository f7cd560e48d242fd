//! The `topics` and `article_topics` tables: the built-in catalogue (synced from code),
//! custom topics per chat server, and which articles match which topic how strongly.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{Store, StoreError};

/// A topic as stored. `scope` is '' for the built-in catalogue and topics made on the
/// command line, otherwise the chat server that owns it (e.g. `discord:1234`).
#[derive(Debug, Clone, PartialEq)]
pub struct TopicRow {
    pub id: i64,
    pub scope: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub builtin: bool,
    pub created_by: Option<String>,
}

/// What is needed to store a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTopic {
    pub scope: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub created_by: Option<String>,
}

impl TopicRow {
    fn from_row(row: &SqliteRow) -> Result<TopicRow, sqlx::Error> {
        let include: String = row.try_get("include_terms")?;
        let exclude: String = row.try_get("exclude_terms")?;
        Ok(TopicRow {
            id: row.try_get("id")?,
            scope: row.try_get("scope")?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            description: row.try_get("description")?,
            include: serde_json::from_str(&include).unwrap_or_default(),
            exclude: serde_json::from_str(&exclude).unwrap_or_default(),
            builtin: row.try_get("builtin")?,
            created_by: row.try_get("created_by")?,
        })
    }
}

fn terms_json(terms: &[String]) -> String {
    serde_json::to_string(terms).unwrap_or_else(|_| "[]".to_string())
}

impl Store {
    /// Makes the stored built-in catalogue equal to `catalogue`: new topics are added,
    /// changed ones updated, and built-ins no longer shipped are removed (with their tags).
    pub async fn sync_builtin_topics(&self, catalogue: &[NewTopic], now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        for topic in catalogue {
            sqlx::query(
                "INSERT INTO topics (scope, slug, name, description, include_terms, exclude_terms, builtin, created_at)
                 VALUES ('', ?, ?, ?, ?, ?, 1, ?)
                 ON CONFLICT (scope, slug) DO UPDATE SET
                    name = excluded.name, description = excluded.description,
                    include_terms = excluded.include_terms, exclude_terms = excluded.exclude_terms, builtin = 1",
            )
            .bind(&topic.slug)
            .bind(&topic.name)
            .bind(&topic.description)
            .bind(terms_json(&topic.include))
            .bind(terms_json(&topic.exclude))
            .bind(now.timestamp())
            .execute(&mut *tx)
            .await?;
        }
        let mut stale = QueryBuilder::<Sqlite>::new("DELETE FROM topics WHERE builtin = 1 AND slug NOT IN (");
        let mut list = stale.separated(", ");
        for topic in catalogue {
            list.push_bind(&topic.slug);
        }
        list.push_bind("");
        stale.push(")");
        stale.build().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every topic: built-ins first, then custom topics by scope and slug.
    pub async fn all_topics(&self) -> Result<Vec<TopicRow>, StoreError> {
        let rows = sqlx::query("SELECT * FROM topics ORDER BY builtin DESC, scope, id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(TopicRow::from_row).collect::<Result<_, _>>()?)
    }

    /// The topics visible in one scope: the built-ins, CLI-made topics and that scope's own.
    pub async fn topics_for_scope(&self, scope: &str) -> Result<Vec<TopicRow>, StoreError> {
        let rows = sqlx::query("SELECT * FROM topics WHERE scope = '' OR scope = ? ORDER BY builtin DESC, id")
            .bind(scope)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(TopicRow::from_row).collect::<Result<_, _>>()?)
    }

    /// Stores a custom topic; `None` when the scope already has a topic with that slug.
    pub async fn create_topic(&self, topic: &NewTopic, now: DateTime<Utc>) -> Result<Option<TopicRow>, StoreError> {
        let row = sqlx::query(
            "INSERT INTO topics (scope, slug, name, description, include_terms, exclude_terms, builtin, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
             ON CONFLICT (scope, slug) DO NOTHING
             RETURNING *",
        )
        .bind(&topic.scope)
        .bind(&topic.slug)
        .bind(&topic.name)
        .bind(&topic.description)
        .bind(terms_json(&topic.include))
        .bind(terms_json(&topic.exclude))
        .bind(&topic.created_by)
        .bind(now.timestamp())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(TopicRow::from_row).transpose()?)
    }

    /// Replaces a custom topic's name, description and terms; false when there is no such
    /// custom topic in that scope.
    pub async fn update_topic(&self, topic: &NewTopic) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE topics SET name = ?, description = ?, include_terms = ?, exclude_terms = ?
             WHERE scope = ? AND slug = ? AND builtin = 0",
        )
        .bind(&topic.name)
        .bind(&topic.description)
        .bind(terms_json(&topic.include))
        .bind(terms_json(&topic.exclude))
        .bind(&topic.scope)
        .bind(&topic.slug)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes a custom topic (never a built-in); false when there is none.
    pub async fn delete_topic(&self, scope: &str, slug: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM topics WHERE scope = ? AND slug = ? AND builtin = 0")
            .bind(scope)
            .bind(slug)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Replaces the topic tags of these articles and stamps them with `version`.
    pub async fn set_article_topics(&self, tags: &[(i64, Vec<(i64, f32)>)], version: i64) -> Result<(), StoreError> {
        if tags.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for chunk in tags.chunks(TAG_CHUNK) {
            let mut clear = QueryBuilder::<Sqlite>::new("DELETE FROM article_topics WHERE article_id IN (");
            let mut list = clear.separated(", ");
            for (article_id, _) in chunk {
                list.push_bind(*article_id);
            }
            clear.push(")");
            clear.build().execute(&mut *tx).await?;

            let pairs: Vec<(i64, i64, f32)> = chunk
                .iter()
                .flat_map(|(article, topics)| {
                    topics
                        .iter()
                        .map(move |(topic, strength)| (*article, *topic, *strength))
                })
                .collect();
            for rows in pairs.chunks(TAG_CHUNK) {
                let mut insert = QueryBuilder::<Sqlite>::new(
                    "INSERT OR IGNORE INTO article_topics (article_id, topic_id, strength) ",
                );
                insert.push_values(rows, |mut row, (article, topic, strength)| {
                    row.push_bind(*article)
                        .push_bind(*topic)
                        .push_bind(f64::from(*strength));
                });
                insert.build().execute(&mut *tx).await?;
            }

            let mut stamp = QueryBuilder::<Sqlite>::new("UPDATE articles SET topics_version = ");
            stamp.push_bind(version).push(" WHERE id IN (");
            let mut list = stamp.separated(", ");
            for (article_id, _) in chunk {
                list.push_bind(*article_id);
            }
            stamp.push(")");
            stamp.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The topics an article is tagged with, as (slug, scope, strength), strongest first.
    pub async fn article_topics(&self, article_id: i64) -> Result<Vec<(String, String, f32)>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.slug, t.scope, at.strength FROM article_topics at JOIN topics t ON t.id = at.topic_id
             WHERE at.article_id = ? ORDER BY at.strength DESC, t.slug",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let strength: f64 = row.try_get("strength")?;
                Ok((row.try_get("slug")?, row.try_get("scope")?, strength as f32))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Sql)
    }
}

/// What topic tagging reads of an article.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggingInput {
    pub id: i64,
    pub title: String,
    pub text: String,
    pub is_podcast: bool,
    pub source_url: String,
}

impl Store {
    /// Titles and texts (the first `max_chars` characters) of these articles, for tagging.
    pub async fn tagging_inputs(&self, ids: &[i64], max_chars: i64) -> Result<Vec<TaggingInput>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(TAG_CHUNK) {
            let mut query = QueryBuilder::<Sqlite>::new("SELECT a.id, a.title, substr(a.text, 1, ");
            query.push_bind(max_chars);
            query.push(
                ") AS text, (s.kind = 'podcast' OR EXISTS (SELECT 1 FROM episodes e WHERE e.article_id = a.id)) AS podcast, \
                 s.url AS source_url FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id IN (",
            );
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(")");
            for row in query.build().fetch_all(&self.pool).await? {
                out.push(TaggingInput {
                    id: row.try_get("id")?,
                    title: row.try_get("title")?,
                    text: row.try_get("text")?,
                    is_podcast: row.try_get("podcast")?,
                    source_url: row.try_get("source_url")?,
                });
            }
        }
        Ok(out)
    }

    /// Articles published since `since` whose tags predate the topic set `version`.
    pub async fn stale_tagged_articles(&self, since: DateTime<Utc>, version: i64) -> Result<Vec<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM articles WHERE published_at >= ? AND topics_version != ? ORDER BY id")
                .bind(since.timestamp())
                .bind(version)
                .fetch_all(&self.pool)
                .await?,
        )
    }
}

/// Articles per statement; keeps bound values far below SQLite's limit.
const TAG_CHUNK: usize = 200;
