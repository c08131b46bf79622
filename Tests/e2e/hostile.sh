#!/usr/bin/env bash
# Hostile sources end to end (issue 19), on the real binary without a terminal, as cron runs it:
#  - `feedtui refresh` against an endless body, a 60 MB body and gzip bombs (2 GiB, 8 GiB of zeros) stops each at
#    the 32 MB cap of decoded bytes, says why, and peaks at no more than the cap plus 64 MB (read by the parent);
#  - a server sending a byte now and then is stopped by `--deadline`, which names what did not finish;
#  - SIGTERM and SIGINT stop a refresh within a second with 143 and 130;
#  - the library stays intact throughout.
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for tool in sqlite3 python3; do
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

# --- time: a deadline for the whole refresh -----------------------------------------------------------------
printf "%s\n" "$BASE/drip?seconds=0.5" "${BASE/127.0.0.1/127.0.0.2}/rss/geopolitics.xml" > "$W/config/feedtui/channels"
measured "$BIN" refresh --library "$LIB" --deadline 2
echo "     refresh against a drip with --deadline 2: exit $RC after $SECS s"
check "a drip is stopped by the deadline, named once" test "$(grep -c "drip?seconds=0.5: did not finish within 2 s$" "$W/err")" = 1
check "the deadline: exit 1 within 4 s" python3 -c "import sys; sys.exit(0 if '$RC' == '1' and $SECS < 4 else 1)"
check "the deadline: the other source was refreshed" grep -qx "refreshed 1 of 2: [0-9]* new posts\?" "$W/out"
check "the deadline: the library is intact" intact

# --- signals: SIGTERM and SIGINT stop a refresh within a second ---------------------------------------------
printf '%s\n' "$BASE/drip?seconds=0.5" > "$W/config/feedtui/channels"
for sig in TERM INT; do
  want=$([ $sig = TERM ] && echo 143 || echo 130)
  line=$(python3 - "$W" "$BIN" "$LIB" "$sig" <<'PY'
import os, signal, subprocess, sys, time
w, binary, lib, sig = sys.argv[1:]
env = dict(os.environ, XDG_CONFIG_HOME=w + "/config", XDG_DATA_HOME=w + "/data", LANG="C.UTF-8")
with open(w + "/out", "w") as out, open(w + "/err", "w") as err:
    p = subprocess.Popen([binary, "refresh", "--library", lib], stdout=out, stderr=err, env=env)
    time.sleep(1.5)
    sent = time.monotonic()
    p.send_signal(getattr(signal, "SIG" + sig))
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "hung"
print(rc, round(time.monotonic() - sent, 2))
PY
)
  read -r RC SECS <<<"$line"
  check "SIG$sig stops a refresh within 1 s with $want (exit $RC after $SECS s)" \
    python3 -c "import sys; sys.exit(0 if '$RC' == '$want' and $SECS <= 1 else 1)"
  check "SIG$sig: the source is named as interrupted" grep -q "drip?seconds=0.5: interrupted$" "$W/err"
  check "SIG$sig: the library is intact" intact
done
kill "$(jobs -p)" 2>/dev/null
finish
