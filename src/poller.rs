//! One polling pass: fetch every due source, parse, store, and record each source's health.
//!
//! A source's failure is recorded on that source and never stops the others; only a store
//! that cannot be written ends the pass with an error. The timing rules (interval from
//! ttl / Cache-Control, spread, backoff, disabling) are pure functions of their inputs.

use std::hash::{Hash, Hasher};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use url::Url;

use std::sync::Arc;

use crate::config::{FetchSettings, Settings};
use crate::domain::{Article, FailureClass, SourceKind, TranscriptRef};
use crate::editor::Editor;
use crate::sources::fetch::Fetcher;
use crate::sources::fetch::{ACCEPT_FEED, ACCEPT_PAGE, FetchError, FetchOutcome, Validators};
use crate::sources::fulltext::extract_article;
use crate::sources::parse::{ParseError, parse_feed};
use crate::sources::transcript::{TranscriptFormat, parse_chapters, parse_transcript};
use crate::store::Store;
use crate::store::{FailureUpdate, SourceRow, StoreError, SuccessUpdate};

/// How many new episodes of one source get their transcript fetched in one pass; older
/// episodes of a podcast's first poll stay listed without one.
const TRANSCRIPTS_PER_POLL: usize = 10;

/// What polling one source did.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceOutcome {
    pub url: String,
    pub name: String,
    pub result: PollResult,
    pub next_poll_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PollResult {
    /// 304, or a body identical in items to what is stored.
    NotModified,
    Fetched {
        items: usize,
        new: usize,
        known: usize,
        duplicates: usize,
        transcripts: usize,
        /// Excerpts replaced by the article page's text (`sources.full_text`).
        full_texts: usize,
    },
    Failed {
        class: FailureClass,
        message: String,
        failures: i64,
        /// True when this failure disabled the source.
        disabled: bool,
    },
}

/// Totals of one pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PollSummary {
    pub sources: usize,
    pub ok: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub new_articles: usize,
    pub outcomes: Vec<SourceOutcome>,
}

/// Interval until the next poll after a success: the feed's own hint (RSS ttl or
/// Cache-Control max-age) or the default, clamped to the configured bounds.
pub fn poll_interval(settings: &FetchSettings, ttl_minutes: Option<u32>, max_age: Option<Duration>) -> Duration {
    let hint = ttl_minutes
        .map(|m| Duration::from_secs(u64::from(m) * 60))
        .or(max_age)
        .unwrap_or(Duration::from_secs(settings.default_interval_mins * 60));
    hint.clamp(
        Duration::from_secs(settings.min_interval_mins * 60),
        Duration::from_secs(settings.max_interval_mins * 60),
    )
}

/// A stable offset of up to a tenth of the interval, from a hash of the URL, so that sources
/// added together do not stay in lockstep.
pub fn spread(url: &str, interval: Duration) -> Duration {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    url.hash(&mut hasher);
    let window = (interval.as_secs() / 10).max(1);
    Duration::from_secs(hasher.finish() % window)
}

/// Delay before retrying after the `failures`-th consecutive failure: base × 2^(n-1), capped.
pub fn backoff(settings: &FetchSettings, failures: i64) -> Duration {
    let exponent = u32::try_from(failures.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let base = settings.backoff_base_mins.saturating_mul(60);
    let delay = base.saturating_mul(1u64 << exponent);
    Duration::from_secs(delay.min(settings.backoff_max_mins.saturating_mul(60)))
}

fn after(now: DateTime<Utc>, delay: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(24))
}

/// The polling service: one pass over the due sources, with what it needs and nothing else.
#[derive(Clone)]
pub struct Poller {
    settings: Arc<Settings>,
    store: Store,
    fetcher: Arc<Fetcher>,
    /// Tags what a pass stores.
    editor: Arc<Editor>,
}

impl std::fmt::Debug for Poller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Poller").finish_non_exhaustive()
    }
}

impl Poller {
    pub fn new(settings: Arc<Settings>, store: Store, fetcher: Arc<Fetcher>, editor: Arc<Editor>) -> Poller {
        Poller {
            settings,
            store,
            fetcher,
            editor,
        }
    }

    /// Polls every due source once, calling `on_done` as each finishes.
    pub async fn poll_due(
        &self,
        now: DateTime<Utc>,
        on_start: impl FnOnce(usize),
        on_done: impl Fn(&SourceOutcome),
    ) -> Result<PollSummary, StoreError> {
        poll_due(self, now, on_start, on_done).await
    }

    /// Polls one source and records the result on it.
    pub async fn poll_source(&self, source: SourceRow, now: DateTime<Utc>) -> Result<SourceOutcome, StoreError> {
        poll_source(self, source, now).await
    }
}

/// Polls every due source once, calling `on_done` as each finishes.
async fn poll_due(
    poller: &Poller,
    now: DateTime<Utc>,
    on_start: impl FnOnce(usize),
    on_done: impl Fn(&SourceOutcome),
) -> Result<PollSummary, StoreError> {
    let due = poller.store.due_sources(now).await?;
    on_start(due.len());
    let concurrency = poller.settings.fetch.concurrency.max(1);
    let mut results = futures::stream::iter(due.into_iter().map(|source| poll_source(poller, source, now)))
        .buffer_unordered(concurrency);
    let mut summary = PollSummary::default();
    while let Some(outcome) = results.next().await {
        let outcome = outcome?;
        summary.sources += 1;
        match &outcome.result {
            PollResult::NotModified => {
                summary.ok += 1;
                summary.not_modified += 1;
            }
            PollResult::Fetched { new, .. } => {
                summary.ok += 1;
                summary.new_articles += new;
            }
            PollResult::Failed { .. } => summary.failed += 1,
        }
        on_done(&outcome);
        summary.outcomes.push(outcome);
    }
    Ok(summary)
}

/// Polls one source and records the result on it.
async fn poll_source(poller: &Poller, source: SourceRow, now: DateTime<Utc>) -> Result<SourceOutcome, StoreError> {
    let name = source.display_name().to_string();
    let url = source.url.clone();
    match fetch_and_store(poller, &source, now).await? {
        Ok((result, update)) => {
            poller.store.record_success(source.id, &update, now).await?;
            Ok(SourceOutcome {
                url,
                name: update.title.clone().filter(|_| source.title.is_none()).unwrap_or(name),
                result,
                next_poll_at: update.next_poll_at,
            })
        }
        Err(error) => {
            let failures = source.failures + 1;
            let failing_since = source.failing_since.unwrap_or(now);
            let disable_after = chrono::Duration::hours(
                i64::try_from(poller.settings.fetch.disable_after_hours).unwrap_or(i64::MAX / 3600),
            );
            let disable = now - failing_since >= disable_after;
            let next_poll_at = after(now, backoff(&poller.settings.fetch, failures));
            let update = FailureUpdate {
                class: error.class,
                message: error.message.clone(),
                status: error.status,
                next_poll_at,
                disable,
            };
            poller.store.record_failure(source.id, &update, now).await?;
            tracing::info!(source = %url, class = %error.class, error = %error.message, "poll failed");
            Ok(SourceOutcome {
                url,
                name,
                result: PollResult::Failed {
                    class: error.class,
                    message: error.message,
                    failures,
                    disabled: disable,
                },
                next_poll_at,
            })
        }
    }
}

/// The inner result separates a source's own failure (recorded, not fatal) from a store
/// failure (fatal to the pass).
async fn fetch_and_store(
    poller: &Poller,
    source: &SourceRow,
    now: DateTime<Utc>,
) -> Result<Result<(PollResult, SuccessUpdate), FetchError>, StoreError> {
    let fetch_settings = &poller.settings.fetch;
    let url = match Url::parse(&source.url) {
        Ok(url) => url,
        Err(e) => {
            return Ok(Err(FetchError {
                class: FailureClass::Blocked,
                message: format!("the stored URL is not valid: {e}"),
                status: None,
            }));
        }
    };
    let validators = Validators {
        etag: source.etag.clone(),
        last_modified: source.last_modified.clone(),
    };
    let fetched = match poller.fetcher.fetch(&url, &validators, ACCEPT_FEED).await {
        Ok(FetchOutcome::NotModified { max_age }) => {
            let interval = match max_age {
                Some(age) => poll_interval(fetch_settings, None, Some(age)),
                None => Duration::from_secs(u64::try_from(source.poll_interval_secs).unwrap_or(1800)),
            };
            let update = SuccessUpdate {
                status: 304,
                etag: None,
                last_modified: None,
                title: None,
                site_url: None,
                kind: None,
                interval_secs: i64::try_from(interval.as_secs()).unwrap_or(i64::MAX),
                next_poll_at: after(now, interval + spread(&source.url, interval)),
            };
            return Ok(Ok((PollResult::NotModified, update)));
        }
        Ok(FetchOutcome::Fetched(fetched)) => fetched,
        Err(error) => return Ok(Err(error)),
    };
    // Parsing is CPU work; keep it off the threads that drive the other sources' I/O.
    let body = fetched.body.clone();
    let content_type = fetched.content_type.clone();
    let final_url = fetched.final_url.clone();
    let parsed = tokio::task::spawn_blocking(move || parse_feed(&body, content_type.as_deref(), &final_url, now))
        .await
        .unwrap_or_else(|join_error| Err(ParseError::Malformed(format!("the parser crashed: {join_error}"))));
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let class = match error {
                ParseError::NotAFeed(_) => FailureClass::NotAFeed,
                ParseError::Malformed(_) => FailureClass::ParseError,
            };
            return Ok(Err(FetchError {
                class,
                message: error.to_string(),
                status: Some(fetched.status),
            }));
        }
    };
    let outcome = poller.store.insert_articles(source.id, &parsed.articles).await?;
    let inserted: Vec<(&Article, i64)> = outcome
        .inserted
        .iter()
        .filter_map(|(index, id)| parsed.articles.get(*index).map(|a| (a, *id)))
        .collect();
    let full_texts = fill_full_text(poller, &inserted).await?;
    let transcripts = fetch_episode_files(poller, &inserted).await?;
    let new_ids: Vec<i64> = inserted.iter().map(|(_, id)| *id).collect();
    if let Err(error) = poller.editor.tag_articles(&new_ids).await {
        // Untagged articles keep topics_version 0, so the next digest tags them.
        tracing::warn!(%error, "new articles not tagged yet");
    }

    let interval = poll_interval(fetch_settings, parsed.ttl_minutes, fetched.max_age);
    let kind = (source.last_polled_at.is_none() && source.kind == SourceKind::Feed && parsed.looks_like_podcast)
        .then_some(SourceKind::Podcast);
    let update = SuccessUpdate {
        status: fetched.status,
        etag: fetched.validators.etag.clone(),
        last_modified: fetched.validators.last_modified.clone(),
        title: parsed.title.clone().filter(|t| !t.trim().is_empty()),
        site_url: parsed.site_url.clone(),
        kind,
        interval_secs: i64::try_from(interval.as_secs()).unwrap_or(i64::MAX),
        next_poll_at: after(now, interval + spread(&source.url, interval)),
    };
    let result = PollResult::Fetched {
        items: parsed.articles.len(),
        new: outcome.inserted.len(),
        known: outcome.already_known,
        duplicates: outcome.cross_source_duplicates,
        transcripts,
        full_texts,
    };
    Ok(Ok((result, update)))
}

/// With `sources.full_text`, replaces excerpts of new articles by the text of their page.
/// An article whose page cannot be fetched or read stays marked excerpt-only.
async fn fill_full_text(poller: &Poller, inserted: &[(&Article, i64)]) -> Result<usize, StoreError> {
    if !poller.settings.sources.full_text {
        return Ok(0);
    }
    let mut filled = 0;
    for (article, id) in inserted.iter().filter(|(a, _)| a.excerpt_only) {
        let Some(page_url) = article.url.as_deref().and_then(|u| Url::parse(u).ok()) else {
            continue;
        };
        let html = match poller.fetcher.fetch_text(&page_url, ACCEPT_PAGE).await {
            Ok(html) => html,
            Err(error) => {
                tracing::debug!(url = %page_url, %error, "article page not fetched; keeping the excerpt");
                continue;
            }
        };
        let extracted = tokio::task::spawn_blocking(move || extract_article(&html, &page_url)).await;
        match extracted {
            Ok(Ok(text)) => {
                poller.store.set_full_text(*id, &text).await?;
                filled += 1;
            }
            Ok(Err(error)) => tracing::debug!(%error, "no article found in the page; keeping the excerpt"),
            Err(join_error) => tracing::warn!(%join_error, "full-text extraction crashed; keeping the excerpt"),
        }
    }
    Ok(filled)
}

/// Fetches transcripts and chapters of new episodes; returns how many transcripts were stored.
async fn fetch_episode_files(poller: &Poller, inserted: &[(&Article, i64)]) -> Result<usize, StoreError> {
    if !poller.settings.sources.transcripts {
        return Ok(0);
    }
    let mut episodes: Vec<&(&Article, i64)> = inserted.iter().filter(|(a, _)| a.episode.is_some()).collect();
    episodes.sort_by_key(|(a, _)| std::cmp::Reverse(a.published_at));
    let mut stored = 0;
    for (article, id) in episodes.into_iter().take(TRANSCRIPTS_PER_POLL) {
        let Some(episode) = &article.episode else { continue };
        if let Some((reference, format)) = best_transcript(&episode.transcripts) {
            match fetch_episode_file(poller, &reference.url).await {
                Ok(body) => match parse_transcript(&body, format) {
                    Ok(segments) if !segments.is_empty() => {
                        poller.store.save_transcript(*id, &segments).await?;
                        stored += 1;
                    }
                    Ok(_) => poller.store.mark_episode_status(*id, Some("empty"), None).await?,
                    Err(e) => {
                        poller
                            .store
                            .mark_episode_status(*id, Some(&format!("parse error: {e}")), None)
                            .await?
                    }
                },
                Err(e) => {
                    poller
                        .store
                        .mark_episode_status(*id, Some(&format!("{}: {e}", e.class)), None)
                        .await?
                }
            }
        }
        if let Some(chapters_url) = &episode.chapters_url {
            match fetch_episode_file(poller, chapters_url).await {
                Ok(body) => match parse_chapters(&body) {
                    Ok(chapters) => poller.store.save_chapters(*id, &chapters).await?,
                    Err(e) => {
                        poller
                            .store
                            .mark_episode_status(*id, None, Some(&format!("parse error: {e}")))
                            .await?
                    }
                },
                Err(e) => {
                    poller
                        .store
                        .mark_episode_status(*id, None, Some(&format!("{}: {e}", e.class)))
                        .await?
                }
            }
        }
    }
    Ok(stored)
}

/// The transcript we can read best: timed, speaker-tagged formats first.
fn best_transcript(refs: &[TranscriptRef]) -> Option<(&TranscriptRef, TranscriptFormat)> {
    let preference = |format: TranscriptFormat| match format {
        TranscriptFormat::Json => 0,
        TranscriptFormat::WebVtt => 1,
        TranscriptFormat::Srt => 2,
        TranscriptFormat::Html => 3,
        TranscriptFormat::Text => 4,
    };
    refs.iter()
        .filter_map(|r| TranscriptFormat::detect(&r.mime, &r.url).map(|f| (r, f)))
        .min_by_key(|(_, f)| preference(*f))
}

/// Fetches an episode file (transcript, chapters) named by a feed as text.
async fn fetch_episode_file(poller: &Poller, raw_url: &str) -> Result<String, FetchError> {
    let url = Url::parse(raw_url).map_err(|e| FetchError {
        class: FailureClass::Blocked,
        message: format!("invalid URL {raw_url}: {e}"),
        status: None,
    })?;
    poller.fetcher.fetch_text(&url, "*/*").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_uses_hints_and_clamps() {
        let s = FetchSettings::default();
        assert_eq!(poll_interval(&s, None, None), Duration::from_secs(30 * 60));
        assert_eq!(poll_interval(&s, Some(60), None), Duration::from_secs(60 * 60));
        assert_eq!(poll_interval(&s, Some(1), None), Duration::from_secs(5 * 60));
        assert_eq!(
            poll_interval(&s, None, Some(Duration::from_secs(86_400))),
            Duration::from_secs(6 * 3600)
        );
        assert_eq!(
            poll_interval(&s, None, Some(Duration::ZERO)),
            Duration::from_secs(5 * 60)
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let s = FetchSettings::default();
        assert_eq!(backoff(&s, 1), Duration::from_secs(5 * 60));
        assert_eq!(backoff(&s, 2), Duration::from_secs(10 * 60));
        assert_eq!(backoff(&s, 4), Duration::from_secs(40 * 60));
        assert_eq!(backoff(&s, 30), Duration::from_secs(24 * 3600));
    }

    #[test]
    fn spread_is_stable_and_bounded() {
        let interval = Duration::from_secs(1800);
        let a = spread("https://example.com/feed", interval);
        assert_eq!(a, spread("https://example.com/feed", interval));
        assert!(a < Duration::from_secs(180));
    }
}
