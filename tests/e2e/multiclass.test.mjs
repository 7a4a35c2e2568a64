// A three-class spiral trains, and the output plot shows three class colours.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canvasPixels, hueClusters, readNumber, screenshot, startPlayground, until } from './helpers.mjs';

const MAX_EPOCHS = 2000;

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

test('spirals3 trains and the boundary shows three colours', async () => {
  const page = await pg.open('dataset=spirals3&layers=16,16,16&act=tanh&opt=adam&lr=0.01&batch=16&points=600');
  assert.match(await page.textContent('#problem'), /3 classes/);
  await page.selectOption('#speed', 'epochs(10)');
  await page.click('#play');
  let last = {};
  await until(async () => {
    last = { epoch: await readNumber(page, '#epoch'), acc: await readNumber(page, '#train-metric') };
    return last.acc >= 80 || last.epoch > MAX_EPOCHS;
  }, { timeoutMs: 400_000 });
  await page.click('#play');
  assert.ok(last.acc >= 80, `train accuracy only ${last.acc}% after ${last.epoch} epochs`);
  const clusters = hueClusters(await canvasPixels(page, '#boundary'));
  assert.ok(clusters.length >= 3, `only ${clusters.length} hue clusters: ${JSON.stringify(clusters)}`);
  // The confusion matrix is 3×3.
  assert.equal(await page.$$eval('#confusion tbody tr', (r) => r.length), 3);
  await screenshot(page, '05-spirals3-trained');
  assert.deepEqual(page.errors, []);
});
