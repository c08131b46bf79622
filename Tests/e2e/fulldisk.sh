#!/usr/bin/env bash
# A full disk under the library (issue 19, point 6), on the real binary in tmux: a vote or a mark that could not be
# kept is never shown as kept. faults.sh runs it in a mount namespace of its own (unshare -m), where an 8 MB tmpfs
# holds the library and is gone with the test:
#  - the disk fills while feedtui runs: the vote and the bookmark are refused by the library, the screen shows what
#    is kept (none) and says why; the position not saved on quit is said on stderr, exit 1;
#  - the disk is full when feedtui starts: it runs on a temporary library at once (no wait) and says so; a vote is
#    refused with that reason, never shown as kept; quitting says it, exit 1.
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/Tests/e2e/lib.sh"
SEED="$ROOT/Samples/durov-channel-page.txt"
FULL=$TMP/full
mkdir -p "$FULL"
mount -t tmpfs -o size=8m tmpfs "$FULL" || { echo "fulldisk: cannot mount a tmpfs (run as root, in unshare -m)"; exit 1; }
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; sleep 0.2; umount "$FULL" 2>/dev/null; rm -rf "$TMP" 2>/dev/null' EXIT
LIB=$FULL/data/feedtui/library.sqlite
fill() { dd if=/dev/zero of="$FULL/fill" bs=1k 2>/dev/null; test "$(df --output=avail "$FULL" | tail -1 | tr -d ' ')" = 0; }
run() { keys "clear; env XDG_DATA_HOME=$FULL/data XDG_CONFIG_HOME=$TMP/config $BIN $SEED; echo EXIT=\$?" Enter; }

start 120 40
run
check "the library is created on the small disk" wait_for "▶Jul 30 2017" 15
check "… and holds the channel" test -s "$LIB"
# The first screenful shows while the import still runs: the disk is filled once its copy is swapped in.
imported() {
  local deadline=$((SECONDS + 15))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(sqlite3 "$LIB" "SELECT count(*) FROM channel WHERE status = 'live'" 2>/dev/null)" = 1 ] && return 0
    sleep 0.1
  done
  return 1
}
check "… once its import has ended" imported
check "the disk is filled while feedtui runs" fill
keys r; keys 4
check "a vote the full disk refuses is said" wait_for "database or disk is full"
check "… and the header shows the vote that is kept (none)" wait_for "no rating yet — r to rate"
keys j; keys m
check "a bookmark the full disk refuses is said" wait_for "cannot save a bookmark in .*durov-channel-page.txt"
check "… and not shown as kept" sh -c "! tmux -u -L $SOCK capture-pane -p -t e2e | grep -q 'bookmarked'"
keys q
check "the position not saved on quit is said on stderr" wait_for "^feedtui: cannot save the position in .*durov-channel-page.txt"
check "… with exit status 1" wait_for "^EXIT=1"
check "the library holds no vote and no bookmark" \
  test "$(sqlite3 "$LIB" "SELECT (SELECT count(*) FROM userChannel WHERE rating IS NOT NULL) + (SELECT count(*) FROM bookmark)")" = 0

# Full when it starts, the library there: it opens, and refuses the vote as above.
keys "clear" Enter
run
check "full at start: the channel is shown" wait_for "▶Jul 30 2017" 15
keys r; keys 4
check "full at start: a refused vote is said" wait_for "database or disk is full"
check "… and not shown as kept" sh -c "tmux -u -L $SOCK capture-pane -p -t e2e | grep -q 'no rating yet — r to rate' && ! tmux -u -L $SOCK capture-pane -p -t e2e | grep -q 'yours: 4'"
keys q
check "full at start: exit status 1" wait_for "^EXIT=1"

# Full and no library yet: none can be created, so nothing the user does is kept, and that is said.
rm -rf "$FULL/data"
check "the disk is full again" fill
keys "clear" Enter
run
SECONDS_AT_START=$SECONDS
check "no room for a library: a temporary one, said at once" wait_for "library not kept: cannot open the library .*library.sqlite: database or disk is" 8
echo "     the first frame with no room for a library after $((SECONDS - SECONDS_AT_START)) s"
check "no room for a library: the channel is shown" wait_for "▶Jul 30 2017"
# The status line says "library not kept" from the start: the vote's refusal is told apart by what comes before it
# (the prompt, then "you rated…" until the worker answers, which may wait behind the import on a loaded machine).
keys r
check "the rating prompt opens" wait_for "rate this channel: 1–5 stars"
keys 4
refused() {
  local deadline=$((SECONDS + 20)) s
  while [ $SECONDS -lt $deadline ]; do
    s=$(screen)
    if ! grep -q "rate this channel: 1–5 stars\|you rated this channel\|yours: 4" <<<"$s" &&
      grep -q "no rating yet — r to rate" <<<"$s" && grep -q "library not kept: cannot open the library" <<<"$s"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
check "a vote on the temporary library is refused with the reason, never shown as kept" refused
keys q
check "quitting says the library was not kept" wait_for "^feedtui: library not kept: cannot open the library"
check "… with exit status 1" wait_for "^EXIT=1"
finish
