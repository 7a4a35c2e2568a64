// Changing optimizer, activation, layers, neurons and data set through the controls changes the
// model (URL, number of neuron thumbnails) and the drawing (boundary pixels).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canvasPixels, readNumber, screenshot, startPlayground, until } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

const hiddenNeurons = (page) => page.$eval('#network', (n) => Number(n.dataset.neurons));
const param = (page, key) => new URL(page.url()).searchParams.get(key);

test('controls change the model, the URL and the drawing', async () => {
  const page = await pg.open('dataset=circle&layers=4,2&act=tanh&opt=sgd');
  assert.equal(await hiddenNeurons(page), 6);

  await page.selectOption('#opt', 'adam');
  await until(async () => param(page, 'opt') === 'adam');
  assert.equal(param(page, 'opt'), 'adam');
  // Adam's own hyperparameters appear as controls.
  await page.waitForSelector('#p-beta1');

  await page.selectOption('#act-all', 'relu');
  await until(async () => param(page, 'act')?.startsWith('relu'));
  assert.match(param(page, 'act'), /^relu/);

  await page.click('#add-layer');
  await until(async () => (await hiddenNeurons(page)) === 8);
  assert.equal(await readNumber(page, '#layer-count'), 3);
  assert.equal(param(page, 'layers'), '4,2,2');

  // + on the first hidden layer adds a neuron there.
  await page.click('.layer-head >> nth=0 >> button[title^="Add a neuron"]');
  await until(async () => (await hiddenNeurons(page)) === 9);
  assert.equal(param(page, 'layers'), '5,2,2');

  await page.click('#remove-layer');
  await until(async () => (await hiddenNeurons(page)) === 7);
  assert.equal(param(page, 'layers'), '5,2');

  // A feature switched on widens the input.
  await page.click('.node.feature[data-token="x1_squared"]');
  await until(async () => (param(page, 'features') || '').includes('x1_squared'));

  // Train a little, then switch data sets: the plot changes with the data.
  await page.click('#step');
  await until(async () => (await readNumber(page, '#epoch')) >= 1);
  const circle = await canvasPixels(page, '#boundary');
  await page.click('.ds[data-token="xor"]');
  await until(async () => param(page, 'dataset') === 'xor');
  await page.click('#step');
  await until(async () => (await readNumber(page, '#epoch')) >= 1);
  await page.waitForTimeout(200);
  const xor = await canvasPixels(page, '#boundary');
  assert.notDeepEqual(xor.data, circle.data);

  // Learning rate slider: the URL gets a new rate.
  const lr0 = param(page, 'lr');
  await page.$eval('#lr', (el) => { el.value = '-2'; el.dispatchEvent(new Event('input')); el.dispatchEvent(new Event('change')); });
  await until(async () => param(page, 'lr') !== lr0);
  assert.equal(Number(param(page, 'lr')), 0.01);
  await screenshot(page, '04-controls-changed');
  assert.deepEqual(page.errors, []);
});

test('hovering a link shows its weight and clicking edits it', async () => {
  const page = await pg.open('dataset=circle&layers=2&act=tanh');
  const box = await page.locator('#links').boundingBox();
  // The link canvas belongs to its painting worker: wait until it has painted the links, then
  // take the middle of the strongest link from the first layer (the curve passes through the
  // midpoint of its two ends).
  await until(async () => page.evaluate(() => window.nnplay.network.linkLayer.drawn > 0));
  const spot = await page.evaluate(() => {
    const n = window.nnplay.network;
    const first = n.linkGeom.filter((k) => k.l === 0);
    const k = first.reduce((a, b) => (Math.abs(n.valueOf(b)) > Math.abs(n.valueOf(a)) ? b : a));
    return { x: (k.x0 + k.x1) / 2, y: (k.y0 + k.y1) / 2 };
  });
  await page.mouse.move(box.x + spot.x, box.y + spot.y);
  await page.waitForSelector('#tooltip:not([hidden])');
  const text = await page.textContent('#tooltip');
  assert.match(text, /Weight .* → .*-?\d+\.\d{4}/);
  await page.mouse.click(box.x + spot.x, box.y + spot.y);
  await page.waitForSelector('#editor:not([hidden])');
  await page.fill('#editor-input', '2.5');
  await page.press('#editor-input', 'Enter');
  // Hover again until the frame with the edited weight has arrived.
  let nudge = 1;
  await until(async () => {
    nudge = -nudge;
    await page.mouse.move(box.x + spot.x + nudge, box.y + spot.y);
    return /2\.5000/.test((await page.textContent('#tooltip')) || '');
  });
  assert.match(await page.textContent('#tooltip'), /2\.5000/);
  assert.deepEqual(page.errors, []);
});
