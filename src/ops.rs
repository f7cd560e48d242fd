//! The operator's HTTP endpoint: `GET /healthz` for liveness checks and `GET /metrics` for
//! Prometheus.
//!
//! [`Health`] is a handful of atomics the running bot updates (database reachable, Discord
//! gateway connected, scheduler loop still turning); the endpoint only reads them, so a
//! health check never touches the database or the chat platform itself and stays cheap
//! enough to be called every few seconds.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::net::TcpListener;

use crate::metrics::Metrics;

/// `Content-Type` of the OpenMetrics text exposition.
pub const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A scheduler that has not finished a loop for this long is taken to be stuck. The loop
/// ticks every minute by default (`delivery.tick_secs`); ten minutes leaves room for a slow
/// poll round without letting a hung task pass for healthy.
pub const DEFAULT_MAX_TICK_AGE: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error("invalid ops.listen address `{addr}`: {source}")]
    Address {
        addr: String,
        #[source]
        source: std::net::AddrParseError,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// Binds the ops endpoint's socket; `Ok(None)` when `listen` is empty (endpoint turned off).
///
/// Binding is separate from [`serve`] so that start-up fails at once on a taken port, before
/// the bot connects anywhere, and so tests can bind port 0 and read the address back.
pub async fn bind(listen: &str) -> Result<Option<TcpListener>, OpsError> {
    let listen = listen.trim();
    if listen.is_empty() {
        return Ok(None);
    }
    let addr: SocketAddr = listen.parse().map_err(|source| OpsError::Address {
        addr: listen.to_string(),
        source,
    })?;
    TcpListener::bind(addr)
        .await
        .map(Some)
        .map_err(|source| OpsError::Bind { addr, source })
}

/// Serves `/healthz` and `/metrics` on `listener` until `shutdown` completes; requests in
/// flight are finished first.
pub async fn serve(
    listener: TcpListener,
    metrics: Metrics,
    health: Health,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(metrics, health))
        .with_graceful_shutdown(shutdown)
        .await
}

#[derive(Clone)]
struct OpsState {
    metrics: Metrics,
    health: Health,
}

fn router(metrics: Metrics, health: Health) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .with_state(OpsState { metrics, health })
}

async fn healthz(State(state): State<OpsState>) -> Response {
    let report = state.health.report();
    let status = if report.healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(report)).into_response()
}

async fn metrics_text(State(state): State<OpsState>) -> Response {
    (
        [(header::CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE)],
        state.metrics.render(),
    )
        .into_response()
}

// Gateway states in one byte so the whole flag stays a lock-free atomic.
const GATEWAY_NONE: u8 = 0;
const GATEWAY_DOWN: u8 = 1;
const GATEWAY_UP: u8 = 2;

/// Never-ticked marker for `last_tick`; 0 (1970) cannot be a real tick time.
const NEVER: i64 = 0;

#[derive(Debug)]
struct HealthInner {
    db_ok: AtomicBool,
    gateway: AtomicU8,
    last_tick: AtomicI64,
    /// Unix seconds when this `Health` was created: the grace period for the first tick
    /// counts from here.
    started: i64,
    max_tick_age_secs: i64,
}

/// What the bot reports about itself; clones share the same state.
///
/// Healthy means: the database answers, the Discord gateway is connected (when there is
/// one), and the scheduler finished a loop within the last [`DEFAULT_MAX_TICK_AGE`] (or has
/// not had that long since start-up to finish its first).
#[derive(Debug, Clone)]
pub struct Health {
    inner: Arc<HealthInner>,
}

impl Default for Health {
    fn default() -> Self {
        Self::new()
    }
}

/// The `/healthz` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthReport {
    /// `ok` or `unhealthy`.
    pub status: &'static str,
    #[serde(skip)]
    pub healthy: bool,
    pub db: bool,
    /// `null` when there is no gateway (console mode); in Matrix-only mode, whether syncing
    /// with the homeserver works.
    pub gateway: Option<bool>,
    /// Seconds since the scheduler's last loop; `null` before the first.
    pub last_tick_age_secs: Option<i64>,
    /// Whether the scheduler loop counts as alive (within the age limit, or still in its
    /// start-up grace period).
    pub scheduler: bool,
}

impl Health {
    /// Healthy to start with: database up, no gateway, scheduler within its grace period.
    pub fn new() -> Self {
        Self::with_max_tick_age(DEFAULT_MAX_TICK_AGE)
    }

    /// As [`Health::new`] with another limit for the scheduler's loop; also the grace period
    /// for its first loop.
    pub fn with_max_tick_age(max_tick_age: Duration) -> Self {
        Health {
            inner: Arc::new(HealthInner {
                db_ok: AtomicBool::new(true),
                gateway: AtomicU8::new(GATEWAY_NONE),
                last_tick: AtomicI64::new(NEVER),
                started: unix_now(),
                max_tick_age_secs: i64::try_from(max_tick_age.as_secs()).unwrap_or(i64::MAX),
            }),
        }
    }

    pub fn set_db_ok(&self, ok: bool) {
        self.inner.db_ok.store(ok, Ordering::Relaxed);
    }

    /// `None` when the platform has no gateway; `Some(false)` while (re)connecting.
    pub fn set_gateway_connected(&self, connected: Option<bool>) {
        let value = match connected {
            None => GATEWAY_NONE,
            Some(false) => GATEWAY_DOWN,
            Some(true) => GATEWAY_UP,
        };
        self.inner.gateway.store(value, Ordering::Relaxed);
    }

    /// The scheduler finished a loop now.
    pub fn tick(&self) {
        self.tick_at(unix_now());
    }

    /// The scheduler finished a loop at `unix_secs`.
    pub fn tick_at(&self, unix_secs: i64) {
        // Never a zero: that value means "never ticked".
        self.inner.last_tick.store(unix_secs.max(1), Ordering::Relaxed);
    }

    pub fn is_healthy(&self) -> bool {
        self.report().healthy
    }

    pub fn report(&self) -> HealthReport {
        self.report_at(unix_now())
    }

    /// The report as of `now` (Unix seconds).
    pub fn report_at(&self, now: i64) -> HealthReport {
        let inner = &self.inner;
        let db = inner.db_ok.load(Ordering::Relaxed);
        let gateway = match inner.gateway.load(Ordering::Relaxed) {
            GATEWAY_UP => Some(true),
            GATEWAY_DOWN => Some(false),
            _ => None,
        };
        let last_tick = inner.last_tick.load(Ordering::Relaxed);
        // A clock stepping backwards must not make a fresh tick look old, hence the max(0).
        let last_tick_age_secs = (last_tick != NEVER).then(|| now.saturating_sub(last_tick).max(0));
        let scheduler = match last_tick_age_secs {
            Some(age) => age <= inner.max_tick_age_secs,
            None => now.saturating_sub(inner.started) <= inner.max_tick_age_secs,
        };
        let healthy = db && gateway != Some(false) && scheduler;
        HealthReport {
            status: if healthy { "ok" } else { "unhealthy" },
            healthy,
            db,
            gateway,
            last_tick_age_secs,
            scheduler,
        }
    }
}

fn unix_now() -> i64 {
    // A clock before 1970 is a broken host; treating it as 0 only affects the tick age.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    use tokio::sync::oneshot;

    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client")
    }

    struct Running {
        base: String,
        stop: oneshot::Sender<()>,
        task: tokio::task::JoinHandle<std::io::Result<()>>,
    }

    async fn start(metrics: Metrics, health: Health) -> Running {
        let listener = bind("127.0.0.1:0").await.expect("bind").expect("listener");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, metrics, health, async move {
            let _ = stopped.await;
        }));
        Running {
            base: format!("http://{addr}"),
            stop,
            task,
        }
    }

    async fn get(client: &reqwest::Client, url: &str) -> (u16, String, String) {
        let response = client.get(url).send().await.expect("request");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (status, content_type, response.text().await.expect("body"))
    }

    #[tokio::test]
    async fn healthz_switches_between_200_and_503() {
        let health = Health::new();
        let server = start(Metrics::new(), health.clone()).await;
        let client = client();
        let url = format!("{}/healthz", server.base);

        let (status, content_type, body) = get(&client, &url).await;
        assert_eq!(status, 200, "{body}");
        assert!(content_type.starts_with("application/json"), "{content_type}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(json["status"], "ok");
        assert_eq!(json["db"], true);
        assert!(json["gateway"].is_null());
        assert!(json["last_tick_age_secs"].is_null());

        health.set_db_ok(false);
        let (status, _, body) = get(&client, &url).await;
        assert_eq!(status, 503, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(json["status"], "unhealthy");
        assert_eq!(json["db"], false);

        health.set_db_ok(true);
        health.set_gateway_connected(Some(false));
        assert_eq!(get(&client, &url).await.0, 503);

        health.set_gateway_connected(Some(true));
        health.tick();
        let (status, _, body) = get(&client, &url).await;
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(json["gateway"], true);
        assert!(
            json["last_tick_age_secs"].as_i64().is_some_and(|age| age <= 5),
            "{body}"
        );

        // A scheduler whose last loop is older than the limit reads as stuck.
        health.tick_at(unix_now() - 11 * 60);
        assert_eq!(get(&client, &url).await.0, 503);

        server.stop.send(()).expect("server still running");
        server.task.await.expect("join").expect("serve");
    }

    #[tokio::test]
    async fn metrics_are_served_as_openmetrics() {
        let metrics = Metrics::new();
        metrics.articles_fetched(12);
        metrics.poll(crate::metrics::poll_result::NOT_MODIFIED);
        let server = start(metrics.clone(), Health::new()).await;
        let client = client();

        let (status, content_type, body) = get(&client, &format!("{}/metrics", server.base)).await;
        assert_eq!(status, 200);
        assert_eq!(content_type, OPENMETRICS_CONTENT_TYPE);
        assert!(body.contains("newsdesk_articles_fetched_total 12"), "{body}");
        assert!(
            body.contains("newsdesk_polls_total{result=\"not_modified\"} 1"),
            "{body}"
        );
        assert!(body.ends_with("# EOF\n"), "{body}");

        // Later recordings show up on the next scrape.
        metrics.articles_fetched(1);
        let (_, _, body) = get(&client, &format!("{}/metrics", server.base)).await;
        assert!(body.contains("newsdesk_articles_fetched_total 13"), "{body}");

        assert_eq!(get(&client, &format!("{}/nope", server.base)).await.0, 404);
        let post = client
            .post(format!("{}/metrics", server.base))
            .send()
            .await
            .expect("request");
        assert_eq!(post.status().as_u16(), 405);

        server.stop.send(()).expect("server still running");
        server.task.await.expect("join").expect("serve");
    }

    #[tokio::test]
    async fn bind_is_off_for_empty_and_rejects_bad_addresses() {
        assert!(bind("").await.expect("empty").is_none());
        assert!(bind("  ").await.expect("blank").is_none());
        let err = bind("localhost:9184").await.expect_err("not an address");
        assert!(matches!(err, OpsError::Address { .. }), "{err}");
        assert!(err.to_string().contains("localhost:9184"), "{err}");

        let taken = bind("127.0.0.1:0").await.expect("bind").expect("listener");
        let addr = taken.local_addr().expect("addr");
        let err = bind(&addr.to_string()).await.expect_err("port in use");
        assert!(matches!(err, OpsError::Bind { .. }), "{err}");
    }

    #[test]
    fn scheduler_gets_a_grace_period_before_its_first_tick() {
        let health = Health::with_max_tick_age(Duration::from_secs(600));
        let started = health.inner.started;
        assert!(health.report_at(started + 600).healthy);
        let late = health.report_at(started + 601);
        assert!(!late.healthy && !late.scheduler && late.db, "{late:?}");

        health.tick_at(started + 700);
        assert!(health.report_at(started + 1_300).healthy);
        assert!(!health.report_at(started + 1_301).healthy);
        // A clock stepping back does not produce a negative age.
        assert_eq!(health.report_at(started + 600).last_tick_age_secs, Some(0));
    }

    #[test]
    fn clones_share_state() {
        let health = Health::new();
        let other = health.clone();
        other.set_gateway_connected(Some(false));
        assert!(!health.is_healthy());
        assert_eq!(health.report().gateway, Some(false));
        other.set_gateway_connected(None);
        assert!(health.is_healthy());
    }
}
