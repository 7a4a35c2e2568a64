// Image data (digits, MNIST) has no 2-D plane: the page shows a gallery of test images instead,
// each marked with the network's answer. Untrained, few answers are right; after a few epochs
// most are, and the marks on the canvas say so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canvasPixels, readNumber, screenshot, startPlayground, until } from './helpers.mjs';

const EPOCHS = 10;

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

const score = (page) => page.$eval('#gallery', (g) => ({ right: Number(g.dataset.correct), total: Number(g.dataset.total) }));

/** Pixels of the gallery canvas close to an RGB colour. */
function near(pixels, [r, g, b], tolerance = 40) {
  let n = 0;
  const d = pixels.data;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 200 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < tolerance) n += 1;
  }
  return n;
}

test('digits: the gallery marks the answers on test images and more become right with training', async () => {
  const page = await pg.open('dataset=digits&layers=32&act=relu&opt=adam&lr=0.003&batch=32');
  await page.waitForSelector('#gallery:not([hidden])');
  assert.equal(await page.isVisible('#no-plane-text'), false);
  await until(async () => (await score(page)).total > 0);
  const untrained = await score(page);
  assert.equal(untrained.total, 40);
  // Ten classes: an untrained network gets about one answer in ten right.
  assert.ok(untrained.right <= 16, `${untrained.right} of 40 right before any training`);

  await page.selectOption('#speed', 'epochs(1)');
  await page.click('#play');
  await until(async () => (await readNumber(page, '#epoch')) >= EPOCHS, { timeoutMs: 300_000 });
  await page.click('#play');
  await until(async () => (await page.getAttribute('#play', 'aria-pressed')) === 'false');
  await page.waitForTimeout(600); // the last frame and the paced repaint
  const trained = await score(page);
  assert.ok(trained.right >= 32, `only ${trained.right} of 40 right after ${EPOCHS} epochs`);
  assert.match(await page.textContent('#gallery-score'), new RegExp(`^${trained.right} of 40 right$`));

  // The canvas shows the digits (dark ink on white) and the marks: blue for right answers, and
  // vermillion exactly when some answer is wrong.
  const pixels = await canvasPixels(page, '#gallery-canvas');
  assert.ok(near(pixels, [255, 255, 255]) > 1000, 'no paper');
  assert.ok(near(pixels, [31, 42, 51]) > 100, 'no ink');
  assert.ok(near(pixels, [0, 114, 178]) > 200, 'no marks of right answers');
  assert.equal(near(pixels, [213, 94, 0]) > 0, trained.right < 40, 'wrong marks do not match the score');
  await screenshot(page, '10-digits-gallery');
  assert.deepEqual(page.errors, []);
});

test('mnist shows 28 × 28 test images and no 2-D plane', async () => {
  const page = await pg.open('dataset=mnist&layers=16');
  await page.waitForSelector('#gallery:not([hidden])');
  assert.equal(await page.isVisible('#plane-view'), false);
  await until(async () => (await score(page)).total > 0);
  assert.equal((await score(page)).total, 40);
  assert.equal(await page.evaluate(() => window.nnplay.gallery.side), 28);
  // Switching to a 2-D set hides the gallery again.
  await page.click('.ds[data-token="circle"]');
  await page.waitForSelector('#plane-view:not([hidden])');
  assert.equal(await page.isVisible('#gallery'), false);
  assert.deepEqual(page.errors, []);
});
