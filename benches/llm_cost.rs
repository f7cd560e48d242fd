//! What the LLM editor costs in requests and tokens for a day of digests, measured against
//! the fake chat-completions endpoint of the integration tests (its usage is deterministic:
//! characters / 4 for the prompt and for the answer).
//!
//! The store holds a realistic day: 2,500 articles from 90 sources, all inside the 24-hour
//! window, with real texts from the feed corpus re-dated (as in `benches/digest.rs`). Each
//! scenario starts on a fresh store and an empty answer cache:
//!
//! - one subscription: one topic digest of 10 items;
//! - one subscription per built-in topic (13 digests of 10 items);
//! - 100 subscriptions spread over the 13 built-in topics (about 8 each) with 5, 10 or 15
//!   items.
//!
//! It prints requests and tokens per task (rubric, summary, highlights) and the ratios, then
//! compares one digest with the example-004 approach: every in-window article scored once in
//! batches of 10 with ~800-character excerpts (requests = ceil(N / 10), tokens from the same
//! prompt sizes and the same chars / 4 rule) plus one summary call per pick.
//!
//! `cargo bench --bench llm_cost`

mod common;
#[path = "../tests/it/fake_llm.rs"]
#[allow(dead_code)]
mod fake_llm;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use newsdesk::app::App;
use newsdesk::config::Settings;
use newsdesk::domain::{Article, SourceKind};
use newsdesk::editor::DigestRequest;
use newsdesk::llm::tasks::{RUBRIC_BATCH, SYSTEM, rubric_prompt};
use newsdesk::pipeline::topics::{TopicInput, TopicMatcher, builtin_topics};
use newsdesk::store::NewSource;

use fake_llm::{FakeLlm, TaskTotals, tokens_for};

const ARTICLES: usize = 2_500;
const SOURCES: usize = 90;
/// Characters of each article the example-004 scoring prompt carries.
const EXCERPT_CHARS: usize = 800;

/// One article as stored, for the example-004 estimate.
struct Stored {
    id: i64,
    title: String,
    source: String,
    text: String,
    age_hours: i64,
}

/// What one scenario cost.
#[derive(Default)]
struct Cost {
    digests: usize,
    items: usize,
    per_task: BTreeMap<String, TaskTotals>,
    cache_hits: u64,
    fallbacks: u64,
    seconds: f64,
}

impl Cost {
    fn task(&self, task: &str) -> TaskTotals {
        self.per_task.get(task).copied().unwrap_or_default()
    }

    fn total(&self) -> TaskTotals {
        let mut total = TaskTotals::default();
        for t in self.per_task.values() {
            total.add(*t);
        }
        total
    }
}

fn main() {
    let pool: Vec<Article> = common::corpus_articles();
    let matcher = TopicMatcher::new(&builtin_topics()).expect("built-in topics compile");
    let mut per_topic_pool: BTreeMap<String, usize> = BTreeMap::new();
    for a in &pool {
        let matches = matcher.matches(&TopicInput {
            title: &a.title,
            text: &a.text,
            is_podcast: a.episode.is_some(),
            source_url: "https://corpus.example/feed",
        });
        for m in &matches {
            *per_topic_pool.entry(m.slug.clone()).or_default() += 1;
        }
    }
    println!(
        "text pool: {} corpus articles; per built-in topic: {}",
        pool.len(),
        per_topic_pool
            .iter()
            .map(|(topic, n)| format!("{topic} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let now = Utc::now();
    let topics: Vec<String> = builtin_topics().into_iter().map(|t| t.slug).collect();
    println!(
        "LLM cost: {ARTICLES} articles from {SOURCES} sources in a 24 h window (texts: {} corpus articles), {} \
         built-in topics; usage = chars / 4",
        pool.len(),
        topics.len()
    );

    runtime.block_on(async {
        let request = |topic: &str, max_items: usize| DigestRequest {
            scope: String::new(),
            topic: Some(topic.to_string()),
            hours: 24,
            max_items,
            min_score: newsdesk::pipeline::score::DEFAULT_MIN_SCORE,
        };
        let per_topic: Vec<DigestRequest> = topics.iter().map(|t| request(t, 10)).collect();
        let (cost_13, stored, shape_13) = scenario(&pool, now, &per_topic).await;
        println!(
            "topic digests of 10 (in window → items): {}",
            shape_13
                .iter()
                .map(|d| format!("{} {}→{}", d.topic, d.in_window, d.items))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // The one subscription: the news topic whose digest fills best (podcasts aside: the
        // corpus is mostly podcast episodes, which would flatter the one-topic case).
        let best = shape_13
            .iter()
            .filter(|d| d.topic != "podcasts")
            .max_by_key(|d| (d.items, d.in_window))
            .expect("13 digests")
            .clone();
        let one = vec![request(&best.topic, 10)];
        let (cost_one, ..) = scenario(&pool, now, &one).await;
        let per_topic_15: Vec<DigestRequest> = topics.iter().map(|t| request(t, 15)).collect();
        let (cost_13_15, ..) = scenario(&pool, now, &per_topic_15).await;
        let hundred: Vec<DigestRequest> = (0..100)
            .map(|i| request(&topics[i % topics.len()], [5, 10, 15][i % 3]))
            .collect();
        let (cost_100, ..) = scenario(&pool, now, &hundred).await;
        let (in_window_one, picks_one) = (best.in_window, best.items);

        println!();
        println!(
            "{:<34} {:>7} {:>6} │ {:>8} {:>8} │ {:>8} {:>8} │ {:>8} {:>8} │ {:>9} {:>6} {:>6}",
            "day of digests (fresh cache)",
            "digests",
            "items",
            "rubric",
            "tokens",
            "summary",
            "tokens",
            "highl.",
            "tokens",
            "tokens",
            "hits",
            "secs"
        );
        let one_name = format!("1 subscription ({}, 10)", best.topic);
        for (name, cost) in [
            (one_name.as_str(), &cost_one),
            ("13 subscriptions (1 per topic, 10)", &cost_13),
            ("13 subscriptions (1 per topic, 15)", &cost_13_15),
            ("100 subscriptions (13 topics, 5-15)", &cost_100),
        ] {
            let (r, s, h, t) = (
                cost.task("rubric"),
                cost.task("summary"),
                cost.task("highlights"),
                cost.total(),
            );
            println!(
                "{name:<34} {:>7} {:>6} │ {:>8} {:>8} │ {:>8} {:>8} │ {:>8} {:>8} │ {:>9} {:>6} {:>6.1}",
                cost.digests,
                cost.items,
                r.requests,
                r.tokens(),
                s.requests,
                s.tokens(),
                h.requests,
                h.tokens(),
                t.tokens(),
                cost.cache_hits,
                cost.seconds
            );
            assert_eq!(cost.fallbacks, 0, "{name}: the fake never fails, nothing may fall back");
        }
        let ratio = |a: &Cost, b: &Cost| a.total().tokens() as f64 / b.total().tokens().max(1) as f64;
        let request_ratio = |a: &Cost, b: &Cost| a.total().requests as f64 / b.total().requests.max(1) as f64;
        println!();
        println!(
            "100 subscriptions vs 1:            {:.2}× tokens, {:.2}× requests (goal ≤ 1.2×)",
            ratio(&cost_100, &cost_one),
            request_ratio(&cost_100, &cost_one)
        );
        println!(
            "100 subscriptions vs 1 per topic:  {:.2}× tokens, {:.2}× requests (10 items); {:.2}× tokens, {:.2}× \
             requests (15 items)",
            ratio(&cost_100, &cost_13),
            request_ratio(&cost_100, &cost_13),
            ratio(&cost_100, &cost_13_15),
            request_ratio(&cost_100, &cost_13_15)
        );
        let task_ratio =
            |a: &Cost, b: &Cost, task: &str| a.task(task).tokens() as f64 / b.task(task).tokens().max(1) as f64;
        for task in ["rubric", "summary", "highlights"] {
            println!(
                "  {task:<10} tokens, 100 vs 1: {:>6.2}×   100 vs 13×10: {:>5.2}×   100 vs 13×15: {:>5.2}×",
                task_ratio(&cost_100, &cost_one, task),
                task_ratio(&cost_100, &cost_13, task),
                task_ratio(&cost_100, &cost_13_15, task),
            );
        }

        // Example 004: every article of the window scored once, ten per request, then one
        // summary per pick (counted as ours: the same picks, the same summary prompt).
        let all = example_004_scoring(&stored);
        let per_article = all.tokens() as f64 / stored.len().max(1) as f64;
        let topic_only = TaskTotals {
            requests: in_window_one.div_ceil(RUBRIC_BATCH) as u64,
            prompt_tokens: (all.prompt_tokens as f64 * in_window_one as f64 / stored.len() as f64) as u64,
            completion_tokens: (all.completion_tokens as f64 * in_window_one as f64 / stored.len() as f64) as u64,
        };
        let summaries = cost_one.task("summary");
        println!();
        println!(
            "one digest ({}, 10 items; {} articles in the window, {in_window_one} on the topic, {picks_one} picks)",
            best.topic,
            stored.len()
        );
        println!(
            "{:<44} {:>8} {:>10} │ {:>8} {:>10}",
            "", "scoring", "tokens", "total", "tokens"
        );
        let row = |name: &str, scoring: TaskTotals, rest: TaskTotals| {
            let mut total = scoring;
            total.add(rest);
            println!(
                "{name:<44} {:>8} {:>10} │ {:>8} {:>10}",
                scoring.requests,
                scoring.tokens(),
                total.requests,
                total.tokens()
            );
            total
        };
        let ours_rest = {
            let mut rest = summaries;
            rest.add(cost_one.task("highlights"));
            rest
        };
        let ex_all = row("example 004: whole window scored + summaries", all, summaries);
        let ex_topic = row("example 004: topic's articles + summaries", topic_only, summaries);
        let ours = row(
            "ours: rubric on 3× pre-selection + summ. + hl.",
            cost_one.task("rubric"),
            ours_rest,
        );
        println!(
            "ours vs 004 (whole window): {:.1}× fewer tokens, {:.1}× fewer requests; vs 004 (topic only): {:.1}× \
             fewer tokens, {:.1}× fewer requests ({:.0} tokens per scored article in 004)",
            ex_all.tokens() as f64 / ours.tokens().max(1) as f64,
            ex_all.requests as f64 / ours.requests.max(1) as f64,
            ex_topic.tokens() as f64 / ours.tokens().max(1) as f64,
            ex_topic.requests as f64 / ours.requests.max(1) as f64,
            per_article
        );
    });
}

/// One digest's topic, in-window articles on it, and items.
#[derive(Debug, Clone)]
struct Shape {
    topic: String,
    in_window: usize,
    items: usize,
}

/// Runs `requests` as one day's digests on a fresh store, fresh cache and fresh fake; returns
/// the cost, the stored articles, and each digest's shape.
async fn scenario(pool: &[Article], now: DateTime<Utc>, requests: &[DigestRequest]) -> (Cost, Vec<Stored>, Vec<Shape>) {
    let fake = FakeLlm::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::default();
    settings.database.path = dir.path().join("bench.db");
    settings.sources.install_defaults = false;
    settings.llm.base_url = fake.base_url();
    settings.llm.model = "fake-model".into();
    // The budget must not be what limits the day here.
    settings.llm.max_tokens_per_day = 1_000_000_000;
    let app = App::build(settings).await.expect("app");
    let stored = fill(&app, pool, now).await;

    let started = Instant::now();
    let mut cost = Cost::default();
    let mut shapes = Vec::new();
    for request in requests {
        let digest = app.editor.digest(request, now).await.expect("digest");
        shapes.push(Shape {
            topic: request.topic.clone().unwrap_or_default(),
            in_window: digest.stats.in_window as usize,
            items: digest.items.len(),
        });
        cost.digests += 1;
        cost.items += digest.items.len();
        if let Some(llm) = digest.stats.llm {
            cost.cache_hits += u64::from(llm.cache_hits);
            cost.fallbacks += u64::from(llm.fallbacks);
        }
    }
    cost.seconds = started.elapsed().as_secs_f64();
    cost.per_task = fake.totals();
    let failed = fake.requests().iter().filter(|r| r.status != 200).count();
    assert_eq!(failed, 0);
    app.store.close().await;
    (cost, stored, shapes)
}

/// The day's articles, spread over the sources and the window, stored and tagged.
async fn fill(app: &App, pool: &[Article], now: DateTime<Utc>) -> Vec<Stored> {
    let mut stored = Vec::with_capacity(ARTICLES);
    let mut ids = Vec::new();
    for s in 0..SOURCES {
        let new = NewSource {
            url: format!("https://source{s}.example/feed.xml"),
            kind: SourceKind::Feed,
            title: Some(format!("Source {s}")),
            added_by: None,
        };
        let source_id = app.store.add_source(&new, now).await.expect("source").expect("new").id;
        let per_source = ARTICLES / SOURCES + usize::from(s < ARTICLES % SOURCES);
        let batch = common::day_of_news(pool, s, per_source, now, "bench");
        let outcome = app.store.insert_articles(source_id, &batch).await.expect("insert");
        for (article, id) in batch.iter().zip(outcome.inserted.iter().map(|(_, id)| *id)) {
            stored.push(Stored {
                id,
                title: article.title.clone(),
                source: format!("Source {s}"),
                text: article.text.clone(),
                age_hours: (now - article.published_at).num_hours(),
            });
            ids.push(id);
        }
    }
    app.editor.tag_articles(&ids).await.expect("tag");
    stored
}

/// Every article scored once, [`RUBRIC_BATCH`] per request, each with an 800-character
/// excerpt, in our rubric prompt's format; the answer is the fake's own for that prompt.
fn example_004_scoring(stored: &[Stored]) -> TaskTotals {
    let frame = rubric_prompt(&[]);
    let mut totals = TaskTotals::default();
    for batch in stored.chunks(RUBRIC_BATCH) {
        let items: String = batch
            .iter()
            .map(|a| {
                let excerpt: String = a.text.chars().take(EXCERPT_CHARS).collect();
                format!(
                    "[{}] {} — {} — {} h old\n{excerpt}\n\n",
                    a.id, a.title, a.source, a.age_hours
                )
            })
            .collect();
        let prompt = frame.replacen("<items>\n</items>", &format!("<items>\n{items}</items>"), 1);
        let answer = fake_llm::answer("rubric", &prompt).to_string();
        totals.add(TaskTotals {
            requests: 1,
            prompt_tokens: tokens_for(SYSTEM.chars().count() + prompt.chars().count()),
            completion_tokens: tokens_for(answer.chars().count()),
        });
    }
    totals
}
