//! One full poll of `POLL_FEEDS` (default 10,000) feeds served on loopback, 90% of them
//! answering 304 Not Modified, timed, with the peak RSS of the polling process. The feeds are
//! spread over `POLL_HOSTS` (default 100) loopback addresses, 127.0.0.1 to 127.0.0.100, as
//! real feeds are spread over hosts (the fetcher's per-host limit applies to each). The feed
//! server runs in a child process (this binary re-executed) so its memory is not counted.
//!
//! `cargo bench --bench poll`

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Duration, Utc};
use newsdesk::app::App;
use newsdesk::config::Settings;
use newsdesk::domain::SourceKind;
use newsdesk::store::NewSource;

/// Feeds polled (`POLL_FEEDS`).
fn feeds() -> usize {
    common::env_count("POLL_FEEDS", 10_000)
}

/// Loopback addresses the feeds are spread over (`POLL_HOSTS`, at most 250).
fn hosts() -> usize {
    common::env_count("POLL_HOSTS", 100).min(250)
}

const ITEMS_PER_FEED: usize = 20;
const SERVER_ENV: &str = "NEWSDESK_BENCH_FEED_SERVER";

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        serve();
        return;
    }
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(SERVER_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the feed server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("server port");
    let port: u16 = line.trim().parse().expect("port number");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = Settings::default();
        settings.database.path = dir.path().join("poll.db");
        settings.sources.allow_private = true;
        settings.sources.install_defaults = false;
        let app = App::build(settings).await.expect("app");
        let t0 = Utc::now();
        let hosts = hosts();
        for n in 0..feeds() {
            let source = NewSource {
                url: format!("http://127.0.0.{}:{port}/feed/{n}", 1 + n % hosts),
                kind: SourceKind::Feed,
                title: None,
                added_by: None,
            };
            app.store.add_source(&source, t0).await.expect("add");
        }
        let started = Instant::now();
        let first = app.poller.poll_due(t0, |_| {}, |_| {}).await.expect("first poll");
        let first_time = started.elapsed();
        let first_rss = common::peak_rss_bytes().unwrap_or(0);
        println!(
            "first poll (all 200): {} sources, {} ok, {} failed, {} articles in {:.2} s; peak RSS {:.1} MiB",
            first.sources,
            first.ok,
            first.failed,
            first.new_articles,
            first_time.as_secs_f64(),
            first_rss as f64 / 1048576.0
        );

        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/bump"))
            .send()
            .await
            .expect("bump");
        // Reset the peak so the figure below is the 304-heavy poll's own.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let started = Instant::now();
        let second = app.poller.poll_due(t0 + Duration::hours(7), |_| {}, |_| {}).await.expect("second poll");
        let second_time = started.elapsed();
        let second_rss = common::peak_rss_bytes().unwrap_or(0);
        println!(
            "full poll, 90% 304: {} sources, {} not modified, {} failed, {} new articles in {:.2} s; peak RSS {:.1} MiB",
            second.sources,
            second.not_modified,
            second.failed,
            second.new_articles,
            second_time.as_secs_f64(),
            second_rss as f64 / 1048576.0
        );
        app.store.close().await;
    });
    drop(child.stdin.take());
    let _ = child.kill();
    let _ = child.wait();
}

#[derive(Clone, Default)]
struct Generations(Arc<Mutex<HashMap<usize, u32>>>);

fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let state = Generations::default();
        let router = Router::new()
            .route("/feed/{n}", get(feed))
            .route("/bump", post(bump))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // The same port on every other loopback address the feeds use.
        for host in 2..=hosts() {
            let other = tokio::net::TcpListener::bind(format!("127.0.0.{host}:{port}"))
                .await
                .expect("bind another loopback address");
            let router = router.clone();
            tokio::spawn(async move { axum::serve(other, router).await });
        }
        println!("{port}");
        let _ = std::io::stdout().flush();
        // Stop when the parent closes our stdin.
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            let _ = std::io::stdin().read_line(&mut sink);
            std::process::exit(0);
        });
        axum::serve(listener, router).await.expect("serve");
    });
}

async fn bump(State(state): State<Generations>) -> StatusCode {
    let mut map = state.0.lock().unwrap_or_else(|p| p.into_inner());
    for n in (0..feeds()).filter(|n| n % 10 == 0) {
        *map.entry(n).or_default() += 1;
    }
    StatusCode::NO_CONTENT
}

async fn feed(State(state): State<Generations>, Path(n): Path<usize>, headers: HeaderMap) -> Response {
    let generation = state
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&n)
        .copied()
        .unwrap_or(0);
    let etag = format!("\"{n}-{generation}\"");
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut body = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {n}</title><link>https://site{n}.example/</link>"
    );
    for i in 0..ITEMS_PER_FEED + generation as usize {
        body.push_str(&format!(
            "<item><title>Story {i} of feed {n}: a new model beats the benchmark</title>\
             <link>https://site{n}.example/story/{i}?utm_source=rss</link><guid>feed{n}-story{i}</guid>\
             <pubDate>Mon, 23 Nov 2026 0{h}:00:00 GMT</pubDate>\
             <description>&lt;p&gt;Researchers released a model that improves results on several tasks. \
             It uses a mixture of experts and a longer context window.&lt;/p&gt;</description></item>",
            h = i % 10
        ));
    }
    body.push_str("</channel></rss>");
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml".to_string()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}
