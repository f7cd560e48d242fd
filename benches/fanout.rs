//! Digest fan-out: one scheduled digest due in 1,000 Discord channels at once (env
//! `FANOUT_CHANNELS`), delivered by `Scheduler::digests_once` through our own REST client
//! (`DiscordRest`) to the loopback fake Discord of `tests/it/fake_discord.rs`, run with
//! Discord's rate limits (5 messages per 5 s per channel, 50 requests per second globally,
//! rate-limit headers on every answer, 429 when exceeded). `FANOUT_LATENCY_MS` adds a delay
//! to every answer of the fake (Discord's own is tens of milliseconds; default 0);
//! `FANOUT_GLOBAL_PER_SECOND` sets our client's global pacing (its default is Discord's 50).
//!
//! The store holds 19 AI-news articles (10 stories) from 10 sources inside the digest window, all tagged
//! `models`; 1,000 digest subscriptions to `models` (distinct channel ids, one guild) are due
//! now. Reported: channels, messages the fake accepted, wall time, messages per second,
//! 429s (the goal is none), that every channel got its digest exactly once, and how the time
//! splits between posting (inside the sink: HTTP plus rate-limit pacing) and the rest of
//! `digests_once` (composing each digest, drawing its chart, the delivery ledger), with the
//! cost of one compose measured on its own. A second pass checks that nothing is posted twice.
//!
//! `cargo bench --bench fanout` (multi-thread runtime: the fake runs in the same process)

#[path = "../tests/it/fake_discord.rs"]
mod fake_discord;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use fake_discord::FakeDiscord;
use futures::future::BoxFuture;
use newsdesk::app::App;
use newsdesk::chat::discord::rest::{DiscordRest, RetryPolicy, USER_AGENT};
use newsdesk::chat::{ChatSink, Post, SinkError, Sinks};
use newsdesk::clock::Clock;
use newsdesk::config::{Secret, Settings};
use newsdesk::digest::{chart, render};
use newsdesk::domain::Platform;
use newsdesk::domain::{Article, Schedule, SourceKind};
use newsdesk::editor::DigestRequest;
use newsdesk::metrics::Metrics;
use newsdesk::ops::Health;
use newsdesk::scheduler::Scheduler;
use newsdesk::store::{NewSource, NewSubscription};
use tokio::sync::watch;

const DEFAULT_CHANNELS: usize = 1_000;
const FIRST_CHANNEL: u64 = 1_187_400_000_001_000_000;
const GUILD: &str = "1187400000000000100";
const TOPIC: &str = "models";
const SOURCES: usize = 10;
const MAX_ITEMS: i64 = 10;
const MIN_SCORE: i64 = 15;
const COMPOSE_RUNS: usize = 5;

/// (title, text) of AI-news stories about models; each is carried by one to three sources.
const STORIES: &[(&str, &str)] = &[
    (
        "OpenAI releases GPT-5 to all ChatGPT users",
        "OpenAI on Thursday released GPT-5, its newest flagship language model, to all ChatGPT users. The company \
         says the model is better at coding, writing and health questions and hallucinates far less than earlier \
         models. It scored 74.9% on SWE-bench Verified, and its API context window is 400,000 tokens. A router \
         decides when the model should think longer before it answers.",
    ),
    (
        "Anthropic ships Claude Opus 4.1 with stronger agentic coding",
        "Anthropic released Claude Opus 4.1, an update to its largest model that improves multi-file refactoring \
         and tool use in long agentic coding tasks. The model reaches 74.5% on SWE-bench Verified, the company \
         said, and is available in the API, Amazon Bedrock and Google Cloud Vertex AI at the same price as before.",
    ),
    (
        "Google DeepMind unveils Gemini 2.5 Deep Think",
        "Google DeepMind made Gemini 2.5 Deep Think available to subscribers. The reasoning mode runs several \
         chains of thought in parallel before choosing an answer, and a version of the model reached gold-medal \
         level at the International Mathematical Olympiad. Developers will get access through the Gemini API in \
         the coming weeks.",
    ),
    (
        "Meta publishes Llama 4 Scout and Maverick open-weight models",
        "Meta released Llama 4 Scout and Llama 4 Maverick, its first open-weight mixture of experts models. \
         Scout has a context window of 10 million tokens and fits on a single H100 GPU, while Maverick beats \
         GPT-4o on several multimodal benchmarks, according to Meta. The weights can be downloaded under the \
         Llama community licence.",
    ),
    (
        "Mistral releases Magistral, its first reasoning model",
        "Paris-based Mistral AI released Magistral, a family of reasoning models that show their chain of thought \
         in several languages. The small version is open weight under Apache 2.0, and the medium version is \
         available in Le Chat and the API. Mistral says the model is ten times faster than competitors in its \
         flash answers mode.",
    ),
    (
        "DeepSeek V3.1 adds hybrid thinking mode",
        "Chinese lab DeepSeek released DeepSeek V3.1, a 671-billion-parameter mixture of experts model that can \
         switch between a thinking and a non-thinking mode. The model improves tool calling for agents and keeps \
         a 128,000-token context window. DeepSeek also raised API prices for the new model, effective next month.",
    ),
    (
        "Alibaba's Qwen3 Coder tops open-source coding benchmarks",
        "Alibaba's Qwen team released Qwen3 Coder, a 480-billion-parameter open-weight model for agentic coding. \
         It supports a context of 256,000 tokens, extendable to one million, and matches Claude Sonnet on \
         SWE-bench Verified among open models. A command-line tool adapted from Gemini CLI ships with it.",
    ),
    (
        "xAI launches Grok 4 with native tool use",
        "xAI launched Grok 4, a model trained with reinforcement learning at pretraining scale to use tools such \
         as code execution and web search. The company claims top scores on Humanity's Last Exam and ARC-AGI-2. \
         Grok 4 Heavy, a multi-agent version, is part of a new premium subscription.",
    ),
    (
        "Microsoft releases Phi-4 reasoning small language models",
        "Microsoft released Phi-4-reasoning and Phi-4-mini-reasoning, small language models trained on curated \
         reasoning demonstrations. The 14-billion-parameter model rivals much larger models on math benchmarks, \
         and both run on laptops and phones. The weights are published on Hugging Face under the MIT licence.",
    ),
    (
        "OpenAI publishes gpt-oss open-weight reasoning models",
        "OpenAI published gpt-oss-120b and gpt-oss-20b, its first open-weight language models since GPT-2. The \
         mixture of experts models are released under Apache 2.0, run on a single 80 GB GPU or a laptop, and \
         approach o4-mini on reasoning benchmarks. OpenAI said it ran extra safety tests on fine-tuned versions.",
    ),
];

fn main() {
    newsdesk::telemetry::init(0, Default::default());
    let channels = std::env::var("FANOUT_CHANNELS")
        .ok()
        .and_then(|v| v.replace('_', "").parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_CHANNELS);
    let latency = std::env::var("FANOUT_LATENCY_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_millis);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let global_per_second = std::env::var("FANOUT_GLOBAL_PER_SECOND")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|n| *n > 0);
    runtime.block_on(run(channels, latency, global_per_second));
}

/// The Discord sink, timed: how long `digests_once` spends inside `post`.
struct TimedSink {
    inner: Arc<DiscordRest>,
    spent: Mutex<Duration>,
    posts: AtomicUsize,
}

impl ChatSink for TimedSink {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }

    fn post<'a>(&'a self, channel: &'a str, post: &'a Post) -> BoxFuture<'a, Result<Vec<String>, SinkError>> {
        Box::pin(async move {
            let started = Instant::now();
            let result = self.inner.post(channel, post).await;
            *self.spent.lock().unwrap_or_else(|p| p.into_inner()) += started.elapsed();
            self.posts.fetch_add(1, Ordering::Relaxed);
            result
        })
    }
}

async fn run(channels: usize, latency: Duration, global_per_second: Option<u32>) {
    let fake = FakeDiscord::start().await;
    fake.set_realistic_rate_limits(5, Duration::from_secs(5));
    fake.set_latency(latency);

    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::default();
    settings.database.path = dir.path().join("bench.db");
    settings.sources.install_defaults = false;
    let app = App::build(settings).await.expect("app");
    let now = Utc::now();

    // A daily schedule whose latest slot was two minutes ago: due now, window = the 24 h before.
    let at = now - chrono::Duration::minutes(2);
    let schedule_text = format!("daily {:02}:{:02}", at.hour(), at.minute());
    let schedule: Schedule = schedule_text.parse().expect("schedule");
    let slot = schedule.previous_at_or_before(now, Tz::UTC);

    let stored = store_stories(&app, slot).await;

    let started = Instant::now();
    for i in 0..channels {
        let new = NewSubscription {
            platform: Platform::Discord.as_str().to_string(),
            scope: format!("discord:{GUILD}"),
            channel: (FIRST_CHANNEL + i as u64).to_string(),
            topic: TOPIC.to_string(),
            mode: "digest".to_string(),
            schedule: Some(schedule_text.clone()),
            timezone: "UTC".to_string(),
            min_score: MIN_SCORE,
            max_items: MAX_ITEMS,
            next_run_at: Some(slot),
            cursor_at: now - chrono::Duration::days(1),
            created_by: Some("bench".to_string()),
        };
        app.store.upsert_subscription(&new, now).await.expect("subscribe");
    }
    println!(
        "set-up: {stored} articles on `{TOPIC}` from {SOURCES} sources in the window; {channels} digest subscriptions \
         ({schedule_text} UTC) stored in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // What composing one digest costs, measured on its own.
    let request = DigestRequest {
        scope: format!("discord:{GUILD}"),
        topic: Some(TOPIC.to_string()),
        hours: 24,
        max_items: MAX_ITEMS as usize,
        min_score: MIN_SCORE as u8,
    };
    let (mut digest_ms, mut chart_ms, mut markdown_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut sample = None;
    for _ in 0..COMPOSE_RUNS {
        let t = Instant::now();
        let digest = app.editor.digest(&request, slot).await.expect("digest");
        digest_ms.push(ms(t.elapsed()));
        let t = Instant::now();
        let png = chart::png(&digest).ok();
        chart_ms.push(ms(t.elapsed()));
        let t = Instant::now();
        let _ = render::markdown(&digest, now);
        markdown_ms.push(ms(t.elapsed()));
        sample = Some((digest, png.map_or(0, |p| p.len())));
    }
    let (digest, png_bytes) = sample.expect("composed");
    let parts = render::discord::digest_messages(&digest, now).len();
    println!(
        "one digest: {} in window → {} stories → {} selected, {parts} Discord message(s), chart {:.0} kB; \
         compose median {:.1} ms, chart {:.1} ms, markdown {:.2} ms",
        digest.stats.in_window,
        digest.stats.stories,
        digest.stats.selected,
        png_bytes as f64 / 1024.0,
        median(&mut digest_ms),
        median(&mut chart_ms),
        median(&mut markdown_ms),
    );

    let mut client = DiscordRest::new(&fake.api_base(), Secret::new("bench-token"), USER_AGENT).expect("rest client");
    if let Some(per_second) = global_per_second {
        client = client.with_policy(RetryPolicy {
            global_per_second: per_second,
            ..RetryPolicy::default()
        });
    }
    let pacing = client.policy().global_per_second;
    let rest = Arc::new(client);
    let sink = Arc::new(TimedSink {
        inner: Arc::clone(&rest),
        spent: Mutex::new(Duration::ZERO),
        posts: AtomicUsize::new(0),
    });
    let sinks = Sinks::new().with(Arc::clone(&sink) as Arc<dyn ChatSink>);
    let scheduler = Scheduler::new(app.clone(), sinks, Metrics::new(), Health::new(), Clock::System);
    let (_stop, stopped) = watch::channel(false);

    let started = Instant::now();
    let report = scheduler.digests_once(now, &stopped).await.expect("digests_once");
    let wall = started.elapsed();
    let posting = *sink.spent.lock().unwrap_or_else(|p| p.into_inner());

    let again = scheduler
        .digests_once(now + chrono::Duration::minutes(1), &stopped)
        .await
        .expect("second pass");

    // What the fake saw.
    let messages = fake.all_messages();
    let mut per_channel: HashMap<u64, (usize, usize)> = HashMap::new();
    let mut nonces = HashSet::new();
    for m in &messages {
        let entry = per_channel.entry(m.channel_id).or_default();
        entry.0 += 1;
        // The first message of a digest carries its title as content.
        if !m.content.is_empty() {
            entry.1 += 1;
        }
        if let Some(nonce) = &m.nonce {
            nonces.insert((m.channel_id, nonce.to_string()));
        }
    }
    let expected: Vec<u64> = (0..channels).map(|i| FIRST_CHANNEL + i as u64).collect();
    let exactly_once = expected
        .iter()
        .filter(|c| per_channel.get(c).is_some_and(|&(n, titles)| n == parts && titles == 1))
        .count();
    let missing = expected.iter().filter(|c| !per_channel.contains_key(c)).count();
    let extra = per_channel.len().saturating_sub(channels - missing);
    let hits = fake.rate_limit_hits();
    let global_429 = hits.iter().filter(|h| h.global).count();
    let span = match (messages.first(), messages.last()) {
        (Some(first), Some(last)) => last.at.duration_since(first.at),
        _ => Duration::ZERO,
    };
    let violations = fake.limit_violations().len() + fake.protocol_violations().len();

    println!();
    println!(
        "fan-out of one `{TOPIC}` digest, fake Discord latency {} ms, client RetryPolicy.global_per_second = {pacing}",
        latency.as_millis()
    );
    println!("  channels:                {channels}");
    println!(
        "  digests_once report:     {} posted, {} empty, {} failed, {} paused, {} skipped",
        report.posted, report.empty, report.failed, report.paused, report.skipped
    );
    println!(
        "  messages accepted:       {} ({parts} per digest expected; {} distinct nonces; {} deduplicated)",
        messages.len(),
        nonces.len(),
        fake.deduplicated_count()
    );
    println!(
        "  wall time:               {:.2} s ({:.1} ms per channel)",
        wall.as_secs_f64(),
        ms(wall) / channels as f64
    );
    println!(
        "  throughput:              {:.1} messages/s over the run, {:.1} messages/s first→last message ({:.2} s)",
        messages.len() as f64 / wall.as_secs_f64(),
        messages.len().saturating_sub(1) as f64 / span.as_secs_f64().max(1e-9),
        span.as_secs_f64()
    );
    println!(
        "  time inside the sink:    {:.2} s ({:.0}%; HTTP and rate-limit pacing, {:.1} ms per post)",
        posting.as_secs_f64(),
        100.0 * posting.as_secs_f64() / wall.as_secs_f64(),
        ms(posting) / sink.posts.load(Ordering::Relaxed).max(1) as f64
    );
    let rest_time = wall.saturating_sub(posting);
    println!(
        "  the rest (compose, chart, ledger): {:.2} s ({:.0}%; {:.1} ms per channel)",
        rest_time.as_secs_f64(),
        100.0 * rest_time.as_secs_f64() / wall.as_secs_f64(),
        ms(rest_time) / channels as f64
    );
    println!(
        "  429s from the fake:      {} ({global_429} global); the client counted {}",
        hits.len(),
        rest.rate_limited_count()
    );
    if let Some(first) = messages.first() {
        let at: Vec<String> = hits
            .iter()
            .take(12)
            .map(|h| format!("{:.2}", h.at.saturating_duration_since(first.at).as_secs_f64()))
            .collect();
        if !at.is_empty() {
            println!(
                "  429s at (s after the first message): {}{}",
                at.join(", "),
                if hits.len() > at.len() { ", …" } else { "" }
            );
        }
    }
    println!(
        "  exactly once:            {exactly_once}/{channels} channels got one digest ({parts} message(s)); \
         {missing} got none, {extra} unexpected channels"
    );
    println!(
        "  second pass:             {} posted, {} skipped (nothing is posted twice)",
        again.posted, again.skipped
    );
    if violations > 0 {
        println!(
            "  the fake recorded {violations} limit/protocol violations: {:?}",
            fake.limit_violations().first()
        );
    }
    let ok = exactly_once == channels && hits.is_empty() && again.posted == 0 && violations == 0;
    println!(
        "  verdict:                 {}",
        if ok { "OK" } else { "PROBLEMS (see above)" }
    );
    app.store.close().await;
}

/// Stores the stories, each from one to three sources, published over the 20 hours before
/// `slot`, and tags them.
async fn store_stories(app: &App, slot: DateTime<Utc>) -> usize {
    let mut source_ids = Vec::new();
    for s in 0..SOURCES {
        let new = NewSource {
            url: format!("https://ai-news{s}.example/feed.xml"),
            kind: SourceKind::Feed,
            title: Some(format!("AI News {s}")),
            added_by: None,
        };
        source_ids.push(app.store.add_source(&new, slot).await.expect("source").expect("new").id);
    }
    let mut by_source: Vec<Vec<Article>> = vec![Vec::new(); SOURCES];
    let mut n = 0usize;
    for (i, (title, text)) in STORIES.iter().enumerate() {
        for copy in 0..(1 + i % 3) {
            let s = (i + copy * 3) % SOURCES;
            let published = slot - chrono::Duration::minutes(10 + ((i * 97 + copy * 31) % 1_200) as i64);
            by_source[s].push(Article {
                guid: format!("story-{i}-{copy}"),
                url: Some(format!("https://ai-news{s}.example/{i}")),
                title: (*title).to_string(),
                author: None,
                published_at: published,
                date_missing: false,
                fetched_at: published + chrono::Duration::minutes(5),
                summary: None,
                text: (*text).to_string(),
                excerpt_only: false,
                episode: None,
            });
            n += 1;
        }
    }
    let mut ids = Vec::new();
    for (source_id, articles) in source_ids.iter().zip(&by_source) {
        let outcome = app.store.insert_articles(*source_id, articles).await.expect("insert");
        ids.extend(outcome.inserted.iter().map(|(_, id)| *id));
    }
    assert_eq!(ids.len(), n, "every article stored");
    app.editor.tag_articles(&ids).await.expect("tag");
    n
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
