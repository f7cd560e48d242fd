//! The command-line surface: argument parsing (clap) and the human / JSON output of each
//! command. Work is delegated to [`crate::app::App`]; this module only formats.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

mod editorial;
pub mod serve;

use crate::app::App;
use crate::config::Settings;
use crate::domain::{SourceKind, SourceStatus};
use crate::poller::{PollResult, SourceOutcome};
use crate::store::{GLOBAL_SCOPE, SearchHit, SourceRow, StoreError, Unlinked};

/// newsdesk: an AI-news desk for Discord servers and Matrix rooms.
#[derive(Debug, Parser)]
#[command(name = "newsdesk", version, about, propagate_version = true)]
pub struct Cli {
    /// Config file (default: $NEWSDESK_CONFIG, else ./newsdesk.toml when present).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot: Discord when a token is configured, else the console (commands on stdin).
    Run {
        /// Use the console even when a Discord token is configured.
        #[arg(long)]
        console: bool,
    },
    /// Exit 0 when the running bot's /healthz answers (for container health checks).
    Healthcheck,
    /// Poll every due source once and store new articles.
    Fetch,
    /// Fetch due sources, then print the digest of the window (default: the last 24 hours).
    Digest(editorial::DigestArgs),
    /// Summarise one article or episode transcript: a file or an http(s) URL.
    Summarize(editorial::SummarizeArgs),
    /// List and manage topics.
    #[command(subcommand)]
    Topics(editorial::TopicsCommand),
    /// Manage the sources newsdesk polls.
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// Search stored articles (full text, best matches first).
    Search {
        /// Words or "quoted phrases"; all must match.
        query: String,
        /// Only articles published in the last N days.
        #[arg(long, value_name = "N")]
        days: Option<u32>,
        /// At most N results.
        #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=500))]
        limit: u32,
        /// Print a JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Add a feed or podcast by URL.
    Add {
        url: String,
        /// feed or podcast (podcasts are also detected on the first poll).
        #[arg(long, value_parser = parse_kind)]
        kind: Option<SourceKind>,
        /// Display name (default: the feed's own title).
        #[arg(long)]
        name: Option<String>,
    },
    /// List sources with their health.
    List {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove a source and the articles stored from it.
    Remove { url: String },
    /// Re-enable a disabled source and poll it on the next fetch.
    Enable { url: String },
    /// Add every feed of an OPML file.
    Import {
        #[arg(value_name = "FILE.opml")]
        file: PathBuf,
    },
    /// Print all sources as OPML.
    Export,
    /// Add the curated default AI source pack.
    AddDefaults,
}

fn parse_kind(text: &str) -> Result<SourceKind, String> {
    text.parse()
}

/// Logs go to stderr; stdout carries only command output. `run` is a service: it logs at
/// info level unless told otherwise.
pub fn init_tracing(cli: &Cli, settings: Option<&Settings>) {
    let mut verbosity = cli.verbose;
    if matches!(cli.command, Command::Run { .. }) {
        verbosity = verbosity.max(1);
    }
    let format = settings.and_then(|s| s.ops.log_format.parse().ok()).unwrap_or_default();
    crate::telemetry::init(verbosity, format);
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(err) => {
            init_tracing(&cli, None);
            return Err(err.into());
        }
    };
    init_tracing(&cli, Some(&settings));
    if matches!(cli.command, Command::Healthcheck) {
        return serve::healthcheck(&settings).await;
    }
    let app = App::build(settings).await.context("cannot start newsdesk")?;
    let result = dispatch(&app, cli.command).await;
    app.store.close().await;
    result
}

async fn dispatch(app: &App, command: Command) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    match command {
        Command::Run { console } => serve::run(app, console).await,
        Command::Healthcheck => serve::healthcheck(&app.settings).await,
        Command::Fetch => fetch(app, now).await,
        Command::Digest(args) => editorial::digest(app, args, now).await,
        Command::Summarize(args) => editorial::summarize(app, args).await,
        Command::Topics(command) => editorial::topics(app, command, now).await,
        Command::Sources(sub) => sources(app, sub, now).await,
        Command::Search {
            query,
            days,
            limit,
            json,
        } => {
            let hits = app.search(&query, days, limit, now).await?;
            if json {
                print_json(&hits.iter().map(SearchHitJson::from).collect::<Vec<_>>())?;
            } else if hits.is_empty() {
                println!("No articles match {query:?}.");
            } else {
                for (i, hit) in hits.iter().enumerate() {
                    println!("{:>2}. {}", i + 1, hit.title);
                    println!("    {} · {}", hit.source, hit.published_at.format("%Y-%m-%d %H:%M UTC"));
                    if let Some(url) = &hit.url {
                        println!("    {url}");
                    }
                    println!("    {}", hit.snippet.replace('\n', " "));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn fetch(app: &App, now: DateTime<Utc>) -> anyhow::Result<ExitCode> {
    let installed = app.ensure_sources(now).await?;
    if installed > 0 {
        println!("No sources yet: installed the default AI source pack ({installed} sources).");
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} sources {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let summary = app
        .poller
        .poll_due(
            now,
            |due| bar.set_length(due as u64),
            |outcome| {
                bar.inc(1);
                bar.suspend(|| println!("{}", outcome_line(outcome)));
            },
        )
        .await?;
    bar.finish_and_clear();
    if summary.sources == 0 {
        let next = app
            .store
            .list_sources()
            .await?
            .into_iter()
            .filter(|s| s.disabled_at.is_none())
            .map(|s| s.next_poll_at)
            .min();
        match next {
            Some(at) => println!(
                "No source is due; the next one is due at {}.",
                at.format("%Y-%m-%d %H:%M UTC")
            ),
            None => println!("No sources to poll. Add one with `newsdesk sources add URL`."),
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} source{} polled: {} ok ({} not modified), {} failed; {} new article{}.",
        summary.sources,
        plural(summary.sources),
        summary.ok,
        summary.not_modified,
        summary.failed,
        summary.new_articles,
        plural(summary.new_articles)
    );
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn outcome_line(outcome: &SourceOutcome) -> String {
    match &outcome.result {
        PollResult::NotModified => format!("= {} — not modified ({})", outcome.name, outcome.url),
        PollResult::Fetched {
            items,
            new,
            duplicates,
            transcripts,
            full_texts,
            ..
        } => {
            let mut line = format!("✓ {} — {new} new of {items}", outcome.name);
            if *duplicates > 0 {
                line.push_str(&format!(", {duplicates} already from another source"));
            }
            if *full_texts > 0 {
                line.push_str(&format!(", {full_texts} full text{}", plural(*full_texts)));
            }
            if *transcripts > 0 {
                line.push_str(&format!(", {transcripts} transcript{}", plural(*transcripts)));
            }
            line.push_str(&format!(" ({})", outcome.url));
            line
        }
        PollResult::Failed {
            class,
            message,
            failures,
            disabled,
        } => {
            let next = if *disabled {
                "disabled after a day of failures; `newsdesk sources enable URL` to retry".to_string()
            } else {
                format!("retry after {}", outcome.next_poll_at.format("%Y-%m-%d %H:%M UTC"))
            };
            format!(
                "✗ {} — {class}: {message} (failure {failures}; {next}) ({})",
                outcome.name, outcome.url
            )
        }
    }
}

async fn sources(app: &App, command: SourcesCommand, now: DateTime<Utc>) -> anyhow::Result<ExitCode> {
    match command {
        SourcesCommand::Add { url, kind, name } => {
            match app.add_source(&url, kind, name, Some("cli".into()), now).await {
                Ok(row) => {
                    println!(
                        "Added {} ({}) — it will be polled on the next fetch.",
                        row.url, row.kind
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        SourcesCommand::List { json } => {
            let rows = app.store.list_sources().await?;
            if json {
                print_json(&rows.iter().map(SourceJson::from).collect::<Vec<_>>())?;
            } else if rows.is_empty() {
                println!("No sources yet. Add one with `newsdesk sources add URL` or `newsdesk sources add-defaults`.");
            } else {
                for row in &rows {
                    println!("{}", source_line(row));
                }
                println!("{} source{}.", rows.len(), plural(rows.len()));
            }
            Ok(ExitCode::SUCCESS)
        }
        SourcesCommand::Remove { url } => {
            // The command line is the operator: it removes the global link. Servers that
            // added the same feed for themselves keep it (and its articles).
            let canonical = canonical_source_url(&url);
            let removed = match app.store.source_links(&canonical).await? {
                Some(links) if links.is_global() => app
                    .store
                    .unlink_source(links.source_id, GLOBAL_SCOPE)
                    .await
                    .map(|outcome| outcome.unwrap_or(Unlinked::StillUsed { other_scopes: 0 })),
                Some(links) => {
                    eprintln!(
                        "error: {canonical} is not a global source; {} server(s) added it for themselves and manage it",
                        links.scopes.len()
                    );
                    return Ok(ExitCode::FAILURE);
                }
                None => Err(StoreError::NoSuchSource(canonical.clone())),
            };
            report_source_change(removed, |outcome| match outcome {
                Unlinked::SourceDeleted { articles } => format!(
                    "Removed {canonical} and its {articles} article{}.",
                    plural(articles as usize)
                ),
                Unlinked::StillUsed { other_scopes } => format!(
                    "Removed {canonical} from the global sources; {other_scopes} server(s) still read it as their own, so it is still polled and its articles stay."
                ),
            })
        }
        SourcesCommand::Enable { url } => {
            let canonical = canonical_source_url(&url);
            let enabled = app.store.enable_source(&canonical, now).await;
            report_source_change(enabled, |()| {
                format!("Enabled {canonical}; it will be polled on the next fetch.")
            })
        }
        SourcesCommand::Import { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let report = match app.import_opml(&text, now).await {
                Ok(report) => report,
                Err(crate::app::ImportError::Opml(err)) => {
                    eprintln!("error: {}: {err}", file.display());
                    return Ok(ExitCode::FAILURE);
                }
                Err(err) => return Err(err.into()),
            };
            for (url, why) in &report.refused {
                eprintln!("skipped {url}: {why}");
            }
            println!(
                "Imported {}: {} added, {} already present, {} refused.",
                file.display(),
                report.added.len(),
                report.existing.len(),
                report.refused.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        SourcesCommand::Export => {
            print!("{}", app.export_opml().await?);
            Ok(ExitCode::SUCCESS)
        }
        SourcesCommand::AddDefaults => {
            let added = app.install_defaults(now).await?;
            let total = crate::sources::defaults::DEFAULT_SOURCES.len();
            println!(
                "Added {added} of the {total} default sources ({} were already present).",
                total - added
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Users may type a source URL as they like; it is stored in canonical form.
fn canonical_source_url(url: &str) -> String {
    crate::app::normalize_source_url(url)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| url.to_string())
}

/// An unknown URL is the user's mistake (a message and a failing exit code); anything else
/// is the store's.
fn report_source_change<T>(
    result: Result<T, crate::store::StoreError>,
    success: impl FnOnce(T) -> String,
) -> anyhow::Result<ExitCode> {
    match result {
        Ok(value) => {
            println!("{}", success(value));
            Ok(ExitCode::SUCCESS)
        }
        Err(crate::store::StoreError::NoSuchSource(url)) => {
            eprintln!("error: no source with URL {url} (see `newsdesk sources list`)");
            Ok(ExitCode::FAILURE)
        }
        Err(err) => Err(err.into()),
    }
}

fn source_line(row: &SourceRow) -> String {
    let health = match row.status() {
        SourceStatus::New => "🆕 new".to_string(),
        SourceStatus::Ok => "✅ ok".to_string(),
        SourceStatus::Failing => format!(
            "⚠️ failing since {}",
            row.failing_since
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default()
        ),
        SourceStatus::Disabled => format!(
            "⛔ disabled since {}",
            row.disabled_at
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default()
        ),
    };
    let mut line = format!(
        "{health} · {} [{}] · {} article{}\n    {}",
        row.display_name(),
        row.kind,
        row.articles,
        plural(row.articles as usize),
        row.url
    );
    if let Some(error) = &row.last_error {
        line.push_str(&format!("\n    last error: {error}"));
    }
    line
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

#[derive(Serialize)]
struct SourceJson<'a> {
    url: &'a str,
    title: Option<&'a str>,
    kind: SourceKind,
    status: SourceStatus,
    last_error: Option<&'a str>,
    last_error_class: Option<&'static str>,
    last_status: Option<i64>,
    failures: i64,
    articles: i64,
    next_poll_at: String,
    last_polled_at: Option<String>,
    failing_since: Option<String>,
    disabled_at: Option<String>,
    poll_interval_secs: i64,
}

impl<'a> From<&'a SourceRow> for SourceJson<'a> {
    fn from(row: &'a SourceRow) -> Self {
        SourceJson {
            url: &row.url,
            title: row.title.as_deref(),
            kind: row.kind,
            status: row.status(),
            last_error: row.last_error.as_deref(),
            last_error_class: row.last_error_class.map(|c| c.as_str()),
            last_status: row.last_status,
            failures: row.failures,
            articles: row.articles,
            next_poll_at: rfc3339(row.next_poll_at),
            last_polled_at: row.last_polled_at.map(rfc3339),
            failing_since: row.failing_since.map(rfc3339),
            disabled_at: row.disabled_at.map(rfc3339),
            poll_interval_secs: row.poll_interval_secs,
        }
    }
}

#[derive(Serialize)]
struct SearchHitJson<'a> {
    title: &'a str,
    url: Option<&'a str>,
    source: &'a str,
    published_at: String,
    snippet: &'a str,
    score: f64,
}

impl<'a> From<&'a SearchHit> for SearchHitJson<'a> {
    fn from(hit: &'a SearchHit) -> Self {
        SearchHitJson {
            title: &hit.title,
            url: hit.url.as_deref(),
            source: &hit.source,
            published_at: rfc3339(hit.published_at),
            snippet: &hit.snippet,
            // bm25 is lower-is-better and negative; users expect higher-is-better.
            score: -hit.rank,
        }
    }
}
