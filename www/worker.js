// The training worker: owns the one `Playground` handle (all training, evaluation and pixel
// rendering happen in Rust here), and sends the page small results and ready-made RGBA buffers.
// The page never waits on training: it draws whatever frame arrived last and acknowledges it,
// and only then does this worker compute the next one (one frame in flight, no backlog).
import { loadBuild } from './wasm-build.js';

const BOUNDARY_RES = 100; // the plot is ≥ 100×100; CSS scales it up smoothly
const NEURON_RES = 32;
const FEATURE_RES = 32;
const PREVIEW_POINTS = 160;

let wasm = null; // the loaded build's exports (Playground, options_json, …)
let pg = null;
let state = null;
let playing = false;
let speed = 10; // mini-batch steps per frame
let inFlight = false; // a frame was posted and not yet acknowledged
let dirty = false; // something changed while a frame was in flight: send one more
let historySent = 0; // rows of pg.history already sent to the page
let pendingStatic = true; // points and feature thumbnails must be (re)sent
let pendingStructure = true; // network snapshot must be (re)sent
let stepOnce = 0; // batches requested by the "one step" button
let diverged = false; // the last step diverged: pressing play starts again from the start weights

const post = (msg, transfer = []) => self.postMessage(msg, transfer);

function errorMessage(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

function parse(json) {
  return json == null ? null : JSON.parse(json);
}

/** Everything the page needs after the configuration or the data changed. */
function describe() {
  state = parse(pg.state_json());
  return { query: pg.query(), state, config: parse(pg.config_json()) };
}

/** Builds one frame: trains `batches` steps (0 = only evaluate), then renders. */
function frame(batches) {
  let report = null;
  let error = null;
  try {
    report = parse(pg.step(batches));
  } catch (err) {
    error = errorMessage(err);
    playing = false;
  }
  diverged = Boolean(report && report.diverged);
  if (diverged) playing = false;
  const msg = { type: 'frame', report, error, playing };
  const transfer = [];
  const hasPlane = state && state.has_plane;
  const images = state && state.image_side;
  if (pendingStructure) {
    msg.snapshot = parse(pg.network_json());
    msg.describe = describe();
    pendingStructure = false;
  }
  if (pendingStatic) {
    msg.points = { train: pg.train_points(), test: pg.test_points(), user: pg.user_points() };
    transfer.push(msg.points.train.buffer, msg.points.test.buffer, msg.points.user.buffer);
    if (hasPlane) {
      try {
        msg.features = { res: FEATURE_RES, rgba: pg.render_features(FEATURE_RES) };
        transfer.push(msg.features.rgba.buffer);
      } catch (err) {
        msg.features = null;
      }
    }
    if (images) {
      try {
        msg.gallery = { side: state.image_side, rgba: pg.render_gallery() };
        transfer.push(msg.gallery.rgba.buffer);
      } catch (err) {
        msg.gallery = null;
      }
    }
    pendingStatic = false;
  }
  msg.params = pg.params();
  transfer.push(msg.params.buffer);
  if (hasPlane) {
    try {
      msg.boundary = { res: BOUNDARY_RES, rgba: pg.render_boundary(BOUNDARY_RES) };
      transfer.push(msg.boundary.rgba.buffer);
      msg.neurons = { res: NEURON_RES, rgba: pg.render_neurons(NEURON_RES) };
      transfer.push(msg.neurons.rgba.buffer);
    } catch (err) {
      msg.error = msg.error || errorMessage(err);
    }
  }
  if (state && state.task !== 'regression') msg.confusion = parse(pg.confusion_json());
  if (images) {
    msg.guesses = pg.gallery_guesses();
    transfer.push(msg.guesses.buffer);
  }
  const len = pg.history_len();
  if (len < historySent) historySent = 0;
  msg.historyFrom = historySent;
  msg.history = pg.history(historySent);
  transfer.push(msg.history.buffer);
  historySent = len;
  inFlight = true;
  post(msg, transfer);
}

/** Sends a frame now if none is in flight, otherwise right after the page acknowledges one. */
function refresh() {
  if (!pg) return;
  if (inFlight) {
    dirty = true;
    return;
  }
  frame(0);
}

function nextFrame() {
  if (!pg || inFlight) return;
  if (stepOnce > 0) {
    const n = stepOnce;
    stepOnce = 0;
    frame(n);
  } else if (playing) {
    frame(speed);
  } else if (dirty) {
    dirty = false;
    frame(0);
  }
}

/** One epoch's worth of mini-batches: what the "one step" button trains. */
function batchesPerEpoch() {
  const cfg = parse(pg.config_json());
  const batch = Math.max(1, cfg.training.batch_size | 0);
  const n = Math.max(1, (state && state.n_train) || 1);
  return Math.max(1, Math.ceil(n / batch));
}

/** The training points of every 2-D generated set, for the dataset thumbnails. */
function datasetPreviews() {
  const options = parse(wasm.options_json());
  const previews = {};
  for (const d of options.datasets) {
    if (!d.plane || !d.generated) continue;
    // One thumbnail per family of K-class sets: the 3-class one.
    if (/^(spirals|blobs)\d+$/.test(d.token) && !d.token.endsWith('3')) continue;
    try {
      const p = wasm.Playground.from_query(`dataset=${d.token}&points=${PREVIEW_POINTS}&train=90&noise=0&layers=`);
      const s = parse(p.state_json());
      previews[d.token] = { task: s.task, classes: s.classes, points: p.train_points() };
      p.free();
    } catch (err) {
      // A thumbnail is decoration: a set that cannot be previewed is shown by name only.
    }
  }
  return { previews, features: featureCatalog(options) };
}

/** Every playground feature's picture, so switched-off features still show what they are. */
function featureCatalog(options) {
  const tokens = options.features.map((f) => f.token);
  try {
    const p = wasm.Playground.from_query(`features=${tokens.join(',')}&layers=`);
    const rgba = p.render_features(FEATURE_RES);
    p.free();
    return { res: FEATURE_RES, rgba, tokens };
  } catch (err) {
    return null;
  }
}

/** Applies a change of settings and tells the page what it changed. */
function applied(change) {
  historySent = change && (change.network_rebuilt || change.data_regenerated) ? 0 : historySent;
  pendingStructure = true;
  pendingStatic = pendingStatic || !change || change.data_regenerated || change.network_rebuilt;
  post({ type: 'config', change, ...describe() });
  refresh();
}

function dataChanged() {
  pendingStatic = true;
  pendingStructure = true;
  post({ type: 'config', change: null, ...describe() });
  refresh();
}

/** Loads the build the page loaded (the plain SIMD one if that fails here). Returns its name. */
async function load(build) {
  const loaded = await loadBuild(build);
  if (loaded.fallback) console.warn(loaded.fallback);
  wasm = loaded.wasm;
  return loaded.build;
}

const handlers = {
  async init({ query, build }) {
    build = await load(build);
    pg = wasm.Playground.from_query(query);
    const notices = parse(pg.notices_json());
    post({ type: 'ready', notices, build, ...describe() });
    frame(0);
    const { previews, features } = datasetPreviews();
    const transfer = Object.values(previews).map((p) => p.points.buffer);
    if (features) transfer.push(features.rgba.buffer);
    post({ type: 'previews', previews, features }, transfer);
  },
  ack() {
    inFlight = false;
    nextFrame();
  },
  play() {
    playing = true;
    if (diverged) {
      pg.reset();
      historySent = 0;
      diverged = false;
    }
    refresh();
    post({ type: 'playing', playing });
  },
  pause() {
    playing = false;
    post({ type: 'playing', playing });
  },
  toggle() {
    return playing ? handlers.pause() : handlers.play();
  },
  step() {
    playing = false;
    stepOnce += batchesPerEpoch();
    post({ type: 'playing', playing });
    if (!inFlight) nextFrame();
  },
  reset() {
    pg.reset();
    historySent = 0;
    pendingStructure = true;
    refresh();
  },
  speed({ value }) {
    speed = Math.max(1, Math.min(100000, value | 0));
  },
  set_query({ query }) {
    applied(parse(pg.set_query(query)));
  },
  set_weight({ layer, row, col, value }) {
    pg.set_weight(layer, row, col, value);
    refresh();
  },
  set_bias({ layer, unit, value }) {
    pg.set_bias(layer, unit, value);
    refresh();
  },
  start_points({ classes, fromCurrent }) {
    pg.start_points(classes, fromCurrent);
    dataChanged();
  },
  add_point({ x1, x2, label }) {
    pg.add_point(x1, x2, label);
    dataChanged();
  },
  move_point({ id, x1, x2 }) {
    pg.move_point(id, x1, x2);
    dataChanged();
  },
  set_point_label({ id, label }) {
    pg.set_point_label(id, label);
    dataChanged();
  },
  remove_near({ x1, x2, maxDistance }) {
    const id = pg.nearest_point(x1, x2, maxDistance);
    if (id >= 0) {
      pg.remove_point(id);
      dataChanged();
    }
  },
  clear_points() {
    pg.clear_points();
    dataChanged();
  },
  load_csv({ text, options }) {
    const summary = parse(pg.load_csv(text, JSON.stringify(options || {})));
    post({ type: 'csv', summary });
    dataChanged();
  },
  use_generated() {
    pg.use_generated();
    dataChanged();
  },
  predict({ x1, x2, id }) {
    if (!state || !state.has_plane) return;
    post({ type: 'predict', id, x1, x2, output: Array.from(pg.predict(x1, x2)) });
  },
  export() {
    const model = {
      format: 'nnplay-playground-model',
      version: 1,
      query: pg.query(),
      config: parse(pg.config_json()),
      state: parse(pg.state_json()),
      network: parse(pg.network_json()),
    };
    post({ type: 'export', json: JSON.stringify(model, null, 2) });
  },
};

// Messages are handled one at a time, in order, so `init` finishes before anything else runs.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const msg = event.data;
  queue = queue.then(async () => {
    const handler = handlers[msg.type];
    if (!handler) return;
    if (!pg && msg.type !== 'init') return;
    try {
      await handler(msg);
    } catch (err) {
      post({ type: 'error', context: msg.type, message: errorMessage(err) });
      if (pg) refresh();
    }
  });
};
