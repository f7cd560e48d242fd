//! Retention on a real SQLite file, with the clock passed in: old articles go with their
//! search entries and stay gone, the delivery ledger keeps what a restart needs, the step
//! runs at most once a day, and 0 keeps everything.

use chrono::{DateTime, Duration, TimeZone, Utc};
use newsdesk::app::App;
use newsdesk::chat::Sinks;
use newsdesk::clock::Clock;
use newsdesk::domain::Platform;
use newsdesk::metrics::Metrics;
use newsdesk::ops::Health;
use newsdesk::scheduler::Scheduler;
use newsdesk::store::{GLOBAL_SCOPE, NewSubscription};

use crate::delivery::{news, store_feed};
use crate::support::{spawn_app, spawn_app_with};

const FEED: &str = "http://127.0.0.1:9/lab.xml";

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap()
}

fn scheduler(app: &App) -> Scheduler {
    Scheduler::new(app.clone(), Sinks::new(), Metrics::new(), Health::new(), Clock::System)
}

async fn instant_subscription(app: &App, now: DateTime<Utc>) -> i64 {
    let new = NewSubscription {
        platform: Platform::Discord.as_str().to_string(),
        scope: "discord:100".to_string(),
        channel: "1001".to_string(),
        topic: "models".to_string(),
        mode: "instant".to_string(),
        schedule: None,
        timezone: "UTC".to_string(),
        min_score: 0,
        max_items: 10,
        next_run_at: None,
        cursor_at: now,
        created_by: None,
    };
    app.store.upsert_subscription(&new, now).await.unwrap();
    app.store
        .subscriptions_for("discord", "discord:100", None)
        .await
        .unwrap()[0]
        .id
}

#[tokio::test]
async fn retention_deletes_old_articles_with_their_search_entries_and_a_feed_cannot_bring_them_back() {
    let t = spawn_app().await;
    let t0 = at(1);
    let stored = store_feed(&t.app, FEED, &news(t0), t0).await;
    assert_eq!(stored.len(), 3);
    let hits = t
        .app
        .store
        .search_in("GPT-5", None, None, GLOBAL_SCOPE, 10)
        .await
        .unwrap();
    assert!(!hits.is_empty());

    // Not yet past the 90-day horizon: nothing goes.
    let s = scheduler(&t.app);
    let early = s.maintain(t0 + Duration::days(60)).await.unwrap().expect("due");
    assert_eq!(early.articles, 0, "{early:?}");
    assert_eq!(t.app.store.count_articles().await.unwrap(), 3);

    let later = t0 + Duration::days(91);
    let report = s.maintain(later).await.unwrap().expect("a day has passed");
    assert_eq!(report.articles, 3, "{report:?}");
    assert_eq!(t.app.store.count_articles().await.unwrap(), 0);
    let hits = t
        .app
        .store
        .search_in("GPT-5", None, None, GLOBAL_SCOPE, 10)
        .await
        .unwrap();
    assert!(hits.is_empty(), "search entries go with their articles: {hits:?}");

    // The feed still carries the same items: they are not news again.
    let again = store_feed(&t.app, FEED, &news(t0), later).await;
    assert!(again.is_empty(), "pruned articles came back: {again:?}");
    assert_eq!(t.app.store.count_articles().await.unwrap(), 0);
}

#[tokio::test]
async fn retention_keeps_pending_deliveries_and_the_articles_they_name_and_deletes_finished_old_rows() {
    let t = spawn_app().await;
    let t0 = at(1);
    store_feed(&t.app, FEED, &news(t0), t0).await;
    let sub = instant_subscription(&t.app, t0).await;
    let store = &t.app.store;
    // One alert was sent; another was claimed and never confirmed (a crash, say).
    store
        .begin_delivery(sub, "url:https://lab.example/gpt-5", "n1", t0)
        .await
        .unwrap();
    store
        .finish_delivery(sub, "url:https://lab.example/gpt-5", &[], t0)
        .await
        .unwrap();
    store
        .begin_delivery(sub, "url:https://lab.example/agent-cve", "n2", t0)
        .await
        .unwrap();

    let report = scheduler(&t.app)
        .maintain(t0 + Duration::days(91))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.deliveries, 1, "only the finished row: {report:?}");
    assert_eq!(
        report.articles, 2,
        "the article a pending delivery names stays: {report:?}"
    );
    assert_eq!(
        store.pending_deliveries(sub).await.unwrap(),
        vec!["url:https://lab.example/agent-cve".to_string()]
    );
    assert!(
        store
            .article_by_url("https://lab.example/agent-cve")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn retention_runs_at_most_once_a_day() {
    let t = spawn_app().await;
    let s = scheduler(&t.app);
    let t0 = at(1);
    assert!(s.maintain(t0).await.unwrap().is_some());
    assert!(s.maintain(t0 + Duration::hours(23)).await.unwrap().is_none());
    assert!(s.maintain(t0 + Duration::hours(24)).await.unwrap().is_some());
}

#[tokio::test]
async fn retention_of_zero_keeps_everything_forever() {
    let t = spawn_app_with(|s| {
        s.retention.articles_days = 0;
        s.retention.deliveries_days = 0;
        s.retention.digests_days = 0;
        s.retention.llm_cache_days = 0;
        s.retention.transcripts_days = 0;
    })
    .await;
    let t0 = at(1);
    store_feed(&t.app, FEED, &news(t0), t0).await;
    let report = scheduler(&t.app)
        .maintain(t0 + Duration::days(3650))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.total(), 0, "{report:?}");
    assert_eq!(t.app.store.count_articles().await.unwrap(), 3);
}
