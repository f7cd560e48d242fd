//! The scheduler and the delivery ledger, through the console adapter's sink writing into
//! a buffer: digests at their time (tokio's paused clock), a missed digest posted once,
//! instant alerts without the backlog, and no second post of anything.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use newsdesk::app::App;
use newsdesk::chat::Sinks;
use newsdesk::chat::console::{ConsoleSink, Output};
use newsdesk::clock::Clock;
use newsdesk::commands::{self, Caller, Command, Mode, Platform, Reply};
use newsdesk::metrics::Metrics;
use newsdesk::ops::Health;
use newsdesk::scheduler::Scheduler;
use newsdesk::sources::parse::parse_feed;
use tokio::sync::watch;

use crate::digest::{Item, LAUNCH_A, LAUNCH_B, MENTION, PRICING, SECURITY, rss};
use crate::support::spawn_app;

/// A buffer the console sink prints into.
#[derive(Clone, Default)]
pub struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
    pub fn output(&self) -> Output {
        Arc::new(Mutex::new(Box::new(self.clone()) as Box<dyn Write + Send>))
    }
    pub fn posts(&self) -> usize {
        self.text().matches("── post to #").count()
    }
}

pub fn console_caller() -> Caller {
    Caller {
        platform: Platform::Console,
        server: None,
        channel: "console".into(),
        user: "tester".into(),
        is_admin: true,
        is_operator: true,
    }
}

/// Stores a feed's items as if polled at `fetched_at`, without HTTP (so paused time is safe):
/// the real parser, store and tagger.
pub async fn store_feed(app: &App, source_url: &str, xml: &str, fetched_at: DateTime<Utc>) -> Vec<i64> {
    let source = match app.store.source_by_url(source_url).await.unwrap() {
        Some(source) => source,
        None => app.add_source(source_url, None, None, None, fetched_at).await.unwrap(),
    };
    let url = url::Url::parse(source_url).unwrap();
    let parsed = parse_feed(xml.as_bytes(), Some("application/rss+xml"), &url, fetched_at).unwrap();
    let outcome = app.store.insert_articles(source.id, &parsed.articles).await.unwrap();
    let ids: Vec<i64> = outcome.inserted.iter().map(|(_, id)| *id).collect();
    app.editor.tag_articles(&ids).await.unwrap();
    ids
}

pub fn news(at: DateTime<Utc>) -> String {
    rss(
        "Lab Blog",
        at,
        &[
            Item {
                title: "OpenAI launches GPT-5",
                link: "https://lab.example/gpt-5",
                hours_ago: 3,
                body: LAUNCH_A,
            },
            Item {
                title: "Prompt injection in a coding agent leaked API keys",
                link: "https://lab.example/agent-cve",
                hours_ago: 5,
                body: SECURITY,
            },
            Item {
                title: "GPT-5 API pricing: what an agent workload costs",
                link: "https://lab.example/gpt-5-pricing",
                hours_ago: 1,
                body: PRICING,
            },
        ],
    )
}

fn scheduler(app: &App, out: &Buffer, clock: Clock) -> Scheduler {
    let sinks = Sinks::new().with(Arc::new(ConsoleSink::new(out.output())));
    Scheduler::new(app.clone(), sinks, Metrics::new(), Health::new(), clock)
}

async fn subscribe(app: &App, topic: &str, mode: Mode, schedule: Option<&str>, now: DateTime<Utc>) -> String {
    let command = Command::Subscribe {
        topic: topic.into(),
        channel: None,
        mode: Some(mode),
        schedule: schedule.map(str::to_string),
        timezone: Some("UTC".into()),
        min_score: None,
        max_items: None,
    };
    match commands::execute(app, &console_caller(), command, now).await {
        Reply::Text { text, .. } => text,
        other => panic!("subscribe failed: {other:?}"),
    }
}

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0).unwrap()
}

#[tokio::test]
async fn a_digest_missed_during_downtime_is_posted_once_and_the_next_run_moves_on() {
    let t = spawn_app().await;
    let (_stop, stopped) = watch::channel(false);
    subscribe(&t.app, "models", Mode::Digest, Some("daily 08:30"), at(20, 7, 0)).await;
    // Three days of downtime; news arrives just before the bot comes back.
    let back = at(23, 9, 0);
    store_feed(&t.app, "http://127.0.0.1:9/lab.xml", &news(back), back).await;

    let out = Buffer::default();
    let s = scheduler(&t.app, &out, Clock::System);
    let first = s.digests_once(back, &stopped).await.unwrap();
    assert_eq!(first.posted, 1, "{first:?}");
    let again = s
        .digests_once(back + chrono::Duration::minutes(5), &stopped)
        .await
        .unwrap();
    assert_eq!(again.posted, 0, "{again:?}");
    assert_eq!(out.posts(), 1, "{}", out.text());
    assert!(out.text().contains("GPT-5"), "{}", out.text());

    let subs = t.app.store.subscriptions_for("console", "", None).await.unwrap();
    assert_eq!(subs[0].next_run_at, Some(at(24, 8, 30)));
    assert_eq!(subs[0].last_run_at, Some(at(23, 8, 30)));
    let counts = t.app.store.delivery_counts(None, None).await.unwrap();
    assert_eq!((counts.sent, counts.digests), (1, 1));
}

#[tokio::test]
async fn an_instant_subscription_skips_the_backlog_and_posts_each_new_story_once() {
    let t = spawn_app().await;
    let (_stop, stopped) = watch::channel(false);
    let t0 = at(23, 6, 0);
    // The backlog: stored before anyone subscribed.
    store_feed(&t.app, "http://127.0.0.1:9/lab.xml", &news(t0), t0).await;
    subscribe(&t.app, "models", Mode::Instant, None, t0 + chrono::Duration::minutes(1)).await;

    let out = Buffer::default();
    let s = scheduler(&t.app, &out, Clock::System);
    let nothing = s
        .instant_once(t0 + chrono::Duration::minutes(2), &stopped)
        .await
        .unwrap();
    assert_eq!(nothing.posted, 0, "backlog posted: {}", out.text());

    // New stories from another source: the launch retold (old news: its story is in the
    // backlog) and a new one.
    let t1 = t0 + chrono::Duration::minutes(30);
    let press = rss(
        "Tech Press",
        t1,
        &[
            Item {
                title: "OpenAI releases GPT-5, its newest model",
                link: "https://press.example/gpt-5-released",
                hours_ago: 1,
                body: LAUNCH_B,
            },
            Item {
                title: "@everyone Gemini 3 Ultra is here",
                link: "https://press.example/gemini-3-ultra",
                hours_ago: 0,
                body: MENTION,
            },
        ],
    );
    store_feed(&t.app, "http://127.0.0.1:9/press.xml", &press, t1).await;
    let report = s
        .instant_once(t1 + chrono::Duration::minutes(1), &stopped)
        .await
        .unwrap();
    assert_eq!(report.posted, 1, "{report:?}\n{}", out.text());
    let text = out.text();
    assert!(text.contains("Gemini 3 Ultra"), "{text}");
    assert!(!text.contains("lab.example"), "a backlog story was posted: {text}");
    assert!(!text.contains("@everyone"), "a mention reached the console: {text}");

    let again = s
        .instant_once(t1 + chrono::Duration::minutes(2), &stopped)
        .await
        .unwrap();
    assert_eq!(again.posted, 0);
    assert_eq!(out.posts(), 1);
}

#[tokio::test]
async fn instant_alerts_are_capped_per_cycle_and_posted_oldest_first() {
    let t = spawn_app().await;
    let (_stop, stopped) = watch::channel(false);
    let t0 = at(23, 6, 0);
    subscribe(&t.app, "models", Mode::Instant, None, t0).await;
    let t1 = t0 + chrono::Duration::minutes(10);
    let bodies = [LAUNCH_A, SECURITY, PRICING, MENTION];
    let titles = [
        "OpenAI launches GPT-5",
        "Prompt injection in a coding agent leaked API keys for GPT-5 users",
        "GPT-5 API pricing: what an agent workload costs",
        "Gemini 3 Ultra is here",
    ];
    let links: Vec<String> = (0..4).map(|i| format!("https://lab.example/story-{i}")).collect();
    let items: Vec<Item<'_>> = (0..4)
        .map(|i| Item {
            title: titles[i],
            link: &links[i],
            hours_ago: 4 - i as i64,
            body: bodies[i],
        })
        .collect();
    store_feed(&t.app, "http://127.0.0.1:9/lab.xml", &rss("Lab", t1, &items), t1).await;

    let out = Buffer::default();
    let s = scheduler(&t.app, &out, Clock::System);
    let mut total = 0;
    let mut cycles = 0;
    while cycles < 5 {
        let report = s
            .instant_once(t1 + chrono::Duration::minutes(cycles + 1), &stopped)
            .await
            .unwrap();
        assert!(report.posted <= 3, "cap of 3 per cycle exceeded: {report:?}");
        total += report.posted;
        cycles += 1;
    }
    assert!(total >= 2, "{}", out.text());
    assert_eq!(out.posts(), total);
    // Oldest first: the first post is older than the second.
    let text = out.text();
    let positions: Vec<usize> = titles.iter().filter_map(|title| text.find(&title[..20])).collect();
    let mut sorted = positions.clone();
    sorted.sort_unstable();
    assert_eq!(positions, sorted, "not oldest first: {text}");
}

/// Lets work the scheduler started at the current (paused) instant finish: SQLite answers
/// from its own thread in real time, which paused tokio time does not wait for.
async fn settle(out: &Buffer, want: usize) {
    for _ in 0..100 {
        if out.posts() >= want {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_scheduled_digest_arrives_at_its_time_under_paused_tokio_time() {
    let t = spawn_app().await;
    let start = at(23, 8, 0);
    store_feed(&t.app, "http://127.0.0.1:9/lab.xml", &news(start), start).await;
    subscribe(&t.app, "models", Mode::Digest, Some("daily 08:30"), start).await;
    // Paused only now: opening the database is real I/O that paused time would time out.
    tokio::time::pause();

    let out = Buffer::default();
    let clock = Clock::starting_at(start);
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(scheduler(&t.app, &out, clock).run(stopped));

    tokio::time::sleep(Duration::from_secs(25 * 60)).await;
    assert_eq!(out.posts(), 0, "posted before its time: {}", out.text());
    tokio::time::sleep(Duration::from_secs(7 * 60)).await;
    settle(&out, 1).await;
    assert_eq!(out.posts(), 1, "{}", out.text());
    // A day later the window holds nothing new: no second post, and never a repeat.
    tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
    settle(&out, 2).await;
    assert_eq!(out.posts(), 1, "{}", out.text());

    stop.send(true).unwrap();
    task.await.unwrap();
    let subs = t.app.store.subscriptions_for("console", "", None).await.unwrap();
    assert_eq!(subs[0].next_run_at, Some(at(25, 8, 30)));
}
