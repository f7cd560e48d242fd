//! Ten thousand digest subscriptions due in one minute (issue: one machine, ten thousand
//! channels). A day of news — 2,000 real corpus articles re-dated into the 24 hours before
//! the slot, from 90 sources, tagged — and `EDITIONS_CHANNELS` (default 10,000) digest
//! subscriptions spread over the 13 built-in topics, 5 schedules (daily, at the same instant
//! written in five time zones) and 100 servers, all due now.
//!
//! 1. **Composing the 13 editions alone**: `Editor::digest` once per topic, CPU time.
//! 2. **The whole run** with a sink that renders each post for Discord and accepts it at once
//!    (no HTTP, so what is measured is our work: grouping, composing, charting, rendering,
//!    the delivery ledger): composes counted (each "digest built" event of the editor),
//!    CPU time, and its ratio to step 1.
//! 3. **Posting through Discord's limits**: `EDITIONS_DISCORD_CHANNELS` (default 1,000) of
//!    those subscriptions in a fresh store, posted by our REST client to the loopback fake
//!    Discord with real rate limits (5 messages per 5 s per channel, 50/s global) and
//!    `EDITIONS_LATENCY_MS` (default 40) of latency on every answer: messages per second,
//!    429s, every channel exactly once.
//!
//! Then the peak RSS of the process. `cargo bench --bench editions`
//!
//! The figures "before" come from the same file run on the commit before editions, with
//! the line marked `[api]` written for the old `PostContent::Digest { digest, .. }`.

#[path = "../tests/it/fake_discord.rs"]
mod fake_discord;

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use fake_discord::FakeDiscord;
use futures::future::BoxFuture;
use newsdesk::app::App;
use newsdesk::chat::discord::rest::{DiscordRest, USER_AGENT};
use newsdesk::chat::{ChatSink, Post, PostContent, SinkError, Sinks};
use newsdesk::clock::Clock;
use newsdesk::config::{Secret, Settings};
use newsdesk::digest::render;
use newsdesk::domain::{Article, Platform};
use newsdesk::editor::DigestRequest;
use newsdesk::metrics::Metrics;
use newsdesk::ops::Health;
use newsdesk::scheduler::Scheduler;
use newsdesk::store::NewSubscription;
use tokio::sync::watch;
use tracing_subscriber::layer::SubscriberExt as _;

const ARTICLES: usize = 2_000;
const SOURCES: usize = 90;
const SERVERS: usize = 100;
const MIN_SCORE: u8 = 15;
const MAX_ITEMS: usize = 10;
/// The built-in topics (13): one edition each in the run.
fn topics() -> Vec<String> {
    newsdesk::editor::builtin_catalogue()
        .into_iter()
        .map(|t| t.slug)
        .collect()
}

/// Five ways of writing the same daily instant.
const ZONES: [&str; 5] = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata"];
const FIRST_CHANNEL: u64 = 1_187_400_000_001_000_000;

fn main() {
    let composes = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(tracing_subscriber::Layer::with_filter(
        ComposeCounter(Arc::clone(&composes)),
        tracing_subscriber::filter::Targets::new().with_target("newsdesk::editor", tracing::Level::DEBUG),
    ));
    tracing::subscriber::set_global_default(subscriber).expect("subscriber");
    let channels = common::env_count("EDITIONS_CHANNELS", 10_000);
    let discord_channels = common::env_count("EDITIONS_DISCORD_CHANNELS", 1_000);
    let latency = Duration::from_millis(common::env_count("EDITIONS_LATENCY_MS", 40) as u64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(channels, discord_channels, latency, composes));
}

/// Counts the editor's "digest built" events: one per composition, before and after.
struct ComposeCounter(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ComposeCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct IsCompose(bool);
        impl tracing::field::Visit for IsCompose {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" && format!("{value:?}") == "digest built" {
                    self.0 = true;
                }
            }
        }
        let mut visit = IsCompose(false);
        event.record(&mut visit);
        if visit.0 {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Renders each post as the Discord sink would and accepts it at once.
#[derive(Default)]
struct RenderingSink {
    posts: AtomicUsize,
    messages: AtomicUsize,
}

impl ChatSink for RenderingSink {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn post<'a>(&'a self, _channel: &'a str, post: &'a Post) -> BoxFuture<'a, Result<Vec<String>, SinkError>> {
        Box::pin(async move {
            let messages = match &post.content {
                PostContent::Digest(edition) => edition.discord_messages().len(), // [api]
                PostContent::Alert { item, topic } => {
                    let _ = render::discord::alert_message(item, topic.as_ref(), post.now);
                    1
                }
            };
            self.messages.fetch_add(messages, Ordering::Relaxed);
            let n = self.posts.fetch_add(1, Ordering::Relaxed);
            Ok(vec![n.to_string()])
        })
    }
}

struct Setup {
    app: App,
    _dir: tempfile::TempDir,
    slot: DateTime<Utc>,
    now: DateTime<Utc>,
}

/// A store with a day of news and `channels` digest subscriptions due at `slot`.
async fn prepare(pool: &[Article], channels: usize, now: DateTime<Utc>) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::default();
    settings.database.path = dir.path().join("bench.db");
    settings.sources.install_defaults = false;
    let app = App::build(settings).await.expect("app");
    let at = now - chrono::Duration::minutes(2);
    let slot = at
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .expect("a whole minute");

    let mut ids = Vec::new();
    for (s, source_id) in common::add_sources(&app, SOURCES, slot).await.into_iter().enumerate() {
        let per_source = ARTICLES / SOURCES + usize::from(s < ARTICLES % SOURCES);
        let batch = common::day_of_news(pool, s, per_source, slot - chrono::Duration::seconds(60), "bench");
        let outcome = app.store.insert_articles(source_id, &batch).await.expect("insert");
        ids.extend(outcome.inserted.iter().map(|(_, id)| *id));
    }
    app.editor.tag_articles(&ids).await.expect("tag");

    let schedules: Vec<(String, String)> = ZONES
        .iter()
        .map(|zone| {
            let tz: Tz = zone.parse().expect("zone");
            let local = slot.with_timezone(&tz);
            (
                format!("daily {:02}:{:02}", local.hour(), local.minute()),
                zone.to_string(),
            )
        })
        .collect();
    let topics = topics();
    for i in 0..channels {
        let (schedule, timezone) = &schedules[(i / topics.len()) % schedules.len()];
        let new = NewSubscription {
            platform: Platform::Discord.as_str().to_string(),
            scope: format!("discord:{}", 1_000_000 + i % SERVERS),
            channel: (FIRST_CHANNEL + i as u64).to_string(),
            topic: topics[i % topics.len()].clone(),
            mode: "digest".to_string(),
            schedule: Some(schedule.clone()),
            timezone: timezone.clone(),
            min_score: i64::from(MIN_SCORE),
            max_items: MAX_ITEMS as i64,
            next_run_at: Some(slot),
            cursor_at: slot - chrono::Duration::days(1),
            created_by: Some("bench".to_string()),
        };
        app.store.upsert_subscription(&new, slot).await.expect("subscribe");
    }
    Setup {
        app,
        _dir: dir,
        slot,
        now,
    }
}

async fn run(channels: usize, discord_channels: usize, latency: Duration, composes: Arc<AtomicUsize>) {
    let pool = common::corpus_articles();
    let now = Utc::now();
    println!(
        "editions: {channels} digest subscriptions ({} topics × {} schedules, {SERVERS} servers), a day of {ARTICLES} articles from {SOURCES} sources",
        topics().len(),
        ZONES.len()
    );

    let started = Instant::now();
    let setup = prepare(&pool, channels, now).await;
    println!("  setup: {:.1} s", started.elapsed().as_secs_f64());

    // 1. The 13 editions alone.
    let cpu = common::cpu_time();
    let wall = Instant::now();
    let mut items = 0;
    for topic in topics() {
        let request = DigestRequest {
            scope: String::new(),
            topic: Some(topic),
            hours: 24,
            max_items: MAX_ITEMS,
            min_score: MIN_SCORE,
        };
        items += setup
            .app
            .editor
            .digest(&request, setup.slot)
            .await
            .expect("digest")
            .items
            .len();
    }
    let alone_cpu = common::cpu_time().saturating_sub(cpu);
    println!(
        "  1. composing the {} editions alone: {:.2} s CPU, {:.2} s wall, {items} items in all",
        topics().len(),
        alone_cpu.as_secs_f64(),
        wall.elapsed().as_secs_f64()
    );

    // 2. The whole run, posting into a sink that renders and accepts at once.
    let sink = Arc::new(RenderingSink::default());
    let sinks = Sinks::new().with(Arc::clone(&sink) as Arc<dyn ChatSink>);
    let scheduler = Scheduler::new(setup.app.clone(), sinks, Metrics::new(), Health::new(), Clock::System);
    let (_stop, stopped) = watch::channel(false);
    let composed_before = composes.load(Ordering::Relaxed);
    // The peak below is the run's own, not the set-up's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let cpu = common::cpu_time();
    let wall = Instant::now();
    let report = scheduler.digests_once(setup.now, &stopped).await.expect("digests_once");
    let run_cpu = common::cpu_time().saturating_sub(cpu);
    let run_wall = wall.elapsed();
    let run_composes = composes.load(Ordering::Relaxed) - composed_before;
    println!(
        "  2. whole run: {} posted, {} empty, {} failed; {run_composes} composes; {} messages rendered",
        report.posted,
        report.empty,
        report.failed,
        sink.messages.load(Ordering::Relaxed)
    );
    println!(
        "     {:.2} s CPU, {:.2} s wall; CPU ÷ composing the editions alone = {:.1}×",
        run_cpu.as_secs_f64(),
        run_wall.as_secs_f64(),
        run_cpu.as_secs_f64() / alone_cpu.as_secs_f64().max(0.01)
    );
    if let Some(peak) = common::peak_rss_bytes() {
        println!("     peak RSS of the run: {:.1} MiB", peak as f64 / 1048576.0);
    }
    setup.app.store.close().await;
    drop(setup);

    // 3. Through Discord's limits.
    let fake = FakeDiscord::start().await;
    fake.set_realistic_rate_limits(5, Duration::from_secs(5));
    fake.set_latency(latency);
    let setup = prepare(&pool, discord_channels, now).await;
    let rest = Arc::new(DiscordRest::new(&fake.api_base(), Secret::new("bench-token"), USER_AGENT).expect("client"));
    let sinks = Sinks::new().with(Arc::clone(&rest) as Arc<dyn ChatSink>);
    let scheduler = Scheduler::new(setup.app.clone(), sinks, Metrics::new(), Health::new(), Clock::System);
    let wall = Instant::now();
    let report = scheduler.digests_once(setup.now, &stopped).await.expect("digests_once");
    let elapsed = wall.elapsed();
    let messages = fake.all_messages();
    let mut per_channel: HashMap<u64, usize> = HashMap::new();
    for m in &messages {
        *per_channel.entry(m.channel_id).or_default() += 1;
    }
    let span = match (messages.first(), messages.last()) {
        (Some(first), Some(last)) => last.at.duration_since(first.at),
        _ => Duration::ZERO,
    };
    let hits = fake.rate_limit_hits();
    println!(
        "  3. fake Discord ({} ms latency, real limits): {discord_channels} channels, {} posted, {} empty, {} failed",
        latency.as_millis(),
        report.posted,
        report.empty,
        report.failed
    );
    println!(
        "     {} messages in {:.1} s: {:.1} messages/s (first to last {:.1}/s); {} × 429; {} channels got posts; {} limit violations",
        messages.len(),
        elapsed.as_secs_f64(),
        messages.len() as f64 / elapsed.as_secs_f64(),
        messages.len().saturating_sub(1) as f64 / span.as_secs_f64().max(1e-9),
        hits.len(),
        per_channel.len(),
        fake.limit_violations().len() + fake.protocol_violations().len()
    );
    if let Some(peak) = common::peak_rss_bytes() {
        println!("  peak RSS of the process: {:.1} MiB", peak as f64 / 1048576.0);
    }
    setup.app.store.close().await;
}
