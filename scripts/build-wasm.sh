#!/usr/bin/env bash
# Builds the WebAssembly packages the page loads (nnplay.js + nnplay_bg.wasm): www/pkg-relaxed
# with relaxed SIMD (fused multiply-adds) for engines that validate it, and www/pkg with plain
# simd128 for the others (www/main.js probes and picks). Idempotent: installs only what is
# missing, and can be rerun at any time.
#
#   scripts/build-wasm.sh            # the two SIMD builds
#   scripts/build-wasm.sh --no-simd  # also a build without SIMD into www/pkg-nosimd (benchmarks)
#
# The SIMD flag and the test runner live in .cargo/config.toml ([target.wasm32-unknown-unknown]).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
TARGET=wasm32-unknown-unknown
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

NO_SIMD=0
for arg in "$@"; do
    case "$arg" in
        --no-simd) NO_SIMD=1 ;;
        -h | --help)
            sed -n '2,8p' "$0"
            exit 0
            ;;
        *)
            echo "unknown option: $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

# 1. The Rust target.
if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    echo "==> rustup target add $TARGET"
    rustup target add "$TARGET"
fi

# 2. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock (the two
#    must match or the generated glue refuses the module).
WANT="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$WANT" ]; then
    echo "cannot find the wasm-bindgen version in Cargo.lock" >&2
    exit 1
fi
HAVE="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$HAVE" != "$WANT" ]; then
    echo "==> cargo install wasm-bindgen-cli --version $WANT (found '${HAVE:-none}')"
    # No --locked: the CLI's own lock file does not build with every toolchain.
    cargo install wasm-bindgen-cli --version "$WANT"
fi

# 3. Optional size/speed pass with binaryen's wasm-opt, when the npm package is installed.
have_wasm_opt() {
    [ -x node_modules/.bin/wasm-opt ] || [ -d node_modules/binaryen ]
}

# build <out-dir> <rustflags> <cargo target dir>
build() {
    local out="$1" flags="$2" dir="$3"
    echo "==> cargo build --release --target $TARGET --lib (RUSTFLAGS='$flags') -> $out"
    # RUSTFLAGS replaces the rustflags of .cargo/config.toml, so each variant sets its own; each
    # has its own target directory so switching flags does not rebuild everything.
    RUSTFLAGS="$flags" CARGO_TARGET_DIR="$dir" cargo build --release --target "$TARGET" --lib
    wasm-bindgen --target web --out-dir "$out" "$dir/$TARGET/release/nnplay.wasm"
    if have_wasm_opt; then
        local features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue"
        if [[ "$flags" == *simd128* ]]; then features="$features --enable-simd"; fi
        if [[ "$flags" == *relaxed-simd* ]]; then features="$features --enable-relaxed-simd"; fi
        echo "==> wasm-opt -O3 $out/nnplay_bg.wasm"
        # shellcheck disable=SC2086
        npx --yes wasm-opt -O3 $features "$out/nnplay_bg.wasm" -o "$out/nnplay_bg.wasm"
    else
        echo "    (binaryen not installed: skipping wasm-opt; run npm install to enable it)"
    fi
    if [ -x node_modules/.bin/esbuild ]; then
        # The glue is part of every visitor's start-up download: minified it is half the size.
        node_modules/.bin/esbuild --minify --format=esm --log-level=warning --allow-overwrite "$out/nnplay.js" --outfile="$out/nnplay.js"
    fi
    ls -l "$out"/nnplay_bg.wasm "$out"/nnplay.js
}

build www/pkg "-C target-feature=+simd128" "$TARGET_DIR"
build www/pkg-relaxed "-C target-feature=+simd128,+relaxed-simd" "$TARGET_DIR/relaxed"
if [ "$NO_SIMD" = 1 ]; then
    build www/pkg-nosimd "" "$TARGET_DIR/nosimd"
fi
echo "==> done: serve www/ and open index.html"
