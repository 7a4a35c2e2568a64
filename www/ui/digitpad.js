// The digits lab, shown under the playground while an image data set (digits 8 × 8, MNIST
// 28 × 28) is chosen: training progress (epoch, samples/s, test accuracy), a drawing pad whose
// digit the network reads live (ten probability bars and the image it actually sees, centred and
// scaled in Rust the way the set's images were made), a "use a test image" picker for those who
// cannot draw, and the first layer's weights as one image per hidden unit. The page loads this
// module the first time an image set is chosen; the worker (www/worker/digits.js) answers.
import { el, loadStyle } from './tooltip.js';
import { fmtCount } from './format.js';

const PAD = 224; // the pad's pixels: what the worker reads, and its CSS size on a wide screen
const PEN = 0.1; // pen width as a share of the pad: strokes as thick as the sets' own
const RATE_MS = 1500; // samples/s is measured over about this long
const $ = (id) => document.getElementById(id);

export class DigitsLab {
  /** @param {import('../page.js').Page} page */
  constructor(page) {
    loadStyle(new URL('./digitpad.css', import.meta.url));
    this.page = page;
    this.root = $('digits-lab');
    this.side = 0; // the data's image side (8 or 28)
    this.mode = 'empty'; // 'empty', 'draw' (the pad's pixels) or 'test' (gallery image this.k)
    this.k = 0;
    this.seq = 0; // number of the newest reading asked for
    this.inFlight = false; // a reading is on its way: ask for the next one when it is back
    this.wanted = false; // the pad changed (or the network trained) since the last reading
    this.rate = [];
    this.build();
    // Frames sent before this module loaded carried the tiles and the strip: ask again.
    page.send({ type: 'lab_refresh' });
  }

  build() {
    const heading = el('h2', { id: 'h-lab' }, 'Digits lab');
    this.progress = el('output', { id: 'lab-progress', class: 'readout lab-progress', 'aria-live': 'off' }, 'Press ▶ to train.');

    this.pad = el('canvas', { id: 'pad', class: 'pad', width: PAD, height: PAD, role: 'img', 'aria-label': 'Drawing pad: draw a digit here with the mouse, a finger or a pen' });
    this.ctx = this.pad.getContext('2d', { willReadFrequently: true });
    const clear = el('button', { type: 'button', id: 'pad-clear', title: 'Wipe the pad' }, 'Clear');
    clear.addEventListener('click', () => this.clear());
    this.pick = el('input', { id: 'pad-pick', type: 'number', min: 1, max: 40, step: 1, value: 1, 'aria-describedby': 'pad-pick-help' });
    const use = el('button', { type: 'button', id: 'pad-use', title: 'Put this test image of the gallery on the pad' }, 'Use test image');
    use.addEventListener('click', () => this.useTestImage(Number(this.pick.value) - 1));
    this.pick.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.useTestImage(Number(this.pick.value) - 1);
    });
    this.padNote = el('p', { id: 'pad-pick-help', class: 'hint' }, 'Draw a digit, or pick one of the test images shown in the gallery (numbered from the top left).');
    const padBox = el('div', { class: 'pad-box' },
      this.pad,
      el('div', { class: 'pad-tools' }, clear, el('label', { for: 'pad-pick' }, 'Test image'), this.pick, use),
      this.padNote);

    this.seen = el('canvas', { id: 'pad-seen', class: 'pad-seen', width: 8, height: 8, role: 'img', 'aria-label': 'What the network sees: the drawing cropped, scaled and centred like the training images' });
    this.seenNote = el('p', { class: 'hint' }, 'What the network sees');

    this.bars = [];
    const list = el('ol', { id: 'pad-bars', class: 'pad-bars', 'aria-label': 'The network\u2019s probability for each digit' });
    for (let c = 0; c < 10; c++) {
      const fill = el('span', { class: 'bar-fill' });
      const value = el('span', { class: 'bar-value' }, '—');
      const li = el('li', { 'data-class': String(c) }, el('span', { class: 'bar-label' }, String(c)), el('span', { class: 'bar-track' }, fill), value);
      list.append(li);
      this.bars.push({ li, fill, value });
    }
    this.answer = el('p', { id: 'pad-answer', class: 'pad-answer', 'aria-live': 'polite' }, 'Draw a digit on the pad.');

    this.tiles = el('canvas', { id: 'weight-tiles', class: 'weight-tiles', width: 1, height: 1, role: 'img', 'aria-label': 'The first layer\u2019s weights, one image per hidden neuron' });
    this.tilesNote = el('p', { class: 'hint' }, 'Each square is one neuron of the first hidden layer: the weight from every input pixel to it, blue positive, orange negative, white near 0 (each square by its own largest weight). Training turns noise into strokes.');

    this.root.replaceChildren(
      el('div', { class: 'lab-head' }, heading, this.progress),
      el('div', { class: 'lab-body' },
        el('div', { class: 'lab-card' }, el('h3', {}, 'Draw a digit'), padBox),
        el('div', { class: 'lab-card' }, el('h3', {}, 'The network\u2019s answer'),
          el('div', { class: 'answer-box' }, el('div', { class: 'seen-box' }, this.seen, this.seenNote), list), this.answer),
        el('div', { class: 'lab-card tiles-card' }, el('h3', {}, 'First-layer weights as images'), this.tiles, this.tilesNote)));
    this.wirePad();
  }

  // ---------- the pad ----------
  wirePad() {
    const pad = this.pad;
    let drawing = false;
    let last = null;
    const at = (e) => {
      const r = pad.getBoundingClientRect();
      return [((e.clientX - r.left) / r.width) * PAD, ((e.clientY - r.top) / r.height) * PAD];
    };
    pad.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      if (this.mode === 'test') this.startDrawingOver();
      drawing = true;
      last = at(e);
      this.stroke(last, last);
    });
    pad.addEventListener('pointermove', (e) => {
      if (!drawing) return;
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      for (const ev of events.length ? events : [e]) {
        const p = at(ev);
        this.stroke(last, p);
        last = p;
      }
    });
    const end = () => {
      drawing = false;
      last = null;
    };
    pad.addEventListener('pointerup', end);
    pad.addEventListener('pointercancel', end);
  }

  stroke(a, b) {
    const { ctx } = this;
    ctx.strokeStyle = '#000';
    ctx.lineWidth = PEN * PAD;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
    this.mode = 'draw';
    this.root.dataset.padMode = 'draw';
    this.request();
  }

  /** Drawing over a test image: its ink stays on the pad and the pad's pixels are read from now on. */
  startDrawingOver() {
    this.mode = 'draw';
  }

  clear() {
    this.ctx.clearRect(0, 0, PAD, PAD);
    this.mode = 'empty';
    this.root.dataset.padMode = 'empty';
    this.showReading(null);
  }

  /** Puts gallery image `k` (0-based) on the pad and asks for the network's reading of it. */
  useTestImage(k) {
    const img = this.page.gallery.image(k);
    if (!img) {
      this.answer.textContent = `Pick a test image from 1 to ${this.page.gallery.count || 40}.`;
      return;
    }
    const { ctx } = this;
    ctx.clearRect(0, 0, PAD, PAD);
    // The gallery's picture is ink on white; the pad holds ink as opacity: draw it, then turn
    // each pixel's darkness into opacity so the pad reads it like a drawing.
    ctx.imageSmoothingEnabled = img.side >= 16;
    ctx.drawImage(img.sheet, 0, img.y, img.side, img.side, 0, 0, PAD, PAD);
    const data = ctx.getImageData(0, 0, PAD, PAD);
    const d = data.data;
    for (let i = 0; i < d.length; i += 4) {
      const ink = 255 - Math.min(d[i], d[i + 1], d[i + 2]);
      d[i] = 0;
      d[i + 1] = 0;
      d[i + 2] = 0;
      d[i + 3] = ink;
    }
    ctx.putImageData(data, 0, 0);
    this.mode = 'test';
    this.k = k;
    this.root.dataset.padMode = 'test';
    this.request();
  }

  /** Asks for a reading in the next animation frame, one at a time. */
  request() {
    this.wanted = true;
    if (this.rafPending || this.inFlight) return;
    this.rafPending = true;
    requestAnimationFrame(() => {
      this.rafPending = false;
      this.send();
    });
  }

  send() {
    if (!this.wanted || this.inFlight || this.mode === 'empty') return;
    this.wanted = false;
    this.inFlight = true;
    this.seq += 1;
    if (this.mode === 'test') {
      this.page.send({ type: 'pad_pick', k: this.k, seq: this.seq });
      return;
    }
    const { data } = this.ctx.getImageData(0, 0, PAD, PAD);
    const pixels = new Uint8Array(PAD * PAD);
    for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * 4 + 3];
    this.page.worker.postMessage({ type: 'pad_read', pixels, side: PAD, seq: this.seq }, [pixels.buffer]);
  }

  /** The worker's answer: `result` is the ten probabilities then the image the network read. */
  message(msg) {
    if (msg.type !== 'pad') return false;
    this.inFlight = false;
    if (this.mode !== 'empty') this.showReading(msg.result.length ? msg.result : null, msg.k);
    if (this.wanted) this.request();
    return true;
  }

  showReading(result, k) {
    const classes = 10;
    const probs = result ? Array.from(result.subarray(0, classes)) : null;
    let top = -1;
    if (probs) probs.forEach((p, c) => { if (top < 0 || p > probs[top]) top = c; });
    this.bars.forEach(({ li, fill, value }, c) => {
      const p = probs ? probs[c] : 0;
      fill.style.setProperty('--p', String(Number.isFinite(p) ? p : 0));
      value.textContent = probs ? `${(100 * p).toFixed(p >= 0.995 || p < 0.0005 ? 0 : 1)}%` : '—';
      li.classList.toggle('best', c === top);
      li.setAttribute('aria-label', probs ? `${c}: ${(100 * p).toFixed(1)} percent` : `${c}: no reading`);
    });
    this.root.dataset.top = String(top);
    if (!probs) {
      this.answer.textContent = 'Draw a digit on the pad.';
      this.paintSeen(null);
      return;
    }
    const sure = `${(100 * probs[top]).toFixed(0)}%`;
    let text = `The network reads a ${top} (${sure}).`;
    if (k !== undefined) {
      const g = this.page.gallery.guess(k);
      if (g) text += ` Test image ${k + 1} is a ${g.truth}; the gallery's answer is ${g.predicted}.`;
    }
    this.answer.textContent = text;
    this.paintSeen(result.subarray(classes));
  }

  /** The normalised image as grey levels (ink dark), side × side pixels scaled up by CSS. */
  paintSeen(image) {
    const side = this.side || 8;
    if (this.seen.width !== side) {
      this.seen.width = side;
      this.seen.height = side;
    }
    const ctx = this.seen.getContext('2d');
    const out = ctx.createImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const v = image && i < image.length ? 255 - Math.round(255 * Math.min(1, Math.max(0, image[i]))) : 255;
      out.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(out, 0, 0);
  }

  // ---------- the page's hooks ----------
  /** Settings or data changed: show the lab for image sets only; a new data set wipes the pad. */
  sync(state) {
    const side = state.image_side || 0;
    this.root.hidden = !side;
    if (!side) return;
    if (side !== this.side) {
      this.side = side;
      this.clear();
      this.rate = [];
    }
    const count = this.page.gallery.count || 40;
    this.pick.max = String(count);
    this.padNote.textContent = `Draw a digit, or pick one of the ${count} test images of the gallery (1 to ${count}, numbered from the top left). The drawing is cropped, scaled and centred as the ${side} × ${side} training images were.`;
  }

  /** A frame from the worker: the progress line, the weight tiles, and a new reading as the network learns. */
  frame(msg) {
    if (this.root.hidden) return;
    if (msg.report) this.showProgress(msg.report);
    if (msg.tiles) this.paintTiles(msg.tiles);
    if (msg.tiles === null) this.tilesNote.textContent = 'The network has no hidden layer: add one to see its weights as images.';
    if (msg.report && msg.report.batches > 0 && this.mode !== 'empty') this.request();
  }

  showProgress(r) {
    const state = this.page.state;
    const now = performance.now();
    const seen = r.epoch * ((state && state.n_train) || 0);
    this.rate.push([now, seen]);
    while (this.rate.length > 2 && now - this.rate[0][0] > RATE_MS) this.rate.shift();
    const [t0, s0] = this.rate[0];
    const perSecond = now > t0 && seen >= s0 ? ((seen - s0) * 1000) / (now - t0) : 0;
    const acc = r.test_metric == null ? '—' : `${(100 * r.test_metric).toFixed(1)}%`;
    const text = `Epoch ${fmtCount(r.epochs_completed)} · ${fmtCount(Math.round(perSecond))} samples/s · test accuracy ${acc}`;
    if (this.progress.textContent !== text) this.progress.textContent = text;
    this.progress.dataset.epoch = String(r.epochs_completed);
    this.progress.dataset.accuracy = r.test_metric == null ? '' : String(r.test_metric);
    this.progress.dataset.samplesPerSecond = String(Math.round(perSecond));
  }

  paintTiles({ width, height, rgba, units, side }) {
    const c = this.tiles;
    if (c.width !== width || c.height !== height) {
      c.width = width;
      c.height = height;
    }
    c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, width * height * 4), width, height), 0, 0);
    c.dataset.units = String(units);
    c.style.setProperty('--tile-cols', String(Math.round((width + 1) / (side + 1))));
    c.setAttribute('aria-label', `The first layer's weights: ${units} images of ${side} × ${side} pixels, one per hidden neuron; blue pixels raise the neuron's input, orange ones lower it`);
  }
}
