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
bad "remove of a source not followed" "feedtui: not followed: @nobody" remove @nobody
