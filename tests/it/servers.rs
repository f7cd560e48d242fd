//! Many servers sharing one bot, end to end against the loopback Discord fake with **two
//! guilds**: private sources stay private (digests, instant alerts, search, latest, stats,
//! `/sources`, autocomplete), one feed is fetched once however many servers add it, global
//! sources belong to the operator, a mute affects one server, admin commands are invisible to
//! members, cooldowns and quotas answer with their limit, and a guild that removes the bot is
//! paused, restored on return and pruned after the retention period.

use std::path::Path;

use chrono::{Duration, Utc};
use newsdesk::chat::Sinks;
use newsdesk::clock::Clock;
use newsdesk::config::Settings;
use newsdesk::editor::DigestRequest;
use newsdesk::metrics::Metrics;
use newsdesk::ops::Health;
use newsdesk::scheduler::Scheduler;
use serde_json::{Value, json};

use crate::digest::{Item, LAUNCH_A, PRICING, SECURITY, rss};
use crate::discord::{Bot, WAIT, settled, start_bot_with, wait_until};
use crate::fake_discord::{
    Callback, FakeDiscord, Invoker, focused, guild_create_payload, opt_bool, opt_int, opt_str, subcommand,
    subcommand_group,
};
use crate::support::{FeedServer, make_digest_due};

/// The fake's own guild is A; B is a second guild with its own admin and channel.
const GUILD_A: u64 = FakeDiscord::GUILD_ID;
const GUILD_B: u64 = 1_187_400_000_000_000_900;
const CHANNEL_B: u64 = 1_187_400_000_000_000_910;
const B_ADMIN_ID: u64 = 1_187_400_000_000_000_950;

fn scope(guild: u64) -> String {
    format!("discord:{guild}")
}

/// A's admin: Manage Server in guild A, not the bot's operator.
fn a_admin() -> Invoker {
    Invoker::manager()
}

/// B's admin: Manage Server in guild B.
fn b_admin() -> Invoker {
    let mut invoker = Invoker::manager().in_channel(CHANNEL_B);
    invoker.user_id = B_ADMIN_ID;
    invoker.username = "b-editor".into();
    invoker
}

/// The application's owner: the operator (and an admin of guild A).
fn operator() -> Invoker {
    Invoker::admin()
}

/// Moves an interaction the fake built for guild A into `guild`.
fn in_guild(mut interaction: Value, guild: u64) -> Value {
    let id = json!(guild.to_string());
    interaction["guild_id"] = id.clone();
    interaction["guild"]["id"] = id.clone();
    interaction["authorizing_integration_owners"]["0"] = id.clone();
    if interaction["channel"].is_object() {
        interaction["channel"]["guild_id"] = id;
    }
    interaction
}

async fn ask(fake: &FakeDiscord, id: u64, guild: u64, invoker: &Invoker, name: &str, options: Value) -> Callback {
    let interaction = in_guild(FakeDiscord::command_interaction(2, id, name, options, invoker), guild);
    fake.send_interaction(interaction).await;
    settled(fake, id).await
}

async fn choices(fake: &FakeDiscord, id: u64, guild: u64, invoker: &Invoker, name: &str, options: Value) -> Vec<Value> {
    let interaction = in_guild(FakeDiscord::command_interaction(4, id, name, options, invoker), guild);
    fake.send_interaction(interaction).await;
    fake.wait_callback(id, WAIT)
        .await
        .expect("no autocomplete answer")
        .choices()
}

fn manage_sources(action: &str, options: Value) -> Value {
    json!([subcommand_group("sources", subcommand(action, options))])
}

/// `/manage sources <action> url:<url>` in `guild`.
async fn source_action(
    fake: &FakeDiscord,
    id: u64,
    guild: u64,
    invoker: &Invoker,
    action: &str,
    url: &str,
) -> Callback {
    ask(
        fake,
        id,
        guild,
        invoker,
        "manage",
        manage_sources(action, json!([opt_str("url", url)])),
    )
    .await
}

fn search(query: &str) -> Value {
    json!([opt_str("query", query)])
}

/// Three feeds with a word each that no other feed uses: one for A, one for B, one global.
pub(crate) struct Feeds {
    pub(crate) a: String,
    pub(crate) b: String,
    pub(crate) global: String,
}

pub(crate) fn feeds(server: &FeedServer) -> Feeds {
    let now = Utc::now();
    let feed = |name: &str, title: &str, link: &str, body: &str| {
        server.add(
            name,
            "application/rss+xml",
            rss(
                name,
                now,
                &[Item {
                    title,
                    link,
                    hours_ago: 2,
                    body,
                }],
            ),
        )
    };
    Feeds {
        a: feed(
            "a-private",
            "Zorblax agent leaked API keys through prompt injection",
            "https://a.example/zorblax",
            SECURITY,
        ),
        b: feed(
            "b-private",
            "Quibbleflux: what GPT-5 API pricing means for agents",
            "https://b.example/quibbleflux",
            PRICING,
        ),
        global: feed(
            "global-pack",
            "Glimmerstone: OpenAI launches GPT-5",
            "https://global.example/glimmerstone",
            LAUNCH_A,
        ),
    }
}

async fn start(fake: &FakeDiscord, dir: &Path, tweak: impl FnOnce(&mut Settings)) -> Bot {
    start_bot_with(fake, dir, tweak).await
}

async fn wait_all_polled(bot: &Bot, count: usize) {
    wait_until("every source is polled", async || {
        let sources = bot.app.store.list_sources().await.unwrap();
        sources.len() == count && sources.iter().all(|s| s.last_success_at.is_some())
    })
    .await;
}

#[tokio::test]
async fn servers_private_sources_never_reach_another_guilds_alerts_digests_search_latest_or_pickers() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), |_| {}).await;
    let urls = feeds(&server);

    // B watches a topic that names A's word too: still nothing of A's may reach it.
    let topic = ask(
        &fake,
        1,
        GUILD_B,
        &b_admin(),
        "manage",
        json!([subcommand_group(
            "topics",
            subcommand(
                "create",
                json!([
                    opt_str("slug", "watch"),
                    opt_str("include", "zorblax, quibbleflux, glimmerstone")
                ])
            )
        )]),
    )
    .await;
    assert!(topic.text().contains("Created topic `watch`"), "{}", topic.text());
    let subscribed = ask(
        &fake,
        2,
        GUILD_B,
        &b_admin(),
        "subscribe",
        json!([opt_str("topic", "watch"), opt_int("mode", 1), opt_int("min_score", 0)]),
    )
    .await;
    assert!(
        subscribed.text().contains("posted as they appear"),
        "{}",
        subscribed.text()
    );
    // The instant cursor has one-second steps: what is fetched within the second of
    // subscribing counts as backlog (issue 16 replaces the cursor with a sequence).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    let global = ask(
        &fake,
        3,
        GUILD_A,
        &operator(),
        "manage",
        manage_sources("add", json!([opt_str("url", &urls.global), opt_bool("global", true)])),
    )
    .await;
    assert!(global.text().contains("🌐 for every server"), "{}", global.text());
    let a = ask(
        &fake,
        4,
        GUILD_A,
        &a_admin(),
        "manage",
        manage_sources(
            "add",
            json!([opt_str("url", &urls.a), opt_str("name", "A's secret desk")]),
        ),
    )
    .await;
    assert!(a.text().contains("🏠 for this server"), "{}", a.text());
    let b = source_action(&fake, 5, GUILD_B, &b_admin(), "add", &urls.b).await;
    assert!(b.text().contains("🏠 for this server"), "{}", b.text());
    wait_all_polled(&bot, 3).await;

    // Instant alerts in B: its own story and the global one, never A's.
    wait_until("B's alerts arrive", async || {
        fake.channel_messages(CHANNEL_B).len() >= 2
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let alerts: Vec<String> = fake.channel_messages(CHANNEL_B).iter().map(|m| m.text()).collect();
    assert!(alerts.iter().any(|t| t.contains("Quibbleflux")), "{alerts:?}");
    assert!(alerts.iter().any(|t| t.contains("Glimmerstone")), "{alerts:?}");
    assert!(
        !alerts.iter().any(|t| t.contains("Zorblax")),
        "A's story reached B: {alerts:?}"
    );

    // Search and latest.
    let b_search = ask(
        &fake,
        10,
        GUILD_B,
        &Invoker::member().in_channel(CHANNEL_B),
        "search",
        search("zorblax"),
    )
    .await;
    assert!(b_search.text().contains("Nothing found"), "{}", b_search.text());
    let a_search = ask(&fake, 11, GUILD_A, &Invoker::member(), "search", search("zorblax")).await;
    assert!(a_search.text().contains("Zorblax agent leaked"), "{}", a_search.text());
    let b_latest = ask(&fake, 12, GUILD_B, &b_admin(), "latest", json!([opt_int("count", 20)])).await;
    assert!(
        b_latest.text().contains("Quibbleflux") && !b_latest.text().contains("Zorblax"),
        "{}",
        b_latest.text()
    );

    // /sources: B sees the global one and its own; not A's, not even its name.
    let b_sources = ask(&fake, 13, GUILD_B, &b_admin(), "sources", Value::Null).await;
    let listed = b_sources.text();
    assert!(listed.contains("🌐 ✅ global-pack"), "{listed}");
    assert!(listed.contains("🏠 ✅ b-private"), "{listed}");
    assert!(!listed.contains("a-private") && !listed.contains("secret"), "{listed}");
    let a_sources = ask(&fake, 14, GUILD_A, &a_admin(), "sources", Value::Null).await;
    assert!(
        a_sources.text().contains("🏠 ✅ A's secret desk"),
        "{}",
        a_sources.text()
    );

    // Autocomplete in B offers the global source and B's, never A's.
    let offered = choices(
        &fake,
        15,
        GUILD_B,
        &b_admin(),
        "manage",
        manage_sources("remove", json!([focused(opt_str("url", ""))])),
    )
    .await;
    let values: Vec<&str> = offered.iter().filter_map(|c| c["value"].as_str()).collect();
    assert!(
        values.contains(&urls.b.as_str()) && values.contains(&urls.global.as_str()),
        "{values:?}"
    );
    assert!(!values.contains(&urls.a.as_str()), "{values:?}");

    // B cannot remove (or learn of) A's source: the same answer as for a URL nobody added.
    let removal = source_action(&fake, 16, GUILD_B, &b_admin(), "remove", &urls.a).await;
    assert!(
        removal.text().contains("no source of this server has the URL"),
        "{}",
        removal.text()
    );
    let mute = source_action(&fake, 17, GUILD_B, &b_admin(), "mute", &urls.a).await;
    assert!(
        mute.text().contains("no source of this server has the URL"),
        "{}",
        mute.text()
    );

    // Stats count what each server reads.
    let stats = ask(&fake, 18, GUILD_B, &b_admin(), "stats", Value::Null).await;
    assert!(stats.text().contains("sources: 2 ok of 2"), "{}", stats.text());
    assert!(stats.text().contains("articles stored: 2"), "{}", stats.text());

    // A digest composed for B (what a scheduled digest posts) holds nothing of A's; one for
    // A holds nothing of B's.
    let now = Utc::now();
    let request = |guild: u64| DigestRequest {
        scope: scope(guild),
        topic: None,
        hours: 24,
        max_items: 10,
        min_score: 0,
    };
    let for_b = bot.app.editor.digest(&request(GUILD_B), now).await.unwrap();
    let titles: Vec<&str> = for_b.items.iter().map(|i| i.title.as_str()).collect();
    assert!(titles.iter().any(|t| t.contains("Quibbleflux")), "{titles:?}");
    assert!(!titles.iter().any(|t| t.contains("Zorblax")), "{titles:?}");
    assert_eq!(for_b.stats.sources_total, 2);
    let for_a = bot.app.editor.digest(&request(GUILD_A), now).await.unwrap();
    assert!(!for_a.items.iter().any(|i| i.title.contains("Quibbleflux")));

    // And a scheduled digest posted into B's channel.
    let made = ask(
        &fake,
        19,
        GUILD_B,
        &b_admin(),
        "subscribe",
        json!([
            opt_str("topic", "watch"),
            opt_str("schedule", &crate::support::schedule_ten_minutes_ago()),
            opt_int("min_score", 0),
            crate::fake_discord::opt_channel("channel", CHANNEL_B + 1),
        ]),
    )
    .await;
    assert!(made.text().contains("subscribed"), "{}", made.text());
    make_digest_due(&bot.app, "discord", &scope(GUILD_B), &(CHANNEL_B + 1).to_string()).await;
    wait_until("B's digest is posted", async || {
        !fake.channel_messages(CHANNEL_B + 1).is_empty()
    })
    .await;
    let digest: String = fake
        .channel_messages(CHANNEL_B + 1)
        .iter()
        .map(|m| m.text())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        digest.contains("Quibbleflux") && !digest.contains("Zorblax"),
        "{digest}"
    );
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn servers_adding_the_same_feed_share_one_source_fetched_once_and_removing_one_link_keeps_the_articles() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), |_| {}).await;
    let urls = feeds(&server);

    let b = source_action(&fake, 1, GUILD_B, &b_admin(), "add", &urls.b).await;
    assert!(b.text().contains("✅ Added"), "{}", b.text());
    wait_all_polled(&bot, 1).await;
    // A adds the same feed: linked, not refused, and not fetched again.
    let a = source_action(&fake, 2, GUILD_A, &a_admin(), "add", &urls.b).await;
    assert!(
        a.text().contains("✅ Added") && a.text().contains("already being polled"),
        "{}",
        a.text()
    );
    let again = source_action(&fake, 3, GUILD_A, &a_admin(), "add", &urls.b).await;
    assert!(
        again.text().contains("already one of this server's sources"),
        "{}",
        again.text()
    );
    assert_eq!(bot.app.store.list_sources().await.unwrap().len(), 1, "one source row");
    let links = bot.app.store.source_links(&urls.b).await.unwrap().unwrap();
    assert_eq!(links.scopes, vec![scope(GUILD_A), scope(GUILD_B)]);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let fetches = server.seen().iter().filter(|r| r.path == "/feed/b-private").count();
    assert_eq!(fetches, 1, "fetched once for both servers");
    let a_search = ask(&fake, 4, GUILD_A, &a_admin(), "search", search("quibbleflux")).await;
    assert!(a_search.text().contains("Quibbleflux"), "{}", a_search.text());

    // B removes its link: A still reads the feed and its articles stay.
    let removed = source_action(&fake, 5, GUILD_B, &b_admin(), "remove", &urls.b).await;
    assert!(
        removed.text().contains("Removed") && removed.text().contains("from this server's sources"),
        "{}",
        removed.text()
    );
    assert_eq!(bot.app.store.count_articles().await.unwrap(), 1, "no article deleted");
    let a_search = ask(&fake, 6, GUILD_A, &a_admin(), "search", search("quibbleflux")).await;
    assert!(a_search.text().contains("Quibbleflux"), "{}", a_search.text());
    let b_search = ask(&fake, 7, GUILD_B, &b_admin(), "search", search("quibbleflux")).await;
    assert!(b_search.text().contains("Nothing found"), "{}", b_search.text());
    // The last link goes: the source and its articles with it.
    let removed = source_action(&fake, 8, GUILD_A, &a_admin(), "remove", &urls.b).await;
    assert!(
        removed.text().contains("and its 1 stored articles"),
        "{}",
        removed.text()
    );
    assert!(bot.app.store.list_sources().await.unwrap().is_empty());
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn servers_global_sources_are_the_operators_and_a_mute_affects_only_the_server_that_muted() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    // B's admin is also a configured operator.
    let bot = start(&fake, dir.path(), |s| {
        s.discord.operators = vec![B_ADMIN_ID.to_string()]
    })
    .await;
    let urls = feeds(&server);
    bot.app
        .add_source(&urls.global, None, None, Some("cli".into()), Utc::now())
        .await
        .unwrap();
    wait_all_polled(&bot, 1).await;

    // A server admin may neither remove a global source nor add one for everyone.
    let refused = source_action(&fake, 1, GUILD_A, &a_admin(), "remove", &urls.global).await;
    let text = refused.text();
    assert!(refused.is_ephemeral());
    assert!(
        text.contains("is a global source") && text.contains("only the"),
        "{text}"
    );
    assert!(
        text.contains("/manage sources mute"),
        "the alternative is named: {text}"
    );
    let refused = ask(
        &fake,
        2,
        GUILD_A,
        &a_admin(),
        "manage",
        manage_sources("add", json!([opt_str("url", &urls.a), opt_bool("global", true)])),
    )
    .await;
    assert!(
        refused.text().contains("only the bot's operator may do"),
        "{}",
        refused.text()
    );
    assert_eq!(bot.app.store.list_sources().await.unwrap().len(), 1);

    // A mutes it: A stops reading it, B does not.
    let muted = source_action(&fake, 3, GUILD_A, &a_admin(), "mute", &urls.global).await;
    assert!(
        muted.text().contains("🔇 Muted") && muted.text().contains("Other servers are not affected"),
        "{}",
        muted.text()
    );
    let a_search = ask(&fake, 4, GUILD_A, &a_admin(), "search", search("glimmerstone")).await;
    assert!(a_search.text().contains("Nothing found"), "{}", a_search.text());
    let b_search = ask(&fake, 5, GUILD_B, &b_admin(), "search", search("glimmerstone")).await;
    assert!(b_search.text().contains("Glimmerstone"), "{}", b_search.text());
    let a_sources = ask(&fake, 6, GUILD_A, &a_admin(), "sources", Value::Null).await;
    assert!(a_sources.text().contains("🔇 ✅ global-pack"), "{}", a_sources.text());
    let b_sources = ask(&fake, 7, GUILD_B, &b_admin(), "sources", Value::Null).await;
    assert!(b_sources.text().contains("🌐 ✅ global-pack"), "{}", b_sources.text());
    let now = Utc::now();
    let a_digest = bot
        .app
        .editor
        .digest(
            &DigestRequest {
                scope: scope(GUILD_A),
                topic: None,
                hours: 24,
                max_items: 10,
                min_score: 0,
            },
            now,
        )
        .await
        .unwrap();
    assert!(a_digest.items.is_empty(), "a muted source feeds no digest");

    let unmuted = source_action(&fake, 8, GUILD_A, &a_admin(), "unmute", &urls.global).await;
    assert!(unmuted.text().contains("reads it again"), "{}", unmuted.text());
    let a_search = ask(&fake, 9, GUILD_A, &a_admin(), "search", search("glimmerstone")).await;
    assert!(a_search.text().contains("Glimmerstone"), "{}", a_search.text());

    // A configured operator adds for everyone; the application's owner removes for everyone.
    let added = ask(
        &fake,
        10,
        GUILD_B,
        &b_admin(),
        "manage",
        manage_sources("add", json!([opt_str("url", &urls.b), opt_bool("global", true)])),
    )
    .await;
    assert!(added.text().contains("🌐 for every server"), "{}", added.text());
    let removed = source_action(&fake, 11, GUILD_A, &operator(), "remove", &urls.global).await;
    assert!(
        removed.text().contains("Removed the 🌐 global source"),
        "{}",
        removed.text()
    );
    let b_search = ask(&fake, 12, GUILD_B, &b_admin(), "search", search("glimmerstone")).await;
    assert!(b_search.text().contains("Nothing found"), "{}", b_search.text());
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn servers_registered_commands_hide_every_admin_action_from_members_pickers() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), |_| {}).await;
    assert!(
        fake.wait_command_writes(1, WAIT).await,
        "commands were never registered"
    );
    let commands = fake.guild_commands(GUILD_A);
    let admin_only: Vec<&str> = commands
        .iter()
        .filter(|c| c["default_member_permissions"] == json!("32"))
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(admin_only, vec!["subscribe", "unsubscribe", "manage"], "{commands:?}");
    // Everything a member can see only reads: no subcommands that change anything.
    for command in commands.iter().filter(|c| c["default_member_permissions"].is_null()) {
        let name = command["name"].as_str().unwrap_or_default();
        let options = command["options"].as_array().cloned().unwrap_or_default();
        assert!(
            options.iter().all(|o| o["type"] != json!(1) && o["type"] != json!(2)),
            "/{name} has subcommands a member would see: {options:?}"
        );
        assert!(
            [
                "digest",
                "latest",
                "search",
                "summarize",
                "topics",
                "sources",
                "subscriptions",
                "stats",
                "help"
            ]
            .contains(&name),
            "/{name} is visible to members"
        );
    }
    // /manage holds every action that changes a server's desk.
    let manage = commands.iter().find(|c| c["name"] == "manage").unwrap();
    let shape: Vec<String> = manage["options"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|group| {
            let group_name = group["name"].as_str().unwrap_or_default().to_string();
            match group["options"].as_array() {
                Some(subs) if group["type"] == json!(2) => subs
                    .iter()
                    .map(|s| format!("{group_name} {}", s["name"].as_str().unwrap_or_default()))
                    .collect::<Vec<_>>(),
                _ => vec![group_name],
            }
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            "sources add",
            "sources remove",
            "sources import",
            "sources mute",
            "sources unmute",
            "topics create",
            "topics edit",
            "topics delete",
            "settings",
        ]
    );
    // The server-side check stays: a member's crafted /manage call is refused.
    let crafted = ask(
        &fake,
        1,
        GUILD_A,
        &Invoker::member(),
        "manage",
        json!([subcommand("settings", json!([opt_int("min_score", 3)]))]),
    )
    .await;
    assert!(crafted.text().contains("only admins may run it"), "{}", crafted.text());
    let help = ask(&fake, 2, GUILD_A, &Invoker::member(), "help", Value::Null).await;
    assert!(help.text().contains("/manage sources mute|unmute"), "{}", help.text());
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn servers_cooldowns_and_the_source_quota_answer_with_the_limit_and_when_it_resets() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), |s| {
        s.cooldowns.search_user_secs = 60;
        s.cooldowns.search_server_per_hour = 2;
        s.sources.max_per_server = 1;
    })
    .await;
    let urls = feeds(&server);

    let first = ask(&fake, 1, GUILD_A, &Invoker::member(), "search", search("gpt")).await;
    assert!(!first.text().contains("⏳"), "{}", first.text());
    let second = ask(&fake, 2, GUILD_A, &Invoker::member(), "search", search("gpt")).await;
    let text = second.text();
    assert!(second.is_ephemeral());
    assert!(
        text.contains("⏳ `/search` is cooling down for you: one run every 60 s per person"),
        "{text}"
    );
    assert!(text.contains("Try again in"), "{text}");
    // Another member of A may search once more; then A has used its two an hour.
    let other = ask(&fake, 3, GUILD_A, &a_admin(), "search", search("gpt")).await;
    assert!(!other.text().contains("⏳"), "{}", other.text());
    let third = ask(
        &fake,
        4,
        GUILD_A,
        &operator().in_channel(FakeDiscord::CHANNEL_ID),
        "search",
        search("gpt"),
    )
    .await;
    assert!(
        !third.text().contains("⏳"),
        "the operator is never limited: {}",
        third.text()
    );
    let mut fourth_user = Invoker::member();
    fourth_user.user_id += 77;
    let refused = ask(&fake, 5, GUILD_A, &fourth_user, "search", search("gpt")).await;
    let text = refused.text();
    assert!(
        text.contains("This server ran `/search` 2 times in the last hour"),
        "{text}"
    );
    assert!(
        text.contains("`cooldowns.search_server_per_hour`") && text.contains("Try again in"),
        "{text}"
    );
    // B is not limited by A's use.
    let b = ask(&fake, 6, GUILD_B, &b_admin(), "search", search("gpt")).await;
    assert!(!b.text().contains("⏳"), "{}", b.text());

    // One source of its own per server here: the second is refused with the limit.
    let added = source_action(&fake, 7, GUILD_A, &a_admin(), "add", &urls.a).await;
    assert!(added.text().contains("✅ Added"), "{}", added.text());
    let over = source_action(&fake, 8, GUILD_A, &a_admin(), "add", &urls.b).await;
    let text = over.text();
    assert!(text.contains("this server has 1 sources of its own"), "{text}");
    assert!(
        text.contains("`sources.max_per_server`") && text.contains("/manage sources remove"),
        "{text}"
    );
    // Global sources do not count against a server.
    let b_add = source_action(&fake, 9, GUILD_B, &b_admin(), "add", &urls.b).await;
    assert!(b_add.text().contains("✅ Added"), "{}", b_add.text());
    assert_eq!(bot.app.store.count_links(&scope(GUILD_A)).await.unwrap(), 1);
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn servers_a_guild_that_removes_the_bot_is_paused_restored_when_it_returns_and_pruned_after_retention() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), |_| {}).await;
    let urls = feeds(&server);
    bot.app
        .add_source(&urls.global, None, None, None, Utc::now())
        .await
        .unwrap();
    for (id, guild, invoker, url) in [(1, GUILD_A, a_admin(), &urls.a), (2, GUILD_B, b_admin(), &urls.b)] {
        let added = ask(
            &fake,
            id,
            guild,
            &invoker,
            "manage",
            manage_sources("add", json!([opt_str("url", url)])),
        )
        .await;
        assert!(added.text().contains("✅ Added"), "{}", added.text());
    }
    let subscribed = ask(
        &fake,
        3,
        GUILD_A,
        &a_admin(),
        "subscribe",
        json!([opt_str("topic", "agents")]),
    )
    .await;
    assert!(subscribed.text().contains("subscribed"), "{}", subscribed.text());
    wait_all_polled(&bot, 3).await;
    let store = &bot.app.store;

    // An outage (unavailable) is not a removal.
    fake.send_dispatch(
        "GUILD_DELETE",
        json!({ "id": GUILD_A.to_string(), "unavailable": true }),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(store.departed_at(&scope(GUILD_A)).await.unwrap().is_none());

    fake.send_dispatch("GUILD_DELETE", json!({ "id": GUILD_A.to_string() }))
        .await;
    wait_until("A's subscriptions pause", async || {
        store
            .subscriptions_for("discord", &scope(GUILD_A), None)
            .await
            .unwrap()
            .iter()
            .all(|s| s.paused_reason.is_some())
    })
    .await;
    // A's private source is no longer polled; B's and the global one are.
    let later = Utc::now() + Duration::days(1);
    let due: Vec<String> = store
        .due_sources(later)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.url)
        .collect();
    assert!(!due.contains(&urls.a), "{due:?}");
    assert!(due.contains(&urls.b) && due.contains(&urls.global), "{due:?}");

    // Invited back before the retention period: everything resumes.
    let mut guild = guild_create_payload();
    guild["id"] = json!(GUILD_A.to_string());
    fake.send_dispatch("GUILD_CREATE", guild).await;
    wait_until("A's subscriptions resume", async || {
        store
            .subscriptions_for("discord", &scope(GUILD_A), None)
            .await
            .unwrap()
            .iter()
            .all(|s| s.paused_reason.is_none())
    })
    .await;
    let due: Vec<String> = store
        .due_sources(later)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.url)
        .collect();
    assert!(due.contains(&urls.a), "{due:?}");

    // Removed again and never back: after `retention.left_server_days` its data is gone;
    // nothing of B's or the global pack's is touched.
    fake.send_dispatch("GUILD_DELETE", json!({ "id": GUILD_A.to_string() }))
        .await;
    wait_until("A is recorded as gone", async || {
        store.departed_at(&scope(GUILD_A)).await.unwrap().is_some()
    })
    .await;
    let scheduler = Scheduler::new(
        bot.app.clone(),
        Sinks::new(),
        Metrics::new(),
        Health::new(),
        Clock::System,
    );
    let early = scheduler.prune_departed(Utc::now() + Duration::days(29)).await.unwrap();
    assert_eq!(early.servers, 0, "kept within the retention period");
    let report = scheduler.prune_departed(Utc::now() + Duration::days(31)).await.unwrap();
    assert_eq!(
        (report.servers, report.subscriptions, report.sources, report.articles),
        (1, 1, 1, 1)
    );
    assert!(
        store
            .subscriptions_for("discord", &scope(GUILD_A), None)
            .await
            .unwrap()
            .is_empty()
    );
    let left: Vec<String> = store.list_sources().await.unwrap().into_iter().map(|s| s.url).collect();
    assert!(
        !left.contains(&urls.a) && left.contains(&urls.b) && left.contains(&urls.global),
        "{left:?}"
    );
    assert_eq!(store.count_links(&scope(GUILD_B)).await.unwrap(), 1);
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn servers_cannot_take_over_or_remove_another_guilds_subscription_by_naming_its_channel() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&fake, dir.path(), |_| {}).await;
    let mine = ask(
        &fake,
        1,
        GUILD_A,
        &a_admin(),
        "subscribe",
        json!([opt_str("topic", "agents")]),
    )
    .await;
    assert!(mine.text().contains("subscribed"), "{}", mine.text());

    let a_channel = crate::fake_discord::opt_channel("channel", FakeDiscord::CHANNEL_ID);
    let taken = ask(
        &fake,
        2,
        GUILD_B,
        &b_admin(),
        "subscribe",
        json!([
            opt_str("topic", "agents"),
            a_channel.clone(),
            opt_str("schedule", "daily 03:00")
        ]),
    )
    .await;
    assert!(taken.text().contains("belongs to another server"), "{}", taken.text());
    let removed = ask(
        &fake,
        3,
        GUILD_B,
        &b_admin(),
        "unsubscribe",
        json!([opt_str("topic", "agents"), a_channel]),
    )
    .await;
    assert!(removed.text().contains("is not subscribed"), "{}", removed.text());
    let subs = bot
        .app
        .store
        .subscriptions_for("discord", &scope(GUILD_A), None)
        .await
        .unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].schedule.as_deref(), Some("daily 08:00"), "unchanged");
    bot.stop().await;
    fake.assert_clean();
}

#[tokio::test]
async fn servers_a_guild_missing_from_ready_removed_the_bot_while_it_was_offline_and_is_paused() {
    let server = FeedServer::start().await;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let urls = feeds(&server);
    let bot = start(&fake, dir.path(), |_| {}).await;
    let added = source_action(&fake, 1, GUILD_B, &b_admin(), "add", &urls.b).await;
    assert!(added.text().contains("✅ Added"), "{}", added.text());
    let subscribed = ask(
        &fake,
        2,
        GUILD_B,
        &b_admin(),
        "subscribe",
        json!([opt_str("topic", "agents")]),
    )
    .await;
    assert!(subscribed.text().contains("subscribed"), "{}", subscribed.text());
    let store = bot.app.store.clone();
    bot.stop().await;

    // The fake's READY lists guild A only: B dropped the bot while it was away.
    let bot = start(&fake, dir.path(), |_| {}).await;
    wait_until("B is recorded as gone", async || {
        store.departed_at(&scope(GUILD_B)).await.unwrap().is_some()
    })
    .await;
    let subs = store.subscriptions_for("discord", &scope(GUILD_B), None).await.unwrap();
    assert!(subs.iter().all(|s| s.paused_reason.is_some()), "{subs:?}");
    assert!(store.departed_at(&scope(GUILD_A)).await.unwrap().is_none());
    bot.stop().await;
    fake.assert_clean();
}
