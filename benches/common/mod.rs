//! Helpers shared by the benchmarks: corpus discovery and peak memory.
//!
//! Each benchmark uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `NEWSDESK_CORPUS_DIR`, or `../shared/corpus` beside the repository.
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("NEWSDESK_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

/// Feed files of the real-feed corpus sets (fixtures' expected-output files left out).
pub fn real_feed_files(corpus: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for set in [
        "feeds/feed-rs",
        "feeds/rsparser-netnewswire",
        "feeds/rust-syndication-rss",
        "feeds/rust-syndication-atom",
        "podcast/partytime",
        "podcast/podcastindex-namespace",
    ] {
        collect(&corpus.join(set), &mut files);
    }
    files.sort();
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("html" | "opml" | "docs")
            ) {
                collect(&path, out);
            }
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let is_feed = name.ends_with(".xml")
            || name.ends_with(".rss")
            || name.ends_with(".atom")
            || (name.ends_with(".json") && !name.ends_with(".serde.json") && !name.contains("chapters"));
        if is_feed {
            out.push(path);
        }
    }
}

/// Peak resident set size of this process, in bytes (Linux `VmHWM`).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Every article of the corpus's real feeds with at least 20 words of text: the text pool
/// the benches re-date into a digest window.
pub fn corpus_articles() -> Vec<newsdesk::domain::Article> {
    let corpus = corpus_dir();
    let files = real_feed_files(&corpus);
    assert!(!files.is_empty(), "no corpus at {}", corpus.display());
    let Ok(url) = url::Url::parse("https://corpus.example/feed") else {
        return Vec::new();
    };
    let mut pool = Vec::new();
    for path in &files {
        let Ok(body) = std::fs::read(path) else { continue };
        if let Ok(feed) = newsdesk::sources::parse::parse_feed(&body, None, &url, chrono::Utc::now()) {
            pool.extend(
                feed.articles
                    .into_iter()
                    .filter(|a| a.text.split_whitespace().count() >= 20),
            );
        }
    }
    assert!(!pool.is_empty(), "no usable articles in the corpus");
    pool
}

/// CPU time this process has used so far, user and system (Linux `/proc/self/stat`, in
/// clock ticks of 10 ms).
pub fn cpu_time() -> std::time::Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return std::time::Duration::ZERO;
    };
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
    let total = ticks(11) + ticks(12);
    std::time::Duration::from_millis(total * 10)
}

/// A positive count from the environment (`_` separators allowed), else `default`.
pub fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// `count` global feed sources `https://source<N>.example/feed.xml` titled "Source <N>";
/// their ids in order.
pub async fn add_sources(app: &newsdesk::app::App, count: usize, at: chrono::DateTime<chrono::Utc>) -> Vec<i64> {
    let mut ids = Vec::with_capacity(count);
    for s in 0..count {
        let new = newsdesk::store::NewSource {
            url: format!("https://source{s}.example/feed.xml"),
            kind: newsdesk::domain::SourceKind::Feed,
            title: Some(format!("Source {s}")),
            added_by: None,
        };
        ids.push(app.store.add_source(&new, at).await.expect("source").expect("new").id);
    }
    ids
}

/// `count` articles for source number `s`: texts from the pool, guid `<tag>-<n>`, URL
/// `https://source<s>.example/<tag>/<k>`, published over the day before `before` (never in
/// the future) and fetched at `before`.
pub fn day_of_news(
    pool: &[newsdesk::domain::Article],
    s: usize,
    count: usize,
    before: chrono::DateTime<chrono::Utc>,
    tag: &str,
) -> Vec<newsdesk::domain::Article> {
    (0..count)
        .map(|k| {
            let n = s * 1000 + k;
            let mut article = pool[n % pool.len()].clone();
            article.guid = format!("{tag}-{n}");
            article.url = Some(format!("https://source{s}.example/{tag}/{k}"));
            article.published_at = before - chrono::Duration::seconds(((n * 7919) % 86_000) as i64);
            article.fetched_at = before;
            article
        })
        .collect()
}
