//! The Matrix adapter on matrix-sdk (the only module that imports it; behind the `matrix`
//! cargo feature). Commands are text, `!newsdesk <command> name:value …`, parsed into the
//! same [`Command`] as Discord's slash commands; replies and posts are `m.notice` messages
//! with HTML, which other bots by convention never answer.
//!
//! Start-up order matters: log in (or restore the kept session), run one sync *without*
//! handlers so the backlog of old messages is never answered after a restart, join the
//! invites that arrived while the bot was away, then attach the handlers and keep syncing.
//! Posts carry the delivery nonce as their transaction id: the homeserver recognises a
//! resend after a crash as the event it already has, as Discord does with `enforce_nonce`.

mod session;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use matrix_sdk::attachment::AttachmentConfig;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::Room;
use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::room::member::{MembershipState, OriginalSyncRoomMemberEvent, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
};
use matrix_sdk::ruma::events::room::power_levels::UserPowerLevel;
use matrix_sdk::ruma::{Int, OwnedRoomId, OwnedTransactionId, OwnedUserId, RoomId, UserId};
use matrix_sdk::{Client, RoomState};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::app::App;
use crate::chat::{Adapter, AdapterError, ChatSink, Post, PostContent, SinkError};
use crate::clock::Clock;
use crate::commands::parse::parse_command;
use crate::commands::{self, Caller, Command, Platform, Reply};
use crate::config::MatrixSettings;
use crate::digest::chart;
use crate::digest::render::matrix::{MatrixMessage, alert_message, digest_messages, reply_messages};
use crate::metrics::Metrics;
use crate::ops::Health;
use crate::store::StoreError;

/// What users type before a command.
pub const PREFIX: &str = "!newsdesk";
/// The chart's file name in the room.
const CHART_FILENAME: &str = "chart.png";
/// Attempts at joining a room after an invite (a fresh invite may not have reached every
/// worker of a large homeserver yet).
const JOIN_ATTEMPTS: u32 = 5;
/// How long shutdown waits for command replies that are still being written.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum MatrixError {
    #[error("matrix.homeserver_url is not set")]
    NotConfigured,
    #[error("matrix.homeserver_url {0:?} is not a valid URL")]
    HomeserverUrl(String),
    #[error("neither matrix.password nor matrix.access_token is set (NEWSDESK_MATRIX__PASSWORD)")]
    NoCredentials,
    #[error("cannot build the Matrix client: {0}")]
    Build(String),
    #[error("the Matrix login failed: {0}")]
    Login(String),
    #[error("the homeserver refused matrix.access_token: {0}")]
    Token(String),
    #[error("the first sync with the homeserver failed: {0}")]
    Sync(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A logged-in, synced bot whose handlers are attached; [`MatrixBot::serve`] keeps it
/// syncing. Its [`MatrixBot::sink`] posts for the scheduler.
pub struct MatrixBot {
    client: Client,
    handler: Arc<Handler>,
    next_batch: String,
    /// Where the sync token is kept between restarts.
    token_key: String,
    /// Follows the homeserver connection when set (Matrix as the only gateway).
    health: Option<Health>,
}

impl std::fmt::Debug for MatrixBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatrixBot")
            .field("user", &self.handler.own_user)
            .finish_non_exhaustive()
    }
}

/// Logs in, runs the first sync without handlers, joins pending invites and attaches the
/// handlers.
pub async fn connect(app: &App, metrics: Metrics, clock: Clock) -> Result<MatrixBot, MatrixError> {
    if !app.settings.matrix.enabled() {
        return Err(MatrixError::NotConfigured);
    }
    let client = session::login(app).await?;
    let own_user = client
        .user_id()
        .map(UserId::to_owned)
        .ok_or_else(|| MatrixError::Login("no user id after login".into()))?;
    // The backlog is read here with no handler attached: commands typed while the bot was
    // away, or answered before a restart, are never answered (again). After a restart the
    // sync starts from the kept token with the rooms' full state. Asking for a fresh initial
    // sync instead would be wrong within two minutes of the last start: Synapse answers the
    // same request from its response cache, with a token from before every event since.
    let token_key = session::sync_token_key(&app.settings.matrix);
    let mut first_settings = SyncSettings::default().timeout(Duration::ZERO);
    if let Some(token) = app.store.kv_get(&token_key).await? {
        first_settings = first_settings.token(token).full_state(true);
    }
    let first = client
        .sync_once(first_settings)
        .await
        .map_err(|err| MatrixError::Sync(err.to_string()))?;
    app.store.kv_set(&token_key, &first.next_batch).await?;
    tracing::info!(
        user = %own_user,
        rooms = client.joined_rooms().len(),
        invited = client.invited_rooms().len(),
        "connected to Matrix"
    );
    let handler = Arc::new(Handler {
        app: app.clone(),
        metrics,
        clock,
        settings: app.settings.matrix.clone(),
        own_user,
        tasks: Mutex::new(JoinSet::new()),
    });
    for room in client.invited_rooms() {
        match room.invite_details().await {
            Ok(invite) => handler.spawn(Handler::accept_invite(handler.clone(), room, invite.inviter_id)),
            Err(err) => tracing::warn!(room = %room.room_id(), error = %err, "cannot read a pending invite"),
        }
    }
    let on_invite = handler.clone();
    client.add_event_handler(move |event: StrippedRoomMemberEvent, room: Room| {
        let handler = on_invite.clone();
        async move {
            if event.state_key == handler.own_user && event.content.membership == MembershipState::Invite {
                handler.spawn(Handler::accept_invite(handler.clone(), room, event.sender));
            }
        }
    });
    let on_membership = handler.clone();
    client.add_event_handler(move |event: OriginalSyncRoomMemberEvent, room: Room| {
        let handler = on_membership.clone();
        async move {
            // A rejoined room's timeline can replay the old kick: only a room we are
            // still out of counts.
            if event.state_key == handler.own_user
                && matches!(event.content.membership, MembershipState::Leave | MembershipState::Ban)
                && room.state() != RoomState::Joined
            {
                handler.left_room(&room, &event.sender).await;
            }
        }
    });
    let on_message = handler.clone();
    client.add_event_handler(move |event: OriginalSyncRoomMessageEvent, room: Room| {
        let handler = on_message.clone();
        async move {
            if let Some(text) = handler.command_text(&event, &room) {
                handler.spawn(Handler::answer(handler.clone(), room, event.sender, text));
            }
        }
    });
    Ok(MatrixBot {
        client,
        handler,
        next_batch: first.next_batch,
        token_key,
        health: None,
    })
}

impl Adapter for MatrixBot {
    /// Posts for the scheduler, in the rooms the bot has joined.
    fn sink(&self) -> Arc<dyn ChatSink> {
        Arc::new(MatrixSink {
            client: self.client.clone(),
        })
    }

    fn listen(self: Box<Self>, stop: watch::Receiver<bool>) -> BoxFuture<'static, Result<(), AdapterError>> {
        Box::pin(async move {
            let health = self.health.clone();
            if let Some(health) = &health {
                health.set_gateway_connected(Some(true));
            }
            let result = self.serve(stop).await;
            if let Some(health) = &health {
                health.set_gateway_connected(Some(false));
            }
            result.map_err(AdapterError::from)
        })
    }
}

impl MatrixBot {
    /// Lets `/healthz` follow the homeserver connection (when Matrix is the only gateway).
    pub fn follow_health(mut self, health: Health) -> MatrixBot {
        self.health = Some(health);
        self
    }

    pub fn user_id(&self) -> &UserId {
        &self.handler.own_user
    }

    /// Syncs until `shutdown` turns true, backing off while the homeserver is unreachable;
    /// then waits (a bounded time) for replies still being written. `health`, when given,
    /// follows the connection.
    async fn serve(self, mut shutdown: watch::Receiver<bool>) -> Result<(), MatrixError> {
        let health = self.health.clone();
        let timeout = Duration::from_secs(self.handler.settings.sync_timeout_secs);
        let mut settings = SyncSettings::default().timeout(timeout).token(self.next_batch.clone());
        let mut backoff = Duration::from_secs(1);
        loop {
            let synced = tokio::select! {
                synced = self.client.sync_once(settings.clone()) => synced,
                _ = shutdown.wait_for(|stop| *stop) => break,
            };
            match synced {
                Ok(response) => {
                    if let Err(err) = self
                        .handler
                        .app
                        .store
                        .kv_set(&self.token_key, &response.next_batch)
                        .await
                    {
                        tracing::warn!(error = %err, "cannot keep the Matrix sync token");
                    }
                    settings = settings.token(response.next_batch);
                    backoff = Duration::from_secs(1);
                    if let Some(health) = &health {
                        health.set_gateway_connected(Some(true));
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, retry_in = ?backoff, "Matrix sync failed");
                    if let Some(health) = &health {
                        health.set_gateway_connected(Some(false));
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.wait_for(|stop| *stop) => break,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(60));
                }
            }
        }
        self.handler.drain().await;
        Ok(())
    }
}

/// Everything the event handlers reach.
struct Handler {
    app: App,
    metrics: Metrics,
    clock: Clock,
    settings: MatrixSettings,
    own_user: OwnedUserId,
    /// Replies and joins in progress; shutdown lets them finish.
    tasks: Mutex<JoinSet<()>>,
}

impl Handler {
    /// Work is spawned so a slow command (a digest preview) never holds up syncing.
    fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        if let Ok(mut tasks) = self.tasks.lock() {
            // Reap finished tasks so the set does not grow without bound.
            while tasks.try_join_next().is_some() {}
            tasks.spawn(work);
        }
    }

    async fn drain(&self) {
        let mut tasks = match self.tasks.lock() {
            Ok(mut tasks) => std::mem::take(&mut *tasks),
            Err(_) => return,
        };
        let all = async { while tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(DRAIN_TIMEOUT, all).await.is_err() {
            tracing::warn!("replies still unfinished at shutdown were dropped");
        }
    }

    /// The command text of a message meant for the bot: a text message (never a notice,
    /// the convention for bot output) from someone else in a joined room, starting with the
    /// prefix, and not an edit of an earlier message.
    fn command_text(&self, event: &OriginalSyncRoomMessageEvent, room: &Room) -> Option<String> {
        if room.state() != RoomState::Joined || event.sender == self.own_user {
            return None;
        }
        if matches!(event.content.relates_to, Some(Relation::Replacement(_))) {
            return None;
        }
        let MessageType::Text(text) = &event.content.msgtype else {
            return None;
        };
        let body = text.body.trim_start();
        let head = body.get(..PREFIX.len())?;
        let rest = &body[PREFIX.len()..];
        if head.eq_ignore_ascii_case(PREFIX) && (rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            Some(body.to_string())
        } else {
            None
        }
    }

    async fn accept_invite(self: Arc<Self>, room: Room, inviter: OwnedUserId) {
        let allowed = &self.settings.allowed_inviter_servers;
        let server = inviter.server_name().as_str().to_ascii_lowercase();
        if !allowed.is_empty() && !allowed.iter().any(|s| s.trim().eq_ignore_ascii_case(&server)) {
            tracing::info!(room = %room.room_id(), inviter = %inviter, "invite from a server not in matrix.allowed_inviter_servers: declined");
            if let Err(err) = room.leave().await {
                tracing::warn!(room = %room.room_id(), error = %err, "cannot decline the invite");
            }
            return;
        }
        let mut delay = Duration::from_secs(1);
        for attempt in 1..=JOIN_ATTEMPTS {
            match room.join().await {
                Ok(()) => {
                    tracing::info!(room = %room.room_id(), inviter = %inviter, "joined on invite");
                    // Invited back before the room's data was pruned: everything resumes.
                    match self
                        .app
                        .store
                        .mark_server_present(&room_scope(&room), self.clock.now())
                        .await
                    {
                        Ok(true) => tracing::info!(room = %room.room_id(), "back in a room; its subscriptions resume"),
                        Ok(false) => {}
                        Err(err) => {
                            tracing::error!(room = %room.room_id(), error = %err, "cannot record rejoining a room")
                        }
                    }
                    let encrypted = room
                        .latest_encryption_state()
                        .await
                        .is_ok_and(|state| state.is_encrypted());
                    let welcome = if encrypted {
                        "👋 newsdesk cannot work in this room: it is end-to-end encrypted, which newsdesk does not support. Invite it to an unencrypted room instead.".to_string()
                    } else {
                        format!(
                            "👋 newsdesk is here. Type `{PREFIX} help` for the commands; room admins (power level {} or more) can `{PREFIX} subscribe topic:agents schedule:\"daily 08:30\" timezone:Europe/Berlin`.",
                            self.settings.admin_power_level
                        )
                    };
                    self.send_reply(&room, &Reply::text(welcome), None).await;
                    return;
                }
                Err(err) if attempt < JOIN_ATTEMPTS => {
                    tracing::debug!(room = %room.room_id(), error = %err, attempt, "join failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                Err(err) => {
                    tracing::warn!(room = %room.room_id(), error = %err, "cannot join the room after an invite");
                }
            }
        }
    }

    /// Kicked, banned or gone: the room's subscriptions pause and its private sources stop
    /// being polled; its data goes after `retention.left_server_days` unless the bot is
    /// invited back.
    async fn left_room(&self, room: &Room, by: &UserId) {
        let scope = room_scope(room);
        match self.app.store.mark_server_departed(&scope, self.clock.now()).await {
            Ok(paused) => {
                tracing::info!(room = %room.room_id(), by = %by, paused, "left a room; its subscriptions are paused")
            }
            Err(err) => tracing::error!(room = %room.room_id(), error = %err, "cannot record leaving a room"),
        }
    }

    async fn answer(self: Arc<Self>, room: Room, sender: OwnedUserId, text: String) {
        let started = Instant::now();
        let now = self.clock.now();
        let command = match parse_command(&text) {
            Ok(command) => command,
            Err(err) => {
                let reply = Reply::error(matrix_syntax(&err.to_string()));
                self.send_reply(&room, &reply, None).await;
                self.metrics.command("unparsed", "error", started.elapsed());
                return;
            }
        };
        let name = command.name();
        let is_admin = self.is_admin(&room, &sender).await;
        let is_operator = self.settings.operators.iter().any(|op| op == sender.as_str());
        let caller = Caller {
            platform: Platform::Matrix,
            server: Some(room.room_id().to_string()),
            channel: room.room_id().to_string(),
            user: sender.to_string(),
            is_admin,
            is_operator,
        };
        let refused = command.needs_admin() && !is_admin;
        let reply = match self.other_room_refusal(&command, &room, &sender).await {
            Some(refusal) => refusal,
            None => {
                let slow = command.may_be_slow();
                if slow {
                    let _ = room.typing_notice(true).await;
                }
                let help = matches!(command, Command::Help);
                let mut reply = commands::execute(&self.app, &caller, command, now).await;
                if slow {
                    let _ = room.typing_notice(false).await;
                }
                if help && let Reply::Text { text, .. } = &mut reply {
                    *text = format!(
                        "In Matrix, type each command after `{PREFIX}`, options as `name:value` (quote values with spaces), e.g. `{PREFIX} digest topic:agents hours:48`. Admin commands need power level {} or more.\n\n{text}",
                        self.settings.admin_power_level
                    );
                }
                reply
            }
        };
        let outcome = if refused {
            "refused"
        } else if matches!(reply, Reply::Error { .. }) {
            "error"
        } else {
            "ok"
        };
        let reply = match reply {
            Reply::Text { text, ephemeral } => Reply::Text {
                text: matrix_syntax(&text),
                ephemeral,
            },
            Reply::Error { text } => Reply::Error {
                text: matrix_syntax(&text),
            },
            digest => digest,
        };
        self.send_reply(&room, &reply, Some(now)).await;
        self.metrics.command(name, outcome, started.elapsed());
    }

    /// Admin power level in `room`: the configured level or more (room creators count as
    /// infinitely powerful from room version 12 on).
    async fn is_admin(&self, room: &Room, user: &UserId) -> bool {
        match room.get_member(user).await {
            Ok(Some(member)) => {
                member.power_level() >= UserPowerLevel::Int(Int::new_saturating(self.settings.admin_power_level))
            }
            Ok(None) => false,
            Err(err) => {
                tracing::warn!(room = %room.room_id(), error = %err, "cannot read power levels; treating the sender as a member");
                false
            }
        }
    }

    /// A subscription for another room (`channel:!id:server`) needs the bot in that room
    /// and the caller an admin there too, or anyone could fill any room with digests.
    async fn other_room_refusal(&self, command: &Command, room: &Room, sender: &UserId) -> Option<Reply> {
        let channel = match command {
            Command::Subscribe { channel, .. } | Command::Unsubscribe { channel, .. } => channel.as_deref(),
            _ => None,
        }?
        .trim();
        if channel.is_empty() || channel == room.room_id().as_str() {
            return None;
        }
        let Ok(other_id) = <&RoomId>::try_from(channel) else {
            // The handler names the bad value and the fix.
            return None;
        };
        let Some(other) = room
            .client()
            .get_room(other_id)
            .filter(|r| r.state() == RoomState::Joined)
        else {
            return Some(Reply::error(format!(
                "channel:{channel} is not a room I am in; invite me there first, or leave `channel:` out for this room"
            )));
        };
        if !self.is_admin(&other, sender).await {
            return Some(Reply::error(format!(
                "you need power level {} in {channel} to manage its subscriptions",
                self.settings.admin_power_level
            )));
        }
        None
    }

    /// Sends a reply as notices; failures are logged (the room may have gone).
    async fn send_reply(&self, room: &Room, reply: &Reply, now: Option<chrono::DateTime<chrono::Utc>>) {
        let now = now.unwrap_or_else(|| self.clock.now());
        let (messages, chart_png) = match reply {
            Reply::Text { text, .. } => (reply_messages(text), None),
            Reply::Error { text } => (reply_messages(&format!("⚠️ {text}")), None),
            Reply::Digest { digest, .. } => (digest_messages(digest, now), chart::png(digest).ok()),
        };
        for (i, message) in messages.iter().enumerate() {
            if let Err(err) = room.send(notice(message)).await {
                tracing::warn!(room = %room.room_id(), error = %err, "cannot send a reply");
                return;
            }
            if i == 0
                && let Some(png) = &chart_png
                && let Err(err) = send_chart(room, png.clone(), None).await
            {
                tracing::warn!(room = %room.room_id(), error = %err, "cannot upload the chart");
            }
        }
    }
}

/// The scope a room's sources, topics and settings live in (as [`Caller::scope`] makes it).
fn room_scope(room: &Room) -> String {
    Platform::Matrix.server_scope(room.room_id().as_str())
}

/// Replies quote commands in their slash form (`/subscribe`); in Matrix the same command
/// follows the prefix.
fn matrix_syntax(message: &str) -> String {
    message.replace("`/", &format!("`{PREFIX} "))
}

/// An `m.notice` with HTML that mentions nobody: the empty `m.mentions` tells clients that
/// follow intentional mentions not to ping on names or `@room` in the text.
fn notice(message: &MatrixMessage) -> RoomMessageEventContent {
    RoomMessageEventContent::notice_html(message.body.clone(), message.html.clone()).add_mentions(Mentions::new())
}

async fn send_chart(room: &Room, png: Vec<u8>, txn_id: Option<OwnedTransactionId>) -> Result<(), matrix_sdk::Error> {
    let mut config = AttachmentConfig::new().mentions(Some(Mentions::new()));
    if let Some(txn_id) = txn_id {
        config = config.txn_id(txn_id);
    }
    room.send_attachment(CHART_FILENAME, &mime::IMAGE_PNG, png, config)
        .await
        .map(|_| ())
}

/// Posts for the scheduler into joined rooms; the channel is the room id.
struct MatrixSink {
    client: Client,
}

impl MatrixSink {
    fn room(&self, channel: &str) -> Result<Room, SinkError> {
        let room_id = OwnedRoomId::try_from(channel)
            .map_err(|_| SinkError::NotFound(format!("{channel:?} is not a Matrix room id")))?;
        match self.client.get_room(&room_id) {
            // Without end-to-end encryption in this build a post would go out in clear text
            // into a room whose members expect otherwise.
            Some(room) if room.state() == RoomState::Joined && room.encryption_state().is_encrypted() => {
                Err(SinkError::Forbidden(
                    "the room is end-to-end encrypted, which newsdesk does not support; use an unencrypted room".into(),
                ))
            }
            Some(room) if room.state() == RoomState::Joined => Ok(room),
            Some(room) if room.state() == RoomState::Banned => {
                Err(SinkError::Forbidden("the bot was banned from this room".into()))
            }
            _ => Err(SinkError::Forbidden(
                "the bot is not in this room (it was kicked or left); invite it again and re-subscribe".into(),
            )),
        }
    }
}

impl ChatSink for MatrixSink {
    fn platform(&self) -> Platform {
        Platform::Matrix
    }

    fn post<'a>(&'a self, channel: &'a str, post: &'a Post) -> BoxFuture<'a, Result<Vec<String>, SinkError>> {
        Box::pin(async move {
            let room = self.room(channel)?;
            let mut ids = Vec::new();
            match &post.content {
                PostContent::Digest(edition) => {
                    for (i, message) in edition.matrix_messages().iter().enumerate() {
                        let txn_id = OwnedTransactionId::from(format!("{}.{i}", post.nonce));
                        let sent = room
                            .send(notice(message))
                            .with_transaction_id(txn_id)
                            .await
                            .map_err(sink_error)?;
                        ids.push(sent.response.event_id.to_string());
                        if i == 0
                            && let Some(png) = edition.chart_png()
                        {
                            let txn_id = OwnedTransactionId::from(format!("{}.chart", post.nonce));
                            // A chart that cannot be uploaded is not worth losing the digest.
                            if let Err(err) = send_chart(&room, png.to_vec(), Some(txn_id)).await {
                                let err = sink_error(err);
                                if err.pauses() {
                                    return Err(err);
                                }
                                tracing::warn!(room = %channel, error = %err, "cannot upload the chart");
                            }
                        }
                    }
                }
                PostContent::Alert { item, topic } => {
                    let message = alert_message(item, topic.as_ref(), post.now);
                    let txn_id = OwnedTransactionId::from(post.nonce.clone());
                    let sent = room
                        .send(notice(&message))
                        .with_transaction_id(txn_id)
                        .await
                        .map_err(sink_error)?;
                    ids.push(sent.response.event_id.to_string());
                }
            }
            Ok(ids)
        })
    }
}

/// The room-level refusals pause the subscription; rate limits and network trouble retry.
fn sink_error(err: matrix_sdk::Error) -> SinkError {
    let text = err.to_string();
    match err.client_api_error_kind() {
        Some(ErrorKind::Forbidden) => SinkError::Forbidden(text),
        Some(ErrorKind::NotFound) => SinkError::NotFound(text),
        Some(ErrorKind::LimitExceeded(limit)) => {
            let wait = match limit.retry_after {
                Some(RetryAfter::Delay(delay)) => delay,
                Some(RetryAfter::DateTime(at)) => at
                    .duration_since(std::time::SystemTime::now())
                    .unwrap_or(Duration::from_secs(1)),
                None => Duration::from_secs(5),
            };
            SinkError::RateLimited(wait)
        }
        Some(_) => SinkError::Rejected(text),
        None => SinkError::Transient(text),
    }
}
