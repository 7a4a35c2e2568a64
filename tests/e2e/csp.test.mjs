// The strict page: the server and the page both state a Content-Security-Policy that allows only
// the page's own origin, nothing the page does (training, every teaching panel, drawing points,
// a CSV upload, the data files) breaks it or asks another origin for anything, and text from a
// file shows as text, never as markup.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readNumber, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

const POLICY = ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "style-src 'self'"];

test('the policy is sent and kept, and no request leaves the origin while a student uses every part of the page', async () => {
  const page = await pg.open('dataset=xor');
  const origin = new URL(page.url()).origin;
  const requests = [];
  const violations = [];
  page.context().on('request', (r) => requests.push(r.url()));
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await page.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`)));

  // The header and the <meta> say the same, without 'unsafe-inline'.
  const response = await page.goto(page.url());
  const header = response.headers()['content-security-policy'];
  for (const part of POLICY) assert.ok(header.includes(part), `header has ${part}: ${header}`);
  assert.ok(!/unsafe-inline/.test(header), header);
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.equal(meta, header);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`)));

  await page.click('#play');
  await until(async () => (await readNumber(page, '#epoch')) > 5);
  for (const tool of await page.$$eval('#tools [role=tab]', (tabs) => tabs.map((t) => t.dataset.tool))) {
    await page.click(`#tools [role=tab][data-tool="${tool}"]`);
    await page.waitForTimeout(500);
  }
  await page.click('#play');
  // A shipped data file (fetched from the same origin) and drawn points.
  await page.click('.ds[data-token="digits"]');
  await page.waitForSelector('#gallery:not([hidden])');
  await page.click('.ds[data-token="draw"]');
  await page.waitForSelector('#draw-panel:not([hidden])');
  const box = await page.locator('#overlay').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 3);

  assert.deepEqual(violations, [], 'policy violations while using the page');
  // The listener hears the policy: an inline style written the forbidden way is refused.
  const before = violations.length;
  await page.evaluate(() => document.getElementById('epoch').setAttribute('style', 'color: red'));
  await until(async () => violations.length > before, { timeoutMs: 5_000 });
  assert.ok(violations.slice(before).every((v) => /^style-src/.test(v)), violations.join(', '));
  violations.splice(before);
  assert.notEqual(await page.$eval('#epoch', (n) => getComputedStyle(n).color), 'rgb(255, 0, 0)');
  page.errors.splice(0); // the refusal was logged on purpose

  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'requests to other origins');
  assert.deepEqual(violations, [], 'policy violations');
  assert.deepEqual(page.errors, []);
});

test('a CSV whose column names and labels carry markup shows them as text', async () => {
  const page = await pg.open('dataset=circle');
  await page.click('.ds[data-token="csv"]');
  const csv = 'x<b>1</b>,<img src=x onerror=alert(1)>,label\n' + Array.from({ length: 40 }, (_, i) => `${(i % 7) / 7},${(i % 5) / 5},${i % 2 ? '<i>yes</i>' : 'no'}`).join('\n') + '\n';
  await page.setInputFiles('#csv-file', { name: 'markup.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await until(async () => /40/.test((await page.textContent('#csv-summary')) || ''), { timeoutMs: 10_000 });
  // No element came from the file's text, and the names are on the page as written.
  const fromFile = await page.evaluate(() => ({
    img: document.querySelectorAll('img[src="x"]').length,
    b: [...document.querySelectorAll('b')].filter((e) => e.textContent === '1').length,
    i: [...document.querySelectorAll('i')].filter((e) => e.textContent === 'yes').length,
  }));
  assert.deepEqual(fromFile, { img: 0, b: 0, i: 0 });
  const text = await page.textContent('body');
  assert.ok(text.includes('x<b>1</b>') || text.includes('<i>yes</i>'), 'the markup shows as text');
  assert.deepEqual(page.errors.filter((e) => !/alert/.test(e)), []);
});
