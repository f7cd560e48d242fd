//! Chat delivery tables: `subscriptions` (who receives which topic where, when), the
//! `deliveries` ledger whose UNIQUE key makes a second post of the same item to the same
//! subscription impossible, `digests` as posted, per-server settings and a small key/value
//! table for facts kept between runs.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{Store, StoreError, from_unix, opt_from_unix};

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRow {
    pub id: i64,
    pub platform: String,
    pub scope: String,
    pub channel: String,
    pub topic: String,
    /// `digest` or `instant`.
    pub mode: String,
    pub schedule: Option<String>,
    pub timezone: String,
    pub min_score: i64,
    pub max_items: i64,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub cursor_at: DateTime<Utc>,
    pub paused_reason: Option<String>,
    pub paused_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl SubscriptionRow {
    fn from_row(row: &SqliteRow) -> Result<SubscriptionRow, sqlx::Error> {
        Ok(SubscriptionRow {
            id: row.try_get("id")?,
            platform: row.try_get("platform")?,
            scope: row.try_get("scope")?,
            channel: row.try_get("channel")?,
            topic: row.try_get("topic")?,
            mode: row.try_get("mode")?,
            schedule: row.try_get("schedule")?,
            timezone: row.try_get("timezone")?,
            min_score: row.try_get("min_score")?,
            max_items: row.try_get("max_items")?,
            next_run_at: opt_from_unix(row.try_get("next_run_at")?),
            last_run_at: opt_from_unix(row.try_get("last_run_at")?),
            cursor_at: from_unix(row.try_get("cursor_at")?),
            paused_reason: row.try_get("paused_reason")?,
            paused_at: opt_from_unix(row.try_get("paused_at")?),
            created_by: row.try_get("created_by")?,
            created_at: from_unix(row.try_get("created_at")?),
        })
    }

    pub fn is_instant(&self) -> bool {
        self.mode == "instant"
    }
}

/// What `/subscribe` stores. Subscribing again to the same (platform, channel, topic)
/// replaces the settings and lifts a pause.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubscription {
    pub platform: String,
    pub scope: String,
    pub channel: String,
    pub topic: String,
    pub mode: String,
    pub schedule: Option<String>,
    pub timezone: String,
    pub min_score: i64,
    pub max_items: i64,
    pub next_run_at: Option<DateTime<Utc>>,
    pub cursor_at: DateTime<Utc>,
    pub created_by: Option<String>,
}

/// Where a delivery stands when the scheduler is about to post it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryStart {
    /// Already posted: never post again.
    AlreadySent,
    /// Gave up on it for good (the chat service refused the message).
    Failed,
    /// Post it, with this nonce. `attempts` counts this one; more than one means an earlier
    /// attempt may have reached the channel (a crash between send and record), and the
    /// reused nonce lets the platform drop the copy.
    Proceed { nonce: String, attempts: i64 },
}

/// Totals for `/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    pub subscriptions: i64,
    pub paused: i64,
    pub sent: i64,
    pub pending: i64,
    pub failed: i64,
    pub digests: i64,
}

/// A server's defaults for new subscriptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerSettings {
    pub timezone: Option<String>,
    pub min_score: Option<i64>,
}

const SUBSCRIPTION_COLUMNS: &str = "id, platform, scope, channel, topic, mode, schedule, timezone, min_score, \
     max_items, next_run_at, last_run_at, cursor_at, paused_reason, paused_at, created_by, created_at";

/// A composed edition to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewEdition<'a> {
    pub topic: Option<&'a str>,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub items: i64,
    pub stats_json: &'a str,
    pub markdown: &'a str,
}

/// Rows per multi-row ledger statement: five bound values each stays far below SQLite's
/// variable limit.
const LEDGER_CHUNK: usize = 200;

/// A digest that went out, to record with [`Store::record_digests_sent`].
#[derive(Debug, Clone, PartialEq)]
pub struct DigestSent {
    pub subscription_id: i64,
    /// The ledger item (`digest:<slot>`).
    pub item: String,
    pub message_ids: Vec<String>,
    pub edition_id: i64,
    /// The digest's window; its end is the slot delivered.
    pub window: (DateTime<Utc>, DateTime<Utc>),
    pub items: i64,
    /// The subscription's next slot.
    pub next: DateTime<Utc>,
}

/// Where a ledger row (nonce, status, attempts) leaves its delivery.
fn delivery_start(row: &SqliteRow) -> Result<DeliveryStart, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(match status.as_str() {
        "sent" => DeliveryStart::AlreadySent,
        "failed" => DeliveryStart::Failed,
        _ => DeliveryStart::Proceed {
            nonce: row.try_get("nonce")?,
            attempts: row.try_get("attempts")?,
        },
    })
}

impl Store {
    /// Creates or replaces the subscription of `channel` to `topic`; says whether it is new.
    /// An instant subscription that stays instant keeps its cursor, so re-subscribing
    /// neither replays nor skips anything.
    pub async fn upsert_subscription(
        &self,
        new: &NewSubscription,
        now: DateTime<Utc>,
    ) -> Result<(SubscriptionRow, bool), StoreError> {
        let mut tx = self.write_tx().await?;
        let existed: Option<i64> =
            sqlx::query_scalar("SELECT id FROM subscriptions WHERE platform = ? AND channel = ? AND topic = ?")
                .bind(&new.platform)
                .bind(&new.channel)
                .bind(&new.topic)
                .fetch_optional(&mut *tx)
                .await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO subscriptions (platform, scope, channel, topic, mode, schedule, timezone, min_score, \
                 max_items, next_run_at, cursor_at, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (platform, channel, topic) DO UPDATE SET \
                 scope = excluded.scope, schedule = excluded.schedule, timezone = excluded.timezone, \
                 min_score = excluded.min_score, max_items = excluded.max_items, \
                 next_run_at = excluded.next_run_at, paused_reason = NULL, paused_at = NULL, \
                 cursor_at = CASE WHEN subscriptions.mode = 'instant' AND excluded.mode = 'instant' \
                                  THEN subscriptions.cursor_at ELSE excluded.cursor_at END, \
                 mode = excluded.mode \
             RETURNING {SUBSCRIPTION_COLUMNS}"
        )))
        .bind(&new.platform)
        .bind(&new.scope)
        .bind(&new.channel)
        .bind(&new.topic)
        .bind(&new.mode)
        .bind(&new.schedule)
        .bind(&new.timezone)
        .bind(new.min_score)
        .bind(new.max_items)
        .bind(new.next_run_at.map(|t| t.timestamp()))
        .bind(new.cursor_at.timestamp())
        .bind(&new.created_by)
        .bind(now.timestamp())
        .fetch_one(&mut *tx)
        .await?;
        let row = SubscriptionRow::from_row(&row)?;
        tx.commit().await?;
        Ok((row, existed.is_none()))
    }

    /// Removes `scope`'s subscription (its delivery ledger goes with it); false when that
    /// server has none there, even if another server subscribed the same channel.
    pub async fn delete_subscription(
        &self,
        platform: &str,
        scope: &str,
        channel: &str,
        topic: &str,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM subscriptions WHERE platform = ? AND scope = ? AND channel = ? AND topic = ?")
                .bind(platform)
                .bind(scope)
                .bind(channel)
                .bind(topic)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The scope that owns the subscription of `channel` to `topic`, if there is one.
    pub async fn subscription_owner(
        &self,
        platform: &str,
        channel: &str,
        topic: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT scope FROM subscriptions WHERE platform = ? AND channel = ? AND topic = ?")
                .bind(platform)
                .bind(channel)
                .bind(topic)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn subscription(&self, id: i64) -> Result<Option<SubscriptionRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(SubscriptionRow::from_row).transpose()?)
    }

    /// The subscriptions of one chat server (or, for `channel`, of one channel).
    pub async fn subscriptions_for(
        &self,
        platform: &str,
        scope: &str,
        channel: Option<&str>,
    ) -> Result<Vec<SubscriptionRow>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE platform = "
        ));
        query.push_bind(platform).push(" AND scope = ").push_bind(scope);
        if let Some(channel) = channel {
            query.push(" AND channel = ").push_bind(channel);
        }
        query.push(" ORDER BY channel, topic");
        let rows = query.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(SubscriptionRow::from_row).collect::<Result<_, _>>()?)
    }

    /// Digest subscriptions whose next run is due, oldest first, paused ones left out.
    pub async fn due_digest_subscriptions(&self, now: DateTime<Utc>) -> Result<Vec<SubscriptionRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
             WHERE mode = 'digest' AND paused_reason IS NULL AND next_run_at <= ? ORDER BY next_run_at, id"
        )))
        .bind(now.timestamp())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(SubscriptionRow::from_row).collect::<Result<_, _>>()?)
    }

    /// The earliest next run of any active digest subscription.
    pub async fn next_digest_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(next_run_at) FROM subscriptions WHERE mode = 'digest' AND paused_reason IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(opt_from_unix(next))
    }

    /// Active instant subscriptions.
    pub async fn instant_subscriptions(&self) -> Result<Vec<SubscriptionRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
             WHERE mode = 'instant' AND paused_reason IS NULL ORDER BY id"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(SubscriptionRow::from_row).collect::<Result<_, _>>()?)
    }

    /// Records that the digest of `slot` went out and when the next one is due.
    pub async fn advance_digest(
        &self,
        id: i64,
        slot: DateTime<Utc>,
        next_run_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE subscriptions SET last_run_at = ?, next_run_at = ? WHERE id = ?")
            .bind(slot.timestamp())
            .bind(next_run_at.timestamp())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stops deliveries to a subscription until someone subscribes again; the reason is
    /// shown in `/subscriptions`.
    pub async fn pause_subscription(&self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE id = ?")
            .bind(reason)
            .bind(now.timestamp())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Claims `item` for delivery to `subscription_id`: the first call writes a pending row
    /// with `nonce`; later calls reuse the stored nonce, or say the item was already sent.
    pub async fn begin_delivery(
        &self,
        subscription_id: i64,
        item: &str,
        nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<DeliveryStart, StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO deliveries (subscription_id, item, nonce, status, attempts, created_at) \
             VALUES (?, ?, ?, 'pending', 0, ?) ON CONFLICT (subscription_id, item) DO NOTHING",
        )
        .bind(subscription_id)
        .bind(item)
        .bind(nonce)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(
            "UPDATE deliveries SET attempts = attempts + CASE WHEN status = 'pending' THEN 1 ELSE 0 END \
             WHERE subscription_id = ? AND item = ? RETURNING nonce, status, attempts",
        )
        .bind(subscription_id)
        .bind(item)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(delivery_start(&row)?)
    }

    /// [`Store::begin_delivery`] for many items in one transaction (an edition's channels):
    /// the answers come back in the order of `claims` (subscription id, item, nonce).
    pub async fn begin_deliveries(
        &self,
        claims: &[(i64, String, String)],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryStart>, StoreError> {
        let mut answers: HashMap<(i64, String), DeliveryStart> = HashMap::with_capacity(claims.len());
        let mut tx = self.write_tx().await?;
        for chunk in claims.chunks(LEDGER_CHUNK) {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO deliveries (subscription_id, item, nonce, status, attempts, created_at) ",
            );
            insert.push_values(chunk, |mut row, (subscription_id, item, nonce)| {
                row.push_bind(*subscription_id)
                    .push_bind(item.as_str())
                    .push_bind(nonce.as_str())
                    .push("'pending'")
                    .push("0")
                    .push_bind(now.timestamp());
            });
            insert.push(" ON CONFLICT (subscription_id, item) DO NOTHING");
            insert.build().execute(&mut *tx).await?;
            let mut update = QueryBuilder::<Sqlite>::new("WITH v(sub, item) AS (");
            update.push_values(chunk, |mut row, (subscription_id, item, _)| {
                row.push_bind(*subscription_id).push_bind(item.as_str());
            });
            update.push(
                ") UPDATE deliveries SET attempts = attempts + CASE WHEN status = 'pending' THEN 1 ELSE 0 END \
                 FROM v WHERE deliveries.subscription_id = v.sub AND deliveries.item = v.item \
                 RETURNING subscription_id, item, nonce, status, attempts",
            );
            for row in update.build().fetch_all(&mut *tx).await? {
                answers.insert(
                    (row.try_get("subscription_id")?, row.try_get("item")?),
                    delivery_start(&row)?,
                );
            }
        }
        tx.commit().await?;
        claims
            .iter()
            .map(|(subscription_id, item, _)| {
                answers
                    .remove(&(*subscription_id, item.clone()))
                    .ok_or_else(|| StoreError::Sql(sqlx::Error::RowNotFound))
            })
            .collect()
    }

    /// Records digests that went out, in one transaction: each delivery marked sent, the
    /// subscription's copy of the edition noted, and its schedule moved to the next slot.
    pub async fn record_digests_sent(&self, sent: &[DigestSent], now: DateTime<Utc>) -> Result<(), StoreError> {
        if sent.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for chunk in sent.chunks(LEDGER_CHUNK) {
            let mut finish = QueryBuilder::<Sqlite>::new("WITH v(sub, item, ids) AS (");
            finish.push_values(chunk, |mut row, d| {
                row.push_bind(d.subscription_id)
                    .push_bind(d.item.as_str())
                    .push_bind(d.message_ids.join(","));
            });
            finish.push(") UPDATE deliveries SET status = 'sent', message_ids = v.ids, last_error = NULL, sent_at = ");
            finish.push_bind(now.timestamp());
            finish.push(" FROM v WHERE deliveries.subscription_id = v.sub AND deliveries.item = v.item");
            finish.build().execute(&mut *tx).await?;

            let mut record = QueryBuilder::<Sqlite>::new(
                "INSERT INTO digests (subscription_id, edition_id, window_start, window_end, items, stats, markdown, created_at) ",
            );
            record.push_values(chunk, |mut row, d| {
                row.push_bind(d.subscription_id)
                    .push_bind(d.edition_id)
                    .push_bind(d.window.0.timestamp())
                    .push_bind(d.window.1.timestamp())
                    .push_bind(d.items)
                    .push("''")
                    .push("''")
                    .push_bind(now.timestamp());
            });
            record.build().execute(&mut *tx).await?;

            let mut advance = QueryBuilder::<Sqlite>::new("WITH v(id, last_run, next_run) AS (");
            advance.push_values(chunk, |mut row, d| {
                row.push_bind(d.subscription_id)
                    .push_bind(d.window.1.timestamp())
                    .push_bind(d.next.timestamp());
            });
            advance.push(
                ") UPDATE subscriptions SET last_run_at = v.last_run, next_run_at = v.next_run \
                 FROM v WHERE subscriptions.id = v.id",
            );
            advance.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks a delivery sent, with the ids of the messages it became.
    pub async fn finish_delivery(
        &self,
        subscription_id: i64,
        item: &str,
        message_ids: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET status = 'sent', message_ids = ?, sent_at = ?, last_error = NULL \
             WHERE subscription_id = ? AND item = ?",
        )
        .bind(message_ids.join(","))
        .bind(now.timestamp())
        .bind(subscription_id)
        .bind(item)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Notes a failed attempt. `permanent`: never try this item again; otherwise it stays
    /// pending and is retried (with the same nonce) on a later cycle.
    pub async fn fail_delivery(
        &self,
        subscription_id: i64,
        item: &str,
        error: &str,
        permanent: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET last_error = ?, status = CASE WHEN ? THEN 'failed' ELSE status END \
             WHERE subscription_id = ? AND item = ? AND status = 'pending'",
        )
        .bind(error)
        .bind(permanent)
        .bind(subscription_id)
        .bind(item)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Which of `items` are settled for this subscription (sent, or given up). Pending
    /// items are not: they are retried with their nonce.
    pub async fn known_deliveries(
        &self,
        subscription_id: i64,
        items: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        if items.is_empty() {
            return Ok(HashSet::new());
        }
        let mut query =
            QueryBuilder::<Sqlite>::new("SELECT item FROM deliveries WHERE status != 'pending' AND subscription_id = ");
        query.push_bind(subscription_id).push(" AND item IN (");
        let mut list = query.separated(", ");
        for item in items {
            list.push_bind(item);
        }
        query.push(")");
        let rows = query.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("item"))
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    /// Pending deliveries of a subscription: posts that were started and not confirmed.
    pub async fn pending_deliveries(&self, subscription_id: i64) -> Result<Vec<String>, StoreError> {
        let items = sqlx::query_scalar(
            "SELECT item FROM deliveries WHERE subscription_id = ? AND status = 'pending' ORDER BY id",
        )
        .bind(subscription_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(items)
    }

    /// (item, last error) of a subscription's deliveries that failed at least once and are
    /// not sent, newest first.
    pub async fn delivery_errors(&self, subscription_id: i64) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT item, last_error FROM deliveries \
             WHERE subscription_id = ? AND status != 'sent' AND last_error IS NOT NULL ORDER BY id DESC",
        )
        .bind(subscription_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("item")?, row.try_get("last_error")?)))
            .collect()
    }

    /// Articles fetched after `after` and published after `published_since` (what counts as
    /// new for an instant subscription whose cursor is `after`): canonical URL and fetch time.
    /// The instant loop asks once per pass, from the oldest cursor, and each subscription
    /// keeps what lies past its own.
    pub async fn fetched_after(
        &self,
        after: DateTime<Utc>,
        published_since: DateTime<Utc>,
    ) -> Result<Vec<(Option<String>, DateTime<Utc>)>, StoreError> {
        let rows = sqlx::query("SELECT url, fetched_at FROM articles WHERE fetched_at > ? AND published_at >= ?")
            .bind(after.timestamp())
            .bind(published_since.timestamp())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("url")?, from_unix(row.try_get("fetched_at")?))))
            .collect()
    }

    /// Moves an instant subscription's cursor: articles fetched at or before `at` have been
    /// considered and are not looked at again.
    pub async fn set_cursor(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE subscriptions SET cursor_at = MAX(cursor_at, ?) WHERE id = ?")
            .bind(at.timestamp())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Keeps a composed edition (its Markdown and statistics, once for all the channels that
    /// receive it); returns its id for [`Store::record_digests_sent`].
    pub async fn record_edition(&self, edition: &NewEdition<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar(
            "INSERT INTO editions (topic, window_start, window_end, items, stats, markdown, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(edition.topic)
        .bind(edition.window_start.timestamp())
        .bind(edition.window_end.timestamp())
        .bind(edition.items)
        .bind(edition.stats_json)
        .bind(edition.markdown)
        .bind(now.timestamp())
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    pub async fn delivery_counts(
        &self,
        platform: Option<&str>,
        scope: Option<&str>,
    ) -> Result<DeliveryCounts, StoreError> {
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM subscriptions s WHERE (?1 IS NULL OR s.platform = ?1) AND (?2 IS NULL OR s.scope = ?2)) AS subs, \
               (SELECT COUNT(*) FROM subscriptions s WHERE paused_reason IS NOT NULL AND (?1 IS NULL OR s.platform = ?1) AND (?2 IS NULL OR s.scope = ?2)) AS paused, \
               (SELECT COUNT(*) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.status = 'sent' AND (?1 IS NULL OR s.platform = ?1) AND (?2 IS NULL OR s.scope = ?2)) AS sent, \
               (SELECT COUNT(*) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.status = 'pending' AND (?1 IS NULL OR s.platform = ?1) AND (?2 IS NULL OR s.scope = ?2)) AS pending, \
               (SELECT COUNT(*) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.status = 'failed' AND (?1 IS NULL OR s.platform = ?1) AND (?2 IS NULL OR s.scope = ?2)) AS failed, \
               (SELECT COUNT(*) FROM digests g JOIN subscriptions s ON s.id = g.subscription_id WHERE (?1 IS NULL OR s.platform = ?1) AND (?2 IS NULL OR s.scope = ?2)) AS digests",
        )
        .bind(platform)
        .bind(scope)
        .fetch_one(&self.pool)
        .await?;
        Ok(DeliveryCounts {
            subscriptions: row.try_get("subs")?,
            paused: row.try_get("paused")?,
            sent: row.try_get("sent")?,
            pending: row.try_get("pending")?,
            failed: row.try_get("failed")?,
            digests: row.try_get("digests")?,
        })
    }

    pub async fn server_settings(&self, scope: &str) -> Result<ServerSettings, StoreError> {
        let row = sqlx::query("SELECT timezone, min_score FROM server_settings WHERE scope = ?")
            .bind(scope)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(ServerSettings::default()),
            Some(row) => Ok(ServerSettings {
                timezone: row.try_get("timezone")?,
                min_score: row.try_get("min_score")?,
            }),
        }
    }

    /// Sets the given fields of a server's settings, keeping the others.
    pub async fn update_server_settings(
        &self,
        scope: &str,
        timezone: Option<&str>,
        min_score: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<ServerSettings, StoreError> {
        sqlx::query(
            "INSERT INTO server_settings (scope, timezone, min_score, updated_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (scope) DO UPDATE SET timezone = COALESCE(excluded.timezone, server_settings.timezone), \
                 min_score = COALESCE(excluded.min_score, server_settings.min_score), updated_at = excluded.updated_at",
        )
        .bind(scope)
        .bind(timezone)
        .bind(min_score)
        .bind(now.timestamp())
        .execute(&self.pool)
        .await?;
        self.server_settings(scope).await
    }

    pub async fn kv_get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT value FROM kv WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn kv_set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
