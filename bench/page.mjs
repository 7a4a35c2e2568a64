// The playground page as a student meets it, for bench/run.mjs (and on its own): how fast the
// page trains while it draws, and how fast it starts. Serves the repository with
// scripts/serve.mjs (the page's own server, which logs what it sends), drives Debian's headless
// Chromium at 1366×768 and reports; a benchmark, never a test.
//
// - play: for the default page and the TensorFlow Playground's largest network (spiral, all
//   seven features, six hidden layers of eight), at the default speed (one epoch per frame) and
//   at `fast`: epochs per second read from the page's own counters (window.nnplay.stats), frames
//   per second, the longest main-thread task (PerformanceObserver 'longtask') and how often each
//   picture was repainted per second.
// - start-up: gzipped bytes of everything the default page loads until its first boundary is
//   drawn (HTML, JS, CSS, wasm; the page's worker included), and the time from navigation to
//   that first boundary (the page's 'nnplay-first-boundary' mark), on a cold cache each time.
//
//   node bench/page.mjs OUT.json [--seconds S] [--loads N]

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LARGEST = 'dataset=spiral&features=x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2&layers=8,8,8,8,8,8';
/** The pictures the page repaints while training (names of its pacers' counters). */
const PICTURES = ['boundary', 'neurons', 'links', 'chart', 'readouts'];

/** Starts scripts/serve.mjs on a free port with request logging; returns its URL and log. */
export async function startServer() {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs')], {
    env: { ...process.env, PORT: '0', NNPLAY_LOG_REQUESTS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log = [];
  let buf = '';
  const url = await new Promise((ok, fail) => {
    child.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = line.match(/^http:\/\/\S+/);
        if (m) ok(m[0]);
        else if (line.startsWith('{')) log.push(JSON.parse(line));
      }
    });
    child.on('exit', (code) => fail(new Error(`serve.mjs exited with ${code}`)));
  });
  return { url, log, stop: () => child.kill('SIGTERM') };
}

async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'nnplay-page-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 1366, height: 768 },
  });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/** Plays `query` at `speed` and measures for `seconds` after a second of warm-up. */
async function play(context, base, query, speed, seconds) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const url = `${base}index.html?${query}${query ? '&' : ''}speed=${speed}`;
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
    await page.click('#play');
    await page.waitForTimeout(1000);
    const r = await page.evaluate((ms) => new Promise((done) => {
      window.__longTasks = [];
      let first = null;
      let frames = 0;
      const tick = (t) => {
        const s = window.nnplay.stats();
        if (!first) first = { t, s };
        else frames += 1;
        if (t - first.t < ms) {
          requestAnimationFrame(tick);
          return;
        }
        const paints = {};
        for (const [k, v] of Object.entries(s.paints)) paints[k] = v - (first.s.paints[k] || 0);
        done({ ms: t - first.t, frames, epochs: s.epoch - first.s.epoch, steps: s.steps - first.s.steps, drawn: s.drawn - first.s.drawn, paints, longTasks: window.__longTasks.slice() });
      };
      requestAnimationFrame(tick);
    }), seconds * 1000);
    await page.click('#play');
    const per = (n) => (n * 1000) / r.ms;
    return {
      url,
      seconds: r.ms / 1000,
      epochs_per_s: per(r.epochs),
      steps_per_s: per(r.steps),
      fps: per(r.frames),
      epochs_per_frame: r.epochs / Math.max(1, r.frames),
      worker_frames_drawn_per_s: per(r.drawn),
      long_tasks: r.longTasks.length,
      longest_task_ms: r.longTasks.length ? Math.max(...r.longTasks) : 0,
      paints_per_s: Object.fromEntries(PICTURES.map((k) => [k, per(r.paints[k] || 0)])),
      slowest_picture_per_s: Math.min(...PICTURES.map((k) => per(r.paints[k] || 0))),
    };
  } catch (e) {
    return { url, error: String(e.message ?? e) };
  } finally {
    await page.close();
  }
}

/** One cold load of the default page: bytes sent until the first boundary, and its time. */
export async function startup(server) {
  const { context, close } = await launch();
  try {
    const page = await context.newPage();
    const from = server.log.length;
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
    const firstBoundaryMs = await page.evaluate(() => performance.getEntriesByName('nnplay-first-boundary')[0]?.startTime ?? null);
    const sent = server.log.slice(from).filter((e) => e.status === 200);
    const files = sent.map(({ path }) => {
      const body = readFileSync(join(ROOT, decodeURIComponent(path === '/' ? '/index.html' : path)));
      return { path, bytes: body.length, gzip_bytes: gzipSync(body, { level: 6 }).length };
    });
    return {
      first_boundary_ms: firstBoundaryMs,
      requests: server.log.slice(from).length,
      bytes: files.reduce((a, f) => a + f.bytes, 0),
      gzip_bytes: files.reduce((a, f) => a + f.gzip_bytes, 0),
      files,
    };
  } finally {
    await close();
  }
}

/** Every figure: the four play runs and `loads` cold start-ups (the median's time is reported). */
export async function measurePage({ seconds = 10, loads = 5 } = {}) {
  const server = await startServer();
  const result = { play: {}, startup: null };
  try {
    const { context, close } = await launch();
    try {
      for (const [name, query] of [['default', ''], ['largest', LARGEST]]) {
        for (const speed of ['epochs(1)', 'fast']) {
          const key = `${name}_${speed === 'fast' ? 'fast' : 'epoch'}`;
          console.error(`  page: ${key}…`);
          result.play[key] = await play(context, server.url, query, speed, seconds);
        }
      }
    } finally {
      await close();
    }
    const runs = [];
    for (let i = 0; i < loads; i++) {
      console.error(`  page: cold start-up ${i + 1}/${loads}…`);
      runs.push(await startup(server));
    }
    const times = runs.map((r) => r.first_boundary_ms).filter((t) => t != null).sort((a, b) => a - b);
    result.startup = {
      loads: runs.length,
      first_boundary_ms_median: times.length ? times[Math.floor(times.length / 2)] : null,
      first_boundary_ms_all: times,
      gzip_bytes: runs[0]?.gzip_bytes ?? null,
      bytes: runs[0]?.bytes ?? null,
      files: runs[0]?.files ?? [],
    };
  } finally {
    server.stop();
  }
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const out = args[0];
  const result = await measurePage({ seconds: opt('seconds', 10), loads: opt('loads', 5) });
  const text = JSON.stringify(result, null, 2);
  if (out && !out.startsWith('--')) writeFileSync(out, text);
  else process.stdout.write(`${text}\n`);
}
