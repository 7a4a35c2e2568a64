#!/usr/bin/env bash
# Installs what the page's scripts need and a fresh Debian machine lacks; sourced by
# scripts/serve.sh and scripts/test.sh. The Rust side (wasm32 target, wasm-bindgen CLI) is
# scripts/build-wasm.sh's job.

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# `npm ci` when node_modules is missing or older than package-lock.json (npm writes its own copy
# of the lock into node_modules/.package-lock.json on every install, so a lock changed by a pull
# is noticed).
ensure_node_modules() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is not installed (install node and npm first)" >&2
    return 1
  fi
  local stamp=node_modules/.package-lock.json
  if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] \
    || [ package.json -nt "$stamp" ]; then
    echo "==> npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Debian's Chromium drives the browser tests (playwright cannot download its own browser here);
# chromedriver lets wasm-bindgen-test-runner drive it for the wasm binding tests.
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    echo "==> installing chromium (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  fi
}

# The wasm binding tests run before scripts/build-wasm.sh in scripts/test.sh, so the wasm32
# target and the wasm-bindgen CLI (which brings wasm-bindgen-test-runner) at the exact version
# of the crate in Cargo.lock are made sure of here too.
ensure_wasm_tools() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "==> rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  local want have
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  have="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [ -n "$want" ] && [ "$have" != "$want" ]; then
    echo "==> cargo install wasm-bindgen-cli --version $want"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}
