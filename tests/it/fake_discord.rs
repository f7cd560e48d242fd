//! A loopback fake of Discord's REST API and gateway that the real serenity 0.12 / poise 0.7 client
//! talks to, for end-to-end tests and benchmarks. Nothing leaves 127.0.0.1.
//!
//! * REST on `http://127.0.0.1:P/api/v10/...`: point serenity at it with
//!   `HttpBuilder::new(token).proxy(fake.proxy_url()).ratelimiter_disabled(true)` (serenity ignores the
//!   proxy while its own rate limiter is on) and our own poster at [`FakeDiscord::api_base`].
//! * Gateway on `ws://127.0.0.1:G` (`GET /gateway` hands it out): HELLO, IDENTIFY → READY + GUILD_CREATE,
//!   heartbeat ACKs, RESUME, and dispatches on demand ([`FakeDiscord::send_interaction`]).
//! * Behaves like Discord where our code could get it wrong: message and embed limits (400
//!   `Invalid Form Body`), command-registration rules, the 3 s interaction acknowledgement deadline,
//!   double acknowledgements, `enforce_nonce` de-duplication, 429s with Discord's headers and body,
//!   scripted 403/404/5xx per channel, a 10 MiB upload limit, and `Authorization`/`User-Agent` checks.
//!   Every rejection our code caused is recorded; [`FakeDiscord::assert_clean`] fails a test on any.
//!
//! Self-contained (no `crate::` imports) so a bench can `#[path]`-include it.

// A shared test double: each consumer uses a different subset of it.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use chrono::{DateTime, SecondsFormat, Utc};
use futures::{SinkExt, StreamExt};
use serde_json::{Map, Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc};
use tokio::task::{AbortHandle, JoinHandle};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request as WsRequest, Response as WsResponse};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// Path prefix of every REST route serenity 0.12 uses.
pub const API_PREFIX: &str = "/api/v10";

/// Discord's epoch for snowflakes (2015-01-01T00:00:00Z) in Unix milliseconds.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// Permission bits (Discord's numbering).
pub mod perms {
    pub const CREATE_INSTANT_INVITE: u64 = 1 << 0;
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_CHANNELS: u64 = 1 << 4;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const ADD_REACTIONS: u64 = 1 << 6;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
    pub const CONNECT: u64 = 1 << 20;
    pub const SPEAK: u64 = 1 << 21;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
    /// What Discord sends for a member with ADMINISTRATOR: every bit it currently defines.
    pub const ALL: u64 = (1 << 51) - 1;
    /// A plain member of a default guild, in a plain text channel.
    pub const MEMBER: u64 = CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CONNECT
        | SPEAK
        | USE_APPLICATION_COMMANDS
        | SEND_MESSAGES_IN_THREADS;
    /// The bot's `app_permissions` in the guild's channels (what an invite with these scopes grants).
    pub const BOT: u64 = VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | ADD_REACTIONS
        | USE_EXTERNAL_EMOJIS
        | USE_APPLICATION_COMMANDS
        | SEND_MESSAGES_IN_THREADS;
}

/// Gateway intents that Discord refuses (close 4014) unless enabled in the developer portal.
pub const PRIVILEGED_INTENTS: u64 = (1 << 1) | (1 << 8) | (1 << 15);

/// One file part of a multipart request (`files[n]` or `file`).
#[derive(Clone, Debug)]
pub struct UploadedFile {
    /// The form field, e.g. `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// A message the fake accepted on `POST /channels/{id}/messages`.
#[derive(Clone, Debug)]
pub struct PostedMessage {
    pub id: u64,
    pub channel_id: u64,
    /// The JSON body (the `payload_json` part for multipart requests).
    pub payload: Value,
    /// The message object the fake answered with.
    pub response: Value,
    pub content: String,
    pub embeds: Vec<Value>,
    pub allowed_mentions: Option<Value>,
    pub nonce: Option<Value>,
    pub enforce_nonce: bool,
    pub files: Vec<UploadedFile>,
    pub multipart: bool,
    pub authorization: Option<String>,
    pub user_agent: Option<String>,
    pub content_type: Option<String>,
    pub audit_log_reason: Option<String>,
    pub at: Instant,
}

impl PostedMessage {
    /// Filenames of the uploaded files, in order.
    pub fn attachment_names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.filename.clone()).collect()
    }

    /// Content plus every embed's visible text, for `contains` assertions.
    pub fn text(&self) -> String {
        message_text(&self.response)
    }
}

/// Everything recorded for one interaction: its initial response, edits and follow-ups.
#[derive(Clone, Debug)]
pub struct Callback {
    pub interaction_id: u64,
    /// Type of the initial response: 4 message, 5 deferred, 6/7 component updates, 8 autocomplete, 9 modal.
    pub kind: u64,
    /// Raw `POST /interactions/{id}/{token}/callback` bodies (normally exactly one).
    pub responses: Vec<Value>,
    /// Raw `PATCH /webhooks/{app}/{token}/messages/@original` bodies.
    pub edits: Vec<Value>,
    /// Raw `POST /webhooks/{app}/{token}` bodies.
    pub followups: Vec<Value>,
    /// The original response as a user would see it now (initial data, then edits applied; after a
    /// defer, the first follow-up fills it, as on Discord). `Null` for autocomplete/modal responses.
    pub original: Value,
    /// Message objects of follow-ups that were real new messages.
    pub followup_messages: Vec<Value>,
    /// Files uploaded with any of the above.
    pub files: Vec<UploadedFile>,
}

impl Callback {
    /// `data` of the initial response.
    pub fn data(&self) -> &Value {
        self.responses.first().map_or(&Value::Null, |r| &r["data"])
    }

    /// Message flags of the original response (64 = ephemeral).
    pub fn flags(&self) -> u64 {
        self.original["flags"]
            .as_u64()
            .or_else(|| self.data()["flags"].as_u64())
            .unwrap_or(0)
    }

    pub fn is_ephemeral(&self) -> bool {
        self.flags() & 64 != 0
    }

    pub fn is_deferred(&self) -> bool {
        self.kind == 5
    }

    /// Content of the original response as shown now.
    pub fn content(&self) -> String {
        self.original["content"].as_str().unwrap_or_default().to_string()
    }

    /// Embeds of the original response as shown now.
    pub fn embeds(&self) -> Vec<Value> {
        self.original["embeds"].as_array().cloned().unwrap_or_default()
    }

    /// Autocomplete choices (type 8 responses).
    pub fn choices(&self) -> Vec<Value> {
        self.data()["choices"].as_array().cloned().unwrap_or_default()
    }

    /// Visible text of the original response and every follow-up, joined by newlines.
    pub fn text(&self) -> String {
        let mut parts = vec![message_text(&self.original)];
        parts.extend(self.followup_messages.iter().map(message_text));
        parts.retain(|p| !p.is_empty());
        parts.join("\n")
    }
}

/// A request the fake rejected because our code broke one of Discord's rules.
#[derive(Clone, Debug)]
pub struct Violation {
    pub method: String,
    pub path: String,
    /// Human-readable, e.g. `embeds.0.description: Must be 4096 or fewer in length.`
    pub detail: String,
    /// The error body returned.
    pub response: Value,
}

/// One HTTP request the fake saw.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    pub authorization: Option<String>,
    pub user_agent: Option<String>,
    pub content_type: Option<String>,
    pub body_len: usize,
    pub at: Instant,
}

/// One 429 the fake answered.
#[derive(Clone, Debug)]
pub struct RateLimitHit {
    pub path: String,
    pub channel_id: Option<u64>,
    pub global: bool,
    pub retry_after: f64,
    pub at: Instant,
}

/// A `PUT`/`POST`/`DELETE` on the application-command routes.
#[derive(Clone, Debug)]
pub struct CommandWrite {
    pub method: String,
    /// `None` for global commands.
    pub guild_id: Option<u64>,
    pub body: Value,
    pub accepted: bool,
}

/// A file the fake serves as a Discord CDN attachment.
#[derive(Clone, Debug)]
pub struct FakeAttachment {
    pub id: u64,
    pub filename: String,
    pub size: usize,
    pub content_type: String,
    /// Signed CDN-style URL on the fake (`/attachments/{channel}/{id}/{name}?ex=..&is=..&hm=..`).
    pub url: String,
    /// The attachment object as it appears in `data.resolved.attachments`.
    pub json: Value,
}

/// Who invokes an interaction, and where.
#[derive(Clone, Debug)]
pub struct Invoker {
    pub user_id: u64,
    pub username: String,
    /// Computed permissions sent as `member.permissions`.
    pub permissions: u64,
    pub roles: Vec<u64>,
    pub channel_id: u64,
}

impl Invoker {
    /// The guild owner with ADMINISTRATOR (Discord then sends every permission bit).
    pub fn admin() -> Invoker {
        Invoker {
            user_id: FakeDiscord::ADMIN_USER_ID,
            username: "newsdesk-admin".into(),
            permissions: perms::ALL,
            roles: vec![FakeDiscord::ADMIN_ROLE_ID],
            channel_id: FakeDiscord::CHANNEL_ID,
        }
    }

    /// A member with MANAGE_GUILD but not ADMINISTRATOR.
    pub fn manager() -> Invoker {
        Invoker {
            user_id: FakeDiscord::MANAGER_USER_ID,
            username: "news-editor".into(),
            permissions: perms::MEMBER | perms::MANAGE_GUILD | perms::MANAGE_MESSAGES,
            roles: vec![FakeDiscord::MANAGER_ROLE_ID],
            channel_id: FakeDiscord::CHANNEL_ID,
        }
    }

    /// A plain member.
    pub fn member() -> Invoker {
        Invoker {
            user_id: FakeDiscord::MEMBER_USER_ID,
            username: "reader".into(),
            permissions: perms::MEMBER,
            roles: Vec::new(),
            channel_id: FakeDiscord::CHANNEL_ID,
        }
    }

    pub fn in_channel(mut self, channel_id: u64) -> Invoker {
        self.channel_id = channel_id;
        self
    }
}

/// The fake. Cheap to clone; the servers stop when the last clone is dropped.
#[derive(Clone)]
pub struct FakeDiscord {
    shared: Arc<Shared>,
    _guard: Arc<TaskGuard>,
}

struct TaskGuard {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        for handle in self.shared.lock().connection_tasks.drain(..) {
            handle.abort();
        }
    }
}

struct Shared {
    state: Mutex<Inner>,
    notify: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl FakeDiscord {
    pub const APP_ID: u64 = 1_187_400_000_000_000_001;
    /// Same as the application id, as for every bot created since 2017.
    pub const BOT_ID: u64 = Self::APP_ID;
    pub const BOT_NAME: &'static str = "Newsdesk";
    pub const GUILD_ID: u64 = 1_187_400_000_000_000_100;
    /// Where interactions come from by default ("#ai-news").
    pub const CHANNEL_ID: u64 = 1_187_400_000_000_000_200;
    /// A second text channel ("#digest").
    pub const DIGEST_CHANNEL_ID: u64 = 1_187_400_000_000_000_201;
    /// A third text channel ("#general").
    pub const OTHER_CHANNEL_ID: u64 = 1_187_400_000_000_000_202;
    /// The guild owner, with ADMINISTRATOR.
    pub const ADMIN_USER_ID: u64 = 1_187_400_000_000_000_300;
    pub const MANAGER_USER_ID: u64 = 1_187_400_000_000_000_301;
    pub const MEMBER_USER_ID: u64 = 1_187_400_000_000_000_302;
    pub const ADMIN_ROLE_ID: u64 = 1_187_400_000_000_000_400;
    pub const MANAGER_ROLE_ID: u64 = 1_187_400_000_000_000_401;
    /// Discord's upload limit for a guild without boosts (`attachment_size_limit`).
    pub const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;
    /// Realistic HELLO interval.
    pub const HEARTBEAT_INTERVAL_MS: u64 = 41_250;

    /// HTTP and gateway on fresh 127.0.0.1 ports.
    pub async fn start() -> FakeDiscord {
        Self::start_with_heartbeat(Duration::from_millis(Self::HEARTBEAT_INTERVAL_MS)).await
    }

    /// Like [`Self::start`], with a given HELLO `heartbeat_interval` (short ones exercise heartbeats).
    pub async fn start_with_heartbeat(interval: Duration) -> FakeDiscord {
        let http = TcpListener::bind("127.0.0.1:0").await.expect("bind fake Discord HTTP");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake Discord gateway");
        let http_addr = http.local_addr().expect("HTTP address");
        let gateway_addr = gateway.local_addr().expect("gateway address");
        let inner = Inner::new(
            http_addr,
            gateway_addr,
            u64::try_from(interval.as_millis()).unwrap_or(u64::MAX),
        );
        let shared = Arc::new(Shared {
            state: Mutex::new(inner),
            notify: Notify::new(),
        });
        let router = Router::new()
            .fallback(handle_http)
            .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(Arc::clone(&shared));
        let http_task = tokio::spawn(async move {
            let _ = axum::serve(http, router).await;
        });
        let gw_shared = Arc::clone(&shared);
        let gateway_task = tokio::spawn(async move {
            while let Ok((stream, _)) = gateway.accept().await {
                let conn = tokio::spawn(serve_gateway_connection(Arc::clone(&gw_shared), stream));
                let mut inner = gw_shared.lock();
                inner.connection_tasks.retain(|h| !h.is_finished());
                inner.connection_tasks.push(conn.abort_handle());
            }
        });
        let guard = TaskGuard {
            shared: Arc::clone(&shared),
            tasks: vec![http_task, gateway_task],
        };
        FakeDiscord {
            shared,
            _guard: Arc::new(guard),
        }
    }

    /// `http://127.0.0.1:P`, for `HttpBuilder::proxy`.
    pub fn proxy_url(&self) -> String {
        format!("http://{}", self.shared.lock().http_addr)
    }

    /// `http://127.0.0.1:P/api/v10`, for a REST client of our own.
    pub fn api_base(&self) -> String {
        format!("{}{API_PREFIX}", self.proxy_url())
    }

    /// `ws://127.0.0.1:G`, what `GET /gateway` answers.
    pub fn gateway_url(&self) -> String {
        format!("ws://{}", self.shared.lock().gateway_addr)
    }

    // ----- waiting -------------------------------------------------------------------------------

    async fn wait_for<T>(&self, timeout: Duration, mut check: impl FnMut(&Inner) -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.notify.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            let found = check(&self.shared.lock());
            if found.is_some() {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return check(&self.shared.lock());
            }
        }
    }

    fn changed(&self) {
        self.shared.notify.notify_waiters();
    }

    // ----- gateway -------------------------------------------------------------------------------

    /// True once a client identified and got READY, and is still connected.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        self.wait_for(timeout, |i| i.session.as_ref().filter(|s| s.tx.is_some()).map(|_| ()))
            .await
            .is_some()
    }

    /// `d` of the last IDENTIFY (`token`, `intents`, `shard`, `properties`, `presence`, ...).
    pub fn identify(&self) -> Option<Value> {
        self.shared.lock().identify.clone()
    }

    /// How many IDENTIFYs the gateway got (more than one means the client re-identified).
    pub fn identify_count(&self) -> usize {
        self.shared.lock().identify_count
    }

    pub fn resume_count(&self) -> usize {
        self.shared.lock().resume_count
    }

    pub fn heartbeat_count(&self) -> usize {
        self.shared.lock().heartbeat_count
    }

    pub fn gateway_connections(&self) -> usize {
        self.shared.lock().gateway_connections
    }

    /// Query strings of gateway connections (serenity sends `v=10`).
    pub fn gateway_queries(&self) -> Vec<String> {
        self.shared.lock().gateway_queries.clone()
    }

    /// Close codes the fake sent (4014 disallowed intents, 4004 bad token, ...).
    pub fn gateway_closes_sent(&self) -> Vec<u16> {
        self.shared.lock().closes_sent.clone()
    }

    /// Presence updates (op 3) the client sent.
    pub fn presence_updates(&self) -> Vec<Value> {
        self.shared.lock().presence_updates.clone()
    }

    /// Let IDENTIFY ask for these privileged intents (bits of [`PRIVILEGED_INTENTS`]).
    pub fn allow_privileged_intents(&self, intents: u64) {
        self.shared.lock().allowed_privileged = intents;
    }

    /// Sends a dispatch (`op` 0) with the next sequence number; waits up to 10 s for READY.
    pub async fn send_dispatch(&self, event: &str, d: Value) {
        assert!(
            self.wait_ready(Duration::from_secs(10)).await,
            "fake Discord: no gateway session for {event}"
        );
        let sent = self.shared.lock().dispatch(event, d);
        assert!(sent, "fake Discord: gateway session vanished before {event}");
    }

    /// Dispatches INTERACTION_CREATE and starts the 3 s acknowledgement clock for it.
    pub async fn send_interaction(&self, interaction: Value) {
        let id = snowflake_of(&interaction["id"]).expect("interaction needs an id");
        let token = interaction["token"]
            .as_str()
            .expect("interaction needs a token")
            .to_string();
        let kind = interaction["type"].as_u64().unwrap_or(2);
        let channel_id = snowflake_of(&interaction["channel_id"]).unwrap_or(Self::CHANNEL_ID);
        assert!(
            self.wait_ready(Duration::from_secs(10)).await,
            "fake Discord: no gateway session"
        );
        {
            let mut inner = self.shared.lock();
            inner.tokens.insert(token.clone(), id);
            inner
                .interactions
                .insert(id, InteractionRecord::new(id, token, kind, channel_id));
        }
        self.send_dispatch("INTERACTION_CREATE", interaction).await;
    }

    /// Sends op 7 RECONNECT: the client should reconnect and RESUME.
    pub fn send_reconnect(&self) {
        let inner = self.shared.lock();
        if let Some(tx) = inner.session.as_ref().and_then(|s| s.tx.as_ref()) {
            let _ = tx.send(WsMessage::Text(json!({"op": 7, "d": null}).to_string()));
        }
    }

    /// Closes the current gateway connection with `code` (e.g. 4000 unknown error, 1001 going away).
    pub fn close_gateway(&self, code: u16, reason: &str) {
        let mut inner = self.shared.lock();
        if let Some(tx) = inner.session.as_ref().and_then(|s| s.tx.clone()) {
            inner.closes_sent.push(code);
            let _ = tx.send(close_message(code, reason));
        }
    }

    /// How long the client has to acknowledge an interaction (default 3 s, like Discord); `None`
    /// disables the check.
    pub fn set_ack_deadline(&self, deadline: Option<Duration>) {
        self.shared.lock().ack_deadline = deadline;
    }

    // ----- interactions ---------------------------------------------------------------------------

    /// What the client answered so far to interaction `id`, or `None`.
    pub fn callback(&self, interaction_id: u64) -> Option<Callback> {
        self.shared
            .lock()
            .interactions
            .get(&interaction_id)
            .and_then(InteractionRecord::callback)
    }

    /// Waits for the initial response to interaction `id`; after a defer (type 5) also waits for it to
    /// be completed by an edit or follow-up. Returns what there is at the timeout (`None` if nothing).
    pub async fn wait_callback(&self, interaction_id: u64, timeout: Duration) -> Option<Callback> {
        let done = self
            .wait_for(timeout, |i| {
                let cb = i.interactions.get(&interaction_id)?.callback()?;
                (!cb.is_deferred() || !cb.edits.is_empty() || !cb.followups.is_empty()).then_some(cb)
            })
            .await;
        done.or_else(|| self.callback(interaction_id))
    }

    /// Waits until interaction `id` has at least `n` follow-ups.
    pub async fn wait_followups(&self, interaction_id: u64, n: usize, timeout: Duration) -> Option<Callback> {
        let done = self
            .wait_for(timeout, |i| {
                let cb = i.interactions.get(&interaction_id)?.callback()?;
                (cb.followups.len() >= n).then_some(cb)
            })
            .await;
        done.or_else(|| self.callback(interaction_id))
    }

    // ----- channel messages -----------------------------------------------------------------------

    /// Messages accepted in `channel_id`, oldest first.
    pub fn channel_messages(&self, channel_id: u64) -> Vec<PostedMessage> {
        self.shared
            .lock()
            .messages
            .iter()
            .filter(|m| m.channel_id == channel_id)
            .cloned()
            .collect()
    }

    /// Every accepted channel message, oldest first.
    pub fn all_messages(&self) -> Vec<PostedMessage> {
        self.shared.lock().messages.clone()
    }

    /// Waits until `channel_id` has `n` messages; returns what there is at the timeout.
    pub async fn wait_channel_messages(&self, channel_id: u64, n: usize, timeout: Duration) -> Vec<PostedMessage> {
        self.wait_for(timeout, |i| {
            let count = i.messages.iter().filter(|m| m.channel_id == channel_id).count();
            (count >= n).then_some(())
        })
        .await;
        self.channel_messages(channel_id)
    }

    /// `PATCH /channels/{id}/messages/{id}` bodies that were accepted, as `(message_id, body)`.
    pub fn message_edits(&self) -> Vec<(u64, Value)> {
        self.shared.lock().message_edits.clone()
    }

    /// Messages deleted with `DELETE /channels/{id}/messages/{id}`.
    pub fn deleted_messages(&self) -> Vec<u64> {
        self.shared.lock().deleted_messages.clone()
    }

    /// How many `enforce_nonce` duplicates were answered with the original message.
    pub fn deduplicated_count(&self) -> usize {
        self.shared.lock().deduplicated
    }

    /// Every later request to `/channels/{channel_id}/...` fails with `status` (403 Missing Access,
    /// 404 Unknown Channel, 5xx; 502-504 answer Cloudflare-style HTML like the real edge does).
    pub fn fail_channel(&self, channel_id: u64, status: u16) {
        self.shared.lock().failures.insert(
            channel_id,
            Failure {
                status,
                remaining: None,
            },
        );
    }

    /// Like [`Self::fail_channel`] for the next `times` requests only.
    pub fn fail_channel_times(&self, channel_id: u64, status: u16, times: usize) {
        self.shared.lock().failures.insert(
            channel_id,
            Failure {
                status,
                remaining: Some(times),
            },
        );
    }

    pub fn clear_channel_failure(&self, channel_id: u64) {
        self.shared.lock().failures.remove(&channel_id);
    }

    /// The next `times` message posts to `channel_id` get 429 with `retry_after` seconds.
    pub fn rate_limit_next(&self, channel_id: u64, times: usize, retry_after: f64) {
        let mut inner = self.shared.lock();
        let queue = inner.scripted_429.entry(channel_id).or_default();
        queue.extend(std::iter::repeat_n(retry_after, times));
    }

    /// Bench mode: message posts share a bucket per channel (`per_channel` per `window`, Discord's is
    /// 5 per 5 s) and every API route (interactions and webhooks exempt) a global 50/s; rate-limit
    /// headers on every message response; 429 when exceeded.
    pub fn set_realistic_rate_limits(&self, per_channel: u32, window: Duration) {
        self.shared.lock().limits = Some(RateLimits {
            per_channel,
            window,
            buckets: HashMap::new(),
            global_per_second: 50,
            global: Window::default(),
        });
    }

    /// Changes the global limit of [`Self::set_realistic_rate_limits`] (Discord's default is 50/s).
    pub fn set_global_rate_limit(&self, per_second: u32) {
        if let Some(limits) = self.shared.lock().limits.as_mut() {
            limits.global_per_second = per_second;
        }
    }

    /// Delay before every HTTP answer (Discord's is tens of milliseconds), for benchmarks.
    /// Holds every answer to `POST /channels/{id}/messages` for `hold` *after* the message is
    /// recorded: the message is in the channel, but the client does not learn it for a while
    /// (what a crash between send and record looks like from Discord's side).
    pub fn hold_responses(&self, hold: Duration) {
        self.shared.lock().hold_after_post = hold;
    }

    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().latency = latency;
    }

    pub fn count_429(&self) -> usize {
        self.shared.lock().rate_limit_hits.len()
    }

    pub fn rate_limit_hits(&self) -> Vec<RateLimitHit> {
        self.shared.lock().rate_limit_hits.clone()
    }

    // ----- commands ---------------------------------------------------------------------------------

    /// Global commands as stored now (what `GET /applications/{app}/commands` answers).
    pub fn registered_commands(&self) -> Vec<Value> {
        self.shared.lock().global_commands.clone()
    }

    /// Guild commands of `guild_id` as stored now.
    pub fn guild_commands(&self, guild_id: u64) -> Vec<Value> {
        self.shared
            .lock()
            .guild_commands
            .get(&guild_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Every write to the command routes (`PUT` bulk overwrite, `POST`, `PATCH`, `DELETE`).
    pub fn command_writes(&self) -> Vec<CommandWrite> {
        self.shared.lock().command_writes.clone()
    }

    /// Waits until there were `n` writes to the command routes (e.g. poise's `register_in_guild` in `setup`).
    pub async fn wait_command_writes(&self, n: usize, timeout: Duration) -> bool {
        self.wait_for(timeout, |i| (i.command_writes.len() >= n).then_some(()))
            .await
            .is_some()
    }

    /// Number of bulk overwrites (`PUT`), global and guild.
    pub fn command_put_count(&self) -> usize {
        self.shared
            .lock()
            .command_writes
            .iter()
            .filter(|w| w.method == "PUT")
            .count()
    }

    // ----- attachments ----------------------------------------------------------------------------

    /// Serves `bytes` as a CDN attachment; use [`Self::with_attachment`] and [`opt_attachment`] to
    /// put it in an interaction.
    pub fn add_attachment(&self, filename: &str, bytes: impl Into<Vec<u8>>) -> FakeAttachment {
        let data = bytes.into();
        let mut inner = self.shared.lock();
        let id = inner.next_snowflake();
        let content_type = guess_content_type(filename).to_string();
        let url = format!(
            "http://{}/attachments/{}/{id}/{filename}?ex=67a1b2c3&is=67a06143&hm={id:x}",
            inner.http_addr,
            Self::CHANNEL_ID
        );
        let json = json!({
            "id": id.to_string(),
            "filename": filename,
            "size": data.len(),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
            "ephemeral": true,
        });
        let attachment = FakeAttachment {
            id,
            filename: filename.to_string(),
            size: data.len(),
            content_type,
            url,
            json,
        };
        inner.attachments.insert(id, (attachment.clone(), data));
        attachment
    }

    /// Adds `attachment` to `data.resolved.attachments` of an interaction.
    pub fn with_attachment(mut interaction: Value, attachment: &FakeAttachment) -> Value {
        let resolved = &mut interaction["data"]["resolved"];
        if !resolved.is_object() {
            *resolved = json!({});
        }
        let attachments = &mut resolved["attachments"];
        if !attachments.is_object() {
            *attachments = json!({});
        }
        attachments[attachment.id.to_string()] = attachment.json.clone();
        interaction
    }

    // ----- debugging / cleanliness ----------------------------------------------------------------

    /// `(method, path)` of every HTTP request, in order.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.shared
            .lock()
            .requests
            .iter()
            .map(|r| (r.method.clone(), r.path.clone()))
            .collect()
    }

    pub fn request_log(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Requests to routes the fake does not know (answered 404).
    pub fn unknown_routes(&self) -> Vec<(String, String)> {
        self.shared.lock().unknown_routes.clone()
    }

    /// Message/embed/command payloads Discord would reject (400 Invalid Form Body, 50006 empty
    /// message, 413 too large).
    pub fn limit_violations(&self) -> Vec<Violation> {
        self.shared.lock().limit_violations.clone()
    }

    /// Protocol mistakes: missing/invalid `Authorization`, a `User-Agent` not of the form
    /// `DiscordBot (url, version)`, unknown or late interaction callbacks, double acknowledgements,
    /// follow-ups before the initial response, wrong callback types.
    pub fn protocol_violations(&self) -> Vec<Violation> {
        self.shared.lock().protocol_violations.clone()
    }

    /// Panics listing every limit violation, protocol violation and unknown route.
    pub fn assert_clean(&self) {
        let inner = self.shared.lock();
        let mut problems: Vec<String> = Vec::new();
        for v in inner.limit_violations.iter().chain(&inner.protocol_violations) {
            problems.push(format!("{} {}: {}", v.method, v.path, v.detail));
        }
        for (method, path) in &inner.unknown_routes {
            problems.push(format!("{method} {path}: unknown route"));
        }
        assert!(
            problems.is_empty(),
            "fake Discord saw problems:\n{}",
            problems.join("\n")
        );
    }

    // ----- interaction builders -------------------------------------------------------------------

    /// A slash command (`type` 2) in `GUILD_ID`/`CHANNEL_ID` by the admin (`admin`) or a plain member.
    /// `options` is Discord's option array (`Null` for none); channel and user options get
    /// `data.resolved` entries automatically.
    pub fn slash_command(id: u64, name: &str, options: Value, admin: bool) -> Value {
        let invoker = if admin { Invoker::admin() } else { Invoker::member() };
        Self::command_interaction(2, id, name, options, &invoker)
    }

    /// An autocomplete request (`type` 4); mark the option being typed with [`focused`].
    pub fn autocomplete(id: u64, name: &str, options: Value, admin: bool) -> Value {
        let invoker = if admin { Invoker::admin() } else { Invoker::member() };
        Self::command_interaction(4, id, name, options, &invoker)
    }

    /// An application-command interaction of `kind` (2 command, 4 autocomplete) by `invoker`.
    pub fn command_interaction(kind: u64, id: u64, name: &str, options: Value, invoker: &Invoker) -> Value {
        let options = match options {
            Value::Array(a) => a,
            _ => Vec::new(),
        };
        let mut data = json!({ "id": command_id(name).to_string(), "name": name, "type": 1 });
        let resolved = resolve_options(&options);
        if !options.is_empty() {
            data["options"] = Value::Array(options);
        }
        if resolved.as_object().is_some_and(|r| !r.is_empty()) {
            data["resolved"] = resolved;
        }
        json!({
            "id": id.to_string(),
            "application_id": Self::APP_ID.to_string(),
            "type": kind,
            "data": data,
            "guild_id": Self::GUILD_ID.to_string(),
            "guild": { "id": Self::GUILD_ID.to_string(), "locale": "en-US", "features": [] },
            "channel_id": invoker.channel_id.to_string(),
            "channel": channel_json(invoker.channel_id, Some(invoker.permissions)),
            "member": member_json(invoker),
            "token": interaction_token(id),
            "version": 1,
            "app_permissions": perms::BOT.to_string(),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": { "0": Self::GUILD_ID.to_string() },
            "context": 0,
            "attachment_size_limit": Self::ATTACHMENT_SIZE_LIMIT,
        })
    }

    /// A slash command sent in a DM with the bot (no guild, no member).
    pub fn dm_slash_command(id: u64, name: &str, options: Value, user_id: u64) -> Value {
        let mut interaction = Self::slash_command(id, name, options, false);
        let dm_channel = user_id ^ 0x5555;
        let user = user_json(user_id, "dm-user");
        let Some(obj) = interaction.as_object_mut() else {
            return interaction;
        };
        obj.remove("guild_id");
        obj.remove("guild");
        obj.remove("member");
        obj.remove("guild_locale");
        obj.insert("user".into(), user.clone());
        obj.insert("channel_id".into(), json!(dm_channel.to_string()));
        obj.insert(
            "channel".into(),
            json!({ "id": dm_channel.to_string(), "type": 1, "flags": 0, "last_message_id": null,
                    "recipients": [user] }),
        );
        obj.insert("context".into(), json!(1));
        obj.insert(
            "authorizing_integration_owners".into(),
            json!({ "0": Self::GUILD_ID.to_string() }),
        );
        interaction
    }
}

// ----- option builders (Discord's shapes) ------------------------------------------------------------

/// A string option (type 3).
pub fn opt_str(name: &str, value: &str) -> Value {
    json!({ "type": 3, "name": name, "value": value })
}

/// An integer option (type 4).
pub fn opt_int(name: &str, value: i64) -> Value {
    json!({ "type": 4, "name": name, "value": value })
}

/// A boolean option (type 5).
pub fn opt_bool(name: &str, value: bool) -> Value {
    json!({ "type": 5, "name": name, "value": value })
}

/// A user option (type 6); resolved automatically.
pub fn opt_user(name: &str, user_id: u64) -> Value {
    json!({ "type": 6, "name": name, "value": user_id.to_string() })
}

/// A channel option (type 7); resolved automatically as a text channel of the guild.
pub fn opt_channel(name: &str, channel_id: u64) -> Value {
    json!({ "type": 7, "name": name, "value": channel_id.to_string() })
}

/// A number option (type 10).
pub fn opt_number(name: &str, value: f64) -> Value {
    json!({ "type": 10, "name": name, "value": value })
}

/// An attachment option (type 11); also pass the interaction through [`FakeDiscord::with_attachment`].
pub fn opt_attachment(name: &str, attachment: &FakeAttachment) -> Value {
    json!({ "type": 11, "name": name, "value": attachment.id.to_string() })
}

/// A subcommand (type 1) with its options.
pub fn subcommand(name: &str, options: Value) -> Value {
    let options = if options.is_array() { options } else { json!([]) };
    json!({ "type": 1, "name": name, "options": options })
}

/// A subcommand group (type 2) holding one subcommand.
pub fn subcommand_group(name: &str, sub: Value) -> Value {
    json!({ "type": 2, "name": name, "options": [sub] })
}

/// Marks an option as the one being typed (autocomplete); its value is the partial input.
pub fn focused(mut option: Value) -> Value {
    option["focused"] = json!(true);
    option
}

/// The token the builders give interaction `id`.
pub fn interaction_token(id: u64) -> String {
    format!("aW50ZXJhY3Rpb246{id}OkZha2VEaXNjb3JkVG9rZW4")
}

/// The command id the builders and the fake's command store give `name`.
pub fn command_id(name: &str) -> u64 {
    1_187_500_000_000_000_000 + fnv1a(name.as_bytes()) % 1_000_000_000_000
}

// ----- internal state ----------------------------------------------------------------------------------

struct Session {
    session_id: String,
    seq: u64,
    conn: Option<u64>,
    tx: Option<mpsc::UnboundedSender<WsMessage>>,
}

struct Failure {
    status: u16,
    remaining: Option<usize>,
}

#[derive(Default)]
struct Window {
    start: Option<Instant>,
    used: u32,
}

impl Window {
    /// Takes one slot: `Ok(remaining, reset_after)` or `Err(retry_after)`.
    fn take(&mut self, limit: u32, window: Duration, now: Instant) -> Result<(u32, Duration), Duration> {
        let start = match self.start {
            Some(start) if now.duration_since(start) < window => start,
            _ => {
                self.start = Some(now);
                self.used = 0;
                now
            }
        };
        let reset_after = window.saturating_sub(now.duration_since(start));
        if self.used < limit {
            self.used += 1;
            Ok((limit - self.used, reset_after))
        } else {
            Err(reset_after)
        }
    }
}

struct RateLimits {
    per_channel: u32,
    window: Duration,
    buckets: HashMap<u64, Window>,
    global_per_second: u32,
    global: Window,
}

struct InteractionRecord {
    id: u64,
    token: String,
    kind: u64,
    channel_id: u64,
    sent_at: Instant,
    responses: Vec<Value>,
    edits: Vec<Value>,
    followups: Vec<Value>,
    original: Value,
    original_pending: bool,
    followup_messages: Vec<Value>,
    files: Vec<UploadedFile>,
}

impl InteractionRecord {
    fn new(id: u64, token: String, kind: u64, channel_id: u64) -> InteractionRecord {
        InteractionRecord {
            id,
            token,
            kind,
            channel_id,
            sent_at: Instant::now(),
            responses: Vec::new(),
            edits: Vec::new(),
            followups: Vec::new(),
            original: Value::Null,
            original_pending: false,
            followup_messages: Vec::new(),
            files: Vec::new(),
        }
    }

    fn callback(&self) -> Option<Callback> {
        let first = self.responses.first()?;
        Some(Callback {
            interaction_id: self.id,
            kind: first["type"].as_u64().unwrap_or(0),
            responses: self.responses.clone(),
            edits: self.edits.clone(),
            followups: self.followups.clone(),
            original: self.original.clone(),
            followup_messages: self.followup_messages.clone(),
            files: self.files.clone(),
        })
    }
}

struct Inner {
    http_addr: SocketAddr,
    gateway_addr: SocketAddr,
    heartbeat_interval_ms: u64,
    latency: Duration,
    hold_after_post: Duration,
    last_snowflake: u64,
    requests: Vec<RecordedRequest>,
    unknown_routes: Vec<(String, String)>,
    limit_violations: Vec<Violation>,
    protocol_violations: Vec<Violation>,
    // gateway
    connection_tasks: Vec<AbortHandle>,
    gateway_connections: usize,
    gateway_queries: Vec<String>,
    identify: Option<Value>,
    identify_count: usize,
    resume_count: usize,
    heartbeat_count: usize,
    closes_sent: Vec<u16>,
    presence_updates: Vec<Value>,
    allowed_privileged: u64,
    session: Option<Session>,
    // interactions
    ack_deadline: Option<Duration>,
    interactions: HashMap<u64, InteractionRecord>,
    tokens: HashMap<String, u64>,
    // channels
    messages: Vec<PostedMessage>,
    message_edits: Vec<(u64, Value)>,
    deleted_messages: Vec<u64>,
    nonces: HashMap<(u64, String), (Instant, Value)>,
    deduplicated: usize,
    failures: HashMap<u64, Failure>,
    scripted_429: HashMap<u64, VecDeque<f64>>,
    limits: Option<RateLimits>,
    rate_limit_hits: Vec<RateLimitHit>,
    // commands
    global_commands: Vec<Value>,
    guild_commands: HashMap<u64, Vec<Value>>,
    command_writes: Vec<CommandWrite>,
    // CDN
    attachments: HashMap<u64, (FakeAttachment, Vec<u8>)>,
}

impl Inner {
    fn new(http_addr: SocketAddr, gateway_addr: SocketAddr, heartbeat_interval_ms: u64) -> Inner {
        Inner {
            http_addr,
            gateway_addr,
            heartbeat_interval_ms,
            latency: Duration::ZERO,
            hold_after_post: Duration::ZERO,
            last_snowflake: 0,
            requests: Vec::new(),
            unknown_routes: Vec::new(),
            limit_violations: Vec::new(),
            protocol_violations: Vec::new(),
            connection_tasks: Vec::new(),
            gateway_connections: 0,
            gateway_queries: Vec::new(),
            identify: None,
            identify_count: 0,
            resume_count: 0,
            heartbeat_count: 0,
            closes_sent: Vec::new(),
            presence_updates: Vec::new(),
            allowed_privileged: 0,
            session: None,
            ack_deadline: Some(Duration::from_secs(3)),
            interactions: HashMap::new(),
            tokens: HashMap::new(),
            messages: Vec::new(),
            message_edits: Vec::new(),
            deleted_messages: Vec::new(),
            nonces: HashMap::new(),
            deduplicated: 0,
            failures: HashMap::new(),
            scripted_429: HashMap::new(),
            limits: None,
            rate_limit_hits: Vec::new(),
            global_commands: Vec::new(),
            guild_commands: HashMap::new(),
            command_writes: Vec::new(),
            attachments: HashMap::new(),
        }
    }

    /// A fresh, strictly increasing snowflake with the current timestamp.
    fn next_snowflake(&mut self) -> u64 {
        let ms = u64::try_from(Utc::now().timestamp_millis() - DISCORD_EPOCH_MS).unwrap_or(0);
        let candidate = ms << 22;
        self.last_snowflake = candidate.max(self.last_snowflake + 1);
        self.last_snowflake
    }

    fn dispatch(&mut self, event: &str, d: Value) -> bool {
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        let Some(tx) = session.tx.as_ref() else { return false };
        session.seq += 1;
        let payload = json!({ "op": 0, "t": event, "s": session.seq, "d": d });
        tx.send(WsMessage::Text(payload.to_string())).is_ok()
    }

    fn violation(&mut self, limit: bool, method: &str, path: &str, detail: String, response: &Value) {
        let v = Violation {
            method: method.to_string(),
            path: path.to_string(),
            detail,
            response: response.clone(),
        };
        if limit {
            self.limit_violations.push(v);
        } else {
            self.protocol_violations.push(v);
        }
    }

    fn bot_user(&self) -> Value {
        json!({
            "id": FakeDiscord::BOT_ID.to_string(),
            "username": FakeDiscord::BOT_NAME,
            "global_name": null,
            "discriminator": "4821",
            "avatar": null,
            "bot": true,
            "public_flags": 0,
            "flags": 0,
        })
    }

    /// The message object Discord answers with for `payload` (create or webhook execute).
    fn message_object(&mut self, id: u64, channel_id: u64, payload: &Value, files: &[UploadedFile]) -> Value {
        let mut attachments = Vec::new();
        for file in files {
            let attachment_id = self.next_snowflake();
            let url = format!(
                "http://{}/attachments/{channel_id}/{attachment_id}/{}?ex=67a1b2c3&is=67a06143&hm={attachment_id:x}",
                self.http_addr, file.filename
            );
            attachments.push(json!({
                "id": attachment_id.to_string(),
                "filename": file.filename,
                "size": file.data.len(),
                "url": url,
                "proxy_url": url,
                "content_type": file.content_type.clone().unwrap_or_else(|| guess_content_type(&file.filename).into()),
            }));
        }
        let embeds: Vec<Value> = payload["embeds"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        let mut e = e.clone();
                        if e.is_object() && e.get("type").is_none() {
                            e["type"] = json!("rich");
                        }
                        e
                    })
                    .collect()
            })
            .unwrap_or_default();
        let kind = if payload["message_reference"].is_object() {
            19
        } else {
            0
        };
        let mut message = json!({
            "id": id.to_string(),
            "type": kind,
            "content": payload["content"].as_str().unwrap_or_default(),
            "channel_id": channel_id.to_string(),
            "author": self.bot_user(),
            "attachments": attachments,
            "embeds": embeds,
            "mentions": [],
            "mention_roles": [],
            "pinned": false,
            "mention_everyone": false,
            "tts": payload["tts"].as_bool().unwrap_or(false),
            "timestamp": now_timestamp(),
            "edited_timestamp": null,
            "flags": payload["flags"].as_u64().unwrap_or(0),
            "components": payload["components"].as_array().cloned().unwrap_or_default(),
        });
        if let Some(nonce) = payload.get("nonce").filter(|n| !n.is_null()) {
            message["nonce"] = nonce.clone();
        }
        if let Some(reference) = payload.get("message_reference").filter(|r| r.is_object()) {
            message["message_reference"] = reference.clone();
        }
        message
    }
}

/// Applies a PATCH body to a message object like Discord does (present fields replace).
fn apply_edit(message: &mut Value, patch: &Value) {
    let Some(patch) = patch.as_object() else { return };
    for key in ["content", "embeds", "components", "flags", "allowed_mentions"] {
        if let Some(value) = patch.get(key) {
            let value = match (key, value) {
                ("content", Value::Null) => json!(""),
                ("embeds" | "components", Value::Null) => json!([]),
                _ => value.clone(),
            };
            message[key] = value;
        }
    }
    message["edited_timestamp"] = json!(now_timestamp());
}

// ----- HTTP -----------------------------------------------------------------------------------------------

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: ReplyBody,
}

enum ReplyBody {
    Empty,
    Json(Value),
    Raw(String, Vec<u8>),
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: ReplyBody::Json(body),
        }
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            headers: Vec::new(),
            body: ReplyBody::Empty,
        }
    }

    fn error(status: u16, code: u64, message: &str) -> Reply {
        Reply::json(status, json!({ "message": message, "code": code }))
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    fn headers(mut self, headers: Vec<(String, String)>) -> Reply {
        self.headers.extend(headers);
        self
    }

    fn body_json(&self) -> Value {
        match &self.body {
            ReplyBody::Json(v) => v.clone(),
            _ => Value::Null,
        }
    }

    fn into_response(self) -> Response {
        let mut builder = Response::builder().status(self.status).header("via", "1.1 google");
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = match self.body {
            ReplyBody::Empty => Body::empty(),
            ReplyBody::Json(v) => {
                builder = builder.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            ReplyBody::Raw(content_type, bytes) => {
                builder = builder.header("content-type", content_type);
                Body::from(bytes)
            }
        };
        builder.body(body).unwrap_or_else(|_| {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            response
        })
    }
}

/// Request body: JSON, or multipart with `payload_json` and files.
struct ParsedBody {
    json: Option<Value>,
    files: Vec<UploadedFile>,
    multipart: bool,
}

struct RequestCtx<'a> {
    method: &'a str,
    path: &'a str,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

impl RequestCtx<'_> {
    fn header(&self, name: &str) -> Option<String> {
        header_value(self.headers, name)
    }

    /// Parses the body, or the 400 Discord answers for malformed JSON and why.
    fn parse_body(&self) -> Result<ParsedBody, (Reply, String)> {
        let invalid = |why: &str| {
            (
                Reply::error(400, 50109, "The request body contains invalid JSON."),
                why.to_string(),
            )
        };
        let content_type = self.header("content-type").unwrap_or_default();
        if content_type.starts_with("multipart/form-data") {
            let Some(boundary) = multipart_boundary(&content_type) else {
                return Err((
                    Reply::error(400, 50035, "Invalid Form Body"),
                    "multipart without a boundary".into(),
                ));
            };
            let parts = parse_multipart(self.body, &boundary);
            let mut json = None;
            let mut files = Vec::new();
            for part in parts {
                if part.name == "payload_json" {
                    match serde_json::from_slice(&part.data) {
                        Ok(v) => json = Some(v),
                        Err(_) => return Err(invalid("payload_json is not JSON")),
                    }
                } else if let Some(filename) = part.filename {
                    files.push(UploadedFile {
                        field: part.name,
                        filename,
                        content_type: part.content_type,
                        data: part.data,
                    });
                }
            }
            return Ok(ParsedBody {
                json,
                files,
                multipart: true,
            });
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(ParsedBody {
                json: None,
                files: Vec::new(),
                multipart: false,
            });
        }
        if !content_type.starts_with("application/json") {
            return Err(invalid(&format!(
                "a body with Content-Type {content_type:?}, want application/json"
            )));
        }
        match serde_json::from_slice(self.body) {
            Ok(v) => Ok(ParsedBody {
                json: Some(v),
                files: Vec::new(),
                multipart: false,
            }),
            Err(_) => Err(invalid("the body is not JSON")),
        }
    }
}

async fn handle_http(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let latency = shared.lock().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let reply = {
        let mut inner = shared.lock();
        let path = uri.path().to_string();
        let ctx = RequestCtx {
            method: method.as_str(),
            path: &path,
            headers: &headers,
            body: &body,
        };
        let reply = inner.route(&ctx);
        inner.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            query: uri.query().unwrap_or_default().to_string(),
            status: reply.status,
            authorization: header_value(&headers, "authorization"),
            user_agent: header_value(&headers, "user-agent"),
            content_type: header_value(&headers, "content-type"),
            body_len: body.len(),
            at: Instant::now(),
        });
        reply
    };
    shared.notify.notify_waiters();
    let hold = shared.lock().hold_after_post;
    if !hold.is_zero() && method == Method::POST && uri.path().ends_with("/messages") {
        tokio::time::sleep(hold).await;
    }
    reply.into_response()
}

impl Inner {
    fn route(&mut self, ctx: &RequestCtx<'_>) -> Reply {
        if ctx.path.starts_with("/attachments/") {
            return self.serve_attachment(ctx);
        }
        let Some(api_path) = ctx.path.strip_prefix(API_PREFIX) else {
            return self.unknown_route(ctx);
        };
        let segments: Vec<&str> = api_path.trim_matches('/').split('/').collect();
        let token_route = matches!(segments.first(), Some(&("interactions" | "webhooks")));

        let user_agent = ctx.header("user-agent").unwrap_or_default();
        if !user_agent.starts_with("DiscordBot (") {
            let detail = format!("User-Agent {user_agent:?} is not of the form \"DiscordBot ($url, $version)\"");
            self.violation(false, ctx.method, ctx.path, detail, &Value::Null);
        }
        let authorization = ctx.header("authorization");
        if !token_route
            && !authorization
                .as_deref()
                .is_some_and(|a| a.starts_with("Bot ") && a.len() > 4)
        {
            let reply = Reply::error(401, 0, "401: Unauthorized");
            let detail = format!("Authorization header is {authorization:?}, want \"Bot <token>\"");
            self.violation(false, ctx.method, ctx.path, detail, &reply.body_json());
            return reply;
        }
        if !token_route && let Some(reply) = self.take_global_limit(ctx.path) {
            return reply;
        }

        match (ctx.method, segments.as_slice()) {
            ("GET", ["gateway"]) => Reply::json(200, json!({ "url": format!("ws://{}", self.gateway_addr) })),
            ("GET", ["gateway", "bot"]) => Reply::json(
                200,
                json!({
                    "url": format!("ws://{}", self.gateway_addr),
                    "shards": 1,
                    "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1 }
                }),
            ),
            ("GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]) => {
                Reply::json(200, self.application_info())
            }
            ("GET", ["users", "@me"]) => Reply::json(200, self.bot_user()),
            ("GET", ["channels", channel]) => {
                self.channel_route(channel, |_, id| Reply::json(200, channel_json(id, None)))
            }
            ("POST", ["channels", channel, "typing"]) => self.channel_route(channel, |_, _| Reply::no_content()),
            ("POST", ["channels", channel, "messages"]) => {
                self.channel_route(channel, |inner, id| inner.create_message(ctx, id))
            }
            ("GET" | "PATCH" | "DELETE", ["channels", channel, "messages", message]) => {
                let message = (*message).to_string();
                self.channel_route(channel, |inner, id| inner.existing_message(ctx, id, &message))
            }
            (_, ["applications", app, rest @ ..]) if *app != FakeDiscord::APP_ID.to_string() && !rest.is_empty() => {
                Reply::error(403, 50001, "Missing Access")
            }
            ("GET" | "PUT" | "POST", ["applications", _, "commands"]) => self.commands(ctx, None),
            ("GET" | "PUT" | "POST", ["applications", _, "guilds", guild, "commands"]) => match guild.parse() {
                Ok(guild) => self.commands(ctx, Some(guild)),
                Err(_) => Reply::error(404, 10004, "Unknown Guild"),
            },
            ("GET" | "PATCH" | "DELETE", ["applications", _, "commands", command]) => {
                self.single_command(ctx, None, command)
            }
            ("GET" | "PATCH" | "DELETE", ["applications", _, "guilds", guild, "commands", command]) => {
                match guild.parse() {
                    Ok(guild) => self.single_command(ctx, Some(guild), command),
                    Err(_) => Reply::error(404, 10004, "Unknown Guild"),
                }
            }
            ("POST", ["interactions", id, token, "callback"]) => self.interaction_callback(ctx, id, token),
            ("POST", ["webhooks", app, token]) => self.followup(ctx, app, token),
            ("GET" | "PATCH" | "DELETE", ["webhooks", app, token, "messages", message]) => {
                self.webhook_message(ctx, app, token, message)
            }
            _ => self.unknown_route(ctx),
        }
    }

    /// The parsed body, or the 400 (recorded as a protocol violation).
    fn body(&mut self, ctx: &RequestCtx<'_>) -> Result<ParsedBody, Reply> {
        ctx.parse_body().map_err(|(reply, why)| {
            self.violation(false, ctx.method, ctx.path, why, &reply.body_json());
            reply
        })
    }

    fn unknown_route(&mut self, ctx: &RequestCtx<'_>) -> Reply {
        self.unknown_routes.push((ctx.method.to_string(), ctx.path.to_string()));
        Reply::error(404, 0, "404: Not Found")
    }

    fn application_info(&self) -> Value {
        json!({
            "id": FakeDiscord::APP_ID.to_string(),
            "name": FakeDiscord::BOT_NAME,
            "icon": null,
            "description": "AI news digests for this server.",
            "summary": "",
            "type": null,
            "bot_public": false,
            "bot_require_code_grant": false,
            "verify_key": "1e0a356058d627ca38a5c8c9648818061d49e49bd9da9e3ab17d98ad4d6bg2u8",
            "flags": 0,
            "hook": true,
            "is_monetized": false,
            "owner": user_json(FakeDiscord::ADMIN_USER_ID, "newsdesk-admin"),
            "team": null,
            "bot": self.bot_user(),
            "redirect_uris": [],
            "interactions_endpoint_url": null,
            "role_connections_verification_url": null,
            "integration_types_config": { "0": { "oauth2_install_params": { "scopes": ["applications.commands", "bot"], "permissions": perms::BOT.to_string() } } },
            "approximate_guild_count": 1,
        })
    }

    /// Runs scripted failures for `/channels/{id}/...`, then `then`.
    fn channel_route(&mut self, channel: &str, then: impl FnOnce(&mut Inner, u64) -> Reply) -> Reply {
        let Ok(channel_id) = channel.parse::<u64>() else {
            let body = form_errors(&[(
                "channel_id".into(),
                "NUMBER_TYPE_COERCE".into(),
                format!("Value \"{channel}\" is not snowflake."),
            )]);
            return Reply::json(400, body);
        };
        let failure = match self.failures.get_mut(&channel_id) {
            Some(failure) if failure.remaining != Some(0) => {
                if let Some(n) = failure.remaining.as_mut() {
                    *n -= 1;
                }
                Some(failure.status)
            }
            _ => None,
        };
        if let Some(status) = failure {
            return failure_reply(status);
        }
        then(self, channel_id)
    }

    fn take_global_limit(&mut self, path: &str) -> Option<Reply> {
        let limits = self.limits.as_mut()?;
        let now = Instant::now();
        let limit = limits.global_per_second;
        match limits.global.take(limit, Duration::from_secs(1), now) {
            Ok(_) => None,
            Err(retry) => {
                let retry_after = round3(retry.as_secs_f64());
                self.rate_limit_hits.push(RateLimitHit {
                    path: path.to_string(),
                    channel_id: None,
                    global: true,
                    retry_after,
                    at: now,
                });
                Some(
                    Reply::json(
                        429,
                        json!({ "message": "You are being rate limited.", "retry_after": retry_after, "global": true, "code": 0 }),
                    )
                    .header("retry-after", retry_after.ceil().to_string())
                    .header("x-ratelimit-global", "true")
                    .header("x-ratelimit-scope", "global"),
                )
            }
        }
    }

    /// Per-channel message bucket: `Ok(headers)` or the 429.
    fn take_channel_bucket(&mut self, path: &str, channel_id: u64) -> Result<Vec<(String, String)>, Reply> {
        let now = Instant::now();
        if let Some(retry_after) = self.scripted_429.get_mut(&channel_id).and_then(VecDeque::pop_front) {
            let limit = self.limits.as_ref().map_or(5, |l| l.per_channel);
            return Err(self.rate_limited(path, channel_id, retry_after, limit, now));
        }
        let Some(limits) = self.limits.as_mut() else {
            return Ok(Vec::new());
        };
        let (limit, window) = (limits.per_channel, limits.window);
        let bucket = limits.buckets.entry(channel_id).or_default();
        match bucket.take(limit, window, now) {
            Ok((remaining, reset_after)) => Ok(rate_limit_headers(limit, remaining, reset_after.as_secs_f64())),
            Err(retry) => Err(self.rate_limited(path, channel_id, retry.as_secs_f64(), limit, now)),
        }
    }

    fn rate_limited(&mut self, path: &str, channel_id: u64, retry_after: f64, limit: u32, now: Instant) -> Reply {
        let retry_after = round3(retry_after);
        self.rate_limit_hits.push(RateLimitHit {
            path: path.to_string(),
            channel_id: Some(channel_id),
            global: false,
            retry_after,
            at: now,
        });
        Reply::json(
            429,
            json!({ "message": "You are being rate limited.", "retry_after": retry_after, "global": false }),
        )
        .headers(rate_limit_headers(limit, 0, retry_after))
        .header("retry-after", retry_after.ceil().to_string())
        .header("x-ratelimit-scope", "user")
    }

    fn create_message(&mut self, ctx: &RequestCtx<'_>, channel_id: u64) -> Reply {
        let rate_headers = match self.take_channel_bucket(ctx.path, channel_id) {
            Ok(headers) => headers,
            Err(reply) => return reply,
        };
        let body = match self.body(ctx) {
            Ok(body) => body,
            Err(reply) => return reply.headers(rate_headers),
        };
        let payload = body.json.clone().unwrap_or_else(|| json!({}));
        if let Err(reply) = self.check_outgoing(ctx, &payload, &body.files, true) {
            return reply.headers(rate_headers);
        }
        let enforce_nonce = payload["enforce_nonce"].as_bool().unwrap_or(false);
        let nonce = payload.get("nonce").filter(|n| !n.is_null()).cloned();
        let nonce_key = nonce
            .as_ref()
            .map(|n| (channel_id, n.as_str().map_or_else(|| n.to_string(), str::to_string)));
        if enforce_nonce && let Some(key) = &nonce_key {
            self.nonces.retain(|_, (at, _)| at.elapsed() < Duration::from_secs(300));
            if let Some((_, original)) = self.nonces.get(key) {
                let original = original.clone();
                self.deduplicated += 1;
                return Reply::json(200, original).headers(rate_headers);
            }
        }
        let id = self.next_snowflake();
        let response = self.message_object(id, channel_id, &payload, &body.files);
        if let Some(key) = nonce_key {
            self.nonces.insert(key, (Instant::now(), response.clone()));
        }
        self.messages.push(PostedMessage {
            id,
            channel_id,
            content: payload["content"].as_str().unwrap_or_default().to_string(),
            embeds: payload["embeds"].as_array().cloned().unwrap_or_default(),
            allowed_mentions: payload.get("allowed_mentions").cloned(),
            nonce,
            enforce_nonce,
            payload,
            response: response.clone(),
            files: body.files,
            multipart: body.multipart,
            authorization: ctx.header("authorization"),
            user_agent: ctx.header("user-agent"),
            content_type: ctx.header("content-type"),
            audit_log_reason: ctx.header("x-audit-log-reason"),
            at: Instant::now(),
        });
        Reply::json(200, response).headers(rate_headers)
    }

    fn existing_message(&mut self, ctx: &RequestCtx<'_>, channel_id: u64, message: &str) -> Reply {
        let id = message.parse::<u64>().ok();
        let Some(index) = self
            .messages
            .iter()
            .position(|m| Some(m.id) == id && m.channel_id == channel_id)
        else {
            return Reply::error(404, 10008, "Unknown Message");
        };
        match ctx.method {
            "GET" => Reply::json(200, self.messages[index].response.clone()),
            "DELETE" => {
                self.deleted_messages.push(self.messages[index].id);
                Reply::no_content()
            }
            _ => {
                let body = match self.body(ctx) {
                    Ok(body) => body,
                    Err(reply) => return reply,
                };
                let patch = body.json.unwrap_or_else(|| json!({}));
                if let Err(reply) = self.check_outgoing(ctx, &patch, &body.files, false) {
                    return reply;
                }
                let message = &mut self.messages[index];
                apply_edit(&mut message.response, &patch);
                let response = message.response.clone();
                let message_id = message.id;
                self.message_edits.push((message_id, patch));
                Reply::json(200, response)
            }
        }
    }

    /// Discord's checks on an outgoing message payload; records and answers violations.
    fn check_outgoing(
        &mut self,
        ctx: &RequestCtx<'_>,
        payload: &Value,
        files: &[UploadedFile],
        require_content: bool,
    ) -> Result<(), Reply> {
        let total: usize = files.iter().map(|f| f.data.len()).sum();
        if total as u64 > FakeDiscord::ATTACHMENT_SIZE_LIMIT {
            let reply = Reply::error(413, 40005, "Request entity too large");
            self.violation(
                true,
                ctx.method,
                ctx.path,
                format!("{total} bytes of files"),
                &reply.body_json(),
            );
            return Err(reply);
        }
        let mut errors = Vec::new();
        check_message_payload(payload, &mut errors);
        if !errors.is_empty() {
            let body = form_errors(&errors);
            let detail = errors
                .iter()
                .map(|(p, _, m)| format!("{p}: {m}"))
                .collect::<Vec<_>>()
                .join("; ");
            self.violation(true, ctx.method, ctx.path, detail, &body);
            return Err(Reply::json(400, body));
        }
        if require_content && message_is_empty(payload, files) {
            let reply = Reply::error(400, 50006, "Cannot send an empty message");
            self.violation(true, ctx.method, ctx.path, "empty message".into(), &reply.body_json());
            return Err(reply);
        }
        Ok(())
    }

    fn serve_attachment(&mut self, ctx: &RequestCtx<'_>) -> Reply {
        // /attachments/{channel}/{id}/{filename}
        let parts: Vec<&str> = ctx.path.trim_start_matches("/attachments/").split('/').collect();
        let found = match parts.as_slice() {
            [_, id, _] => id.parse::<u64>().ok().and_then(|id| self.attachments.get(&id)),
            _ => None,
        };
        match found {
            Some((attachment, data)) => Reply {
                status: 200,
                headers: vec![("content-length".into(), data.len().to_string())],
                body: ReplyBody::Raw(attachment.content_type.clone(), data.clone()),
            },
            None => Reply {
                status: 404,
                headers: Vec::new(),
                body: ReplyBody::Raw("text/plain".into(), b"Not Found".to_vec()),
            },
        }
    }

    // ----- commands -----

    fn commands(&mut self, ctx: &RequestCtx<'_>, guild: Option<u64>) -> Reply {
        if ctx.method == "GET" {
            return Reply::json(200, Value::Array(self.command_store(guild).clone()));
        }
        let body = match self.body(ctx) {
            Ok(body) => body.json.unwrap_or(Value::Null),
            Err(reply) => return reply,
        };
        let mut errors = Vec::new();
        if ctx.method == "PUT" {
            match body.as_array() {
                Some(commands) => {
                    if commands.len() > 100 {
                        errors.push((
                            String::new(),
                            "BASE_TYPE_MAX_LENGTH".into(),
                            "Must be 100 or fewer in length.".into(),
                        ));
                    }
                    let mut seen = std::collections::HashSet::new();
                    for (i, command) in commands.iter().enumerate() {
                        check_command(command, &i.to_string(), &mut errors);
                        let key = (
                            command["type"].as_u64().unwrap_or(1),
                            command["name"].as_str().unwrap_or_default(),
                        );
                        if !seen.insert(key) {
                            errors.push((
                                i.to_string(),
                                "APPLICATION_COMMANDS_DUPLICATE_NAME".into(),
                                "Application command names must be unique".into(),
                            ));
                        }
                    }
                }
                None => errors.push((String::new(), "BASE_TYPE_ARRAY".into(), "Must be an array.".into())),
            }
        } else {
            check_command(&body, "", &mut errors);
        }
        let accepted = errors.is_empty();
        self.command_writes.push(CommandWrite {
            method: ctx.method.to_string(),
            guild_id: guild,
            body: body.clone(),
            accepted,
        });
        if !accepted {
            let response = form_errors(&errors);
            let detail = errors
                .iter()
                .map(|(p, _, m)| format!("{p}: {m}"))
                .collect::<Vec<_>>()
                .join("; ");
            self.violation(true, ctx.method, ctx.path, detail, &response);
            return Reply::json(400, response);
        }
        if ctx.method == "PUT" {
            let stored: Vec<Value> = body
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| self.stored_command(c, guild))
                .collect();
            *self.command_store(guild) = stored.clone();
            Reply::json(200, Value::Array(stored))
        } else {
            let stored = self.stored_command(&body, guild);
            let store = self.command_store(guild);
            let existing = store
                .iter()
                .position(|c| c["name"] == stored["name"] && c["type"] == stored["type"]);
            let status = match existing {
                Some(i) => {
                    store[i] = stored.clone();
                    200
                }
                None => {
                    store.push(stored.clone());
                    201
                }
            };
            Reply::json(status, stored)
        }
    }

    fn single_command(&mut self, ctx: &RequestCtx<'_>, guild: Option<u64>, command: &str) -> Reply {
        let index = self
            .command_store(guild)
            .iter()
            .position(|c| c["id"].as_str() == Some(command));
        let Some(index) = index else {
            return Reply::error(404, 10063, "Unknown application command");
        };
        match ctx.method {
            "GET" => Reply::json(200, self.command_store(guild)[index].clone()),
            "DELETE" => {
                self.command_writes.push(CommandWrite {
                    method: "DELETE".into(),
                    guild_id: guild,
                    body: json!(command),
                    accepted: true,
                });
                self.command_store(guild).remove(index);
                Reply::no_content()
            }
            _ => {
                let patch = match self.body(ctx) {
                    Ok(body) => body.json.unwrap_or_else(|| json!({})),
                    Err(reply) => return reply,
                };
                self.command_writes.push(CommandWrite {
                    method: "PATCH".into(),
                    guild_id: guild,
                    body: patch.clone(),
                    accepted: true,
                });
                let mut merged = self.command_store(guild)[index].clone();
                if let (Some(target), Some(patch)) = (merged.as_object_mut(), patch.as_object()) {
                    for (k, v) in patch {
                        target.insert(k.clone(), v.clone());
                    }
                }
                let stored = self.stored_command(&merged, guild);
                self.command_store(guild)[index] = stored.clone();
                Reply::json(200, stored)
            }
        }
    }

    fn command_store(&mut self, guild: Option<u64>) -> &mut Vec<Value> {
        match guild {
            Some(g) => self.guild_commands.entry(g).or_default(),
            None => &mut self.global_commands,
        }
    }

    /// A command as Discord stores and returns it.
    fn stored_command(&mut self, command: &Value, guild: Option<u64>) -> Value {
        let mut stored = command.clone();
        let name = command["name"].as_str().unwrap_or_default().to_string();
        let version = self.next_snowflake();
        let Some(obj) = stored.as_object_mut() else {
            return stored;
        };
        obj.insert("id".into(), json!(command_id(&name).to_string()));
        obj.insert("application_id".into(), json!(FakeDiscord::APP_ID.to_string()));
        obj.insert("version".into(), json!(version.to_string()));
        obj.entry("type").or_insert(json!(1));
        obj.entry("description").or_insert(json!(""));
        obj.entry("default_member_permissions").or_insert(Value::Null);
        obj.entry("nsfw").or_insert(json!(false));
        obj.entry("integration_types").or_insert(json!([0]));
        obj.entry("contexts").or_insert(Value::Null);
        if let Some(guild) = guild {
            obj.insert("guild_id".into(), json!(guild.to_string()));
        } else {
            obj.entry("dm_permission").or_insert(json!(true));
        }
        if let Some(options) = obj.get_mut("options").and_then(Value::as_array_mut) {
            options.iter_mut().for_each(normalize_option);
        }
        stored
    }

    // ----- interactions -----

    fn interaction_callback(&mut self, ctx: &RequestCtx<'_>, id: &str, token: &str) -> Reply {
        let id = id.parse::<u64>().ok();
        let deadline = self.ack_deadline;
        let state = id.and_then(|id| self.interactions.get(&id)).map(|r| {
            (
                r.token == token,
                !r.responses.is_empty(),
                r.sent_at.elapsed(),
                r.kind,
                r.channel_id,
            )
        });
        let unknown = Reply::error(404, 10062, "Unknown interaction");
        let Some((token_ok, acked, elapsed, interaction_kind, channel_id)) = state else {
            self.violation(
                false,
                ctx.method,
                ctx.path,
                "callback for an unknown interaction".into(),
                &unknown.body_json(),
            );
            return unknown;
        };
        if !token_ok {
            self.violation(
                false,
                ctx.method,
                ctx.path,
                "callback with the wrong token".into(),
                &unknown.body_json(),
            );
            return unknown;
        }
        if acked {
            let reply = Reply::error(400, 40060, "Interaction has already been acknowledged.");
            self.violation(
                false,
                ctx.method,
                ctx.path,
                "second initial response".into(),
                &reply.body_json(),
            );
            return reply;
        }
        if let Some(deadline) = deadline
            && elapsed > deadline
        {
            let detail = format!(
                "initial response {} ms after the interaction (limit {} ms)",
                elapsed.as_millis(),
                deadline.as_millis()
            );
            self.violation(false, ctx.method, ctx.path, detail, &unknown.body_json());
            return unknown;
        }
        let body = match self.body(ctx) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        let response = body.json.clone().unwrap_or(Value::Null);
        let kind = response["type"].as_u64().unwrap_or(0);
        let allowed: &[u64] = match interaction_kind {
            4 => &[8],
            3 => &[4, 5, 6, 7, 9],
            5 => &[4, 5, 6, 7],
            _ => &[4, 5, 9],
        };
        if !allowed.contains(&kind) {
            let body = form_errors(&[(
                "type".into(),
                "BASE_TYPE_CHOICES".into(),
                format!("Value must be one of {allowed:?}."),
            )]);
            self.violation(
                false,
                ctx.method,
                ctx.path,
                format!("response type {kind} to an interaction of type {interaction_kind}"),
                &body,
            );
            return Reply::json(400, body);
        }
        let data = response["data"].clone();
        match kind {
            4 | 7 => {
                let mut scoped = Vec::new();
                check_message_payload(&data, &mut scoped);
                if let Some(reply) = self.reject_form(ctx, scoped, "data") {
                    return reply;
                }
                if kind == 4 && message_is_empty(&data, &body.files) {
                    let reply = Reply::error(400, 50006, "Cannot send an empty message");
                    self.violation(
                        true,
                        ctx.method,
                        ctx.path,
                        "empty interaction response".into(),
                        &reply.body_json(),
                    );
                    return reply;
                }
            }
            8 => {
                let mut errors = Vec::new();
                check_choices(&data["choices"], "choices", &mut errors);
                if let Some(reply) = self.reject_form(ctx, errors, "data") {
                    return reply;
                }
            }
            _ => {}
        }
        let original = match kind {
            4 => {
                let id = self.next_snowflake();
                let mut message = self.message_object(id, channel_id, &data, &body.files);
                message["webhook_id"] = json!(FakeDiscord::APP_ID.to_string());
                message["application_id"] = json!(FakeDiscord::APP_ID.to_string());
                message["type"] = json!(20);
                Some(message)
            }
            5 => {
                let id = self.next_snowflake();
                let flags = data["flags"].as_u64().unwrap_or(0) | 128;
                let mut message = self.message_object(id, channel_id, &json!({ "flags": flags }), &[]);
                message["webhook_id"] = json!(FakeDiscord::APP_ID.to_string());
                message["application_id"] = json!(FakeDiscord::APP_ID.to_string());
                message["type"] = json!(20);
                Some(message)
            }
            _ => None,
        };
        if let Some(record) = id.and_then(|id| self.interactions.get_mut(&id)) {
            record.responses.push(response);
            record.files.extend(body.files);
            if let Some(original) = original {
                record.original = original;
                record.original_pending = kind == 5;
            }
        }
        Reply::no_content()
    }

    /// Records a 400 for form errors, prefixing `scope` (e.g. `data`) to their paths.
    fn reject_form(&mut self, ctx: &RequestCtx<'_>, errors: Vec<FormError>, scope: &str) -> Option<Reply> {
        if errors.is_empty() {
            return None;
        }
        let errors: Vec<FormError> = errors
            .into_iter()
            .map(|(p, c, m)| {
                (
                    if p.is_empty() {
                        scope.to_string()
                    } else {
                        format!("{scope}.{p}")
                    },
                    c,
                    m,
                )
            })
            .collect();
        let body = form_errors(&errors);
        let detail = errors
            .iter()
            .map(|(p, _, m)| format!("{p}: {m}"))
            .collect::<Vec<_>>()
            .join("; ");
        self.violation(true, ctx.method, ctx.path, detail, &body);
        Some(Reply::json(400, body))
    }

    fn interaction_for_webhook(&mut self, ctx: &RequestCtx<'_>, app: &str, token: &str) -> Result<u64, Reply> {
        let unknown = Reply::error(404, 10015, "Unknown Webhook");
        if app != FakeDiscord::APP_ID.to_string() {
            self.violation(
                false,
                ctx.method,
                ctx.path,
                format!("webhook for application {app}"),
                &unknown.body_json(),
            );
            return Err(unknown);
        }
        let id = self.tokens.get(token).copied();
        match id.and_then(|id| self.interactions.get(&id)) {
            Some(record) if !record.responses.is_empty() => Ok(record.id),
            Some(_) => {
                self.violation(
                    false,
                    ctx.method,
                    ctx.path,
                    "webhook call before the initial response".into(),
                    &unknown.body_json(),
                );
                Err(unknown)
            }
            None => {
                self.violation(
                    false,
                    ctx.method,
                    ctx.path,
                    "webhook call with an unknown token".into(),
                    &unknown.body_json(),
                );
                Err(unknown)
            }
        }
    }

    fn followup(&mut self, ctx: &RequestCtx<'_>, app: &str, token: &str) -> Reply {
        let id = match self.interaction_for_webhook(ctx, app, token) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        let body = match self.body(ctx) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        let payload = body.json.clone().unwrap_or_else(|| json!({}));
        if let Err(reply) = self.check_outgoing(ctx, &payload, &body.files, true) {
            return reply;
        }
        let message_id = self.next_snowflake();
        let channel_id = self
            .interactions
            .get(&id)
            .map_or(FakeDiscord::CHANNEL_ID, |r| r.channel_id);
        let mut message = self.message_object(message_id, channel_id, &payload, &body.files);
        message["webhook_id"] = json!(FakeDiscord::APP_ID.to_string());
        message["application_id"] = json!(FakeDiscord::APP_ID.to_string());
        let Some(record) = self.interactions.get_mut(&id) else {
            return Reply::error(404, 10015, "Unknown Webhook");
        };
        record.followups.push(payload.clone());
        record.files.extend(body.files);
        if record.original_pending {
            // After a defer the first follow-up replaces the "thinking" message and keeps its flags.
            let flags = record.original["flags"].as_u64().unwrap_or(0) & !128;
            let mut patch = payload;
            patch["flags"] = json!(flags);
            apply_edit(&mut record.original, &patch);
            record.original["edited_timestamp"] = Value::Null;
            record.original["attachments"] = message["attachments"].clone();
            record.original_pending = false;
            return Reply::json(200, record.original.clone());
        }
        record.followup_messages.push(message.clone());
        Reply::json(200, message)
    }

    fn webhook_message(&mut self, ctx: &RequestCtx<'_>, app: &str, token: &str, message: &str) -> Reply {
        let id = match self.interaction_for_webhook(ctx, app, token) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        let (patch, files) = if ctx.method == "PATCH" {
            let body = match self.body(ctx) {
                Ok(body) => body,
                Err(reply) => return reply,
            };
            let patch = body.json.clone().unwrap_or_else(|| json!({}));
            if let Err(reply) = self.check_outgoing(ctx, &patch, &body.files, false) {
                return reply;
            }
            (patch, body.files)
        } else {
            (Value::Null, Vec::new())
        };
        let Some(record) = self.interactions.get_mut(&id) else {
            return Reply::error(404, 10015, "Unknown Webhook");
        };
        let target = if message == "@original" {
            (!record.original.is_null()).then_some(&mut record.original)
        } else {
            record
                .followup_messages
                .iter_mut()
                .find(|m| m["id"].as_str() == Some(message))
        };
        let Some(target) = target else {
            return Reply::error(404, 10008, "Unknown Message");
        };
        match ctx.method {
            "GET" => Reply::json(200, target.clone()),
            "DELETE" => Reply::no_content(),
            _ => {
                if let Some(flags) = target["flags"].as_u64() {
                    target["flags"] = json!(flags & !128);
                }
                apply_edit(target, &patch);
                let response = target.clone();
                if message == "@original" {
                    record.edits.push(patch);
                    record.original_pending = false;
                }
                record.files.extend(files);
                Reply::json(200, response)
            }
        }
    }
}

fn failure_reply(status: u16) -> Reply {
    match status {
        400 => Reply::error(400, 50035, "Invalid Form Body"),
        401 => Reply::error(401, 0, "401: Unauthorized"),
        403 => Reply::error(403, 50001, "Missing Access"),
        404 => Reply::error(404, 10003, "Unknown Channel"),
        500 => Reply::error(500, 0, "500: Internal Server Error"),
        502..=504 => {
            let html = format!(
                "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
            );
            Reply {
                status,
                headers: Vec::new(),
                body: ReplyBody::Raw("text/html".into(), html.into_bytes()),
            }
        }
        _ => Reply::error(status, 0, &format!("{status}: Error")),
    }
}

fn rate_limit_headers(limit: u32, remaining: u32, reset_after: f64) -> Vec<(String, String)> {
    let reset_after = round3(reset_after);
    let reset = round3(Utc::now().timestamp_millis() as f64 / 1000.0 + reset_after);
    vec![
        ("x-ratelimit-limit".into(), limit.to_string()),
        ("x-ratelimit-remaining".into(), remaining.to_string()),
        ("x-ratelimit-reset".into(), format!("{reset:.3}")),
        ("x-ratelimit-reset-after".into(), format!("{reset_after:.3}")),
        ("x-ratelimit-bucket".into(), "80c17d2f203122d936070c88c8d10f33".into()),
    ]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

// ----- Discord's payload rules --------------------------------------------------------------------------

/// `(path, code, message)` as in Discord's nested `errors` object.
type FormError = (String, String, String);

fn form_errors(errors: &[FormError]) -> Value {
    let mut root = Map::new();
    for (path, code, message) in errors {
        let mut node = &mut root;
        for segment in path.split('.').filter(|s| !s.is_empty()) {
            let next = node.entry(segment.to_string()).or_insert_with(|| json!({}));
            if !next.is_object() {
                *next = json!({});
            }
            let Value::Object(map) = next else { unreachable!() };
            node = map;
        }
        let list = node.entry("_errors".to_string()).or_insert_with(|| json!([]));
        if let Value::Array(list) = list {
            list.push(json!({ "code": code, "message": message }));
        }
    }
    json!({ "code": 50035, "errors": root, "message": "Invalid Form Body" })
}

fn push(errors: &mut Vec<FormError>, path: String, code: &str, message: String) {
    errors.push((path, code.to_string(), message));
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Counts `s` in characters, as Discord does; records a max-length error.
fn max_len(errors: &mut Vec<FormError>, path: String, s: &str, max: usize) -> usize {
    let n = s.chars().count();
    if n > max {
        push(
            errors,
            path,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {max} or fewer in length."),
        );
    }
    n
}

fn check_url(errors: &mut Vec<FormError>, path: String, value: &Value, allow_attachment: bool) {
    let Some(url) = value.as_str() else {
        if !value.is_null() {
            push(errors, path, "BASE_TYPE_STRING", "Must be a string.".into());
        }
        return;
    };
    if url.chars().count() > 2048 {
        push(
            errors,
            path.clone(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 2048 or fewer in length.".into(),
        );
    }
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") => {}
        Some("attachment") if allow_attachment => {}
        Some(other) => push(
            errors,
            path,
            "URL_TYPE_INVALID_SCHEME",
            format!("Scheme \"{other}\" is not supported. Scheme must be one of ('http', 'https')."),
        ),
        None => push(errors, path, "URL_TYPE_INVALID_URL", "Not a well formed URL.".into()),
    }
}

/// Content, embeds, nonce and allowed_mentions of a message payload.
fn check_message_payload(p: &Value, errors: &mut Vec<FormError>) {
    match &p["content"] {
        Value::String(s) => {
            max_len(errors, "content".into(), s, 2000);
        }
        Value::Null => {}
        _ => push(errors, "content".into(), "BASE_TYPE_STRING", "Must be a string.".into()),
    }
    if let Some(embeds) = p["embeds"].as_array() {
        if embeds.len() > 10 {
            push(
                errors,
                "embeds".into(),
                "BASE_TYPE_MAX_LENGTH",
                "Must be 10 or fewer in length.".into(),
            );
        }
        let total: usize = embeds
            .iter()
            .enumerate()
            .map(|(i, e)| check_embed(e, &format!("embeds.{i}"), errors))
            .sum();
        if total > 6000 {
            push(
                errors,
                "embeds".into(),
                "MAX_EMBED_SIZE_EXCEEDED",
                "Embed size exceeds maximum size of 6000".into(),
            );
        }
    }
    match &p["nonce"] {
        Value::String(s) => {
            max_len(errors, "nonce".into(), s, 25);
        }
        Value::Number(_) | Value::Null => {}
        _ => push(
            errors,
            "nonce".into(),
            "BASE_TYPE_STRING",
            "Must be a string or integer.".into(),
        ),
    }
    if let Some(mentions) = p["allowed_mentions"].as_object() {
        let parse: Vec<&str> = mentions
            .get("parse")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (i, kind) in parse.iter().enumerate() {
            if !matches!(*kind, "roles" | "users" | "everyone") {
                push(
                    errors,
                    format!("allowed_mentions.parse.{i}"),
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {'roles', 'users', 'everyone'}.".into(),
                );
            }
        }
        for kind in ["users", "roles"] {
            let listed = mentions
                .get(kind)
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            if listed && parse.contains(&kind) {
                push(
                    errors,
                    "allowed_mentions".into(),
                    "ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    format!("parse:[\"{kind}\"] and {kind}: [ids...] are mutually exclusive."),
                );
            }
        }
    }
}

/// Checks one embed; returns its size in characters as Discord counts it.
fn check_embed(e: &Value, path: &str, errors: &mut Vec<FormError>) -> usize {
    let mut size = 0;
    if let Some(title) = e["title"].as_str() {
        size += max_len(errors, join(path, "title"), title, 256);
    }
    if let Some(description) = e["description"].as_str() {
        size += max_len(errors, join(path, "description"), description, 4096);
    }
    check_url(errors, join(path, "url"), &e["url"], false);
    if let Some(color) = e.get("color").filter(|c| !c.is_null())
        && color.as_u64().is_none_or(|c| c > 0xFF_FFFF)
    {
        push(
            errors,
            join(path, "color"),
            "NUMBER_TYPE_MAX",
            "int value should be less than or equal to 16777215.".into(),
        );
    }
    if let Some(timestamp) = e.get("timestamp").filter(|t| !t.is_null())
        && timestamp
            .as_str()
            .is_none_or(|t| DateTime::parse_from_rfc3339(t).is_err())
    {
        push(
            errors,
            join(path, "timestamp"),
            "DATE_TIME_TYPE_PARSE",
            format!("Could not parse {timestamp}. Should be ISO8601."),
        );
    }
    if let Some(fields) = e["fields"].as_array() {
        if fields.len() > 25 {
            push(
                errors,
                join(path, "fields"),
                "BASE_TYPE_MAX_LENGTH",
                "Must be 25 or fewer in length.".into(),
            );
        }
        for (i, field) in fields.iter().enumerate() {
            let fpath = format!("{path}.fields.{i}");
            for (key, max) in [("name", 256), ("value", 1024)] {
                match field[key].as_str() {
                    Some(s) if !s.is_empty() => size += max_len(errors, join(&fpath, key), s, max),
                    _ => push(
                        errors,
                        join(&fpath, key),
                        "BASE_TYPE_REQUIRED",
                        "This field is required".into(),
                    ),
                }
            }
        }
    }
    if e["footer"].is_object() {
        match e["footer"]["text"].as_str() {
            Some(text) if !text.is_empty() => size += max_len(errors, format!("{path}.footer.text"), text, 2048),
            _ => push(
                errors,
                format!("{path}.footer.text"),
                "BASE_TYPE_REQUIRED",
                "This field is required".into(),
            ),
        }
        check_url(
            errors,
            format!("{path}.footer.icon_url"),
            &e["footer"]["icon_url"],
            true,
        );
    }
    if e["author"].is_object() {
        match e["author"]["name"].as_str() {
            Some(name) if !name.is_empty() => size += max_len(errors, format!("{path}.author.name"), name, 256),
            _ => push(
                errors,
                format!("{path}.author.name"),
                "BASE_TYPE_REQUIRED",
                "This field is required".into(),
            ),
        }
        check_url(errors, format!("{path}.author.url"), &e["author"]["url"], false);
        check_url(
            errors,
            format!("{path}.author.icon_url"),
            &e["author"]["icon_url"],
            true,
        );
    }
    for key in ["image", "thumbnail"] {
        if e[key].is_object() {
            check_url(errors, format!("{path}.{key}.url"), &e[key]["url"], true);
        }
    }
    size
}

fn message_is_empty(p: &Value, files: &[UploadedFile]) -> bool {
    let has_content = p["content"].as_str().is_some_and(|c| !c.trim().is_empty());
    let nonempty = |key: &str| p[key].as_array().is_some_and(|a| !a.is_empty());
    !(has_content
        || nonempty("embeds")
        || nonempty("components")
        || nonempty("sticker_ids")
        || p["poll"].is_object()
        || !files.is_empty())
}

fn check_choices(choices: &Value, path: &str, errors: &mut Vec<FormError>) {
    let Some(choices) = choices.as_array() else { return };
    if choices.len() > 25 {
        push(
            errors,
            path.to_string(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.".into(),
        );
    }
    for (i, choice) in choices.iter().enumerate() {
        let cpath = format!("{path}.{i}");
        match choice["name"].as_str() {
            Some(name) if !name.is_empty() => {
                max_len(errors, join(&cpath, "name"), name, 100);
            }
            _ => push(
                errors,
                join(&cpath, "name"),
                "BASE_TYPE_REQUIRED",
                "This field is required".into(),
            ),
        }
        match &choice["value"] {
            Value::String(s) => {
                max_len(errors, join(&cpath, "value"), s, 100);
            }
            Value::Number(_) => {}
            _ => push(
                errors,
                join(&cpath, "value"),
                "BASE_TYPE_REQUIRED",
                "This field is required".into(),
            ),
        }
    }
}

fn valid_command_name(name: &str, chat_input: bool) -> bool {
    let n = name.chars().count();
    if !(1..=32).contains(&n) {
        return false;
    }
    !chat_input
        || name
            .chars()
            .all(|c| (c.is_alphanumeric() && !c.is_uppercase()) || c == '-' || c == '_')
}

/// Discord's rules for one application command.
fn check_command(c: &Value, path: &str, errors: &mut Vec<FormError>) {
    let kind = c["type"].as_u64().unwrap_or(1);
    let chat_input = kind == 1;
    let name = c["name"].as_str().unwrap_or_default();
    if !valid_command_name(name, chat_input) {
        push(
            errors,
            join(path, "name"),
            "APPLICATION_COMMAND_INVALID_NAME",
            format!("Command name {name:?} is invalid"),
        );
    }
    let description = c["description"].as_str().unwrap_or_default();
    let description_len = description.chars().count();
    if chat_input && !(1..=100).contains(&description_len) {
        push(
            errors,
            join(path, "description"),
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.".into(),
        );
    }
    if !chat_input && description_len > 0 {
        push(
            errors,
            join(path, "description"),
            "APPLICATION_COMMAND_INVALID_DESCRIPTION",
            "Context menu commands cannot have description".into(),
        );
    }
    let mut size = name.chars().count() + description_len;
    if let Some(options) = c["options"].as_array() {
        size += check_options(options, &join(path, "options"), 0, errors);
    }
    if size > 4000 {
        push(
            errors,
            path.to_string(),
            "APPLICATION_COMMAND_TOO_LARGE",
            "Command exceeds maximum size (4000)".into(),
        );
    }
}

/// Checks an options array; returns its size in characters.
fn check_options(options: &[Value], path: &str, depth: usize, errors: &mut Vec<FormError>) -> usize {
    if options.len() > 25 {
        push(
            errors,
            path.to_string(),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.".into(),
        );
    }
    let mut size = 0;
    let mut seen_optional = false;
    for (i, option) in options.iter().enumerate() {
        let opath = format!("{path}.{i}");
        let kind = option["type"].as_u64().unwrap_or(0);
        let name = option["name"].as_str().unwrap_or_default();
        if !valid_command_name(name, true) {
            push(
                errors,
                join(&opath, "name"),
                "APPLICATION_COMMAND_INVALID_NAME",
                format!("Option name {name:?} is invalid"),
            );
        }
        let description = option["description"].as_str().unwrap_or_default();
        let description_len = description.chars().count();
        if !(1..=100).contains(&description_len) {
            push(
                errors,
                join(&opath, "description"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.".into(),
            );
        }
        size += name.chars().count() + description_len;
        if !(1..=11).contains(&kind) {
            push(
                errors,
                join(&opath, "type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of (1, ..., 11).".into(),
            );
        }
        let required = option["required"].as_bool().unwrap_or(false);
        if required && seen_optional {
            push(
                errors,
                opath.clone(),
                "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                "Required options must be placed before non-required options".into(),
            );
        }
        seen_optional |= !required && kind > 2;
        if let Some(choices) = option["choices"].as_array() {
            check_choices(&option["choices"], &join(&opath, "choices"), errors);
            size += choices
                .iter()
                .map(|c| {
                    c["name"].as_str().map_or(0, |s| s.chars().count())
                        + c["value"].as_str().map_or(0, |s| s.chars().count())
                })
                .sum::<usize>();
            if option["autocomplete"].as_bool().unwrap_or(false) && !choices.is_empty() {
                push(
                    errors,
                    join(&opath, "autocomplete"),
                    "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES",
                    "Autocomplete cannot be set if there are choices present.".into(),
                );
            }
        }
        if matches!(kind, 1 | 2) {
            if depth >= 2 || (depth == 1 && kind == 2) {
                push(
                    errors,
                    join(&opath, "type"),
                    "APPLICATION_COMMAND_OPTION_NESTING",
                    "Subcommands nest too deep".into(),
                );
            }
            if let Some(nested) = option["options"].as_array() {
                if kind == 2 && nested.iter().any(|o| o["type"].as_u64() != Some(1)) {
                    push(
                        errors,
                        join(&opath, "options"),
                        "APPLICATION_COMMAND_OPTION_NESTING",
                        "A subcommand group may only contain subcommands".into(),
                    );
                }
                size += check_options(nested, &join(&opath, "options"), depth + 1, errors);
            }
        }
    }
    size
}

fn normalize_option(option: &mut Value) {
    let Some(obj) = option.as_object_mut() else { return };
    obj.entry("description").or_insert(json!(""));
    if let Some(options) = obj.get_mut("options").and_then(Value::as_array_mut) {
        options.iter_mut().for_each(normalize_option);
    }
}

// ----- JSON builders ------------------------------------------------------------------------------------

fn user_json(id: u64, username: &str) -> Value {
    json!({
        "id": id.to_string(),
        "username": username,
        "global_name": username,
        "discriminator": "0",
        "avatar": null,
        "public_flags": 0,
        "flags": 0,
        "avatar_decoration_data": null,
        "clan": null,
    })
}

fn member_json(invoker: &Invoker) -> Value {
    json!({
        "user": user_json(invoker.user_id, &invoker.username),
        "roles": invoker.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "nick": null,
        "avatar": null,
        "banner": null,
        "joined_at": "2024-03-05T18:22:41.123000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": invoker.permissions.to_string(),
        "communication_disabled_until": null,
        "unusual_dm_activity_until": null,
    })
}

fn channel_name(id: u64) -> String {
    match id {
        FakeDiscord::CHANNEL_ID => "ai-news".into(),
        FakeDiscord::DIGEST_CHANNEL_ID => "digest".into(),
        FakeDiscord::OTHER_CHANNEL_ID => "general".into(),
        _ => format!("channel-{}", id % 10_000),
    }
}

/// A guild text channel; `permissions` is set for interaction payloads.
fn channel_json(id: u64, permissions: Option<u64>) -> Value {
    let mut channel = json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": FakeDiscord::GUILD_ID.to_string(),
        "name": channel_name(id),
        "position": id % 10,
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "permission_overwrites": [],
        "flags": 0,
    });
    if let Some(permissions) = permissions {
        channel["permissions"] = json!(permissions.to_string());
    }
    channel
}

fn role_json(id: u64, name: &str, permissions: u64, position: u64) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

/// `data.resolved` for the user and channel options (recursively through subcommands).
fn resolve_options(options: &[Value]) -> Value {
    fn walk(options: &[Value], resolved: &mut Map<String, Value>) {
        for option in options {
            let id = option["value"].as_str().and_then(|v| v.parse::<u64>().ok());
            match (option["type"].as_u64(), id) {
                (Some(1 | 2), _) => walk(option["options"].as_array().map_or(&[][..], Vec::as_slice), resolved),
                (Some(6), Some(id)) => {
                    let user = user_json(id, &format!("user-{}", id % 10_000));
                    let member = json!({ "roles": [], "nick": null, "avatar": null, "joined_at": "2024-03-05T18:22:41.123000+00:00",
                                         "premium_since": null, "flags": 0, "pending": false, "permissions": perms::MEMBER.to_string(),
                                         "communication_disabled_until": null });
                    insert_resolved(resolved, "users", id, user);
                    insert_resolved(resolved, "members", id, member);
                }
                (Some(7), Some(id)) => insert_resolved(resolved, "channels", id, channel_json(id, Some(perms::MEMBER))),
                _ => {}
            }
        }
    }
    let mut resolved = Map::new();
    walk(options, &mut resolved);
    Value::Object(resolved)
}

fn insert_resolved(resolved: &mut Map<String, Value>, kind: &str, id: u64, value: Value) {
    let entry = resolved.entry(kind.to_string()).or_insert_with(|| json!({}));
    entry[id.to_string()] = value;
}

/// Visible text of a message object: content and embed titles, descriptions, fields, footers, authors.
fn message_text(message: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(content) = message["content"].as_str().filter(|c| !c.is_empty()) {
        parts.push(content.to_string());
    }
    for embed in message["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            if let Some(s) = embed[key].as_str() {
                parts.push(s.to_string());
            }
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            for key in ["name", "value"] {
                if let Some(s) = field[key].as_str() {
                    parts.push(s.to_string());
                }
            }
        }
        if let Some(s) = embed["footer"]["text"].as_str() {
            parts.push(s.to_string());
        }
        if let Some(s) = embed["author"]["name"].as_str() {
            parts.push(s.to_string());
        }
    }
    parts.join("\n")
}

fn now_timestamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, false)
}

fn snowflake_of(value: &Value) -> Option<u64> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn guess_content_type(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "opml" | "xml" => "text/xml; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

// ----- multipart ------------------------------------------------------------------------------------------

struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

fn multipart_boundary(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Minimal RFC 7578 parsing: enough for reqwest's forms.
fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let Some(mut at) = find(body, delimiter, 0) else {
        return parts;
    };
    loop {
        let start = at + delimiter.len();
        if body[start..].starts_with(b"--") {
            break;
        }
        let Some(next) = find(body, delimiter, start) else {
            break;
        };
        let mut segment = &body[start..next];
        segment = segment.strip_prefix(b"\r\n").unwrap_or(segment);
        segment = segment.strip_suffix(b"\r\n").unwrap_or(segment);
        if let Some(split) = find(segment, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&segment[..split]).to_string();
            let data = segment[split + 4..].to_vec();
            let mut name = String::new();
            let mut filename = None;
            let mut content_type = None;
            for line in head.lines() {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("content-disposition:") {
                    name = disposition_param(line, "name").unwrap_or_default();
                    filename = disposition_param(line, "filename");
                } else if lower.starts_with("content-type:") {
                    content_type = line.split_once(':').map(|(_, v)| v.trim().to_string());
                }
            }
            parts.push(Part {
                name,
                filename,
                content_type,
                data,
            });
        }
        at = next;
    }
    parts
}

fn disposition_param(line: &str, key: &str) -> Option<String> {
    line.split(';').map(str::trim).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

// ----- gateway --------------------------------------------------------------------------------------------

fn close_message(code: u16, reason: &str) -> WsMessage {
    WsMessage::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    }))
}

async fn serve_gateway_connection(shared: Arc<Shared>, stream: TcpStream) {
    let query = Arc::new(Mutex::new(String::new()));
    let seen = Arc::clone(&query);
    // The signature is tungstenite's `Callback`; its error type is not ours to shrink.
    #[allow(clippy::result_large_err)]
    let callback = move |request: &WsRequest, response: WsResponse| -> Result<WsResponse, ErrorResponse> {
        *seen.lock().unwrap_or_else(PoisonError::into_inner) = request.uri().query().unwrap_or_default().to_string();
        Ok(response)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let query = query.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<WsMessage>();
    let writer = tokio::spawn(async move {
        while let Some(message) = rx.recv().await {
            let closing = matches!(message, WsMessage::Close(_));
            if sink.send(message).await.is_err() || closing {
                break;
            }
        }
        // Flushes the reply to a client's close frame, which tungstenite queues while reading.
        let _ = sink.close().await;
    });
    let conn = {
        let mut inner = shared.lock();
        inner.gateway_connections += 1;
        inner.gateway_queries.push(query);
        let hello = json!({ "op": 10, "s": null, "t": null,
                            "d": { "heartbeat_interval": inner.heartbeat_interval_ms, "_trace": ["[\"gateway-prd-fake\"]"] } });
        let _ = tx.send(WsMessage::Text(hello.to_string()));
        inner.gateway_connections as u64
    };
    let mut identified = false;
    while let Some(frame) = source.next().await {
        match frame {
            Ok(WsMessage::Text(text)) => {
                let keep = gateway_op(&shared, conn, &tx, &text, &mut identified);
                shared.notify.notify_waiters();
                if !keep {
                    break;
                }
            }
            Ok(WsMessage::Binary(_)) => {
                shared.lock().closes_sent.push(4002);
                let _ = tx.send(close_message(4002, "Error while decoding payload."));
                break;
            }
            Ok(WsMessage::Close(_)) | Err(_) => break,
            Ok(_) => {}
        }
    }
    {
        let mut inner = shared.lock();
        if let Some(session) = inner.session.as_mut().filter(|s| s.conn == Some(conn)) {
            session.conn = None;
            session.tx = None;
        }
    }
    shared.notify.notify_waiters();
    drop(tx);
    let _ = writer.await;
}

/// Handles one client payload; false ends the connection.
fn gateway_op(
    shared: &Shared,
    conn: u64,
    tx: &mpsc::UnboundedSender<WsMessage>,
    text: &str,
    identified: &mut bool,
) -> bool {
    let mut inner = shared.lock();
    let close = |inner: &mut Inner, code: u16, reason: &str| {
        inner.closes_sent.push(code);
        let _ = tx.send(close_message(code, reason));
        true
    };
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        return close(&mut inner, 4002, "Error while decoding payload.");
    };
    let d = payload["d"].clone();
    match payload["op"].as_u64() {
        Some(1) => {
            inner.heartbeat_count += 1;
            let _ = tx.send(WsMessage::Text(
                json!({ "op": 11, "s": null, "t": null, "d": null }).to_string(),
            ));
            true
        }
        Some(2) => {
            if *identified {
                return close(&mut inner, 4005, "Already authenticated.");
            }
            inner.identify_count += 1;
            inner.identify = Some(d.clone());
            if d["token"].as_str().is_none_or(|t| t.trim().is_empty()) {
                return close(&mut inner, 4004, "Authentication failed.");
            }
            let Some(intents) = d["intents"].as_u64() else {
                return close(&mut inner, 4013, "Invalid intent(s).");
            };
            if intents & PRIVILEGED_INTENTS & !inner.allowed_privileged != 0 {
                return close(&mut inner, 4014, "Disallowed intent(s).");
            }
            *identified = true;
            let session_id = format!("{:032x}", fnv1a(format!("{conn}-{}", inner.identify_count).as_bytes()));
            inner.session = Some(Session {
                session_id: session_id.clone(),
                seq: 0,
                conn: Some(conn),
                tx: Some(tx.clone()),
            });
            let ready = ready_payload(&inner, &session_id, &d);
            inner.dispatch("READY", ready);
            if intents & 1 != 0 {
                let guild = guild_create_payload();
                inner.dispatch("GUILD_CREATE", guild);
            }
            true
        }
        Some(3) => {
            inner.presence_updates.push(d);
            true
        }
        Some(6) => {
            inner.resume_count += 1;
            let matches = inner
                .session
                .as_ref()
                .is_some_and(|s| Some(s.session_id.as_str()) == d["session_id"].as_str());
            if matches {
                *identified = true;
                if let Some(session) = inner.session.as_mut() {
                    session.conn = Some(conn);
                    session.tx = Some(tx.clone());
                }
                inner.dispatch("RESUMED", json!({ "_trace": ["[\"gateway-prd-fake\"]"] }));
            } else {
                let _ = tx.send(WsMessage::Text(
                    json!({ "op": 9, "s": null, "t": null, "d": false }).to_string(),
                ));
            }
            true
        }
        Some(4 | 8 | 31) if *identified => true,
        Some(_) if !*identified => close(&mut inner, 4003, "Not authenticated."),
        _ => close(&mut inner, 4001, "Unknown opcode."),
    }
}

fn ready_payload(inner: &Inner, session_id: &str, identify: &Value) -> Value {
    let mut ready = json!({
        "v": 10,
        "user": {
            "id": FakeDiscord::BOT_ID.to_string(),
            "username": FakeDiscord::BOT_NAME,
            "global_name": null,
            "discriminator": "4821",
            "avatar": null,
            "bot": true,
            "verified": true,
            "mfa_enabled": false,
            "email": null,
            "flags": 0,
        },
        "guilds": [{ "id": FakeDiscord::GUILD_ID.to_string(), "unavailable": true }],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": format!("ws://{}", inner.gateway_addr),
        "application": { "id": FakeDiscord::APP_ID.to_string(), "flags": 8_953_856 },
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["us-east", "us-central"],
        "user_settings": {},
        "_trace": ["[\"gateway-prd-fake\",{\"micros\":1234}]"],
    });
    if identify["shard"].is_array() {
        ready["shard"] = identify["shard"].clone();
    }
    ready
}

pub fn guild_create_payload() -> Value {
    let bot = Invoker {
        user_id: FakeDiscord::BOT_ID,
        username: FakeDiscord::BOT_NAME.into(),
        permissions: perms::BOT,
        roles: Vec::new(),
        channel_id: FakeDiscord::CHANNEL_ID,
    };
    let mut bot_member = member_json(&bot);
    bot_member["user"]["bot"] = json!(true);
    bot_member["user"]["discriminator"] = json!("4821");
    bot_member["user"]["global_name"] = Value::Null;
    if let Some(m) = bot_member.as_object_mut() {
        m.remove("permissions");
    }
    let mut guild = json!({
        "id": FakeDiscord::GUILD_ID.to_string(),
        "name": "Newsdesk Test Guild",
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": FakeDiscord::ADMIN_USER_ID.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [
            role_json(FakeDiscord::GUILD_ID, "@everyone", perms::MEMBER, 0),
            role_json(FakeDiscord::ADMIN_ROLE_ID, "Admin", perms::ADMINISTRATOR, 2),
            role_json(FakeDiscord::MANAGER_ROLE_ID, "Editors", perms::MANAGE_GUILD | perms::MANAGE_MESSAGES, 1),
        ],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": FakeDiscord::OTHER_CHANNEL_ID.to_string(),
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500_000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "nsfw": false,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
    });
    let state = json!({
        "joined_at": "2024-03-05T18:30:00.000000+00:00",
        "large": false,
        "unavailable": false,
        "member_count": 4,
        "voice_states": [],
        "members": [bot_member],
        "channels": [
            channel_json(FakeDiscord::CHANNEL_ID, None),
            channel_json(FakeDiscord::DIGEST_CHANNEL_ID, None),
            channel_json(FakeDiscord::OTHER_CHANNEL_ID, None),
        ],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "lazy": true,
    });
    if let (Some(guild), Value::Object(state)) = (guild.as_object_mut(), state) {
        guild.extend(state);
    }
    guild
}
