// The display's frames as seen from the training worker: requestAnimationFrame where a worker
// has it (Chromium, Firefox, Safari 16.4+), so the worker's frames line up with the page's, and
// a 60 Hz timer elsewhere. Each tick says how many display frames passed since the last one, so
// a worker that missed a frame (another tenant on the CPU, a garbage collection) can catch up.

const FALLBACK_MS = 1000 / 60;
/** Frame intervals remembered for the period estimate (about half a second). */
const HISTORY = 30;

export class FrameClock {
  /** @param {(now: number, frames: number) => void} onFrame  called once per tick while running */
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.running = false;
    this.handle = 0;
    this.last = 0;
    this.deltas = [];
    this.raf = typeof self.requestAnimationFrame === 'function';
  }

  /**
   * The display's frame interval: the median of the recent intervals between two ticks (missed
   * frames make a few intervals longer, an occasional early tick one shorter; neither moves it).
   */
  get period() {
    if (this.deltas.length < 3) return FALLBACK_MS;
    const sorted = [...this.deltas].sort((a, b) => a - b);
    return Math.max(4, sorted[sorted.length >> 1]);
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.last = 0; // time spent stopped is not a missed frame
    this.schedule();
  }

  stop() {
    this.running = false;
    if (this.raf) cancelAnimationFrame(this.handle);
    else clearTimeout(this.handle);
    this.handle = 0;
  }

  schedule() {
    if (this.raf) this.handle = requestAnimationFrame((t) => this.tick(t));
    else this.handle = setTimeout(() => this.tick(performance.now()), FALLBACK_MS);
  }

  tick(now) {
    if (!this.running) return;
    let frames = 1;
    if (this.last) {
      const dt = now - this.last;
      this.deltas.push(dt);
      if (this.deltas.length > HISTORY) this.deltas.shift();
      frames = Math.max(1, Math.round(dt / this.period));
    }
    this.last = now;
    // The next frame is asked for first: work done now never makes the clock skip one.
    this.schedule();
    this.onFrame(now, frames);
  }
}
