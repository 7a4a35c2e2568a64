// The page's one owner of state: the canonical query and session state Rust sent last, the
// network snapshot, whether it plays, and the newest frame from the training worker. It starts
// the worker, turns its messages into view updates, draws the newest frame in each animation
// frame, and forwards every click to the worker. What a setting means is decided in Rust; the
// views (www/ui/*) only draw.
import { shareLink, showQuery } from './url.js';
import { getValue, splitList, withValues } from './ui/query.js';
import { Controls } from './ui/controls.js';
import { DatasetPicker } from './ui/datasets.js';
import { NetworkView } from './ui/network.js';
import { PlaneView } from './ui/plane.js';
import { ConfusionView, LossChart, showScores } from './ui/charts.js';
import { GalleryView } from './ui/gallery.js';
import { SourcePanels } from './ui/sources.js';
import { el } from './ui/tooltip.js';
import { fmtCount, fmtEpoch } from './ui/format.js';
import { Pacer, paints } from './ui/pace.js';
import { BUILDS } from './wasm-build.js';
import { ToolPanels } from './ui/tools.js';
import { Shortcuts } from './ui/shortcuts.js';
import { Explanations } from './ui/explain.js';
import { Watchdog } from './ui/watchdog.js';
import { readModelFile } from './ui/modelfile.js';
import { setCurveWidth } from './ui/losschart.js';
import './ui/tools/index.js';

const $ = (id) => document.getElementById(id);
/** The read-outs follow every frame; a text that did not change costs nothing (see setText). */
const READOUT_MS = 25;

export class Page {
  /**
   * @param {{ wasm: object, build: string, module: WebAssembly.Module }} loaded  the page's wasm build
   * @param {Worker} worker  the training worker (www/worker.js), not yet initialised
   * @param {() => Worker} startWorker  makes a new one, for a restart after a stall
   */
  constructor({ wasm, build, module }, worker, startWorker) {
    this.startWorker = startWorker;
    this.build = build;
    this.wasm = wasm;
    this.module = module;
    this.options = JSON.parse(wasm.options_json());
    this.query = '';
    this.state = null;
    this.snapshot = null;
    this.pendingArchitecture = null;
    this.playing = false;
    this.latest = null; // newest frame not drawn yet
    this.rafPending = false;
    this.drawnOnce = false;
    this.report = null; // newest step report, shown by the read-out pacer
    this.rate = []; // [time, steps] samples for the steps/s read-out
    this.stepsPerSecond = 0;
    this.counts = { received: 0, drawn: 0 }; // worker frames that arrived, and were drawn
    this.attachWorker(worker);
    this.lastCsv = null; // the CSV the worker trains on, sent again to a restarted worker
    this.userPoints = null; // hand-placed points as the worker last reported them (id, x1, x2, label)
    this.watchdog = new Watchdog({ ping: (msg) => this.worker.postMessage(msg), onStall: (ms) => this.workerStalled(ms) });
    this.readouts = new Pacer(READOUT_MS, () => this.showReport(), 'readouts');

    const { options } = this;
    this.controls = new Controls({ options, onChange: (values) => this.change(values) });
    this.picker = new DatasetPicker({ options, onPick: (pick) => this.sources.pick(pick) });
    this.network = new NetworkView({ options, onAction: (a) => this.onNetworkAction(a) });
    this.network.setColors(options.regression_colors.negative, options.regression_colors.positive);
    this.plane = new PlaneView({ options, send: (msg) => this.send(msg) });
    this.chart = new LossChart();
    this.confusion = new ConfusionView({ options });
    this.gallery = new GalleryView();
    this.lab = null; // the digits lab (ui/digitpad.js), loaded when an image set is first chosen
    this.sources = new SourcePanels(this);
    this.tools = new ToolPanels(this);
    this.wire();
    this.drawLegend();
  }

  /** Starts the worker on `query` (the link the page was opened with). */
  start(query) {
    this.send({ type: 'init', query, build: this.build, module: this.module });
  }

  send(msg) {
    if (msg.type === 'load_csv') this.lastCsv = msg;
    else if (msg.type === 'use_generated' || msg.type === 'start_points') this.lastCsv = null;
    this.worker.postMessage(msg);
  }

  attachWorker(worker) {
    this.worker = worker;
    this.worker.onmessage = (event) => this.onMessage(event.data);
    this.worker.onerror = (e) => this.showMessage(`The training worker failed: ${e.message || 'unknown error'}`);
  }

  /** The worker has not answered for `silentMs`: say so, and offer a restart that keeps the work. */
  workerStalled(silentMs) {
    const box = $('message');
    box.className = 'message error';
    box.setAttribute('role', 'alert');
    box.replaceChildren(
      `The training worker has not answered for ${Math.round(silentMs / 1000)} s: it is stuck. `,
      el('button', { type: 'button', id: 'restart-worker', class: 'restart-worker', onclick: () => this.restartWorker() }, 'Restart it'),
      ' — your settings, drawn points and imported data are kept; training starts again from epoch 0.',
    );
    box.hidden = false;
  }

  /** A fresh worker on the current link, with the hand-placed points or the CSV sent again. */
  restartWorker() {
    const source = this.state ? this.state.source : 'generated';
    const classes = this.state ? this.state.classes : 2;
    const points = this.userPoints;
    const csv = this.lastCsv;
    this.worker.terminate();
    this.attachWorker(this.startWorker());
    this.watchdog.restart();
    this.setPlaying(false);
    this.chart.clear();
    this.clearMessage();
    this.start(this.query);
    if (source === 'points' && points) {
      this.send({ type: 'start_points', classes, fromCurrent: false });
      for (let i = 0; i + 3 < points.length; i += 4) this.send({ type: 'add_point', x1: points[i + 1], x2: points[i + 2], label: points[i + 3] });
    } else if (source === 'csv' && csv) {
      this.send(csv);
    }
    this.showMessage('The training worker was restarted: settings, points and data are as they were; the weights start again.', 'ok');
  }

  /** Sends new query values to Rust, which validates them and answers with the canonical query. */
  change(values) {
    this.send({ type: 'set_query', query: withValues(this.query, values) });
  }

  /** Numbers for the browser tests and benchmarks: frames received and drawn, the newest epoch, paints per picture. */
  stats() {
    return { ...this.counts, epoch: this.report ? this.report.epoch : 0, steps: this.report ? this.report.steps : 0, paints: { ...paints } };
  }

  // ---------- messages ----------
  showMessage(text, kind = 'error') {
    const box = $('message');
    box.className = `message ${kind}`;
    box.replaceChildren(el('button', { type: 'button', class: 'close', title: 'Dismiss', onclick: () => { box.hidden = true; } }, '×'), text);
    box.hidden = false;
  }

  clearMessage() {
    $('message').hidden = true;
  }

  /** The fields of a link (`fromLink`) or of a change on the page that could not be used, and what the page used instead. */
  showNotices(notices, fromLink = false) {
    const box = $('notices');
    if (!notices || !notices.length) return;
    const items = notices.map((n) =>
      el('li', { 'data-key': n.key }, el('b', {}, n.field), ` (${n.key}=${n.value}): ${n.reason} — using `, el('code', {}, n.fallback || 'the default'), '.'));
    box.replaceChildren(
      el('button', { type: 'button', class: 'close', title: 'Dismiss', onclick: () => { box.hidden = true; } }, '×'),
      el('span', {}, fromLink
        ? (notices.length === 1 ? 'One setting of the link could not be used and fell back to its default:' : `${notices.length} settings of the link could not be used and fell back to their defaults:`)
        : (notices.length === 1 ? 'One setting could not be used and kept the value it had:' : `${notices.length} settings could not be used and kept the values they had:`)),
      el('ul', {}, items),
    );
    box.hidden = false;
    this.markFields(notices);
  }

  /** Each refused value is also explained beside its own control, until that control is changed. */
  markFields(notices) {
    for (const n of notices) {
      const control = document.querySelector(`:is(input, select)[data-key="${CSS.escape(n.key)}"]`) || $(`p-${n.key}`) || $(n.key.replace(/_/g, '-'));
      if (!control || control.type === 'hidden') continue;
      const id = `field-error-${n.key}`;
      let hint = $(id);
      if (!hint) {
        hint = el('span', { id, class: 'field-error', role: 'alert' });
        control.after(hint);
        control.addEventListener('input', () => this.unmarkField(control, hint), { once: true });
      }
      hint.textContent = `${n.reason}; kept ${n.fallback || 'the default'}`;
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', id);
    }
  }

  unmarkField(control, hint) {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
    hint.remove();
  }

  onMessage(msg) {
    this.watchdog.heard();
    switch (msg.type) {
      case 'ready':
        performance.mark('nnplay-worker-ready');
        document.body.dataset.wasm = msg.build;
        $('steps-per-sec').title = `Training runs in ${BUILDS[msg.build].name}`;
        this.showNotices(msg.notices, true);
        this.applyDescription(msg);
        break;
      case 'config':
        this.applyDescription(msg);
        if (msg.change && msg.change.notices && msg.change.notices.length) this.showNotices(msg.change.notices);
        // A new setup makes an old error stale (a failed step, a divergence).
        if ($('message').classList.contains('error') && !this.sources.dataFailed) this.clearMessage();
        this.sources.dataFailed = false;
        break;
      case 'frame':
        // Said at once, not when drawn: the worker only holds back pictures while two are on their way.
        this.send({ type: 'received' });
        this.counts.received += 1;
        this.onFrame(msg);
        break;
      case 'data':
        this.sources.dataProgress(msg);
        break;
      case 'previews':
        this.picker.setPreviews(msg.previews);
        if (msg.features) this.network.setFeatureCatalog(catalog(msg.features));
        break;
      case 'playing':
        this.setPlaying(msg.playing);
        break;
      case 'predict':
        this.plane.showPrediction(msg);
        break;
      case 'csv':
        this.sources.csvLoaded(msg.summary);
        break;
      case 'model_opened':
        this.showMessage(`Opened ${msg.name}: its settings and weights are in place. Press play to train on.`, 'ok');
        break;
      case 'export':
        download('nnplay-model.json', msg.json);
        break;
      case 'error':
        if (msg.context === 'load_csv') $('csv-summary').textContent = msg.message;
        this.showMessage(msg.message);
        break;
      case 'pad':
        if (this.lab) this.lab.message(msg);
        break;
      default:
        this.tools.message(msg);
        break;
    }
  }

  /** The query, state and configuration after a change: update every control. */
  applyDescription(description) {
    const { query, state } = description;
    this.query = query;
    this.state = state;
    showQuery(query);
    this.controls.sync(query, state);
    this.picker.select(getValue(query, 'dataset') || '', state.source);
    this.plane.setState(state);
    this.plane.setShowTest(getValue(query, 'showtest') === '1');
    this.chart.setLogScale(getValue(query, 'logscale') === '1');
    const reg = state.task === 'regression';
    $('metric-name').textContent = reg ? 'Test R²' : 'Test accuracy';
    $('metric-name-train').textContent = reg ? 'Training R²' : 'Training accuracy';
    $('plane-view').hidden = !state.has_plane;
    $('no-plane').hidden = state.has_plane;
    // Images (digits, MNIST) have no plane but can be looked at: a gallery of test images.
    $('gallery').hidden = !state.image_side;
    $('no-plane-text').hidden = Boolean(state.image_side);
    this.gallery.setState(state);
    this.syncLab(state);
    if (!state.has_plane && !state.image_side) {
      const d = this.options.datasets.find((x) => x.token === getValue(query, 'dataset'));
      $('no-plane-text').textContent = `${state.source === 'csv' ? 'Your CSV data' : d ? d.description : 'This data'} — it has ${state.feature_names.length} inputs, so there is no 2-D picture of the decision boundary. Follow the loss, the accuracy and the confusion matrix instead.`;
    }
    if (reg) this.confusion.set(null);
    this.sources.sync(state);
    this.legendLabels();
    if (state.diverged) this.showMessage(state.diverged);
    this.setPresenting(getValue(query, 'present') === '1');
    $('stop-epoch').value = getValue(query, 'stop_epoch') || '';
    $('patience').value = getValue(query, 'patience') || '';
    this.tools.sync(getValue(query, 'tool') || '');
    this.tools.config(description);
  }

  onFrame(msg) {
    if (msg.describe) {
      this.pendingArchitecture = null;
      this.applyDescription(msg.describe);
    }
    if (msg.snapshot) {
      this.snapshot = msg.snapshot;
      const hidden = this.snapshot.layers.slice(0, -1);
      $('layer-count').textContent = String(hidden.length);
      $('layer-word').textContent = hidden.length === 1 ? 'hidden layer' : 'hidden layers';
      $('add-layer').disabled = hidden.length >= this.options.limits.max_hidden_layers;
      $('remove-layer').disabled = hidden.length === 0;
      $('n-params').textContent = fmtCount(this.snapshot.n_params);
      this.network.setStructure({ snapshot: this.snapshot, state: this.state, selected: splitList(getValue(this.query, 'features')), actList: this.activations() });
    }
    if (msg.points) {
      this.plane.setPoints(msg.points);
      this.userPoints = msg.points.user;
    }
    if (msg.gallery) this.gallery.setImages(msg.gallery);
    if (msg.features) this.network.drawFeatureImages(msg.features);
    if (msg.history && (msg.history.length || msg.historyFrom === 0)) this.chart.append(msg.historyFrom, msg.history);
    this.sources.frameStatus(msg.error);
    if (msg.error && !(this.state && this.state.source === 'points')) this.showMessage(msg.error);
    if (msg.report && msg.report.diverged) this.showMessage(msg.report.diverged);
    if (msg.stopped) this.showStop(msg.stopped);
    this.setPlaying(msg.playing);
    this.latest = msg;
    if (!this.rafPending) {
      this.rafPending = true;
      requestAnimationFrame(() => this.drawFrame());
    }
  }

  /**
   * Takes in the newest frame. The pictures repaint through their Pacers (ui/pace.js), which
   * run in this same animation frame unless the frame's budget is spent; the links are painted
   * off this thread (ui/links-worker.js).
   */
  drawFrame() {
    this.rafPending = false;
    const f = this.latest;
    this.latest = null;
    if (!f) return;
    this.counts.drawn += 1;
    // The first frame is drawn at once: the page says it is ready only when it shows something.
    const first = !this.drawnOnce && (f.boundary || (this.state && !this.state.has_plane));
    if (f.boundary) this.plane.drawBoundary(f.boundary, { now: first });
    if (f.neurons) this.network.drawNeurons(f.neurons);
    if (f.params) this.network.setParams(f.params);
    if (f.report) {
      this.report = f.report;
      this.updateRate(f.report.steps);
      if (first) this.readouts.now();
      else this.readouts.request();
    }
    if (f.confusion !== undefined) this.confusion.set(f.confusion);
    if (f.guesses) this.gallery.setGuesses(f.guesses);
    if (f.mistakes) this.gallery.setMistakes(f.mistakes);
    if (this.lab) this.lab.frame(f);
    this.tools.frame(f);
    if (first) {
      this.drawnOnce = true;
      performance.mark('nnplay-first-boundary');
      document.body.dataset.ready = 'true';
    }
  }

  /** Shows the digits lab for image sets (its module is fetched the first time one is chosen). */
  syncLab(state) {
    if (this.lab) {
      this.lab.sync(state);
      return;
    }
    if (!state.image_side || this.labLoading) return;
    this.labLoading = import('./ui/digitpad.js').then(({ DigitsLab }) => {
      this.lab = new DigitsLab(this);
      if (this.state) this.lab.sync(this.state);
    }, (err) => this.showMessage(`The digits lab could not be loaded: ${err.message}`));
  }

  /** The newest report's numbers: scores, epoch, steps and steps per second. */
  showReport() {
    const r = this.report;
    if (!r) return;
    showScores(r, r.metric || (this.state && this.state.metric));
    setText($('epoch'), fmtEpoch(r.epochs_completed));
    $('epoch').dataset.epoch = String(r.epoch);
    setText($('step-count'), fmtCount(r.steps));
    setText($('steps-per-sec'), fmtCount(Math.max(0, this.stepsPerSecond)));
  }

  /** A stop rule paused training: say which, and how to go on. */
  showStop({ cause, rule, epoch }) {
    const why = cause === 'plateau'
      ? `the test loss has not improved for ${rule} epoch${rule === 1 ? '' : 's'}`
      : `epoch ${rule} is complete`;
    this.showMessage(`Paused at epoch ${epoch}: ${why}. Press ▶ to go on.`, 'ok');
  }

  updateRate(steps) {
    const now = performance.now();
    const rate = this.rate;
    rate.push([now, steps]);
    while (rate.length > 2 && now - rate[0][0] > 1500) rate.shift();
    const [t0, s0] = rate[0];
    this.stepsPerSecond = now > t0 ? ((steps - s0) * 1000) / (now - t0) : 0;
  }

  setPlaying(on) {
    if (on === undefined || on === this.playing) return;
    this.playing = on;
    $('play').setAttribute('aria-pressed', String(on));
    $('play').querySelector('.sr').textContent = on ? 'Pause' : 'Play';
  }

  // ---------- the network ----------
  /** Rust's cap on a hidden layer's neurons for the current data (wider for images). */
  maxUnits() {
    const { limits } = this.options;
    return this.state && this.state.image_side ? limits.max_image_units : limits.max_units;
  }

  hiddenSizes() {
    if (this.pendingArchitecture) return [...this.pendingArchitecture.sizes];
    return this.snapshot ? this.snapshot.layers.slice(0, -1).map((l) => l.out_dim) : [];
  }

  /** Each hidden layer's activation token, as the network Rust built has it. */
  activations() {
    if (this.pendingArchitecture) return [...this.pendingArchitecture.acts];
    return this.snapshot ? this.snapshot.layers.slice(0, -1).map((l) => l.activation) : [];
  }

  setArchitecture(sizes, acts) {
    // Two quick clicks (or + then − on the keyboard) must build on each other, not on the
    // network drawn before the worker answered the first one.
    this.pendingArchitecture = { sizes: [...sizes], acts: [...acts] };
    this.change({ layers: sizes.join(','), act: acts.join(',') });
  }

  onNetworkAction(a) {
    const sizes = this.hiddenSizes();
    const acts = this.activations();
    switch (a.type) {
      case 'units':
        sizes[a.layer] = Math.max(1, Math.min(this.maxUnits(), sizes[a.layer] + a.delta));
        this.setArchitecture(sizes, acts);
        break;
      case 'activation':
        acts[a.layer] = a.token;
        this.setArchitecture(sizes, acts);
        break;
      case 'feature': {
        const selected = new Set(splitList(getValue(this.query, 'features')));
        if (a.on) selected.add(a.token);
        else selected.delete(a.token);
        if (!selected.size) {
          this.showMessage('The network needs at least one input feature.', 'error');
          return;
        }
        this.change({ features: this.options.features.map((f) => f.token).filter((t) => selected.has(t)).join(',') });
        break;
      }
      case 'weight':
        this.send({ type: 'set_weight', layer: a.layer, row: a.row, col: a.col, value: a.value });
        break;
      case 'bias':
        this.send({ type: 'set_bias', layer: a.layer, unit: a.unit, value: a.value });
        break;
      default:
        break;
    }
  }

  // ---------- wiring ----------
  wire() {
    $('play').addEventListener('click', () => {
      this.send({ type: this.playing ? 'pause' : 'play' });
      this.setPlaying(!this.playing);
    });
    $('step').addEventListener('click', () => this.send({ type: 'step' }));
    $('step-batch').addEventListener('click', () => this.send({ type: 'step_batch' }));
    for (const [id, key] of [['stop-epoch', 'stop_epoch'], ['patience', 'patience']]) {
      $(id).addEventListener('change', () => this.change({ [key]: $(id).value.trim() }));
    }
    $('reset').addEventListener('click', () => {
      this.chart.clear();
      this.clearMessage();
      this.send({ type: 'reset' });
    });
    this.shortcuts = new Shortcuts();
    this.explanations = new Explanations();
    $('present').addEventListener('click', () => this.change({ present: this.presenting ? '0' : '1' }));
    $('add-layer').addEventListener('click', () => {
      const sizes = this.hiddenSizes();
      const acts = this.activations();
      if (sizes.length >= this.options.limits.max_hidden_layers) return;
      sizes.push(sizes.length ? sizes[sizes.length - 1] : 4);
      acts.push(acts.length ? acts[acts.length - 1] : $('act-all').value || 'tanh');
      this.setArchitecture(sizes, acts);
    });
    $('remove-layer').addEventListener('click', () => {
      const sizes = this.hiddenSizes();
      const acts = this.activations();
      if (!sizes.length) return;
      sizes.pop();
      acts.pop();
      this.setArchitecture(sizes, acts);
    });
    $('share').addEventListener('click', () => this.copyLink());
    $('export').addEventListener('click', () => this.send({ type: 'export' }));
    $('open-model').addEventListener('click', () => $('open-model-file').click());
    $('open-model-file').addEventListener('change', async (e) => {
      const file = e.target.files && e.target.files[0];
      e.target.value = ''; // the same file can be opened again
      if (!file) return;
      try {
        const model = await readModelFile(file);
        this.chart.clear();
        this.send({ type: 'open_model', query: model.query, params: model.params, name: model.name });
      } catch (err) {
        this.showMessage(err.message);
      }
    });
  }

  /** Presenter mode: the CSS does the type and the layout; canvases get thicker lines. */
  setPresenting(on) {
    if (on === this.presenting) return;
    this.presenting = on;
    document.body.classList.toggle('present', on);
    $('present').setAttribute('aria-pressed', String(on));
    this.network.setLineScale(on ? 2 : 1);
    setCurveWidth(on ? 4 : 2);
    this.chart.redraw(true);
    // The layout changed size: the network and the plane measure their boxes again.
    requestAnimationFrame(() => window.dispatchEvent(new Event('resize')));
  }

  async copyLink() {
    const link = shareLink(this.query);
    const btn = $('share');
    btn.dataset.link = link;
    try {
      await navigator.clipboard.writeText(link);
      btn.textContent = 'Link copied ✓';
    } catch {
      this.showMessage(el('span', {}, 'Copy this link: ', el('input', { value: link, size: 60, readonly: true, onfocus: (e) => e.target.select() })), 'ok');
      btn.textContent = 'Link ready';
    }
    btn.classList.add('done');
    setTimeout(() => {
      btn.textContent = 'Copy share link';
      btn.classList.remove('done');
    }, 2000);
  }

  // ---------- legend ----------
  /** The colour bar: a CSS gradient (a canvas would be one more compositor layer). */
  drawLegend() {
    const rc = this.options.regression_colors;
    $('legend').style.background = `linear-gradient(to right, ${rc.negative}, ${rc.zero}, ${rc.positive})`;
  }

  /** Binary: the orange–blue bar with the two class names; K classes: one chip per class. */
  legendLabels() {
    const { state, options } = this;
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
}

/** Writes a read-out only when it changed: an unchanged text costs no style or layout work. */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Feature images keyed by token: `{res, rgba, tokens}` from the worker. */
function catalog({ res, rgba, tokens }) {
  const images = NetworkView.splitImages(rgba, res);
  return Object.fromEntries(tokens.map((t, i) => [t, images[i]]));
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
