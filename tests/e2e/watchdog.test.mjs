// A worker that stops answering: the page notices within seconds, says so next to the
// controls, and its Restart button brings training back on the same settings with the
// student's hand-placed points. The hang is real: the test blocks the worker's thread.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pointCount, readNumber, screenshot, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

test('a stuck worker is noticed, and a restart keeps the settings and the drawn points', async () => {
  const page = await pg.open('dataset=circle&layers=5,3&lr=0.1');
  await page.click('.ds[data-token="draw"]');
  await page.waitForSelector('#draw-panel:not([hidden])');
  await page.click('#draw-clear');
  await until(async () => (await pointCount(page)) === 0, { timeoutMs: 10_000 });
  const box = await page.locator('#overlay').boundingBox();
  for (const [fx, fy] of [[0.3, 0.3], [0.7, 0.6], [0.5, 0.8], [0.2, 0.7]]) {
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
  }
  await until(async () => (await pointCount(page)) === 4, { timeoutMs: 10_000 });
  await page.click('#play');
  await until(async () => (await readNumber(page, '#epoch')) > 3, { timeoutMs: 20_000 });
  const before = new URL(page.url()).searchParams;

  // Block the training worker's thread for a minute, as a computation that never returns would.
  const trainer = page.workers().find((w) => /\/worker\.js/.test(w.url()) && !/links-worker/.test(w.url()));
  assert.ok(trainer, `workers: ${page.workers().map((w) => w.url())}`);
  trainer.evaluate(() => {
    const end = Date.now() + 60_000;
    while (Date.now() < end);
  }).catch(() => {}); // the restart terminates it mid-evaluation
  await page.waitForSelector('#restart-worker', { timeout: 20_000 });
  assert.match(await page.textContent('#message'), /not answered for \d+ s/);
  await screenshot(page, 'watchdog-stalled');

  await page.click('#restart-worker');
  await until(async () => (await pointCount(page)) === 4, { timeoutMs: 20_000 });
  assert.equal(await pointCount(page), 4, 'the drawn points are back');
  const afterRestart = new URL(page.url()).searchParams;
  for (const key of ['layers', 'lr', 'act', 'opt']) assert.equal(afterRestart.get(key), before.get(key), key);
  await page.click('#play');
  await until(async () => (await readNumber(page, '#epoch')) > 3, { timeoutMs: 20_000 });
  assert.ok((await readNumber(page, '#epoch')) > 3, 'training goes on in the new worker');
  assert.deepEqual(page.errors, []);
});
