//! Python feedparser's own test suite (kurtmckee/feedparser, 2,107 cases in the corpus
//! under `feeds/feedparser`, indexed by `MANIFEST.jsonl`) run through [`parse_feed`].
//!
//! - [`every_feedparser_case_is_survived`]: every case, well-formed or not, goes through
//!   `parse_feed` without panicking.
//! - [`wellformed_field_expectations`]: feedparser states each case's expectation as a
//!   Python expression. We select, by syntax alone, the **wellformed** cases whose
//!   expectation is `[not bozo and ]FIELD == LITERAL` where FIELD is one we model — feed
//!   `title` / `title_detail.value` / `link`; entry `title` / `title_detail.value` /
//!   `link` / `id` / `guid` / `published` / `updated` (or their `_parsed` tuples) /
//!   `author` / `summary` / `description` / `summary_detail.value` / `content[0].value` —
//!   and LITERAL is a complete Python string, integer or tuple literal. Anything else
//!   (`and`/`or` chains, other fields, function calls) is not selected. The rule does not
//!   look at our results.
//!
//! Comparison is adapted to what we store, the same way for every case:
//! - text fields: we keep plain text, feedparser keeps (sanitised) HTML, so the expected
//!   value goes through the same [`html_to_text`] as our output before comparing;
//! - links: we keep canonical URLs, so the expected link goes through [`canonical_url`]
//!   (against the case's document URL) before comparing;
//! - dates: a time tuple is compared as UTC year…second; a date string is read with
//!   chrono's RFC 2822 / RFC 3339 parsers and compared as an instant. `published` and
//!   `updated` both map to our single `published_at` (published, else updated);
//! - `content[0].value` maps to our `text`; `summary`/`description` to our `summary`,
//!   or to our `text` when the item has no separate summary, because feedparser copies
//!   content into `summary` in that case (its `_end_content`); an absent value equals
//!   `''`.
//!
//! Documents are "served" at `http://127.0.0.1:8097/tests/<path>` (feedparser's test
//! server), resolved against a `Content-Location` header when the case has one, as a
//! fetcher would.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use newsdesk::domain::{Article, ParsedFeed};
use newsdesk::sources::normalize::canonical_url;
use newsdesk::sources::parse::{ParseError, parse_feed};
use newsdesk::text::html::html_to_text;
use serde::Deserialize;
use url::Url;

use crate::support::corpus_dir;

/// Pass rate required of [`wellformed_field_expectations`].
const REQUIRED_PASS_RATE: f64 = 0.90;

#[derive(Debug, Deserialize)]
struct Case {
    path: String,
    suite: String,
    expect: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

fn load_cases() -> Vec<Case> {
    let manifest = corpus_dir().join("feeds/feedparser/MANIFEST.jsonl");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn header<'a>(case: &'a Case, name: &str) -> Option<&'a str> {
    case.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn document_url(case: &Case) -> Url {
    let served = Url::parse(&format!("http://127.0.0.1:8097/tests/{}", case.path))
        .unwrap_or_else(|e| panic!("{}: {e}", case.path));
    match header(case, "Content-Location").and_then(|loc| served.join(loc.trim()).ok()) {
        Some(location) => location,
        None => served,
    }
}

/// Far enough ahead that no fixture date is clamped.
fn fetched_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(|| unreachable!())
}

fn run(case: &Case) -> std::thread::Result<Result<ParsedFeed, ParseError>> {
    let path = corpus_dir().join("feeds/feedparser").join(&case.path);
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let url = document_url(case);
    let content_type = header(case, "Content-Type");
    catch_unwind(AssertUnwindSafe(|| parse_feed(&body, content_type, &url, fetched_at())))
}

#[test]
fn every_feedparser_case_is_survived() {
    let cases = load_cases();
    assert_eq!(cases.len(), 2107, "MANIFEST.jsonl should list 2,107 cases");
    let mut panics = Vec::new();
    // suite → (parsed, not a feed, malformed)
    let mut outcomes: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for case in &cases {
        let slot = outcomes.entry(case.suite.as_str()).or_default();
        match run(case) {
            Ok(Ok(_)) => slot.0 += 1,
            Ok(Err(ParseError::NotAFeed(_))) => slot.1 += 1,
            Ok(Err(ParseError::Malformed(_))) => slot.2 += 1,
            Err(_) => panics.push(case.path.clone()),
        }
    }
    for (suite, (ok, not_feed, malformed)) in &outcomes {
        println!("{suite:>10}: {ok} parsed, {not_feed} not a feed, {malformed} malformed");
    }
    assert!(panics.is_empty(), "parse_feed panicked on {panics:#?}");
}

// ---------------------------------------------------------------------------------------
// Expectation language: just enough Python to read `FIELD == LITERAL`.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    FeedTitle,
    FeedLink,
    Title,
    Link,
    Id,
    Date,
    Author,
    Summary,
    Content,
}

#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Str(String),
    Int(i64),
    Tuple(Vec<Literal>),
}

#[derive(Debug)]
struct Expectation {
    entry: Option<usize>,
    field: Field,
    value: Literal,
}

/// Reads `[not bozo and ]SUBJECT == LITERAL`; `None` when the expression is anything else.
fn parse_expectation(expr: &str) -> Option<Expectation> {
    let expr = expr.trim();
    let expr = expr.strip_prefix("not bozo and ").unwrap_or(expr);
    let (subject, literal) = expr.split_once(" == ")?;
    let (entry, keys) = parse_subject(subject.trim())?;
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let field = match (entry.is_some(), keys.as_slice()) {
        (false, ["title"] | ["title_detail", "value"]) => Field::FeedTitle,
        (false, ["link"]) => Field::FeedLink,
        (true, ["title"] | ["title_detail", "value"]) => Field::Title,
        (true, ["link"]) => Field::Link,
        (true, ["id"] | ["guid"]) => Field::Id,
        (true, ["published" | "updated" | "published_parsed" | "updated_parsed"]) => Field::Date,
        (true, ["author"]) => Field::Author,
        (true, ["summary"] | ["description"] | ["summary_detail", "value"]) => Field::Summary,
        (true, ["content", "0", "value"]) => Field::Content,
        _ => return None,
    };
    let mut p = Py {
        s: literal.trim(),
        pos: 0,
    };
    let value = p.literal()?;
    p.ws();
    (p.pos == p.s.len()).then_some(Expectation { entry, field, value })
}

/// `feed['a']['b']` or `entries[N]['a'][0]['b']` → (entry index, keys).
fn parse_subject(subject: &str) -> Option<(Option<usize>, Vec<String>)> {
    let (entry, mut rest) = if let Some(rest) = subject.strip_prefix("feed") {
        (None, rest)
    } else {
        let rest = subject.strip_prefix("entries[")?;
        let close = rest.find(']')?;
        (Some(rest[..close].parse().ok()?), &rest[close + 1..])
    };
    let mut keys = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        let key = &inner[..close];
        let key = key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')).unwrap_or(key);
        keys.push(key.to_string());
        rest = &inner[close + 1..];
    }
    (!keys.is_empty()).then_some((entry, keys))
}

/// A cursor over a Python literal.
struct Py<'a> {
    s: &'a str,
    pos: usize,
}

impl Py<'_> {
    fn ws(&mut self) {
        while self.s[self.pos..].starts_with(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn literal(&mut self) -> Option<Literal> {
        self.ws();
        match self.peek()? {
            '(' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.peek()? == ')' {
                        self.pos += 1;
                        return Some(Literal::Tuple(items));
                    }
                    items.push(self.literal()?);
                    self.ws();
                    match self.peek()? {
                        ',' => self.pos += 1,
                        ')' => {}
                        _ => return None,
                    }
                }
            }
            c if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                self.s[start..self.pos].parse().ok().map(Literal::Int)
            }
            'u' | 'U' if matches!(self.s[self.pos + 1..].chars().next(), Some('\'' | '"')) => {
                self.pos += 1;
                self.string()
            }
            '\'' | '"' => self.string(),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<Literal> {
        let quote = self.peek()?;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            self.pos += c.len_utf8();
            match c {
                c if c == quote => return Some(Literal::Str(out)),
                '\\' => {
                    let e = self.peek()?;
                    self.pos += e.len_utf8();
                    match e {
                        '\\' | '\'' | '"' => out.push(e),
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'a' => out.push('\u{7}'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'v' => out.push('\u{b}'),
                        '\n' => {}
                        'x' => out.push(self.hex(2)?),
                        'u' => out.push(self.hex(4)?),
                        'U' => out.push(self.hex(8)?),
                        '0'..='7' => {
                            let start = self.pos - 1;
                            while self.pos - start < 3 && self.peek().is_some_and(|c| ('0'..='7').contains(&c)) {
                                self.pos += 1;
                            }
                            let v = u32::from_str_radix(&self.s[start..self.pos], 8).ok()?;
                            out.push(char::from_u32(v)?);
                        }
                        // Python keeps unknown escapes verbatim.
                        other => {
                            out.push('\\');
                            out.push(other);
                        }
                    }
                }
                c => out.push(c),
            }
        }
    }

    fn hex(&mut self, digits: usize) -> Option<char> {
        let h = self.s.get(self.pos..self.pos + digits)?;
        self.pos += digits;
        char::from_u32(u32::from_str_radix(h, 16).ok()?)
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

fn text_or_empty(s: Option<&str>) -> String {
    s.unwrap_or_default().to_string()
}

/// Checks one expectation; `Err` explains a mismatch.
fn evaluate(case: &Case, exp: &Expectation) -> Result<(), String> {
    let feed = match run(case) {
        Ok(Ok(feed)) => feed,
        Ok(Err(e)) => return Err(format!("refused: {e}")),
        Err(_) => return Err("panicked".into()),
    };
    let entry = |i: usize| -> Result<&Article, String> {
        feed.articles
            .get(i)
            .ok_or_else(|| format!("no entry {i} (got {})", feed.articles.len()))
    };
    let expected_str = || match &exp.value {
        Literal::Str(s) => Ok(s.clone()),
        other => Err(format!("expected a string, the case gives {other:?}")),
    };
    let base = document_url(case);
    let (got, want) = match exp.field {
        Field::FeedTitle => (text_or_empty(feed.title.as_deref()), html_to_text(&expected_str()?)),
        Field::FeedLink => (
            text_or_empty(feed.site_url.as_deref()),
            canonical_url(&expected_str()?, Some(&base)).unwrap_or_default(),
        ),
        Field::Title => (
            entry(exp.entry.unwrap_or(0))?.title.clone(),
            html_to_text(&expected_str()?),
        ),
        Field::Link => (
            text_or_empty(entry(exp.entry.unwrap_or(0))?.url.as_deref()),
            canonical_url(&expected_str()?, Some(&base)).unwrap_or_default(),
        ),
        Field::Id => (entry(exp.entry.unwrap_or(0))?.guid.clone(), expected_str()?),
        Field::Author => (
            text_or_empty(entry(exp.entry.unwrap_or(0))?.author.as_deref()),
            html_to_text(&expected_str()?),
        ),
        Field::Summary => (
            {
                let article = entry(exp.entry.unwrap_or(0))?;
                text_or_empty(article.summary.as_deref().or(Some(article.text.as_str())))
            },
            html_to_text(&expected_str()?),
        ),
        Field::Content => (
            entry(exp.entry.unwrap_or(0))?.text.clone(),
            html_to_text(&expected_str()?),
        ),
        Field::Date => {
            let article = entry(exp.entry.unwrap_or(0))?;
            if article.date_missing {
                return Err("no date".into());
            }
            let got = article.published_at;
            let want = expected_date(&exp.value)?;
            return if got == want {
                Ok(())
            } else {
                Err(format!("got {got}, want {want}"))
            };
        }
    };
    if got == want {
        Ok(())
    } else {
        Err(format!("got {got:?}, want {want:?}"))
    }
}

fn expected_date(value: &Literal) -> Result<DateTime<Utc>, String> {
    match value {
        Literal::Tuple(items) => {
            let n: Vec<i64> = items
                .iter()
                .map(|i| match i {
                    Literal::Int(n) => Ok(*n),
                    other => Err(format!("not a time tuple element: {other:?}")),
                })
                .collect::<Result<_, _>>()?;
            let [y, mo, d, h, mi, s, ..] = n.as_slice() else {
                return Err(format!("short time tuple {n:?}"));
            };
            let part = |v: i64| u32::try_from(v).map_err(|e| e.to_string());
            Utc.with_ymd_and_hms(*y as i32, part(*mo)?, part(*d)?, part(*h)?, part(*mi)?, part(*s)?)
                .single()
                .ok_or_else(|| format!("invalid time tuple {n:?}"))
        }
        Literal::Str(s) => DateTime::parse_from_rfc2822(s)
            .or_else(|_| DateTime::parse_from_rfc3339(s))
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| format!("expected date {s:?} unreadable: {e}")),
        Literal::Int(_) => Err("an integer is not a date".into()),
    }
}

#[test]
fn wellformed_field_expectations() {
    let cases = load_cases();
    let selected: Vec<(&Case, Expectation)> = cases
        .iter()
        .filter(|c| c.suite == "wellformed")
        .filter_map(|c| parse_expectation(&c.expect).map(|e| (c, e)))
        .collect();
    assert!(selected.len() >= 900, "only {} cases selected", selected.len());

    // field → (selected, passed)
    let mut by_field: BTreeMap<Field, (usize, usize)> = BTreeMap::new();
    let mut failures: BTreeMap<Field, Vec<String>> = BTreeMap::new();
    let mut passed = 0;
    for (case, exp) in &selected {
        let slot = by_field.entry(exp.field).or_default();
        slot.0 += 1;
        match evaluate(case, exp) {
            Ok(()) => {
                slot.1 += 1;
                passed += 1;
            }
            Err(why) => failures
                .entry(exp.field)
                .or_default()
                .push(format!("{}: {why}", case.path)),
        }
    }
    let rate = passed as f64 / selected.len() as f64;
    println!(
        "feedparser wellformed: {passed}/{} selected cases pass ({:.1}%)",
        selected.len(),
        rate * 100.0
    );
    for (field, (n, ok)) in &by_field {
        println!("  {field:?}: {ok}/{n}");
    }
    for (field, list) in &failures {
        println!("failures for {field:?}:");
        for f in list {
            println!("    {f}");
        }
    }
    assert!(
        rate >= REQUIRED_PASS_RATE,
        "pass rate {:.1}% is below {:.0}%",
        rate * 100.0,
        REQUIRED_PASS_RATE * 100.0
    );
}

#[test]
fn python_literals_and_subjects_are_read() {
    let e = parse_expectation(r#"not bozo and entries[1]['title_detail']['value'] == u'a\'b\xa0\u2019\n'"#)
        .unwrap_or_else(|| panic!("unparsed"));
    assert_eq!((e.entry, e.field), (Some(1), Field::Title));
    assert_eq!(e.value, Literal::Str("a'b\u{a0}\u{2019}\n".into()));
    let e = parse_expectation("entries[0]['updated_parsed'] == (2003, 12, 31, 10, 14, 55, 2, 365, 0)")
        .unwrap_or_else(|| panic!("unparsed"));
    assert_eq!(e.field, Field::Date);
    assert!(parse_expectation("feed['title'] == 'a' and feed['link'] == 'b'").is_none());
    assert!(parse_expectation("feed['generator'] == 'a'").is_none());
    assert!(parse_expectation("entries[0]['content'][0]['value'] == \"x\"").is_some());
    let date = expected_date(&Literal::Str("Thu, 01 Jan 2004 19:48:21 GMT".into())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((date.year(), date.month(), date.day(), date.hour()), (2004, 1, 1, 19));
}
