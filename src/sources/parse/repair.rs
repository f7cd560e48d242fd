//! Lenient pre-processing before feed-rs: dialect upgrades (Atom 0.3, odd RSS versions and
//! namespaces), second-chance XML repairs (entities, bare `&`, cut-off root end tags,
//! MIME-typed Atom text constructs, podcast people), RSS without `<channel>`, and JSON
//! Feeds with wrongly typed members.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

use crate::text::html::named_entity;

type JsonMap = serde_json::Map<String, serde_json::Value>;

/// Bends a JSON Feed that strict deserialisation rejects into the shape feed-rs reads:
/// a version it accepts ("http://jsonfeed.org/version/1" is the same format), numbers
/// where strings belong (numeric ids), a comma-separated string for `tags`, a plain
/// string for an author, and members of the wrong type dropped.
pub(super) fn coerce_json_feed(feed: &mut JsonMap) {
    use serde_json::Value;
    feed.insert("version".into(), "https://jsonfeed.org/version/1.1".into());
    coerce_string(feed, "title", true);
    for key in [
        "home_page_url",
        "feed_url",
        "language",
        "description",
        "icon",
        "favicon",
    ] {
        coerce_string(feed, key, false);
    }
    coerce_authors(feed);
    let items = match feed.remove("items") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let items = items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(mut item) => {
                coerce_json_item(&mut item);
                Some(Value::Object(item))
            }
            _ => None,
        })
        .collect();
    feed.insert("items".into(), Value::Array(items));
}

fn coerce_json_item(item: &mut JsonMap) {
    use serde_json::Value;
    for key in [
        "id",
        "url",
        "external_url",
        "title",
        "content_html",
        "content_text",
        "summary",
        "date_published",
        "date_modified",
    ] {
        coerce_string(item, key, false);
    }
    coerce_authors(item);
    let tags: Option<Vec<Value>> = match item.remove("tags") {
        Some(Value::String(s)) => Some(
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(Value::from)
                .collect(),
        ),
        Some(Value::Array(tags)) => Some(tags.into_iter().filter(Value::is_string).collect()),
        _ => None,
    };
    if let Some(tags) = tags {
        item.insert("tags".into(), Value::Array(tags));
    }
    if let Some(Value::Array(attachments)) = item.remove("attachments") {
        let attachments = attachments
            .into_iter()
            .filter_map(|a| {
                let Value::Object(mut a) = a else { return None };
                coerce_string(&mut a, "url", false);
                coerce_string(&mut a, "title", false);
                a.get("url")?;
                if !a.get("mime_type").is_some_and(Value::is_string) {
                    a.insert("mime_type".into(), "application/octet-stream".into());
                }
                if !a.get("size_in_bytes").is_some_and(Value::is_u64) {
                    a.remove("size_in_bytes");
                }
                Some(Value::Object(a))
            })
            .collect();
        item.insert("attachments".into(), Value::Array(attachments));
    }
}

fn coerce_authors(map: &mut JsonMap) {
    use serde_json::Value;
    let author = |v: Value| -> Option<Value> {
        let mut author = match v {
            Value::String(name) => JsonMap::from_iter([("name".to_string(), Value::String(name))]),
            Value::Object(o) => o,
            _ => return None,
        };
        coerce_string(&mut author, "name", false);
        coerce_string(&mut author, "url", false);
        Some(Value::Object(author))
    };
    if let Some(a) = map.remove("author").and_then(author) {
        map.insert("author".into(), a);
    }
    if let Some(Value::Array(list)) = map.remove("authors") {
        let list = list.into_iter().filter_map(author).collect();
        map.insert("authors".into(), Value::Array(list));
    }
}

/// Keeps `key` only as a string (numbers and booleans are written out); `required`
/// fields default to the empty string.
fn coerce_string(map: &mut JsonMap, key: &str, required: bool) {
    use serde_json::Value;
    let value = match map.remove(key) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    };
    match value {
        Some(s) => {
            map.insert(key.into(), Value::String(s));
        }
        None if required => {
            map.insert(key.into(), Value::String(String::new()));
        }
        None => {}
    }
}
/// `<rss …>…</rss>` → `<rss …><channel>…</channel></rss>`.
pub(super) fn wrap_in_channel(doc: &str, root_end: usize) -> String {
    let root_end = root_end.min(doc.len());
    let close = doc.rfind("</rss").filter(|&c| c >= root_end).unwrap_or(doc.len());
    let mut out = String::with_capacity(doc.len() + 24);
    out.push_str(&doc[..root_end]);
    out.push_str("<channel>");
    out.push_str(&doc[root_end..close]);
    out.push_str("</channel>");
    out.push_str(&doc[close..]);
    out
}

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const ITUNES_NS: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";

/// Rewrites dialects feed-rs would read as an empty (or partly empty) feed. Returns
/// `None` when nothing needs changing, the usual case: every check here is a substring
/// search or looks at the root tag only.
pub(super) fn upgrade_dialect(doc: &str, tag: std::ops::Range<usize>, root: &str) -> Option<String> {
    let root_tag = &doc[tag.clone()];
    let mut out: Option<String> = None;
    match root {
        "rss" => {
            let version = attr_value(root_tag, "version");
            let known = matches!(version.as_deref(), Some("2.0" | "" | "0.91" | "0.92"));
            let default_ns = attr_value(root_tag, "xmlns");
            if !known || default_ns.is_some() {
                // feed-rs dispatches on the exact version and reads RSS elements only
                // without a default namespace; RSS 2.0 rules read every version well.
                let mut new_tag = remove_attr(&remove_attr(root_tag, "version"), "xmlns");
                new_tag.insert_str(tag_name_end(&new_tag), " version=\"2.0\"");
                out = Some(replace_range(doc, tag, &new_tag));
            }
            // UserLand's namespace for RSS 2.0 elements, used with a prefix.
            const USERLAND: &str = "http://backend.userland.com/rss2";
            if out.as_deref().unwrap_or(doc).contains(USERLAND) {
                out = Some(
                    out.as_deref()
                        .unwrap_or(doc)
                        .replace(USERLAND, "http://purl.org/rss/1.0/"),
                );
            }
        }
        "feed" | "entry" => {
            let default_ns = attr_value(root_tag, "xmlns");
            let atom03 = default_ns.as_deref() == Some("http://purl.org/atom/ns#")
                || attr_value(root_tag, "version").as_deref() == Some("0.3")
                || doc.contains("http://purl.org/atom/ns#");
            let foreign = default_ns.as_deref().is_some_and(|ns| ns != ATOM_NS);
            if foreign {
                // Pre-standard Atom drafts used a variety of namespaces; the elements are
                // the Atom ones.
                let mut new_tag = remove_attr(root_tag, "xmlns");
                new_tag.insert_str(tag_name_end(&new_tag), &format!(" xmlns=\"{ATOM_NS}\""));
                out = Some(replace_range(doc, tag, &new_tag));
            }
            if atom03 {
                out = Some(upgrade_atom03(out.as_deref().unwrap_or(doc)));
            }
        }
        "rdf" => {
            const RSS090: &str = "http://my.netscape.com/rdf/simple/0.9/";
            if doc.contains(RSS090) {
                out = Some(doc.replace(RSS090, "http://purl.org/rss/1.0/"));
            }
        }
        _ => {}
    }
    // feed-rs matches namespace URIs exactly; iTunes' is often written in other cases.
    // Namespace declarations sit on the root element, near the start.
    let current = out.as_deref().unwrap_or(doc);
    let head = &current[..current.floor_char_boundary(8192)];
    if head.contains("itunes.com/") && !head.contains(ITUNES_NS) && contains_ignore_ascii_case(head, ITUNES_NS) {
        static ITUNES: LazyLock<Option<Regex>> =
            LazyLock::new(|| static_regex(r"(?i)http://www\.itunes\.com/dtds/podcast-1\.0\.dtd"));
        if let Some(re) = ITUNES.as_ref() {
            out = Some(re.replace_all(current, ITUNES_NS).into_owned());
        }
    }
    out
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Byte offset just past the element name of a start tag.
fn tag_name_end(tag: &str) -> usize {
    tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(tag.len())
}

/// Atom 0.3 → Atom 1.0: namespace, renamed elements, and MIME-typed text constructs.
pub(super) fn upgrade_atom03(doc: &str) -> String {
    static RENAMES: LazyLock<Option<Regex>> =
        LazyLock::new(|| static_regex(r"<(/?)([A-Za-z_][\w.-]*:)?(issued|modified|tagline|copyright)\b"));
    let doc = doc.replace("http://purl.org/atom/ns#", ATOM_NS);
    let Some(renames) = RENAMES.as_ref() else {
        return normalise_atom_types(&doc).into_owned();
    };
    let doc = renames.replace_all(&doc, |caps: &regex::Captures<'_>| {
        let new = match &caps[3] {
            "issued" => "published",
            "modified" => "updated",
            "tagline" => "subtitle",
            _ => "rights",
        };
        format!("<{}{}{}", &caps[1], caps.get(2).map_or("", |m| m.as_str()), new)
    });
    normalise_atom_types(&doc).into_owned()
}

/// feed-rs rejects a whole feed over one Atom text construct (`title`, `subtitle`,
/// `summary`, `rights`) whose `type` is not `text`, `html` or `xhtml`, and over a
/// `content` type that is not a MIME type. Atom 0.3 used MIME types there, and broken
/// generators write anything; map them to the keyword they mean, `text` otherwise.
pub(super) fn normalise_atom_types(doc: &str) -> Cow<'_, str> {
    static TYPES: LazyLock<Option<Regex>> = LazyLock::new(|| {
        static_regex(
            r#"(<(?:[\w.-]+:)?(title|subtitle|summary|rights|content)\b[^>]*?\stype\s*=\s*)(?:"([^"]*)"|'([^']*)')"#,
        )
    });
    let Some(types) = TYPES.as_ref() else {
        return Cow::Borrowed(doc);
    };
    types.replace_all(doc, |caps: &regex::Captures<'_>| {
        let value = caps.get(3).or(caps.get(4)).map_or("", |m| m.as_str()).trim();
        let keyword = match value.to_ascii_lowercase().as_str() {
            "text" | "text/plain" => "text",
            "html" | "text/html" => "html",
            "xhtml" | "application/xhtml+xml" | "text/xhtml" => "xhtml",
            // A real MIME type is fine on content (inline XML, base64 payloads).
            v if &caps[2] == "content" && v.contains('/') && !v.contains(' ') => value,
            _ => "text",
        };
        format!("{}\"{keyword}\"", &caps[1])
    })
}

fn attr_value(tag: &str, name: &str) -> Option<String> {
    let (start, end) = attr_span(tag, name)?;
    let raw = &tag[start..end];
    let value = raw[raw.find('=')? + 1..].trim();
    Some(value.trim_matches(['"', '\'']).trim().to_string())
}

fn remove_attr(tag: &str, name: &str) -> String {
    match attr_span(tag, name) {
        Some((start, end)) => format!("{}{}", &tag[..start], &tag[end..]),
        None => tag.to_string(),
    }
}

/// Byte span of ` name="value"` (leading whitespace included) within a start tag.
fn attr_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let bytes = tag.as_bytes();
    let mut search = 0;
    while let Some(rel) = tag[search..].find(name) {
        let at = search + rel;
        search = at + name.len();
        let preceded = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let rest = tag[at + name.len()..].trim_start();
        if !preceded || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        let value_start = tag.len() - value.len();
        let end = match value.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => value[1..].find(q as char).map(|i| value_start + i + 2)?,
            _ => value
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .map_or(tag.len(), |i| value_start + i),
        };
        let start = tag[..at].trim_end().len();
        return Some((start, end));
    }
    None
}

fn replace_range(doc: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(doc.len() + with.len());
    out.push_str(&doc[..range.start]);
    out.push_str(with);
    out.push_str(&doc[range.end..]);
    out
}

/// The costly second-chance repairs. Returns `None` when none applies (the error is then
/// final).
pub(super) fn repair_xml(doc: &str, root: &str) -> Option<String> {
    let mut fixed = fix_references(doc);
    // A document cut off inside its very last tag ("…</feed") lost nothing.
    let current = fixed.as_deref().unwrap_or(doc);
    let tail = current.trim_end();
    let last_tag = tail.rfind("</").map(|i| &tail[i + 2..]);
    if last_tag.is_some_and(|t| {
        let local = t.rsplit(':').next().unwrap_or(t);
        local.eq_ignore_ascii_case(root) || (root == "rdf" && local == "RDF")
    }) {
        let mut s = tail.to_string();
        s.push('>');
        fixed = Some(s);
    }
    if (root == "feed" || root == "entry")
        && let Cow::Owned(s) = normalise_atom_types(fixed.as_deref().unwrap_or(doc))
    {
        fixed = Some(s);
    }
    if doc.contains(":person")
        && let Cow::Owned(s) = drop_podcast_people(fixed.as_deref().unwrap_or(doc))
    {
        fixed = Some(s);
    }
    fixed
}

/// HTML entities XML does not define become numeric references (unknown ones are
/// escaped so they read literally), and a bare `&` becomes `&amp;`. CDATA sections are
/// copied untouched.
fn fix_references(doc: &str) -> Option<String> {
    let mut out = String::with_capacity(doc.len() + 256);
    let mut changed = false;
    let mut rest = doc;
    while let Some(amp) = rest.find('&') {
        if let Some(cdata) = rest[..amp].find("<![CDATA[") {
            let end = rest[cdata..].find("]]>").map_or(rest.len(), |i| cdata + i + 3);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let consumed = match xml_reference(tail) {
            XmlRef::Valid(len) => {
                if tail.as_bytes().get(2) == Some(&b'X') {
                    // "&#X41;": XML only knows the lowercase x.
                    changed = true;
                    out.push_str("&#x");
                    out.push_str(&tail[3..len]);
                } else {
                    out.push_str(&tail[..len]);
                }
                len
            }
            XmlRef::Named(name) => {
                changed = true;
                match named_entity(name) {
                    Some(ch) => {
                        let _ = write!(out, "&#{};", ch as u32);
                    }
                    None => {
                        out.push_str("&amp;");
                        out.push_str(name);
                        out.push(';');
                    }
                }
                name.len() + 2
            }
            XmlRef::Bare => {
                changed = true;
                out.push_str("&amp;");
                1
            }
        };
        rest = &tail[consumed..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

enum XmlRef<'a> {
    /// A reference XML understands, this many bytes long.
    Valid(usize),
    /// `&name;` with a name XML does not predefine.
    Named(&'a str),
    /// An `&` that starts no reference.
    Bare,
}

fn xml_reference(tail: &str) -> XmlRef<'_> {
    let bytes = tail.as_bytes();
    if bytes.get(1) == Some(&b'#') {
        let hex = matches!(bytes.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let digits = bytes[start..]
            .iter()
            .take_while(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() })
            .count();
        return if digits > 0 && bytes.get(start + digits) == Some(&b';') {
            XmlRef::Valid(start + digits + 1)
        } else {
            XmlRef::Bare
        };
    }
    let name_len = bytes[1..]
        .iter()
        .take(40)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    if name_len == 0 || bytes.get(1 + name_len) != Some(&b';') {
        return XmlRef::Bare;
    }
    let name = &tail[1..1 + name_len];
    match name {
        "amp" | "lt" | "gt" | "quot" | "apos" => XmlRef::Valid(name_len + 2),
        _ => XmlRef::Named(name),
    }
}

/// feed-rs fails a whole feed on a `<podcast:person>` role or group outside its
/// taxonomy; we do not use people, so they go.
pub(super) fn drop_podcast_people(doc: &str) -> Cow<'_, str> {
    static PEOPLE: LazyLock<Option<Regex>> = LazyLock::new(|| {
        static_regex(r"(?s)<([A-Za-z_][\w.-]*):person\b[^>]*?(?:/>|>.*?</([A-Za-z_][\w.-]*):person\s*>)")
    });
    match PEOPLE.as_ref() {
        Some(people) => people.replace_all(doc, ""),
        None => Cow::Borrowed(doc),
    }
}

/// Compiles one of this module's fixed patterns. A failure could only be a typo, which
/// the unit tests catch; at run time the rewrite is then skipped rather than panicking.
fn static_regex(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}
