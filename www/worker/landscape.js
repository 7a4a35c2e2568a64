// The loss landscape's worker side. While the panel is open it keeps a `Landscape` (Rust,
// src/web/landscape.rs) beside the session: a plane through the current weights along two
// seeded random directions, the path of the weights (one point after each training step), and a
// grid of the real training loss that it fills a few cells at a time on a time budget, so
// neither the training nor the page ever waits for it. The resolution adapts: while training
// plays, coarse grids (PLAY_RES²) re-centred on the newest weights each time one is done; when
// training is paused, a coarse grid first and then a fine one (IDLE_RES²), filled by a loop of
// its own between messages, and nothing more once it is done.
import { errorMessage } from './common.js';
import { registerTool } from './tools.js';

const PLAY_RES = 15;
const IDLE_RES = 41;
/** Work per display frame while training plays, and per slice of the idle loop (ms). */
const PLAY_BUDGET_MS = 4;
const IDLE_BUDGET_MS = 12;
/** A grid should take at most this long (ms) at the measured cost per cell, or it gets coarser. */
const PLAY_PASS_MS = 600;
const IDLE_PASS_MS = 15000;
/** How often the idle loop looks for a pause while training plays (ms). */
const POLL_MS = 100;

const landscapes = new WeakMap();
let nextId = 1;

/** The largest odd resolution ≤ `want` (≥ 5) whose grid fits in `ms` at `msPerCell`. */
function fit(want, ms, msPerCell) {
  let res = want;
  while (res > 5 && res * res * msPerCell > ms) res -= 2;
  return res;
}

/** The session's landscape state, (re)built when there is none or the network's layout changed. */
function landscapeOf(s) {
  let L = landscapes.get(s);
  if (L && L.land && !L.land.is_stale(s.pg)) return L;
  const seed = L ? L.seed : 1;
  const span = L ? L.span : 1;
  if (L && L.land) L.land.free();
  L = { land: null, id: nextId++, seed, span, pass: null, msPerCell: 0.05, error: null, idle: 0, fresh: true };
  landscapes.set(s, L);
  try {
    L.land = s.wasm.Landscape.start(s.pg, seed);
  } catch (err) {
    L.error = errorMessage(err);
  }
  return L;
}

/** A new grid of `res`² cells around the session's current weights. */
function startPass(s, L, res) {
  if (L.land.moved(s.pg)) L.land.recenter(s.pg);
  L.pass = {
    id: nextId++,
    res,
    span: L.span,
    next: 0,
    values: new Float32Array(res * res).fill(NaN),
    centreLoss: L.land.centre_loss(s.pg),
    centreSteps: L.land.centre_steps(),
  };
  L.fresh = true; // the page must be sent the pass from its first cell
}

/** Chooses the grid to work on: false when there is nothing left to compute. */
function plan(s, L) {
  const p = L.pass;
  const playRes = fit(PLAY_RES, PLAY_PASS_MS, L.msPerCell);
  if (s.playing) {
    if (!p || (p.next >= p.values.length && L.land.moved(s.pg)) || p.res > playRes) startPass(s, L, playRes);
  } else if (!p || L.land.moved(s.pg) || p.span !== L.span) {
    startPass(s, L, playRes);
  } else if (p.next >= p.values.length) {
    const idleRes = Math.max(playRes, fit(IDLE_RES, IDLE_PASS_MS, L.msPerCell));
    if (p.res >= idleRes) return false;
    startPass(s, L, idleRes);
  }
  return L.pass.next < L.pass.values.length;
}

/** Computes cells for about `budget` ms; returns the index of the first new cell. */
function work(s, L, budget) {
  const p = L.pass;
  const from = p.next;
  const t0 = performance.now();
  let spent = 0;
  while (p.next < p.values.length && spent < budget) {
    const count = Math.max(1, Math.min(p.res, Math.floor((budget - spent) / L.msPerCell)));
    const t = performance.now();
    const cells = L.land.cells(s.pg, p.res, p.span, p.next, count);
    const dt = performance.now() - t;
    p.values.set(cells, p.next);
    p.next += cells.length;
    // A running estimate of the cost of one cell (it depends on the data and the network).
    L.msPerCell = 0.7 * L.msPerCell + 0.3 * Math.max(0.001, dt / Math.max(1, cells.length));
    spent = performance.now() - t0;
    if (!cells.length) break;
  }
  return from;
}

/** What the page is sent: the pass (whole when new to the page, else its new cells) and the path. */
function payload(L, from) {
  if (L.error) return { id: L.id, error: L.error };
  const p = L.pass;
  const start = L.fresh ? 0 : from;
  L.fresh = false;
  return {
    id: L.id,
    seed: L.seed,
    pass: { id: p.id, res: p.res, span: p.span, centreLoss: p.centreLoss, centreSteps: p.centreSteps, done: p.next },
    from: start,
    values: p.values.slice(start, p.next),
    path: L.land.path(),
  };
}

/** Fills the grid while training is paused, in slices between the worker's other tasks. */
function scheduleIdle(s) {
  const L = landscapes.get(s);
  if (!L || L.idle) return;
  L.idle = setTimeout(() => {
    L.idle = 0;
    if (s.openTool !== 'landscape' || landscapes.get(s) !== L || !L.land) return;
    if (s.playing) {
      // The frames do the work while training plays; look again soon for a pause.
      L.idle = setTimeout(() => {
        L.idle = 0;
        scheduleIdle(s);
      }, POLL_MS);
      return;
    }
    try {
      L.error = null;
      if (!plan(s, L)) return;
      const from = work(s, L, IDLE_BUDGET_MS);
      const msg = payload(L, from);
      self.postMessage({ type: 'landscape', landscape: msg }, [msg.values.buffer]);
      scheduleIdle(s);
    } catch (err) {
      L.error = errorMessage(err);
      self.postMessage({ type: 'landscape', landscape: { id: L.id, error: L.error } });
    }
  }, 0);
}

/** Sends the present state at once (the panel was just built or opened, or a setting changed). */
function resend(s) {
  const L = landscapeOf(s);
  if (L.land) {
    L.fresh = true;
    try {
      plan(s, L);
    } catch (err) {
      L.error = errorMessage(err);
    }
  }
  const msg = L.land && L.pass ? payload(L, 0) : { id: L.id, error: L.error };
  self.postMessage({ type: 'landscape', landscape: msg });
  scheduleIdle(s);
}

registerTool('landscape', {
  handlers: {
    landscape_sync(s) {
      resend(s);
    },
    /** The "New directions" button: another seed, through the current weights. */
    landscape_directions(s, { seed }) {
      const L = landscapeOf(s);
      L.seed = seed;
      if (L.land) {
        L.land.new_directions(s.pg, seed);
        L.pass = null;
      }
      resend(s);
    },
    /** The span control: the same plane, a wider or narrower window. */
    landscape_span(s, { span }) {
      const L = landscapeOf(s);
      L.span = span;
      L.pass = null;
      resend(s);
    },
  },
  step(s) {
    const L = landscapes.get(s);
    if (L && L.land && !L.land.is_stale(s.pg)) {
      try {
        L.land.record(s.pg);
      } catch {
        // A diverged network has no place on the plane; the next landscape starts afresh.
      }
    }
  },
  frame(s) {
    const L = landscapeOf(s);
    if (!L.land) {
      self.postMessage({ type: 'landscape', landscape: { id: L.id, error: L.error } });
      return;
    }
    try {
      L.error = null;
      L.land.record(s.pg);
      const more = plan(s, L);
      const from = more && s.playing ? work(s, L, PLAY_BUDGET_MS) : L.pass.next;
      // A message of its own, not a part of the frame: the page draws only the newest frame it
      // has, but it handles every message, so no cell is lost.
      const part = payload(L, from);
      if (part.values.length || part.from === 0 || s.playing) self.postMessage({ type: 'landscape', landscape: part }, [part.values.buffer]);
      scheduleIdle(s);
    } catch (err) {
      self.postMessage({ type: 'landscape', landscape: { id: L.id, error: errorMessage(err) } });
    }
  },
});
