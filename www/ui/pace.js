// Paces the page's redraws. Each picture that changes while training (the output plot, the
// network's thumbnails, the read-outs, the loss chart, the confusion table, the digit gallery)
// is a Pacer: it runs at most once every `ms` milliseconds, a request made meanwhile is kept and
// run when the time comes (the newest state is always drawn in the end), and all pacers share
// one queue that runs a single redraw per animation frame, the one waiting longest.
//
// Why: in a headless or GPU-less browser every canvas is rasterised and composited on the CPU,
// and each redraw also costs style, layout, paint and compositing work after the script. Done
// all in the frame a training result arrives, they add up to a frame far over 16 ms; spread one
// per frame, each frame stays short and the pictures still change several times a second.

const waiting = new Set(); // pacers with a request not yet run
let frame = 0; // the animation frame that will run one
let timer = 0; // wakes the queue when the next pacer comes due
let timerAt = Infinity;

/** Runs the most overdue due pacer, then arranges for the next one. */
function runOne() {
  frame = 0;
  const now = performance.now();
  let best = null;
  let late = -Infinity;
  for (const p of waiting) {
    const l = now - p.last - p.ms;
    if (l >= 0 && l > late) {
      best = p;
      late = l;
    }
  }
  if (best) {
    waiting.delete(best);
    best.last = now;
    best.run();
  }
  arm();
}

/** Asks for an animation frame now if a pacer is due, or a timer for when one will be. */
function arm() {
  if (frame || !waiting.size) return;
  const now = performance.now();
  let wait = Infinity;
  for (const p of waiting) wait = Math.min(wait, p.ms - (now - p.last));
  if (wait <= 0) {
    clearTimeout(timer);
    timer = 0;
    timerAt = Infinity;
    frame = requestAnimationFrame(runOne);
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
   * @param {number} ms  shortest time between two runs
   * @param {() => void} run  the redraw
   */
  constructor(ms, run) {
    this.ms = ms;
    this.run = run;
    this.last = -Infinity;
  }

  /** Asks for a run: in a coming animation frame, at least `ms` after the last run. */
  request() {
    if (waiting.has(this)) return;
    waiting.add(this);
    arm();
  }

  /** Runs now (a direct answer to the user, such as a hover), replacing a pending run. */
  now() {
    waiting.delete(this);
    this.last = performance.now();
    this.run();
  }
}
