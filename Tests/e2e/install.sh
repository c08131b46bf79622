#!/usr/bin/env bash
# make install into a temporary DESTDIR: every file where it belongs, the man page renders, bash completion works;
# make uninstall removes exactly those files. Uses the debug build (make test has it) instead of a release build.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FAILS=0
for tool in man groff bash zsh fish make; do
  command -v $tool >/dev/null || { echo "FAIL $tool is missing (make deps installs man-db, groff-base, zsh, fish)"; exit 1; }
done
[ -f /usr/share/bash-completion/bash_completion ] || { echo "FAIL bash-completion is missing (make deps installs it)"; exit 1; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; FAILS=$((FAILS + 1)); fi
}

if ! make -s -C "$ROOT" install CONFIGURATION=debug PREFIX=/usr DESTDIR="$D" > "$D.log" 2>&1; then
  cat "$D.log"; rm -f "$D.log"; echo "FAIL make install"; exit 1
fi
rm -f "$D.log"
P="$D/usr"
expected=$(cd "$ROOT/Samples" && for f in *; do echo "usr/share/feedtui/Samples/$f"; done
  echo usr/bin/feedtui
  echo usr/share/man/man1/feedtui.1
  echo usr/share/bash-completion/completions/feedtui
  echo usr/share/zsh/site-functions/_feedtui
  echo usr/share/fish/vendor_completions.d/feedtui.fish)
check "install puts exactly these files" test "$(cd "$D" && find . -type f | sed 's|^\./||' | sort)" = "$(sort <<<"$expected")"
check "the binary is executable" test -x "$P/bin/feedtui"
check "the binary runs: --version" test "$("$P/bin/feedtui" --version)" = "$("$P/bin/feedtui" -v)"
for f in "$ROOT"/Samples/*; do
  check "sample $(basename "$f") installed unchanged" cmp -s "$f" "$P/share/feedtui/Samples/$(basename "$f")"
done
# The installed binary finds the installed sample (no source tree above a DESTDIR in /tmp).
check "the installed binary opens the installed sample" sh -c "'$P/bin/feedtui' </dev/null | grep -q 'Some thoughts on Indonesia'"
check "man page and completions are not empty" test -s "$P/share/man/man1/feedtui.1" -a -s "$P/share/zsh/site-functions/_feedtui" -a -s "$P/share/fish/vendor_completions.d/feedtui.fish"

# The page renders without warnings and has the generated synopsis and options and the added sections.
page=$(LANG=C.UTF-8 MANWIDTH=100 MANPAGER=cat man --warnings -l "$P/share/man/man1/feedtui.1" 2>"$D.warn")
check "man -l renders with no warnings" test ! -s "$D.warn"
[ -s "$D.warn" ] && cat "$D.warn"; rm -f "$D.warn"
for text in '^NAME' '^SYNOPSIS' '^DESCRIPTION' '^KEYS' '^ENVIRONMENT' '^FILES' '^EXIT STATUS' 'feedtui — Browse Telegram-style' \
  'config +Print the default configuration file' '--check' ' -v +Print the version' '^ +j, Down' '^ +C-l +redraw the screen' \
  'FEEDTUI_SAMPLES' 'FEEDTUI_TME_URL' 'NO_COLOR' 'XDG_CONFIG_HOME' '\$XDG_CONFIG_HOME/feedtui/config.toml'; do
  check "man page shows: $text" grep -qE -- "$text" <<<"$page"
done
check "man page has no --help discussion left in DESCRIPTION" sh -c "! grep -q 'Keys (a number first repeats' <<'X'
$page
X"

# bash-completion finds the completion where it looks (XDG_DATA_DIRS) and completes `feedtui st` to `stats`.
words=$(PATH="$P/bin:$PATH" XDG_DATA_DIRS="$P/share" BASH_COMPLETION_USER_DIR=/nonexistent bash --norc --noprofile -c '
  . /usr/share/bash-completion/bash_completion
  __load_completion feedtui || { echo "not found"; exit 1; }
  fn=$(complete -p feedtui | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
  COMP_LINE="feedtui st"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(feedtui st); COMP_CWORD=1
  "$fn" feedtui st feedtui
  printf "%s\n" "${COMPREPLY[@]}"')
check "bash completion turns 'feedtui st' into 'stats' (got: $(echo $words))" test "$words" = stats
words=$(PATH="$P/bin:$PATH" XDG_DATA_DIRS="$P/share" BASH_COMPLETION_USER_DIR=/nonexistent bash --norc --noprofile -c '
  . /usr/share/bash-completion/bash_completion
  __load_completion feedtui
  fn=$(complete -p feedtui | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
  COMP_LINE="feedtui config --"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(feedtui config --); COMP_CWORD=2
  "$fn" feedtui -- config
  printf "%s\n" "${COMPREPLY[@]}"' | sort | tr '\n' ' ')
check "bash completion offers config's flags (got: $words)" grep -q -- "--check .*--default" <<<"$words"

# zsh's compinit finds _feedtui in site-functions (on fpath) and binds it to feedtui.
comp=$(HOME="$D" zsh -f -c "fpath=($P/share/zsh/site-functions \$fpath); autoload -U compinit; compinit -u -d $D/zcompdump; print -r -- \$_comps[feedtui]")
rm -f "$D/zcompdump"
check "zsh binds _feedtui to feedtui (got: $comp)" test "$comp" = _feedtui
# fish finds feedtui.fish in vendor_completions.d (under XDG_DATA_DIRS) and completes `feedtui st` to `stats`.
words=$(cd "$D" && PATH="$P/bin:$PATH" XDG_DATA_DIRS="$P/share" HOME="$D" XDG_CONFIG_HOME="$D/fish-config" fish -c 'complete -C "feedtui st"' | cut -f1)
rm -rf "$D/fish-config" "$D/.local"
check "fish completes 'feedtui st' to 'stats' (got: $(echo $words))" test "$words" = stats

# A file of someone else's beside ours survives the uninstall; nothing of ours is left.
echo "not feedtui's" > "$P/share/man/man1/other.1"
make -s -C "$ROOT" uninstall PREFIX=/usr DESTDIR="$D" >/dev/null 2>&1
check "uninstall removes exactly the installed files" test "$(cd "$D" && find . -type f)" = "./usr/share/man/man1/other.1"
check "uninstall removes feedtui's own share folder" test ! -e "$P/share/feedtui"

if [ "$FAILS" -gt 0 ]; then echo "install: $FAILS failed"; exit 1; fi
echo "install: all passed"
