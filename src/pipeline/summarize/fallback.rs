//! The summary of last resort: when summarising one article panics, the digest goes on and
//! that article is shown by its lead, so one bad feed item never costs a subscriber the day.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;

use super::markup::strip_markup;
use super::{Summary, TLDR_MAX_WORDS};
use crate::text::collapse_whitespace;

/// The article a summary is for, as the log names it.
#[derive(Debug, Clone, Copy)]
pub struct ArticleRef<'a> {
    pub id: i64,
    pub title: &'a str,
    pub url: Option<&'a str>,
    /// The start of its text: what the reader sees when its summary fails.
    pub lead: &'a str,
}

/// Runs one article's summary (`work`); if it panics, logs the panic with the article and
/// returns what `on_panic` makes of [`Summary::from_lead`] instead.
///
/// The future is asserted unwind-safe because nothing it borrows is read after a panic: the
/// caller drops it and goes on with the lead it already had.
pub async fn or_lead_on_panic<T, F>(article: ArticleRef<'_>, work: F, on_panic: impl FnOnce(Summary) -> T) -> T
where
    F: Future<Output = T>,
{
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(done) => done,
        Err(panic) => {
            tracing::error!(
                article_id = article.id,
                title = article.title,
                url = article.url.unwrap_or(""),
                panic = panic_message(panic.as_ref()),
                "summarising an article panicked; it falls back on its lead"
            );
            on_panic(Summary::from_lead(article.title, article.lead))
        }
    }
}

/// The text a panic was raised with (`panic!("…")` carries a `&str` or a `String`).
fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

impl Summary {
    /// A summary that takes nothing but the lead: its first sentence (at most
    /// [`TLDR_MAX_WORDS`] words) as TL;DR, the lead as summary, the title when there is no
    /// lead. Built without the summariser, so it cannot fail the way it did.
    pub fn from_lead(title: &str, lead: &str) -> Summary {
        let lead = collapse_whitespace(&strip_markup(lead));
        let title = collapse_whitespace(&strip_markup(title));
        let first = crate::text::sentences::split(&lead)
            .into_iter()
            .next()
            .unwrap_or("")
            .trim();
        let tldr = if first.is_empty() {
            title.clone()
        } else {
            first
                .split_whitespace()
                .take(TLDR_MAX_WORDS)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let summary = if lead.is_empty() { title } else { lead };
        Summary {
            tldr,
            summary,
            bullets: Vec::new(),
            why_it_matters: None,
            tags: Vec::new(),
            decoder: Vec::new(),
            summarizer: "lead".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article<'a>(lead: &'a str) -> ArticleRef<'a> {
        ArticleRef {
            id: 7,
            title: "DeepSeek ships V4",
            url: Some("https://example.com/v4"),
            lead,
        }
    }

    #[tokio::test]
    async fn a_summary_that_panics_falls_back_on_the_articles_lead() {
        let work = async {
            if article("").id == 7 {
                panic!("end byte index 400 is not a char boundary");
            }
            Ok::<_, ()>(Summary::from_lead("unused", "unused"))
        };
        let lead = "DeepSeek released V4 on Friday. It trails the frontier by months.";
        let summary = or_lead_on_panic(article(lead), work, Ok).await.unwrap();
        assert_eq!(summary.tldr, "DeepSeek released V4 on Friday.");
        assert_eq!(summary.summary, lead);
        assert_eq!(summary.summarizer, "lead");
    }

    #[tokio::test]
    async fn a_summary_that_does_not_panic_is_passed_through() {
        let expected = Summary::from_lead("t", "The real summary.");
        let work = std::future::ready(Ok::<_, ()>(expected.clone()));
        let summary = or_lead_on_panic(article("a lead"), work, Ok).await.unwrap();
        assert_eq!(summary, expected);
    }

    #[test]
    fn an_article_without_a_lead_falls_back_on_its_title() {
        let summary = Summary::from_lead("DeepSeek ships V4", "  ");
        assert_eq!(summary.tldr, "DeepSeek ships V4");
        assert_eq!(summary.summary, "DeepSeek ships V4");
    }

    #[test]
    fn a_long_lead_sentence_is_cut_to_the_tldr_limit() {
        let lead = format!("{}.", vec!["word"; 60].join(" "));
        assert_eq!(
            Summary::from_lead("t", &lead).tldr.split_whitespace().count(),
            TLDR_MAX_WORDS
        );
    }
}
