// The backprop inspector, used as a student would: train a small XOR network a few epochs, open
// the inspector, click a training point on the plot, step with Next (and the arrow keys) to the
// gradient stages, and read ∂L/∂W and ∂L/∂b off the page. They are compared with central finite
// differences of the loss computed HERE, by a forward pass written in this file from the
// weights the page holds and the point's coordinates and label — an independent referee, so a
// wrong derivative in the library fails this test. The update stage must show W − η·g (SGD).
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

const LR = 0.1;

/** BCE loss of a 2 → tanh(H) → sigmoid(1) network on (x, y), in float64. */
function lossOf(params, layers, x, y) {
  let a = x;
  layers.forEach((layer, l) => {
    const { offset, in_dim: inDim, out_dim: outDim } = layer;
    const z = [];
    for (let j = 0; j < outDim; j++) {
      let s = params[offset + inDim * outDim + j];
      for (let i = 0; i < inDim; i++) s += params[offset + i * outDim + j] * a[i];
      z.push(s);
    }
    a = l === layers.length - 1 ? z.map((v) => 1 / (1 + Math.exp(-v))) : z.map(Math.tanh);
  });
  const p = a[0];
  return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
}

/** Central differences of the loss for every parameter. */
function finiteDifferences(params, layers, x, y, h = 1e-4) {
  return params.map((_, k) => {
    const up = params.slice();
    const down = params.slice();
    up[k] += h;
    down[k] -= h;
    return (lossOf(up, layers, x, y) - lossOf(down, layers, x, y)) / (2 * h);
  });
}

/** Agreement to ~1 % of the size of the gradient (f32 arithmetic in the library). */
function agrees(shown, fd, scale) {
  return Math.abs(shown - fd) <= 1e-2 * Math.abs(fd) + 1e-3 * scale + 1e-6;
}

async function stage(page) {
  return page.$eval('.insp-stage', (s) => ({ kind: s.dataset.stage, layer: s.dataset.layer === '' ? null : Number(s.dataset.layer) }));
}

async function numbers(page, q) {
  return page.$$eval(`#inspector-body [data-q="${q}"]`, (els) => els.map((e) => ({
    layer: e.dataset.layer == null ? null : Number(e.dataset.layer),
    in: e.dataset.in == null ? null : Number(e.dataset.in),
    unit: e.dataset.unit == null ? null : Number(e.dataset.unit),
    value: Number(e.dataset.value),
    text: e.textContent,
  })));
}

/** Clicks Next until the stage is `kind` of `layer`. */
async function goTo(page, kind, layer) {
  for (let i = 0; i < 40; i++) {
    const s = await stage(page);
    if (s.kind === kind && (layer == null || s.layer === layer)) return;
    await page.click('#inspector-next');
  }
  throw new Error(`no stage ${kind} ${layer}`);
}

test('inspector: the gradient shown for a clicked point matches finite differences, and SGD updates by W − η·g', async () => {
  const page = await pg.open(`dataset=xor&layers=3&act=tanh&opt=sgd&lr=${LR}`);
  for (let i = 0; i < 3; i++) await page.click('#step');
  await until(async () => (await page.evaluate(() => window.nnplay.stats().epoch)) >= 3);
  await page.click('#tool-tab-inspector');
  await page.waitForSelector('#inspector-index');

  // A training point well inside the plot, clicked where the plot draws it.
  const target = await page.evaluate(() => {
    const { plane } = window.nnplay;
    const t = plane.points.train;
    let best = 0;
    for (let i = 0; i < t.length / 3; i++) {
      const d = Math.abs(Math.abs(t[3 * i]) - 3) + Math.abs(Math.abs(t[3 * i + 1]) - 3);
      if (d < Math.abs(Math.abs(t[3 * best]) - 3) + Math.abs(Math.abs(t[3 * best + 1]) - 3)) best = i;
    }
    const r = plane.overlay.getBoundingClientRect();
    const [sx, sy] = plane.toScreen(t[3 * best], t[3 * best + 1]);
    return { index: best, x: r.left + sx, y: r.top + sy };
  });
  await page.mouse.click(target.x, target.y);
  await until(async () => (await page.inputValue('#inspector-index')) !== '');
  const index = Number(await page.inputValue('#inspector-index'));
  const point = await page.evaluate((i) => Array.from(window.nnplay.plane.points.train.slice(3 * i, 3 * i + 3)), index);
  assert.ok(Math.hypot(point[0] - (await page.evaluate((i) => window.nnplay.plane.points.train[3 * i], target.index)), point[1] - (await page.evaluate((i) => window.nnplay.plane.points.train[3 * i + 1], target.index))) < 0.3, 'the click picked a point far from where it clicked');
  assert.match(await page.textContent('#inspector-count'), /Stage 1 of 10/);
  await page.waitForTimeout(300);
  await screenshot(page, 'inspector-1-inputs');

  // The input stage shows the point's coordinates.
  const xs = await numbers(page, 'x');
  assert.equal(xs.length, 2);
  assert.ok(Math.abs(xs[0].value - point[0]) < 1e-6 && Math.abs(xs[1].value - point[1]) < 1e-6, JSON.stringify({ xs, point }));

  // The weights the page holds (the network drawing's), and the architecture's offsets.
  const { params, layers } = await page.evaluate(() => ({
    params: Array.from(window.nnplay.network.params),
    layers: window.nnplay.network.snapshot.layers.map(({ offset, in_dim, out_dim }) => ({ offset, in_dim, out_dim })),
  }));
  assert.equal(layers.length, 2);
  const y = point[2];
  const fd = finiteDifferences(params, layers, [point[0], point[1]], y);
  const scale = Math.max(...fd.map(Math.abs));
  assert.ok(scale > 1e-3, `the gradient is too small to check anything: ${scale}`);

  await page.click('#inspector-next');
  assert.equal((await stage(page)).kind, 'forward');
  await page.waitForTimeout(200);
  await screenshot(page, 'inspector-2-forward');

  // Backprop stages, output layer first; then the gradients.
  await goTo(page, 'loss');
  const shownLoss = (await numbers(page, 'loss'))[0].value;
  const refLoss = lossOf(params, layers, [point[0], point[1]], y);
  assert.ok(Math.abs(shownLoss - refLoss) <= 1e-4 * (1 + refLoss), `loss ${shownLoss} vs ${refLoss}`);
  await goTo(page, 'delta', 1);
  await page.click('#inspector-next');
  assert.deepEqual(await stage(page), { kind: 'delta', layer: 0 });
  await page.waitForTimeout(200);
  await screenshot(page, 'inspector-3-delta');

  const shown = new Map();
  for (const l of [1, 0]) {
    await goTo(page, 'grad', l);
    const gw = await numbers(page, 'gradW');
    const gb = await numbers(page, 'gradb');
    assert.equal(gw.length, layers[l].in_dim * layers[l].out_dim);
    assert.equal(gb.length, layers[l].out_dim);
    for (const g of gw) shown.set(layers[l].offset + g.in * layers[l].out_dim + g.unit, g);
    for (const g of gb) shown.set(layers[l].offset + layers[l].in_dim * layers[l].out_dim + g.unit, g);
    if (l === 0) {
      await page.waitForTimeout(200);
      await screenshot(page, 'inspector-4-gradient');
    }
  }
  assert.equal(shown.size, params.length, 'every parameter has its gradient on the page');
  let worst = 0;
  for (const [k, g] of shown) {
    assert.ok(agrees(g.value, fd[k], scale), `parameter ${k}: page ${g.value}, finite differences ${fd[k]}`);
    worst = Math.max(worst, Math.abs(g.value - fd[k]) / scale);
    // The rounded text says the same number.
    assert.ok(Math.abs(Number(g.text.replace('−', '-').replace(/×10(.*)/, 'e$1')) - g.value) <= 1e-3 * Math.abs(g.value) + 1e-3, `${g.text} vs ${g.value}`);
  }
  // The check is sharp: a derivative 10 % off would fail it.
  const [bigK] = [...shown].sort((a, b) => Math.abs(fd[b[0]]) - Math.abs(fd[a[0]]))[0];
  assert.ok(!agrees(1.1 * fd[bigK], fd[bigK], scale), 'the tolerance would let a 10 % error through');
  console.log(`inspector vs finite differences: worst |page − fd| / max|fd| = ${worst.toExponential(2)} over ${shown.size} parameters`);

  // The update stage: W_new = W − η·g, with W the page's weights and g the gradient shown.
  for (const l of [0, 1]) {
    await goTo(page, 'update', l);
    const wOld = await numbers(page, 'Wold');
    const g = await numbers(page, 'gUsedW');
    const wNew = await numbers(page, 'Wnew');
    const bNew = await numbers(page, 'bnew');
    assert.equal(wNew.length, layers[l].in_dim * layers[l].out_dim);
    assert.equal(bNew.length, layers[l].out_dim);
    const lr = (await numbers(page, 'lr'))[0].value;
    assert.ok(Math.abs(lr - LR) < 1e-7);
    wNew.forEach((w, k) => {
      const at = layers[l].offset + w.in * layers[l].out_dim + w.unit;
      assert.ok(Math.abs(wOld[k].value - params[at]) < 1e-7, 'W before the step is the page\'s weight');
      assert.ok(Math.abs(g[k].value - shown.get(at).value) < 1e-7, 'the step uses the gradient shown');
      assert.ok(Math.abs(w.value - (params[at] - LR * shown.get(at).value)) <= 1e-6, `W_new ${w.value} vs ${params[at]} − ${LR}·${shown.get(at).value}`);
    });
  }
  await page.waitForTimeout(200);
  await screenshot(page, 'inspector-5-update');
  // The network drawing lights up the layer the stage is about.
  assert.equal(await page.getAttribute('#network', 'data-highlight'), '1:*:1');

  // Keyboard: ← and → step through the stages; ↑ in the number box moves to the next point.
  await page.focus('#inspector-prev');
  const before = await page.textContent('#inspector-count');
  await page.keyboard.press('ArrowLeft');
  const back = await page.textContent('#inspector-count');
  await page.keyboard.press('ArrowRight');
  assert.notEqual(back, before);
  assert.equal(await page.textContent('#inspector-count'), before);
  await page.focus('#inspector-index');
  await page.keyboard.press('ArrowUp');
  await until(async () => (await page.evaluate(() => document.querySelector('#inspector-point').textContent)).length > 0);
  await until(async () => Number(await page.inputValue('#inspector-index')) === index + 1);
  assert.deepEqual(page.errors, []);
});

test('inspector: Adam shows its moments and bias corrections', async () => {
  const page = await pg.open('dataset=xor&layers=3&act=tanh&opt=adam&lr=0.01&tool=inspector');
  await page.click('#step');
  await page.waitForSelector('#inspector-index');
  await page.fill('#inspector-index', '4');
  await until(async () => (await page.textContent('#inspector-point')).length > 0);
  await goTo(page, 'update', 1);
  const m = await numbers(page, 'mW');
  const mhat = await numbers(page, 'mhatW');
  assert.ok(m.length > 0 && m.length === mhat.length);
  assert.match(await page.textContent('#inspector-body'), /1 − β₁ᵗ/);
  await page.waitForTimeout(200);
  await screenshot(page, 'inspector-6-adam');
  assert.deepEqual(page.errors, []);
});
