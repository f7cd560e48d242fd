//! The scheduler: three loops that keep the desk running. The poll loop fetches due
//! sources (and runs the daily maintenance); the digest loop composes each due edition once
//! and posts it to every subscription that receives it ([`digests`]); the instant loop scores
//! new stories once per group of instant subscriptions and posts them, oldest first, a few
//! per cycle ([`instant`]). Posts go out several channels at a time ([`Scheduler::fan_out`]),
//! each channel's in order.
//!
//! Every post goes through the `deliveries` ledger: a pending row with a nonce is written
//! before the send and marked sent after it, and the ledger's UNIQUE key makes a second post
//! of the same item to the same subscription impossible. A crash between send and record
//! leaves the row pending; the retry reuses the nonce, which Discord (`enforce_nonce`)
//! recognises as the message it already has.
//!
//! Each step is a method taking `now`, so tests drive it directly; [`Scheduler::run`] wraps
//! the steps in loops that stop between posts when shutdown is signalled, never inside one.

mod digests;
mod instant;
mod maintenance;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use sha2::{Digest as _, Sha256};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::app::App;
use crate::chat::{Post, PostContent, SinkError, Sinks};
use crate::clock::Clock;
use crate::domain::Platform;
use crate::editor::EditorialError;
use crate::metrics::Metrics;
use crate::ops::Health;
use crate::store::{DeliveryStart, PruneReport, StoreError, SubscriptionRow};

pub use maintenance::retention_cutoffs;

/// Attempts at one delivery before it is given up (transient failures only).
const MAX_ATTEMPTS: i64 = 6;

#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Editorial(#[from] EditorialError),
}

/// What one pass of a loop did; tests and logs read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub posted: usize,
    /// Already in the ledger as sent: skipped.
    pub skipped: usize,
    /// Nothing to say (no story above the threshold).
    pub empty: usize,
    pub paused: usize,
    pub failed: usize,
    /// Subscriptions of platforms no adapter is running for.
    pub no_sink: usize,
}

impl DeliveryReport {
    fn add(&mut self, other: &DeliveryReport) {
        self.posted += other.posted;
        self.skipped += other.skipped;
        self.empty += other.empty;
        self.paused += other.paused;
        self.failed += other.failed;
        self.no_sink += other.no_sink;
    }
}

/// Drives polling and delivery for the running adapters.
#[derive(Clone)]
pub struct Scheduler {
    app: App,
    sinks: Sinks,
    metrics: Metrics,
    health: Health,
    clock: Clock,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("sinks", &self.sinks)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// What sending a claimed post came to.
enum Sent {
    /// It arrived as these messages; the caller records it.
    Posted(Vec<String>),
    /// It did not go out (or was already out); already recorded.
    Not(Outcome),
}

enum Outcome {
    Posted,
    Skipped,
    Paused,
    Failed,
    /// Left pending for a retry on a later cycle.
    Retry,
}

impl Scheduler {
    pub fn new(app: App, sinks: Sinks, metrics: Metrics, health: Health, clock: Clock) -> Scheduler {
        Scheduler {
            app,
            sinks,
            metrics,
            health,
            clock,
        }
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Runs the three loops until `shutdown` turns true. A post in flight is finished; no
    /// new one starts after the signal.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        let tick = Duration::from_secs(self.app.settings.delivery.tick_secs);
        let mut loops = JoinSet::new();
        let this = Arc::new(self);
        {
            let this = Arc::clone(&this);
            let shutdown = shutdown.clone();
            loops.spawn(every(tick, shutdown.clone(), move || {
                let this = Arc::clone(&this);
                async move {
                    let now = this.clock.now();
                    this.poll_once(now).await;
                    if let Err(err) = this.prune_departed(now).await {
                        tracing::error!(error = %err, "pruning departed servers failed; retrying next tick");
                    }
                    if let Err(err) = this.maintain(now).await {
                        tracing::error!(error = %err, "retention failed; retrying next tick");
                    }
                }
            }));
        }
        {
            let this = Arc::clone(&this);
            let stop = shutdown.clone();
            loops.spawn(every(tick, shutdown.clone(), move || {
                let this = Arc::clone(&this);
                let stop = stop.clone();
                async move {
                    let now = this.clock.now();
                    if let Err(err) = this.digests_once(now, &stop).await {
                        tracing::error!(error = %err, "digest loop failed; retrying next tick");
                    }
                    this.health.tick_at(now.timestamp());
                }
            }));
        }
        {
            let this = Arc::clone(&this);
            let stop = shutdown.clone();
            loops.spawn(every(tick, shutdown, move || {
                let this = Arc::clone(&this);
                let stop = stop.clone();
                async move {
                    if let Err(err) = this.instant_once(this.clock.now(), &stop).await {
                        tracing::error!(error = %err, "instant loop failed; retrying next tick");
                    }
                }
            }));
        }
        while loops.join_next().await.is_some() {}
        tracing::info!("scheduler stopped");
    }

    /// Deletes the data of servers the bot left more than `retention.left_server_days` ago
    /// (0 keeps it forever). Cheap when there is nothing to prune: one indexed lookup.
    pub async fn prune_departed(&self, now: DateTime<Utc>) -> Result<PruneReport, StoreError> {
        let days = self.app.settings.retention.left_server_days;
        if days == 0 {
            return Ok(PruneReport::default());
        }
        let cutoff = now - chrono::Duration::days(i64::from(days));
        let report = self.app.store.prune_departed_servers(cutoff).await?;
        if report.servers > 0 {
            tracing::info!(
                servers = report.servers,
                subscriptions = report.subscriptions,
                sources = report.sources,
                articles = report.articles,
                "deleted the data of servers that removed the bot"
            );
        }
        Ok(report)
    }

    /// Polls every due source once and updates the source metrics.
    pub async fn poll_once(&self, now: DateTime<Utc>) {
        match self.app.poller.poll_due(now, |_| {}, |_| {}).await {
            Ok(summary) => {
                self.metrics.articles_fetched(summary.new_articles as u64);
                for _ in 0..summary.ok {
                    self.metrics.poll("ok");
                }
                for _ in 0..summary.not_modified {
                    self.metrics.poll("not_modified");
                }
                for _ in 0..summary.failed {
                    self.metrics.poll("failed");
                }
                self.health.set_db_ok(true);
            }
            Err(err) => {
                self.health.set_db_ok(false);
                tracing::error!(error = %err, "polling failed");
            }
        }
        if let Ok((failing, total)) = self.app.store.source_health().await {
            self.metrics.set_sources(
                usize::try_from(failing).unwrap_or(0),
                usize::try_from(total).unwrap_or(0),
            );
        }
    }

    /// Runs `step` over every job, `delivery.concurrency` channels at a time: each queue is
    /// one channel's jobs, taken in order, so posts inside a channel keep their order while
    /// different channels proceed side by side (the REST client keeps them all under the
    /// platform's limits). A queue stops early when a step says so or shutdown is asked;
    /// a store error stops that queue and is returned once every queue has finished.
    async fn fan_out<J, F, Fut>(
        &self,
        queues: Vec<Vec<J>>,
        shutdown: &watch::Receiver<bool>,
        step: F,
    ) -> Result<(), SchedulerError>
    where
        F: Fn(J) -> Fut,
        Fut: Future<Output = Result<bool, SchedulerError>>,
    {
        let concurrency = self.app.settings.delivery.concurrency.max(1) as usize;
        let first_error: std::sync::Mutex<Option<SchedulerError>> = std::sync::Mutex::new(None);
        futures::stream::iter(queues)
            .for_each_concurrent(concurrency, |queue| {
                let step = &step;
                let first_error = &first_error;
                async move {
                    for job in queue {
                        if *shutdown.borrow() {
                            break;
                        }
                        match step(job).await {
                            Ok(true) => {}
                            Ok(false) => break,
                            Err(err) => {
                                tracing::error!(error = %err, "a delivery could not be recorded; its channel waits for the next pass");
                                first_error
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .get_or_insert(err);
                                break;
                            }
                        }
                    }
                }
            })
            .await;
        match first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    /// How editions for `scope` may use the model in this pass (asked once per scope).
    async fn mode_for(
        &self,
        modes: &mut std::collections::HashMap<String, crate::editor::EditorMode>,
        scope: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::editor::EditorMode, SchedulerError> {
        if let Some(mode) = modes.get(scope) {
            return Ok(*mode);
        }
        let mode = self.app.editor.editor_mode(scope, now).await?;
        modes.insert(scope.to_string(), mode);
        Ok(mode)
    }

    /// The sink of the adapter serving the subscription's platform, when it is running.
    fn sink_for(&self, sub: &SubscriptionRow) -> Option<&Arc<dyn crate::chat::ChatSink>> {
        Platform::parse(&sub.platform).and_then(|platform| self.sinks.get(platform))
    }

    /// One post through the ledger: claim, send, record.
    async fn deliver(
        &self,
        sink: &dyn crate::chat::ChatSink,
        sub: &SubscriptionRow,
        item: &str,
        content: PostContent,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SchedulerError> {
        let claim = self
            .app
            .store
            .begin_delivery(sub.id, item, &nonce_for(sub.id, item), now)
            .await?;
        match self.post_claimed(sink, sub, item, claim, content, now).await? {
            Sent::Posted(message_ids) => {
                self.app.store.finish_delivery(sub.id, item, &message_ids, now).await?;
                Ok(Outcome::Posted)
            }
            Sent::Not(outcome) => Ok(outcome),
        }
    }

    /// Sends a post whose ledger row is already claimed. A post that arrived is returned
    /// with its message ids for the caller to record (alone, or in a batch with others);
    /// every other outcome is recorded here.
    async fn post_claimed(
        &self,
        sink: &dyn crate::chat::ChatSink,
        sub: &SubscriptionRow,
        item: &str,
        claim: DeliveryStart,
        content: PostContent,
        now: DateTime<Utc>,
    ) -> Result<Sent, SchedulerError> {
        let store = &self.app.store;
        let kind = match content {
            PostContent::Digest { .. } => "digest",
            PostContent::Alert { .. } => "alert",
        };
        let nonce = match claim {
            DeliveryStart::AlreadySent | DeliveryStart::Failed => return Ok(Sent::Not(Outcome::Skipped)),
            DeliveryStart::Proceed { nonce, attempts } => {
                if attempts > 1 {
                    tracing::info!(
                        subscription = sub.id,
                        item,
                        attempts,
                        "retrying a delivery with its nonce"
                    );
                }
                if attempts > MAX_ATTEMPTS {
                    store
                        .fail_delivery(sub.id, item, "gave up after repeated failures", true)
                        .await?;
                    return Ok(Sent::Not(Outcome::Failed));
                }
                nonce
            }
        };
        let post = Post { content, nonce, now };
        let platform = sink.platform().as_str();
        match sink.post(&sub.channel, &post).await {
            Ok(message_ids) => {
                self.metrics.post_sent(platform, kind);
                tracing::info!(subscription = sub.id, channel = %sub.channel, item, "posted");
                Ok(Sent::Posted(message_ids))
            }
            Err(err) => {
                self.metrics.post_failed(platform, failure_reason(&err));
                tracing::warn!(subscription = sub.id, channel = %sub.channel, item, error = %err, "post failed");
                let outcome = if err.pauses() {
                    store.fail_delivery(sub.id, item, &err.to_string(), false).await?;
                    store.pause_subscription(sub.id, &err.to_string(), now).await?;
                    Outcome::Paused
                } else if matches!(err, SinkError::Rejected(_)) {
                    store.fail_delivery(sub.id, item, &err.to_string(), true).await?;
                    Outcome::Failed
                } else {
                    if matches!(err, SinkError::RateLimited(_)) {
                        self.metrics.rate_limited(platform);
                    }
                    store.fail_delivery(sub.id, item, &err.to_string(), false).await?;
                    Outcome::Retry
                };
                Ok(Sent::Not(outcome))
            }
        }
    }
}

/// Each scope once, sorted: the servers an edition is charged to.
fn distinct<'a>(scopes: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scopes: Vec<&str> = scopes.collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}

fn failure_reason(err: &SinkError) -> &'static str {
    match err {
        SinkError::Forbidden(_) => "forbidden",
        SinkError::NotFound(_) => "not_found",
        SinkError::RateLimited(_) => "rate_limited",
        SinkError::Rejected(_) => "rejected",
        SinkError::Transient(_) => "transient",
    }
}

/// A nonce unique to (subscription, item) and the same on every attempt; 20 hex digits fit
/// Discord's 25-character limit.
pub fn nonce_for(subscription_id: i64, item: &str) -> String {
    let digest = Sha256::digest(format!("{subscription_id}\n{item}").as_bytes());
    hex::encode(&digest[..10])
}

/// Calls `step` every `period` until shutdown; the first call happens at once. A step is
/// never interrupted: shutdown is only looked at between steps.
async fn every<F, Fut>(period: Duration, mut shutdown: watch::Receiver<bool>, step: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            changed = shutdown.changed() => {
                // The sender is gone: nobody can ask for shutdown any more, so stop now.
                if changed.is_err() {
                    break;
                }
            }
        }
        if *shutdown.borrow() {
            break;
        }
        step().await;
    }
}
