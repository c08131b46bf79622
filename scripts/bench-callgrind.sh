#!/bin/bash
# Instructions to read a 10 000-post RSS file (its HTML bodies through HTMLText) with `feedtui export` (or the
# command BENCH_COMMAND names: `stats` reads it as an import does, without the JSON), counted by callgrind: an A/B
# figure for importer changes that a loaded machine's timings cannot give. RUNS runs (default 3), each count printed,
# then the median. Usage: bench-callgrind.sh BIN
set -euo pipefail
bin=${1:?usage: bench-callgrind.sh BIN}
command -v valgrind >/dev/null || { echo "bench-callgrind: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
data=${BENCH_DATA:-bench-data}
file=$data/rss-10000.xml
[ -f "$file" ] || python3 scripts/gen-bench.py --posts 10000 --kind rss --out "$data" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Valgrind 3.19 gives up on Swift's DWARF ("possibly corrupted debuginfo"): a copy without it keeps the symbols.
objcopy --strip-debug "$bin" "$out/feedtui"
counts=()
inside=()
cmd=${BENCH_COMMAND:-export}
for _ in $(seq "${RUNS:-3}"); do
    XDG_DATA_HOME=$out XDG_CONFIG_HOME=$out valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$out/feedtui" "$cmd" "$file" >/dev/null 2>"$out/log"
    n=$(grep -o 'Collected : [0-9]*' "$out/log" | grep -o '[0-9]*$')
    # HTMLText.convert with what it calls (libxml2's parser included).
    h=$(callgrind_annotate --inclusive=yes "$out/cg" | awk '/8HTMLTextO7convert/ && !found { gsub(",", "", $1); print $1; found = 1 }')
    echo "run: $n instructions, ${h:-?} in HTMLText.convert"
    counts+=("$n")
    inside+=("${h:-0}")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "median: $(median "${counts[@]}") instructions to $cmd $file, $(median "${inside[@]}") in HTMLText.convert ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
