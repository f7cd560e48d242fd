//! Polling against a real HTTP server on 127.0.0.1 and a real SQLite file: conditional GET,
//! cross-source dedupe, and every failure class marking only its own source.

use chrono::{Duration, Utc};
use newsdesk::domain::{FailureClass, SourceStatus};
use newsdesk::poller::PollResult;

use crate::support::{FeedServer, LAST_MODIFIED, spawn_app, spawn_app_with};

pub const ALPHA_RSS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Alpha AI</title><link>https://alpha.example/</link>
<item>
  <title>Model X launches with a 1M-token context window</title>
  <link>https://news.example/model-x?utm_source=rss&amp;utm_medium=feed&amp;id=7</link>
  <guid isPermaLink="false">alpha-1</guid>
  <pubDate>Mon, 23 Nov 2026 01:00:00 GMT</pubDate>
  <description>&lt;p&gt;Lab Y released &lt;b&gt;Model X&lt;/b&gt; today, a mixture of experts model.&lt;/p&gt;</description>
</item>
<item>
  <title>Chips are getting faster</title>
  <link>https://alpha.example/chips#comments</link>
  <guid>alpha-2</guid>
  <pubDate>Sun, 22 Nov 2026 12:00:00 GMT</pubDate>
  <description>New accelerators double inference throughput.</description>
</item>
</channel></rss>"#;

pub const BETA_ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Beta News</title><id>urn:beta</id><updated>2026-11-23T00:00:00Z</updated>
<link rel="alternate" href="https://beta.example/"/>
<entry>
  <title>Lab Y ships Model X</title>
  <id>urn:beta:1</id>
  <link rel="replies" href="https://beta.example/comments/1"/>
  <link rel="alternate" href="https://news.example/model-x?id=7&amp;fbclid=abc"/>
  <updated>2026-11-23T02:00:00Z</updated>
  <summary>Model X is out.</summary>
</entry>
<entry>
  <title>Agents that book flights</title>
  <id>urn:beta:2</id>
  <link rel="alternate" href="https://beta.example/agents"/>
  <updated>2026-11-23T03:00:00Z</updated>
  <content type="html">&lt;p&gt;An agent framework for travel.&lt;/p&gt;</content>
</entry>
</feed>"#;

const HTML_PAGE: &str = "<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>";

const TRUNCATED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title>
<item><title>First</title><link>https://cut.example/1</link><description>text</descr"#;

#[tokio::test]
async fn first_poll_stores_every_item_and_second_poll_is_conditional() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let now = Utc::now();
    let alpha = server.add("alpha", "application/rss+xml", ALPHA_RSS);
    t.app.add_source(&alpha, None, None, None, now).await.unwrap();

    let first = t.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
    assert_eq!(first.sources, 1);
    assert_eq!(first.new_articles, 2);
    assert_eq!(t.app.store.count_articles().await.unwrap(), 2);

    let later = now + Duration::hours(2);
    let second = t.app.poller.poll_due(later, |_| {}, |_| {}).await.unwrap();
    assert_eq!(second.sources, 1);
    assert_eq!(second.not_modified, 1, "{:?}", second.outcomes);
    assert_eq!(second.new_articles, 0);
    assert_eq!(t.app.store.count_articles().await.unwrap(), 2);

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.path == "/feed/alpha"));
    assert!(seen[0].if_none_match.is_none());
    assert!(seen[1].if_none_match.is_some(), "second poll must send If-None-Match");
    assert_eq!(seen[1].if_modified_since.as_deref(), Some(LAST_MODIFIED));

    let sources = t.app.store.list_sources().await.unwrap();
    assert_eq!(sources[0].status(), SourceStatus::Ok);
    assert_eq!(sources[0].title.as_deref(), Some("Alpha AI"));
    assert!(sources[0].next_poll_at > later);
}

#[tokio::test]
async fn the_same_story_in_two_feeds_is_one_article() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let now = Utc::now();
    for (name, ct, body) in [
        ("alpha", "application/rss+xml", ALPHA_RSS),
        ("beta", "application/atom+xml", BETA_ATOM),
    ] {
        let url = server.add(name, ct, body);
        t.app.add_source(&url, None, None, None, now).await.unwrap();
    }
    let summary = t.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
    assert_eq!(summary.failed, 0, "{:?}", summary.outcomes);
    // 2 + 2 items, one story shared.
    assert_eq!(t.app.store.count_articles().await.unwrap(), 3);
    let article = t
        .app
        .store
        .article_by_url("https://news.example/model-x?id=7")
        .await
        .unwrap()
        .expect("canonical URL without tracking parameters");
    assert_eq!(t.app.store.sightings(article.id).await.unwrap().len(), 1);
    // Atom: rel=alternate wins over rel=replies; fragments are dropped.
    assert!(
        t.app
            .store
            .article_by_url("https://beta.example/agents")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        t.app
            .store
            .article_by_url("https://alpha.example/chips")
            .await
            .unwrap()
            .is_some()
    );
    // HTML became text.
    assert!(!article.text.contains('<'), "{}", article.text);

    // Polling again stores nothing more, even with the body served again.
    let again = t
        .app
        .poller
        .poll_due(now + Duration::hours(3), |_| {}, |_| {})
        .await
        .unwrap();
    assert_eq!(again.new_articles, 0);
    assert_eq!(t.app.store.count_articles().await.unwrap(), 3);
}

#[tokio::test]
async fn each_broken_source_fails_alone_with_its_class() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let now = Utc::now();
    let good = server.add("alpha", "application/rss+xml", ALPHA_RSS);
    let cases = [
        (
            server.add("truncated", "application/rss+xml", TRUNCATED),
            FailureClass::ParseError,
        ),
        (server.add("html", "text/html", HTML_PAGE), FailureClass::NotAFeed),
        (server.url("/status/404"), FailureClass::HttpStatus),
        (server.url("/status/500"), FailureClass::HttpStatus),
        (server.url("/slow"), FailureClass::Timeout),
        (server.url("/big"), FailureClass::TooLarge),
        (server.url("/bomb"), FailureClass::TooLarge),
        (server.url("/loop/0"), FailureClass::HttpStatus),
    ];
    t.app.add_source(&good, None, None, None, now).await.unwrap();
    for (url, _) in &cases {
        t.app.add_source(url, None, None, None, now).await.unwrap();
    }
    let summary = t.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
    assert_eq!(summary.sources, cases.len() + 1);
    assert_eq!(summary.ok, 1);
    assert_eq!(summary.failed, cases.len());
    assert_eq!(summary.new_articles, 2);

    let sources = t.app.store.list_sources().await.unwrap();
    for (url, class) in &cases {
        let row = sources.iter().find(|s| &s.url == url).unwrap();
        assert_eq!(row.status(), SourceStatus::Failing, "{url}");
        assert_eq!(row.last_error_class, Some(*class), "{url}: {:?}", row.last_error);
        assert_eq!(row.failures, 1);
        // Stored with one-second precision.
        assert!(
            row.next_poll_at >= now + Duration::minutes(5) - Duration::seconds(1),
            "backoff for {url}"
        );
        let error = row.last_error.as_deref().unwrap();
        match url.rsplit('/').next().unwrap() {
            "404" => assert!(error.contains("404"), "{error}"),
            "500" => assert!(error.contains("500"), "{error}"),
            "big" | "bomb" => assert!(error.contains("256 KiB"), "{error}"),
            "slow" => assert!(error.contains("2 s"), "{error}"),
            "0" => assert!(error.contains("redirect"), "{error}"),
            _ => {}
        }
    }
    let good_row = sources.iter().find(|s| s.url == good).unwrap();
    assert_eq!(good_row.status(), SourceStatus::Ok);
    assert_eq!(good_row.articles, 2);
}

#[tokio::test]
async fn failures_back_off_and_disable_after_a_day() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let start = Utc::now();
    let url = server.url("/status/503");
    t.app.add_source(&url, None, None, None, start).await.unwrap();

    let mut now = start;
    let mut delays = Vec::new();
    let mut disabled = false;
    for _ in 0..20 {
        let summary = t.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
        let outcome = &summary.outcomes[0];
        if let PollResult::Failed { disabled: d, .. } = outcome.result {
            disabled = d;
        }
        delays.push(outcome.next_poll_at - now);
        if disabled {
            break;
        }
        now = outcome.next_poll_at;
    }
    assert!(disabled, "never disabled: {delays:?}");
    assert!(delays.windows(2).all(|w| w[1] >= w[0]), "{delays:?}");
    assert_eq!(delays[0], Duration::minutes(5));
    assert_eq!(delays[1], Duration::minutes(10));
    let row = &t.app.store.list_sources().await.unwrap()[0];
    assert_eq!(row.status(), SourceStatus::Disabled);
    assert!(now - start >= Duration::hours(24));
    // A disabled source is no longer due.
    let later = t
        .app
        .poller
        .poll_due(now + Duration::days(3), |_| {}, |_| {})
        .await
        .unwrap();
    assert_eq!(later.sources, 0);
}

#[tokio::test]
async fn loopback_sources_are_refused_without_allow_private() {
    let server = FeedServer::start().await;
    let t = spawn_app_with(|s| s.sources.allow_private = false).await;
    let now = Utc::now();
    let url = server.add("alpha", "application/rss+xml", ALPHA_RSS);
    let err = t.app.add_source(&url, None, None, None, now).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("loopback") && message.contains("allow_private"),
        "{message}"
    );

    // A name that resolves to loopback is refused by the resolver at fetch time too, even
    // when it got into the store some other way (an older config, a DNS change).
    let by_name = format!("http://localhost:{}/feed/alpha", server.addr.port());
    let new = newsdesk::store::NewSource {
        url: by_name.clone(),
        kind: newsdesk::domain::SourceKind::Feed,
        title: None,
        added_by: None,
    };
    t.app.store.add_source(&new, now).await.unwrap();
    let summary = t.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
    assert_eq!(summary.failed, 1);
    let row = t.app.store.source_by_url(&by_name).await.unwrap().unwrap();
    assert_eq!(row.last_error_class, Some(FailureClass::Blocked));
    assert!(row.last_error.unwrap().contains("loopback"));
    assert!(server.seen().is_empty(), "the guarded client must not have connected");
}

#[tokio::test]
async fn full_text_replaces_excerpts_and_marks_failures() {
    let server = FeedServer::start().await;
    let t = spawn_app_with(|s| s.sources.full_text = true).await;
    let now = Utc::now();
    let paragraph = "The new accelerator doubles inference throughput while halving power draw, \
        according to benchmarks the company published alongside detailed methodology notes. ";
    let page = format!(
        "<!DOCTYPE html><html><head><title>Chip news</title></head><body>\
         <nav><a href='/'>Home</a> <a href='/about'>About</a></nav>\
         <article><h1>Chip news</h1><p>{}</p><p>{}</p><p>{}</p></article>\
         <footer>Subscribe to our newsletter</footer></body></html>",
        paragraph.repeat(3),
        paragraph.repeat(2),
        paragraph
    );
    let article_url = server.add("article.html", "text/html", page);
    let missing_url = server.url("/status/404");
    let feed = format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Excerpts</title>
        <item><title>Chip news</title><link>{article_url}</link><guid>x1</guid>
          <description>The new accelerator doubles… Read more</description></item>
        <item><title>Gone</title><link>{missing_url}</link><guid>x2</guid>
          <description>A teaser… Read more</description></item>
        </channel></rss>"#
    );
    let feed_url = server.add("excerpts", "application/rss+xml", feed);
    t.app.add_source(&feed_url, None, None, None, now).await.unwrap();
    let summary = t.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
    assert_eq!(summary.new_articles, 2, "{:?}", summary.outcomes);

    let full = t.app.store.article_by_url(&article_url).await.unwrap().unwrap();
    assert!(!full.excerpt_only, "{}", full.text);
    assert!(full.text.contains("halving power draw"), "{}", full.text);
    assert!(!full.text.contains("Subscribe to our newsletter"), "{}", full.text);
    let teaser = t.app.store.article_by_url(&missing_url).await.unwrap().unwrap();
    assert!(teaser.excerpt_only);
}

#[tokio::test]
async fn podcast_episodes_get_transcripts_and_chapters() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let now = Utc::now();
    let vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n<v Alice>Welcome to the show.</v>\n\n\
               00:00:04.000 --> 00:00:09.500\n<v Bob>Today: a new open-weights model.</v>\n";
    let chapters =
        r#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"Intro"},{"startTime":4,"title":"Models"}]}"#;
    let vtt_url = server.add("ep1.vtt", "text/vtt", vtt);
    let chapters_url = server.add("ep1-chapters.json", "application/json+chapters", chapters);
    let feed = format!(
        r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>AI Pod</title><link>https://pod.example/</link>
<item><title>Episode 1</title><guid>ep1</guid><link>https://pod.example/ep1</link>
  <pubDate>Sun, 22 Nov 2026 10:00:00 GMT</pubDate>
  <enclosure url="https://pod.example/ep1.mp3" length="1000" type="audio/mpeg"/>
  <itunes:duration>00:10:00</itunes:duration>
  <podcast:transcript url="{vtt_url}" type="text/vtt" language="en"/>
  <podcast:chapters url="{chapters_url}" type="application/json+chapters"/>
  <description>We talk about models.</description>
</item></channel></rss>"#
    );
    let feed_url = server.add("pod", "application/rss+xml", feed);
    t.app.add_source(&feed_url, None, None, None, now).await.unwrap();
    let summary = t.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
    assert_eq!(summary.failed, 0, "{:?}", summary.outcomes);
    match &summary.outcomes[0].result {
        PollResult::Fetched { transcripts, .. } => assert_eq!(*transcripts, 1),
        other => panic!("{other:?}"),
    }
    let source = t.app.store.source_by_url(&feed_url).await.unwrap().unwrap();
    assert_eq!(
        source.kind,
        newsdesk::domain::SourceKind::Podcast,
        "detected on first poll"
    );
    let episode = t
        .app
        .store
        .article_by_url("https://pod.example/ep1")
        .await
        .unwrap()
        .unwrap();
    let segments = t.app.store.transcript(episode.id).await.unwrap();
    assert_eq!(segments.len(), 2);
    assert_eq!(segments[0].speaker.as_deref(), Some("Alice"));
    assert_eq!(segments[1].start, Some(4.0));
    assert_eq!(segments[1].text, "Today: a new open-weights model.");
    let chapters = t.app.store.chapters(episode.id).await.unwrap();
    assert_eq!(chapters.len(), 2);
    assert_eq!(chapters[1].title, "Models");
}

#[tokio::test]
async fn the_default_pack_is_installed_once_into_an_empty_store() {
    let t = spawn_app_with(|s| s.sources.install_defaults = true).await;
    let now = Utc::now();
    let installed = t.app.ensure_sources(now).await.unwrap();
    let pack = newsdesk::sources::defaults::DEFAULT_SOURCES;
    assert!(pack.len() >= 40);
    assert_eq!(installed, pack.len());
    assert_eq!(t.app.ensure_sources(now).await.unwrap(), 0, "only into an empty store");
    let sources = t.app.store.list_sources().await.unwrap();
    assert_eq!(sources.len(), pack.len());
    assert!(
        sources
            .iter()
            .all(|s| s.status() == SourceStatus::New && s.title.is_some())
    );
    assert!(sources.iter().any(|s| s.kind == newsdesk::domain::SourceKind::Podcast));
    // add-defaults adds nothing twice.
    assert_eq!(t.app.install_defaults(now).await.unwrap(), 0);

    let off = spawn_app().await;
    assert_eq!(
        off.app.ensure_sources(now).await.unwrap(),
        0,
        "install_defaults = false"
    );
}
