//! The JSON edition: one object for scripts and other tools.
//!
//! The shape is spelled out here rather than derived, so that renaming a field of
//! [`Digest`] cannot silently change what consumers read. Feed text is passed through as
//! data: JSON encoding makes it inert, and consumers get the text as the feed gave it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::digest::{Digest, DigestItem};

/// The digest as one JSON object (see the module docs for why the shape is explicit).
pub fn json(digest: &Digest) -> Value {
    let s = &digest.stats;
    json!({
        "title": digest.title,
        "generated_at": rfc3339(digest.generated_at),
        "topic": digest.topic.as_ref().map(|t| json!({ "slug": t.slug, "name": t.name })),
        "highlights": digest.highlights,
        "window_hours": s.window_hours,
        "stats": {
            "sources_ok": s.sources_ok,
            "sources_total": s.sources_total,
            "fetched": s.fetched,
            "in_window": s.in_window,
            "stories": s.stories,
            "above_threshold": s.above_threshold,
            "selected": s.selected,
            "window_hours": s.window_hours,
            "min_score": s.min_score,
        },
        "must_read": digest.must_read().iter().map(|i| i.rank).collect::<Vec<_>>(),
        "items": digest.items.iter().map(item).collect::<Vec<_>>(),
        "keywords": digest.keywords.iter().map(|(word, n)| json!([word, n])).collect::<Vec<_>>(),
        "categories": digest
            .categories
            .iter()
            .map(|(category, n)| json!([category.label(), n]))
            .collect::<Vec<_>>(),
    })
}

fn item(item: &DigestItem) -> Value {
    json!({
        "rank": item.rank,
        "title": item.title,
        "url": item.url,
        "source": item.source,
        "published_at": rfc3339(item.published_at),
        "category": item.category.label(),
        "score": {
            "relevance": item.score.relevance,
            "quality": item.score.quality,
            "timeliness": item.score.timeliness,
            "total": item.score.total,
            "reasons": item.score.reasons,
        },
        "tldr": item.tldr,
        "summary": item.summary,
        "bullets": item.bullets,
        "why_it_matters": item.why_it_matters,
        "tags": item.tags,
        "decoder": item
            .decoder
            .iter()
            .map(|e| json!({ "term": e.term, "definition": e.definition }))
            .collect::<Vec<_>>(),
        "also_covered_by": item.also_covered_by,
        "also_covered_by_sources": item.also_covered_by_sources,
        "topics": item.topics,
        "summarizer": item.summarizer,
    })
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::render::fixture;

    #[test]
    fn top_level_shape() {
        let v = json(&fixture::digest());
        assert_eq!(v["title"], "📰 AI Daily Digest — 2026-04-16");
        assert_eq!(v["generated_at"], "2026-04-16T14:01:00Z");
        assert!(DateTime::parse_from_rfc3339(v["generated_at"].as_str().unwrap_or_default()).is_ok());
        assert!(v["highlights"].is_string());
        assert_eq!(v["window_hours"], 24);
        assert_eq!(v["topic"]["slug"], "llm");
        let stats = &v["stats"];
        for (key, expected) in [
            ("sources_ok", 89),
            ("sources_total", 92),
            ("fetched", 2542),
            ("in_window", 26),
            ("stories", 21),
            ("above_threshold", 17),
            ("selected", 7),
            ("window_hours", 24),
            ("min_score", 18),
        ] {
            assert_eq!(stats[key].as_u64(), Some(expected), "{key}");
        }
        assert_eq!(v["must_read"], json!([1, 2, 3]));
        assert_eq!(v["keywords"][0], json!(["ai", 3]));
        let keywords = v["keywords"].as_array().map(Vec::len);
        assert_eq!(keywords, Some(12));
        for kw in v["keywords"].as_array().into_iter().flatten() {
            let pair = kw.as_array().map(Vec::as_slice).unwrap_or_default();
            assert!(matches!(pair, [Value::String(_), Value::Number(_)]), "{kw}");
        }
        assert_eq!(v["categories"][0], json!(["🤖 AI / ML", 3]));
        assert_eq!(v["items"].as_array().map(Vec::len), Some(7));
    }

    #[test]
    fn item_shape() {
        let v = json(&fixture::digest());
        let first = &v["items"][0];
        assert_eq!(first["rank"], 1);
        assert!(first["title"].as_str().is_some_and(|t| t.starts_with("Jensen Huang")));
        assert_eq!(first["url"], "https://www.dwarkesh.com/p/jensen-huang");
        assert_eq!(first["source"], "dwarkesh.com");
        assert_eq!(first["published_at"], "2026-04-15T16:01:00Z");
        assert_eq!(first["category"], "💡 Opinion / Essays");
        let score = &first["score"];
        for key in ["relevance", "quality", "timeliness", "total"] {
            assert!(score[key].is_u64(), "{key}");
        }
        assert_eq!(score["total"], 29);
        assert!(
            score["reasons"]
                .as_array()
                .is_some_and(|r| r.iter().all(Value::is_string))
        );
        assert!(first["tldr"].is_string());
        assert!(first["summary"].is_string());
        assert!(first["bullets"].as_array().is_some_and(|b| b.len() == 2));
        assert!(first["why_it_matters"].is_string());
        assert!(first["tags"].as_array().is_some_and(|t| t.iter().all(Value::is_string)));
        assert_eq!(first["decoder"][0]["term"], "LLM");
        assert!(first["decoder"][0]["definition"].is_string());
        assert!(first["also_covered_by"].is_array());
        assert_eq!(first["topics"], json!(["llm"]));
        assert_eq!(first["summarizer"], "extractive");
        assert!(v["items"][3]["why_it_matters"].is_null());
        assert_eq!(
            v["items"][1]["also_covered_by"],
            json!(["https://news.ycombinator.com/item?id=1", "javascript:alert(2)"])
        );
    }

    #[test]
    fn empty_digest_has_the_same_shape() {
        let v = json(&fixture::empty_digest());
        assert_eq!(v["items"], json!([]));
        assert_eq!(v["must_read"], json!([]));
        assert_eq!(v["keywords"], json!([]));
        assert_eq!(v["stats"]["selected"], 0);
    }
}
