//! Compression and shortening: asides and attribution tails removed, long sentences cut at clause boundaries.

use super::*;

/// A bracketed aside after a space: "Google Cloud Platform (GCP)", "[1]". Brackets glued to
/// a word ("O(lg N)", "f(x)") are notation and stay.
pub(super) static PARENTHETICAL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s+(?:\(([^()]*)\)|\[([^\[\]]*)\])").ok());
pub(super) static DASH_ASIDE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s+[—–]\s+[^—–]+?\s+[—–]\s+|(\w)—[^—]+?—(\w)").ok());
pub(super) static SAID_TAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#",?\s+(?:(?:he|she|they|it|the company|the firm|the startup|the lab|the team|the spokesperson|a spokesperson|a spokeswoman|a spokesman)\s+(?:said|says|wrote|added|noted|explained|announced|confirmed)"#,
        r#"|(?:said|says|added|noted|wrote)\s+(?:he|she|they|the company|the firm))(?:\s+(?:on|in)\s+[^,.;]+)?\s*([.!?]["'”’]?)$"#,
    ))
    .ok()
});

/// Drops what a short summary does without: bracketed asides, paired-dash asides, and for
/// the TL;DR also time/venue openers, scientific framing and "he said" tails.
pub(super) fn compress(sentence: &str, aggressive: bool) -> String {
    let mut text = sentence.to_string();
    if let Some(re) = PARENTHETICAL.as_ref() {
        let replaced = re.replace_all(&text, |caps: &regex::Captures<'_>| {
            let inner = caps.get(1).or_else(|| caps.get(2)).map_or("", |m| m.as_str());
            // Formulas ("(X AND Y') OR …") are content; acronyms, citations, credits and,
            // in a TL;DR, any other aside, are not.
            let formula = inner.contains(['=', '*', '+', '<', '>', '\\']);
            let minor = !inner.contains(' ')
                || inner
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '-' || c == ' ')
                || ["photo", "image", "source", "via", "credit", "pictured"]
                    .iter()
                    .any(|cue| inner.to_ascii_lowercase().starts_with(cue));
            if !formula && (aggressive || minor) {
                String::new()
            } else {
                caps.get(0).map_or(String::new(), |m| m.as_str().to_string())
            }
        });
        if word_count(&replaced) >= 5 {
            text = replaced.into_owned();
        }
    }
    if let Some(re) = DASH_ASIDE.as_ref() {
        let replaced = re.replace_all(&text, |caps: &regex::Captures<'_>| match (caps.get(1), caps.get(2)) {
            (Some(a), Some(b)) => format!("{} {}", a.as_str(), b.as_str()),
            _ => " ".to_string(),
        });
        if word_count(&replaced) >= 6 {
            text = replaced.into_owned();
        }
    }
    if aggressive {
        for re in [LEADING_CLAUSE.as_ref(), FINDING_FRAME.as_ref()].into_iter().flatten() {
            if let Some(m) = re.find(&text)
                && word_count(&text[m.end()..]) >= 6
            {
                text = capitalize_first(&text[m.end()..]);
            }
        }
        // "In April at Google Cloud Next '19, we…": any short opener that dates the news.
        if let (Some(opener), Some(time)) = (GENERAL_OPENER.as_ref(), TIME_WORD.as_ref())
            && let Some(m) = opener.find(&text)
            && time.is_match(m.as_str())
            && word_count(&text[m.end()..]) >= 6
        {
            text = capitalize_first(&text[m.end()..]);
        }
        // "Last week Apple released…": the same without a comma, before a capitalised word.
        if let Some(re) = BARE_TIME_OPENER.as_ref()
            && let Some(caps) = re.captures(&text)
            && let Some(rest) = caps.get(1)
            && word_count(&text[rest.start()..]) >= 6
        {
            text = text[rest.start()..].to_string();
        }
        if let Some(re) = HERE_WE.as_ref()
            && let Some(caps) = re.captures(&text)
            && let Some(we) = caps.get(1)
        {
            text = capitalize_first(&text[we.start()..]);
        }
        if let Some(re) = SAID_TAIL.as_ref()
            && let Some(caps) = re.captures(&text)
            && let Some(whole) = caps.get(0)
            && word_count(&text[..whole.start()]) >= 6
        {
            let end = caps.get(1).map_or(".", |m| m.as_str()).to_string();
            text = format!("{}{}", text[..whole.start()].trim_end_matches([',', ' ']), end);
        }
    }
    // Removing asides can leave " ," or " ." behind.
    let text = text.replace(" ,", ",").replace(" .", ".").replace(" ;", ";");
    collapse_whitespace(&text)
}

/// The sentence itself when it has at most `max` words, else its longest clean prefix that
/// ends at a clause boundary (";", " — ", ", which", ",") and keeps at least a third of the
/// limit; `None` when there is no such boundary.
pub(super) fn shorten(sentence: &str, max: usize) -> Option<String> {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() <= max {
        return Some(sentence.to_string());
    }
    // Byte offset where each word ends, so a prefix is a slice rather than a join.
    let base = sentence.as_ptr() as usize;
    let ends: Vec<usize> = words.iter().map(|w| w.as_ptr() as usize - base + w.len()).collect();
    let min = (max / 3).max(6);
    // After an introductory phrase ("While we could…,", "In 2024,"), the first comma only
    // closes the introduction: the main clause is still to come.
    let introduced = words.first().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "while"
                | "although"
                | "though"
                | "even"
                | "whether"
                | "if"
                | "when"
                | "because"
                | "as"
                | "since"
                | "whereas"
                | "unless"
                | "once"
                | "after"
                | "before"
                | "until"
                | "despite"
                | "to"
                | "with"
                | "by"
                | "for"
                | "in"
                | "on"
                | "at"
                | "among"
                | "following"
                | "given"
                | "during"
                | "without"
                | "unlike"
                | "like"
                | "from"
        )
    });
    let first_comma = words.iter().position(|w| w.ends_with(',')).unwrap_or(0);
    let mut best: Option<(f32, usize)> = None;
    for k in min..=max.min(words.len() - 1) {
        if introduced && k <= first_comma + 1 {
            continue;
        }
        // A cut after words[k - 1], before words[k].
        let before = words[k - 1];
        let next = words[k].to_lowercase();
        let next = next.trim_matches(|c: char| !c.is_alphanumeric());
        let strong_comma = before.ends_with(',')
            && matches!(
                next,
                "which"
                    | "who"
                    | "while"
                    | "whereas"
                    | "although"
                    | "though"
                    | "because"
                    | "but"
                    | "and"
                    | "as"
                    | "after"
                    | "including"
                    | "where"
                    | "when"
                    | "amid"
                    | "despite"
                    | "so"
                    | "with"
                    | "making"
                    | "bringing"
                    | "allowing"
                    | "giving"
                    | "adding"
                    | "according"
                    | "saying"
                    | "following"
            );
        let priority: f32 = if before.ends_with(';') || matches!(words[k], "—" | "–" | "-") || strong_comma {
            3.0
        } else if before.ends_with(',') || before.ends_with(':') {
            2.0
        } else if matches!(
            next,
            "which" | "while" | "whereas" | "although" | "because" | "including" | "amid" | "despite" | "after"
        ) {
            1.5
        } else {
            continue;
        };
        // A comma inside an enumeration ("infrastructure, skilled workers, favourable laws,")
        // is not a clause boundary: the segments on either side are short list items.
        if before.ends_with(',') && !strong_comma {
            let segment_words = |range: &[&str]| range.iter().position(|w| w.ends_with(',')).map(|p| p + 1);
            let before_segment = words[..k - 1].iter().rev().position(|w| w.ends_with(','));
            let after_segment = segment_words(&words[k..]);
            if before_segment.is_some_and(|n| n < 4) || after_segment.is_some_and(|n| n <= 4) {
                continue;
            }
        }
        let prefix = &sentence[..ends[k - 1]];
        if !balanced(prefix) {
            continue;
        }
        // "The code, which harvested wallets," ends a relative clause, not the sentence.
        if before.ends_with(',') {
            let last_segment = prefix.trim_end_matches(',').rsplit(", ").next().unwrap_or("");
            if prefix.contains(", ")
                && matches!(
                    last_segment.split_whitespace().next(),
                    Some("which" | "who" | "whose" | "where")
                )
            {
                continue;
            }
        }
        let value = priority + k as f32 / max as f32;
        if best.is_none_or(|(b, _)| value > b) {
            best = Some((value, k));
        }
    }
    let (_, k) = best?;
    let mut prefix = sentence[..ends[k - 1]].to_string();
    let trimmed_len = prefix.trim_end_matches([',', ';', ':', '—', '–', '-', ' ']).len();
    prefix.truncate(trimmed_len);
    for conjunction in [" and", " but", " or"] {
        if prefix.ends_with(conjunction) {
            prefix.truncate(prefix.len() - conjunction.len());
        }
    }
    if !prefix.ends_with(['.', '!', '?', '…']) {
        prefix.push('.');
    }
    Some(prefix)
}

/// The first `max` words and an ellipsis: the last resort when no clause boundary fits.
pub(super) fn hard_cut(sentence: &str, max: usize) -> String {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() <= max {
        return sentence.to_string();
    }
    let mut out = words[..max].join(" ");
    let trimmed_len = out.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
    out.truncate(trimmed_len);
    out.push('…');
    out
}

/// True when brackets and double quotes are closed.
pub(super) fn balanced(text: &str) -> bool {
    // One pass over the bytes: “ and ” are E2 80 9C and E2 80 9D in UTF-8.
    let (mut round, mut square, mut straight, mut curly) = (0i32, 0i32, 0u32, 0i32);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => round += 1,
            b')' => round -= 1,
            b'[' => square += 1,
            b']' => square -= 1,
            b'"' => straight += 1,
            0xE2 if bytes.get(i + 1) == Some(&0x80) => match bytes.get(i + 2) {
                Some(0x9C) => curly += 1,
                Some(0x9D) => curly -= 1,
                _ => {}
            },
            _ => {}
        }
    }
    round == 0 && square == 0 && straight % 2 == 0 && curly == 0
}
