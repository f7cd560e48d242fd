//! Scheduled digests by edition. Every subscription due in a pass is placed in an edition:
//! what its server reads (its audience), topic, window, minimum score, size and editor mode.
//! Each edition is composed, charted, rendered and kept once, then fanned out to its
//! subscriptions, several channels at a time.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use tokio::sync::watch;

use super::{DeliveryReport, MAX_ATTEMPTS, Outcome, Scheduler, SchedulerError, Sent, distinct, nonce_for};
use crate::chat::PostContent;
use crate::digest::edition::Edition;
use crate::domain::Schedule;
use crate::editor::{DigestRequest, EditorMode};
use crate::store::{DeliveryStart, DigestSent, NewEdition, SubscriptionRow};

/// The longest window a digest covers, however long the bot was down.
const MAX_WINDOW_HOURS: i64 = 168;

/// What makes two subscriptions receive the same digest in a pass.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct EditionKey {
    /// The scope the edition is composed under (see [`crate::editor::Audiences`]).
    pub audience: String,
    pub topic: String,
    pub slot: DateTime<Utc>,
    pub hours: u32,
    pub min_score: u8,
    pub max_items: usize,
    pub mode: EditorMode,
}

/// A due subscription placed in its edition.
struct Member {
    sub: SubscriptionRow,
    slot: DateTime<Utc>,
    next: DateTime<Utc>,
}

/// One channel's share of a composed edition.
struct DigestJob {
    member: Member,
    edition: Arc<Edition>,
    edition_id: i64,
    window_start: DateTime<Utc>,
    /// Its ledger row, claimed with the rest of the edition's before any post went out.
    claim: DeliveryStart,
}

/// Posts that arrived and wait to be recorded together (one write transaction per
/// [`RECORD_BATCH`] posts instead of three statements per post). Until then their ledger rows
/// stay pending, which is what a crash between send and record leaves anyway: the resend
/// carries the same nonce.
struct Unrecorded {
    sent: Vec<DigestSent>,
    since: std::time::Instant,
}

/// Posts recorded per write transaction.
const RECORD_BATCH: usize = 100;
/// The longest a post that arrived waits for its record.
const RECORD_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

impl Scheduler {
    /// Posts every due digest. A digest missed during downtime is posted once, for the
    /// latest slot, and the next run is the next slot after `now`. Subscriptions that would
    /// receive the same digest share one composed edition.
    pub async fn digests_once(
        &self,
        now: DateTime<Utc>,
        shutdown: &watch::Receiver<bool>,
    ) -> Result<DeliveryReport, SchedulerError> {
        let mut report = DeliveryReport::default();
        let due = self.app.store.due_digest_subscriptions(now).await?;
        if due.is_empty() {
            return Ok(report);
        }
        let audiences = self.app.editor.audiences().await?;
        let mut modes: HashMap<String, EditorMode> = HashMap::new();
        let mut editions: BTreeMap<EditionKey, Vec<Member>> = BTreeMap::new();
        for sub in due {
            if self.sink_for(&sub).is_none() {
                report.no_sink += 1;
                continue;
            }
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
            // The window runs from the previous slot delivered (so a Monday digest of a
            // weekdays schedule covers the weekend), else one schedule period.
            let period_start = sub
                .last_run_at
                .unwrap_or_else(|| schedule.previous_at_or_before(slot - chrono::Duration::seconds(1), tz));
            let hours = ((slot - period_start).num_minutes() + 59) / 60;
            let mode = self.mode_for(&mut modes, &sub.scope, now).await?;
            let key = EditionKey {
                audience: audiences.of(&sub.scope).to_string(),
                topic: sub.topic.clone(),
                slot,
                hours: hours.clamp(1, MAX_WINDOW_HOURS) as u32,
                min_score: sub.min_score.clamp(0, 30) as u8,
                max_items: sub.max_items.clamp(1, 25) as usize,
                mode,
            };
            editions.entry(key).or_default().push(Member { sub, slot, next });
        }

        let mut queues: BTreeMap<(String, String), Vec<DigestJob>> = BTreeMap::new();
        for (key, members) in editions {
            if *shutdown.borrow() {
                break;
            }
            let request = DigestRequest {
                scope: key.audience.clone(),
                topic: Some(key.topic.clone()),
                hours: key.hours,
                max_items: key.max_items,
                min_score: key.min_score,
            };
            let (digest, spent) = match self.app.editor.edition(&request, key.mode, key.slot).await {
                Ok(composed) => composed,
                Err(err) => {
                    // Only this edition's subscriptions fail; the others go on.
                    tracing::error!(topic = %key.topic, audience = %key.audience, subscriptions = members.len(), error = %err, "composing an edition failed");
                    for member in &members {
                        self.record_compose_failure(member, &err.to_string(), now, &mut report)
                            .await?;
                    }
                    continue;
                }
            };
            self.metrics.edition_composed(members.len());
            let scopes = distinct(members.iter().map(|m| m.sub.scope.as_str()));
            self.app.editor.charge_scopes(&scopes, &spent, now).await?;
            if digest.items.is_empty() {
                tracing::info!(topic = %key.topic, subscriptions = members.len(), "nothing above the threshold; no digest");
                for member in &members {
                    self.app
                        .store
                        .advance_digest(member.sub.id, member.slot, member.next)
                        .await?;
                    report.empty += 1;
                }
                continue;
            }
            let window_start = key.slot - chrono::Duration::hours(i64::from(digest.stats.window_hours));
            let edition = Arc::new(Edition::new(digest, now));
            let stats = serde_json::to_string(&edition.digest().stats).unwrap_or_default();
            let edition_id = self
                .app
                .store
                .record_edition(
                    &NewEdition {
                        topic: Some(&key.topic),
                        window_start,
                        window_end: key.slot,
                        items: edition.digest().items.len() as i64,
                        stats_json: &stats,
                        markdown: edition.markdown(),
                    },
                    now,
                )
                .await?;
            // Every channel's ledger row in one transaction, before the first post.
            let claims: Vec<(i64, String, String)> = members
                .iter()
                .map(|m| {
                    let item = digest_item(m.slot);
                    let nonce = nonce_for(m.sub.id, &item);
                    (m.sub.id, item, nonce)
                })
                .collect();
            let starts = self.app.store.begin_deliveries(&claims, now).await?;
            for (member, claim) in members.into_iter().zip(starts) {
                queues
                    .entry((member.sub.platform.clone(), member.sub.channel.clone()))
                    .or_default()
                    .push(DigestJob {
                        member,
                        edition: Arc::clone(&edition),
                        edition_id,
                        window_start,
                        claim,
                    });
            }
        }

        let tally = Mutex::new(report);
        let unrecorded = tokio::sync::Mutex::new(Unrecorded {
            sent: Vec::new(),
            since: std::time::Instant::now(),
        });
        let fanned = self
            .fan_out(queues.into_values().collect(), shutdown, |job| {
                let (tally, unrecorded) = (&tally, &unrecorded);
                async move {
                    let outcome = self.deliver_digest(job, now, unrecorded).await?;
                    let mut report = tally.lock().unwrap_or_else(|p| p.into_inner());
                    match outcome {
                        Outcome::Posted => report.posted += 1,
                        Outcome::Skipped => report.skipped += 1,
                        Outcome::Failed | Outcome::Retry => report.failed += 1,
                        Outcome::Paused => report.paused += 1,
                    }
                    Ok(true)
                }
            })
            .await;
        // What arrived is recorded even when a channel's queue stopped on an error.
        let rest = std::mem::take(&mut unrecorded.lock().await.sent);
        self.app.store.record_digests_sent(&rest, now).await?;
        fanned?;
        Ok(tally.into_inner().unwrap_or_else(|p| p.into_inner()))
    }

    /// Posts one channel's copy of an edition; a post that arrived joins the batch to be
    /// recorded, anything else is recorded now.
    async fn deliver_digest(
        &self,
        job: DigestJob,
        now: DateTime<Utc>,
        unrecorded: &tokio::sync::Mutex<Unrecorded>,
    ) -> Result<Outcome, SchedulerError> {
        let DigestJob {
            member: Member { sub, slot, next },
            edition,
            edition_id,
            window_start,
            claim,
        } = job;
        let Some(sink) = self.sink_for(&sub) else {
            return Ok(Outcome::Skipped);
        };
        let item = digest_item(slot);
        let items = edition.digest().items.len() as i64;
        let content = PostContent::Digest(edition);
        let store = &self.app.store;
        match self
            .post_claimed(sink.as_ref(), &sub, &item, claim, content, now)
            .await?
        {
            Sent::Posted(message_ids) => {
                let mut batch = unrecorded.lock().await;
                if batch.sent.is_empty() {
                    batch.since = std::time::Instant::now();
                }
                batch.sent.push(DigestSent {
                    subscription_id: sub.id,
                    item,
                    message_ids,
                    edition_id,
                    window: (window_start, slot),
                    items,
                    next,
                });
                if batch.sent.len() >= RECORD_BATCH || batch.since.elapsed() >= RECORD_WITHIN {
                    let sent = std::mem::take(&mut batch.sent);
                    // Held while writing: the next batch waits rather than racing this one.
                    store.record_digests_sent(&sent, now).await?;
                }
                Ok(Outcome::Posted)
            }
            Sent::Not(outcome) => {
                if matches!(outcome, Outcome::Skipped | Outcome::Failed) {
                    store.advance_digest(sub.id, slot, next).await?;
                }
                Ok(outcome)
            }
        }
    }

    /// An edition that could not be composed counts as a failed attempt of each of its
    /// deliveries, with the reason in the ledger; the slot is tried again next pass until the
    /// attempts run out, then given up (and the subscription moves on to its next slot).
    async fn record_compose_failure(
        &self,
        member: &Member,
        reason: &str,
        now: DateTime<Utc>,
        report: &mut DeliveryReport,
    ) -> Result<(), SchedulerError> {
        let store = &self.app.store;
        let item = digest_item(member.slot);
        let reason = format!("the digest could not be composed: {reason}");
        match store
            .begin_delivery(member.sub.id, &item, &nonce_for(member.sub.id, &item), now)
            .await?
        {
            DeliveryStart::Proceed { attempts, .. } if attempts <= MAX_ATTEMPTS => {
                store.fail_delivery(member.sub.id, &item, &reason, false).await?;
            }
            DeliveryStart::Proceed { .. } => {
                store.fail_delivery(member.sub.id, &item, &reason, true).await?;
                store.advance_digest(member.sub.id, member.slot, member.next).await?;
            }
            DeliveryStart::AlreadySent | DeliveryStart::Failed => {
                store.advance_digest(member.sub.id, member.slot, member.next).await?;
            }
        }
        report.failed += 1;
        Ok(())
    }
}

/// The ledger key of a digest slot.
fn digest_item(slot: DateTime<Utc>) -> String {
    format!("digest:{}", slot.timestamp())
}
