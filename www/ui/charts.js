// The loss curves (drawn by losschart.js from the history rows Rust recorded), the hover
// read-out under them, and the confusion matrix as a shaded table.
import { el } from './tooltip.js';
import { fmtLoss, fmtMetric, fmtCount } from './format.js';
import { Pacer } from './pace.js';
import { PLOT, drawLossChart } from './losschart.js';

const STRIDE = 6; // [steps, epoch, train_loss, test_loss, train_metric, test_metric]
// The chart follows the training every frame the worker sends (a redraw costs well under a
// millisecond; the pacer's frame budget moves it to the next frame when a frame is full).
const REDRAW_MS = 25;
const CONFUSION_MS = 300; // the confusion table is rebuilt at most this often

export class LossChart {
  constructor() {
    this.canvas = document.getElementById('loss-chart');
    this.readout = document.getElementById('chart-readout');
    this.history = new Float32Array(1024 * STRIDE);
    this.rows = 0;
    this.logScale = false;
    this.hoverEpoch = undefined;
    this.pacer = new Pacer(REDRAW_MS, () => this.paint(), 'chart');
    this.canvas.addEventListener('mousemove', (e) => this.onHover(e));
    this.canvas.addEventListener('mouseleave', () => {
      this.hoverEpoch = undefined;
      this.readout.textContent = '';
      this.redraw(true);
    });
    new ResizeObserver(() => this.resize()).observe(this.canvas);
  }

  resize() {
    const r = this.canvas.getBoundingClientRect();
    if (r.width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(r.width * dpr);
    this.canvas.height = Math.round(r.height * dpr);
    this.size = { w: r.width, h: r.height, dpr };
    this.redraw(true);
  }

  /** Appends the rows the worker sent (`from` is their index in Rust's history). */
  append(from, rows) {
    if (from === 0) this.rows = 0;
    if (from !== this.rows && from !== 0) this.rows = Math.min(this.rows, from);
    const need = (this.rows * STRIDE) + rows.length;
    if (need > this.history.length) {
      const grown = new Float32Array(Math.max(need, this.history.length * 2));
      grown.set(this.history.subarray(0, this.rows * STRIDE));
      this.history = grown;
    }
    this.history.set(rows, this.rows * STRIDE);
    this.rows += rows.length / STRIDE;
    this.redraw(false);
  }

  clear() {
    this.rows = 0;
    this.redraw(true);
  }

  setLogScale(on) {
    this.logScale = on;
    this.redraw(true);
  }

  /** Redraws now if forced (the user's doing), otherwise soon and at most every REDRAW_MS. */
  redraw(force) {
    if (force) this.pacer.now();
    else this.pacer.request();
  }

  /** Draws the history rows received so far. */
  paint() {
    if (!this.size) return;
    const { w, h, dpr } = this.size;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawLossChart(ctx, w, h, this.history.subarray(0, this.rows * STRIDE), this.logScale, this.hoverEpoch);
  }

  lastEpoch() {
    return this.rows ? this.history[(this.rows - 1) * STRIDE + 1] : 0;
  }

  /** Maps the pointer to an epoch over the chart's plotting area, then reads that row. */
  onHover(e) {
    if (!this.rows) return;
    const r = this.canvas.getBoundingClientRect();
    const t = Math.max(0, Math.min(1, (e.clientX - r.left - PLOT.left) / Math.max(1, r.width - PLOT.left - PLOT.right)));
    const epoch = t * this.lastEpoch();
    // Nearest row by epoch (rows are in epoch order).
    let lo = 0;
    let hi = this.rows - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid * STRIDE + 1] < epoch) lo = mid + 1;
      else hi = mid;
    }
    const row = this.history.subarray(lo * STRIDE, lo * STRIDE + STRIDE);
    this.hoverEpoch = row[1];
    this.readout.textContent = `epoch ${row[1].toFixed(1)}: train ${fmtLoss(row[2])} · test ${fmtLoss(row[3])}`;
    this.redraw(true);
  }
}

/** White or black ink, whichever contrasts more with `rgb` at `alpha` over the table's white card:
 * one of the two always reaches 4.58:1 (a softer dark ink would leave mid shades below 4.5). */
function readableInk(rgb, alpha) {
  const lin = (c) => {
    const v = (255 * (1 - alpha) + c * alpha) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const lum = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
  return 1.05 / (lum + 0.05) > (lum + 0.05) / 0.05 ? '#fff' : '#000';
}

/** The confusion matrix as a table: rows are true classes, columns predictions. */
export class ConfusionView {
  constructor({ options }) {
    this.options = options;
    this.wrap = document.getElementById('confusion-wrap');
    this.table = document.getElementById('confusion');
    this.select = document.getElementById('confusion-set');
    this.select.addEventListener('change', () => this.render());
    this.data = null;
    this.key = '';
    this.pacer = new Pacer(CONFUSION_MS, () => this.render(), 'confusion');
  }

  /** New counts (every frame while training): the table follows at most every CONFUSION_MS. */
  set(confusion) {
    this.data = confusion;
    this.wrap.hidden = !confusion;
    if (confusion) this.pacer.request();
  }

  render() {
    const c = this.data;
    if (!c) return;
    const counts = c[this.select.value] || c.test;
    const key = JSON.stringify([this.select.value, counts]);
    if (key === this.key) return;
    this.key = key;
    const names = c.class_names;
    const { palette } = this.options;
    const k = names.length;
    const cell = k > 6 ? 'small' : '';
    const head = el('tr', {}, el('th', { class: 'corner', title: 'rows: true class · columns: predicted class' }, 'true ↓ / pred →'),
      ...names.map((n, j) => el('th', { title: `predicted ${n}` }, el('span', { class: 'swatch-dot', style: `background:${palette[j % palette.length]}` }), n)));
    const rows = counts.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      return el('tr', {}, el('th', { title: `true ${names[i]}` }, el('span', { class: 'swatch-dot', style: `background:${palette[i % palette.length]}` }), names[i]),
        ...row.map((n, j) => {
          const share = n / total;
          // Correct answers in blue, mistakes in orange: both colour-blind safe.
          const [rgb, alpha] = i === j ? [[0, 114, 178], 0.08 + 0.8 * share] : n ? [[230, 159, 0], 0.12 + 0.8 * share] : [[246, 247, 248], 1];
          const bg = `rgba(${rgb.join(',')},${alpha})`;
          const fg = readableInk(rgb, alpha);
          return el('td', { class: cell, style: `background:${bg};color:${fg}`, title: `${fmtCount(n)} of ${fmtCount(total)} true ${names[i]} predicted as ${names[j]}` }, String(n));
        }));
    });
    this.table.replaceChildren(el('thead', {}, head), el('tbody', {}, rows));
  }
}

/** Writes the loss and metric numbers of a step report into the score board. */
export function showScores(report, metric) {
  const put = (id, text, value) => {
    const node = document.getElementById(id);
    if (node.textContent !== text) node.textContent = text;
    // The unrounded number, for tools and tests that compare with it.
    if (value !== undefined) node.dataset.value = String(value);
  };
  put('test-loss', fmtLoss(report.test_loss), report.test_loss);
  put('train-loss', fmtLoss(report.train_loss), report.train_loss);
  put('test-metric', fmtMetric(report.test_metric, metric));
  put('train-metric', fmtMetric(report.train_metric, metric));
}
