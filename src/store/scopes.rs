//! Who reads what: source links per scope (global `''` or one chat server), mutes of global
//! sources, servers the bot was removed from, and each server's share of the LLM budget.
//!
//! Visibility is decided here, in SQL, once: [`visible_sources`] is the one definition of
//! "the sources a scope reads" that digests, instant alerts, search, `/latest`, `/stats` and
//! autocomplete all use, so no reader can forget a rule.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{SourceRow, Store, StoreError, from_unix};

/// The global scope: the operator's sources (default pack, CLI, operator imports).
pub const GLOBAL_SCOPE: &str = "";

/// Why a departed server's subscriptions are paused; a re-invite lifts exactly these pauses.
pub const DEPARTED_REASON: &str =
    "the bot is not in this room or server any more (removed or kicked); inviting it back resumes this";

/// SQL for the ids of the sources scope `?{param}` reads: global sources it has not muted,
/// plus its own links. Bind the scope once at `?{param}`.
pub(crate) fn visible_sources(param: u8) -> String {
    format!(
        "SELECT l.source_id FROM source_links l \
         WHERE l.scope = ?{param} \
            OR (l.scope = '' AND NOT EXISTS \
                (SELECT 1 FROM source_mutes m WHERE m.scope = ?{param} AND m.source_id = l.source_id))"
    )
}

/// SQL: article `a` is readable in scope `?{param}`: stored from a visible source, or seen
/// in one (the same story carried by a global feed is news for everyone).
pub(crate) fn article_visible(param: u8) -> String {
    let visible = visible_sources(param);
    format!(
        "(a.source_id IN ({visible}) OR EXISTS (SELECT 1 FROM article_sightings vs \
           WHERE vs.article_id = a.id AND vs.source_id IN ({visible})))"
    )
}

/// SQL: the name of article `a`'s source (joined as `s`) as scope `?{param}` may see it:
/// its own when readable, else the first readable source that also carried the article.
pub(crate) fn visible_source_name(param: u8) -> String {
    format!(
        "CASE WHEN a.source_id IN ({visible}) THEN coalesce(NULLIF(trim(s.title), ''), s.url) ELSE \
           (SELECT coalesce(NULLIF(trim(o.title), ''), o.url) FROM article_sightings vs2 \
              JOIN sources o ON o.id = vs2.source_id \
            WHERE vs2.article_id = a.id AND vs2.source_id IN ({visible}) ORDER BY vs2.seen_at LIMIT 1) END",
        visible = visible_sources(param)
    )
}

/// A source as one scope sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedSource {
    pub source: SourceRow,
    /// Linked by the operator for every server.
    pub global: bool,
    /// Linked by this scope itself.
    pub own: bool,
    /// A global source this scope chose not to read.
    pub muted: bool,
    /// The name this scope gave it, if any.
    pub name: Option<String>,
}

impl ScopedSource {
    /// The scope's own name for it, else the feed's title, else the URL.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.source.display_name())
    }
}

/// Which scopes link one source URL.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLinks {
    pub source_id: i64,
    pub url: String,
    pub scopes: Vec<String>,
}

impl SourceLinks {
    pub fn is_global(&self) -> bool {
        self.scopes.iter().any(|s| s == GLOBAL_SCOPE)
    }
    pub fn linked_by(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// What removing one scope's link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlinked {
    /// No other scope reads the source: it is gone, with this many stored articles.
    SourceDeleted { articles: i64 },
    /// Other scopes still read it: its articles stay.
    StillUsed { other_scopes: i64 },
}

/// What pruning departed servers removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PruneReport {
    pub servers: i64,
    pub subscriptions: i64,
    pub sources: i64,
    pub articles: i64,
}

/// What one server changed about what it reads: its own source links and its mutes of
/// global sources. A scope with neither reads exactly the global sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeCustomisation {
    /// Sorted source ids the scope linked itself.
    pub own: Vec<i64>,
    /// Sorted global source ids the scope muted.
    pub muted: Vec<i64>,
}

impl Store {
    /// The scopes linking the source with this URL; `None` when no source has it.
    pub async fn source_links(&self, url: &str) -> Result<Option<SourceLinks>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM sources WHERE url = ?")
            .bind(url)
            .fetch_optional(&self.pool)
            .await?;
        let Some(source_id) = id else {
            return Ok(None);
        };
        let scopes: Vec<String> =
            sqlx::query_scalar("SELECT scope FROM source_links WHERE source_id = ? ORDER BY scope")
                .bind(source_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(SourceLinks {
            source_id,
            url: url.to_string(),
            scopes,
        }))
    }

    /// Every scope that linked sources of its own or muted global ones, with what it
    /// changed: two queries, however many servers there are.
    pub async fn scope_customisations(
        &self,
    ) -> Result<std::collections::BTreeMap<String, ScopeCustomisation>, StoreError> {
        let mut scopes: std::collections::BTreeMap<String, ScopeCustomisation> = std::collections::BTreeMap::new();
        let links =
            sqlx::query("SELECT scope, source_id FROM source_links WHERE scope <> '' ORDER BY scope, source_id")
                .fetch_all(&self.pool)
                .await?;
        for row in &links {
            scopes
                .entry(row.try_get("scope")?)
                .or_default()
                .own
                .push(row.try_get("source_id")?);
        }
        let mutes = sqlx::query("SELECT scope, source_id FROM source_mutes ORDER BY scope, source_id")
            .fetch_all(&self.pool)
            .await?;
        for row in &mutes {
            scopes
                .entry(row.try_get("scope")?)
                .or_default()
                .muted
                .push(row.try_get("source_id")?);
        }
        Ok(scopes)
    }

    /// How many sources `scope` linked itself (what `sources.max_per_server` limits).
    pub async fn count_links(&self, scope: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM source_links WHERE scope = ?")
            .bind(scope)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Removes `scope`'s link to `source_id`. When no scope links the source any more it is
    /// deleted with the articles first stored from it; otherwise nothing else changes.
    pub async fn unlink_source(&self, source_id: i64, scope: &str) -> Result<Option<Unlinked>, StoreError> {
        let mut tx = self.write_tx().await?;
        let removed = sqlx::query("DELETE FROM source_links WHERE source_id = ? AND scope = ?")
            .bind(source_id)
            .bind(scope)
            .execute(&mut *tx)
            .await?;
        if removed.rows_affected() == 0 {
            return Ok(None);
        }
        if scope == GLOBAL_SCOPE {
            // Mutes only ever apply to global sources.
            sqlx::query("DELETE FROM source_mutes WHERE source_id = ?")
                .bind(source_id)
                .execute(&mut *tx)
                .await?;
        }
        let others: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM source_links WHERE source_id = ?")
            .bind(source_id)
            .fetch_one(&mut *tx)
            .await?;
        let outcome = if others > 0 {
            Unlinked::StillUsed { other_scopes: others }
        } else {
            let articles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles WHERE source_id = ?")
                .bind(source_id)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sources WHERE id = ?")
                .bind(source_id)
                .execute(&mut *tx)
                .await?;
            Unlinked::SourceDeleted { articles }
        };
        tx.commit().await?;
        Ok(Some(outcome))
    }

    /// Stops `scope` reading a global source; false when it was muted already.
    pub async fn mute_source(
        &self,
        scope: &str,
        source_id: i64,
        muted_by: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO source_mutes (scope, source_id, muted_by, muted_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (scope, source_id) DO NOTHING",
        )
        .bind(scope)
        .bind(source_id)
        .bind(muted_by)
        .bind(now.timestamp())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether `scope` muted the source.
    pub async fn is_muted(&self, scope: &str, source_id: i64) -> Result<bool, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM source_mutes WHERE scope = ? AND source_id = ?)")
                .bind(scope)
                .bind(source_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Lets `scope` read a muted global source again; false when it was not muted.
    pub async fn unmute_source(&self, scope: &str, source_id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM source_mutes WHERE scope = ? AND source_id = ?")
            .bind(scope)
            .bind(source_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The sources `scope` can see: global ones (muted or not) and its own, by name.
    pub async fn sources_for_scope(&self, scope: &str) -> Result<Vec<ScopedSource>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.*, (SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id) AS articles,
                    EXISTS (SELECT 1 FROM source_links g WHERE g.source_id = s.id AND g.scope = '') AS is_global,
                    own.source_id IS NOT NULL AS is_own, own.name AS own_name,
                    EXISTS (SELECT 1 FROM source_mutes m WHERE m.source_id = s.id AND m.scope = ?1) AS is_muted
             FROM sources s LEFT JOIN source_links own ON own.source_id = s.id AND own.scope = ?1
             WHERE s.id IN (SELECT source_id FROM source_links WHERE scope IN ('', ?1))
             ORDER BY lower(coalesce(own.name, s.title, s.url))",
        )
        .bind(scope)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ScopedSource {
                    source: SourceRow::from_row(row)?,
                    global: row.try_get("is_global")?,
                    own: row.try_get("is_own")?,
                    muted: row.try_get("is_muted")?,
                    name: row.try_get("own_name")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Sql)
    }

    /// Up to `limit` sources `scope` can see whose URL or name contains `partial`
    /// (case-insensitive), for autocomplete.
    pub async fn source_choices(
        &self,
        scope: &str,
        partial: &str,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let pattern = format!(
            "%{}%",
            partial
                .trim()
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let rows = sqlx::query(
            "SELECT s.url, coalesce(NULLIF(trim(own.name), ''), NULLIF(trim(s.title), ''), s.url) AS name
             FROM sources s LEFT JOIN source_links own ON own.source_id = s.id AND own.scope = ?1
             WHERE s.id IN (SELECT source_id FROM source_links WHERE scope IN ('', ?1))
               AND (lower(s.url) LIKE ?2 ESCAPE '\\' OR lower(coalesce(own.name, s.title, '')) LIKE ?2 ESCAPE '\\')
             ORDER BY lower(coalesce(own.name, s.title, s.url)) LIMIT ?3",
        )
        .bind(scope)
        .bind(pattern)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("url")?, row.try_get("name")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::Sql)
    }

    /// Records that the bot was removed from `scope`: its subscriptions pause (other pauses
    /// keep their own reason) and its private sources stop being polled unless another scope
    /// reads them. Returns how many subscriptions were paused.
    pub async fn mark_server_departed(&self, scope: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO departed_servers (scope, left_at) VALUES (?, ?) ON CONFLICT (scope) DO NOTHING")
            .bind(scope)
            .bind(now.timestamp())
            .execute(&mut *tx)
            .await?;
        let paused = sqlx::query(
            "UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE scope = ? AND paused_reason IS NULL",
        )
        .bind(DEPARTED_REASON)
        .bind(now.timestamp())
        .bind(scope)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(paused.rows_affected())
    }

    /// The bot is (back) in `scope`: lifts the pauses its departure caused. Instant
    /// subscriptions restart from now, so the time away is not posted as a burst of news.
    /// Returns whether the server had departed.
    pub async fn mark_server_present(&self, scope: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let was_gone = sqlx::query("DELETE FROM departed_servers WHERE scope = ?")
            .bind(scope)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if was_gone {
            sqlx::query(
                "UPDATE subscriptions SET paused_reason = NULL, paused_at = NULL,
                     cursor_at = CASE WHEN mode = 'instant' THEN MAX(cursor_at, ?) ELSE cursor_at END
                 WHERE scope = ? AND paused_reason = ?",
            )
            .bind(now.timestamp())
            .bind(scope)
            .bind(DEPARTED_REASON)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(was_gone)
    }

    /// Scopes of `platform` (`discord:`…) that hold anything: subscriptions, source links,
    /// settings or topics. Used to notice servers left while the bot was offline.
    pub async fn known_server_scopes(&self, platform: &str) -> Result<Vec<String>, StoreError> {
        let prefix = format!("{platform}:%");
        Ok(sqlx::query_scalar(
            "SELECT scope FROM subscriptions WHERE scope LIKE ?1
             UNION SELECT scope FROM source_links WHERE scope LIKE ?1
             UNION SELECT scope FROM server_settings WHERE scope LIKE ?1
             UNION SELECT scope FROM topics WHERE scope LIKE ?1",
        )
        .bind(prefix)
        .fetch_all(&self.pool)
        .await?)
    }

    /// When the bot left `scope`, if it did.
    pub async fn departed_at(&self, scope: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar("SELECT left_at FROM departed_servers WHERE scope = ?")
            .bind(scope)
            .fetch_optional(&self.pool)
            .await?;
        Ok(at.map(from_unix))
    }

    /// Deletes everything of servers the bot left at or before `cutoff`: subscriptions (with
    /// their delivery ledger), settings, custom topics, mutes, source links, and the sources
    /// (with their articles) that no scope links any more.
    pub async fn prune_departed_servers(&self, cutoff: DateTime<Utc>) -> Result<PruneReport, StoreError> {
        let scopes: Vec<String> = sqlx::query_scalar("SELECT scope FROM departed_servers WHERE left_at <= ?")
            .bind(cutoff.timestamp())
            .fetch_all(&self.pool)
            .await?;
        let mut report = PruneReport::default();
        for scope in scopes {
            let mut tx = self.write_tx().await?;
            report.subscriptions += sqlx::query("DELETE FROM subscriptions WHERE scope = ?")
                .bind(&scope)
                .execute(&mut *tx)
                .await?
                .rows_affected() as i64;
            for table in ["server_settings", "topics", "source_mutes", "llm_scope_usage"] {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE scope = ?")))
                    .bind(&scope)
                    .execute(&mut *tx)
                    .await?;
            }
            let orphans: Vec<i64> = sqlx::query_scalar(
                "SELECT source_id FROM source_links l WHERE l.scope = ?1 AND NOT EXISTS
                    (SELECT 1 FROM source_links o WHERE o.source_id = l.source_id AND o.scope <> ?1)",
            )
            .bind(&scope)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM source_links WHERE scope = ?")
                .bind(&scope)
                .execute(&mut *tx)
                .await?;
            for source_id in orphans {
                report.articles += sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM articles WHERE source_id = ?")
                    .bind(source_id)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM sources WHERE id = ?")
                    .bind(source_id)
                    .execute(&mut *tx)
                    .await?;
                report.sources += 1;
            }
            sqlx::query("DELETE FROM departed_servers WHERE scope = ?")
                .bind(&scope)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            report.servers += 1;
        }
        Ok(report)
    }

    /// LLM tokens spent for `scope` today (UTC), and whether it was told it ran out.
    pub async fn llm_scope_usage(&self, scope: &str, now: DateTime<Utc>) -> Result<(i64, bool), StoreError> {
        let row = sqlx::query("SELECT tokens, notified FROM llm_scope_usage WHERE day = ? AND scope = ?")
            .bind(utc_day(now))
            .bind(scope)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok((0, false)),
            Some(row) => Ok((row.try_get("tokens")?, row.try_get("notified")?)),
        }
    }

    pub async fn llm_add_scope_tokens(&self, scope: &str, tokens: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO llm_scope_usage (day, scope, tokens) VALUES (?, ?, ?) \
             ON CONFLICT (day, scope) DO UPDATE SET tokens = tokens + excluded.tokens",
        )
        .bind(utc_day(now))
        .bind(scope)
        .bind(tokens)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks `scope` as told that its LLM share ran out today; true the first time.
    pub async fn llm_mark_scope_notified(&self, scope: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO llm_scope_usage (day, scope, tokens, notified) VALUES (?, ?, 0, 1) \
             ON CONFLICT (day, scope) DO UPDATE SET notified = 1 WHERE llm_scope_usage.notified = 0",
        )
        .bind(utc_day(now))
        .bind(scope)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

fn utc_day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}
