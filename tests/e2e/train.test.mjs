// Pressing play on the circle set trains the network in the worker: the test loss falls under
// 0.1 and the test accuracy reaches 95 % within a bounded number of epochs, read from the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canvasPixels, distinctColours, readNumber, screenshot, startPlayground, until, waitForReady } from './helpers.mjs';

const MAX_EPOCHS = 1500;

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

test('circle: play trains to test loss < 0.1 and accuracy ≥ 95 %', async () => {
  const page = await pg.open('dataset=circle');
  const before = await canvasPixels(page, '#boundary');
  await page.selectOption('#speed', 'epochs(10)');
  await page.click('#play');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true');
  let last = {};
  const reached = await until(async () => {
    last = {
      epoch: await readNumber(page, '#epoch'),
      loss: await readNumber(page, '#test-loss'),
      acc: await readNumber(page, '#test-metric'),
    };
    return (last.loss < 0.1 && last.acc >= 95) || last.epoch > MAX_EPOCHS;
  }, { timeoutMs: 300_000 });
  assert.ok(reached, `training stalled: ${JSON.stringify(last)}`);
  assert.ok(last.epoch <= MAX_EPOCHS, `not converged within ${MAX_EPOCHS} epochs: ${JSON.stringify(last)}`);
  assert.ok(last.loss < 0.1, `test loss ${last.loss}`);
  assert.ok(last.acc >= 95, `test accuracy ${last.acc}%`);
  await page.click('#play'); // pause
  await until(async () => (await page.getAttribute('#play', 'aria-pressed')) === 'false');
  // A frame already in flight when pause was pressed may still arrive; after that, nothing.
  let paused = await readNumber(page, '#step-count');
  await until(async () => {
    await page.waitForTimeout(300);
    const now = await readNumber(page, '#step-count');
    const stable = now === paused;
    paused = now;
    return stable;
  });
  await page.waitForTimeout(500);
  assert.equal(await readNumber(page, '#step-count'), paused, 'training went on after pause');
  const afterTraining = await canvasPixels(page, '#boundary');
  assert.notDeepEqual(afterTraining.data, before.data, 'the boundary did not change while training');
  assert.ok(distinctColours(afterTraining) > 4);
  await page.check('#showtest');
  await page.waitForTimeout(200);
  await screenshot(page, '03-circle-trained');
  assert.deepEqual(page.errors, []);
});

test('one step trains exactly one epoch and reset goes back to zero', async () => {
  const page = await pg.open('dataset=xor');
  await page.click('#step');
  await until(async () => (await readNumber(page, '#epoch')) >= 1);
  assert.equal(await readNumber(page, '#epoch'), 1);
  await page.click('#reset');
  await until(async () => (await readNumber(page, '#step-count')) === 0);
  assert.equal(await readNumber(page, '#epoch'), 0);
  assert.deepEqual(page.errors, []);
});

test('the relaxed-SIMD build trains where the engine has it, the plain SIMD build where it does not, to the same numbers up to rounding', async () => {
  const fallback = await pg.context.newPage();
  fallback.errors = [];
  fallback.on('pageerror', (err) => fallback.errors.push(String(err)));
  // An engine without relaxed SIMD rejects the page's probe module, as this one now does.
  await fallback.addInitScript(() => {
    WebAssembly.validate = () => false;
  });
  await fallback.goto(new URL('?dataset=circle&lr=0.3', pg.baseUrl).href);
  await waitForReady(fallback);
  const relaxed = await pg.open('dataset=circle&lr=0.3');
  assert.equal(await relaxed.evaluate(() => document.body.dataset.wasm), 'relaxed-simd', 'Chromium validates relaxed SIMD');
  assert.equal(await fallback.evaluate(() => document.body.dataset.wasm), 'simd128');
  assert.match(await fallback.getAttribute('#steps-per-sec', 'title'), /no relaxed SIMD/);
  // The page itself fetched only the build it runs (the worker then loads the same one).
  const modules = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('.wasm')));
  assert.deepEqual(await modules(relaxed), ['/www/pkg-relaxed/nnplay_bg.wasm']);
  assert.deepEqual(await modules(fallback), ['/www/pkg/nnplay_bg.wasm']);
  const losses = [];
  const start = await readNumber(relaxed, '#train-loss');
  for (const page of [relaxed, fallback]) {
    for (let epoch = 1; epoch <= 6; epoch++) {
      await page.click('#step');
      await until(async () => (await readNumber(page, '#epoch')) >= epoch);
    }
    losses.push([await readNumber(page, '#train-loss'), await readNumber(page, '#test-loss')]);
  }
  const [[trainA, testA], [trainB, testB]] = losses;
  assert.ok(trainA < 0.8 * start, `the relaxed build did not learn in 6 epochs: ${start} → ${losses}`);
  for (const [a, b] of [[trainA, trainB], [testA, testB]]) {
    assert.ok(Math.abs(a - b) <= 0.002 + 0.01 * Math.abs(a), `the builds disagree beyond rounding: ${JSON.stringify(losses)}`);
  }
  assert.deepEqual(relaxed.errors, []);
  assert.deepEqual(fallback.errors, []);
});
