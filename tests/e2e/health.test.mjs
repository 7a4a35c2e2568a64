// The gradient and weight health panel, used as a student would: open it, train, and read what
// it shows. A deep sigmoid network's first layer gets a median gradient far smaller than its
// output layer's (vanishing gradients); a ReLU network at a huge learning rate gets dead units,
// counted in words and crossed out on the network drawing. The numbers are the panel's own
// (data-value attributes), measured in Rust by train::health.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground({ width: 1366, height: 900 });
});
after(async () => {
  await pg?.close();
});

async function median(page, l) {
  const v = await page.getAttribute(`#health-grid [data-q="gmedian"][data-layer="${l}"]`, 'data-value');
  return v == null ? NaN : Number(v);
}

test('health: eight sigmoid layers show vanishing gradients', async () => {
  const page = await pg.open('dataset=xor&layers=8,8,8,8,8,8&act=sigmoid');
  await page.click('#tool-tab-health');
  await page.waitForSelector('#health-grid figure');
  for (let i = 0; i < 3; i++) await page.click('#step');
  await until(async () => (await page.evaluate(() => window.nnplay.stats().epoch)) >= 3);
  await until(async () => (await page.textContent('#health-summary')).includes('Step 75'));
  assert.equal(await page.locator('#health-grid figure').count(), 7);
  const first = await median(page, 0);
  const last = await median(page, 6);
  assert.ok(first > 0 && last > 0, `${first} ${last}`);
  assert.ok(first * 10 < last, `first layer's median |g| ${first} is not much smaller than the output layer's ${last}`);
  console.log(`deep sigmoid: median |∂L/∂W| first layer ${first.toExponential(2)}, output layer ${last.toExponential(2)} (ratio ${(last / first).toFixed(0)})`);
  assert.match(await page.textContent('#health-summary'), /Vanishing gradients/);
  // Every step sampled so far is on the chart: it has coloured pixels.
  const inked = await page.$eval('#health-grid canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1;
    return n;
  });
  assert.ok(inked > 200, `the chart is nearly empty (${inked} pixels)`);
  const label = await page.getAttribute('#health-grid canvas', 'aria-label');
  assert.match(label, /\|gradients\| from/);
  await page.click('#play');
  await page.waitForTimeout(1500);
  await page.click('#play');
  await page.waitForTimeout(300);
  await screenshot(page, 'health-1-vanishing');
  assert.deepEqual(page.errors, []);
});

test('health: a ReLU network at a huge learning rate has dead units, marked on the network', async () => {
  const page = await pg.open('dataset=circle&layers=8,8&act=relu&lr=3&tool=health');
  await page.waitForSelector('#health-grid figure');
  for (let i = 0; i < 8; i++) await page.click('#step');
  await until(async () => (await page.evaluate(() => window.nnplay.stats().steps)) >= 150);
  const count = await until(async () => Number(await page.getAttribute('#health-dead', 'data-count')));
  assert.ok(count > 0, 'no dead units reported');
  assert.match(await page.textContent('#health-dead'), /ReLU neurons are dead/);
  const marked = (await page.getAttribute('#network', 'data-dead')).split(',').filter(Boolean);
  assert.equal(marked.length, count, 'every dead unit is marked on the network drawing');
  let perLayer = 0;
  for (const l of [0, 1]) perLayer += Number(await page.getAttribute(`#health-grid [data-q="dead"][data-layer="${l}"]`, 'data-value'));
  assert.equal(perLayer, count);
  await page.waitForTimeout(300);
  await screenshot(page, 'health-2-dead-relu');
  // Closing the panel takes the marks away.
  await page.click('#tool-tab-health');
  await until(async () => (await page.getAttribute('#network', 'data-dead')) === '');
  assert.deepEqual(page.errors, []);
});
