#!/usr/bin/env bash
# End-to-end tests: drive the real feedtui binary in tmux (120x40) and read the screen back.
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/Tests/e2e/lib.sh"
SEED="$ROOT/Samples/durov-channel-page.txt"

# The seed: header, move, open, back, quit, terminal restored.
start 120 40
keys "stty -g > $TMP/stty.before" Enter
keys "cd $ROOT && $BIN; echo EXIT=\$?" Enter
check "header shows the channel" wait_for "Durov's Channel" 15
check "header shows views per week" wait_for "255 406 views/week"
keys j; keys j; keys Enter
check "j j Enter opens Indonesia full-screen" wait_for "^│ Some thoughts on Indonesia"
check "full-screen shows the post date" wait_for "July 16, 2017 01:04"
keys q
check "q goes back to the list" wait_for "▶Jul 16 2017"
keys q
check "q on the list quits with 0" wait_for "^EXIT=0"
keys "stty -g > $TMP/stty.after" Enter
sleep 0.3
check "stty -g unchanged" cmp -s "$TMP/stty.before" "$TMP/stty.after"

# Bad input: one clear line on stderr, exit code 1.
bad() { # bad NAME EXPECTED-STDERR ARGS...
  local name=$1 want=$2; shift 2
  local err code
  err=$("$BIN" "$@" 2>&1 >/dev/null); code=$?
  check "$name" test "$code" = 1 -a "$err" = "$want" -a "$(printf '%s\n' "$err" | wc -l)" = 1
}
: > "$TMP/empty.txt"
printf 'hello\nworld\n' > "$TMP/notes.txt"
bad "missing file" "feedtui: $TMP/none.txt: no such file" stats "$TMP/none.txt"
bad "directory" "feedtui: $TMP: is a directory, not a feed file" stats "$TMP"
bad "empty file" "feedtui: $TMP/empty.txt: empty file" stats "$TMP/empty.txt"
bad "unknown format" "feedtui: $TMP/notes.txt: not a feed in any known format (tried json, tdesktop, tme, rss, page)" stats "$TMP/notes.txt"
bad "browse missing file" "feedtui: $TMP/none.txt: no such file" "$TMP/none.txt"

# stats, export, pipes.
check "stats prints views per week" sh -c "'$BIN' stats '$SEED' | grep -qE '^views per week +255 406$'"
check "stats prints unknown as —" sh -c "'$BIN' stats '$SEED' | grep -qE '^views per month +—$'"
check "stats --json gives null for unknown" sh -c "'$BIN' stats '$SEED' --json | grep -q '\"viewsPerMonth\" : null'"
"$BIN" export "$SEED" --json > "$TMP/a.json"
"$BIN" export "$TMP/a.json" --json > "$TMP/b.json"
check "export -> import -> export is byte-identical" cmp -s "$TMP/a.json" "$TMP/b.json"
check "not a terminal: plain post list" sh -c "'$BIN' '$SEED' | head -1 | grep -q '^2017-07-30 12:25 .*Since some journalists'"

finish
