// The URL carries the whole configuration: a copied link restores the same controls in a new
// page, and a hostile link shows which fields fell back and still trains.
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

const CONTROLS = ['#opt', '#act-all', '#reg', '#rate', '#train', '#noise', '#points', '#batch', '#dseed', '#wseed', '#sched', '#head', '#dropout', '#speed'];
const values = (page) => page.evaluate((ids) => Object.fromEntries(ids.map((id) => {
  const e = document.querySelector(id);
  return [id, e.type === 'checkbox' ? e.checked : e.value];
})), CONTROLS);

test('a copied link restores the same configuration', async () => {
  const page = await pg.open('dataset=moons');
  await page.selectOption('#opt', 'momentum');
  await until(async () => /opt=momentum/.test(page.url()));
  await page.selectOption('#reg', 'l2');
  await until(async () => /reg=l2/.test(page.url()));
  await page.selectOption('#rate', '0.003');
  await until(async () => /rate=0.003/.test(page.url()));
  await page.$eval('#noise', (el) => { el.value = '20'; el.dispatchEvent(new Event('change')); });
  await until(async () => /noise=20/.test(page.url()));
  await page.fill('#wseed', '7');
  await page.press('#wseed', 'Enter');
  await until(async () => /wseed=7/.test(page.url()));
  await page.click('#add-layer');
  await until(async () => /layers=4,2,2/.test(page.url()));
  await page.check('#showtest');
  await until(async () => /showtest=1/.test(page.url()));
  await page.selectOption('#speed', 'fast');
  await until(async () => /speed=fast/.test(page.url()));
  await page.click('#share');
  const link = await page.getAttribute('#share', 'data-link');
  assert.equal(link, page.url());
  const expected = await values(page);

  const again = await pg.open(new URL(link).search);
  assert.deepEqual(await values(again), expected);
  assert.equal(await again.isChecked('#showtest'), true);
  assert.equal(new URL(again.url()).search, new URL(link).search);
  assert.equal(await again.isVisible('#notices'), false);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(again.errors, []);
});

test('a hostile link shows a notice naming the fields and still trains', async () => {
  const page = await pg.open('dataset=nope&lr=NaN&layers=999&act=<script>&opt=adam&batch=-5&zzz=1');
  await page.waitForSelector('#notices:not([hidden])');
  const keys = await page.$$eval('#notices li', (lis) => lis.map((li) => li.dataset.key));
  for (const key of ['dataset', 'lr', 'layers']) assert.ok(keys.includes(key), `no notice for ${key}: ${keys}`);
  const text = await page.textContent('#notices');
  assert.match(text, /fell back/);
  // Valid fields of the same link were kept.
  assert.equal(await page.inputValue('#opt'), 'adam');
  await page.selectOption('#speed', 'epochs(10)');
  await page.click('#play');
  await until(async () => (await readNumber(page, '#epoch')) >= 5);
  assert.ok((await readNumber(page, '#epoch')) >= 5);
  assert.ok(Number.isFinite(await readNumber(page, '#test-loss')));
  await screenshot(page, '06-hostile-url-notice');
  await page.click('#play');
  assert.deepEqual(page.errors, []);
});
