//! Link normalisation shared by every parser: canonical URLs, so the same story found
//! through different links dedupes. Turning markup into text is
//! [`crate::text::html`]'s job.

use url::Url;

/// Query parameters that only identify a click or a campaign. Compared ASCII
/// case-insensitively; `utm_*` is handled as a prefix.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "igshid",
    "yclid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "mkt_tok",
    "vero_id",
    "oly_anon_id",
    "oly_enc_id",
    "ref_src",
    "ref_url",
    "_ga",
    "_gl",
];

fn is_tracking_param(key: &str) -> bool {
    let prefixed = key.len() >= 4 && key.as_bytes()[..4].eq_ignore_ascii_case(b"utm_");
    prefixed || TRACKING_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(key))
}

/// Canonical form of a link: absolute http(s), tracking parameters (`utm_*`, `fbclid`,
/// `gclid` and similar click ids) removed with the other parameters kept in order,
/// fragment and empty `?` removed, host lowercased and default port dropped.
/// Returns `None` for links that cannot be made absolute http(s).
pub fn canonical_url(raw: &str, base: Option<&Url>) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let mut url = match base {
        Some(base) => base.join(raw).ok()?,
        None => Url::parse(raw).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    let query = url.query().map(|q| {
        // Filtering the raw pieces (instead of re-serialising `query_pairs`) keeps the
        // publisher's encoding of the parameters we keep byte for byte.
        q.split('&')
            .filter(|piece| {
                let key = piece.split('=').next().unwrap_or_default();
                !piece.is_empty() && !is_tracking_param(key)
            })
            .collect::<Vec<_>>()
            .join("&")
    });
    match query {
        Some(q) if !q.is_empty() => url.set_query(Some(&q)),
        _ => url.set_query(None),
    }
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(raw: &str) -> Option<String> {
        canonical_url(raw, None)
    }

    #[test]
    fn tracking_parameters_are_removed_and_others_kept_in_order() {
        assert_eq!(
            canon("https://example.com/a?b=2&utm_source=x&a=1&UTM_Medium=y&fbclid=z&c"),
            Some("https://example.com/a?b=2&a=1&c".into())
        );
        assert_eq!(
            canon(
                "https://example.com/a?gclid=1&msclkid=2&mc_cid=3&mc_eid=4&_hsenc=5&_hsmi=6&igshid=7&yclid=8&ref_src=twsrc&dclid=9"
            ),
            Some("https://example.com/a".into())
        );
        // `ref` is a real parameter on many sites (GitHub branches) and stays.
        assert_eq!(
            canon("https://github.com/o/r/blob/x?ref=main"),
            Some("https://github.com/o/r/blob/x?ref=main".into())
        );
    }

    #[test]
    fn fragment_empty_query_case_and_port_are_normalised() {
        assert_eq!(
            canon("  HTTP://Example.COM:80/Path?#section "),
            Some("http://example.com/Path".into())
        );
        assert_eq!(
            canon("https://example.com:443/x#frag"),
            Some("https://example.com/x".into())
        );
        assert_eq!(
            canon("https://example.com:8443/x?q=%20a+b"),
            Some("https://example.com:8443/x?q=%20a+b".into())
        );
    }

    #[test]
    fn relative_links_resolve_against_base_and_non_http_is_rejected() {
        let base = Url::parse("https://example.com/blog/feed.xml").ok();
        assert_eq!(
            canonical_url("../post/1?utm_campaign=rss", base.as_ref()),
            Some("https://example.com/post/1".into())
        );
        assert_eq!(canonical_url("/x", base.as_ref()), Some("https://example.com/x".into()));
        assert_eq!(canon("/relative"), None);
        assert_eq!(canon("mailto:a@example.com"), None);
        assert_eq!(canon("javascript:alert(1)"), None);
        assert_eq!(canon("ftp://example.com/file"), None);
        assert_eq!(canon(""), None);
        assert_eq!(canonical_url("   ", base.as_ref()), None);
    }
}
