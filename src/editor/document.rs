//! One-off summaries of a page, a file or a transcript (`/summarize`, `newsdesk summarize`).

use chrono::{DateTime, Utc};
use url::Url;

use super::edition::llm_episode;
use super::{Editor, LlmShare};
use crate::pipeline::podcast::{TopicSegment, plain_text_segments, summarize_episode};
use crate::pipeline::summarize::{Document, Extractive, Summarizer as _, Summary};
use crate::sources::fetch::{ACCEPT_PAGE, FetchError, FetchOutcome, Validators};
use crate::sources::fulltext::extract;
use crate::sources::transcript::{TranscriptError, TranscriptFormat, parse_transcript};
use crate::store::StoreError;
use crate::text::html::html_to_text;

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

impl Editor {
    /// Summarises a file or an http(s) URL: an article (HTML page or plain text) or, with
    /// `transcript`, an episode transcript (VTT, SRT, JSON, HTML or plain text).
    pub async fn summarize_input(&self, input: &str, transcript: bool) -> Result<SummarizedDocument, SummarizeError> {
        self.summarize_input_for(input, transcript, "", self.clock.now()).await
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
