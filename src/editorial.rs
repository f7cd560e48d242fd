//! The editorial work the app runs on the store: keeping topics in sync and articles tagged,
//! building a digest (read the window → select → summarise the picks → compose), and
//! summarising one document on request. The decisions themselves live in the pure
//! [`crate::pipeline`] and [`crate::digest`] modules; this module only feeds them.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest as _, Sha256};
use url::Url;

use crate::app::App;
use crate::digest::compose::{Candidate, SelectOptions, Selection, StoreTotals, compose, pick, select};
use crate::digest::{Digest, LlmCost, TopicRef};
use crate::domain::SourceKind;
use crate::llm::tasks::{HighlightItem, Rubric, RubricCandidate, SegmentText};
use crate::llm::{LlmSummarizer, Spent, merge_summary};
use crate::pipeline::podcast::{EpisodeSummary, TopicSegment, plain_text_segments, summarize_episode};
use crate::pipeline::score::Score;
use crate::pipeline::summarize::{Document, Extractive, Summarizer as _, Summary};
use crate::pipeline::topics::{Topic, TopicError, TopicInput, TopicMatcher, builtin_topics, validate_custom};
use crate::sources::fetch::{ACCEPT_PAGE, FetchError, FetchOutcome, Validators};
use crate::sources::fulltext::extract;
use crate::sources::normalize::html_to_text;
use crate::sources::transcript::{TranscriptError, TranscriptFormat, parse_transcript};
use crate::store::{NewTopic, StoreError, TaggingInput, TopicRow};

/// Characters of an article's text that topic tagging reads: the lead and body carry the
/// topic long before the end of a long post.
const TAGGING_CHARS: i64 = 20_000;

/// Articles older than this are not re-tagged when topics change; no digest reads them.
const RETAG_DAYS: i64 = 14;

#[derive(Debug, thiserror::Error)]
pub enum EditorialError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Topic(#[from] TopicError),
    #[error("unknown topic {slug:?}; known topics: {known}. See `newsdesk topics list`.")]
    UnknownTopic { slug: String, known: String },
    #[error("a topic {0:?} already exists here; pick another slug or edit that one")]
    TopicExists(String),
    #[error("no custom topic {0:?} here (built-in topics cannot be changed or deleted)")]
    NoSuchCustomTopic(String),
}

/// The compiled topic set: every stored topic, the matcher over them, and the fingerprint
/// that articles are stamped with when tagged.
pub struct TopicIndex {
    pub rows: Vec<TopicRow>,
    matcher: TopicMatcher,
    /// Matcher keys (built-in slugs, `custom-<id>` for custom topics) to topic ids.
    ids_by_key: HashMap<String, i64>,
    pub version: i64,
}

impl std::fmt::Debug for TopicIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopicIndex")
            .field("topics", &self.rows.len())
            .field("version", &self.version)
            .finish()
    }
}

impl TopicIndex {
    pub fn build(rows: Vec<TopicRow>) -> Result<TopicIndex, TopicError> {
        let mut ids_by_key = HashMap::new();
        let topics: Vec<Topic> = rows
            .iter()
            .map(|row| {
                // Custom topics of different servers may share a slug; the matcher needs unique keys.
                let key = if row.builtin {
                    row.slug.clone()
                } else {
                    format!("custom-{}", row.id)
                };
                ids_by_key.insert(key.clone(), row.id);
                Topic {
                    slug: key,
                    name: row.name.clone(),
                    description: row.description.clone(),
                    include: row.include.clone(),
                    exclude: row.exclude.clone(),
                    builtin: row.builtin,
                }
            })
            .collect();
        let matcher = TopicMatcher::new(&topics)?;
        Ok(TopicIndex {
            version: fingerprint(&rows),
            rows,
            matcher,
            ids_by_key,
        })
    }

    /// (topic id, strength) for every topic the article matches.
    pub fn tag(&self, input: &TaggingInput) -> Vec<(i64, f32)> {
        self.matcher
            .matches(&TopicInput {
                title: &input.title,
                text: &input.text,
                is_podcast: input.is_podcast,
                source_url: &input.source_url,
            })
            .into_iter()
            .filter_map(|m| self.ids_by_key.get(&m.slug).map(|&id| (id, m.strength)))
            .collect()
    }

    /// Topics visible in a scope ('' = the command line): built-ins, CLI-made and the scope's own.
    pub fn visible(&self, scope: &str) -> impl Iterator<Item = &TopicRow> {
        self.rows.iter().filter(move |t| t.scope.is_empty() || t.scope == scope)
    }
}

/// Changes whenever any topic's terms change, so stale tags can be found.
fn fingerprint(rows: &[TopicRow]) -> i64 {
    let mut hasher = Sha256::new();
    hasher.update(TAGGER_VERSION.to_le_bytes());
    for row in rows {
        hasher.update(row.id.to_le_bytes());
        for term in row.include.iter().chain([&String::from("\u{0}")]).chain(&row.exclude) {
            hasher.update(term.as_bytes());
            hasher.update([0xff]);
        }
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    // 0 means "never tagged"; keep it free (and positive, for readable rows).
    (i64::from_le_bytes(bytes) & i64::MAX).max(1)
}

/// Bump when the matching rules (not the terms) change, so every article is re-tagged.
const TAGGER_VERSION: u32 = 1;

/// The built-in catalogue in the store's shape.
pub fn builtin_catalogue() -> Vec<NewTopic> {
    builtin_topics()
        .into_iter()
        .map(|t| NewTopic {
            scope: String::new(),
            slug: t.slug,
            name: t.name,
            description: t.description,
            include: t.include,
            exclude: t.exclude,
            created_by: None,
        })
        .collect()
}

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

/// A request to create or replace a custom topic.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicSpec {
    pub scope: String,
    pub slug: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub created_by: Option<String>,
}

impl App {
    /// Writes the built-in catalogue to the store and compiles the topic set.
    pub async fn sync_topics(&self, now: DateTime<Utc>) -> Result<Arc<TopicIndex>, EditorialError> {
        self.store.sync_builtin_topics(&builtin_catalogue(), now).await?;
        self.reload_topics().await
    }

    /// Recompiles the topic set from the store (after a topic was created, edited or deleted).
    pub async fn reload_topics(&self) -> Result<Arc<TopicIndex>, EditorialError> {
        let index = Arc::new(TopicIndex::build(self.store.all_topics().await?)?);
        *self.topics.write().await = Some(index.clone());
        Ok(index)
    }

    /// The compiled topic set, built on first use.
    pub async fn topic_index(&self) -> Result<Arc<TopicIndex>, EditorialError> {
        if let Some(index) = self.topics.read().await.clone() {
            return Ok(index);
        }
        self.sync_topics(Utc::now()).await
    }

    /// Tags these articles with the current topic set; returns how many were tagged.
    pub async fn tag_articles(&self, ids: &[i64]) -> Result<usize, EditorialError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let index = self.topic_index().await?;
        let inputs = self.store.tagging_inputs(ids, TAGGING_CHARS).await?;
        let tags: Vec<(i64, Vec<(i64, f32)>)> = inputs.iter().map(|input| (input.id, index.tag(input))).collect();
        self.store.set_article_topics(&tags, index.version).await?;
        Ok(tags.len())
    }

    /// Re-tags recent articles whose tags predate the current topic set.
    pub async fn retag_stale(&self, now: DateTime<Utc>) -> Result<usize, EditorialError> {
        let index = self.topic_index().await?;
        let stale = self
            .store
            .stale_tagged_articles(now - Duration::days(RETAG_DAYS), index.version)
            .await?;
        let mut tagged = 0;
        for chunk in stale.chunks(1000) {
            tagged += self.tag_articles(chunk).await?;
        }
        Ok(tagged)
    }

    /// Creates a custom topic after validating it; re-tags recent articles for it.
    pub async fn create_topic(&self, spec: &TopicSpec, now: DateTime<Utc>) -> Result<TopicRow, EditorialError> {
        let topic = validate_custom(
            &spec.slug,
            spec.name.as_deref().unwrap_or(&spec.slug),
            &spec.include,
            &spec.exclude,
        )?;
        let new = NewTopic {
            scope: spec.scope.clone(),
            slug: topic.slug.clone(),
            name: topic.name,
            description: spec
                .description
                .clone()
                .unwrap_or_else(|| format!("Custom topic: {}", topic.include.join(", "))),
            include: topic.include,
            exclude: topic.exclude,
            created_by: spec.created_by.clone(),
        };
        let row = self
            .store
            .create_topic(&new, now)
            .await?
            .ok_or_else(|| EditorialError::TopicExists(topic.slug.clone()))?;
        self.reload_topics().await?;
        self.retag_stale(now).await?;
        Ok(row)
    }

    /// Replaces a custom topic's terms (and name/description when given).
    pub async fn edit_topic(&self, spec: &TopicSpec, now: DateTime<Utc>) -> Result<(), EditorialError> {
        let existing = self
            .store
            .topics_for_scope(&spec.scope)
            .await?
            .into_iter()
            .find(|t| t.slug == spec.slug && !t.builtin && t.scope == spec.scope)
            .ok_or_else(|| EditorialError::NoSuchCustomTopic(spec.slug.clone()))?;
        let name = spec.name.clone().unwrap_or(existing.name);
        let topic = validate_custom(&spec.slug, &name, &spec.include, &spec.exclude)?;
        let new = NewTopic {
            scope: spec.scope.clone(),
            slug: topic.slug,
            name: topic.name,
            description: spec.description.clone().unwrap_or(existing.description),
            include: topic.include,
            exclude: topic.exclude,
            created_by: spec.created_by.clone(),
        };
        if !self.store.update_topic(&new).await? {
            return Err(EditorialError::NoSuchCustomTopic(spec.slug.clone()));
        }
        self.reload_topics().await?;
        self.retag_stale(now).await?;
        Ok(())
    }

    /// Deletes a custom topic (and its tags).
    pub async fn delete_topic(&self, scope: &str, slug: &str) -> Result<(), EditorialError> {
        if !self.store.delete_topic(scope, slug).await? {
            return Err(EditorialError::NoSuchCustomTopic(slug.to_string()));
        }
        self.reload_topics().await?;
        Ok(())
    }

    /// Resolves a topic slug visible in `scope`.
    pub async fn find_topic(&self, scope: &str, slug: &str) -> Result<TopicRow, EditorialError> {
        let index = self.topic_index().await?;
        let wanted = slug.trim().to_lowercase();
        // A scope's own topic wins over a CLI-made one of the same slug.
        let mut visible: Vec<&TopicRow> = index.visible(scope).collect();
        visible.sort_by_key(|t| t.scope.is_empty());
        if let Some(row) = visible.iter().find(|t| t.slug == wanted) {
            return Ok((*row).clone());
        }
        let mut known: Vec<&str> = visible.iter().map(|t| t.slug.as_str()).collect();
        known.sort_unstable();
        known.dedup();
        Err(EditorialError::UnknownTopic {
            slug: slug.to_string(),
            known: known.join(", "),
        })
    }

    /// Builds a digest from what is stored (no fetching: the caller polls first if it wants).
    pub async fn digest(&self, request: &DigestRequest, now: DateTime<Utc>) -> Result<Digest, EditorialError> {
        let topic = match &request.topic {
            Some(slug) => Some(self.find_topic(&request.scope, slug).await?),
            None => None,
        };
        self.retag_stale(now).await?;
        let index = self.topic_index().await?;
        let visible: HashMap<i64, &TopicRow> = index.visible(&request.scope).map(|t| (t.id, t)).collect();

        let hours = request.hours.max(1);
        let since = now - Duration::hours(i64::from(hours));
        let started = std::time::Instant::now();
        let window = self.store.window_articles(since, now, &request.scope).await?;
        let (llm, share) = self.llm_for_scope(&request.scope, now).await?;
        let share_exhausted = share != LlmShare::Available;
        let read = started.elapsed();
        let candidates: Vec<Candidate> = window
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
        let mut spent = Spent::default();
        let selection = match &llm {
            None => select(&candidates, &options, now),
            Some(llm) => {
                // The model scores only what the offline score pre-selects: three times the
                // digest's size, never the whole window.
                let wider = SelectOptions {
                    max_items: options.max_items.saturating_mul(3),
                    ..options.clone()
                };
                let mut selection = select(&candidates, &wider, now);
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
                apply_rubric(&mut selection, &candidates, &rubrics, &options);
                selection
            }
        };
        let selected = started.elapsed();

        let picked_ids: Vec<i64> = selection.picked.iter().map(|s| candidates[s.lead].id).collect();
        let texts = self.store.article_texts(&picked_ids).await?;
        let mut summaries = Vec::with_capacity(picked_ids.len());
        for story in &selection.picked {
            let candidate = &candidates[story.lead];
            let text = texts.get(&candidate.id).map_or(candidate.lead.as_str(), String::as_str);
            let (summary, cost) = self.summarize_article(llm.as_deref(), candidate, text, now).await?;
            spent.add(cost);
            summaries.push(summary);
        }

        let summarised = started.elapsed();
        tracing::debug!(
            read_ms = read.as_millis() as u64,
            select_ms = (selected - read).as_millis() as u64,
            summarise_ms = (summarised - selected).as_millis() as u64,
            articles = candidates.len(),
            "digest built"
        );
        let counts = self.store.counts(&request.scope).await?;
        let totals = StoreTotals {
            sources_ok: counts.sources_ok.max(0) as u32,
            sources_total: counts.sources_total.max(0) as u32,
            articles: counts.articles.max(0) as u32,
        };
        let mut digest = compose(&candidates, &selection, &summaries, &options, totals, now);
        if let Some(llm) = &llm {
            if !digest.items.is_empty() {
                let items: Vec<HighlightItem<'_>> = digest
                    .items
                    .iter()
                    .map(|i| HighlightItem {
                        title: &i.title,
                        source: &i.source,
                        tldr: &i.tldr,
                    })
                    .collect();
                match llm.editor().highlights(&items, now, &mut spent).await {
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
            digest.stats.llm = Some(LlmCost {
                requests: spent.requests,
                cache_hits: spent.cache_hits,
                tokens: spent.tokens(),
                fallbacks: spent.fallbacks,
                share_exhausted: false,
            });
            self.charge_scope(&request.scope, &spent, now).await?;
        } else if share_exhausted {
            digest.stats.llm = Some(LlmCost {
                share_exhausted: true,
                ..LlmCost::default()
            });
        }
        Ok(digest)
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
async fn llm_episode(
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

/// Why a document could not be summarised. Shown to the user as is.
#[derive(Debug, thiserror::Error)]
pub enum SummarizeError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot fetch {url}: {source}")]
    Fetch { url: String, source: FetchError },
    #[error("{url} answered 304 Not Modified to a request without validators")]
    NotModified { url: String },
    #[error("cannot read the transcript: {0}")]
    Transcript(#[from] TranscriptError),
    #[error("{0} has no text to summarise")]
    Empty(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether a server may still use the model today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmShare {
    /// No share applies, or some is left.
    Available,
    /// Spent: offline until midnight UTC; `first` the first time today the server hears so.
    Exhausted { first: bool },
}

/// One summarised document (article or episode).
#[derive(Debug, Clone, PartialEq)]
pub struct SummarizedDocument {
    pub title: String,
    pub summary: Summary,
    /// Topic segments, for a transcript.
    pub segments: Option<Vec<TopicSegment>>,
    /// Stories an episode covers, for a transcript.
    pub stories: Vec<String>,
    /// The server ran out of its LLM share just now: say so (once a day).
    pub share_notice: bool,
}

impl App {
    /// Summarises a file or an http(s) URL: an article (HTML page or plain text) or, with
    /// `transcript`, an episode transcript (VTT, SRT, JSON, HTML or plain text).
    pub async fn summarize_input(&self, input: &str, transcript: bool) -> Result<SummarizedDocument, SummarizeError> {
        self.summarize_input_for(input, transcript, "", Utc::now()).await
    }

    /// [`App::summarize_input`] on behalf of chat server `scope`: the model is used only while
    /// the server has some of its LLM share left today, and what it costs is charged to it.
    pub async fn summarize_input_for(
        &self,
        input: &str,
        transcript: bool,
        scope: &str,
        now: DateTime<Utc>,
    ) -> Result<SummarizedDocument, SummarizeError> {
        let (llm, share) = self.llm_for_scope(scope, now).await?;
        let share_notice = share == LlmShare::Exhausted { first: true };
        let (body, content_type, location, page_url) = self.read_input(input).await?;
        let name = document_name(&location);
        if body.trim().is_empty() {
            return Err(SummarizeError::Empty(location));
        }
        if transcript {
            let format = TranscriptFormat::detect(content_type.as_deref().unwrap_or(""), &location)
                .or_else(|| TranscriptFormat::sniff(&body))
                .unwrap_or(TranscriptFormat::Text);
            let segments = match format {
                TranscriptFormat::Text => plain_text_segments(&body),
                other => parse_transcript(&body, other)?,
            };
            if segments.is_empty() {
                return Err(SummarizeError::Empty(location));
            }
            let mut episode = summarize_episode(&name, &segments, &Extractive);
            if let Some(llm) = &llm {
                let (summarised, spent) = llm_episode(llm, &name, &segments, episode, now).await;
                episode = summarised;
                self.charge_scope(scope, &spent, now).await?;
            }
            return Ok(SummarizedDocument {
                title: name,
                summary: episode.summary,
                segments: Some(episode.segments),
                stories: episode.stories,
                share_notice,
            });
        }

        let is_html = content_type.as_deref().is_some_and(|t| t.contains("html"))
            || location.to_ascii_lowercase().ends_with(".html")
            || location.to_ascii_lowercase().ends_with(".htm")
            || body.trim_start().starts_with('<');
        let (title, text) = if is_html {
            match extract(&body, &page_url) {
                Ok(article) => (article.title, article.text),
                Err(_) => (html_title(&body).unwrap_or_default(), html_to_text(&body)),
            }
        } else {
            split_plain_title(&body)
        };
        let title = if title.trim().is_empty() { name } else { title };
        if text.trim().is_empty() {
            return Err(SummarizeError::Empty(location));
        }
        let doc = Document {
            title: &title,
            text: &text,
        };
        let summary = match &llm {
            Some(llm) => {
                let (summary, spent) = llm.summarize_with_cost(doc, now).await;
                self.charge_scope(scope, &spent, now).await?;
                summary
            }
            None => Extractive.summarize(doc).await,
        };
        Ok(SummarizedDocument {
            title,
            summary,
            segments: None,
            stories: Vec::new(),
            share_notice,
        })
    }

    /// (body, content type, location for messages, URL that resolves relative links).
    async fn read_input(&self, input: &str) -> Result<(String, Option<String>, String, Url), SummarizeError> {
        let looks_remote = input.starts_with("http://") || input.starts_with("https://");
        if looks_remote && let Ok(url) = Url::parse(input) {
            let outcome = self
                .fetcher
                .fetch(&url, &Validators::default(), ACCEPT_PAGE)
                .await
                .map_err(|source| SummarizeError::Fetch {
                    url: url.to_string(),
                    source,
                })?;
            return match outcome {
                FetchOutcome::Fetched(page) => Ok((
                    String::from_utf8_lossy(&page.body).into_owned(),
                    page.content_type,
                    url.to_string(),
                    page.final_url,
                )),
                FetchOutcome::NotModified { .. } => Err(SummarizeError::NotModified { url: url.to_string() }),
            };
        }
        let bytes = tokio::fs::read(input).await.map_err(|source| SummarizeError::Read {
            path: input.to_string(),
            source,
        })?;
        let absolute = std::path::absolute(input).unwrap_or_else(|_| std::path::PathBuf::from(input));
        let page_url = Url::from_file_path(&absolute)
            .or_else(|_| Url::parse("file:///document"))
            .map_err(|_| SummarizeError::Empty(input.to_string()))?;
        Ok((
            String::from_utf8_lossy(&bytes).into_owned(),
            None,
            input.to_string(),
            page_url,
        ))
    }
}

/// A readable name for a document from its path or URL: the file name without extension.
fn document_name(location: &str) -> String {
    let trimmed = location
        .split(['?', '#'])
        .next()
        .unwrap_or(location)
        .trim_end_matches('/');
    let file = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let name = stem.replace(['_', '-'], " ");
    if name.trim().is_empty() {
        location.to_string()
    } else {
        name.trim().to_string()
    }
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = html_to_text(html.get(open_end..close)?);
    Some(title.trim().to_string()).filter(|t| !t.is_empty())
}

/// A plain-text file: a short first line without a final full stop is its title. Lines of a
/// paragraph are joined, since hard-wrapped text would otherwise split sentences.
fn split_plain_title(body: &str) -> (String, String) {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let body = body.trim_start_matches('\u{feff}').trim();
    let (first, rest) = body.split_once('\n').unwrap_or((body, ""));
    let first_clean = first.trim().trim_start_matches('#').trim();
    let is_title = !rest.trim().is_empty()
        && first_clean.chars().count() <= 150
        && !first_clean.ends_with(['.', '!', '?', ':', ','])
        && !first_clean.is_empty();
    let text = if is_title { rest } else { body };
    let title = if is_title {
        first_clean.to_string()
    } else {
        String::new()
    };
    (title, reflow(text))
}

fn reflow(text: &str) -> String {
    let mut paragraphs = Vec::new();
    for block in text.split("\n\n") {
        let mut paragraph = String::new();
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let starts_item = line.starts_with(['-', '*', '•', '#'])
                || line
                    .split_once(". ")
                    .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()));
            if !paragraph.is_empty() {
                paragraph.push(if starts_item { '\n' } else { ' ' });
            }
            paragraph.push_str(line);
        }
        if !paragraph.is_empty() {
            paragraphs.push(paragraph);
        }
    }
    paragraphs.join("\n\n")
}
