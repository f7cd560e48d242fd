//! Full-text extraction for feeds that only carry excerpts: readability (dom_smoothie, a
//! port of Mozilla's Readability.js) finds the article in a fetched page, and
//! [`html_to_text`] turns it into the same plain text the feed parser produces.

use dom_smoothie::{Config, Readability};
use url::Url;

use crate::text::html::html_to_text;

/// Fewer words than this is a teaser, a paywall notice or a navigation page, not an
/// article worth summarising.
const MIN_WORDS: usize = 40;

/// Pages with more elements than this are not articles (or are hostile); readability's
/// cost grows with the element count.
const MAX_ELEMENTS: usize = 30_000;

/// Why no article text came out of a page.
#[derive(Debug, thiserror::Error)]
pub enum FullTextError {
    /// Readability found no main content.
    #[error("no article found in the page: {0}")]
    NotFound(String),
    /// Something was found, but too little to be the article.
    #[error("extracted text is too short to be an article ({words} words)")]
    TooShort { words: usize },
}

/// An article found in a page.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedArticle {
    /// The page's article title; empty when the page gives none.
    pub title: String,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
}

/// Extracts the main article of an HTML page as plain text (paragraphs separated by blank
/// lines). `page_url` resolves relative links inside the page.
pub fn extract_article(html: &str, page_url: &Url) -> Result<String, FullTextError> {
    extract(html, page_url).map(|article| article.text)
}

/// Extracts the main article of an HTML page with its title.
pub fn extract(html: &str, page_url: &Url) -> Result<ExtractedArticle, FullTextError> {
    let config = Config {
        max_elements_to_parse: MAX_ELEMENTS,
        ..Config::default()
    };
    let mut readability = Readability::new(html, Some(page_url.as_str()), Some(config))
        .map_err(|e| FullTextError::NotFound(e.to_string()))?;
    let article = readability
        .parse()
        .map_err(|e| FullTextError::NotFound(e.to_string()))?;
    let text = html_to_text(&article.content);
    let words = text.split_whitespace().count();
    if words < MIN_WORDS {
        return Err(FullTextError::TooShort { words });
    }
    Ok(ExtractedArticle {
        title: article.title.trim().to_string(),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_url() -> Url {
        Url::parse("https://example.com/2024/01/post").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn extracts_the_article_and_drops_the_chrome() {
        let para = "Large language models keep getting cheaper to run, and the labs are \
                    racing to ship smaller distilled variants that fit on a single GPU. \
                    This paragraph exists to look like real prose to the extractor.";
        let html = format!(
            "<html><head><title>Post</title><script>var x = 1;</script></head><body>\
             <nav><a href='/'>Home</a> <a href='/about'>About</a></nav>\
             <article><h1>Models get cheaper</h1><p>{para}</p><p>{para}</p><p>{para}</p></article>\
             <footer>Copyright 2024 Example Corp. All rights reserved.</footer></body></html>"
        );
        let text = extract_article(&html, &page_url()).unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains("distilled variants"), "{text}");
        assert!(text.contains("\n\n"), "paragraphs are kept: {text}");
        assert!(!text.contains("var x"), "{text}");
        assert!(!text.contains("All rights reserved"), "{text}");
    }

    #[test]
    fn a_page_without_an_article_is_an_error() {
        let html = "<html><body><nav><a href='/'>Home</a></nav><p>Subscribe to read.</p></body></html>";
        assert!(extract_article(html, &page_url()).is_err());
    }
}
