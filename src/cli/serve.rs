//! `newsdesk run` (the bot: Discord and/or Matrix, or the console when neither is configured) and
//! `newsdesk healthcheck` (the container's HEALTHCHECK).

use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use tokio::sync::watch;

use tokio::task::JoinSet;

use crate::app::App;
use crate::chat::console::{self, Console};
use crate::chat::{Adapter, AdapterError, Sinks, discord};
use crate::clock::Clock;
use crate::config::Settings;
use crate::metrics::Metrics;
use crate::ops::{self, Health};
use crate::scheduler::Scheduler;

pub async fn run(app: &App, force_console: bool) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    app.editor.sync_topics(now).await.context("cannot load topics")?;
    let installed = app
        .ensure_sources(now)
        .await
        .context("cannot install the default sources")?;
    if installed > 0 {
        tracing::info!(sources = installed, "installed the default source pack");
    }
    let metrics = Metrics::new();
    let health = Health::new();
    let (stop, stopped) = watch::channel(false);

    let ops_task = match ops::bind(&app.settings.ops.listen).await? {
        Some(listener) => {
            tracing::info!(listen = %app.settings.ops.listen, "serving /healthz and /metrics");
            let mut stopped = stopped.clone();
            let shutdown = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            Some(tokio::spawn(ops::serve(
                listener,
                metrics.clone(),
                health.clone(),
                shutdown,
            )))
        }
        None => None,
    };
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutdown requested: finishing the post in flight");
        let _ = stop.send(true);
    });

    let has_token = app.settings.discord.token.as_ref().is_some_and(|t| !t.is_empty());
    let has_matrix = app.settings.matrix.enabled();
    let mut adapters: Vec<Box<dyn Adapter>> = Vec::new();
    if force_console || (!has_token && !has_matrix) {
        if !force_console {
            eprintln!(
                "No Discord token (NEWSDESK_DISCORD__TOKEN) or Matrix homeserver (matrix.homeserver_url) configured: \
                 running in console mode. Type commands like `/digest` or `/help`, one per line; end with Ctrl-D."
            );
        }
        let out: console::Output = Arc::new(Mutex::new(Box::new(std::io::stdout()) as Box<dyn Write + Send>));
        let input = Box::new(tokio::io::BufReader::new(tokio::io::stdin()));
        adapters.push(Box::new(Console::new(
            app.clone(),
            input,
            out,
            metrics.clone(),
            Clock::System,
        )));
    } else {
        if has_matrix {
            // With Discord beside it, `/healthz` follows the Discord gateway.
            let health = (!has_token).then(|| health.clone());
            adapters.push(matrix_adapter(app, &metrics, health).await?);
        }
        if has_token {
            let bot = discord::connect(app, &metrics, &health, Clock::System)
                .await
                .context("cannot start the Discord bot")?;
            adapters.push(Box::new(bot));
        }
    }
    let result = serve(app.clone(), adapters, metrics, health, Clock::System, stopped).await;
    if let Some(task) = ops_task {
        task.abort();
    }
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the adapters' listeners beside **one** scheduler posting through all their sinks,
/// until `shutdown` turns true or a listener ends on its own (the console's input ran out,
/// a gateway failed). Then the scheduler stops first — the post in flight finishes, no new
/// one starts — and the listeners after it. The first listener error is returned.
pub async fn serve(
    app: App,
    adapters: Vec<Box<dyn Adapter>>,
    metrics: Metrics,
    health: Health,
    clock: Clock,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), AdapterError> {
    let sinks = adapters
        .iter()
        .fold(Sinks::new(), |sinks, adapter| sinks.with(adapter.sink()));
    let scheduler = Scheduler::new(app, sinks, metrics, health, clock);
    let (stop_scheduler, scheduler_stop) = watch::channel(false);
    let scheduler_task = tokio::spawn(scheduler.run(scheduler_stop));
    let (stop_listeners, listeners_stop) = watch::channel(false);
    let mut listeners = JoinSet::new();
    for adapter in adapters {
        listeners.spawn(adapter.listen(listeners_stop.clone()));
    }

    let mut ended_first = None;
    tokio::select! {
        _ = shutdown.wait_for(|stop| *stop) => {}
        ended = listeners.join_next(), if !listeners.is_empty() => ended_first = ended,
    }
    let _ = stop_scheduler.send(true);
    if let Err(err) = scheduler_task.await {
        tracing::error!(error = %err, "scheduler task ended abnormally");
    }
    let _ = stop_listeners.send(true);
    let mut result = Ok(());
    let mut outcomes = Vec::new();
    outcomes.extend(ended_first);
    while let Some(ended) = listeners.join_next().await {
        outcomes.push(ended);
    }
    for ended in outcomes {
        match ended {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                if result.is_ok() {
                    result = Err(err);
                } else {
                    tracing::error!(error = %err, "another adapter failed too");
                }
            }
            Err(join) => tracing::error!(error = %join, "an adapter's listener ended abnormally"),
        }
    }
    result
}

/// The Discord bot alone, as `run` serves it when only a token is configured.
pub async fn serve_discord(
    app: App,
    metrics: Metrics,
    health: Health,
    clock: Clock,
    shutdown: watch::Receiver<bool>,
) -> Result<(), AdapterError> {
    let bot = discord::connect(&app, &metrics, &health, clock).await?;
    serve(app, vec![Box::new(bot)], metrics, health, clock, shutdown).await
}

/// The Matrix bot alone; `/healthz` follows the homeserver connection.
#[cfg(feature = "matrix")]
pub async fn serve_matrix(
    app: App,
    metrics: Metrics,
    health: Health,
    clock: Clock,
    shutdown: watch::Receiver<bool>,
) -> Result<(), AdapterError> {
    let bot = crate::chat::matrix::connect(&app, metrics.clone(), clock)
        .await?
        .follow_health(health.clone());
    serve(app, vec![Box::new(bot)], metrics, health, clock, shutdown).await
}

#[cfg(feature = "matrix")]
async fn matrix_adapter(app: &App, metrics: &Metrics, health: Option<Health>) -> anyhow::Result<Box<dyn Adapter>> {
    let bot = crate::chat::matrix::connect(app, metrics.clone(), Clock::System)
        .await
        .context("cannot connect to Matrix")?;
    Ok(Box::new(match health {
        Some(health) => bot.follow_health(health),
        None => bot,
    }))
}

#[cfg(not(feature = "matrix"))]
async fn matrix_adapter(_app: &App, _metrics: &Metrics, _health: Option<Health>) -> anyhow::Result<Box<dyn Adapter>> {
    anyhow::bail!(
        "matrix.homeserver_url is set, but this newsdesk was built without Matrix support: \
         build it with `cargo build --release --features matrix` (or remove the [matrix] settings)"
    )
}

/// Ctrl-C, or SIGTERM (what `docker stop` and systemd send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Exit 0 when the running bot's `/healthz` answers 200.
pub async fn healthcheck(settings: &Settings) -> anyhow::Result<ExitCode> {
    let listen = settings.ops.listen.trim();
    if listen.is_empty() {
        eprintln!("ops.listen is empty: the health endpoint is off");
        return Ok(ExitCode::FAILURE);
    }
    let addr: std::net::SocketAddr = listen.parse().context("ops.listen is not an address")?;
    // A server listening on every interface is reached on loopback.
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let url = if host.contains(':') {
        format!("http://[{host}]:{}/healthz", addr.port())
    } else {
        format!("http://{host}:{}/healthz", addr.port())
    };
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .context("cannot build an HTTP client")?;
    match client.get(&url).send().await {
        Ok(response) if response.status().is_success() => {
            println!("healthy");
            Ok(ExitCode::SUCCESS)
        }
        Ok(response) => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            eprintln!("unhealthy ({status}): {body}");
            Ok(ExitCode::FAILURE)
        }
        Err(err) => {
            eprintln!("cannot reach {url}: {err}");
            Ok(ExitCode::FAILURE)
        }
    }
}
