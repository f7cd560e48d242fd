//! Editions: subscriptions due together share one composed digest, and each still receives
//! exactly what its own server may read. A recording chat sink stands in for Discord (the
//! platform), so the test can see which edition value each channel was handed.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::future::BoxFuture;
use newsdesk::app::App;
use newsdesk::chat::{ChatSink, Post, PostContent, SinkError, Sinks};
use newsdesk::clock::Clock;
use newsdesk::digest::edition::Edition;
use newsdesk::domain::Platform;
use newsdesk::metrics::Metrics;
use newsdesk::ops::Health;
use newsdesk::scheduler::Scheduler;
use newsdesk::store::NewSubscription;
use tokio::sync::watch;

use crate::delivery::{news, store_feed};
use crate::digest::{Item, LAUNCH_B, rss};
use crate::support::spawn_app;

/// What one channel was sent.
#[derive(Clone)]
enum Sent {
    Digest(Arc<Edition>),
    Alert(String),
}

/// A chat platform that accepts every post and remembers it.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<(String, Sent)>>,
}

impl Recorder {
    fn to(&self, channel: &str) -> Vec<Sent> {
        let sent = self.sent.lock().unwrap();
        sent.iter()
            .filter(|(c, _)| c == channel)
            .map(|(_, s)| s.clone())
            .collect()
    }
    fn edition_of(&self, channel: &str) -> Arc<Edition> {
        let sent = self.to(channel);
        assert_eq!(sent.len(), 1, "{channel} should get exactly one digest");
        match &sent[0] {
            Sent::Digest(edition) => Arc::clone(edition),
            Sent::Alert(url) => panic!("{channel} got an alert for {url}, not a digest"),
        }
    }
    fn alerts_to(&self, channel: &str) -> Vec<String> {
        self.to(channel)
            .into_iter()
            .filter_map(|s| match s {
                Sent::Alert(url) => Some(url),
                Sent::Digest(_) => None,
            })
            .collect()
    }
}

impl ChatSink for Recorder {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn post<'a>(&'a self, channel: &'a str, post: &'a Post) -> BoxFuture<'a, Result<Vec<String>, SinkError>> {
        Box::pin(async move {
            let sent = match &post.content {
                PostContent::Digest(edition) => Sent::Digest(Arc::clone(edition)),
                PostContent::Alert { item, .. } => Sent::Alert(item.url.clone()),
            };
            let mut all = self.sent.lock().unwrap();
            all.push((channel.to_string(), sent));
            Ok(vec![all.len().to_string()])
        })
    }
}

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0).unwrap()
}

const GUILD_A: &str = "discord:100";
const GUILD_B: &str = "discord:200";
const GUILD_C: &str = "discord:300";

/// A private feed of guild A: a story nobody else may see.
fn private_feed(now: DateTime<Utc>) -> String {
    rss(
        "A's newsroom",
        now,
        &[Item {
            title: "Anthropic releases Claude Opus 5 to API customers",
            link: "https://private-a.example/opus-5",
            hours_ago: 2,
            body: LAUNCH_B,
        }],
    )
}

async fn subscribe(app: &App, scope: &str, channel: &str, mode: &str, due: DateTime<Utc>, now: DateTime<Utc>) {
    let new = NewSubscription {
        platform: Platform::Discord.as_str().to_string(),
        scope: scope.to_string(),
        channel: channel.to_string(),
        topic: "models".to_string(),
        mode: mode.to_string(),
        schedule: (mode == "digest").then(|| "daily 08:30".to_string()),
        timezone: "UTC".to_string(),
        min_score: 0,
        max_items: 10,
        next_run_at: (mode == "digest").then_some(due),
        cursor_at: now,
        created_by: Some("test".to_string()),
    };
    app.store.upsert_subscription(&new, now).await.unwrap();
}

fn scheduler(app: &App, recorder: &Arc<Recorder>, metrics: &Metrics) -> Scheduler {
    let sinks = Sinks::new().with(Arc::clone(recorder) as Arc<dyn ChatSink>);
    Scheduler::new(app.clone(), sinks, metrics.clone(), Health::new(), Clock::System)
}

fn urls(edition: &Edition) -> Vec<String> {
    let mut urls: Vec<String> = edition.digest().items.iter().map(|i| i.url.clone()).collect();
    urls.sort();
    urls
}

#[tokio::test]
async fn editions_are_composed_once_per_audience_and_each_channel_gets_only_its_servers_items() {
    let t = spawn_app().await;
    let (_stop, stopped) = watch::channel(false);
    let before = at(22, 7, 0);
    let slot = at(23, 8, 30);
    for (scope, channel) in [
        (GUILD_A, "1001"),
        (GUILD_A, "1002"),
        (GUILD_B, "2001"),
        (GUILD_B, "2002"),
        (GUILD_C, "3001"),
    ] {
        subscribe(&t.app, scope, channel, "digest", slot, before).await;
    }
    // Guild A reads one feed of its own beside the global ones.
    t.app
        .add_source_to(GUILD_A, "http://127.0.0.1:9/private-a.xml", None, None, None, before)
        .await
        .unwrap();
    let fetched = slot - Duration::minutes(20);
    store_feed(&t.app, "http://127.0.0.1:9/lab.xml", &news(fetched), fetched).await;
    store_feed(
        &t.app,
        "http://127.0.0.1:9/private-a.xml",
        &private_feed(fetched),
        fetched,
    )
    .await;

    let recorder = Arc::new(Recorder::default());
    let metrics = Metrics::new();
    let s = scheduler(&t.app, &recorder, &metrics);
    let report = s.digests_once(slot + Duration::minutes(1), &stopped).await.unwrap();
    assert_eq!(report.posted, 5, "{report:?}");
    assert_eq!(
        metrics.editions_composed(),
        2,
        "one edition for guild A's audience, one for everyone else"
    );

    // Guilds B and C changed nothing: they were handed the very same edition.
    let b = recorder.edition_of("2001");
    assert!(Arc::ptr_eq(&b, &recorder.edition_of("2002")));
    assert!(Arc::ptr_eq(&b, &recorder.edition_of("3001")));
    let a = recorder.edition_of("1001");
    assert!(Arc::ptr_eq(&a, &recorder.edition_of("1002")));
    assert!(!Arc::ptr_eq(&a, &b));

    let private = "https://private-a.example/opus-5".to_string();
    assert!(
        urls(&a).contains(&private),
        "guild A reads its own feed: {:?}",
        urls(&a)
    );
    assert!(!urls(&b).contains(&private), "nobody else does: {:?}", urls(&b));
    assert!(urls(&a).contains(&"https://lab.example/gpt-5".to_string()));
    assert!(urls(&b).contains(&"https://lab.example/gpt-5".to_string()));
    assert!(
        !b.markdown().contains("A's newsroom"),
        "another server's feed is never named"
    );

    // The slot is done for everyone: a second pass posts nothing and composes nothing.
    let again = s.digests_once(slot + Duration::minutes(2), &stopped).await.unwrap();
    assert_eq!(again.posted, 0, "{again:?}");
    assert_eq!(metrics.editions_composed(), 2);
    let counts = t.app.store.delivery_counts(None, None).await.unwrap();
    assert_eq!((counts.sent, counts.digests), (5, 5));
}

#[tokio::test]
async fn an_edition_that_cannot_be_composed_fails_only_its_own_subscriptions_with_the_reason() {
    let t = spawn_app().await;
    let (_stop, stopped) = watch::channel(false);
    let before = at(22, 7, 0);
    let slot = at(23, 8, 30);
    subscribe(&t.app, GUILD_A, "1001", "digest", slot, before).await;
    // A subscription to a topic that no longer exists (deleted while subscribed).
    let broken = NewSubscription {
        platform: Platform::Discord.as_str().to_string(),
        scope: GUILD_B.to_string(),
        channel: "2001".to_string(),
        topic: "gone-topic".to_string(),
        mode: "digest".to_string(),
        schedule: Some("daily 08:30".to_string()),
        timezone: "UTC".to_string(),
        min_score: 0,
        max_items: 10,
        next_run_at: Some(slot),
        cursor_at: before,
        created_by: None,
    };
    t.app.store.upsert_subscription(&broken, before).await.unwrap();
    let fetched = slot - Duration::minutes(20);
    store_feed(&t.app, "http://127.0.0.1:9/lab.xml", &news(fetched), fetched).await;

    let recorder = Arc::new(Recorder::default());
    let s = scheduler(&t.app, &recorder, &Metrics::new());
    let report = s.digests_once(slot + Duration::minutes(1), &stopped).await.unwrap();
    assert_eq!((report.posted, report.failed), (1, 1), "{report:?}");
    assert_eq!(recorder.to("1001").len(), 1);
    assert!(recorder.to("2001").is_empty());

    let subs = t.app.store.subscriptions_for("discord", GUILD_B, None).await.unwrap();
    let failures = t.app.store.delivery_errors(subs[0].id).await.unwrap();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].1.contains("could not be composed") && failures[0].1.contains("gone-topic"),
        "the reason is recorded: {failures:?}"
    );
}

#[tokio::test]
async fn instant_stories_are_scored_once_per_audience_and_reach_only_the_servers_that_read_them() {
    let t = spawn_app().await;
    let (_stop, stopped) = watch::channel(false);
    let t0 = at(23, 6, 0);
    for (scope, channel) in [(GUILD_A, "1001"), (GUILD_B, "2001"), (GUILD_C, "3001")] {
        subscribe(&t.app, scope, channel, "instant", t0, t0).await;
    }
    t.app
        .add_source_to(GUILD_A, "http://127.0.0.1:9/private-a.xml", None, None, None, t0)
        .await
        .unwrap();
    let t1 = t0 + Duration::minutes(30);
    store_feed(&t.app, "http://127.0.0.1:9/lab.xml", &news(t1), t1).await;
    store_feed(&t.app, "http://127.0.0.1:9/private-a.xml", &private_feed(t1), t1).await;

    let recorder = Arc::new(Recorder::default());
    let metrics = Metrics::new();
    let s = scheduler(&t.app, &recorder, &metrics);
    let now = t1 + Duration::minutes(1);
    let mut passes = 0;
    while passes < 5 {
        s.instant_once(now + Duration::minutes(passes), &stopped).await.unwrap();
        passes += 1;
    }
    let private = "https://private-a.example/opus-5".to_string();
    let a = recorder.alerts_to("1001");
    let b = recorder.alerts_to("2001");
    let c = recorder.alerts_to("3001");
    assert!(a.contains(&private), "{a:?}");
    assert!(!b.contains(&private) && !c.contains(&private), "{b:?} {c:?}");
    assert!(b.contains(&"https://lab.example/gpt-5".to_string()), "{b:?}");
    assert_eq!(b, c, "servers of one audience get the same alerts");
    let mut unique = a.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), a.len(), "no story twice: {a:?}");
    assert!(
        metrics.editions_composed() <= 2 * passes as u64,
        "at most one scoring per audience per pass, not one per subscription"
    );
}
