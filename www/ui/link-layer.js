// The canvas of the network's links and whoever paints it (links-worker.js off this thread
// where the browser allows, otherwise this one).
import { DENSE_LINKS, paint } from './links.js';
import { paints } from './pace.js';

// Shortest time between two link repaints while training: up to 40 times a second, large graphs
// (which cost most) less often.
const LINKS_MS = 25;
const DENSE_MS = 150;

/**
 * The link canvas and whoever paints it: a worker holding it as an OffscreenCanvas where the
 * browser allows, otherwise this thread. Weights go out one set at a time (the worker says when
 * it has painted), at most every LINKS_MS (DENSE_MS for large graphs), so slow rasterising
 * never queues up.
 */
export class LinkLayer {
  constructor(canvas) {
    this.canvas = canvas;
    this.worker = null;
    this.layout = null;
    this.pending = null; // newest weights not sent yet
    this.busy = false; // the worker is painting
    this.last = -Infinity; // when weights were last sent
    this.timer = 0;
    this.drawn = 0; // links on the canvas, for the tests
    if (typeof canvas.transferControlToOffscreen === 'function' && typeof OffscreenCanvas !== 'undefined') {
      try {
        const offscreen = canvas.transferControlToOffscreen();
        this.worker = new Worker(new URL('./links-worker.js', import.meta.url), { type: 'module' });
        this.worker.postMessage({ type: 'canvas', canvas: offscreen }, [offscreen]);
        this.worker.onmessage = ({ data }) => {
          this.busy = false;
          this.drawn = data.count;
          paints.links = (paints.links || 0) + 1;
          this.flush();
        };
      } catch (err) {
        // The canvas stays with this thread; a canvas already transferred cannot be drawn here.
        this.worker = null;
      }
    }
  }

  /** New geometry (`packLinks` plus the size, pixel ratio and colours). */
  setLayout(layout) {
    this.layout = layout;
    if (this.worker) {
      this.worker.postMessage({ type: 'layout', layout });
    } else {
      this.canvas.width = Math.max(1, Math.round(layout.W * layout.dpr));
      this.canvas.height = Math.max(1, Math.round(layout.H * layout.dpr));
    }
  }

  /** Paints `params` soon (at once with `now`, for a new layout or an edit). */
  draw(params, { now = false } = {}) {
    if (!this.layout || !params) return;
    this.pending = params;
    this.flush(now);
  }

  flush(now = false) {
    if (!this.pending || this.busy) return;
    const pause = this.layout.index.length > DENSE_LINKS ? DENSE_MS : LINKS_MS;
    const wait = now ? 0 : pause - (performance.now() - this.last);
    if (wait > 0) {
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = 0;
          this.flush(true);
        }, wait);
      }
      return;
    }
    clearTimeout(this.timer);
    this.timer = 0;
    const params = this.pending;
    this.pending = null;
    this.last = performance.now();
    if (this.worker) {
      this.busy = true;
      // A copy: the page keeps its weights for the tooltips.
      this.worker.postMessage({ type: 'params', params: params.slice() });
    } else {
      this.drawn = paint(this.canvas.getContext('2d'), this.layout, params);
      paints.links = (paints.links || 0) + 1;
    }
  }
}
