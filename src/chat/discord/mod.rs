//! The Discord adapter: slash commands through poise on serenity 0.12 (the only module that
//! imports them), and posting through [`rest::DiscordRest`].
//!
//! Every slash command turns its options into a [`Command`] and hands it to
//! [`commands::execute`]; the [`Reply`] becomes an interaction response (ephemeral where the
//! handler says so, deferred when the answer takes longer than Discord's patience, split into
//! several messages when it is long, never mentioning anyone). Slash commands are registered
//! in `discord.dev_guild` when set, globally otherwise, and only when their definition
//! changed since the last registration (Discord allows 200 creates a day).

mod interaction;
pub mod rest;
mod slash;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use poise::serenity_prelude as serenity;
use sha2::{Digest as _, Sha256};
use tokio::sync::watch;

use crate::app::App;
use crate::chat::{Adapter, AdapterError, ChatSink};
use crate::clock::Clock;
use crate::commands::{Caller, Command, Mode, OpmlInput, Platform, Reply, SourcesAction, TopicsAction};
use crate::config::DISCORD_API_BASE;
use crate::digest::chart;
use crate::metrics::Metrics;
use crate::ops::Health;
use interaction::on_error;
use rest::{DiscordRest, RestError, USER_AGENT};
pub use slash::all_commands;

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
    Platform::Discord.server_scope(&guild.get().to_string())
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
