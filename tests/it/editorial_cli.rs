//! The editorial commands as users run them: `newsdesk digest`, `summarize` and `topics`,
//! as separate processes over a real SQLite file and feeds served on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::Utc;
use serde_json::Value;

use crate::digest::{Item, LAUNCH_A, LAUNCH_B, PRICING, rss};
use crate::support::{FeedServer, corpus_dir};

async fn newsdesk(dir: &Path, args: &[&str]) -> Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"));
        command.current_dir(&dir).args(&args).env("NO_COLOR", "1");
        for (key, _) in std::env::vars() {
            if key.starts_with("NEWSDESK_") {
                command.env_remove(key);
            }
        }
        command.output().unwrap()
    })
    .await
    .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "stderr: {}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

fn examples_dir() -> PathBuf {
    std::env::var_os("NEWSDESK_EXAMPLES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/examples"))
}

/// A config in `dir` with loopback allowed and no default pack, plus two feeds added.
async fn desk_with_feeds(server: &FeedServer, dir: &Path) {
    std::fs::write(
        dir.join("newsdesk.toml"),
        format!(
            "[database]\npath = \"{}\"\n[sources]\nallow_private = true\ninstall_defaults = false\n\
             [fetch]\ntimeout_secs = 2\n",
            dir.join("db/newsdesk.db").display()
        ),
    )
    .unwrap();
    let now = Utc::now();
    let lab = rss(
        "Lab Blog",
        now,
        &[Item {
            title: "OpenAI launches GPT-5",
            link: "https://lab.example/gpt-5",
            hours_ago: 3,
            body: LAUNCH_A,
        }],
    );
    let press = rss(
        "Tech Press",
        now,
        &[
            Item {
                title: "OpenAI releases GPT-5, its newest model",
                link: "https://press.example/gpt-5",
                hours_ago: 2,
                body: LAUNCH_B,
            },
            Item {
                title: "GPT-5 API pricing: what an agent workload costs",
                link: "https://press.example/gpt-5-pricing",
                hours_ago: 1,
                body: PRICING,
            },
        ],
    );
    for (name, body) in [("lab", lab), ("press", press)] {
        let url = server.add(name, "application/rss+xml", body);
        let added = newsdesk(dir, &["sources", "add", &url]).await;
        assert!(added.status.success(), "{}", stderr(&added));
    }
}

#[tokio::test]
async fn digest_json_has_every_field_and_fetches_first() {
    let server = FeedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    desk_with_feeds(&server, dir.path()).await;

    let digest = json(
        &newsdesk(
            dir.path(),
            &["digest", "--format", "json", "--hours", "24", "--max", "10"],
        )
        .await,
    );
    for key in ["title", "generated_at", "highlights", "stats", "items", "keywords"] {
        assert!(digest.get(key).is_some(), "missing {key}: {digest}");
    }
    let stats = &digest["stats"];
    for key in ["sources_ok", "sources_total", "fetched", "in_window", "selected"] {
        assert!(stats[key].is_u64(), "stats.{key}: {stats}");
    }
    assert_eq!(stats["sources_ok"], 2);
    assert_eq!(stats["fetched"], 3);
    let items = digest["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the launch told twice is one item: {digest:#}");
    assert_eq!(stats["selected"], 2);
    for item in items {
        for key in [
            "rank",
            "title",
            "url",
            "source",
            "published_at",
            "category",
            "tldr",
            "summary",
        ] {
            assert!(!item[key].is_null(), "item.{key} missing: {item}");
        }
        for key in ["relevance", "quality", "timeliness", "total"] {
            assert!(item["score"][key].is_u64(), "score.{key}: {item}");
        }
        assert!(item["bullets"].is_array() && item["tags"].is_array() && item["also_covered_by"].is_array());
        assert!(item["why_it_matters"].is_null() || item["why_it_matters"].is_string());
        for entry in item["decoder"].as_array().unwrap() {
            assert!(entry["term"].is_string() && entry["definition"].is_string(), "{entry}");
        }
    }
    let launch = items
        .iter()
        .find(|i| i["title"].as_str().unwrap().contains("GPT-5,") || i["title"] == "OpenAI launches GPT-5")
        .unwrap();
    assert_eq!(launch["also_covered_by"].as_array().unwrap().len(), 1, "{launch}");
    for pair in digest["keywords"].as_array().unwrap() {
        assert!(pair[0].is_string() && pair[1].is_u64(), "{pair}");
    }
}

#[tokio::test]
async fn digest_markdown_goes_to_a_file_with_a_png_chart_and_bad_topics_are_named() {
    let server = FeedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    desk_with_feeds(&server, dir.path()).await;

    let out = dir.path().join("digest.md");
    let chart = dir.path().join("chart.png");
    let run = newsdesk(
        dir.path(),
        &[
            "digest",
            "--format",
            "markdown",
            "--out",
            out.to_str().unwrap(),
            "--chart",
            chart.to_str().unwrap(),
        ],
    )
    .await;
    assert!(run.status.success(), "{}", stderr(&run));
    let markdown = std::fs::read_to_string(&out).unwrap();
    assert!(markdown.contains("AI Daily Digest"), "{markdown}");
    assert!(markdown.contains("https://lab.example/gpt-5"), "{markdown}");
    let png = std::fs::read(&chart).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    let text = newsdesk(dir.path(), &["digest", "--no-fetch"]).await;
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(stdout(&text).contains("GPT-5"), "{}", stdout(&text));
    assert!(!stdout(&text).contains('\u{1b}'), "no colour off a TTY");

    let bad = newsdesk(dir.path(), &["digest", "--topic", "no-such-topic", "--no-fetch"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("no-such-topic") && stderr(&bad).contains("topics list"),
        "{}",
        stderr(&bad)
    );
}

#[tokio::test]
async fn topics_list_json_has_the_catalogue_and_custom_topics_can_be_managed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("newsdesk.toml"),
        format!("[database]\npath = \"{}\"\n", dir.path().join("n.db").display()),
    )
    .unwrap();
    let topics = json(&newsdesk(dir.path(), &["topics", "list", "--json"]).await);
    let topics = topics.as_array().unwrap();
    let slugs: Vec<&str> = topics.iter().map(|t| t["slug"].as_str().unwrap()).collect();
    for wanted in [
        "models",
        "agents",
        "research",
        "hardware",
        "policy-safety",
        "open-source",
        "business",
        "robotics",
        "security",
        "podcasts",
    ] {
        assert!(slugs.contains(&wanted), "{wanted} missing from {slugs:?}");
    }
    assert!(
        topics
            .iter()
            .all(|t| t["name"].is_string() && !t["description"].as_str().unwrap().is_empty())
    );

    let added = newsdesk(
        dir.path(),
        &[
            "topics",
            "add",
            "rustlang",
            "--include",
            "rust,cargo",
            "--exclude",
            "game",
        ],
    )
    .await;
    assert!(added.status.success(), "{}", stderr(&added));
    let listed = stdout(&newsdesk(dir.path(), &["topics", "list"]).await);
    assert!(listed.contains("rustlang"), "{listed}");
    let bad = newsdesk(dir.path(), &["topics", "add", "Not OK", "--include", "x"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("Not OK"), "{}", stderr(&bad));
    let removed = newsdesk(dir.path(), &["topics", "remove", "rustlang"]).await;
    assert!(removed.status.success(), "{}", stderr(&removed));
    let builtin = newsdesk(dir.path(), &["topics", "remove", "agents"]).await;
    assert_eq!(builtin.status.code(), Some(2), "built-ins cannot be deleted");
}

#[tokio::test]
async fn summarize_reads_pages_files_urls_and_transcripts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("newsdesk.toml"),
        format!(
            "[database]\npath = \"{}\"\n[sources]\nallow_private = true\n",
            dir.path().join("n.db").display()
        ),
    )
    .unwrap();
    let page = corpus_dir().join("feeds/rsparser-netnewswire/html/inessential.html");
    let article = json(&newsdesk(dir.path(), &["summarize", page.to_str().unwrap(), "--format", "json"]).await);
    for key in [
        "title",
        "tldr",
        "summary",
        "bullets",
        "why_it_matters",
        "tags",
        "decoder",
        "summarizer",
    ] {
        assert!(article.get(key).is_some(), "missing {key}: {article}");
    }
    assert_eq!(article["summarizer"], "extractive");
    assert!(article["tldr"].as_str().unwrap().split_whitespace().count() <= 40);
    assert!(article.get("segments").is_none());

    let text_file = dir.path().join("launch.txt");
    std::fs::write(&text_file, format!("OpenAI launches GPT-5\n\n{LAUNCH_A}")).unwrap();
    let plain = json(
        &newsdesk(
            dir.path(),
            &["summarize", text_file.to_str().unwrap(), "--format", "json"],
        )
        .await,
    );
    assert_eq!(plain["title"], "OpenAI launches GPT-5");
    assert!(plain["tldr"].as_str().unwrap().contains("GPT-5"), "{plain}");

    let server = FeedServer::start().await;
    let url = server.add("page", "text/html", std::fs::read(&page).unwrap());
    let remote = json(&newsdesk(dir.path(), &["summarize", &url, "--format", "json"]).await);
    assert_eq!(remote["tldr"], article["tldr"]);

    let vtt = corpus_dir().join("podcast/transcripts-transcriptator/podnews_weekly_review_2024-01-19.vtt");
    let episode = json(
        &newsdesk(
            dir.path(),
            &["summarize", vtt.to_str().unwrap(), "--transcript", "--format", "json"],
        )
        .await,
    );
    let segments = episode["segments"].as_array().unwrap();
    assert!(!segments.is_empty(), "{episode}");
    let starts: Vec<f64> = segments.iter().map(|s| s["start"].as_f64().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    assert!(
        segments
            .iter()
            .all(|s| s["title"].is_string() && s["summary"].is_string())
    );

    let raw = examples_dir().join("001_6eeb48275b0d02fc.txt");
    let podcast = json(
        &newsdesk(
            dir.path(),
            &["summarize", raw.to_str().unwrap(), "--transcript", "--format", "json"],
        )
        .await,
    );
    let segments = podcast["segments"].as_array().unwrap();
    assert!(segments.len() >= 8, "{podcast:#}");
    assert!(segments.iter().all(|s| s["start"].is_null()));

    let missing = newsdesk(dir.path(), &["summarize", "no/such/file.html"]).await;
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("no/such/file.html"), "{}", stderr(&missing));
}
