//! Summariser quality and speed on the evaluation set of [`newsdesk::eval`]: mean ROUGE-1/2/L
//! F1 (stemmed) of the extractive TL;DR against LEAD-1 and against sumy's LexRank on the
//! same texts, and time per article.
//!
//! ```text
//! pip install -r benches/requirements.txt   # optional: the sumy LexRank baseline
//! cargo bench --features eval --bench summarize
//! ```
//!
//! The set is built from the corpus at `NEWSDESK_CORPUS_DIR` (default `../shared/corpus`).
//! Besides the tables it leaves, in the temp directory: `eval_worst.txt` (the ten pairs
//! where the TL;DR falls furthest behind LEAD-1, for tuning), `newsdesk-eval-results.jsonl`
//! (every pair with each system's output and scores) and the sumy input/output files.
//!
//! Timing covers `Extractive::summarize_document` as the digest calls it (keywords and
//! glossary included), against sumy's parse + LexRank of each text, each on one core
//! (NumPy's BLAS held to one thread); neither side counts start-up or file I/O. The
//! speed-up that matters is the mean per article (the whole set in one run): LexRank's
//! cost grows with the square of the sentence count, so a few long essays dominate it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use newsdesk::eval::dataset::{self, Candidate};
use newsdesk::eval::{EvalPair, Half, Rouge, RougeScores, lead, lead1};
use newsdesk::pipeline::summarize::{Document, Extractive, Summary};
use newsdesk::pipeline::{glossary, keywords};
use newsdesk::text::sentences;
use serde_json::json;

/// Timing rounds over the whole set, each side.
const ROUNDS: usize = 5;
/// Pairs listed in `eval_worst.txt`.
const WORST: usize = 10;
/// Bootstrap resamples for the confidence interval of TL;DR − LEAD-1.
const RESAMPLES: usize = 2000;

struct System {
    name: &'static str,
    outputs: Vec<String>,
    scores: Vec<RougeScores>,
}

fn main() {
    let corpus = dataset::default_corpus_dir();
    let all = match dataset::candidates(&corpus) {
        Ok(all) => all,
        Err(e) => {
            println!("summarize bench skipped: {e}");
            return;
        }
    };
    let pairs: Vec<&EvalPair> = all.iter().filter(|(_, v)| v.is_ok()).map(|(p, _)| p).collect();
    assert!(!pairs.is_empty(), "no evaluation pairs in {}", corpus.display());
    print_set(&all, pairs.len());

    let extractive = Extractive;
    let summaries: Vec<Summary> = pairs
        .iter()
        .map(|p| extractive.summarize_document(document(p)))
        .collect();
    let rust_times = time_rust(&extractive, &pairs);

    let rouge = Rouge::default();
    let score = |name: &'static str, outputs: Vec<String>| System {
        name,
        scores: pairs
            .iter()
            .zip(&outputs)
            .map(|(p, out)| rouge.score(&p.reference, out))
            .collect(),
        outputs,
    };
    let lead1_sys = score("LEAD-1", pairs.iter().map(|p| lead1(&p.text)).collect());
    let tldr_sys = score("TL;DR (extractive)", summaries.iter().map(|s| s.tldr.clone()).collect());
    let lead3_sys = score("LEAD-3", pairs.iter().map(|p| lead(&p.text, 3)).collect());
    let summary_sys = score(
        "summary (extractive)",
        summaries.iter().map(|s| s.summary.clone()).collect(),
    );
    let sumy = run_sumy(&pairs);
    let sumy_sys = sumy
        .as_ref()
        .map(|s| score("LexRank (sumy, 1 sent.)", s.summaries.clone()));

    println!();
    println!(
        "ROUGE F1 x100, stemmed, mean over {} pairs (reference: the human one-line summary)",
        pairs.len()
    );
    println!("{:<26} {:>6} {:>6} {:>6} {:>7}", "system", "R-1", "R-2", "R-L", "words");
    let mut main_rows = vec![&lead1_sys, &tldr_sys];
    main_rows.extend(sumy_sys.as_ref());
    for system in main_rows {
        print_row(system, &rouge);
    }
    println!("-- for information: multi-sentence outputs against the same one-line references");
    print_row(&lead3_sys, &rouge);
    print_row(&summary_sys, &rouge);
    println!(
        "{:<26} {:>6} {:>6} {:>6} {:>7.1}",
        "(reference)",
        "",
        "",
        "",
        mean_words(&rouge, pairs.iter().map(|p| p.reference.as_str()))
    );

    print_by_half(&pairs, &lead1_sys, &tldr_sys, sumy_sys.as_ref());
    print_by_source(&pairs, &lead1_sys, &tldr_sys, sumy_sys.as_ref());
    print_paired(&lead1_sys, &tldr_sys);
    if let Some(sumy_sys) = &sumy_sys {
        print_paired(&lead1_sys, sumy_sys);
    }

    println!();
    let rust_median = median(&mut rust_times.per_article.clone());
    let rust_mean = rust_times.round / pairs.len() as u32;
    println!(
        "newsdesk Extractive::summarize_document: {:.1} µs/article median, {:.1} µs/article mean \
         ({ROUNDS} rounds, {:.2} ms per round of {} articles)",
        micros(rust_median),
        micros(rust_mean),
        rust_times.round.as_secs_f64() * 1e3,
        pairs.len()
    );
    print_breakdown(&pairs);
    match &sumy {
        Some(sumy) => {
            let sumy_median = median(&mut sumy.per_article.clone());
            let sumy_mean = sumy.round / pairs.len() as u32;
            println!(
                "sumy LexRank (parse + summarise):        {:.1} µs/article median, {:.1} µs/article mean \
                 ({:.2} ms per round)",
                micros(sumy_median),
                micros(sumy_mean),
                sumy.round.as_secs_f64() * 1e3
            );
            println!(
                "speed-up vs sumy LexRank: {:.1}x (mean per article), {:.1}x (median per article)",
                sumy_mean.as_secs_f64() / rust_mean.as_secs_f64(),
                sumy_median.as_secs_f64() / rust_median.as_secs_f64()
            );
        }
        None => println!("sumy LexRank baseline skipped (see above)"),
    }

    write_results(
        &pairs,
        &[&lead1_sys, &tldr_sys, &lead3_sys, &summary_sys],
        sumy_sys.as_ref(),
    );
    write_worst(&pairs, &lead1_sys, &tldr_sys);
}

fn document(pair: &EvalPair) -> Document<'_> {
    Document {
        title: &pair.title,
        text: &pair.text,
    }
}

fn print_set(all: &[Candidate], kept: usize) {
    let mut by_source: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut rejected: BTreeMap<String, usize> = BTreeMap::new();
    for (pair, verdict) in all {
        let entry = by_source.entry(pair.source).or_default();
        entry.1 += 1;
        match verdict {
            Ok(()) => entry.0 += 1,
            Err(why) => *rejected.entry(format!("{why:?}")).or_default() += 1,
        }
    }
    println!("evaluation set: {kept} pairs kept of {} candidates", all.len());
    for (source, (k, n)) in &by_source {
        let kind = all
            .iter()
            .find(|(p, _)| p.source == *source)
            .map(|(p, _)| format!("{:?}", p.kind))
            .unwrap_or_default();
        println!("  {source:<15} {k:>3} of {n:>3}  (reference: {kind})");
    }
    let reasons: Vec<String> = rejected.iter().map(|(why, n)| format!("{why} {n}")).collect();
    println!("  left out: {}", reasons.join(", "));
}

fn print_row(system: &System, rouge: &Rouge) {
    let (r1, r2, rl) = means(&system.scores);
    println!(
        "{:<26} {:>6.2} {:>6.2} {:>6.2} {:>7.1}",
        system.name,
        r1,
        r2,
        rl,
        mean_words(rouge, system.outputs.iter().map(String::as_str))
    );
}

/// The two halves of the set side by side: rules and weights are tuned on the first, and
/// only the second says whether they hold on text they were not tuned on.
fn print_by_half(pairs: &[&EvalPair], lead1: &System, tldr: &System, sumy: Option<&System>) {
    println!();
    println!("by half (tune on the first, judge on the second), R-1 / R-2 / R-L F1 x100");
    println!(
        "{:<9} {:>3}  {:<20} {:<20} {:<20}",
        "half", "n", "LEAD-1", "TL;DR", "TL;DR - LEAD-1"
    );
    for half in [Half::Tuning, Half::HeldOut] {
        let idx: Vec<usize> = (0..pairs.len()).filter(|&i| pairs[i].half() == half).collect();
        let mean_of = |s: &System| {
            let picked: Vec<RougeScores> = idx.iter().map(|&i| s.scores[i]).collect();
            means(&picked)
        };
        let (l1, l2, ll) = mean_of(lead1);
        let (t1, t2, tl) = mean_of(tldr);
        let mut line = format!(
            "{:<9} {:>3}  {:<20} {:<20} {:<20}",
            half.name(),
            idx.len(),
            format!("{l1:5.1} /{l2:5.1} /{ll:5.1}"),
            format!("{t1:5.1} /{t2:5.1} /{tl:5.1}"),
            format!("{:+5.1} /{:+5.1} /{:+5.1}", t1 - l1, t2 - l2, tl - ll),
        );
        if let Some(sumy) = sumy {
            let (a, b, c) = mean_of(sumy);
            let _ = write!(line, " LexRank {a:5.1} /{b:5.1} /{c:5.1}");
        }
        println!("{line}");
    }
}

fn print_by_source(pairs: &[&EvalPair], lead1: &System, tldr: &System, sumy: Option<&System>) {
    println!();
    println!("by source, R-1 / R-2 / R-L F1 x100");
    let mut header = format!("{:<15} {:>3}  {:<20} {:<20}", "source", "n", "LEAD-1", "TL;DR");
    if sumy.is_some() {
        header.push_str(" LexRank");
    }
    println!("{header}");
    let mut sources: Vec<&str> = pairs.iter().map(|p| p.source).collect();
    sources.dedup();
    for source in sources {
        let idx: Vec<usize> = (0..pairs.len()).filter(|&i| pairs[i].source == source).collect();
        let cell = |s: &System| {
            let picked: Vec<RougeScores> = idx.iter().map(|&i| s.scores[i]).collect();
            let (a, b, c) = means(&picked);
            format!("{a:5.1} /{b:5.1} /{c:5.1}")
        };
        let mut line = format!("{source:<15} {:>3}  {:<20} {:<20}", idx.len(), cell(lead1), cell(tldr));
        if let Some(sumy) = sumy {
            let _ = write!(line, " {}", cell(sumy));
        }
        println!("{line}");
    }
}

/// Per-pair comparison on the mean of R-1/R-2/R-L F1: wins, ties, losses and a bootstrap
/// 95% interval of the mean difference, so a small gap is not read as a win.
fn print_paired(base: &System, other: &System) {
    let diffs: Vec<f64> = base
        .scores
        .iter()
        .zip(&other.scores)
        .map(|(b, o)| avg3(o) - avg3(b))
        .collect();
    let wins = diffs.iter().filter(|d| **d > 1e-9).count();
    let losses = diffs.iter().filter(|d| **d < -1e-9).count();
    let ties = diffs.len() - wins - losses;
    let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
    let (lo, hi) = bootstrap(&diffs);
    println!(
        "{} vs {}: mean(R-1,R-2,R-L) difference {:+.2} (95% CI {:+.2} .. {:+.2}); better on {wins}, \
         equal on {ties}, worse on {losses} pairs",
        other.name,
        base.name,
        mean * 100.0,
        lo * 100.0,
        hi * 100.0
    );
}

fn bootstrap(values: &[f64]) -> (f64, f64) {
    // xorshift: deterministic, so reruns print the same interval.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n = values.len();
    let mut means: Vec<f64> = (0..RESAMPLES)
        .map(|_| (0..n).map(|_| values[(next() % n as u64) as usize]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    (means[RESAMPLES * 25 / 1000], means[RESAMPLES * 975 / 1000])
}

struct Timing {
    /// Median over rounds, per article.
    per_article: Vec<Duration>,
    /// Median round over the whole set.
    round: Duration,
}

fn time_rust(extractive: &Extractive, pairs: &[&EvalPair]) -> Timing {
    let mut samples = vec![Vec::with_capacity(ROUNDS); pairs.len()];
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let mut round = Duration::ZERO;
        for (i, pair) in pairs.iter().enumerate() {
            let started = Instant::now();
            std::hint::black_box(extractive.summarize_document(std::hint::black_box(document(pair))));
            let elapsed = started.elapsed();
            samples[i].push(elapsed);
            round += elapsed;
        }
        rounds.push(round);
    }
    Timing {
        per_article: samples.iter_mut().map(|s| median(s)).collect(),
        round: median(&mut rounds),
    }
}

/// Where `summarize_document`'s time goes: the shared pieces it calls, timed alone on the
/// raw texts (it runs them on cleaned text, so this is an approximation).
fn print_breakdown(pairs: &[&EvalPair]) {
    let time = |f: &dyn Fn(&EvalPair)| {
        let mut rounds: Vec<Duration> = (0..ROUNDS)
            .map(|_| {
                let started = Instant::now();
                for pair in pairs {
                    f(pair);
                }
                started.elapsed()
            })
            .collect();
        micros(median(&mut rounds)) / pairs.len() as f64
    };
    let keywords = time(&|p| {
        std::hint::black_box(keywords::keywords(&p.title, &p.text, 5));
    });
    let glossary = time(&|p| {
        std::hint::black_box(glossary::decode(&p.text, 6));
    });
    let split = time(&|p| {
        std::hint::black_box(sentences::split(&p.text));
    });
    println!(
        "  of which, roughly: keywords (tags) {keywords:.1} µs, glossary decode {glossary:.1} µs, \
         sentence split {split:.1} µs per article"
    );
}

struct SumyRun {
    summaries: Vec<String>,
    per_article: Vec<Duration>,
    round: Duration,
}

/// Runs benches/sumy_lexrank.py once over every text; `None` (with the reason printed)
/// when sumy is not installed or the run fails.
fn run_sumy(pairs: &[&EvalPair]) -> Option<SumyRun> {
    let probe = Command::new("python3").args(["-c", "import sumy, numpy"]).output();
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            println!(
                "sumy LexRank baseline skipped (pip install -r benches/requirements.txt): {}",
                String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or_default()
            );
            return None;
        }
        Err(e) => {
            println!("sumy LexRank baseline skipped: python3: {e}");
            return None;
        }
    }
    let dir = std::env::temp_dir();
    let input = dir.join("newsdesk-eval-texts.jsonl");
    let output = dir.join("newsdesk-eval-sumy.jsonl");
    let lines: Vec<String> = pairs
        .iter()
        .map(|p| json!({ "id": p.id, "text": p.text }).to_string())
        .collect();
    if let Err(e) = std::fs::write(&input, lines.join("\n") + "\n") {
        println!("sumy LexRank baseline skipped: {}: {e}", input.display());
        return None;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/sumy_lexrank.py");
    // One BLAS thread: both sides then run on one core, as the Rust side does.
    let out = match Command::new("python3")
        .env("OPENBLAS_NUM_THREADS", "1")
        .env("OMP_NUM_THREADS", "1")
        .env("MKL_NUM_THREADS", "1")
        .arg(script)
        .arg(&input)
        .arg(&output)
        .arg(ROUNDS.to_string())
        .arg("1")
        .output()
    {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            println!(
                "sumy LexRank baseline failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        Err(e) => {
            println!("sumy LexRank baseline failed: {e}");
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("\n{stdout}");
    let round = stdout
        .lines()
        .find_map(|l| l.strip_prefix("sumy_median_seconds="))
        .and_then(|v| v.trim().parse::<f64>().ok())?;
    read_sumy(&output, pairs).map(|(summaries, per_article)| SumyRun {
        summaries,
        per_article,
        round: Duration::from_secs_f64(round),
    })
}

fn read_sumy(path: &Path, pairs: &[&EvalPair]) -> Option<(Vec<String>, Vec<Duration>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let records: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    if records.len() != pairs.len() {
        println!("sumy output has {} records for {} texts", records.len(), pairs.len());
        return None;
    }
    let mut summaries = Vec::with_capacity(pairs.len());
    let mut times = Vec::with_capacity(pairs.len());
    for (record, pair) in records.iter().zip(pairs) {
        if record["id"].as_str() != Some(pair.id.as_str()) {
            println!("sumy output out of order at {}", pair.id);
            return None;
        }
        summaries.push(record["summary"].as_str().unwrap_or_default().to_string());
        times.push(Duration::from_secs_f64(record["seconds"].as_f64().unwrap_or_default()));
    }
    Some((summaries, times))
}

fn write_results(pairs: &[&EvalPair], systems: &[&System], sumy: Option<&System>) {
    let path = std::env::temp_dir().join("newsdesk-eval-results.jsonl");
    let mut all: Vec<&System> = systems.to_vec();
    all.extend(sumy);
    let mut out = String::new();
    for (i, pair) in pairs.iter().enumerate() {
        let outputs: serde_json::Map<String, serde_json::Value> = all
            .iter()
            .map(|s| {
                let r = s.scores[i];
                let value = json!({
                    "text": s.outputs[i],
                    "r1": r.rouge1.f1, "r2": r.rouge2.f1, "rl": r.rouge_l.f1,
                });
                (s.name.to_string(), value)
            })
            .collect();
        let line = json!({
            "id": pair.id, "source": pair.source, "kind": format!("{:?}", pair.kind),
            "reference": pair.reference, "systems": outputs,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    match std::fs::write(&path, out) {
        Ok(()) => println!("per-pair results: {}", path.display()),
        Err(e) => println!("cannot write {}: {e}", path.display()),
    }
}

/// The pairs where the TL;DR trails LEAD-1 the most (then: scores lowest), for tuning.
fn write_worst(pairs: &[&EvalPair], lead1: &System, tldr: &System) {
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_by(|&a, &b| {
        let gap = |i: usize| avg3(&tldr.scores[i]) - avg3(&lead1.scores[i]);
        gap(a)
            .total_cmp(&gap(b))
            .then(avg3(&tldr.scores[a]).total_cmp(&avg3(&tldr.scores[b])))
    });
    let mut out = String::from(
        "# The pairs where the TL;DR trails LEAD-1 most (mean of ROUGE-1/2/L F1, stemmed),\n\
         # then the lowest-scoring TL;DRs. Written by `cargo bench --features eval --bench summarize`.\n\n",
    );
    for &i in order.iter().take(WORST) {
        let pair = pairs[i];
        let (t, l) = (tldr.scores[i], lead1.scores[i]);
        let _ = writeln!(
            out,
            "id:        {} ({}, {:?})\nscores:    TL;DR {:.3}/{:.3}/{:.3}  LEAD-1 {:.3}/{:.3}/{:.3}\n\
             reference: {}\nlead1:     {}\ntldr:      {}\n",
            pair.id,
            pair.source,
            pair.kind,
            t.rouge1.f1,
            t.rouge2.f1,
            t.rouge_l.f1,
            l.rouge1.f1,
            l.rouge2.f1,
            l.rouge_l.f1,
            pair.reference,
            lead1.outputs[i],
            tldr.outputs[i]
        );
    }
    let path = std::env::temp_dir().join("eval_worst.txt");
    match std::fs::write(&path, out) {
        Ok(()) => println!("worst {WORST} pairs: {}", path.display()),
        Err(e) => println!("cannot write {}: {e}", path.display()),
    }
}

fn means(scores: &[RougeScores]) -> (f64, f64, f64) {
    if scores.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let n = scores.len() as f64;
    let sum = |f: fn(&RougeScores) -> f64| scores.iter().map(f).sum::<f64>() / n * 100.0;
    (sum(|s| s.rouge1.f1), sum(|s| s.rouge2.f1), sum(|s| s.rouge_l.f1))
}

fn avg3(s: &RougeScores) -> f64 {
    (s.rouge1.f1 + s.rouge2.f1 + s.rouge_l.f1) / 3.0
}

fn mean_words<'a>(rouge: &Rouge, texts: impl Iterator<Item = &'a str>) -> f64 {
    let counts: Vec<usize> = texts.map(|t| rouge.tokens(t).len()).collect();
    counts.iter().sum::<usize>() as f64 / counts.len().max(1) as f64
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
