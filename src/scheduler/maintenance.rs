//! Daily maintenance: retention. At most once a day the poll loop deletes what is older than
//! `[retention]` keeps, a batch of each kind at a time with a yield in between, so the
//! digest and instant loops keep posting while it runs; a run cut short by its per-tick
//! budget continues on the next tick. Then the freed pages go back to the file system.

use chrono::{DateTime, Duration, Utc};

use super::Scheduler;
use crate::config::RetentionSettings;
use crate::store::{RetentionCutoffs, RetentionReport, StoreError};

/// When the last complete retention run finished (unix seconds), in the `kv` table.
const LAST_RUN_KEY: &str = "retention.last_run";
/// Batches one tick may run before handing the loop back; the rest waits a tick.
const BATCHES_PER_TICK: usize = 200;
/// Pages given back to the file system per step (4 KiB each).
const RECLAIM_PAGES_PER_STEP: u32 = 2_048;

/// The cut-offs `settings` ask for at `now`; a setting of 0 keeps that kind forever.
pub fn retention_cutoffs(settings: &RetentionSettings, now: DateTime<Utc>) -> RetentionCutoffs {
    let before = |days: u32| (days > 0).then(|| now - Duration::days(i64::from(days)));
    RetentionCutoffs {
        articles: before(settings.articles_days),
        transcripts: before(settings.transcripts_days),
        deliveries: before(settings.deliveries_days),
        digests: before(settings.digests_days),
        llm_cache: before(settings.llm_cache_days),
        // A tombstone outlives its article by another horizon: long enough for any feed to
        // have dropped the item.
        tombstones: before(settings.articles_days.saturating_mul(2)),
    }
}

impl Scheduler {
    /// Runs retention when the last complete run is a day old or more; `None` when it was
    /// not due. What it deleted is logged and counted in `/metrics`.
    pub async fn maintain(&self, now: DateTime<Utc>) -> Result<Option<RetentionReport>, StoreError> {
        let store = &self.app.store;
        let last_run = store
            .kv_get(LAST_RUN_KEY)
            .await?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(i64::MIN);
        if last_run.saturating_add(Duration::days(1).num_seconds()) > now.timestamp() {
            return Ok(None);
        }
        let settings = &self.app.settings.retention;
        let cutoffs = retention_cutoffs(settings, now);
        let mut total = RetentionReport::default();
        let mut finished = false;
        for _ in 0..BATCHES_PER_TICK {
            let batch = store.prune_batch(&cutoffs, settings.batch_rows, now).await?;
            total.add(&batch);
            if batch.total() == 0 {
                finished = true;
                break;
            }
            // Between batches the write lock is free: posts and polls get their turn.
            tokio::task::yield_now().await;
        }
        let mut reclaimed = 0;
        if finished {
            loop {
                let pages = store.reclaim_space(RECLAIM_PAGES_PER_STEP).await?;
                reclaimed += pages;
                if pages < u64::from(RECLAIM_PAGES_PER_STEP) {
                    break;
                }
                tokio::task::yield_now().await;
            }
            store.kv_set(LAST_RUN_KEY, &now.timestamp().to_string()).await?;
        }
        for (kind, rows) in total.kinds() {
            self.metrics.retention_deleted(kind, rows);
        }
        if total.total() > 0 || reclaimed > 0 {
            tracing::info!(
                articles = total.articles,
                transcript_segments = total.transcript_segments,
                deliveries = total.deliveries,
                digests = total.digests,
                editions = total.editions,
                llm_cache = total.llm_cache,
                tombstones = total.tombstones,
                sources = total.sources,
                pages_reclaimed = reclaimed,
                finished,
                "retention"
            );
        }
        Ok(Some(total))
    }
}
