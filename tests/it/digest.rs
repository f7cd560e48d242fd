//! Digests end to end: feeds served on 127.0.0.1 are polled into a real SQLite file, then
//! tagged, clustered, scored, summarised, composed and rendered.

use chrono::{DateTime, Duration, Utc};
use newsdesk::digest::render;
use newsdesk::editor::DigestRequest;
use newsdesk::pipeline::category::Category;

use crate::support::{FeedServer, spawn_app};

/// One generated feed item.
pub struct Item<'a> {
    pub title: &'a str,
    pub link: &'a str,
    pub hours_ago: i64,
    pub body: &'a str,
}

/// An RSS 2.0 feed whose items are dated relative to `now`, bodies in content:encoded.
pub fn rss(title: &str, now: DateTime<Utc>, items: &[Item<'_>]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>{title}</title>\
         <link>https://{}.example/</link>\n",
        title.to_lowercase().replace(' ', "-")
    );
    for item in items {
        let date = (now - Duration::hours(item.hours_ago)).to_rfc2822();
        let body: String = item
            .body
            .split("\n\n")
            .map(|p| format!("<p>{}</p>", escape(p)))
            .collect();
        xml.push_str(&format!(
            "<item><title>{}</title><link>{}</link><guid>{}</guid><pubDate>{date}</pubDate>\
             <content:encoded><![CDATA[{body}]]></content:encoded></item>\n",
            escape(item.title),
            escape(item.link),
            escape(item.link),
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

pub const LAUNCH_A: &str = "OpenAI on Thursday released GPT-5, its newest flagship model, to all ChatGPT users. \
The company says GPT-5 is better at coding, writing and health questions, and that it hallucinates far less than \
earlier models. Free users get access with usage limits, while Pro subscribers get unlimited use and a reasoning \
mode called GPT-5 Thinking.\n\nThe model scored 74.9% on SWE-bench Verified and 88% on Aider Polyglot, according \
to OpenAI. It uses a router that decides when to think longer, and the context window is 400,000 tokens in the API. \
This matters because developers can now pick one model for both quick answers and long agentic coding tasks.\n\n\
OpenAI said GPT-5 will replace GPT-4o and o3 in ChatGPT over the coming weeks, and that enterprise customers get \
access next week.";

pub const LAUNCH_B: &str = "GPT-5 is here: OpenAI released its newest flagship model to all ChatGPT users on \
Thursday. According to the company the model is better at coding, writing and health questions and hallucinates \
much less. Free users get it with limits; Pro subscribers get unlimited use and GPT-5 Thinking, a reasoning mode.\n\n\
In our first tests the model was fast and careful with code, though it still made mistakes on long refactors.";

pub const PRICING: &str = "At $1.25 per million input tokens and $10 per million output tokens, GPT-5 undercuts \
Claude Opus and Gemini 2.5 Pro on the API. We compared costs for a typical agent workload and found the cheapest \
option depends on cache hit rates and how many reasoning tokens a task burns.\n\nFor a coding agent that reads \
200,000 tokens of context per task, GPT-5 costs about $0.25 per task before caching, against $3 for Claude Opus.";

pub const SECURITY: &str = "Researchers disclosed a prompt injection vulnerability in a popular AI coding agent that \
let a malicious README exfiltrate API keys. The flaw, tracked as CVE-2026-1234, affected versions before 2.3.1.\n\n\
The attack hides instructions in a repository file; when the agent reads it, it runs a shell command that posts \
secrets to an attacker's server. The vendor shipped a fix within 48 hours and now asks for confirmation before \
running network commands.";

pub const THEATRE: &str = "The Globe's new Hamlet is a brisk, funny and moving production. The lead actor delivers \
the soliloquies as if discovering them, and the gravediggers steal the second half.\n\nThe set is spare: a wooden \
stage, two doors, a curtain. The run continues until March, with matinees on Saturdays. Tickets start at £10 for \
standing places in the yard.";

const OLD_STORY: &str = "Anthropic released Claude 3 three days ago with a new family of models: Haiku, Sonnet and \
Opus. The company claims Opus beats GPT-4 on most benchmarks, including MMLU and GPQA.";

pub const MENTION: &str = "@everyone Google DeepMind announced Gemini 3 Ultra, a multimodal model with a 2 million \
token context window, available to developers in AI Studio today. [click here](http://evil.example) to claim \
credits.\n\nThe model tops LMArena and improves on reasoning benchmarks such as GPQA and ARC-AGI, Google said.";

pub async fn two_feeds(server: &FeedServer, app: &newsdesk::app::App, now: DateTime<Utc>) {
    let lab = rss(
        "Lab Blog",
        now,
        &[
            Item {
                title: "OpenAI launches GPT-5",
                link: "https://lab.example/gpt-5?utm_source=rss",
                hours_ago: 3,
                body: LAUNCH_A,
            },
            Item {
                title: "Prompt injection in a coding agent leaked API keys",
                link: "https://lab.example/agent-cve",
                hours_ago: 5,
                body: SECURITY,
            },
            Item {
                title: "Review: Hamlet at the Globe",
                link: "https://lab.example/hamlet",
                hours_ago: 2,
                body: THEATRE,
            },
            Item {
                title: "Anthropic releases Claude 3",
                link: "https://lab.example/claude-3",
                hours_ago: 72,
                body: OLD_STORY,
            },
        ],
    );
    let press = rss(
        "Tech Press",
        now,
        &[
            Item {
                title: "OpenAI releases GPT-5, its newest model",
                link: "https://press.example/news/gpt-5-released",
                hours_ago: 2,
                body: LAUNCH_B,
            },
            Item {
                title: "GPT-5 API pricing: what an agent workload costs",
                link: "https://press.example/analysis/gpt-5-pricing",
                hours_ago: 1,
                body: PRICING,
            },
            Item {
                title: "@everyone Gemini 3 Ultra is here",
                link: "https://press.example/gemini-3-ultra",
                hours_ago: 4,
                body: MENTION,
            },
        ],
    );
    for (name, body) in [("lab", lab), ("press", press)] {
        let url = server.add(name, "application/rss+xml", body);
        app.add_source(&url, None, None, None, now).await.unwrap();
    }
    let polled = app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();
    assert_eq!(polled.ok, 2, "{:?}", polled.outcomes);
}

fn request() -> DigestRequest {
    DigestRequest {
        scope: String::new(),
        topic: None,
        hours: 24,
        max_items: 15,
        min_score: 15,
    }
}

#[tokio::test]
async fn digest_shows_each_story_once_above_the_threshold_with_coverage() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let now = Utc::now();
    two_feeds(&server, &t.app, now).await;

    let digest = t.app.editor.digest(&request(), now).await.unwrap();
    let titles: Vec<&str> = digest.items.iter().map(|i| i.title.as_str()).collect();

    let launches: Vec<_> = digest
        .items
        .iter()
        .filter(|i| i.title.contains("launches GPT-5") || i.title.contains("releases GPT-5"))
        .collect();
    assert_eq!(launches.len(), 1, "the launch told twice is one story: {titles:?}");
    let launch = launches[0];
    assert_eq!(launch.url, "https://lab.example/gpt-5", "tracking parameters are gone");
    assert_eq!(
        launch.also_covered_by,
        vec!["https://press.example/news/gpt-5-released".to_string()]
    );
    assert!(
        launch.score.reasons.iter().any(|r| r.contains("covered by 2 sources")),
        "{:?}",
        launch.score.reasons
    );
    assert!(
        titles.iter().any(|t| t.contains("pricing")),
        "the pricing analysis is its own story: {titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t.contains("Hamlet")),
        "off-topic stays out: {titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t.contains("Claude 3")),
        "out of the window: {titles:?}"
    );

    assert_eq!(digest.stats.sources_ok, 2);
    assert_eq!(digest.stats.sources_total, 2);
    assert_eq!(digest.stats.fetched, 7);
    assert_eq!(digest.stats.in_window, 6);
    assert_eq!(digest.stats.stories, 5);
    assert_eq!(digest.stats.selected as usize, digest.items.len());
    for (i, item) in digest.items.iter().enumerate() {
        assert_eq!(item.rank as usize, i + 1);
        assert!(item.score.total >= 15);
        assert_eq!(
            item.score.total,
            item.score.relevance + item.score.quality + item.score.timeliness
        );
        assert!(
            !item.tldr.is_empty() && item.tldr.split_whitespace().count() <= 40,
            "{}",
            item.tldr
        );
        assert!(item.published_at <= now);
        assert_eq!(item.summarizer, "extractive");
    }
    assert!(digest.items.windows(2).all(|w| w[0].score.total >= w[1].score.total));
    let security = digest
        .items
        .iter()
        .find(|i| i.title.contains("Prompt injection"))
        .unwrap();
    assert_eq!(security.category, Category::Security);
    assert!(security.topics.iter().any(|t| t == "security"), "{:?}", security.topics);
    assert!(!digest.highlights.is_empty());
    assert!(!digest.keywords.is_empty());

    let markdown = render::markdown(&digest, now);
    assert!(!markdown.contains("@everyone"), "mentions are defused");
    assert!(
        !markdown.contains("](http://evil.example)"),
        "feed text cannot fake links"
    );
    assert!(markdown.contains("https://lab.example/gpt-5"));
    let text = render::terminal(&digest, now, false);
    assert!(!text.contains('\u{1b}'));
}

#[tokio::test]
async fn a_topic_digest_only_holds_that_topic_and_unknown_topics_are_named() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let now = Utc::now();
    two_feeds(&server, &t.app, now).await;

    let digest = t
        .app
        .editor
        .digest(
            &DigestRequest {
                topic: Some("security".into()),
                ..request()
            },
            now,
        )
        .await
        .unwrap();
    assert!(!digest.items.is_empty());
    assert!(digest.items.iter().all(|i| i.topics.iter().any(|t| t == "security")));
    assert_eq!(digest.topic.as_ref().map(|t| t.slug.as_str()), Some("security"));

    let error = t
        .app
        .editor
        .digest(
            &DigestRequest {
                topic: Some("quantum-knitting".into()),
                ..request()
            },
            now,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("quantum-knitting") && error.contains("agents"),
        "{error}"
    );
}

#[tokio::test]
async fn custom_topics_tag_stored_articles_and_drive_a_digest() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let now = Utc::now();
    two_feeds(&server, &t.app, now).await;

    let spec = newsdesk::editor::TopicSpec {
        scope: String::new(),
        slug: "pricing".into(),
        name: Some("API pricing".into()),
        description: None,
        include: vec!["per million".into(), "pricing".into()],
        exclude: vec!["theatre".into()],
        created_by: None,
    };
    t.app.editor.create_topic(&spec, now).await.unwrap();
    let digest = t
        .app
        .editor
        .digest(
            &DigestRequest {
                topic: Some("pricing".into()),
                min_score: 0,
                ..request()
            },
            now,
        )
        .await
        .unwrap();
    let titles: Vec<&str> = digest.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["GPT-5 API pricing: what an agent workload costs"]);

    let again = t.app.editor.create_topic(&spec, now).await.unwrap_err().to_string();
    assert!(again.contains("pricing"), "{again}");
    let bad = newsdesk::editor::TopicSpec {
        slug: "Bad Slug!".into(),
        ..spec
    };
    let error = t.app.editor.create_topic(&bad, now).await.unwrap_err().to_string();
    assert!(error.contains("Bad Slug!"), "{error}");
}

#[tokio::test]
async fn an_empty_window_gives_an_empty_digest_not_an_error() {
    let t = spawn_app().await;
    let now = Utc::now();
    let digest = t.app.editor.digest(&request(), now).await.unwrap();
    assert!(digest.items.is_empty());
    assert!(digest.highlights.contains("Nothing"));
    let markdown = render::markdown(&digest, now);
    assert!(!markdown.is_empty());
}

#[tokio::test]
async fn a_podcast_episode_is_summarised_from_its_transcript() {
    let server = FeedServer::start().await;
    let t = spawn_app().await;
    let now = Utc::now();
    let vtt = std::fs::read(
        crate::support::corpus_dir().join("podcast/transcripts-transcriptator/podnews_weekly_review_2024-01-19.vtt"),
    )
    .unwrap();
    let vtt_url = server.add("review.vtt", "text/vtt", vtt);
    let date = (now - Duration::hours(5)).to_rfc2822();
    let feed = format!(
        r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Podnews Weekly Review</title><link>https://pod.example/</link>
<item><title>Podnews Weekly Review: the week in podcasting</title><guid>ep1</guid><link>https://pod.example/ep1</link>
  <pubDate>{date}</pubDate>
  <enclosure url="https://pod.example/ep1.mp3" length="1000" type="audio/mpeg"/>
  <podcast:transcript url="{vtt_url}" type="text/vtt"/>
  <description>This week's news.</description>
</item></channel></rss>"#
    );
    let feed_url = server.add("pod", "application/rss+xml", feed);
    t.app.add_source(&feed_url, None, None, None, now).await.unwrap();
    t.app.poller.poll_due(now, |_| {}, |_| {}).await.unwrap();

    let digest = t
        .app
        .editor
        .digest(
            &DigestRequest {
                topic: Some("podcasts".into()),
                min_score: 0,
                ..request()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(digest.items.len(), 1, "{digest:#?}");
    let episode = &digest.items[0];
    assert!(
        episode.summary.starts_with("This episode covers"),
        "{}",
        episode.summary
    );
    assert!(episode.tldr.split_whitespace().count() <= 40);
    assert!(!episode.bullets.is_empty());
    assert!(
        episode.score.reasons.iter().any(|r| r == "transcript"),
        "{:?}",
        episode.score.reasons
    );
}
