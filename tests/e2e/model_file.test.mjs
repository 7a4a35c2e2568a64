// The page's "Download model" button saves the library's model file: the native command line
// reads it (`summary`, `eval`, `predict`), and `nnplay predict` on raw (x1, x2) rows gives the
// page's own predictions at those points, the derived features (x1², sin x1) computed from the
// file's pipeline as the page computes them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNumber, startPlayground, until } from './helpers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const QUERY = 'dataset=circle&layers=4,2&features=x1,x2,x1_squared,x2_squared,sin_x1&lr=0.1&noise=10';
const EPOCHS = 3;
// Inside the disc, on its edge, out in the ring and in the corners of the plane.
const POINTS = [[0, 0], [0.5, -0.5], [2.5, 1.2], [-3.1, 2.9], [4.5, 0], [0, -5.5], [-5.9, -5.9], [1.234, 4.321]];

let pg;
let dir;
before(async () => {
  pg = await startPlayground();
  dir = mkdtempSync(join(tmpdir(), 'nnplay-e2e-model-'));
});
after(async () => {
  await pg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The native `nnplay` binary: NNPLAY_BIN, or the debug build cargo makes (quick when up to date). */
function nnplayBinary() {
  if (process.env.NNPLAY_BIN) return process.env.NNPLAY_BIN;
  const out = execFileSync('cargo', ['build', '--quiet', '--bin', 'nnplay', '--message-format=json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line);
    if (m.reason === 'compiler-artifact' && m.target && m.target.name === 'nnplay' && m.executable) return m.executable;
  }
  throw new Error('cargo built no nnplay binary');
}

function nnplay(bin, args) {
  return execFileSync(bin, args, { encoding: 'utf8' });
}

/** The worker's network outputs at each point, read from its answers to the hover read-out's requests. */
async function pagePredictions(page, points) {
  await page.evaluate(() => {
    const { plane } = window.nnplay;
    const show = plane.showPrediction.bind(plane);
    window.predictionsForTest = new Map();
    plane.showPrediction = (msg) => {
      window.predictionsForTest.set(msg.id, msg.output);
      show(msg);
    };
  });
  for (const [i, [x1, x2]] of points.entries()) {
    await page.evaluate((msg) => window.nnplay.page.send(msg), { type: 'predict', x1, x2, id: 1e6 + i });
  }
  await until(() => page.evaluate((n) => window.predictionsForTest.size >= n, points.length), { timeoutMs: 30_000 });
  return page.evaluate((n) => Array.from({ length: n }, (_, i) => window.predictionsForTest.get(1e6 + i)), points.length);
}

test('a downloaded model predicts raw points with nnplay predict as the page does', async () => {
  const bin = nnplayBinary();
  const page = await pg.open(QUERY);
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    await page.click('#step');
    await until(async () => (await readNumber(page, '#epoch')) >= epoch);
  }
  assert.equal(await readNumber(page, '#epoch'), EPOCHS);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const modelPath = join(dir, download.suggestedFilename());
  await download.saveAs(modelPath);
  const file = JSON.parse(readFileSync(modelPath, 'utf8'));
  assert.equal(file.format, 'nnplay-model');
  assert.equal(file.version, 2);
  assert.deepEqual(file.input.columns, ['x1', 'x2']);
  assert.deepEqual(file.input.features, ['x1', 'x2', 'x1_squared', 'x2_squared', 'sin_x1']);
  assert.equal(file.playground.data, 'circle');
  assert.equal(file.playground.epochs, EPOCHS);
  assert.match(file.playground.query, /dataset=circle/);

  const expected = await pagePredictions(page, POINTS);
  const csv = join(dir, 'points.csv');
  writeFileSync(csv, `x1,x2\n${POINTS.map((p) => p.join(',')).join('\n')}\n`);
  const rows = nnplay(bin, ['predict', '--model', modelPath, '--csv', csv]).trim().split('\n');
  const header = rows[0].split(',');
  const names = file.classes;
  assert.deepEqual(header, ['prediction', `p(${names[0]})`, `p(${names[1]})`]);
  assert.equal(rows.length, POINTS.length + 1);
  for (const [i, row] of rows.slice(1).entries()) {
    const [label, p0, p1] = row.split(',');
    const page1 = expected[i][0];
    assert.ok(Math.abs(Number(p1) - page1) <= 1e-5, `at ${POINTS[i]}: nnplay predict says ${p1}, the page ${page1}`);
    assert.ok(Math.abs(Number(p0) - (1 - page1)) <= 1e-5, `at ${POINTS[i]}: ${p0}`);
    assert.equal(label, names[page1 > 0.5 ? 1 : 0], `at ${POINTS[i]}`);
  }
  // The points are told apart (a constant network would agree with anything).
  const outputs = expected.map((o) => o[0]);
  assert.ok(Math.max(...outputs) - Math.min(...outputs) > 0.05, `outputs ${outputs}`);

  const summary = nnplay(bin, ['summary', '--model', modelPath]);
  assert.match(summary, /features {2}x1, x2, x1², x2², sin\(x1\)/);
  assert.match(summary, new RegExp(`trained {3}on circle for ${EPOCHS} epochs`));
  assert.match(summary, /page link \?dataset=circle/);
  const evaluated = JSON.parse(nnplay(bin, ['eval', '--model', modelPath, '--dataset', 'circle', '--json']));
  assert.equal(evaluated.rows, 500);
  assert.ok(evaluated.accuracy >= 0 && evaluated.accuracy <= 1);
  assert.deepEqual(page.errors, []);
});
