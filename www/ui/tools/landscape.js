// The loss landscape panel: a heat map of the real training loss on a plane through the current
// weights (two random filter-normalised directions, Li et al. 2018), with contour lines, the
// optimizer's recent path projected on the plane and the current weights marked, axes along the
// two directions (α, β), a colour legend in loss values, and controls: new directions, the span
// of the window, a log scale. The grid is computed in Rust in the worker
// (www/worker/landscape.js sends it a few cells at a time); this module only draws: colours,
// contour lines by marching squares, the path.
import { el, loadStyle } from '../tooltip.js';

/** Viridis (perceptually uniform, readable with every common colour-vision deficiency). */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
const SPANS = [0.1, 0.25, 0.5, 1, 2, 5];
const LEVELS = 10;
const W = 540;
const H = 440;
const MAP = { left: 52, top: 14, size: 380 };
const BAR = { left: MAP.left + MAP.size + 26, width: 16 };

const RGB = VIRIDIS.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
/** The colour of t in [0, 1]. */
function colour(t) {
  const x = Math.max(0, Math.min(1, t)) * (RGB.length - 1);
  const i = Math.min(RGB.length - 2, Math.floor(x));
  const f = x - i;
  return RGB[i].map((c, k) => Math.round(c + f * (RGB[i + 1][k] - c)));
}

/** A loss in a few characters. */
function fmt(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(1).replace('-', '−');
  return String(Number(v.toPrecision(a < 1 ? 3 : 4)));
}
const fmtCoord = (v) => (Math.abs(v) < 1e-9 ? '0' : String(Number(v.toFixed(2))).replace('-', '−'));

function niceStep(range, n) {
  const raw = range / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
}

/**
 * Marching squares over a res × res grid of `f` (row-major, row 0 at the bottom): line
 * segments [x0, y0, x1, y1] in cell units where `f` crosses `level`.
 */
function contour(f, res, level) {
  const segs = [];
  const at = (r, c) => f[r * res + c];
  const lerp = (a, b) => (level - a) / (b - a);
  for (let r = 0; r < res - 1; r++) {
    for (let c = 0; c < res - 1; c++) {
      const v0 = at(r, c);
      const v1 = at(r, c + 1);
      const v2 = at(r + 1, c + 1);
      const v3 = at(r + 1, c);
      if (!(Number.isFinite(v0) && Number.isFinite(v1) && Number.isFinite(v2) && Number.isFinite(v3))) continue;
      const idx = (v0 > level ? 1 : 0) | (v1 > level ? 2 : 0) | (v2 > level ? 4 : 0) | (v3 > level ? 8 : 0);
      if (idx === 0 || idx === 15) continue;
      // Crossing points on the four edges: bottom, right, top, left.
      const e = [
        [c + lerp(v0, v1), r],
        [c + 1, r + lerp(v1, v2)],
        [c + lerp(v3, v2), r + 1],
        [c, r + lerp(v0, v3)],
      ];
      const pairs = {
        1: [[3, 0]], 2: [[0, 1]], 3: [[3, 1]], 4: [[1, 2]], 5: [[3, 2], [0, 1]], 6: [[0, 2]], 7: [[3, 2]],
        8: [[2, 3]], 9: [[0, 2]], 10: [[0, 3], [1, 2]], 11: [[1, 2]], 12: [[1, 3]], 13: [[0, 1]], 14: [[0, 3]],
      }[idx];
      for (const [a, b] of pairs) segs.push([e[a][0], e[a][1], e[b][0], e[b][1]]);
    }
  }
  return segs;
}

export function create(ctx) {
  loadStyle(new URL('./landscape.css', import.meta.url));
  return new LandscapePanel(ctx);
}

class LandscapePanel {
  constructor({ page, root, send }) {
    this.page = page;
    this.send = send;
    this.root = root;
    this.id = 0;
    this.grid = null; // the newest complete grid { res, span, values, centreLoss, centreSteps }
    this.filling = null; // the grid being filled { id, res, span, values, done, ... }
    this.path = new Float32Array(0);
    this.seed = 1;
    this.span = 1;
    this.drawQueued = false;
    this.build();
    send({ type: 'landscape_sync' });
  }

  build() {
    const dpr = window.devicePixelRatio || 1;
    this.canvas = el('canvas', { id: 'landscape-map', class: 'ls-map', role: 'img', 'aria-label': 'Loss landscape: waiting for the first values' });
    this.canvas.width = Math.round(W * dpr);
    this.canvas.height = Math.round(H * dpr);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => { this.pointer.textContent = ''; });
    this.offscreen = document.createElement('canvas');

    this.spanSel = el('select', { id: 'landscape-span', onchange: () => this.setSpan(Number(this.spanSel.value)) },
      SPANS.map((s) => el('option', { value: String(s), selected: s === this.span }, `±${s}`)));
    this.logBox = el('input', { type: 'checkbox', id: 'landscape-log', onchange: () => this.queueDraw() });
    this.newBtn = el('button', {
      type: 'button', id: 'landscape-new', class: 'ls-btn', title: 'Draw two new random directions through the current weights',
      onclick: () => {
        this.seed += 1;
        this.send({ type: 'landscape_directions', seed: this.seed });
      },
    }, '⤨ New directions');

    this.centre = el('output', { id: 'landscape-centre', class: 'ls-big' }, '–');
    this.lowest = el('output', { id: 'landscape-lowest' }, '–');
    this.pathInfo = el('output', { id: 'landscape-path' }, '–');
    this.pathNote = el('p', { class: 'ls-note', id: 'landscape-path-note' });
    this.progress = el('span', { id: 'landscape-progress', class: 'ls-progress', 'aria-live': 'polite' });
    this.pointer = el('p', { class: 'ls-pointer', id: 'landscape-pointer' });
    this.status = el('p', { class: 'ls-status', id: 'landscape-status', role: 'status' });

    const num = (label, node, title) => el('div', { class: 'ls-num', title }, el('span', {}, label), node);
    this.root.append(
      el('p', { class: 'ls-intro' },
        'A slice of the real training loss around the network\'s current weights θ: each point of the map is the loss of the weights θ + α·d₁ + β·d₂, ',
        'where d₁ and d₂ are two random directions, each scaled to the size of every neuron\'s weights (Li et al., 2018). ',
        'Dark is low loss, yellow is high. The white line is the path the optimizer took; the ring is where the weights are now. Press play and watch it roll downhill.'),
      el('div', { class: 'ls-body' },
        el('div', { class: 'ls-figure' }, this.canvas, this.pointer),
        el('div', { class: 'ls-side' },
          el('div', { class: 'ls-bar', role: 'group', 'aria-label': 'Landscape controls' },
            this.newBtn,
            el('label', { class: 'ls-field', title: 'How far the map reaches along each direction: ±1 moves every neuron\'s weights by their own size' }, el('span', {}, 'Span'), this.spanSel),
            el('label', { class: 'ls-check', title: 'Colour by the logarithm of the loss, which spreads out the low values near a minimum' }, this.logBox, ' log scale')),
          el('div', { class: 'ls-nums' },
            num('Loss at the centre (current weights)', this.centre, 'The training loss at α = β = 0: the same number as "Training loss" above'),
            num('Lowest on this slice', this.lowest, 'The smallest loss on the map and where it is'),
            num('Path', this.pathInfo, 'Steps drawn, and how much of their movement the plane can show'),
            this.pathNote),
          this.progress,
          this.status)),
    );
    window.addEventListener('resize', () => this.queueDraw());
  }

  open() {
    this.send({ type: 'landscape_sync' });
    this.queueDraw();
  }

  setSpan(span) {
    this.span = span;
    this.send({ type: 'landscape_span', span });
  }

  message(msg) {
    this.take(msg.landscape);
  }

  frame(msg) {
    if (msg.landscape) this.take(msg.landscape);
  }

  take(d) {
    if (!d) return;
    if (d.error) {
      this.status.textContent = `The landscape cannot be drawn: ${d.error}`;
      this.root.dataset.error = d.error;
      return;
    }
    delete this.root.dataset.error;
    this.status.textContent = '';
    if (d.id !== this.id) {
      this.id = d.id;
      this.grid = null;
      this.filling = null;
    }
    this.seed = d.seed;
    const p = d.pass;
    if (!this.filling || this.filling.id !== p.id) {
      if (d.from !== 0) return; // a piece of a grid whose start this panel missed; a resync follows
      this.filling = { ...p, values: new Float32Array(p.res * p.res).fill(NaN), done: 0 };
    }
    const f = this.filling;
    f.values.set(d.values, d.from);
    f.done = Math.max(f.done, d.from + d.values.length);
    if (f.done >= f.values.length) this.grid = f;
    this.path = d.path;
    if (this.span !== p.span) {
      this.span = p.span;
      this.spanSel.value = String(p.span);
    }
    this.queueDraw();
  }

  queueDraw() {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw();
    });
  }

  /** The grid to draw: the newest finished one, with the rows of a grid of the same size being filled on top. */
  shown() {
    const f = this.filling;
    const g = this.grid;
    if (!f || f === g) return g;
    if (g && f.res === g.res && f.span === g.span) {
      const values = g.values.slice();
      values.set(f.values.subarray(0, f.done));
      return { ...f, values };
    }
    return g || f;
  }

  /** Map coordinates: the cell centres run from −span to span; the map reaches half a cell beyond. */
  geometry(g) {
    const half = g.span / (g.res - 1);
    const lo = -g.span - half;
    const hi = g.span + half;
    const x = (a) => MAP.left + ((a - lo) / (hi - lo)) * MAP.size;
    const y = (b) => MAP.top + ((hi - b) / (hi - lo)) * MAP.size;
    return { lo, hi, x, y };
  }

  scale(g) {
    const log = this.logBox.checked;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < g.values.length; i++) {
      const v = g.values[i];
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (!(min <= max)) return null;
    const floor = Math.max(min, 1e-12);
    const tf = log ? (v) => Math.log10(Math.max(v, floor)) : (v) => v;
    const t0 = tf(min);
    const t1 = tf(max) > t0 ? tf(max) : t0 + 1e-9;
    return { log, min, max, tf, t0, t1, norm: (v) => (tf(v) - t0) / (t1 - t0) };
  }

  draw() {
    const ctx = this.canvas.getContext('2d');
    const dpr = this.canvas.width / W;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const g = this.shown();
    if (!g) return;
    const s = this.scale(g);
    const geo = this.geometry(g);
    const res = g.res;
    // The heat map: one pixel per cell, row 0 (β = −span) at the bottom, smoothed when scaled.
    this.offscreen.width = res;
    this.offscreen.height = res;
    const octx = this.offscreen.getContext('2d');
    const img = octx.createImageData(res, res);
    for (let r = 0; r < res; r++) {
      for (let c = 0; c < res; c++) {
        const v = g.values[r * res + c];
        const o = ((res - 1 - r) * res + c) * 4;
        if (s && Number.isFinite(v)) {
          const [R, G, B] = colour(s.norm(v));
          img.data[o] = R;
          img.data[o + 1] = G;
          img.data[o + 2] = B;
          img.data[o + 3] = 255;
        } else {
          img.data.set([200, 204, 208, Number.isNaN(v) && !s ? 0 : 255], o);
        }
      }
    }
    octx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.offscreen, MAP.left, MAP.top, MAP.size, MAP.size);
    ctx.save();
    ctx.beginPath();
    ctx.rect(MAP.left, MAP.top, MAP.size, MAP.size);
    ctx.clip();
    if (s) this.drawContours(ctx, g, s, geo);
    this.drawPath(ctx, geo);
    ctx.restore();
    ctx.strokeStyle = '#9aa5ae';
    ctx.lineWidth = 1;
    ctx.strokeRect(MAP.left + 0.5, MAP.top + 0.5, MAP.size - 1, MAP.size - 1);
    this.drawAxes(ctx, g, geo);
    if (s) this.drawLegend(ctx, s);
    this.readout(g, s);
  }

  drawContours(ctx, g, s, geo) {
    const t = new Float32Array(g.values.length);
    for (let i = 0; i < t.length; i++) t[i] = Number.isFinite(g.values[i]) ? s.tf(g.values[i]) : NaN;
    const step = (g.span * 2) / (g.res - 1);
    ctx.lineWidth = 1;
    for (let k = 1; k < LEVELS; k++) {
      const level = s.t0 + ((s.t1 - s.t0) * k) / LEVELS;
      ctx.strokeStyle = k < LEVELS / 2 ? 'rgba(255,255,255,0.55)' : 'rgba(20,20,40,0.45)';
      ctx.beginPath();
      for (const [x0, y0, x1, y1] of contour(t, g.res, level)) {
        ctx.moveTo(geo.x(-g.span + x0 * step), geo.y(-g.span + y0 * step));
        ctx.lineTo(geo.x(-g.span + x1 * step), geo.y(-g.span + y1 * step));
      }
      ctx.stroke();
    }
  }

  drawPath(ctx, geo) {
    const p = this.path;
    const n = p.length / 4;
    // The centre of the plane: a small cross.
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.lineWidth = 1.5;
    const cx = geo.x(0);
    const cy = geo.y(0);
    ctx.beginPath();
    ctx.moveTo(cx - 6, cy);
    ctx.lineTo(cx + 6, cy);
    ctx.moveTo(cx, cy - 6);
    ctx.lineTo(cx, cy + 6);
    ctx.stroke();
    if (!n) return;
    const line = () => {
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        const x = geo.x(p[4 * i]);
        const y = geo.y(p[4 * i + 1]);
        if (i) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      }
    };
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    ctx.strokeStyle = 'rgba(0,0,0,0.55)';
    ctx.lineWidth = 4.5;
    line();
    ctx.stroke();
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 2;
    line();
    ctx.stroke();
    // Where the weights are now.
    const x = geo.x(p[4 * (n - 1)]);
    const y = geo.y(p[4 * (n - 1) + 1]);
    ctx.fillStyle = '#e69f00';
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    // The start of the path drawn here.
    ctx.fillStyle = '#fff';
    ctx.beginPath();
    ctx.arc(geo.x(p[0]), geo.y(p[1]), 3, 0, 2 * Math.PI);
    ctx.fill();
  }

  drawAxes(ctx, g, geo) {
    ctx.fillStyle = '#3c4650';
    ctx.strokeStyle = '#9aa5ae';
    ctx.font = '11px system-ui, sans-serif';
    const step = niceStep(2 * g.span, 4);
    const ticks = [];
    for (let v = Math.ceil(-g.span / step) * step; v <= g.span + 1e-9; v += step) ticks.push(v);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const bottom = MAP.top + MAP.size;
    for (const v of ticks) {
      const x = geo.x(v);
      ctx.beginPath();
      ctx.moveTo(x, bottom);
      ctx.lineTo(x, bottom + 4);
      ctx.stroke();
      ctx.fillText(fmtCoord(v), x, bottom + 6);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of ticks) {
      const y = geo.y(v);
      ctx.beginPath();
      ctx.moveTo(MAP.left - 4, y);
      ctx.lineTo(MAP.left, y);
      ctx.stroke();
      ctx.fillText(fmtCoord(v), MAP.left - 6, y);
    }
    ctx.font = 'italic 13px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText('α  (along direction d₁)', MAP.left + MAP.size / 2, bottom + 22);
    ctx.save();
    ctx.translate(14, MAP.top + MAP.size / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText('β  (along direction d₂)', 0, 0);
    ctx.restore();
  }

  drawLegend(ctx, s) {
    const top = MAP.top;
    const h = MAP.size;
    const grad = ctx.createLinearGradient(0, top + h, 0, top);
    VIRIDIS.forEach((c, i) => grad.addColorStop(i / (VIRIDIS.length - 1), c));
    ctx.fillStyle = grad;
    ctx.fillRect(BAR.left, top, BAR.width, h);
    ctx.strokeStyle = '#9aa5ae';
    ctx.strokeRect(BAR.left + 0.5, top + 0.5, BAR.width - 1, h - 1);
    ctx.fillStyle = '#3c4650';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const y = (v) => top + h - s.norm(v) * h;
    let values;
    if (s.log) {
      // 1, 2, 5 times the powers of ten in range (only the powers when there are many).
      const all = [];
      for (let e = Math.floor(s.t0); e <= Math.ceil(s.t1); e++) for (const m of [1, 2, 5]) all.push(m * 10 ** e);
      const inRange = (v) => Math.log10(v) >= s.t0 - 1e-9 && Math.log10(v) <= s.t1 + 1e-9;
      values = all.filter(inRange);
      if (values.length > 7) values = values.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
      if (values.length < 2) values = [s.min, s.max];
    } else {
      const step = niceStep(s.max - s.min, 5);
      values = [];
      for (let v = Math.ceil(s.min / step) * step; v <= s.max + 1e-12; v += step) values.push(v);
    }
    for (const v of values) {
      const yy = y(v);
      if (yy < top - 1 || yy > top + h + 1) continue;
      ctx.beginPath();
      ctx.moveTo(BAR.left + BAR.width, yy);
      ctx.lineTo(BAR.left + BAR.width + 4, yy);
      ctx.stroke();
      ctx.fillText(fmt(v), BAR.left + BAR.width + 6, yy);
    }
    ctx.save();
    ctx.translate(W - 10, top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(s.log ? 'training loss (log scale)' : 'training loss', 0, 0);
    ctx.restore();
  }

  readout(g, s) {
    const res = g.res;
    this.canvas.dataset.res = String(res);
    this.centre.textContent = fmt(g.centreLoss);
    this.centre.dataset.value = String(g.centreLoss);
    this.centre.dataset.steps = String(g.centreSteps);
    let best = -1;
    for (let i = 0; i < g.values.length; i++) if (Number.isFinite(g.values[i]) && (best < 0 || g.values[i] < g.values[best])) best = i;
    const step = (2 * g.span) / (res - 1);
    if (best >= 0) {
      const a = -g.span + (best % res) * step;
      const b = -g.span + Math.floor(best / res) * step;
      this.lowest.textContent = `${fmt(g.values[best])} at α ${fmtCoord(a)}, β ${fmtCoord(b)}`;
    }
    const n = this.path.length / 4;
    this.pathInfo.dataset.count = String(n);
    let off = 0;
    for (let i = 0; i < n; i++) off = Math.max(off, this.path[4 * i + 2]);
    this.pathInfo.textContent = n > 1
      ? `${n} steps drawn · up to ${Math.round(off * 100)} % of the movement is off this plane`
      : 'press play to draw it';
    // Two random directions among many weights hold little of any one path: say so, in words.
    this.pathNote.textContent = n > 1 && off > 0.9
      ? 'The path looks short because the optimizer mostly moves in directions this plane does not contain: two random directions show a slice, not the route. The map still shows the valley the weights sit in.'
      : '';
    const f = this.filling;
    this.progress.textContent = f && f.done < f.values.length
      ? `Computing a ${f.res} × ${f.res} grid: ${Math.round((100 * f.done) / f.values.length)} %`
      : `${res} × ${res} grid, directions #${this.seed}`;
    if (s) {
      this.canvas.setAttribute('aria-label',
        `Heat map of the training loss on a plane through the current weights, α and β from −${g.span} to ${g.span}: ` +
        `loss ${fmt(g.centreLoss)} at the centre, from ${fmt(s.min)} to ${fmt(s.max)} on the map; ` +
        `${n > 1 ? `the path of the last ${n} steps is drawn as a white line ending in a ring` : 'no path yet'}.`);
    }
  }

  hover(e) {
    const g = this.shown();
    if (!g) return;
    const rect = this.canvas.getBoundingClientRect();
    const px = ((e.clientX - rect.left) / rect.width) * W;
    const py = ((e.clientY - rect.top) / rect.height) * H;
    const { lo, hi } = this.geometry(g);
    const a = lo + ((px - MAP.left) / MAP.size) * (hi - lo);
    const b = hi - ((py - MAP.top) / MAP.size) * (hi - lo);
    if (a < lo || a > hi || b < lo || b > hi) {
      this.pointer.textContent = '';
      return;
    }
    const step = (2 * g.span) / (g.res - 1);
    const c = Math.round((a + g.span) / step);
    const r = Math.round((b + g.span) / step);
    const v = g.values[Math.max(0, Math.min(g.res - 1, r)) * g.res + Math.max(0, Math.min(g.res - 1, c))];
    this.pointer.textContent = `α ${fmtCoord(a)}, β ${fmtCoord(b)}: loss ${fmt(v)}`;
  }
}
