#!/usr/bin/env bash
# make bench-opml: import-opml of 100 000 outlines into an empty channels file, then the same file again (every
# outline a duplicate), median of BENCH_RUNS runs each (issue 19, point 4: under 2 s).
set -euo pipefail
BIN=$(realpath "${1:?usage: scripts/bench-opml.sh BIN}")
RUNS=${BENCH_RUNS:-5}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
python3 - "$W/big.opml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?>\n<opml version="2.0"><head><title>100 000 feeds</title></head><body>\n')
    for folder in range(100):
        f.write('<outline text="Folder %d">\n' % folder)
        for i in range(1000):
            n = folder * 1000 + i
            f.write('<outline type="rss" text="Feed %d" title="Feed %d" xmlUrl="https://feeds%d.example.org/blog/%d/rss.xml" htmlUrl="https://feeds%d.example.org/"/>\n' % (n, n, n % 977, n, n % 977))
        f.write('</outline>\n')
    f.write('</body></opml>\n')
PY
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_of() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
first=(); again=()
for _ in $(seq "$RUNS"); do
  rm -rf "$W/config"; mkdir -p "$W/config"
  first+=("$(XDG_CONFIG_HOME=$W/config time_of "$BIN" import-opml "$W/big.opml")")
  again+=("$(XDG_CONFIG_HOME=$W/config time_of "$BIN" import-opml "$W/big.opml")")
done
lines=$(grep -vc '^#' "$W/config/feedtui/channels" || true)
printf 'import-opml of 100 000 outlines: median %.2f s (%s runs: %s); again, all duplicates: median %.2f s; %s lines in the channels file\n' \
  "$(printf '%s\n' "${first[@]}" | median)" "$RUNS" "$(printf '%.2f ' "${first[@]}")" "$(printf '%s\n' "${again[@]}" | median)" "$lines"
