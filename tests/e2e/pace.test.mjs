// The page's pace while it plays: on the default page the epoch counter advances at least one
// epoch per displayed frame (like the TensorFlow Playground) while every picture keeps up, and
// the speed control changes how much is trained per frame. Ratios of epochs to frames counted
// in the page, never times.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

/**
 * Counts `frames` animation frames of the page and reads the page's counters (window.nnplay.stats)
 * in the first and the last: epochs trained, worker frames drawn and paints per picture between.
 */
function measure(page, frames) {
  return page.evaluate((n) => new Promise((done) => {
    let first = null;
    let count = 0;
    const tick = () => {
      const s = window.nnplay.stats();
      if (!first) first = s;
      count += 1;
      if (count <= n) {
        requestAnimationFrame(tick);
        return;
      }
      const paints = {};
      for (const [k, v] of Object.entries(s.paints)) paints[k] = v - (first.paints[k] || 0);
      done({ frames: n, epochs: s.epoch - first.epoch, drawn: s.drawn - first.drawn, paints });
    };
    requestAnimationFrame(tick);
  }), frames);
}

async function play(page) {
  await page.click('#play');
  await until(async () => (await page.evaluate(() => window.nnplay.stats().epoch)) > 1);
}

test('the default page trains at least one epoch per displayed frame and every picture follows', async () => {
  const page = await pg.open();
  assert.equal(await page.inputValue('#speed'), 'epochs(1)', 'the default speed');
  await play(page);
  const r = await measure(page, 240);
  // One epoch per frame, up to the frame at each end of the window the counters may straddle.
  assert.ok(r.epochs >= r.frames - 2, `${r.epochs.toFixed(1)} epochs in ${r.frames} frames`);
  // Each picture is repainted in at least one frame out of four (most in every other frame or more).
  for (const name of ['boundary', 'neurons', 'links', 'chart', 'readouts']) {
    assert.ok((r.paints[name] || 0) >= r.frames / 4, `${name}: ${r.paints[name] || 0} paints in ${r.frames} frames (${JSON.stringify(r.paints)})`);
  }
  await page.click('#play');
  assert.deepEqual(page.errors, []);
});

test('the speed control sets how much trains per frame, and the link carries it', async () => {
  const page = await pg.open('dataset=spiral&features=x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2&layers=8,8,8,8,8,8');
  await play(page);
  const epoch = await measure(page, 120);

  await page.selectOption('#speed', 'steps(1)');
  await until(async () => /speed=steps\(1\)/.test(page.url()));
  await page.waitForTimeout(300); // frames of the old speed still on their way
  const slow = await measure(page, 120);

  await page.selectOption('#speed', 'fast');
  await until(async () => /speed=fast/.test(page.url()));
  await page.waitForTimeout(500); // the worker sizes its frames from the first few
  const fast = await measure(page, 120);

  const perFrame = (r) => r.epochs / r.frames;
  // 250 training points in batches of 10: one step is a 25th of an epoch.
  assert.ok(perFrame(slow) < 0.2, `steps(1): ${perFrame(slow).toFixed(3)} epochs per frame`);
  assert.ok(perFrame(epoch) > 0.8, `epochs(1): ${perFrame(epoch).toFixed(3)} epochs per frame`);
  assert.ok(perFrame(fast) > 3 * perFrame(epoch), `fast: ${perFrame(fast).toFixed(1)} epochs per frame against ${perFrame(epoch).toFixed(2)}`);
  // Fast still draws: the output plot follows in at least one frame out of four.
  assert.ok(fast.paints.boundary >= fast.frames / 4, `fast: ${fast.paints.boundary} boundary paints in ${fast.frames} frames`);

  // A link opened with the speed trains at that speed, and a bad one falls back with a notice.
  const again = await pg.open('speed=fast');
  assert.equal(await again.inputValue('#speed'), 'fast');
  const bad = await pg.open('speed=steps(0)');
  await bad.waitForSelector('#notices:not([hidden])');
  assert.deepEqual(await bad.$$eval('#notices li', (lis) => lis.map((li) => li.dataset.key)), ['speed']);
  assert.equal(await bad.inputValue('#speed'), 'epochs(1)');
  await page.click('#play');
  for (const p of [page, again, bad]) assert.deepEqual(p.errors, []);
});
