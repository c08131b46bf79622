#!/usr/bin/env bash
# End-to-end tests of config.toml: the real binary in tmux with a configuration that rebinds moving down and up,
# chooses the light theme and a browser; and one with an error, refused with its line.
set -u
BIN=$(realpath "${1:-.build/debug/feedtui}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/Tests/e2e/lib.sh"
SEED="$ROOT/Samples/durov-channel-page.txt"
# start() gives the pane HOME=$TMP and no XDG_CONFIG_HOME: feedtui reads $TMP/.config/feedtui/config.toml.
CONFIG="$TMP/.config/feedtui/config.toml"
mkdir -p "$(dirname "$CONFIG")"

cat > "$TMP/browser" <<'SH'
#!/bin/sh
printf '%s\n' "$@" > "$BROWSER_LOG"
SH
chmod +x "$TMP/browser"
cat > "$TMP/links.json" <<'JSON'
{"channels": [{"title": "Links", "publications": [
  {"id": "1", "date": "2024-01-01T00:00:00Z", "text": "one link", "links": ["https://example.org/config"]}
]}], "format": "feedtui", "version": 1}
JSON
cat > "$CONFIG" <<TOML
# Emacs-style moving; j and k do nothing now.
theme = "light"
browser = "$TMP/browser --from-config %s"
dates = "post"
date-format = "%Y-%m-%d %H:%M"

[keys]
move-down = ["C-n"]
move-up = ["C-p"]
TOML

start 120 40
check "config --check accepts it" sh -c "env -u XDG_CONFIG_HOME HOME=$TMP '$BIN' config --check | grep -qx '$CONFIG: ok'"
keys "clear; $BIN $SEED; echo EXIT=\$?" Enter
check "feedtui starts with the configuration" wait_for "Durov's Channel" 15
check "the hint line shows the new keys" wait_for "C-n/C-p move"
keys C-n; keys C-n
check "C-n moves down" wait_for "▶Jul 16 2017"
keys j
sleep 0.3
check "j is no longer bound" wait_for "▶Jul 16 2017" 1
keys C-p
check "C-p moves up" wait_for "▶Jul 23 2017"
keys "?"
check "the help lists C-n for moving down" wait_for "C-n +next post \(or scroll down\)"
check "the help lists C-p for moving up" wait_for "C-p +previous post \(or scroll up\)"
check "the help scrolls with the new keys" wait_for "C-n/C-p scroll"
keys x
keys Enter
check "the post header uses date-format" wait_for "2017-07-23 [0-9]{2}:[0-9]{2} · views"
keys q
check "back to the list" wait_for "C-n/C-p move"
# The light theme: its 256-colour title (25, bold) and dates (24) on the terminal's own background.
capture() { t capture-pane -e -p -t e2e; }
check "the light theme's title colour (38;5;25) is drawn" sh -c "tmux -u -L $SOCK capture-pane -e -p -t e2e | grep \"Durov's Channel\" | grep -qE '38;5;25(m|;)'"
check "the light theme's date colour (38;5;24) is drawn" sh -c "tmux -u -L $SOCK capture-pane -e -p -t e2e | grep -qE '38;5;24(m|;)'"
check "the default theme's cyan is not used" sh -c "! tmux -u -L $SOCK capture-pane -e -p -t e2e | grep -qE '\[([0-9;]*;)?36(;[0-9;]*)?m'"
check "no background colour is set" sh -c "! tmux -u -L $SOCK capture-pane -e -p -t e2e | grep -qE '\[([0-9;]*;)?(4[0-7]|48;5;[0-9]+)(;[0-9;]*)?m'"
keys q
check "quit with the configuration" wait_for "^EXIT=0"

# On a terminal with 8 colours the light theme's 256-colour values are fitted to the nearest basic ones.
keys "clear; TERM=xterm $BIN $SEED; echo EXIT=\$?" Enter
check "8 colours: feedtui starts" wait_for "Durov's Channel" 15
check "8 colours: the title is basic blue (34), the nearest to colour 25" sh -c "tmux -u -L $SOCK capture-pane -e -p -t e2e | grep \"Durov's Channel\" | grep -qE '\[([0-9;]*;)?34(;[0-9;]*)?m'"
check "8 colours: no 256-colour value is sent" sh -c "! tmux -u -L $SOCK capture-pane -e -p -t e2e | grep -q '38;5;'"
keys q
check "8 colours: quit" wait_for "^EXIT=0"

# The dates rule of the configuration, unless --dates says otherwise.
check "stats follows config.toml's dates" sh -c "env -u XDG_CONFIG_HOME HOME=$TMP '$BIN' stats '$SEED' | grep -q \"^dates in .*each post's own offset\""
check "--dates overrides it" sh -c "env -u XDG_CONFIG_HOME HOME=$TMP '$BIN' stats --dates local '$SEED' | grep -q '^dates in .*local time'"

# The configuration's browser is used, before $BROWSER.
rm -f "$TMP/argv"
keys "clear; BROWSER=/bin/false BROWSER_LOG=$TMP/argv $BIN $TMP/links.json; echo EXIT=\$?" Enter
check "links channel opens" wait_for "one link" 15
keys Enter; keys o
check "the configured browser got the URL" sh -c "for i in \$(seq 50); do [ -s '$TMP/argv' ] && break; sleep 0.1; done; [ \"\$(tr '\n' ' ' < '$TMP/argv')\" = '--from-config https://example.org/config ' ]"
keys q; keys q
check "quit after the browser" wait_for "^EXIT=0"

# A key bound to two actions: refused with file, line and setting; feedtui does not start.
cat > "$CONFIG" <<'TOML'
theme = "light"

[keys]
move-down = ["n"]
TOML
keys "clear; $BIN $SEED; echo EXIT=\$?" Enter
check "a conflicting key is refused with its line" wait_for "^feedtui: $CONFIG:4: keys.move-down: \"n\" is also bound to search-next"
check "feedtui did not start: exit 1" wait_for "^EXIT=1"
check "no screen was drawn" sh -c "! tmux -u -L $SOCK capture-pane -p -t e2e | grep -q 'Durov'"
printf 'theme = "light"\nsort = "newest"\ncolour = "red"\n' > "$CONFIG"
keys "clear; $BIN config --check; echo EXIT=\$?" Enter
check "config --check names an unknown setting and its line" wait_for "^feedtui: $CONFIG:3: colour: unknown setting"
check "config --check exits 1" wait_for "^EXIT=1"
rm -f "$CONFIG"
keys "clear; $BIN config --default > $TMP/default.toml; cp $TMP/default.toml $CONFIG; $BIN config --check; echo EXIT=\$?" Enter
check "the default file checks" wait_for "^$CONFIG: ok"
rm -f "$CONFIG"

finish
