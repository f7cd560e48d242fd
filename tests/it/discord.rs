//! The Discord bot end to end: the real poise/serenity client and our REST poster against the
//! loopback fake of Discord's API and gateway (`fake_discord.rs`), over a real SQLite file and
//! feeds served on 127.0.0.1. Every command family goes through a real INTERACTION_CREATE;
//! scheduled digests and instant alerts arrive as `POST /channels/{id}/messages`, which the
//! fake checks against every Discord limit.

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

use crate::digest::{Item, LAUNCH_A, SECURITY, two_feeds};
use crate::fake_discord::{
    Callback, FakeDiscord, Invoker, focused, opt_attachment, opt_bool, opt_channel, opt_int, opt_str, subcommand,
    subcommand_group,
};
use crate::support::{FeedServer, bot_process, make_digest_due, schedule_ten_minutes_ago, test_settings};

pub(crate) const TOKEN: &str = "MTE4NzQwMDAwMDAwMDAwMDAwMQ.GfAkEd.newsdesk-test-token";
pub(crate) const WAIT: Duration = Duration::from_secs(10);
/// Discord sends a choice's value; poise numbers `digest`, `instant` as 0, 1.
const INSTANT: i64 = 1;

/// A running bot on a store in `dir`.
pub(crate) struct Bot {
    pub(crate) app: App,
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), AdapterError>>,
}

fn bot_settings(fake: &FakeDiscord, dir: &Path) -> Settings {
    let mut settings = test_settings(dir);
    settings.discord.token = Some(Secret::new(TOKEN));
    settings.discord.api_base = fake.api_base();
    settings.discord.dev_guild = Some(FakeDiscord::GUILD_ID);
    settings.delivery.tick_secs = 1;
    settings.ops.listen = String::new();
    settings
}

async fn start_bot(fake: &FakeDiscord, dir: &Path) -> Bot {
    start_bot_with(fake, dir, |_| {}).await
}

pub(crate) async fn start_bot_with(fake: &FakeDiscord, dir: &Path, tweak: impl FnOnce(&mut Settings)) -> Bot {
    let mut settings = bot_settings(fake, dir);
    tweak(&mut settings);
    let app = App::build(settings).await.unwrap();
    app.editor.sync_topics(Utc::now()).await.unwrap();
    let identified = fake.identify_count();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(serve::serve_discord(
        app.clone(),
        Metrics::new(),
        Health::new(),
        Clock::System,
        stopped,
    ));
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.identify_count() == identified || !fake.wait_ready(Duration::from_millis(50)).await {
        assert!(tokio::time::Instant::now() < deadline, "the bot never identified");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // poise answers interactions once its setup (run on READY) is done.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Bot { app, stop, task }
}

impl Bot {
    pub(crate) async fn stop(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the bot did not stop")
            .unwrap()
            .unwrap();
    }
}

async fn run_command(fake: &FakeDiscord, id: u64, name: &str, options: Value, invoker: &Invoker) -> Callback {
    fake.send_interaction(FakeDiscord::command_interaction(2, id, name, options, invoker))
        .await;
    fake.wait_callback(id, WAIT)
        .await
        .unwrap_or_else(|| panic!("no answer to /{name}; requests: {:?}", fake.requests()))
}

async fn admin(fake: &FakeDiscord, id: u64, name: &str, options: Value) -> Callback {
    run_command(fake, id, name, options, &Invoker::admin()).await
}

async fn member(fake: &FakeDiscord, id: u64, name: &str, options: Value) -> Callback {
    run_command(fake, id, name, options, &Invoker::member()).await
}

/// Waits until the callback's original response has content or embeds (a deferred answer is
/// edited in later).
pub(crate) async fn settled(fake: &FakeDiscord, id: u64) -> Callback {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(callback) = fake.callback(id)
            && (!callback.content().is_empty() || !callback.embeds().is_empty())
        {
            return callback;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no final answer to interaction {id}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Makes the digest channel's subscription due now.
async fn make_due(app: &App, channel: u64) -> DateTime<Utc> {
    make_digest_due(
        app,
        "discord",
        &format!("discord:{}", FakeDiscord::GUILD_ID),
        &channel.to_string(),
    )
    .await
}

async fn subscribe_digest_channel(fake: &FakeDiscord, id: u64) -> Callback {
    let callback = admin(
        fake,
        id,
        "subscribe",
        json!([
            opt_str("topic", "models"),
            opt_channel("channel", FakeDiscord::DIGEST_CHANNEL_ID),
            opt_str("schedule", &schedule_ten_minutes_ago()),
            opt_str("timezone", "UTC"),
        ]),
    )
    .await;
    let text = callback.text();
    assert!(text.contains("subscribed") || text.contains("updated"), "{text}");
    callback
}

pub(crate) async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn discord_bot_connects_with_guilds_intent_only_and_registers_commands_only_when_they_change() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;
    assert!(
        fake.wait_command_writes(1, WAIT).await,
        "commands were never registered"
    );
    let identify = fake.identify().unwrap();
    assert_eq!(identify["intents"], json!(1), "GUILDS only: {identify}");
    assert_eq!(identify["token"], json!(format!("Bot {TOKEN}")));

    let writes = fake.command_writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        writes[0].guild_id,
        Some(FakeDiscord::GUILD_ID),
        "dev_guild registers in that guild"
    );
    let names: Vec<String> = fake
        .guild_commands(FakeDiscord::GUILD_ID)
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect();
    for expected in [
        "subscribe",
        "unsubscribe",
        "subscriptions",
        "topics",
        "sources",
        "digest",
        "search",
        "latest",
        "summarize",
        "manage",
        "stats",
        "help",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} missing from {names:?}"
        );
    }
    let subscribe = fake
        .guild_commands(FakeDiscord::GUILD_ID)
        .into_iter()
        .find(|c| c["name"] == "subscribe")
        .unwrap();
    assert_eq!(
        subscribe["default_member_permissions"],
        json!("32"),
        "Manage Server: {subscribe}"
    );
    bot.stop().await;

    // Restarted with the same command set: nothing is registered again.
    let bot = start_bot(&fake, dir.path()).await;
    let help = member(&fake, 1, "help", Value::Null).await;
    assert!(help.text().contains("/subscribe"), "{}", help.text());
    assert_eq!(
        fake.command_put_count(),
        1,
        "commands registered again though unchanged"
    );
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn discord_subscription_commands_create_list_and_remove_with_ephemeral_replies() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;

    let reply = admin(
        &fake,
        10,
        "subscribe",
        json!([
            opt_str("topic", "agents"),
            opt_str("schedule", "weekdays 08:30"),
            opt_str("timezone", "Europe/Berlin"),
            opt_int("max_items", 5),
        ]),
    )
    .await;
    assert!(reply.is_ephemeral(), "settings replies are ephemeral");
    let text = reply.text();
    assert!(
        text.contains(&format!("<#{}> subscribed", FakeDiscord::CHANNEL_ID))
            && text.contains("weekdays 08:30 (Europe/Berlin)")
            && text.contains("up to 5 stories"),
        "{text}"
    );
    assert_eq!(
        reply.data()["allowed_mentions"]["parse"],
        json!([]),
        "{:?}",
        reply.data()
    );

    let reply = admin(
        &fake,
        11,
        "subscribe",
        json!([
            opt_str("topic", "security"),
            opt_channel("channel", FakeDiscord::OTHER_CHANNEL_ID),
            opt_int("mode", INSTANT),
        ]),
    )
    .await;
    assert!(reply.text().contains("posted as they appear"), "{}", reply.text());

    let list = member(&fake, 12, "subscriptions", Value::Null).await;
    let text = list.text();
    assert!(text.contains("**Subscriptions** (2)"), "{text}");
    assert!(
        text.contains("`agents` · weekdays 08:30 Europe/Berlin, ≤ 5 stories"),
        "{text}"
    );
    assert!(
        text.contains(&format!("<#{}> · `security` · instant", FakeDiscord::OTHER_CHANNEL_ID)),
        "{text}"
    );

    let gone = admin(&fake, 13, "unsubscribe", json!([opt_str("topic", "agents")])).await;
    assert!(gone.text().contains("no longer receives **agents**"), "{}", gone.text());
    let missing = admin(&fake, 14, "unsubscribe", json!([opt_str("topic", "agents")])).await;
    assert!(missing.is_ephemeral());
    assert!(
        missing.text().contains("is not subscribed to \"agents\""),
        "{}",
        missing.text()
    );

    let settings = admin(
        &fake,
        15,
        "manage",
        json!([subcommand(
            "settings",
            json!([opt_str("timezone", "America/New_York"), opt_int("min_score", 18)])
        )]),
    )
    .await;
    assert!(settings.is_ephemeral());
    assert!(settings.text().contains("`America/New_York`") && settings.text().contains("⭐ 18/30"));
    let subs = bot
        .app
        .store
        .subscriptions_for("discord", &format!("discord:{}", FakeDiscord::GUILD_ID), None)
        .await
        .unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].channel, FakeDiscord::OTHER_CHANNEL_ID.to_string());
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn discord_bad_arguments_get_an_ephemeral_reply_naming_the_value_and_the_fix() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot_with(&fake, dir.path(), |s| s.sources.allow_private = false).await;

    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "subscribe",
            json!([opt_str("topic", "llamas")]),
            "unknown topic \"llamas\"; pick one of agents,",
        ),
        (
            "subscribe",
            json!([opt_str("topic", "agents"), opt_str("schedule", "daily 8.30")]),
            "\"8.30\" is not a time; write it as HH:MM",
        ),
        (
            "subscribe",
            json!([opt_str("topic", "agents"), opt_str("schedule", "fortnightly 09:00")]),
            "is not a schedule; write `daily 08:30`",
        ),
        (
            "subscribe",
            json!([opt_str("topic", "agents"), opt_str("timezone", "Europe/Berln")]),
            "did you mean `Europe/Berlin`?",
        ),
        (
            "subscribe",
            json!([
                opt_str("topic", "agents"),
                opt_int("mode", INSTANT),
                opt_str("schedule", "daily 08:00")
            ]),
            "take no schedule",
        ),
        (
            "digest",
            json!([opt_str("topic", "nonsense")]),
            "unknown topic \"nonsense\"",
        ),
        (
            "manage",
            json!([subcommand_group(
                "sources",
                subcommand("add", json!([opt_str("url", "http://127.0.0.1:8080/feed.xml")]))
            )]),
            "loopback address",
        ),
        (
            "manage",
            json!([subcommand_group(
                "sources",
                subcommand("add", json!([opt_str("url", "feed dot com")]))
            )]),
            "\"feed dot com\" is not a URL",
        ),
        (
            "summarize",
            json!([opt_str("url", "ftp://example.com/x")]),
            "only http(s) pages can be summarised",
        ),
        (
            "search",
            json!([opt_str("query", "-- **")]),
            "has no words to search for",
        ),
    ];
    for (i, (name, options, expected)) in cases.into_iter().enumerate() {
        let id = 100 + i as u64;
        admin(&fake, id, name, options).await;
        let reply = settled(&fake, id).await;
        assert!(reply.is_ephemeral(), "/{name}: not ephemeral");
        assert!(
            reply.text().contains(expected),
            "/{name}: {:?} lacks {expected:?}",
            reply.text()
        );
    }
    assert!(bot.app.store.list_sources().await.unwrap().is_empty());
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn discord_admin_commands_from_a_non_admin_are_refused_and_change_nothing() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;

    let refused: Vec<(&str, Value)> = vec![
        ("subscribe", json!([opt_str("topic", "agents")])),
        ("unsubscribe", json!([opt_str("topic", "agents")])),
        (
            "manage",
            json!([subcommand("settings", json!([opt_int("min_score", 3)]))]),
        ),
        (
            "manage",
            json!([subcommand_group(
                "topics",
                subcommand(
                    "create",
                    json!([opt_str("slug", "robots"), opt_str("include", "robot")])
                )
            )]),
        ),
        (
            "manage",
            json!([subcommand_group(
                "topics",
                subcommand("delete", json!([opt_str("slug", "robots")]))
            )]),
        ),
        (
            "manage",
            json!([subcommand_group(
                "sources",
                subcommand("add", json!([opt_str("url", "https://example.com/feed.xml")]))
            )]),
        ),
        (
            "manage",
            json!([subcommand_group(
                "sources",
                subcommand("remove", json!([opt_str("url", "https://example.com/feed.xml")]))
            )]),
        ),
        (
            "manage",
            json!([subcommand_group(
                "sources",
                subcommand("mute", json!([opt_str("url", "https://example.com/feed.xml")]))
            )]),
        ),
    ];
    for (i, (name, options)) in refused.into_iter().enumerate() {
        let reply = member(&fake, 200 + i as u64, name, options).await;
        assert!(reply.is_ephemeral());
        assert!(
            reply.text().contains("only admins may run it"),
            "/{name}: {}",
            reply.text()
        );
    }
    let store = &bot.app.store;
    let scope = format!("discord:{}", FakeDiscord::GUILD_ID);
    assert!(
        store
            .subscriptions_for("discord", &scope, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.list_sources().await.unwrap().is_empty());
    assert!(store.topics_for_scope(&scope).await.unwrap().iter().all(|t| t.builtin));
    assert_eq!(store.server_settings(&scope).await.unwrap().min_score, None);

    // The same member may read.
    let topics = member(&fake, 220, "topics", Value::Null).await;
    assert!(
        topics.text().contains("`agents` — **Agents & tool use**"),
        "{}",
        topics.text()
    );
    // An admin may write.
    let made = admin(
        &fake,
        221,
        "manage",
        json!([subcommand_group(
            "topics",
            subcommand(
                "create",
                json!([
                    opt_str("slug", "robots"),
                    opt_str("include", "robot, humanoid"),
                    opt_str("name", "Robots")
                ])
            )
        )]),
    )
    .await;
    assert!(made.text().contains("Created topic `robots`"), "{}", made.text());
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn discord_reading_commands_answer_from_the_archive() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;
    let now = Utc::now();
    two_feeds(&server, &bot.app, now).await;

    let search = member(
        &fake,
        300,
        "search",
        json!([opt_str("query", "prompt injection"), opt_int("days", 7)]),
    )
    .await;
    let text = search.text();
    assert!(search.is_ephemeral());
    assert!(
        text.contains("Prompt injection in a coding agent leaked API keys"),
        "{text}"
    );
    assert!(text.contains("](<https://lab.example/agent-cve>)"), "{text}");

    let latest = member(
        &fake,
        301,
        "latest",
        json!([opt_str("topic", "models"), opt_int("count", 3)]),
    )
    .await;
    assert!(
        latest.text().contains("🆕 **Latest on Models & releases**"),
        "{}",
        latest.text()
    );
    assert!(latest.text().contains("GPT-5"), "{}", latest.text());

    let preview = member(&fake, 302, "digest", json!([opt_int("hours", 24)])).await;
    let preview = settled(&fake, preview.interaction_id).await;
    assert!(preview.is_ephemeral(), "a digest preview is private by default");
    let embeds = preview.embeds();
    assert!(!embeds.is_empty(), "no embeds: {:?}", preview.original);
    let all = serde_json::to_string(&preview.original).unwrap();
    assert!(all.contains("GPT-5"), "{all}");
    assert!(!all.contains("@everyone"), "a mention survived: {all}");

    let public = member(&fake, 303, "digest", json!([opt_bool("public", true)])).await;
    let public = settled(&fake, public.interaction_id).await;
    assert!(!public.is_ephemeral(), "public:true is visible to all");

    let sources = member(&fake, 304, "sources", Value::Null).await;
    assert!(
        sources.text().contains("**Sources** (2 · 0 failing · 0 disabled)"),
        "{}",
        sources.text()
    );
    assert!(sources.text().contains("✅ Lab Blog"), "{}", sources.text());

    let stats = member(&fake, 305, "stats", Value::Null).await;
    assert!(stats.text().contains("sources: 2 ok of 2"), "{}", stats.text());

    // Autocomplete offers topics from the database, custom ones included.
    fake.send_interaction(FakeDiscord::autocomplete(
        306,
        "subscribe",
        json!([focused(opt_str("topic", "age"))]),
        true,
    ))
    .await;
    let choices = fake.wait_callback(306, WAIT).await.unwrap().choices();
    assert!(choices.iter().any(|c| c["value"] == "agents"), "{choices:?}");
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn discord_sources_import_reads_an_opml_attachment() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;
    let now = Utc::now();
    let a = server.add("a", "application/rss+xml", crate::digest::rss("A", now, &[]));
    let b = server.add("b", "application/rss+xml", crate::digest::rss("B", now, &[]));
    let opml = format!(
        "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>AI</title></head><body>\
         <outline text=\"A\" type=\"rss\" xmlUrl=\"{a}\"/><outline text=\"B\" type=\"rss\" xmlUrl=\"{b}\"/>\
         <outline text=\"bad\" type=\"rss\" xmlUrl=\"gopher://x\"/></body></opml>"
    );
    let attachment = fake.add_attachment("feeds.opml", opml.into_bytes());
    let interaction = FakeDiscord::with_attachment(
        FakeDiscord::command_interaction(
            2,
            400,
            "manage",
            json!([subcommand_group(
                "sources",
                subcommand("import", json!([opt_attachment("file", &attachment)]))
            )]),
            &Invoker::admin(),
        ),
        &attachment,
    );
    fake.send_interaction(interaction).await;
    let reply = settled(&fake, 400).await;
    assert!(
        reply
            .text()
            .contains("OPML import: 2 added, 0 already there, 1 refused"),
        "{}",
        reply.text()
    );
    assert_eq!(bot.app.store.list_sources().await.unwrap().len(), 2);
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn discord_scheduled_digest_arrives_within_every_limit_with_its_chart_and_pings_nobody() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;
    two_feeds(&server, &bot.app, Utc::now()).await;
    subscribe_digest_channel(&fake, 500).await;
    make_due(&bot.app, FakeDiscord::DIGEST_CHANNEL_ID).await;

    let messages = fake
        .wait_channel_messages(FakeDiscord::DIGEST_CHANNEL_ID, 1, WAIT)
        .await;
    assert!(
        !messages.is_empty(),
        "no digest posted; requests: {:?}",
        fake.requests()
    );
    // Let the rest of a multi-message digest arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID);
    assert!(fake.limit_violations().is_empty(), "{:?}", fake.limit_violations());
    for message in &messages {
        assert_eq!(
            message.allowed_mentions.as_ref().map(|m| m["parse"].clone()),
            Some(json!([]))
        );
        assert!(
            message.enforce_nonce && message.nonce.is_some(),
            "{:?}",
            message.payload
        );
        assert!(message.embeds.len() <= 10);
    }
    assert_eq!(messages[0].attachment_names(), vec!["chart.png".to_string()]);
    let all: String = messages
        .iter()
        .map(|m| serde_json::to_string(&m.payload).unwrap())
        .collect();
    assert!(all.contains("GPT-5"), "{all}");
    assert!(all.contains("Gemini 3 Ultra"), "{all}");
    assert!(!all.contains("@everyone"), "a mention survived: {all}");
    assert!(!all.contains("](http://evil.example)"), "a fake link survived: {all}");
    // The launch told by two outlets is one item, the other outlet credited.
    assert!(!all.contains("OpenAI releases GPT-5, its newest"), "{all}");
    assert!(
        all.contains("Also covered by: [Tech Press](https://press.example/news/gpt-5-released)"),
        "{all}"
    );

    // Posted once: more ticks pass, nothing more arrives; the ledger says sent.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID).len(),
        messages.len()
    );
    let counts = bot.app.store.delivery_counts(Some("discord"), None).await.unwrap();
    assert_eq!((counts.sent, counts.digests), (1, 1));
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn discord_instant_alert_for_a_feed_item_with_everyone_and_a_user_mention_pings_nobody() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;
    let now = Utc::now();
    let backlog = server.add(
        "backlog",
        "application/rss+xml",
        crate::digest::rss(
            "Lab Blog",
            now,
            &[Item {
                title: "OpenAI launches GPT-5",
                link: "https://lab.example/gpt-5",
                hours_ago: 2,
                body: LAUNCH_A,
            }],
        ),
    );
    bot.app.add_source(&backlog, None, None, None, now).await.unwrap();
    bot.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
    let reply = admin(
        &fake,
        600,
        "subscribe",
        json!([
            opt_str("topic", "security"),
            opt_channel("channel", FakeDiscord::DIGEST_CHANNEL_ID),
            opt_int("mode", INSTANT),
            opt_int("min_score", 10),
        ]),
    )
    .await;
    assert!(reply.text().contains("posted as they appear"), "{}", reply.text());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID).is_empty(),
        "the backlog was posted"
    );

    let hostile =
        format!("@everyone and <@123> and <@&456>: {SECURITY}\n\n[claim your prize](http://evil.example) @here");
    let later = Utc::now();
    let feed = server.add(
        "hostile",
        "application/rss+xml",
        crate::digest::rss(
            "Sec Wire",
            later,
            &[Item {
                title: "@everyone <@123> Prompt injection in a coding agent leaked API keys",
                link: "https://sec.example/agent-cve",
                hours_ago: 0,
                body: &hostile,
            }],
        ),
    );
    bot.app.add_source(&feed, None, None, None, later).await.unwrap();
    bot.app.poller.poll_due(later, |_| {}, |_| {}).await.unwrap();

    let messages = fake
        .wait_channel_messages(FakeDiscord::DIGEST_CHANNEL_ID, 1, WAIT)
        .await;
    assert_eq!(messages.len(), 1, "{:?}", fake.requests());
    let message = &messages[0];
    assert_eq!(
        message.allowed_mentions.as_ref().map(|m| m["parse"].clone()),
        Some(json!([]))
    );
    let body = serde_json::to_string(&message.payload).unwrap();
    assert!(body.contains("Prompt injection"), "{body}");
    for raw in ["@everyone", "@here", "<@123>", "<@&456>", "](http://evil.example)"] {
        assert!(!body.contains(raw), "{raw} reached Discord: {body}");
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID).len(),
        1,
        "posted twice"
    );
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn discord_403_on_a_channel_pauses_its_subscription_with_the_reason_shown() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;
    two_feeds(&server, &bot.app, Utc::now()).await;
    subscribe_digest_channel(&fake, 700).await;
    fake.fail_channel(FakeDiscord::DIGEST_CHANNEL_ID, 403);
    make_due(&bot.app, FakeDiscord::DIGEST_CHANNEL_ID).await;

    let scope = format!("discord:{}", FakeDiscord::GUILD_ID);
    let store = bot.app.store.clone();
    wait_until("the subscription is paused", async || {
        store.subscriptions_for("discord", &scope, None).await.unwrap()[0]
            .paused_reason
            .is_some()
    })
    .await;
    let channel_path = format!("/api/v10/channels/{}/messages", FakeDiscord::DIGEST_CHANNEL_ID);
    let attempts = || fake.requests().iter().filter(|(_, p)| *p == channel_path).count();
    let seen = attempts();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(attempts(), seen, "kept retrying a forbidden channel");
    assert_eq!(seen, 1);

    let list = member(&fake, 701, "subscriptions", Value::Null).await;
    let text = list.text();
    assert!(
        text.contains("⏸️ paused since") && text.contains("may not post in this channel"),
        "{text}"
    );
    assert!(text.contains("Missing Access"), "{text}");

    // Subscribing again lifts the pause.
    fake.clear_channel_failure(FakeDiscord::DIGEST_CHANNEL_ID);
    subscribe_digest_channel(&fake, 702).await;
    assert!(
        store.subscriptions_for("discord", &scope, None).await.unwrap()[0]
            .paused_reason
            .is_none()
    );
    bot.stop().await;
}

#[tokio::test]
async fn discord_429_with_retry_after_is_waited_out_and_nothing_is_lost_or_doubled() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path()).await;
    two_feeds(&server, &bot.app, Utc::now()).await;
    subscribe_digest_channel(&fake, 800).await;
    fake.rate_limit_next(FakeDiscord::DIGEST_CHANNEL_ID, 2, 0.4);
    make_due(&bot.app, FakeDiscord::DIGEST_CHANNEL_ID).await;

    let store = bot.app.store.clone();
    wait_until("the digest is recorded as sent", async || {
        store.delivery_counts(Some("discord"), None).await.unwrap().sent == 1
    })
    .await;
    assert_eq!(fake.count_429(), 2);
    let messages = fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID);
    assert!(!messages.is_empty());
    let mut nonces: Vec<String> = messages.iter().map(|m| m.nonce.clone().unwrap().to_string()).collect();
    let total = nonces.len();
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), total, "a message was posted twice");
    let first = messages[0].at;
    let hits = fake.rate_limit_hits();
    assert!(
        first.duration_since(hits[0].at) >= Duration::from_millis(700),
        "retry_after not honoured"
    );
    bot.stop().await;
    fake.assert_clean();
}

#[test]
fn discord_restart_in_the_middle_of_a_delivery_posts_nothing_twice() {
    // The first bot runs on a runtime of its own so that it can be killed mid-post, like a
    // crash: its tasks stop at whatever they were awaiting, and only SQLite remembers.
    let main = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let doomed = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let doomed_handle = doomed.handle().clone();
    main.block_on(async move {
        let server = FeedServer::start().await;
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let settings = bot_settings(&fake, dir.path());
        let (stop, stopped) = watch::channel(false);
        let app = doomed_handle
            .spawn(async move {
                let app = App::build(settings).await.unwrap();
                app.editor.sync_topics(Utc::now()).await.unwrap();
                tokio::spawn(serve::serve_discord(
                    app.clone(),
                    Metrics::new(),
                    Health::new(),
                    Clock::System,
                    stopped,
                ));
                app
            })
            .await
            .unwrap();
        let deadline = tokio::time::Instant::now() + WAIT;
        while !fake.wait_ready(Duration::from_millis(50)).await {
            assert!(tokio::time::Instant::now() < deadline, "the bot never identified");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        two_feeds(&server, &app, Utc::now()).await;
        subscribe_digest_channel(&fake, 900).await;
        // Discord receives the first message, but its answer never gets back: the bot dies
        // between sending and recording.
        fake.hold_responses(Duration::from_secs(30));
        make_due(&app, FakeDiscord::DIGEST_CHANNEL_ID).await;
        let first = fake
            .wait_channel_messages(FakeDiscord::DIGEST_CHANNEL_ID, 1, WAIT)
            .await;
        assert_eq!(first.len(), 1);
        doomed.shutdown_background();
        drop(stop);
        fake.hold_responses(Duration::ZERO);
        let reopened = App::build(bot_settings(&fake, dir.path())).await.unwrap();
        let counts = reopened.store.delivery_counts(Some("discord"), None).await.unwrap();
        assert_eq!(
            (counts.sent, counts.pending),
            (0, 1),
            "the crash left the delivery pending"
        );
        reopened.store.close().await;

        // Restart: the pending delivery is retried with the same nonces; Discord drops the copy.
        let bot = start_bot(&fake, dir.path()).await;
        let store = bot.app.store.clone();
        wait_until("the digest is recorded as sent", async || {
            store.delivery_counts(Some("discord"), None).await.unwrap().sent == 1
        })
        .await;
        let messages = fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID);
        assert!(
            fake.deduplicated_count() >= 1,
            "the resend was not recognised by its nonce"
        );
        let mut nonces: Vec<String> = messages.iter().map(|m| m.nonce.clone().unwrap().to_string()).collect();
        let total = nonces.len();
        nonces.sort();
        nonces.dedup();
        assert_eq!(nonces.len(), total, "a message appeared twice in the channel");
        bot.stop().await;

        // Another restart after a complete delivery posts nothing at all.
        let bot = start_bot(&fake, dir.path()).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID).len(), total);
        bot.stop().await;
    });
}

#[tokio::test]
async fn discord_summarize_of_a_slow_page_is_deferred_then_answered() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot_with(&fake, dir.path(), |s| s.fetch.timeout_secs = 8).await;
    let url = server.url("/slow-article");
    member(&fake, 1000, "summarize", json!([opt_str("url", &url)])).await;
    let reply = settled(&fake, 1000).await;
    assert!(
        reply.is_deferred(),
        "a 2.3 s answer must be deferred (kind {})",
        reply.kind
    );
    assert!(!reply.is_ephemeral(), "a summary is for the channel");
    let text = reply.text();
    assert!(text.contains("**TL;DR**") && text.contains("GPT-5"), "{text}");
    bot.stop().await;
    fake.assert_clean();
}

/// A free loopback port for the ops endpoint of a bot process.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn discord_bot_process_serves_health_and_metrics_and_finishes_the_post_in_flight_on_sigterm() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let settings = bot_settings(&fake, dir.path());
    {
        // The store as a previous run left it: two feeds, a subscription due now.
        let app = App::build(settings.clone()).await.unwrap();
        two_feeds(&server, &app, Utc::now()).await;
        let caller = newsdesk::commands::Caller {
            platform: newsdesk::commands::Platform::Discord,
            server: Some(FakeDiscord::GUILD_ID.to_string()),
            channel: FakeDiscord::DIGEST_CHANNEL_ID.to_string(),
            user: FakeDiscord::ADMIN_USER_ID.to_string(),
            is_admin: true,
            is_operator: true,
        };
        let command = newsdesk::commands::Command::Subscribe {
            topic: "models".into(),
            channel: None,
            mode: None,
            schedule: Some(schedule_ten_minutes_ago()),
            timezone: Some("UTC".into()),
            min_score: None,
            max_items: None,
        };
        newsdesk::commands::execute(&app, &caller, command, Utc::now()).await;
        make_due(&app, FakeDiscord::DIGEST_CHANNEL_ID).await;
        app.store.close().await;
    }
    std::fs::write(
        dir.path().join("newsdesk.toml"),
        format!(
            "[database]\npath = \"{}\"\n[sources]\nallow_private = true\ninstall_defaults = false\n\
             [discord]\ndev_guild = {}\n[delivery]\ntick_secs = 1\n[ops]\nlisten = \"127.0.0.1:{port}\"\nlog_format = \"json\"\n",
            settings.database.path.display(),
            FakeDiscord::GUILD_ID
        ),
    )
    .unwrap();
    // The first message reaches Discord, but its answer takes two seconds: SIGTERM arrives
    // while the post is in flight.
    fake.hold_responses(Duration::from_secs(2));
    let mut command = bot_process(dir.path());
    command
        .arg("run")
        .env("NEWSDESK_DISCORD__TOKEN", TOKEN)
        .env("NEWSDESK_DISCORD__API_BASE", fake.api_base())
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();
    let pid = child.id();

    let first = fake
        .wait_channel_messages(FakeDiscord::DIGEST_CHANNEL_ID, 1, WAIT)
        .await;
    assert_eq!(first.len(), 1, "no post; requests: {:?}", fake.requests());
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let health = client
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let terminated = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "exit {:?}: {stderr}", output.status);
    assert!(!stderr.contains(TOKEN), "the token was logged");
    assert!(
        stderr.lines().any(|l| l.starts_with('{') && l.contains("\"level\"")),
        "no JSON logs: {stderr}"
    );

    // The post in flight was finished and recorded; nothing new was started.
    fake.hold_responses(Duration::ZERO);
    let app = App::build(settings).await.unwrap();
    let counts = app.store.delivery_counts(Some("discord"), None).await.unwrap();
    assert_eq!((counts.sent, counts.pending), (1, 0), "{stderr}");
    let messages = fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID);
    let mut nonces: Vec<String> = messages.iter().map(|m| m.nonce.clone().unwrap().to_string()).collect();
    let total = nonces.len();
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), total);
}

#[tokio::test]
async fn discord_metrics_endpoint_counts_posts_and_commands() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let settings = bot_settings(&fake, dir.path());
    let app = App::build(settings).await.unwrap();
    app.editor.sync_topics(Utc::now()).await.unwrap();
    let metrics = Metrics::new();
    let health = Health::new();
    let listener = newsdesk::ops::bind("127.0.0.1:0").await.unwrap().unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = watch::channel(false);
    let mut ops_stop = stopped.clone();
    tokio::spawn(newsdesk::ops::serve(
        listener,
        metrics.clone(),
        health.clone(),
        async move {
            let _ = ops_stop.wait_for(|s| *s).await;
        },
    ));
    let task = tokio::spawn(serve::serve_discord(
        app.clone(),
        metrics.clone(),
        health.clone(),
        Clock::System,
        stopped,
    ));
    assert!(fake.wait_ready(WAIT).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    two_feeds(&server, &app, Utc::now()).await;
    subscribe_digest_channel(&fake, 1100).await;
    make_due(&app, FakeDiscord::DIGEST_CHANNEL_ID).await;
    fake.wait_channel_messages(FakeDiscord::DIGEST_CHANNEL_ID, 1, WAIT)
        .await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut text = String::new();
    for _ in 0..50 {
        text = client
            .get(format!("http://{addr}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if text.contains("newsdesk_posts_sent_total{platform=\"discord\",kind=\"digest\"} 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        text.contains("newsdesk_posts_sent_total{platform=\"discord\",kind=\"digest\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("newsdesk_commands_total{command=\"subscribe\",outcome=\"ok\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("newsdesk_command_latency_seconds_count{command=\"subscribe\"} 1"),
        "{text}"
    );
    let health = client.get(format!("http://{addr}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.text().await.unwrap().contains("\"gateway\":true"));
    stop.send(true).unwrap();
    task.await.unwrap().unwrap();
}
