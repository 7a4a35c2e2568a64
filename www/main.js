// Entry point of the page: loads the wasm module on this thread (for the option lists and the
// plotters loss chart), starts the training worker, and wires the views. The main thread only
// draws frames the worker computed and forwards clicks; it never trains.
import { initialQuery, shareLink, showQuery } from './url.js';
import { getValue, splitList, withValues } from './ui/query.js';
import { Controls } from './ui/controls.js';
import { DatasetPicker } from './ui/datasets.js';
import { NetworkView } from './ui/network.js';
import { PlaneView } from './ui/plane.js';
import { ConfusionView, LossChart, showScores } from './ui/charts.js';
import { GalleryView } from './ui/gallery.js';
import { el } from './ui/tooltip.js';
import { fmtCount, fmtEpoch } from './ui/format.js';
import { Pacer } from './ui/pace.js';
import { BUILDS, loadBuild } from './wasm-build.js';

const $ = (id) => document.getElementById(id);

// The worker loads the same build (sent in 'init'), which the browser then has cached.
let wasm, build;
try {
  let fallback;
  ({ wasm, build, fallback } = await loadBuild());
  if (fallback) console.warn(fallback);
} catch (err) {
  const box = document.getElementById('message');
  box.textContent = `The playground could not start its WebAssembly module (${err && err.message ? err.message : err}). Build it with ./scripts/serve.sh.`;
  box.className = 'message error';
  box.hidden = false;
  throw err;
}
const options = JSON.parse(wasm.options_json());
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (msg) => worker.postMessage(msg);

let query = '';
let state = null;
let snapshot = null;
let latest = null; // newest frame not drawn yet
let rafPending = false;
let playing = false;
let metric = 'accuracy';
let drawnOnce = false;
const rate = []; // [time, steps] samples for the steps/s read-out
let report = null; // newest step report not shown yet
let stepsPerSecond = 0;
// Changing a text costs style, layout, paint and compositing work: the numbers follow the
// training ten times a second, which reads as live.
const readouts = new Pacer(100, () => showReport());

// ---------- views ----------
const controls = new Controls({ options, onChange: (values) => change(values) });
const picker = new DatasetPicker({ options, onPick: (pick) => onPick(pick) });
const network = new NetworkView({ options, onAction: (a) => onNetworkAction(a) });
network.setColors(options.regression_colors.negative, options.regression_colors.positive);
const plane = new PlaneView({ options, send });
const chart = new LossChart({ draw: wasm.draw_loss_chart });
const confusion = new ConfusionView({ options });
const gallery = new GalleryView();
drawLegend();
// For the browser tests and for poking around in the console.
window.nnplay = { network, plane, chart, gallery, options };

/** Sends new query values to Rust, which validates them and answers with the canonical query. */
function change(values) {
  send({ type: 'set_query', query: withValues(query, values) });
}

// ---------- messages ----------
function showMessage(text, kind = 'error') {
  const box = $('message');
  box.className = `message ${kind}`;
  box.replaceChildren(el('button', { type: 'button', class: 'close', title: 'Dismiss', onclick: () => { box.hidden = true; } }, '×'), text);
  box.hidden = false;
}

function clearMessage() {
  $('message').hidden = true;
}

/** The fields of a link that could not be used, and what the page used instead. */
function showNotices(notices) {
  const box = $('notices');
  if (!notices || !notices.length) return;
  const items = notices.map((n) =>
    el('li', { 'data-key': n.key }, el('b', {}, n.field), ` (${n.key}=${n.value}): ${n.reason} — using `, el('code', {}, n.fallback || 'the default'), '.'));
  box.replaceChildren(
    el('button', { type: 'button', class: 'close', title: 'Dismiss', onclick: () => { box.hidden = true; } }, '×'),
    el('span', {}, notices.length === 1 ? 'One setting could not be used and fell back to its default:' : `${notices.length} settings could not be used and fell back to their defaults:`),
    el('ul', {}, items),
  );
  box.hidden = false;
}

worker.onmessage = (event) => {
  const msg = event.data;
  switch (msg.type) {
    case 'ready':
      document.body.dataset.wasm = msg.build;
      $('steps-per-sec').title = `Training runs in ${BUILDS[msg.build].name}`;
      showNotices(msg.notices);
      applyDescription(msg);
      break;
    case 'config':
      applyDescription(msg);
      if (msg.change && msg.change.notices && msg.change.notices.length) showNotices(msg.change.notices);
      // A new setup makes an old error stale (a failed step, a divergence).
      if ($('message').classList.contains('error')) clearMessage();
      break;
    case 'frame':
      onFrame(msg);
      break;
    case 'previews':
      picker.setPreviews(msg.previews);
      if (msg.features) network.setFeatureCatalog(catalog(msg.features));
      break;
    case 'playing':
      setPlaying(msg.playing);
      break;
    case 'predict':
      plane.showPrediction(msg);
      break;
    case 'csv':
      $('csv-summary').textContent = `${fmtCount(msg.summary.rows)} rows · ${msg.summary.feature_names.length} inputs · ${msg.summary.task}${msg.summary.class_names.length ? ` (${msg.summary.class_names.join(', ')})` : ''}`;
      showMessage(`Loaded the CSV file: ${fmtCount(msg.summary.n_train)} training and ${fmtCount(msg.summary.n_test)} test rows.`, 'ok');
      break;
    case 'export':
      download('nnplay-model.json', msg.json);
      break;
    case 'error':
      if (msg.context === 'load_csv') $('csv-summary').textContent = msg.message;
      showMessage(msg.message);
      break;
    default:
      break;
  }
};
worker.onerror = (e) => showMessage(`The training worker failed: ${e.message || 'unknown error'}`);

/** Feature images keyed by token: `{res, rgba, tokens}` from the worker. */
function catalog({ res, rgba, tokens }) {
  const images = NetworkView.splitImages(rgba, res);
  return Object.fromEntries(tokens.map((t, i) => [t, images[i]]));
}

/** The query, state and configuration after a change: update every control. */
function applyDescription({ query: q, state: s }) {
  query = q;
  state = s;
  metric = s.metric;
  showQuery(query);
  controls.sync(query, state);
  picker.select(getValue(query, 'dataset') || '', state.source);
  plane.setState(state);
  plane.setShowTest(getValue(query, 'showtest') === '1');
  chart.setLogScale(getValue(query, 'logscale') === '1');
  const reg = state.task === 'regression';
  $('metric-name').textContent = reg ? 'Test R²' : 'Test accuracy';
  $('metric-name-train').textContent = reg ? 'Training R²' : 'Training accuracy';
  $('plane-view').hidden = !state.has_plane;
  $('no-plane').hidden = state.has_plane;
  // Images (digits, MNIST) have no plane but can be looked at: a gallery of test images.
  $('gallery').hidden = !state.image_side;
  $('no-plane-text').hidden = Boolean(state.image_side);
  gallery.setState(state);
  if (!state.has_plane && !state.image_side) {
    const d = options.datasets.find((x) => x.token === getValue(query, 'dataset'));
    $('no-plane-text').textContent = `${state.source === 'csv' ? 'Your CSV data' : d ? d.description : 'This data'} — it has ${state.feature_names.length} inputs, so there is no 2-D picture of the decision boundary. Follow the loss, the accuracy and the confusion matrix instead.`;
  }
  if (state.task === 'regression') confusion.set(null);
  $('draw-panel').hidden = state.source !== 'points';
  if (state.source === 'csv') $('csv-panel').hidden = false;
  else if (!csvPending) $('csv-panel').hidden = true;
  if (state.source === 'points') syncDrawPanel();
  plane.setDrawing(state.source === 'points', drawLabel);
  legendLabels();
  if (state.diverged) showMessage(state.diverged);
}

function onFrame(msg) {
  if (msg.describe) applyDescription(msg.describe);
  if (msg.snapshot) {
    snapshot = msg.snapshot;
    const hidden = snapshot.layers.slice(0, -1);
    $('layer-count').textContent = String(hidden.length);
    $('layer-word').textContent = hidden.length === 1 ? 'hidden layer' : 'hidden layers';
    $('add-layer').disabled = hidden.length >= options.limits.max_hidden_layers;
    $('remove-layer').disabled = hidden.length === 0;
    $('n-params').textContent = fmtCount(snapshot.n_params);
    network.setStructure({ snapshot, state, selected: splitList(getValue(query, 'features')), actList: actList() });
  }
  if (msg.points) plane.setPoints(msg.points);
  if (msg.gallery) gallery.setImages(msg.gallery);
  if (msg.features) network.drawFeatureImages(msg.features);
  if (msg.history && (msg.history.length || msg.historyFrom === 0)) chart.append(msg.historyFrom, msg.history);
  if (msg.error && state && state.source === 'points') $('draw-status').textContent = msg.error;
  else if (msg.error) showMessage(msg.error);
  else if (state && state.source === 'points') $('draw-status').textContent = `${fmtCount(state.n_train)} training and ${fmtCount(state.n_test)} test points.`;
  if (msg.report && msg.report.diverged) showMessage(msg.report.diverged);
  setPlaying(msg.playing);
  latest = msg;
  if (!rafPending) {
    rafPending = true;
    requestAnimationFrame(drawFrame);
  }
}

/**
 * Takes in the newest frame; acknowledging it first lets the worker compute the next meanwhile.
 * Nothing is drawn here: each picture asks its Pacer (ui/pace.js) for a repaint, and the pacers
 * repaint one picture per animation frame, each at most a few to a few tens of times a second.
 * The links are painted off this thread (ui/links-worker.js).
 */
function drawFrame() {
  rafPending = false;
  const f = latest;
  latest = null;
  if (!f) return;
  send({ type: 'ack' });
  // The first frame is drawn at once: the page says it is ready only when it shows something.
  const first = !drawnOnce && (f.boundary || (state && !state.has_plane));
  if (f.boundary) plane.drawBoundary(f.boundary, { now: first });
  if (f.neurons) network.drawNeurons(f.neurons);
  if (f.params) network.setParams(f.params);
  if (f.report) {
    report = f.report;
    updateRate(f.report.steps);
    if (first) readouts.now();
    else readouts.request();
  }
  if (f.confusion !== undefined) confusion.set(f.confusion);
  if (f.guesses) gallery.setGuesses(f.guesses);
  if (first) {
    drawnOnce = true;
    document.body.dataset.ready = 'true';
  }
}

/** The newest report's numbers: scores, epoch, steps and steps per second. */
function showReport() {
  if (!report) return;
  showScores(report, report.metric || metric);
  setText($('epoch'), fmtEpoch(report.epochs_completed));
  $('epoch').dataset.epoch = String(report.epoch);
  setText($('step-count'), fmtCount(report.steps));
  setText($('steps-per-sec'), fmtCount(Math.max(0, stepsPerSecond)));
}

function updateRate(steps) {
  const now = performance.now();
  rate.push([now, steps]);
  while (rate.length > 2 && now - rate[0][0] > 1500) rate.shift();
  const [t0, s0] = rate[0];
  stepsPerSecond = now > t0 ? ((steps - s0) * 1000) / (now - t0) : 0;
}

/** Writes a read-out only when it changed: an unchanged text costs no style or layout work. */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function setPlaying(on) {
  if (on === undefined || on === playing) return;
  playing = on;
  $('play').setAttribute('aria-pressed', String(on));
  $('play').querySelector('.sr').textContent = on ? 'Pause' : 'Play';
}

// ---------- transport ----------
$('play').addEventListener('click', () => {
  send({ type: playing ? 'pause' : 'play' });
  setPlaying(!playing);
});
$('step').addEventListener('click', () => send({ type: 'step' }));
$('reset').addEventListener('click', () => {
  chart.clear();
  clearMessage();
  send({ type: 'reset' });
});
$('speed').addEventListener('change', () => send({ type: 'speed', value: Number($('speed').value) }));
document.addEventListener('keydown', (e) => {
  if (e.code !== 'Space' || e.target.closest('input, select, textarea, button')) return;
  e.preventDefault();
  $('play').click();
});

// ---------- network edits ----------
function hiddenSizes() {
  return snapshot ? snapshot.layers.slice(0, -1).map((l) => l.out_dim) : [];
}

/** The activation of each hidden layer, from the query (one token may stand for all). */
function actList() {
  const n = hiddenSizes().length;
  const acts = splitList(getValue(query, 'act'));
  const fallback = acts[0] || $('act-all').value || 'tanh';
  return Array.from({ length: n }, (_, i) => acts[i] || (acts.length === 1 ? acts[0] : fallback));
}

function setArchitecture(sizes, acts) {
  change({ layers: sizes.join(','), act: acts.join(',') });
}

function onNetworkAction(a) {
  const sizes = hiddenSizes();
  const acts = actList();
  switch (a.type) {
    case 'units':
      sizes[a.layer] = Math.max(1, Math.min(options.limits.max_units, sizes[a.layer] + a.delta));
      setArchitecture(sizes, acts);
      break;
    case 'activation':
      acts[a.layer] = a.token;
      setArchitecture(sizes, acts);
      break;
    case 'feature': {
      const selected = new Set(splitList(getValue(query, 'features')));
      if (a.on) selected.add(a.token);
      else selected.delete(a.token);
      if (!selected.size) {
        showMessage('The network needs at least one input feature.', 'error');
        return;
      }
      change({ features: options.features.map((f) => f.token).filter((t) => selected.has(t)).join(',') });
      break;
    }
    case 'weight':
      send({ type: 'set_weight', layer: a.layer, row: a.row, col: a.col, value: a.value });
      break;
    case 'bias':
      send({ type: 'set_bias', layer: a.layer, unit: a.unit, value: a.value });
      break;
    default:
      break;
  }
}

$('add-layer').addEventListener('click', () => {
  const sizes = hiddenSizes();
  const acts = actList();
  if (sizes.length >= options.limits.max_hidden_layers) return;
  sizes.push(sizes.length ? sizes[sizes.length - 1] : 4);
  acts.push(acts.length ? acts[acts.length - 1] : $('act-all').value || 'tanh');
  setArchitecture(sizes, acts);
});
$('remove-layer').addEventListener('click', () => {
  const sizes = hiddenSizes();
  const acts = actList();
  if (!sizes.length) return;
  sizes.pop();
  acts.pop();
  setArchitecture(sizes, acts);
});

// ---------- data sources ----------
let csvPending = false;
let drawLabel = 0;

function onPick(pick) {
  if (pick.kind === 'dataset') {
    csvPending = false;
    if (state && state.source !== 'generated') send({ type: 'use_generated' });
    change({ dataset: pick.token });
  } else if (pick.kind === 'draw') {
    csvPending = false;
    // Start from the current 2-D points (editable); "Clear" empties the plot.
    const d = options.datasets.find((x) => x.token === getValue(query, 'dataset'));
    const fromCurrent = Boolean(state && state.source === 'generated' && d && d.plane);
    const classes = fromCurrent ? (d.task === 'regression' ? 0 : d.classes) : 2;
    send({ type: 'start_points', classes, fromCurrent });
  } else if (pick.kind === 'csv') {
    csvPending = true;
    $('csv-panel').hidden = false;
    $('csv-file').focus();
  }
}

function syncDrawPanel() {
  const reg = state.task === 'regression';
  $('draw-kind').value = reg ? '0' : String(Math.max(2, state.classes));
  $('draw-value-field').hidden = !reg;
  $('draw-classes').hidden = reg;
  if (!reg) {
    if (drawLabel >= state.classes) drawLabel = 0;
    const names = state.class_names.length ? state.class_names : Array.from({ length: state.classes }, (_, k) => String(k));
    $('draw-classes').replaceChildren(...names.map((name, k) => {
      const sw = el('button', { type: 'button', class: 'swatch', role: 'radio', 'aria-checked': String(k === drawLabel), title: `New points get class ${name}`, style: `background:${options.palette[k % options.palette.length]}` }, String(k));
      sw.addEventListener('click', () => {
        drawLabel = k;
        plane.setDrawing(true, k);
        syncDrawPanel();
      });
      return sw;
    }));
  } else {
    drawLabel = Number($('draw-value').value);
  }
}

$('draw-kind').addEventListener('change', () => {
  drawLabel = 0;
  send({ type: 'start_points', classes: Number($('draw-kind').value), fromCurrent: false });
});
$('draw-value').addEventListener('input', () => {
  drawLabel = Number($('draw-value').value);
  $('draw-value-out').textContent = $('draw-value').value;
  plane.setDrawing(true, drawLabel);
});
$('draw-clear').addEventListener('click', () => send({ type: 'clear_points' }));
$('draw-copy').addEventListener('click', () => {
  // The points of the generated set named in the configuration, as editable points.
  const d = options.datasets.find((x) => x.token === getValue(query, 'dataset'));
  if (!d || !d.plane) {
    showMessage('Only the 2-D data sets can be copied as points.');
    return;
  }
  send({ type: 'use_generated' });
  send({ type: 'start_points', classes: d.task === 'regression' ? 0 : d.classes, fromCurrent: true });
});

$('csv-file').addEventListener('change', async () => {
  const file = $('csv-file').files[0];
  if (!file) return;
  const text = await file.text();
  const target = $('csv-target').value.trim();
  const opts = { task: $('csv-task').value, scaling: $('csv-scaling').value };
  if (target) opts.target = /^\d+$/.test(target) ? { index: Number(target) } : { name: target };
  $('csv-summary').textContent = `Reading ${file.name}…`;
  send({ type: 'load_csv', text, options: opts });
});

// ---------- export ----------
$('share').addEventListener('click', async () => {
  const link = shareLink(query);
  const btn = $('share');
  btn.dataset.link = link;
  try {
    await navigator.clipboard.writeText(link);
    btn.textContent = 'Link copied ✓';
  } catch {
    showMessage(el('span', {}, 'Copy this link: ', el('input', { value: link, size: 60, readonly: true, onfocus: (e) => e.target.select() })), 'ok');
    btn.textContent = 'Link ready';
  }
  btn.classList.add('done');
  setTimeout(() => {
    btn.textContent = 'Copy share link';
    btn.classList.remove('done');
  }, 2000);
});
$('export').addEventListener('click', () => send({ type: 'export' }));

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---------- legend ----------
/** The colour bar: a CSS gradient (a canvas would be one more compositor layer). */
function drawLegend() {
  const rc = options.regression_colors;
  $('legend').style.background = `linear-gradient(to right, ${rc.negative}, ${rc.zero}, ${rc.positive})`;
}

/** Binary: the orange–blue bar with the two class names; K classes: one chip per class. */
function legendLabels() {
  const multi = state.task === 'multiclass';
  $('legend').hidden = multi;
  document.querySelector('.legend-labels').hidden = multi;
  $('legend-classes').hidden = !multi;
  if (multi) {
    $('legend-classes').replaceChildren(...state.class_names.map((name, k) =>
      el('span', {}, el('i', { style: `background:${options.palette[k % options.palette.length]}` }), name)));
    return;
  }
  const reg = state.task === 'regression';
  const scale = reg && state.value_scale ? Number(state.value_scale.toPrecision(2)) : 1;
  const label = (id, text) => Object.assign($(id), { textContent: text, title: text });
  label('legend-lo', reg ? `−${scale}` : state.class_names[0] ?? '0');
  label('legend-mid', reg ? '0' : 'unsure');
  label('legend-hi', reg ? `${scale}` : state.class_names[1] ?? '1');
}

// ---------- start ----------
send({ type: 'speed', value: Number($('speed').value) });
send({ type: 'init', query: initialQuery(), build });
