//! Ingest throughput: parse + normalise + store every file of the real-feed corpus on one
//! core, several rounds into fresh SQLite files, side by side with Python feedparser parsing
//! the same files (when `python3 -c 'import feedparser'` works).
//!
//! `cargo bench --bench ingest`

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use newsdesk::config::DatabaseSettings;
use newsdesk::domain::SourceKind;
use newsdesk::sources::parse::parse_feed;
use newsdesk::store::{NewSource, Store};
use url::Url;

const ROUNDS: usize = 5;

fn main() {
    let corpus = common::corpus_dir();
    let files = common::real_feed_files(&corpus);
    assert!(!files.is_empty(), "no corpus at {}", corpus.display());
    let bodies: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read(p).ok()?)))
        .collect();
    let bytes: usize = bodies.iter().map(|(_, b)| b.len()).sum();
    println!("corpus: {} files, {:.1} MiB", bodies.len(), bytes as f64 / 1048576.0);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut parse_only = Vec::new();
    let mut full = Vec::new();
    let mut stored = 0;
    for round in 0..ROUNDS {
        let started = Instant::now();
        for (_, body) in &bodies {
            let _ = std::hint::black_box(parse_feed(body, None, &base(), Utc::now()));
        }
        parse_only.push(started.elapsed());

        let dir = tempfile::tempdir().expect("tempdir");
        let settings = DatabaseSettings {
            path: dir.path().join("bench.db"),
            ..Default::default()
        };
        let (elapsed, articles) = runtime.block_on(async {
            let store = Store::open(&settings).await.expect("store");
            // Sources exist before a poll stores into them; adding them is not ingest.
            let mut source_ids = Vec::new();
            for (i, (name, _)) in bodies.iter().enumerate() {
                let source = NewSource {
                    url: format!("https://bench.example/{i}"),
                    kind: SourceKind::Feed,
                    title: Some(name.clone()),
                    added_by: None,
                };
                source_ids.push(
                    store
                        .add_source(&source, Utc::now())
                        .await
                        .expect("add")
                        .expect("new")
                        .id,
                );
            }
            let started = Instant::now();
            let mut articles = 0;
            for ((_, body), source_id) in bodies.iter().zip(&source_ids) {
                if let Ok(parsed) = parse_feed(body, None, &base(), Utc::now()) {
                    let outcome = store
                        .insert_articles(*source_id, &parsed.articles)
                        .await
                        .expect("insert");
                    articles += outcome.inserted.len();
                }
            }
            let elapsed = started.elapsed();
            store.close().await;
            (elapsed, articles)
        });
        full.push(elapsed);
        stored = articles;
        println!(
            "round {round}: parse {:?}, parse+normalise+store {:?}",
            parse_only[round], elapsed
        );
    }
    let parse = median(&mut parse_only);
    let ingest = median(&mut full);
    println!(
        "newsdesk parse only:            {:>8.1} ms  ({:.0} files/s, {:.1} MiB/s)",
        ms(parse),
        bodies.len() as f64 / parse.as_secs_f64(),
        bytes as f64 / 1048576.0 / parse.as_secs_f64()
    );
    println!(
        "newsdesk parse+normalise+store: {:>8.1} ms  ({:.0} files/s, {stored} articles stored)",
        ms(ingest),
        bodies.len() as f64 / ingest.as_secs_f64()
    );

    let list = std::env::temp_dir().join("newsdesk-bench-files.txt");
    let names: Vec<&str> = bodies.iter().map(|(n, _)| n.as_str()).collect();
    if std::fs::write(&list, names.join("\n")).is_err() {
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/feedparser_baseline.py");
    match std::process::Command::new("python3")
        .arg(script)
        .arg(&list)
        .arg(ROUNDS.to_string())
        .output()
    {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            print!("{text}");
            if let Some(secs) = text
                .lines()
                .find_map(|l| l.strip_prefix("feedparser_median_seconds="))
                .and_then(|v| v.trim().parse::<f64>().ok())
            {
                println!(
                    "speed-up vs feedparser: {:.1}x (parse+normalise+store), {:.1}x (parse only)",
                    secs / ingest.as_secs_f64(),
                    secs / parse.as_secs_f64()
                );
            }
        }
        Ok(out) => println!(
            "feedparser baseline skipped: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => println!("feedparser baseline skipped: {e}"),
    }
}

fn base() -> Url {
    Url::parse("https://bench.example/feed").expect("static URL")
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
