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

/** `nnplay predict` on POINTS: p(class 1) per point. */
function cliPredictions(bin, modelPath) {
  const csv = join(dir, 'points.csv');
  writeFileSync(csv, `x1,x2\n${POINTS.map((p) => p.join(',')).join('\n')}\n`);
  const rows = nnplay(bin, ['predict', '--model', modelPath, '--csv', csv]).trim().split('\n');
  return rows.slice(1).map((r) => Number(r.split(',')[2]));
}

async function openModel(page, path) {
  await page.setInputFiles('#open-model-file', path);
  await until(async () => /Opened/.test((await page.textContent('#message')) || ''), { timeoutMs: 30_000 });
}

test('CLI → page → CLI: a model the CLI saved opens in the page with its settings and predicts the same; downloaded again, the CLI agrees', async () => {
  const bin = nnplayBinary();
  const saved = join(dir, 'cli.json');
  nnplay(bin, ['train', '--config', QUERY, '--epochs', '4', '--save', saved]);
  const cli = cliPredictions(bin, saved);

  const page = await pg.open('dataset=xor&layers=2');
  await page.click('#open-model');
  await openModel(page, saved);
  const url = new URL(page.url()).searchParams;
  assert.equal(url.get('dataset'), 'circle');
  assert.equal(url.get('layers'), '4,2');
  assert.equal(url.get('features'), 'x1,x2,x1_squared,x2_squared,sin_x1');
  const shown = (await pagePredictions(page, POINTS)).map((o) => o[0]);
  for (const [i, p] of shown.entries()) assert.ok(Math.abs(p - cli[i]) <= 1e-5, `at ${POINTS[i]}: page ${p}, CLI ${cli[i]}`);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const again = join(dir, 'again.json');
  await download.saveAs(again);
  const back = cliPredictions(bin, again);
  for (const [i, p] of back.entries()) assert.ok(Math.abs(p - cli[i]) <= 1e-5, `at ${POINTS[i]}: CLI after the page ${p}, before ${cli[i]}`);
  assert.deepEqual(page.errors, []);
});

test('page → page: a downloaded model opens in a fresh page with the same predictions; foreign and broken files are refused and nothing changes', async () => {
  const page = await pg.open(QUERY);
  for (let epoch = 1; epoch <= 2; epoch++) {
    await page.click('#step');
    await until(async () => (await readNumber(page, '#epoch')) >= epoch);
  }
  const before = await pagePredictions(page, POINTS);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const path = join(dir, 'page.json');
  await download.saveAs(path);

  const fresh = await pg.open('dataset=spiral&layers=3');
  const refusals = [
    ['notes.json', '{"format":"keras-model","version":3}', /a "keras-model" file, not an nnplay model file/],
    ['future.json', '{"format":"nnplay-model","version":9,"params":[]}', /version 9; this page reads versions 1 and 2/],
    ['broken.json', '{"format": "nnplay-mod', /not JSON/],
    ['photo.json', '\u0089PNG\r\n', /not JSON/],
  ];
  for (const [name, text, why] of refusals) {
    const file = join(dir, name);
    writeFileSync(file, text);
    await fresh.setInputFiles('#open-model-file', file);
    await until(async () => why.test((await fresh.textContent('#message')) || ''), { timeoutMs: 10_000 });
    assert.match(await fresh.textContent('#message'), why);
    assert.equal(new URL(fresh.url()).searchParams.get('dataset'), 'spiral', `${name} changed nothing`);
  }
  // Weights that do not fit the network the settings build: refused, the page keeps its own.
  const wrong = JSON.parse(readFileSync(path, 'utf8'));
  wrong.params = wrong.params.slice(1);
  writeFileSync(join(dir, 'short.json'), JSON.stringify(wrong));
  await fresh.setInputFiles('#open-model-file', join(dir, 'short.json'));
  await until(async () => /parameters, but this network has/.test((await fresh.textContent('#message')) || ''), { timeoutMs: 10_000 });
  await until(async () => new URL(fresh.url()).searchParams.get('dataset') === 'spiral', { timeoutMs: 10_000 });
  assert.equal(new URL(fresh.url()).searchParams.get('dataset'), 'spiral');

  await openModel(fresh, path);
  const after = await pagePredictions(fresh, POINTS);
  for (const [i, o] of after.entries()) assert.ok(Math.abs(o[0] - before[i][0]) <= 1e-6, `at ${POINTS[i]}: ${o[0]} vs ${before[i][0]}`);
  fresh.errors.splice(0); // the refusals were reported on purpose
  assert.deepEqual(page.errors, []);
});
