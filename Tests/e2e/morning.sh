#!/usr/bin/env bash
# A morning with feedtui (issue 22): three followed channels on the local feed server and one query channel, a
# one-minute refresh interval, new posts arriving while feedtui runs (and in the query channel), a notify program
# that records its arguments, `u` and `>` across channels and `A` on the home screen. About 80 s: the interval's unit
# is the minute.
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/Tests/e2e/lib.sh"
command -v python3 >/dev/null || { echo "morning.sh needs python3"; exit 1; }

python3 "$ROOT/Tests/server/feedserver.py" --hold 1 --port-file "$TMP/port" >/dev/null 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; tmux -L "$SOCK" kill-server 2>/dev/null; sleep 0.2; rm -rf "$TMP" 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
check "the feed server started" test -s "$TMP/port"
PORT=$(cat "$TMP/port" 2>/dev/null)
publish() { python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/_admin/publish?name=$1')"; }

# The notify program writes its arguments, one a line, to the next numbered file.
cat > "$TMP/notify" <<'SH'
#!/bin/sh
n=$(ls "$NOTIFY_DIR" | wc -l)
for a in "$@"; do printf '%s\n' "$a"; done > "$NOTIFY_DIR/.tmp" && mv "$NOTIFY_DIR/.tmp" "$NOTIFY_DIR/call-$((n + 1))"
SH
chmod +x "$TMP/notify"
mkdir -p "$TMP/calls" "$TMP/cfg/feedtui"
printf 'refresh-interval = 1\nnotify = "%s --from feedtui"\n' "$TMP/notify" > "$TMP/cfg/feedtui/config.toml"
ENVS="NOTIFY_DIR=$TMP/calls FEEDTUI_TME_URL=http://127.0.0.1:$PORT XDG_CONFIG_HOME=$TMP/cfg XDG_DATA_HOME=$TMP/data"
env $ENVS "$BIN" add @antichristone @topwar_official "http://127.0.0.1:$PORT/rss/geopolitics.xml" >/dev/null
check "a query channel is followed" sh -c "env $ENVS '$BIN' add 'query:Blog unread:unread and channel ~ \"antichrist\"' | grep -qx 'following query:Blog unread:unread and channel ~ \"antichrist\"'"
check "a bad filter is refused with its column" sh -c "env $ENVS '$BIN' add 'query:Bad:unread and' 2>&1 | grep -q 'filter: expected a field .* at column 11'"
# unread COUNT of the home screen's row that shows TEXT.
unread_of() { screen | grep -F -- "$1" | head -1 | sed -E 's/^│▶? *([0-9]+) .*/\1/'; }
# wait_unread TEXT N: polls until the row showing TEXT says N unread.
wait_unread() {
  local deadline=$((SECONDS + 10))
  while [ $SECONDS -lt $deadline ]; do [ "$(unread_of "$1")" = "$2" ] && return 0; sleep 0.1; done
  return 1
}
QUERY_ROW="Blog unread  unread and channel ~"

start 120 30
keys "env $ENVS $BIN; echo EXIT=\$?" Enter
check "the refresh at start" wait_for "refreshed 4 sources: [0-9]+ new posts" 20
check "the notify program ran once, with the count and the channels' names" sh -c "
  for _ in \$(seq 50); do [ -s '$TMP/calls/call-1' ] && break; sleep 0.1; done
  sed -n 1,3p '$TMP/calls/call-1' | tr '\n' '|' | grep -qx -- '--from|feedtui|[0-9][0-9]*|' &&
  grep -q '^Antichrist Blog' '$TMP/calls/call-1' && [ \$(wc -l < '$TMP/calls/call-1') = 6 ]"
keys g
check "the bottom line says when the next refresh is due" wait_for "└ next refresh within a minute · j move"
Q0=$(unread_of "$QUERY_ROW")
A0=$(unread_of "Antichrist Blog")
check "the query channel counts the channel's unread posts ($Q0 = $A0 > 0)" test -n "$Q0" -a "$Q0" = "$A0" -a "${A0:-0}" -gt 0 2>/dev/null

# u goes from channel to channel with unread posts; > from inside a channel to the next one's first unread post.
keys u
check "u on the home screen: the next channel with unread posts" wait_for "^│▶ .*Военное обозрение"
check "and it says how many" wait_for ": [0-9]+ unread"
keys g Enter
check "Enter opens the first channel" wait_for "^┌ Antichrist Blog"
keys ">"
check "> opens the next channel with unread posts" wait_for "^┌ .*@topwar_official"
check "at its first unread post" wait_for "[0-9]+ unread"
keys q

# New posts arrive; the next refresh comes by itself within the minute and says so through notify.
publish antichristone
check "the refresh by itself brought the new post" wait_for "refreshed 4 sources: 1 new post$|refreshed 4 sources: 1 new post " 75
check "notify: 1 new post in Antichrist Blog" sh -c "
  for _ in \$(seq 50); do [ -s '$TMP/calls/call-2' ] && break; sleep 0.1; done
  tr '\n' '~' < '$TMP/calls/call-2' | grep -qx -- '--from~feedtui~1~Antichrist Blog[^~]*~'"

check "the new post shows in the query channel too" wait_unread "$QUERY_ROW" $((Q0 + 1))
keys G Enter
check "opened, the query channel lists its posts" wait_for "^┌ Blog unread.* 1/$((Q0 + 1)) "
keys q
check "q goes back home" wait_for "^┌ feedtui ─ 4 followed"

# A asks, y marks every channel read.
keys A
check "A asks first" wait_for "mark every channel read\? y marks them"
keys n
check "any other key cancels" wait_for "nothing marked"
keys A y
check "A y: every channel read, the query channel's posts with them" wait_for "^┌ feedtui ─ 4 followed · 0 unread"
check "the query channel has no unread post left" wait_unread "$QUERY_ROW" 0
keys u
check "then u says there is nothing unread" wait_for "no channel has unread posts"
keys q
check "quit" wait_for "^EXIT=0"
finish
