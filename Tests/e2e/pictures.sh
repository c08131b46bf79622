#!/usr/bin/env bash
# Pictures in the terminal: the real binary in tmux against the local server's t.me page of pictures
# (Tests/server/feedserver.py: /s/pictures, /pictures/…): drawn as coloured cells where the post has them, the same
# as `feedtui screen` prints, refused with a word when hostile, shown offline from the cache, off with NO_COLOR.
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/Tests/e2e/lib.sh"
command -v tmux >/dev/null || { echo "FAIL tmux is not installed (make deps)"; exit 1; }

python3 "$ROOT/Tests/server/feedserver.py" --port-file "$TMP/port" >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
check "the feed server started" test -s "$TMP/port"
PORT=$(cat "$TMP/port" 2>/dev/null)
CACHE="$TMP/cache"
ENV="FEEDTUI_TME_URL=http://127.0.0.1:$PORT XDG_CACHE_HOME=$CACHE XDG_CONFIG_HOME=$TMP/config"

# run_feedtui ARGS: feedtui in the pane's shell, its header awaited.
run_feedtui() {
  keys "clear; env $*; echo EXIT=\$?" Enter
  wait_for "┌ " 15
}
# body_rows FIRST LAST: the rows of the pane between the line matching FIRST and the one matching LAST (excluded),
# with their attributes.
body_rows() { t capture-pane -e -p -t e2e | awk -v a="$1" -v b="$2" '$0 ~ b { on = 0 } on { print } $0 ~ a { on = 1 }'; }
# The palette indexes of the colours in those rows, and whether one is red (the pictures' top-left quadrant).
colours() { grep -oE '[34]8;5;[0-9]+' | sed 's/.*;//' | sort -un; }
has_red() {
  python3 -c '
import sys
steps = [0, 95, 135, 175, 215, 255]
def rgb(i):
    if i >= 232: return [8 + (i - 232) * 10] * 3
    n = i - 16
    return [steps[n // 36], steps[n // 6 % 6], steps[n % 6]]
sys.exit(0 if any(16 <= i < 232 and rgb(i)[0] >= 175 and max(rgb(i)[1:]) <= 95 for i in map(int, sys.stdin.read().split())) else 1)'
}
picture_drawn() { # FIRST LAST: coloured cells, red among them, between the two lines
  local deadline=$((SECONDS + 15))
  while [ $SECONDS -lt $deadline ]; do
    body_rows "$1" "$2" | colours | has_red && return 0
    sleep 0.2
  done
  return 1
}

start 100 40
run_feedtui "$ENV $BIN @pictures"
check "the channel of pictures opens" wait_for "┌ Pictures @pictures" 15
keys Enter
check "the newest post opens full-screen" wait_for "January 7, 2024 10:00"
check "its WebP photo is drawn in colours between the header and the text" picture_drawn "January 7, 2024" "A WebP photo"
check "the photo took its marker's place" sh -c "! tmux -u -L $SOCK capture-pane -p -t e2e | grep -q '\[photo'"
# The same post as `feedtui screen` prints it: the picture's symbols row by row.
python3 -c "import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())" "http://127.0.0.1:$PORT/s/pictures" > "$TMP/pictures.html"
env XDG_CACHE_HOME="$TMP/cache2" LANG=C.UTF-8 TZ=UTC "$BIN" screen "$TMP/pictures.html" --size 100x40 --keys Enter \
  | awk '/A WebP photo/ { on = 0 } on { print } /January 7, 2024/ { on = 1 }' | sed 's/ *$//' > "$TMP/screen.rows"
screen | awk '/A WebP photo/ { on = 0 } on { print } /January 7, 2024/ { on = 1 }' | sed 's/ *$//' > "$TMP/tmux.rows"
check "feedtui screen prints the same picture rows as the terminal shows" sh -c "[ \$(wc -l < '$TMP/tmux.rows') -gt 10 ] && cmp -s '$TMP/screen.rows' '$TMP/tmux.rows'"
keys I
check "I hides the pictures: the marker is back" wait_for "^│ +\[photo\]"
check "and says so" wait_for "pictures hidden"
keys I
check "I shows them again" picture_drawn "January 7, 2024" "A WebP photo"

# Hostile pictures: refused with the marker and a word, the program goes on. J goes to the next (older) post.
keys J
check "not an image: refused with a word" wait_for "\[photo\] not shown: not a JPEG, PNG or WebP picture"
keys J
check "a malformed WebP: refused" wait_for "\[photo\] not shown: damaged WebP"
keys J
check "a truncated JPEG: refused" wait_for "\[photo\] not shown: damaged JPEG"
keys J
check "a decompression bomb (50 000 × 50 000): refused from its header" wait_for "\[photo\] not shown: too large \(50000 × 50000 pixels\)"
keys J
check "a video's thumbnail (PNG) under its marker" picture_drawn "video · 0:12" "A video with its thumbnail"
keys J
check "the JPEG photo is drawn" picture_drawn "January 1, 2024" "A JPEG photo"
keys G
check "the text comes after the picture" wait_for "^│ +A JPEG photo"
# RSS: an image enclosure, and a body's first <img> (relative, made absolute against the channel's link).
python3 -c "import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())" "http://127.0.0.1:$PORT/rss/pictures.xml" > "$TMP/pictures.xml"
# picture_rows FILE KEYS HEADER TEXT: how many rows `feedtui screen` draws between the post's header and its text.
picture_rows() {
  env XDG_CACHE_HOME="$TMP/cache4" LANG=C.UTF-8 TZ=UTC "$BIN" screen "$1" --size 100x40 --keys "$2" \
    | awk -v a="$3" -v b="$4" '$0 ~ b { on = 0 } on && /[^│ ]/ { n++ } $0 ~ a { on = 1 } END { print n + 0 }'
}
check "RSS: the first <img> of a body is drawn" test "$(picture_rows "$TMP/pictures.xml" Enter "January 2, 2024" "Inline")" -gt 10
check "RSS: an image enclosure is drawn" test "$(picture_rows "$TMP/pictures.xml" "j Enter" "January 1, 2024" "Enclosed")" -gt 10
check "RSS: with NO_COLOR, the marker" sh -c "NO_COLOR=1 XDG_CACHE_HOME='$TMP/cache4' '$BIN' screen '$TMP/pictures.xml' --keys Enter | grep -q '^│ *\[photo\]'"
keys q q q
check "quits with 0" wait_for "^EXIT=0"
check "only hashed files in the cache folder" sh -c "ls '$CACHE/feedtui/pictures' | grep -qvE '^[0-9a-f]+\$' && exit 1; [ \$(ls '$CACHE/feedtui/pictures' | wc -l) -ge 3 ]"

# Offline: the server is gone; the post read once shows its picture from the cache.
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
run_feedtui "$ENV $BIN @pictures"
check "offline: the channel opens from the library" wait_for "┌ Pictures @pictures" 15
keys G Enter
check "offline: the photo read before is drawn from the cache" picture_drawn "January 1, 2024" "A JPEG photo"
keys q q q
wait_for "^EXIT=0"

# NO_COLOR and images = "off": the marker, no colour asked for the post.
run_feedtui "NO_COLOR=1 $ENV $BIN @pictures"
wait_for "┌ Pictures @pictures" 15
keys G Enter
check "NO_COLOR: the marker in the picture's place" wait_for "^│ +\[photo\]"
check "NO_COLOR: no colours in the post" sh -c "[ -z \"\$(tmux -u -L $SOCK capture-pane -e -p -t e2e | awk '/January 1, 2024/ { on = 1 } on' | grep -oE '[34]8;5;[0-9]+')\" ]"
keys q q q
wait_for "^EXIT=0"
mkdir -p "$TMP/config/feedtui"
printf 'images = "off"\n' > "$TMP/config/feedtui/config.toml"
run_feedtui "$ENV $BIN @pictures"
wait_for "┌ Pictures @pictures" 15
keys G Enter
check "images = off: the marker" wait_for "^│ +\[photo\]"
keys I
check "images = off: I says why nothing is drawn" wait_for "pictures are off"
keys q q q
wait_for "^EXIT=0"

# An address that is not http(s), from a native file: refused with the marker and a word.
cat > "$TMP/native.json" <<'EOF'
{"format": "feedtui", "version": 1, "channels": [{"title": "Native", "publications": [{"id": "1",
 "date": "2024-01-01T10:00:00Z", "text": "Local file.", "media": [{"kind": "photo", "url": "file:///etc/passwd"}]}]}]}
EOF
check "file:///etc/passwd: not an http(s) address" sh -c "XDG_CACHE_HOME='$TMP/cache3' '$BIN' screen '$TMP/native.json' --keys Enter | grep -q '\[photo\] not shown: not an http(s) address'"
check "nothing cached for it" test ! -e "$TMP/cache3/feedtui"
finish
