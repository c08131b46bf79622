# Live channels (sourced by run.sh): subscriptions, refresh and the home screen against Tests/server/feedserver.py.
LIVE_CFG="$TMP/live-config"
live() { env XDG_CONFIG_HOME="$LIVE_CFG" "$BIN" "$@"; }

# Subscriptions: the file a person edits by hand keeps its comments; OPML round-trips.
mkdir -p "$LIVE_CFG/feedtui"
printf '# followed by hand\n@durov news   # Pavel\n' > "$LIVE_CFG/feedtui/channels"
live add t.me/s/antichristone https://t.me/durov --tag art >/dev/null
live import-opml "$ROOT/Tests/FeedModelTests/Resources/opml/newsboat-example.opml" >/dev/null
live remove https://example.com/feed.atom >/dev/null
check "add keeps comments and tags the existing line" sh -c "sed -n 1,3p '$LIVE_CFG/feedtui/channels' | tr '\n' '|' | grep -qx '# followed by hand|@durov news art   # Pavel|@antichristone art|'"
check "import-opml: folders become tags" grep -qx 'https://blogs.example.com/~mike/.rss Blogs friends' "$LIVE_CFG/feedtui/channels"
check "remove drops the line" sh -c "! grep -q feed.atom '$LIVE_CFG/feedtui/channels'"
live export-opml > "$TMP/out.opml"
mkdir -p "$TMP/cfg2"
env XDG_CONFIG_HOME="$TMP/cfg2" "$BIN" import-opml "$TMP/out.opml" >/dev/null
check "export-opml then import-opml gives the same subscriptions" sh -c "grep -v '^#' '$LIVE_CFG/feedtui/channels' | sed 's/ *#.*//; s/  */ /g' > '$TMP/a.subs'; cmp -s '$TMP/a.subs' '$TMP/cfg2/feedtui/channels'"
XDG_CONFIG_HOME="$LIVE_CFG" bad "remove of a source not followed" "feedtui: not followed: @nobody" remove @nobody

# Following channels end to end: a local stand-in for t.me (Tests/server/feedserver.py) holds back each
# channel's newest post until asked to publish it; one more source answers slowly.
python3 "$ROOT/Tests/server/feedserver.py" --hold 1 --port-file "$TMP/port" >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
check "the feed server started" test -s "$TMP/port"
PORT=$(cat "$TMP/port" 2>/dev/null)
publish() { python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/_admin/publish?name=$1')"; }
LIVE_ENV="FEEDTUI_TME_URL=http://127.0.0.1:$PORT XDG_CONFIG_HOME=$TMP/follow XDG_DATA_HOME=$TMP/follow-data"
env $LIVE_ENV "$BIN" add @antichristone https://t.me/s/topwar_official >/dev/null
env $LIVE_ENV "$BIN" add "http://127.0.0.1:$PORT/slow?seconds=4" --tag slow >/dev/null
start 120 30
keys "stty -g > $TMP/stty.before" Enter
run_feedtui "$LIVE_ENV $BIN"
check "home screen at once, refreshing in the background" wait_for "refreshing [0-2]/3"
keys j
# both REGEX1 REGEX2: one capture of the screen shows both.
both() {
  local deadline=$((SECONDS + 10)) s
  while [ $SECONDS -lt $deadline ]; do
    s=$(screen); grep -qE -- "$1" <<<"$s" && grep -qE -- "$2" <<<"$s" && return 0
    sleep 0.1
  done
  return 1
}
check "keys work during a refresh (the cursor moved while the slow source is fetched)" both "^│▶ .*(Военное обозрение|@topwar_official)" "refreshing [0-2]/3"
check "refresh at start: done" wait_for "refreshed 3 sources: 57 new posts" 15
check "unread and total counts on the home screen" wait_for "^│ +5 +5 +Antichrist Blog"
check "last refresh shown" wait_for "just now"
keys g Enter
check "Enter opens the channel" wait_for "^┌ Antichrist Blog .*@antichristone"
keys Enter
check "a post opens full-screen" wait_for "views 10.9K"
keys q q
check "q goes back to the home screen, the count dropped" wait_for "^│▶ +4 +5 +Antichrist Blog"
publish antichristone
keys R
check "R refreshes every channel" wait_for "refreshed 3 sources: 1 new post" 15
check "the new post raised the count" wait_for "^│▶ +5 +6 +Antichrist Blog"
keys T
check "T lists the tags with their unread posts" wait_for "│ ● all channels +[0-9]+ unread │"
check "each tag with its unread posts" wait_for "│   #slow +[0-9]+ unread │"
keys j Enter
check "Enter on a tag shows its channels only" wait_for "tag: slow \(1\)"
keys T g Enter Enter
wait_for "^┌ Antichrist Blog .*@antichristone"
keys G
check "scrolling past the oldest post loads the page before it" wait_for "5 older posts loaded" 15
keys q
check "older posts are not news: the unread count stays" wait_for "^│▶ +5 +11 +Antichrist Blog"
keys q
quit_and_check_terminal "home screen" 0
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
run_feedtui "$LIVE_ENV $BIN"
check "offline: the channels are still there" wait_for "^│▶ +5 +11 +Antichrist Blog"
# Downloads run side by side, so whichever failed first is named.
check "offline: the failed refresh is said" wait_for "3 failed of 3: [^ ]+: download failed" 15
keys Enter
check "offline: the channel opens from the library, saying how old it is" wait_for "cached [0-9]+ min ago|cached just now"
keys q q
quit_and_check_terminal "offline" 0
check "feedtui list: counts, time, error" sh -c "env $LIVE_ENV '$BIN' list | grep -qE '^ +5 +11 +Antichrist Blog .*just now +download failed'"
check "feedtui refresh: one line per failure, exit 1" sh -c "env $LIVE_ENV '$BIN' refresh 2>&1 >/dev/null | grep -c '^feedtui: .*download failed' | grep -qx 3; env $LIVE_ENV '$BIN' refresh >/dev/null 2>&1; test \$? = 1"
check "feedtui stats of a followed channel: from the library, offline, reach — until the history allows" sh -c "env $LIVE_ENV '$BIN' stats @antichristone > '$TMP/live-stats.txt' && grep -qE '^reach at 24 h +—$' '$TMP/live-stats.txt' && grep -qE '^ERR +—$' '$TMP/live-stats.txt' && grep -qE '^subscribers +78.6K' '$TMP/live-stats.txt'"
check "stats of a followed channel beside a file: the channel from the library, offline" sh -c "env $LIVE_ENV '$BIN' stats @antichristone '$SEED' > '$TMP/live-stats2.txt' && grep -qE '^subscribers +78.6K' '$TMP/live-stats2.txt' && grep -qE '^views per week +255 406$' '$TMP/live-stats2.txt'"
check "export of a followed channel, offline: every post the library holds" sh -c "env $LIVE_ENV '$BIN' export @antichristone | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(len(d[\"channels\"][0][\"publications\"]) != 11)'"
check "feedtui @NAME | cat, offline: the saved copy" sh -c "env $LIVE_ENV '$BIN' t.me/s/antichristone | cat | wc -l | grep -qx 11"
check "export-opml: titles from the library, t.me channels by their address" sh -c "env $LIVE_ENV '$BIN' export-opml | grep -q 'title=\"Antichrist Blog.*xmlUrl=\"https://t.me/s/antichristone\"'"
printf 'refresh-at-start = false\n' > "$TMP/follow/feedtui/config.toml"
run_feedtui "$LIVE_ENV $BIN"
check "refresh-at-start = false: the home screen opens" wait_for "^│▶ +5 +11 +Antichrist Blog"
sleep 1.5
check "refresh-at-start = false: no refresh at start" sh -c "! tmux -u -L $SOCK capture-pane -p -t e2e | grep -qE 'refreshing|refreshed [0-9]'"
keys q
quit_and_check_terminal "no refresh at start" 0

# feedtui @NAME runs the same loop as the home screen: the channel is refreshed into the library and opened from
# it; C-r and older pages work there too. Every page of this mirror answers after 0.5 s.
python3 "$ROOT/Tests/server/feedserver.py" --hold 1 --port-file "$TMP/port2" >/dev/null 2>&1 &
SERVER2_PID=$!
for _ in $(seq 100); do [ -s "$TMP/port2" ] && break; sleep 0.1; done
NAMED_ENV="FEEDTUI_TME_URL=http://127.0.0.1:$(cat "$TMP/port2" 2>/dev/null)/fault/slow XDG_CONFIG_HOME=$TMP/named XDG_DATA_HOME=$TMP/named-data"
run_feedtui "$NAMED_ENV $BIN @antichristone"
check "feedtui @NAME: refreshed into the library, then opened from it" wait_for "^┌ Antichrist Blog .*@antichristone" 15
keys G
check "feedtui @NAME: scrolling past the oldest post loads the page before it" wait_for "[0-9]+ older posts? loaded" 15
keys g
# A search prompt opened while a refresh runs keeps every key typed as the refresh ends, 20 times over.
kept=0
for _ in $(seq 20); do
  keys C-r; keys /; keys a; sleep 0.35; keys n; sleep 0.1; keys t; sleep 0.1; keys i
  wait_for "^└ /anti" 5 && kept=$((kept + 1))
  keys Escape
  # The refresh is over (its progress gone) before the next one starts.
  wait_for "^└ j/k move" 10
done
check "a search prompt keeps every key while a refresh ends (20 of 20)" test "$kept" = 20
# A post seen by two refreshes that downloaded the page has two samples of its views: a curve.
python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$(cat "$TMP/port2")/_admin/publish?name=antichristone')"
keys C-r
check "feedtui @NAME: C-r refreshes the channel" wait_for "1 new post" 15
keys g j j Enter
check "feedtui @NAME: the full-screen post has its views curve, as from the home screen" wait_for "views .* → .* \\([0-9]+ refreshes\\)"
keys q q q
quit_and_check_terminal "feedtui @NAME" 0
# A file and a channel named together: the same loop, the channel refreshed into the library as from the home
# screen — older pages, C-r and R work for it; q quits (no home screen).
run_feedtui "$NAMED_ENV $BIN $SEED @antichristone"
check "a file and @NAME together: the file opens first" wait_for "^┌ Durov's Channel @durov" 15
check "a file and @NAME together: the channel joins once refreshed" wait_for "^┌ Durov's Channel .* 1/2 ─" 15
keys ]
check "a file and @NAME together: the channel from the library" wait_for "^┌ Antichrist Blog .*@antichristone" 15
keys G
check "a file and @NAME together: scrolling past the oldest post asks for the page before it" wait_for "[0-9]+ older posts? loaded|this is the channel's first post" 15
keys C-r
check "a file and @NAME together: C-r refreshes the channel" wait_for "refreshed 1 source: 0 new posts" 15
keys R
check "a file and @NAME together: R refreshes both" wait_for "refreshed 2 sources: 0 new posts" 15
keys [
check "a file and @NAME together: the file is still there after the refresh" wait_for "^┌ Durov's Channel @durov" 15
keys q
quit_and_check_terminal "a file and @NAME" 0
kill "$SERVER2_PID" 2>/dev/null; wait "$SERVER2_PID" 2>/dev/null
run_feedtui "$NAMED_ENV $BIN @antichristone"
# Which line stays depends on whether the refresh fails before or after the channel opens: either says it.
check "feedtui @NAME offline: the saved copy opens, saying it is not fresh" wait_for "cached (just now|[0-9]+ min ago) — last refresh failed|1 failed of 1: @antichristone: download failed" 15
check "feedtui @NAME offline: with its posts" wait_for "^┌ Antichrist Blog .*@antichristone"
keys q q
quit_and_check_terminal "feedtui @NAME offline" 0
