// Bundles and minifies the page's ES modules and CSS into www/dist/ with esbuild, so that a
// visitor downloads a handful of small files instead of thirty commented ones (the start-up
// budget is 250 KB gzipped, wasm included). The sources in www/ stay the truth: index.html
// loads www/dist/, and scripts/serve.mjs calls `ensureBundle()` before answering for a dist
// file, so an edited module is rebundled on the next reload (esbuild takes ~0.1 s).
//
//   node scripts/bundle.mjs          # build www/dist/ once
//
// Layout of www/dist/ (kept at the same depth as www/worker/ and www/ui/, so the relative
// URLs the modules build from import.meta.url, such as ../../data/, mean the same there):
//   boot.js, main.js + shared chunks  the page (boot.js starts the worker and the wasm download)
//   worker.js, links-worker.js        the two workers, each one self-contained file
//   style.css                         the page's style sheet
//   <tool>.css, digitpad.css          each teaching panel's sheet and the digits lab's, loaded when it opens
// The teaching-tool panels (www/ui/tools/) are imported on first open, so they become chunks
// that are not part of the start-up download. The wasm-bindgen glue (www/pkg*/) is imported by
// URL at run time, one of two builds, so it is never bundled.
import { readdirSync, statSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const WWW = join(ROOT, 'www');
const DIST = join(WWW, 'dist');
const SKIP = new Set(['dist', 'pkg', 'pkg-relaxed', 'pkg-nosimd']);

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  logLevel: 'warning',
};

/** Newest modification time of the page's sources (www/ without the generated folders). */
function newestSource(dir = WWW) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && dir === WWW && SKIP.has(entry.name)) continue;
    const full = join(dir, entry.name);
    const t = entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** Time of the last complete bundle (its stamp file), 0 when there is none. */
function bundleTime() {
  try {
    return statSync(join(DIST, '.stamp')).mtimeMs;
  } catch {
    return 0;
  }
}

/** Each panel's style sheet, www/ui/tools/<tool>.css → www/dist/<tool>.css (and the digits lab's): a panel loads it
 * from beside its own module (`new URL('./<tool>.css', import.meta.url)`), which is
 * www/ui/tools/ for the sources and www/dist/ for the bundle's chunks. */
function toolStyles() {
  const dir = join(WWW, 'ui', 'tools');
  const sheets = readdirSync(dir).filter((f) => f.endsWith('.css'));
  // The digits lab is loaded on first use the same way, from www/ui/.
  return { ...Object.fromEntries(sheets.map((f) => [f.slice(0, -4), `www/ui/tools/${f}`])), digitpad: 'www/ui/digitpad.css' };
}

/** Builds www/dist/ from www/. */
export async function bundle() {
  const esbuild = await import('esbuild');
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { boot: 'www/boot.js', main: 'www/main.js' },
      outdir: DIST,
      splitting: true,
      chunkNames: 'chunk-[hash]',
    }),
    esbuild.build({ ...common, entryPoints: { worker: 'www/worker.js' }, outdir: DIST }),
    esbuild.build({ ...common, entryPoints: { 'links-worker': 'www/ui/links-worker.js' }, outdir: DIST }),
    esbuild.build({ ...common, entryPoints: { style: 'www/style.css', ...toolStyles() }, outdir: DIST }),
  ]);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(DIST, '.stamp'), `${new Date().toISOString()}\n`);
}

let pending = null;

/** Rebuilds www/dist/ when a source is newer than the last bundle; concurrent calls share one build. */
export async function ensureBundle() {
  if (pending) return pending;
  if (bundleTime() >= newestSource()) return undefined;
  pending = bundle().finally(() => {
    pending = null;
  });
  return pending;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await bundle();
  console.log(`==> bundled www/ into www/dist/ in ${Date.now() - started} ms`);
}
