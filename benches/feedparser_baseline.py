"""Baseline for benches/ingest.rs: Python feedparser parsing the same files, in one process.

Usage: python3 feedparser_baseline.py FILE_LIST ROUNDS
Prints feedparser_median_seconds=<s>. Needs `pip install feedparser`.
"""
import statistics
import sys
import time

import feedparser


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as listing:
        paths = [line.strip() for line in listing if line.strip()]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    bodies = []
    for path in paths:
        with open(path, "rb") as handle:
            bodies.append(handle.read())
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for body in bodies:
            feedparser.parse(body)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"feedparser {feedparser.__version__}: {median * 1000:.1f} ms for {len(bodies)} files")
    print(f"feedparser_median_seconds={median}")


if __name__ == "__main__":
    main()
