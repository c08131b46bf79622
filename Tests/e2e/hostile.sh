#!/usr/bin/env bash
# Hostile sources end to end (issue 19), on the real binary without a terminal, as cron runs it:
#  - `feedtui refresh` against an endless body, a 60 MB body and gzip bombs (2 GiB, 8 GiB of zeros) stops each at
#    the 32 MB cap of decoded bytes, says why, and peaks at no more than the cap plus 64 MB (read by the parent);
#  - a server sending a byte now and then is stopped by `--deadline`, which names what did not finish;
#  - SIGTERM and SIGINT stop every command mid-work within a second with 143 and 130 (refresh, its history walk,
#    stats, export, add, import-opml), saying what was done; a history walk shows its progress on a terminal;
#  - the library stays intact throughout; a damaged one is said by list and refresh, another program's left alone;
#  - devices and named pipes are refused at once as sources, as --library and in the channels file;
#  - the channels file and import-opml follow only sources and name every refused line; 100 000 outlines;
#  - nothing from a source, the channels file or config.toml reaches the terminal raw.
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for tool in sqlite3 python3 tmux; do
  command -v $tool >/dev/null || { echo "hostile: $tool is missing (apt-get install $tool)"; exit 1; }
done
. "$ROOT/Tests/e2e/lib.sh"
W=$TMP/hostile
mkdir -p "$W/config/feedtui"

python3 "$ROOT/Tests/server/feedserver.py" --port-file "$W/port" >/dev/null 2>&1 &
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.1; done
check "the feed server started" test -s "$W/port"
BASE=http://127.0.0.1:$(cat "$W/port")
LIB=$W/library.sqlite

# measured CMD...: runs feedtui with the test's config, stdout to $W/out, stderr to $W/err; sets RC, PEAK_MB
# (the child's peak resident memory, from the kernel's count for waited-for children) and SECS.
measured() {
  local line
  line=$(python3 - "$W" "$@" <<'PY'
import os, resource, subprocess, sys, time
w = sys.argv[1]
env = dict(os.environ, XDG_CONFIG_HOME=w + "/config", XDG_DATA_HOME=w + "/data", LANG="C.UTF-8")
start = time.monotonic()
with open(w + "/out", "w") as out, open(w + "/err", "w") as err:
    rc = subprocess.call(sys.argv[2:], stdout=out, stderr=err, env=env)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, round(time.monotonic() - start, 1))
PY
)
  read -r RC PEAK_MB SECS <<<"$line"
}
# On a failure, lib.sh's check shows "the screen": here, what feedtui printed.
out_err() { echo "stdout:"; head -c 2000 "$W/out"; echo "stderr:"; head -c 2000 "$W/err"; }
screen() { out_err; }
# raw FILE: holds no ESC, CSI, BEL or bidi override as it would reach the terminal.
raw() { python3 -c 'import sys; d=open(sys.argv[1],"rb").read().decode("utf-8","replace"); sys.exit(1 if any(c in d for c in "\x1b\x9b\u202e\u2066\x07") else 0)' "$1"; }
intact() { test "$(sqlite3 "$LIB" 'PRAGMA integrity_check')" = ok; }

# --- memory: every hostile body stops at the cap -----------------------------------------------------------
printf '%s\n' "$BASE/endless" "$BASE/big?mb=60" "$BASE/gzipbomb?gib=2" "$BASE/gzipbomb?gib=8" > "$W/config/feedtui/channels"
measured "$BIN" refresh --library "$LIB"
echo "     refresh of 4 hostile bodies: exit $RC, peak $PEAK_MB MB, $SECS s"
check "hostile bodies: refresh exits 1 and names all four" test "$RC" = 1 -a "$(grep -c 'the download was stopped' "$W/err")" = 4
check "an endless body stops at the cap" grep -q "/endless: larger than 32 MB, the download was stopped$" "$W/err"
check "a 60 MB body stops at the cap" grep -q "/big?mb=60: larger than 32 MB, the download was stopped$" "$W/err"
check "a 2 GiB gzip bomb is too large once decompressed" grep -q "/gzipbomb?gib=2: larger than 32 MB once decompressed, the download was stopped$" "$W/err"
check "an 8 GiB gzip bomb is too large once decompressed" grep -q "/gzipbomb?gib=8: larger than 32 MB once decompressed, the download was stopped$" "$W/err"
check "peak memory at most the cap plus 64 MB ($PEAK_MB MB)" test "$PEAK_MB" -le 96
check "hostile bodies: the summary says none was refreshed" grep -qx "refreshed 0 of 4: 0 new posts" "$W/out"
check "hostile bodies: the library is intact" intact
# Four bombs from four hosts at once: the downloads share one memory budget.
for h in 2 3 4 5; do echo "${BASE/127.0.0.1/127.0.0.$h}/gzipbomb?gib=8"; done > "$W/config/feedtui/channels"
measured "$BIN" refresh --library "$LIB"
echo "     refresh of 4 gzip bombs from 4 hosts at once: exit $RC, peak $PEAK_MB MB, $SECS s"
check "four bombs at once: each stopped at the cap" test "$(grep -c 'larger than 32 MB once decompressed, the download was stopped$' "$W/err")" = 4
check "four bombs at once: peak memory at most the cap plus 64 MB ($PEAK_MB MB)" test "$PEAK_MB" -le 96

# --- time: a deadline for the whole refresh -----------------------------------------------------------------
printf "%s\n" "$BASE/drip?seconds=0.5" "${BASE/127.0.0.1/127.0.0.2}/rss/geopolitics.xml" > "$W/config/feedtui/channels"
measured "$BIN" refresh --library "$LIB" --deadline 2
echo "     refresh against a drip with --deadline 2: exit $RC after $SECS s"
check "a drip is stopped by the deadline, named once" test "$(grep -c "drip?seconds=0.5: did not finish within 2 s$" "$W/err")" = 1
check "the deadline: exit 1 within 4 s" python3 -c "import sys; sys.exit(0 if '$RC' == '1' and $SECS < 4 else 1)"
check "the deadline: the other source was refreshed" grep -qx "refreshed 1 of 2: [0-9]* new posts\?" "$W/out"
check "the deadline: the library is intact" intact

# --- signals: SIGTERM and SIGINT stop every command within a second, mid-work -----------------------------------
# interrupt SIG AFTER CMD...: runs CMD as `measured` does and sends it SIG after AFTER seconds; sets RUNNING (CMD was
# still at work then), RC and SECS (from the signal to the exit).
interrupt() {
  local line
  line=$(python3 - "$W" "$@" <<'PY'
import os, signal, subprocess, sys, time
w, sig, after = sys.argv[1], sys.argv[2], float(sys.argv[3])
env = dict(os.environ, XDG_CONFIG_HOME=w + "/config", XDG_DATA_HOME=w + "/data", LANG="C.UTF-8")
with open(w + "/out", "w") as out, open(w + "/err", "w") as err:
    p = subprocess.Popen(sys.argv[4:], stdout=out, stderr=err, env=env)
    time.sleep(after)
    running = p.poll() is None
    sent = time.monotonic()
    p.send_signal(getattr(signal, "SIG" + sig))
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "hung"
print(running, rc, round(time.monotonic() - sent, 2))
PY
)
  read -r RUNNING RC SECS <<<"$line"
}
# stopped NAME SIG: the command was at work when SIG came, and ended within 1 s with 143 (TERM) or 130 (INT).
stopped() {
  local want=$([ "$2" = TERM ] && echo 143 || echo 130)
  check "$1: SIG$2 mid-work ends it within 1 s with $want (at work: $RUNNING, exit $RC after $SECS s)" \
    python3 -c "import sys; sys.exit(0 if '$RUNNING' == 'True' and '$RC' == '$want' and $SECS <= 1 else 1)"
}
printf '%s\n' "$BASE/drip?seconds=0.5" > "$W/config/feedtui/channels"
for sig in TERM INT; do
  interrupt $sig 1.5 "$BIN" refresh --library "$LIB"
  stopped "refresh of a drip" $sig
  check "SIG$sig: the source is named as interrupted" grep -q "drip?seconds=0.5: interrupted$" "$W/err"
  check "SIG$sig: what was done is printed" grep -qx "refreshed 0 of 1: 0 new posts" "$W/out"
  check "SIG$sig: the library is intact" intact
  check "SIG$sig: the stop is not recorded as the source's error" test "$(sqlite3 "$LIB" "SELECT count(*) FROM refreshState WHERE source LIKE '%drip%' AND lastError IS NULL")" = 1
done
# A large file being imported does not hold a signal up: the refresh ends within a second, the library intact.
python3 - "$W/large.json" <<'PY'
import json, sys
posts = [{"id": "large/%d" % i, "date": "2025-01-01T00:00:00Z", "text": "post %d " % i + "words " * 40, "views": i}
         for i in range(150000)]
json.dump({"format": "feedtui", "version": 1, "channels": [{"title": "Large", "handle": "large", "publications": posts}]},
          open(sys.argv[1], "w"))
PY
printf '%s\n' "$W/large.json" > "$W/config/feedtui/channels"
interrupt INT 1.5 "$BIN" refresh --library "$LIB"
stopped "refresh during a file import" INT
# The import stops at its next batch and says what was done itself, or the half-second grace says it.
what_was_done() {
  { grep -qx "refreshed 0 of 1: 0 new posts" "$W/out" && grep -q "large.json: interrupted$" "$W/err"; } ||
    grep -qx "feedtui: interrupted: 0 of 1 refreshed before the end, 0 new posts; the library keeps what was finished" "$W/err"
}
check "SIGINT during a file import: what was done is said" what_was_done
check "SIGINT during a file import: the library is intact" intact
# stats and export of a large file (seconds to read) and of a drip: nothing printed, the library intact.
for cmd in stats export; do
  for sig in INT TERM; do
    interrupt $sig 1 "$BIN" $cmd --library "$LIB" "$W/large.json"
    stopped "$cmd of a large file" $sig
    check "$cmd of a large file, SIG$sig: says nothing was printed" sh -c "[ ! -s '$W/out' ] && grep -qx 'feedtui: interrupted: nothing was printed' '$W/err'"
  done
  interrupt INT 1 "$BIN" $cmd --library "$LIB" "$BASE/drip?seconds=0.5"
  stopped "$cmd of a drip" INT
  check "$cmd of a drip: the download stops, nothing printed" sh -c "[ ! -s '$W/out' ] && grep -qx 'feedtui: interrupted: nothing was printed' '$W/err'"
  check "$cmd: the library is intact" intact
done
# add and import-opml reading a channels file of 200 000 lines (seconds): the file is left as it was.
python3 -c "
import sys
with open(sys.argv[1], 'w') as f:
    for i in range(200000): f.write('https://example.com/%d/feed.xml tag%d\n' % (i, i % 50))
" "$W/config/feedtui/channels"
cp "$W/config/feedtui/channels" "$W/channels.before"
cat > "$W/one.opml" <<OPML
<?xml version="1.0"?>
<opml version="2.0"><body><outline text="one" xmlUrl="https://example.com/one.xml"/></body></opml>
OPML
for sig in INT TERM; do
  interrupt $sig 1 "$BIN" add @signalled
  stopped "add" $sig
  check "add, SIG$sig: says nothing was changed" grep -qx "feedtui: interrupted: nothing was changed; the channels file is as it was" "$W/err"
  check "add, SIG$sig: the channels file is as it was" cmp -s "$W/config/feedtui/channels" "$W/channels.before"
  interrupt $sig 1 "$BIN" import-opml "$W/one.opml"
  stopped "import-opml" $sig
  check "import-opml, SIG$sig: says nothing was changed" grep -qx "feedtui: interrupted: nothing was changed; the channels file is as it was" "$W/err"
  check "import-opml, SIG$sig: the channels file is as it was" cmp -s "$W/config/feedtui/channels" "$W/channels.before"
done
# refresh --history against a mirror slow to answer: the walk stops, is not the channel's error, and resumes.
printf '@walk\n' > "$W/config/feedtui/channels"
export FEEDTUI_TME_URL=$BASE/fault/slow
interrupt INT 3 "$BIN" refresh --history --library "$LIB"
stopped "refresh --history" INT
check "refresh --history, SIGINT: the channel is named as interrupted" grep -qx "feedtui: @walk: interrupted" "$W/err"
check "refresh --history, SIGINT: what was done is printed" grep -qx "refreshed 0 of 1: [1-9][0-9]* new posts" "$W/out"
check "refresh --history: no progress line when stderr is not a terminal" sh -c "! grep -q 'walking back' '$W/err'"
check "refresh --history: the stop is not recorded as the channel's error" \
  test "$(sqlite3 "$LIB" "SELECT lastError IS NULL, historyBefore IS NOT NULL FROM refreshState WHERE source = '@walk'")" = "1|1"
before=$(sqlite3 "$LIB" "SELECT historyBefore FROM refreshState WHERE source = '@walk'")
interrupt TERM 3 "$BIN" refresh --history --library "$LIB"
stopped "refresh --history again" TERM
check "refresh --history: the next walk resumed further back" \
  test "$(sqlite3 "$LIB" "SELECT historyBefore < $before FROM refreshState WHERE source = '@walk'")" = 1
check "refresh --history: the library is intact" intact
# On a terminal, the walk's progress is one line on stderr, rewritten in place (read from the tmux pane).
screen() { t capture-pane -p -t e2e; }
# walk_moves PAGES: the line comes to show other than PAGES pages, and the screen never holds two such lines.
walk_moves() {
  local s n
  for _ in $(seq 100); do
    s=$(screen)
    n=$(grep -c "walking back" <<<"$s")
    [ "$n" -le 1 ] || return 1
    [ "$n" = 1 ] && ! grep -q "walking back: $1 " <<<"$s" && return 0
    sleep 0.1
  done
  return 1
}
start 100 20
keys "clear; env XDG_CONFIG_HOME=$W/config LANG=C.UTF-8 FEEDTUI_TME_URL=$FEEDTUI_TME_URL $BIN refresh --history --library $LIB; echo EXIT=\$?" Enter
check "refresh --history on a terminal: the walk is shown" wait_for "^walking back: [0-9]+ pages?, [0-9]+ posts? found · @walk$" 15
check "… and goes on in the same line" walk_moves "$(screen | grep -o "walking back: [0-9]*" | grep -o "[0-9]*$")"
keys C-c
check "… Ctrl-C ends it with 130" wait_for "^EXIT=130"
check "… the line gives way to what was done" sh -c "tmux -u -L $SOCK capture-pane -p -t e2e | grep -qx 'refreshed 0 of 1: [0-9]* new posts\?' && ! tmux -u -L $SOCK capture-pane -p -t e2e | grep -q 'walking back'"
t kill-server
screen() { out_err; }
unset FEEDTUI_TME_URL

# --- files that are not files ---------------------------------------------------------------------------------
mkfifo "$W/fifo"
quick() { # quick NAME WANT CMD...: CMD ends within 2 s, exits 1 and says WANT on stderr.
  local name=$1 want=$2; shift 2
  measured "$@"
  check "$name ($SECS s): $want" sh -c "[ $RC = 1 ] && grep -qxF -- '$want' '$W/err' && python3 -c 'import sys; sys.exit(0 if $SECS < 2 else 1)'"
}
quick "/dev/zero as a source" "feedtui: /dev/zero: is a device, not a feed file" "$BIN" stats /dev/zero
quick "/dev/urandom as a source" "feedtui: /dev/urandom: is a device, not a feed file" "$BIN" export /dev/urandom
quick "a named pipe as --library" "feedtui: cannot open the library $W/fifo: it is a named pipe, not a file" "$BIN" list --library "$W/fifo"
quick "/dev/zero as --library" "feedtui: cannot open the library /dev/zero: it is a device, not a file" "$BIN" refresh --library /dev/zero @durov
cp "$W/config/feedtui/channels" "$W/channels.before"
quick "add /dev/zero" "feedtui: /dev/zero: is a device, not a feed file" "$BIN" add /dev/zero
quick "add a named pipe" "feedtui: $W/fifo: is a named pipe, not a feed file" "$BIN" add "$W/fifo"
quick "add javascript:" "feedtui: javascript:alert(1): javascript: is not followed: only http(s) URLs, @channels and files" "$BIN" add "javascript:alert(1)"
quick "add an option" "feedtui: -rf: looks like an option, not a source" "$BIN" add -- -rf
quick "add a tag with an escape" "feedtui: --tag x␛[2J: a tag contains the control character U+001B" "$BIN" add @durov --tag $'x\e[2J'
check "add: nothing refused was written" cmp -s "$W/config/feedtui/channels" "$W/channels.before"

# --- the library file: set aside is said by every command, another program's file is left alone ---------------
damaged() { printf 'SQLite format 3\0' > "$1"; head -c 20000 /dev/urandom >> "$1"; }
# newer FILE: a library a newer feedtui migrated.
newer() { cp "$LIB" "$1"; sqlite3 "$1" "INSERT INTO grdb_migrations VALUES ('v99 from a newer feedtui')"; }
SAMPLE=$ROOT/Samples/durov-channel-page.txt
printf '%s\n' "$BASE/rss/geopolitics.xml" > "$W/config/feedtui/channels"
for kind in damaged newer; do
  said=$([ $kind = damaged ] && echo 'was damaged (.*)' || echo 'was written by a newer feedtui (unknown migrations v99 from a newer feedtui)')
  for cmd in list refresh stats export export-opml browse-followed browse-file; do
    f="$W/$kind-$cmd.sqlite"
    $kind "$f"
    case $cmd in
      stats|export) measured "$BIN" $cmd --library "$f" "$SAMPLE" ;;
      browse-followed) measured "$BIN" --library "$f" ;;
      browse-file) measured "$BIN" --library "$f" "$SAMPLE" ;;
      *) measured "$BIN" $cmd --library "$f" ;;
    esac
    check "$cmd says a $kind library was set aside, and exits 1" sh -c "[ $RC = 1 ] && grep -q '^feedtui: the library $f $said; it was moved to $f.$kind-.* and a fresh one was started$' '$W/err'"
    check "$cmd on a $kind library still did its work" test -s "$W/out"
  done
done
sqlite3 "$W/other.sqlite" "PRAGMA application_id = 42; VACUUM;"
cp "$W/other.sqlite" "$W/other.before"
measured "$BIN" refresh --library "$W/other.sqlite"
check "an empty database of another program is refused" sh -c "[ $RC = 1 ] && grep -q 'is an SQLite database of another program' '$W/err'"
check "… and never written" cmp -s "$W/other.sqlite" "$W/other.before"
for cmd in stats export; do
  measured "$BIN" $cmd --library "$W/other.sqlite" "$SAMPLE"
  check "$cmd refuses another program's database as --library" sh -c "[ $RC = 1 ] && grep -q 'is an SQLite database of another program' '$W/err'"
done
check "… and never writes it" cmp -s "$W/other.sqlite" "$W/other.before"

# --- the channels file and OPML: only sources, refusals named by line ----------------------------------------
ESC=$'\e'; CSI=$'\u009b'; RLO=$'\u202e'
printf '%s\n' "# mine" "$BASE/rss/geopolitics.xml news" "/dev/zero" "$W/fifo" "javascript:alert(1)" "-rf" \
  "@evil${ESC}]0;pwned${ESC}\\" "@good \"tag${CSI}31m\"" "@durov${RLO}" "$BASE/rss/geopolitics.xml" > "$W/config/feedtui/channels"
cp "$W/config/feedtui/channels" "$W/channels.before"
measured "$BIN" list --library "$LIB"
check "list names each refused line of the channels file" test "$(grep -c "channels:[0-9]*: " "$W/err")" = 8
check "list: /dev/zero in the channels file" grep -qx "feedtui: $W/config/feedtui/channels:3: is a device, not a feed file" "$W/err"
check "list: a named pipe in the channels file" grep -qx "feedtui: $W/config/feedtui/channels:4: is a named pipe, not a feed file" "$W/err"
check "list: javascript: in the channels file" grep -qx "feedtui: $W/config/feedtui/channels:5: javascript: is not followed: only http(s) URLs, @channels and files" "$W/err"
check "list: an option in the channels file" grep -qx "feedtui: $W/config/feedtui/channels:6: looks like an option, not a source" "$W/err"
check "list: an escape sequence in the channels file" grep -qx "feedtui: $W/config/feedtui/channels:7: contains the control character U+001B, not a source" "$W/err"
check "list: a duplicate is said once" grep -qx "feedtui: $W/config/feedtui/channels:10: $BASE/rss/geopolitics.xml is already followed on line 2" "$W/err"
check "list: nothing raw on stdout" raw "$W/out"
check "list: nothing raw on stderr" raw "$W/err"
check "list: the channels file is left as written" cmp -s "$W/config/feedtui/channels" "$W/channels.before"
measured "$BIN" refresh --library "$LIB"
check "refresh: refused lines said, the one source refreshed" sh -c "[ \$(grep -c 'channels:[0-9]*: ' '$W/err') = 8 ] && grep -qx 'refreshed 1 of 1: [0-9]* new posts' '$W/out'"
check "refresh: nothing raw on stderr" raw "$W/err"

cat > "$W/hostile.opml" <<OPML
<?xml version="1.0"?>
<opml version="2.0"><body>
<outline text="js" xmlUrl="javascript:alert(1)"/>
<outline text="file" xmlUrl="file:///etc/passwd"/>
<outline text="shadow" xmlUrl="/etc/shadow"/>
<outline text="zero" xmlUrl="/dev/zero"/>
<outline text="opt" xmlUrl="-rf"/>
<outline text="newline" xmlUrl="https://example.com/a&#10;@evil"/>
<outline text="spaces" xmlUrl="https://example.com/a b c"/>
<outline text="bidi" xmlUrl="https://example.com/&#x202E;lmx"/>
<outline text="folder &#x9B;31m"><outline text="c1 tag" xmlUrl="https://example.com/c1.xml"/></outline>
<outline text="good" xmlUrl="https://example.com/good.xml"/>
<outline text="again" xmlUrl="https://example.com/good.xml"/>
<outline text="channel" xmlUrl="https://t.me/s/durov"/>
<outline text="channel again" xmlUrl="@durov"/>
</body></opml>
OPML
rm -f "$W/config/feedtui/channels"
measured "$BIN" import-opml "$W/hostile.opml"
check "import-opml: the summary counts what was added, repeated and refused" grep -qx "13 feeds in $W/hostile.opml: 2 added or newly tagged, 2 listed again (kept once), 9 refused" "$W/out"
check "import-opml: exit 1 when something was refused" test "$RC" = 1
check "import-opml: each refused outline is named by its line" test "$(grep -c "^feedtui: $W/hostile.opml:[0-9]*: " "$W/err")" = 9
check "import-opml: javascript: refused" grep -qx "feedtui: $W/hostile.opml:3: javascript:alert(1): javascript: is not followed: only http(s) URLs, @channels and files" "$W/err"
check "import-opml: a path refused" grep -qx "feedtui: $W/hostile.opml:5: /etc/shadow: not an http(s) URL or a Telegram channel" "$W/err"
check "import-opml: a newline refused" grep -q "^feedtui: $W/hostile.opml:8: .*contains the control character U+000A, not a source$" "$W/err"
check "import-opml: a C1 tag refused" grep -q "^feedtui: $W/hostile.opml:11: .*a tag contains the control character U+009B$" "$W/err"
check "import-opml: nothing raw on stderr" raw "$W/err"
check "import-opml: only the two sources are written" test "$(cat "$W/config/feedtui/channels")" = "https://example.com/good.xml
@durov"
python3 "$ROOT/scripts/gen-opml.py" "$W/big.opml"
measured "$BIN" import-opml "$W/big.opml"
echo "     import-opml of 100 000 outlines: $SECS s (debug build)"
check "import-opml: 100 000 outlines imported" sh -c "[ $RC = 0 ] && [ \$(wc -l < '$W/config/feedtui/channels') = 100002 ]"
measured "$BIN" import-opml "$W/big.opml"
echo "     import-opml of the same 100 000 outlines again: $SECS s (debug build)"
check "import-opml: the same 100 000 again add nothing" grep -qx "100000 feeds in $W/big.opml: 0 added or newly tagged" "$W/out"

# --- the terminal: export, --help and config --check never pass controls through ----------------------------
python3 - "$W/hostile.json" <<'PY'
import json, sys
t = "Evil \x1b]0;pwned\x07 \x9b31m \u202etxt.exe \u2066x\u2069 \x7f"
json.dump({"format": "feedtui", "version": 1, "channels": [{"title": t, "handle": "evil",
           "publications": [{"id": "evil/1", "date": "2025-01-01T00:00:00Z", "text": t}]}]}, open(sys.argv[1], "w"))
PY
measured "$BIN" export "$W/hostile.json"
check "export escapes C0, C1 and bidi controls" raw "$W/out"
check "export: bidi controls as \\uXXXX" grep -q 'u202Etxt' "$W/out"
# Imported text holds no control: C0 and DEL became their pictures, C1 U+FFFD; the bidi controls are text.
check "export: the imported data" python3 -c "import json,sys; b=json.load(open('$W/out')); sys.exit(0 if b['channels'][0]['title'] == 'Evil \u241b]0;pwned\u2407 \ufffd31m \u202etxt.exe \u2066x\u2069 \u2421' else 1)"
measured "$BIN" stats "$W/hostile.json"
check "stats: nothing raw" raw "$W/out"
check "stats: the title's controls shown escaped" grep -qF 'Evil ␛]0;pwned␇ �31m <U+202E>txt.exe <U+2066>x<U+2069> ␡' "$W/out"
measured "$BIN" stats --json "$W/hostile.json"
check "stats --json: nothing raw" raw "$W/out"
printf '[keys]\nquit = ["%s"]\n' "$CSI" > "$W/config/feedtui/config.toml"
measured "$BIN" config --check
check "config --check refuses a key that is a control character, in one line" sh -c "[ $RC = 1 ] && [ \$(wc -l < '$W/err') = 1 ]"
check "config --check: nothing raw" raw "$W/err"
measured "$BIN" --help
check "--help: nothing raw" raw "$W/out"
# Error lines and config --check quote what they were given with its controls made visible (UTF-8 C1 and bidi
# controls written as bytes, whatever the shell's locale).
C1=$(printf '\xc2\x9b'); BIDI=$(printf '\xe2\x80\xae'); BEL=$(printf '\a')
rm -f "$W/config/feedtui/config.toml"
measured "$BIN" stats "$W/no${ESC}]0;pwned${BEL}${C1}31m${BIDI}txt.json"
check "an error line naming a hostile file: one line, its controls visible" \
  sh -c "[ $RC = 1 ] && [ \$(wc -l < '$W/err') = 1 ] && grep -qF '/no␛]0;pwned␇<U+009B>31m<U+202E>txt.json' '$W/err'"
check "… nothing raw" raw "$W/err"
hostile_settings=("an escape in a name" "so${ESC}[2Jrt = \"newest\""
  "C1 and bidi controls in a value" "sort = \"${C1}31m${BIDI}newest\""
  "an OSC sequence in a value" "browser = \"x${ESC}]0;pwned${BEL}\""
  "a key bound to a bidi control" "[keys]
quit = [\"${BIDI}\"]")
for ((i = 0; i < ${#hostile_settings[@]}; i += 2)); do
  printf '%s\n' "${hostile_settings[i + 1]}" > "$W/config/feedtui/config.toml"
  measured "$BIN" config --check
  check "config --check, ${hostile_settings[i]}: one line" sh -c "[ $RC = 1 ] && [ \$(wc -l < '$W/err') = 1 ]"
  check "… nothing raw" raw "$W/err"
  measured "$BIN" --help
  check "--help, ${hostile_settings[i]}: the keys are listed" sh -c "[ $RC = 0 ] && grep -q 'quit' '$W/out'"
  check "… nothing raw" raw "$W/out"
done
rm -f "$W/config/feedtui/config.toml"

kill "$(jobs -p)" 2>/dev/null
finish
