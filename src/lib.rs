//! newsdesk: an AI-news desk for chat servers.
//!
//! Data flows one way through the modules:
//!
//! - [`sources`] fetches feeds over HTTP (conditional GET, limits, SSRF guard), parses
//!   them into [`domain::Article`]s, reads podcast transcripts and OPML files, and ships
//!   the default AI source pack.
//! - [`store`] is the only module that speaks SQL: sources with their health, articles,
//!   transcripts and the FTS5 search index, in one SQLite file.
//! - [`app`] builds and holds the services — the [`editor::Editor`] and the
//!   [`poller::Poller`] — over the store and HTTP client, and manages sources per scope.
//! - [`cli`] is the command-line surface the thin `main.rs` hands over to.
//! - [`pipeline`] (pure) tags topics and categories, clusters near-duplicates, scores and
//!   summarises; [`digest`] composes an edition, lays it out once ([`digest::layout`]) and
//!   renders it; the [`editor`] service feeds them from the store (tagging, digests, one-off
//!   summaries) and the [`poller`] service runs polling passes.
//! - [`commands`] is the platform-neutral command set (one enum, handlers returning a
//!   reply); [`chat`] holds the adapters that speak Discord, the console (and Matrix) behind
//!   the `ChatSink` trait, each giving a sink and a command listener; [`scheduler`] polls
//!   sources and delivers digests and alerts — one per process, built by `cli::serve` over
//!   every adapter's sink; [`clock`] is the one source of "now".
//! - [`ops`], [`metrics`] and [`telemetry`] are the operator's side: `/healthz`, Prometheus
//!   `/metrics`, logging.
//! - [`llm`] is the optional LLM editor (abstractive summaries, rubric scores, highlights,
//!   podcast episodes) over any OpenAI-compatible endpoint, cached, budgeted, validated, with
//!   the offline pipeline as its fallback.
//! - [`text`] is the text toolkit under both `sources` and `pipeline`: HTML to text,
//!   sentences, words, stop lists and stemming.
//! - [`config`] holds the typed, layered settings.
//! - `eval` (cargo feature `eval`, not shipped in the bot) measures the summariser offline:
//!   ROUGE and an evaluation set built from the shared feed corpus
//!   (`cargo bench --features eval --bench summarize`).

pub mod app;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod digest;
pub mod domain;
pub mod editor;
#[cfg(feature = "eval")]
pub mod eval;
pub mod llm;
pub mod metrics;
pub mod ops;
pub mod pipeline;
pub mod poller;
pub mod scheduler;
pub mod sources;
pub mod store;
pub mod telemetry;
pub mod text;
