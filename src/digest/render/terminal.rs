//! The terminal edition: the same content as the Markdown one, wrapped to ~100 columns, with
//! ANSI colour and bold only when the caller asks for it (the CLI decides, for stdout).
//!
//! Feed text is stripped of escape sequences and control characters in both modes, so only
//! the escapes we write ourselves ever reach the terminal.

use chrono::{DateTime, Utc};

use super::text::{clean_line, display_width, safe_url, wrap};
use super::{
    BAR_WIDTH, CHART_KEYWORDS, TAG_LINE_KEYWORDS, also_covered, article_flow, category_entries, funnel,
    keyword_entries, nothing_message, score_badge, stamp, threshold,
};
use crate::digest::chart::text_bars;
use crate::digest::layout::{Block, blocks, label};
use crate::digest::{Digest, DigestItem, age};

/// Columns the layout is wrapped to.
const WIDTH: usize = 100;
/// Indent of everything under an item's title.
const BODY: &str = "     ";

/// SGR codes used by the layout.
#[derive(Clone, Copy)]
enum Paint {
    Bold,
    Dim,
    Heading,
    Title,
    Link,
    Star,
    Accent,
}

impl Paint {
    fn sgr(self) -> &'static str {
        match self {
            Paint::Bold => "1",
            Paint::Dim => "2",
            Paint::Heading => "1;33",
            Paint::Title => "1;36",
            Paint::Link => "4;34",
            Paint::Star => "33",
            Paint::Accent => "1;35",
        }
    }
}

/// Writes lines, painting them only when colour is on; text passed in is already clean.
struct Out {
    buf: String,
    color: bool,
}

impl Out {
    fn paint(&self, text: &str, paint: Paint) -> String {
        if self.color && !text.is_empty() {
            format!("\u{1b}[{}m{text}\u{1b}[0m", paint.sgr())
        } else {
            text.to_string()
        }
    }

    fn line(&mut self, text: &str) {
        self.buf.push_str(text);
        self.buf.push('\n');
    }

    fn painted(&mut self, text: &str, paint: Paint) {
        let painted = self.paint(text, paint);
        self.line(&painted);
    }

    /// One empty line between blocks, however many blocks ask for it.
    fn blank(&mut self) {
        if !self.buf.is_empty() && !self.buf.ends_with("\n\n") {
            self.buf.push('\n');
        }
    }

    /// Wrapped paragraph; `label` (e.g. "TL;DR") is shown bold ahead of the first line.
    fn para(&mut self, label: Option<&str>, text: &str, indent: &str) {
        self.para_with(label, text, indent, false);
    }

    /// A list-like line ("Tags: a · b · c"): continuation lines hang under the text, not the label.
    fn hanging(&mut self, label: &str, text: &str, indent: &str) {
        self.para_with(Some(label), text, indent, true);
    }

    fn para_with(&mut self, label: Option<&str>, text: &str, indent: &str, hang: bool) {
        let text = clean_line(text);
        if text.is_empty() {
            return;
        }
        let label_text = label.map(|l| format!("{l} ")).unwrap_or_default();
        let first = format!("{indent}{label_text}");
        let rest = if hang {
            " ".repeat(display_width(&first))
        } else {
            indent.to_string()
        };
        let lines = wrap(&text, WIDTH, &first, &rest);
        for (i, line) in lines.iter().enumerate() {
            if i == 0 && !label_text.is_empty() {
                let rest = line.get(first.len()..).unwrap_or_default();
                let painted = format!("{indent}{}{rest}", self.paint(&label_text, Paint::Bold));
                self.line(&painted);
            } else {
                self.line(line);
            }
        }
    }

    fn heading(&mut self, text: &str) {
        self.blank();
        self.painted(text, Paint::Heading);
        let rule = "─".repeat(display_width(text).min(WIDTH));
        self.painted(&rule, Paint::Dim);
    }
}

/// The digest for a terminal, ~100 columns wide. With `color` false the output holds no
/// escape bytes at all.
pub fn terminal(digest: &Digest, now: DateTime<Utc>, color: bool) -> String {
    let mut out = Out {
        buf: String::new(),
        color,
    };
    for block in blocks(digest) {
        match block {
            Block::Header => header(&mut out, digest),
            Block::Nothing => {
                out.blank();
                out.para(None, &nothing_message(digest), "");
            }
            Block::Highlights(text) => {
                out.heading(&heading(label::HIGHLIGHTS));
                out.para(None, text, "  ");
            }
            Block::MustRead(items) => must_read(&mut out, &items, now),
            Block::Overview => overview(&mut out, digest),
            Block::Charts => charts(&mut out, digest),
            Block::Section(category) => out.heading(&category.label().to_uppercase()),
            Block::Item(n, item) => item_block(&mut out, item, n, now),
            Block::Footer => footer(&mut out, digest),
        }
    }
    out.buf
}

/// A layout label as a terminal heading: no emoji, upper case.
fn heading(label: &str) -> String {
    label::plain(label).to_uppercase()
}

fn header(out: &mut Out, digest: &Digest) {
    let rule = "═".repeat(WIDTH);
    out.painted(&rule, Paint::Dim);
    let title = clean_line(&digest.title);
    for line in wrap(&title, WIDTH, "", "") {
        out.painted(&line, Paint::Bold);
    }
    let mut meta = format!("Generated {} · last {} h", stamp(digest), digest.stats.window_hours);
    if let Some(topic) = &digest.topic {
        meta.push_str(&format!(" · topic: {}", clean_line(&topic.name)));
    }
    for line in wrap(&meta, WIDTH, "", "") {
        out.painted(&line, Paint::Dim);
    }
    out.painted(&rule, Paint::Dim);
}

/// "source · 3h ago · ⭐ 24/30", with the stars picked out.
fn meta_line(out: &Out, item: &DigestItem, now: DateTime<Utc>, extra: &[String], indent: &str) -> Vec<String> {
    let mut parts = vec![clean_line(&item.source), age(item.published_at, now), score_badge(item)];
    parts.extend(extra.iter().cloned());
    let badge = score_badge(item);
    wrap(&parts.join(" · "), WIDTH, indent, indent)
        .into_iter()
        .map(|line| {
            // Paint the pieces separately so the badge stands out from the dim metadata.
            match line.split_once(&badge) {
                Some((before, after)) => format!(
                    "{}{}{}",
                    out.paint(before, Paint::Dim),
                    out.paint(&badge, Paint::Star),
                    out.paint(after, Paint::Dim)
                ),
                None => out.paint(&line, Paint::Dim),
            }
        })
        .collect()
}

fn title_lines(out: &Out, prefix: &str, item: &DigestItem) -> Vec<String> {
    let title = clean_line(&item.title);
    wrap(&title, WIDTH, prefix, BODY)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let lead = if i == 0 { prefix } else { BODY };
            let rest = line.strip_prefix(lead).unwrap_or(&line);
            format!("{}{}", out.paint(lead, Paint::Accent), out.paint(rest, Paint::Title))
        })
        .collect()
}

fn url_line(out: &mut Out, url: &str) {
    if let Some(url) = safe_url(url) {
        let painted = format!("{BODY}{}", out.paint(&url, Paint::Link));
        out.line(&painted);
    }
}

fn must_read(out: &mut Out, items: &[(&DigestItem, Option<usize>)], now: DateTime<Utc>) {
    out.heading(&heading(label::MUST_READ));
    for &(item, number) in items {
        let lines = title_lines(out, "  ★  ", item);
        lines.iter().for_each(|l| out.line(l));
        let mut extra = vec![item.category.label().to_string()];
        if let Some(n) = number {
            extra.push(format!("→ item {n}"));
        }
        let meta = meta_line(out, item, now, &extra, BODY);
        meta.iter().for_each(|l| out.line(l));
        out.para(Some(label::TLDR), &item.tldr, BODY);
        if let Some(why) = &item.why_it_matters {
            out.para(Some(label::WHY), why, BODY);
        }
        out.blank();
    }
}

fn overview(out: &mut Out, digest: &Digest) {
    let s = &digest.stats;
    out.heading(&heading(label::OVERVIEW));
    let rows = [
        (
            label::SOURCES_SCANNED,
            format!("{}/{} ok", s.sources_ok, s.sources_total),
        ),
        (label::ARTICLES, article_flow(digest)),
        (label::WINDOW, format!("{} h", s.window_hours)),
        (label::MIN_SCORE, threshold(digest)),
    ];
    let llm = super::llm_line(digest).map(|line| (label::LLM.trim_end_matches(':'), line));
    for (label, value) in rows.into_iter().chain(llm) {
        let label = out.paint(&format!("{label:<18}"), Paint::Bold);
        out.line(&format!("  {label}{value}"));
    }
}

fn charts(out: &mut Out, digest: &Digest) {
    if !digest.keywords.is_empty() {
        out.heading(&heading(label::KEYWORDS));
        for line in text_bars(&keyword_entries(digest, CHART_KEYWORDS), BAR_WIDTH).lines() {
            out.line(&format!("  {line}"));
        }
        let tags: Vec<String> = digest
            .keywords
            .iter()
            .take(TAG_LINE_KEYWORDS)
            .map(|(word, n)| format!("{}({n})", clean_line(word)))
            .collect();
        out.blank();
        out.hanging(label::TOPIC_TAGS, &tags.join(" · "), "  ");
    }
    if !digest.categories.is_empty() {
        out.heading(&heading(label::CATEGORIES));
        for line in text_bars(&category_entries(digest), BAR_WIDTH).lines() {
            out.line(&format!("  {line}"));
        }
    }
}

fn item_block(out: &mut Out, item: &DigestItem, n: usize, now: DateTime<Utc>) {
    let prefix = format!("{n:>3}. ");
    let prefix = format!("{prefix:<width$}", width = BODY.len());
    let lines = title_lines(out, &prefix, item);
    lines.iter().for_each(|l| out.line(l));
    url_line(out, &item.url);
    let meta = meta_line(out, item, now, &[], BODY);
    meta.iter().for_each(|l| out.line(l));
    out.para(Some(label::TLDR), &item.tldr, BODY);
    out.para(None, &item.summary, BODY);
    let bullet_indent = format!("{BODY}  ");
    for bullet in &item.bullets {
        let bullet = clean_line(bullet);
        if !bullet.is_empty() {
            for line in wrap(&bullet, WIDTH, &format!("{BODY}• "), &bullet_indent) {
                out.line(&line);
            }
        }
    }
    if let Some(why) = &item.why_it_matters {
        out.para(Some(label::WHY), why, BODY);
    }
    for entry in &item.decoder {
        let text = format!("{} — {}", clean_line(&entry.term), clean_line(&entry.definition));
        out.para(Some(label::DECODER_ICON), &text, BODY);
    }
    let tags: Vec<String> = item
        .tags
        .iter()
        .map(|t| clean_line(t))
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        out.hanging(label::TAGS, &tags.join(" · "), BODY);
    }
    let also: Vec<String> = also_covered(item)
        .into_iter()
        .map(|(name, url)| match safe_url(url) {
            Some(url) => format!("{name} ({url})"),
            None => name,
        })
        .collect();
    if !also.is_empty() {
        out.hanging(label::ALSO_COVERED, &also.join(", "), BODY);
    }
    out.blank();
}

fn footer(out: &mut Out, digest: &Digest) {
    out.blank();
    out.painted(&"─".repeat(WIDTH), Paint::Dim);
    let text = format!("Generated at {} | {}", stamp(digest), funnel(digest));
    for line in wrap(&text, WIDTH, "", "") {
        out.painted(&line, Paint::Dim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::render::fixture;

    #[test]
    fn plain_has_no_escape_bytes_and_all_content() {
        let text = terminal(&fixture::digest(), fixture::now(), false);
        assert!(!text.contains('\u{1b}'));
        assert!(!text.contains('\u{7}'));
        assert!(!text.contains("pwned"));
        assert!(!text.contains("[31m"));
        assert!(text.contains("📰 AI Daily Digest — 2026-04-16"));
        assert!(text.contains("TODAY'S HIGHLIGHTS"));
        assert!(text.contains("MUST READ"));
        assert!(text.contains("89/92 ok"));
        assert!(text.contains("2542 fetched → 26 in window → 21 stories → 7 selected"));
        assert!(text.contains("ai │ ████████████████████ 3"));
        assert!(text.contains("🤖 AI / ML"));
        assert!(text.contains("💡 OPINION / ESSAYS"));
        assert!(text.contains("  1. Writing an LLM"));
        assert!(text.contains("  7. Jensen Huang"));
        assert!(text.contains("• First key point"));
        assert!(
            text.contains("Also covered by: Hacker News (https://news.ycombinator.com/item?id=1), [bad](http://evil)")
        );
        assert!(!text.contains("javascript:"));
        assert!(text.contains("Breaking: @everyone see [fake](http://evil.example)"));
        assert!(text.contains("Generated at 2026-04-16 14:01 UTC | Scanned 89 sources → 2542 articles → selected 7"));
    }

    #[test]
    fn lines_fit_the_width() {
        let text = terminal(&fixture::digest(), fixture::now(), false);
        for line in text.lines() {
            assert!(display_width(line) <= WIDTH, "{} cols: {line}", display_width(line));
        }
    }

    #[test]
    fn colour_only_adds_our_escapes() {
        let d = fixture::digest();
        let coloured = terminal(&d, fixture::now(), true);
        assert!(coloured.contains("\u{1b}[1m"));
        assert!(!coloured.contains("\u{1b}[31m"));
        assert!(!coloured.contains("\u{1b}]"));
        // Removing our SGR sequences gives back the plain rendering, line for line.
        let plain = terminal(&d, fixture::now(), false);
        assert_eq!(coloured.lines().count(), plain.lines().count());
        for (c, p) in coloured.lines().zip(plain.lines()) {
            assert_eq!(super::super::text::strip_controls(c), p);
        }
    }

    #[test]
    fn empty_digest_says_so() {
        let text = terminal(&fixture::empty_digest(), fixture::now(), false);
        assert!(text.contains("Nothing above the threshold in the last 24 h"));
        assert!(text.contains("DATA OVERVIEW"));
        assert!(!text.contains("MUST READ"));
    }
}
