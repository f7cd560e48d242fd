"""Baseline for `cargo bench --features eval --bench summarize`: sumy's LexRankSummarizer on the same texts.

Usage: python3 sumy_lexrank.py INPUT.jsonl OUTPUT.jsonl ROUNDS SENTENCES

INPUT holds one {"id", "text"} object per line. Each round parses and summarises every
text; only that part is timed (interpreter start-up, imports and file I/O are not). OUTPUT
gets one {"id", "summary", "seconds"} object per text, `seconds` being that text's median
over the rounds, and stdout ends with `sumy_median_seconds=<median total of a round>`.

Tokenizer: sumy's own `Tokenizer("english")` needs NLTK's punkt model, which has to be
downloaded (`nltk.download("punkt_tab")`) and cannot be on an offline machine. This
script gives sumy a tokenizer object with the two methods its parser calls instead:
`to_sentences` splits on sentence-final punctuation followed by white space and a
capital, digit or opening quote, except after a short list of abbreviations; `to_words`
takes regex word runs and keeps those sumy's tokenizer would keep (letters, apostrophes,
hyphens). Stemming (NLTK's Snowball English) and the stop-word list ship with sumy and
NLTK and need no download. Each line of the input is its own paragraph, matching how the
Rust side treats line breaks.
"""

import json
import re
import statistics
import sys
import time

from sumy.nlp.stemmers import Stemmer
from sumy.nlp.tokenizers import Tokenizer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "inc", "ltd", "co",
    "corp", "e.g", "i.e", "u.s", "u.k", "fig", "no", "approx", "al", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
SENTENCE_END = re.compile(r"""[.!?]["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])""")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


class RegexTokenizer:
    """Stands in for sumy's NLTK-backed Tokenizer; see the module docstring."""

    language = "english"

    def to_sentences(self, paragraph):
        sentences, start = [], 0
        for match in SENTENCE_END.finditer(paragraph):
            before = paragraph[start : match.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            sentences.append(paragraph[start : match.end()].strip())
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
        return tuple(sentences)

    def to_words(self, sentence):
        return tuple(w for w in WORD.findall(sentence) if Tokenizer._is_word(w))


def main():
    source, target, rounds, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(source, encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    # A blank line between input lines makes each one a paragraph for PlaintextParser,
    # which otherwise glues lines without final punctuation onto the next sentence.
    texts = [re.sub(r"\n+", "\n\n", item["text"]) for item in items]

    tokenizer = RegexTokenizer()
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    per_item = [[] for _ in items]
    totals = []
    summaries = [""] * len(items)
    for _ in range(rounds):
        round_total = 0.0
        for i, text in enumerate(texts):
            started = time.perf_counter()
            parser = PlaintextParser.from_string(text, tokenizer)
            picked = summarizer(parser.document, count)
            elapsed = time.perf_counter() - started
            per_item[i].append(elapsed)
            round_total += elapsed
            summaries[i] = " ".join(str(s) for s in picked)
        totals.append(round_total)

    with open(target, "w", encoding="utf-8") as f:
        for item, summary, times in zip(items, summaries, per_item):
            record = {"id": item["id"], "summary": summary, "seconds": statistics.median(times)}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"sumy {sumy_version()} LexRank, {len(items)} texts, {rounds} rounds, {count} sentence(s)")
    print(f"sumy_median_seconds={statistics.median(totals):.6f}")


def sumy_version():
    import sumy

    return getattr(sumy, "__version__", "?")


if __name__ == "__main__":
    main()
