// The gallery shown instead of the output plane for image data (digits, MNIST): a grid of test
// images, each with the class the network gives it, marked right or wrong while it trains. The
// images come once from Rust as RGBA (ink on white); each frame brings only the answers. Under
// it, a strip of test images the network gets wrong (true → predicted), which Rust picks from
// the whole test set and sends with their pictures every few frames.
// Right and wrong differ in colour (Okabe–Ito blue and vermillion), in the mark (a tick or a
// cross), and in the frame (solid or dashed), so no one has to tell the colours apart.
import { Pacer } from './pace.js';

const COLUMNS = 8;
const LABEL_H = 16; // room under each image for the answer
const GAP = 6;
const RIGHT = '#0072b2';
const WRONG = '#d55e00';
const PAINT_MS = 200; // the answers are repainted at most this often while training
const STRIP_COLUMNS = 8;

/** A canvas holding `count` side × side RGBA images one under the other. */
function imageSheet(side, rgba) {
  const count = Math.floor(rgba.length / (side * side * 4));
  const sheet = document.createElement('canvas');
  sheet.width = side;
  sheet.height = Math.max(1, side * count);
  if (count) sheet.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, side * side * 4 * count), side, side * count), 0, 0);
  return { sheet, count };
}

/** Sizes a canvas to `width` × `height` CSS pixels at the device's resolution; returns its context. */
function fit(canvas, width, height) {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

export class GalleryView {
  constructor() {
    this.root = document.getElementById('gallery');
    this.canvas = document.getElementById('gallery-canvas');
    this.score = document.getElementById('gallery-score');
    this.sheet = null; // every image, one under the other, as a canvas
    this.side = 0;
    this.count = 0;
    this.guesses = null; // Float32Array, stride 3: true class, predicted class, confidence
    this.names = [];
    this.pacer = new Pacer(PAINT_MS, () => this.paint(), 'gallery');
    new ResizeObserver(() => this.pacer.now()).observe(this.root);
  }

  setState(state) {
    this.names = state.class_names || [];
  }

  /** The test images, `{side, rgba}` from the worker (once per data set). */
  setImages({ side, rgba }) {
    const { sheet, count } = imageSheet(side, rgba);
    this.sheet = sheet;
    this.side = side;
    this.count = count;
    this.guesses = null;
    this.pacer.now();
  }

  /** Test image `k` of the gallery, for the digit pad: `{ sheet, side, y }` or null. */
  image(k) {
    return this.sheet && k >= 0 && k < this.count ? { sheet: this.sheet, side: this.side, y: k * this.side } : null;
  }

  /** The network's answer on gallery image `k`: `{ truth, predicted }` or null. */
  guess(k) {
    const g = this.guesses;
    return g && g.length >= (k + 1) * 3 ? { truth: g[k * 3], predicted: g[k * 3 + 1] } : null;
  }

  /** Misclassified test images from the worker: `{ side, total, tested, index, truth, predicted, rgba }`. */
  setMistakes(m) {
    this.mistakes = { ...m, ...imageSheet(m.side, m.rgba) };
    const canvas = document.getElementById('mistakes-canvas');
    const count = document.getElementById('mistakes-count');
    canvas.dataset.shown = String(m.index.length);
    canvas.dataset.total = String(m.total);
    const text = m.total === 0 ? `none of ${m.tested}` : `${m.total} of ${m.tested}${m.total > m.index.length ? `, first ${m.index.length} shown` : ''}`;
    if (count.textContent !== text) count.textContent = text;
    this.pacer.request();
  }

  /** The network's answers (every frame while training): the score at once, the grid soon. */
  setGuesses(guesses) {
    this.guesses = guesses;
    let right = 0;
    const total = Math.floor(guesses.length / 3);
    for (let k = 0; k < total; k++) if (guesses[k * 3] === guesses[k * 3 + 1]) right += 1;
    // For the browser tests, and for anyone reading the page without the picture.
    this.root.dataset.correct = String(right);
    this.root.dataset.total = String(total);
    const text = `${right} of ${total} right`;
    if (this.score.textContent !== text) this.score.textContent = text;
    this.pacer.request();
  }

  paint() {
    this.paintMistakes();
    const width = this.root.clientWidth;
    if (!this.sheet || !this.count || width === 0) return;
    const cell = Math.floor(width / COLUMNS);
    const rows = Math.ceil(this.count / COLUMNS);
    const height = rows * (cell + LABEL_H);
    const ctx = fit(this.canvas, width, height);
    // Tiny 8 × 8 digits keep their square pixels; MNIST's 28 × 28 are smoothed.
    ctx.imageSmoothingEnabled = this.side >= 16;
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const size = cell - GAP;
    for (let k = 0; k < this.count; k++) {
      const x = (k % COLUMNS) * cell + GAP / 2;
      const y = Math.floor(k / COLUMNS) * (cell + LABEL_H) + GAP / 2;
      ctx.drawImage(this.sheet, 0, k * this.side, this.side, this.side, x, y, size, size);
      const g = this.guesses;
      if (!g || g.length < (k + 1) * 3) continue;
      const truth = g[k * 3];
      const predicted = g[k * 3 + 1];
      const right = truth === predicted;
      const colour = right ? RIGHT : WRONG;
      ctx.strokeStyle = colour;
      ctx.lineWidth = right ? 2 : 2.5;
      ctx.setLineDash(right ? [] : [4, 3]);
      ctx.strokeRect(x + 1, y + 1, size - 2, size - 2);
      ctx.setLineDash([]);
      const ly = y + size + LABEL_H / 2 + 1;
      mark(ctx, x + 5, ly, right, colour);
      ctx.fillStyle = colour;
      ctx.textAlign = 'left';
      const name = (n) => this.names[n] ?? String(n);
      ctx.fillText(right ? name(predicted) : `${name(predicted)} (${name(truth)})`, x + 12, ly);
    }
  }

  /** The strip of wrong answers: each image framed like a wrong gallery answer, "true → predicted" under it. */
  paintMistakes() {
    const m = this.mistakes;
    const canvas = document.getElementById('mistakes-canvas');
    const width = this.root.clientWidth;
    if (!m || !canvas || width === 0) return;
    const cell = Math.floor(width / STRIP_COLUMNS);
    const rows = Math.max(1, Math.ceil(m.count / STRIP_COLUMNS));
    const ctx = fit(canvas, width, m.count ? rows * (cell + LABEL_H) : LABEL_H);
    ctx.font = '600 10.5px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.imageSmoothingEnabled = m.side >= 16;
    const name = (n) => this.names[n] ?? String(n);
    if (!m.count) {
      ctx.fillStyle = RIGHT;
      ctx.fillText('Every test image is classified right.', width / 2, LABEL_H / 2);
      return;
    }
    const size = cell - 4;
    for (let k = 0; k < m.count; k++) {
      const x = (k % STRIP_COLUMNS) * cell + 2;
      const y = Math.floor(k / STRIP_COLUMNS) * (cell + LABEL_H) + 2;
      ctx.drawImage(m.sheet, 0, k * m.side, m.side, m.side, x, y, size, size);
      ctx.strokeStyle = WRONG;
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(x + 1, y + 1, size - 2, size - 2);
      ctx.setLineDash([]);
      ctx.fillStyle = WRONG;
      ctx.fillText(`${name(m.truth[k])} → ${name(m.predicted[k])}`, x + size / 2, y + size + LABEL_H / 2);
    }
  }
}

/** A tick (right) or a cross (wrong) centred at (x, y), drawn so it needs no font. */
function mark(ctx, x, y, right, colour) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.8;
  ctx.lineCap = 'round';
  ctx.beginPath();
  if (right) {
    ctx.moveTo(x - 3.5, y);
    ctx.lineTo(x - 1, y + 3);
    ctx.lineTo(x + 3.5, y - 3.5);
  } else {
    ctx.moveTo(x - 3, y - 3);
    ctx.lineTo(x + 3, y + 3);
    ctx.moveTo(x + 3, y - 3);
    ctx.lineTo(x - 3, y + 3);
  }
  ctx.stroke();
}
