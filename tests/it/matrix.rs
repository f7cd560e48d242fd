//! The Matrix bot end to end against a real Synapse on 127.0.0.1 (`synapse.rs`): the real
//! matrix-sdk client logs in with a password, joins on invite, answers `!newsdesk` commands
//! typed by people (who speak the client-server API directly), and the scheduler posts
//! digests as HTML notices, over a real SQLite file and feeds served on loopback.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use newsdesk::app::App;
use newsdesk::chat::AdapterError;
use newsdesk::cli::serve;
use newsdesk::clock::Clock;
use newsdesk::config::{Secret, Settings};
use newsdesk::metrics::Metrics;
use newsdesk::ops::Health;
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::digest::two_feeds;
use crate::support::{FeedServer, bot_process, make_digest_due, schedule_ten_minutes_ago, test_settings};
use crate::synapse::{PASSWORD, User, synapse};

const WAIT: Duration = Duration::from_secs(30);

struct Bot {
    app: App,
    health: Health,
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), AdapterError>>,
}

fn bot_settings(dir: &Path, bot: &User) -> Settings {
    let mut settings = test_settings(dir);
    settings.matrix.homeserver_url = synapse().base_url.clone();
    settings.matrix.user_id = bot.user_id.clone();
    settings.matrix.password = Some(Secret::new(PASSWORD));
    settings.matrix.sync_timeout_secs = 2;
    settings.delivery.tick_secs = 1;
    settings.ops.listen = String::new();
    settings
}

async fn start_bot(dir: &Path, bot: &User) -> Bot {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("newsdesk=info")
        .with_test_writer()
        .try_init();
    let app = App::build(bot_settings(dir, bot)).await.unwrap();
    app.editor.sync_topics(Utc::now()).await.unwrap();
    let health = Health::new();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(serve::serve_matrix(
        app.clone(),
        Metrics::new(),
        health.clone(),
        Clock::System,
        stopped,
    ));
    // Connected once the first sync is done and the handlers are attached.
    let deadline = tokio::time::Instant::now() + WAIT;
    while health.report().gateway != Some(true) {
        assert!(!task.is_finished(), "the bot stopped: {:?}", task.await);
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bot never connected; Synapse log:\n{}",
            synapse().log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Bot {
        app,
        health,
        stop,
        task,
    }
}

impl Bot {
    async fn stop(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the bot did not stop")
            .unwrap()
            .unwrap();
        assert_eq!(self.health.report().gateway, Some(false));
    }

    /// The bot's device list, through the session it keeps in the database.
    async fn devices(&self, bot: &User) -> Vec<Value> {
        let key = format!("matrix.session {} {}", synapse().base_url, bot.user_id);
        let stored: Value = serde_json::from_str(&self.app.store.kv_get(&key).await.unwrap().unwrap()).unwrap();
        User::with_token(synapse(), &bot.user_id, stored["access_token"].as_str().unwrap())
            .devices()
            .await
    }
}

async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Notices the bot sent to `room`, oldest first, as `viewer` sees them.
async fn bot_notices(viewer: &User, room: &str, bot: &User) -> Vec<Value> {
    viewer
        .messages(room)
        .await
        .into_iter()
        .filter(|e| e["sender"] == bot.user_id.as_str() && e["content"]["msgtype"] == "m.notice")
        .collect()
}

/// Waits for the bot's next notice after the first `seen`, and returns it.
async fn next_notice(viewer: &User, room: &str, bot: &User, seen: usize) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let notices = bot_notices(viewer, room, bot).await;
        if notices.len() > seen {
            return notices[seen].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no answer from the bot in {room}; messages: {:#?}",
            viewer.messages(room).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn body(event: &Value) -> String {
    event["content"]["body"].as_str().unwrap_or_default().to_string()
}

fn html(event: &Value) -> String {
    event["content"]["formatted_body"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Every notice is HTML with a plain twin and mentions nobody.
fn assert_well_formed_notice(event: &Value) {
    let content = &event["content"];
    assert_eq!(content["msgtype"], "m.notice", "{event}");
    assert_eq!(content["format"], "org.matrix.custom.html", "{event}");
    assert!(!body(event).is_empty() && !html(event).is_empty(), "{event}");
    assert_eq!(content["m.mentions"], json!({}), "mentions must be empty: {event}");
}

/// A room `admin` made, with the bot in it (and past its welcome notice).
async fn room_with_bot(admin: &User, bot: &User) -> String {
    let room = admin.create_room("news").await;
    admin.invite(&room, &bot.user_id).await;
    let welcome = next_notice(admin, &room, bot, 0).await;
    assert!(body(&welcome).contains("!newsdesk help"), "{welcome}");
    room
}

/// Makes the room's digest subscription due now, for a slot ten minutes ago.
async fn make_due(app: &App, room: &str) -> DateTime<Utc> {
    make_digest_due(app, "matrix", &format!("matrix:{room}"), room).await
}

/// Why the room's subscription is paused, if it is.
async fn paused_reason(app: &App, room: &str) -> Option<String> {
    app.store
        .subscriptions_for("matrix", &format!("matrix:{room}"), Some(room))
        .await
        .unwrap()[0]
        .paused_reason
        .clone()
}

/// Alice subscribes the room to a daily `models` digest whose time passed ten minutes ago.
async fn subscribe_models(alice: &User, room: &str) {
    alice
        .say(
            room,
            &format!(
                "!newsdesk subscribe topic:models schedule:\"{}\" timezone:UTC",
                schedule_ten_minutes_ago()
            ),
        )
        .await;
}

/// A bot in a room that alice administers, with feeds served on loopback.
struct Desk {
    server: FeedServer,
    dir: tempfile::TempDir,
    bot_user: User,
    alice: User,
    bot: Bot,
    room: String,
}

async fn desk() -> Desk {
    let server = FeedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot_user = synapse().register("bot", false).await;
    let alice = synapse().register("alice", true).await;
    let bot = start_bot(dir.path(), &bot_user).await;
    let room = room_with_bot(&alice, &bot_user).await;
    Desk {
        server,
        dir,
        bot_user,
        alice,
        bot,
        room,
    }
}

#[tokio::test]
async fn matrix_bot_joins_on_invite_even_when_invited_while_it_was_away() {
    let dir = tempfile::tempdir().unwrap();
    let bot_user = synapse().register("bot", false).await;
    let alice = synapse().register("alice", true).await;
    let eve = synapse().register("eve", true).await;
    // Invited before the bot is running: joined at start-up.
    let early = alice.create_room("early").await;
    alice.invite(&early, &bot_user.user_id).await;

    let bot = start_bot(dir.path(), &bot_user).await;
    wait_until("the bot joins the room it was invited to while away", async || {
        alice.joined_members(&early).await.contains(&bot_user.user_id)
    })
    .await;
    let room = room_with_bot(&alice, &bot_user).await;
    assert!(alice.joined_members(&room).await.contains(&bot_user.user_id));
    let welcome = bot_notices(&alice, &room, &bot_user).await;
    assert_eq!(welcome.len(), 1);
    assert_well_formed_notice(&welcome[0]);
    bot.stop().await;

    // Invited while stopped after a run (the sync resumes from its kept token): joined too.
    let away = alice.create_room("while away").await;
    alice.invite(&away, &bot_user.user_id).await;
    let bot = start_bot(dir.path(), &bot_user).await;
    wait_until("the bot joins the room it was invited to between runs", async || {
        alice.joined_members(&away).await.contains(&bot_user.user_id)
    })
    .await;
    bot.stop().await;

    // With an allow-list, an invite from another server is declined.
    let mut settings = bot_settings(dir.path(), &bot_user);
    settings.matrix.allowed_inviter_servers = vec!["example.org".into()];
    let app = App::build(settings).await.unwrap();
    let (stop, stopped) = watch::channel(false);
    let health = Health::new();
    let task = tokio::spawn(serve::serve_matrix(
        app,
        Metrics::new(),
        health.clone(),
        Clock::System,
        stopped,
    ));
    wait_until("the bot reconnects", async || health.report().gateway == Some(true)).await;
    let elsewhere = eve.create_room("not allowed").await;
    eve.invite(&elsewhere, &bot_user.user_id).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(!eve.joined_members(&elsewhere).await.contains(&bot_user.user_id));
    stop.send(true).unwrap();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn matrix_subscribe_command_creates_a_subscription_and_replies_in_the_room() {
    let dir = tempfile::tempdir().unwrap();
    let bot_user = synapse().register("bot", false).await;
    let alice = synapse().register("alice", true).await;
    let bot = start_bot(dir.path(), &bot_user).await;
    let room = room_with_bot(&alice, &bot_user).await;

    alice
        .say(
            &room,
            "!newsdesk subscribe topic:agents schedule:\"daily 08:30\" timezone:Europe/Berlin",
        )
        .await;
    let reply = next_notice(&alice, &room, &bot_user, 1).await;
    assert_well_formed_notice(&reply);
    assert!(body(&reply).to_lowercase().contains("subscribed"), "{reply}");
    assert!(html(&reply).contains("<code>"), "{reply}");
    let subs = bot
        .app
        .store
        .subscriptions_for("matrix", &format!("matrix:{room}"), Some(&room))
        .await
        .unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(
        (
            subs[0].platform.as_str(),
            subs[0].channel.as_str(),
            subs[0].topic.as_str(),
            subs[0].schedule.as_deref(),
            subs[0].timezone.as_str()
        ),
        ("matrix", room.as_str(), "agents", Some("daily 08:30"), "Europe/Berlin")
    );

    // A bad argument gets a reply naming the value and the fix, in Matrix syntax.
    alice.say(&room, "!newsdesk subscribe topic:agentz").await;
    let error = next_notice(&alice, &room, &bot_user, 2).await;
    assert!(body(&error).starts_with("⚠️"), "{error}");
    assert!(body(&error).contains("agentz"), "{error}");
    // A typo in the command name.
    alice.say(&room, "!newsdesk subscirbe topic:agents").await;
    let error = next_notice(&alice, &room, &bot_user, 3).await;
    assert!(body(&error).contains("`!newsdesk subscribe`"), "{error}");

    // Listing works for everyone and shows the subscription.
    alice.say(&room, "!newsdesk subscriptions").await;
    let list = next_notice(&alice, &room, &bot_user, 4).await;
    assert!(body(&list).contains("agents"), "{list}");

    // Not for the bot: other people's notices (bot convention), text without the prefix,
    // and a prefix glued to another word.
    alice
        .send(&room, json!({"msgtype": "m.notice", "body": "!newsdesk help"}))
        .await;
    alice.say(&room, "what does !newsdesk help do?").await;
    alice.say(&room, "!newsdeskhelp").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(bot_notices(&alice, &room, &bot_user).await.len(), 5);
    bot.stop().await;
}

#[tokio::test]
async fn matrix_admin_command_from_a_member_below_the_power_level_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bot_user = synapse().register("bot", false).await;
    let alice = synapse().register("alice", true).await;
    let bob = synapse().register("bob", true).await;
    let bot = start_bot(dir.path(), &bot_user).await;
    let room = room_with_bot(&alice, &bot_user).await;
    alice.invite(&room, &bob.user_id).await;
    bob.join(&room).await;

    bob.say(&room, "!newsdesk subscribe topic:agents").await;
    let refusal = next_notice(&bob, &room, &bot_user, 1).await;
    assert_well_formed_notice(&refusal);
    assert!(body(&refusal).contains("only admins"), "{refusal}");
    assert!(body(&refusal).contains("power level of at least 50"), "{refusal}");
    assert!(body(&refusal).contains("`!newsdesk subscribe`"), "{refusal}");
    bob.say(&room, "!newsdesk manage sources add url:https://example.org/feed.xml")
        .await;
    let refusal = next_notice(&bob, &room, &bot_user, 2).await;
    assert!(body(&refusal).contains("only admins"), "{refusal}");
    let subs = bot
        .app
        .store
        .subscriptions_for("matrix", &format!("matrix:{room}"), None)
        .await
        .unwrap();
    assert!(subs.is_empty(), "{subs:?}");
    assert!(bot.app.store.list_sources().await.unwrap().is_empty());

    // Reading commands are for everyone.
    bob.say(&room, "!newsdesk topics").await;
    let topics = next_notice(&bob, &room, &bot_user, 3).await;
    assert!(body(&topics).contains("agents"), "{topics}");
    // The room's admin may.
    alice.say(&room, "!newsdesk subscribe topic:agents").await;
    let done = next_notice(&alice, &room, &bot_user, 4).await;
    assert!(body(&done).to_lowercase().contains("subscribed"), "{done}");
    bot.stop().await;
}

/// Subscribes `room` to a digest of `models` and waits for the scheduled digest; returns the
/// bot's notices after it.
async fn scheduled_digest(server: &FeedServer, bot: &Bot, alice: &User, bot_user: &User, room: &str) -> Vec<Value> {
    two_feeds(server, &bot.app, Utc::now()).await;
    let seen = bot_notices(alice, room, bot_user).await.len();
    subscribe_models(alice, room).await;
    let reply = next_notice(alice, room, bot_user, seen).await;
    assert!(body(&reply).to_lowercase().contains("subscribed"), "{reply}");
    make_due(&bot.app, room).await;
    let digest = next_notice(alice, room, bot_user, seen + 1).await;
    assert!(html(&digest).contains("Must Read"), "{digest}");
    // Let the rest of a multi-message digest and the chart arrive.
    wait_until("the digest is recorded as sent", async || {
        bot.app.store.delivery_counts(Some("matrix"), None).await.unwrap().sent == 1
    })
    .await;
    alice.messages(room).await
}

#[tokio::test]
async fn matrix_scheduled_digest_arrives_as_an_html_notice_with_its_chart() {
    let Desk {
        server,
        dir: _dir,
        bot_user,
        alice,
        bot,
        room,
    } = desk().await;
    let events = scheduled_digest(&server, &bot, &alice, &bot_user, &room).await;

    let notices: Vec<&Value> = events
        .iter()
        .filter(|e| e["sender"] == bot_user.user_id.as_str() && e["content"]["msgtype"] == "m.notice")
        .collect();
    let digest_notices: Vec<&&Value> = notices.iter().skip(2).collect();
    assert!(!digest_notices.is_empty());
    let all_html: String = digest_notices.iter().map(|e| html(e)).collect();
    let all_body: String = digest_notices.iter().map(|e| body(e)).collect();
    for event in &digest_notices {
        assert_well_formed_notice(event);
    }
    assert!(all_html.contains("<h2>📰"), "{all_html}");
    assert!(all_html.contains("GPT-5") && all_body.contains("GPT-5"), "{all_html}");
    assert!(all_html.contains("Gemini 3 Ultra"), "{all_html}");
    assert!(all_html.contains("📊 Data Overview"));
    // Feed text cannot ping or fake links; tracking parameters are gone.
    assert!(!all_html.contains("@everyone") && !all_body.contains("@everyone"));
    assert!(!all_html.contains("href=\"http://evil.example"), "{all_html}");
    assert!(!all_html.contains("utm_source"), "{all_html}");
    // The launch told by two outlets is one item, the other credited.
    assert_eq!(
        all_html.matches(">OpenAI launches GPT-5</a></h4>").count(),
        1,
        "{all_html}"
    );
    assert!(!all_html.contains("OpenAI releases GPT-5, its newest"), "{all_html}");
    assert!(all_html.contains("Also covered by: <a href=\"https://press.example/news/gpt-5-released\">Tech Press</a>"));
    // The chart, as an image right after the digest's first message.
    let images: Vec<&Value> = events
        .iter()
        .filter(|e| e["sender"] == bot_user.user_id.as_str() && e["content"]["msgtype"] == "m.image")
        .collect();
    assert_eq!(images.len(), 1, "{events:#?}");
    assert_eq!(images[0]["content"]["body"], "chart.png");
    assert!(images[0]["content"]["url"].as_str().unwrap().starts_with("mxc://"));
    assert_eq!(images[0]["content"]["m.mentions"], json!({}));

    // More ticks pass: nothing more arrives.
    let count = events.len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(alice.messages(&room).await.len(), count);
    let counts = bot.app.store.delivery_counts(Some("matrix"), None).await.unwrap();
    assert_eq!((counts.sent, counts.digests), (1, 1));
    bot.stop().await;
}

#[tokio::test]
async fn matrix_restart_posts_nothing_twice_answers_nothing_twice_and_keeps_its_device() {
    let Desk {
        server,
        dir,
        bot_user,
        alice,
        bot,
        room,
    } = desk().await;
    scheduled_digest(&server, &bot, &alice, &bot_user, &room).await;
    assert_eq!(bot.devices(&bot_user).await.len(), 1);
    let app = bot.app.clone();
    bot.stop().await;
    let before = alice.messages(&room).await;

    // A crash between send and record: the ledger says the digest is still pending and the
    // subscription is due again for the same slot.
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.settings.database.path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE deliveries SET status = 'pending', sent_at = NULL, message_ids = NULL")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let subs = app
        .store
        .subscriptions_for("matrix", &format!("matrix:{room}"), Some(&room))
        .await
        .unwrap();
    let last_run = subs[0].last_run_at.unwrap();
    app.store
        .advance_digest(
            subs[0].id,
            last_run - chrono::Duration::hours(24),
            Utc::now() - chrono::Duration::minutes(1),
        )
        .await
        .unwrap();
    drop(app);

    let bot = start_bot(dir.path(), &bot_user).await;
    wait_until("the pending digest is retried and recorded", async || {
        bot.app.store.delivery_counts(Some("matrix"), None).await.unwrap().sent == 1
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = alice.messages(&room).await;
    // The resend reused its transaction ids on the same device: the homeserver kept one copy.
    // And the commands from before the restart were not answered again.
    assert_eq!(
        after.len(),
        before.len(),
        "new events after the restart: {:#?}",
        after[before.len().min(after.len())..]
            .iter()
            .map(|e| format!(
                "{} {} {}",
                e["event_id"],
                e["sender"],
                body(e).chars().take(80).collect::<String>()
            ))
            .collect::<Vec<_>>()
    );
    // One device, across both runs: the session was restored, not logged in again.
    assert_eq!(bot.devices(&bot_user).await.len(), 1);
    // A restart with nothing pending posts nothing either.
    bot.stop().await;
    let bot = start_bot(dir.path(), &bot_user).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(alice.messages(&room).await.len(), before.len());
    bot.stop().await;
}

#[tokio::test]
async fn matrix_kicked_bot_or_encrypted_room_pauses_the_subscription_with_the_reason() {
    let Desk {
        server,
        dir: _dir,
        bot_user,
        alice,
        bot,
        room,
    } = desk().await;
    two_feeds(&server, &bot.app, Utc::now()).await;
    subscribe_models(&alice, &room).await;
    next_notice(&alice, &room, &bot_user, 1).await;
    alice.kick(&room, &bot_user.user_id).await;
    // Let the bot see the kick before the digest falls due.
    tokio::time::sleep(Duration::from_secs(2)).await;
    make_due(&bot.app, &room).await;
    wait_until("the subscription is paused", async || {
        paused_reason(&bot.app, &room).await.is_some()
    })
    .await;
    let reason = paused_reason(&bot.app, &room).await.unwrap();
    assert!(reason.contains("not in this room"), "{reason}");
    // One attempt, then quiet: no retry storm.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let counts = bot.app.store.delivery_counts(Some("matrix"), None).await.unwrap();
    assert_eq!(counts.sent, 0);
    assert!(
        bot.app
            .store
            .departed_at(&format!("matrix:{room}"))
            .await
            .unwrap()
            .is_some(),
        "the kick is recorded: the room's data goes after the retention period"
    );
    // Invited back before then: the subscription resumes by itself.
    alice.invite(&room, &bot_user.user_id).await;
    wait_until("the subscription resumes", async || {
        paused_reason(&bot.app, &room).await.is_none()
    })
    .await;
    assert!(
        bot.app
            .store
            .departed_at(&format!("matrix:{room}"))
            .await
            .unwrap()
            .is_none()
    );

    // An end-to-end encrypted room: the bot says it cannot work there, and a subscription
    // made anyway (a client sending clear text) is paused instead of posting in clear text.
    let secret = alice
        .create_room_with(
            "encrypted",
            json!([{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]),
        )
        .await;
    alice.invite(&secret, &bot_user.user_id).await;
    let welcome = next_notice(&alice, &secret, &bot_user, 0).await;
    assert!(body(&welcome).contains("end-to-end encrypted"), "{welcome}");
    subscribe_models(&alice, &secret).await;
    next_notice(&alice, &secret, &bot_user, 1).await;
    make_due(&bot.app, &secret).await;
    wait_until("the encrypted room's subscription is paused", async || {
        paused_reason(&bot.app, &secret)
            .await
            .is_some_and(|reason| reason.contains("encrypted"))
    })
    .await;
    assert_eq!(bot_notices(&alice, &secret, &bot_user).await.len(), 2);
    bot.stop().await;
}

#[tokio::test]
async fn matrix_and_discord_served_by_one_bot_process_configured_by_environment() {
    let fake = crate::fake_discord::FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot_user = synapse().register("bot", false).await;
    let alice = synapse().register("alice", true).await;
    std::fs::write(
        dir.path().join("newsdesk.toml"),
        "[sources]\ninstall_defaults = false\n[delivery]\ntick_secs = 1\n[ops]\nlisten = \"\"\n",
    )
    .unwrap();
    let mut command = bot_process(dir.path());
    command
        .arg("run")
        .env("NEWSDESK_DATABASE__PATH", dir.path().join("newsdesk.db"))
        .env("NEWSDESK_MATRIX__HOMESERVER_URL", &synapse().base_url)
        .env("NEWSDESK_MATRIX__USER_ID", &bot_user.user_id)
        .env("NEWSDESK_MATRIX__PASSWORD", PASSWORD)
        .env(
            "NEWSDESK_DISCORD__TOKEN",
            "MTE4NzQwMDAwMDAwMDAwMDAwMQ.GfAkEd.newsdesk-test-token",
        )
        .env("NEWSDESK_DISCORD__API_BASE", fake.api_base())
        .env("RUST_LOG", "debug")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("bot.log")).unwrap());
    let mut child = command.spawn().unwrap();
    let pid = child.id();
    let log = || std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default();

    // Matrix: invited, joins, answers a command.
    let room = alice.create_room("both").await;
    alice.invite(&room, &bot_user.user_id).await;
    wait_until("the bot process joins", async || {
        assert!(child.try_wait().unwrap().is_none(), "the bot exited: {}", log());
        alice.joined_members(&room).await.contains(&bot_user.user_id)
    })
    .await;
    next_notice(&alice, &room, &bot_user, 0).await;
    alice.say(&room, "!newsdesk subscribe topic:agents").await;
    let reply = next_notice(&alice, &room, &bot_user, 1).await;
    assert!(body(&reply).to_lowercase().contains("subscribed"), "{reply}");
    // Discord: the same process identified on the gateway.
    wait_until("the bot identifies with Discord", async || fake.identify_count() > 0).await;

    let terminated = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let stderr = log();
    assert!(status.success(), "exit {status:?}: {stderr}");
    assert!(stderr.contains("connected to Matrix"), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "the Matrix password was logged");
    assert!(!stderr.contains("newsdesk-test-token"), "the Discord token was logged");
    // The session's access token lives in the database only.
    let settings = {
        let mut settings = crate::support::test_settings(dir.path());
        settings.database.path = dir.path().join("newsdesk.db");
        settings
    };
    let app = App::build(settings).await.unwrap();
    let key = format!("matrix.session {} {}", synapse().base_url, bot_user.user_id);
    let stored: Value = serde_json::from_str(&app.store.kv_get(&key).await.unwrap().unwrap()).unwrap();
    let access_token = stored["access_token"].as_str().unwrap();
    assert!(!stderr.contains(access_token), "the Matrix access token was logged");
}

#[tokio::test]
async fn matrix_a_rooms_own_sources_stay_in_that_room_and_a_mute_affects_only_that_room() {
    let Desk {
        server,
        dir: _dir,
        bot_user,
        alice,
        bot,
        room,
    } = desk().await;
    let urls = crate::servers::feeds(&server);
    bot.app
        .add_source(&urls.global, None, None, None, Utc::now())
        .await
        .unwrap();
    let other = room_with_bot(&alice, &bot_user).await;

    alice
        .say(&room, &format!("!newsdesk manage sources add url:{}", urls.a))
        .await;
    let added = next_notice(&alice, &room, &bot_user, 1).await;
    assert!(body(&added).contains("✅ Added"), "{added}");
    wait_until("both sources are polled", async || {
        let sources = bot.app.store.list_sources().await.unwrap();
        sources.len() == 2 && sources.iter().all(|s| s.last_success_at.is_some())
    })
    .await;

    alice.say(&other, "!newsdesk search query:zorblax").await;
    let nothing = next_notice(&alice, &other, &bot_user, 1).await;
    assert!(body(&nothing).contains("Nothing found"), "{nothing}");
    alice.say(&room, "!newsdesk search query:zorblax").await;
    let found = next_notice(&alice, &room, &bot_user, 2).await;
    assert!(body(&found).contains("Zorblax agent leaked"), "{found}");

    // The global source is the operator's: a room admin may mute it here, not remove it.
    alice
        .say(&other, &format!("!newsdesk manage sources remove url:{}", urls.global))
        .await;
    let refused = next_notice(&alice, &other, &bot_user, 2).await;
    assert!(body(&refused).contains("is a global source"), "{refused}");
    assert!(body(&refused).contains("!newsdesk manage sources mute"), "{refused}");
    alice
        .say(&other, &format!("!newsdesk manage sources mute url:{}", urls.global))
        .await;
    let muted = next_notice(&alice, &other, &bot_user, 3).await;
    assert!(body(&muted).contains("Muted"), "{muted}");
    alice.say(&other, "!newsdesk search query:glimmerstone").await;
    let nothing = next_notice(&alice, &other, &bot_user, 4).await;
    assert!(body(&nothing).contains("Nothing found"), "{nothing}");
    alice.say(&room, "!newsdesk search query:glimmerstone").await;
    let found = next_notice(&alice, &room, &bot_user, 3).await;
    assert!(body(&found).contains("Glimmerstone"), "{found}");
    bot.stop().await;
}
