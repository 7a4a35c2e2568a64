// Drives the browser benchmark for scripts/bench.sh: serves the repository on a free loopback
// port, opens bench/index.html in Debian's headless Chromium (through playwright-core, never a
// downloaded browser), waits for window.benchResults, then measures the playground page's frame
// rate while it trains its largest network, and the page as a student meets it (bench/page.mjs:
// on-page epochs/s at each speed, frames/s, longest task, start-up bytes and time to the first
// boundary). Writes everything as JSON to the path in argv[2].
//
//   node bench/run.mjs OUT.json [--seconds S] [--only ids] [--engines names] [--fps-seconds S]
//                              [--page-seconds S] [--loads N]

import { createServer } from 'node:http';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { measurePage } from './page.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const out = args[0];
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
if (!out) {
  console.error('usage: node bench/run.mjs OUT.json [--seconds S] [--only ids] [--engines names] [--fps-seconds S]');
  process.exit(2);
}

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.gz': 'application/gzip', '.map': 'application/json; charset=utf-8',
};
// The page, its wasm package and data, and the benchmark with its installed peers.
const ALLOWED = ['index.html', 'www', 'data', 'bench'];

const server = createServer((req, res) => {
  let path;
  try {
    path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^[/\\]+/, '');
  } catch {
    res.writeHead(400).end();
    return;
  }
  const full = join(ROOT, path);
  const top = path.split(/[/\\]/)[0];
  if (!full.startsWith(ROOT + sep) || !ALLOWED.includes(top)) {
    res.writeHead(404).end();
    return;
  }
  let file = full;
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    statSync(file);
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(join(tmpdir(), 'nnplay-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 1000 },
});

const result = { base, browser: context.browser()?.version() ?? null };
try {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error(`  [page] ${m.text()}`); });
  page.on('pageerror', (e) => console.error(`  [page] ${e.message}`));
  const query = new URLSearchParams({ seconds: opt('seconds', '1.5') });
  if (opt('only')) query.set('only', opt('only'));
  if (opt('engines')) query.set('engines', opt('engines'));
  await page.goto(`${base}/bench/index.html?${query}`);
  result.userAgent = await page.evaluate(() => navigator.userAgent);
  let last = '';
  const deadline = Date.now() + 30 * 60 * 1000;
  for (;;) {
    const state = await page.evaluate(() => ({ done: window.benchResults ?? null, status: window.benchStatus ?? '' }));
    if (state.status !== last) {
      console.error(`  browser: ${state.status}`);
      last = state.status;
    }
    if (state.done) {
      result.bench = state.done;
      break;
    }
    if (Date.now() > deadline) throw new Error('the benchmark page did not finish in 30 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.close();
  result.fps = await frameRate(Number(opt('fps-seconds', '5')));
  result.page = await measurePage({ seconds: Number(opt('page-seconds', '10')), loads: Number(opt('loads', '5')) });
} catch (e) {
  result.error = String(e.message ?? e);
  console.error(`error: ${result.error}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  server.close();
}
writeFileSync(out, JSON.stringify(result, null, 2));

/**
 * Opens the playground with its largest network (8 hidden layers × 32 neurons, all 7 inputs),
 * presses play and counts requestAnimationFrame callbacks for `seconds`.
 */
async function frameRate(seconds) {
  const page = await context.newPage();
  const layers = Array(8).fill(32).join(',');
  const url = `${base}/index.html?dataset=circle&features=x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2&layers=${layers}&act=tanh&lr=0.03&batch=10`;
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.click('#play');
    await page.waitForTimeout(1000);
    const measured = await page.evaluate(
      (ms) =>
        new Promise((done) => {
          const stamps = [];
          const tick = (t) => {
            stamps.push(t);
            if (t - stamps[0] < ms) requestAnimationFrame(tick);
            else done({ frames: stamps.length - 1, ms: stamps[stamps.length - 1] - stamps[0] });
          };
          requestAnimationFrame(tick);
        }),
      seconds * 1000,
    );
    const counters = await page.evaluate(() => ({
      epoch: document.getElementById('epoch')?.textContent ?? null,
      stepsPerSecond: document.getElementById('steps-per-sec')?.textContent ?? null,
    }));
    await page.click('#play');
    return { url, fps: (measured.frames * 1000) / measured.ms, ...measured, ...counters };
  } catch (e) {
    return { url, error: String(e.message ?? e) };
  } finally {
    await page.close();
  }
}
