//! HTML transcripts: paragraphs with timestamps and speaker names.

use super::*;

/// One `<cite>`, `<time>` or `<p>` element of an HTML transcript, with its inner markup.
pub(super) enum HtmlPart<'a> {
    Cite(&'a str),
    Time(&'a str),
    Para(&'a str),
}

/// Finds the `<cite>`, `<time>` and `<p>` elements in document order, in one linear pass.
/// Comments are skipped; an unclosed element ends where the next of the three starts, or
/// at the end. (A regex with lazy `.*?` would rescan the rest of the document from every
/// unclosed element.)
pub(super) fn html_parts(html: &str) -> Vec<HtmlPart<'_>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Cite,
        Time,
        Para,
    }
    pub(super) fn kind_of(name: &str) -> Option<Kind> {
        if name.eq_ignore_ascii_case("cite") {
            Some(Kind::Cite)
        } else if name.eq_ignore_ascii_case("time") {
            Some(Kind::Time)
        } else if name.eq_ignore_ascii_case("p") {
            Some(Kind::Para)
        } else {
            None
        }
    }
    pub(super) fn part(kind: Kind, inner: &str) -> HtmlPart<'_> {
        match kind {
            Kind::Cite => HtmlPart::Cite(inner),
            Kind::Time => HtmlPart::Time(inner),
            Kind::Para => HtmlPart::Para(inner),
        }
    }
    let mut parts = Vec::new();
    // The element being read: its kind and where its content starts.
    let mut open: Option<(Kind, usize)> = None;
    let mut pos = 0;
    while let Some(offset) = html[pos..].find('<') {
        let lt = pos + offset;
        let after = &html[lt + 1..];
        if after.starts_with("!--") {
            match after.find("-->") {
                Some(end) => {
                    pos = lt + 1 + end + 3;
                    continue;
                }
                None => break,
            }
        }
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..gt];
        let tag_end = lt + 1 + gt + 1;
        let (closing, body) = match tag.strip_prefix('/') {
            Some(body) => (true, body),
            None => (false, tag),
        };
        let name_len = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
        if let Some(kind) = kind_of(&body[..name_len]) {
            match (closing, open) {
                (true, Some((open_kind, start))) if open_kind == kind => {
                    parts.push(part(kind, &html[start..lt]));
                    open = None;
                }
                (true, _) => {}
                (false, previous) => {
                    // An element left open ends where the next one starts: one unclosed
                    // tag must not swallow the rest of the transcript.
                    if let Some((open_kind, start)) = previous {
                        parts.push(part(open_kind, &html[start..lt]));
                    }
                    open = Some((kind, tag_end));
                }
            }
        }
        pos = tag_end;
    }
    if let Some((kind, start)) = open {
        parts.push(part(kind, &html[start..]));
    }
    parts
}

/// Podcasting 2.0 HTML transcripts: `<cite>Speaker:</cite> <time>0:00</time> <p>…</p>`.
///
/// A `<cite>` names the speaker of the paragraphs that follow it, a `<time>` gives the
/// start of the next paragraph. Further `<p>`s with no new `<cite>` or `<time>` continue
/// the same monologue and are appended to it. A document with no `<p>` at all is turned
/// into text and read as a plain-text transcript.
pub(super) fn parse_html(text: &str) -> Result<Vec<Segment>, TranscriptError> {
    let mut sink = SegmentSink::default();
    let mut pending_speaker: Option<String> = None;
    let mut pending_time: Option<f64> = None;
    let mut saw_paragraph = false;
    // Whether the last thing seen was a paragraph, so another one continues it.
    let mut continuing = false;
    for part in html_parts(text) {
        match part {
            HtmlPart::Cite(cite) => {
                let name = clean_markup(cite);
                let name = name.trim_end_matches([':', ' ']).trim();
                if !name.is_empty() {
                    pending_speaker = Some(name.to_owned());
                }
                continuing = false;
            }
            HtmlPart::Time(time) => {
                pending_time = parse_clock(&clean_markup(time));
                continuing = false;
            }
            HtmlPart::Para(p) => {
                saw_paragraph = true;
                let body = clean_markup(p);
                if body.is_empty() {
                    continue;
                }
                if continuing && let Some(last) = sink.out.last_mut() {
                    last.text.push(' ');
                    last.text.push_str(&body);
                    continue;
                }
                sink.push(pending_time.take(), None, pending_speaker.take(), body);
                continuing = true;
            }
        }
    }
    if !saw_paragraph {
        let plain = html2text::config::plain_no_decorate()
            .string_from_read(text.as_bytes(), 100_000)
            .map_err(|e| invalid(TranscriptFormat::Html.name(), e.to_string()))?;
        return Ok(parse_text(&plain));
    }
    let mut out = sink.out;
    fill_ends_from_next_start(&mut out);
    Ok(out)
}
