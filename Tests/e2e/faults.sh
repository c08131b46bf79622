#!/usr/bin/env bash
# Fault tests of the library, black-box on the real binary (issue 8, point 9):
#  - kill -9 at random moments of an import, 100 times: the library always opens (integrity check, and the
#    binary opens it again), and each channel holds exactly its old or its new content, never a mix; once the
#    copies they left are old, one open gives their space back (issue 19, point 7);
#  - two feedtui processes on one library: a UI importing and browsing while another process imports and
#    re-imports; both work and nothing is lost;
#  - a full disk (fulldisk.sh): a vote or a mark that could not be kept is never shown as kept (issue 19, point 6).
# The library is read back with sqlite3 (Debian package sqlite3).
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for tool in sqlite3 python3 tmux unshare; do
  command -v $tool >/dev/null || { echo "faults: $tool is missing (apt-get install $tool)"; exit 1; }
done
. "$ROOT/Tests/e2e/lib.sh"
KILLS=${FAULT_KILLS:-100}

# gen FILE VERSION POSTS: a native-JSON file of two channels (@fault_a, @fault_b) of POSTS posts each. Version 2
# is an update of version 1: every post's views grew, every 7th text was edited, 40 new posts came on top.
gen() {
  python3 - "$@" <<'EOF'
import json, random, sys
path, version, posts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
words = ("канал новости server privacy 東京の天気 ニュース 업데이트 données café naïve 数据 ข่าววันนี้ "
         "release update network мир").split()
channels = []
for handle in ("fault_a", "fault_b"):
    rng = random.Random(handle)
    pubs = []
    for n in range(posts + (40 if version == 2 else 0)):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 60)))
        views = rng.randrange(10, 100000)
        if version == 2:
            views += 1000
            if n % 7 == 0:
                text += " (edited)"
        pubs.append({"id": "%s-%d" % (handle, n), "date": "2025-%02d-%02dT%02d:%02d:00Z" % (
            1 + n // 2000 % 12, 1 + n // 80 % 28, n // 4 % 20, n % 60), "text": text, "views": views})
    channels.append({"title": "Fault " + handle, "handle": handle, "publications": pubs[::-1]})
json.dump({"channels": channels, "format": "feedtui", "version": 1}, open(path, "w"), ensure_ascii=False, indent=1)
EOF
}

# digest LIBRARY HANDLE: a hash of the live channel's posts (ids, views, records), "none" when there is none. A
# channel of a file of several is filed under the file and its handle (`/…/v1.json#@fault_a`).
digest() {
  sqlite3 "$1" "SELECT p.id, p.views, hex(p.record) FROM post p JOIN channel c ON c.id = p.channel
                WHERE c.status = 'live' AND c.key LIKE '%#@$2' ORDER BY p.id" | sha256sum | cut -c1-16
}
importing_ids() { sqlite3 "$1" "SELECT id FROM channel WHERE status = 'importing'" | tr '\n' ' '; }
live_count() { sqlite3 "$1" "SELECT count(*) FROM post p JOIN channel c ON c.id = p.channel WHERE c.status = 'live' AND c.key LIKE '%#@$2'"; }

W=$TMP/faults
mkdir -p "$W"
POSTS=${FAULT_POSTS:-300}
gen "$W/v1.json" 1 "$POSTS"
gen "$W/v2.json" 2 "$POSTS"
NEW=$((POSTS + 40))

# Importing happens in the browser (stats and export read the source directly), so every import here is a
# feedtui in the tmux pane. run_import LIB FILE: starts one; its pid is in $W/pid as soon as it runs.
run_import() {
  rm -f "$W/pid"
  keys "clear; sh -c 'echo \$\$ > $W/pid; exec $BIN --library $1 $2'; echo EXIT=\$?" Enter
  local n=0
  while [ ! -s "$W/pid" ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
}
# imported: the browser shows its key hints again, so no import is going on.
imported() { screen | tail -1 | grep -q "q quit"; }
# gone: the browser started last has ended.
gone() { local n=0; while kill -0 "$(cat "$W/pid")" 2>/dev/null; do [ $n -lt 1000 ] || return 1; sleep 0.01; n=$((n + 1)); done; }
# import_whole LIB FILE: an import to its end (both channels), then q. IMPORT_MS: from its start to its end.
import_whole() {
  local t0 deadline=$((SECONDS + 120))
  run_import "$1" "$2"
  t0=$(date +%s%N)
  until imported; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.01; done
  IMPORT_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  keys q
  gone
}

start 120 40
# What each channel may hold. An import replaces the posts the file has and keeps those it no longer has, so
# with the file alternating between the versions a channel is one of: v1 (the first import), v2 (any import of
# v2, which has every post), or v2 then v1 (v1's posts with v2's 40 newer ones kept). Each is a whole import
# into a library of its own.
# One file for every reference: a channel belongs to the file it was read from.
for v in 1 2; do
  cp "$W/v$v.json" "$W/ref.json"
  import_whole "$W/ref$v.sqlite" "$W/ref.json" || { echo "FAIL faults: a whole import of version $v did not end"; screen; exit 1; }
  for h in fault_a fault_b; do eval "want_${h}_$v=\$(digest \"$W/ref$v.sqlite\" $h)"; done
done
cp "$W/ref2.sqlite" "$W/ref3.sqlite"; cp "$W/v1.json" "$W/ref.json"
import_whole "$W/ref3.sqlite" "$W/ref.json" || { echo "FAIL faults: a whole import of v1 over v2 did not end"; screen; exit 1; }
for h in fault_a fault_b; do eval "want_${h}_3=\$(digest \"$W/ref3.sqlite\" $h)"; done
check "the three contents differ" sh -c "[ $want_fault_a_1 != $want_fault_a_2 ] && [ $want_fault_a_2 != $want_fault_a_3 ] && [ $want_fault_a_1 != $want_fault_a_3 ]"
check "a whole import holds every post of both channels" \
  test "$(live_count "$W/ref2.sqlite" fault_a)-$(live_count "$W/ref2.sqlite" fault_b)" = "$NEW-$NEW"
check "posts the file no longer has are kept" test "$(live_count "$W/ref3.sqlite" fault_a)" = "$NEW"

# --- kill -9 during an import, $KILLS times ------------------------------------------------------------------
# The source file alternates between the versions, so every run has a changed file to import (its size and
# time differ). A whole import's duration sets the range of the kill moments: from its start to a bit past its end.
LIB=$W/library.sqlite
SRC=$W/channel.json
cp "$W/v1.json" "$SRC"
import_whole "$LIB" "$SRC" || { echo "FAIL faults: the first import did not end"; screen; exit 1; }
import_ms=$IMPORT_MS
declare -A held=([fault_a]=$want_fault_a_1 [fault_b]=$want_fault_b_1)
bad=0; unfinished=0; changed=0
for i in $(seq "$KILLS"); do
  v=$(( i % 2 + 1 ))
  cp "$W/v$v.json" "$SRC"
  touch -d "@$(( 1700000000 + i ))" "$SRC"
  delay_ms=$(( RANDOM % (import_ms * 11 / 10 + 1) ))
  before=" $(importing_ids "$LIB") "
  run_import "$LIB" "$SRC"
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 "$(cat "$W/pid")" 2>/dev/null
  gone || { echo "FAIL faults: kill -9 did not end feedtui"; bad=1; break; }
  # An import cut while writing leaves an unfinished copy behind (never shown; removed once it is old).
  for id in $(importing_ids "$LIB"); do
    case $before in *" $id "*) ;; *) unfinished=$((unfinished + 1)); break ;; esac
  done
  integrity=$(sqlite3 "$LIB" "PRAGMA integrity_check" 2>&1)
  if [ "$integrity" != ok ]; then
    echo "FAIL faults: after kill $i at ${delay_ms} ms the library fails its integrity check: $integrity"; bad=1; break
  fi
  for h in fault_a fault_b; do
    got=$(digest "$LIB" $h)
    # The content the import would give: v2; v1 over v1 is v1; v1 over v2 (or over v2 then v1) is v2 then v1.
    if [ $v = 2 ]; then eval "new=\$want_${h}_2"; elif eval "[ \"\${held[$h]}\" = \"\$want_${h}_1\" ]"; then
      eval "new=\$want_${h}_1"; else eval "new=\$want_${h}_3"; fi
    if [ "$got" != "${held[$h]}" ] && [ "$got" != "$new" ]; then
      echo "FAIL faults: after kill $i at ${delay_ms} ms @$h holds neither its old nor its new content ($(live_count "$LIB" $h) posts)"
      bad=1
    fi
    [ "$got" = "${held[$h]}" ] || changed=$((changed + 1))
    held[$h]=$got
  done
  [ $bad = 0 ] || break
done
check "kill -9 during imports ($KILLS kills over ${import_ms} ms): each channel holds its old or its new content" test $bad = 0
# The kills must have hit the writing, not only the reading of the file, and some imports must have ended.
check "kills cut imports while writing ($unfinished of $KILLS) and some ended ($changed channel swaps)" \
  test "$unfinished" -ge $((KILLS / 20 + 1)) -a "$changed" -ge 2
# The binary opens the library afterwards without setting it aside, and a new import ends with the new content.
cp "$W/v2.json" "$SRC"; touch -d "@1800000000" "$SRC"
check "after the kills the binary opens the library and imports" import_whole "$LIB" "$SRC"
check "after the kills the library holds the new content" test "$(digest "$LIB" fault_a)" = "$want_fault_a_2"
check "after the kills nothing was set aside" sh -c "! ls '$LIB'.damaged-* '$LIB'.newer-* >/dev/null 2>&1"
# The copies the kills left name processes that are gone: the next open deletes them at once, however recent, and
# their space comes back: the library is then at most 1.1 times the size of a clean import of the same file (each
# start of the loop above already deleted the copies of the kill before it, so the library may not have grown).
size() { stat -c %s "$1"; }
grown=$(size "$LIB")
collected() {
  [ "$(sqlite3 "$LIB" "SELECT count(*) FROM channel WHERE status != 'live'")-$(sqlite3 "$LIB" "PRAGMA freelist_count")" = 0-0 ]
}
run_import "$LIB" "$SRC"
deadline=$((SECONDS + 60))
until imported && collected; do [ $SECONDS -lt $deadline ] || break; sleep 0.05; done
keys q; gone
check "after the kills one open gives their space back ($grown bytes, then $(size "$LIB"); a clean import $(size "$W/ref2.sqlite"))" \
  sh -c "[ $(size "$LIB") -le $(( $(size "$W/ref2.sqlite") * 11 / 10 )) ]"

# --- two processes on one library ----------------------------------------------------------------------------
# Two browsers on one library, each importing its own file at the same time (one writes, the other waits), then
# one browsing and rating while the other imports a new version: both work, nothing is lost.
LIB2=$W/shared.sqlite
cp "$W/v1.json" "$W/ui.json"
# other*.json: posts under other handles, so that the two browsers write different channels; the second version
# is twenty times larger, so that its import lasts while the first browser is used (imports stream: they got faster).
BIG=$((POSTS * 20))
gen "$W/big.json" 2 "$BIG"
python3 - "$W/v1.json" "$W/other1.json" "$W/big.json" "$W/other2.json" <<'PY'
import json, sys
for src, dst in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    d = json.load(open(src))
    for c in d["channels"]:
        c["handle"] = "other_" + c["handle"]
        c["title"] = "Other " + c["handle"]
    json.dump(d, open(dst, "w"), ensure_ascii=False, indent=1)
PY
t new-session -d -s two -x 120 -y 40 \
  "env -i PATH=$PATH HOME=$TMP TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PS1='$ ' bash --norc --noprofile"
two() { t capture-pane -p -t two; }
two_has() { local n=0; while [ $n -lt "${2:-300}" ]; do two | grep -qE -- "$1" && return 0; sleep 0.1; n=$((n + 1)); done; return 1; }
two_imported() {
  local n=0; while [ $n -lt "${1:-600}" ]; do two | tail -1 | grep -q "q quit" && return 0; sleep 0.1; n=$((n + 1)); done
  echo "---- the second browser's screen:"; two; return 1
}
keys "clear; $BIN --library $LIB2 $W/ui.json; echo EXIT=\$?" Enter
# other.json: the second's one file, first in its first version (a channel belongs to the file it was read from).
cp "$W/other1.json" "$W/other.json"
t send-keys -t two "clear; $BIN --library $LIB2 $W/other.json; echo EXIT=\$?" Enter
check "two processes: the first draws its channel" wait_for "Fault fault_a" 60
check "two processes: the second draws its channel" two_has "Other other_fault_a"
check "two processes: the first ends its import" sh -c "for i in \$(seq 600); do tmux -u -L $SOCK capture-pane -p -t e2e | tail -1 | grep -q 'q quit' && exit 0; sleep 0.1; done; exit 1"
check "two processes: the second ends its import" two_imported
t send-keys -t two q
check "two processes: the second quits with 0" two_has "^EXIT=0"
# The second imports a new version while the first browses and rates.
t send-keys -t two "clear; cp $W/other2.json $W/other.json; $BIN --library $LIB2 $W/other.json; echo EXIT=\$?" Enter
check "two processes: the second starts a new import" two_has "importing"
keys G
check "two processes: the first answers G while the other writes" wait_for "/$POSTS ┐" 10
keys r; keys 4
check "two processes: the first's rating is written" wait_for "yours: 4" 20
check "two processes: … while the other was still importing" sh -c "tmux -u -L $SOCK capture-pane -p -t two | tail -1 | grep -q importing"
check "two processes: the second ends its new import" two_imported
t send-keys -t two q
keys q
check "two processes: the second quits with 0 again" two_has "^EXIT=0"
check "two processes: the first quits with 0" wait_for "^EXIT=0" 15
check "two processes: the first's channels are whole" \
  test "$(live_count "$LIB2" fault_a)-$(live_count "$LIB2" fault_b)" = "$POSTS-$POSTS"
check "two processes: the second's channels hold its new version" \
  test "$(live_count "$LIB2" other_fault_a)-$(live_count "$LIB2" other_fault_b)" = "$((BIG + 40))-$((BIG + 40))"
check "two processes: the rating is kept" \
  test "$(sqlite3 "$LIB2" "SELECT rating FROM userChannel WHERE key LIKE '%#@fault_a'")" = 4

# A full disk under the library (fulldisk.sh), in a mount namespace of its own: the tmpfs it mounts goes with it.
check "a full disk: fulldisk.sh passed" unshare -m bash "$ROOT/Tests/e2e/fulldisk.sh" "$BIN"
finish
