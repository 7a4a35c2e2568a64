#!/usr/bin/env bash
# Fuzzes every parser that takes outside input (CSV import, model files, the link, the page's
# message boundary) with cargo-fuzz / libFuzzer on the nightly toolchain, installing both when
# missing. Each target runs for a bounded time, starting from the corpus kept in fuzz/corpus/.
#
#   scripts/fuzz.sh                 # 20 s per target (the test command's short pass)
#   scripts/fuzz.sh --seconds 1800  # a long run; new inputs are added to fuzz/corpus/<target>/
#   scripts/fuzz.sh --target csv    # one target only
#
# The short pass reads the kept corpus but writes what it finds to a scratch folder, so a test
# run never changes the repository; a long run (--keep) adds its finds to fuzz/corpus/ (then
# `cargo +nightly fuzz cmin <target>` keeps it small). A crash stops the run with the input
# saved under fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/<what-it-broke>,
# fix the bug, and tests/fuzz_corpus.rs replays it on every test run from then on.
# Prints executions per target at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=20
KEEP=0
TARGETS=(csv model_file link session)
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_TARGET="$2"; shift 2 ;;
        --target) TARGETS=("$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
done

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "==> rustup toolchain install nightly --profile minimal"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> cargo install cargo-fuzz"
    cargo install cargo-fuzz
fi

# The fuzz build has its own target folder (sanitizer flags differ from every other build).
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-target}/fuzz}"
echo "==> cargo +nightly fuzz build (${TARGETS[*]})"
for target in "${TARGETS[@]}"; do cargo +nightly fuzz build --release --debug-assertions "$target"; done
report=()
for target in "${TARGETS[@]}"; do
    scratch="$(mktemp -d)"
    dirs=("$scratch" "fuzz/corpus/$target")
    [ "$KEEP" = 1 ] && dirs=("fuzz/corpus/$target")
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    log="$(mktemp)"
    echo "==> fuzz $target for ${SECONDS_PER_TARGET}s"
    if ! cargo +nightly fuzz run --release --debug-assertions "$target" "${dirs[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz: $target found a crash; the input is in fuzz/artifacts/$target/" >&2
        rm -rf "$scratch"
        exit 1
    fi
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
    report+=("$target: ${runs:-?} executions in ${SECONDS_PER_TARGET}s, 0 crashes")
    rm -rf "$scratch" "$log"
done
printf '==> fuzzing done\n'
printf '    %s\n' "${report[@]}"
