// Paces the page's redraws. Each picture that changes while training (the output plot, the
// network's thumbnails, the read-outs, the loss chart, the confusion table, the digit gallery)
// is a Pacer: it runs at most about once every `ms` milliseconds, a request made meanwhile is
// kept and run when the time comes (the newest state is always drawn in the end), and all
// pacers share one queue that runs in animation frames.
//
// Each animation frame runs the due pacers, most overdue first, until the frame's script
// budget is spent; the others wait for the next frame. The pictures cost about 0.1–2 ms each,
// so normally every due one runs in the frame its data arrived, and a slow moment (a big
// network, a CPU-rasterised canvas) spreads them over frames instead of making one long frame.
// The page also counts every run per pacer name, for the browser tests and benchmarks.

/** Script time one animation frame may spend on redraws before the rest wait a frame. */
const FRAME_BUDGET_MS = 8;
/**
 * A pacer is due this much before its interval is up: animation frames come at the display's
 * rate with some jitter, and a 33 ms pacer on a 60 Hz screen must run every second frame, not
 * every third when a frame comes a little early.
 */
const EARLY_MS = 8;

const waiting = new Set(); // pacers with a request not yet run
let frame = 0; // the animation frame that will run them
let timer = 0; // wakes the queue when the next pacer comes due
let timerAt = Infinity;

/** Runs per pacer name since the page opened: `{ boundary: 812, chart: 405, … }`. */
export const paints = {};

/** Runs the due pacers, most overdue first, within the frame budget; then re-arms. */
function runDue() {
  frame = 0;
  const start = performance.now();
  const due = [...waiting]
    .filter((p) => start - p.last >= p.ms - EARLY_MS)
    .sort((a, b) => (start - b.last - b.ms) - (start - a.last - a.ms));
  for (const p of due) {
    if (performance.now() - start > FRAME_BUDGET_MS) break;
    waiting.delete(p);
    p.last = start;
    p.fire();
  }
  arm();
}

/** Asks for an animation frame now if a pacer is due, or a timer for when one will be. */
function arm() {
  if (frame || !waiting.size) return;
  const now = performance.now();
  let wait = Infinity;
  for (const p of waiting) wait = Math.min(wait, p.ms - EARLY_MS - (now - p.last));
  if (wait <= 0) {
    clearTimeout(timer);
    timer = 0;
    timerAt = Infinity;
    frame = requestAnimationFrame(runDue);
  } else if (now + wait < timerAt) {
    clearTimeout(timer);
    timerAt = now + wait;
    timer = setTimeout(() => {
      timer = 0;
      timerAt = Infinity;
      arm();
    }, wait);
  }
}

export class Pacer {
  /**
   * @param {number} ms  shortest time between two runs (0: every animation frame)
   * @param {() => void} run  the redraw
   * @param {string} [name]  the key under which `paints` counts its runs
   */
  constructor(ms, run, name = '') {
    this.ms = ms;
    this.run = run;
    this.name = name;
    this.last = -Infinity;
  }

  fire() {
    if (this.name) paints[this.name] = (paints[this.name] || 0) + 1;
    this.run();
  }

  /** Asks for a run: in a coming animation frame, about `ms` after the last run. */
  request() {
    if (waiting.has(this)) return;
    waiting.add(this);
    arm();
  }

  /** Runs now (a direct answer to the user, such as a hover), replacing a pending run. */
  now() {
    waiting.delete(this);
    this.last = performance.now();
    this.fire();
  }
}
