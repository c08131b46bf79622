#!/usr/bin/env bash
# make bench-opml: import-opml of 100 000 outlines into an empty channels file, then the same file again (every
# outline a duplicate), median of BENCH_RUNS runs each (issue 19, point 4: under 2 s).
set -euo pipefail
BIN=$(realpath "${1:?usage: scripts/bench-opml.sh BIN}")
RUNS=${BENCH_RUNS:-5}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
python3 "$(dirname "$0")/gen-opml.py" "$W/big.opml"
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
