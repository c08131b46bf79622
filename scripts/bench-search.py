#!/usr/bin/env python3
"""make bench-search: a search of every length in a channel of the library, in a real terminal (issue 20, point 3).

    python3 scripts/bench-search.py --bin .build/release/feedtui --file bench-data/rss-100000.xml [--runs 3] [--library LIB]

Imports the file once (`feedtui refresh --library LIB FILE`; nothing to do when LIB already holds it), then opens it in a tmux window of 120x40 as
`make bench` does and, for each query, times from typing it after `/` to the first answer on screen (the first
match after the selection selected: "counting…", "post 1/N" or "no match" on the bottom line) and to the whole
answer ("post 1/N" or "no match"); then F, the search of every channel, to its count. Medians of --runs openings;
the library's size beside the file's.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import HEIGHT, WIDTH, FeedTUI, script  # noqa: E402
from tmuxctl import Tmux  # noqa: E402

# One, two, three characters and more, common and rare, in the scripts of the generated files.
# The longest still fits the bottom line beside its answer.
# A phrase of two common words ("fast secure") has one join to narrow the posts its trigrams give; one of three has two.
QUERIES = os.environ["BENCH_QUERIES"].split("|") if os.environ.get("BENCH_QUERIES") else ["e", "я", "速", "ch", "速報", "xyl", "xylographe", "fast secure", "the fast secure", "ответ игра", "ответ игра неделя рынок мир цена вопрос the fast 新聞"]
# F, the search of every channel (newest first, the first 200 listed and all counted): its answer is the count.
LIBRARY_QUERIES = ["e", "xylographe", "the fast secure"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--library", help="a library that already holds FILE (kept; a million posts take ~50 s to import)")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="feedtui-bench-search-")
    tmux = Tmux(WIDTH, HEIGHT)
    try:
        ft = FeedTUI(os.path.abspath(a.bin), work)
        lib = os.path.abspath(a.library) if a.library else os.path.join(work, "lib.sqlite")
        source = os.path.abspath(a.file)
        subprocess.run([ft.bin, "refresh", "--library", lib, source], env=ft.env, check=True, stdout=subprocess.DEVNULL)
        size = sum(os.path.getsize(f) for f in ft.library_files(lib) if os.path.exists(f))
        print("%s: %.1f MB; library %.1f MB (%.2fx); %d runs, medians" % (
            os.path.basename(source), os.path.getsize(source) / 1e6, size / 1e6, size / os.path.getsize(source), a.runs))
        times = {q: [] for q in QUERIES}
        whole = {q: [] for q in QUERIES}
        library = {q: [] for q in LIBRARY_QUERIES}
        answers = {}
        pidfile = os.path.join(work, "pid")
        for _ in range(a.runs):
            t0 = tmux.run(script(os.path.join(work, "run.sh"), pidfile, ft.env, ft.open_argv(lib, source)))
            tmux.wait("the first frame", lambda s: ft.drawn(s) and ft.selected(s)[0] is not None, 60, t0)
            for q in QUERIES:
                t0 = tmux.send("/")
                tmux.wait("the search prompt", lambda s: re.search(r"/▏", s.split("\n")[-1]), 30, t0)
                first = re.compile(r"/%s▏?\s+(counting…|post \d+/\d+|no match)" % re.escape(q.strip()))
                done = re.compile(r"/%s▏?\s+(post \d+/(\d+)|no match)" % re.escape(q.strip()))
                t0 = tmux.send(q, literal=True)
                secs, screen = tmux.wait("the first answer to /%s" % q[:20], lambda s: first.search(s.split("\n")[-1]), 60, t0)
                times[q].append(secs)
                secs, screen = tmux.wait("the whole answer to /%s" % q[:20], lambda s: done.search(s.split("\n")[-1]), 120, t0)
                whole[q].append(secs)
                m = done.search(screen.split("\n")[-1])
                answers[q] = m.group(2) or "0"
                t0 = tmux.send("Escape")
                tmux.wait("Esc ends the search", lambda s: "/" + q.strip()[:5] not in s.split("\n")[-1], 30, t0)
            for q in LIBRARY_QUERIES:
                t0 = tmux.send("F")
                tmux.wait("the library search prompt", lambda s: re.search(r"F ▏", s.split("\n")[-1]), 30, t0)
                done = re.compile(r"F %s▏\s+(\d+) in the library|F %s▏\s+no match" % (re.escape(q), re.escape(q)))
                t0 = tmux.send(q, literal=True)
                secs, _ = tmux.wait("the library's answer to F %s" % q[:20], lambda s: done.search(s.split("\n")[-1]), 120, t0)
                library[q].append(secs)
                t0 = tmux.send("Escape")
                tmux.wait("Esc ends the library search", lambda s: "F " + q[:5] not in s.split("\n")[-1], 30, t0)
            tmux.send("q")
            tmux.wait_dead(30)
        for q in QUERIES:
            shown = q if len(q) <= 20 else "%s… (%d characters)" % (q[:8], len(q))
            print("  /%-30s %7s posts  first %7.1f ms  whole %8.1f ms  (runs: %s)" % (
                shown, answers[q], statistics.median(times[q]) * 1000, statistics.median(whole[q]) * 1000,
                ", ".join("%.1f/%.1f" % (t * 1000, w * 1000) for t, w in zip(times[q], whole[q]))))
        for q in LIBRARY_QUERIES:
            print("  F %-30s whole %8.1f ms  (runs: %s)" % (
                q, statistics.median(library[q]) * 1000, ", ".join("%.1f" % (t * 1000) for t in library[q])))
    finally:
        tmux.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
