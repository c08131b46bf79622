#!/bin/bash
# Instructions to read a 10 000-post RSS file (its HTML bodies through HTMLText) with `feedtui export`, counted by
# callgrind: an A/B figure for importer changes that a loaded machine's timings cannot give. RUNS runs (default 3),
# each count printed, then the median. Usage: bench-callgrind.sh BIN
set -euo pipefail
bin=${1:?usage: bench-callgrind.sh BIN}
command -v valgrind >/dev/null || { echo "bench-callgrind: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
data=${BENCH_DATA:-bench-data}
file=$data/rss-10000.xml
[ -f "$file" ] || python3 scripts/gen-bench.py --posts 10000 --kind rss --out "$data" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
counts=()
for _ in $(seq "${RUNS:-3}"); do
    XDG_DATA_HOME=$out XDG_CONFIG_HOME=$out valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" export "$file" >/dev/null 2>"$out/log"
    n=$(grep -o 'Collected : [0-9]*' "$out/log" | grep -o '[0-9]*$')
    echo "run: $n instructions"
    counts+=("$n")
done
median=$(printf '%s\n' "${counts[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "median: $median instructions to export $file ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
