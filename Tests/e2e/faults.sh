#!/usr/bin/env bash
# Fault tests of the library, black-box on the real binary (issue 8, point 9):
#  - kill -9 at random moments of an import, 100 times: the library always opens (integrity check, and the
#    binary opens it again), and each channel holds exactly its old or its new content, never a mix;
#  - two feedtui processes on one library: a UI importing and browsing while another process imports and
#    re-imports; both work and nothing is lost.
# The library is read back with sqlite3 (Debian package sqlite3).
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for tool in sqlite3 python3 tmux; do
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

# digest LIBRARY HANDLE: a hash of the live channel's posts (ids, views, records), "none" when there is none.
digest() {
  sqlite3 "$1" "SELECT p.id, p.views, hex(p.record) FROM post p JOIN channel c ON c.id = p.channel
                WHERE c.status = 'live' AND c.key = '@$2' ORDER BY p.id" | sha256sum | cut -c1-16
}
live_count() { sqlite3 "$1" "SELECT count(*) FROM post p JOIN channel c ON c.id = p.channel WHERE c.status = 'live' AND c.key = '@$2'"; }

W=$TMP/faults
mkdir -p "$W"
gen "$W/v1.json" 1 1500
gen "$W/v2.json" 2 1500

# The two contents each channel may hold: a clean import of each version into a library of its own.
for v in 1 2; do
  cp "$W/v$v.json" "$W/ref$v.json"
  if ! "$BIN" --library "$W/ref$v.sqlite" stats "$W/ref$v.json" >/dev/null 2>"$W/err"; then
    echo "FAIL faults: a clean import failed: $(head -1 "$W/err")"; exit 1
  fi
  for h in fault_a fault_b; do eval "want_${h}_$v=\$(digest \"$W/ref$v.sqlite\" $h)"; done
done
check "version 1 and 2 differ in the library" test "$want_fault_a_1" != "$want_fault_a_2"
check "a clean import holds every post" test "$(live_count "$W/ref2.sqlite" fault_a)" = 1540

# --- kill -9 during an import, $KILLS times --------------------------------------------------------------------
# The source file alternates between the versions, so every run has a changed file to import (size and time
# differ). How long a clean import takes sets the range of the kill moments: from the start to a bit past the end.
LIB=$W/library.sqlite
SRC=$W/channel.json
cp "$W/v1.json" "$SRC"
start=$(date +%s%N)
"$BIN" --library "$LIB" stats "$SRC" >/dev/null 2>"$W/err" || { echo "FAIL faults: first import: $(head -1 "$W/err")"; exit 1; }
import_ms=$(( ($(date +%s%N) - start) / 1000000 ))
declare -A held=([fault_a]=$want_fault_a_1 [fault_b]=$want_fault_b_1)
bad=0; killed_mid=0
for i in $(seq "$KILLS"); do
  v=$(( i % 2 + 1 ))
  cp "$W/v$v.json" "$SRC"
  touch -d "@$(( 1700000000 + i ))" "$SRC"
  delay_ms=$(( RANDOM % (import_ms * 6 / 5 + 1) ))
  "$BIN" --library "$LIB" stats "$SRC" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 $pid 2>/dev/null && killed_mid=$((killed_mid + 1))
  wait $pid 2>/dev/null
  integrity=$(sqlite3 "$LIB" "PRAGMA integrity_check" 2>&1)
  if [ "$integrity" != ok ]; then
    echo "FAIL faults: after kill $i at ${delay_ms} ms the library does not pass its integrity check: $integrity"; bad=1; break
  fi
  for h in fault_a fault_b; do
    got=$(digest "$LIB" $h)
    eval "new=\$want_${h}_$v"
    if [ "$got" != "${held[$h]}" ] && [ "$got" != "$new" ]; then
      echo "FAIL faults: after kill $i at ${delay_ms} ms @$h holds neither its old nor its new content ($(live_count "$LIB" $h) posts)"
      bad=1
    fi
    held[$h]=$got
  done
  [ $bad = 0 ] || break
done
check "kill -9 during imports ($KILLS times, $killed_mid mid-run, clean import ${import_ms} ms): old or new content, never a mix" test $bad = 0
# The binary opens the library afterwards, with no notice of damage, and a new import completes.
cp "$W/v2.json" "$SRC"; touch -d "@1800000000" "$SRC"
check "after the kills the binary opens the library and imports" sh -c "'$BIN' --library '$LIB' stats '$SRC' >/dev/null 2>'$W/err' && [ ! -s '$W/err' ]"
check "after the kills the library holds the new content" test "$(digest "$LIB" fault_a)" = "$want_fault_a_2"
check "no leftover library was set aside" sh -c "! ls '$LIB'.damaged-* >/dev/null 2>&1"

# --- two processes on one library ------------------------------------------------------------------------------
# A UI imports and browses channel.json while another process imports other.json twice (two versions); the UI
# keeps answering keys, both finish, both channels are whole and the UI's rating is kept.
LIB2=$W/shared.sqlite
cp "$W/v1.json" "$W/ui.json"
python3 - "$W/v1.json" "$W/other1.json" "$W/v2.json" "$W/other2.json" <<'EOF'
import json, sys
# other*.json: the same posts under other handles, so the two processes write different channels.
for src, dst in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    d = json.load(open(src))
    for c in d["channels"]:
        c["handle"] = "other_" + c["handle"]
    json.dump(d, open(dst, "w"), ensure_ascii=False, indent=1)
EOF
start 120 40
keys "clear; env XDG_STATE_HOME=$W/state $BIN --library $LIB2 $W/ui.json; echo EXIT=\$?" Enter
( "$BIN" --library "$LIB2" stats "$W/other1.json" >/dev/null 2>"$W/other1.err"; echo $? >"$W/other1.rc"
  "$BIN" --library "$LIB2" stats "$W/other2.json" >/dev/null 2>"$W/other2.err"; echo $? >"$W/other2.rc" ) &
writer=$!
check "two processes: the UI draws its channel while the other imports" wait_for "Fault fault_a" 30
keys j
check "two processes: the UI answers j" wait_for "▶" 10
keys r; keys 4
check "two processes: the UI's rating is written" wait_for "yours: 4" 10
wait $writer
check "two processes: the other process's imports both succeeded" sh -c "[ \"\$(cat '$W/other1.rc' '$W/other2.rc' | tr -d '\n')\" = 00 ]"
keys q
check "two processes: the UI quits with 0" wait_for "^EXIT=0" 15
check "two processes: the UI's channel is whole" test "$(live_count "$LIB2" fault_a)" = 1500
check "two processes: the UI's second channel is whole" test "$(live_count "$LIB2" fault_b)" = 1500
check "two processes: the other process's channels hold its last version" test "$(live_count "$LIB2" other_fault_a)-$(live_count "$LIB2" other_fault_b)" = 1540-1540
check "two processes: the rating is kept" test "$(sqlite3 "$LIB2" "SELECT rating FROM userChannel WHERE key = '@fault_a'")" = 4
finish
