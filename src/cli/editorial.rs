//! The editorial commands of the CLI: `digest`, `summarize` and `topics`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::app::App;
use crate::digest::{chart, render};
use crate::editor::{DigestRequest, EditorialError, SummarizedDocument, TopicSpec};
use crate::pipeline::glossary::DecoderEntry;
use crate::pipeline::podcast::TopicSegment;
use crate::pipeline::score::DEFAULT_MIN_SCORE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DigestFormat {
    /// A terminal view (colour on a TTY unless NO_COLOR is set).
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Only stories of this topic (see `newsdesk topics list`).
    #[arg(long, value_name = "SLUG")]
    pub topic: Option<String>,
    /// The window: articles published in the last N hours.
    #[arg(long, value_name = "N", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub hours: u32,
    /// At most N stories.
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max: u32,
    /// Stories scoring below this (out of 30) are left out.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_SCORE, value_parser = clap::value_parser!(u8).range(0..=30))]
    pub min_score: u8,
    #[arg(long, value_enum, default_value_t = DigestFormat::Text)]
    pub format: DigestFormat,
    /// Also draw the keyword and category charts into this PNG file.
    #[arg(long, value_name = "FILE.png")]
    pub chart: Option<PathBuf>,
    /// Write the digest to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Use only what is stored; do not poll due sources first.
    #[arg(long)]
    pub no_fetch: bool,
}

#[derive(Debug, Args)]
pub struct SummarizeArgs {
    /// An article (HTML page or plain-text file) or episode transcript: a path or an http(s) URL.
    #[arg(value_name = "PATH_OR_URL")]
    pub input: String,
    /// Read the input as a podcast transcript (VTT, SRT, JSON, HTML or plain text).
    #[arg(long)]
    pub transcript: bool,
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
}

#[derive(Debug, Subcommand)]
pub enum TopicsCommand {
    /// List the built-in and custom topics.
    List {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Create a custom topic from include (and exclude) terms.
    Add(TopicArgs),
    /// Replace a custom topic's terms.
    Edit(TopicArgs),
    /// Delete a custom topic.
    Remove { slug: String },
}

#[derive(Debug, Args)]
pub struct TopicArgs {
    /// Short name used in commands: lower-case letters, digits and '-'.
    pub slug: String,
    /// Terms that put an article in the topic (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', required = true)]
    pub include: Vec<String>,
    /// Terms that keep an article out of the topic.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Display name (default: the slug).
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
}

pub async fn digest(app: &App, args: DigestArgs, now: DateTime<Utc>) -> anyhow::Result<ExitCode> {
    let tty = std::io::stderr().is_terminal();
    let request = DigestRequest {
        scope: String::new(),
        topic: args.topic.clone(),
        hours: args.hours,
        max_items: args.max as usize,
        min_score: args.min_score,
    };
    // A bad topic is the user's mistake: say so before fetching anything.
    if let Some(slug) = &args.topic {
        match app.editor.find_topic("", slug).await {
            Ok(_) => {}
            Err(error @ EditorialError::UnknownTopic { .. }) => {
                eprintln!("error: {error}");
                return Ok(ExitCode::from(2));
            }
            Err(other) => return Err(other.into()),
        }
    }

    let installed = app.ensure_sources(now).await?;
    if installed > 0 {
        eprintln!("No sources yet: installed the default AI source pack ({installed} sources).");
    }
    if !args.no_fetch {
        let bar = progress_bar(tty, "{spinner} [{bar:30}] {pos}/{len} sources {msg}");
        let summary = app
            .poller
            .poll_due(
                now,
                |due| bar.set_length(due as u64),
                |outcome| {
                    bar.inc(1);
                    bar.set_message(outcome.name.clone());
                },
            )
            .await?;
        bar.finish_and_clear();
        if summary.sources > 0 {
            eprintln!(
                "Polled {} sources: {} ok, {} failed; {} new articles.",
                summary.sources, summary.ok, summary.failed, summary.new_articles
            );
        }
    }

    let spinner = progress_bar(tty, "{spinner} {msg}");
    spinner.set_message("ranking and summarising…");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let digest = app.editor.digest(&request, now).await;
    spinner.finish_and_clear();
    let digest = digest?;

    let rendered = match args.format {
        DigestFormat::Markdown => render::markdown(&digest, now),
        DigestFormat::Json => serde_json::to_string_pretty(&render::json(&digest))?,
        DigestFormat::Text => render::terminal(&digest, now, args.out.is_none() && color_wanted()),
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, rendered.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Digest written to {}.", path.display());
        }
        None => println!("{}", rendered.trim_end()),
    }
    if let Some(path) = &args.chart {
        write_chart(&digest, path).with_context(|| format!("cannot write the chart {}", path.display()))?;
        eprintln!("Chart written to {}.", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Colour only on a terminal, and never when `NO_COLOR` is set to something (no-color.org).
fn color_wanted() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

/// Why the chart file could not be written.
#[derive(Debug, thiserror::Error)]
enum ChartFileError {
    #[error(transparent)]
    Draw(#[from] chart::ChartError),
    #[error("writing the chart to {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The keyword chart as a PNG file at `path` (the digest module draws; writing is ours).
fn write_chart(digest: &crate::digest::Digest, path: &std::path::Path) -> Result<(), ChartFileError> {
    let bytes = chart::png(digest)?;
    std::fs::write(path, bytes).map_err(|source| ChartFileError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn progress_bar(tty: bool, template: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if !tty {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    title: &'a str,
    tldr: &'a str,
    summary: &'a str,
    bullets: &'a [String],
    why_it_matters: Option<&'a str>,
    tags: &'a [String],
    decoder: &'a [DecoderEntry],
    summarizer: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    segments: Option<&'a [TopicSegment]>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    stories: &'a [String],
}

pub async fn summarize(app: &App, args: SummarizeArgs) -> anyhow::Result<ExitCode> {
    let document = match app.editor.summarize_input(&args.input, args.transcript).await {
        Ok(document) => document,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match args.format {
        SummaryFormat::Json => {
            let s = &document.summary;
            let json = SummaryJson {
                title: &document.title,
                tldr: &s.tldr,
                summary: &s.summary,
                bullets: &s.bullets,
                why_it_matters: s.why_it_matters.as_deref(),
                tags: &s.tags,
                decoder: &s.decoder,
                summarizer: &s.summarizer,
                segments: document.segments.as_deref(),
                stories: &document.stories,
            };
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        SummaryFormat::Text => print!("{}", summary_text(&document)),
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_text(document: &SummarizedDocument) -> String {
    let s = &document.summary;
    let mut out = format!(
        "{}\n\nTL;DR: {}\n\n{}\n",
        clean(&document.title),
        clean(&s.tldr),
        clean(&s.summary)
    );
    if !s.bullets.is_empty() {
        out.push_str("\nDeep dive:\n");
        for bullet in &s.bullets {
            out.push_str(&format!("  • {}\n", clean(bullet)));
        }
    }
    if let Some(why) = &s.why_it_matters {
        out.push_str(&format!("\nWhy it matters: {}\n", clean(why)));
    }
    if let Some(segments) = &document.segments {
        out.push_str("\nSegments:\n");
        for segment in segments {
            let at = segment.start.map_or_else(|| "  --:--".to_string(), timestamp);
            out.push_str(&format!(
                "  {at}  {}\n          {}\n",
                clean(&segment.title),
                clean(&segment.summary)
            ));
        }
    }
    if !s.decoder.is_empty() {
        out.push_str("\nDecoder:\n");
        for entry in &s.decoder {
            out.push_str(&format!("  {} — {}\n", clean(&entry.term), clean(&entry.definition)));
        }
    }
    if !s.tags.is_empty() {
        out.push_str(&format!("\nTags: {}\n", clean(&s.tags.join(", "))));
    }
    out
}

/// Text from a document may carry terminal escapes; none reach the terminal.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\n').collect()
}

fn timestamp(seconds: f64) -> String {
    let total = seconds.max(0.0) as u64;
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:>3}:{s:02}")
    }
}

#[derive(Serialize)]
struct TopicJson<'a> {
    slug: &'a str,
    name: &'a str,
    description: &'a str,
    builtin: bool,
    include: &'a [String],
    exclude: &'a [String],
}

pub async fn topics(app: &App, command: TopicsCommand, now: DateTime<Utc>) -> anyhow::Result<ExitCode> {
    let spec = |args: TopicArgs| TopicSpec {
        scope: String::new(),
        slug: args.slug,
        name: args.name,
        description: args.description,
        include: args.include,
        exclude: args.exclude,
        created_by: Some("cli".to_string()),
    };
    let outcome = match command {
        TopicsCommand::List { json } => {
            let index = app.editor.topic_index().await?;
            let topics: Vec<_> = index.visible("").collect();
            if json {
                let rows: Vec<TopicJson<'_>> = topics
                    .iter()
                    .map(|t| TopicJson {
                        slug: &t.slug,
                        name: &t.name,
                        description: &t.description,
                        builtin: t.builtin,
                        include: &t.include,
                        exclude: &t.exclude,
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                let width = topics.iter().map(|t| t.slug.chars().count()).max().unwrap_or(0);
                for topic in topics {
                    let kind = if topic.builtin { "" } else { " (custom)" };
                    println!("{:width$}  {}{kind} — {}", topic.slug, topic.name, topic.description);
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        TopicsCommand::Add(args) => app.editor.create_topic(&spec(args), now).await.map(|row| {
            println!("Created topic {} ({}).", row.slug, row.name);
        }),
        TopicsCommand::Edit(args) => {
            let slug = args.slug.clone();
            app.editor
                .edit_topic(&spec(args), now)
                .await
                .map(|()| println!("Updated topic {slug}."))
        }
        TopicsCommand::Remove { slug } => app
            .editor
            .delete_topic("", &slug)
            .await
            .map(|()| println!("Deleted topic {slug}.")),
    };
    match outcome {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(EditorialError::Store(error)) => Err(error.into()),
        Err(user_error) => {
            eprintln!("error: {user_error}");
            Ok(ExitCode::from(2))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_chart_reports_the_path() {
        let digest = crate::digest::render::fixture::digest();
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("chart.png");
        write_chart(&digest, &path).unwrap_or_else(|e| panic!("{e}"));
        assert!(std::fs::read(&path).is_ok_and(|b| b.starts_with(b"\x89PNG")));
        let missing = dir.path().join("no/such/dir/chart.png");
        match write_chart(&digest, &missing) {
            Err(ChartFileError::Write { path, .. }) => assert_eq!(path, missing),
            other => panic!("expected a write error, got {other:?}"),
        }
    }
}
