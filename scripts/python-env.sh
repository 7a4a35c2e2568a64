#!/usr/bin/env bash
# Makes (once) and checks the Python virtual environment that referees the exports: onnxruntime
# and onnx for the ONNX file, Keras 3 on JAX's CPU wheel for the Keras file. Pinned versions, so
# an export that passes today passes tomorrow; cached between runs, so only the first run pays
# for the download.
#
# Usage: scripts/python-env.sh            prints the venv's python path as the last stdout line
#        NNPLAY_PYTHON="$(scripts/python-env.sh | tail -n 1)" cargo test --test export
#
# Exit codes: 0 ready; 3 PyPI cannot be reached and the cache is cold (a loud notice says so on
# stderr: the caller decides whether that fails the run); 1 anything else (pip failed, broken venv).
# The venv lives in ${NNPLAY_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/nnplay/venv}.
set -euo pipefail

# PyTorch is not here on purpose: its wheel is too large for CI; the PyTorch export is checked by
# reading the file back instead (tests/export.rs).
REQUIREMENTS=(
  "numpy==2.4.6"
  "onnx==1.23.2"
  "onnxruntime==1.32.0"
  "keras==3.15.1"
  "jax[cpu]==0.10.2"
)
UNREACHABLE_EXIT=3

venv="${NNPLAY_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/nnplay/venv}"
python="$venv/bin/python"
stamp="$venv/.nnplay-requirements"
wanted="$(printf '%s\n' "${REQUIREMENTS[@]}")"

say() { printf '%s\n' "$*" >&2; }

loud_unreachable() {
  say ""
  say "################################################################################"
  say "##  PyPI IS NOT REACHABLE: the exports are NOT checked in the real frameworks  ##"
  say "##  (onnxruntime, Keras). Run scripts/python-env.sh again with the network.     ##"
  say "################################################################################"
  say ""
}

# Everything the checks import, in one process (importing keras is the slow part).
imports_work() {
  KERAS_BACKEND=jax "$python" -c 'import numpy, onnx, onnxruntime, jax, keras' >/dev/null 2>&1
}

if [ -x "$python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && imports_work; then
  say "python-env: cached venv at $venv"
  printf '%s\n' "$python"
  exit 0
fi

say "python-env: creating $venv (pinned: ${REQUIREMENTS[*]})"
mkdir -p "$(dirname "$venv")"
# A venv left half-made by an interrupted run is made again from scratch.
rm -rf "$venv"
python3 -m venv "$venv"

# A quick question to the index tells "no network" from "pip failed" before the long install.
if ! "$python" -m pip index versions numpy --timeout 20 --retries 1 >/dev/null 2>&1; then
  rm -rf "$venv"
  loud_unreachable
  exit "$UNREACHABLE_EXIT"
fi

if ! "$python" -m pip install --quiet --timeout 60 --retries 2 "${REQUIREMENTS[@]}"; then
  say "python-env: pip install failed (see above); removing the half-made venv"
  rm -rf "$venv"
  exit 1
fi
if ! imports_work; then
  say "python-env: the packages installed but do not import:"
  KERAS_BACKEND=jax "$python" -c 'import numpy, onnx, onnxruntime, jax, keras' >&2 || true
  exit 1
fi
printf '%s\n' "$wanted" >"$stamp"
say "python-env: ready"
printf '%s\n' "$python"
