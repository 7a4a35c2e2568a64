// The optimizer race and finer stepping, driven by clicks as a user would: open the race tab,
// click the SGD/momentum/Adam preset, play, and read every lane's numbers from the page: the
// lanes start from identical weights (equal losses at epoch 0), advance in lock-step (equal
// epochs) and part ways (different losses); the link holds the lanes and a reload restores
// them. The top bar's "one mini-batch" button adds exactly one step, and stop_epoch=N pauses
// at exactly epoch N. Also measures (prints, does not assert) single-network steps/s against
// the 4-lane race's steps/s per lane in the same run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pauseAndSettle, readNumber, screenshot, startPlayground, until, waitForReady } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground({ width: 1366, height: 900 });
});
after(async () => {
  await pg?.close();
});

/** Every lane's numbers as the panel shows them (full values from the outputs' data-value). */
async function lanes(page) {
  return page.$$eval('#tool-race .race-lane', (cards) => cards.map((c) => {
    const v = (cls) => {
      const t = c.querySelector(`.${cls}`).dataset.value;
      return t === '' || t === undefined ? null : Number(t);
    };
    return {
      epoch: v('lane-epoch'),
      train: v('lane-train-loss'),
      test: v('lane-test-loss'),
      metric: v('lane-metric'),
      first: Number(c.dataset.firstTrainLoss),
      firstTest: Number(c.dataset.firstTestLoss),
    };
  }));
}

const linkValue = (page, key) => page.evaluate((k) => new URLSearchParams(location.search).get(k), key);

test('race: the preset races SGD, momentum and Adam from identical weights in lock-step', async () => {
  const page = await pg.open('dataset=circle');
  await page.click('#tool-tab-race');
  await page.waitForSelector('#tool-race .race-preset');
  await page.click('#tool-race .race-preset');
  await until(async () => (await linkValue(page, 'race')) === 'sgd:0.03,momentum:0.03,adam:0.03');
  assert.equal(await linkValue(page, 'dataset'), 'spiral');
  assert.equal(await linkValue(page, 'tool'), 'race');
  await until(async () => (await page.$$('#tool-race .race-lane')).length === 3);

  // Before training: one record per lane, the same losses (the same start weights).
  const start = await until(async () => {
    const l = await lanes(page);
    return l.length === 3 && l.every((x) => x.epoch === 0 && Number.isFinite(x.first)) && l;
  });
  assert.ok(start, 'no epoch-0 record');
  for (const lane of start) {
    assert.equal(lane.first, start[0].first, 'lanes start from different weights');
    assert.equal(lane.firstTest, start[0].firstTest);
  }

  await page.selectOption('#speed', 'epochs(10)');
  await page.click('#play');
  await until(async () => {
    const l = await lanes(page);
    return l.every((x) => x.epoch >= 30);
  });
  await pauseAndSettle(page);
  await page.waitForTimeout(400);
  const done = await lanes(page);
  const epochs = done.map((l) => l.epoch);
  assert.ok(epochs.every((e) => e === epochs[0]), `lanes out of lock-step: ${epochs}`);
  // The records are the library's own scores; the lanes differ only by optimizer, so they part.
  const losses = done.map((l) => l.train);
  assert.equal(new Set(losses).size, 3, `lanes' losses did not differ: ${losses}`);
  for (const l of done) assert.ok(l.train < l.first, `a lane did not learn: ${JSON.stringify(l)}`);
  // Same lanes, same batches: the first record is still the shared one.
  for (const l of done) assert.equal(l.first, start[0].first);
  await page.locator('#tools').scrollIntoViewIfNeeded();
  await screenshot(page, 'race-01-preset-trained');
  await page.locator('#tool-race').screenshot({ path: 'tests/e2e/screenshots/race-02-panel.png' });

  // The link round-trips: reloading it brings back the open race and its lanes.
  const url = page.url();
  const again = await pg.open(url.slice(url.indexOf('?') + 1));
  await again.waitForSelector('#tool-race .race-lane');
  assert.equal(await again.getAttribute('#tool-tab-race', 'aria-selected'), 'true');
  assert.equal(await linkValue(again, 'race'), 'sgd:0.03,momentum:0.03,adam:0.03');
  assert.deepEqual(
    await again.$$eval('#tool-race .race-lane-ctl select', (s) => s.map((x) => x.value)),
    ['sgd', '0.03', 'momentum', '0.03', 'adam', '0.03'],
  );
  const reloaded = await until(async () => {
    const l = await lanes(again);
    return l.length === 3 && Number.isFinite(l[0].first) && l;
  });
  assert.equal(reloaded[0].first, start[0].first, 'the same link gave other start weights');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(again.errors, []);
});

test('race: lanes are added, edited and removed from their controls, within 2–4', async () => {
  const page = await pg.open('dataset=xor&tool=race');
  await page.waitForSelector('#tool-race .race-lane');
  assert.equal((await page.$$('#tool-race .race-lane')).length, 2);
  await page.click('#race-add');
  await until(async () => (await page.$$('#tool-race .race-lane')).length === 3);
  await page.click('#race-add');
  await until(async () => (await page.$$('#tool-race .race-lane')).length === 4);
  assert.equal(await page.isDisabled('#race-add'), true);
  await page.selectOption('#race-lr-1', '0.01');
  await until(async () => (await linkValue(page, 'race')).split(',')[1] === 'adam:0.01');
  await page.click('[aria-label="Remove lane 1"]');
  await until(async () => (await page.$$('#tool-race .race-lane')).length === 3);
  assert.equal((await linkValue(page, 'race')).split(',')[0], 'adam:0.01');
  // A link with impossible lanes opens anyway, with the default lanes and a notice.
  const bad = await pg.open('dataset=xor&tool=race&race=sgd:0.1');
  await bad.waitForSelector('#notices li[data-key="race"]');
  assert.equal(await linkValue(bad, 'race'), 'sgd:0.03,adam:0.03');
  assert.deepEqual(page.errors, []);
});

test('stepping: one mini-batch is one step; stop at epoch N pauses at exactly N', async () => {
  const page = await pg.open('dataset=circle');
  const s0 = await readNumber(page, '#step-count');
  await page.click('#step-batch');
  await until(async () => (await readNumber(page, '#step-count')) === s0 + 1, { timeoutMs: 10_000 });
  await page.waitForTimeout(400);
  assert.equal(await readNumber(page, '#step-count'), s0 + 1);
  await page.keyboard.press('b');
  await until(async () => (await readNumber(page, '#step-count')) === s0 + 2, { timeoutMs: 10_000 });

  // stop_epoch=7 from the top bar's box: play pauses by itself at epoch 7, and says why.
  await page.click('#reset');
  await until(async () => (await readNumber(page, '#step-count')) === 0);
  await page.fill('#stop-epoch', '7');
  await page.press('#stop-epoch', 'Enter');
  await until(async () => (await linkValue(page, 'stop_epoch')) === '7');
  await page.click('#play');
  await until(async () => (await page.getAttribute('#play', 'aria-pressed')) === 'false'
    && (await readNumber(page, '#epoch')) >= 7, { timeoutMs: 60_000 });
  await page.waitForTimeout(500);
  assert.equal(await readNumber(page, '#epoch'), 7);
  const perEpoch = 250 / 10; // 500 points, half for training, batches of 10
  assert.equal(await readNumber(page, '#step-count'), 7 * perEpoch);
  const text = await page.textContent('#message');
  assert.match(text, /Paused at epoch 7: epoch 7 is complete/);
  await screenshot(page, 'race-03-stopped-at-epoch');

  // Patience: with a learning rate of 0 the test loss never improves; K = 3 pauses at epoch 4.
  const flat = await pg.open('dataset=circle&lr=0&patience=3');
  await flat.click('#play');
  await until(async () => (await flat.getAttribute('#play', 'aria-pressed')) === 'false'
    && (await readNumber(flat, '#epoch')) >= 4, { timeoutMs: 60_000 });
  await flat.waitForTimeout(500);
  assert.equal(await readNumber(flat, '#epoch'), 4);
  assert.match(await flat.textContent('#message'), /not improved for 3 epochs/);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(flat.errors, []);
});

/** Steps per second over `ms`, from the page's own step counter. */
async function stepsPerSecond(page, ms) {
  const a = { t: Date.now(), s: await readNumber(page, '#step-count') };
  await page.waitForTimeout(ms);
  const b = { t: Date.now(), s: await readNumber(page, '#step-count') };
  return ((b.s - a.s) * 1000) / (b.t - a.t);
}

test('race: speed of 1, 2 and 4 lanes against a single network (measured, not asserted)', async () => {
  const rates = {};
  for (const [name, query] of [
    ['single', 'dataset=circle&speed=fast'],
    ['race2', 'dataset=circle&speed=fast&tool=race&race=sgd:0.03,adam:0.03'],
    ['race4', 'dataset=circle&speed=fast&tool=race&race=sgd:0.03,momentum:0.03,adam:0.03,rmsprop:0.01'],
  ]) {
    const page = await pg.open(query);
    if (name !== 'single') await page.waitForSelector('#tool-race .race-lane');
    await page.click('#play');
    await page.waitForTimeout(2000); // warm up, let `fast` size its frames
    rates[name] = await stepsPerSecond(page, 5000);
    await pauseAndSettle(page);
    await page.close();
  }
  // In the race every lane steps in lock-step with the main network: steps/s per lane is the
  // page's steps/s.
  const ratio = (r) => (r / rates.single * 100).toFixed(0);
  console.log(`# steps/s: single network ${rates.single.toFixed(0)}; race of 2: ${rates.race2.toFixed(0)} per lane (${ratio(rates.race2)} %); race of 4: ${rates.race4.toFixed(0)} per lane (${ratio(rates.race4)} %)`);
  assert.ok(rates.single > 0 && rates.race4 > 0);
});

void waitForReady;
