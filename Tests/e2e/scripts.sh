# Many scripts drawn as the terminal draws them (sourced by run.sh): at each size, the real binary in tmux and
# `feedtui screen` with the same keys agree row for row, in the list, the body pane and the full-screen post, and
# every row ends with the frame's border in the last column.
SCRIPTS="$ROOT/Samples/many-scripts.json"

# same_screen W H KEYS: polls the pane until it shows what `feedtui screen` renders after KEYS; then checks the rows.
same_screen() {
  local deadline=$((SECONDS + 10))
  # The pane's zone and locale (the statistics name the zone).
  env TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 "$BIN" screen "$SCRIPTS" --size "$1x$2" --keys "$3" > "$TMP/want" || return 1
  until screen > "$TMP/got" && cmp -s "$TMP/want" "$TMP/got"; do
    if [ $SECONDS -ge $deadline ]; then diff "$TMP/want" "$TMP/got"; return 1; fi
    sleep 0.1
  done
  python3 "$ROOT/Tests/e2e/rows_end_at_border.py" "$1" < "$TMP/got"
}

for size in 40x12 80x24 120x40 200x60; do
  w=${size%x*} h=${size#*x}
  # Without a pane every comparison would wait out its timeout: one failure instead.
  if ! start "$w" "$h"; then check "$size: tmux starts" false; continue; fi
  keys "clear; $BIN --library $TMP/scripts-$size.sqlite $SCRIPTS; echo EXIT=\$?" Enter
  pressed=""
  check "$size: the list and the first post match feedtui screen" same_screen "$w" "$h" ""
  # Under 80 columns Tab shows the body pane, then the statistics, then the list again; Space pages a long post.
  case $size in 40x12) per_post="Tab Tab Tab Enter Space q";; 80x24) per_post="Enter Space q";; *) per_post="Enter q";; esac
  for post in $(seq 12); do
    for key in $([ "$post" -gt 1 ] && echo j) $per_post; do
      keys "$key"
      pressed="${pressed:+$pressed }$key"
      [ "$key" = q ] || check "$size: post $post after '$key' matches feedtui screen" same_screen "$w" "$h" "$pressed"
    done
  done
  if [ "$size" = 80x24 ]; then
    keys g
    check "80x24: Persian in visual order, at the right edge of the body pane" wait_for "!کرابم ۱۴۰۴ زورون │$"
    check "80x24: an RTL channel title in visual order" wait_for "^┌ Polyglot Wire هنابزدنچ هٔمانربخ @polyglot_wire"
  fi
  keys q
  check "$size: quits" wait_for "^EXIT=0"
done

# Search highlights land on the matched letters once they are reordered (NO_COLOR: a match is bold and underlined).
# shows_sgr TEXT: polls the pane, captured with its attributes, until it shows TEXT.
shows_sgr() {
  local deadline=$((SECONDS + 10))
  until t capture-pane -e -p -t e2e | grep -qF -- "$1"; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.1
  done
}
if start 80 24; then
  keys "clear; NO_COLOR=1 $BIN --library $TMP/scripts-search.sqlite $SCRIPTS; echo EXIT=\$?" Enter
  wait_for "Polyglot" 15
  keys /; keys -l "مبارک"; keys Enter
  check "a Persian match is underlined on its letters, in visual order" shows_sgr "!$(printf '\e[1;4m')کرابم$(printf '\e[0m')"
  keys q; keys q
  check "quits after the search" wait_for "^EXIT=0"
else
  check "80x24: tmux starts for the search" false
fi
