//! The scheduler: three loops that keep the desk running. The poll loop fetches due
//! sources; the digest loop composes and posts each due digest subscription; the instant
//! loop posts new, strong stories to instant subscriptions (oldest first, a few per cycle).
//!
//! Every post goes through the `deliveries` ledger: a pending row with a nonce is written
//! before the send and marked sent after it, and the ledger's UNIQUE key makes a second post
//! of the same item to the same subscription impossible. A crash between send and record
//! leaves the row pending; the retry reuses the nonce, which Discord (`enforce_nonce`)
//! recognises as the message it already has.
//!
//! Each step is a method taking `now`, so tests drive it directly; [`Scheduler::run`] wraps
//! the steps in loops that stop between posts when shutdown is signalled, never inside one.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sha2::{Digest as _, Sha256};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::app::App;
use crate::chat::{Post, PostContent, SinkError, Sinks};
use crate::clock::Clock;
use crate::digest::{Digest, chart, render};
use crate::domain::Platform;
use crate::domain::Schedule;
use crate::editor::{DigestRequest, EditorialError};
use crate::metrics::Metrics;
use crate::ops::Health;
use crate::store::{DeliveryStart, PruneReport, StoreError, SubscriptionRow};

/// Attempts at one delivery before it is given up (transient failures only).
const MAX_ATTEMPTS: i64 = 6;
/// The longest window a digest covers, however long the bot was down.
const MAX_WINDOW_HOURS: i64 = 168;

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

    /// Posts every due digest. A digest missed during downtime is posted once, for the
    /// latest slot, and the next run is the next slot after `now`.
    pub async fn digests_once(
        &self,
        now: DateTime<Utc>,
        shutdown: &watch::Receiver<bool>,
    ) -> Result<DeliveryReport, SchedulerError> {
        let mut report = DeliveryReport::default();
        for sub in self.app.store.due_digest_subscriptions(now).await? {
            if *shutdown.borrow() {
                break;
            }
            let Some(sink) = self.sink_for(&sub) else {
                report.no_sink += 1;
                continue;
            };
            let tz: Tz = sub.timezone.parse().unwrap_or(Tz::UTC);
            let Some(schedule) = sub.schedule.as_deref().and_then(|s| s.parse::<Schedule>().ok()) else {
                self.app
                    .store
                    .pause_subscription(sub.id, "its schedule can no longer be read; subscribe again", now)
                    .await?;
                report.paused += 1;
                continue;
            };
            let slot = schedule.previous_at_or_before(now, tz);
            let next = schedule.next_after(now, tz);
            let digest = self.compose_for(&sub, schedule, slot, tz).await?;
            if digest.items.is_empty() {
                tracing::info!(subscription = sub.id, topic = %sub.topic, "nothing above the threshold; no digest");
                self.app.store.advance_digest(sub.id, slot, next).await?;
                report.empty += 1;
                continue;
            }
            let item = format!("digest:{}", slot.timestamp());
            let chart_png = chart::png(&digest).ok();
            let markdown = render::markdown(&digest, now);
            let stats = serde_json::to_string(&digest.stats).unwrap_or_default();
            let window_start = slot - chrono::Duration::hours(i64::from(digest.stats.window_hours));
            let items = digest.items.len() as i64;
            let content = PostContent::Digest {
                digest: Box::new(digest),
                chart_png,
            };
            match self.deliver(sink.as_ref(), &sub, &item, content, now).await? {
                Outcome::Posted => {
                    self.app
                        .store
                        .record_digest(Some(sub.id), window_start, slot, items, &stats, &markdown, now)
                        .await?;
                    self.app.store.advance_digest(sub.id, slot, next).await?;
                    report.posted += 1;
                }
                Outcome::Skipped => {
                    self.app.store.advance_digest(sub.id, slot, next).await?;
                    report.skipped += 1;
                }
                Outcome::Failed => {
                    self.app.store.advance_digest(sub.id, slot, next).await?;
                    report.failed += 1;
                }
                Outcome::Paused => report.paused += 1,
                Outcome::Retry => report.failed += 1,
            }
        }
        Ok(report)
    }

    async fn compose_for(
        &self,
        sub: &SubscriptionRow,
        schedule: Schedule,
        slot: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Digest, SchedulerError> {
        // The window runs from the previous slot delivered (so a Monday digest of a
        // weekdays schedule covers the weekend), else one schedule period.
        let period_start = sub
            .last_run_at
            .unwrap_or_else(|| schedule.previous_at_or_before(slot - chrono::Duration::seconds(1), tz));
        let hours = ((slot - period_start).num_minutes() + 59) / 60;
        let request = DigestRequest {
            scope: sub.scope.clone(),
            topic: Some(sub.topic.clone()),
            hours: hours.clamp(1, MAX_WINDOW_HOURS) as u32,
            max_items: sub.max_items.clamp(1, 25) as usize,
            min_score: sub.min_score.clamp(0, 30) as u8,
        };
        Ok(self.app.editor.digest(&request, slot).await?)
    }

    /// Posts new stories to instant subscriptions: only articles fetched after the
    /// subscription was made, at or above its minimum score, oldest first, at most
    /// `instant_per_cycle` each; a story already posted under any of its links is skipped.
    pub async fn instant_once(
        &self,
        now: DateTime<Utc>,
        shutdown: &watch::Receiver<bool>,
    ) -> Result<DeliveryReport, SchedulerError> {
        let mut report = DeliveryReport::default();
        let settings = &self.app.settings.delivery;
        let max_age = chrono::Duration::hours(i64::from(settings.instant_max_age_hours));
        for sub in self.app.store.instant_subscriptions().await? {
            if *shutdown.borrow() {
                break;
            }
            let Some(sink) = self.sink_for(&sub) else {
                report.no_sink += 1;
                continue;
            };
            let (fresh, latest_fetch) = self.app.store.urls_fetched_after(sub.cursor_at, now - max_age).await?;
            if fresh.is_empty() {
                continue;
            }
            let request = DigestRequest {
                scope: sub.scope.clone(),
                topic: Some(sub.topic.clone()),
                hours: settings.instant_max_age_hours,
                max_items: 25,
                min_score: sub.min_score.clamp(0, 30) as u8,
            };
            let digest = self.app.editor.digest(&request, now).await?;
            let mut items: Vec<_> = digest.items.iter().filter(|i| fresh.contains(&i.url)).collect();
            items.sort_by_key(|i| (i.published_at, i.rank));
            let mut posted_here = 0;
            let mut unsettled = false;
            for item in items {
                if posted_here >= settings.instant_per_cycle as usize || *shutdown.borrow() {
                    unsettled = true;
                    break;
                }
                let key = format!("url:{}", item.url);
                let aliases: Vec<String> = item.also_covered_by.iter().map(|u| format!("url:{u}")).collect();
                let mut keys = aliases.clone();
                keys.push(key.clone());
                if !self.app.store.known_deliveries(sub.id, &keys).await?.is_empty() {
                    report.skipped += 1;
                    continue;
                }
                let content = PostContent::Alert {
                    item: Box::new(item.clone()),
                    topic: digest.topic.clone(),
                };
                match self.deliver(sink.as_ref(), &sub, &key, content, now).await? {
                    Outcome::Posted => {
                        // The other links of the story count as delivered: a later article
                        // of the same story must not be posted as news again.
                        for alias in &aliases {
                            let nonce = nonce_for(sub.id, alias);
                            self.app.store.begin_delivery(sub.id, alias, &nonce, now).await?;
                            self.app.store.finish_delivery(sub.id, alias, &[], now).await?;
                        }
                        posted_here += 1;
                        report.posted += 1;
                    }
                    Outcome::Skipped => report.skipped += 1,
                    Outcome::Failed => report.failed += 1,
                    Outcome::Retry => {
                        report.failed += 1;
                        unsettled = true;
                    }
                    Outcome::Paused => {
                        report.paused += 1;
                        unsettled = true;
                        break;
                    }
                }
            }
            // Everything new was looked at: the next cycles need not compose anything until
            // more articles arrive. Items left for later (cap, retry) keep the cursor put.
            if !unsettled && let Some(latest) = latest_fetch {
                self.app.store.set_cursor(sub.id, latest).await?;
            }
        }
        Ok(report)
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
        let store = &self.app.store;
        let kind = match content {
            PostContent::Digest { .. } => "digest",
            PostContent::Alert { .. } => "alert",
        };
        let nonce = match store
            .begin_delivery(sub.id, item, &nonce_for(sub.id, item), now)
            .await?
        {
            DeliveryStart::AlreadySent | DeliveryStart::Failed => return Ok(Outcome::Skipped),
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
                    return Ok(Outcome::Failed);
                }
                nonce
            }
        };
        let post = Post { content, nonce, now };
        let platform = sink.platform().as_str();
        match sink.post(&sub.channel, &post).await {
            Ok(message_ids) => {
                store.finish_delivery(sub.id, item, &message_ids, now).await?;
                self.metrics.post_sent(platform, kind);
                tracing::info!(subscription = sub.id, channel = %sub.channel, item, "posted");
                Ok(Outcome::Posted)
            }
            Err(err) => {
                self.metrics.post_failed(platform, failure_reason(&err));
                tracing::warn!(subscription = sub.id, channel = %sub.channel, item, error = %err, "post failed");
                if err.pauses() {
                    store.fail_delivery(sub.id, item, &err.to_string(), false).await?;
                    store.pause_subscription(sub.id, &err.to_string(), now).await?;
                    Ok(Outcome::Paused)
                } else if matches!(err, SinkError::Rejected(_)) {
                    store.fail_delivery(sub.id, item, &err.to_string(), true).await?;
                    Ok(Outcome::Failed)
                } else {
                    if matches!(err, SinkError::RateLimited(_)) {
                        self.metrics.rate_limited(platform);
                    }
                    store.fail_delivery(sub.id, item, &err.to_string(), false).await?;
                    Ok(Outcome::Retry)
                }
            }
        }
    }
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
