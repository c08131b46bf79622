#!/usr/bin/env bash
# make bench-importers: how long `feedtui stats FILE` takes and how much memory it peaks at on ~100 MB files of
# every format (median of 5 runs). Prints a markdown table to paste; writes nothing but the generated data
# (bench-data/, gitignored). The library, the terminal and newsboat are `make bench` (scripts/bench.sh).
#
#   scripts/bench-importers.sh BIN                  # BIN: the feedtui binary (.build/release/feedtui)
#   BENCH_SIZE_MB=10 scripts/bench-importers.sh BIN # quick run on 10 MB files (kept apart in bench-data/10mb/)
#   BENCH_RUNS=3 BENCH_TIMEOUT=300 BENCH_FORMATS="page.txt rss.xml"   # other knobs
#
# Exit status: 1 if any feedtui run failed or timed out (its stderr is printed), else 0.
set -uo pipefail

BIN=${1:?usage: scripts/bench.sh BIN}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "bench: $BIN is not an executable (run swift build -c release)" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MB=${BENCH_SIZE_MB:-100}
RUNS=${BENCH_RUNS:-5}
TIMEOUT=${BENCH_TIMEOUT:-900}   # per run; a runaway (quadratic) importer must not hang the bench forever
FORMATS=${BENCH_FORMATS:-"page.txt native.json tdesktop.json tme.html rss.xml atom.xml"}
GEN=$ROOT/scripts/gen-bench.py
DATA=$ROOT/bench-data
[ "$SIZE_MB" = 100 ] || DATA=$ROOT/bench-data/${SIZE_MB}mb

[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench: python3 is needed to generate the data" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

# --- data: regenerate when a file is missing or the generator changed since it was written ----------------
gen_hash=$(sha256sum "$GEN" | cut -c1-16)
ensure() {  # ensure STAMPFILE ARGS... : run the generator with ARGS unless STAMPFILE says it already did
    local stamp=$1; shift
    local want="$gen_hash $*"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "generating bench data: gen-bench.py $* (once; ~1 min at 100 MB)" >&2
        python3 "$GEN" "$@" >&2 || { echo "bench: gen-bench.py failed" >&2; exit 2; }
        echo "$want" >"$stamp"
    fi
}
mkdir -p "$DATA"
ensure "$DATA/.stamp" --size-mb "$SIZE_MB" --out "$DATA"
for f in $FORMATS; do [ -f "$DATA/$f" ] || { rm -f "$DATA/.stamp"; ensure "$DATA/.stamp" --size-mb "$SIZE_MB" --out "$DATA"; }; done

# --- the machine: the numbers mean nothing without it -----------------------------------------------------
cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
[ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
echo "## feedtui bench"
echo
echo "- machine: ${cpu:-unknown CPU}, $(nproc) cores, $mem RAM, Linux $(uname -r) ($(uname -m))"
echo "- toolchain: $(swift --version 2>&1 | head -1)"
echo "- feedtui: $("$BIN" --version 2>/dev/null) at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo '+dirty')"
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- method: median of $RUNS runs of \`feedtui stats FILE\` under /usr/bin/time (wall s, peak RSS); one untimed warm-up run first (page cache)"
echo

# --- helpers ---------------------------------------------------------------------------------------------
minmax() { sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "–" hi}'; }
median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# timed NAME CMD... : one run under /usr/bin/time, appends "seconds KiB" to $TMP/NAME.t; returns the exit code
# and keeps stdout/stderr in $TMP/NAME.out / .err for the caller.
timed() {
    local name=$1; shift
    /usr/bin/time -f '%e %M' -o "$TMP/$name.time" timeout "$TIMEOUT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    local rc=$?
    # /usr/bin/time writes "Command exited with non-zero status N" before the numbers on failure.
    tail -1 "$TMP/$name.time" >>"$TMP/$name.t"
    return $rc
}

report_failure() {  # report_failure WHAT RC ERRFILE
    failed=1
    local why="exit $2"
    [ "$2" = 124 ] && why="timed out after ${TIMEOUT}s"
    echo "bench: $1 failed ($why):" >&2
    sed 's/^/    /' "$3" | head -20 >&2
}

# posts_in JSONFILE: the "posts" of `feedtui stats --json` (summed when it lists several channels)
posts_in() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
items = d if isinstance(d, list) else d.get("channels", [d]) if isinstance(d, dict) else []
print(sum(int(c.get("posts", 0)) for c in items))' "$1" 2>/dev/null || echo "?"
}

# --- importers: stats on each file -------------------------------------------------------------------------
echo "| format | file MB | posts written | posts loaded | median s | min–max s | median peak MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for f in $FORMATS; do
    file=$DATA/$f
    mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN {printf "%.1f", b / 1e6}')
    name=${f%%.*}
    # Items the generator wrote, less service messages (which are not counted as posts).
    written=$(awk -F"\t" -v f="$f" '$1 == f {print $3 - $4}' "$DATA/manifest.tsv" 2>/dev/null)
    rm -f "$TMP/$name".*
    # Warm-up, untimed: also the one --json run that says how many posts were loaded.
    "$BIN" stats "$file" --json >"$TMP/$name.json" 2>"$TMP/$name.err"
    rc=$?
    if [ $rc != 0 ]; then
        report_failure "feedtui stats $f --json" $rc "$TMP/$name.err"
        echo "| $name | $mb | ${written:-?} | — | FAILED: $(head -1 "$TMP/$name.err" | sed "s|$DATA/||" | cut -c1-90) | | |"
        continue
    fi
    posts=$(posts_in "$TMP/$name.json")
    ok=1
    for _ in $(seq "$RUNS"); do
        timed "$name" "$BIN" stats "$file" || { report_failure "feedtui stats $f" $? "$TMP/$name.err"; ok=0; break; }
    done
    if [ $ok = 0 ]; then
        echo "| $name | $mb | ${written:-?} | $posts | FAILED | | |"
        continue
    fi
    med=$(cut -d' ' -f1 "$TMP/$name.t" | median)
    range=$(cut -d' ' -f1 "$TMP/$name.t" | minmax)
    rss=$(cut -d' ' -f2 "$TMP/$name.t" | median | awk '{printf "%.0f", $1 / 1024}')
    echo "| $name | $mb | ${written:-?} | $posts | $med | $range | $rss |"
done

echo
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $failed
