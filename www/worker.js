// The training worker: owns the one `Playground` handle (all training, evaluation and pixel
// rendering happen in Rust here) and sends the page small results and ready-made RGBA buffers.
//
// Pacing: the worker runs on the display's frames (worker/clock.js). Each frame it trains what
// the speed setting says (Rust's `batches_per_frame`: one epoch by default; for `fast`, as many
// steps as fill most of the frame, sized from the time the last frames took), renders, and
// posts the frame; the page draws the newest frame it has. The worker never waits for the page:
// the page only says when a frame has arrived, and while two are still on their way the worker
// keeps training and skips the pictures until the page catches up.
import { loadBuild, preloadGlue } from './wasm-build.js';
import { FrameClock } from './worker/clock.js';
import { errorMessage, parse } from './worker/common.js';
import { fetchDataFile } from './worker/data.js';
import { FEATURE_RES, buildFrame } from './worker/frame.js';
import { toolFrame, toolHandlers, toolStep } from './worker/tools.js';
import './worker/tool-modules.js';
import { digitsFrame, digitsHandlers } from './worker/digits.js';

// The glue module loads while the page is still compiling the wasm it will send with `init`.
preloadGlue();

const PREVIEW_POINTS = 160;
/** Frames posted and not yet arrived at the page beyond which the pictures are skipped. */
const MAX_UNRECEIVED = 2;
/** At most this many display frames are made up for in one frame (after a missed one). */
const MAX_CATCH_UP = 3;
/**
 * `fast` trains for up to this share of each display frame; the rest is rendering and slack, and
 * on a machine of two cores the page's own threads need the other. When the page falls behind
 * (two frames on their way) or frames are missed, the share shrinks at once, to FAST_SHARE_MIN at
 * the least, and grows back slowly while frames keep coming on time.
 */
const FAST_SHARE = 0.5;
const FAST_SHARE_MIN = 0.15;
/** The largest `step` call (the session's limit, Rust's MAX_STEP_BATCHES). */
const MAX_BATCHES = 100000;

const post = (msg, transfer = []) => self.postMessage(msg, transfer);

/** The worker's whole state: the session, what the page has been sent, and the pacing. */
class TrainingSession {
  constructor(wasm, pg) {
    this.wasm = wasm;
    this.pg = pg;
    this.state = null; // the session's state_json(), refreshed by describe()
    this.playing = false;
    this.diverged = false; // the last step diverged: play starts again from the start weights
    this.stepOnce = 0; // batches requested by the "one step" button
    this.stepBatches = 0; // single batches requested by the "one mini-batch" button
    this.stepping = new wasm.Stepping(); // the stop rules' state (stop_epoch=, patience=)
    this.dirty = false; // something changed: send a frame even when paused
    this.openTool = null; // the open teaching-tool panel (worker/tools.js)
    this.historySent = 0; // rows of pg.history the page has
    this.pendingStatic = true; // points and feature thumbnails must be (re)sent
    this.pendingStructure = true; // the network snapshot must be (re)sent
    this.unreceived = 0; // frames posted that the page has not said it received
    this.perFrame = 1; // batches per frame of the speed setting; 0 = fast
    this.fastBatches = 1; // fast: the batches of the next frame
    this.fastShare = FAST_SHARE; // fast: the share of a frame spent training
    this.workMs = 0; // time the last frame took (train + render)
    this.renderMs = 0; // running mean of the rendering part
    this.fetching = null; // the data file being fetched, and the query waiting for it
    this.lateFrames = 0; // display frames missed before this one
    this.clock = new FrameClock((now, frames) => this.onFrame(frames));
    this.replan();
  }

  /** Everything the page needs after the configuration or the data changed. */
  describe() {
    this.state = parse(this.pg.state_json());
    return { query: this.pg.query(), state: this.state };
  }

  /** Reads the speed setting's batches per frame for the current data (a Rust rule). */
  replan() {
    this.perFrame = this.pg.batches_per_frame();
    if (this.perFrame === 0) this.fastBatches = Math.max(1, this.pg.batches_per_epoch());
  }

  /** Runs on every display frame while there is something to train or to show. */
  onFrame(frames) {
    this.lateFrames = frames - 1;
    if (this.stepBatches > 0) {
      const n = this.stepBatches;
      this.stepBatches = 0;
      this.frame(n, true, true);
    } else if (this.stepOnce > 0) {
      const n = this.stepOnce;
      this.stepOnce = 0;
      this.frame(n, true);
    } else if (this.playing) {
      this.frame(this.plan(frames), false);
    } else if (this.dirty) {
      this.frame(0, true);
    } else {
      this.clock.stop();
    }
  }

  /** Batches for this frame: the speed setting's, or for `fast` what fits in the frame. */
  plan(frames) {
    if (this.perFrame > 0) {
      // Make up for display frames this worker missed, unless its own work made it miss them.
      const catchUp = this.workMs < this.clock.period / 2 ? Math.min(frames, MAX_CATCH_UP) : 1;
      return Math.min(MAX_BATCHES, this.perFrame * catchUp);
    }
    return this.fastBatches;
  }

  /** Sizes the next `fast` frame so its training takes `fastShare` of a display frame. */
  adaptFast(batches, trainMs, pageBehind) {
    if (pageBehind || this.lateFrames > 0) this.fastShare = Math.max(FAST_SHARE_MIN, this.fastShare * 0.7);
    else this.fastShare = Math.min(FAST_SHARE, this.fastShare + 0.005);
    const budget = Math.max(1, this.fastShare * this.clock.period - this.renderMs);
    const next = Math.round((batches * budget) / Math.max(trainMs, 0.05));
    // At most halve or double per frame: one slow frame (another tenant) must not swing it.
    const bounded = Math.min(2 * batches, Math.max(Math.ceil(batches / 2), next));
    this.fastBatches = Math.max(1, Math.min(MAX_BATCHES, bounded));
  }

  /**
   * Trains `batches` steps (0 = only evaluate), then renders and posts unless the page is behind.
   * Training goes through the stop rules (Rust's Stepping), which may end it early and pause;
   * `single` runs single mini-batches, which no rule stops.
   */
  frame(batches, mustShow, single = false) {
    const t0 = performance.now();
    let report = null;
    let error = null;
    let stopped = null;
    try {
      report = parse(single ? this.stepping.step_batches(this.pg, batches) : this.stepping.step(this.pg, batches));
      const cause = single ? null : this.stepping.stopped();
      if (cause && (this.playing || batches > 0)) {
        stopped = { cause, rule: this.stepping.rule(), epoch: report.epochs_completed };
        this.playing = false;
        mustShow = true;
      }
      batches = report.batches;
    } catch (err) {
      error = errorMessage(err);
      this.playing = false;
    }
    if (batches > 0 && !error) toolStep(this, batches);
    const t1 = performance.now();
    this.diverged = Boolean(report && report.diverged);
    if (this.diverged) this.playing = false;
    if (this.unreceived >= MAX_UNRECEIVED && !mustShow && !error && !this.diverged) {
      // The page is behind: keep training, draw when it has caught up.
      this.workMs = t1 - t0;
      if (this.playing && this.perFrame === 0) this.adaptFast(batches, t1 - t0, true);
      return;
    }
    this.dirty = false;
    const { msg, transfer, historyTo } = buildFrame(this.pg, {
      state: this.state,
      report,
      error,
      playing: this.playing,
      structure: this.pendingStructure,
      statics: this.pendingStatic,
      historyFrom: this.historySent,
      describe: () => this.describe(),
    });
    if (stopped) msg.stopped = stopped;
    toolFrame(this, msg, transfer);
    digitsFrame(this, msg, transfer);
    this.pendingStructure = false;
    this.pendingStatic = false;
    this.historySent = historyTo;
    this.unreceived += 1;
    post(msg, transfer);
    const t2 = performance.now();
    this.renderMs = this.renderMs ? 0.9 * this.renderMs + 0.1 * (t2 - t1) : t2 - t1;
    this.workMs = t2 - t0;
    if (this.playing && this.perFrame === 0 && batches > 0) this.adaptFast(batches, t1 - t0, false);
  }

  /** Sends a frame soon (on the next display frame), also when paused. */
  refresh() {
    this.dirty = true;
    this.clock.start();
  }

  /** Applies a change of settings and tells the page what it changed. */
  applied(change) {
    if (!change || change.network_rebuilt || change.data_regenerated) this.historySent = 0;
    this.pendingStructure = true;
    this.pendingStatic = this.pendingStatic || !change || change.data_regenerated || change.network_rebuilt;
    this.replan();
    post({ type: 'config', change, ...this.describe() });
    this.refresh();
  }

  dataChanged() {
    this.pendingStatic = true;
    this.pendingStructure = true;
    this.replan();
    post({ type: 'config', change: null, ...this.describe() });
    this.refresh();
  }

  /** The training points of every 2-D generated set, for the data set thumbnails. */
  previews() {
    const options = parse(this.wasm.options_json());
    const previews = {};
    for (const d of options.datasets) {
      if (!d.plane || !d.generated) continue;
      // One thumbnail per family of K-class sets: the 3-class one.
      if (/^(spirals|blobs)\d+$/.test(d.token) && !d.token.endsWith('3')) continue;
      try {
        const p = this.wasm.Playground.from_query(`dataset=${d.token}&points=${PREVIEW_POINTS}&train=90&noise=0&layers=`);
        const s = parse(p.state_json());
        previews[d.token] = { task: s.task, classes: s.classes, points: p.train_points() };
        p.free();
      } catch {
        // A thumbnail is decoration: a set that cannot be previewed is shown by name only.
      }
    }
    let features = null;
    try {
      const tokens = options.features.map((f) => f.token);
      const p = this.wasm.Playground.from_query(`features=${tokens.join(',')}&layers=`);
      features = { res: FEATURE_RES, rgba: p.render_features(FEATURE_RES), tokens };
      p.free();
    } catch {
      features = null;
    }
    const transfer = Object.values(previews).map((p) => p.points.buffer);
    if (features) transfer.push(features.rgba.buffer);
    post({ type: 'previews', previews, features }, transfer);
  }

  /**
   * Applies `query` once the shipped data file it needs (if any) is in: the first time such
   * a data set is chosen, its file is fetched while training goes on with the current data.
   */
  setQuery(query) {
    const need = parse(this.wasm.missing_data(query));
    if (!need) {
      this.fetching = null;
      this.applied(parse(this.pg.set_query(query)));
      return;
    }
    const same = this.fetching && this.fetching.file === need.file;
    this.fetching = { file: need.file, query };
    if (same) return; // the file is on its way; the newest query waits for it
    provideData(this.wasm, need).then(
      () => enqueue(() => {
        const waiting = this.fetching;
        this.fetching = null;
        if (waiting) this.setQuery(waiting.query);
      }),
      () => enqueue(() => {
        // The message is on the page; the controls go back to the data still in use.
        this.fetching = null;
        post({ type: 'config', change: null, ...this.describe() });
      }),
    );
  }
}

/**
 * Fetches and hands in the data file `need` ({dataset, file}), posting progress to the page.
 * Rejects (after posting why) when the file cannot be fetched or is not what it should be.
 */
async function provideData(wasm, { dataset, file }) {
  let last = 0;
  const progress = (loaded, total) => post({ type: 'data', phase: 'loading', dataset, file, loaded, total });
  progress(0, 0);
  try {
    const bytes = await fetchDataFile(file, (loaded, total) => {
      const now = performance.now();
      if (now - last < 50 && loaded !== total) return;
      last = now;
      progress(loaded, total);
    });
    wasm.provide_dataset(dataset, bytes);
    post({ type: 'data', phase: 'loaded', dataset, file });
  } catch (err) {
    post({ type: 'data', phase: 'failed', dataset, file, message: errorMessage(err) });
    throw err;
  }
}

/** The query without its `dataset` key: the default data set, when the chosen one cannot load. */
function withoutDataset(query) {
  return query.split('&').filter((p) => p.split('=')[0] !== 'dataset').join('&');
}

let session = null;

const handlers = {
  async init({ query, build, module }) {
    const loaded = await loadBuild(build, module);
    if (loaded.fallback) console.warn(loaded.fallback);
    const { wasm } = loaded;
    const need = parse(wasm.missing_data(query));
    let start = query;
    if (need) {
      try {
        await provideData(wasm, need);
      } catch {
        start = withoutDataset(query);
      }
    }
    session = new TrainingSession(wasm, wasm.Playground.from_query(start));
    post({ type: 'ready', notices: parse(session.pg.notices_json()), build: loaded.build, ...session.describe() });
    // The first picture goes out at once, before the thumbnails of the data set picker.
    session.frame(0, true);
    session.previews();
  },
  play(s) {
    s.playing = true;
    s.stepping.resume(s.pg);
    if (s.diverged) {
      s.pg.reset();
      s.historySent = 0;
      s.diverged = false;
    }
    s.refresh();
    post({ type: 'playing', playing: true });
  },
  pause(s) {
    s.playing = false;
    post({ type: 'playing', playing: false });
  },
  step(s) {
    s.playing = false;
    s.stepping.resume(s.pg);
    s.stepOnce += s.pg.batches_per_epoch();
    post({ type: 'playing', playing: false });
    s.clock.start();
  },
  step_batch(s) {
    s.playing = false;
    s.stepBatches += 1;
    post({ type: 'playing', playing: false });
    s.clock.start();
  },
  reset(s) {
    s.pg.reset();
    s.historySent = 0;
    s.pendingStructure = true;
    s.refresh();
  },
  set_query(s, { query }) {
    s.setQuery(query);
  },
  /** A model file the page opened: its link's settings, then its weights (all or nothing). */
  async open_model(s, { query, params, name }) {
    const before = s.pg.query();
    const need = parse(s.wasm.missing_data(query));
    if (need) await provideData(s.wasm, need);
    s.applied(parse(s.pg.set_query(query)));
    try {
      s.pg.set_params(params);
    } catch (err) {
      s.applied(parse(s.pg.set_query(before)));
      throw new Error(`${name}: ${errorMessage(err)}; the page keeps the network it had`);
    }
    post({ type: 'model_opened', name });
    s.refresh();
  },
  set_weight(s, { layer, row, col, value }) {
    s.pg.set_weight(layer, row, col, value);
    s.refresh();
  },
  set_bias(s, { layer, unit, value }) {
    s.pg.set_bias(layer, unit, value);
    s.refresh();
  },
  start_points(s, { classes, fromCurrent }) {
    s.pg.start_points(classes, fromCurrent);
    s.dataChanged();
  },
  add_point(s, { x1, x2, label }) {
    s.pg.add_point(x1, x2, label);
    s.dataChanged();
  },
  move_point(s, { id, x1, x2 }) {
    s.pg.move_point(id, x1, x2);
    s.dataChanged();
  },
  set_point_label(s, { id, label }) {
    s.pg.set_point_label(id, label);
    s.dataChanged();
  },
  remove_near(s, { x1, x2, maxDistance }) {
    const id = s.pg.nearest_point(x1, x2, maxDistance);
    if (id >= 0) {
      s.pg.remove_point(id);
      s.dataChanged();
    }
  },
  clear_points(s) {
    s.pg.clear_points();
    s.dataChanged();
  },
  load_csv(s, { text, options }) {
    const summary = parse(s.pg.load_csv(text, options || {}));
    post({ type: 'csv', summary });
    s.dataChanged();
  },
  use_generated(s) {
    s.pg.use_generated();
    s.dataChanged();
  },
  predict(s, { x1, x2, id }) {
    if (!s.state || !s.state.has_plane) return;
    post({ type: 'predict', id, x1, x2, output: Array.from(s.pg.predict(x1, x2)) });
  },
  export(s) {
    // The library's model file, written in Rust: `nnplay predict` and the library read it.
    post({ type: 'export', json: s.pg.model_json() });
  },
};
Object.assign(handlers, toolHandlers, digitsHandlers);

// Messages are handled one at a time, in order, so `init` finishes before anything else runs.
// Only the page's "frame arrived" note skips the line: it must never wait behind other work.
let queue = Promise.resolve();
function enqueue(task) {
  queue = queue.then(task).catch((err) => {
    post({ type: 'error', context: 'worker', message: errorMessage(err) });
  });
}

self.onmessage = ({ data: msg }) => {
  // The page's watchdog: answered at once, ahead of the queue, so only a thread that is stuck
  // (a computation that never returns) leaves it unanswered.
  if (msg.type === 'ping') {
    post({ type: 'pong', id: msg.id });
    return;
  }
  if (msg.type === 'received') {
    if (session) session.unreceived = Math.max(0, session.unreceived - 1);
    return;
  }
  const handler = handlers[msg.type];
  if (!handler) return;
  enqueue(async () => {
    if (msg.type === 'init') {
      await handler(msg);
      return;
    }
    if (!session) return;
    try {
      await handler(session, msg);
    } catch (err) {
      post({ type: 'error', context: msg.type, message: errorMessage(err) });
      session.refresh();
    }
  });
};
