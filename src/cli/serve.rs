//! `newsdesk run` (the bot: Discord and/or Matrix, or the console when neither is configured) and
//! `newsdesk healthcheck` (the container's HEALTHCHECK).

use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use tokio::sync::watch;

use crate::app::App;
use crate::chat::{console, discord};
use crate::clock::Clock;
use crate::config::Settings;
use crate::metrics::Metrics;
use crate::ops::{self, Health};

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
                while !*stopped.borrow() {
                    if stopped.changed().await.is_err() {
                        break;
                    }
                }
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
    let result = if force_console || (!has_token && !has_matrix) {
        if !force_console {
            eprintln!(
                "No Discord token (NEWSDESK_DISCORD__TOKEN) or Matrix homeserver (matrix.homeserver_url) configured: \
                 running in console mode. Type commands like `/digest` or `/help`, one per line; end with Ctrl-D."
            );
        }
        let out: console::Output = Arc::new(Mutex::new(Box::new(std::io::stdout()) as Box<dyn Write + Send>));
        let input = tokio::io::BufReader::new(tokio::io::stdin());
        console::run(app.clone(), input, out, metrics, health, Clock::System, stopped.clone())
            .await
            .context("console input failed")
    } else if has_matrix {
        run_matrix(app, has_token, metrics, health, stopped.clone()).await
    } else {
        discord::run(app.clone(), metrics, health, Clock::System, stopped.clone())
            .await
            .context("the Discord bot stopped")
    };
    if let Some(task) = ops_task {
        task.abort();
    }
    result.map(|()| ExitCode::SUCCESS)
}

/// The Matrix bot, alone or beside the Discord bot: one scheduler posts through both.
#[cfg(feature = "matrix")]
async fn run_matrix(
    app: &App,
    with_discord: bool,
    metrics: Metrics,
    health: Health,
    stopped: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    use crate::chat::{Sinks, matrix};
    if !with_discord {
        return matrix::run(app.clone(), metrics, health, Clock::System, stopped)
            .await
            .context("the Matrix bot stopped");
    }
    let bot = matrix::connect(app, metrics.clone(), Clock::System)
        .await
        .context("cannot connect to Matrix")?;
    let sinks = Sinks::new().with(bot.sink());
    let mut matrix_task = tokio::spawn(bot.serve(None, stopped.clone()));
    let discord = discord::run_with_sinks(app.clone(), sinks, metrics, health, Clock::System, stopped.clone());
    tokio::pin!(discord);
    tokio::select! {
        result = &mut discord => {
            result.context("the Discord bot stopped")?;
            matrix_task.await.context("the Matrix bot ended abnormally")?.context("the Matrix bot stopped")
        }
        result = &mut matrix_task => {
            result.context("the Matrix bot ended abnormally")?.context("the Matrix bot stopped")?;
            // Both stop on the same signal; Matrix may simply be first.
            anyhow::ensure!(*stopped.borrow(), "the Matrix bot stopped before the Discord bot");
            discord.await.context("the Discord bot stopped")
        }
    }
}

#[cfg(not(feature = "matrix"))]
async fn run_matrix(
    _app: &App,
    _with_discord: bool,
    _metrics: Metrics,
    _health: Health,
    _stopped: watch::Receiver<bool>,
) -> anyhow::Result<()> {
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
