#!/usr/bin/env bash
# make bench: feedtui's library against newsboat on generated channels of 10 000, 100 000 and 1 000 000 posts
# (RSS, and native JSON at 1M), in tmux, medians of 5 runs; writes BENCHMARKS.md. ~30 minutes in all, most of
# it newsboat at 1M posts; the generated files are cached in bench-data/ (gitignored, ~3 GB).
#
#   scripts/bench.sh BIN                                  # BIN: the release binary (make bench passes it)
#   BENCH_SIZES="10000 100000" scripts/bench.sh BIN       # quicker; prints, and writes BENCHMARKS.md only
#                                                          # for the full set of sizes
#   BENCH_RUNS=3 BENCH_NATIVE="" BENCH_OUT=/tmp/b.md       # other knobs (no native JSON; another output file)
#   BENCH_ONLY=newsboat                                    # one program only (feedtui or newsboat)
#   BENCH_REUSE=newsboat                                   # newsboat's samples from the last run on the same
#                                                          # files (bench-data/results.json), said so in the output;
#                                                          # "feedtui newsboat" only writes the report again
#
# Exit status: 1 if a program failed, timed out or drew something else than expected (it says which), else 0.
set -euo pipefail

BIN=${1:?usage: scripts/bench.sh BIN}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "bench: $BIN is not an executable (run swift build -c release)" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FULL="10000 100000 1000000"
SIZES=${BENCH_SIZES:-$FULL}
NATIVE=${BENCH_NATIVE-1000000}
RUNS=${BENCH_RUNS:-5}
OUT=${BENCH_OUT-}
[ -n "$OUT" ] || { [ "$SIZES" = "$FULL" ] && [ "$RUNS" -ge 5 ] && OUT=$ROOT/BENCHMARKS.md; } || true
DATA=$ROOT/bench-data
GEN=$ROOT/scripts/gen-bench.py

for tool in tmux python3 newsboat; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (make bench installs it: apt-get install $tool)" >&2; exit 2; }
done

# Data: each file is regenerated when it is missing or the generator changed since it was written.
mkdir -p "$DATA"
gen_hash=$(sha256sum "$GEN" | cut -c1-16)
ensure() {  # ensure KIND N FILE
    local stamp=$DATA/.stamp-$3
    if [ ! -f "$DATA/$3" ] || [ ! -f "$DATA/$3.meta.json" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$gen_hash" ]; then
        echo "generating $3 (once; ~40 s per million posts)" >&2
        python3 "$GEN" --posts "$2" --kind "$1" --out "$DATA" >&2
        echo "$gen_hash" >"$stamp"
    fi
}
for n in $SIZES; do ensure rss "$n" "rss-$n.xml"; done
for n in $NATIVE; do
    case " $SIZES " in *" $n "*) ensure native "$n" "native-$n.json" ;; esac
done

exec python3 "$ROOT/scripts/bench.py" --bin "$BIN" --data "$DATA" --sizes "$SIZES" --native "$NATIVE" --runs "$RUNS" \
    ${OUT:+--out "$OUT"} ${BENCH_REUSE:+--reuse "$BENCH_REUSE"} \
    ${BENCH_ONLY:+--only "$BENCH_ONLY"}
