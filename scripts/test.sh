#!/usr/bin/env bash
# Runs every test of the project, in order, stopping at the first failure:
# rustfmt, native unit/integration tests and doctests, clippy, the wasm binding tests, the release wasm
# build and the browser end-to-end tests against a static server on a free port, and a short
# fuzzing pass of every parser of outside input.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/ensure-deps.sh
source scripts/ensure-deps.sh

step() { printf '\n==> %s\n' "$*"; }

ensure_node_modules
ensure_chromium

step "cargo fmt --check"
cargo fmt --check

step "cargo test --all-targets"
# The exports are refereed by onnxruntime and Keras from a cached venv (tests/export.rs); exit 3
# means PyPI is unreachable: the run goes on and the tests say loudly what they did not check.
rc=0; py="$(scripts/python-env.sh)" || rc=$?
case "$rc" in 0) export NNPLAY_PYTHON="$py" ;; 3) ;; *) exit "$rc" ;; esac
cargo test --all-targets

step "cargo test --doc"
cargo test --doc

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings

step "wasm binding tests (cargo test --target wasm32-unknown-unknown --test web)"
# The runner (wasm-bindgen-test-runner, set in .cargo/config.toml) drives Debian's Chromium
# through chromedriver.
ensure_wasm_tools
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
cargo test --target wasm32-unknown-unknown --test web

step "build the wasm package and bundle the page"
./scripts/build-wasm.sh
node scripts/bundle.mjs

step "browser end-to-end tests"
log="$(mktemp)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -f "$log"
}
trap cleanup EXIT
PORT=0 node scripts/serve.mjs >"$log" 2>&1 &
server_pid=$!
base_url=""
for _ in $(seq 1 100); do
  base_url="$(head -n 1 "$log" | grep -o 'http://[^ ]*' || true)"
  [ -n "$base_url" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$log" >&2; exit 1; fi
  sleep 0.1
done
if [ -z "$base_url" ]; then echo "error: the static server did not start" >&2; exit 1; fi
echo "static server at $base_url"
NNPLAY_BASE_URL="$base_url" node --test --test-concurrency=1 tests/e2e/

step "fuzz each parser of outside input for 10 s (scripts/fuzz.sh; a long run is --seconds 1800 --keep)"
./scripts/fuzz.sh --seconds 10
