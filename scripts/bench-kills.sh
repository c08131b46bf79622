#!/usr/bin/env bash
# make bench-kills: kill -9 during a 100 000-post import, KILLS times (default 20), then one open of the browser,
# which imports the file to its end and collects what the kills left; the library must then be at most 1.1 times
# the size of a clean import of the same file (issue 19, point 7). The killed imports are `feedtui refresh
# --library LIB FILE` (a file's first refresh is imported whole, through a copy); the open runs in tmux.
#
#   scripts/bench-kills.sh BIN        # BENCH_KILLS=20 BENCH_POSTS=100000
set -uo pipefail
BIN=${1:?usage: scripts/bench-kills.sh BIN}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
for tool in python3 sqlite3 tmux; do
  command -v $tool >/dev/null || { echo "bench-kills: $tool is missing (apt-get install $tool)" >&2; exit 2; }
done
KILLS=${BENCH_KILLS:-20}
POSTS=${BENCH_POSTS:-100000}
SRC_GEN=$ROOT/bench-data/rss-$POSTS.xml
[ -f "$SRC_GEN" ] || python3 "$ROOT/scripts/gen-bench.py" --posts "$POSTS" --kind rss >&2 || exit 2
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export HOME=$W XDG_CONFIG_HOME=$W/config XDG_STATE_HOME=$W/state
cp "$SRC_GEN" "$W/feed.xml"
size() { stat -c %s "$1"; }
t0=$(date +%s%N)
"$BIN" refresh --library "$W/clean.sqlite" "$W/feed.xml" >/dev/null || { echo "bench-kills: the clean import failed" >&2; exit 1; }
import_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
clean=$(size "$W/clean.sqlite")
largest=0
for i in $(seq "$KILLS"); do
  touch -d "@$(( 1700000000 + i ))" "$W/feed.xml"  # a changed file: imported again
  "$BIN" refresh --library "$W/lib.sqlite" "$W/feed.xml" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v r=$RANDOM -v ms=$import_ms 'BEGIN {printf "%.3f", r / 32768 * ms / 1000}')"
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  s=$(size "$W/lib.sqlite" 2>/dev/null || echo 0); [ "$s" -gt "$largest" ] && largest=$s
done
left=$(sqlite3 "$W/lib.sqlite" "SELECT count(*) FROM channel WHERE status = 'importing'" 2>/dev/null || echo 0)
touch -d "@1800000000" "$W/feed.xml"
# One open: the import ends (the key hints are back) and nothing but live channels and no free page is left.
tmux -L "bk$$" new-session -d -x 120 -y 40 "$BIN --library $W/lib.sqlite $W/feed.xml"
collected() { [ "$(sqlite3 "$W/lib.sqlite" "SELECT count(*) FROM channel WHERE status != 'live'; PRAGMA freelist_count" | tr '\n' ' ')" = "0 0 " ]; }
deadline=$((SECONDS + 900))
until tmux -L "bk$$" capture-pane -p | tail -1 | grep -q "q quit" && collected; do
  [ $SECONDS -lt $deadline ] || { echo "bench-kills: the open after the kills did not end in 900 s" >&2; tmux -L "bk$$" kill-server; exit 1; }
  sleep 0.5
done
tmux -L "bk$$" send-keys q; sleep 2; tmux -L "bk$$" kill-server 2>/dev/null
after=$(size "$W/lib.sqlite")
mib() { awk -v b=$1 'BEGIN {printf "%.0f MiB", b / 1048576}'; }
echo "- $KILLS kills during an import of $POSTS posts ($(basename "$SRC_GEN"), a whole import ${import_ms} ms): at most $(mib $largest) during the kills, $left unfinished cop$([ "$left" = 1 ] && echo y || echo ies) left by the last; after one open $(mib $after) against $(mib $clean) for a clean import ($(awk -v a=$after -v c=$clean 'BEGIN {printf "%.2f", a / c}')×, target ≤ 1.1×)"
[ "$after" -le $(( clean * 11 / 10 )) ]
