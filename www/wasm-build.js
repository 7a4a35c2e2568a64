// Which of the page's two WebAssembly builds runs, and loading it once. Both come from
// scripts/build-wasm.sh: www/pkg-relaxed uses relaxed SIMD, whose fused multiply-add makes the
// products and the tanh fit 1.3–1.6 times faster in Chromium; www/pkg uses plain simd128 and
// runs in every current browser. The choice changes rounding, never what the page does.
//
// The page fetches and compiles the module once and hands the compiled WebAssembly.Module to
// its training worker, which instantiates it without a second download or compilation.

/** The smallest module whose one function uses f32x4.relaxed_madd (opcode 0xfd 0x105). */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x13, 0x01, 0x11, 0x00, // code: one body of 17 bytes, no locals
  0x41, 0x01, 0xfd, 0x0f, 0x41, 0x02, 0xfd, 0x0f, 0x41, 0x03, 0xfd, 0x0f, // three i8x16.splat
  0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd, end
]);

/** www/, found from this module's URL: the source lives in www/, the page's bundle (scripts/bundle.mjs) in www/dist/. */
const WWW = new URL(/\/dist\/[^/]*$/.test(new URL(import.meta.url).pathname) ? '../' : './', import.meta.url);

/** Each build: its glue module's URL (resolved against www/, so any page can load it),
 * its wasm file, and what it means, for a tooltip. */
export const BUILDS = {
  'relaxed-simd': {
    url: new URL('pkg-relaxed/nnplay.js', WWW).href,
    wasm: new URL('pkg-relaxed/nnplay_bg.wasm', WWW).href,
    name: 'WebAssembly with relaxed SIMD (fused multiply-adds)',
  },
  simd128: {
    url: new URL('pkg/nnplay.js', WWW).href,
    wasm: new URL('pkg/nnplay_bg.wasm', WWW).href,
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

/** Starts importing the glue of the build this engine runs, ahead of `loadBuild` (a worker does). */
export function preloadGlue(build = pickBuild()) {
  import(BUILDS[build].url).catch(() => {}); // loadBuild reports any failure
}

/** Imports the glue of `build` and instantiates `module`, or fetches and compiles it first. */
async function loadOne(build, module) {
  const spec = BUILDS[build];
  const [wasm, compiled] = await Promise.all([
    import(spec.url),
    module || WebAssembly.compileStreaming(fetch(spec.wasm)),
  ]);
  await wasm.default({ module_or_path: compiled });
  return { wasm, module: compiled };
}

/**
 * Loads `build` (the picked one by default), falling back to plain simd128 if that fails. With
 * `module` (what the page's own call returned), instantiates it instead of fetching.
 * @returns {Promise<{build: string, wasm: object, module: WebAssembly.Module, fallback: string | null}>}
 *   the build loaded, its exports, its compiled module (to hand to a worker), and why the
 *   picked build was not used (null when it was)
 */
export async function loadBuild(build = pickBuild(), module = null) {
  let fallback = null;
  if (BUILDS[build] && build !== 'simd128') {
    try {
      return { build, ...(await loadOne(build, module)), fallback };
    } catch (err) {
      fallback = `the ${build} build did not load (${err && err.message ? err.message : err}); using plain SIMD`;
      module = null; // the module that failed was the other build's
    }
  }
  return { build: 'simd128', ...(await loadOne('simd128', module)), fallback };
}
