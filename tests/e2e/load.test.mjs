// The page loads without a console error, the worker draws a first frame, and the output plot,
// the neuron thumbnails and the loss chart hold real pixels.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { canvasPixels, distinctColours, screenshot, startPlayground } from './helpers.mjs';

let pg;
before(async () => {
  pg = await startPlayground();
});
after(async () => {
  await pg?.close();
});

test('the default page loads cleanly and draws the decision boundary', async () => {
  const page = await pg.open();
  const boundary = await canvasPixels(page, '#boundary');
  assert.ok(boundary.width >= 100 && boundary.height >= 100, `boundary is ${boundary.width}×${boundary.height}`);
  assert.ok(distinctColours(boundary) > 1, 'the boundary canvas is a single colour');
  // Every hidden neuron has a thumbnail with more than one colour (inside its 1-pixel frame).
  const neurons = await page.evaluate(() => {
    const n = window.nnplay.network;
    const ctx = n.canvas.getContext('2d');
    const hidden = n.neuronNodes.filter(({ l }) => l < n.snapshot.layers.length - 1);
    return hidden.map(({ pos }) => {
      const s = Math.round(pos.w * n.dpr) - 4;
      const d = ctx.getImageData(Math.round(pos.x * n.dpr) + 2, Math.round(pos.y * n.dpr) + 2, s, s).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return seen.size;
    });
  });
  assert.ok(neurons.length >= 1, 'no neuron thumbnails');
  assert.ok(neurons.every((n) => n > 1), `flat thumbnails: ${neurons}`);
  // The URL holds the canonical configuration written by Rust.
  assert.match(page.url(), /dataset=circle/);
  assert.match(page.url(), /layers=/);
  // Every control carries a tooltip.
  const untitled = await page.$$eval('button, select, input', (els) => els
    .filter((e) => e.offsetParent !== null && e.type !== 'file')
    .filter((e) => !(e.title || e.closest('[title]')))
    .map((e) => e.id || e.outerHTML.slice(0, 60)));
  assert.deepEqual(untitled, [], 'controls without a tooltip');
  await screenshot(page, '01-initial-1366x768');
  assert.deepEqual(page.errors, []);
});

test('download model gives the architecture, settings and every weight as JSON', async () => {
  const page = await pg.open('dataset=xor&layers=3');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const model = JSON.parse(await readFile(await download.path(), 'utf8'));
  // The library's model file (tests/e2e/model_file.test.mjs feeds it to `nnplay predict`).
  assert.equal(model.format, 'nnplay-model');
  assert.match(model.playground.query, /dataset=xor/);
  assert.equal(model.network.layers.length, 2);
  assert.equal(model.network.layers[0].units, 3);
  assert.equal(model.params.length, (2 * 3 + 3) + (3 * 1 + 1));
  assert.deepEqual(page.errors, []);
});

test('the page fits and draws at 1920×1080', async () => {
  const page = await pg.open();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal scroll of ${overflow}px`);
  await screenshot(page, '02-initial-1920x1080');
  assert.deepEqual(page.errors, []);
});

test('the legend names both classes and its three labels stay apart, under the bar', async () => {
  const page = await pg.open('dataset=xor');
  const bar = await page.evaluate(() => {
    const r = document.getElementById('legend').getBoundingClientRect();
    return { left: r.left, right: r.right };
  });
  const boxes = async () => page.evaluate(() => ['legend-lo', 'legend-mid', 'legend-hi'].map((id) => {
    const e = document.getElementById(id);
    // The text's own extent, not its grid cell: a Range measures the glyphs laid out.
    const range = document.createRange();
    range.selectNodeContents(e);
    const r = range.getBoundingClientRect();
    const cell = e.getBoundingClientRect();
    return { text: e.textContent, title: e.title, left: Math.max(r.left, cell.left), right: Math.min(r.right, cell.right) };
  }));
  // Readable as three labels: a visible gap between neighbours, none past the bar's ends.
  const apart = (b) => b[0].right + 4 <= b[1].left && b[1].right + 4 <= b[2].left && b[0].left >= bar.left - 0.5 && b[2].right <= bar.right + 0.5;
  let b = await boxes();
  assert.deepEqual(b.map((x) => x.text), ['different signs', 'unsure', 'same sign']);
  assert.ok(apart(b), `labels overlap: ${JSON.stringify(b)}`);
  // A CSV's long class names shorten with an ellipsis and keep the full name as a tooltip.
  await page.evaluate(() => { document.getElementById('legend-lo').textContent = 'a class name far too long to fit beside the bar'; });
  b = await boxes();
  assert.ok(apart(b), `a long name runs into the middle label: ${JSON.stringify(b)}`);
  assert.equal(b[2].title, 'same sign');
  assert.deepEqual(page.errors, []);
});
