// The gradient and weight health panel: per layer, a small chart over time of the spread
// (min–max band, median line) of |weights| and of |∂L/∂W| on one logarithmic scale shared by
// all layers, so a gradient that shrinks layer by layer towards the input (deep sigmoid nets)
// is seen at a glance; dead ReLU units are counted in words and crossed out on the network
// drawing. The samples are measured in Rust (HealthSample, src/playground/health.rs) every few
// frames while training; this file keeps the last ones and draws.

import { el, loadStyle } from '../tooltip.js';
const MAX_SAMPLES = 240;
const COLORS = { w: '#0072b2', g: '#d55e00' };
const CHART_W = 200;
const CHART_H = 86;

/** A magnitude in a few characters: 0.0123, 4.5e−7. */
function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(1).replace('e', 'e');
  return s.replace(/-/g, '−');
}

export function create({ page, root, send }) {
  loadStyle(new URL('./health.css', import.meta.url));
  return new Health(page, root, send);
}

class Health {
  constructor(page, root, send) {
    this.page = page;
    this.send = send;
    this.samples = [];
    root.classList.add('hl');
    this.summary = el('p', { class: 'hl-summary', id: 'health-summary', 'aria-live': 'polite' }, 'Press play: the charts fill in while the network trains.');
    this.dead = el('p', { class: 'hl-dead', id: 'health-dead' });
    const swatch = (c, text) => el('span', { class: `hl-key hl-key-${c}` }, el('i', {}), text);
    const legend = el('div', { class: 'hl-legend' }, swatch('w', '|weights|'), swatch('g', '|gradients ∂L/∂W|'),
      el('span', { class: 'hl-note' }, 'band: smallest to largest, line: median · log scale, the same for every layer · time runs left to right'));
    this.grid = el('div', { class: 'hl-grid', id: 'health-grid' });
    root.append(this.summary, this.dead, legend, this.grid);
    this.layers = [];
  }

  close() {
    this.page.network.markDead([]);
  }

  open() {
    this.send({ type: 'health_sample' });
    this.draw();
  }

  message(msg) {
    this.frame(msg);
  }

  frame(msg) {
    const s = msg.health;
    if (!s) return;
    const last = this.samples.at(-1);
    const shape = (x) => x.layers.map((l) => `${l.in_dim}x${l.out_dim}:${l.activation.kind}`).join(',');
    if (last && (s.steps < last.steps || shape(s) !== shape(last))) this.samples = [];
    if (last && s.steps === last.steps && this.samples.length) this.samples[this.samples.length - 1] = s;
    else this.samples.push(s);
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    this.draw();
  }

  build(sample) {
    const L = sample.layers.length;
    this.layers = sample.layers.map((layer, l) => {
      const name = l === L - 1 ? 'Output layer' : `Layer ${l + 1}`;
      const canvas = el('canvas', { role: 'img', class: 'hl-chart' });
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(CHART_W * dpr);
      canvas.height = Math.round(CHART_H * dpr);
      const value = (q) => el('b', { 'data-q': q, 'data-layer': String(l) });
      const wMed = value('wmedian');
      const gMed = value('gmedian');
      const dead = value('dead');
      const fig = el('figure', { class: 'hl-layer', 'data-layer': String(l) },
        el('figcaption', {}, `${name} · ${layer.out_dim} ${layer.activation.kind}`), canvas,
        el('div', { class: 'hl-numbers' }, el('span', {}, 'median |w| ', wMed), el('span', {}, 'median |g| ', gMed),
          layer.activation.kind === 'relu' ? el('span', {}, 'dead ', dead) : null));
      return { fig, canvas, wMed, gMed, dead, name };
    });
    this.grid.replaceChildren(...this.layers.map((x) => x.fig));
  }

  draw() {
    const s = this.samples.at(-1);
    if (!s) return;
    if (this.layers.length !== s.layers.length || this.samples.length === 1) this.build(s);
    // One scale for all layers: the smallest and largest positive magnitude seen.
    let lo = Infinity;
    let hi = 0;
    for (const x of this.samples) {
      for (const l of x.layers) {
        for (const v of [l.abs_weights.min, l.abs_weights.max, l.abs_gradient.min, l.abs_gradient.max, l.abs_gradient.median]) {
          if (v > 0 && Number.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
    }
    if (!(hi > 0)) return;
    const top = Math.ceil(Math.log10(hi));
    const bottom = Math.min(top - 1, Math.floor(Math.log10(lo)));
    s.layers.forEach((layer, l) => {
      const view = this.layers[l];
      this.chart(view.canvas, l, bottom, top);
      const set = (node, v) => {
        node.textContent = fmt(v);
        node.dataset.value = String(v);
      };
      set(view.wMed, layer.abs_weights.median);
      set(view.gMed, layer.abs_gradient.median);
      view.dead.textContent = String(layer.dead_units.length);
      view.dead.dataset.value = String(layer.dead_units.length);
      view.fig.classList.toggle('has-dead', layer.dead_units.length > 0);
      view.canvas.setAttribute('aria-label', `${view.name}: |weights| from ${fmt(layer.abs_weights.min)} to ${fmt(layer.abs_weights.max)}, median ${fmt(layer.abs_weights.median)}; |gradients| from ${fmt(layer.abs_gradient.min)} to ${fmt(layer.abs_gradient.max)}, median ${fmt(layer.abs_gradient.median)}, over the last ${this.samples.length} samples.`);
    });
    this.words(s);
  }

  chart(canvas, l, bottom, top) {
    const ctx = canvas.getContext('2d');
    const dpr = canvas.width / CHART_W;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, CHART_W, CHART_H);
    const left = 34;
    const w = CHART_W - left - 4;
    const hgt = CHART_H - 8;
    const y = (v) => {
      const lv = v > 0 ? Math.log10(v) : bottom;
      return 4 + ((top - Math.max(bottom, Math.min(top, lv))) / (top - bottom)) * hgt;
    };
    ctx.font = '9px system-ui, sans-serif';
    ctx.fillStyle = '#5f6b75';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.strokeStyle = '#e3e7ea';
    ctx.lineWidth = 1;
    const every = Math.max(1, Math.ceil((top - bottom) / 4));
    for (let e = bottom; e <= top; e += every) {
      ctx.beginPath();
      ctx.moveTo(left, y(10 ** e));
      ctx.lineTo(left + w, y(10 ** e));
      ctx.stroke();
      ctx.fillText(`1e${e}`.replace('-', '−'), left - 3, y(10 ** e));
    }
    const n = this.samples.length;
    const x = (i) => left + (n === 1 ? w : (i / (n - 1)) * w);
    for (const [key, field] of [['w', 'abs_weights'], ['g', 'abs_gradient']]) {
      const pts = this.samples.map((smp) => smp.layers[l][field]);
      ctx.globalAlpha = 0.2;
      ctx.fillStyle = COLORS[key];
      ctx.beginPath();
      pts.forEach((p, i) => (i ? ctx.lineTo(x(i), y(p.max)) : ctx.moveTo(x(i), y(p.max))));
      for (let i = n - 1; i >= 0; i--) ctx.lineTo(x(i), y(pts[i].min));
      ctx.closePath();
      if (n === 1) ctx.fillRect(x(0) - 3, y(pts[0].max), 6, y(pts[0].min) - y(pts[0].max));
      else ctx.fill();
      ctx.globalAlpha = 1;
      ctx.strokeStyle = COLORS[key];
      ctx.lineWidth = 2;
      ctx.beginPath();
      pts.forEach((p, i) => (i ? ctx.lineTo(x(i), y(p.median)) : ctx.moveTo(x(i), y(p.median))));
      if (n === 1) ctx.lineTo(x(0) - 6, y(pts[0].median));
      ctx.stroke();
    }
  }

  words(s) {
    const L = s.layers.length;
    const first = s.layers[0].abs_gradient.median;
    const last = s.layers[L - 1].abs_gradient.median;
    let text;
    if (!(first > 0) && !(last > 0)) text = 'No gradient reaches the weights: the loss does not change with them any more, so training has stopped.';
    else if (L < 2) text = `One layer: its median gradient is ${fmt(last)}.`;
    else if (first > 0 && last / first >= 10) text = `Vanishing gradients: the first layer's median gradient (${fmt(first)}) is ${fmt(last / first)} times smaller than the output layer's (${fmt(last)}). The early layers barely learn.`;
    else if (first > 0 && first / last >= 10) text = `Exploding gradients: the first layer's median gradient (${fmt(first)}) is ${fmt(first / last)} times the output layer's (${fmt(last)}).`;
    else text = `The gradients reach every layer: median ${fmt(first)} in the first layer, ${fmt(last)} in the output layer.`;
    this.summary.textContent = `${text} (Step ${s.steps}, measured on ${s.samples} training points.)`;
    const dead = [];
    s.layers.forEach((l, k) => l.dead_units.forEach((u) => dead.push({ layer: k, unit: u })));
    const relu = s.layers.some((l) => l.activation.kind === 'relu');
    if (dead.length) {
      const hidden = s.layers.slice(0, -1).filter((l) => l.activation.kind === 'relu').reduce((a, l) => a + l.out_dim, 0);
      const where = s.layers.map((l, k) => (l.dead_units.length ? `layer ${k + 1}: neuron${l.dead_units.length > 1 ? 's' : ''} ${l.dead_units.map((u) => u + 1).join(', ')}` : null)).filter(Boolean).join('; ');
      this.dead.textContent = `${dead.length} of ${hidden} ReLU neurons are dead (${where}): they output 0 for every training point, so no gradient reaches their weights and they cannot recover. They are crossed out on the network.`;
    } else {
      this.dead.textContent = relu ? 'No dead ReLU neurons: every one is active for some training point.' : '';
    }
    this.dead.dataset.count = String(dead.length);
    this.page.network.markDead(dead);
  }
}
