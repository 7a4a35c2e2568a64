// Generates the reference fixtures in tests/fixtures/ from TensorFlow.js
// (pure-JS cpu backend, float32). See README.md in this directory.
//
//   cd scripts/reference && npm ci && node make_fixtures.mjs
//
// Every gradient in the fixtures comes from tfjs autodiff (tf.variableGrads /
// tf.grads). Plain float64 JavaScript is used only for self-checks (finite
// differences, closed-form loss formulas); none of it is written to the files.

import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = resolve(HERE, '../../tests/fixtures');

await tf.setBackend('cpu');
await tf.ready();
if (tf.getBackend() !== 'cpu') throw new Error('cpu backend not active');

const TFJS_VERSION = tf.version.tfjs;
const PINNED = JSON.parse(readFileSync(resolve(HERE, 'package.json'), 'utf8'))
  .dependencies['@tensorflow/tfjs'];
if (PINNED !== TFJS_VERSION) {
  throw new Error(`installed tfjs ${TFJS_VERSION} != pinned ${PINNED}; run npm ci`);
}
const GENERATED_BY =
  `scripts/reference/make_fixtures.mjs (TensorFlow.js ${TFJS_VERSION}, cpu backend)`;

const LEAKY_SLOPE = 0.01;

// ---------------------------------------------------------------------------
// Deterministic random numbers (mulberry32) and float32 helpers
// ---------------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const f32 = Math.fround;
// Inputs and initial weights are rounded to 4 decimals, then to float32, so
// the files stay readable; the stored value is exactly what tfjs used.
const r4 = (v) => f32(Math.round(v * 1e4) / 1e4);

function uniformMatrix(rng, rows, cols, lo, hi) {
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => r4(lo + (hi - lo) * rng())));
}
function uniformVector(rng, n, lo, hi) {
  return Array.from({ length: n }, () => r4(lo + (hi - lo) * rng()));
}

function initLayers(seed, sizes) {
  const rng = mulberry32(seed);
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    layers.push({
      w: uniformMatrix(rng, sizes[l], sizes[l + 1], -0.8, 0.8),
      b: uniformVector(rng, sizes[l + 1], -0.2, 0.2),
    });
  }
  return layers;
}

function flattenLayers(layers) {
  const flat = [];
  for (const { w, b } of layers) {
    for (const row of w) flat.push(...row);
    flat.push(...b);
  }
  return flat;
}

function oneHot(classes, k) {
  return classes.map((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)));
}

// ---------------------------------------------------------------------------
// Compact JSON writer: numbers printed as the shortest decimal that rounds back
// to the same float32; numeric vectors on one line, matrices one row per line.
// ---------------------------------------------------------------------------

function f32String(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new Error(`non-finite or non-number value in fixture: ${x}`);
  }
  const f = f32(x);
  if (f === 0) return '0';
  for (let p = 1; p <= 9; p++) {
    const s = String(Number(f.toPrecision(p)));
    if (f32(Number(s)) === f) return s;
  }
  throw new Error(`cannot print ${x}`);
}

const isNumArray = (v) => Array.isArray(v) && v.every((e) => typeof e === 'number');
const isMatrix = (v) => Array.isArray(v) && v.length > 0 && v.every(isNumArray);

function toJson(v, indent = '') {
  const inner = indent + '  ';
  if (v === null) return 'null';
  if (typeof v === 'number') return f32String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (isNumArray(v)) return '[' + v.map(f32String).join(', ') + ']';
  if (isMatrix(v)) {
    return '[\n' + v.map((row) => inner + toJson(row)).join(',\n') + '\n' + indent + ']';
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((e) => typeof e === 'string')) return JSON.stringify(v);
    return '[\n' + v.map((e) => inner + toJson(e, inner)).join(',\n') + '\n' + indent + ']';
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    return '{\n' + keys.map((k) => inner + JSON.stringify(k) + ': ' + toJson(v[k], inner))
      .join(',\n') + '\n' + indent + '}';
  }
  throw new Error(`cannot serialise ${typeof v}`);
}

function writeFixture(name, obj) {
  mkdirSync(OUT_DIR, { recursive: true });
  const text = toJson(obj) + '\n';
  JSON.parse(text); // must be valid JSON
  writeFileSync(resolve(OUT_DIR, name), text);
  console.log(`wrote tests/fixtures/${name} (${text.length} bytes)`);
}

// ---------------------------------------------------------------------------
// Self-check helpers (float64, never written)
// ---------------------------------------------------------------------------

function assertClose(what, got, want, rtol, atol) {
  const g = got.flat(Infinity);
  const w = want.flat(Infinity);
  if (g.length !== w.length) throw new Error(`${what}: length ${g.length} vs ${w.length}`);
  for (let i = 0; i < g.length; i++) {
    const err = Math.abs(g[i] - w[i]);
    if (!(err <= atol + rtol * Math.abs(w[i]))) {
      throw new Error(`${what}[${i}]: tfjs ${g[i]} vs check ${w[i]} (err ${err})`);
    }
  }
}

function erf64(x) {
  // Maclaurin series; accurate to ~1e-12 for |x| < 4, erf(±4) = ±(1 - 1.5e-8).
  if (Math.abs(x) >= 4) return Math.sign(x) * (1 - 1.541725790028002e-8);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const ACT64 = {
  linear: (z) => z,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => (z > 0 ? z : 0),
  leaky_relu: (z) => (z > 0 ? z : LEAKY_SLOPE * z),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  softplus: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
  gelu: (z) => 0.5 * z * (1 + erf64(z / Math.SQRT2)),
};

function softmaxRow64(z) {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

// Loss (float64) from the final pre-activations z (for bce/cce) or outputs a.
function loss64(lossFn, input, y, delta) {
  let total = 0;
  let count = 0;
  if (lossFn === 'cce') {
    for (let i = 0; i < input.length; i++) {
      const m = Math.max(...input[i]);
      const lse = m + Math.log(input[i].reduce((s, v) => s + Math.exp(v - m), 0));
      for (let k = 0; k < input[i].length; k++) total -= y[i][k] * (input[i][k] - lse);
    }
    return total / input.length;
  }
  for (let i = 0; i < input.length; i++) {
    for (let k = 0; k < input[i].length; k++) {
      const v = input[i][k];
      const t = y[i][k];
      const r = v - t;
      let e;
      switch (lossFn) {
        case 'mse': e = r * r; break;
        case 'mae': e = Math.abs(r); break;
        case 'huber': e = Math.abs(r) <= delta ? 0.5 * r * r : delta * (Math.abs(r) - 0.5 * delta); break;
        case 'bce': e = Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v))); break;
        default: throw new Error(lossFn);
      }
      total += e;
      count++;
    }
  }
  return total / count;
}

// Closed-form gradient of loss64 w.r.t. its input (self-check only).
function lossGrad64(lossFn, input, y, delta) {
  const rows = input.length;
  const cols = input[0].length;
  const n = lossFn === 'cce' ? rows : rows * cols;
  return input.map((row, i) => {
    const p = lossFn === 'cce' ? softmaxRow64(row) : null;
    return row.map((v, k) => {
      const t = y[i][k];
      const r = v - t;
      switch (lossFn) {
        case 'mse': return (2 * r) / n;
        case 'mae': return Math.sign(r) / n;
        case 'huber': return (Math.abs(r) <= delta ? r : delta * Math.sign(r)) / n;
        case 'bce': return (1 / (1 + Math.exp(-v)) - t) / n;
        case 'cce': return (p[k] - t) / n;
        default: throw new Error(lossFn);
      }
    });
  });
}

// Float64 forward pass of a dense network with flat parameters.
function forward64(sizes, acts, flat, x) {
  let a = x;
  let off = 0;
  let z = null;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const wOff = off;
    const bOff = off + nin * nout;
    off = bOff + nout;
    z = a.map((row) => Array.from({ length: nout }, (_, j) => {
      let s = flat[bOff + j];
      for (let i = 0; i < nin; i++) s += row[i] * flat[wOff + i * nout + j];
      return s;
    }));
    const act = acts[l];
    a = act === 'softmax' ? z.map(softmaxRow64) : z.map((row) => row.map(ACT64[act]));
  }
  return { z, a };
}

function kernelMask(sizes) {
  const mask = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (let i = 0; i < sizes[l] * sizes[l + 1]; i++) mask.push(true);
    for (let i = 0; i < sizes[l + 1]; i++) mask.push(false);
  }
  return mask;
}

function netLoss64(net, flat, x, y) {
  const { z, a } = forward64(net.sizes, net.acts, flat, x);
  const input = net.lossFn === 'bce' || net.lossFn === 'cce' ? z : a;
  let l = loss64(net.lossFn, input, y, net.huberDelta);
  const mask = kernelMask(net.sizes);
  for (let i = 0; i < flat.length; i++) {
    if (!mask[i]) continue;
    l += (net.l2 ?? 0) * flat[i] * flat[i] + (net.l1 ?? 0) * Math.abs(flat[i]);
  }
  return l;
}

function finiteDiffGrad(net, flat, x, y) {
  const h = 1e-6;
  return flat.map((_, i) => {
    const p = flat.slice();
    p[i] = flat[i] + h;
    const lp = netLoss64(net, p, x, y);
    p[i] = flat[i] - h;
    const lm = netLoss64(net, p, x, y);
    return (lp - lm) / (2 * h);
  });
}

// ---------------------------------------------------------------------------
// The tfjs model: activations, losses, network forward pass
// ---------------------------------------------------------------------------

const ACT_TF = {
  linear: (z) => z,
  sigmoid: (z) => tf.sigmoid(z),
  tanh: (z) => tf.tanh(z),
  relu: (z) => tf.relu(z),
  leaky_relu: (z) => tf.leakyRelu(z, LEAKY_SLOPE),
  elu: (z) => tf.elu(z),
  softplus: (z) => tf.softplus(z),
  // Exact (erf) GELU built from tf ops: 0.5 z (1 + erf(z / sqrt 2)).
  gelu: (z) => tf.mul(tf.mul(z, 0.5), tf.add(1, tf.erf(tf.div(z, Math.SQRT2)))),
  softmax: (z) => tf.softmax(z, -1),
};

// Mean-reduced losses. `input` is the final pre-activation z for bce/cce, the
// output a otherwise.
function lossTf(lossFn, input, y, delta) {
  switch (lossFn) {
    case 'mse':
      return tf.losses.meanSquaredError(y, input);
    case 'mae': {
      // |r| written as r * sign(r): autodiff gives sign(r) with sign(0) = 0
      // (PyTorch's convention). tfjs's Abs gradient is step(x, -1), i.e. it
      // would give -1 at r = 0.
      const r = tf.sub(input, y);
      return tf.mean(tf.mul(r, tf.sign(r)));
    }
    case 'huber':
      return tf.losses.huberLoss(y, input, undefined, delta);
    case 'bce':
      return tf.losses.sigmoidCrossEntropy(y, input);
    case 'cce':
      return tf.losses.softmaxCrossEntropy(y, input);
    default:
      throw new Error(lossFn);
  }
}

// params: [W0, b0, W1, b1, ...] tensors
function forwardTf(net, params, x) {
  let a = x;
  let z = null;
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    z = tf.add(tf.matMul(a, params[2 * l]), params[2 * l + 1]);
    a = ACT_TF[net.acts[l]](z);
  }
  return { z, a };
}

function netLossTf(net, params, x, y) {
  const { z, a } = forwardTf(net, params, x);
  const input = net.lossFn === 'bce' || net.lossFn === 'cce' ? z : a;
  let l = lossTf(net.lossFn, input, y, net.huberDelta);
  for (let k = 0; k < params.length; k += 2) {
    if (net.l2) l = tf.add(l, tf.mul(net.l2, tf.sum(tf.square(params[k]))));
    if (net.l1) l = tf.add(l, tf.mul(net.l1, tf.sum(tf.abs(params[k]))));
  }
  return l;
}

const t2 = (m) => tf.tensor2d(m, undefined, 'float32');
const read2 = (t) => t.arraySync();
const flatOf = (tensors) => tensors.flatMap((t) => Array.from(t.dataSync()));

function layerTensors(layers) {
  return layers.flatMap(({ w, b }) => [t2(w), tf.tensor1d(b, 'float32')]);
}

function netFields(net) {
  return {
    layer_sizes: net.sizes,
    activations: net.acts,
    loss_fn: net.lossFn,
    huber_delta: net.lossFn === 'huber' ? net.huberDelta : undefined,
    l2_rate: net.l2 ?? 0,
    l1_rate: net.l1 ?? 0,
  };
}

// ---------------------------------------------------------------------------
// 1. losses.json
// ---------------------------------------------------------------------------

function makeLosses() {
  const rng = mulberry32(1001);
  // Predictions / targets for the regression losses (5 x 3). Residuals cover
  // |r| < 0.5, 0.5 < |r| < 1, |r| > 1, exactly 0, exactly 0.5 and exactly 1.
  const a = uniformMatrix(rng, 5, 3, -2, 2);
  const y = uniformMatrix(rng, 5, 3, -1.5, 1.5);
  a[0][0] = f32(0.25); y[0][0] = f32(0.25);   // r = 0 (mae zero residual)
  a[1][1] = f32(1.5); y[1][1] = f32(0.5);     // r = 1 exactly (huber delta 1 boundary)
  a[2][2] = f32(0.75); y[2][2] = f32(0.25);   // r = 0.5 exactly (huber delta 0.5 boundary)
  a[3][0] = f32(-1.2); y[3][0] = f32(-0.9);   // |r| = 0.3: quadratic zone for both deltas
  a[3][1] = f32(2.5); y[3][1] = f32(-0.5);    // |r| = 3: linear zone for both deltas
  a[4][2] = f32(0.1); y[4][2] = f32(0.8);     // |r| = 0.7: between the two deltas

  const zb = [[f32(0.3)], [f32(-1.7)], [f32(12)], [f32(-15)], [f32(0)]];
  const yb = [[1], [0], [0], [1], [1]];

  const zc = [
    [0.5, -1.2, 2.0],
    [-0.3, 0.8, 0.1],
    [50, -20, 10],
    [0, 0, 0],
    [-3.5, 1.25, -0.75],
  ].map((r) => r.map(f32));
  const yc = oneHot([2, 1, 1, 0, 1], 3);

  const specs = [
    { name: 'mse', loss_fn: 'mse', input_kind: 'predictions', input: a, y },
    { name: 'mae', loss_fn: 'mae', input_kind: 'predictions', input: a, y },
    { name: 'huber_delta_1', loss_fn: 'huber', huber_delta: 1.0, input_kind: 'predictions', input: a, y },
    { name: 'huber_delta_0.5', loss_fn: 'huber', huber_delta: 0.5, input_kind: 'predictions', input: a, y },
    { name: 'bce', loss_fn: 'bce', input_kind: 'logits', input: zb, y: yb },
    { name: 'cce', loss_fn: 'cce', input_kind: 'logits', input: zc, y: yc },
  ];

  const cases = specs.map((s) => {
    const x = t2(s.input);
    const yt = t2(s.y);
    const f = (inp) => lossTf(s.loss_fn, inp, yt, s.huber_delta);
    const loss = f(x).dataSync()[0];
    const [g] = tf.grads(f)([x]);
    const grad = read2(g);
    // Self-checks against closed forms in float64.
    assertClose(`losses/${s.name}/loss`, [loss], [loss64(s.loss_fn, s.input, s.y, s.huber_delta)], 1e-5, 1e-7);
    assertClose(`losses/${s.name}/grad`, grad, lossGrad64(s.loss_fn, s.input, s.y, s.huber_delta), 1e-4, 1e-7);
    return { ...s, loss, grad };
  });

  // The built-in absoluteDifference agrees on the value (its gradient at r=0 differs, see above).
  const mae = tf.losses.absoluteDifference(t2(y), t2(a)).dataSync()[0];
  assertClose('losses/mae vs tf.losses.absoluteDifference', [mae], [cases[1].loss], 1e-6, 0);

  writeFixture('losses.json', {
    generated_by: GENERATED_BY,
    description:
      'Loss values and gradients w.r.t. the loss input, all losses reduced by MEAN. ' +
      'input_kind "predictions": input is the output a (mse, mae, huber); "logits": input is the ' +
      'pre-activation z of a sigmoid (bce, y in {0,1}) or softmax (cce, y one-hot) output layer. ' +
      'mse = mean (a-y)^2; mae = mean |a-y|; huber = mean(0.5 r^2 if |r|<=delta else delta(|r|-0.5 delta)); ' +
      'bce = mean over all elements of max(z,0) - z y + ln(1+e^-|z|); cce = mean over the batch of ' +
      '-sum_k y_k log softmax(z)_k. grad has the shape of input. Computed with tf.losses.meanSquaredError, ' +
      'tf.losses.huberLoss, tf.losses.sigmoidCrossEntropy, tf.losses.softmaxCrossEntropy; mae as ' +
      'mean(r*sign(r)) so that the gradient at a zero residual (mae case, input[0][0]) is 0 (sign(0)=0, ' +
      "PyTorch's convention; tfjs's own abs gradient would give +1/N there). The mse/mae/huber cases " +
      'share input and y; residuals include exactly 0, 0.5 and 1 and values on both sides of each delta. ' +
      'bce/cce include large logits (12, -15, 50) to test numerical stability. Gradients from tf.grads.',
    cases,
  });
}

// ---------------------------------------------------------------------------
// 2. forward_backward.json
// ---------------------------------------------------------------------------

const HIDDEN_ACTS = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'softplus', 'gelu'];
const HEADS = [
  { tag: 'linear+mse', outAct: 'linear', lossFn: 'mse', outDim: 2 },
  { tag: 'linear+mae', outAct: 'linear', lossFn: 'mae', outDim: 2 },
  { tag: 'linear+huber', outAct: 'linear', lossFn: 'huber', huberDelta: 1.0, outDim: 2 },
  { tag: 'sigmoid+bce', outAct: 'sigmoid', lossFn: 'bce', outDim: 1 },
  { tag: 'softmax+cce', outAct: 'softmax', lossFn: 'cce', outDim: 3 },
  { tag: 'tanh+mse', outAct: 'tanh', lossFn: 'mse', outDim: 2 },
];

function targetsFor(head, rng, batch) {
  switch (head.lossFn) {
    case 'bce':
      return Array.from({ length: batch }, (_, i) => [i % 2 === 0 ? 1 : 0]);
    case 'cce':
      return oneHot(Array.from({ length: batch }, () => Math.floor(rng() * 3)), 3);
    default:
      return head.outAct === 'tanh'
        ? uniformMatrix(rng, batch, head.outDim, -0.9, 0.9)
        : uniformMatrix(rng, batch, head.outDim, -2, 2);
  }
}

function forwardBackwardCase(name, net, layers, x, y) {
  const params = layerTensors(layers);
  const xt = t2(x);
  const yt = t2(y);
  const out = read2(forwardTf(net, params, xt).a);
  const f = (...ps) => netLossTf(net, ps, xt, yt);
  const loss = f(...params).dataSync()[0];
  const grads = tf.grads(f)(params);
  const grad = flatOf(grads);
  const params0 = flattenLayers(layers);

  // Self-checks: float64 forward pass and central finite differences.
  const ref = forward64(net.sizes, net.acts, params0, x);
  assertClose(`${name}/output`, out, ref.a, 2e-5, 2e-6);
  assertClose(`${name}/loss`, [loss], [netLoss64(net, params0, x, y)], 2e-5, 2e-6);
  assertClose(`${name}/grad`, grad, finiteDiffGrad(net, params0, x, y), 2e-3, 2e-5);

  return {
    name,
    ...netFields(net),
    x,
    y,
    layers,
    params0,
    output: out,
    loss,
    grad,
  };
}

function makeForwardBackward() {
  const batch = 6;
  const x = uniformMatrix(mulberry32(2001), batch, 3, -2, 2);
  const cases = [];
  let seed = 3000;
  for (const head of HEADS) {
    const y = targetsFor(head, mulberry32(2100 + cases.length), batch);
    for (const hidden of HIDDEN_ACTS) {
      const net = {
        sizes: [3, 4, 3, head.outDim],
        acts: [hidden, hidden, head.outAct],
        lossFn: head.lossFn,
        huberDelta: head.huberDelta,
      };
      const layers = initLayers(++seed, net.sizes);
      cases.push(forwardBackwardCase(`${hidden}/${head.tag}`, net, layers, x, y));
    }
  }
  // Regularised cases.
  const regs = [
    { name: 'tanh/linear+mse/l2_0.01', hidden: 'tanh', head: HEADS[0], l2: 0.01 },
    { name: 'relu/softmax+cce/l1_0.01', hidden: 'relu', head: HEADS[4], l1: 0.01 },
  ];
  for (const r of regs) {
    const net = {
      sizes: [3, 4, 3, r.head.outDim],
      acts: [r.hidden, r.hidden, r.head.outAct],
      lossFn: r.head.lossFn,
      l2: r.l2,
      l1: r.l1,
    };
    const y = targetsFor(r.head, mulberry32(++seed), batch);
    const layers = initLayers(++seed, net.sizes);
    cases.push(forwardBackwardCase(r.name, net, layers, x, y));
  }

  writeFixture('forward_backward.json', {
    generated_by: GENERATED_BY,
    description:
      'Forward pass, mean loss and gradient for small dense networks 3 -> [4, 3] -> out, batch 6, ' +
      'x uniform in [-2,2]. Layer l: z = a W + b with W of shape (in, out) (row-major rows = inputs), ' +
      'a = f(z); activations[l] applies to layer l. output is the final a (after sigmoid/softmax for ' +
      'bce/cce; bce/cce losses are computed from the logits z). loss includes l2_rate*sum(W^2) + ' +
      'l1_rate*sum|W| over kernels only (never biases). params0 = flat [W0 row-major, b0, W1, b1, W2, b2], ' +
      'the same numbers as layers; grad is d loss / d params in the same flat order, from tf.grads. ' +
      `leaky_relu slope ${LEAKY_SLOPE}; elu alpha 1; softplus ln(1+e^z) (tf.softplus); gelu is the exact ` +
      'form 0.5 z (1+erf(z/sqrt2)) built from tf ops (note: the tfjs cpu tf.erf kernel is the ' +
      'Abramowitz-Stegun 7.1.26 approximation, absolute error <= 1.5e-7). huber_delta present only for ' +
      'huber. Initial weights uniform in [-0.8,0.8], biases in [-0.2,0.2] (mulberry32, rounded to 4 ' +
      'decimals, then float32). Values were self-checked against a float64 forward pass and central ' +
      'finite differences.',
    leaky_relu_slope: LEAKY_SLOPE,
    elu_alpha: 1,
    cases,
  });
}

// ---------------------------------------------------------------------------
// 3. optimizers.json
// ---------------------------------------------------------------------------

// Optimizers implemented from the formulas in the brief, with tf ops on
// float32 tensors. `state` holds per-parameter slots.
function formulaOptimizer(kind, h) {
  const slots = [];
  let t = 0;
  return {
    // vars: tf.Variable[]; grads: tf.Tensor[] in the same order.
    apply(vars, grads) {
      t += 1;
      tf.tidy(() => {
        vars.forEach((p, i) => {
          const g = grads[i];
          if (!slots[i]) {
            slots[i] = { a: tf.variable(tf.zerosLike(p), false), b: tf.variable(tf.zerosLike(p), false) };
          }
          const s = slots[i];
          switch (kind) {
            case 'sgd':
              p.assign(tf.sub(p, tf.mul(h.lr, g)));
              break;
            case 'momentum':
            case 'nesterov': {
              const v = tf.add(tf.mul(h.momentum, s.a), g);
              s.a.assign(v);
              const step = kind === 'nesterov' ? tf.add(g, tf.mul(h.momentum, v)) : v;
              p.assign(tf.sub(p, tf.mul(h.lr, step)));
              break;
            }
            case 'adagrad': {
              const acc = tf.add(s.a, tf.square(g));
              s.a.assign(acc);
              p.assign(tf.sub(p, tf.div(tf.mul(h.lr, g), tf.add(tf.sqrt(acc), h.eps))));
              break;
            }
            case 'rmsprop': {
              const v = tf.add(tf.mul(h.alpha, s.a), tf.mul(1 - h.alpha, tf.square(g)));
              s.a.assign(v);
              p.assign(tf.sub(p, tf.div(tf.mul(h.lr, g), tf.add(tf.sqrt(v), h.eps))));
              break;
            }
            case 'adam':
            case 'adamw': {
              if (kind === 'adamw') p.assign(tf.sub(p, tf.mul(h.lr * h.weight_decay, p)));
              const m = tf.add(tf.mul(h.beta1, s.a), tf.mul(1 - h.beta1, g));
              const v = tf.add(tf.mul(h.beta2, s.b), tf.mul(1 - h.beta2, tf.square(g)));
              s.a.assign(m);
              s.b.assign(v);
              const mhat = tf.div(m, 1 - Math.pow(h.beta1, t));
              const vhat = tf.div(v, 1 - Math.pow(h.beta2, t));
              p.assign(tf.sub(p, tf.div(tf.mul(h.lr, mhat), tf.add(tf.sqrt(vhat), h.eps))));
              break;
            }
            default:
              throw new Error(kind);
          }
        });
      });
    },
  };
}

// What goes into the fixture: tfjs built-ins where their semantics are exactly
// the brief's (checked in node_modules/@tensorflow/tfjs-core/dist/optimizers),
// the formula implementation otherwise.
function fixtureOptimizer(kind, h) {
  switch (kind) {
    case 'sgd': {
      const o = tf.train.sgd(h.lr);
      return { impl: 'tf.train.sgd(lr)', apply: (vars, grads) => o.applyGradients(named(vars, grads)) };
    }
    case 'momentum':
    case 'nesterov': {
      const o = tf.train.momentum(h.lr, h.momentum, kind === 'nesterov');
      return {
        impl: `tf.train.momentum(lr, momentum, useNesterov=${kind === 'nesterov'})`,
        apply: (vars, grads) => o.applyGradients(named(vars, grads)),
      };
    }
    case 'adam': {
      const o = tf.train.adam(h.lr, h.beta1, h.beta2, h.eps);
      return {
        impl: 'tf.train.adam(lr, beta1, beta2, eps)',
        apply: (vars, grads) => o.applyGradients(named(vars, grads)),
      };
    }
    case 'adamw': {
      const o = tf.train.adam(h.lr, h.beta1, h.beta2, h.eps);
      return {
        impl: 'decoupled weight decay p <- p - lr*weight_decay*p on all params (tf ops), then tf.train.adam(lr, beta1, beta2, eps) with the gradient taken before the decay',
        apply: (vars, grads) => {
          tf.tidy(() => vars.forEach((p) => p.assign(tf.sub(p, tf.mul(h.lr * h.weight_decay, p)))));
          o.applyGradients(named(vars, grads));
        },
      };
    }
    case 'adagrad':
    case 'rmsprop': {
      const o = formulaOptimizer(kind, h);
      return {
        impl: kind === 'adagrad'
          ? 'formula with tf ops (tf.train.adagrad differs: lr*g/sqrt(s + 1e-7) and initial accumulator 0.1)'
          : 'formula with tf ops (tf.train.rmsprop differs: lr*g/sqrt(v + eps), eps inside the sqrt)',
        apply: (vars, grads) => o.apply(vars, grads),
      };
    }
    default:
      throw new Error(kind);
  }
}

function named(vars, grads) {
  return vars.map((v, i) => ({ name: v.name, tensor: grads[i] }));
}

const HPARAMS = {
  sgd: (lr) => ({ lr }),
  momentum: (lr) => ({ lr, momentum: 0.9 }),
  nesterov: (lr) => ({ lr, momentum: 0.9 }),
  adagrad: (lr) => ({ lr, eps: 1e-10, initial_accumulator: 0 }),
  rmsprop: (lr) => ({ lr, alpha: 0.99, eps: 1e-8 }),
  adam: (lr) => ({ lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 }),
  adamw: (lr) => ({ lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 }),
};

let varCounter = 0;

// Runs `steps` steps; step i uses batches[i % batches.length].
function runTrajectory(net, layers, batches, kind, h, clipNorm, steps, useFormula) {
  const vars = layerTensors(layers).map((t) => tf.variable(t, true, `traj${varCounter++}`));
  const opt = useFormula ? { apply: formulaOptimizer(kind, h).apply, impl: 'formula' } : fixtureOptimizer(kind, h);
  const losses = [];
  const norms = [];
  const params = [];
  const clipped = [];
  for (let s = 0; s < steps; s++) {
    const { x, y } = batches[s % batches.length];
    const xt = t2(x);
    const yt = t2(y);
    const { value, grads } = tf.variableGrads(() => netLossTf(net, vars, xt, yt), vars);
    let g = vars.map((v) => grads[v.name]);
    losses.push(value.dataSync()[0]);
    const norm = tf.sqrt(tf.addN(g.map((gi) => tf.sum(tf.square(gi)))));
    const normV = norm.dataSync()[0];
    norms.push(normV);
    if (clipNorm != null) {
      clipped.push(normV > clipNorm);
      if (normV > clipNorm) {
        const scale = tf.div(clipNorm, norm);
        g = g.map((gi) => tf.mul(gi, scale));
      }
    }
    opt.apply(vars, g);
    params.push(flatOf(vars));
    tf.dispose([value, norm, xt, yt, ...Object.values(grads), ...g]);
  }
  return { losses, norms, params, clipped, impl: opt.impl };
}

function crossCheckTrajectory(name, net, layers, batches, kind, h, clipNorm, steps, traj) {
  // Re-run with the formula optimizer (tf ops, float32) and compare: this
  // validates the tfjs built-ins (and the adamw/clip wrappers) against the brief.
  const alt = runTrajectory(net, layers, batches, kind, h, clipNorm, steps, true);
  assertClose(`${name}/losses (formula vs fixture)`, alt.losses, traj.losses, 1e-5, 1e-7);
  assertClose(`${name}/params (formula vs fixture)`, alt.params, traj.params, 1e-5, 1e-6);
}

function makeOptimizers() {
  const steps = 10;
  const rng = mulberry32(4001);
  const target = (x0, x1) => r4(Math.sin(1.5 * x0) + 0.5 * x1 * x1 - 0.3);
  const x = uniformMatrix(rng, 8, 2, -1.5, 1.5);
  const y = x.map(([a, b]) => [target(a, b)]);
  const net = { sizes: [2, 5, 1], acts: ['tanh', 'linear'], lossFn: 'mse' };
  const layers = initLayers(4100, net.sizes);

  const specs = [
    { name: 'sgd', kind: 'sgd', lr: 0.1 },
    { name: 'momentum', kind: 'momentum', lr: 0.05 },
    { name: 'nesterov', kind: 'nesterov', lr: 0.05 },
    { name: 'adagrad', kind: 'adagrad', lr: 0.1 },
    { name: 'rmsprop', kind: 'rmsprop', lr: 0.01 },
    { name: 'adam', kind: 'adam', lr: 0.01 },
    { name: 'adamw', kind: 'adamw', lr: 0.01 },
    { name: 'adam_clip_norm_0.5', kind: 'adam', lr: 0.01, clip: 0.5 },
    // Adam is nearly invariant to a uniform gradient rescale, so clipping only
    // nudges its trajectory; with sgd the effect of clipping is large.
    { name: 'sgd_clip_norm_0.5', kind: 'sgd', lr: 0.1, clip: 0.5 },
  ].map((s) => ({ ...s, net, layers, batches: [{ x, y }] }));

  // Mini-batch trajectory: 10 different batches of 4 samples.
  const mbRng = mulberry32(4201);
  const miniBatches = Array.from({ length: steps }, () => {
    const bx = uniformMatrix(mbRng, 4, 2, -1.5, 1.5);
    return { x: bx, y: bx.map(([a, b]) => [target(a, b)]) };
  });
  specs.push({ name: 'adam_minibatch', kind: 'adam', lr: 0.01, net, layers, batches: miniBatches });

  // Deeper classifier: 2 -> [4, 4] -> 3, relu hidden, softmax + cce, momentum.
  const cnet = { sizes: [2, 4, 4, 3], acts: ['relu', 'relu', 'softmax'], lossFn: 'cce' };
  const cRng = mulberry32(4301);
  const cx = uniformMatrix(cRng, 9, 2, -2, 2);
  const cy = oneHot(cx.map(([a, b]) => (a + b > 0.5 ? 0 : a - b > 0 ? 1 : 2)), 3);
  specs.push({
    name: 'momentum_relu_softmax_cce', kind: 'momentum', lr: 0.1, net: cnet,
    layers: initLayers(4400, cnet.sizes), batches: [{ x: cx, y: cy }],
  });

  const trajectories = specs.map((s) => {
    const h = HPARAMS[s.kind](s.lr);
    const clip = s.clip ?? null;
    const traj = runTrajectory(s.net, s.layers, s.batches, s.kind, h, clip, steps, false);
    crossCheckTrajectory(s.name, s.net, s.layers, s.batches, s.kind, h, clip, steps, traj);
    // First-step sanity for sgd against the forward_backward machinery.
    if (s.kind === 'sgd') {
      const p0 = flattenLayers(s.layers);
      const g = finiteDiffGrad(s.net, p0, s.batches[0].x, s.batches[0].y);
      const norm = Math.hypot(...g);
      const scale = clip != null && norm > clip ? clip / norm : 1;
      assertClose(`${s.name}/step1 vs finite differences`, traj.params[0],
        p0.map((p, i) => p - s.lr * scale * g[i]), 1e-4, 1e-5);
    }
    if (clip != null && !traj.clipped.some((c) => c)) throw new Error('clip never active');
    if (clip != null && !traj.clipped.every((c) => c)) console.log(`note: ${s.name} clipped at steps ${traj.clipped}`);
    return {
      name: s.name,
      ...netFields(s.net),
      optimizer: s.kind,
      hparams: h,
      clip_norm: clip,
      implementation: traj.impl,
      layers: s.layers,
      params0: flattenLayers(s.layers),
      batches: s.batches,
      steps,
      loss: traj.losses,
      grad_norm: traj.norms,
      params: traj.params,
    };
  });

  writeFixture('optimizers.json', {
    generated_by: GENERATED_BY,
    description:
      'Optimizer trajectories (PyTorch semantics). Each trajectory runs `steps` steps from params0; ' +
      'step i (0-based) uses batches[i % batches.length] (one batch = full-batch training; the ' +
      'adam_minibatch trajectory has 10 different batches of 4). loss[i] is the mean loss on that ' +
      'batch BEFORE step i; grad_norm[i] is the global L2 norm of the raw gradient at that point ' +
      '(before clipping); params[i] is the flat parameter vector AFTER step i (flat order as in ' +
      'forward_backward.json). If clip_norm is not null the gradient is scaled by clip_norm/norm when ' +
      'norm > clip_norm, before the optimizer. Formulas: sgd p -= lr g; momentum v = mu v + g, p -= lr v; ' +
      'nesterov v = mu v + g, p -= lr (g + mu v); adagrad s += g^2, p -= lr g/(sqrt(s)+eps); rmsprop ' +
      'v = alpha v + (1-alpha) g^2, p -= lr g/(sqrt(v)+eps); adam m,v with bias correction, ' +
      'p -= lr mhat/(sqrt(vhat)+eps); adamw p -= lr weight_decay p (all params incl. biases) then adam. ' +
      '`implementation` says whether the tfjs built-in optimizer was used or the formula with tf ops; ' +
      'every trajectory was cross-checked against the formula implementation. Gradients from ' +
      'tf.variableGrads, float32 throughout.',
    trajectories,
  });
}

makeLosses();
makeForwardBackward();
makeOptimizers();
