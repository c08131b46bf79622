#!/usr/bin/env python3
"""make bench: feedtui's library and newsboat on the same generated channels, in a real terminal.

    python3 scripts/bench.py --bin .build/release/feedtui --data bench-data [--sizes "10000 100000 1000000"]

Every run of a program is a fresh tmux window of 120x40 on a private server; a key is timed from sending it
to the first capture of the screen that shows its effect (see tmuxctl.py). Medians of --runs runs. Prints the
tables as it goes and writes them, with the machine and the targets of issue 8, into BENCHMARKS.md between
the `bench:begin`/`bench:end` markers (text outside them is kept).
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tmuxctl import Timeout, Tmux, clock  # noqa: E402

WIDTH, HEIGHT = 120, 40
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --- one process, timed, with its peak memory ---------------------------------------------------------------
def timed(argv, env, timeout):
    """Runs argv to its end; returns (seconds, peak RSS in KiB, exit code, stderr). The peak is the kernel's
    ru_maxrss of the child (what /usr/bin/time reports); a run past `timeout` is killed (exit code None)."""
    t0 = clock()
    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed = []
    timer = threading.Timer(timeout, lambda: (killed.append(1), p.kill()))
    timer.start()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = clock() - t0
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss, None if killed else p.returncode, err.decode(errors="replace")


def vm_hwm(pidfile):
    """Peak resident memory (KiB) of a running program so far, from /proc."""
    pid = open(pidfile).read().strip()
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM for pid %s" % pid)


def disk_kib(paths):
    return sum(os.path.getsize(p) for p in paths if os.path.exists(p)) // 1024


# --- feedtui ------------------------------------------------------------------------------------------------
class FeedTUI:
    """How to open and drive feedtui, and how its screen shows each step. Importing happens in the browser only
    (`stats` and `export` read the source directly), so the import is timed there: from the start to the moment
    the bottom line stops saying "importing"."""

    def __init__(self, binary, work):
        self.bin = binary
        help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        if "--library" not in help_text:
            raise SystemExit("bench: %s has no --library option; this bench measures the library" % binary)
        self.env = dict(PATH=os.environ.get("PATH", "/usr/bin:/bin"), HOME=work, TERM="tmux-256color",
                        LANG="C.UTF-8", LC_ALL="C.UTF-8", TZ="UTC", XDG_DATA_HOME=work + "/data",
                        XDG_STATE_HOME=work + "/state", XDG_CONFIG_HOME=work + "/config")

    def open_argv(self, lib, source):
        return [self.bin, "--library", lib, source]

    @staticmethod
    def library_files(lib):
        return [lib, lib + "-wal", lib + "-shm"]

    @staticmethod
    def selected(screen):
        """(row, text) of the selected post's line, or (None, "")."""
        for i, line in enumerate(screen.split("\n")):
            if "▶" in line:
                return i, line
        return None, ""

    @staticmethod
    def importing(screen):
        return "importing" in screen.split("\n")[-1]

    @staticmethod
    def drawn(screen):
        """The frame is whole: curses draws top to bottom, so a capture in the middle of the first frame can show
        the list above the loading screen's bottom line."""
        bottom = screen.split("\n")[-1]
        return bottom.startswith("└") and "loading" not in bottom

    @staticmethod
    def imported(screen):
        """The import has ended: the bottom line shows the key hints again."""
        return "q quit" in screen.split("\n")[-1]


def script(path, pidfile, env, argv):
    """A launcher that records the program's pid (exec keeps it) and starts it with exactly `env`."""
    q = lambda s: "'" + s.replace("'", "'\\''") + "'"
    with open(path, "w") as f:
        f.write("echo $$ > %s\nexec env -i %s %s\n" % (q(pidfile), " ".join(q("%s=%s" % kv) for kv in env.items()),
                                                       " ".join(q(a) for a in argv)))
    return path


# --- newsboat -----------------------------------------------------------------------------------------------
NEWSBOAT_CONFIG = """auto-reload no
show-read-feeds yes
show-read-articles yes
confirm-exit no
max-items 0
articlelist-format "%-8i %f %D  %?T?|%-17T|  ?%t"
"""
# The wide index column (%-8i) lets End be recognised by the last article's number.


class Newsboat:
    def __init__(self, work):
        self.bin = shutil.which("newsboat")
        self.work = work
        self.env = dict(PATH=os.environ.get("PATH", "/usr/bin:/bin"), HOME=work, TERM="tmux-256color",
                        LANG="C.UTF-8", LC_ALL="C.UTF-8", TZ="UTC")
        self.version = subprocess.run([self.bin, "--version"], capture_output=True, text=True).stdout.split("\n")[0] \
            if self.bin else None
        with open(os.path.join(work, "newsboat.config"), "w") as f:
            f.write(NEWSBOAT_CONFIG)

    def argv(self, urls, cache):
        return [self.bin, "-u", urls, "-c", cache, "-C", os.path.join(self.work, "newsboat.config")]


# --- statistics ---------------------------------------------------------------------------------------------
def med(xs):
    return statistics.median(xs) if xs else None


class Results:
    """name -> list of samples, per (program, dataset)."""

    def __init__(self):
        self.samples = {}
        self.notes = {}

    def add(self, program, dataset, name, value):
        self.samples.setdefault((program, dataset, name), []).append(value)

    def get(self, program, dataset, name):
        return med(self.samples.get((program, dataset, name), []))

    def runs(self, program, dataset, name):
        return len(self.samples.get((program, dataset, name), []))

    def range(self, program, dataset, name):
        xs = self.samples.get((program, dataset, name), [])
        return (min(xs), max(xs)) if xs else None

    def note(self, program, dataset, text):
        self.notes.setdefault((program, dataset), []).append(text)


# --- the measurements ---------------------------------------------------------------------------------------
class Bench:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="feedtui-bench-")
        self.ft = FeedTUI(os.path.abspath(args.bin), self.work)
        self.nb = Newsboat(self.work)
        self.res = Results()
        self.tmux = Tmux(WIDTH, HEIGHT)
        self.pidfile = os.path.join(self.work, "pid")

    def close(self):
        self.tmux.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def launch(self, env, argv):
        if os.path.exists(self.pidfile):
            os.remove(self.pidfile)
        return self.tmux.run(script(os.path.join(self.work, "run.sh"), self.pidfile, env, argv))

    def key(self, program, ds, name, keys, what, cond, timeout, literal=False, attributes=False):
        t0 = self.tmux.send(*keys, literal=literal)
        dt_, screen = self.tmux.wait(what, cond, timeout, t0, attributes=attributes)
        if name:
            self.res.add(program, ds, name, dt_)
        return screen

    # feedtui -------------------------------------------------------------------------------------------------
    def feedtui(self, ds, source, meta):
        a, ft, res = self.args, self.ft, self.res
        newest, oldest, needle, hits = meta["newest"], meta["oldest"], meta["needle"], meta["needlePosts"]
        fresh_lib = os.path.join(self.work, "first-%s.sqlite" % ds)
        lib = os.path.join(self.work, "library-%s.sqlite" % ds)
        budget = a.timeout

        def remove(path):
            for f in ft.library_files(path):
                if os.path.exists(f):
                    os.remove(f)

        def first_frame(s):
            row, line = ft.selected(s)
            return row is not None and newest in line and ft.drawn(s)

        # First opens, each on a fresh library: the first frame, then the import to its end while the import
        # budget lasts (later runs press q after the first frame). The first whole import is the one reopened.
        remove(lib)
        spent = 0.0  # seconds of first opens so far, with their imports when timed
        for i in range(a.runs):
            if i > 0 and spent + spent / i > a.import_budget:
                res.note("feedtui", ds, "the first open was timed %d time(s), not %d: one takes %.0f s with its "
                                        "import, over the budget of %.0f s per file" % (i, a.runs, spent / i,
                                                                                       a.import_budget))
                break
            remove(fresh_lib)
            t0 = self.launch(ft.env, ft.open_argv(fresh_lib, source))
            secs, _ = self.tmux.wait("feedtui's first frame (first open)", first_frame, budget, t0)
            res.add("feedtui", ds, "first_open", secs)
            line = "  feedtui first open %d/%d: first frame %.1f ms" % (i + 1, a.runs, secs * 1000)
            average = res.get("feedtui", ds, "import")
            if i == 0 or spent + average <= a.import_budget:
                done, _ = self.tmux.wait("the end of the import", ft.imported, a.import_timeout, t0)
                spent += done
                res.add("feedtui", ds, "import", done)
                res.add("feedtui", ds, "import_rss", vm_hwm(self.pidfile))
                line += ", imported in %.2f s, %d MiB" % (done, res.samples[("feedtui", ds, "import_rss")][-1] // 1024)
            else:
                spent += secs
            self.tmux.send("q")
            self.tmux.wait_dead(budget)
            if i == 0:
                for f in ft.library_files(fresh_lib):
                    if os.path.exists(f):
                        os.rename(f, f.replace(fresh_lib, lib))
            log(line)
        remove(fresh_lib)
        n = res.runs("feedtui", ds, "import")
        if n < res.runs("feedtui", ds, "first_open"):
            res.note("feedtui", ds, "the import was timed %d time(s), not %d: one takes %.0f s and the import budget "
                                    "is %.0f s (the other first opens stop after the first frame)"
                     % (n, a.runs, res.get("feedtui", ds, "import"), a.import_budget))
        res.add("feedtui", ds, "disk", disk_kib(ft.library_files(lib)))

        # Reopen the imported library; then j, G, search, sort; g and newest order again before leaving, so that
        # every run starts from the same place.
        key = lambda *x, **k: self.key("feedtui", ds, *x, **k)
        for i in range(a.runs):
            t0 = self.launch(ft.env, ft.open_argv(lib, source))
            secs, screen = self.tmux.wait("feedtui's first frame (reopen)", first_frame, budget, t0)
            if ft.importing(screen):
                raise RuntimeError("the reopen imports the unchanged file again:\n" + screen)
            res.add("feedtui", ds, "reopen", secs)
            row0, _ = ft.selected(screen)
            key("j", ["j"], "j: the selection one row down", lambda s: ft.selected(s)[0] == row0 + 1, 30)
            key("G", ["G"], "G: the oldest post selected", lambda s: oldest in ft.selected(s)[1], 30)
            key(None, ["g"], "g: the newest post selected", first_frame, 30)
            key(None, ["/"], "the search prompt", lambda s: re.search(r"/▏", s.split("\n")[-1]), 30)
            # The counter says what it counts: "post 3/100" (or "match 3/100" in a full-screen post).
            first = re.compile(r"/%s▏?\s+(?:\w+ )?\d+/" % re.escape(needle))
            full = re.compile(r"/%s▏?\s+(?:\w+ )?\d+/%d\b" % (re.escape(needle), hits))
            t0 = self.tmux.send(needle, literal=True)
            s1, _ = self.tmux.wait("search: first results", lambda s: first.search(s.split("\n")[-1]), 60, t0)
            s2, _ = self.tmux.wait("search: the full count %d" % hits, lambda s: full.search(s.split("\n")[-1]), 60, t0)
            res.add("feedtui", ds, "search_first", s1)
            res.add("feedtui", ds, "search", s2)
            key(None, ["Escape"], "Esc ends the search", lambda s: needle not in s.split("\n")[-1], 30)
            key("sort_oldest", ["S"], "S: sorted by oldest", lambda s: "sorted by oldest" in s, 60)
            key("sort_views", ["S"], "S: sorted by most viewed", lambda s: "sorted by most viewed" in s, 60)
            key(None, ["S"], "S: sorted by newest", lambda s: "sorted by newest" in s, 60)
            key(None, ["g"], "g: the newest post selected", first_frame, 30)
            res.add("feedtui", ds, "ui_rss", vm_hwm(self.pidfile))
            self.tmux.send("q")
            self.tmux.wait_dead(30)
            log("  feedtui reopen %d/%d: first frame %.1f ms, j %.1f, G %.1f, search %.1f/%.1f ms, %d MiB" % (
                i + 1, a.runs, secs * 1000, res.samples[("feedtui", ds, "j")][-1] * 1000,
                res.samples[("feedtui", ds, "G")][-1] * 1000, s1 * 1000, s2 * 1000,
                res.samples[("feedtui", ds, "ui_rss")][-1] // 1024))
        remove(lib)

    # newsboat ------------------------------------------------------------------------------------------------
    def newsboat(self, ds, source, meta, runs):
        nb, res = self.nb, self.res
        posts, needle, hits = meta["posts"], meta["needle"], meta["needlePosts"]
        query = needle.rstrip("e")  # newsboat's LIKE folds ASCII case only: `xylograph` finds `Xylographé`
        urls = os.path.join(self.work, "urls-%s" % ds)
        with open(urls, "w") as f:
            f.write("file://%s\n" % source)
        cache = os.path.join(self.work, "newsboat-%s.db" % ds)
        budget = self.args.newsboat_timeout
        for i in range(runs):
            for f in (cache, cache + ".lock"):
                if os.path.exists(f):
                    os.remove(f)
            secs, kib, rc, err = timed(nb.argv(urls, cache) + ["-x", "reload"], nb.env, budget)
            if rc is None:
                res.note("newsboat", ds, "`newsboat -x reload` did not finish within %d s: newsboat left out here"
                         % budget)
                log("  newsboat reload: over %d s, left out" % budget)
                return
            if rc != 0:
                raise RuntimeError("newsboat -x reload failed (exit %d): %s" % (rc, err.strip()[:300]))
            res.add("newsboat", ds, "import", secs)
            res.add("newsboat", ds, "import_rss", kib)
            log("  newsboat reload %d/%d: %.2f s, %d MiB" % (i + 1, runs, secs, kib // 1024))
        res.add("newsboat", ds, "disk", disk_kib([cache]))
        last = re.compile(r"^\s*%d\s" % posts, re.M)
        key = lambda *x, **k: self.key("newsboat", ds, *x, **k)
        for i in range(runs):
            t0 = self.launch(nb.env, nb.argv(urls, cache))
            secs, _ = self.tmux.wait("newsboat's feed list", lambda s: "Your feeds" in s and "bench_rss" in s, budget,
                                     t0)
            res.add("newsboat", ds, "reopen", secs)
            key("open", ["Enter"], "newsboat's article list", lambda s: "Articles in feed" in s and
                re.search(r"^\s*1\s", s, re.M), budget)
            before = self.tmux.screen(attributes=True)
            key("j", ["Down"], "Down: the highlight moves", lambda s: s != before, 30, attributes=True)
            key("G", ["End"], "End: the last article", lambda s: last.search(s), 60)
            key(None, ["/"], "newsboat's search prompt", lambda s: "Search for:" in s, 30)
            self.tmux.send(query, literal=True)
            self.tmux.wait("the query typed", lambda s: query in s.split("\n")[-1], 30, 0)
            key("search", ["Enter"], "newsboat's search results",
                lambda s: re.search(r"Search results? \(\d+ unread, %d total\)" % hits, s), budget)
            res.add("newsboat", ds, "ui_rss", vm_hwm(self.pidfile))
            self.tmux.send("Q")
            self.tmux.wait_dead(60)
            log("  newsboat %d/%d: first frame %.1f ms, open feed %.1f, Down %.1f, End %.1f, search %.1f ms" % (
                i + 1, runs, secs * 1000, *(res.samples[("newsboat", ds, k)][-1] * 1000
                                            for k in ("open", "j", "G", "search"))))


# --- the report ---------------------------------------------------------------------------------------------
def fmt(v, unit):
    if v is None:
        return "—"
    if unit == "ms":
        return "%.1f" % (v * 1000) if v < 10 else "%.0f" % (v * 1000)
    if unit == "s":
        return "%.2f" % v
    if unit == "MiB":
        return "%.0f" % (v / 1024)
    return str(v)


# (key, label, unit, newsboat's counterpart label or None)
ROWS = [
    ("import", "import: first open to its end (newsboat: `-x reload`)", "s"),
    ("import_rss", "peak RSS of the import (feedtui: the whole process)", "MiB"),
    ("disk", "library / cache on disk", "MiB"),
    ("first_open", "first frame, first open", "ms"),
    ("reopen", "first frame, reopen (newsboat: its feed list from the cache)", "ms"),
    ("open", "newsboat: Enter to the article list", "ms"),
    ("j", "j (newsboat: Down)", "ms"),
    ("G", "G (newsboat: End)", "ms"),
    ("search_first", "search: first results", "ms"),
    ("search", "search: the full count", "ms"),
    ("sort_oldest", "S: sort by oldest", "ms"),
    ("sort_views", "S: sort by most viewed", "ms"),
    ("ui_rss", "peak RSS of the UI session", "MiB"),
]


def table(res, ds, source_bytes, newsboat_here):
    out = ["| measure | feedtui | newsboat | newsboat ÷ feedtui |", "|---|---:|---:|---:|"]
    for key, label, unit in ROWS:
        f, n = res.get("feedtui", ds, key), res.get("newsboat", ds, key)
        if f is None and n is None:
            continue
        cell = lambda prog, v: "—" if v is None else fmt(v, unit) + (
            " (%s–%s)" % tuple(fmt(x, unit) for x in res.range(prog, ds, key)) if res.runs(prog, ds, key) > 1
            and unit != "MiB" else "")
        ratio = "%.1f×" % (n / f) if f and n else ""
        if key == "disk":
            label += " (× the source file)"
            f_cell = "—" if f is None else "%s (%.2f×)" % (fmt(f, unit), f * 1024 / source_bytes)
            n_cell = "—" if n is None else "%s (%.2f×)" % (fmt(n, unit), n * 1024 / source_bytes)
        else:
            f_cell, n_cell = cell("feedtui", f), cell("newsboat", n)
        if not newsboat_here:
            n_cell, ratio = "", ""
        out.append("| %s | %s | %s | %s |" % (label, f_cell, n_cell, ratio))
    return out


def targets(res, sets):
    """Issue 8, point 8: each target with the measured value, met or missed and by how much."""
    lines = []

    def check(what, value, limit, unit="ms"):
        if value is None:
            lines.append("- %s: not measured in this run" % what)
            return
        scale = 1000 if unit == "ms" else 1
        v, l = value * scale, limit * scale
        if value <= limit:
            lines.append("- %s: **met** — %.1f %s (target ≤ %.1f %s)" % (what, v, unit, l, unit))
        else:
            over = "%.0f× the target" % (value / limit) if value >= 2 * limit else "%.0f%% over" % ((value / limit - 1) * 100)
            lines.append("- %s: **missed** by %.1f %s (%s) — %.1f %s (target ≤ %.1f %s)"
                         % (what, v - l, unit, over, v, unit, l, unit))

    g = lambda ds, k: res.get("feedtui", ds, k)
    for ds in ("rss-100000", "rss-1000000", "native-1000000"):
        if ds in sets:
            check("reopen to first frame, %s" % ds, g(ds, "reopen"), 0.100)
    for ds, limit in (("rss-100000", 0.050), ("rss-1000000", 0.100), ("native-1000000", 0.100)):
        if ds in sets:
            check("search (full count), %s" % ds, g(ds, "search"), limit)
    for k, name in (("j", "j"), ("G", "G"), ("sort_views", "sort by most viewed"), ("sort_oldest", "sort by oldest")):
        for ds in sets:
            check("%s, %s, in the tmux harness" % (name, ds), g(ds, k), 0.030)
        if "rss-10000" in sets:
            small = g("rss-10000", k)
            for ds in ("rss-1000000", "native-1000000"):
                if ds in sets and small is not None:
                    check("%s at %s no slower than at rss-10000 (+5 ms: ≤ %.1f ms)" % (name, ds, (small + 0.005) * 1000),
                          g(ds, k), small + 0.005)
    if "rss-100000" in sets:
        check("import of the 100k RSS", g("rss-100000", "import"), 4.0, "s")
    for ds in sets:
        check("first frame on first open, %s" % ds, g(ds, "first_open"), 0.5)
    for ds in ("rss-1000000", "native-1000000"):
        if ds in sets:
            v = g(ds, "ui_rss")
            check("UI peak RSS, %s" % ds, None if v is None else v / 1024, 150, "MiB")
    for ds, (path, meta) in sets.items():
        v = g(ds, "disk")
        if v is not None:
            ratio = v * 1024 / meta["bytes"]
            lines.append("- library ≤ 3× the source, %s: **%s** — %.2f× (%.0f MiB for %.0f MiB)"
                         % (ds, "met" if ratio <= 3 else "missed", ratio, v / 1024, meta["bytes"] / 2**20))
        else:
            lines.append("- library ≤ 3× the source, %s: not measured in this run" % ds)
    return lines


def machine(bench):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / 2**20
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True)
    swift = (swift.stdout + swift.stderr).strip().split("\n")[0] if swift.returncode == 0 else "?"
    tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD", "--", "Sources", "Package.swift"]).returncode
    return [
        "- CPU: %s, %d cores; RAM %.1f GiB; Linux %s (%s)" % (cpu, os.cpu_count(), mem, platform.release(),
                                                          platform.machine()),
        "- %s; feedtui release build at %s%s; %s; %s" % (swift, commit, "+changes" if dirty else "",
                                                     bench.nb.version or "newsboat missing", tmux),
    ]


def write_markdown(path, body):
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    block = begin + "\n" + "\n".join(body) + "\n" + end
    if begin in old and end in old:
        new = old[:old.index(begin)] + block + old[old.index(end) + len(end):]
    else:
        new = "# Benchmarks\n\n" + block + "\n" + old
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the feedtui binary (release build)")
    ap.add_argument("--data", required=True, help="the folder of the generated files (rss-N.xml, native-N.json)")
    ap.add_argument("--sizes", default="10000 100000 1000000", help="post counts of the RSS files")
    ap.add_argument("--native", default="1000000", help="post counts of the native JSON files (those in --sizes)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--newsboat-large-runs", type=int, default=1,
                    help="newsboat's runs above 100 000 posts (one reload of 1M posts takes many minutes)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds one feedtui step may take")
    ap.add_argument("--import-timeout", type=float, default=1800, help="seconds one feedtui import may take")
    ap.add_argument("--import-budget", type=float, default=300,
                    help="seconds of feedtui imports per file: more runs only while the next one fits")
    ap.add_argument("--newsboat-timeout", type=float, default=900, help="seconds one newsboat step may take")
    ap.add_argument("--out", help="write the results into this markdown file (BENCHMARKS.md)")
    ap.add_argument("--only", choices=["feedtui", "newsboat"], help="measure one program only")
    ap.add_argument("--reuse", default="", metavar="PROGRAMS",
                    help="take these programs' samples (\"newsboat\", \"feedtui newsboat\") from the last run on the same "
                         "files (DATA/results.json) instead of measuring them, and say so")
    args = ap.parse_args()

    sizes = [int(s) for s in args.sizes.split()]
    sets = {}
    for n in sizes:
        sets["rss-%d" % n] = "rss-%d.xml" % n
    for n in [int(s) for s in args.native.split()]:
        if n in sizes:
            sets["native-%d" % n] = "native-%d.json" % n
    sets = {ds: (os.path.abspath(os.path.join(args.data, f)),
                 json.load(open(os.path.join(args.data, f + ".meta.json"), encoding="utf-8")))
            for ds, f in sets.items()}

    bench = Bench(args)
    res = bench.res
    saved = os.path.join(args.data, "results.json")
    # Samples of earlier runs, per program and file: --reuse takes them from there.
    store = json.load(open(saved)) if os.path.exists(saved) else {}
    started = dt.datetime.now(dt.timezone.utc)
    load_before = open("/proc/loadavg").read().split()[:3]
    failed = []
    steps = [("feedtui", ds) for ds in sets] + [("newsboat", ds) for ds in sets if ds.startswith("rss-")]
    steps = [(prog, ds) for prog, ds in steps if args.only in (None, prog)]
    done = []

    def report(latency):
        body = ["## Machine and method", ""] + machine(bench) + [
            "- run %s–%s UTC; load average before %s, after %s (2 cores shared: other work adds noise)" % (
                started.strftime("%Y-%m-%d %H:%M"), dt.datetime.now(dt.timezone.utc).strftime("%H:%M"),
                " ".join(load_before), " ".join(open("/proc/loadavg").read().split()[:3])),
            "- each program runs in a fresh tmux window of %dx%d (private server, `tmux -L`), TERM=tmux-256color, "
            "C.UTF-8; a key is timed from sending it through tmux's control mode to the first capture of the screen "
            "that shows its effect (a capture follows every write of the program); a first frame from asking tmux "
            "for the window, so it includes starting the process (sh, env, exec). The harness's own round trip — a "
            "key to its echo by the terminal — is %.3f ms (median)." % (WIDTH, HEIGHT, latency * 1000),
            "- medians of %d runs (min–max in brackets); newsboat %d run(s) above 100 000 posts. Peak RSS: the "
            "kernel's ru_maxrss for newsboat's reload, /proc VmHWM at the end of feedtui's import and of each UI session." % (
                args.runs, args.newsboat_large_runs),
            "- feedtui's UI session: open, j, G, g, `/` then the needle (`%s`, in every 997th post) typed at once, "
            "Esc, S (oldest), S (most viewed), S, g, q. newsboat's: start, Enter, Down, End, `/`, `%s` Enter, Q. RSS "
            "has no view counts, so sorting the RSS channels by most viewed orders posts of unknown views; the "
            "native file has them." % (next(iter(sets.values()))[1]["needle"] if sets else "", "xylograph"),
            "",
        ]
        for ds, (path, meta) in sets.items():
            body += ["## %s — %s, %.0f MB, %d posts" % (ds, os.path.basename(path), meta["bytes"] / 1e6,
                                                        meta["posts"]), ""]
            body += table(res, ds, meta["bytes"], ds.startswith("rss-"))
            notes = res.notes.get(("newsboat", ds), []) + res.notes.get(("feedtui", ds), [])
            notes += ["%s: not measured (yet)" % prog for prog, d in steps if d == ds and (prog, d) not in done]
            body += [""] + ["- " + n for n in notes] if notes else []
            body.append("")
        body += ["## Targets (issue 8, point 8)", ""] + targets(res, sets)
        if failed:
            body += ["", "## Failed", ""] + ["- " + f.replace("\n", " ")[:400] for f in failed]
        return body

    def save(prog, ds, meta):
        entry = {"when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "bytes": meta["bytes"],
                 "version": bench.nb.version if prog == "newsboat" else None,
                 "samples": {k[2]: v for k, v in res.samples.items() if k[:2] == (prog, ds)},
                 "notes": res.notes.get((prog, ds), [])}
        store.setdefault(prog, {})[ds] = entry
        with open(saved, "w") as f:
            json.dump(store, f, indent=1)

    latency = 0.0
    try:
        latency = bench.tmux.echo_latency()
        log("harness: a key echoed by the terminal is seen after %.3f ms (median)" % (latency * 1000))
        for prog, ds in steps:
            path, meta = sets[ds]
            log("%s on %s: %s, %.0f MB, %d posts" % (prog, ds, os.path.basename(path), meta["bytes"] / 1e6,
                                                    meta["posts"]))
            old = store.get(prog, {}).get(ds)
            if prog in args.reuse.split() and old and old["bytes"] == meta["bytes"] and old["samples"] \
                    and (prog == "feedtui" or old["version"] == bench.nb.version):
                for name, xs in old["samples"].items():
                    for x in xs:
                        res.add(prog, ds, name, x)
                for n in old["notes"]:
                    res.note(prog, ds, n)
                res.note(prog, ds, "%s's numbers here were measured by make bench on the same file at %s and taken "
                                   "again with --reuse" % (prog, old["when"]))
                log("  reused %s's samples of %s" % (prog, old["when"]))
            else:
                try:
                    if prog == "feedtui":
                        bench.feedtui(ds, path, meta)
                    elif not bench.nb.bin:
                        raise RuntimeError("newsboat is not installed (apt-get install newsboat)")
                    else:
                        bench.newsboat(ds, path, meta, args.runs if meta["posts"] <= 100000 else args.newsboat_large_runs)
                except (Timeout, RuntimeError) as e:
                    failed.append("%s on %s: %s" % (prog, ds, e))
                    log("FAILED: %s on %s: %s" % (prog, ds, e))
                save(prog, ds, meta)
            done.append((prog, ds))
            if args.out:  # after every step, so that a run cut short still leaves what it measured
                write_markdown(args.out, report(latency))
    finally:
        bench.close()

    body = report(latency)
    print("\n".join(body))
    if args.out:
        write_markdown(args.out, body)
        log("written: %s" % args.out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
