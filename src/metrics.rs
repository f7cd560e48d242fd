//! Prometheus metrics, exposed in the OpenMetrics text format on `/metrics` (see [`crate::ops`]).
//!
//! [`Metrics`] owns one registry with every series the bot reports. It is cheap to clone
//! (one `Arc`) and every recording method takes `&self`, so the poller, the scheduler and the
//! chat adapters each hold a copy and record without locking anything of their own.
//!
//! Label values are plain `&str`. Callers pass the documented values only (the `result`,
//! `kind`, `reason` and `outcome` sets below, the fixed platform names and command names):
//! every distinct value creates a series that lives until the process exits, so free text such
//! as error messages or user input must never become a label.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

/// `result` of one source poll.
pub mod poll_result {
    pub const OK: &str = "ok";
    pub const NOT_MODIFIED: &str = "not_modified";
    pub const FAILED: &str = "failed";
}

/// `kind` of a post the bot sent.
pub mod post_kind {
    pub const DIGEST: &str = "digest";
    pub const ALERT: &str = "alert";
}

/// `reason` a post was not delivered.
pub mod post_failure {
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const REJECTED: &str = "rejected";
    pub const TRANSIENT: &str = "transient";
}

/// `outcome` of a chat command.
pub mod command_outcome {
    pub const OK: &str = "ok";
    pub const ERROR: &str = "error";
    pub const REFUSED: &str = "refused";
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PollLabels {
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PostLabels {
    platform: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PostFailureLabels {
    platform: String,
    reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlatformLabels {
    platform: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RetentionLabels {
    what: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabels {
    command: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandOutcomeLabels {
    command: String,
    outcome: String,
}

/// A plain function pointer (not a closure) so the family's type can be named in the struct.
fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Upper bounds in seconds, 1 ms to 10 s. Commands range from a cached lookup to a summary
/// of many articles, and Discord gives an interaction 3 s before it must be deferred, so the
/// buckets must resolve both ends. Written out rather than computed so the `le` labels are
/// round numbers instead of floating-point noise.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

type LatencyFamily = Family<CommandLabels, Histogram, fn() -> Histogram>;

struct Inner {
    registry: Registry,
    articles_fetched: Counter,
    polls: Family<PollLabels, Counter>,
    sources_failing: Gauge,
    sources_total: Gauge,
    posts_sent: Family<PostLabels, Counter>,
    posts_failed: Family<PostFailureLabels, Counter>,
    rate_limited: Family<PlatformLabels, Counter>,
    command_latency: LatencyFamily,
    commands: Family<CommandOutcomeLabels, Counter>,
    editions_composed: Counter,
    editions_delivered_to: Counter,
    retention_deleted: Family<RetentionLabels, Counter>,
}

/// Every metric newsdesk reports; clones share the same series.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl fmt::Debug for Metrics {
    // The registry's own Debug lists every series with its internals; that belongs in
    // `render`, not in a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics")
            .field("articles_fetched", &self.inner.articles_fetched.get())
            .finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        // Counter names leave off `_total`: the OpenMetrics encoder appends it.
        let articles_fetched = Counter::default();
        registry.register(
            "newsdesk_articles_fetched",
            "New articles stored from feeds",
            articles_fetched.clone(),
        );
        let polls = Family::<PollLabels, Counter>::default();
        registry.register("newsdesk_polls", "Source polls by result", polls.clone());
        // Series appear only once created; creating every poll result up front lets
        // `rate()` and alerts see a 0 before the first failure instead of no data.
        for result in [poll_result::OK, poll_result::NOT_MODIFIED, poll_result::FAILED] {
            // The guard is only a read lock on the family; creating the series is the point.
            let _ = polls.get_or_create(&PollLabels {
                result: result.to_string(),
            });
        }
        let sources_failing = Gauge::default();
        registry.register(
            "newsdesk_sources_failing",
            "Enabled sources whose last poll failed",
            sources_failing.clone(),
        );
        let sources_total = Gauge::default();
        registry.register("newsdesk_sources_total", "Enabled sources", sources_total.clone());
        let posts_sent = Family::<PostLabels, Counter>::default();
        registry.register(
            "newsdesk_posts_sent",
            "Posts delivered, by platform and kind",
            posts_sent.clone(),
        );
        let posts_failed = Family::<PostFailureLabels, Counter>::default();
        registry.register(
            "newsdesk_posts_failed",
            "Posts not delivered, by platform and reason",
            posts_failed.clone(),
        );
        let rate_limited = Family::<PlatformLabels, Counter>::default();
        registry.register(
            "newsdesk_rate_limited",
            "HTTP 429 responses received from a chat platform",
            rate_limited.clone(),
        );
        let command_latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "newsdesk_command_latency",
            "Time to answer a chat command",
            Unit::Seconds,
            command_latency.clone(),
        );
        let commands = Family::<CommandOutcomeLabels, Counter>::default();
        registry.register("newsdesk_commands", "Chat commands by outcome", commands.clone());
        let editions_composed = Counter::default();
        registry.register(
            "newsdesk_editions_composed",
            "Digest and instant editions composed (each shared by every subscription due with it)",
            editions_composed.clone(),
        );
        let editions_delivered_to = Counter::default();
        registry.register(
            "newsdesk_edition_subscriptions",
            "Subscriptions served by the editions composed",
            editions_delivered_to.clone(),
        );
        let retention_deleted = Family::<RetentionLabels, Counter>::default();
        registry.register(
            "newsdesk_retention_deleted",
            "Rows deleted by retention, by kind",
            retention_deleted.clone(),
        );
        Metrics {
            inner: Arc::new(Inner {
                registry,
                articles_fetched,
                polls,
                sources_failing,
                sources_total,
                posts_sent,
                posts_failed,
                rate_limited,
                command_latency,
                commands,
                editions_composed,
                editions_delivered_to,
                retention_deleted,
            }),
        }
    }

    /// One edition was composed for `subscriptions` subscriptions.
    pub fn edition_composed(&self, subscriptions: usize) {
        self.inner.editions_composed.inc();
        self.inner.editions_delivered_to.inc_by(subscriptions as u64);
    }

    /// Editions composed since start.
    pub fn editions_composed(&self) -> u64 {
        self.inner.editions_composed.get()
    }

    /// Retention deleted `n` rows of `what` (articles, deliveries, …).
    pub fn retention_deleted(&self, what: &str, n: u64) {
        if n > 0 {
            self.inner
                .retention_deleted
                .get_or_create(&RetentionLabels { what: what.to_string() })
                .inc_by(n);
        }
    }

    /// `n` new articles were stored.
    pub fn articles_fetched(&self, n: u64) {
        self.inner.articles_fetched.inc_by(n);
    }

    /// One source was polled; `result` is one of [`poll_result`].
    pub fn poll(&self, result: &str) {
        self.inner
            .polls
            .get_or_create(&PollLabels {
                result: result.to_string(),
            })
            .inc();
    }

    /// The current source counts, replacing the previous ones.
    pub fn set_sources(&self, failing: usize, total: usize) {
        self.inner.sources_failing.set(saturating_i64(failing));
        self.inner.sources_total.set(saturating_i64(total));
    }

    /// A post reached `platform`; `kind` is one of [`post_kind`].
    pub fn post_sent(&self, platform: &str, kind: &str) {
        self.inner
            .posts_sent
            .get_or_create(&PostLabels {
                platform: platform.to_string(),
                kind: kind.to_string(),
            })
            .inc();
    }

    /// A post to `platform` was given up on; `reason` is one of [`post_failure`].
    pub fn post_failed(&self, platform: &str, reason: &str) {
        self.inner
            .posts_failed
            .get_or_create(&PostFailureLabels {
                platform: platform.to_string(),
                reason: reason.to_string(),
            })
            .inc();
    }

    /// `platform` answered 429, whether or not the request later succeeded.
    pub fn rate_limited(&self, platform: &str) {
        self.inner
            .rate_limited
            .get_or_create(&PlatformLabels {
                platform: platform.to_string(),
            })
            .inc();
    }

    /// A chat command finished; `outcome` is one of [`command_outcome`].
    pub fn command(&self, command_name: &str, outcome: &str, latency: Duration) {
        self.inner
            .command_latency
            .get_or_create(&CommandLabels {
                command: command_name.to_string(),
            })
            .observe(latency.as_secs_f64());
        self.inner
            .commands
            .get_or_create(&CommandOutcomeLabels {
                command: command_name.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
    }

    /// Every series in the OpenMetrics text format, ending with `# EOF`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail and the label sets are plain strings, so an error
        // here would be a bug in the encoder; a partial scrape beats a panicking endpoint.
        if let Err(err) = encode(&mut out, &self.inner.registry) {
            tracing::error!(error = %err, "cannot encode metrics");
        }
        out
    }
}

fn saturating_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse().ok())
    }

    #[test]
    fn fresh_registry_lists_plain_metrics_and_ends_with_eof() {
        let text = Metrics::new().render();
        assert_eq!(line_value(&text, "newsdesk_articles_fetched_total"), Some(0.0));
        assert_eq!(line_value(&text, "newsdesk_sources_failing"), Some(0.0));
        assert_eq!(line_value(&text, "newsdesk_sources_total"), Some(0.0));
        assert_eq!(line_value(&text, "newsdesk_polls_total{result=\"failed\"}"), Some(0.0));
        // A labelled family with no series yet is left out entirely.
        assert!(!text.contains("newsdesk_posts_sent"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn latency_histogram_is_declared_in_seconds() {
        let metrics = Metrics::new();
        metrics.command("help", command_outcome::OK, Duration::from_millis(1));
        let text = metrics.render();
        assert!(
            text.contains("# TYPE newsdesk_command_latency_seconds histogram"),
            "{text}"
        );
        assert!(
            text.contains("# UNIT newsdesk_command_latency_seconds seconds"),
            "{text}"
        );
    }

    #[test]
    fn recorded_values_appear_in_render() {
        let metrics = Metrics::new();
        metrics.articles_fetched(3);
        metrics.articles_fetched(4);
        metrics.poll(poll_result::OK);
        metrics.poll(poll_result::OK);
        metrics.poll(poll_result::NOT_MODIFIED);
        metrics.poll(poll_result::FAILED);
        metrics.set_sources(2, 40);
        metrics.post_sent("discord", post_kind::DIGEST);
        metrics.post_sent("discord", post_kind::ALERT);
        metrics.post_sent("discord", post_kind::ALERT);
        metrics.post_failed("matrix", post_failure::FORBIDDEN);
        metrics.rate_limited("discord");
        metrics.command("digest", command_outcome::OK, Duration::from_millis(30));
        metrics.command("digest", command_outcome::REFUSED, Duration::from_millis(2));
        let text = metrics.render();

        let expect = [
            ("newsdesk_articles_fetched_total", 7.0),
            ("newsdesk_polls_total{result=\"ok\"}", 2.0),
            ("newsdesk_polls_total{result=\"not_modified\"}", 1.0),
            ("newsdesk_polls_total{result=\"failed\"}", 1.0),
            ("newsdesk_sources_failing", 2.0),
            ("newsdesk_sources_total", 40.0),
            ("newsdesk_posts_sent_total{platform=\"discord\",kind=\"digest\"}", 1.0),
            ("newsdesk_posts_sent_total{platform=\"discord\",kind=\"alert\"}", 2.0),
            (
                "newsdesk_posts_failed_total{platform=\"matrix\",reason=\"forbidden\"}",
                1.0,
            ),
            ("newsdesk_rate_limited_total{platform=\"discord\"}", 1.0),
            ("newsdesk_commands_total{command=\"digest\",outcome=\"ok\"}", 1.0),
            ("newsdesk_commands_total{command=\"digest\",outcome=\"refused\"}", 1.0),
            ("newsdesk_command_latency_seconds_count{command=\"digest\"}", 2.0),
            // 2 ms lands above the 1 ms bucket, 30 ms above 25 ms: the buckets resolve both.
            (
                "newsdesk_command_latency_seconds_bucket{le=\"0.001\",command=\"digest\"}",
                0.0,
            ),
            (
                "newsdesk_command_latency_seconds_bucket{le=\"0.0025\",command=\"digest\"}",
                1.0,
            ),
            (
                "newsdesk_command_latency_seconds_bucket{le=\"0.025\",command=\"digest\"}",
                1.0,
            ),
            (
                "newsdesk_command_latency_seconds_bucket{le=\"0.05\",command=\"digest\"}",
                2.0,
            ),
            (
                "newsdesk_command_latency_seconds_bucket{le=\"+Inf\",command=\"digest\"}",
                2.0,
            ),
        ];
        for (series, value) in expect {
            assert_eq!(line_value(&text, series), Some(value), "{series} in\n{text}");
        }
        let sum = line_value(&text, "newsdesk_command_latency_seconds_sum{command=\"digest\"}");
        assert!(sum.is_some_and(|s| (s - 0.032).abs() < 1e-9), "{sum:?}");
    }

    #[test]
    fn latency_buckets_rise_from_one_millisecond_to_ten_seconds() {
        assert_eq!(LATENCY_BUCKETS.first(), Some(&0.001));
        assert_eq!(LATENCY_BUCKETS.last(), Some(&10.0));
        assert!(LATENCY_BUCKETS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn clones_share_series() {
        let metrics = Metrics::new();
        let other = metrics.clone();
        other.articles_fetched(5);
        assert_eq!(
            line_value(&metrics.render(), "newsdesk_articles_fetched_total"),
            Some(5.0)
        );
        assert!(format!("{metrics:?}").contains("articles_fetched: 5"));
    }

    #[test]
    fn set_sources_replaces_previous_counts() {
        let metrics = Metrics::new();
        metrics.set_sources(5, 10);
        metrics.set_sources(1, 12);
        let text = metrics.render();
        assert_eq!(line_value(&text, "newsdesk_sources_failing"), Some(1.0));
        assert_eq!(line_value(&text, "newsdesk_sources_total"), Some(12.0));
    }
}
