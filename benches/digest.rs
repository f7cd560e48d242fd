//! Digest speed at the scale of example 004: 2,500 stored articles from 90 sources, all
//! inside the 24-hour window, then one digest of 15 items built from the store — reading
//! the window, clustering, scoring, summarising the picks and composing — timed on a
//! current-thread runtime (one core does the pipeline work; SQLite reads run on sqlx's
//! worker thread). Article texts are real ones from the feed corpus, re-dated and spread
//! over the sources. Also times the pure selection step alone and the Markdown rendering.
//!
//! `cargo bench --bench digest` (run under `taskset -c 0` to pin everything to one core)

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use newsdesk::app::App;
use newsdesk::config::Settings;
use newsdesk::digest::render;
use newsdesk::domain::{Article, SourceKind};
use newsdesk::editor::DigestRequest;
use newsdesk::store::NewSource;

const ARTICLES: usize = 2_500;
const SOURCES: usize = 90;
const RUNS: usize = 5;

fn main() {
    // RUST_LOG=newsdesk::editor=debug shows where a digest's time goes.
    newsdesk::telemetry::init(0, Default::default());
    let pool: Vec<Article> = common::corpus_articles();
    println!("text pool: {} real articles from the corpus feeds", pool.len());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::default();
    settings.database.path = dir.path().join("bench.db");
    settings.sources.install_defaults = false;
    let now = Utc::now();

    runtime.block_on(async {
        let app = App::build(settings).await.expect("app");
        let mut source_ids = Vec::new();
        for s in 0..SOURCES {
            let new = NewSource {
                url: format!("https://source{s}.example/feed.xml"),
                kind: SourceKind::Feed,
                title: Some(format!("Source {s}")),
                added_by: None,
            };
            source_ids.push(app.store.add_source(&new, now).await.expect("source").expect("new").id);
        }
        let started = Instant::now();
        let mut ids = Vec::new();
        for (s, source_id) in source_ids.iter().enumerate() {
            let per_source = ARTICLES / SOURCES + usize::from(s < ARTICLES % SOURCES);
            let batch = common::day_of_news(&pool, s, per_source, now, "bench");
            let outcome = app.store.insert_articles(*source_id, &batch).await.expect("insert");
            ids.extend(outcome.inserted.iter().map(|(_, id)| *id));
        }
        let stored = started.elapsed();
        let tag_started = Instant::now();
        let tagged = app.editor.tag_articles(&ids).await.expect("tag");
        let tagging = tag_started.elapsed();
        println!(
            "store: {} articles from {SOURCES} sources in {:.0} ms; topic tagging {tagged} in {:.0} ms ({:.0} µs each)",
            ids.len(),
            ms(stored),
            ms(tagging),
            tagging.as_secs_f64() * 1e6 / tagged.max(1) as f64
        );

        let request = DigestRequest {
            scope: String::new(),
            topic: None,
            hours: 24,
            max_items: 15,
            min_score: 15,
        };
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..RUNS {
            let cpu_before = common::cpu_time();
            let started = Instant::now();
            let digest = app.editor.digest(&request, now).await.expect("digest");
            times.push((started.elapsed(), common::cpu_time().saturating_sub(cpu_before)));
            last = Some(digest);
        }
        let digest = last.expect("at least one run");
        times.sort();
        let (median_wall, median_cpu) = times[times.len() / 2];
        println!(
            "digest of {} in window → {} stories → {} above {} → {} selected: median {:.0} ms wall, {:.0} ms CPU \
             (best {:.0} ms, worst {:.0} ms over {RUNS} runs)",
            digest.stats.in_window,
            digest.stats.stories,
            digest.stats.above_threshold,
            digest.stats.min_score,
            digest.stats.selected,
            ms(median_wall),
            ms(median_cpu),
            ms(times[0].0),
            ms(times[times.len() - 1].0),
        );
        let started = Instant::now();
        let markdown = render::markdown(&digest, now);
        println!(
            "markdown render: {:.2} ms, {} bytes",
            ms(started.elapsed()),
            markdown.len()
        );
        // To read what this scale of input gives: DIGEST_BENCH_OUT=/tmp/digest.md
        if let Some(path) = std::env::var_os("DIGEST_BENCH_OUT") {
            std::fs::write(&path, &markdown).expect("write the digest");
        }
        if let Some(peak) = common::peak_rss_bytes() {
            println!("peak RSS: {:.1} MiB", peak as f64 / 1048576.0);
        }
        app.store.close().await;
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
