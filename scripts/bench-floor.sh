#!/usr/bin/env bash
# make bench-floor: what an import of rss-N.xml costs without its search index, beside the whole import and the
# reading alone (`feedtui stats`): the floor a faster index could reach. Builds this tree's HEAD once more with
# scripts/floor-no-index.patch (each post's terms are still made, then dropped: no table, no runs written), then
# alternates the two binaries through scripts/bench-import.sh.
#
#   scripts/bench-floor.sh BIN      # BIN: the release build of HEAD; BENCH_POSTS, BENCH_RUNS as bench-import.sh
set -euo pipefail
bin=${1:?usage: scripts/bench-floor.sh BIN}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
git -C "$ROOT" archive HEAD | tar -x -C "$TMP"
(cd "$TMP" && git apply --check "$ROOT/scripts/floor-no-index.patch") || {
    echo "bench-floor: scripts/floor-no-index.patch no longer applies to HEAD: mend it (TermTable's sink drops each term)" >&2
    exit 1
}
(cd "$TMP" && git apply "$ROOT/scripts/floor-no-index.patch")
echo "bench-floor: building HEAD without its search index ($TMP)" >&2
(cd "$TMP" && swift build -c release --build-path "$TMP/.build" >"$TMP/build.log" 2>&1) || {
    tail -20 "$TMP/build.log" >&2
    exit 1
}
floor=$TMP/.build/release/feedtui
echo "A: $bin (the whole import); B: HEAD without its search index"
bash "$ROOT/scripts/bench-import.sh" "$bin" "$floor"
