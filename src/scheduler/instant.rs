//! Instant alerts by edition: new articles are read once per pass, each group of instant
//! subscriptions that would see the same stories (audience, topic, minimum score, editor
//! mode) has them scored and matched once, and every subscription then posts what lies
//! past its own cursor, several channels at a time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::{DeliveryReport, Outcome, Scheduler, SchedulerError, distinct, nonce_for};
use crate::chat::PostContent;
use crate::digest::{Digest, DigestItem};
use crate::editor::{DigestRequest, EditorMode};
use crate::store::SubscriptionRow;

/// What makes two instant subscriptions see the same scored stories.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct InstantKey {
    audience: String,
    topic: String,
    min_score: u8,
    mode: EditorMode,
}

/// What arrived past one subscription's cursor.
struct Fresh {
    sub: SubscriptionRow,
    /// Canonical URLs of the new articles.
    urls: HashSet<String>,
    /// The latest fetch among them.
    latest: Option<DateTime<Utc>>,
}

/// One subscription's alerts of this pass, oldest first.
struct InstantJob {
    sub: SubscriptionRow,
    digest: Arc<Digest>,
    /// Indexes into `digest.items` of the stories new to this subscription.
    items: Vec<usize>,
    /// Where the cursor moves once everything new was looked at.
    latest_fetch: Option<DateTime<Utc>>,
}

impl Scheduler {
    /// Posts new stories to instant subscriptions: only articles fetched after the
    /// subscription's cursor, at or above its minimum score, oldest first, at most
    /// `instant_per_cycle` each; a story already posted under any of its links is skipped.
    pub async fn instant_once(
        &self,
        now: DateTime<Utc>,
        shutdown: &watch::Receiver<bool>,
    ) -> Result<DeliveryReport, SchedulerError> {
        let mut report = DeliveryReport::default();
        let settings = &self.app.settings.delivery;
        let max_age = chrono::Duration::hours(i64::from(settings.instant_max_age_hours));
        let mut subs = Vec::new();
        for sub in self.app.store.instant_subscriptions().await? {
            if self.sink_for(&sub).is_none() {
                report.no_sink += 1;
            } else {
                subs.push(sub);
            }
        }
        let Some(oldest_cursor) = subs.iter().map(|s| s.cursor_at).min() else {
            return Ok(report);
        };
        // One read of what arrived since the oldest cursor; each subscription keeps its part.
        let arrivals = self.app.store.fetched_after(oldest_cursor, now - max_age).await?;
        if arrivals.is_empty() {
            return Ok(report);
        }
        let audiences = self.app.editor.audiences().await?;
        let mut modes: HashMap<String, EditorMode> = HashMap::new();
        let mut groups: BTreeMap<InstantKey, Vec<Fresh>> = BTreeMap::new();
        for sub in subs {
            let mut fresh = HashSet::new();
            let mut latest: Option<DateTime<Utc>> = None;
            for (url, fetched_at) in &arrivals {
                if *fetched_at > sub.cursor_at {
                    latest = latest.max(Some(*fetched_at));
                    if let Some(url) = url {
                        fresh.insert(url.clone());
                    }
                }
            }
            if latest.is_none() {
                continue;
            }
            let mode = self.mode_for(&mut modes, &sub.scope, now).await?;
            let key = InstantKey {
                audience: audiences.of(&sub.scope).to_string(),
                topic: sub.topic.clone(),
                min_score: sub.min_score.clamp(0, 30) as u8,
                mode,
            };
            groups.entry(key).or_default().push(Fresh {
                sub,
                urls: fresh,
                latest,
            });
        }

        let mut queues: BTreeMap<(String, String), Vec<InstantJob>> = BTreeMap::new();
        for (key, members) in groups {
            if *shutdown.borrow() {
                break;
            }
            let request = DigestRequest {
                scope: key.audience.clone(),
                topic: Some(key.topic.clone()),
                hours: settings.instant_max_age_hours,
                max_items: 25,
                min_score: key.min_score,
            };
            let (digest, spent) = match self.app.editor.edition(&request, key.mode, now).await {
                Ok(composed) => composed,
                Err(err) => {
                    // The cursors stay put: these stories are looked at again next pass.
                    tracing::error!(topic = %key.topic, audience = %key.audience, subscriptions = members.len(), error = %err, "scoring new stories failed");
                    report.failed += members.len();
                    continue;
                }
            };
            self.metrics.edition_composed(members.len());
            let scopes = distinct(members.iter().map(|m| m.sub.scope.as_str()));
            self.app.editor.charge_scopes(&scopes, &spent, now).await?;
            let digest = Arc::new(digest);
            let mut oldest_first: Vec<usize> = (0..digest.items.len()).collect();
            oldest_first.sort_by_key(|&i| (digest.items[i].published_at, digest.items[i].rank));
            for Fresh { sub, urls, latest } in members {
                let items = oldest_first
                    .iter()
                    .copied()
                    .filter(|&i| urls.contains(&digest.items[i].url))
                    .collect();
                queues
                    .entry((sub.platform.clone(), sub.channel.clone()))
                    .or_default()
                    .push(InstantJob {
                        sub,
                        digest: Arc::clone(&digest),
                        items,
                        latest_fetch: latest,
                    });
            }
        }

        let tally = Mutex::new(report);
        self.fan_out(queues.into_values().collect(), shutdown, |job| {
            let tally = &tally;
            async move {
                let report = self.deliver_alerts(job, now, shutdown).await?;
                let mut total = tally.lock().unwrap_or_else(|p| p.into_inner());
                total.add(&report);
                Ok(true)
            }
        })
        .await?;
        Ok(tally.into_inner().unwrap_or_else(|p| p.into_inner()))
    }

    /// Posts one subscription's new stories, oldest first, up to the per-cycle cap, and
    /// moves its cursor when everything new was settled.
    async fn deliver_alerts(
        &self,
        job: InstantJob,
        now: DateTime<Utc>,
        shutdown: &watch::Receiver<bool>,
    ) -> Result<DeliveryReport, SchedulerError> {
        let mut report = DeliveryReport::default();
        let InstantJob {
            sub,
            digest,
            items,
            latest_fetch,
        } = job;
        let Some(sink) = self.sink_for(&sub) else {
            return Ok(report);
        };
        let per_cycle = self.app.settings.delivery.instant_per_cycle as usize;
        let mut posted_here = 0;
        let mut unsettled = false;
        for index in items {
            let item: &DigestItem = &digest.items[index];
            if posted_here >= per_cycle || *shutdown.borrow() {
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
        Ok(report)
    }
}
