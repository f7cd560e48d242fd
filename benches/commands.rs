//! Command handler latency, measured through `commands::execute` exactly as a Discord slash
//! command runs it (a Discord admin `Caller`, the real store, a current-thread runtime):
//!
//! - **`/search`** over a large archive: `BENCH_ARTICLES` articles (default 1,000,000) from
//!   200 sources, published over 90 days, with 300–600 characters of text each. The text is
//!   sampled sentence by sentence from the real feed corpus (`NEWSDESK_CORPUS_DIR`, default
//!   `../shared/corpus`) mixed with templated AI-news sentences, so the FTS5 index sees a
//!   realistic vocabulary; it goes in through the real `Store::insert_articles` in batches
//!   and is topic-tagged like polled articles. Building it takes minutes, so the database is
//!   kept at `target/bench-search-<N>.db` and reused by later runs (delete it to rebuild).
//!   Then 600 `/search` commands of six query shapes (a common word, a rare word, two words,
//!   a quoted phrase, a word with `days:30`, a word with `topic:`) are timed, and the same
//!   queries straight through `Store::search`. Reports p50/p95/p99/max overall and p50/p99
//!   per shape against the 20 ms goal, plus the slowest queries.
//! - **`/digest hours:24`** over 2,500 in-window articles from 90 sources (the set-up of
//!   `benches/digest.rs`): p50/p99 of 20 commands against our 1.5 s defer threshold and
//!   Discord's 3 s answer deadline.
//!
//! ```text
//! cargo bench --bench commands                        # 1,000,000 articles (first run builds ~1 GB)
//! BENCH_ARTICLES=50000 cargo bench --bench commands   # a quick run
//! ```

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use newsdesk::app::App;
use newsdesk::commands::{self, Caller, Command, Platform, Reply};
use newsdesk::config::Settings;
use newsdesk::domain::{Article, SourceKind};
use newsdesk::store::NewSource;

const DEFAULT_ARTICLES: usize = 1_000_000;
const SEARCH_SOURCES: usize = 200;
const SEARCH_DAYS: i64 = 90;
/// Articles per `insert_articles` call (one transaction each).
const INSERT_BATCH: usize = 5_000;
/// Queries per shape; six shapes.
const QUERIES_PER_SHAPE: usize = 100;
const WARMUP_QUERIES: usize = 30;
/// Articles generated (with the seeds the store used) to estimate word frequencies.
const FREQUENCY_SAMPLE: usize = 20_000;
const SEARCH_GOAL_MS: f64 = 20.0;
const SEED: u64 = 0x6e65_7773_6465_736b;
/// Bump when the generator changes, so a cached database of the old text is rebuilt.
const GENERATOR_VERSION: u32 = 1;

const DIGEST_ARTICLES: usize = 2_500;
const DIGEST_SOURCES: usize = 90;
const DIGEST_RUNS: usize = 20;
const DEFER_MS: f64 = 1_500.0;
const DISCORD_DEADLINE_MS: f64 = 3_000.0;

const GUILD: &str = "1187400000000000100";

const ORGS: &[&str] = &[
    "OpenAI",
    "Anthropic",
    "Google DeepMind",
    "Meta",
    "Mistral",
    "xAI",
    "Alibaba",
    "DeepSeek",
    "Nvidia",
    "Microsoft",
    "Apple",
    "Amazon",
    "Cohere",
    "Hugging Face",
    "Stability AI",
];
const MODELS: &[&str] = &[
    "GPT-5",
    "Claude Opus",
    "Gemini 2.5 Pro",
    "Llama 4",
    "Mistral Large",
    "Grok 4",
    "Qwen3",
    "DeepSeek-V3",
    "Phi-4",
    "Nova Pro",
    "Command R+",
    "Stable Diffusion 3",
];
const AI_SENTENCES: &[&str] = &[
    "{org} released {model}, a new large language model with {n} billion parameters.",
    "The {model} model scored {n}% on SWE-bench Verified, ahead of earlier coding agents.",
    "{org} says {model} hallucinates less and handles longer reasoning chains than its predecessor.",
    "Developers can call {model} through the API at ${n} per million output tokens.",
    "Researchers at {org} published a paper on mixture of experts routing for efficient inference.",
    "The open-weight release of {model} lets anyone fine-tune it on a single GPU cluster.",
    "{org} is training its next frontier model on {n},000 Nvidia H100 accelerators.",
    "A prompt injection flaw in an AI coding agent let a malicious README leak API keys.",
    "Regulators in the EU asked {org} how {model} complies with the AI Act's transparency rules.",
    "{org} raised ${n} billion in a funding round led by large cloud providers.",
    "The new benchmark tests whether agents can plan multi-step tasks with tool calls.",
    "{model} now accepts images, audio and video as input in the same context window.",
    "Robotics teams used {model} to control a humanoid robot picking items in a warehouse.",
    "{org} open-sourced the weights and training code of a small reasoning model.",
    "Safety researchers found that reinforcement learning from human feedback can hide deceptive behaviour.",
    "A context window of {n}00,000 tokens lets {model} read an entire codebase at once.",
    "{org} cut inference prices by {n}% after moving the model to custom chips.",
    "The transformer architecture still dominates, but state space models are gaining ground.",
    "Scientists used a protein language model from {org} to design new enzymes.",
    "{org} announced an AI agent that books travel and fills in forms in a web browser.",
];
const AI_TITLES: &[&str] = &[
    "{org} launches {model}",
    "{model} tops the coding leaderboard",
    "Hands-on with {model}: faster, cheaper, still fallible",
    "{org} raises ${n} billion for AI infrastructure",
    "Why {org}'s {model} matters for open-source AI",
    "{org} publishes safety report on {model}",
    "Inside {org}'s plan to build AI agents",
    "{model} pricing: what an agent workload costs",
];
/// Words too common to be a sensible search on their own.
const STOPWORDS: &[&str] = &[
    "the", "and", "that", "this", "with", "from", "have", "for", "are", "was", "were", "will", "your", "you", "not",
    "but", "they", "their", "there", "what", "when", "which", "about", "into", "more", "than", "then", "them", "been",
    "also", "has", "had", "its", "our", "can", "all", "one", "out", "who", "how", "new",
];

const SHAPES: [&str; 6] = [
    "common word",
    "rare word",
    "two words",
    "quoted phrase",
    "word + days:30",
    "word + topic",
];
const TOPICS: &[&str] = &["models", "agents", "research", "security", "open-source", "business"];

fn main() {
    newsdesk::telemetry::init(0, Default::default());
    let articles = std::env::var("BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.replace('_', "").parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_ARTICLES);
    let pool = TextPool::load();
    println!(
        "text pool: {} titles, {} sentences from {} real articles (+ {} AI-news sentence templates)",
        pool.titles.len(),
        pool.sentences.len(),
        pool.templates.len(),
        AI_SENTENCES.len()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let search = runtime.block_on(search_bench(&pool, articles));
    let digest = runtime.block_on(digest_bench(&pool));

    println!();
    println!("summary (this machine; ms)");
    println!(
        "{:<34} {:>6} {:>8} {:>8} {:>8} {:>8}",
        "what", "runs", "p50", "p95", "p99", "max"
    );
    let row = |name: &str, t: &Timings| {
        println!(
            "{:<34} {:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            name,
            t.len(),
            t.pct(0.50),
            t.pct(0.95),
            t.pct(0.99),
            t.max()
        );
    };
    row(&format!("/search ({articles} articles)"), &search.execute);
    row("Store::search (same queries)", &search.raw);
    for (shape, t) in &search.execute_by_shape {
        row(&format!("  /search {shape}"), t);
    }
    row("/digest hours:24 (2,500 in window)", &digest);
    let p99 = search.execute.pct(0.99);
    println!(
        "/search p99 {p99:.1} ms: {} the {SEARCH_GOAL_MS:.0} ms goal",
        if p99 < SEARCH_GOAL_MS { "meets" } else { "MISSES" }
    );
    let slow: Vec<&str> = search
        .execute_by_shape
        .iter()
        .filter(|(_, t)| t.pct(0.99) >= SEARCH_GOAL_MS)
        .map(|(shape, _)| shape.as_str())
        .collect();
    if !slow.is_empty() {
        println!("shapes with p99 ≥ {SEARCH_GOAL_MS:.0} ms: {}", slow.join(", "));
    }
    let d99 = digest.pct(0.99);
    println!(
        "/digest p99 {d99:.0} ms: {} our {DEFER_MS:.0} ms defer threshold, {} Discord's {DISCORD_DEADLINE_MS:.0} ms deadline",
        if d99 > DEFER_MS { "EXCEEDS" } else { "within" },
        if d99 > DISCORD_DEADLINE_MS { "EXCEEDS" } else { "within" },
    );
    if let Some(peak) = common::peak_rss_bytes() {
        println!("peak RSS: {:.1} MiB", peak as f64 / 1048576.0);
    }
}

// ----- text generation ----------------------------------------------------------------------

/// SplitMix64: small, fast and deterministic (the bench has no `rand`).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Titles and sentences of the real corpus articles, and an article to clone as a template.
struct TextPool {
    titles: Vec<String>,
    sentences: Vec<String>,
    templates: Vec<Article>,
}

impl TextPool {
    fn load() -> TextPool {
        let templates: Vec<Article> = common::corpus_articles();
        let mut titles: Vec<String> = templates
            .iter()
            .map(|a| a.title.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| (10..=140).contains(&t.chars().count()))
            .collect();
        titles.sort();
        titles.dedup();
        let mut sentences: Vec<String> = templates.iter().flat_map(|a| split_sentences(&a.text)).collect();
        sentences.sort();
        sentences.dedup();
        assert!(
            !sentences.is_empty() && !titles.is_empty(),
            "the corpus gave no sentences"
        );
        TextPool {
            titles,
            sentences,
            templates,
        }
    }

    /// Article `n` of source `source`: the same `n` always gives the same text.
    fn article(&self, n: usize, source: usize, now: DateTime<Utc>, days: i64) -> Article {
        let mut rng = Rng::new(SEED ^ (n as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let title = match rng.below(4) {
            0 => fill(rng.pick::<&str>(AI_TITLES), &mut rng),
            1 => {
                let words: Vec<&str> = rng.pick(&self.sentences).split_whitespace().collect();
                let take = (4 + rng.below(7)).min(words.len());
                words[..take]
                    .join(" ")
                    .trim_end_matches(['.', ',', ';', ':'])
                    .to_string()
            }
            _ => rng.pick(&self.titles).clone(),
        };
        let target = 300 + rng.below(300);
        let mut text = String::with_capacity(target + 300);
        while text.len() < target {
            if !text.is_empty() {
                text.push(' ');
            }
            if rng.chance(20) {
                text.push_str(&fill(rng.pick::<&str>(AI_SENTENCES), &mut rng));
            } else {
                text.push_str(rng.pick(&self.sentences).as_str());
            }
        }
        if text.len() > 650 {
            let mut cut = 600;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let cut = text[..cut].rfind(' ').unwrap_or(cut);
            text.truncate(cut);
            text.push('…');
        }
        let mut article = self.templates[n % self.templates.len()].clone();
        let age = rng.below((days * 86_400) as usize) as i64;
        article.guid = format!("bench-{n}");
        article.url = Some(format!("https://source{source}.example/{n}"));
        article.title = title;
        article.summary = None;
        article.text = text;
        article.published_at = now - chrono::Duration::seconds(age);
        article.fetched_at = article.published_at + chrono::Duration::minutes(5).min(chrono::Duration::seconds(age));
        article.date_missing = false;
        article.excerpt_only = false;
        article.episode = None;
        article
    }
}

fn fill(template: &str, rng: &mut Rng) -> String {
    template
        .replace("{org}", rng.pick::<&str>(ORGS))
        .replace("{model}", rng.pick::<&str>(MODELS))
        .replace("{n}", &(2 + rng.below(97)).to_string())
}

/// Sentences of 30–280 characters and at least five words, whitespace normalised.
fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        let ends = matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|n| n.is_whitespace());
        if ends {
            let sentence = current.split_whitespace().collect::<Vec<_>>().join(" ");
            let len = sentence.chars().count();
            if (30..=280).contains(&len) && sentence.split(' ').count() >= 5 && !sentence.contains("http") {
                out.push(sentence);
            }
            current.clear();
        }
    }
    out
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

// ----- /search ------------------------------------------------------------------------------

struct SearchResults {
    execute: Timings,
    raw: Timings,
    execute_by_shape: BTreeMap<String, Timings>,
}

struct Query {
    shape: usize,
    text: String,
    days: Option<i64>,
    topic: Option<String>,
    /// Estimated articles containing the least common term (from the frequency sample).
    estimated_matches: usize,
}

fn discord_admin() -> Caller {
    Caller {
        platform: Platform::Discord,
        server: Some(GUILD.to_string()),
        channel: "1187400000000000200".to_string(),
        user: "1187400000000000300".to_string(),
        is_admin: true,
        is_operator: false,
    }
}

fn settings_for(path: &Path) -> Settings {
    let mut settings = Settings::default();
    settings.database.path = path.to_path_buf();
    settings.sources.install_defaults = false;
    // The bench measures the commands, not their rate limits.
    settings.cooldowns = newsdesk::config::CooldownSettings::off();
    settings
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// The archive of `articles` articles, reused from `target/` when a finished build is there.
async fn search_store(pool: &TextPool, articles: usize, now: DateTime<Utc>) -> App {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("bench-search-{articles}.db"));
    let marker = format!("{articles} articles, generator {GENERATOR_VERSION}");
    if path.exists() {
        match App::build(settings_for(&path)).await {
            Ok(app) => {
                let built = app.store.kv_get("bench_search_built").await.ok().flatten();
                if built.as_deref() == Some(marker.as_str()) {
                    let stored = app.store.count_articles().await.expect("count");
                    println!("search store: reusing {} ({stored} articles)", path.display());
                    return app;
                }
                println!("search store: {} is unfinished or stale; rebuilding", path.display());
                app.store.close().await;
            }
            Err(err) => println!("search store: cannot reuse {} ({err}); rebuilding", path.display()),
        }
        remove_db(&path);
    }
    println!(
        "search store: building {articles} articles from {SEARCH_SOURCES} sources over {SEARCH_DAYS} days at {} \
         (kept for later runs)",
        path.display()
    );
    let app = App::build(settings_for(&path)).await.expect("app");
    let mut source_ids = Vec::new();
    for s in 0..SEARCH_SOURCES {
        let new = NewSource {
            url: format!("https://source{s}.example/feed.xml"),
            kind: SourceKind::Feed,
            title: Some(format!("AI News Source {s}")),
            added_by: None,
        };
        source_ids.push(app.store.add_source(&new, now).await.expect("source").expect("new").id);
    }
    let started = Instant::now();
    let (mut insert_time, mut tag_time) = (Duration::ZERO, Duration::ZERO);
    let mut stored = 0usize;
    let mut next_report = articles / 10;
    let mut n = 0usize;
    for (s, source_id) in source_ids.iter().enumerate() {
        let per_source = articles / SEARCH_SOURCES + usize::from(s < articles % SEARCH_SOURCES);
        let mut left = per_source;
        while left > 0 {
            let take = left.min(INSERT_BATCH);
            let batch: Vec<Article> = (n..n + take).map(|k| pool.article(k, s, now, SEARCH_DAYS)).collect();
            n += take;
            left -= take;
            let t = Instant::now();
            let outcome = app.store.insert_articles(*source_id, &batch).await.expect("insert");
            insert_time += t.elapsed();
            let ids: Vec<i64> = outcome.inserted.iter().map(|(_, id)| *id).collect();
            let t = Instant::now();
            app.editor.tag_articles(&ids).await.expect("tag");
            tag_time += t.elapsed();
            stored += ids.len();
            if stored >= next_report {
                eprintln!(
                    "  {stored} stored ({:.0}%), {:.0} s",
                    stored as f64 * 100.0 / articles as f64,
                    started.elapsed().as_secs_f64()
                );
                next_report += articles / 10;
            }
        }
    }
    app.store.kv_set("bench_search_built", &marker).await.expect("marker");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "search store: {stored} articles in {:.0} s (insert {:.0} s = {:.0}/s, topic tagging {:.0} s); {:.0} MiB",
        started.elapsed().as_secs_f64(),
        insert_time.as_secs_f64(),
        stored as f64 / insert_time.as_secs_f64().max(1e-9),
        tag_time.as_secs_f64(),
        size as f64 / 1048576.0
    );
    app
}

/// Word frequencies over articles generated with the store's seeds: document counts per word.
fn word_frequencies(pool: &TextPool, articles: usize, now: DateTime<Utc>) -> (HashMap<String, usize>, usize) {
    let sample = FREQUENCY_SAMPLE.min(articles);
    let step = (articles / sample).max(1);
    let mut df: HashMap<String, usize> = HashMap::new();
    for i in 0..sample {
        let article = pool.article(i * step, 0, now, SEARCH_DAYS);
        let mut seen: Vec<String> = words(&article.title).chain(words(&article.text)).collect();
        seen.sort();
        seen.dedup();
        for w in seen {
            *df.entry(w).or_default() += 1;
        }
    }
    (df, sample)
}

fn make_queries(pool: &TextPool, articles: usize, now: DateTime<Utc>) -> Vec<Query> {
    let (df, sample) = word_frequencies(pool, articles, now);
    let scale = articles as f64 / sample as f64;
    let estimate = |w: &str| (df.get(w).copied().unwrap_or(0) as f64 * scale).round() as usize;
    let usable =
        |w: &&String| w.len() >= 4 && !STOPWORDS.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit());
    let mut common: Vec<&String> = df
        .iter()
        .filter(|(w, n)| usable(w) && **n * 100 >= sample * 2)
        .map(|(w, _)| w)
        .collect();
    let mut middle: Vec<&String> = df
        .iter()
        .filter(|(w, n)| usable(w) && **n * 1000 >= sample && **n * 100 < sample * 2)
        .map(|(w, _)| w)
        .collect();
    let mut rare: Vec<&String> = df
        .iter()
        .filter(|(w, n)| usable(w) && **n <= 2 && w.chars().all(char::is_alphabetic))
        .map(|(w, _)| w)
        .collect();
    for list in [&mut common, &mut middle, &mut rare] {
        list.sort();
        assert!(!list.is_empty(), "no words of one frequency band; is the corpus there?");
    }
    println!(
        "query vocabulary: {} common words (in ≥ 2% of articles), {} middle, {} rare (≤ 2 in {sample} sampled)",
        common.len(),
        middle.len(),
        rare.len()
    );
    let mut rng = Rng::new(SEED ^ 0x5eed);
    let mut queries = Vec::new();
    for _ in 0..QUERIES_PER_SHAPE {
        for shape in 0..SHAPES.len() {
            let query = match shape {
                0 => {
                    let w = rng.pick(&common).to_string();
                    let e = estimate(&w);
                    (w, None, None, e)
                }
                1 => {
                    let w = rng.pick(&rare).to_string();
                    let e = estimate(&w);
                    (w, None, None, e)
                }
                2 => {
                    let (a, b) = (rng.pick(&common).to_string(), rng.pick(&middle).to_string());
                    let e = estimate(&a).min(estimate(&b));
                    (format!("{a} {b}"), None, None, e)
                }
                3 => {
                    let sentence: Vec<&str> = rng.pick(&pool.sentences).split_whitespace().collect();
                    let len = 2 + rng.below(2);
                    let start = rng.below(sentence.len().saturating_sub(len).max(1));
                    let phrase: Vec<String> = sentence[start..(start + len).min(sentence.len())]
                        .iter()
                        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
                        .filter(|w| !w.is_empty())
                        .collect();
                    let e = phrase.iter().map(|w| estimate(&w.to_lowercase())).min().unwrap_or(0);
                    (format!("\"{}\"", phrase.join(" ")), None, None, e)
                }
                4 => {
                    let w = rng.pick(&common).to_string();
                    let e = estimate(&w);
                    (w, Some(30), None, e)
                }
                _ => {
                    let w = rng.pick(&common).to_string();
                    let e = estimate(&w);
                    (w, None, Some(rng.pick(TOPICS).to_string()), e)
                }
            };
            let (text, days, topic, estimated_matches) = query;
            queries.push(Query {
                shape,
                text,
                days,
                topic,
                estimated_matches,
            });
        }
    }
    // Interleave shapes in a shuffled order so no shape gets a warmer cache than another.
    for i in (1..queries.len()).rev() {
        let j = rng.below(i + 1);
        queries.swap(i, j);
    }
    queries
}

async fn search_bench(pool: &TextPool, articles: usize) -> SearchResults {
    let now = Utc::now();
    let app = search_store(pool, articles, now).await;
    let caller = discord_admin();
    let queries = make_queries(pool, articles, now);
    let command = |q: &Query| Command::Search {
        query: q.text.clone(),
        topic: q.topic.clone(),
        days: q.days,
    };
    // Warm the page cache and the topic index.
    for q in queries.iter().take(WARMUP_QUERIES) {
        commands::execute(&app, &caller, command(q), now).await;
    }

    let mut execute = Timings::default();
    let mut by_shape: Vec<Timings> = vec![Timings::default(); SHAPES.len()];
    let mut empty = vec![0usize; SHAPES.len()];
    let mut errors = Vec::new();
    let mut slowest: Vec<(f64, usize)> = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let started = Instant::now();
        let reply = commands::execute(&app, &caller, command(q), now).await;
        let elapsed = started.elapsed();
        execute.push(elapsed);
        by_shape[q.shape].push(elapsed);
        slowest.push((ms(elapsed), i));
        match &reply {
            Reply::Text { text, .. } if text.starts_with("Nothing found") => empty[q.shape] += 1,
            Reply::Text { .. } => {}
            other => errors.push(format!("{:?} → {other:?}", q.text)),
        }
    }
    let mut raw = Timings::default();
    let mut raw_by_shape: Vec<Timings> = vec![Timings::default(); SHAPES.len()];
    let mut hits_by_shape = vec![0usize; SHAPES.len()];
    for q in &queries {
        let since = q.days.map(|d| now - chrono::Duration::days(d));
        let limit = if q.topic.is_some() { 200 } else { 8 };
        let started = Instant::now();
        let hits = app.store.search(&q.text, since, limit).await.expect("search");
        let elapsed = started.elapsed();
        raw.push(elapsed);
        raw_by_shape[q.shape].push(elapsed);
        hits_by_shape[q.shape] += hits.len();
    }

    println!();
    println!(
        "/search over {articles} articles: {} commands through commands::execute (Discord admin caller)",
        execute.len()
    );
    println!(
        "  all: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (goal p99 < {SEARCH_GOAL_MS:.0} ms)",
        execute.pct(0.50),
        execute.pct(0.95),
        execute.pct(0.99),
        execute.max()
    );
    println!(
        "  Store::search alone: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        raw.pct(0.50),
        raw.pct(0.99),
        raw.max()
    );
    println!(
        "  {:<16} {:>5} {:>9} {:>9} {:>9} {:>11} {:>11} {:>9}",
        "shape", "runs", "p50", "p99", "max", "raw p50", "raw p99", "no hits"
    );
    for (shape, name) in SHAPES.iter().enumerate() {
        let t = &by_shape[shape];
        let r = &raw_by_shape[shape];
        println!(
            "  {:<16} {:>5} {:>6.2} ms {:>6.2} ms {:>6.2} ms {:>8.2} ms {:>8.2} ms {:>9}",
            name,
            t.len(),
            t.pct(0.50),
            t.pct(0.99),
            t.max(),
            r.pct(0.50),
            r.pct(0.99),
            empty[shape]
        );
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("  slowest commands:");
    for (t, i) in slowest.iter().take(8) {
        let q = &queries[*i];
        println!(
            "    {t:>7.1} ms  {:<15} {:?}{}{}  (≈{} articles hold its rarest term)",
            SHAPES[q.shape],
            q.text,
            q.days.map(|d| format!(" days:{d}")).unwrap_or_default(),
            q.topic.as_deref().map(|t| format!(" topic:{t}")).unwrap_or_default(),
            q.estimated_matches
        );
    }
    if !errors.is_empty() {
        println!("  {} commands answered with an error, e.g. {}", errors.len(), errors[0]);
    }
    app.store.close().await;
    SearchResults {
        execute,
        raw,
        execute_by_shape: SHAPES
            .iter()
            .zip(by_shape)
            .map(|(name, t)| (name.to_string(), t))
            .collect(),
    }
}

// ----- /digest ------------------------------------------------------------------------------

async fn digest_bench(pool: &TextPool) -> Timings {
    let dir = tempfile::tempdir().expect("tempdir");
    let now = Utc::now();
    let app = App::build(settings_for(&dir.path().join("bench.db")))
        .await
        .expect("app");
    let mut ids = Vec::new();
    for s in 0..DIGEST_SOURCES {
        let new = NewSource {
            url: format!("https://source{s}.example/feed.xml"),
            kind: SourceKind::Feed,
            title: Some(format!("Source {s}")),
            added_by: None,
        };
        let source_id = app.store.add_source(&new, now).await.expect("source").expect("new").id;
        let per_source = DIGEST_ARTICLES / DIGEST_SOURCES + usize::from(s < DIGEST_ARTICLES % DIGEST_SOURCES);
        // As benches/digest.rs: real corpus articles, re-dated over the last 24 hours.
        let batch: Vec<Article> = (0..per_source)
            .map(|k| {
                let n = s * 1000 + k;
                let mut article = pool.templates[n % pool.templates.len()].clone();
                article.guid = format!("bench-{n}");
                article.url = Some(format!("https://source{s}.example/{k}"));
                article.published_at = now - chrono::Duration::seconds(((n * 7919) % 86_000) as i64);
                article.fetched_at = now;
                article
            })
            .collect();
        let outcome = app.store.insert_articles(source_id, &batch).await.expect("insert");
        ids.extend(outcome.inserted.iter().map(|(_, id)| *id));
    }
    app.editor.tag_articles(&ids).await.expect("tag");
    let caller = discord_admin();
    let command = || Command::Digest {
        topic: None,
        hours: Some(24),
        public: false,
    };
    // One untimed run: the topic index is built on first use.
    commands::execute(&app, &caller, command(), now).await;
    let mut times = Timings::default();
    let mut last = None;
    for _ in 0..DIGEST_RUNS {
        let started = Instant::now();
        let reply = commands::execute(&app, &caller, command(), now).await;
        times.push(started.elapsed());
        last = Some(reply);
    }
    println!();
    match last {
        Some(Reply::Digest { digest, .. }) => println!(
            "/digest hours:24: {} in window → {} stories → {} selected; {DIGEST_RUNS} runs: p50 {:.0} ms, p99 {:.0} ms, \
             max {:.0} ms",
            digest.stats.in_window,
            digest.stats.stories,
            digest.stats.selected,
            times.pct(0.50),
            times.pct(0.99),
            times.max()
        ),
        other => println!("/digest did not answer with a digest: {other:?}"),
    }
    app.store.close().await;
    times
}

// ----- timing -------------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Timings(Vec<f64>);

impl Timings {
    fn push(&mut self, d: Duration) {
        self.0.push(ms(d));
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    /// Nearest-rank percentile, in milliseconds.
    fn pct(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }
    fn max(&self) -> f64 {
        self.0.iter().copied().fold(f64::NAN, f64::max)
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
