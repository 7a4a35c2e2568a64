// Which of the page's two WebAssembly builds the training worker runs. Both come from
// scripts/build-wasm.sh: www/pkg-relaxed uses relaxed SIMD, whose fused multiply-add makes the
// products and the tanh fit 1.3–1.6 times faster in Chromium; www/pkg uses plain simd128 and
// runs in every current browser. The choice changes rounding, never what the page does.

/** The smallest module whose one function uses f32x4.relaxed_madd (opcode 0xfd 0x105). */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x13, 0x01, 0x11, 0x00, // code: one body of 17 bytes, no locals
  0x41, 0x01, 0xfd, 0x0f, 0x41, 0x02, 0xfd, 0x0f, 0x41, 0x03, 0xfd, 0x0f, // three i8x16.splat
  0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd, end
]);

/** Each build: its module's URL (resolved against this file, so any page can load it) and what
 * it means, for a tooltip. */
export const BUILDS = {
  'relaxed-simd': {
    url: new URL('./pkg-relaxed/nnplay.js', import.meta.url).href,
    name: 'WebAssembly with relaxed SIMD (fused multiply-adds)',
  },
  simd128: {
    url: new URL('./pkg/nnplay.js', import.meta.url).href,
    name: 'WebAssembly with SIMD (this browser has no relaxed SIMD)',
  },
};

/** The fastest build this engine can run. */
export function pickBuild() {
  try {
    return WebAssembly.validate(RELAXED_PROBE) ? 'relaxed-simd' : 'simd128';
  } catch {
    return 'simd128';
  }
}

/**
 * Imports and instantiates `build` (the picked one by default), falling back to plain simd128 if
 * that fails. The page and its worker both call this, so the browser fetches one module, not two.
 * @returns {Promise<{build: string, wasm: object, fallback: string | null}>} the build loaded, its
 *   exports, and why the picked build was not used (null when it was)
 */
export async function loadBuild(build = pickBuild()) {
  let fallback = null;
  if (BUILDS[build] && build !== 'simd128') {
    try {
      const wasm = await import(BUILDS[build].url);
      await wasm.default();
      return { build, wasm, fallback };
    } catch (err) {
      fallback = `the ${build} build did not load (${err && err.message ? err.message : err}); using plain SIMD`;
    }
  }
  const wasm = await import(BUILDS.simd128.url);
  await wasm.default();
  return { build: 'simd128', wasm, fallback };
}
