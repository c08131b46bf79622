#!/usr/bin/env bash
# make bench-refresh: what a refresh costs, with the release binary against the local stand-in for t.me
# (Tests/server/feedserver.py, pages of 20 posts as t.me's). Medians of RUNS runs (BENCH_RUNS, default 5):
#   1. 20 new posts into a channel of 100 000: `feedtui refresh @gen`, against the same command answered
#      "304 Not Modified" (process start, library open, one request): the difference is the library's time.
#   2. 100 followed channels of 20 posts each: the first refresh (every channel imported), then one where
#      every channel answers 304.
#   3. A `refresh --history` walk of 500 pages: the time per page of the first 50 pages and of the last 50 (from
#      the server's log of when each page was asked for).
#
#   scripts/bench-refresh.sh BIN
set -euo pipefail
BIN=${1:?usage: scripts/bench-refresh.sh BIN}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "bench-refresh: $BIN is not an executable (run swift build -c release)" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${BENCH_RUNS:-5}
for tool in python3 sqlite3; do
    command -v $tool >/dev/null || { echo "bench-refresh: $tool is missing (apt-get install $tool)" >&2; exit 2; }
done
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
python3 "$ROOT/Tests/server/feedserver.py" --page-size 20 --gen-posts $((100000 + 20 * RUNS)) --gen-hold $((20 * RUNS)) \
    --port-file "$WORK/port" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
export FEEDTUI_TME_URL=http://127.0.0.1:$PORT XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
LIB=$WORK/data/feedtui/library.sqlite
admin() { python3 -c "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:$PORT/_admin/$1').read().decode())"; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); python3 -c "print($e - $s)"; }
median() { python3 -c "import statistics,sys; print('%.3f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

# 1. A library holding @gen's 100 000 oldest posts: imported from a file of the same posts, then filed under @gen
#    (a t.me channel is filled page by page; this is the same library, made in seconds).
python3 - "$WORK/gen.json" <<'EOF'
import json, sys, time
posts = [{"id": "gen/%d" % i, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1577836800 + 3600 * i)),
          "text": "Post number %d of gen" % i, "views": 100 + i} for i in range(1, 100001)]
json.dump({"format": "feedtui", "version": 1, "channels": [{"title": "gen", "handle": "gen", "publications": posts}]},
          open(sys.argv[1], "w"))
EOF
"$BIN" add "$WORK/gen.json" >/dev/null
"$BIN" refresh >/dev/null
sqlite3 "$LIB" "UPDATE channel SET key = '@gen' WHERE key = '$WORK/gen.json' AND status = 'live';
  INSERT INTO refreshState (source, channelKey) VALUES ('@gen', '@gen'); DELETE FROM refreshState WHERE source != '@gen';"
"$BIN" remove "$WORK/gen.json" >/dev/null
"$BIN" add @gen >/dev/null
"$BIN" refresh @gen >/dev/null   # the newest page as the server has it: validators kept
new=() same=()
for _ in $(seq "$RUNS"); do
    same+=("$(seconds "$BIN" refresh @gen)")
    admin "publish?name=gen&count=20" >/dev/null
    new+=("$(seconds "$BIN" refresh @gen)")
done
posts=$(sqlite3 "$LIB" "SELECT postCount FROM channel WHERE key = '@gen'")
m_new=$(median "${new[@]}") m_same=$(median "${same[@]}")
echo "| 20 new posts into a channel of 100 000 (now $posts posts) | $m_new s | 304 answer: $m_same s | library: $(python3 -c "print('%.0f ms' % (1000 * ($m_new - $m_same)))") |"

# 2. 100 followed channels.
"$BIN" remove @gen >/dev/null
for i in $(seq 100); do echo "@gen$i"; done | xargs "$BIN" add >/dev/null
first=$(seconds "$BIN" refresh)
again=()
for _ in $(seq "$RUNS"); do again+=("$(seconds "$BIN" refresh)"); done
echo "| 100 followed channels of 20 posts, first refresh | $first s | then (all 304): $(median "${again[@]}") s | |"

# 3. A 500-page history walk.
"$BIN" add @walk >/dev/null
"$BIN" refresh @walk >/dev/null
admin reset >/dev/null
walk=$(seconds "$BIN" refresh --history @walk)
admin log | python3 -c '
import json, statistics, sys
times = [r["time"] for r in json.load(sys.stdin)["requests"] if "/s/walk?before=" in r["path"]]
steps = [b - a for a, b in zip(times, times[1:])]
print("| --history walk of %d pages | %.1f s | first 50 pages: %.0f ms a page | last 50 pages: %.0f ms a page |"
      % (len(times), float(sys.argv[1]), 1000 * statistics.median(steps[:50]), 1000 * statistics.median(steps[-50:])))
' "$walk"
