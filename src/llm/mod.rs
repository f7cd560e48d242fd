//! The LLM editor: abstractive summaries, rubric scores, digest highlights and podcast
//! episode summaries from any OpenAI-compatible chat-completions endpoint — cached, budgeted
//! and safe to lose.
//!
//! Every request goes through [`LlmEditor::ask`]: a cached answer (same content hash, task,
//! model and prompt version) is reused; past the daily token budget nothing is sent (and the
//! log says so once); otherwise the request is sent, its usage recorded, and the answer
//! checked by the task's validator. A failure (timeout, HTTP error, malformed JSON, an answer
//! that breaks a check) gets one retry, then the caller falls back on the offline pipeline.
//! Only validated fields ever leave this module.

pub mod client;
pub mod tasks;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use tokio::sync::Semaphore;

use crate::config::LlmSettings;
use crate::pipeline::summarize::{Document, Extractive, Summary};
use crate::store::{CachedAnswer, Store, StoreError, UsageDelta};
use client::{CallError, ChatClient};
use tasks::{HighlightItem, Invalid, LlmSummary, MappedSegment, Rubric, RubricCandidate, SYSTEM, SegmentText, Task};

/// Why the LLM gave nothing usable; the caller uses the offline result instead.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the daily LLM token budget is spent")]
    Budget,
    #[error("{0}")]
    Call(#[from] CallError),
    #[error("the answer failed its checks: {0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Tokens and requests one piece of work cost (cache hits cost nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Spent {
    pub requests: u32,
    pub cache_hits: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Items that fell back on the offline path.
    pub fallbacks: u32,
}

impl Spent {
    pub fn add(&mut self, other: Spent) {
        self.requests += other.requests;
        self.cache_hits += other.cache_hits;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.fallbacks += other.fallbacks;
    }

    pub fn tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }
}

/// The configured model endpoint with its cache and budget.
pub struct LlmEditor {
    client: ChatClient,
    store: Store,
    settings: LlmSettings,
    permits: Semaphore,
    budget_announced: AtomicBool,
}

impl std::fmt::Debug for LlmEditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmEditor")
            .field("client", &self.client)
            .field("model", &self.settings.model)
            .finish_non_exhaustive()
    }
}

fn content_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(&hasher.finalize()[..16])
}

impl LlmEditor {
    pub fn new(settings: &LlmSettings, store: Store) -> Result<LlmEditor, CallError> {
        Ok(LlmEditor {
            client: ChatClient::new(settings)?,
            store,
            settings: settings.clone(),
            permits: Semaphore::new(settings.concurrency.max(1)),
            budget_announced: AtomicBool::new(false),
        })
    }

    fn model_for(&self, task: Task) -> &str {
        let specific = match task {
            Task::Rubric => &self.settings.rubric_model,
            Task::Summary => &self.settings.summary_model,
            Task::Highlights => &self.settings.highlights_model,
            Task::PodcastMap | Task::PodcastReduce => &self.settings.podcast_model,
        };
        specific
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or(&self.settings.model)
    }

    async fn budget_left(&self, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let used: i64 = self.store.llm_usage(now).await?.iter().map(|u| u.tokens()).sum();
        let left = used < i64::try_from(self.settings.max_tokens_per_day).unwrap_or(i64::MAX);
        if !left && !self.budget_announced.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                used,
                budget = self.settings.max_tokens_per_day,
                "daily LLM token budget spent: using the offline summariser and scores until tomorrow (UTC)"
            );
        }
        Ok(left)
    }

    /// One task request through cache, budget, one retry and the validator.
    // Each argument is one part of the request; a struct holding them would only be unpacked here.
    #[allow(clippy::too_many_arguments)]
    async fn ask<T>(
        &self,
        task: Task,
        key: &str,
        prompt: &str,
        schema: &Value,
        validate: impl Fn(&Value) -> Result<T, Invalid>,
        now: DateTime<Utc>,
        spent: &mut Spent,
    ) -> Result<T, LlmError> {
        let model = self.model_for(task).to_string();
        let version = task.prompt_version();
        if let Some(cached) = self.store.llm_cached(key, task.as_str(), &model, version).await?
            && let Ok(value) = serde_json::from_str::<Value>(&cached.output)
            && let Ok(answer) = validate(&value)
        {
            let hit = UsageDelta {
                cache_hits: 1,
                ..Default::default()
            };
            self.store.llm_add_usage(task.as_str(), hit, now).await?;
            spent.cache_hits += 1;
            return Ok(answer);
        }
        let mut last_error = LlmError::Budget;
        for attempt in 0..2 {
            if !self.budget_left(now).await? {
                return Err(LlmError::Budget);
            }
            let result = {
                let _permit = self.permits.acquire().await.map_err(|_| LlmError::Budget)?;
                self.client
                    .chat_json(&model, SYSTEM, prompt, task.as_str(), schema)
                    .await
            };
            spent.requests += 1;
            let (value, usage) = match result {
                Ok(ok) => ok,
                Err((err, usage)) => {
                    // A malformed answer was still billed: it counts against the budget.
                    spent.prompt_tokens += usage.prompt_tokens.max(0) as u64;
                    spent.completion_tokens += usage.completion_tokens.max(0) as u64;
                    tracing::warn!(task = task.as_str(), attempt, error = %err, "LLM request failed");
                    self.record(task, 1, usage.prompt_tokens, usage.completion_tokens, now)
                        .await?;
                    last_error = LlmError::Call(err);
                    continue;
                }
            };
            spent.prompt_tokens += usage.prompt_tokens.max(0) as u64;
            spent.completion_tokens += usage.completion_tokens.max(0) as u64;
            match validate(&value) {
                Ok(answer) => {
                    self.record(task, 0, usage.prompt_tokens, usage.completion_tokens, now)
                        .await?;
                    let cached = CachedAnswer {
                        output: value.to_string(),
                        prompt_tokens: usage.prompt_tokens,
                        completion_tokens: usage.completion_tokens,
                    };
                    self.store
                        .llm_cache_put(key, task.as_str(), &model, version, &cached, now)
                        .await?;
                    return Ok(answer);
                }
                Err(reason) => {
                    tracing::warn!(task = task.as_str(), attempt, %reason, "LLM answer refused");
                    self.record(task, 1, usage.prompt_tokens, usage.completion_tokens, now)
                        .await?;
                    last_error = LlmError::Invalid(reason);
                }
            }
        }
        Err(last_error)
    }

    async fn record(
        &self,
        task: Task,
        failures: i64,
        prompt_tokens: i64,
        completion_tokens: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let delta = UsageDelta {
            requests: 1,
            failures,
            cache_hits: 0,
            prompt_tokens,
            completion_tokens,
        };
        self.store.llm_add_usage(task.as_str(), delta, now).await
    }

    /// An abstractive summary of one article from its full text.
    pub async fn summarize_article(
        &self,
        title: &str,
        text: &str,
        now: DateTime<Utc>,
        spent: &mut Spent,
    ) -> Result<LlmSummary, LlmError> {
        let key = content_hash(&[title, text]);
        let prompt = tasks::summary_prompt(title, text);
        self.ask(
            Task::Summary,
            &key,
            &prompt,
            &tasks::summary_schema(),
            |v| tasks::check_summary(v, title, text),
            now,
            spent,
        )
        .await
    }

    /// Rubric scores for candidates, in batches of ten; each article is asked about once
    /// (cached per article), whatever batch it later appears in. Articles whose batch failed
    /// are missing from the answer.
    pub async fn rubric(&self, candidates: &[RubricCandidate<'_>], now: DateTime<Utc>) -> (Vec<Rubric>, Spent) {
        let mut spent = Spent::default();
        let mut scores = Vec::new();
        let mut uncached = Vec::new();
        let model = self.model_for(Task::Rubric).to_string();
        for candidate in candidates {
            let key = rubric_key(candidate);
            match self
                .store
                .llm_cached(&key, Task::Rubric.as_str(), &model, Task::Rubric.prompt_version())
                .await
            {
                Ok(Some(cached)) => match serde_json::from_str::<Rubric>(&cached.output) {
                    Ok(mut rubric) => {
                        rubric.id = candidate.id;
                        spent.cache_hits += 1;
                        scores.push(rubric);
                    }
                    Err(_) => uncached.push(candidate.clone()),
                },
                _ => uncached.push(candidate.clone()),
            }
        }
        if spent.cache_hits > 0 {
            let hits = UsageDelta {
                cache_hits: i64::from(spent.cache_hits),
                ..Default::default()
            };
            if let Err(err) = self.store.llm_add_usage(Task::Rubric.as_str(), hits, now).await {
                tracing::warn!(error = %err, "cannot record LLM cache hits");
            }
        }
        for batch in uncached.chunks(tasks::RUBRIC_BATCH) {
            let batch_key = content_hash(
                &batch
                    .iter()
                    .map(rubric_key)
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            );
            let prompt = tasks::rubric_prompt(batch);
            match self
                .ask(
                    Task::Rubric,
                    &batch_key,
                    &prompt,
                    &tasks::rubric_schema(),
                    |v| tasks::check_rubric(v, batch),
                    now,
                    &mut spent,
                )
                .await
            {
                Ok(answers) => {
                    for (candidate, rubric) in batch.iter().zip(answers) {
                        // Kept per article too, so a later batch that holds it reuses this.
                        let answer = CachedAnswer {
                            output: serde_json::to_string(&rubric).unwrap_or_default(),
                            prompt_tokens: 0,
                            completion_tokens: 0,
                        };
                        if let Err(err) = self
                            .store
                            .llm_cache_put(
                                &rubric_key(candidate),
                                Task::Rubric.as_str(),
                                &model,
                                Task::Rubric.prompt_version(),
                                &answer,
                                now,
                            )
                            .await
                        {
                            tracing::warn!(error = %err, "cannot cache a rubric score");
                        }
                        scores.push(rubric);
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, items = batch.len(), "rubric batch fell back on offline scores");
                    spent.fallbacks += batch.len() as u32;
                }
            }
        }
        (scores, spent)
    }

    /// The highlights paragraph and a "why it matters" synthesis over the selected items.
    pub async fn highlights(
        &self,
        items: &[HighlightItem<'_>],
        now: DateTime<Utc>,
        spent: &mut Spent,
    ) -> Result<(String, Option<String>), LlmError> {
        let parts: Vec<String> = items
            .iter()
            .map(|i| format!("{}|{}|{}", i.title, i.source, i.tldr))
            .collect();
        let key = content_hash(&parts.iter().map(String::as_str).collect::<Vec<_>>());
        let prompt = tasks::highlights_prompt(items);
        self.ask(
            Task::Highlights,
            &key,
            &prompt,
            &tasks::highlights_schema(),
            |v| tasks::check_highlights(v, items),
            now,
            spent,
        )
        .await
    }

    /// An episode summary by map (segment titles and summaries, a few segments per request)
    /// and reduce (the episode from the segment summaries). Returns the summary and the
    /// segments with their start times.
    pub async fn summarize_episode(
        &self,
        title: &str,
        segments: &[SegmentText],
        now: DateTime<Utc>,
        spent: &mut Spent,
    ) -> Result<(LlmSummary, Vec<(Option<f64>, MappedSegment)>), LlmError> {
        let indexed: Vec<(usize, &SegmentText)> = segments.iter().enumerate().collect();
        let mut mapped = Vec::new();
        for chunk in indexed.chunks(tasks::SEGMENTS_PER_MAP) {
            let texts: Vec<&str> = chunk.iter().map(|(_, s)| s.text.as_str()).collect();
            let mut parts = vec![title];
            parts.extend(texts);
            let key = content_hash(&parts);
            let prompt = tasks::podcast_map_prompt(title, chunk);
            let answer = self
                .ask(
                    Task::PodcastMap,
                    &key,
                    &prompt,
                    &tasks::podcast_map_schema(),
                    |v| tasks::check_podcast_map(v, chunk),
                    now,
                    spent,
                )
                .await?;
            mapped.extend(answer);
        }
        let reduce_source: String = mapped.iter().map(|m| format!("{} {}\n", m.title, m.summary)).collect();
        let key = content_hash(&[title, &reduce_source]);
        let prompt = tasks::podcast_reduce_prompt(title, &mapped);
        let summary = self
            .ask(
                Task::PodcastReduce,
                &key,
                &prompt,
                &tasks::summary_schema(),
                |v| tasks::check_summary(v, title, &reduce_source),
                now,
                spent,
            )
            .await?;
        let with_starts = mapped
            .into_iter()
            .map(|m| (segments.get(m.index).and_then(|s| s.start), m))
            .collect();
        Ok((summary, with_starts))
    }
}

fn rubric_key(candidate: &RubricCandidate<'_>) -> String {
    let lead: String = candidate.lead.chars().take(tasks::RUBRIC_LEAD_CHARS).collect();
    content_hash(&["rubric-item", candidate.title, candidate.source, &lead])
}

/// The offline summary with the LLM's fields laid over it; tags and decoder fall back on the
/// offline ones when the model gave none.
pub fn merge_summary(llm: LlmSummary, offline: Summary) -> Summary {
    Summary {
        tldr: llm.tldr,
        summary: llm.summary,
        bullets: if llm.bullets.is_empty() {
            offline.bullets
        } else {
            llm.bullets
        },
        why_it_matters: llm.why_it_matters.or(offline.why_it_matters),
        tags: if llm.tags.is_empty() { offline.tags } else { llm.tags },
        decoder: if llm.decoder.is_empty() {
            offline.decoder
        } else {
            llm.decoder
        },
        summarizer: "llm".to_string(),
    }
}

/// The [`Summarizer`] used when `[llm]` is configured: the model's summary, or the
/// extractive one when the model fails, times out or is over budget.
pub struct LlmSummarizer {
    editor: Arc<LlmEditor>,
}

impl LlmSummarizer {
    pub fn new(editor: Arc<LlmEditor>) -> LlmSummarizer {
        LlmSummarizer { editor }
    }

    /// The summary and what it cost.
    pub async fn summarize_with_cost(&self, doc: Document<'_>, now: DateTime<Utc>) -> (Summary, Spent) {
        let offline = Extractive.summarize_document(doc);
        let mut spent = Spent::default();
        match self
            .editor
            .summarize_article(doc.title, doc.text, now, &mut spent)
            .await
        {
            Ok(llm) => (merge_summary(llm, offline), spent),
            Err(err) => {
                tracing::info!(error = %err, title = doc.title, "summary falls back on the extractive one");
                spent.fallbacks += 1;
                (offline, spent)
            }
        }
    }

    pub fn editor(&self) -> &Arc<LlmEditor> {
        &self.editor
    }
}
