//! Full-text search over stored articles: FTS5 with bm25 ranking and a snippet.
//!
//! FTS statements use runtime queries: FTS5 columns carry no declared type, which the
//! compile-time checked macros cannot handle.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::scopes::{GLOBAL_SCOPE, article_visible, visible_source_name};
use super::{Store, StoreError, from_unix};

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub article_id: i64,
    pub title: String,
    pub url: Option<String>,
    pub source: String,
    pub published_at: DateTime<Utc>,
    pub snippet: String,
    pub rank: f64,
}

/// Turns what a user typed into an FTS5 query that cannot be a syntax error: each word or
/// "quoted phrase" becomes a quoted string, and all must match. Returns `None` when nothing
/// searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    let quoted: Vec<String> = query_terms(input)
        .into_iter()
        .map(|t| format!("\"{}\"", t.trim().replace('"', "\"\"")))
        .collect();
    (!quoted.is_empty()).then(|| quoted.join(" "))
}

/// The words and quoted phrases of a query, lower-cased (FTS5 folds case anyway), without
/// those that hold nothing searchable.
fn query_terms(input: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut rest = input.trim();
    while !rest.is_empty() {
        if let Some(after_quote) = rest.strip_prefix('"') {
            let end = after_quote.find('"').unwrap_or(after_quote.len());
            terms.push(after_quote[..end].to_lowercase());
            rest = after_quote.get(end + 1..).unwrap_or("").trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            terms.push(rest[..end].to_lowercase());
            rest = rest[end..].trim_start();
        }
    }
    terms.retain(|t| t.chars().any(char::is_alphanumeric));
    terms.iter_mut().for_each(|t| *t = t.trim().to_string());
    terms
}

/// The newest this-many articles are searched first: news searches are mostly about recent
/// stories. When they give too few hits, older matches follow, newest first.
const RECENT_TIER: i64 = 20_000;

/// Matches of the recent tier looked at to choose the best `limit`.
const CANDIDATES: u32 = 50;

// Why no bm25: FTS5's bm25 needs each phrase's document frequency over the whole index, and
// for a phrase of common words ("on it is") finding it means matching the phrase in every
// article — 150–250 ms at a million articles, whatever the rowid range. Matching newest first
// in a rowid range stops after a few rows (under 10 ms). So a tier's matches come newest
// first, and the recent tier's candidates are ordered by a cheap, explainable relevance:
// stories whose title holds every searched term first, then the newest.

impl Store {
    /// Articles of global sources matching `query`, best first; `since` limits by
    /// publication time.
    pub async fn search(
        &self,
        query: &str,
        since: Option<DateTime<Utc>>,
        limit: u32,
    ) -> Result<Vec<SearchHit>, StoreError> {
        self.search_in(query, since, None, GLOBAL_SCOPE, limit).await
    }

    /// [`Store::search`] among the articles `scope` reads, optionally only those tagged with
    /// `topic_id`.
    pub async fn search_in(
        &self,
        query: &str,
        since: Option<DateTime<Utc>>,
        topic_id: Option<i64>,
        scope: &str,
        limit: u32,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let terms = query_terms(query);
        let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM articles")
            .fetch_one(&self.pool)
            .await?;
        let boundary = (newest.unwrap_or(0) - RECENT_TIER).max(0);
        let mut hits = self
            .search_tier(
                &fts,
                since,
                topic_id,
                scope,
                (boundary, i64::MAX),
                CANDIDATES.max(limit),
            )
            .await?;
        for hit in &mut hits {
            let title = hit.title.to_lowercase();
            // Lower is better, as bm25 reads: -2 for a title that names every term.
            hit.rank = if terms.iter().all(|t| title.contains(t.as_str())) {
                -2.0
            } else {
                -1.0
            };
        }
        // Stable: the newest first within each relevance.
        hits.sort_by(|a, b| a.rank.total_cmp(&b.rank));
        hits.truncate(limit as usize);
        let missing = limit.saturating_sub(hits.len() as u32);
        if missing > 0 && boundary > 0 {
            let older = self
                .search_tier(&fts, since, topic_id, scope, (0, boundary + 1), missing)
                .await?;
            hits.extend(older);
        }
        Ok(hits)
    }

    /// Up to `limit` matches with `ids.0 < rowid < ids.1`, newest first.
    #[allow(clippy::too_many_arguments)]
    async fn search_tier(
        &self,
        fts: &str,
        since: Option<DateTime<Utc>>,
        topic_id: Option<i64>,
        scope: &str,
        ids: (i64, i64),
        limit: u32,
    ) -> Result<Vec<SearchHit>, StoreError> {
        // Newest first, SQLite walks FTS5's matches in rowid order and stops at the limit;
        // with no sort, a snippet (which re-reads the article's text) is computed only for the
        // rows returned. (Snippets for a list of ids would cost an FTS5 seek each, ~0.5 ms.)
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.title, a.url, a.published_at,
                    {source} AS source,
                    snippet(articles_fts, 1, '**', '**', '…', 24) AS snippet,
                    -1.0 AS rank
             FROM articles_fts
             JOIN articles a ON a.id = articles_fts.rowid
             JOIN sources s ON s.id = a.source_id
             WHERE articles_fts MATCH ?1 AND articles_fts.rowid > ?2 AND articles_fts.rowid < ?6
               AND a.published_at >= ?3
               AND (?4 IS NULL OR EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = a.id AND t.topic_id = ?4))
               AND {visible}
             ORDER BY articles_fts.rowid DESC LIMIT ?5",
            source = visible_source_name(7),
            visible = article_visible(7),
        )))
        .bind(fts)
        .bind(ids.0)
        .bind(since.map(|t| t.timestamp()).unwrap_or(i64::MIN))
        .bind(topic_id)
        .bind(i64::from(limit))
        .bind(ids.1)
        .bind(scope)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SearchHit {
                    article_id: row.try_get("id")?,
                    title: row.try_get("title")?,
                    url: row.try_get("url")?,
                    source: row.try_get("source")?,
                    published_at: from_unix(row.try_get("published_at")?),
                    snippet: row.try_get("snippet")?,
                    rank: row.try_get("rank")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Sql)
    }
}

/// A recent article, for `/latest`.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestArticle {
    pub article_id: i64,
    pub title: String,
    pub url: Option<String>,
    pub source: String,
    pub published_at: DateTime<Utc>,
}

impl Store {
    /// Which of `article_ids` are tagged with `topic_id`.
    pub async fn articles_in_topic(
        &self,
        article_ids: &[i64],
        topic_id: i64,
    ) -> Result<std::collections::HashSet<i64>, StoreError> {
        if article_ids.is_empty() {
            return Ok(Default::default());
        }
        let mut query =
            sqlx::QueryBuilder::<sqlx::Sqlite>::new("SELECT article_id FROM article_topics WHERE topic_id = ");
        query.push_bind(topic_id).push(" AND article_id IN (");
        let mut list = query.separated(", ");
        for id in article_ids {
            list.push_bind(*id);
        }
        query.push(")");
        let ids: Vec<i64> = query.build_query_scalar().fetch_all(&self.pool).await?;
        Ok(ids.into_iter().collect())
    }

    /// The newest articles `scope` reads, optionally only those tagged with `topic_id`,
    /// newest first.
    pub async fn latest_articles(
        &self,
        topic_id: Option<i64>,
        scope: &str,
        limit: u32,
    ) -> Result<Vec<LatestArticle>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.title, a.url, a.published_at, {} AS source
             FROM articles a JOIN sources s ON s.id = a.source_id
             WHERE (?1 IS NULL OR a.id IN (SELECT article_id FROM article_topics WHERE topic_id = ?1))
               AND {}
             ORDER BY a.published_at DESC, a.id DESC LIMIT ?2",
            visible_source_name(3),
            article_visible(3)
        )))
        .bind(topic_id)
        .bind(i64::from(limit))
        .bind(scope)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LatestArticle {
                    article_id: row.try_get("id")?,
                    title: row.try_get("title")?,
                    url: row.try_get("url")?,
                    source: row.try_get("source")?,
                    published_at: from_unix(row.try_get("published_at")?),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Sql)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn user_input_becomes_safe_fts() {
        assert_eq!(fts_query("gpt-4 launch").as_deref(), Some("\"gpt-4\" \"launch\""));
        assert_eq!(
            fts_query("\"mixture of experts\" moe").as_deref(),
            Some("\"mixture of experts\" \"moe\"")
        );
        assert_eq!(fts_query("say \"hi").as_deref(), Some("\"say\" \"hi\""));
        assert_eq!(fts_query("  -- ** "), None);
        assert_eq!(fts_query("a\"b"), Some("\"a\"\"b\"".to_string()));
    }
}
