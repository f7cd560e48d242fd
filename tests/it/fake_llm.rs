//! A fake OpenAI-compatible chat-completions endpoint on 127.0.0.1, for the LLM editor's
//! tests and the `llm_cost` benchmark.
//!
//! It speaks the contract the client uses — `POST {base}/chat/completions` with `model`,
//! `messages` (system, user) and `response_format.json_schema.name` naming the task — and
//! answers *valid* JSON built from the request itself: rubric scores for every `[id]` line
//! inside `<items>`, a summary whose tldr is `"LLM: "` plus the first sentence of the text
//! inside `<article>`, highlights naming the listed stories, a title and summary for every
//! `[index]` block of a podcast map request, and an episode summary from the reduce list.
//! Every model-written text starts with `LLM` so tests can tell it from the offline text.
//!
//! Misbehaviour is switched at run time, for every task or per task: malformed JSON, answers
//! that break the schema or the checks, HTTP 500, answers slower than the client waits,
//! injected `@everyone`, a link the source lacks, and a failure on the first try only.
//!
//! Usage is deterministic: `prompt_tokens` = (system + user characters) / 4 and
//! `completion_tokens` = answer characters / 4. Every request is recorded.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use newsdesk::pipeline::category::Category;
use serde_json::{Value, json};

/// The link [`Mode::ForeignLink`] adds; no source text holds it.
pub const FOREIGN_LINK: &str = "https://evil.example/x";

/// The task names the client sends as `response_format.json_schema.name`.
pub const TASKS: [&str; 5] = ["rubric", "summary", "highlights", "podcast_map", "podcast_reduce"];

/// How the fake answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// A valid answer built from the prompt.
    #[default]
    Good,
    /// A chat completion whose content is not JSON.
    MalformedJson,
    /// JSON that breaks the schema or a range check: missing fields, score 11, unknown category.
    SchemaViolation,
    /// HTTP 500 with an OpenAI-style error body.
    ServerError,
    /// Waits this long, then answers well (past the client's timeout when longer than it).
    Slow(Duration),
    /// A valid shape with `@everyone` in the text.
    InjectMention,
    /// A valid shape with [`FOREIGN_LINK`] in the text.
    ForeignLink,
    /// HTTP 500 the first time a prompt is seen, a good answer to the same prompt after.
    FailFirstThenGood,
}

/// One request the fake saw, with what it answered.
#[derive(Debug, Clone)]
pub struct LlmRequest {
    pub task: String,
    pub model: String,
    pub system: String,
    pub user: String,
    pub body: Value,
    pub authorization: Option<String>,
    /// HTTP status answered.
    pub status: u16,
    /// Usage reported in the answer (0 for an error status).
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// Requests and reported tokens of one task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskTotals {
    pub requests: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl TaskTotals {
    pub fn tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }

    pub fn add(&mut self, other: TaskTotals) {
        self.requests += other.requests;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
    }
}

#[derive(Default)]
struct Inner {
    default_mode: Mode,
    task_modes: HashMap<String, Mode>,
    requests: Vec<LlmRequest>,
    /// (task, user prompt) → times seen, for [`Mode::FailFirstThenGood`].
    seen: HashMap<(String, String), u32>,
}

type Shared = Arc<Mutex<Inner>>;

/// The fake endpoint; it stops with the runtime that started it.
pub struct FakeLlm {
    pub addr: SocketAddr,
    shared: Shared,
}

impl FakeLlm {
    /// Binds 127.0.0.1:0 and serves `/v1/chat/completions` on the current runtime.
    pub async fn start() -> FakeLlm {
        let shared: Shared = Arc::default();
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeLlm { addr, shared }
    }

    /// What `llm.base_url` should be.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// One mode for every task (per-task modes are cleared).
    pub fn set_mode(&self, mode: Mode) {
        let mut inner = self.shared.lock().unwrap();
        inner.default_mode = mode;
        inner.task_modes.clear();
    }

    /// A mode for one task; the others keep theirs.
    pub fn set_task_mode(&self, task: &str, mode: Mode) {
        assert!(TASKS.contains(&task), "unknown task {task}");
        self.shared.lock().unwrap().task_modes.insert(task.to_string(), mode);
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<LlmRequest> {
        self.shared.lock().unwrap().requests.clone()
    }

    /// Requests of one task so far.
    pub fn requests_for(&self, task: &str) -> Vec<LlmRequest> {
        self.requests().into_iter().filter(|r| r.task == task).collect()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.shared.lock().unwrap().requests.len()
    }

    /// How many requests of one task arrived.
    pub fn count_task(&self, task: &str) -> usize {
        self.shared
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.task == task)
            .count()
    }

    /// Requests and reported tokens per task.
    pub fn totals(&self) -> BTreeMap<String, TaskTotals> {
        let mut out: BTreeMap<String, TaskTotals> = BTreeMap::new();
        for r in self.shared.lock().unwrap().requests.iter() {
            out.entry(r.task.clone()).or_default().add(TaskTotals {
                requests: 1,
                prompt_tokens: r.prompt_tokens,
                completion_tokens: r.completion_tokens,
            });
        }
        out
    }

    /// Prompt + completion tokens reported over every answer.
    pub fn tokens(&self) -> u64 {
        self.totals().values().map(TaskTotals::tokens).sum()
    }

    /// Forgets the recorded requests and the first-try memory (modes stay).
    pub fn clear(&self) {
        let mut inner = self.shared.lock().unwrap();
        inner.requests.clear();
        inner.seen.clear();
    }
}

/// The token count the fake reports for `chars` characters.
pub fn tokens_for(chars: usize) -> u64 {
    (chars / 4) as u64
}

async fn chat(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "the body is not JSON");
    };
    let message = |role: &str| {
        request["messages"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["role"] == role))
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    let (system, user) = (message("system"), message("user"));
    let task = task_of(&request, &user);
    let model = request["model"].as_str().unwrap_or_default().to_string();
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);

    let mode = {
        let mut inner = shared.lock().unwrap();
        let mode = inner.task_modes.get(&task).copied().unwrap_or(inner.default_mode);
        let seen = inner.seen.entry((task.clone(), user.clone())).or_default();
        *seen += 1;
        match mode {
            Mode::FailFirstThenGood if *seen == 1 => Mode::ServerError,
            Mode::FailFirstThenGood => Mode::Good,
            other => other,
        }
    };

    let content = match mode {
        Mode::ServerError => None,
        Mode::MalformedJson => Some(format!(
            "Sure! Here is the {task} you asked for: {{\"tldr\": \"LLM: unfinished"
        )),
        Mode::SchemaViolation => Some(violation(&task, &user).to_string()),
        Mode::InjectMention => Some(answer_with(&task, &user, Twist::Mention).to_string()),
        Mode::ForeignLink => Some(answer_with(&task, &user, Twist::Link).to_string()),
        Mode::Good | Mode::Slow(_) | Mode::FailFirstThenGood => Some(answer(&task, &user).to_string()),
    };
    let (status, prompt_tokens, completion_tokens) = match &content {
        Some(content) => (
            200,
            tokens_for(system.chars().count() + user.chars().count()),
            tokens_for(content.chars().count()),
        ),
        None => (500, 0, 0),
    };
    shared.lock().unwrap().requests.push(LlmRequest {
        task,
        model: model.clone(),
        system,
        user,
        body: request,
        authorization,
        status,
        prompt_tokens,
        completion_tokens,
    });
    if let Mode::Slow(delay) = mode {
        tokio::time::sleep(delay).await;
    }
    match content {
        None => error(StatusCode::INTERNAL_SERVER_ERROR, "the fake model is down"),
        Some(content) => {
            let envelope = json!({
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "model": model,
                "choices": [{
                    "index": 0,
                    "message": { "role": "assistant", "content": content },
                    "finish_reason": "stop"
                }],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens
                }
            });
            ([(header::CONTENT_TYPE, "application/json")], envelope.to_string()).into_response()
        }
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    let body = json!({ "error": { "message": message, "type": "server_error" } });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// The task from the schema name, or (for `json_object` requests) from the prompt's opening.
fn task_of(request: &Value, user: &str) -> String {
    if let Some(name) = request["response_format"]["json_schema"]["name"].as_str() {
        return name.to_string();
    }
    let guesses = [
        ("Score each item", "rubric"),
        ("Summarise this article", "summary"),
        ("These stories were selected", "highlights"),
        ("These are consecutive parts", "podcast_map"),
        ("These are the segments", "podcast_reduce"),
    ];
    guesses
        .iter()
        .find(|(opening, _)| user.starts_with(opening))
        .map_or("unknown", |(_, task)| task)
        .to_string()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Twist {
    None,
    Mention,
    Link,
}

/// The well-formed answer to `user` for `task`, as JSON.
pub fn answer(task: &str, user: &str) -> Value {
    answer_with(task, user, Twist::None)
}

fn answer_with(task: &str, user: &str, twist: Twist) -> Value {
    match task {
        "rubric" => rubric_answer(user, twist),
        "summary" => {
            let article = between(user, "<article>\n", "</article>");
            let (title_line, text) = article.split_once("\n\n").unwrap_or((article, ""));
            let title = title_line.strip_prefix("TITLE: ").unwrap_or(title_line);
            let text = if text.trim().is_empty() { title } else { text };
            summary_answer(title, text, twist)
        }
        "highlights" => highlights_answer(user, twist),
        "podcast_map" => map_answer(user, twist),
        "podcast_reduce" => reduce_answer(user, twist),
        _ => json!({}),
    }
}

/// JSON of the right task that the checks must refuse.
fn violation(task: &str, user: &str) -> Value {
    match task {
        "rubric" => {
            let items: Vec<Value> = rubric_items(user)
                .iter()
                .map(|(id, _, _)| {
                    json!({"id": id, "relevance": 11, "quality": 5, "timeliness": 5, "category": "Sports", "keywords": []})
                })
                .collect();
            json!({ "items": items })
        }
        "summary" | "podcast_reduce" => json!({ "tldr": "LLM: a summary with its other fields missing." }),
        "highlights" => json!({ "why_it_matters": "LLM: no highlights field." }),
        "podcast_map" => json!({ "segments": [{ "title": "LLM segment without an index", "summary": "LLM: x" }] }),
        _ => json!({ "unexpected": true }),
    }
}

fn twisted(text: String, twist: Twist) -> String {
    match twist {
        Twist::None => text,
        Twist::Mention => format!("@everyone {text}"),
        Twist::Link => format!("{text} Read more at {FOREIGN_LINK}"),
    }
}

// ---------------------------------------------------------------------------------------
// Reading prompts

/// The text between the first `open` and the last `close` after it; "" when absent.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let Some(start) = text.find(open).map(|at| at + open.len()) else {
        return "";
    };
    let end = text[start..].rfind(close).map_or(text.len(), |at| start + at);
    &text[start..end]
}

/// Words a careful model copies: no mention syntax, markup or links.
fn clean_words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|w| {
            !w.contains(['@', '<', '>', '[', ']', '(', ')', '*', '`', '|'])
                && !w.contains("://")
                && !w.to_lowercase().starts_with("www.")
        })
        .collect()
}

/// Cleaned sentences of `text`.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for word in clean_words(text) {
        current.push(word);
        if word.ends_with(['.', '!', '?']) && current.len() >= 4 {
            out.push(current.join(" "));
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// At most `words` words and `chars` characters, cut at a word.
fn cap(text: &str, words: usize, chars: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace().take(words) {
        if out.chars().count() + word.chars().count() + 1 > chars {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lowercase alphanumeric words of at least three letters, for tags and keywords.
fn keywords(text: &str, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let word: String = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
            .chars()
            .take(30)
            .collect();
        if word.chars().count() >= 3 && word.chars().all(char::is_alphanumeric) && !out.contains(&word) {
            out.push(word);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

fn hash(text: &str) -> u64 {
    // FNV-1a: stable across runs and platforms.
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

// ---------------------------------------------------------------------------------------
// Answers

/// (id, title, age in hours) of every `[id] title — source — N h old` line inside `<items>`.
fn rubric_items(user: &str) -> Vec<(i64, String, i64)> {
    let mut out = Vec::new();
    for line in between(user, "<items>\n", "</items>").lines() {
        let Some(rest) = line.strip_prefix('[') else { continue };
        let Some((id, rest)) = rest.split_once("] ") else {
            continue;
        };
        let Ok(id) = id.parse::<i64>() else { continue };
        let Some(rest) = rest.strip_suffix(" h old") else {
            continue;
        };
        let mut parts = rest.rsplitn(3, " — ");
        let (Some(age), Some(_source), Some(title)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(age) = age.parse::<i64>() else { continue };
        out.push((id, title.to_string(), age));
    }
    out
}

fn label(category: Category) -> String {
    serde_json::to_value(category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Scores derived from the title: off-topic titles low (category Other), security titles in
/// Security, the rest AI / ML.
fn rubric_answer(user: &str, twist: Twist) -> Value {
    let items: Vec<Value> = rubric_items(user)
        .iter()
        .map(|(id, title, age)| {
            let lower = title.to_lowercase();
            let h = hash(title);
            let off_topic = ["hamlet", "theatre", "recipe"].iter().any(|w| lower.contains(w));
            let relevance = if off_topic { 2 } else { 6 + (h % 4) as i64 };
            let quality = 5 + ((h >> 8) % 4) as i64;
            let timeliness = (10 - age / 4).clamp(1, 10);
            let security = ["security", "injection", "cve", "vulnerab", "exploit"]
                .iter()
                .any(|w| lower.contains(w));
            let category = match (off_topic, security) {
                (true, _) => Category::Other,
                (false, true) => Category::Security,
                (false, false) => Category::AiMl,
            };
            let mut keywords = keywords(title, 3);
            match twist {
                Twist::None => {}
                Twist::Mention => keywords.push("@everyone".into()),
                Twist::Link => keywords.push(FOREIGN_LINK.into()),
            }
            json!({
                "id": id,
                "relevance": relevance,
                "quality": quality,
                "timeliness": timeliness,
                "category": label(category),
                "keywords": keywords,
            })
        })
        .collect();
    json!({ "items": items })
}

fn summary_answer(title: &str, text: &str, twist: Twist) -> Value {
    let sentences = sentences(text);
    let first = sentences
        .first()
        .cloned()
        .unwrap_or_else(|| clean_words(title).join(" "));
    let tldr = format!("LLM: {}", cap(&first, 30, 280));
    let summary = format!(
        "LLM: {}",
        cap(
            &sentences.iter().take(2).cloned().collect::<Vec<_>>().join(" "),
            150,
            900
        )
    );
    let bullets: Vec<String> = sentences
        .iter()
        .skip(1)
        .take(3)
        .map(|s| cap(s, 40, 250))
        .filter(|s| !s.is_empty())
        .collect();
    let term = clean_words(text)
        .into_iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 6 && w.chars().count() <= 40 && w.chars().all(char::is_alphanumeric))
        .max_by_key(|w| (w.chars().count(), std::cmp::Reverse(*w)))
        .map(str::to_string);
    let decoder: Vec<Value> = term
        .into_iter()
        .map(|t| json!({ "term": t, "definition": "LLM: a term the article uses." }))
        .collect();
    let mut tags = keywords(title, 4);
    if tags.is_empty() {
        tags.push("ai".into());
    }
    json!({
        "tldr": twisted(tldr, twist),
        "summary": twisted(summary, twist),
        "bullets": bullets,
        "why_it_matters": "LLM: it changes what people who build with AI can do next.",
        "decoder": decoder,
        "tags": tags,
    })
}

/// Titles of the `N. title (source) — tldr` lines inside `<items>`.
fn highlights_answer(user: &str, twist: Twist) -> Value {
    let titles: Vec<String> = between(user, "<items>\n", "</items>")
        .lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once(". ")?;
            let (head, _) = rest.split_once(" — ").unwrap_or((rest, ""));
            let title = head.rsplit_once(" (").map_or(head, |(title, _)| title);
            Some(cap(&clean_words(title).join(" "), 14, 110))
        })
        .filter(|t| !t.is_empty())
        .collect();
    let highlights = format!("LLM highlights: {}.", cap(&titles.join("; "), 120, 800));
    json!({
        "highlights": twisted(highlights, twist),
        "why_it_matters": format!("LLM: together these {} stories show where AI building is heading.", titles.len()),
    })
}

/// Every `[index]` block inside `<article>`.
fn map_blocks(user: &str) -> Vec<(usize, String)> {
    let mut blocks: Vec<(usize, String)> = Vec::new();
    for line in between(user, "<article>\n", "</article>").lines() {
        let trimmed = line.trim();
        let index = trimmed
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|n| n.parse::<usize>().ok());
        match (index, blocks.last_mut()) {
            (Some(index), _) => blocks.push((index, String::new())),
            (None, Some((_, text))) => {
                text.push_str(line);
                text.push(' ');
            }
            (None, None) => {}
        }
    }
    blocks
}

fn map_answer(user: &str, twist: Twist) -> Value {
    let segments: Vec<Value> = map_blocks(user)
        .iter()
        .map(|(index, text)| {
            let title = format!("LLM segment {index}: {}", cap(&clean_words(text).join(" "), 6, 80));
            let first = sentences(text).into_iter().next().unwrap_or_default();
            let summary = format!("LLM: {}", cap(&first, 40, 400));
            let (title, summary) = match twist {
                Twist::None => (title, summary),
                Twist::Mention => (twisted(title, twist), summary),
                Twist::Link => (title, twisted(summary, twist)),
            };
            json!({ "index": index, "title": title, "summary": summary })
        })
        .collect();
    json!({ "segments": segments })
}

/// An episode summary from the `- title: summary` lines inside `<article>`.
fn reduce_answer(user: &str, twist: Twist) -> Value {
    let titles: Vec<String> = between(user, "<article>\n", "</article>")
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(|l| {
            let title = l.split_once(": ").map_or(l, |(t, _)| t);
            // Map titles read "LLM segment N: words"; keep the words.
            let title = title.split_once(": ").map_or(title, |(_, rest)| rest);
            cap(&clean_words(title).join(" "), 10, 100)
        })
        .filter(|t| !t.is_empty())
        .collect();
    let tldr = format!("LLM: This episode covers {} segments.", titles.len());
    let summary = format!("LLM: The episode runs through {}.", cap(&titles.join("; "), 120, 900));
    json!({
        "tldr": twisted(tldr, twist),
        "summary": twisted(summary, twist),
        "bullets": titles.iter().take(5).collect::<Vec<_>>(),
        "why_it_matters": "",
        "decoder": [],
        "tags": ["podcast"],
    })
}
