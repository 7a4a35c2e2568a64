#!/usr/bin/env bash
# Builds the wasm package and serves the playground on http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/ensure-deps.sh
source scripts/ensure-deps.sh

ensure_node_modules          # brings binaryen's wasm-opt for the release build
./scripts/build-wasm.sh
node scripts/bundle.mjs
echo "==> serving the playground (Ctrl-C to stop)"
exec node scripts/serve.mjs
