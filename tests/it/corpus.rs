//! Corpus sweep for the feed parser: every feed fixture we hold (feed-rs, RSParser /
//! NetNewsWire, rust-syndication, Podcasting 2.0) parses or fails with a classified
//! [`ParseError`], and never panics; real feeds yield titled articles with canonical
//! URLs; podcast feeds yield their transcripts and chapters; dates are clamped.

use std::collections::{BTreeMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use newsdesk::domain::ParsedFeed;
use newsdesk::sources::fulltext::extract_article;
use newsdesk::sources::parse::{ParseError, parse_feed};
use url::Url;

use crate::support::corpus_dir;

/// Corpus sets swept by [`every_corpus_feed_parses_or_fails_classified`].
const SETS: &[&str] = &[
    "feeds/feed-rs",
    "feeds/rsparser-netnewswire",
    "feeds/rust-syndication-rss",
    "feeds/rust-syndication-atom",
    "podcast",
];

fn fetched_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(|| unreachable!())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Feed documents in a set: XML/RSS/Atom/JSON files, plus the HTML pages and OPML lists
/// of the RSParser set (which must be refused as not-a-feed). Oracles (`*.serde.json`),
/// licences, schemas and the podcast chapters/transcript JSON are not feeds.
fn is_candidate(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let p = path.to_string_lossy();
    if name.ends_with(".serde.json") || name.starts_with("LICENSE") || name.starts_with("COPYING") {
        return false;
    }
    if p.contains("/transcripts") || p.contains("/chapters/") {
        return false;
    }
    matches!(ext, "xml" | "rss" | "atom" | "rdf" | "json" | "html" | "opml")
}

fn feed_url_for(rel: &Path) -> Url {
    Url::parse(&format!("https://corpus.example/{}", rel.display()))
        .unwrap_or_else(|e| panic!("url for {}: {e}", rel.display()))
}

fn content_type_for(path: &Path) -> Option<&'static str> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Some("application/json"),
        Some("html") => Some("text/html"),
        _ => None,
    }
}

enum Outcome {
    Parsed(ParsedFeed),
    NotAFeed(String),
    Malformed(String),
}

fn parse_file(root: &Path, path: &Path) -> Result<Outcome, String> {
    let body = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let rel = path.strip_prefix(root).unwrap_or(path);
    let url = feed_url_for(rel);
    let ct = content_type_for(path);
    match catch_unwind(AssertUnwindSafe(|| parse_feed(&body, ct, &url, fetched_at()))) {
        Ok(Ok(feed)) => Ok(Outcome::Parsed(feed)),
        Ok(Err(ParseError::NotAFeed(why))) => Ok(Outcome::NotAFeed(why)),
        Ok(Err(ParseError::Malformed(why))) => Ok(Outcome::Malformed(why)),
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()),
    }
}

fn parse_ok(rel: &str) -> ParsedFeed {
    let root = corpus_dir();
    match parse_file(&root, &root.join(rel)) {
        Ok(Outcome::Parsed(feed)) => feed,
        Ok(Outcome::NotAFeed(why) | Outcome::Malformed(why)) => panic!("{rel}: {why}"),
        Err(panic) => panic!("{rel} panicked: {panic}"),
    }
}

#[test]
fn every_corpus_feed_parses_or_fails_classified() {
    let root = corpus_dir();
    let mut files = Vec::new();
    for set in SETS {
        walk(&root.join(set), &mut files);
    }
    files.retain(|p| is_candidate(p));

    let mut panics = Vec::new();
    let mut refused: BTreeMap<String, String> = BTreeMap::new();
    let mut parsed = 0;
    let mut articles = 0;
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        match parse_file(&root, path) {
            Ok(Outcome::Parsed(feed)) => {
                parsed += 1;
                articles += feed.articles.len();
            }
            Ok(Outcome::NotAFeed(why)) => {
                refused.insert(rel, format!("not a feed: {why}"));
            }
            Ok(Outcome::Malformed(why)) => {
                refused.insert(rel, format!("malformed: {why}"));
            }
            Err(panic) => panics.push(format!("{rel}: {panic}")),
        }
    }
    println!(
        "corpus: {} files, {parsed} parsed ({articles} articles), {} refused",
        files.len(),
        refused.len()
    );
    for (file, why) in &refused {
        println!("  {file}: {why}");
    }
    assert!(panics.is_empty(), "parse_feed panicked on: {panics:#?}");
    assert!(files.len() >= 170, "only {} corpus files found", files.len());
    assert!(articles >= 1400, "only {articles} articles from the corpus");

    // Refusals must be the documents that are not feeds, or broken on purpose.
    let expected_refusals = |file: &str| {
        [
            "rsparser-netnewswire/html/",
            "rsparser-netnewswire/opml/",
            // Dave Winer's RSS-in-JSON, not a JSON Feed.
            "rsparser-netnewswire/ScriptingNews.json",
            // Truncated on purpose.
            "rsparser-netnewswire/allthis-partial.json",
            "feed-rs/rss2/rss_2.0_invalid_1.xml",
            // feed-rs's XML-reader fixtures: a <catalog> and a root-less <rdf>.
            "feed-rs/xml/",
            // A podcast listing, and the namespace's schema test wrapper.
            "partytime/real-world/list.json",
            "podcastindex-namespace/docs/schema/podcast-example.xml",
        ]
        .iter()
        .any(|known| file.contains(known))
    };
    let unexpected: Vec<_> = refused.iter().filter(|(file, _)| !expected_refusals(file)).collect();
    assert!(unexpected.is_empty(), "unexpected refusals: {unexpected:#?}");
    for (file, why) in &refused {
        if file.contains("/html/") || file.contains("/opml/") {
            assert!(why.starts_with("not a feed"), "{file}: {why}");
        }
    }
    assert!(
        refused
            .get("feeds/rsparser-netnewswire/allthis-partial.json")
            .is_some_and(|why| why.starts_with("malformed")),
        "a truncated JSON Feed is malformed"
    );
}

fn assert_titled_and_canonical(rel: &str, feed: &ParsedFeed) {
    assert!(!feed.articles.is_empty(), "{rel}: no articles");
    for article in &feed.articles {
        assert!(!article.title.trim().is_empty(), "{rel}: untitled {article:?}");
        assert!(!article.guid.is_empty(), "{rel}: no guid");
        if let Some(url) = &article.url {
            let parsed = Url::parse(url).unwrap_or_else(|e| panic!("{rel}: {url}: {e}"));
            assert!(matches!(parsed.scheme(), "http" | "https"), "{rel}: {url}");
            assert!(parsed.fragment().is_none(), "{rel}: fragment in {url}");
            assert!(!url.contains("utm_"), "{rel}: tracking in {url}");
        }
    }
    let with_url = feed.articles.iter().filter(|a| a.url.is_some()).count();
    assert!(
        with_url * 10 >= feed.articles.len() * 9,
        "{rel}: only {with_url}/{} articles have a URL",
        feed.articles.len()
    );
}

#[test]
fn real_feeds_yield_titled_articles_with_canonical_urls() {
    for rel in [
        "feeds/rsparser-netnewswire/DaringFireball.rss",
        "feeds/rsparser-netnewswire/DaringFireball.atom",
        "feeds/rsparser-netnewswire/DaringFireball.json",
        "feeds/rsparser-netnewswire/allthis.atom",
        "feeds/rsparser-netnewswire/allthis.json",
        "feeds/rsparser-netnewswire/russcox.atom",
        "feeds/rsparser-netnewswire/atp.rss",
        "feeds/rsparser-netnewswire/manton.rss",
        "feeds/rsparser-netnewswire/macworld.rss",
        "feeds/rsparser-netnewswire/cloudblog.rss",
        "feeds/rsparser-netnewswire/kc0011.rss",
        "feeds/rsparser-netnewswire/aktuality.rss",
        "feeds/feed-rs/rss2/rss_2.0_bbc.xml",
        "feeds/feed-rs/rss2/rss_2.0_cloudflare.xml",
        "feeds/feed-rs/atom/atom_example_reddit.xml",
        "feeds/feed-rs/atom/atom_mediarss_youtube_1.xml",
    ] {
        let feed = parse_ok(rel);
        assert!(feed.title.as_deref().is_some_and(|t| !t.is_empty()), "{rel}: no title");
        assert_titled_and_canonical(rel, &feed);
        for article in &feed.articles {
            assert!(!article.date_missing, "{rel}: {} has no date", article.title);
        }
    }
}

/// Daring Fireball as Atom and as JSON Feed (same day) must agree on the posts' canonical
/// URLs. The `.rss` capture is older (and is Atom despite its name), so it only has to
/// parse.
#[test]
fn daring_fireball_formats_agree() {
    let urls = |rel: &str| -> HashSet<String> { parse_ok(rel).articles.into_iter().filter_map(|a| a.url).collect() };
    let atom = urls("feeds/rsparser-netnewswire/DaringFireball.atom");
    let json = urls("feeds/rsparser-netnewswire/DaringFireball.json");
    let common = atom.intersection(&json).count();
    println!(
        "Daring Fireball: {} atom, {} json, {common} in common",
        atom.len(),
        json.len()
    );
    assert!(common >= 5, "only {common} canonical URLs in common");
    let older = parse_ok("feeds/rsparser-netnewswire/DaringFireball.rss");
    assert_eq!(older.title.as_deref(), Some("Daring Fireball"));
    assert!(!older.articles.is_empty());
    let feed = parse_ok("feeds/rsparser-netnewswire/DaringFireball.json");
    assert_eq!(feed.site_url.as_deref(), Some("https://daringfireball.net/"));
}

#[test]
fn legacy_encodings_are_transcoded() {
    // kc0011.rss is GB2312; aktuality.rss is Czech.
    let feed = parse_ok("feeds/rsparser-netnewswire/kc0011.rss");
    let text: String = feed.articles.iter().map(|a| a.title.as_str()).collect();
    assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{text}");
    assert!(!text.contains('\u{fffd}'));
}

#[test]
fn podcast_feeds_yield_transcripts_and_chapters() {
    for (rel, items, with_transcripts, with_chapters) in [
        ("podcast/partytime/pc20rss.xml", 56, 47, 48),
        ("podcast/partytime/real-world/no-agenda.xml", 29, 29, 29),
        ("podcast/partytime/real-world/themnshow.xml", 54, 54, 54),
        ("podcast/partytime/real-world/homegrown-hits.xml", 4, 0, 4),
    ] {
        let feed = parse_ok(rel);
        assert!(feed.looks_like_podcast, "{rel}");
        assert_eq!(feed.articles.len(), items, "{rel}");
        let episodes: Vec<_> = feed.articles.iter().filter_map(|a| a.episode.as_ref()).collect();
        assert_eq!(episodes.len(), items, "{rel}: episodes");
        assert!(episodes.iter().all(|e| e.enclosure_url.is_some()), "{rel}: enclosures");
        let t = episodes.iter().filter(|e| !e.transcripts.is_empty()).count();
        let c = episodes.iter().filter(|e| e.chapters_url.is_some()).count();
        assert_eq!(
            (t, c),
            (with_transcripts, with_chapters),
            "{rel}: transcripts, chapters"
        );
        for e in &episodes {
            for t in &e.transcripts {
                assert!(t.url.starts_with("http"), "{rel}: {t:?}");
                assert!(!t.mime.is_empty(), "{rel}: {t:?}");
            }
        }
    }
    let blog = parse_ok("feeds/rsparser-netnewswire/DaringFireball.rss");
    assert!(!blog.looks_like_podcast);
    assert!(blog.articles.iter().all(|a| a.episode.is_none()));
}

fn inline(body: &str) -> ParsedFeed {
    let url = Url::parse("https://example.com/feed").unwrap_or_else(|_| unreachable!());
    parse_feed(body.as_bytes(), None, &url, fetched_at()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn future_dates_are_clamped_and_missing_dates_take_fetch_time() {
    let feed = inline(
        r#"<rss version="2.0"><channel><title>t</title>
<item><guid>garbled</guid><title>Garbled date</title><pubDate>someday soon</pubDate></item>
<item><guid>future2</guid><title>Also future</title><pubDate>Sat, 01 Jan 2050 00:00:00 GMT</pubDate></item>
<item><guid>none</guid><title>Undated</title></item>
<item><guid>past</guid><title>Past</title><pubDate>Wed, 01 Jan 2020 10:00:00 +0200</pubDate></item>
</channel></rss>"#,
    );
    let by_guid = |g: &str| {
        feed.articles
            .iter()
            .find(|a| a.guid == g)
            .unwrap_or_else(|| panic!("no {g}"))
    };
    let future = by_guid("future2");
    assert_eq!(future.published_at, fetched_at());
    assert!(!future.date_missing);
    let unparseable = by_guid("garbled");
    assert_eq!(unparseable.published_at, fetched_at());
    assert!(unparseable.date_missing);
    let undated = by_guid("none");
    assert_eq!(undated.published_at, fetched_at());
    assert!(undated.date_missing);
    assert_eq!(undated.fetched_at, fetched_at());
    let past = by_guid("past");
    assert_eq!(
        past.published_at,
        Utc.with_ymd_and_hms(2020, 1, 1, 8, 0, 0)
            .single()
            .unwrap_or_else(|| unreachable!())
    );
    assert!(!past.date_missing);

    // Atom: `updated` stands in for a missing `published`, and is clamped too.
    let atom = inline(
        r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>a</title>
<entry><id>1</id><title>x</title><updated>2099-05-05T00:00:00Z</updated></entry></feed>"#,
    );
    assert_eq!(atom.articles[0].published_at, fetched_at());
    assert!(!atom.articles[0].date_missing);
}

#[test]
fn readable_text_is_extracted_from_real_pages() {
    let root = corpus_dir().join("feeds/rsparser-netnewswire/html");
    let mut extracted = 0;
    for name in ["DaringFireball.html", "inessential.html", "sixcolors.html", "coco.html"] {
        let html = std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let url = Url::parse(&format!("https://corpus.example/{name}")).unwrap_or_else(|_| unreachable!());
        match catch_unwind(AssertUnwindSafe(|| extract_article(&html, &url))) {
            Ok(Ok(text)) => {
                assert!(text.split_whitespace().count() >= 50, "{name}: {text}");
                assert!(!text.contains("<div"), "{name}: markup left in text");
                extracted += 1;
            }
            Ok(Err(e)) => println!("{name}: {e}"),
            Err(_) => panic!("{name}: extraction panicked"),
        }
    }
    assert!(extracted >= 3, "only {extracted} pages extracted");
}
