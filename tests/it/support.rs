//! Shared test helpers: where the corpus lives.

use std::path::PathBuf;

/// `NEWSDESK_CORPUS_DIR`, or `../shared/corpus` beside the repository. Panics with a clear
/// message when it is missing: corpus tests must never pass vacuously.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("NEWSDESK_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    assert!(
        dir.is_dir(),
        "corpus directory {} is missing: set NEWSDESK_CORPUS_DIR",
        dir.display()
    );
    dir
}

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Response, StatusCode, header};
use axum::routing::get;
use newsdesk::app::App;
use newsdesk::config::Settings;

/// One request the feed server saw.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub path: String,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
}

/// A fixture the server answers with.
#[derive(Clone)]
pub struct Fixture {
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

#[derive(Clone, Default)]
struct ServerState {
    bomb: Arc<Vec<u8>>,
    fixtures: Arc<Mutex<HashMap<String, Fixture>>>,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
}

/// An axum server on 127.0.0.1:0 serving fixture feeds with ETag / Last-Modified, plus
/// misbehaving endpoints: status codes, slow answers, oversized bodies, a gzip bomb and a
/// redirect loop.
pub struct FeedServer {
    pub addr: SocketAddr,
    state: ServerState,
}

pub const LAST_MODIFIED: &str = "Mon, 23 Nov 2026 00:00:00 GMT";

impl FeedServer {
    pub async fn start() -> FeedServer {
        let state = ServerState {
            bomb: Arc::new(tokio::task::spawn_blocking(gzip_bomb).await.unwrap()),
            ..ServerState::default()
        };
        let app = Router::new()
            .route("/feed/{name}", get(serve_fixture))
            .route("/status/{code}", get(serve_status))
            .route("/slow", get(serve_slow))
            .route("/slow-article", get(serve_slow_article))
            .route("/big", get(serve_big))
            .route("/bomb", get(serve_bomb))
            .route("/loop/{n}", get(serve_loop))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FeedServer { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Serves `body` at `/feed/{name}`; returns its URL.
    pub fn add(&self, name: &str, content_type: &'static str, body: impl Into<Vec<u8>>) -> String {
        self.state.fixtures.lock().unwrap().insert(
            name.to_string(),
            Fixture {
                body: body.into(),
                content_type,
            },
        );
        self.url(&format!("/feed/{name}"))
    }

    pub fn seen(&self) -> Vec<SeenRequest> {
        self.state.seen.lock().unwrap().clone()
    }
}

fn record(state: &ServerState, path: String, headers: &HeaderMap) {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    state.seen.lock().unwrap().push(SeenRequest {
        path,
        if_none_match: get(header::IF_NONE_MATCH),
        if_modified_since: get(header::IF_MODIFIED_SINCE),
    });
}

fn etag_of(body: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    format!("\"{:x}\"", h.finish())
}

async fn serve_fixture(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response<Body> {
    record(&state, format!("/feed/{name}"), &headers);
    let fixture = state.fixtures.lock().unwrap().get(&name).cloned();
    let Some(fixture) = fixture else {
        return Response::builder()
            .status(404)
            .body(Body::from("no such feed"))
            .unwrap();
    };
    let etag = etag_of(&fixture.body);
    let matches = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    if matches {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .body(Body::empty())
            .unwrap();
    }
    Response::builder()
        .header(header::CONTENT_TYPE, fixture.content_type)
        .header(header::ETAG, etag)
        .header(header::LAST_MODIFIED, LAST_MODIFIED)
        .body(Body::from(fixture.body))
        .unwrap()
}

async fn serve_status(Path(code): Path<u16>) -> Response<Body> {
    Response::builder().status(code).body(Body::from("error page")).unwrap()
}

async fn serve_slow() -> Response<Body> {
    tokio::time::sleep(Duration::from_secs(10)).await;
    Response::builder().body(Body::from("<rss/>")).unwrap()
}

/// An article page that takes a little over two seconds: longer than a chat platform waits
/// for an answer without a deferral.
async fn serve_slow_article() -> Response<Body> {
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let body = format!(
        "<html><head><title>GPT-5 launch</title></head><body><article><h1>OpenAI launches GPT-5</h1>{}</article></body></html>",
        crate::digest::LAUNCH_A
            .split("\n\n")
            .map(|p| format!("<p>{p}</p>"))
            .collect::<String>()
    );
    Response::builder()
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(body))
        .unwrap()
}

/// Over the 256 KiB cap used by `test_settings`, declared honestly in Content-Length.
async fn serve_big() -> Response<Body> {
    let mut body = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>big</title>".to_vec();
    body.resize(1024 * 1024, b' ');
    Response::builder()
        .header(header::CONTENT_TYPE, "application/rss+xml")
        .body(Body::from(body))
        .unwrap()
}

/// A few KiB of gzip that inflate to 16 MiB, built once per server (compressing is slow in
/// a debug build and must not count against the client's timeout).
fn gzip_bomb() -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder
        .write_all(b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>bomb</title>")
        .unwrap();
    let spaces = vec![b' '; 1024 * 1024];
    for _ in 0..16 {
        encoder.write_all(&spaces).unwrap();
    }
    encoder.finish().unwrap()
}

async fn serve_bomb(State(state): State<ServerState>) -> Response<Body> {
    Response::builder()
        .header(header::CONTENT_TYPE, "application/rss+xml")
        .header(header::CONTENT_ENCODING, "gzip")
        .body(Body::from(state.bomb.as_ref().clone()))
        .unwrap()
}

async fn serve_loop(Path(n): Path<u32>) -> Response<Body> {
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, format!("/loop/{}", (n + 1) % 2))
        .body(Body::empty())
        .unwrap()
}

/// Settings for tests: a fresh SQLite file in `dir`, loopback allowed (the feed server is on
/// 127.0.0.1), short timeouts and a small body cap so failure cases are quick.
pub fn test_settings(dir: &std::path::Path) -> Settings {
    let mut settings = Settings::default();
    settings.database.path = dir.join("data").join("newsdesk.db");
    settings.sources.allow_private = true;
    settings.sources.install_defaults = false;
    settings.fetch.timeout_secs = 2;
    settings.fetch.connect_timeout_secs = 2;
    settings.fetch.max_body_bytes = 256 * 1024;
    // Tests run the same command many times in a row; the cooldown tests turn them back on.
    settings.cooldowns = newsdesk::config::CooldownSettings::off();
    settings
}

/// A newsdesk built on a fresh store in its own temporary folder.
pub struct TestApp {
    pub app: App,
    /// Held so the folder (and its SQLite file) outlives the app.
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let app = App::build(test_settings(dir.path())).await.unwrap();
    TestApp { app, _dir: dir }
}

pub async fn spawn_app_with(settings: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut s = test_settings(dir.path());
    settings(&mut s);
    let app = App::build(s).await.unwrap();
    TestApp { app, _dir: dir }
}

/// Makes the digest subscription of `channel` due now, as if its slot passed while the bot
/// was down: the schedule fired 10 minutes ago, and the last digest went out a day before.
pub async fn make_digest_due(app: &App, platform: &str, scope: &str, channel: &str) -> chrono::DateTime<chrono::Utc> {
    let subs = app
        .store
        .subscriptions_for(platform, scope, Some(channel))
        .await
        .unwrap();
    let sub = subs.first().expect("no subscription");
    let now = chrono::Utc::now();
    let slot = now - chrono::Duration::minutes(10);
    app.store
        .advance_digest(
            sub.id,
            slot - chrono::Duration::hours(24),
            now - chrono::Duration::minutes(1),
        )
        .await
        .unwrap();
    slot
}

/// A daily schedule whose time passed ten minutes ago (pair with [`make_digest_due`]).
pub fn schedule_ten_minutes_ago() -> String {
    format!(
        "daily {}",
        (chrono::Utc::now() - chrono::Duration::minutes(10)).format("%H:%M")
    )
}

/// The real `newsdesk` binary in `dir`, with none of the caller's `NEWSDESK_*` variables: the
/// test sets exactly the settings it means.
pub fn bot_process(dir: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"));
    for (key, _) in std::env::vars() {
        if key.starts_with("NEWSDESK_") {
            command.env_remove(key);
        }
    }
    command.current_dir(dir);
    command
}
