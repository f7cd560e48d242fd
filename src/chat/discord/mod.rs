//! The Discord adapter: slash commands through poise on serenity 0.12 (the only module that
//! imports them), and posting through [`rest::DiscordRest`].
//!
//! Every slash command turns its options into a [`Command`] and hands it to
//! [`commands::execute`]; the [`Reply`] becomes an interaction response (ephemeral where the
//! handler says so, deferred when the answer takes longer than Discord's patience, split into
//! several messages when it is long, never mentioning anyone). Slash commands are registered
//! in `discord.dev_guild` when set, globally otherwise, and only when their definition
//! changed since the last registration (Discord allows 200 creates a day).

pub mod rest;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use poise::serenity_prelude as serenity;
use sha2::{Digest as _, Sha256};
use tokio::sync::watch;

use crate::app::App;
use crate::chat::{Adapter, AdapterError, ChatSink};
use crate::clock::Clock;
use crate::commands::{self, Caller, Command, Mode, OpmlInput, Platform, Reply, SourcesAction, TopicsAction};
use crate::config::DISCORD_API_BASE;
use crate::digest::chart;
use crate::digest::render::discord::{DiscordMessage, Embed, digest_messages, text_chunks};
use crate::metrics::Metrics;
use crate::ops::Health;
use rest::{CHART_FILENAME, DiscordRest, RestError, USER_AGENT};

/// Discord's limit on a message's content.
const CONTENT_MAX: usize = 2_000;
/// Discord wants an interaction answered within 3 s; defer before that if still working.
const DEFER_AFTER: Duration = Duration::from_millis(1_500);
/// Largest OPML attachment read.
const MAX_OPML_BYTES: u32 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("no Discord token configured (set NEWSDESK_DISCORD__TOKEN)")]
    NoToken,
    #[error("discord.api_base {0:?} is not a valid URL")]
    ApiBase(String),
    #[error(transparent)]
    Rest(#[from] RestError),
    #[error("the Discord client failed: {0}")]
    Client(#[from] serenity::Error),
}

/// What every command handler can reach.
pub struct Data {
    app: App,
    metrics: Metrics,
    clock: Clock,
    /// `discord.operators`; the application's owner or team come from Discord at start.
    operators: HashSet<u64>,
}

type Error = Box<dyn std::error::Error + Send + Sync>;
type Context<'a> = poise::Context<'a, Data, Error>;

/// The connected Discord adapter: the REST client the scheduler posts through, and the
/// gateway client that answers slash commands.
pub struct DiscordBot {
    sink: Arc<DiscordRest>,
    client: serenity::Client,
    health: Health,
}

/// Builds the REST poster and the gateway client (commands registered on READY). Nothing
/// connects until [`Adapter::listen`].
pub async fn connect(app: &App, metrics: &Metrics, health: &Health, clock: Clock) -> Result<DiscordBot, DiscordError> {
    let settings = app.settings.discord.clone();
    let token = settings
        .token
        .clone()
        .filter(|t| !t.is_empty())
        .ok_or(DiscordError::NoToken)?;
    let rest = DiscordRest::new(&settings.api_base, token.clone(), USER_AGENT)?;

    let mut http = serenity::HttpBuilder::new(token.expose());
    if settings.api_base.trim_end_matches('/') != DISCORD_API_BASE {
        // Only tests point the API elsewhere. serenity reaches another host only through
        // its proxy setting, which it ignores while its own rate limiter is on; our REST
        // client and Discord's 429 answers still pace everything.
        let url = url::Url::parse(&settings.api_base).map_err(|_| DiscordError::ApiBase(settings.api_base.clone()))?;
        let origin = url.origin().ascii_serialization();
        http = http.proxy(origin).ratelimiter_disabled(true);
    }
    let http = http.build();

    let data = Data {
        app: app.clone(),
        metrics: metrics.clone(),
        clock,
        operators: settings.operators.iter().filter_map(|id| id.parse().ok()).collect(),
    };
    let dev_guild = settings.dev_guild;
    let ready_health = health.clone();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: all_commands(),
            on_error: |error| Box::pin(on_error(error)),
            // The application's owner, or its team's members, operate the bot.
            initialize_owners: true,
            event_handler: |ctx, event| Box::pin(on_event(ctx, event)),
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                ready_health.set_gateway_connected(Some(true));
                tracing::info!(guilds = ready.guilds.len(), "connected to Discord");
                note_guilds_left_while_away(&data, ready).await;
                if let Err(err) = register_commands(ctx, &data.app, framework, ready, dev_guild).await {
                    tracing::error!(error = %err, "registering slash commands failed");
                }
                Ok(data)
            })
        })
        .build();

    health.set_gateway_connected(Some(false));
    let client = serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
        .framework(framework)
        .await?;
    Ok(DiscordBot {
        sink: Arc::new(rest),
        client,
        health: health.clone(),
    })
}

impl Adapter for DiscordBot {
    fn sink(&self) -> Arc<dyn ChatSink> {
        self.sink.clone()
    }

    /// Runs the gateway until `stop` turns true (the scheduler has finished its post in
    /// flight by then), then disconnects.
    fn listen(self: Box<Self>, mut stop: watch::Receiver<bool>) -> BoxFuture<'static, Result<(), AdapterError>> {
        Box::pin(async move {
            let DiscordBot { mut client, health, .. } = *self;
            let shard_manager = Arc::clone(&client.shard_manager);
            let mut client_task = tokio::spawn(async move { client.start().await });
            let ended = tokio::select! {
                result = &mut client_task => Some(result),
                _ = stop.wait_for(|stop| *stop) => None,
            };
            shard_manager.shutdown_all().await;
            health.set_gateway_connected(Some(false));
            let result = match ended {
                Some(result) => result,
                None => client_task.await,
            };
            match result {
                Ok(Ok(())) => Ok(()),
                Ok(Err(err)) => Err(DiscordError::from(err).into()),
                Err(join) => {
                    tracing::error!(error = %join, "Discord client task ended abnormally");
                    Ok(())
                }
            }
        })
    }
}

/// Every slash command, in `/help` order. Reading commands are open to everyone; every
/// command that changes a server's desk is `/subscribe`, `/unsubscribe` or under `/manage`,
/// the three top-level commands that carry `default_member_permissions = MANAGE_GUILD`, so
/// members never see them in their picker (Discord applies that only to top-level commands).
pub fn all_commands() -> Vec<poise::Command<Data, Error>> {
    vec![
        digest(),
        latest(),
        search(),
        summarize(),
        topics(),
        sources(),
        subscriptions(),
        stats(),
        help(),
        subscribe(),
        unsubscribe(),
        manage(),
    ]
}

/// Discord's events besides commands: a guild that removed the bot pauses its subscriptions
/// (its data goes after `retention.left_server_days`), and a guild that has the bot again
/// gets them back.
async fn on_event(ctx: poise::FrameworkContext<'_, Data, Error>, event: &serenity::FullEvent) -> Result<(), Error> {
    let data = ctx.user_data;
    let now = data.clock.now();
    match event {
        // `unavailable` means an outage on Discord's side, not a removal.
        serenity::FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            let scope = guild_scope(incomplete.id);
            match data.app.store.mark_server_departed(&scope, now).await {
                Ok(paused) => tracing::info!(%scope, paused, "removed from a guild; its subscriptions are paused"),
                Err(err) => tracing::error!(%scope, error = %err, "cannot record leaving a guild"),
            }
        }
        serenity::FullEvent::GuildCreate { guild, .. } => {
            let scope = guild_scope(guild.id);
            match data.app.store.mark_server_present(&scope, now).await {
                Ok(true) => tracing::info!(%scope, "back in a guild; its subscriptions resume"),
                Ok(false) => {}
                Err(err) => tracing::error!(%scope, error = %err, "cannot record joining a guild"),
            }
        }
        _ => {}
    }
    Ok(())
}

fn guild_scope(guild: serenity::GuildId) -> String {
    format!("{}:{}", Platform::Discord.as_str(), guild.get())
}

/// READY lists every guild the bot is in; one we hold data for that is missing removed the
/// bot while it was offline (no GUILD_DELETE reached us). Only a bot running every shard in
/// this process sees the whole list.
async fn note_guilds_left_while_away(data: &Data, ready: &serenity::Ready) {
    if ready.shard.is_some_and(|shard| shard.total > 1) {
        return;
    }
    let present: HashSet<String> = ready.guilds.iter().map(|g| guild_scope(g.id)).collect();
    let known = match data.app.store.known_server_scopes(Platform::Discord.as_str()).await {
        Ok(known) => known,
        Err(err) => {
            tracing::error!(error = %err, "cannot list known guilds");
            return;
        }
    };
    let now = data.clock.now();
    for scope in known.into_iter().filter(|s| !present.contains(s)) {
        match data.app.store.departed_at(&scope).await {
            Ok(Some(_)) => {}
            Ok(None) => match data.app.store.mark_server_departed(&scope, now).await {
                Ok(paused) => tracing::info!(%scope, paused, "removed from a guild while offline"),
                Err(err) => tracing::error!(%scope, error = %err, "cannot record leaving a guild"),
            },
            Err(err) => tracing::error!(%scope, error = %err, "cannot read a guild's state"),
        }
    }
}

/// Registers the command set where configured, unless the same set was registered there
/// already (a hash of its definition is kept in the store).
async fn register_commands(
    ctx: &serenity::Context,
    app: &App,
    framework: &poise::Framework<Data, Error>,
    ready: &serenity::Ready,
    dev_guild: Option<u64>,
) -> Result<(), Error> {
    let definitions = poise::builtins::create_application_commands(&framework.options().commands);
    let json = serde_json::to_string(&definitions)?;
    let hash = hex::encode(Sha256::digest(json.as_bytes()));
    let place = match dev_guild {
        Some(guild) => format!("guild:{guild}"),
        None => "global".to_string(),
    };
    let key = format!("discord.commands.{}.{place}", ready.application.id);
    if app.store.kv_get(&key).await?.as_deref() == Some(hash.as_str()) {
        tracing::info!(%place, "slash commands unchanged; not registering");
        return Ok(());
    }
    match dev_guild {
        Some(guild) => {
            serenity::GuildId::new(guild).set_commands(ctx, definitions).await?;
        }
        None => {
            serenity::Command::set_global_commands(ctx, definitions).await?;
        }
    }
    app.store.kv_set(&key, &hash).await?;
    tracing::info!(%place, "slash commands registered");
    Ok(())
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, error = %error, "command failed");
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content("Something went wrong on our side (the error was logged). Please try again.")
                        .ephemeral(true)
                        .allowed_mentions(serenity::CreateAllowedMentions::new()),
                )
                .await;
        }
        poise::FrameworkError::ArgumentParse { error, input, ctx, .. } => {
            let text = match input {
                Some(input) => format!("Cannot read the option value {input:?}: {error}. See `/help`."),
                None => format!("Cannot read the options: {error}. See `/help`."),
            };
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content(text)
                        .ephemeral(true)
                        .allowed_mentions(serenity::CreateAllowedMentions::new()),
                )
                .await;
        }
        poise::FrameworkError::CommandStructureMismatch { ctx, description, .. } => {
            // Discord still has an older definition of this command (a registration is on its
            // way); say so rather than leave the user with "interaction failed".
            tracing::warn!(command = %ctx.command().qualified_name, %description, "command definition mismatch");
            let _ = poise::Context::Application(ctx)
                .send(
                    poise::CreateReply::default()
                        .content("This command was just updated; please run it again in a minute.")
                        .ephemeral(true)
                        .allowed_mentions(serenity::CreateAllowedMentions::new()),
                )
                .await;
        }
        other => {
            if let Err(err) = poise::builtins::on_error(other).await {
                tracing::error!(error = %err, "cannot report a framework error");
            }
        }
    }
}

/// Who is calling, from the interaction itself: admin means Administrator or Manage Server
/// in this channel, as Discord computed it for the member; operator means the application's
/// owner or team (from Discord) or one of `discord.operators`.
fn caller(ctx: Context<'_>) -> Caller {
    let author = ctx.author().id;
    let is_operator =
        ctx.framework().options().owners.contains(&author) || ctx.data().operators.contains(&author.get());
    let is_admin = match ctx {
        poise::Context::Application(actx) => actx
            .interaction
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.administrator() || p.manage_guild()),
        poise::Context::Prefix(_) => false,
    };
    Caller {
        platform: Platform::Discord,
        server: ctx.guild_id().map(|g| g.get().to_string()),
        channel: ctx.channel_id().get().to_string(),
        user: author.get().to_string(),
        is_admin,
        is_operator,
    }
}

/// Runs a command and sends its reply; defers first when the work outlasts [`DEFER_AFTER`].
async fn respond(ctx: Context<'_>, command: Command) -> Result<(), Error> {
    let started = Instant::now();
    let caller = caller(ctx);
    let name = command.name();
    let refused = command.needs_admin() && !caller.is_admin;
    // Deferring fixes the answer's visibility before the answer exists: use the one the
    // command will most likely want.
    let ephemeral_if_deferred = match &command {
        Command::Digest { public, .. } => !public,
        Command::Summarize { .. } | Command::Latest { .. } => false,
        _ => true,
    };
    let now = ctx.data().clock.now();
    let work = commands::execute(&ctx.data().app, &caller, command, now);
    tokio::pin!(work);
    let reply = tokio::select! {
        reply = &mut work => reply,
        _ = tokio::time::sleep(DEFER_AFTER) => {
            if ephemeral_if_deferred {
                ctx.defer_ephemeral().await?;
            } else {
                ctx.defer().await?;
            }
            work.await
        }
    };
    let outcome = if refused {
        "refused"
    } else if matches!(reply, Reply::Error { .. }) {
        "error"
    } else {
        "ok"
    };
    send_reply(ctx, &reply, now).await?;
    ctx.data().metrics.command(name, outcome, started.elapsed());
    Ok(())
}

fn no_mentions() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
        .all_users(false)
        .all_roles(false)
        .everyone(false)
}

async fn send_reply(ctx: Context<'_>, reply: &Reply, now: chrono::DateTime<chrono::Utc>) -> Result<(), Error> {
    let ephemeral = reply.is_ephemeral();
    match reply {
        Reply::Text { text, .. } | Reply::Error { text } => {
            let text = if matches!(reply, Reply::Error { .. }) {
                format!("⚠️ {text}")
            } else {
                text.clone()
            };
            for chunk in text_chunks(&text, CONTENT_MAX) {
                ctx.send(
                    poise::CreateReply::default()
                        .content(chunk)
                        .ephemeral(ephemeral)
                        .allowed_mentions(no_mentions()),
                )
                .await?;
            }
        }
        Reply::Digest { digest, .. } => {
            let chart_png = chart::png(digest).ok();
            for (i, message) in digest_messages(digest, now).iter().enumerate() {
                let mut create = to_reply(message).ephemeral(ephemeral).allowed_mentions(no_mentions());
                if i == 0
                    && let Some(png) = &chart_png
                {
                    create = create.attachment(serenity::CreateAttachment::bytes(png.clone(), CHART_FILENAME));
                }
                ctx.send(create).await?;
            }
        }
    }
    Ok(())
}

fn to_reply(message: &DiscordMessage) -> poise::CreateReply {
    let mut reply = poise::CreateReply::default();
    if !message.content.is_empty() {
        reply = reply.content(message.content.clone());
    }
    for embed in &message.embeds {
        reply = reply.embed(to_embed(embed));
    }
    reply
}

fn to_embed(embed: &Embed) -> serenity::CreateEmbed {
    let mut out = serenity::CreateEmbed::new();
    if let Some(title) = &embed.title {
        out = out.title(title);
    }
    if let Some(description) = &embed.description {
        out = out.description(description);
    }
    if let Some(url) = &embed.url {
        out = out.url(url);
    }
    if let Some(color) = embed.color {
        out = out.color(color);
    }
    for field in &embed.fields {
        out = out.field(&field.name, &field.value, field.inline);
    }
    if let Some(footer) = &embed.footer {
        out = out.footer(serenity::CreateEmbedFooter::new(&footer.text));
    }
    if let Some(author) = &embed.author {
        out = out.author(serenity::CreateEmbedAuthor::new(&author.name));
    }
    if let Some(timestamp) = embed
        .timestamp
        .as_deref()
        .and_then(|t| serenity::Timestamp::parse(t).ok())
    {
        out = out.timestamp(timestamp);
    }
    out
}

fn scope_of(ctx: Context<'_>) -> String {
    caller(ctx).scope()
}

async fn autocomplete_topic(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let scope = scope_of(ctx);
    let wanted = partial.trim().to_lowercase();
    let mut choices = Vec::new();
    if let Ok(index) = ctx.data().app.editor.topic_index().await {
        let mut rows: Vec<_> = index
            .visible(&scope)
            .filter(|t| t.slug.contains(&wanted) || t.name.to_lowercase().contains(&wanted))
            .collect();
        rows.sort_by(|a, b| a.slug.cmp(&b.slug));
        for row in rows.into_iter().take(25) {
            let label: String = format!("{} — {}", row.slug, row.name).chars().take(100).collect();
            choices.push(serenity::AutocompleteChoice::new(label, row.slug.clone()));
        }
    }
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Sources this server can see (global and its own), never another server's.
async fn autocomplete_source(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let scope = scope_of(ctx);
    let mut choices = Vec::new();
    if let Ok(rows) = ctx.data().app.store.source_choices(&scope, partial, 50).await {
        for (url, name) in rows
            .iter()
            // A choice's value is at most 100 characters; longer URLs are typed by hand.
            .filter(|(url, _)| url.chars().count() <= 100)
            .take(25)
        {
            let label: String = format!("{name} — {url}").chars().take(100).collect();
            choices.push(serenity::AutocompleteChoice::new(label, url.clone()));
        }
    }
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

async fn autocomplete_timezone(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let wanted = partial.trim().to_lowercase();
    let choices = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| name.to_lowercase().contains(&wanted))
        .take(25)
        .map(|name| serenity::AutocompleteChoice::new(name, name))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

#[derive(Debug, poise::ChoiceParameter)]
enum ModeChoice {
    #[name = "digest"]
    Digest,
    #[name = "instant"]
    Instant,
}

/// Subscribe a channel to a topic: a scheduled digest or instant alerts.
// A slash command's options are its parameters.
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn subscribe(
    ctx: Context<'_>,
    #[description = "Topic to receive"]
    #[autocomplete = "autocomplete_topic"]
    topic: String,
    #[description = "Channel to post in (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::ChannelId>,
    #[description = "digest (scheduled, default) or instant (each strong story)"] mode: Option<ModeChoice>,
    #[description = "e.g. daily 08:30, weekdays 09:00, weekly mon 09:00"] schedule: Option<String>,
    #[description = "IANA timezone, e.g. Europe/Berlin"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Minimum score out of 30 (default 15)"]
    #[min = 0]
    #[max = 30]
    min_score: Option<i64>,
    #[description = "Stories per digest (default 10)"]
    #[min = 1]
    #[max = 25]
    max_items: Option<i64>,
) -> Result<(), Error> {
    let command = Command::Subscribe {
        topic,
        channel: channel.map(|c| c.get().to_string()),
        mode: mode.map(|m| match m {
            ModeChoice::Digest => Mode::Digest,
            ModeChoice::Instant => Mode::Instant,
        }),
        schedule,
        timezone,
        min_score,
        max_items,
    };
    respond(ctx, command).await
}

/// Stop a channel's subscription to a topic.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn unsubscribe(
    ctx: Context<'_>,
    #[description = "Topic to stop"]
    #[autocomplete = "autocomplete_topic"]
    topic: String,
    #[description = "Channel (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    let command = Command::Unsubscribe {
        topic,
        channel: channel.map(|c| c.get().to_string()),
    };
    respond(ctx, command).await
}

/// What this server receives, where and when (and what is paused, and why).
#[poise::command(slash_command, guild_only)]
async fn subscriptions(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Subscriptions).await
}

/// The topics you can subscribe to.
#[poise::command(slash_command, guild_only)]
async fn topics(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Topics(TopicsAction::List)).await
}

/// What this server reads (🌐 global, 🏠 its own, 🔇 muted here) and each source's health.
#[poise::command(slash_command, guild_only)]
async fn sources(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Sources(SourcesAction::List)).await
}

/// Manage this server's news desk: sources, topics, settings (admins).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("manage_sources", "manage_topics", "manage_settings"),
    subcommand_required
)]
async fn manage(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// This server's sources: add, remove, import; mute a global one here.
#[poise::command(
    slash_command,
    guild_only,
    rename = "sources",
    subcommands("sources_add", "sources_remove", "sources_import", "sources_mute", "sources_unmute"),
    subcommand_required
)]
async fn manage_sources(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// This server's custom topics: create, edit, delete.
#[poise::command(
    slash_command,
    guild_only,
    rename = "topics",
    subcommands("topics_create", "topics_edit", "topics_delete"),
    subcommand_required
)]
async fn manage_topics(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Create a custom topic for this server.
#[poise::command(slash_command, guild_only, rename = "create")]
async fn topics_create(
    ctx: Context<'_>,
    #[description = "Short id: a-z, 0-9 and '-', e.g. robots"] slug: String,
    #[description = "Words or phrases articles must contain, comma-separated"] include: String,
    #[description = "Display name"] name: Option<String>,
    #[description = "Words that rule an article out, comma-separated"] exclude: Option<String>,
    #[description = "One line about the topic"] description: Option<String>,
) -> Result<(), Error> {
    let command = Command::Topics(TopicsAction::Create {
        slug,
        name,
        include,
        exclude,
        description,
    });
    respond(ctx, command).await
}

/// Change a custom topic.
#[poise::command(slash_command, guild_only, rename = "edit")]
async fn topics_edit(
    ctx: Context<'_>,
    #[description = "The custom topic"]
    #[autocomplete = "autocomplete_topic"]
    slug: String,
    #[description = "New display name"] name: Option<String>,
    #[description = "New include terms, comma-separated"] include: Option<String>,
    #[description = "New exclude terms, comma-separated"] exclude: Option<String>,
    #[description = "New description"] description: Option<String>,
) -> Result<(), Error> {
    let command = Command::Topics(TopicsAction::Edit {
        slug,
        name,
        include,
        exclude,
        description,
    });
    respond(ctx, command).await
}

/// Delete a custom topic.
#[poise::command(slash_command, guild_only, rename = "delete")]
async fn topics_delete(
    ctx: Context<'_>,
    #[description = "The custom topic"]
    #[autocomplete = "autocomplete_topic"]
    slug: String,
) -> Result<(), Error> {
    respond(ctx, Command::Topics(TopicsAction::Delete { slug })).await
}

/// Add a feed or podcast for this server.
#[poise::command(slash_command, guild_only, rename = "add")]
async fn sources_add(
    ctx: Context<'_>,
    #[description = "Feed URL (RSS, Atom or JSON Feed)"] url: String,
    #[description = "Display name"] name: Option<String>,
    #[description = "feed or podcast"] kind: Option<String>,
    #[description = "For every server using this bot (the bot's operator only)"] global: Option<bool>,
) -> Result<(), Error> {
    let global = global.unwrap_or(false);
    respond(
        ctx,
        Command::Sources(SourcesAction::Add {
            url,
            name,
            kind,
            global,
        }),
    )
    .await
}

/// Remove one of this server's sources.
#[poise::command(slash_command, guild_only, rename = "remove")]
async fn sources_remove(
    ctx: Context<'_>,
    #[description = "The source's URL"]
    #[autocomplete = "autocomplete_source"]
    url: String,
) -> Result<(), Error> {
    respond(ctx, Command::Sources(SourcesAction::Remove { url })).await
}

/// Stop a global source reaching this server (no other server is affected).
#[poise::command(slash_command, guild_only, rename = "mute")]
async fn sources_mute(
    ctx: Context<'_>,
    #[description = "The global source's URL"]
    #[autocomplete = "autocomplete_source"]
    url: String,
) -> Result<(), Error> {
    respond(ctx, Command::Sources(SourcesAction::Mute { url })).await
}

/// Read a muted global source again.
#[poise::command(slash_command, guild_only, rename = "unmute")]
async fn sources_unmute(
    ctx: Context<'_>,
    #[description = "The muted source's URL"]
    #[autocomplete = "autocomplete_source"]
    url: String,
) -> Result<(), Error> {
    respond(ctx, Command::Sources(SourcesAction::Unmute { url })).await
}

/// Import sources for this server from an OPML file.
#[poise::command(slash_command, guild_only, rename = "import")]
async fn sources_import(
    ctx: Context<'_>,
    #[description = "An .opml file"] file: Option<serenity::Attachment>,
    #[description = "Or the URL of one"] url: Option<String>,
    #[description = "For every server using this bot (the bot's operator only)"] global: Option<bool>,
) -> Result<(), Error> {
    let global = global.unwrap_or(false);
    let opml = match (file, url) {
        (Some(file), _) => {
            if file.size > MAX_OPML_BYTES {
                return refuse(
                    ctx,
                    format!(
                        "{} is {} bytes; OPML files up to 1 MiB are read",
                        file.filename, file.size
                    ),
                )
                .await;
            }
            if !caller(ctx).is_admin {
                // Refuse before downloading anything for a caller who may not import.
                return respond(
                    ctx,
                    Command::Sources(SourcesAction::Import {
                        opml: OpmlInput::Text(String::new()),
                        global,
                    }),
                )
                .await;
            }
            match file.download().await {
                Ok(bytes) => OpmlInput::Text(String::from_utf8_lossy(&bytes).into_owned()),
                Err(err) => return refuse(ctx, format!("cannot read the attachment {}: {err}", file.filename)).await,
            }
        }
        (None, Some(url)) => OpmlInput::Url(url),
        (None, None) => {
            return refuse(
                ctx,
                "attach an .opml file (`file:`) or give its address (`url:`)".to_string(),
            )
            .await;
        }
    };
    respond(ctx, Command::Sources(SourcesAction::Import { opml, global })).await
}

async fn refuse(ctx: Context<'_>, text: String) -> Result<(), Error> {
    send_reply(ctx, &Reply::error(text), ctx.data().clock.now()).await
}

/// A digest now (only you see it unless public is true).
#[poise::command(slash_command, guild_only)]
async fn digest(
    ctx: Context<'_>,
    #[description = "Only this topic"]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
    #[description = "Window in hours (default 24)"]
    #[min = 1]
    #[max = 168]
    hours: Option<i64>,
    #[description = "Post it for everyone in the channel"] public: Option<bool>,
) -> Result<(), Error> {
    let command = Command::Digest {
        topic,
        hours,
        public: public.unwrap_or(false),
    };
    respond(ctx, command).await
}

/// Search the archive.
#[poise::command(slash_command, guild_only)]
async fn search(
    ctx: Context<'_>,
    #[description = "Words or \"a phrase\""] query: String,
    #[description = "Only this topic"]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
    #[description = "Only the last N days"]
    #[min = 1]
    #[max = 3650]
    days: Option<i64>,
) -> Result<(), Error> {
    respond(ctx, Command::Search { query, topic, days }).await
}

/// The newest articles.
#[poise::command(slash_command, guild_only)]
async fn latest(
    ctx: Context<'_>,
    #[description = "Only this topic"]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
    #[description = "How many (default 5)"]
    #[min = 1]
    #[max = 20]
    count: Option<i64>,
) -> Result<(), Error> {
    respond(ctx, Command::Latest { topic, count }).await
}

/// Summarise one article or podcast page.
#[poise::command(slash_command, guild_only)]
async fn summarize(ctx: Context<'_>, #[description = "The page's URL"] url: String) -> Result<(), Error> {
    respond(ctx, Command::Summarize { url }).await
}

/// This server's defaults: timezone and minimum score.
#[poise::command(slash_command, guild_only, rename = "settings")]
async fn manage_settings(
    ctx: Context<'_>,
    #[description = "IANA timezone, e.g. Europe/Berlin"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Minimum score out of 30"]
    #[min = 0]
    #[max = 30]
    min_score: Option<i64>,
) -> Result<(), Error> {
    respond(ctx, Command::Settings { timezone, min_score }).await
}

/// Numbers: sources, articles, subscriptions, posts.
#[poise::command(slash_command, guild_only)]
async fn stats(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Stats).await
}

/// How to use newsdesk.
#[poise::command(slash_command)]
async fn help(ctx: Context<'_>) -> Result<(), Error> {
    respond(ctx, Command::Help).await
}
