//! 180 simulated days at 2,000 articles a day (`RETENTION_DAYS`, `RETENTION_PER_DAY`): each
//! day stores the day's articles (real corpus texts, re-dated, from 90 sources), tags them,
//! posts a digest to 100 subscriptions through the delivery ledger and the editions table, and
//! runs the scheduler's daily maintenance with the clock of that day. Run twice side by side
//! on two SQLite files: with the default `[retention]` and with everything kept (all 0, what
//! the bot did before retention). Every 15 days: articles stored and the database size.
//!
//! `cargo bench --bench retention`

mod common;

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use newsdesk::app::App;
use newsdesk::chat::Sinks;
use newsdesk::clock::Clock;
use newsdesk::config::{RetentionSettings, Settings};
use newsdesk::domain::Article;
use newsdesk::metrics::Metrics;
use newsdesk::ops::Health;
use newsdesk::scheduler::Scheduler;
use newsdesk::store::{DigestSent, NewEdition, NewSubscription};

const SOURCES: usize = 90;
const SUBSCRIPTIONS: usize = 100;

fn main() {
    let days = common::env_count("RETENTION_DAYS", 180);
    let per_day = common::env_count("RETENTION_PER_DAY", 2_000);
    let pool = common::corpus_articles();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("retention: {days} days × {per_day} articles/day, {SUBSCRIPTIONS} digest subscriptions");
    let kept = RetentionSettings {
        articles_days: 0,
        transcripts_days: 0,
        deliveries_days: 0,
        digests_days: 0,
        llm_cache_days: 0,
        ..RetentionSettings::default()
    };
    runtime.block_on(async {
        let with = simulate(&pool, days, per_day, RetentionSettings::default()).await;
        let without = simulate(&pool, days, per_day, kept).await;
        println!();
        println!("  day | default retention: articles, MiB | keep everything: articles, MiB");
        for ((day, a1, b1), (_, a2, b2)) in with.iter().zip(&without) {
            println!(
                "  {day:>3} | {a1:>9} {:>8.1} | {a2:>9} {:>8.1}",
                *b1 as f64 / 1048576.0,
                *b2 as f64 / 1048576.0
            );
        }
    });
    if let Some(peak) = common::peak_rss_bytes() {
        println!("  peak RSS of the process: {:.1} MiB", peak as f64 / 1048576.0);
    }
}

/// Runs the days; returns (day, articles stored, file bytes) every 15 days.
async fn simulate(
    pool: &[Article],
    days: usize,
    per_day: usize,
    retention: RetentionSettings,
) -> Vec<(usize, i64, u64)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("retention.db");
    let mut settings = Settings::default();
    settings.database.path = path.clone();
    settings.sources.install_defaults = false;
    settings.retention = retention;
    let app = App::build(settings).await.expect("app");
    let start: DateTime<Utc> = Utc::now() - Duration::days(days as i64 + 1);
    let sources = common::add_sources(&app, SOURCES, start).await;
    let mut subscriptions = Vec::new();
    for i in 0..SUBSCRIPTIONS {
        let new = NewSubscription {
            platform: "discord".to_string(),
            scope: format!("discord:{}", 1000 + i % 10),
            channel: (1_187_400_000_001_000_000u64 + i as u64).to_string(),
            topic: "models".to_string(),
            mode: "digest".to_string(),
            schedule: Some("daily 08:00".to_string()),
            timezone: "UTC".to_string(),
            min_score: 15,
            max_items: 10,
            next_run_at: Some(start),
            cursor_at: start,
            created_by: None,
        };
        app.store.upsert_subscription(&new, start).await.expect("subscribe");
    }
    for scope in 0..10 {
        for sub in app
            .store
            .subscriptions_for("discord", &format!("discord:{}", 1000 + scope), None)
            .await
            .expect("subscriptions")
        {
            subscriptions.push(sub.id);
        }
    }
    let scheduler = Scheduler::new(app.clone(), Sinks::new(), Metrics::new(), Health::new(), Clock::System);
    let started = Instant::now();
    let mut rows = Vec::new();
    for day in 1..=days {
        let now = start + Duration::days(day as i64);
        let mut ids = Vec::new();
        for (s, source_id) in sources.iter().enumerate() {
            let count = per_day / SOURCES + usize::from(s < per_day % SOURCES);
            let batch = common::day_of_news(pool, s, count, now, &format!("day{day}"));
            let outcome = app.store.insert_articles(*source_id, &batch).await.expect("insert");
            ids.extend(outcome.inserted.iter().map(|(_, id)| *id));
        }
        app.editor.tag_articles(&ids).await.expect("tag");
        // The day's digest: one edition, recorded and delivered to every subscription.
        let edition = app
            .store
            .record_edition(
                &NewEdition {
                    topic: Some("models"),
                    window_start: now - Duration::days(1),
                    window_end: now,
                    items: 10,
                    stats_json: "{}",
                    markdown: &"A day's digest in Markdown. ".repeat(300),
                },
                now,
            )
            .await
            .expect("edition");
        let claims: Vec<(i64, String, String)> = subscriptions
            .iter()
            .map(|&sub| (sub, format!("digest:{}", now.timestamp()), format!("nonce-{sub}-{day}")))
            .collect();
        app.store.begin_deliveries(&claims, now).await.expect("claim");
        let sent: Vec<DigestSent> = claims
            .into_iter()
            .map(|(subscription_id, item, _)| DigestSent {
                subscription_id,
                item,
                message_ids: vec!["1".to_string(), "2".to_string()],
                edition_id: edition,
                window: (now - Duration::days(1), now),
                items: 10,
                next: now + Duration::days(1),
            })
            .collect();
        app.store.record_digests_sent(&sent, now).await.expect("record");
        scheduler.maintain(now).await.expect("maintain");
        if day % 15 == 0 || day == days {
            let articles = app.store.count_articles().await.expect("count");
            let bytes = file_bytes(&path);
            rows.push((day, articles, bytes));
        }
    }
    println!(
        "  {} retention: {days} days simulated in {:.1} s",
        if app.settings.retention.articles_days == 0 {
            "without"
        } else {
            "with default"
        },
        started.elapsed().as_secs_f64()
    );
    app.store.close().await;
    rows
}

/// The database file and its write-ahead log, as they sit on disk.
fn file_bytes(path: &std::path::Path) -> u64 {
    let wal = path.with_extension("db-wal");
    [path.to_path_buf(), wal]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}
