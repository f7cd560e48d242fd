//! Logging set-up: one global `tracing` subscriber writing to stderr, as human-readable text
//! or as one JSON object per line for log collectors.
//!
//! `RUST_LOG` wins when set; otherwise the `-v` count picks the level. stdout stays free for
//! command output (`--json` results, digests), so logs never go there.

use std::io::IsTerminal;
use std::str::FromStr;

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One human-readable line per event, coloured on a terminal.
    #[default]
    Text,
    /// One JSON object per event, fields flattened to the top level, with `timestamp`,
    /// `level` and `target`.
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown log format `{0}`: expected `text` or `json`")]
pub struct UnknownLogFormat(pub String);

impl FromStr for LogFormat {
    type Err = UnknownLogFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(UnknownLogFormat(s.to_string())),
        }
    }
}

/// The filter used when `RUST_LOG` is unset: quiet by default, so one-shot commands print
/// only their output, louder with each `-v`.
pub fn default_directives(verbosity: u8) -> &'static str {
    match verbosity {
        0 => "warn",
        1 => "info,newsdesk=info",
        _ => "debug,newsdesk=debug",
    }
}

/// Installs the global subscriber. A second call (several tests, or a caller that already
/// set one up) leaves the first in place rather than failing.
pub fn init(verbosity: u8, format: LogFormat) {
    // Colour only for a person at a terminal; NO_COLOR is the cross-tool opt-out.
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let subscriber = build(filter(verbosity), format, ansi, std::io::stderr);
    // try_init also routes the `log` crate's records (from dependencies) into tracing.
    let _ = subscriber.try_init();
}

fn filter(verbosity: u8) -> EnvFilter {
    // An unset or unparsable RUST_LOG falls back to the default rather than silencing logs.
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_directives(verbosity)))
}

/// The subscriber for `format`, writing to `writer`; shared by [`init`] and the tests so the
/// tests check the exact output the binary produces.
fn build<W>(filter: EnvFilter, format: LogFormat, ansi: bool, writer: W) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.with_ansi(ansi).finish()),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_target(true)
                .with_current_span(true)
                .with_span_list(false)
                .with_ansi(false)
                .finish(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Collects everything the subscriber writes.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Buffer {
        fn text(&self) -> String {
            let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
            String::from_utf8(bytes).unwrap_or_default()
        }
    }

    impl io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'w self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn log_format_parses_both_names_and_rejects_others() {
        assert_eq!("text".parse::<LogFormat>(), Ok(LogFormat::Text));
        assert_eq!("json".parse::<LogFormat>(), Ok(LogFormat::Json));
        assert_eq!(" JSON ".parse::<LogFormat>(), Ok(LogFormat::Json));
        let err = "yaml".parse::<LogFormat>().unwrap_err();
        assert_eq!(err, UnknownLogFormat("yaml".to_string()));
        assert!(err.to_string().contains("`yaml`"));
        assert_eq!(LogFormat::default(), LogFormat::Text);
    }

    #[test]
    fn verbosity_raises_the_default_level() {
        assert_eq!(default_directives(0), "warn");
        assert_eq!(default_directives(1), "info,newsdesk=info");
        assert_eq!(default_directives(2), "debug,newsdesk=debug");
        assert_eq!(default_directives(9), "debug,newsdesk=debug");
    }

    #[test]
    fn json_lines_flatten_fields_with_target_and_timestamp() {
        let buffer = Buffer::default();
        let subscriber = build(EnvFilter::new("info"), LogFormat::Json, false, buffer.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(target: "newsdesk::scheduler", source = "arxiv", new = 3, "polled");
            tracing::debug!("filtered out");
        });
        let text = buffer.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "{text}");
        let event: serde_json::Value = serde_json::from_str(lines[0]).unwrap_or_default();
        assert_eq!(event["message"], "polled", "{text}");
        assert_eq!(event["source"], "arxiv");
        assert_eq!(event["new"], 3);
        assert_eq!(event["level"], "INFO");
        assert_eq!(event["target"], "newsdesk::scheduler");
        assert!(event["timestamp"].as_str().is_some_and(|t| !t.is_empty()), "{text}");
        assert!(event.get("fields").is_none(), "fields must be flattened: {text}");
    }

    #[test]
    fn text_lines_are_plain_without_ansi() {
        let buffer = Buffer::default();
        let subscriber = build(EnvFilter::new("warn"), LogFormat::Text, false, buffer.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(source = "arxiv", "feed failed");
            tracing::info!("too quiet to show");
        });
        let text = buffer.text();
        assert!(text.contains("WARN"), "{text}");
        assert!(text.contains("feed failed"), "{text}");
        assert!(text.contains("source=\"arxiv\""), "{text}");
        assert!(!text.contains("too quiet"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }

    #[test]
    fn init_twice_is_harmless() {
        init(0, LogFormat::Text);
        init(2, LogFormat::Json);
    }
}
