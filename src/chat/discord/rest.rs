//! Our own small Discord REST client for posting to channels, and the [`ChatSink`] that
//! delivers digests and alerts through it.
//!
//! Why not serenity's `Http`: to reach a loopback fake in tests its rate limiter has to be
//! switched off, so the 429 path that matters in production would never be exercised. Here
//! one code path handles rate limits everywhere:
//!
//! - **proactively**, per route (the channel id is the route key for "create message"), from
//!   the `X-RateLimit-Remaining` / `X-RateLimit-Reset-After` headers: when a bucket is spent
//!   the next request waits for its reset instead of provoking a 429, and a global token
//!   bucket keeps us under Discord's 50 requests per second, so a digest fanned out to a
//!   thousand channels does not become a 429 storm;
//! - **reactively**, on a 429: wait `retry_after` (body) or `Retry-After` (header) and retry,
//!   a few times, then give up with [`SinkError::RateLimited`].
//!
//! Every message is sent with `allowed_mentions: {parse: []}` (feed text must never ping
//! anyone) and, when the caller has one, a `nonce` with `enforce_nonce`, so a resend after a
//! timeout or crash is recognised by Discord as the message it already has.
//!
//! The token is held only as a sensitive header value and never logged.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tokio::time::Instant;
use url::{Host, Url};

use crate::chat::{ChatSink, Post, PostContent, SinkError};
use crate::config::Secret;
use crate::digest::render::discord::{DiscordMessage, alert_message};
use crate::domain::Platform;

/// The User-Agent Discord asks bots to send: `DiscordBot ($url, $version)`.
pub const USER_AGENT: &str = "DiscordBot (https://github.com/newsdesk, 0.1)";
/// Discord rejects longer nonces.
pub const MAX_NONCE_LEN: usize = 25;
/// File name the digest chart is attached under; an embed may show it as
/// `attachment://chart.png`.
pub const CHART_FILENAME: &str = "chart.png";

/// Connecting should be quick; a hung connect is retried rather than waited out.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole request, upload included; a chart PNG is a few hundred kB at most.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Per-route bucket states kept before expired ones are swept, so posting to many channels
/// cannot grow the map without bound.
const BUCKET_SWEEP_AT: usize = 4096;
/// How much of an error body goes into an error message.
const ERROR_BODY_CHARS: usize = 300;

/// Why a [`DiscordRest`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    #[error("discord api base {0:?} is not an http(s) URL")]
    InvalidApiBase(String),
    /// Deliberately says nothing about the token's content.
    #[error("the bot token is empty or cannot be sent in an HTTP header")]
    InvalidToken,
    #[error("the user agent {0:?} cannot be sent in an HTTP header")]
    InvalidUserAgent(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

/// How hard [`DiscordRest`] tries before giving up, and how fast it may go.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// 429s waited out per message before [`SinkError::RateLimited`].
    pub rate_limit_retries: u32,
    /// A rate limit longer than this is not slept through (the scheduler would stall on one
    /// channel); the post fails with [`SinkError::RateLimited`] and is retried later.
    pub max_rate_limit_wait: Duration,
    /// Retries after a 5xx, connection error or timeout before [`SinkError::Transient`].
    pub transient_retries: u32,
    /// Wait before the first transient retry; doubled for each further one.
    pub transient_backoff: Duration,
    /// Requests per second across all routes (Discord's global limit is 50).
    pub global_per_second: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            rate_limit_retries: 5,
            max_rate_limit_wait: Duration::from_secs(60),
            transient_retries: 2,
            transient_backoff: Duration::from_millis(500),
            global_per_second: 50,
        }
    }
}

/// A posting client for Discord's REST API. Cheap to share behind an `Arc`; all state is
/// internally synchronised. Also the Discord [`ChatSink`].
pub struct DiscordRest {
    client: reqwest::Client,
    /// Without a trailing slash, e.g. `https://discord.com/api/v10`.
    api_base: String,
    /// `Bot <token>`, marked sensitive so no header dump shows it.
    authorization: HeaderValue,
    policy: RetryPolicy,
    limits: Mutex<Limits>,
    rate_limited: AtomicU64,
}

impl fmt::Debug for DiscordRest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscordRest")
            .field("api_base", &self.api_base)
            .field("authorization", &"[redacted]")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl DiscordRest {
    /// A client for `api_base` (e.g. `https://discord.com/api/v10`) that authenticates as the
    /// bot owning `token` and sends `user_agent` (normally [`USER_AGENT`]).
    pub fn new(api_base: &str, token: Secret, user_agent: &str) -> Result<Self, RestError> {
        let url = Url::parse(api_base).map_err(|_| RestError::InvalidApiBase(api_base.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(RestError::InvalidApiBase(api_base.to_string()));
        }
        // A pasted "Bot xyz" would otherwise become "Bot Bot xyz".
        let raw = token.expose().trim();
        let raw = raw.strip_prefix("Bot ").unwrap_or(raw).trim();
        if raw.is_empty() {
            return Err(RestError::InvalidToken);
        }
        let mut authorization = HeaderValue::from_str(&format!("Bot {raw}")).map_err(|_| RestError::InvalidToken)?;
        authorization.set_sensitive(true);
        let agent =
            HeaderValue::from_str(user_agent).map_err(|_| RestError::InvalidUserAgent(user_agent.to_string()))?;

        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(agent)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT);
        // Only a loopback fake skips proxies: a test must never be routed through an
        // HTTP(S)_PROXY from the environment, while production keeps honouring it.
        if is_loopback(&url) {
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(RestError::Client)?;

        let policy = RetryPolicy::default();
        Ok(DiscordRest {
            client,
            api_base: api_base.trim_end_matches('/').to_string(),
            authorization,
            limits: Mutex::new(Limits::new(&policy)),
            policy,
            rate_limited: AtomicU64::new(0),
        })
    }

    /// Replaces the retry and pacing policy (tests shorten the backoff).
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.limits = Mutex::new(Limits::new(&policy));
        self.policy = policy;
        self
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// 429 responses seen since this client was built, whether or not a retry then worked.
    pub fn rate_limited_count(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// Posts `message` to the channel and returns the new message's id.
    ///
    /// `nonce` is shortened to Discord's 25 characters with [`discord_nonce`] and sent with
    /// `enforce_nonce`, so a retry of a message that did arrive returns the existing one.
    /// With an `attachment` (file name, bytes) the request is `multipart/form-data` and an
    /// embed may show the file as `attachment://<name>`.
    pub async fn create_message(
        &self,
        channel_id: &str,
        message: &DiscordMessage,
        nonce: Option<&str>,
        attachment: Option<(&str, &[u8])>,
    ) -> Result<String, SinkError> {
        // Checked before it goes into a URL path: anything but a snowflake could traverse or
        // inject into the path.
        if !is_snowflake(channel_id) {
            return Err(SinkError::Rejected(format!("invalid channel id {channel_id:?}")));
        }
        let url = format!("{}/channels/{channel_id}/messages", self.api_base);
        let filename = attachment.map(|(name, _)| sanitize_filename(name));
        let payload = message_payload(message, nonce.map(discord_nonce).as_deref(), filename.as_deref())?;
        let payload =
            serde_json::to_vec(&payload).map_err(|e| SinkError::Rejected(format!("cannot encode message: {e}")))?;
        let (content_type, body) = match (attachment, &filename) {
            (Some((_, bytes)), Some(name)) => multipart_body(&payload, name, bytes),
            _ => ("application/json".to_string(), payload),
        };
        let response = self.send(channel_id, &url, &content_type, Bytes::from(body)).await?;
        match response.get("id") {
            Some(Value::String(id)) => Ok(id.clone()),
            Some(Value::Number(id)) => Ok(id.to_string()),
            // Discord has it (2xx) but said something we cannot read; a retry with the same
            // nonce returns the same message, so this is safe to retry.
            _ => Err(SinkError::Transient(
                "created message has no id in the response".to_string(),
            )),
        }
    }

    /// POSTs `body` to `url` under the rate limits of `route`, retrying 429s and transient
    /// failures; returns the parsed JSON of the 2xx response.
    async fn send(&self, route: &str, url: &str, content_type: &str, body: Bytes) -> Result<Value, SinkError> {
        let mut rate_limited = 0u32;
        let mut transient = 0u32;
        loop {
            self.wait_turn(route).await?;
            let sent = self
                .client
                .post(url)
                .header(header::AUTHORIZATION, self.authorization.clone())
                .header(header::CONTENT_TYPE, content_type)
                .body(body.clone())
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(e) if e.is_builder() => return Err(SinkError::Rejected(error_chain(&e))),
                Err(e) => {
                    self.transient_pause(&mut transient, error_chain(&e)).await?;
                    continue;
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            self.lock_limits().record(route, &headers, Instant::now());
            let bytes = match response.bytes().await {
                Ok(bytes) => bytes,
                Err(e) => {
                    self.transient_pause(&mut transient, error_chain(&e)).await?;
                    continue;
                }
            };
            let json: Option<Value> = serde_json::from_slice(&bytes).ok();

            if status.is_success() {
                return json.ok_or_else(|| SinkError::Transient(format!("HTTP {status}: response is not JSON")));
            }
            match status {
                StatusCode::TOO_MANY_REQUESTS => {
                    self.rate_limited.fetch_add(1, Ordering::Relaxed);
                    let limit = RateLimit::read(json.as_ref(), &headers);
                    self.lock_limits().hit(route, &limit, Instant::now());
                    tracing::warn!(
                        channel = route,
                        retry_after_ms = limit.retry_after.as_millis() as u64,
                        global = limit.global,
                        attempt = rate_limited + 1,
                        "discord rate limited a message"
                    );
                    if rate_limited >= self.policy.rate_limit_retries
                        || limit.retry_after > self.policy.max_rate_limit_wait
                    {
                        return Err(SinkError::RateLimited(limit.retry_after));
                    }
                    rate_limited += 1;
                    tokio::time::sleep(limit.retry_after).await;
                }
                StatusCode::FORBIDDEN => return Err(SinkError::Forbidden(describe(status, json.as_ref(), &bytes))),
                StatusCode::NOT_FOUND => return Err(SinkError::NotFound(describe(status, json.as_ref(), &bytes))),
                s if s.is_client_error() => return Err(SinkError::Rejected(describe(status, json.as_ref(), &bytes))),
                _ => {
                    let why = describe(status, json.as_ref(), &bytes);
                    self.transient_pause(&mut transient, why).await?;
                }
            }
        }
    }

    /// Counts a transient failure; sleeps the backoff when a retry is left, else returns the
    /// error to give up with.
    async fn transient_pause(&self, attempts: &mut u32, why: String) -> Result<(), SinkError> {
        if *attempts >= self.policy.transient_retries {
            return Err(SinkError::Transient(why));
        }
        let backoff = self.policy.transient_backoff.saturating_mul(1 << (*attempts).min(16));
        *attempts += 1;
        tracing::debug!(attempt = *attempts, backoff_ms = backoff.as_millis() as u64, error = %why, "retrying discord request");
        tokio::time::sleep(backoff).await;
        Ok(())
    }

    /// Waits until `route` and the global limiter both allow a request, then takes a slot.
    async fn wait_turn(&self, route: &str) -> Result<(), SinkError> {
        loop {
            let wait = self.lock_limits().try_take(route, Instant::now());
            match wait {
                None => return Ok(()),
                Some(wait) if wait > self.policy.max_rate_limit_wait => return Err(SinkError::RateLimited(wait)),
                Some(wait) => {
                    tracing::trace!(
                        channel = route,
                        wait_ms = wait.as_millis() as u64,
                        "pacing discord request"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    fn lock_limits(&self) -> MutexGuard<'_, Limits> {
        // The state is plain numbers that are valid after any panic; keep going.
        self.limits.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl ChatSink for DiscordRest {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    /// A digest may take several messages; they go out in order, the chart attached to the
    /// first. If one fails the error is returned and the scheduler retries the whole post:
    /// the per-message nonces make the parts that did arrive dedupe on Discord.
    fn post<'a>(&'a self, channel: &'a str, post: &'a Post) -> BoxFuture<'a, Result<Vec<String>, SinkError>> {
        Box::pin(async move {
            match &post.content {
                PostContent::Digest(edition) => {
                    let messages = edition.discord_messages();
                    let mut ids = Vec::with_capacity(messages.len());
                    for (i, message) in messages.iter().enumerate() {
                        let nonce = discord_nonce(&format!("{}-{i}", post.nonce));
                        let attachment = match (i, edition.chart_png()) {
                            (0, Some(png)) => Some((CHART_FILENAME, png)),
                            _ => None,
                        };
                        ids.push(self.create_message(channel, message, Some(&nonce), attachment).await?);
                    }
                    Ok(ids)
                }
                PostContent::Alert { item, topic } => {
                    let message = alert_message(item, topic.as_ref(), post.now);
                    let id = self.create_message(channel, &message, Some(&post.nonce), None).await?;
                    Ok(vec![id])
                }
            }
        })
    }
}

/// `nonce` as Discord accepts it: unchanged when it is ASCII and at most
/// [`MAX_NONCE_LEN`] characters, otherwise the first 25 hex digits of its SHA-256, so the
/// same long nonce always maps to the same short one.
pub fn discord_nonce(nonce: &str) -> String {
    if !nonce.is_empty() && nonce.len() <= MAX_NONCE_LEN && nonce.is_ascii() {
        return nonce.to_string();
    }
    let mut hex = hex::encode(Sha256::digest(nonce.as_bytes()));
    hex.truncate(MAX_NONCE_LEN);
    hex
}

/// The JSON body of "create message": the rendered message plus the fields that are ours to
/// decide. `attachment` is the (sanitised) file name of a file sent alongside.
fn message_payload(
    message: &DiscordMessage,
    nonce: Option<&str>,
    attachment: Option<&str>,
) -> Result<Value, SinkError> {
    let value =
        serde_json::to_value(message).map_err(|e| SinkError::Rejected(format!("cannot encode message: {e}")))?;
    let Value::Object(mut body) = value else {
        return Err(SinkError::Rejected(
            "message does not encode as a JSON object".to_string(),
        ));
    };
    // Always, whatever the renderer produced: feed text must never ping @everyone or anyone.
    body.insert("allowed_mentions".to_string(), json!({ "parse": [] }));
    if let Some(nonce) = nonce {
        body.insert("nonce".to_string(), Value::String(nonce.to_string()));
        body.insert("enforce_nonce".to_string(), Value::Bool(true));
    }
    if let Some(filename) = attachment {
        body.insert("attachments".to_string(), json!([{ "id": 0, "filename": filename }]));
    }
    Ok(Value::Object(body))
}

/// A `multipart/form-data` body with the `payload_json` part and the file as `files[0]`;
/// returns the content type (with its boundary) and the body. Built by hand so the parts are
/// exactly what Discord documents, with no extra client features.
fn multipart_body(payload: &[u8], filename: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = boundary_for(payload, file);
    let mut body = Vec::with_capacity(payload.len() + file.len() + 512);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(b"Content-Disposition: form-data; name=\"payload_json\"\r\n");
    body.extend_from_slice(b"Content-Type: application/json\r\n\r\n");
    body.extend_from_slice(payload);
    body.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!("Content-Disposition: form-data; name=\"files[0]\"; filename=\"{filename}\"\r\n").as_bytes(),
    );
    body.extend_from_slice(format!("Content-Type: {}\r\n\r\n", media_type(filename)).as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A boundary that occurs in neither part: derived from their hash (deterministic, so
/// retries send identical bytes), re-derived in the astronomically unlikely case it does.
fn boundary_for(payload: &[u8], file: &[u8]) -> String {
    let mut salt = 0u32;
    loop {
        let mut hasher = Sha256::new();
        hasher.update(payload);
        hasher.update(file);
        hasher.update(salt.to_le_bytes());
        let boundary = format!("newsdesk-{}", &hex::encode(hasher.finalize())[..32]);
        let needle = boundary.as_bytes();
        let contains = |hay: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        if !contains(payload) && !contains(file) {
            return boundary;
        }
        salt += 1;
    }
}

/// Keeps a file name safe inside a quoted `Content-Disposition` and usable in an
/// `attachment://` URL: ASCII letters, digits, `.`, `_` and `-` only.
fn sanitize_filename(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.trim_matches(['.', '_']).is_empty() {
        "file.bin".to_string()
    } else {
        clean
    }
}

fn media_type(filename: &str) -> &'static str {
    let ext = filename.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}

/// Discord ids are snowflakes: a u64 in decimal.
fn is_snowflake(id: &str) -> bool {
    !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) && id.parse::<u64>().is_ok()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// "Missing Access (code 50001)" from Discord's error JSON, else the status and the start of
/// the body.
fn describe(status: StatusCode, json: Option<&Value>, raw: &[u8]) -> String {
    let message = json.and_then(|j| j.get("message")).and_then(Value::as_str);
    let code = json.and_then(|j| j.get("code")).and_then(Value::as_i64);
    let mut text = match (message, code) {
        (Some(message), Some(code)) => format!("{message} (code {code})"),
        (Some(message), None) => message.to_string(),
        _ => {
            let body: String = String::from_utf8_lossy(raw).chars().take(ERROR_BODY_CHARS).collect();
            if body.trim().is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {}", body.trim())
            }
        }
    };
    // Field errors say what was wrong with a rejected message (e.g. an embed too long).
    if let Some(errors) = json.and_then(|j| j.get("errors")) {
        let errors: String = errors.to_string().chars().take(ERROR_BODY_CHARS).collect();
        text.push_str(&format!(": {errors}"));
    }
    text
}

/// An error with its causes, which reqwest keeps in the source chain ("connection refused").
fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// What a 429 said.
#[derive(Debug, Clone, PartialEq)]
struct RateLimit {
    retry_after: Duration,
    global: bool,
}

impl RateLimit {
    /// From the JSON body (`retry_after` in float seconds, `global`), falling back to the
    /// `Retry-After` and `X-RateLimit-Global` headers (Cloudflare's 429s have no JSON), and
    /// to one second when nothing says how long.
    fn read(json: Option<&Value>, headers: &HeaderMap) -> RateLimit {
        let from_body = json
            .and_then(|j| j.get("retry_after"))
            .and_then(Value::as_f64)
            .and_then(secs);
        let from_header = header_str(headers, "retry-after")
            .and_then(|v| v.parse::<f64>().ok())
            .and_then(secs);
        let retry_after = from_body.or(from_header).unwrap_or(Duration::from_secs(1));
        let global = json
            .and_then(|j| j.get("global"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || header_str(headers, "x-ratelimit-global").is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || header_str(headers, "x-ratelimit-scope").is_some_and(|v| v.eq_ignore_ascii_case("global"));
        RateLimit { retry_after, global }
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// Seconds as a duration; `None` for negative, NaN or absurd values.
fn secs(seconds: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(seconds).ok()
}

/// One route's bucket as Discord last described it.
#[derive(Debug, Clone)]
struct Bucket {
    /// Discord's bucket hash, kept to tell a new bucket from the one we know.
    id: Option<String>,
    /// Requests left in this window, counted down locally as we send so concurrent posts to
    /// one channel do not all go out on the last slot.
    remaining: u32,
    reset_at: Instant,
}

/// All rate-limit state: per-route buckets, a global pause after a global 429, and the
/// global token bucket.
#[derive(Debug)]
struct Limits {
    buckets: HashMap<String, Bucket>,
    global_until: Option<Instant>,
    tokens: f64,
    capacity: f64,
    per_second: f64,
    refilled_at: Instant,
}

impl Limits {
    fn new(policy: &RetryPolicy) -> Limits {
        // Any one-second window may see the burst plus a second of pacing. A burst of a
        // twenty-fifth of the limit and a pace one request below the rest keeps every window
        // at least one under it (50/s: bursts of 2, then 47/s), so a fan-out to many channels
        // uses nearly all of the budget and still never trips the global limit, even when
        // answers arrive a little bunched.
        let limit = f64::from(policy.global_per_second.max(1));
        let capacity = (limit * 0.04).max(1.0);
        let per_second = (limit - capacity - 1.0).max(1.0);
        Limits {
            buckets: HashMap::new(),
            global_until: None,
            tokens: capacity,
            capacity,
            per_second,
            refilled_at: Instant::now(),
        }
    }

    /// Takes a slot for `route` if every limit allows one now (`None`), else says how long to
    /// wait before asking again. Nothing is taken unless everything allows it.
    fn try_take(&mut self, route: &str, now: Instant) -> Option<Duration> {
        if let Some(until) = self.global_until {
            if until > now {
                return Some(until - now);
            }
            self.global_until = None;
        }
        if let Some(bucket) = self.buckets.get(route) {
            if bucket.reset_at <= now {
                // A new window: unknown until the next response says otherwise.
                self.buckets.remove(route);
            } else if bucket.remaining == 0 {
                return Some(bucket.reset_at - now);
            }
        }
        let elapsed = now.saturating_duration_since(self.refilled_at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.refilled_at = now;
        if self.tokens < 1.0 {
            return Some(Duration::from_secs_f64((1.0 - self.tokens) / self.per_second));
        }
        self.tokens -= 1.0;
        if let Some(bucket) = self.buckets.get_mut(route) {
            bucket.remaining = bucket.remaining.saturating_sub(1);
        }
        None
    }

    /// Learns `route`'s bucket from a response's `X-RateLimit-*` headers.
    fn record(&mut self, route: &str, headers: &HeaderMap, now: Instant) {
        let remaining = header_str(headers, "x-ratelimit-remaining").and_then(|v| v.parse::<u32>().ok());
        let reset_after = header_str(headers, "x-ratelimit-reset-after")
            .and_then(|v| v.parse::<f64>().ok())
            .and_then(secs);
        let (Some(mut remaining), Some(reset_after)) = (remaining, reset_after) else {
            return;
        };
        let id = header_str(headers, "x-ratelimit-bucket").map(str::to_string);
        if let Some(known) = self.buckets.get(route)
            && known.reset_at > now
            && known.id == id
        {
            // Same window: responses to concurrent requests arrive out of order, and our local
            // count already includes requests the server has not answered yet.
            remaining = remaining.min(known.remaining);
        }
        if self.buckets.len() >= BUCKET_SWEEP_AT {
            self.buckets.retain(|_, b| b.reset_at > now);
        }
        self.buckets.insert(
            route.to_string(),
            Bucket {
                id,
                remaining,
                reset_at: now + reset_after,
            },
        );
    }

    /// Applies a 429: the route (or, for a global limit, everything) waits `retry_after`.
    fn hit(&mut self, route: &str, limit: &RateLimit, now: Instant) {
        let until = now + limit.retry_after;
        if limit.global {
            self.global_until = Some(self.global_until.map_or(until, |t| t.max(until)));
            return;
        }
        let bucket = self.buckets.entry(route.to_string()).or_insert(Bucket {
            id: None,
            remaining: 0,
            reset_at: until,
        });
        bucket.remaining = 0;
        bucket.reset_at = bucket.reset_at.max(until);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Arc;

    use axum::Router;
    use axum::extract::State;
    use axum::http::{HeaderMap as AxHeaders, StatusCode as AxStatus, Uri};
    use axum::response::{IntoResponse, Response};

    use super::*;
    use crate::digest::render::discord::digest_messages;

    /// One scripted answer of the fake Discord.
    #[derive(Debug, Clone)]
    struct Reply {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    }

    impl Reply {
        fn new(status: u16, body: &str) -> Reply {
            Reply {
                status,
                headers: Vec::new(),
                body: body.to_string(),
            }
        }
        fn header(mut self, name: &'static str, value: &str) -> Reply {
            self.headers.push((name, value.to_string()));
            self
        }
    }

    /// One request the fake received.
    #[derive(Debug, Clone)]
    struct Seen {
        path: String,
        content_type: String,
        authorization: String,
        user_agent: String,
        body: Vec<u8>,
        at: std::time::Instant,
    }

    impl Seen {
        fn json(&self) -> Value {
            serde_json::from_slice(&self.body).unwrap()
        }
    }

    #[derive(Default)]
    struct Fake {
        script: Mutex<VecDeque<Reply>>,
        seen: Mutex<Vec<Seen>>,
    }

    impl Fake {
        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }
    }

    async fn handle(State(fake): State<Arc<Fake>>, uri: Uri, headers: AxHeaders, body: Bytes) -> Response {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let n = {
            let mut seen = fake.seen.lock().unwrap();
            seen.push(Seen {
                path: uri.path().to_string(),
                content_type: get("content-type"),
                authorization: get("authorization"),
                user_agent: get("user-agent"),
                body: body.to_vec(),
                at: std::time::Instant::now(),
            });
            seen.len()
        };
        let reply = fake
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Reply::new(200, &format!(r#"{{"id":"{}"}}"#, 1000 + n)));
        let mut out = AxHeaders::new();
        for (name, value) in &reply.headers {
            out.insert(*name, value.parse().unwrap());
        }
        out.insert("content-type", "application/json".parse().unwrap());
        (AxStatus::from_u16(reply.status).unwrap(), out, reply.body).into_response()
    }

    /// A fake Discord on 127.0.0.1 answering `script` in order, then 200s with fresh ids.
    async fn start_fake(script: Vec<Reply>) -> (String, Arc<Fake>) {
        let fake = Arc::new(Fake {
            script: Mutex::new(script.into()),
            seen: Mutex::default(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().fallback(handle).with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (format!("http://{addr}/api/v10/"), fake)
    }

    fn client(base: &str) -> DiscordRest {
        DiscordRest::new(base, Secret::new("test-token.abc"), USER_AGENT)
            .unwrap()
            .with_policy(RetryPolicy {
                transient_backoff: Duration::from_millis(10),
                ..RetryPolicy::default()
            })
    }

    fn message(content: &str) -> DiscordMessage {
        DiscordMessage {
            content: content.to_string(),
            embeds: Vec::new(),
        }
    }

    const CHANNEL: &str = "123456789012345678";

    #[tokio::test]
    async fn posts_json_with_mentions_off_and_nonce() {
        let (base, fake) = start_fake(Vec::new()).await;
        let rest = client(&base);
        let id = rest
            .create_message(CHANNEL, &message("hello @everyone"), Some("d-42-0"), None)
            .await
            .unwrap();
        assert_eq!(id, "1001");
        let seen = fake.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].path, format!("/api/v10/channels/{CHANNEL}/messages"));
        assert_eq!(seen[0].content_type, "application/json");
        assert_eq!(seen[0].authorization, "Bot test-token.abc");
        assert_eq!(seen[0].user_agent, USER_AGENT);
        let body = seen[0].json();
        assert_eq!(body["content"], "hello @everyone");
        assert_eq!(body["allowed_mentions"]["parse"], json!([]));
        assert_eq!(body["nonce"], "d-42-0");
        assert_eq!(body["enforce_nonce"], true);
        assert!(body.get("attachments").is_none());
        assert_eq!(rest.rate_limited_count(), 0);
    }

    #[tokio::test]
    async fn without_nonce_sends_no_nonce_but_still_no_mentions() {
        let (base, fake) = start_fake(Vec::new()).await;
        let rest = client(&base);
        rest.create_message(CHANNEL, &message("x"), None, None).await.unwrap();
        let body = fake.seen()[0].json();
        assert!(body.get("nonce").is_none());
        assert!(body.get("enforce_nonce").is_none());
        assert_eq!(body["allowed_mentions"], json!({ "parse": [] }));
    }

    #[tokio::test]
    async fn waits_out_a_429_then_succeeds() {
        let (base, fake) = start_fake(vec![
            Reply::new(
                429,
                r#"{"message":"You are being rate limited.","retry_after":0.05,"global":false}"#,
            ),
            Reply::new(200, r#"{"id":"777"}"#),
        ])
        .await;
        let rest = client(&base);
        let started = std::time::Instant::now();
        let id = rest
            .create_message(CHANNEL, &message("x"), Some("n"), None)
            .await
            .unwrap();
        assert_eq!(id, "777");
        assert!(
            started.elapsed() >= Duration::from_millis(45),
            "{:?}",
            started.elapsed()
        );
        let seen = fake.seen();
        assert_eq!(seen.len(), 2, "one refused attempt, one recorded message");
        assert!(seen[1].at.duration_since(seen[0].at) >= Duration::from_millis(45));
        assert_eq!(seen[0].body, seen[1].body, "the retry is the same message");
        assert_eq!(rest.rate_limited_count(), 1);
    }

    #[tokio::test]
    async fn retry_after_header_is_used_without_a_json_body() {
        let (base, fake) = start_fake(vec![Reply::new(429, "error code: 1015").header("retry-after", "0")]).await;
        let rest = client(&base);
        rest.create_message(CHANNEL, &message("x"), None, None).await.unwrap();
        assert_eq!(fake.seen().len(), 2);
        assert_eq!(rest.rate_limited_count(), 1);
    }

    #[tokio::test]
    async fn gives_up_after_five_rate_limited_retries() {
        let limited = Reply::new(429, r#"{"message":"slow down","retry_after":0.01,"global":true}"#);
        let (base, fake) = start_fake(vec![limited; 10]).await;
        let rest = client(&base);
        let err = rest
            .create_message(CHANNEL, &message("x"), None, None)
            .await
            .unwrap_err();
        match err {
            SinkError::RateLimited(wait) => {
                assert!(wait.abs_diff(Duration::from_millis(10)) < Duration::from_millis(1))
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
        assert_eq!(fake.seen().len(), 6, "the first try and five retries");
        assert_eq!(rest.rate_limited_count(), 6);
    }

    #[tokio::test]
    async fn a_long_rate_limit_is_not_slept_through() {
        let (base, fake) = start_fake(vec![Reply::new(429, r#"{"retry_after":3600.0,"global":false}"#)]).await;
        let rest = client(&base);
        let err = rest
            .create_message(CHANNEL, &message("x"), None, None)
            .await
            .unwrap_err();
        assert_eq!(err, SinkError::RateLimited(Duration::from_secs(3600)));
        // The channel's bucket now says wait an hour: the next post fails fast, unsent.
        let err = rest
            .create_message(CHANNEL, &message("y"), None, None)
            .await
            .unwrap_err();
        assert!(matches!(err, SinkError::RateLimited(_)), "{err:?}");
        assert_eq!(fake.seen().len(), 1);
    }

    #[tokio::test]
    async fn forbidden_and_not_found_carry_discords_message() {
        let (base, _fake) = start_fake(vec![
            Reply::new(403, r#"{"message":"Missing Access","code":50001}"#),
            Reply::new(404, r#"{"message":"Unknown Channel","code":10003}"#),
            Reply::new(
                400,
                r#"{"message":"Invalid Form Body","code":50035,"errors":{"embeds":{"0":{}}}}"#,
            ),
        ])
        .await;
        let rest = client(&base);
        let err = rest
            .create_message(CHANNEL, &message("x"), None, None)
            .await
            .unwrap_err();
        assert_eq!(err, SinkError::Forbidden("Missing Access (code 50001)".to_string()));
        assert!(err.pauses());
        let err = rest
            .create_message(CHANNEL, &message("x"), None, None)
            .await
            .unwrap_err();
        assert_eq!(err, SinkError::NotFound("Unknown Channel (code 10003)".to_string()));
        let err = rest
            .create_message(CHANNEL, &message("x"), None, None)
            .await
            .unwrap_err();
        match err {
            SinkError::Rejected(why) => assert!(why.starts_with("Invalid Form Body (code 50035): {"), "{why}"),
            other => panic!("expected Rejected, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn server_errors_are_retried_twice_then_transient() {
        let (base, fake) = start_fake(vec![Reply::new(502, "bad gateway"); 3]).await;
        let rest = client(&base);
        let err = rest
            .create_message(CHANNEL, &message("x"), None, None)
            .await
            .unwrap_err();
        assert_eq!(fake.seen().len(), 3);
        match err {
            SinkError::Transient(why) => assert!(why.contains("502"), "{why}"),
            other => panic!("expected Transient, got {other:?}"),
        }

        let (base, fake) = start_fake(vec![Reply::new(500, "{}")]).await;
        let rest = client(&base);
        assert_eq!(
            rest.create_message(CHANNEL, &message("x"), None, None).await.unwrap(),
            "1002"
        );
        assert_eq!(fake.seen().len(), 2);
    }

    #[tokio::test]
    async fn connection_refused_is_transient() {
        // Bind then drop: the port is very likely closed for the next few milliseconds.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let rest = client(&format!("http://{addr}/api/v10"));
        let err = rest
            .create_message(CHANNEL, &message("x"), None, None)
            .await
            .unwrap_err();
        assert!(matches!(err, SinkError::Transient(_)), "{err:?}");
    }

    #[tokio::test]
    async fn a_spent_bucket_delays_the_next_request_until_reset() {
        let (base, fake) = start_fake(vec![
            Reply::new(200, r#"{"id":"1"}"#)
                .header("x-ratelimit-bucket", "abcd")
                .header("x-ratelimit-limit", "5")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset-after", "1.0"),
        ])
        .await;
        let rest = client(&base);
        rest.create_message(CHANNEL, &message("a"), None, None).await.unwrap();
        // Another channel has its own bucket and is not held up.
        let other = std::time::Instant::now();
        rest.create_message("42", &message("b"), None, None).await.unwrap();
        assert!(other.elapsed() < Duration::from_millis(800), "{:?}", other.elapsed());
        rest.create_message(CHANNEL, &message("c"), None, None).await.unwrap();
        let seen = fake.seen();
        assert_eq!(seen.len(), 3);
        let gap = seen[2].at.duration_since(seen[0].at);
        assert!(gap >= Duration::from_millis(950), "waited only {gap:?}");
        assert_eq!(rest.rate_limited_count(), 0, "the wait avoided a 429");
    }

    #[tokio::test]
    async fn attachment_goes_as_multipart_with_payload_json() {
        let (base, fake) = start_fake(Vec::new()).await;
        let rest = client(&base);
        let png: &[u8] = b"\x89PNG\r\n\x1a\n--not-a-boundary\r\n\0\xff";
        rest.create_message(CHANNEL, &message("chart"), Some("n1"), Some((CHART_FILENAME, png)))
            .await
            .unwrap();
        let seen = &fake.seen()[0];
        let boundary = seen
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let parts = split_multipart(&seen.body, boundary);
        assert_eq!(parts.len(), 2);
        let (headers, payload) = &parts[0];
        assert!(headers.contains("name=\"payload_json\""), "{headers}");
        let payload: Value = serde_json::from_slice(payload).unwrap();
        assert_eq!(payload["content"], "chart");
        assert_eq!(payload["nonce"], "n1");
        assert_eq!(payload["allowed_mentions"]["parse"], json!([]));
        assert_eq!(payload["attachments"], json!([{ "id": 0, "filename": "chart.png" }]));
        let (headers, file) = &parts[1];
        assert!(
            headers.contains("name=\"files[0]\"; filename=\"chart.png\""),
            "{headers}"
        );
        assert!(headers.contains("Content-Type: image/png"), "{headers}");
        assert_eq!(file.as_slice(), png);
    }

    /// Splits a multipart body into (part headers, part content).
    fn split_multipart(body: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
        let delimiter = format!("\r\n--{boundary}");
        let mut framed = b"\r\n".to_vec();
        framed.extend_from_slice(body);
        let mut parts = Vec::new();
        let mut rest = framed.as_slice();
        loop {
            let at = find(rest, delimiter.as_bytes()).unwrap();
            rest = &rest[at + delimiter.len()..];
            if rest.starts_with(b"--") {
                return parts;
            }
            rest = &rest[2..]; // CRLF after the boundary
            let end = find(rest, delimiter.as_bytes()).unwrap();
            let part = &rest[..end];
            let split = find(part, b"\r\n\r\n").unwrap();
            parts.push((
                String::from_utf8_lossy(&part[..split]).to_string(),
                part[split + 4..].to_vec(),
            ));
            rest = &rest[end..];
        }
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    #[tokio::test]
    async fn invalid_channel_id_is_rejected_before_any_request() {
        let (base, fake) = start_fake(Vec::new()).await;
        let rest = client(&base);
        for bad in ["", "12/../../users/@me", "abc", "1 2", "99999999999999999999999"] {
            let err = rest.create_message(bad, &message("x"), None, None).await.unwrap_err();
            assert!(matches!(err, SinkError::Rejected(_)), "{bad:?}: {err:?}");
        }
        assert!(fake.seen().is_empty());
    }

    /// The fixture digest with its items repeated, so it needs several messages.
    fn long_digest() -> crate::digest::Digest {
        let mut digest = crate::digest::render::fixture::digest();
        let items = digest.items.clone();
        for round in 1..4u32 {
            for item in &items {
                let mut item = item.clone();
                item.rank += round * 100;
                digest.items.push(item);
            }
        }
        digest
    }

    fn digest_post(digest: crate::digest::Digest, chart: Option<Vec<u8>>) -> Post {
        Post {
            content: PostContent::Digest(Arc::new(crate::digest::edition::Edition::with_chart(
                digest,
                crate::digest::render::fixture::now(),
                chart,
            ))),
            nonce: "digest-sub-17-2026-04-16T14:00Z".to_string(),
            now: crate::digest::render::fixture::now(),
        }
    }

    #[tokio::test]
    async fn sink_posts_a_digest_in_order_with_the_chart_on_the_first_message() {
        let post = digest_post(long_digest(), Some(b"\x89PNG fake".to_vec()));
        let PostContent::Digest(edition) = &post.content else {
            unreachable!()
        };
        let expected = digest_messages(edition.digest(), post.now);
        assert!(expected.len() >= 3, "the fixture should need several messages");

        let (base, fake) = start_fake(Vec::new()).await;
        let rest = client(&base);
        assert_eq!(rest.platform(), Platform::Discord);
        let ids = rest.post(CHANNEL, &post).await.unwrap();
        let seen = fake.seen();
        assert_eq!(ids.len(), expected.len());
        assert_eq!(seen.len(), expected.len());
        assert_eq!(ids[0], "1001");
        for (i, (request, message)) in seen.iter().zip(&expected).enumerate() {
            let body = if i == 0 {
                assert!(
                    request.content_type.starts_with("multipart/form-data"),
                    "{}",
                    request.content_type
                );
                let boundary = request.content_type.split("boundary=").nth(1).unwrap();
                let parts = split_multipart(&request.body, boundary);
                assert_eq!(parts[1].1, b"\x89PNG fake");
                serde_json::from_slice::<Value>(&parts[0].1).unwrap()
            } else {
                assert_eq!(request.content_type, "application/json");
                request.json()
            };
            assert_eq!(
                body["nonce"],
                Value::String(discord_nonce(&format!("{}-{i}", post.nonce)))
            );
            assert!(body["nonce"].as_str().unwrap().len() <= MAX_NONCE_LEN);
            assert_eq!(body["enforce_nonce"], true);
            assert_eq!(body["allowed_mentions"], json!({ "parse": [] }));
            assert_eq!(
                body["embeds"],
                serde_json::to_value(&message.embeds).unwrap(),
                "message {i} in order"
            );
        }
        // The nonces of a retry are the same, so Discord can dedupe what already arrived.
        let (base, again) = start_fake(Vec::new()).await;
        client(&base).post(CHANNEL, &post).await.unwrap();
        let nonces = |s: &[Seen]| -> Vec<String> {
            s.iter()
                .skip(1)
                .map(|r| r.json()["nonce"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(nonces(&again.seen()), nonces(&seen));
    }

    #[tokio::test]
    async fn sink_stops_at_the_first_failed_message() {
        let post = digest_post(long_digest(), None);
        let (base, fake) = start_fake(vec![
            Reply::new(200, r#"{"id":"1"}"#),
            Reply::new(403, r#"{"message":"Missing Permissions","code":50013}"#),
        ])
        .await;
        let rest = client(&base);
        let err = rest.post(CHANNEL, &post).await.unwrap_err();
        assert_eq!(
            err,
            SinkError::Forbidden("Missing Permissions (code 50013)".to_string())
        );
        assert_eq!(fake.seen().len(), 2, "nothing after the failure");
        assert_eq!(
            fake.seen()[0].content_type,
            "application/json",
            "no chart, no multipart"
        );
    }

    #[tokio::test]
    async fn sink_posts_an_alert_as_one_message() {
        let digest = crate::digest::render::fixture::digest();
        let post = Post {
            content: PostContent::Alert {
                item: Box::new(digest.items[0].clone()),
                topic: digest.topic.clone(),
            },
            nonce: "alert-9-abc".to_string(),
            now: crate::digest::render::fixture::now(),
        };
        let (base, fake) = start_fake(Vec::new()).await;
        let ids = client(&base).post(CHANNEL, &post).await.unwrap();
        assert_eq!(ids, vec!["1001".to_string()]);
        let body = fake.seen()[0].json();
        let expected = alert_message(&digest.items[0], digest.topic.as_ref(), post.now);
        assert_eq!(body["embeds"], serde_json::to_value(&expected.embeds).unwrap());
        assert_eq!(body["nonce"], "alert-9-abc");
        assert_eq!(body["allowed_mentions"], json!({ "parse": [] }));
    }

    #[test]
    fn long_nonces_are_shortened_stably() {
        let long = "digest-subscription-123456-2026-04-16T14:00:00Z-3";
        let short = discord_nonce(long);
        assert!(short.len() <= MAX_NONCE_LEN);
        assert_eq!(short, discord_nonce(long), "same input, same nonce");
        assert_ne!(
            short,
            discord_nonce("digest-subscription-123456-2026-04-16T14:00:00Z-4")
        );
        assert_eq!(discord_nonce("d-42-0"), "d-42-0", "short nonces pass through");
        let exactly = "a".repeat(MAX_NONCE_LEN);
        assert_eq!(discord_nonce(&exactly), exactly);
        assert!(discord_nonce("ñ").is_ascii());
    }

    #[tokio::test]
    async fn long_nonce_is_sent_shortened() {
        let (base, fake) = start_fake(Vec::new()).await;
        let rest = client(&base);
        let long = "x".repeat(60);
        rest.create_message(CHANNEL, &message("x"), Some(&long), None)
            .await
            .unwrap();
        assert_eq!(fake.seen()[0].json()["nonce"], Value::String(discord_nonce(&long)));
    }

    #[test]
    fn global_limiter_paces_beyond_the_burst() {
        let mut limits = Limits::new(&RetryPolicy::default());
        let start = Instant::now();
        for i in 0..2 {
            assert_eq!(limits.try_take(&i.to_string(), start), None, "burst of 2");
        }
        let wait = limits.try_take("3", start).unwrap();
        // One request at 47/s: about 21 ms.
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(22), "{wait:?}");
        assert_eq!(limits.try_take("3", start + Duration::from_millis(22)), None);
        // Over any second: the burst plus 47 paced requests, one under Discord's 50.
        let mut taken = 3;
        let mut at = start + Duration::from_millis(22);
        while at < start + Duration::from_secs(1) {
            at += Duration::from_millis(1);
            if limits.try_take(&taken.to_string(), at).is_none() {
                taken += 1;
            }
        }
        assert!(taken <= 49, "{taken} requests in the first second");
        assert!(taken >= 45, "the budget is used: {taken} requests in the first second");
    }

    #[test]
    fn a_global_429_pauses_every_route() {
        let mut limits = Limits::new(&RetryPolicy::default());
        let now = Instant::now();
        let limit = RateLimit {
            retry_after: Duration::from_millis(300),
            global: true,
        };
        limits.hit("1", &limit, now);
        assert_eq!(limits.try_take("2", now), Some(Duration::from_millis(300)));
        assert_eq!(limits.try_take("2", now + Duration::from_millis(300)), None);
    }

    #[test]
    fn local_countdown_holds_concurrent_requests() {
        let mut limits = Limits::new(&RetryPolicy::default());
        let now = Instant::now();
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("1"));
        headers.insert("x-ratelimit-reset-after", HeaderValue::from_static("1.5"));
        limits.record("9", &headers, now);
        assert_eq!(limits.try_take("9", now), None, "the last slot");
        assert_eq!(limits.try_take("9", now), Some(Duration::from_millis(1500)));
        // A late response still saying "1 left" does not hand the slot out twice.
        limits.record("9", &headers, now);
        assert!(limits.try_take("9", now).is_some());
    }

    #[test]
    fn construction_validates_inputs_and_hides_the_token() {
        let err = DiscordRest::new("ftp://x", Secret::new("t"), USER_AGENT).unwrap_err();
        assert!(matches!(err, RestError::InvalidApiBase(_)));
        let err = DiscordRest::new("https://discord.com/api/v10", Secret::new("  "), USER_AGENT).unwrap_err();
        assert!(matches!(err, RestError::InvalidToken));
        let err = DiscordRest::new("https://discord.com/api/v10", Secret::new("a\nb"), USER_AGENT).unwrap_err();
        assert!(!err.to_string().contains("a\nb"));
        let rest = DiscordRest::new("https://discord.com/api/v10/", Secret::new("Bot sekrit"), USER_AGENT).unwrap();
        assert_eq!(rest.api_base, "https://discord.com/api/v10");
        assert_eq!(rest.authorization.to_str().unwrap(), "Bot sekrit");
        assert!(!format!("{rest:?}").contains("sekrit"));
    }

    #[test]
    fn filenames_are_sanitised() {
        assert_eq!(sanitize_filename("chart.png"), "chart.png");
        assert_eq!(sanitize_filename("a\"b\r\n.png"), "a_b__.png");
        assert_eq!(sanitize_filename(""), "file.bin");
        assert_eq!(media_type("x.PNG"), "image/png");
    }
}
