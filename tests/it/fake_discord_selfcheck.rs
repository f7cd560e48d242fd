//! Proves the Discord fake is faithful enough: the real serenity/poise client handshakes with it,
//! answers slash commands through it, and posts through it; its payloads deserialize as serenity's
//! models; its limit, rate-limit and failure behaviour matches Discord's.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use serenity::all::{
    ChannelId, ClientBuilder, CreateAllowedMentions, CreateAttachment, CreateMessage, GatewayEvent, GatewayIntents,
    GuildId, Http, HttpBuilder, Interaction, Nonce,
};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::fake_discord::{
    FakeDiscord, Invoker, focused, opt_attachment, opt_bool, opt_channel, opt_int, opt_str, opt_user, subcommand,
};

const TOKEN: &str = "MTE4NzQwMDAwMDAwMDAwMDAwMQ.GfAkEd.fake-token-for-tests";
const WAIT: Duration = Duration::from_secs(5);

type Error = Box<dyn std::error::Error + Send + Sync>;
type Ctx<'a> = poise::Context<'a, (), Error>;

/// Replies pong.
#[poise::command(slash_command)]
async fn ping(ctx: Ctx<'_>) -> Result<(), Error> {
    ctx.say("pong").await?;
    Ok(())
}

/// Defers ephemerally, then answers.
#[poise::command(slash_command)]
async fn slow(ctx: Ctx<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    ctx.say("done").await?;
    ctx.say("and a second message").await?;
    Ok(())
}

/// Manage feeds.
#[poise::command(slash_command, subcommands("add"))]
async fn feed(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// Add a feed.
#[poise::command(slash_command, required_permissions = "MANAGE_GUILD")]
async fn add(
    ctx: Ctx<'_>,
    #[description = "Feed URL"] url: String,
    #[description = "Where to post"] channel: ChannelId,
    #[description = "Weight"] weight: Option<i64>,
) -> Result<(), Error> {
    ctx.say(format!("added {url} to <#{channel}> weight {}", weight.unwrap_or(1)))
        .await?;
    Ok(())
}

async fn complete_topic(_ctx: Ctx<'_>, partial: &str) -> serenity::all::CreateAutocompleteResponse {
    let choices = ["agents", "chips", "chatbots"]
        .into_iter()
        .filter(|t| t.starts_with(partial))
        .map(serenity::all::AutocompleteChoice::from)
        .collect();
    serenity::all::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Search stories.
#[poise::command(slash_command)]
async fn search(
    ctx: Ctx<'_>,
    #[description = "Topic"]
    #[autocomplete = "complete_topic"]
    topic: String,
) -> Result<(), Error> {
    ctx.say(format!("searching {topic}")).await?;
    Ok(())
}

/// Import an OPML file.
#[poise::command(slash_command)]
async fn import(ctx: Ctx<'_>, #[description = "OPML file"] file: serenity::all::Attachment) -> Result<(), Error> {
    let bytes = file.download().await?;
    ctx.say(format!("{} has {} bytes", file.filename, bytes.len())).await?;
    Ok(())
}

fn recipe_http(fake: &FakeDiscord) -> Http {
    HttpBuilder::new(TOKEN)
        .proxy(fake.proxy_url())
        .ratelimiter_disabled(true)
        .build()
}

async fn start_bot(fake: &FakeDiscord) -> (std::sync::Arc<serenity::all::ShardManager>, tokio::task::JoinHandle<()>) {
    let framework = poise::Framework::<(), Error>::builder()
        .options(poise::FrameworkOptions {
            commands: vec![ping(), slow(), feed(), search(), import()],
            ..Default::default()
        })
        .setup(|ctx, _ready, framework| {
            Box::pin(async move {
                let guild = GuildId::new(FakeDiscord::GUILD_ID);
                poise::builtins::register_in_guild(ctx, &framework.options().commands, guild).await?;
                Ok(())
            })
        })
        .build();
    let mut client = ClientBuilder::new_with_http(recipe_http(fake), GatewayIntents::GUILDS)
        .framework(framework)
        .await
        .expect("serenity client");
    let shards = client.shard_manager.clone();
    let task = tokio::spawn(async move {
        let _ = client.start().await;
    });
    (shards, task)
}

#[tokio::test]
async fn fake_discord_handshake_with_real_serenity_client() {
    let fake = FakeDiscord::start().await;
    let (shards, task) = start_bot(&fake).await;
    assert!(fake.wait_ready(WAIT).await, "no READY; requests: {:?}", fake.requests());

    let identify = fake.identify().expect("IDENTIFY");
    assert_eq!(identify["intents"], json!(1));
    assert_eq!(identify["token"], json!(format!("Bot {TOKEN}")));
    assert_eq!(identify["shard"], json!([0, 1]));
    assert!(fake.gateway_queries()[0].contains("v=10"));

    fake.send_interaction(FakeDiscord::slash_command(9001, "ping", Value::Null, false))
        .await;
    let cb = fake.wait_callback(9001, WAIT).await.expect("ping answered");
    assert_eq!(cb.kind, 4);
    assert_eq!(cb.content(), "pong");
    assert!(!cb.is_ephemeral());

    // Deferred ephemeral: the first follow-up fills the "thinking" message, the second is new.
    fake.send_interaction(FakeDiscord::slash_command(9002, "slow", Value::Null, false))
        .await;
    let cb = fake.wait_followups(9002, 2, WAIT).await.expect("slow answered");
    assert!(cb.is_deferred());
    assert!(cb.is_ephemeral(), "flags {}", cb.flags());
    assert_eq!(cb.content(), "done");
    assert_eq!(cb.followup_messages.len(), 1);
    assert!(cb.text().contains("and a second message"));

    // Subcommand with a channel option; admin passes MANAGE_GUILD, a plain member does not.
    let options = json!([subcommand(
        "add",
        json!([
            opt_str("url", "https://example.com/feed.xml"),
            opt_channel("channel", FakeDiscord::DIGEST_CHANNEL_ID),
            opt_int("weight", 3)
        ])
    )]);
    fake.send_interaction(FakeDiscord::slash_command(9003, "feed", options.clone(), true))
        .await;
    let cb = fake.wait_callback(9003, WAIT).await.expect("feed add answered");
    assert_eq!(
        cb.content(),
        format!(
            "added https://example.com/feed.xml to <#{}> weight 3",
            FakeDiscord::DIGEST_CHANNEL_ID
        )
    );
    let manager = FakeDiscord::command_interaction(2, 9004, "feed", options.clone(), &Invoker::manager());
    fake.send_interaction(manager).await;
    assert!(
        fake.wait_callback(9004, WAIT)
            .await
            .expect("manager answered")
            .content()
            .starts_with("added")
    );
    fake.send_interaction(FakeDiscord::slash_command(9005, "feed", options, false))
        .await;
    let cb = fake.wait_callback(9005, WAIT).await.expect("member refused");
    assert!(cb.is_ephemeral(), "poise refuses ephemerally: {cb:?}");
    assert!(cb.content().contains("lacking permissions"), "{}", cb.content());

    // Autocomplete answers type 8 with choices.
    let options = json!([focused(opt_str("topic", "ch"))]);
    fake.send_interaction(FakeDiscord::autocomplete(9006, "search", options, false))
        .await;
    let cb = fake.wait_callback(9006, WAIT).await.expect("autocomplete answered");
    assert_eq!(cb.kind, 8);
    let choices = cb.choices();
    let names: Vec<&str> = choices.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["chips", "chatbots"]);

    // An attachment option: the client downloads it from the fake's CDN.
    let opml = b"<opml version=\"2.0\"><body><outline xmlUrl=\"https://a.example/rss\"/></body></opml>".to_vec();
    let attachment = fake.add_attachment("feeds.opml", opml.clone());
    let interaction = FakeDiscord::slash_command(9007, "import", json!([opt_attachment("file", &attachment)]), true);
    fake.send_interaction(FakeDiscord::with_attachment(interaction, &attachment))
        .await;
    let cb = fake.wait_callback(9007, WAIT).await.expect("import answered");
    assert_eq!(cb.content(), format!("feeds.opml has {} bytes", opml.len()));

    // Commands were registered once, in the guild, and Discord accepted them.
    assert!(fake.wait_command_writes(1, WAIT).await);
    let commands = fake.guild_commands(FakeDiscord::GUILD_ID);
    let mut names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["feed", "import", "ping", "search", "slow"]);
    assert_eq!(fake.command_put_count(), 1);
    assert!(fake.registered_commands().is_empty());
    assert_eq!(fake.identify_count(), 1);
    fake.assert_clean();
    let requests = fake.requests();
    assert!(
        requests.contains(&("GET".into(), "/api/v10/gateway".into())),
        "{requests:?}"
    );
    assert!(
        requests.contains(&("GET".into(), "/api/v10/oauth2/applications/@me".into())),
        "{requests:?}"
    );

    shards.shutdown_all().await;
    tokio::time::timeout(WAIT, task)
        .await
        .expect("client stops")
        .expect("client task");
}

#[tokio::test]
async fn fake_discord_interaction_rules_like_discord() {
    let fake = FakeDiscord::start().await;
    fake.set_ack_deadline(Some(Duration::from_millis(200)));
    let (shards, task) = start_bot(&fake).await;
    assert!(fake.wait_ready(WAIT).await);
    let client = reqwest::Client::new();
    let callback = |id: u64| {
        format!(
            "{}/interactions/{id}/{}/callback",
            fake.api_base(),
            crate::fake_discord::interaction_token(id)
        )
    };
    let ua = "DiscordBot (https://example.com, 1.0)";

    // A command nobody handles, answered by hand: too late, then correctly.
    fake.send_interaction(FakeDiscord::slash_command(9101, "nobody", Value::Null, false))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let late = client
        .post(callback(9101))
        .header("user-agent", ua)
        .header("content-type", "application/json")
        .body(json!({"type": 4, "data": {"content": "x"}}).to_string());
    assert_eq!(late.send().await.expect("late").status(), 404);
    fake.set_ack_deadline(None);
    fake.send_interaction(FakeDiscord::slash_command(9102, "nobody", Value::Null, false))
        .await;
    let long = "x".repeat(2001);
    let response = client
        .post(callback(9102))
        .header("user-agent", ua)
        .header("content-type", "application/json")
        .body(json!({"type": 4, "data": {"content": long}}).to_string())
        .send()
        .await
        .expect("too long");
    assert_eq!(response.status(), 400);
    let body = json_of(response).await;
    assert_eq!(body["code"], json!(50035));
    assert!(
        body["errors"]["data"]["content"]["_errors"][0]["message"]
            .as_str()
            .is_some()
    );
    let ok = client
        .post(callback(9102))
        .header("user-agent", ua)
        .header("content-type", "application/json")
        .body(json!({"type": 4, "data": {"content": "ok"}}).to_string());
    assert_eq!(ok.send().await.expect("ok").status(), 204);
    let twice = client
        .post(callback(9102))
        .header("user-agent", ua)
        .header("content-type", "application/json")
        .body(json!({"type": 4, "data": {"content": "again"}}).to_string());
    assert_eq!(twice.send().await.expect("twice").status(), 400);

    assert_eq!(fake.limit_violations().len(), 1, "{:?}", fake.limit_violations());
    let protocol: Vec<String> = fake.protocol_violations().into_iter().map(|v| v.detail).collect();
    assert_eq!(protocol.len(), 2, "{protocol:?}");
    assert!(protocol[0].contains("after the interaction"), "{protocol:?}");
    assert!(protocol[1].contains("second initial response"), "{protocol:?}");

    shards.shutdown_all().await;
    tokio::time::timeout(WAIT, task)
        .await
        .expect("client stops")
        .expect("client task");
}

#[tokio::test]
async fn fake_discord_records_messages_posted_by_serenity_http() {
    let fake = FakeDiscord::start().await;
    let http = recipe_http(&fake);
    let channel = ChannelId::new(FakeDiscord::DIGEST_CHANNEL_ID);

    let sent = channel
        .send_message(
            &http,
            CreateMessage::new()
                .content("hi")
                .allowed_mentions(CreateAllowedMentions::new()),
        )
        .await
        .expect("send");
    assert_eq!(sent.content, "hi");
    assert_eq!(sent.author.id.get(), FakeDiscord::BOT_ID);
    let posted = fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID);
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].id, sent.id.get());
    assert_eq!(posted[0].content, "hi");
    assert_eq!(
        posted[0].allowed_mentions.as_ref().map(|m| &m["parse"]),
        Some(&json!([]))
    );
    assert_eq!(
        posted[0].authorization.as_deref(),
        Some(format!("Bot {TOKEN}").as_str())
    );
    assert!(!posted[0].multipart);

    // Multipart with a file.
    let file = CreateAttachment::bytes(b"# Digest\n".to_vec(), "digest.md");
    let with_file = CreateMessage::new().content("digest attached").add_file(file);
    let sent = channel.send_message(&http, with_file).await.expect("send with file");
    assert_eq!(sent.attachments.len(), 1);
    assert_eq!(sent.attachments[0].filename, "digest.md");
    let posted = fake
        .wait_channel_messages(FakeDiscord::DIGEST_CHANNEL_ID, 2, WAIT)
        .await;
    assert!(posted[1].multipart);
    assert_eq!(posted[1].attachment_names(), ["digest.md"]);
    assert_eq!(posted[1].files[0].data, b"# Digest\n");
    assert_eq!(posted[1].content, "digest attached");

    // enforce_nonce: the duplicate gets the original back and is not posted again.
    let nonce = || {
        CreateMessage::new()
            .content("once")
            .nonce(Nonce::String("digest-42".into()))
            .enforce_nonce(true)
    };
    let first = channel.send_message(&http, nonce()).await.expect("first");
    let second = channel.send_message(&http, nonce()).await.expect("second");
    assert_eq!(first.id, second.id);
    assert_eq!(fake.channel_messages(FakeDiscord::DIGEST_CHANNEL_ID).len(), 3);
    assert_eq!(fake.deduplicated_count(), 1);

    // Scripted failures and 429s.
    fake.fail_channel(FakeDiscord::OTHER_CHANNEL_ID, 403);
    let err = ChannelId::new(FakeDiscord::OTHER_CHANNEL_ID)
        .say(&http, "no")
        .await
        .expect_err("403");
    assert_eq!(discord_status(&err), Some((403, 50001)));
    fake.rate_limit_next(FakeDiscord::CHANNEL_ID, 1, 1.5);
    let err = ChannelId::new(FakeDiscord::CHANNEL_ID)
        .say(&http, "later")
        .await
        .expect_err("429");
    assert_eq!(discord_status(&err).map(|s| s.0), Some(429));
    ChannelId::new(FakeDiscord::CHANNEL_ID)
        .say(&http, "now")
        .await
        .expect("after 429");
    assert_eq!(fake.count_429(), 1);
    assert_eq!(fake.channel_messages(FakeDiscord::CHANNEL_ID).len(), 1);
    assert!(fake.channel_messages(FakeDiscord::OTHER_CHANNEL_ID).is_empty());
    fake.assert_clean();
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON body")
}

fn discord_status(err: &serenity::Error) -> Option<(u16, isize)> {
    match err {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(e)) => {
            Some((e.status_code.as_u16(), e.error.code))
        }
        _ => None,
    }
}

#[tokio::test]
async fn fake_discord_enforces_message_limits_on_raw_posts() {
    let fake = FakeDiscord::start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/channels/{}/messages", fake.api_base(), FakeDiscord::CHANNEL_ID);
    let post = |body: Value| {
        client
            .post(&url)
            .header("authorization", "Bot abc")
            .header("user-agent", "DiscordBot (https://example.com, 0.1)")
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let field = json!({"name": "n", "value": "v".repeat(990)});
    let cases = [
        (json!({"content": "é".repeat(2000)}), 200),
        (json!({"content": "é".repeat(2001)}), 400),
        (json!({"embeds": [{"description": "d".repeat(4097)}]}), 400),
        (json!({"embeds": [{"title": "t".repeat(257)}]}), 400),
        (json!({"embeds": vec![json!({"title": "t"}); 11]}), 400),
        (json!({"embeds": [{"fields": vec![field.clone(); 6]}]}), 200),
        (json!({"embeds": [{"fields": vec![field.clone(); 7]}]}), 400), // 6,937 characters > 6,000
        (
            json!({"embeds": [{"fields": vec![json!({"name": "a", "value": "b"}); 26]}]}),
            400,
        ),
        (json!({"embeds": [{"footer": {"text": "f".repeat(2049)}}]}), 400),
        (json!({"embeds": [{"author": {"name": "a".repeat(257)}}]}), 400),
        (json!({"embeds": [{"title": "t", "url": "javascript:alert(1)"}]}), 400),
        (json!({"embeds": [{"title": "t", "timestamp": "yesterday"}]}), 400),
        (json!({"content": "x", "nonce": "n".repeat(26)}), 400),
        (json!({"content": ""}), 400),
    ];
    for (i, (body, want)) in cases.iter().enumerate() {
        let response = post(body.clone()).await.expect("post");
        assert_eq!(response.status().as_u16(), *want, "case {i}");
    }
    assert_eq!(fake.channel_messages(FakeDiscord::CHANNEL_ID).len(), 2);
    let violations = fake.limit_violations();
    assert_eq!(violations.len(), 12, "{violations:?}");
    assert!(
        violations[1].detail.contains("embeds.0.description"),
        "{}",
        violations[1].detail
    );
    assert!(violations[4].detail.contains("6000"), "{}", violations[4].detail);
    assert_eq!(violations[11].response["code"], json!(50006));

    // No user agent or no token: recorded as protocol violations.
    let response = client
        .post(&url)
        .header("content-type", "application/json")
        .body(json!({"content": "x"}).to_string())
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 401);
    assert_eq!(fake.protocol_violations().len(), 2, "{:?}", fake.protocol_violations());
    assert!(fake.unknown_routes().is_empty());
    let response = client
        .get(format!("{}/nope", fake.api_base()))
        .header("authorization", "Bot a")
        .send()
        .await;
    assert_eq!(response.expect("get").status(), 404);
    assert_eq!(
        fake.unknown_routes(),
        [("GET".to_string(), "/api/v10/nope".to_string())]
    );
}

#[tokio::test]
async fn fake_discord_realistic_rate_limits() {
    let fake = FakeDiscord::start().await;
    // Discord's message bucket: 5 per 5 s per channel (long enough not to refill mid-test).
    fake.set_realistic_rate_limits(5, Duration::from_secs(5));
    let client = reqwest::Client::new();
    let post = |channel: u64| {
        client
            .post(format!("{}/channels/{channel}/messages", fake.api_base()))
            .header("authorization", "Bot abc")
            .header("user-agent", "DiscordBot (https://example.com, 0.1)")
            .header("content-type", "application/json")
            .body(json!({"content": "x"}).to_string())
            .send()
    };
    let mut remaining = Vec::new();
    for _ in 0..7 {
        let response = post(FakeDiscord::CHANNEL_ID).await.expect("post");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        assert!(headers.contains_key("x-ratelimit-reset-after"), "{headers:?}");
        assert!(headers.contains_key("x-ratelimit-reset"));
        assert_eq!(headers["x-ratelimit-limit"], "5");
        assert!(headers.contains_key("x-ratelimit-bucket"));
        if status == 429 {
            assert!(headers.contains_key("retry-after"));
            let body = json_of(response).await;
            assert_eq!(body["global"], json!(false));
            assert!(
                body["retry_after"].as_f64().is_some_and(|r| r > 0.0 && r <= 5.0),
                "{body}"
            );
        } else {
            remaining.push(headers["x-ratelimit-remaining"].to_str().expect("ascii").to_string());
        }
    }
    assert_eq!(remaining, ["4", "3", "2", "1", "0"]);
    assert_eq!(fake.count_429(), 2);
    // Another channel has its own bucket.
    assert_eq!(post(FakeDiscord::DIGEST_CHANNEL_ID).await.expect("post").status(), 200);
    assert_eq!(fake.channel_messages(FakeDiscord::CHANNEL_ID).len(), 5);

    // A bucket refills once retry_after has passed (setting limits again resets every bucket).
    fake.set_realistic_rate_limits(1, Duration::from_millis(800));
    assert_eq!(post(FakeDiscord::CHANNEL_ID).await.expect("post").status(), 200);
    let limited = post(FakeDiscord::CHANNEL_ID).await.expect("post");
    assert_eq!(limited.status(), 429);
    let retry_after = json_of(limited).await["retry_after"].as_f64().expect("retry_after");
    tokio::time::sleep(Duration::from_secs_f64(retry_after) + Duration::from_millis(50)).await;
    assert_eq!(post(FakeDiscord::CHANNEL_ID).await.expect("post").status(), 200);

    // The global limit (Discord's is 50/s), across channels.
    fake.set_realistic_rate_limits(5, Duration::from_secs(5));
    fake.set_global_rate_limit(3);
    let mut global = 0;
    for channel in 0..5 {
        let response = post(FakeDiscord::CHANNEL_ID + 100 + channel).await.expect("post");
        if response.status() == 429 {
            assert_eq!(response.headers()["x-ratelimit-global"], "true");
            assert_eq!(json_of(response).await["global"], json!(true));
            global += 1;
        }
    }
    assert_eq!(global, 2);
    assert_eq!(fake.rate_limit_hits().iter().filter(|h| h.global).count(), 2);
    assert_eq!(fake.count_429(), 5);
    fake.assert_clean();
}

#[tokio::test]
async fn fake_discord_rejects_invalid_command_registration() {
    let fake = FakeDiscord::start().await;
    let http = recipe_http(&fake);
    http.set_application_id(FakeDiscord::APP_ID.into());
    let client = reqwest::Client::new();
    let url = format!("{}/applications/{}/commands", fake.api_base(), FakeDiscord::APP_ID);
    let put = |body: Value| {
        client
            .put(&url)
            .header("authorization", "Bot abc")
            .header("user-agent", "DiscordBot (https://example.com, 0.1)")
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let good = json!([{"name": "digest", "description": "Post a digest", "type": 1,
                       "options": [{"type": 3, "name": "topic", "description": "Topic", "required": true},
                                   {"type": 5, "name": "quiet", "description": "Quietly"}]}]);
    let response = put(good).await.expect("put");
    assert_eq!(response.status(), 200);
    let stored = json_of(response).await;
    assert_eq!(
        stored[0]["id"],
        json!(crate::fake_discord::command_id("digest").to_string())
    );
    // serenity can read what the fake stores.
    let commands = http.get_global_commands().await.expect("get commands");
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].options.len(), 2);

    let bad = [
        json!([{"name": "Digest", "description": "Upper case"}]),
        json!([{"name": "digest", "description": "d".repeat(101)}]),
        json!([{"name": "digest", "description": ""}]),
        json!([{"name": "digest", "description": "x", "options": [
            {"type": 3, "name": "a", "description": "a"}, {"type": 3, "name": "b", "description": "b", "required": true}]}]),
        json!([{"name": "a", "description": "x"}, {"name": "a", "description": "y"}]),
    ];
    for (i, body) in bad.into_iter().enumerate() {
        assert_eq!(put(body).await.expect("put").status(), 400, "case {i}");
    }
    assert_eq!(fake.limit_violations().len(), 5);
    assert_eq!(fake.registered_commands().len(), 1);
    assert_eq!(fake.command_put_count(), 6);
}

#[tokio::test]
async fn fake_discord_builders_deserialize_as_serenity_models() {
    let fake = FakeDiscord::start().await;
    let attachment = fake.add_attachment("feeds.opml", b"<opml/>".to_vec());
    let options = json!([subcommand(
        "add",
        json!([
            opt_str("url", "https://a.example/rss"),
            opt_channel("channel", FakeDiscord::CHANNEL_ID),
            opt_user("who", FakeDiscord::MEMBER_USER_ID),
            opt_bool("quiet", true),
            opt_attachment("file", &attachment),
        ])
    )]);
    let samples = [
        FakeDiscord::slash_command(1, "ping", Value::Null, true),
        FakeDiscord::slash_command(2, "ping", Value::Null, false),
        FakeDiscord::with_attachment(FakeDiscord::slash_command(3, "feed", options, true), &attachment),
        FakeDiscord::autocomplete(4, "search", json!([focused(opt_str("topic", "a"))]), false),
        FakeDiscord::dm_slash_command(5, "ping", Value::Null, FakeDiscord::MEMBER_USER_ID),
        FakeDiscord::command_interaction(
            2,
            6,
            "ping",
            Value::Null,
            &Invoker::manager().in_channel(FakeDiscord::OTHER_CHANNEL_ID),
        ),
    ];
    for sample in samples {
        let parsed: Interaction = serde_json::from_value(sample.clone()).unwrap_or_else(|e| panic!("{e}: {sample}"));
        match parsed {
            Interaction::Command(c) | Interaction::Autocomplete(c) => {
                assert!(c.app_permissions.is_some());
                if c.guild_id.is_some() {
                    assert!(c.member.as_ref().and_then(|m| m.permissions).is_some());
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let admin: Interaction =
        serde_json::from_value(FakeDiscord::slash_command(7, "x", Value::Null, true)).expect("admin");
    let member: Interaction =
        serde_json::from_value(FakeDiscord::slash_command(8, "x", Value::Null, false)).expect("member");
    let permissions = |i: &Interaction| {
        i.as_command()
            .and_then(|c| c.member.as_ref()?.permissions)
            .expect("permissions")
    };
    assert!(permissions(&admin).administrator() && permissions(&admin).manage_guild());
    assert!(!permissions(&member).manage_guild() && permissions(&member).send_messages());

    // The attachment is served like a CDN file.
    let body = reqwest::get(&attachment.url)
        .await
        .expect("download")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(&body[..], b"<opml/>");

    // Every gateway payload (HELLO, READY, GUILD_CREATE, ACK, dispatches) parses as serenity's GatewayEvent.
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{}/?v=10&encoding=json", fake.gateway_url()))
        .await
        .expect("connect");
    let identify = json!({"op": 2, "d": {"token": "Bot abc", "intents": 1, "properties": {"os": "linux", "browser": "t", "device": "t"}}});
    ws.send(WsMessage::Text(identify.to_string())).await.expect("identify");
    ws.send(WsMessage::Text(json!({"op": 1, "d": null}).to_string()))
        .await
        .expect("heartbeat");
    let fake2 = fake.clone();
    tokio::spawn(async move {
        fake2
            .send_interaction(FakeDiscord::slash_command(10, "ping", Value::Null, false))
            .await;
    });
    let mut seen = Vec::new();
    while seen.len() < 5 {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("frame in time")
            .expect("open")
            .expect("ok");
        let WsMessage::Text(text) = frame else { continue };
        let event: GatewayEvent = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        seen.push(match event {
            GatewayEvent::Hello(_) => "HELLO".to_string(),
            GatewayEvent::HeartbeatAck => "ACK".to_string(),
            GatewayEvent::Dispatch(seq, event) => {
                let name = serde_json::to_value(&event)
                    .ok()
                    .and_then(|v| v["t"].as_str().map(str::to_string));
                format!("{seq}:{}", name.unwrap_or_default())
            }
            other => format!("{other:?}"),
        });
    }
    seen.sort();
    assert_eq!(
        seen,
        ["1:READY", "2:GUILD_CREATE", "3:INTERACTION_CREATE", "ACK", "HELLO"]
    );
    assert_eq!(fake.heartbeat_count(), 1);
}

#[tokio::test]
async fn fake_discord_refuses_privileged_intents_like_discord() {
    let fake = FakeDiscord::start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(fake.gateway_url())
        .await
        .expect("connect");
    let identify = json!({"op": 2, "d": {"token": "Bot abc", "intents": 1 | (1 << 15), "properties": {}}});
    ws.send(WsMessage::Text(identify.to_string())).await.expect("identify");
    let mut close = None;
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(WAIT, ws.next()).await {
        if let WsMessage::Close(frame) = frame {
            close = frame.map(|f| u16::from(f.code));
            break;
        }
    }
    assert_eq!(close, Some(4014));
    assert!(!fake.wait_ready(Duration::from_millis(100)).await);
}

#[tokio::test]
async fn fake_discord_real_client_heartbeats_and_resumes() {
    let fake = FakeDiscord::start_with_heartbeat(Duration::from_millis(300)).await;
    let (shards, task) = start_bot(&fake).await;
    assert!(fake.wait_ready(WAIT).await);
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.heartbeat_count() < 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(fake.heartbeat_count() >= 2, "heartbeats: {}", fake.heartbeat_count());

    // op 7 RECONNECT: the client comes back with RESUME, not a new IDENTIFY.
    fake.send_reconnect();
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.resume_count() < 1 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(fake.resume_count(), 1);
    assert_eq!(fake.identify_count(), 1);
    assert_eq!(fake.gateway_connections(), 2);
    assert!(fake.wait_ready(WAIT).await);
    fake.send_interaction(FakeDiscord::slash_command(9201, "ping", Value::Null, false))
        .await;
    assert_eq!(
        fake.wait_callback(9201, WAIT)
            .await
            .expect("ping after resume")
            .content(),
        "pong"
    );
    fake.assert_clean();

    shards.shutdown_all().await;
    tokio::time::timeout(WAIT, task)
        .await
        .expect("client stops")
        .expect("client task");
}
