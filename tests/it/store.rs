//! The store on a real SQLite file: exact dedupe across polls and sources, search, removal.

use chrono::{Duration, Utc};
use newsdesk::config::DatabaseSettings;
use newsdesk::domain::{Article, SourceKind};
use newsdesk::store::{NewSource, Store};

fn article(guid: &str, url: &str, title: &str, text: &str) -> Article {
    let now = Utc::now();
    Article {
        guid: guid.to_string(),
        url: Some(url.to_string()),
        title: title.to_string(),
        author: None,
        published_at: now - Duration::hours(1),
        date_missing: false,
        fetched_at: now,
        summary: None,
        text: text.to_string(),
        excerpt_only: false,
        episode: None,
    }
}

async fn source(store: &Store, url: &str) -> i64 {
    let new = NewSource {
        url: url.to_string(),
        kind: SourceKind::Feed,
        title: Some(url.to_string()),
        added_by: None,
    };
    store.add_source(&new, Utc::now()).await.unwrap().unwrap().id
}

#[tokio::test]
async fn exact_duplicates_are_stored_once_across_polls_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let settings = DatabaseSettings {
        path: dir.path().join("nested/folder/store.db"),
        ..Default::default()
    };
    let store = Store::open(&settings).await.unwrap();
    let a = source(&store, "https://a.example/feed").await;
    let b = source(&store, "https://b.example/feed").await;
    let batch = vec![
        article(
            "a1",
            "https://news.example/1",
            "Sparse attention at scale",
            "A paper on sparse attention.",
        ),
        article(
            "a2",
            "https://news.example/2",
            "TPU v9 announced",
            "New chips for training.",
        ),
        article(
            "a1",
            "https://news.example/1",
            "Sparse attention at scale",
            "repeated guid in one document",
        ),
    ];
    let first = store.insert_articles(a, &batch).await.unwrap();
    assert_eq!(first.inserted.len(), 2);
    assert_eq!(first.already_known, 1);
    let again = store.insert_articles(a, &batch).await.unwrap();
    assert!(again.inserted.is_empty());
    assert_eq!(again.already_known, 3);

    // Another source, other guids, same canonical URLs: one article, seen twice.
    let other = vec![
        article(
            "b-9",
            "https://news.example/1",
            "Sparse attention, scaled",
            "Same story.",
        ),
        article(
            "b-10",
            "https://news.example/3",
            "Robots fold laundry",
            "A robotics demo.",
        ),
    ];
    let cross = store.insert_articles(b, &other).await.unwrap();
    assert_eq!(cross.inserted.len(), 1);
    assert_eq!(cross.cross_source_duplicates, 1);
    let repeat = store.insert_articles(b, &other).await.unwrap();
    assert!(repeat.inserted.is_empty());
    assert_eq!(repeat.already_known, 2, "sightings remember the other source's guid");
    assert_eq!(store.count_articles().await.unwrap(), 3);

    let hits = store.search("sparse attention", None, 10).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet.contains("**"), "{}", hits[0].snippet);
    // Porter stemming: "chip" finds "chips".
    assert_eq!(store.search("chip", None, 10).await.unwrap().len(), 1);
    // The window excludes older articles.
    assert!(store.search("chip", Some(Utc::now()), 10).await.unwrap().is_empty());

    let removed = store.remove_source("https://a.example/feed").await.unwrap();
    assert_eq!(removed, 2);
    assert!(
        store.search("sparse attention", None, 10).await.unwrap().is_empty(),
        "FTS follows deletes"
    );
    assert_eq!(store.count_articles().await.unwrap(), 1);
    store.close().await;

    // Reopening applies no migration twice and keeps the data.
    let store = Store::open(&settings).await.unwrap();
    assert_eq!(store.count_articles().await.unwrap(), 1);
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(
            &sqlx::SqlitePool::connect(&format!("sqlite://{}", settings.path.display()))
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(journal, "wal");
}
