// The guided lessons, followed as a student would: open the Lessons tab, click lesson 2 ("XOR
// needs a hidden layer"), apply its first step, press play until the goal says done, and check
// the claim on the page's own numbers (a single neuron stays near a coin toss on XOR); then Next,
// apply, play until the goal (test loss below 0.1) is done, checked against the page's test
// loss. The link holds the step (`lesson=2.2`) and a reload shows the same step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, startPlayground, until, waitForReady } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground({ width: 1366, height: 1000 });
});
after(async () => {
  await pg?.close();
});

const linkValue = (page, key) => page.evaluate((k) => new URLSearchParams(location.search).get(k), key);
const goalState = (page) => page.getAttribute('#lesson-goal', 'data-state');

async function pause(page) {
  if ((await page.getAttribute('#play', 'aria-pressed')) === 'true') await page.click('#play');
  await until(async () => (await page.getAttribute('#play', 'aria-pressed')) === 'false');
}

test('lessons: XOR needs a hidden layer, step by step', async () => {
  const page = await pg.open('');
  await page.click('#tool-tab-lessons');
  await page.waitForSelector('#tool-lessons .ln-lesson[data-lesson="2"]');
  assert.equal(await page.locator('#tool-lessons .ln-lesson').count(), 6);
  await page.click('#tool-lessons .ln-lesson[data-lesson="2"]');
  await until(async () => (await linkValue(page, 'lesson')) === '2.1');
  await until(async () => (await page.textContent('#lesson-title')).includes('XOR'));
  assert.match(await page.textContent('#lesson-counter'), /Step 1 of 3/);
  assert.equal(await goalState(page), 'not-applied');
  await screenshot(page, 'lessons-1-chosen');

  // Step 1: no hidden layer. Apply sets the link's fields, and the page follows.
  await page.click('#lesson-apply');
  await until(async () => (await linkValue(page, 'dataset')) === 'xor' && (await linkValue(page, 'layers')) === '');
  assert.equal(await linkValue(page, 'tool'), 'lessons');
  assert.equal(await linkValue(page, 'lesson'), '2.1');
  await until(async () => (await goalState(page)) === 'working');
  assert.match(await page.textContent('#lesson-goal'), /Train for 30 epochs/);
  await page.click('#play');
  await until(async () => (await goalState(page)) === 'done');
  await pause(page);
  assert.match(await page.textContent('#lesson-goal'), /done ✓/);
  const epoch = await page.evaluate(() => window.nnplay.stats().epoch);
  assert.ok(epoch >= 30, `done at epoch ${epoch}`);
  const acc = Number((await page.textContent('#test-metric')).replace('%', '')) / 100;
  assert.ok(acc < 0.75, `a single neuron reached ${acc} on XOR`);
  console.log(`lesson 2.1: a single neuron on XOR after ${epoch.toFixed(0)} epochs: test accuracy ${(acc * 100).toFixed(1)} %`);
  assert.ok(await page.locator('#lesson-next.is-ready').count(), 'Next is not offered');
  await screenshot(page, 'lessons-2-step1-done');

  // Next: a hidden layer of 8. Not applied yet, so the goal waits.
  await page.click('#lesson-next');
  await until(async () => (await linkValue(page, 'lesson')) === '2.2');
  assert.match(await page.textContent('#lesson-counter'), /Step 2 of 3/);
  assert.equal(await goalState(page), 'not-applied');
  await page.click('#lesson-apply');
  await until(async () => (await linkValue(page, 'layers')) === '8');
  await until(async () => (await goalState(page)) === 'working');
  const start = await page.evaluate(() => window.nnplay.stats().steps);
  assert.equal(start, 0, 'applying a step starts from fresh weights');
  await page.click('#play');
  await until(async () => (await goalState(page)) === 'done');
  await pause(page);
  const testLoss = Number(await page.getAttribute('#test-loss', 'data-value'));
  assert.ok(testLoss < 0.1, `goal done with test loss ${testLoss}`);
  const epoch2 = await page.evaluate(() => window.nnplay.stats().epoch);
  console.log(`lesson 2.2: 8 hidden neurons reach test loss ${testLoss.toFixed(4)} after ${epoch2.toFixed(0)} epochs`);
  await screenshot(page, 'lessons-3-step2-done');
  await page.click('#lesson-next');
  await until(async () => (await linkValue(page, 'lesson')) === '2.3');
  assert.match(await page.textContent('#lesson-text'), /x1·x2/);

  // The link is the step: a reload shows it again.
  const url = page.url();
  const again = await pg.open(url.slice(url.indexOf('?') + 1));
  await again.waitForSelector('#lesson-title');
  await until(async () => (await again.textContent('#lesson-counter')).includes('Step 3 of 3'));
  assert.match(await again.textContent('#lesson-title'), /XOR/);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(again.errors, []);
});

test('lessons: a shared link opens a step; the too-large learning rate diverges and the page says so', async () => {
  const page = await pg.open('tool=lessons&lesson=3.3');
  await page.waitForSelector('#lesson-apply');
  await until(async () => (await page.textContent('#lesson-counter')).includes('Step 3 of 3'));
  assert.match(await page.textContent('#lesson-title'), /learning rate/);
  await page.click('#lesson-apply');
  await until(async () => (await page.evaluate(() => new URLSearchParams(location.search).get('lr'))) === '3');
  await until(async () => (await goalState(page)) === 'working');
  await page.click('#play');
  await until(async () => (await goalState(page)) === 'done');
  const message = await page.textContent('#message');
  assert.match(message, /diverg/i);
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
  await screenshot(page, 'lessons-4-diverged');
  assert.deepEqual(page.errors, []);
});
