// The browser benchmark (bench/index.html): trains and runs the same networks on the same data
// with the same batch sizes in every engine, times them with performance.now(), and leaves the
// figures in window.benchResults for scripts/bench.sh. Nothing here is pass/fail.
//
// Engines: nnplay compiled with relaxed SIMD, with plain simd128 and without SIMD
// (bench/pkg-relaxed, bench/pkg-simd, bench/pkg-nosimd: the library's Network and Trainer behind
// bench/wasm), TensorFlow.js with its cpu and wasm backends (model.fit / model.predict, the API a
// TF.js user calls), ConvNetJS (Trainer.train per sample, its only API). The page's own session
// (the Playground of www/pkg-relaxed or www/pkg, as the page picks) is timed for rendering and
// stepping.

const params = new URLSearchParams(location.search);
const SECONDS = Number(params.get('seconds') ?? 1.5);
const ONLY = params.get('only')?.split(',');
const ENGINES = params.get('engines')?.split(',');

const ALL_FEATURES = 'x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2';

/** The workloads of the table; benches/common/mod.rs defines the same ones natively. */
const WORKLOADS = [
  { id: 'tanh8x6', label: '(a) 2→[8×6]→1 tanh, SGD, batch 10, circle 500', features: 'x1,x2', hidden: [8, 8, 8, 8, 8, 8], act: 'tanh', out: 'linear', outDim: 1, loss: 'mse', opt: 'sgd', lr: 0.03, batch: 10 },
  { id: 'pg_small', label: 'playground 2→[4,2]→1 tanh, SGD, batch 10', features: 'x1,x2', hidden: [4, 2], act: 'tanh', out: 'linear', outDim: 1, loss: 'mse', opt: 'sgd', lr: 0.03, batch: 10 },
  { id: 'pg_large', label: 'playground 7→[8×6]→1 tanh, SGD, batch 10', features: ALL_FEATURES, hidden: [8, 8, 8, 8, 8, 8], act: 'tanh', out: 'linear', outDim: 1, loss: 'mse', opt: 'sgd', lr: 0.03, batch: 10 },
  { id: 'mnist', label: '(b) 784→64→64→10 relu/softmax, Adam, batch 64, MNIST 4000', hidden: [64, 64], act: 'relu', out: 'softmax', outDim: 10, loss: 'cce', opt: 'adam', lr: 0.001, batch: 64 },
];

const results = { started: new Date().toISOString(), userAgent: navigator.userAgent, seconds: SECONDS, train: [], render: [], notes: [] };
const status = (text) => {
  document.getElementById('status').textContent = text;
  window.benchStatus = text;
};
const now = () => performance.now();
const pause = () => new Promise((r) => setTimeout(r, 0));

/**
 * Samples per second of `run(k)`, which does k units of `samplesPerUnit` samples. k grows until
 * one call takes ≥ 100 ms (this is also the warm-up), then calls repeat for SECONDS. `mean` is
 * the whole window's rate; `best` the fastest single call's. The machine is shared, and other
 * tenants halve its speed for stretches of seconds, so `best` is the figure that a quiet machine
 * gives (the least-time estimate of timeit), `mean` what this moment gave.
 */
async function rate(run, samplesPerUnit, seconds = SECONDS) {
  let k = 1;
  for (;;) {
    const t0 = now();
    await run(k);
    const dt = now() - t0;
    if (dt >= 100 || k >= 1 << 22) break;
    k *= dt < 5 ? 16 : 2;
  }
  let units = 0;
  let fastest = Infinity;
  const t0 = now();
  let t = t0;
  while (t - t0 < seconds * 1000) {
    const start = now();
    await run(k);
    units += k;
    t = now();
    fastest = Math.min(fastest, t - start);
    await pause();
  }
  return { mean: (units * samplesPerUnit) / ((t - t0) / 1000), best: (k * samplesPerUnit) / (fastest / 1000) };
}

// ---- engines ---------------------------------------------------------------------------------

async function loadNnplay(dir) {
  try {
    const mod = await import(`./${dir}/nnplay_bench_wasm.js`);
    await mod.default();
    return mod;
  } catch (e) {
    results.notes.push(`${dir}: not loaded (${e.message ?? e})`);
    return null;
  }
}

function nnplayEngine(mod) {
  return async (w, data) => {
    const spec = { in_dim: data.inDim, hidden: w.hidden, activation: w.act, out_dim: w.outDim, output: w.out, loss: w.loss, optimizer: w.opt, lr: w.lr, batch: w.batch, seed: 1, features: w.features ?? null };
    const b = new mod.Bench(JSON.stringify(spec), data.x, data.y);
    return {
      train: (k) => b.train_epochs(k),
      forward: (k) => b.forward(k),
      accuracy: () => b.accuracy(),
      values: (res) => b.neuron_values(res),
      maps: (res) => b.neuron_maps(res),
      free: () => b.free(),
    };
  };
}

function tfjsEngine(backend) {
  return async (w, data) => {
    if (tf.getBackend() !== backend) {
      if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} unavailable`);
    }
    await tf.ready();
    const model = tf.sequential();
    w.hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: w.act, ...(i === 0 ? { inputShape: [data.inDim] } : {}) })));
    model.add(tf.layers.dense({ units: w.outDim, activation: w.out, ...(w.hidden.length === 0 ? { inputShape: [data.inDim] } : {}) }));
    const optimizer = w.opt === 'sgd' ? tf.train.sgd(w.lr) : tf.train.adam(w.lr);
    model.compile({ optimizer, loss: w.loss === 'mse' ? 'meanSquaredError' : 'categoricalCrossentropy' });
    const xs = tf.tensor2d(data.x, [data.rows, data.inDim]);
    const ys = tf.tensor2d(data.y, [data.rows, w.outDim]);
    return {
      train: async (k) => {
        await model.fit(xs, ys, { batchSize: w.batch, epochs: k, shuffle: true, verbose: 0 });
      },
      forward: async (k) => {
        for (let i = 0; i < k; i++) {
          const p = model.predict(xs);
          await p.data();
          p.dispose();
        }
      },
      free: () => {
        xs.dispose();
        ys.dispose();
        model.dispose();
        optimizer.dispose?.();
      },
    };
  };
}

function convnetEngine() {
  return async (w, data) => {
    const layers = [{ type: 'input', out_sx: 1, out_sy: 1, out_depth: data.inDim }];
    for (const units of w.hidden) layers.push({ type: 'fc', num_neurons: units, activation: w.act });
    layers.push(w.out === 'softmax' ? { type: 'softmax', num_classes: w.outDim } : { type: 'regression', num_neurons: w.outDim });
    const net = new convnetjs.Net();
    net.makeLayers(layers);
    // ConvNetJS 0.3.0 has no Adam: MNIST runs with plain SGD (same passes, cheaper update).
    const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: w.lr, batch_size: w.batch, l2_decay: 0, momentum: 0 });
    const vols = [];
    const targets = [];
    for (let r = 0; r < data.rows; r++) {
      const v = new convnetjs.Vol(1, 1, data.inDim, 0);
      for (let j = 0; j < data.inDim; j++) v.w[j] = data.x[r * data.inDim + j];
      vols.push(v);
      const row = data.y.subarray(r * w.outDim, (r + 1) * w.outDim);
      targets.push(w.out === 'softmax' ? row.indexOf(1) : Array.from(row));
    }
    const order = vols.map((_, i) => i);
    return {
      train: (k) => {
        for (let e = 0; e < k; e++) {
          for (let i = order.length - 1; i > 0; i--) {
            const j = Math.floor(Math.random() * (i + 1));
            [order[i], order[j]] = [order[j], order[i]];
          }
          for (const i of order) trainer.train(vols[i], targets[i]);
        }
      },
      forward: (k) => {
        for (let e = 0; e < k; e++) for (const v of vols) net.forward(v, false);
      },
      free: () => {},
    };
  };
}

// ---- the run -----------------------------------------------------------------------------------

function addRow(table, cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.appendChild(td);
  }
  document.querySelector(`#${table} tbody`).appendChild(tr);
}

const fmt = (v) => (v == null ? '—' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(1));

async function main() {
  const relaxed = await loadNnplay('pkg-relaxed');
  const simd = await loadNnplay('pkg-simd');
  const nosimd = await loadNnplay('pkg-nosimd');
  const dataMod = simd ?? relaxed ?? nosimd;
  if (!dataMod) throw new Error('no nnplay benchmark build found in bench/pkg-relaxed, bench/pkg-simd or bench/pkg-nosimd');
  // The wasm builds embed no data file: MNIST comes from data/, gunzipped by the browser.
  if (!ONLY || ONLY.includes('mnist')) {
    const gz = await fetch(new URL('../data/mnist_5k.bin.gz', import.meta.url));
    dataMod.provide_mnist(new Uint8Array(await new Response(gz.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()));
  }
  if (typeof tf !== 'undefined' && tf.wasm) {
    // The backend's .wasm files are served from the same origin, straight from the npm package.
    tf.wasm.setWasmPaths(new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
  }
  const engines = [
    ['nnplay-relaxed', relaxed && nnplayEngine(relaxed)],
    ['nnplay-simd', simd && nnplayEngine(simd)],
    ['nnplay-nosimd', nosimd && nnplayEngine(nosimd)],
    ['tfjs-cpu', typeof tf !== 'undefined' && tfjsEngine('cpu')],
    ['tfjs-wasm', typeof tf !== 'undefined' && tf.wasm && tfjsEngine('wasm')],
    ['convnetjs', typeof convnetjs !== 'undefined' && convnetEngine()],
  ].filter(([name, make]) => make && (!ENGINES || ENGINES.includes(name)));

  const dataCache = new Map();
  const dataFor = (w) => {
    const key = w.id === 'mnist' ? 'mnist' : w.features;
    if (!dataCache.has(key)) {
      const d = w.id === 'mnist'
        ? { x: dataMod.mnist_x(), y: dataMod.mnist_y(), inDim: 784 }
        : { x: dataMod.circle_x(w.features), y: dataMod.circle_y(), inDim: w.features.split(',').length };
      d.rows = d.x.length / d.inDim;
      dataCache.set(key, d);
    }
    return dataCache.get(key);
  };

  for (const w of WORKLOADS.filter((w) => !ONLY || ONLY.includes(w.id))) {
    const data = dataFor(w);
    for (const [name, make] of engines) {
      status(`${w.id}: ${name}…`);
      await pause();
      const row = { workload: w.id, label: w.label, engine: name, rows: data.rows, batch: w.batch };
      try {
        const e = await make(w, data);
        const train = await rate((k) => e.train(k), data.rows);
        const forward = await rate((k) => e.forward(k), data.rows);
        Object.assign(row, { train_samples_per_s: train.mean, train_best_samples_per_s: train.best, forward_samples_per_s: forward.mean, forward_best_samples_per_s: forward.best });
        if (e.accuracy) row.train_accuracy = e.accuracy();
        if (name === 'convnetjs' && w.opt !== 'sgd') row.note = 'SGD (ConvNetJS has no Adam)';
        e.free();
      } catch (err) {
        row.error = String(err.message ?? err);
      }
      results.train.push(row);
      addRow('results', [w.id, name, `${fmt(row.train_samples_per_s)} (${fmt(row.train_best_samples_per_s)})`, `${fmt(row.forward_samples_per_s)} (${fmt(row.forward_best_samples_per_s)})`, row.error ?? row.note ?? '']);
    }
  }

  // Every neuron's 100×100 map on 7→[8×6]→1: the values alone (the work of the TensorFlow
  // Playground's updateDecisionBoundary, the figure its target compares with), then with an RGBA
  // image of every map at full size, as nnplay's page draws them.
  for (const [name, mod] of [['nnplay-relaxed', relaxed], ['nnplay-simd', simd], ['nnplay-nosimd', nosimd]]) {
    if (!mod || (ENGINES && !ENGINES.includes(name))) continue;
    const w = WORKLOADS.find((x) => x.id === 'pg_large');
    const e = await nnplayEngine(mod)(w, dataFor(w));
    const { mean: values, best: valuesBest } = await rate((k) => { for (let i = 0; i < k; i++) e.values(100); }, 1);
    results.render.push({ what: 'neuron_values_100', engine: name, per_second: values, best_per_second: valuesBest });
    addRow('render', ['every neuron 100×100 values (7→[8×6]→1)', name, values.toFixed(1), (1000 / values).toFixed(2), '49 value maps']);
    const { mean: images, best: imagesBest } = await rate((k) => { for (let i = 0; i < k; i++) e.maps(100); }, 1);
    results.render.push({ what: 'decision_maps_100', engine: name, per_second: images, best_per_second: imagesBest });
    addRow('render', ['every neuron 100×100 values + RGBA (7→[8×6]→1)', name, images.toFixed(1), (1000 / images).toFixed(2), '49 maps + RGBA']);
    e.free();
  }

  await pageSession();
  results.finished = new Date().toISOString();
  status('done');
  window.benchResults = results;
}

/** The page's own wasm session (www/pkg): boundary rendering, neuron thumbnails, stepping. */
async function pageSession() {
  // The build the page's worker picks in this browser (www/wasm-build.js).
  const { loadBuild, pickBuild } = await import('../www/wasm-build.js');
  let pkg, build;
  try {
    let fallback;
    ({ wasm: pkg, build, fallback } = await loadBuild());
    if (fallback) results.notes.push(`www: ${fallback}`);
  } catch (e) {
    results.notes.push(`www ${pickBuild()} build: not loaded (${e.message ?? e}); build it with scripts/build-wasm.sh`);
    return;
  }
  results.page_build = build;
  status('page session…');
  await pause();
  const large = `dataset=circle&points=1000&train=50&features=${ALL_FEATURES}&layers=8,8,8,8,8,8&act=tanh&lr=0.03&batch=10`;
  const small = 'dataset=circle&points=1000&train=50&features=x1,x2&layers=4,2&act=tanh&lr=0.03&batch=10';
  const pg = pkg.Playground.from_query(large);
  for (const res of [100, 200]) {
    const { mean: perSecond, best } = await rate((k) => { for (let i = 0; i < k; i++) pg.render_boundary_ptr(res); }, 1);
    results.render.push({ what: `boundary_${res}`, engine: 'page', per_second: perSecond, best_per_second: best, ms: 1000 / perSecond });
    addRow('render', [`decision boundary ${res}×${res}`, 'page Playground', perSecond.toFixed(1), (1000 / perSecond).toFixed(3), 'grid + RGBA']);
  }
  const { mean: thumbs, best: thumbsBest } = await rate((k) => { for (let i = 0; i < k; i++) pg.render_neurons_ptr(64); }, 1);
  results.render.push({ what: 'neuron_thumbs_64', engine: 'page', per_second: thumbs, best_per_second: thumbsBest });
  addRow('render', ['every neuron 64×64 (page thumbnails)', 'page Playground', thumbs.toFixed(1), (1000 / thumbs).toFixed(2), '']);
  // Training through the session, 50 epochs of 500 points per call (its scoring of the full
  // sets after each call is then a small share), with the page's default output (sigmoid, BCE).
  for (const [id, query] of [['pg_small', small], ['pg_large', large]]) {
    const s = id === 'pg_large' ? pg : pkg.Playground.from_query(query);
    const { mean: perSecond, best } = await rate((k) => { for (let i = 0; i < k; i++) s.step(50 * 50); }, 500 * 50);
    results.render.push({ what: `page_step_${id}`, engine: 'page', per_second: perSecond, best_per_second: best });
    addRow('render', [`page session step, ${id}`, 'page Playground', fmt(perSecond), '', 'training samples/s']);
    if (s !== pg) s.free();
  }
  pg.free();
}

main().catch((e) => {
  results.error = String(e.message ?? e);
  status(`failed: ${results.error}`);
  window.benchResults = results;
});
