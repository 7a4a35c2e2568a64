// The shipped data files (digits, MNIST, iris) are not part of the page's start-up: the worker
// fetches one the first time its data set is chosen, with a progress read-out, and a failed
// download says so and keeps the data set in use.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readNumber, startPlayground, until, waitForReady } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

const param = (page, key) => new URL(page.url()).searchParams.get(key);

/** Paths of every request the page and its workers made under /data/. */
function dataRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/data/')) seen.push(path);
  });
  return seen;
}

test('choosing digits fetches its file once, shows the progress, and trains on it', async () => {
  const page = await pg.context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(String(err)));
  const requests = dataRequests(page);
  // Hold the download back until the progress read-out has been seen.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/data/digits.bin.gz', async (route) => {
    await held;
    await route.continue();
  });
  // A generated set first, with a network that suits digits.
  await page.goto(new URL('?dataset=circle&layers=32&act=relu&opt=adam&lr=0.003&batch=32', pg.baseUrl).href);
  await waitForReady(page);
  assert.deepEqual(requests, [], 'the default page fetched a data file');

  await page.click('.ds[data-token="digits"]');
  await page.waitForSelector('#data-status:not([hidden])');
  assert.match(await page.textContent('#data-status'), /Loading digits \(data\/digits\.bin\.gz\)/);
  release();
  await page.waitForSelector('#gallery:not([hidden])');
  assert.equal(param(page, 'dataset'), 'digits');
  assert.equal(await page.isHidden('#data-status'), true);
  assert.deepEqual(requests, ['/data/digits.bin.gz']);

  await until(async () => Number.isFinite(await readNumber(page, '#test-metric')));
  const untrained = await readNumber(page, '#test-metric');
  for (let epoch = 1; epoch <= 3; epoch++) {
    await page.click('#step');
    await until(async () => (await readNumber(page, '#epoch')) >= epoch);
  }
  const trained = await readNumber(page, '#test-metric');
  assert.ok(trained >= 50 && trained > untrained + 20, `digits test accuracy ${untrained}% untrained, ${trained}% after 3 epochs`);

  // Back to a generated set and to digits again: the file is not fetched twice.
  await page.click('.ds[data-token="xor"]');
  await until(async () => param(page, 'dataset') === 'xor');
  await page.click('.ds[data-token="digits"]');
  await until(async () => param(page, 'dataset') === 'digits');
  assert.deepEqual(requests, ['/data/digits.bin.gz']);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a failed download says so and keeps the data set in use', async () => {
  const page = await pg.open('dataset=xor');
  await page.route('**/data/iris.bin.gz', (route) => route.abort('connectionfailed'));
  await page.click('.ds[data-token="iris"]');
  await page.waitForSelector('#message:not([hidden])');
  assert.match(await page.textContent('#message'), /Could not load the iris data set from data\/iris\.bin\.gz: .*keeps training on xor/);
  assert.equal(param(page, 'dataset'), 'xor');
  assert.equal(await page.getAttribute('.ds[data-token="xor"]', 'aria-checked'), 'true');
  assert.equal(await page.isVisible('#plane-view'), true);
  // The session still trains on xor.
  await page.click('#step');
  await until(async () => (await readNumber(page, '#epoch')) >= 1);
  // Opened with a link to it, the page starts on the default data set and says why.
  const linked = await pg.context.newPage();
  await linked.route('**/data/iris.bin.gz', (route) => route.abort('connectionfailed'));
  await linked.goto(new URL('?dataset=iris', pg.baseUrl).href);
  await linked.waitForFunction(() => document.body.dataset.ready === 'true');
  assert.match(await linked.textContent('#message'), /Could not load the iris data set/);
  assert.equal(new URL(linked.url()).searchParams.get('dataset'), 'circle');
  await linked.close();
  // Browsers log a failed fetch to the console; nothing else may appear there.
  assert.deepEqual(page.errors.filter((e) => !/iris\.bin\.gz|Failed to load resource/.test(e)), []);
});
