// Data sources beyond the 2-D sets: the shipped digits (no plane: accuracy and confusion
// matrix), points placed by hand on the plot, a CSV file, and a regression set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readNumber, screenshot, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

test('digits train without a plane and show a 10×10 confusion matrix', async () => {
  const page = await pg.open('dataset=digits&layers=32&act=relu&opt=adam&lr=0.003&batch=32');
  assert.equal(await page.isVisible('#plane-view'), false);
  assert.equal(await page.isVisible('#no-plane'), true);
  await page.selectOption('#speed', 'epochs(1)');
  await page.click('#play');
  await until(async () => (await readNumber(page, '#test-metric')) >= 80 || (await readNumber(page, '#epoch')) > 60, { timeoutMs: 300_000 });
  await page.click('#play');
  assert.ok((await readNumber(page, '#test-metric')) >= 80, `digits accuracy ${await readNumber(page, '#test-metric')}`);
  assert.equal(await page.$$eval('#confusion tbody tr', (r) => r.length), 10);
  await screenshot(page, '07-digits');
  assert.deepEqual(page.errors, []);
});

test('points placed by hand become the training data', async () => {
  const page = await pg.open('dataset=circle');
  await page.click('.ds[data-token="draw"]');
  await page.waitForSelector('#draw-panel:not([hidden])');
  await page.selectOption('#draw-kind', '2');
  await until(async () => (await page.$$eval('#draw-classes .swatch', (s) => s.length)) === 2);
  const box = await page.locator('#boundary').boundingBox();
  const at = (fx, fy) => [box.x + box.width * fx, box.y + box.height * fy];
  for (const [fx, fy] of [[0.2, 0.2], [0.25, 0.3], [0.3, 0.2], [0.2, 0.35]]) await page.mouse.click(...at(fx, fy));
  await page.click('#draw-classes .swatch >> nth=1');
  for (const [fx, fy] of [[0.8, 0.8], [0.75, 0.7], [0.7, 0.8], [0.8, 0.65]]) await page.mouse.click(...at(fx, fy));
  await until(async () => (await page.evaluate(() => document.querySelector('#plane-view') && true)));
  await page.click('#step');
  await until(async () => (await readNumber(page, '#epoch')) >= 1);
  await page.selectOption('#speed', 'epochs(10)');
  await page.click('#play');
  await until(async () => (await readNumber(page, '#train-metric')) === 100 || (await readNumber(page, '#epoch')) > 2000, { timeoutMs: 120_000 });
  await page.click('#play');
  assert.equal(await readNumber(page, '#train-metric'), 100);
  await screenshot(page, '08-hand-placed-points');
  assert.deepEqual(page.errors, []);
});

test('a CSV file trains, and a broken one says where it is broken', async () => {
  const page = await pg.open('dataset=circle');
  await page.click('.ds[data-token="csv"]');
  await page.waitForSelector('#csv-panel:not([hidden])');
  const rows = ['a,b,label'];
  for (let i = 0; i < 60; i++) rows.push(`${(i % 10) / 10},${Math.floor(i / 10) / 6},${(i % 10) >= 5 ? 'yes' : 'no'}`);
  await page.setInputFiles('#csv-file', { name: 'two.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await until(async () => /rows/.test((await page.textContent('#csv-summary')) || ''));
  assert.match(await page.textContent('#csv-summary'), /60 rows/);
  await page.click('#step');
  await until(async () => (await readNumber(page, '#epoch')) >= 1);
  await page.setInputFiles('#csv-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,label\n1,2,x\n3,oops,y\n') });
  await until(async () => /line/.test((await page.textContent('#csv-summary')) || ''));
  assert.match(await page.textContent('#message'), /line 3/);
  assert.deepEqual(page.errors, []);
});

test('a regression set shows R² and a diverging colour map', async () => {
  const page = await pg.open('dataset=plane&layers=4&opt=adam&lr=0.03');
  assert.match(await page.textContent('#problem'), /Regression/);
  assert.match(await page.textContent('#metric-name'), /R²/);
  await page.selectOption('#speed', 'epochs(10)');
  await page.click('#play');
  await until(async () => (await readNumber(page, '#test-metric')) > 0.9 || (await readNumber(page, '#epoch')) > 500, { timeoutMs: 200_000 });
  await page.click('#play');
  assert.ok((await readNumber(page, '#test-metric')) > 0.9);
  await screenshot(page, '09-regression');
  assert.deepEqual(page.errors, []);
});
