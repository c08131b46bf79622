#!/usr/bin/env bash
# Runs the libFuzzer targets (FUZZING.md): first each target's committed regressions (Fuzz/regressions/TARGET, every
# input once), then SECONDS of fuzzing from its seeds (test resources, samples, Fuzz/seeds) and its grown corpus,
# with its dictionary, each input within 1 s and no allocation of 256 MB. Prints one line per target and appends it to the log;
# an input that crashes or breaks an invariant is kept under the artifacts folder and fails the run.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS [TARGET...]   (FUZZ_JOBS=2 runs two targets at once)
set -u
build=$1
seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(detect page json tdesktop tme rss opml config channels html query draw)
work=${FUZZ_WORK:-$root/.build/fuzz-work}
export LSAN_OPTIONS="suppressions=$root/Fuzz/lsan.supp:print_suppressions=0"
# AddressSanitizer holds 256 MB of freed memory back by default: a 256 MB limit would then measure its quarantine.
export ASAN_OPTIONS="quarantine_size_mb=16"
# A crash is libFuzzer's to report: the Swift runtime's backtracer, reading memory under AddressSanitizer, only muddles it.
export SWIFT_BACKTRACE=enable=no
log=$work/log.tsv
mkdir -p "$work"
resources=$root/Tests/FeedModelTests/Resources

# The seeds of a target: files of the formats it reads, small enough to mutate (the 100 KB t.me pages included).
seeds() {
    case $1 in
    detect | page | json | tdesktop | tme | rss)
        find "$resources" "$root/Samples" -type f ! -name '*.opml' ! -name '.keep';;
    html) find "$resources" -type f \( -name '*.html' -o -name '*.xml' -o -name '*.rdf' \); find "$root/Fuzz/seeds/html" -type f ;;
    opml) find "$resources/opml" -type f ;;
    *) find "$root/Fuzz/seeds/$1" -type f ;;
    esac
}

dictionary() {
    case $1 in
    detect) cat "$root"/Fuzz/dict/{xml,json,tme,page}.dict ;;
    page) cat "$root/Fuzz/dict/page.dict" ;;
    json | tdesktop) cat "$root/Fuzz/dict/json.dict" ;;
    tme) cat "$root/Fuzz/dict/tme.dict" ;;
    rss) cat "$root/Fuzz/dict/xml.dict" ;;
    html) cat "$root/Fuzz/dict/html.dict" ;;
    config) cat "$root/Fuzz/dict/toml.dict" ;;
    *) cat "$root/Fuzz/dict/$1.dict" ;;
    esac
}

run_target() {
    local t=$1 bin=$build/fuzz-$t
    if [ ! -x "$bin" ]; then
        echo "fuzz-$t: not built ($bin); run make fuzz-build" >&2
        return 1
    fi
    local seedsdir=$work/seeds/$t corpus=$work/corpus/$t artifacts=$work/artifacts/$t out=$work/$t.out
    rm -rf "$seedsdir"
    mkdir -p "$seedsdir" "$corpus" "$artifacts"
    seeds "$t" | while read -r f; do cp "$f" "$seedsdir/$(basename "$(dirname "$f")")-$(basename "$f")"; done
    dictionary "$t" > "$work/$t.dict"
    # The committed regressions first: each input once, all must pass.
    local regressions=("$root"/Fuzz/regressions/"$t"/*)
    if [ -e "${regressions[0]}" ]; then
        if ! "$bin" -timeout=1 -malloc_limit_mb=256 -rss_limit_mb=256 "${regressions[@]}" > "$work/$t.regressions.out" 2>&1; then
            echo "fuzz-$t: a committed regression fails again:" >&2
            grep -aE -A3 "ERROR|invariant broken|Fatal|Running" "$work/$t.regressions.out" | tail -12 >&2
            return 1
        fi
    fi
    # TOMLKit never frees a table it parsed (TOMLTable has no deinit: ~500 bytes an input), so the config target
    # runs in processes of at most 5 minutes, each starting from the corpus the last one grew.
    local left=$seconds piece=$seconds
    [ "$t" = config ] && [ "$piece" -gt 300 ] && piece=300
    while [ "$left" -gt 0 ]; do
        [ "$piece" -gt "$left" ] && piece=$left
        fuzz_once "$t" "$bin" "$piece" || return 1
        left=$((left - piece))
    done
}

# One libFuzzer process of SECONDS for target T; logs its line.
fuzz_once() {
    local t=$1 bin=$2 seconds=$3
    local seedsdir=$work/seeds/$t corpus=$work/corpus/$t artifacts=$work/artifacts/$t out=$work/$t.out
    # No allocation of 256 MB for any input; the process (libFuzzer's corpus in memory and AddressSanitizer's
    # bookkeeping included, which grow with the run) within 1 GB. Its peak is logged.
    local started=$SECONDS
    "$bin" -max_total_time="$seconds" -timeout=1 -malloc_limit_mb=256 -rss_limit_mb=1024 -dict="$work/$t.dict" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" "$seedsdir" > "$out" 2>&1
    local status=$? ran=$((SECONDS - started))
    local execs rate cov corp
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out" | tail -1)
    cov=$(grep -aoE 'cov: [0-9]+' "$out" | tail -1 | cut -d' ' -f2)
    corp=$(ls "$corpus" | wc -l)
    peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$out" | tail -1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$ran" "${execs:-0}" "${rate:-0}" "${cov:-0}" "$corp" "$status" "${peak:-0}" >> "$log"
    printf 'fuzz-%-9s %5s s  %9s runs  %6s/s  cov %5s  corpus %5s  %s\n' "$t" "$ran" "${execs:-0}" "${rate:-0}" "${cov:-0}" "$corp" \
        "$([ $status = 0 ] && echo ok || echo "FAILED: $(ls -t "$artifacts" | head -1)")"
    if [ $status != 0 ]; then
        grep -aE -A3 "ERROR|invariant broken|Fatal|SUMMARY" "$out" | head -12 >&2
        return 1
    fi
}

failed=()
jobs=${FUZZ_JOBS:-1}
if [ "$jobs" -gt 1 ]; then
    pids=()
    names=()
    for t in "${targets[@]}"; do
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
        run_target "$t" &
        pids+=($!)
        names+=("$t")
    done
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${names[$i]}"); done
else
    for t in "${targets[@]}"; do run_target "$t" || failed+=("$t"); done
fi
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing failed: ${failed[*]} (inputs under $work/artifacts)" >&2
    exit 1
fi
