#!/usr/bin/env bash
# Runs every benchmark of nnplay and prints ONE table of figures and ratios (nnplay ÷ peer, from
# this run) beside the targets, then writes it to bench-results/latest.md. A report, never a
# test: nothing here fails because a number is low, and the test command never runs it.
#
#   scripts/bench.sh [--quick]      (--quick: shorter measurements, fewer epochs)
#
# Steps: native criterion throughput (benches/train.rs), native whole runs with peak memory
# (benches/runs.rs), scikit-learn on the same MNIST split (scripts/bench_sklearn.py, in its own
# .bench-venv), the wasm builds (www/pkg and www/pkg-relaxed by scripts/build-wasm.sh;
# bench/pkg-relaxed, bench/pkg-simd and bench/pkg-nosimd from bench/wasm), then the browser benchmark in headless Chromium
# (bench/run.mjs driving bench/index.html, then the playground page itself through bench/page.mjs)
# and the table (bench/report.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1
seconds=2; epochs=10; fps_seconds=5; page_seconds=10; loads=5
if [ "$quick" = 1 ]; then seconds=0.5; epochs=3; fps_seconds=2; page_seconds=3; loads=2; fi

step() { printf '\n==> %s\n' "$*" >&2; }
target_dir="${CARGO_TARGET_DIR:-target}"
raw=bench-results/raw
mkdir -p "$raw"
rm -f "$raw"/*.json

# Peers and the browser driver live in bench/package.json, apart from the page's own packages.
if [ ! -d bench/node_modules ] || [ bench/package.json -nt bench/node_modules ]; then
  step "npm install (bench/)"
  (cd bench && npm install --no-audit --no-fund --loglevel=error)
fi
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  echo "error: Chromium not found at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM)" >&2
  exit 1
fi

step "native throughput (cargo bench --bench train)"
if [ "$quick" = 1 ]; then
  cargo bench --bench train -- --warm-up-time 0.5 --measurement-time 1 >&2
else
  cargo bench --bench train >&2
fi

step "native whole runs and peak memory (cargo bench --bench runs)"
result_line() { grep '^RESULT ' | tail -n 1 | sed 's/^RESULT //'; }
cargo bench --bench runs -- playground 200 | result_line > "$raw/runs-playground.json"

# nnplay and scikit-learn on MNIST take turns, three rounds of three runs each: other tenants of
# a shared machine slow it for seconds at a time, and turns give both the same quiet moments.
# Each file gets one RESULT line per round; the report takes the fastest of each.
step "native MNIST runs and scikit-learn on the same split, in turns"
for round in 1 2 3; do
  cargo bench --bench runs -- mnist "$epochs" | result_line >> "$raw/runs-mnist.json"
  python3 scripts/bench_sklearn.py --epochs "$epochs" | result_line >> "$raw/sklearn.json" || echo "warning: scikit-learn run failed" >&2
done

step "wasm builds"
if [ -x scripts/build-wasm.sh ]; then
  ./scripts/build-wasm.sh >&2 || echo "warning: scripts/build-wasm.sh failed; the page rows use the existing www/pkg if any" >&2
else
  echo "warning: scripts/build-wasm.sh not found; the page rows use the existing www/pkg if any" >&2
fi
# The benchmark's own handle on the engine: with relaxed SIMD (the page's build in Chromium), with
# plain simd128 and without SIMD (separate target dirs so a rerun rebuilds nothing). wasm32's
# default features include neither.
build_bench_wasm() {
  local name="$1" flags="$2"
  RUSTFLAGS="$flags" CARGO_TARGET_DIR="bench/wasm/target/$name" \
    cargo build --release --target wasm32-unknown-unknown --manifest-path bench/wasm/Cargo.toml >&2
  wasm-bindgen --target web --out-dir "bench/pkg-$name" "bench/wasm/target/$name/wasm32-unknown-unknown/release/nnplay_bench_wasm.wasm"
}
build_bench_wasm relaxed "-C target-feature=+simd128,+relaxed-simd"
build_bench_wasm simd "-C target-feature=+simd128"
build_bench_wasm nosimd ""

step "browser benchmark (headless Chromium)"
node bench/run.mjs "$raw/browser.json" --seconds "$seconds" --fps-seconds "$fps_seconds" \
  --page-seconds "$page_seconds" --loads "$loads" || echo "warning: the browser benchmark failed" >&2

step "table"
mkdir -p bench-results
node bench/report.mjs "$raw" "$target_dir/criterion" bench-results/latest.md
