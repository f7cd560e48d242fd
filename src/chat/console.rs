//! The console adapter: the same commands as Discord, typed one per line on stdin
//! (`/subscribe topic:agents schedule:"daily 08:30"`), with replies and posts printed to
//! stdout. Its one channel is `console` and its user is the operator. Its listener ends with
//! the input; the scheduler beside it then finishes a post in flight and stops.

use std::io::Write;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use tokio::sync::watch;

use super::{Adapter, AdapterError, ChatSink, Post, PostContent, SinkError};
use crate::app::App;
use crate::clock::Clock;
use crate::commands::{self, Caller, Platform, Reply, parse::parse_command};
use crate::digest::render::terminal;
use crate::digest::render::text::{clean_line, neutralize_mentions, safe_url};
use crate::metrics::Metrics;

/// The console's only channel.
pub const CONSOLE_CHANNEL: &str = "console";

/// Where console output goes: stdout in the binary, a buffer in tests.
pub type Output = Arc<Mutex<Box<dyn Write + Send>>>;

/// Prints posts to the console output.
pub struct ConsoleSink {
    out: Output,
}

impl ConsoleSink {
    pub fn new(out: Output) -> ConsoleSink {
        ConsoleSink { out }
    }
}

impl ChatSink for ConsoleSink {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    fn post<'a>(&'a self, channel: &'a str, post: &'a Post) -> BoxFuture<'a, Result<Vec<String>, SinkError>> {
        Box::pin(async move {
            let text = match &post.content {
                PostContent::Digest(edition) => terminal(edition.digest(), edition.now(), false),
                PostContent::Alert { item, topic } => {
                    let mut text = format!(
                        "⚡ {}{}\n{}\n{} · ⭐ {}/30\n{}",
                        topic
                            .as_ref()
                            .map(|t| format!("[{}] ", clean_line(&t.name)))
                            .unwrap_or_default(),
                        clean_line(&item.title),
                        safe_url(&item.url).unwrap_or_default(),
                        clean_line(&item.source),
                        item.score.total,
                        clean_line(&item.tldr)
                    );
                    if let Some(why) = &item.why_it_matters {
                        text.push_str(&format!("\nWhy it matters: {}", clean_line(why)));
                    }
                    text
                }
            };
            // Console output may be pasted or piped into a chat: keep mentions inert here too.
            let text = neutralize_mentions(&text);
            write_block(&self.out, &format!("── post to #{channel} ──\n{text}"))
                .map_err(|e| SinkError::Transient(format!("cannot write to the console: {e}")))?;
            Ok(vec![post.nonce.clone()])
        })
    }
}

fn write_block(out: &Output, text: &str) -> std::io::Result<()> {
    let mut out = out
        .lock()
        .map_err(|_| std::io::Error::other("console output lock poisoned"))?;
    writeln!(out, "{}", text.trim_end())?;
    out.flush()
}

/// How a reply looks on the console (mentions inert, like every post).
pub fn render_reply(reply: &Reply, now: chrono::DateTime<chrono::Utc>) -> String {
    let text = match reply {
        Reply::Text { text, .. } => text.clone(),
        Reply::Error { text } => format!("⚠️ {text}"),
        Reply::Digest { digest, .. } => terminal(digest, now, false),
    };
    neutralize_mentions(&text)
}

/// The console adapter: commands from `input`, replies and posts on `out`.
pub struct Console {
    app: App,
    input: Box<dyn AsyncBufRead + Unpin + Send>,
    out: Output,
    metrics: Metrics,
    clock: Clock,
}

impl Console {
    pub fn new(
        app: App,
        input: Box<dyn AsyncBufRead + Unpin + Send>,
        out: Output,
        metrics: Metrics,
        clock: Clock,
    ) -> Console {
        Console {
            app,
            input,
            out,
            metrics,
            clock,
        }
    }
}

impl Adapter for Console {
    fn sink(&self) -> Arc<dyn ChatSink> {
        Arc::new(ConsoleSink::new(Arc::clone(&self.out)))
    }

    /// Reads commands until the input ends (or `stop`), answering each on the output.
    fn listen(self: Box<Self>, stop: watch::Receiver<bool>) -> BoxFuture<'static, Result<(), AdapterError>> {
        Box::pin(async move { self.read_commands(stop).await.map_err(AdapterError::from) })
    }
}

impl Console {
    async fn read_commands(self, mut stop: watch::Receiver<bool>) -> std::io::Result<()> {
        let Console {
            app,
            input,
            out,
            metrics,
            clock,
        } = self;
        let caller = Caller {
            platform: Platform::Console,
            server: None,
            channel: CONSOLE_CHANNEL.to_string(),
            user: "console".to_string(),
            is_admin: true,
            // Whoever types at the console runs the bot.
            is_operator: true,
        };
        let mut lines = input.lines();
        loop {
            let next = tokio::select! {
                next = lines.next_line() => next,
                _ = stop.wait_for(|stop| *stop) => return Ok(()),
            };
            let Some(line) = next? else {
                return Ok(());
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let started = std::time::Instant::now();
            let (name, text, outcome) = match parse_command(line) {
                Ok(command) => {
                    let name = command.name();
                    let reply = commands::execute(&app, &caller, command, clock.now()).await;
                    let outcome = if matches!(reply, Reply::Error { .. }) {
                        "error"
                    } else {
                        "ok"
                    };
                    (name, render_reply(&reply, clock.now()), outcome)
                }
                Err(err) => ("unparsed", format!("⚠️ {err}"), "error"),
            };
            metrics.command(name, outcome, started.elapsed());
            write_block(&out, &format!("> {line}\n{text}"))?;
        }
    }
}
