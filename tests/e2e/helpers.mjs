// Shared set-up for the browser tests: one static server (or the one scripts/test.sh started,
// given by NNPLAY_BASE_URL), Debian's headless Chromium driven by playwright-core, console
// errors collected per page, and screenshots saved for a human under tests/e2e/screenshots/.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
export const SCREENSHOT_DIR = join(HERE, 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Keep timers and rAF running in a page the headless browser considers hidden.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Starts `scripts/serve.mjs` on a free port unless NNPLAY_BASE_URL names a running server. */
async function startServer() {
  if (process.env.NNPLAY_BASE_URL) return { url: process.env.NNPLAY_BASE_URL, stop: async () => {} };
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs')], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never leave the server behind, even when a test run is interrupted.
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  const url = await new Promise((ok, fail) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/http:\/\/\S+/);
      if (m) ok(m[0]);
    });
    child.on('exit', (code) => fail(new Error(`static server exited with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      process.removeListener('exit', killChild);
      child.kill('SIGTERM');
    },
  };
}

/**
 * Opens the browser and the server for one test file. Returns `{ open, close }`: `open(query)`
 * loads the playground with that query string in a new page and waits until the first frame is
 * drawn; its `errors` array collects console errors and uncaught exceptions.
 */
export async function startPlayground({ width = 1366, height = 768, ...device } = {}) {
  const server = await startServer();
  const profile = mkdtempSync(join(tmpdir(), 'nnplay-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
    // Phones and tablets: `hasTouch`, `isMobile`, `deviceScaleFactor`; `colorScheme`, `reducedMotion`.
    ...device,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  context.setDefaultTimeout(60_000);
  const pages = [];

  async function open(query = '', { waitReady = true } = {}) {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (err) => errors.push(String(err)));
    page.errors = errors;
    pages.push(page);
    await page.goto(new URL(query ? `?${query.replace(/^\?/, '')}` : '', server.url).href);
    if (waitReady) await waitForReady(page);
    return page;
  }

  async function close() {
    for (const p of pages) await p.close().catch(() => {});
    await context.close().catch(() => {});
    await server.stop();
    rmSync(profile, { recursive: true, force: true });
  }

  return { open, close, baseUrl: server.url, context };
}

/** Waits until the page says it has drawn at least one frame from the worker. */
export async function waitForReady(page) {
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
}

/** Saves a screenshot of the whole page for a human to look at. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Reads a number shown in the page (text of the element), ignoring thousands separators and %. */
export async function readNumber(page, selector) {
  const text = await page.textContent(selector);
  const n = Number.parseFloat(String(text).replace(/[,\s%]/g, ''));
  return n;
}

/** The RGBA pixels of a canvas, as a plain array (small canvases only). */
export async function canvasPixels(page, selector) {
  return page.$eval(selector, (c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    return { width: c.width, height: c.height, data: Array.from(data) };
  });
}

/** Number of distinct colours (quantised to 4 bits per channel) among a canvas' pixels. */
export function distinctColours(pixels) {
  const seen = new Set();
  for (let i = 0; i < pixels.data.length; i += 4) {
    const d = pixels.data;
    seen.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4));
  }
  return seen.size;
}

/**
 * Counts the distinct class colours in a canvas: the strongly coloured pixels' hues go into 36
 * bins of 10°, and every local peak holding at least `minShare` of those pixels is one cluster
 * (peaks closer than 20° count once). Blends along the borders between two colours are too
 * few to make a peak of their own.
 */
export function hueClusters(pixels, { minShare = 0.04, minSaturation = 0.25 } = {}) {
  const N = 36;
  const bins = new Array(N).fill(0);
  let total = 0;
  const d = pixels.data;
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i] / 255;
    const g = d[i + 1] / 255;
    const b = d[i + 2] / 255;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const s = max === 0 ? 0 : (max - min) / max;
    if (s < minSaturation || max < 0.2) continue;
    let h;
    if (max === r) h = ((g - b) / (max - min)) % 6;
    else if (max === g) h = (b - r) / (max - min) + 2;
    else h = (r - g) / (max - min) + 4;
    h = (h * 60 + 360) % 360;
    bins[Math.floor(h / (360 / N)) % N] += 1;
    total += 1;
  }
  if (total === 0) return [];
  const peaks = [];
  for (let k = 0; k < N; k++) {
    const n = bins[k];
    if (n / total < minShare) continue;
    if (n < bins[(k + N - 1) % N] || n < bins[(k + 1) % N]) continue;
    const hue = k * (360 / N) + 5;
    if (peaks.some((p) => Math.min(Math.abs(p.hue - hue), 360 - Math.abs(p.hue - hue)) < 20)) continue;
    peaks.push({ hue, share: Number((n / total).toFixed(3)) });
  }
  return peaks;
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function until(fn, { timeoutMs = 120_000, intervalMs = 250 } = {}) {
  const end = Date.now() + timeoutMs;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Pauses training if it plays and waits until the step counter stops (frames on their way arrive). */
export async function pauseAndSettle(page) {
  if ((await page.getAttribute('#play', 'aria-pressed')) === 'true') await page.click('#play');
  await until(async () => (await page.getAttribute('#play', 'aria-pressed')) === 'false');
  let last = await readNumber(page, '#step-count');
  await until(async () => {
    await page.waitForTimeout(300);
    const now = await readNumber(page, '#step-count');
    const stable = now === last;
    last = now;
    return stable;
  });
}

/** Training + test points the draw panel reports ("N training and M test points."), -1 when it says none. */
export async function pointCount(page) {
  const m = ((await page.textContent('#draw-status')) || '').match(/([\d,]+) training and ([\d,]+) test/);
  return m ? Number(m[1].replace(/,/g, '')) + Number(m[2].replace(/,/g, '')) : -1;
}
