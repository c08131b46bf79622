#!/usr/bin/env bash
# make bench-import: the CPU an import of rss-N.xml costs, whole (`feedtui refresh --library LIB FILE`: parse,
# HTML to text, dates, records, insert, search index) and its reading alone (`feedtui stats FILE`), with the peak
# RSS of each. CPU time (user + system) is what to compare on a machine other work loads; the wall time and the
# load average are printed beside it. Given two binaries (A/B), their runs alternate, so both see the same load.
#
#   scripts/bench-import.sh BIN [BIN_B]      # BENCH_POSTS=100000 (default), BENCH_RUNS=3 (default)
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: scripts/bench-import.sh BIN [BIN_B]" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-import: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTS=${BENCH_POSTS:-100000}
RUNS=${BENCH_RUNS:-3}
DATA=$ROOT/bench-data
FILE=$DATA/rss-$POSTS.xml
[ -f "$FILE" ] || python3 "$ROOT/scripts/gen-bench.py" --posts "$POSTS" --kind rss --out "$DATA" >&2 || exit 2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export XDG_DATA_HOME=$TMP XDG_CONFIG_HOME=$TMP

# run BIN what: one timed run; appends "wall cpu peakMiB" to $TMP/<bin index>.<what>
run() {
    local i=$1 bin=$2 what=$3
    rm -f "$TMP"/lib.sqlite*
    local args=(stats "$FILE")
    [ "$what" = import ] && args=(refresh --library "$TMP/lib.sqlite" "$FILE")
    if ! /usr/bin/time -f '%e %U %S %M' -o "$TMP/t" "$bin" "${args[@]}" >/dev/null 2>"$TMP/err"; then
        echo "bench-import: $bin ${args[*]} failed:" >&2
        cat "$TMP/err" >&2
        exit 1
    fi
    awk '{ printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$TMP/t" >>"$TMP/$i.$what"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "rss-$POSTS.xml ($(du -m "$FILE" | cut -f1) MB), $RUNS runs each, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
for r in $(seq "$RUNS"); do
    i=0
    for bin in "$@"; do
        i=$((i + 1))
        for what in stats import; do
            load=$(cut -d' ' -f1 /proc/loadavg)
            run "$i" "$bin" "$what"
            echo "  run $r, $bin $what: $(tail -1 "$TMP/$i.$what") (wall s, CPU s, peak MiB; load $load)"
        done
    done
done
i=0
for bin in "$@"; do
    i=$((i + 1))
    for what in stats import; do
        f=$TMP/$i.$what
        echo "median $bin $what: wall $(cut -d' ' -f1 "$f" | median) s, CPU $(cut -d' ' -f2 "$f" | median) s, peak $(cut -d' ' -f3 "$f" | median) MiB"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
