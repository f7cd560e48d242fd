//! Composing a digest: read the candidates → select → summarise the picks → highlights,
//! each a named step over the pure [`crate::digest::compose`] functions, with the LLM
//! editor where a server still has its share of the day's budget.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::{Editor, EditorialError};
use crate::digest::compose::{Candidate, SelectOptions, Selection, StoreTotals, compose, pick, select};
use crate::digest::{Digest, LlmCost, TopicRef};
use crate::domain::SourceKind;
use crate::llm::tasks::{HighlightItem, Rubric, RubricCandidate, SegmentText};
use crate::llm::{LlmSummarizer, Spent, merge_summary};
use crate::pipeline::podcast::{EpisodeSummary, TopicSegment, summarize_episode};
use crate::pipeline::score::Score;
use crate::pipeline::summarize::{ArticleRef, Document, Extractive, Summarizer as _, Summary, or_lead_on_panic};
use crate::store::{StoreCounts, StoreError, TopicRow};

/// What a digest is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestRequest {
    /// Whose topics are visible: '' for the command line, else e.g. `discord:1234`.
    pub scope: String,
    pub topic: Option<String>,
    pub hours: u32,
    pub max_items: usize,
    pub min_score: u8,
}

/// Whether a server may still use the model today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmShare {
    /// No share applies, or some is left.
    Available,
    /// Spent: offline until midnight UTC; `first` the first time today the server hears so.
    Exhausted { first: bool },
}

/// How an edition may use the LLM editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EditorMode {
    /// With the model (configured, and the server has some of its share left).
    Model,
    /// Offline: no model is configured.
    Offline,
    /// Offline because the server spent its share of today's budget; the digest says so.
    ShareExhausted,
}

/// The candidates of a digest's window and the options to select them with.
struct Window {
    candidates: Vec<Candidate>,
    options: SelectOptions,
}

impl Editor {
    /// Composes a digest from what is stored (no fetching: the caller polls first if it
    /// wants), in four steps: read the candidates → select → summarise the picks →
    /// highlights; with the model while the request's server has its share of the day's
    /// budget, and charges what the model cost to that server.
    pub async fn digest(&self, request: &DigestRequest, now: DateTime<Utc>) -> Result<Digest, EditorialError> {
        let mode = self.editor_mode(&request.scope, now).await?;
        let (digest, spent) = self.edition(request, mode, now).await?;
        self.charge_scope(&request.scope, &spent, now).await?;
        Ok(digest)
    }

    /// How work for `scope` may use the model right now (see [`Editor::llm_for_scope`]).
    pub async fn editor_mode(&self, scope: &str, now: DateTime<Utc>) -> Result<EditorMode, StoreError> {
        Ok(match self.llm_for_scope(scope, now).await? {
            (Some(_), _) => EditorMode::Model,
            (None, LlmShare::Exhausted { .. }) => EditorMode::ShareExhausted,
            (None, LlmShare::Available) => EditorMode::Offline,
        })
    }

    /// Composes one edition in the given mode and says what the model cost; charging it is
    /// the caller's (an edition shared by many servers is charged to all of them).
    pub async fn edition(
        &self,
        request: &DigestRequest,
        mode: EditorMode,
        now: DateTime<Utc>,
    ) -> Result<(Digest, Spent), EditorialError> {
        let llm = match mode {
            EditorMode::Model => self.llm.clone(),
            EditorMode::Offline | EditorMode::ShareExhausted => None,
        };
        let started = std::time::Instant::now();
        let window = self.read_candidates(request, now).await?;
        let read = started.elapsed();
        let mut spent = Spent::default();
        let selection = self.select(&window, llm.as_deref(), now, &mut spent).await;
        let selected = started.elapsed();
        let summaries = self
            .summarise_picks(&window, &selection, llm.as_deref(), now, &mut spent)
            .await?;
        tracing::debug!(
            read_ms = read.as_millis() as u64,
            select_ms = (selected - read).as_millis() as u64,
            summarise_ms = (started.elapsed() - selected).as_millis() as u64,
            articles = window.candidates.len(),
            "digest built"
        );
        let counts = self.counts_for(&request.scope, now).await?;
        let totals = StoreTotals {
            sources_ok: counts.sources_ok.max(0) as u32,
            sources_total: counts.sources_total.max(0) as u32,
            articles: counts.articles.max(0) as u32,
        };
        let mut digest = compose(&window.candidates, &selection, &summaries, &window.options, totals, now);
        match (&llm, mode) {
            (Some(llm), _) => {
                self.highlights(&mut digest, llm, now, &mut spent).await;
                digest.stats.llm = Some(LlmCost {
                    requests: spent.requests,
                    cache_hits: spent.cache_hits,
                    tokens: spent.tokens(),
                    fallbacks: spent.fallbacks,
                    share_exhausted: false,
                });
            }
            (None, EditorMode::ShareExhausted) => {
                digest.stats.llm = Some(LlmCost {
                    share_exhausted: true,
                    ..LlmCost::default()
                });
            }
            (None, _) => {}
        }
        Ok((digest, spent))
    }

    /// Step 1: the window's articles the request's scope may read, as candidates labelled
    /// with the topics visible there (recent articles re-tagged first if topics changed).
    async fn read_candidates(&self, request: &DigestRequest, now: DateTime<Utc>) -> Result<Window, EditorialError> {
        let topic = match &request.topic {
            Some(slug) => Some(self.find_topic(&request.scope, slug).await?),
            None => None,
        };
        self.retag_stale(now).await?;
        let index = self.topic_index().await?;
        let visible: HashMap<i64, &TopicRow> = index.visible(&request.scope).map(|t| (t.id, t)).collect();
        let hours = request.hours.max(1);
        let since = now - Duration::hours(i64::from(hours));
        // Only the topic's articles are read: selection keeps nothing else.
        let articles = self
            .store
            .window_articles(since, now, &request.scope, topic.as_ref().map(|t| t.id))
            .await?;
        let candidates = articles
            .into_iter()
            .map(|a| {
                let mut topics: Vec<(String, f32)> = a
                    .topics
                    .iter()
                    .filter_map(|(id, strength)| visible.get(id).map(|t| (t.slug.clone(), *strength)))
                    .collect();
                topics.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                Candidate {
                    id: a.id,
                    title: a.title,
                    url: a.url,
                    text_words: (a.text_chars.max(0) as usize) / 6,
                    lead: a.lead,
                    published_at: a.published_at,
                    date_missing: a.date_missing,
                    excerpt_only: a.excerpt_only,
                    source_id: a.source_id,
                    source_name: a.source_name,
                    source_url: a.source_url,
                    source_weight: a.source_weight,
                    is_podcast: a.source_kind == SourceKind::Podcast,
                    has_transcript: a.transcript_segments > 0,
                    topics,
                    sightings: a.sightings,
                }
            })
            .collect();
        let options = SelectOptions {
            topic: topic.as_ref().map(|t| TopicRef {
                slug: t.slug.clone(),
                name: t.name.clone(),
            }),
            window_hours: hours,
            min_score: request.min_score,
            max_items: request.max_items,
            topic_names: visible.values().map(|t| (t.slug.clone(), t.name.clone())).collect(),
        };
        Ok(Window { candidates, options })
    }

    /// Step 2: the stories to show. Offline scores decide; with a model, the model scores
    /// only what the offline score pre-selects (three times the digest's size, never the
    /// whole window) and its rubric decides among those.
    async fn select(
        &self,
        window: &Window,
        llm: Option<&LlmSummarizer>,
        now: DateTime<Utc>,
        spent: &mut Spent,
    ) -> Selection {
        let (candidates, options) = (&window.candidates, &window.options);
        let Some(llm) = llm else {
            return select(candidates, options, now);
        };
        let wider = SelectOptions {
            max_items: options.max_items.saturating_mul(3),
            ..options.clone()
        };
        let mut selection = select(candidates, &wider, now);
        let inputs: Vec<RubricCandidate<'_>> = selection
            .picked
            .iter()
            .map(|story| {
                let c = &candidates[story.lead];
                RubricCandidate {
                    id: c.id,
                    title: &c.title,
                    source: &c.source_name,
                    lead: &c.lead,
                    age_hours: (now - c.published_at).num_hours(),
                }
            })
            .collect();
        let (rubrics, cost) = llm.editor().rubric(&inputs, now).await;
        spent.add(cost);
        apply_rubric(&mut selection, candidates, &rubrics, options);
        selection
    }

    /// Step 3: a summary of each pick, from its full text.
    async fn summarise_picks(
        &self,
        window: &Window,
        selection: &Selection,
        llm: Option<&LlmSummarizer>,
        now: DateTime<Utc>,
        spent: &mut Spent,
    ) -> Result<Vec<Summary>, EditorialError> {
        let candidates = &window.candidates;
        let picked_ids: Vec<i64> = selection.picked.iter().map(|s| candidates[s.lead].id).collect();
        let texts = self.store.article_texts(&picked_ids).await?;
        let mut summaries = Vec::with_capacity(picked_ids.len());
        for story in &selection.picked {
            let candidate = &candidates[story.lead];
            let text = texts.get(&candidate.id).map_or(candidate.lead.as_str(), String::as_str);
            // One article's panic (a parser bug on odd input) must not cost the whole digest.
            let article = ArticleRef {
                id: candidate.id,
                title: &candidate.title,
                url: candidate.url.as_deref(),
                lead: &candidate.lead,
            };
            let work = self.summarize_article(llm, candidate, text, now);
            let (summary, cost) = or_lead_on_panic(article, work, |lead| Ok((lead, Spent::default()))).await?;
            spent.add(cost);
            summaries.push(summary);
        }
        Ok(summaries)
    }

    /// Step 4 (with a model): the highlights paragraph over the composed items; the offline
    /// paragraph stays when the model fails.
    async fn highlights(&self, digest: &mut Digest, llm: &LlmSummarizer, now: DateTime<Utc>, spent: &mut Spent) {
        if digest.items.is_empty() {
            return;
        }
        let items: Vec<HighlightItem<'_>> = digest
            .items
            .iter()
            .map(|i| HighlightItem {
                title: &i.title,
                source: &i.source,
                tldr: &i.tldr,
            })
            .collect();
        match llm.editor().highlights(&items, now, spent).await {
            Ok((highlights, why)) => {
                digest.highlights = match why {
                    Some(why) => format!("{highlights} Why it matters: {why}"),
                    None => highlights,
                };
            }
            Err(err) => {
                tracing::info!(error = %err, "highlights fall back on the offline paragraph");
                spent.fallbacks += 1;
            }
        }
    }

    /// The data overview's counts for `scope`, read at most once a minute (of `now`) per scope.
    async fn counts_for(&self, scope: &str, now: DateTime<Utc>) -> Result<StoreCounts, StoreError> {
        const FRESH_FOR: Duration = Duration::seconds(60);
        {
            let cache = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((at, counts)) = cache.get(scope)
                && (now - *at).abs() < FRESH_FOR
            {
                return Ok(*counts);
            }
        }
        let counts = self.store.counts(scope).await?;
        let mut cache = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        // A few hundred audiences at most; entries of scopes not asked for lately go.
        cache.retain(|_, (at, _)| (now - *at).abs() < FRESH_FOR * 10);
        cache.insert(scope.to_string(), (now, counts));
        Ok(counts)
    }

    /// The LLM editor for work done for `scope`, unless that server has spent its share of
    /// today's budget (`llm.max_tokens_per_server_day`); then the offline editor, and whether
    /// the server hears of it for the first time today.
    /// The global scope (command line, console) has no share of its own. The share is
    /// checked before each digest or summary, so one piece of work may finish above it.
    pub async fn llm_for_scope(
        &self,
        scope: &str,
        now: DateTime<Utc>,
    ) -> Result<(Option<Arc<LlmSummarizer>>, LlmShare), StoreError> {
        let Some(llm) = &self.llm else {
            return Ok((None, LlmShare::Available));
        };
        let share = self.settings.llm.server_share();
        if scope.is_empty() || share == 0 {
            return Ok((Some(llm.clone()), LlmShare::Available));
        }
        let (spent, _) = self.store.llm_scope_usage(scope, now).await?;
        if spent >= i64::try_from(share).unwrap_or(i64::MAX) {
            let first = self.store.llm_mark_scope_notified(scope, now).await?;
            if first {
                tracing::info!(
                    scope,
                    spent,
                    share,
                    "a server used its share of today's LLM budget; offline until midnight UTC"
                );
            }
            return Ok((None, LlmShare::Exhausted { first }));
        }
        Ok((Some(llm.clone()), LlmShare::Available))
    }

    /// Adds what the model cost to `scope`'s day.
    pub async fn charge_scope(&self, scope: &str, spent: &Spent, now: DateTime<Utc>) -> Result<(), StoreError> {
        if scope.is_empty() || spent.tokens() == 0 {
            return Ok(());
        }
        let tokens = i64::try_from(spent.tokens()).unwrap_or(i64::MAX);
        self.store.llm_add_scope_tokens(scope, tokens, now).await
    }

    /// Splits what a shared edition cost the model evenly between the servers that receive
    /// it (rounded up, so the parts never add up to less than the whole).
    pub async fn charge_scopes(&self, scopes: &[&str], spent: &Spent, now: DateTime<Utc>) -> Result<(), StoreError> {
        let servers: Vec<&str> = scopes.iter().copied().filter(|s| !s.is_empty()).collect();
        if servers.is_empty() || spent.tokens() == 0 {
            return Ok(());
        }
        let total = i64::try_from(spent.tokens()).unwrap_or(i64::MAX);
        let part = (total + servers.len() as i64 - 1) / servers.len() as i64;
        for scope in servers {
            self.store.llm_add_scope_tokens(scope, part, now).await?;
        }
        Ok(())
    }

    /// A podcast episode with a transcript is summarised from the transcript; anything else
    /// from its text, by the LLM editor when configured (falling back on the extractive
    /// summariser), else the extractive one.
    async fn summarize_article(
        &self,
        llm: Option<&LlmSummarizer>,
        candidate: &Candidate,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(Summary, Spent), EditorialError> {
        if candidate.has_transcript {
            let segments = self.store.transcript(candidate.id).await?;
            if !segments.is_empty() {
                let offline = summarize_episode(&candidate.title, &segments, &Extractive);
                return Ok(match llm {
                    Some(llm) => {
                        let (episode, spent) = llm_episode(llm, &candidate.title, &segments, offline, now).await;
                        (episode.summary, spent)
                    }
                    None => (offline.summary, Spent::default()),
                });
            }
        }
        let doc = Document {
            title: &candidate.title,
            text,
        };
        Ok(match llm {
            Some(llm) => llm.summarize_with_cost(doc, now).await,
            None => (Extractive.summarize(doc).await, Spent::default()),
        })
    }
}

/// Lays the model's rubric over the pre-selected stories, then keeps the best
/// `max_items` at or above the minimum. Stories the model could not score keep their
/// offline score.
fn apply_rubric(selection: &mut Selection, candidates: &[Candidate], rubrics: &[Rubric], options: &SelectOptions) {
    for story in &mut selection.picked {
        let id = candidates[story.lead].id;
        if let Some(rubric) = rubrics.iter().find(|r| r.id == id) {
            let mut reasons = vec![format!(
                "LLM rubric: relevance {}/10, quality {}/10, timeliness {}/10",
                rubric.relevance, rubric.quality, rubric.timeliness
            )];
            reasons.append(&mut story.score.reasons);
            story.score = Score {
                relevance: rubric.relevance,
                quality: rubric.quality,
                timeliness: rubric.timeliness,
                total: rubric.total(),
                reasons,
            };
            story.category = rubric.category;
        }
    }
    let scored = std::mem::take(&mut selection.picked)
        .into_iter()
        .filter(|s| s.score.total >= options.min_score)
        .collect();
    selection.picked = pick(candidates, scored, options.max_items);
}

/// An episode summarised by the model (map over transcript chunks, reduce), merged over the
/// offline one; the offline one alone when the model fails.
pub(super) async fn llm_episode(
    llm: &LlmSummarizer,
    title: &str,
    segments: &[crate::domain::Segment],
    offline: EpisodeSummary,
    now: DateTime<Utc>,
) -> (EpisodeSummary, Spent) {
    let chunks = transcript_chunks(segments);
    let mut spent = Spent::default();
    match llm.editor().summarize_episode(title, &chunks, now, &mut spent).await {
        Ok((summary, mapped)) => {
            let segments = mapped
                .into_iter()
                .map(|(start, m)| TopicSegment {
                    start,
                    title: m.title,
                    summary: m.summary,
                })
                .collect::<Vec<_>>();
            let stories = segments.iter().map(|s| s.title.clone()).collect();
            (
                EpisodeSummary {
                    summary: merge_summary(summary, offline.summary),
                    stories,
                    segments,
                },
                spent,
            )
        }
        Err(err) => {
            tracing::info!(error = %err, title, "episode summary falls back on the offline one");
            spent.fallbacks += 1;
            (offline, spent)
        }
    }
}

/// Transcript cues joined into chunks of about [`tasks::SEGMENT_CHARS`], each with the start
/// of its first cue: the map step's units.
fn transcript_chunks(segments: &[crate::domain::Segment]) -> Vec<SegmentText> {
    let mut chunks: Vec<SegmentText> = Vec::new();
    for segment in segments {
        let text = segment.text.trim();
        if text.is_empty() {
            continue;
        }
        match chunks.last_mut() {
            Some(last) if last.text.len() + text.len() < crate::llm::tasks::SEGMENT_CHARS => {
                last.text.push(' ');
                last.text.push_str(text);
            }
            _ => chunks.push(SegmentText {
                start: segment.start,
                text: text.to_string(),
            }),
        }
    }
    chunks
}
