//! The `llm_cache` and `llm_usage` tables: a model's validated answer is kept by (content
//! hash, task, model, prompt version), so nothing is asked twice, and tokens are counted per
//! UTC day and task for the daily budget and `/stats`.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Store, StoreError};

/// One cached answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedAnswer {
    pub output: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

/// Token use of one task on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LlmUsage {
    pub task: String,
    pub requests: i64,
    pub failures: i64,
    pub cache_hits: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

impl LlmUsage {
    pub fn tokens(&self) -> i64 {
        self.prompt_tokens + self.completion_tokens
    }
}

/// What one request (or cache hit) adds to the day's usage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageDelta {
    pub requests: i64,
    pub failures: i64,
    pub cache_hits: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

impl Store {
    pub async fn llm_cached(
        &self,
        content_hash: &str,
        task: &str,
        model: &str,
        prompt_version: i64,
    ) -> Result<Option<CachedAnswer>, StoreError> {
        let row = sqlx::query(
            "SELECT output, prompt_tokens, completion_tokens FROM llm_cache \
             WHERE content_hash = ? AND task = ? AND model = ? AND prompt_version = ?",
        )
        .bind(content_hash)
        .bind(task)
        .bind(model)
        .bind(prompt_version)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(CachedAnswer {
                output: row.try_get("output")?,
                prompt_tokens: row.try_get("prompt_tokens")?,
                completion_tokens: row.try_get("completion_tokens")?,
            })
        })
        .transpose()
        .map_err(StoreError::Sql)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn llm_cache_put(
        &self,
        content_hash: &str,
        task: &str,
        model: &str,
        prompt_version: i64,
        answer: &CachedAnswer,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO llm_cache (content_hash, task, model, prompt_version, output, prompt_tokens, \
                 completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (content_hash, task, model, prompt_version) DO UPDATE SET output = excluded.output",
        )
        .bind(content_hash)
        .bind(task)
        .bind(model)
        .bind(prompt_version)
        .bind(&answer.output)
        .bind(answer.prompt_tokens)
        .bind(answer.completion_tokens)
        .bind(now.timestamp())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn llm_add_usage(&self, task: &str, delta: UsageDelta, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO llm_usage (day, task, requests, failures, cache_hits, prompt_tokens, completion_tokens) \
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, task) DO UPDATE SET \
                 requests = requests + excluded.requests, failures = failures + excluded.failures, \
                 cache_hits = cache_hits + excluded.cache_hits, \
                 prompt_tokens = prompt_tokens + excluded.prompt_tokens, \
                 completion_tokens = completion_tokens + excluded.completion_tokens",
        )
        .bind(day(now))
        .bind(task)
        .bind(delta.requests)
        .bind(delta.failures)
        .bind(delta.cache_hits)
        .bind(delta.prompt_tokens)
        .bind(delta.completion_tokens)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Usage per task on the UTC day of `at`.
    pub async fn llm_usage(&self, at: DateTime<Utc>) -> Result<Vec<LlmUsage>, StoreError> {
        let rows = sqlx::query(
            "SELECT task, requests, failures, cache_hits, prompt_tokens, completion_tokens \
             FROM llm_usage WHERE day = ? ORDER BY task",
        )
        .bind(day(at))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LlmUsage {
                    task: row.try_get("task")?,
                    requests: row.try_get("requests")?,
                    failures: row.try_get("failures")?,
                    cache_hits: row.try_get("cache_hits")?,
                    prompt_tokens: row.try_get("prompt_tokens")?,
                    completion_tokens: row.try_get("completion_tokens")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Sql)
    }
}
