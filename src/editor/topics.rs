//! Topics: the built-in catalogue synced into the store, custom topics per server, the
//! compiled [`TopicIndex`] cached by the editor, and tagging articles with it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest as _, Sha256};

use super::{Editor, EditorialError};
use crate::pipeline::topics::{Topic, TopicError, TopicInput, TopicMatcher, builtin_topics, validate_custom};
use crate::store::{NewTopic, TaggingInput, TopicRow};

/// Characters of an article's text that topic tagging reads: the lead and body carry the
/// topic long before the end of a long post.
const TAGGING_CHARS: i64 = 20_000;

/// Articles older than this are not re-tagged when topics change; no digest reads them.
const RETAG_DAYS: i64 = 14;

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

impl Editor {
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
        self.sync_topics(self.clock.now()).await
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
}
