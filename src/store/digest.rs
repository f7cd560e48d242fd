//! Reads for the editorial pipeline: the articles of a time window with their source,
//! topic tags and cross-source sightings, full texts of the few that get summarised, and
//! the counts of a digest's data overview.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};

use super::scopes::{article_visible, visible_sources};
use super::{Store, StoreError, from_unix, parse_or};
use crate::domain::SourceKind;

/// Characters of the text read for every article of a window: enough for clustering and
/// topic tagging of the lead, without reading megabytes of bodies that are never shown.
pub const LEAD_CHARS: i64 = 1500;

/// An article of a digest window, with what ranking it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowArticle {
    pub id: i64,
    pub source_id: i64,
    pub url: Option<String>,
    pub title: String,
    pub published_at: DateTime<Utc>,
    pub date_missing: bool,
    pub fetched_at: DateTime<Utc>,
    /// The first [`LEAD_CHARS`] characters of the text.
    pub lead: String,
    /// Length of the whole text, in characters.
    pub text_chars: i64,
    pub excerpt_only: bool,
    pub topics_version: i64,
    pub source_name: String,
    pub source_url: String,
    pub source_site: Option<String>,
    pub source_weight: f64,
    pub source_kind: SourceKind,
    /// Segments of a stored podcast transcript.
    pub transcript_segments: i64,
    /// Topic ids with their strength.
    pub topics: Vec<(i64, f32)>,
    /// Other sources that carried the same link: (display name, source URL).
    pub sightings: Vec<(String, String)>,
}

/// The counts of a digest's data overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreCounts {
    /// Enabled sources whose last poll succeeded.
    pub sources_ok: i64,
    /// Enabled sources.
    pub sources_total: i64,
    pub articles: i64,
}

impl Store {
    /// Articles published in `[since, until]` that `scope` may read (only those tagged with
    /// `topic_id`, when one is given), newest first. An article
    /// first stored from a source the scope does not read, but also carried by one it does,
    /// is shown under that one: another server's private source is never named.
    pub async fn window_articles(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        scope: &str,
        topic_id: Option<i64>,
    ) -> Result<Vec<WindowArticle>, StoreError> {
        let visible = visible_sources(4);
        // A topic's digest reads only the articles tagged with it (NULL: every article).
        let in_topic = "(?5 IS NULL OR a.id IN (SELECT article_id FROM article_topics WHERE topic_id = ?5))";
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.source_id, a.url, a.title, a.published_at, a.date_missing, a.fetched_at,
                    substr(a.text, 1, ?1) AS lead, length(a.text) AS text_chars, a.excerpt_only, a.topics_version,
                    COALESCE(NULLIF(trim(s.title), ''), s.url) AS source_name, s.url AS source_url,
                    s.site_url, s.weight, s.kind, a.source_id IN ({visible}) AS primary_visible,
                    (SELECT COUNT(*) FROM transcript_segments ts WHERE ts.article_id = a.id) AS segments
             FROM articles a JOIN sources s ON s.id = a.source_id
             WHERE a.published_at >= ?2 AND a.published_at <= ?3 AND {} AND {in_topic}
             ORDER BY a.published_at DESC, a.id DESC",
            article_visible(4)
        )))
        .bind(LEAD_CHARS)
        .bind(since.timestamp())
        .bind(until.timestamp())
        .bind(scope)
        .bind(topic_id)
        .fetch_all(&self.pool)
        .await?;
        let mut borrowed_source = Vec::new();
        let mut articles = Vec::with_capacity(rows.len());
        let mut index = HashMap::with_capacity(rows.len());
        for row in &rows {
            let kind: String = row.try_get("kind")?;
            let article = WindowArticle {
                id: row.try_get("id")?,
                source_id: row.try_get("source_id")?,
                url: row.try_get("url")?,
                title: row.try_get("title")?,
                published_at: from_unix(row.try_get("published_at")?),
                date_missing: row.try_get("date_missing")?,
                fetched_at: from_unix(row.try_get("fetched_at")?),
                lead: row.try_get("lead")?,
                text_chars: row.try_get("text_chars")?,
                excerpt_only: row.try_get("excerpt_only")?,
                topics_version: row.try_get("topics_version")?,
                source_name: row.try_get("source_name")?,
                source_url: row.try_get("source_url")?,
                source_site: row.try_get("site_url")?,
                source_weight: row.try_get("weight")?,
                source_kind: parse_or(&kind, SourceKind::Feed),
                transcript_segments: row.try_get("segments")?,
                topics: Vec::new(),
                sightings: Vec::new(),
            };
            let primary_visible: bool = row.try_get("primary_visible")?;
            if !primary_visible {
                borrowed_source.push(articles.len());
            }
            index.insert(article.id, articles.len());
            articles.push(article);
        }
        if articles.is_empty() {
            return Ok(articles);
        }

        let tags = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT at.article_id, at.topic_id, at.strength FROM article_topics at
             JOIN articles a ON a.id = at.article_id
             WHERE a.published_at >= ?2 AND a.published_at <= ?3 AND {}",
            in_topic.replace("?5", "?1")
        )))
        .bind(topic_id)
        .bind(since.timestamp())
        .bind(until.timestamp())
        .fetch_all(&self.pool)
        .await?;
        for row in &tags {
            let article_id: i64 = row.try_get("article_id")?;
            let strength: f64 = row.try_get("strength")?;
            if let Some(&i) = index.get(&article_id) {
                articles[i].topics.push((row.try_get("topic_id")?, strength as f32));
            }
        }

        let sightings = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT si.article_id, si.source_id, COALESCE(NULLIF(trim(s.title), ''), s.url) AS name, s.url,
                    s.site_url, s.weight, s.kind
             FROM article_sightings si JOIN sources s ON s.id = si.source_id
             JOIN articles a ON a.id = si.article_id
             WHERE a.published_at >= ?1 AND a.published_at <= ?2 AND si.source_id IN ({}) AND {}
             ORDER BY si.seen_at",
            visible_sources(3),
            in_topic.replace("?5", "?4")
        )))
        .bind(since.timestamp())
        .bind(until.timestamp())
        .bind(scope)
        .bind(topic_id)
        .fetch_all(&self.pool)
        .await?;
        let mut needs_source = vec![false; articles.len()];
        for &i in &borrowed_source {
            needs_source[i] = true;
        }
        for row in &sightings {
            let article_id: i64 = row.try_get("article_id")?;
            let Some(&i) = index.get(&article_id) else {
                continue;
            };
            if needs_source[i] {
                // The first readable source that carried it stands in for the unreadable one.
                needs_source[i] = false;
                let kind: String = row.try_get("kind")?;
                let article = &mut articles[i];
                article.source_id = row.try_get("source_id")?;
                article.source_name = row.try_get("name")?;
                article.source_url = row.try_get("url")?;
                article.source_site = row.try_get("site_url")?;
                article.source_weight = row.try_get("weight")?;
                article.source_kind = parse_or(&kind, SourceKind::Feed);
            } else {
                articles[i].sightings.push((row.try_get("name")?, row.try_get("url")?));
            }
        }
        Ok(articles)
    }

    /// Full texts of these articles, by id.
    pub async fn article_texts(&self, ids: &[i64]) -> Result<HashMap<i64, String>, StoreError> {
        let mut texts = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut query = QueryBuilder::<Sqlite>::new("SELECT id, text FROM articles WHERE id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(")");
            for row in query.build().fetch_all(&self.pool).await? {
                texts.insert(row.try_get("id")?, row.try_get("text")?);
            }
        }
        Ok(texts)
    }

    /// The sources `scope` reads and the articles stored from them, for the data overview
    /// and `/stats`.
    pub async fn counts(&self, scope: &str) -> Result<StoreCounts, StoreError> {
        let visible = visible_sources(1);
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT
                (SELECT COUNT(*) FROM sources WHERE disabled_at IS NULL AND failures = 0
                    AND last_success_at IS NOT NULL AND id IN ({visible})) AS ok,
                (SELECT COUNT(*) FROM sources WHERE disabled_at IS NULL AND id IN ({visible})) AS total,
                (SELECT COUNT(*) FROM articles WHERE source_id IN ({visible})) AS articles"
        )))
        .bind(scope)
        .fetch_one(&self.pool)
        .await?;
        Ok(StoreCounts {
            sources_ok: row.try_get("ok")?,
            sources_total: row.try_get("total")?,
            articles: row.try_get("articles")?,
        })
    }
}
