//! Sentence splitting that survives abbreviations, decimal numbers, initials and quotes.
//!
//! A hand-written scanner rather than a regex splitter: the summariser splits every article,
//! so this has to cost microseconds, and the rules that matter for news ("U.S. President",
//! "Apple Inc. The company", "GPT-4.5", `he said." Next`) are easier to get right as code.
//! Pieces are slices of the input, so callers can map them back to the text.

/// Splits plain text into trimmed sentences, in order.
///
/// A sentence ends at `.`, `!`, `?` or an ellipsis (with any closing quotes and brackets after
/// it) when whitespace and the start of a new sentence follow, and always at CJK full stops.
/// A line break is a hard break (headings, list items), except where a line that ends without
/// punctuation is continued in lower case on the next line (hard-wrapped prose). Pieces without
/// a letter or digit (rules such as `---`) are dropped.
pub fn split(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut line_start = 0;
    let mut i = 0;
    // A byte scan: every character that matters is ASCII or starts with one of three lead
    // bytes, so the rest is skipped without decoding.
    while i < bytes.len() {
        let c = match bytes[i] {
            b'\n' => {
                if !is_soft_wrap(text, line_start, i) {
                    push(&mut out, &text[start..i]);
                    start = i + 1;
                }
                line_start = i + 1;
                i += 1;
                continue;
            }
            b'.' => '.',
            b'!' => '!',
            b'?' => '?',
            0xE2 | 0xE3 | 0xEF => text[i..].chars().next().unwrap_or(' '),
            _ => {
                i += 1;
                continue;
            }
        };
        match c {
            '。' | '！' | '？' => {
                let end = closers_end(text, i + c.len_utf8());
                push(&mut out, &text[start..end]);
                start = end;
                i = end;
            }
            '.' | '!' | '?' | '…' | '‽' => {
                let run_end = terminal_run_end(text, i);
                let end = closers_end(text, run_end);
                let term = i;
                i = end;
                // Only whitespace can follow a sentence end ("3.5", "example.com", "U.S.-based");
                // a line break is left to the newline rule.
                let Some(next_ws) = text[end..].chars().next() else {
                    break;
                };
                if !next_ws.is_whitespace() {
                    if is_glued_boundary(text, start, term, run_end, end) {
                        push(&mut out, &text[start..end]);
                        start = end;
                    }
                    continue;
                }
                if next_ws == '\n' || next_ws == '\r' {
                    continue;
                }
                let rest = text[end..].trim_start_matches([' ', '\t', '\u{a0}']);
                if rest.starts_with(['\n', '\r']) || rest.is_empty() {
                    continue;
                }
                if is_boundary(text, start, term, run_end, rest) {
                    push(&mut out, &text[start..end]);
                    start = end;
                }
            }
            other => i += other.len_utf8(),
        }
    }
    if start < text.len() {
        push(&mut out, &text[start..]);
    }
    out
}

fn push<'a>(out: &mut Vec<&'a str>, piece: &'a str) {
    let piece = piece.trim();
    if piece.chars().any(char::is_alphanumeric) {
        out.push(piece);
    }
}

/// End of a run of terminal punctuation starting at `i` ("?!", "...", "…").
fn terminal_run_end(text: &str, i: usize) -> usize {
    let mut end = i;
    for (j, c) in text[i..].char_indices() {
        if matches!(c, '.' | '!' | '?' | '…' | '‽') {
            end = i + j + c.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// End of the closing quotes, brackets and emphasis marks that belong to the sentence just
/// ended (`…end.") Next`).
fn closers_end(text: &str, from: usize) -> usize {
    let mut end = from;
    for (j, c) in text[from..].char_indices() {
        if matches!(
            c,
            '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '*' | '_' | '`' | '」' | '』' | '）'
        ) {
            end = from + j + c.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// Decides whether the terminal punctuation at `term..run_end` ends the sentence, given the
/// text after the whitespace that follows it.
fn is_boundary(text: &str, start: usize, term: usize, run_end: usize, rest: &str) -> bool {
    // A list item run into the sentence before it ("…Opus 4.6. - On March 26, …").
    if starts_list_item(rest) {
        return true;
    }
    let Some(next) = next_word(rest) else {
        return false;
    };
    let first = next.chars().next().unwrap_or(' ');
    let run = &text[term..run_end];
    let single_period = run == ".";

    if first.is_lowercase() {
        // Sentences rarely start in lower case; brand names do ("iPhone", "eBay").
        let camel = next.chars().skip(1).any(char::is_uppercase);
        if !(single_period && camel) {
            return false;
        }
    }
    if matches!(first, ',' | ';' | ':' | ')' | ']' | '}' | '%') {
        return false;
    }
    if !single_period {
        // "?", "!", "..." and "…" before a capital, digit or quote.
        return true;
    }

    let prev = prev_token(&text[start..term]);
    if prev.is_empty() {
        return true;
    }
    let mut buf = [0u8; 12];
    let Some(lower) = ascii_lower(prev, &mut buf) else {
        // Long tokens and non-ASCII words are not abbreviations.
        return true;
    };
    let next_is_digit = first.is_ascii_digit();

    // Initials: "J. R. R. Tolkien", "George W. Bush".
    if prev.len() == 1 && prev.chars().all(|c| c.is_ascii_uppercase()) && !next_is_digit {
        return false;
    }
    // Numbered list markers at the start of a piece: "1. First".
    if prev.len() <= 2 && prev.chars().all(|c| c.is_ascii_digit()) && text[start..term].trim().len() == prev.len() {
        return false;
    }
    if lower.contains('.') {
        // Dotted abbreviations: "e.g.", "i.e.", "U.S.", "a.m.", "Ph.D.".
        if matches!(lower, "e.g" | "i.e" | "cf" | "viz" | "n.b" | "a.k.a" | "et al") {
            return false;
        }
        if lower.split('.').all(|part| part.len() <= 2 && !part.is_empty()) {
            return is_sentence_starter(next);
        }
        return true;
    }
    if next_is_digit
        && matches!(
            lower,
            "no" | "nos"
                | "vol"
                | "p"
                | "pp"
                | "fig"
                | "figs"
                | "art"
                | "sec"
                | "ch"
                | "v"
                | "ver"
                | "op"
                | "ex"
                | "nr"
        )
    {
        return false;
    }
    if is_title_abbreviation(lower) {
        return false;
    }
    if is_terminal_abbreviation(lower) {
        // "Apple Inc. The company…" ends a sentence; "Jan. 5" and "Inc. Chief" do not.
        return !next_is_digit && is_sentence_starter(next);
    }
    true
}

/// Sentences glued by a lost space ("…in April.Previously, Modi…", a common artefact of
/// flattened HTML): a period between a word and a capitalised word, where neither side
/// looks like a domain, an abbreviation or code ("example.com", "Mr.Smith", "ASP.NET").
fn is_glued_boundary(text: &str, start: usize, term: usize, run_end: usize, end: usize) -> bool {
    if &text[term..run_end] != "." || end != run_end {
        return false;
    }
    let next = &text.as_bytes()[end..];
    let run = next.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let word = &text[end..end + run];
    let capitalised_word = next.first().is_some_and(u8::is_ascii_uppercase)
        && run >= 3
        && next[1..run].iter().all(u8::is_ascii_lowercase)
        // Three-letter words are top-level domains ("Example.Com") unless they open sentences.
        && (run >= 4
            || matches!(word, "The" | "But" | "And" | "She" | "Its" | "For" | "Now" | "Yet" | "Our" | "His" | "Her"));
    if !capitalised_word {
        return false;
    }
    let prev = prev_token(&text[start..term]);
    let letters = prev.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || !prev.chars().all(char::is_alphabetic) || !prev.chars().any(char::is_lowercase) {
        return false;
    }
    let mut buf = [0u8; 12];
    match ascii_lower(prev, &mut buf) {
        Some(lower) => !is_title_abbreviation(lower) && !is_terminal_abbreviation(lower),
        None => true,
    }
}

/// True when `rest` opens with a bullet ("- ", "• ", "* ") followed by a capital or a digit:
/// a list item, not a dash or an operator inside the sentence.
pub fn starts_list_item(rest: &str) -> bool {
    ["- ", "• ", "* ", "· ", "▪ ", "► ", "– "].iter().any(|marker| {
        rest.strip_prefix(marker)
            .and_then(|item| item.trim_start().chars().next())
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    })
}

/// The first word after whitespace, skipping opening quotes and brackets.
fn next_word(rest: &str) -> Option<&str> {
    let rest = rest.trim_start_matches(['"', '\'', '“', '‘', '«', '(', '[', '{', '*', '_', '`', '¿', '¡']);
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    let word = &rest[..end];
    if word.is_empty() { None } else { Some(word) }
}

/// The token just before the terminal, without opening quotes and brackets.
fn prev_token(before: &str) -> &str {
    let start = before.rfind(|c: char| c.is_whitespace()).map_or(0, |p| p + 1);
    before[start..].trim_start_matches(['"', '\'', '“', '‘', '«', '(', '[', '{', '*', '_', '`'])
}

/// `word` lower-cased into `buf`, or `None` when it is too long or not ASCII.
fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; 12]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    if bytes.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    let out = &mut buf[..bytes.len()];
    out.copy_from_slice(bytes);
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

/// Abbreviations that are (almost) never the last word of a sentence.
fn is_title_abbreviation(lower: &str) -> bool {
    matches!(
        lower,
        "mr" | "mrs"
            | "ms"
            | "mx"
            | "dr"
            | "prof"
            | "st"
            | "sen"
            | "rep"
            | "gov"
            | "gen"
            | "col"
            | "lt"
            | "sgt"
            | "capt"
            | "cmdr"
            | "adm"
            | "pres"
            | "hon"
            | "rev"
            | "fr"
            | "mt"
            | "messrs"
            | "vs"
            | "v"
            | "cf"
            | "approx"
            | "ca"
            | "fig"
            | "figs"
            | "vol"
            | "pp"
            | "dept"
            | "univ"
            | "assn"
            | "eq"
            | "ref"
            | "incl"
            | "ex"
    )
}

/// Abbreviations that may end a sentence; they do when a typical sentence opener follows.
fn is_terminal_abbreviation(lower: &str) -> bool {
    matches!(
        lower,
        "etc"
            | "inc"
            | "corp"
            | "ltd"
            | "co"
            | "llc"
            | "plc"
            | "bros"
            | "jr"
            | "sr"
            | "al"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
            | "mon"
            | "tue"
            | "tues"
            | "wed"
            | "thu"
            | "thur"
            | "thurs"
            | "fri"
            | "ave"
            | "blvd"
            | "rd"
            | "est"
            | "ft"
            | "mins"
            | "hrs"
            | "yrs"
            | "no"
    )
}

/// Words that typically open an English sentence; after an ambiguous abbreviation they
/// tip the decision towards a boundary.
fn is_sentence_starter(word: &str) -> bool {
    let word = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "It"
            | "It's"
            | "It’s"
            | "Its"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "There"
            | "Their"
            | "They"
            | "He"
            | "She"
            | "We"
            | "I"
            | "You"
            | "But"
            | "And"
            | "Or"
            | "So"
            | "Yet"
            | "In"
            | "On"
            | "At"
            | "For"
            | "If"
            | "As"
            | "After"
            | "Before"
            | "When"
            | "While"
            | "Although"
            | "Though"
            | "However"
            | "Meanwhile"
            | "Still"
            | "Also"
            | "Now"
            | "Then"
            | "Today"
            | "Yesterday"
            | "Last"
            | "Next"
            | "According"
            | "Some"
            | "Many"
            | "Most"
            | "Both"
            | "Each"
            | "Such"
            | "His"
            | "Her"
            | "Our"
            | "My"
            | "Your"
            | "What"
            | "Why"
            | "How"
            | "Who"
            | "Where"
            | "Which"
            | "Despite"
            | "Since"
            | "Because"
            | "With"
            | "By"
            | "From"
            | "Under"
            | "Other"
            | "Another"
    )
}

/// True when the line break at `nl` only wraps prose: the line is long, ends without
/// punctuation, and the next line carries on in lower case.
fn is_soft_wrap(text: &str, line_start: usize, nl: usize) -> bool {
    let line = text[line_start..nl].trim();
    if line.chars().count() < 40 {
        return false;
    }
    let Some(last) = line.chars().next_back() else {
        return false;
    };
    if matches!(last, '.' | '!' | '?' | '…' | ':' | ';' | '"' | '”' | ')' | ']') {
        return false;
    }
    let next_line = &text[nl + 1..];
    let next_line = next_line.trim_start_matches([' ', '\t', '\r', '\u{a0}']);
    next_line.chars().next().is_some_and(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_item_after_a_full_stop_starts_a_sentence() {
        assert_eq!(
            split("This impacted Sonnet 4.6 and Opus 4.6. - On March 26, we rolled back. • The fix shipped."),
            vec![
                "This impacted Sonnet 4.6 and Opus 4.6.",
                "- On March 26, we rolled back.",
                "• The fix shipped."
            ]
        );
        assert!(starts_list_item("- On March 26") && starts_list_item("• 3 bugs"));
        assert!(!starts_list_item("- not a list item") && !starts_list_item("-5 degrees"));
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   \n\n ", &[]),
            ("One sentence without a period", &["One sentence without a period"]),
            (
                "First one. Second one! Third one? Fourth.",
                &["First one.", "Second one!", "Third one?", "Fourth."],
            ),
            // Titles and honorifics.
            (
                "Mr. Smith met Dr. Jones and Prof. Lee. They talked.",
                &["Mr. Smith met Dr. Jones and Prof. Lee.", "They talked."],
            ),
            (
                "St. Louis is in Missouri. It is big.",
                &["St. Louis is in Missouri.", "It is big."],
            ),
            // Dotted abbreviations.
            (
                "The U.S. Commerce Department said so. The U.S. is large.",
                &["The U.S. Commerce Department said so.", "The U.S. is large."],
            ),
            (
                "It grew in the U.S. The rest fell.",
                &["It grew in the U.S.", "The rest fell."],
            ),
            (
                "Use tools, e.g. Python, i.e. a language. Then stop.",
                &["Use tools, e.g. Python, i.e. a language.", "Then stop."],
            ),
            (
                "Apples, pears, etc. are fruit. Good.",
                &["Apples, pears, etc. are fruit.", "Good."],
            ),
            (
                "It sells apples, pears, etc. The rest is waste.",
                &["It sells apples, pears, etc.", "The rest is waste."],
            ),
            (
                "Shares of Apple Inc. The company fell.",
                &["Shares of Apple Inc.", "The company fell."],
            ),
            (
                "Apple Inc. Chief Tim Cook spoke. Then he left.",
                &["Apple Inc. Chief Tim Cook spoke.", "Then he left."],
            ),
            (
                "Acme Corp. said it would. It did.",
                &["Acme Corp. said it would.", "It did."],
            ),
            (
                "It ships Jan. 5 in No. 3 form. Next.",
                &["It ships Jan. 5 in No. 3 form.", "Next."],
            ),
            (
                "OpenAI vs. Google is the fight. Who wins?",
                &["OpenAI vs. Google is the fight.", "Who wins?"],
            ),
            // Numbers, versions and money.
            (
                "GPT-4.5 scored 3.5 points and cost $1.2bn. Version v0.3.1 shipped.",
                &["GPT-4.5 scored 3.5 points and cost $1.2bn.", "Version v0.3.1 shipped."],
            ),
            (
                "Revenue rose 12.5% in 2024. 2025 looks better.",
                &["Revenue rose 12.5% in 2024.", "2025 looks better."],
            ),
            // Initials.
            (
                "J. R. R. Tolkien wrote books. George W. Bush read them.",
                &["J. R. R. Tolkien wrote books.", "George W. Bush read them."],
            ),
            // Ellipses.
            (
                "Wait... what happened? Nothing… Then it rained.",
                &["Wait... what happened?", "Nothing…", "Then it rained."],
            ),
            // Quotes and brackets after the period.
            (
                "\"We are done,\" he said. \"It works.\" Next came more.",
                &["\"We are done,\" he said.", "\"It works.\"", "Next came more."],
            ),
            (
                "It was fine (mostly.) Next it broke.",
                &["It was fine (mostly.)", "Next it broke."],
            ),
            (
                "“It ships today.” The CEO smiled.",
                &["“It ships today.”", "The CEO smiled."],
            ),
            (
                "\"Is it live?\" she asked. Yes.",
                &["\"Is it live?\" she asked.", "Yes."],
            ),
            // URLs and domain names.
            (
                "Read simonwillison.net for more. Or visit https://example.com/a.b?x=1. Done.",
                &[
                    "Read simonwillison.net for more.",
                    "Or visit https://example.com/a.b?x=1.",
                    "Done.",
                ],
            ),
            (
                "The site is example.com. It loads.",
                &["The site is example.com.", "It loads."],
            ),
            // Newlines as hard breaks.
            (
                "Big News\nThe model shipped today.\n- 3x faster\n- cheaper",
                &["Big News", "The model shipped today.", "- 3x faster", "- cheaper"],
            ),
            ("1. First item\n2. Second item", &["1. First item", "2. Second item"]),
            // Hard-wrapped prose joins across the line break.
            (
                "The company said that the new model would be released\nnext week to all users. Fine.",
                &[
                    "The company said that the new model would be released\nnext week to all users.",
                    "Fine.",
                ],
            ),
            // Lower case after a period is not a new sentence; camel-cased brands are.
            (
                "It is approx. ten. iPhone sales rose.",
                &["It is approx. ten.", "iPhone sales rose."],
            ),
            ("See Fig. 3 for details.", &["See Fig. 3 for details."]),
            // CJK full stops.
            ("今天发布了。模型很好。", &["今天发布了。", "模型很好。"]),
            // Sentences glued by a lost space, but not domains, abbreviations or code.
            (
                "Modi visited Wuhan in April.Previously, Xi came to India.",
                &["Modi visited Wuhan in April.", "Previously, Xi came to India."],
            ),
            (
                "Buy it at Amazon.com and Example.Com or ASP.NET, says Mr.Smith.",
                &["Buy it at Amazon.com and Example.Com or ASP.NET, says Mr.Smith."],
            ),
            // Rules and bare punctuation are dropped.
            ("Intro.\n---\nBody.", &["Intro.", "Body."]),
        ];
        for (input, expected) in cases {
            assert_eq!(split(input), *expected, "input: {input:?}");
        }
    }

    #[test]
    fn pieces_are_slices_of_the_input() {
        let text = "Dr. Who arrived. The U.S. team left... \"Why?\" Nobody knew.";
        let base = text.as_ptr() as usize;
        let mut last = 0;
        for piece in split(text) {
            let at = piece.as_ptr() as usize - base;
            assert!(at >= last && at + piece.len() <= text.len());
            last = at + piece.len();
        }
    }
}
