//! A real Synapse homeserver on 127.0.0.1 for the Matrix tests, started once per test binary
//! from the virtualenv `.ci/install-synapse` makes (`$NEWSDESK_SYNAPSE_VENV`, default
//! `target/synapse-venv`), plus a small client-server API client for the test's human users.
//!
//! Missing Synapse is a failure, never a skip: the tests panic and say how to install it.
//! The server runs under a shell that waits on our stdin; when the test binary exits, for
//! whatever reason, the pipe closes and the shell stops Synapse and removes its folder.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A throwaway signing key (Synapse signs its events; nothing leaves loopback).
const SIGNING_KEY: &str = "ed25519 a_test NjAtrKdtqQPMNSOfJezh99LCid1OxZv8nD78s9maXNM";
const START_TIMEOUT: Duration = Duration::from_secs(120);
pub const PASSWORD: &str = "correct horse battery staple";

pub struct Synapse {
    pub base_url: String,
    dir: PathBuf,
    /// Held open for the life of the test binary; closing it stops the server.
    _lifeline: std::sync::Mutex<ChildStdin>,
    /// The shell that stops Synapse; it exits on its own once the lifeline closes.
    _shell: std::sync::Mutex<Child>,
}

static SYNAPSE: OnceLock<Synapse> = OnceLock::new();
static USER_SEQ: AtomicUsize = AtomicUsize::new(0);

/// The shared homeserver, started on first use.
pub fn synapse() -> &'static Synapse {
    SYNAPSE.get_or_init(start)
}

fn venv() -> PathBuf {
    std::env::var_os("NEWSDESK_SYNAPSE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/synapse-venv"))
}

fn start() -> Synapse {
    let python = venv().join("bin/python");
    assert!(
        python.is_file()
            && Command::new(&python)
                .args(["-c", "import synapse"])
                .status()
                .is_ok_and(|s| s.success()),
        "Synapse is not installed at {}: the Matrix tests need a real homeserver. Run `./.ci/test` \
         (it installs Synapse from PyPI into target/synapse-venv first) or `.ci/install-synapse`, \
         or point NEWSDESK_SYNAPSE_VENV at a virtualenv with matrix-synapse",
        venv().display()
    );
    let dir = std::env::temp_dir().join(format!("newsdesk-synapse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("media")).unwrap();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    std::fs::write(dir.join("signing.key"), SIGNING_KEY).unwrap();
    std::fs::write(dir.join("homeserver.yaml"), config(&dir, port)).unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(
            r#"cd "$1" && "$2" -m synapse.app.homeserver -c "$1/homeserver.yaml" >"$1/synapse.log" 2>&1 &
pid=$!
read _ignored
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$1""#,
        )
        .arg("sh")
        .arg(&dir)
        .arg(&python)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start sh for Synapse");
    let lifeline = child.stdin.take().unwrap();
    let base_url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        if let Ok((200, _)) = raw_get(port, "/_matrix/client/versions") {
            break;
        }
        if started.elapsed() > START_TIMEOUT {
            let log = std::fs::read_to_string(dir.join("synapse.log")).unwrap_or_default();
            let tail: String = log
                .lines()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            panic!("Synapse did not answer on {base_url} within {START_TIMEOUT:?}; its log ends:\n{tail}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("Synapse up on {base_url} after {:?}", started.elapsed());
    Synapse {
        base_url,
        dir,
        _lifeline: std::sync::Mutex::new(lifeline),
        _shell: std::sync::Mutex::new(child),
    }
}

/// Open registration (tests only, loopback only) and no rate limits: the tests register
/// users and send messages much faster than a person would.
fn config(dir: &std::path::Path, port: u16) -> String {
    let d = dir.display();
    let unlimited = "{per_second: 10000, burst_count: 10000}";
    format!(
        r#"server_name: "localhost"
public_baseurl: "http://127.0.0.1:{port}/"
pid_file: "{d}/homeserver.pid"
listeners:
  - port: {port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "{d}/homeserver.db"
media_store_path: "{d}/media"
signing_key_path: "{d}/signing.key"
report_stats: false
registration_shared_secret: "newsdesk-test-shared-secret"
macaroon_secret_key: "newsdesk-test-macaroon-secret"
form_secret: "newsdesk-test-form-secret"
enable_registration: true
enable_registration_without_verification: true
trusted_key_servers: []
suppress_key_server_warning: true
presence:
  enabled: false
url_preview_enabled: false
enable_metrics: false
rc_message: {unlimited}
rc_registration: {unlimited}
rc_login:
  address: {unlimited}
  account: {unlimited}
  failed_attempts: {unlimited}
rc_joins:
  local: {unlimited}
  remote: {unlimited}
rc_joins_per_room: {unlimited}
rc_invites:
  per_room: {unlimited}
  per_user: {unlimited}
  per_issuer: {unlimited}
rc_media_create: {unlimited}
"#
    )
}

/// A blocking GET on loopback (used before any runtime-bound client exists).
fn raw_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, response))
}

impl Synapse {
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("synapse.log")).unwrap_or_default()
    }

    /// A fresh account named after `who` (unique per call). `login: false` registers without
    /// a device, as for the bot, which logs in itself.
    pub async fn register(&self, who: &str, login: bool) -> User {
        let n = USER_SEQ.fetch_add(1, Ordering::Relaxed);
        let localpart = format!("{who}{n}p{}", std::process::id());
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let request = json!({
            "username": localpart,
            "password": PASSWORD,
            "auth": {"type": "m.login.dummy"},
            "inhibit_login": !login,
            "initial_device_display_name": "test",
        });
        let response = http
            .post(format!("{}/_matrix/client/v3/register", self.base_url))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(request.to_string())
            .send()
            .await
            .unwrap();
        let response: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        let user_id = response["user_id"]
            .as_str()
            .unwrap_or_else(|| panic!("registration failed: {response}"))
            .to_string();
        User {
            base_url: self.base_url.clone(),
            user_id,
            access_token: response["access_token"].as_str().unwrap_or_default().to_string(),
            http,
        }
    }
}

/// A person in the tests, speaking the client-server API directly.
#[derive(Clone)]
pub struct User {
    base_url: String,
    pub user_id: String,
    pub access_token: String,
    http: reqwest::Client,
}

impl User {
    /// A client for someone else's access token (e.g. the bot's, to list its devices).
    pub fn with_token(synapse: &Synapse, user_id: &str, access_token: &str) -> User {
        User {
            base_url: synapse.base_url.clone(),
            user_id: user_id.to_string(),
            access_token: access_token.to_string(),
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}/_matrix/client/v3{path}", self.base_url))
            .bearer_auth(&self.access_token);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
        (status, body)
    }

    async fn ok(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let (status, body) = self.call(method, path, body).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    /// A private room this user creates (and so administers, power level 100).
    pub async fn create_room(&self, name: &str) -> String {
        self.create_room_with(name, json!([])).await
    }

    /// A private room with extra initial state events.
    pub async fn create_room_with(&self, name: &str, initial_state: Value) -> String {
        let body = self
            .ok(
                reqwest::Method::POST,
                "/createRoom",
                Some(json!({"name": name, "preset": "private_chat", "initial_state": initial_state})),
            )
            .await;
        body["room_id"].as_str().unwrap().to_string()
    }

    pub async fn invite(&self, room: &str, user_id: &str) {
        self.ok(
            reqwest::Method::POST,
            &format!("/rooms/{}/invite", enc(room)),
            Some(json!({"user_id": user_id})),
        )
        .await;
    }

    pub async fn join(&self, room: &str) {
        self.ok(reqwest::Method::POST, &format!("/join/{}", enc(room)), Some(json!({})))
            .await;
    }

    pub async fn kick(&self, room: &str, user_id: &str) {
        self.ok(
            reqwest::Method::POST,
            &format!("/rooms/{}/kick", enc(room)),
            Some(json!({"user_id": user_id, "reason": "test"})),
        )
        .await;
    }

    /// Sends a text message (what a person types); returns its event id.
    pub async fn say(&self, room: &str, text: &str) -> String {
        self.send(room, json!({"msgtype": "m.text", "body": text})).await
    }

    /// Sends any `m.room.message` content.
    pub async fn send(&self, room: &str, content: Value) -> String {
        let txn = format!("t{}", USER_SEQ.fetch_add(1, Ordering::Relaxed));
        let body = self
            .ok(
                reqwest::Method::PUT,
                &format!("/rooms/{}/send/m.room.message/{txn}", enc(room)),
                Some(content),
            )
            .await;
        body["event_id"].as_str().unwrap().to_string()
    }

    /// The room's `m.room.message` events, oldest first (up to 1,000).
    pub async fn messages(&self, room: &str) -> Vec<Value> {
        let body = self
            .ok(
                reqwest::Method::GET,
                &format!("/rooms/{}/messages?dir=b&limit=1000", enc(room)),
                None,
            )
            .await;
        let mut events: Vec<Value> = body["chunk"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e["type"] == "m.room.message")
            .collect();
        events.reverse();
        events
    }

    pub async fn joined_members(&self, room: &str) -> Vec<String> {
        let body = self
            .ok(
                reqwest::Method::GET,
                &format!("/rooms/{}/joined_members", enc(room)),
                None,
            )
            .await;
        body["joined"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    pub async fn devices(&self) -> Vec<Value> {
        let body = self.ok(reqwest::Method::GET, "/devices", None).await;
        body["devices"].as_array().cloned().unwrap_or_default()
    }
}

fn enc(id: &str) -> String {
    id.replace('!', "%21").replace(':', "%3A").replace('#', "%23")
}
