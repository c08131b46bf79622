# tmux helpers for end-to-end tests of the real binary: a private socket per run, polling waits with timeouts.
SOCK="feedtui-e2e-$$"
FAILS=0
TMP=$(mktemp -d)
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; sleep 0.2; rm -rf "$TMP" 2>/dev/null' EXIT

# -u: tmux itself must not depend on the caller's locale either.
t() { tmux -u -L "$SOCK" "$@"; }

# start W H: a shell in a fresh pane of W x H with a pinned locale, zone and terminal.
start() {
  t kill-server 2>/dev/null || true
  # A server still shutting down on a loaded machine refuses the new session ("server exited unexpectedly").
  for _ in 1 2 3 4 5; do
    t -f /dev/null new-session -d -s e2e -x "$1" -y "$2" \
      "env -i PATH=$PATH HOME=$TMP HISTFILE=/dev/null TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC XDG_STATE_HOME=$TMP/state XDG_DATA_HOME=$TMP/data PS1='$ ' bash --norc --noprofile" \
      2>/dev/null && break
    sleep 0.5
  done
  t set-option -g status off >/dev/null
  wait_for '\$' 10
}

screen() { t capture-pane -p -t e2e "$@"; }
keys() { t send-keys -t e2e "$@"; }

# wait_for REGEX [SECONDS]: polls the pane until it shows REGEX.
wait_for() {
  local deadline=$((SECONDS + ${2:-10}))
  while [ $SECONDS -lt $deadline ]; do
    screen | grep -qE -- "$1" && return 0
    sleep 0.1
  done
  return 1
}

check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; FAILS=$((FAILS + 1)); echo "---- screen:"; screen; echo "----"; fi
}

finish() {
  if [ "$FAILS" -gt 0 ]; then echo "e2e: $FAILS failed"; exit 1; fi
  echo "e2e: all passed"
}
