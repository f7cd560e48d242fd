//! Bytes → UTF-8 text: BOMs, UTF-16/32, the HTTP charset, the XML declaration and
//! legacy charsets via encoding_rs.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The body as UTF-8 without BOM. Precedence: BOM (or UTF-16/32 byte patterns), then the
/// HTTP charset, then the XML declaration, then UTF-8 when the bytes are valid UTF-8, else
/// Windows-1252. A declared legacy charset loses to UTF-8 when the bytes are valid UTF-8
/// and the other declaration says UTF-8: servers often label everything ISO-8859-1.
pub(super) fn decode_body<'a>(body: &'a [u8], content_type: Option<&str>) -> Cow<'a, str> {
    if let Some(text) = decode_utf32(body) {
        return strip_declared_encoding(Cow::Owned(text));
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = encoding.decode_without_bom_handling(&body[bom_len..]);
        return strip_declared_encoding(text);
    }
    // UTF-16 without BOM still starts with "<?" in either byte order.
    if body.starts_with(&[b'<', 0, b'?', 0]) {
        return strip_declared_encoding(UTF_16LE.decode_without_bom_handling(body).0);
    }
    if body.starts_with(&[0, b'<', 0, b'?']) {
        return strip_declared_encoding(UTF_16BE.decode_without_bom_handling(body).0);
    }

    let utf8 = std::str::from_utf8(body).ok();
    // A UTF-16 label on a byte stream that is evidently ASCII-compatible is a lie.
    let usable = |e: &'static Encoding| e != UTF_16LE && e != UTF_16BE;
    let http = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .filter(|e| usable(e));
    let declared = xml_declared_encoding(body)
        .and_then(Encoding::for_label)
        .filter(|e| usable(e));
    let says_utf8 = http == Some(UTF_8) || declared == Some(UTF_8);
    let encoding = match (http, declared) {
        _ if utf8.is_some() && says_utf8 => UTF_8,
        (Some(e), _) | (None, Some(e)) => e,
        (None, None) if utf8.is_some() => UTF_8,
        (None, None) => WINDOWS_1252,
    };
    if encoding == UTF_8 {
        // An ASCII body reads the same in every ASCII-compatible charset: no copy.
        return match utf8 {
            Some(text) => strip_declared_encoding(Cow::Borrowed(text)),
            None => strip_declared_encoding(String::from_utf8_lossy(body)),
        };
    }
    if utf8.is_some_and(|t| t.is_ascii()) {
        return strip_declared_encoding(Cow::Borrowed(utf8.unwrap_or_default()));
    }
    strip_declared_encoding(encoding.decode_without_bom_handling(body).0)
}

/// UTF-32 (which encoding_rs, following WHATWG, does not support), recognised by its
/// BOM or by a leading `<` in either byte order.
fn decode_utf32(body: &[u8]) -> Option<String> {
    let (big_endian, skip) = match body {
        [0, 0, 0xfe, 0xff, ..] => (true, 4),
        [0xff, 0xfe, 0, 0, ..] => (false, 4),
        [0, 0, 0, b'<', ..] => (true, 0),
        [b'<', 0, 0, 0, ..] => (false, 0),
        _ => return None,
    };
    let text = body[skip..]
        .chunks_exact(4)
        .map(|c| {
            let unit = [c[0], c[1], c[2], c[3]];
            let value = if big_endian {
                u32::from_be_bytes(unit)
            } else {
                u32::from_le_bytes(unit)
            };
            char::from_u32(value).unwrap_or('\u{fffd}')
        })
        .collect();
    Some(text)
}

fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
    })
}

/// The `encoding="…"` of an XML declaration near the start of an ASCII-compatible body.
fn xml_declared_encoding(body: &[u8]) -> Option<&[u8]> {
    let head = &body[..body.len().min(1024)];
    let start = find_bytes(head, b"<?xml")?;
    let decl = &head[start..];
    let decl = &decl[..find_bytes(decl, b"?>")?];
    let at = find_bytes(decl, b"encoding")?;
    let rest = &decl[at + b"encoding".len()..];
    let rest = rest.trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    Some(&value[..value.iter().position(|&b| b == quote)?])
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Text is UTF-8 from here on; an encoding named in the XML declaration would make the
/// XML reader decode it a second time, so the attribute goes unless it says UTF-8.
fn strip_declared_encoding(text: Cow<'_, str>) -> Cow<'_, str> {
    let stated = xml_declared_encoding(text.as_bytes()).map(|label| {
        let start = label.as_ptr() as usize - text.as_ptr() as usize;
        (start, label.len())
    });
    let Some((value_start, value_len)) = stated else {
        return text;
    };
    let label = &text[value_start..value_start + value_len];
    if Encoding::for_label(label.as_bytes()) == Some(UTF_8) {
        return text;
    }
    let Some(attr_start) = text[..value_start].rfind("encoding") else {
        return text;
    };
    let mut fixed = String::with_capacity(text.len());
    fixed.push_str(text[..attr_start].trim_end());
    fixed.push_str(&text[value_start + value_len + 1..]);
    Cow::Owned(fixed)
}
