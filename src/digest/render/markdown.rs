//! The Markdown edition: what gets posted to chat, written to a file or mailed.
//!
//! Everything from a feed is cleaned, mention-proofed and escaped ([`super::text`]), and
//! links are only made from http(s) URLs, so a hostile feed cannot fake links, headings or
//! pings. Text we write ourselves (labels, numbers) is not escaped.

use chrono::{DateTime, Utc};

use super::text::{markdown_text, safe_url};
use super::{
    BAR_WIDTH, CHART_KEYWORDS, TAG_LINE_KEYWORDS, also_covered, article_flow, category_entries, funnel,
    keyword_entries, nothing_message, score_badge, stamp, threshold,
};
use crate::digest::chart::text_bars;
use crate::digest::layout::{Block, blocks, label};
use crate::digest::{Digest, DigestItem, age};

/// The digest as Markdown (CommonMark with GitHub tables). `now` is the clock ages are
/// measured against.
pub fn markdown(digest: &Digest, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for block in blocks(digest) {
        match block {
            Block::Header => header(&mut out, digest),
            Block::Nothing => out.push_str(&format!("**{}**\n\n", nothing_message(digest))),
            Block::Highlights(text) => {
                out.push_str(&format!("## {}\n\n", label::HIGHLIGHTS));
                out.push_str(&markdown_text(text));
                out.push_str("\n\n");
            }
            Block::MustRead(items) => must_read(&mut out, &items, now),
            Block::Overview => overview(&mut out, digest),
            Block::Charts => {
                keywords(&mut out, digest);
                categories(&mut out, digest);
            }
            Block::Section(category) => out.push_str(&format!("---\n\n## {}\n\n", category.label())),
            Block::Item(n, item) => item_block(&mut out, item, n, now),
            Block::Footer => footer(&mut out, digest),
        }
    }
    out
}

fn header(out: &mut String, digest: &Digest) {
    let title = markdown_text(&digest.title);
    let title = if title.starts_with('📰') {
        title
    } else {
        format!("📰 {title}")
    };
    out.push_str(&format!("# {title}\n\n"));
    let mut meta = format!("Generated {} · last {} h", stamp(digest), digest.stats.window_hours);
    if let Some(topic) = &digest.topic {
        meta.push_str(&format!(" · topic: {}", markdown_text(&topic.name)));
    }
    out.push_str(&format!("*{meta}*\n\n"));
}

/// A linked title, or the bare title when the URL is not one we will link to.
fn linked_title(item: &DigestItem) -> String {
    let mut title = markdown_text(&item.title);
    if title.is_empty() {
        // An empty link text would leave nothing to click or read.
        title = "\\(untitled\\)".to_string();
    }
    match safe_url(&item.url) {
        Some(url) => format!("[{title}]({url})"),
        None => title,
    }
}

fn must_read(out: &mut String, items: &[(&DigestItem, Option<usize>)], now: DateTime<Utc>) {
    out.push_str(&format!("## {}\n\n", label::MUST_READ));
    for &(item, number) in items {
        out.push_str(&format!("- **{}**  \n", linked_title(item)));
        let mut meta = format!(
            "{} · {} · {} · {}",
            markdown_text(&item.source),
            age(item.published_at, now),
            score_badge(item),
            item.category.label()
        );
        if let Some(n) = number {
            meta.push_str(&format!(" · → item {n}"));
        }
        out.push_str(&format!("  {meta}  \n"));
        out.push_str(&format!("  **{}** {}", label::TLDR, markdown_text(&item.tldr)));
        if let Some(why) = item.why_it_matters.as_deref().filter(|w| !w.trim().is_empty()) {
            out.push_str(&format!(
                "  \n  {} **{}** {}",
                label::WHY_ICON,
                label::WHY,
                markdown_text(why)
            ));
        }
        out.push('\n');
    }
    out.push('\n');
}

fn overview(out: &mut String, digest: &Digest) {
    let s = &digest.stats;
    out.push_str(&format!("## {}\n\n", label::OVERVIEW));
    out.push_str(&format!(
        "| {} | {} | {} | {} |\n",
        label::SOURCES_SCANNED,
        label::ARTICLES,
        label::WINDOW,
        label::MIN_SCORE
    ));
    out.push_str("|:---:|:---:|:---:|:---:|\n");
    out.push_str(&format!(
        "| {}/{} | {} | {} h | {} |\n\n",
        s.sources_ok,
        s.sources_total,
        article_flow(digest),
        s.window_hours,
        threshold(digest)
    ));
    if let Some(line) = super::llm_line(digest) {
        out.push_str(&format!("{} {line}\n\n", label::LLM));
    }
}

fn keywords(out: &mut String, digest: &Digest) {
    if digest.keywords.is_empty() {
        return;
    }
    out.push_str(&format!("## {}\n\n```text\n", label::KEYWORDS));
    out.push_str(&text_bars(&keyword_entries(digest, CHART_KEYWORDS), BAR_WIDTH));
    out.push_str("\n```\n\n");
    let tags: Vec<String> = digest
        .keywords
        .iter()
        .take(TAG_LINE_KEYWORDS)
        .map(|(word, n)| format!("{}({n})", markdown_text(word)))
        .collect();
    out.push_str(&format!("**{}** {}\n\n", label::TOPIC_TAGS, tags.join(" · ")));
}

fn categories(out: &mut String, digest: &Digest) {
    if digest.categories.is_empty() {
        return;
    }
    out.push_str(&format!("## {}\n\n```text\n", label::CATEGORIES));
    out.push_str(&text_bars(&category_entries(digest), BAR_WIDTH));
    out.push_str("\n```\n\n");
}

fn item_block(out: &mut String, item: &DigestItem, n: usize, now: DateTime<Utc>) {
    out.push_str(&format!("### {n}. {}\n\n", linked_title(item)));
    out.push_str(&format!(
        "{} · {} · {}\n\n",
        markdown_text(&item.source),
        age(item.published_at, now),
        score_badge(item)
    ));
    if !item.tldr.trim().is_empty() {
        out.push_str(&format!("**{}** {}\n\n", label::TLDR, markdown_text(&item.tldr)));
    }
    if !item.summary.trim().is_empty() {
        out.push_str(&format!("{}\n\n", markdown_text(&item.summary)));
    }
    let bullets: Vec<String> = item
        .bullets
        .iter()
        .map(|b| markdown_text(b))
        .filter(|b| !b.is_empty())
        .collect();
    if !bullets.is_empty() {
        out.push_str(&format!("**{}**\n\n", label::DEEP_DIVE));
        for bullet in bullets {
            out.push_str(&format!("- {bullet}\n"));
        }
        out.push('\n');
    }
    if let Some(why) = item.why_it_matters.as_deref().filter(|w| !w.trim().is_empty()) {
        out.push_str(&format!(
            "{} **{}** {}\n\n",
            label::WHY_ICON,
            label::WHY,
            markdown_text(why)
        ));
    }
    if !item.decoder.is_empty() {
        let lines: Vec<String> = item
            .decoder
            .iter()
            .map(|e| {
                format!(
                    "{} **{}** — {}",
                    label::DECODER_ICON,
                    markdown_text(&e.term),
                    markdown_text(&e.definition)
                )
            })
            .collect();
        // Hard line breaks keep the decoder compact: one term per line, no list spacing.
        out.push_str(&lines.join("  \n"));
        out.push_str("\n\n");
    }
    let tags: Vec<String> = item
        .tags
        .iter()
        .map(|t| markdown_text(t))
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        out.push_str(&format!("{} {}\n\n", label::TAGS_ICON, tags.join(" · ")));
    }
    let also = also_covered(item);
    if !also.is_empty() {
        let links: Vec<String> = also
            .iter()
            .map(|(name, url)| {
                let name = markdown_text(name);
                match safe_url(url) {
                    Some(url) => format!("[{name}]({url})"),
                    None => name,
                }
            })
            .collect();
        out.push_str(&format!("{} {}\n\n", label::ALSO_COVERED, links.join(", ")));
    }
}

fn footer(out: &mut String, digest: &Digest) {
    out.push_str(&format!(
        "---\n\n*Generated at {} | {}*\n",
        stamp(digest),
        funnel(digest)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::render::fixture;
    use crate::pipeline::category::Category;

    fn rendered() -> String {
        markdown(&fixture::digest(), fixture::now())
    }

    #[test]
    fn has_every_part() {
        let md = rendered();
        assert!(md.starts_with("# 📰 AI Daily Digest — 2026-04-16\n"));
        assert!(md.contains("Generated 2026-04-16 14:01 UTC"));
        assert!(md.contains("topic: LLMs"));
        assert!(md.contains("## ✨ Today's Highlights"));
        assert!(md.contains("## 🔥 Must Read"));
        assert!(md.contains("## 📊 Data Overview"));
        assert!(
            md.contains("| 89/92 | 2542 fetched → 26 in window → 21 stories → 7 selected | 24 h | 18/30 (17 passed) |")
        );
        assert!(md.contains("## 🔑 Top Keywords"));
        assert!(md.contains("ai │ ████████████████████ 3"));
        assert!(md.contains("**Topic Tags:** ai(3) · security(2) · nvidia(1)"));
        assert!(md.contains("## 🗂️ Category Distribution"));
        for category in [
            Category::AiMl,
            Category::Security,
            Category::Engineering,
            Category::ToolsOpenSource,
            Category::OpinionEssays,
        ] {
            assert!(md.contains(&format!("## {}\n", category.label())), "{category:?}");
        }
        assert!(!md.contains("## 📝 Other"));
        assert!(md.contains("*Generated at 2026-04-16 14:01 UTC | Scanned 89 sources → 2542 articles → selected 7*"));
    }

    #[test]
    fn items_numbered_in_display_order() {
        let md = rendered();
        let mut last = 0;
        for n in 1..=7 {
            let at = md
                .find(&format!("\n### {n}. "))
                .unwrap_or_else(|| panic!("item {n} missing"));
            assert!(at > last, "item {n} out of order");
            last = at;
        }
        assert!(!md.contains("### 8. "));
        // Rank 1 (an essay) is shown last, and must-read points at it.
        assert!(md.contains("### 7. [Jensen Huang"));
        assert!(md.contains("· → item 7"));
    }

    #[test]
    fn item_details() {
        let md = rendered();
        assert!(md.contains(
            "### 1. [Writing an LLM from scratch, part 32k – Interventions: gradient accumulation](https://www.gilesthomas.com/2026/04/llm-from-scratch-32k)"
        ));
        assert!(md.contains("gilesthomas.com · 18h ago · ⭐ 28/30\n"));
        assert!(md.contains("**TL;DR** "));
        assert!(md.contains("**Deep dive:**\n\n- First key point of the piece.\n"));
        assert!(md.contains("💡 **Why it matters:** It changes"));
        assert!(md.contains("📖 **LLM** — large language model"));
        assert!(md.contains("🏷️ LLM · Training · ai"));
        // Parentheses in URLs are encoded so the link does not end early.
        assert!(md.contains("(https://en.wikipedia.org/wiki/Rust_%28programming_language%29)"));
        // A future publication date reads "just now", never a negative age.
        assert!(md.contains("wikipedia.org · just now"));
        assert!(!md.contains("ago · -") && !md.contains("-1h"));
    }

    #[test]
    fn also_covered_by_links_only_http() {
        let md = rendered();
        assert!(md.contains(
            "Also covered by: [Hacker News](https://news.ycombinator.com/item?id=1), \\[bad\\](http://evil)\n"
        ));
        assert!(!md.contains("javascript:"));
    }

    #[test]
    fn hostile_feed_text_is_defused() {
        let md = rendered();
        assert!(!md.contains('\u{1b}'));
        assert!(!md.contains("pwned"));
        assert!(!md.contains("@everyone"));
        assert!(!md.contains("@here"));
        assert!(!md.contains("<@123456>"));
        assert!(!md.contains("[fake](http://evil.example)"));
        assert!(md.contains("\\[fake\\](http://evil.example)"));
        // The javascript: URL gives a plain, unlinked title.
        assert!(md.contains("### 4. Breaking: @\u{200B}everyone see"));
        assert!(md.contains("evil \\<b>feed\\</b> @\u{200B}here"));
        // Summary and bullets cannot start headings, quotes, lists or tables.
        assert!(md.contains("\\# Not a heading > not a quote - not a list @\u{200B}everyone"));
        assert!(md.contains("- \\- nested? no\n- \\|table\\|cell\\|\n"));
        for line in md.lines() {
            assert!(!line.starts_with("# Not"), "{line}");
            assert!(!line.starts_with("> "), "{line}");
        }
    }

    #[test]
    fn empty_digest_says_so() {
        let md = markdown(&fixture::empty_digest(), fixture::now());
        assert!(md.contains("Nothing above the threshold in the last 24 h"));
        assert!(md.contains("## 📊 Data Overview"));
        assert!(md.contains("| 89/92 |"));
        assert!(!md.contains("Must Read"));
        assert!(!md.contains("###"));
        assert!(md.contains("selected 0*"));
    }
}
