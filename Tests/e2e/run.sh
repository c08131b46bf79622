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
check "the first run says the sample is one and how to follow a channel" wait_for "a bundled sample channel — follow one with: feedtui add @NAME"
keys j; keys j
check "’ is drawn as itself" wait_for "There’s a weird rumor"
check "🤡 is drawn as itself" wait_for "Happy April Fools' Day! 🤡"
keys Enter
check "j j Enter opens Indonesia full-screen" wait_for "^│ +Some thoughts on Indonesia"
check "full-screen shows the post date" wait_for "July 16, 2017 01:04"
keys q
check "q goes back to the list" wait_for "▶Jul 16 2017"
keys q
check "q on the list quits with 0" wait_for "^EXIT=0"
keys "stty -g > $TMP/stty.after" Enter
sleep 0.3
check "stty -g unchanged" cmp -s "$TMP/stty.before" "$TMP/stty.after"

# run_feedtui ARGS: starts feedtui in the pane's shell and waits for its header.
# The pid is written by the shell that then becomes feedtui (exec keeps the pid), so no pgrep is needed.
# wait_gone: the last feedtui started by run_feedtui has left (its q handled), so that the next command line
# typed into the shell is not taken as keys by it.
wait_gone() {
  [ -s "$TMP/feedtui.pid" ] || return 0
  local old; old=$(cat "$TMP/feedtui.pid")
  for _ in $(seq 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
}
run_feedtui() {
  # The previous feedtui must be gone first, or these keys reach it instead of the shell; and the new pid file
  # (written after `clear`) must be there before the screen is read, or the old screen would answer.
  local old deadline=$((SECONDS + 15))
  old=$(cat "$TMP/feedtui.pid" 2>/dev/null)
  while [ -n "$old" ] && kill -0 "$old" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  rm -f "$TMP/feedtui.pid"
  keys "clear; sh -c 'echo \$\$ > $TMP/feedtui.pid; exec env $*'; echo EXIT=\$?" Enter
  while [ ! -s "$TMP/feedtui.pid" ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
  wait_for "┌ " 15
}
# sgr_absent REGEX: the screen, captured with its attributes, shows feedtui and no attribute matching REGEX.
sgr_absent() { local out; out=$(t capture-pane -e -p -t e2e); grep -q "Durov's Channel" <<<"$out" && ! grep -qE "$1" <<<"$out"; }
feedtui_pid() { cat "$TMP/feedtui.pid"; }
quit_and_check_terminal() { # NAME EXPECTED-EXIT
  check "$1: exits with $2" wait_for "^EXIT=$2"
  keys "stty -g > $TMP/stty.after" Enter
  sleep 0.3
  check "$1: stty -g unchanged" cmp -s "$TMP/stty.before" "$TMP/stty.after"
}

# Search: live results, counter, n/N, Esc.
run_feedtui "$BIN $SEED"
keys /; keys -l whatsapp
check "search shows the counter as you type" wait_for "/whatsapp▏  post 1/2"
check "search moved the selection to the first match" wait_for "▶Apr 18 2017"
keys Enter; keys n
check "n jumps to the next match" wait_for "/whatsapp  post 2/2"
check "n selected the Mar 21 post" wait_for "▶Mar 21 2017"
keys /; keys -l zzqx
check "no match says so" wait_for "/zzqx▏  no match"
keys Escape
check "Esc cancels the search" wait_for "j/k move  Enter open"
keys q
wait_gone

# A query in thousands of posts: the first match is shown at once and the whole count follows from beside the
# loop (`Library.firstMatches`, then `search` on the worker); n goes on past the first matches found.
python3 - "$TMP/many.json" <<'EOF'
import json, sys
pubs = [{"id": "m%d" % i, "date": "2025-01-%02dT%02d:%02d:00Z" % (1 + i // 1440, i // 60 % 24, i % 60),
         "text": ("Новость номер %d" if i % 3 == 0 else "post number %d — café") % i} for i in range(12000)]
json.dump({"format": "feedtui", "version": 1, "channels": [{"title": "Many", "handle": "many", "publications": pubs[::-1]}]},
          open(sys.argv[1], "w"), ensure_ascii=False)
EOF
run_feedtui "$BIN --library $TMP/many.sqlite $TMP/many.json"
check "12 000 posts imported" wait_for "j/k move  Enter open" 90
keys /; keys -l number
check "a query in 8 000 of 12 000 posts: the first match, then the whole count" wait_for "/number▏  post 1/8000"
keys Enter; keys 150n
check "n goes past the first matches found" wait_for "/number  post 151/8000"
keys Escape; keys g; keys /; keys -l "номер 11"
check "a query in few posts is answered whole at once" wait_for "/номер 11▏  post 1/369"
keys Escape; keys q
wait_gone
run_feedtui "$BIN $SEED"

# Sorting.
keys S
check "S sorts oldest first" wait_for "sorted by oldest"
check "the selected post stays selected across sorts" wait_for "▶Mar 21 2017"
check "oldest first starts in 2016" sh -c "tmux -u -L $SOCK capture-pane -p -t e2e | sed -n 2p | grep -q 'Oct  9 2016'"
keys S
check "S again: most viewed" wait_for "sorted by most viewed"
keys q

# Rating, read marks and position survive a restart (kept in the library, in XDG_DATA_HOME).
run_feedtui "$BIN $SEED"
keys g; keys j; keys j; keys Enter; keys q
keys m
check "m bookmarks the post" wait_for "bookmarked — ' jumps between bookmarks"
keys r; keys 4
check "r 4 rates the channel, beside the source's rating" wait_for "no rating yet · yours: 4"
keys q
check "quit after rating" wait_for "^EXIT=0"
run_feedtui "$BIN $SEED"
check "the rating survives a restart" wait_for "yours: 4"
check "the last selected post is selected again" wait_for "│ July 16, 2017 01:04 · views —"
check "the list says where the selection is" wait_for " 3/10 ┐"
keys g
check "the bookmark survives a restart" wait_for "•Jul 16 2017"
keys r; keys 0
check "r 0 withdraws the vote" wait_for "no rating yet — r to rate"
keys q
check "the library exists" test -s "$TMP/data/feedtui/library.sqlite"

# A save the library refuses (a trigger stands in for a full disk) stays in the status line until a save succeeds,
# the screen shows what is really kept, and a position not saved on quit is said on stderr.
run_feedtui "XDG_DATA_HOME=$TMP/faildata $BIN $SEED"
# q before the first import is done leaves nothing behind, so wait for the imported list.
check "the fault library is filled" wait_for "j/k move  Enter open"
keys q
check "quit after filling the fault library" wait_for "^EXIT=0"
refuse() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1], timeout=30); c.executescript(sys.argv[2]); c.commit()' "$TMP/faildata/feedtui/library.sqlite" "$1" || echo "refuse: the trigger was not created"; }
refuse "CREATE TRIGGER full_bm BEFORE INSERT ON bookmark BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
run_feedtui "XDG_DATA_HOME=$TMP/faildata $BIN $SEED"
check "the channel is shown" wait_for "▶Jul 30 2017"
keys m
check "a failed bookmark is said" wait_for "cannot save a bookmark in .*durov-channel-page.txt"
check "and not shown as kept" sh -c "tmux -u -L $SOCK capture-pane -p -t e2e | grep -q '^┃▶Jul 30 2017' && ! tmux -u -L $SOCK capture-pane -p -t e2e | grep -q 'bookmarked'"
keys j
check "the failure stays after other keys" wait_for "cannot save a bookmark in .*durov-channel-page.txt"
keys Enter; keys q
check "a save that succeeds (a read mark) clears it" wait_for "j/k move  Enter open"
refuse "CREATE TRIGGER full_uc BEFORE INSERT ON userChannel BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END; CREATE TRIGGER full_uc2 BEFORE UPDATE ON userChannel BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
keys r; keys 4
check "a failed vote is said" wait_for "cannot save the rating of .*durov-channel-page.txt"
check "and the header shows the vote that is kept (none)" wait_for "no rating yet — r to rate"
keys q
check "a position not saved on quit is said on stderr" wait_for "^feedtui: cannot save the position in .*durov-channel-page.txt"
check "with exit status 1" wait_for "^EXIT=1"

# Help overlay.
run_feedtui "$BIN $SEED"
keys '?'
check "? shows the help overlay" wait_for "┌ Help "
check "help lists the sort key" wait_for "sort: newest, oldest, most viewed"
keys x
check "any key closes the help" wait_for "j/k move  Enter open"

# The mouse (xterm mouse reports, as a terminal sends them): a click selects, the wheel scrolls.
keys g
keys -l $'\e[M +%'; keys -l $'\e[M#+%'
check "a click on the fourth row selects it" wait_for "▶Apr 18 2017"
keys -l $'\e[Ma+%'
check "the wheel moves three posts" wait_for "▶Nov  9 2016"

# Resizing never crashes and redraws at once.
t resize-window -t e2e -x 60 -y 20
check "60x20 shows one pane" wait_for "Posts · Tab switches"
t resize-window -t e2e -x 30 -y 8
check "30x8 still draws" wait_for "Tab switches"
t resize-window -t e2e -x 15 -y 5
check "15x5 says too small" wait_for "small"
t resize-window -t e2e -x 120 -y 40
check "back at 120x40 the full screen returns" wait_for "├ Statistics"
check "and the header" wait_for "255 406 views/week"
check "still running after resizes" kill -0 "$(feedtui_pid)"
keys q
check "quit after resizes" wait_for "^EXIT=0"

# Links open through $BROWSER with the URL as one argv element, never a shell.
cat > "$TMP/browser" <<'SH'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done > "$BROWSER_LOG"
SH
chmod +x "$TMP/browser"
URL='https://example.org/a?b=1&c=$(touch /tmp/feedtui-pwned);d`id`'
cat > "$TMP/links.json" <<JSON
{"channels": [{"title": "Links", "publications": [
  {"id": "1", "date": "2024-01-01T00:00:00Z", "text": "two links", "links": ["$URL", "javascript:alert(1)"], "permalink": "https://example.org/posts/1"}
]}], "format": "feedtui", "version": 1}
JSON
rm -f /tmp/feedtui-pwned
run_feedtui "BROWSER=$TMP/browser BROWSER_LOG=$TMP/argv $BIN $TMP/links.json"
keys Enter; keys 1; keys o
check "the fake browser ran" wait_for "opened https://example.org"
check "it got the URL as exactly one argument" sh -c "[ \"\$(cat '$TMP/argv')\" = '$URL' ]"
check "nothing in the URL ran" test ! -e /tmp/feedtui-pwned
keys 2; keys o
check "a javascript: link is refused" wait_for "only http and https links open"
keys p
check "p opens the post's own page" sh -c "for i in \$(seq 50); do [ \"\$(cat '$TMP/argv')\" = 'https://example.org/posts/1' ] && exit 0; sleep 0.1; done; exit 1"
keys q; keys q
check "quit after links" wait_for "^EXIT=0"

# A terminal browser takes over the terminal: curses suspended, the browser in the foreground process group
# (it must read a key from the terminal), feedtui redrawn when it exits. $BROWSER is a list tried in turn.
mkdir -p "$TMP/bin"
cat > "$TMP/bin/w3m" <<'SH'
#!/bin/sh
echo "fake w3m on $1 — press a key"
read -r answer
read -r _ _ _ _ pgrp _ _ tpgid _ < /proc/$$/stat
printf 'url=%s answer=%s foreground=%s\n' "$1" "$answer" "$([ "$pgrp" = "$tpgid" ] && echo yes || echo no)" > "$BROWSER_LOG"
SH
chmod +x "$TMP/bin/w3m"
run_feedtui "BROWSER=\"no-such-browser --x:$TMP/bin/w3m --url=%s\" BROWSER_LOG=$TMP/tty.log $BIN $TMP/links.json"
keys o
check "the terminal browser has the screen" wait_for "^fake w3m on --url=https://example.org/a.* press a key"
check "feedtui's screen is put away meanwhile" sh -c "! tmux -u -L $SOCK capture-pane -p -t e2e | grep -q '┌ Links'"
keys y Enter
check "feedtui is redrawn when the browser exits" wait_for "opened https://example.org/a"
check "feedtui's frame is back" wait_for "┌ Links"
check "the browser read the key in the foreground process group" grep -q "answer=y foreground=yes" "$TMP/tty.log"
check "the second entry of the list ran, with --url=%s" grep -qF "url=--url=$URL " "$TMP/tty.log"
keys j
check "keys work again after the browser" wait_for "j/k move"
keys q
check "quit after the terminal browser" wait_for "^EXIT=0"
# A graphical browser runs beside feedtui: it does not block.
cat > "$TMP/bin/firefox" <<'SH'
#!/bin/sh
sleep 3
printf '%s\n' "$1" > "$BROWSER_LOG"
SH
chmod +x "$TMP/bin/firefox"
rm -f "$TMP/gui.log"
run_feedtui "BROWSER=$TMP/bin/firefox BROWSER_LOG=$TMP/gui.log $BIN $TMP/links.json"
keys o
check "a graphical browser does not block" wait_for "opened https://example.org/a.* in .*firefox" 2
check "it is still running meanwhile" test ! -e "$TMP/gui.log"
keys j
check "feedtui takes keys while it runs" wait_for "j/k move" 2
check "the graphical browser got the URL" sh -c "for i in \$(seq 50); do [ -s '$TMP/gui.log' ] && break; sleep 0.1; done; [ \"\$(cat '$TMP/gui.log')\" = '$URL' ]"
keys q
check "quit after the graphical browser" wait_for "^EXIT=0"

# Colours on the default background; NO_COLOR and --no-color turn them off (selection in reverse video).
run_feedtui "$BIN $SEED"
check "colours are used" sh -c "tmux -u -L $SOCK capture-pane -e -p -t e2e | grep -qE '\[([0-9;]*;)?3[0-7](;[0-9;]*)?m'"
check "no background colour is set" sgr_absent '\[([0-9;]*;)?4[0-7](;[0-9;]*)?m'
keys q
run_feedtui "NO_COLOR=1 $BIN $SEED"
check "NO_COLOR: no colours" sgr_absent '\[([0-9;]*;)?3[0-7](;[0-9;]*)?m'
check "NO_COLOR: selection in reverse video" sh -c "tmux -u -L $SOCK capture-pane -e -p -t e2e | grep -E '\[([0-9;]*;)?7(;[0-9;]*)?m' | grep -q '▶'"
keys q
run_feedtui "$BIN --no-color $SEED"
check "--no-color: no colours" sgr_absent '\[([0-9;]*;)?3[0-7](;[0-9;]*)?m'
keys q

# A slow source (a FIFO nobody writes) shows progress, and q cancels with the terminal restored.
mkfifo "$TMP/slow.txt"
wait_gone; keys "clear; $BIN $TMP/slow.txt; echo EXIT=\$?" Enter
check "a slow load shows progress" wait_for "loading… .* q cancels"
keys q
check "q cancels the load" wait_for "feedtui: loading cancelled"
quit_and_check_terminal "cancelled load" 1

# The first open of a large feed: the first posts show while the file is still being read, with the share read;
# keys work; q quits and cancels, leaving nothing of the import in the library.
python3 - "$TMP/large.xml" <<'PY'
import sys
from email.utils import formatdate
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Large feed</title><link>https://large.example/</link>\n')
    for i in range(60000):
        f.write("<item><title>Item %d</title><guid>https://large.example/%d</guid><pubDate>%s</pubDate>"
                "<description>Body of item %d: plain words, a line long.</description></item>\n"
                % (i, i, formatdate(1700000000 - i * 600), i))
    f.write("</channel></rss>\n")
PY
run_feedtui "$BIN --library $TMP/large.sqlite $TMP/large.xml"
check "a large feed shows its first posts while it is read" wait_for "importing .* [0-9]+% of the file · [0-9 ]+ posts so far — q cancels" 30
check "… newest first, as the file has them" wait_for "▶.*Item 0 "
keys j
check "keys work during the import" wait_for "▶.*Item 1 "
keys q
check "q quits during the import" wait_for "^EXIT=0" 15
check "the cancelled import left nothing in the library" \
  test "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$TMP/large.sqlite" "SELECT count(*) FROM channel WHERE status != 'old'")" = 0

# The feed cut short by another program while it is read (the file is mapped): the terminal comes back with one
# line, and the library opens afterwards.
cp "$TMP/large.xml" "$TMP/cut.xml"
run_feedtui "$BIN --library $TMP/cut.sqlite $TMP/cut.xml"
check "a feed being read…" wait_for "importing .* [0-9]+% of the file" 30
truncate -s 4096 "$TMP/cut.xml"
check "… and cut short meanwhile ends with one line" wait_for "feedtui: a file being read was cut short by another program \\(SIGBUS\\); the library keeps what it had" 30
quit_and_check_terminal "cut short" 1
run_feedtui "$BIN --library $TMP/cut.sqlite $SEED"
check "… the library opens afterwards" wait_for "Durov's Channel" 15
check "… and nothing of it was set aside" sh -c "! ls '$TMP'/cut.sqlite.damaged-* >/dev/null 2>&1"
keys q

# The first open is deterministic: whatever the batches of a streamed import (standard input, not in date
# order), the screen once the import ended is the one `feedtui screen` prints, the newest post selected; 20 times.
python3 - "$TMP/shuffled.json" <<'PY'
import json, sys
posts = [{"id": "s%d" % i, "date": "2024-01-%02dT%02d:%02d:00Z" % (1 + (i * 7919 % 3000) // 120, (i * 7919 % 3000) % 120 // 5, i % 60),
          "text": "Item %d" % i} for i in range(3000)]
json.dump({"format": "feedtui", "version": 1, "channels": [{"title": "Shuffled", "publications": posts}]}, open(sys.argv[1], "w"))
PY
env -i PATH="$PATH" HOME="$TMP" LANG=C.UTF-8 TZ=UTC "$BIN" screen "$TMP/shuffled.json" --size 120x40 | sed 's/ *$//' > "$TMP/first.expected"
same=0
for i in $(seq 20); do
  run_feedtui "$BIN --library $TMP/first-$i.sqlite - < $TMP/shuffled.json"
  wait_for "^└ j/k move" 30
  screen | sed 's/ *$//' > "$TMP/first.actual"
  cmp -s "$TMP/first.expected" "$TMP/first.actual" && same=$((same + 1))
  keys q
  wait_for "^EXIT=0" 10
done
check "the first open of a streamed import equals feedtui screen (20 of 20)" test "$same" = 20
diff "$TMP/first.expected" "$TMP/first.actual" | head -5

# Several sources at once, each format detected by content; a channel list switches between them.
RES="$ROOT/Tests/FeedModelTests/Resources"
cp "$RES/rss/plaszeb-geopolitics-telethon.xml" "$TMP/feed.data"   # no telling file name
run_feedtui "$BIN $SEED $RES/tme/statosphere-antichristone.html $TMP/feed.data $RES/tdesktop/pachum-guzel-channel.json"
check "every message of the tme page is kept: no skip report, the key hints show" wait_for "j/k move"
check "first channel first, 1/4" wait_for "Durov's Channel @durov .* 1/4"
keys ]
check "] goes to the t.me channel" wait_for "Antichrist Blog \\| 反キリスト∸ブログ @antichristone .* 2/4"
check "its statistics are its own (16 posts, 4 service messages not counted)" wait_for "posts 16 "
keys ]
check "the RSS feed, detected without its extension" wait_for "Telegram feed: geopolitics_prime .* 3/4"
keys c
check "c lists the channels" wait_for "4\\. ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ · 3 posts"
keys j; keys Enter
check "Enter in the list switches" wait_for "ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ .* 4/4"
keys [
check "[ goes back" wait_for "3/4"
keys q
check "quit with four channels" wait_for "^EXIT=0"
# One bad source among good ones: the good ones open, the bad one is said; exit 0 when one channel opened.
run_feedtui "$BIN $TMP/missing-source.json $SEED"
check "a bad source beside a good one: the good one opens" wait_for "Durov's Channel @durov"
check "and the bad one is said in the status line" wait_for "missing-source.json: no such file"
keys c
check "the channel list: one channel, 10 posts" wait_for "1\\. Durov's Channel @durov · 10 posts"
keys q; keys q
check "exit 0 when a channel opened" wait_for "^EXIT=0"
check "stats: the good source's statistics, the bad one on stderr, exit 0" sh -c "'$BIN' stats '$TMP/missing-source.json' '$SEED' 2>'$TMP/stats.err' | grep -qE '^views per week +255 406$' && grep -qx 'feedtui: $TMP/missing-source.json: no such file' '$TMP/stats.err'"
check "screen: the bad source said in the status line, as the terminal says it" sh -c "'$BIN' screen --size 100x12 '$TMP/missing-source.json' '$SEED' 2>/dev/null | tail -1 | grep -q 'missing-source.json: no such file'"
check "export: the good source exported, the bad one on stderr" sh -c "'$BIN' export '$SEED' '$TMP/missing-source.json' 2>'$TMP/export.err' | grep -q '\"handle\" : \"durov\"' && grep -qx 'feedtui: $TMP/missing-source.json: no such file' '$TMP/export.err'"
check "stats: exit 1 when no source opened" sh -c "! '$BIN' stats '$TMP/missing-source.json' 2>/dev/null"
check "stats reports what was skipped" sh -c "'$BIN' stats '$RES/tdesktop/truncated.json' | grep -q '^skipped .*1 post skipped — first at line 167'"
check "--format overrides detection" sh -c "! '$BIN' stats --format rss '$SEED' 2>/dev/null"
# Issue 19.9: what export leaves out is said on stderr; the items after too-deep nesting are exported.
check "export: an item nested too deep is said on stderr, the items after it exported" sh -c "'$BIN' export '$RES/wild/deep-nesting-forum.xml' 2>'$TMP/deep.err' | grep -q 'Water butts delivered' && grep -qx 'feedtui: $RES/wild/deep-nesting-forum.xml: 1 post skipped — first at line 13: elements nested deeper than 100 levels at line 17' '$TMP/deep.err'"
check "export: an unreadable date exports the item without a date, nothing said" sh -c "'$BIN' export '$RES/wild/unreadable-dates-rss2.xml' 2>'$TMP/dates.err' | grep -q 'Quiz night' && test ! -s '$TMP/dates.err'"
# Issue 21: OPML outlines that run a program are refused by line; an OPML without <body> is refused.
check "import-opml: Liferea's |command and filtercmd refused by line, exit 1, the rest followed" sh -c "XDG_CONFIG_HOME='$TMP/opml' '$BIN' import-opml '$RES/opml/liferea-commands.opml' >'$TMP/opml.out' 2>'$TMP/opml.err'; [ \$? = 1 ] && grep -q '^feedtui: $RES/opml/liferea-commands.opml:9: |/home/kim/bin/weather-to-rss.sh --city Leeds: a command' '$TMP/opml.err' && grep -q '^feedtui: $RES/opml/liferea-commands.opml:10: .*filtercmd' '$TMP/opml.err' && [ \$(cat '$TMP/opml/feedtui/channels' | wc -l) = 2 ]"
check "import-opml: an OPML without <body> is refused with exit 1" sh -c "XDG_CONFIG_HOME='$TMP/opml2' '$BIN' import-opml '$RES/opml/no-body.opml' 2>'$TMP/nobody.err'; [ \$? = 1 ] && grep -qx 'feedtui: $RES/opml/no-body.opml: not readable OPML: no <body> element (it holds the outlines)' '$TMP/nobody.err' && test ! -e '$TMP/opml2/feedtui/channels'"

# No locale at all (a bare root shell): Unicode is still drawn as itself, not as escapes.
wait_gone; keys "clear; env -u LANG -u LC_ALL $BIN $SEED; echo EXIT=\$?" Enter
check "without a locale 🤡 is still drawn" wait_for "Happy April Fools' Day! 🤡"
keys q
check "quit without a locale" wait_for "^EXIT=0"

# A feed on standard input: keys are read from the terminal.
wait_gone; keys "clear; cat $ROOT/Samples/unicode-sampler.json | $BIN -; echo EXIT=\$?" Enter
check "- reads the feed from standard input" wait_for "Unicode sampler"
keys j
check "and keys still work" wait_for "▶Mar  7 2024"
keys q
check "quit from a piped feed" wait_for "^EXIT=0"

# Signals restore the terminal.
for sig in TERM INT HUP; do
  run_feedtui "$BIN $SEED"
  kill -$sig "$(feedtui_pid)"
  case $sig in TERM) code=143;; INT) code=130;; HUP) code=129;; esac
  quit_and_check_terminal "SIG$sig" $code
done

# Bad input: one clear line on stderr, exit code 1.
bad() { # bad NAME EXPECTED-STDERR ARGS...
  local name=$1 want=$2; shift 2
  local err code
  err=$("$BIN" "$@" 2>&1 >/dev/null); code=$?
  check "$name" test "$code" = 1 -a "$err" = "$want" -a "$(printf '%s\n' "$err" | wc -l)" = 1
}
: > "$TMP/empty.txt"
printf 'hello\nworld\n' > "$TMP/notes.txt"
usage() { local out code; out=$("$BIN" "$@" 2>&1 >/dev/null); code=$?; test "$code" = 64; }
check "an unknown option is a usage error: exit 64" usage --no-such-option
check "stats without a source: exit 64" usage stats
check "a bad --size: exit 64" usage screen --size x "$SEED"
check "a bad --dates: exit 64" usage stats --dates sideways "$SEED"
check "a mistyped command: exit 64" sh -c "cd '$TMP' && '$BIN' bogus 2>/dev/null; test \$? = 64"
check "list with nothing followed says how to follow" sh -c "XDG_CONFIG_HOME='$TMP/nothing' XDG_DATA_HOME='$TMP/nothing' '$BIN' list | grep -qx 'no channels followed — follow one with: feedtui add @NAME (a t.me channel) or feedtui add URL (an RSS/Atom feed)'"
check "a mistyped command: the line" sh -c "cd '$TMP' && '$BIN' bogus 2>&1 | grep -qx 'feedtui: unknown command or file: bogus (commands: stats, export, screen, add, remove, list, refresh, import-opml, export-opml, config; feedtui --help)'"
mkdir -p "$TMP/samples" && cp "$ROOT/Samples/unicode-sampler.json" "$TMP/samples/durov-channel-page.txt"
check "FEEDTUI_SAMPLES names the bundled sample's folder" sh -c "FEEDTUI_SAMPLES='$TMP/samples' '$BIN' | head -1 | grep -q '한국어 문장과'"
bad "missing file" "feedtui: $TMP/none.txt: no such file" stats "$TMP/none.txt"
bad "directory" "feedtui: $TMP: is a directory, not a feed file" stats "$TMP"
bad "empty file" "feedtui: $TMP/empty.txt: empty file" stats "$TMP/empty.txt"
bad "unknown format" "feedtui: $TMP/notes.txt: not a feed in any known format (tried json, tdesktop, tme, rss, page)" stats "$TMP/notes.txt"
bad "browse missing file" "feedtui: $TMP/none.txt: no such file" "$TMP/none.txt"

# A terminal that cannot place the cursor gets one line before anything is drawn, never a garbled screen.
wait_gone; keys "clear; TERM=dumb $BIN $SEED; echo EXIT=\$?" Enter
check "TERM=dumb: one line naming the terminal" wait_for '^feedtui: the terminal "dumb" cannot place the cursor; pipe the output'
check "TERM=dumb: exit 1" wait_for "^EXIT=1"
check "TERM=dumb: nothing else was drawn" sh -c "[ \"\$(tmux -u -L $SOCK capture-pane -p -t e2e | grep -c .)\" = 3 ]"
wait_gone; keys "clear; TERM=no-such-terminal $BIN $SEED; echo EXIT=\$?" Enter
check "an unknown TERM: one line" wait_for '^feedtui: the terminal "no-such-terminal" is not in the terminfo database'

# One clock: the local zone (TZ) by default, each post's own offset with --dates post; the statistics say which.
cat > "$TMP/clock.json" <<'JSON'
{"format": "feedtui", "version": 1, "channels": [{"title": "Clock", "publications": [
  {"id": "1", "date": "2024-03-10T20:15:00Z", "utcOffset": 10800, "text": "one post"}]}]}
JSON
check "TZ=Asia/Tokyo: stats in local time" sh -c "TZ=Asia/Tokyo '$BIN' stats '$TMP/clock.json' | grep -q '^first post  *2024-03-11 05:15$'"
check "TZ=Asia/Tokyo: stats say the zone" sh -c "TZ=Asia/Tokyo '$BIN' stats '$TMP/clock.json' | grep -q '^dates in  *local time, Asia/Tokyo (now UTC+09:00)$'"
check "TZ=Asia/Tokyo: the post header agrees" sh -c "TZ=Asia/Tokyo '$BIN' screen '$TMP/clock.json' | grep -q 'March 11, 2024 05:15'"
check "--dates post: the post's own offset" sh -c "TZ=Asia/Tokyo '$BIN' stats --dates post '$TMP/clock.json' | grep -q '^first post  *2024-03-10 23:15$' && TZ=Asia/Tokyo '$BIN' screen --dates post '$TMP/clock.json' | grep -q 'March 10, 2024 23:15'"

# Posts written at two offsets (rss-1.0.rdf: 2000-01-01 12:00 +00:00, 2000-01-02 08:30Z at +01:00): every number of
# the statistics follows the run's clock, the first and last post each at its own offset under --dates post.
RDF="$RES/realworld/rss-1.0.rdf"
check "TZ=Asia/Tokyo: first and last post in local time" sh -c "TZ=Asia/Tokyo '$BIN' stats '$RDF' | grep -qx 'first post  *2000-01-01 21:00' && TZ=Asia/Tokyo '$BIN' stats '$RDF' | grep -qx 'last post  *2000-01-02 17:30'"
check "TZ=Asia/Tokyo: the rhythm in local time" sh -c "TZ=Asia/Tokyo '$BIN' stats '$RDF' | grep -qxE 'Sat  ·{21}█·{2}' && TZ=Asia/Tokyo '$BIN' stats '$RDF' | grep -qxE 'Sun  ·{17}█·{6}'"
check "--dates post: each post at its own offset" sh -c "TZ=Asia/Tokyo '$BIN' stats --dates post '$RDF' | grep -qx 'first post  *2000-01-01 12:00' && TZ=Asia/Tokyo '$BIN' stats --dates post '$RDF' | grep -qx 'last post  *2000-01-02 09:30'"
check "--dates post: the rhythm at each post's offset" sh -c "TZ=Asia/Tokyo '$BIN' stats --dates post '$RDF' | grep -qxE 'Sat  ·{12}█·{11}' && TZ=Asia/Tokyo '$BIN' stats --dates post '$RDF' | grep -qxE 'Sun  ·{9}█·{14}'"
# The browser on a library whose statistics were counted on another clock counts them again beside the loop and
# keeps them: opened in UTC, then with --dates post (the pane is in the pane's zone, UTC).
run_feedtui "$BIN --library $TMP/clock.sqlite $RDF"
check "the browser in UTC: the rhythm in UTC" wait_for "Sun  ·{8}█·{15}"
check "the browser in UTC: the last post in UTC" wait_for "last post +2000-01-02 08:30 "
keys q
run_feedtui "$BIN --dates post --library $TMP/clock.sqlite $RDF"
check "the browser with --dates post: the rhythm counted again at each post's offset" wait_for "Sun  ·{9}█·{14}"
check "the browser with --dates post: the last post at its own offset" wait_for "last post +2000-01-02 09:30 "
keys q
wait_for "^EXIT=0"
# The closing feedtui checkpoints its WAL: sqlite3 waits for that instead of answering "database is locked".
check "the library keeps the statistics counted on the post clock" sh -c "sqlite3 -cmd '.timeout 10000' '$TMP/clock.sqlite' \"SELECT statistics FROM channel WHERE status = 'live'\" | grep -q '\"clockID\":\"post\"'"

# A native file written by another tool (Python's json.dump keeps its own key order) is still recognised.
"$BIN" export "$SEED" > "$TMP/sorted.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump({"format": d["format"], "version": d["version"], "channels": d["channels"]}, open(sys.argv[2], "w"))' "$TMP/sorted.json" "$TMP/python.json"
check "json.dump's key order is read" sh -c "head -c 40 '$TMP/python.json' | grep -q '^{\"format\": \"feedtui\"' && '$BIN' stats '$TMP/python.json' | grep -qE '^views per week +255 406$'"

# An http(s) URL is downloaded (a local server stands in for the web).
PORT=$((20000 + $$ % 20000))
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$ROOT/Samples" >/dev/null 2>&1 &
HTTP_PID=$!
for _ in $(seq 50); do "$BIN" stats "http://127.0.0.1:$PORT/durov-channel-page.txt" >/dev/null 2>&1 && break; sleep 0.1; done
check "a URL source loads" sh -c "'$BIN' stats 'http://127.0.0.1:$PORT/durov-channel-page.txt' | grep -qE '^views per week +255 406$'"
bad "an HTTP error is one line" "feedtui: http://127.0.0.1:$PORT/none.txt: HTTP 404 Not Found" stats "http://127.0.0.1:$PORT/none.txt"
kill $HTTP_PID

# stats, export, pipes.
check "stats prints views per week" sh -c "'$BIN' stats '$SEED' | grep -qE '^views per week +255 406$'"
check "stats prints unknown as —" sh -c "'$BIN' stats '$SEED' | grep -qE '^views per month +—$'"
check "stats --json gives null for unknown" sh -c "'$BIN' stats '$SEED' --json | grep -q '\"viewsPerMonth\" : null'"
"$BIN" export "$SEED" --json > "$TMP/a.json"
"$BIN" export "$TMP/a.json" --json > "$TMP/b.json"
check "export -> import -> export is byte-identical" cmp -s "$TMP/a.json" "$TMP/b.json"
check "not a terminal: plain post list" sh -c "'$BIN' '$SEED' | head -1 | grep -q '^2017-07-30 12:25 .*Since some journalists'"

# A damaged library: the browser sets it aside and says so on the screen, then again on stderr when it quits, exit 1.
printf 'SQLite format 3\0' > "$TMP/damaged.sqlite"; head -c 20000 /dev/urandom >> "$TMP/damaged.sqlite"
run_feedtui "$BIN --library $TMP/damaged.sqlite $SEED"
check "a damaged library: the browser says it was set aside" wait_for "damaged.sqlite was damaged"
keys q
check "… and on quitting says it on stderr" wait_for "^feedtui: the library $TMP/damaged.sqlite was damaged"
quit_and_check_terminal "a damaged library" 1

. "$ROOT/Tests/e2e/live.sh"
. "$ROOT/Tests/e2e/scripts.sh"

finish
