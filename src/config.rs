//! Typed, layered settings: built-in defaults → a TOML file → `NEWSDESK_<SECTION>__<KEY>`
//! environment variables. [`Settings::validate`] rejects values that would make the bot
//! misbehave, naming the key and the reason. Secrets are wrapped in [`Secret`] so that no
//! `Debug` or log line can print them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Environment variable naming the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "NEWSDESK_CONFIG";
/// Config file read from the working directory when nothing else names one.
pub const DEFAULT_CONFIG_FILE: &str = "newsdesk.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("invalid configuration: {0}")]
    Parse(String),
    #[error("invalid configuration: `{key}` {reason}")]
    Invalid { key: &'static str, reason: String },
}

/// A value that must never be printed: `Debug` and `Display` show `[redacted]`.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself, for the one place that sends it (an Authorization header).
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub sources: SourceSettings,
    pub fetch: FetchSettings,
    pub discord: DiscordSettings,
    pub delivery: DeliverySettings,
    pub ops: OpsSettings,
    pub llm: LlmSettings,
    pub matrix: MatrixSettings,
    pub cooldowns: CooldownSettings,
    pub retention: RetentionSettings,
}

/// How often the expensive commands may run: per user (seconds between two runs) and per
/// server (runs in any hour). 0 turns a limit off. The operator is never limited.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CooldownSettings {
    pub summarize_user_secs: u64,
    pub summarize_server_per_hour: u32,
    pub digest_user_secs: u64,
    pub digest_server_per_hour: u32,
    pub search_user_secs: u64,
    pub search_server_per_hour: u32,
}

impl Default for CooldownSettings {
    fn default() -> Self {
        CooldownSettings {
            summarize_user_secs: 30,
            summarize_server_per_hour: 30,
            digest_user_secs: 60,
            digest_server_per_hour: 30,
            search_user_secs: 3,
            search_server_per_hour: 600,
        }
    }
}

impl CooldownSettings {
    /// Every limit off (benchmarks and tests that run one command many times).
    pub fn off() -> CooldownSettings {
        CooldownSettings {
            summarize_user_secs: 0,
            summarize_server_per_hour: 0,
            digest_user_secs: 0,
            digest_server_per_hour: 0,
            search_user_secs: 0,
            search_server_per_hour: 0,
        }
    }
}

/// How long data is kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionSettings {
    /// Days after the bot was removed from a server (or kicked from a room) before that
    /// server's subscriptions, settings, topics and private sources are deleted; a re-invite
    /// before then restores everything. 0 keeps them forever.
    pub left_server_days: u32,
    /// Days an article is kept after it was published and fetched (with its search entry,
    /// topics, transcript and chapters). 0 keeps articles forever.
    pub articles_days: u32,
    /// Days a podcast episode keeps its transcript (the article itself follows
    /// `articles_days`). 0 keeps transcripts as long as their article.
    pub transcripts_days: u32,
    /// Days the delivery ledger keeps a finished (sent or failed) row; pending rows are never
    /// deleted. At least `delivery.instant_max_age_hours`, so no alert can be posted twice.
    /// 0 keeps the ledger forever.
    pub deliveries_days: u32,
    /// Days composed editions and the record of which channel received them are kept.
    /// 0 keeps them forever.
    pub digests_days: u32,
    /// Days an LLM answer stays cached. 0 keeps the cache forever.
    pub llm_cache_days: u32,
    /// Rows deleted per statement, so maintenance never holds the write lock for long.
    pub batch_rows: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings {
            left_server_days: 30,
            articles_days: 90,
            transcripts_days: 30,
            deliveries_days: 30,
            digests_days: 90,
            llm_cache_days: 30,
            batch_rows: 500,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// SQLite file; its parent folder is created when missing.
    pub path: PathBuf,
    /// How long a writer waits for a lock before giving up, in milliseconds.
    pub busy_timeout_ms: u64,
    pub max_connections: u32,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        DatabaseSettings {
            path: PathBuf::from("data/newsdesk.db"),
            busy_timeout_ms: 5_000,
            max_connections: 4,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SourceSettings {
    /// Allow sources whose host resolves to private, loopback, link-local or unspecified
    /// addresses. Off by default: user-added URLs must not reach the bot's own network.
    pub allow_private: bool,
    /// Fetch the article page when a feed item carries only an excerpt.
    pub full_text: bool,
    /// Install the default AI source pack on the first `fetch`/`digest` of an empty store.
    pub install_defaults: bool,
    /// Fetch `<podcast:transcript>` and `<podcast:chapters>` files of new episodes.
    pub transcripts: bool,
    /// Sources one chat server may add for itself (global sources do not count).
    pub max_per_server: u32,
}

impl Default for SourceSettings {
    fn default() -> Self {
        SourceSettings {
            allow_private: false,
            full_text: false,
            install_defaults: true,
            transcripts: true,
            max_per_server: 50,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FetchSettings {
    pub user_agent: String,
    pub connect_timeout_secs: u64,
    /// Whole-request limit, body included.
    pub timeout_secs: u64,
    pub max_redirects: usize,
    /// Body cap in bytes, applied to the decompressed body as well.
    pub max_body_bytes: u64,
    /// Requests in flight across all hosts.
    pub concurrency: usize,
    /// Requests in flight to any one host.
    pub per_host_concurrency: usize,
    /// Polling interval when the feed gives no ttl / Cache-Control hint, in minutes.
    pub default_interval_mins: u64,
    pub min_interval_mins: u64,
    pub max_interval_mins: u64,
    /// First retry delay after a failure; doubles with each further failure.
    pub backoff_base_mins: u64,
    pub backoff_max_mins: u64,
    /// A source failing for this long is disabled.
    pub disable_after_hours: u64,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: concat!(
                "newsdesk/",
                env!("CARGO_PKG_VERSION"),
                " (AI news digest bot; feed reader)"
            )
            .to_string(),
            connect_timeout_secs: 10,
            timeout_secs: 30,
            max_redirects: 5,
            max_body_bytes: 5 * 1024 * 1024,
            concurrency: 16,
            per_host_concurrency: 2,
            default_interval_mins: 30,
            min_interval_mins: 5,
            max_interval_mins: 360,
            backoff_base_mins: 5,
            backoff_max_mins: 24 * 60,
            disable_after_hours: 24,
        }
    }
}

impl FetchSettings {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs)
    }
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordSettings {
    /// Bot token. Without one, `newsdesk run` starts in console mode.
    pub token: Option<Secret>,
    /// Register slash commands in this guild only (instant updates while developing);
    /// globally when unset.
    pub dev_guild: Option<u64>,
    /// Base URL of the REST API. Only tests change it, to reach a loopback fake.
    pub api_base: String,
    /// User ids (numbers) who operate the bot, beside the application's owner or team:
    /// they manage global sources from any server.
    #[serde(deserialize_with = "ids_as_text")]
    pub operators: Vec<String>,
}

impl Default for DiscordSettings {
    fn default() -> Self {
        DiscordSettings {
            token: None,
            dev_guild: None,
            api_base: DISCORD_API_BASE.to_string(),
            operators: Vec::new(),
        }
    }
}

/// A Matrix account for the bot (needs the `matrix` cargo feature). Off while
/// `homeserver_url` is empty.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MatrixSettings {
    /// The homeserver's client API, e.g. `https://matrix.example.org`.
    pub homeserver_url: String,
    /// The bot's full user id, `@newsdesk:example.org`.
    pub user_id: String,
    /// Log in with this password once; the session (access token and device) is then kept in
    /// the database, so a restart does not create a new device.
    pub password: Option<Secret>,
    /// Or use an existing access token (its device is looked up with `whoami`).
    pub access_token: Option<Secret>,
    /// Shown in the account's device list.
    pub device_name: String,
    /// Join invites only from users on these servers (`example.org`); from anyone when empty.
    pub allowed_inviter_servers: Vec<String>,
    /// Power level a room member needs for admin commands (subscribe, manage sources add, …).
    pub admin_power_level: i64,
    /// How long one sync request waits for news, in seconds.
    pub sync_timeout_secs: u64,
    /// Matrix user ids (`@alice:example.org`) who operate the bot: they manage global sources
    /// from any room.
    pub operators: Vec<String>,
}

impl Default for MatrixSettings {
    fn default() -> Self {
        MatrixSettings {
            homeserver_url: String::new(),
            user_id: String::new(),
            password: None,
            access_token: None,
            device_name: "newsdesk".to_string(),
            allowed_inviter_servers: Vec::new(),
            admin_power_level: 50,
            sync_timeout_secs: 30,
            operators: Vec::new(),
        }
    }
}

impl MatrixSettings {
    pub fn enabled(&self) -> bool {
        !self.homeserver_url.trim().is_empty()
    }
}

/// Discord's REST API, version 10.
pub const DISCORD_API_BASE: &str = "https://discord.com/api/v10";

/// How the scheduler polls and delivers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DeliverySettings {
    /// How often the loops look for due sources, digests and new articles, in seconds.
    pub tick_secs: u64,
    /// Defaults for new subscriptions (a server's `/manage settings` overrides them).
    pub default_schedule: String,
    pub default_timezone: String,
    pub default_min_score: u8,
    pub default_max_items: u8,
    /// Instant alerts posted per subscription per cycle, oldest first; the rest wait.
    pub instant_per_cycle: u32,
    /// Instant alerts only for articles published within this many hours.
    pub instant_max_age_hours: u32,
    /// Channels posted to at once. Each channel's posts still go out one after another, in
    /// order, and the REST client keeps every post under the platform's rate limits.
    pub concurrency: u32,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            tick_secs: 60,
            default_schedule: "daily 08:00".to_string(),
            default_timezone: "UTC".to_string(),
            default_min_score: crate::pipeline::score::DEFAULT_MIN_SCORE,
            default_max_items: 10,
            instant_per_cycle: 3,
            instant_max_age_hours: 48,
            concurrency: 8,
        }
    }
}

/// An OpenAI-compatible chat-completions endpoint for abstractive summaries, rubric scores
/// and highlights. Off while `base_url` is empty: the offline pipeline does everything.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LlmSettings {
    /// e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama),
    /// `https://generativelanguage.googleapis.com/v1beta/openai`; empty = off.
    pub base_url: String,
    pub model: String,
    /// Sent as a bearer token; better set as NEWSDESK_LLM__API_KEY. Local servers need none.
    pub api_key: Option<Secret>,
    /// Per request, in seconds.
    pub timeout_secs: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Prompt + completion tokens per UTC day; past it, the offline path takes over.
    pub max_tokens_per_day: u64,
    /// Tokens one chat server may spend per UTC day; after that it gets offline summaries
    /// while the others keep the model. Unset: a quarter of `max_tokens_per_day`; 0: no limit.
    pub max_tokens_per_server_day: Option<u64>,
    /// Answer length cap per request.
    pub max_output_tokens: u32,
    /// Ask for `response_format: json_schema` (servers that reject it get `json_object`).
    pub json_schema: bool,
    /// Optional per-task models; the main model otherwise.
    pub rubric_model: Option<String>,
    pub summary_model: Option<String>,
    pub highlights_model: Option<String>,
    pub podcast_model: Option<String>,
}

impl Default for LlmSettings {
    fn default() -> Self {
        LlmSettings {
            base_url: String::new(),
            model: "gpt-4o-mini".to_string(),
            api_key: None,
            timeout_secs: 60,
            concurrency: 4,
            max_tokens_per_day: 2_000_000,
            max_tokens_per_server_day: None,
            max_output_tokens: 1_200,
            json_schema: true,
            rubric_model: None,
            summary_model: None,
            highlights_model: None,
            podcast_model: None,
        }
    }
}

impl LlmSettings {
    pub fn enabled(&self) -> bool {
        !self.base_url.trim().is_empty()
    }

    /// Tokens one server may spend per day; 0 means no limit.
    pub fn server_share(&self) -> u64 {
        self.max_tokens_per_server_day.unwrap_or(self.max_tokens_per_day / 4)
    }
}

/// Health, metrics and logging.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct OpsSettings {
    /// Address of the `/healthz` and `/metrics` endpoint; empty turns it off.
    pub listen: String,
    /// `text` or `json` log lines.
    pub log_format: String,
}

impl Default for OpsSettings {
    fn default() -> Self {
        OpsSettings {
            listen: "127.0.0.1:9184".to_string(),
            log_format: "text".to_string(),
        }
    }
}

impl Settings {
    /// Loads settings: defaults, then the config file (`explicit`, else `$NEWSDESK_CONFIG`,
    /// else `./newsdesk.toml` when present), then `NEWSDESK_<SECTION>__<KEY>` variables.
    pub fn load(explicit: Option<&Path>) -> Result<Settings, ConfigError> {
        let env_file = std::env::var_os(CONFIG_ENV).map(PathBuf::from);
        let file = match (explicit, env_file) {
            (Some(path), _) => Some(path.to_path_buf()),
            (None, Some(path)) => Some(path),
            (None, None) => {
                let local = PathBuf::from(DEFAULT_CONFIG_FILE);
                local.is_file().then_some(local)
            }
        };
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::MissingFile(path));
            }
            figment = figment.merge(Toml::file(path));
        }
        // NEWSDESK_CONFIG names the file; it is not a setting.
        // Only NEWSDESK_<SECTION>__<KEY> are settings; other NEWSDESK_* variables (the config
        // file's name, the test corpus' folder) belong to someone else.
        figment = figment.merge(
            Env::prefixed("NEWSDESK_")
                .filter(|key| key.as_str().contains("__"))
                .split("__"),
        );
        Self::from_figment(figment)
    }

    /// Settings from a TOML string layered over the defaults (no file, no environment).
    pub fn from_toml(text: &str) -> Result<Settings, ConfigError> {
        Self::from_figment(Figment::from(Serialized::defaults(Settings::default())).merge(Toml::string(text)))
    }

    fn from_figment(figment: Figment) -> Result<Settings, ConfigError> {
        let settings: Settings = figment
            .extract()
            .map_err(|err| ConfigError::Parse(describe_figment_error(err)))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Rejects values that parse but make no sense.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &'static str, reason: &str| {
            Err(ConfigError::Invalid {
                key,
                reason: reason.to_string(),
            })
        };
        if self.database.path.as_os_str().is_empty() {
            return invalid("database.path", "must not be empty");
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        let f = &self.fetch;
        if f.user_agent.trim().is_empty() {
            return invalid("fetch.user_agent", "must not be empty");
        }
        if f.connect_timeout_secs == 0 {
            return invalid("fetch.connect_timeout_secs", "must be at least 1 second");
        }
        if f.timeout_secs == 0 {
            return invalid("fetch.timeout_secs", "must be at least 1 second");
        }
        if f.max_redirects > 20 {
            return invalid("fetch.max_redirects", "must be 20 or fewer");
        }
        if f.max_body_bytes < 1024 {
            return invalid("fetch.max_body_bytes", "must be at least 1024 bytes");
        }
        if f.concurrency == 0 {
            return invalid("fetch.concurrency", "must be at least 1");
        }
        if f.per_host_concurrency == 0 {
            return invalid("fetch.per_host_concurrency", "must be at least 1");
        }
        if f.min_interval_mins == 0 {
            return invalid("fetch.min_interval_mins", "must be at least 1 minute");
        }
        if f.max_interval_mins < f.min_interval_mins {
            return invalid("fetch.max_interval_mins", "must not be below fetch.min_interval_mins");
        }
        if f.default_interval_mins < f.min_interval_mins || f.default_interval_mins > f.max_interval_mins {
            return invalid(
                "fetch.default_interval_mins",
                "must lie between fetch.min_interval_mins and fetch.max_interval_mins",
            );
        }
        if f.backoff_base_mins == 0 {
            return invalid("fetch.backoff_base_mins", "must be at least 1 minute");
        }
        if f.backoff_max_mins < f.backoff_base_mins {
            return invalid("fetch.backoff_max_mins", "must not be below fetch.backoff_base_mins");
        }
        if f.disable_after_hours == 0 {
            return invalid("fetch.disable_after_hours", "must be at least 1 hour");
        }
        if self.discord.token.as_ref().is_some_and(Secret::is_empty) {
            return invalid("discord.token", "is set but empty; remove it to run in console mode");
        }
        if !(self.discord.api_base.starts_with("https://") || self.discord.api_base.starts_with("http://")) {
            return invalid("discord.api_base", "must be an http(s) URL");
        }
        if let Some(bad) = self
            .discord
            .operators
            .iter()
            .find(|id| id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()))
        {
            return invalid(
                "discord.operators",
                &format!("holds {bad:?}, which is not a Discord user id (a number such as 80351110224678912)"),
            );
        }
        if let Some(bad) = self.matrix.operators.iter().find(|id| {
            let parts: Vec<&str> = id.splitn(2, ':').collect();
            !id.starts_with('@') || id.len() < 4 || parts.len() != 2 || parts[1].is_empty()
        }) {
            return invalid(
                "matrix.operators",
                &format!("holds {bad:?}, which is not a Matrix user id such as `@alice:example.org`"),
            );
        }
        if self.sources.max_per_server > 10_000 {
            return invalid("sources.max_per_server", "must be 10000 or fewer");
        }
        let m = &self.matrix;
        if m.enabled() {
            if !(m.homeserver_url.starts_with("https://") || m.homeserver_url.starts_with("http://")) {
                return invalid(
                    "matrix.homeserver_url",
                    "must be an http(s) URL such as `https://matrix.example.org`",
                );
            }
            let has_password = m.password.as_ref().is_some_and(|p| !p.is_empty());
            let has_token = m.access_token.as_ref().is_some_and(|t| !t.is_empty());
            if !has_password && !has_token {
                return invalid(
                    "matrix.password",
                    "or matrix.access_token must be set when matrix.homeserver_url is (NEWSDESK_MATRIX__PASSWORD)",
                );
            }
            let parts: Vec<&str> = m.user_id.splitn(2, ':').collect();
            if has_password && (!m.user_id.starts_with('@') || parts.len() != 2 || parts[1].is_empty()) {
                return invalid(
                    "matrix.user_id",
                    "must be a full Matrix user id such as `@newsdesk:example.org`",
                );
            }
            if m.sync_timeout_secs == 0 || m.sync_timeout_secs > 300 {
                return invalid("matrix.sync_timeout_secs", "must be between 1 and 300 seconds");
            }
            if !(0..=100).contains(&m.admin_power_level) {
                return invalid("matrix.admin_power_level", "must be between 0 and 100");
            }
        }
        let d = &self.delivery;
        if d.tick_secs == 0 {
            return invalid("delivery.tick_secs", "must be at least 1 second");
        }
        if d.default_schedule.parse::<crate::domain::Schedule>().is_err() {
            return invalid(
                "delivery.default_schedule",
                "must look like `daily 08:30`, `weekdays 09:00` or `weekly mon 09:00`",
            );
        }
        if d.default_timezone.parse::<chrono_tz::Tz>().is_err() {
            return invalid(
                "delivery.default_timezone",
                "must be an IANA timezone such as `Europe/Berlin`",
            );
        }
        if d.default_min_score > 30 {
            return invalid("delivery.default_min_score", "must be between 0 and 30");
        }
        if !(1..=25).contains(&d.default_max_items) {
            return invalid("delivery.default_max_items", "must be between 1 and 25");
        }
        if d.instant_per_cycle == 0 {
            return invalid("delivery.instant_per_cycle", "must be at least 1");
        }
        if !(1..=64).contains(&d.concurrency) {
            return invalid("delivery.concurrency", "must be between 1 and 64");
        }
        let r = &self.retention;
        if r.deliveries_days != 0 && u64::from(r.deliveries_days) * 24 < u64::from(d.instant_max_age_hours) {
            return invalid(
                "retention.deliveries_days",
                "must cover delivery.instant_max_age_hours (or be 0): a forgotten alert could be posted again",
            );
        }
        if r.articles_days != 0 && r.articles_days < 8 {
            return invalid(
                "retention.articles_days",
                "must be at least 8 (or 0): a digest may cover the last 7 days",
            );
        }
        if r.batch_rows == 0 {
            return invalid("retention.batch_rows", "must be at least 1");
        }
        let l = &self.llm;
        if l.enabled() {
            if !(l.base_url.starts_with("https://") || l.base_url.starts_with("http://")) {
                return invalid(
                    "llm.base_url",
                    "must be an http(s) URL such as `https://api.openai.com/v1`",
                );
            }
            if l.model.trim().is_empty() {
                return invalid("llm.model", "must name a model when llm.base_url is set");
            }
        }
        if l.timeout_secs == 0 {
            return invalid("llm.timeout_secs", "must be at least 1 second");
        }
        if l.concurrency == 0 {
            return invalid("llm.concurrency", "must be at least 1");
        }
        if l.max_output_tokens < 64 {
            return invalid("llm.max_output_tokens", "must be at least 64");
        }
        if !matches!(self.ops.log_format.as_str(), "text" | "json") {
            return invalid("ops.log_format", "must be `text` or `json`");
        }
        if !self.ops.listen.is_empty() && self.ops.listen.parse::<std::net::SocketAddr>().is_err() {
            return invalid("ops.listen", "must be an address such as `0.0.0.0:9184`, or empty");
        }
        Ok(())
    }
}

/// figment errors already name the key ("for key `default.fetch.timeout_secs`"); drop the
/// profile prefix so the message names the key as the user wrote it.
fn describe_figment_error(err: figment::Error) -> String {
    err.into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let what = e.kind.to_string();
            let origin = e
                .metadata
                .as_ref()
                .map(|m| format!(" (from {})", m.name))
                .unwrap_or_default();
            if key.is_empty() {
                format!("{what}{origin}")
            } else {
                format!("`{key}`: {what}{origin}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads a list of ids written as numbers or as strings (TOML integers cannot hold every
/// id, and people write both), keeping each as text for [`Settings::validate`] to judge.
fn ids_as_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ids {
        Many(Vec<Id>),
        One(Id),
    }
    let ids = match Ids::deserialize(deserializer)? {
        Ids::Many(ids) => ids,
        Ids::One(id) => vec![id],
    };
    Ok(ids
        .into_iter()
        .map(|id| match id {
            Id::Number(n) => n.to_string(),
            Id::Text(text) => text.trim().to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_ids_that_are_not_numbers_name_the_key() {
        let err = Settings::from_toml("[discord]\noperators = [\"12345\", \"alice\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("discord.operators") && err.contains("alice"), "{err}");
        let ok = Settings::from_toml("[discord]\noperators = [12345, \"67890\"]\n").unwrap();
        assert_eq!(ok.discord.operators, vec!["12345", "67890"]);
        let err = Settings::from_toml("[matrix]\noperators = [\"alice\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("matrix.operators"), "{err}");
    }

    #[test]
    fn defaults_are_valid() {
        Settings::default().validate().unwrap();
        assert!(!Settings::default().sources.allow_private);
    }

    #[test]
    fn toml_overrides_defaults() {
        let s = Settings::from_toml("[database]\npath = \"/tmp/x.db\"\n[sources]\nallow_private = true\n").unwrap();
        assert_eq!(s.database.path, PathBuf::from("/tmp/x.db"));
        assert!(s.sources.allow_private);
        assert_eq!(s.fetch.timeout_secs, 30);
    }

    #[test]
    fn bad_type_names_the_key() {
        let err = Settings::from_toml("[fetch]\ntimeout_secs = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("fetch.timeout_secs"), "{err}");
    }

    #[test]
    fn unknown_key_is_refused() {
        let err = Settings::from_toml("[fetch]\ntimeout = 3\n").unwrap_err().to_string();
        assert!(err.contains("timeout"), "{err}");
    }

    #[test]
    fn out_of_range_value_names_the_key_and_reason() {
        let err = Settings::from_toml("[fetch]\nconcurrency = 0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("fetch.concurrency") && err.contains("at least 1"), "{err}");
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings::from_toml("[discord]\ntoken = \"abc.def.ghi\"\n").unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("abc.def"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }
}
