// The network drawn as a graph: input features, every hidden neuron and the outputs as small
// thumbnails (images rendered in Rust), and the links between them, whose colour is the weight's
// sign and width its size. Hovering a link shows its exact weight, a click edits it; clicking a
// feature switches it on or off; clicking a neuron edits its bias.
//
// Built for a browser that rasterises and composites on the CPU: the links on their own canvas,
// painted by links-worker.js (off this thread) a few times per second; every neuron thumbnail,
// bias square and the hovered link or neuron written as pixels into one canvas; elements only
// for the few inputs and the layer controls. Neurons are found under the pointer by position:
// an element (or a canvas) per neuron makes the browser lay out, hit-test and composite
// hundreds of boxes on every frame.
import { editNumber, el, hideTip, showTip } from './tooltip.js';
import { fmtWeight } from './format.js';
import { curve, linkValue, packLinks } from './links.js';
import { LinkLayer } from './link-layer.js';
import { Pacer } from './pace.js';
import { blit, fill, flatParams, frame, hexToRgb, segmentDistance2, tint } from './pixels.js';

const HEAD_H = 60; // room for the per-layer +/− buttons and activation menus
const LEFT = 64; // room for the feature names
const MAX_INPUT_NODES = 16; // wider inputs (digit pixels) are drawn as one block
// Shortest time between two repaints of the thumbnails while training (one putImageData; the
// links have their own pace, in link-layer.js).
const NODES_MS = 25;
const OFF_ALPHA = 0.28; // switched-off features are drawn faded

export class NetworkView {
  /**
   * @param {object} opts
   * @param {object} opts.options   parsed options_json()
   * @param {(action: object) => void} opts.onAction  user edits: {type:'weight'|'bias'|'feature'|'units'|'layers'|'activation', …}
   */
  constructor({ options, onAction }) {
    this.options = options;
    this.onAction = onAction;
    this.root = document.getElementById('network');
    this.links = document.getElementById('links');
    this.canvas = document.getElementById('node-canvas');
    this.nodesEl = document.getElementById('nodes');
    this.headsEl = document.getElementById('layer-heads');
    this.linkLayer = new LinkLayer(this.links);
    this.atlas = null; // { pixels, res, count }: the neuron images from the worker, stacked
    this.image = null; // ImageData the size of the node canvas, reused
    this.inputLayer = null; // the input thumbnails' pixels, painted once per layout
    this.catalogAtlas = null; // { pixels, res, row: token → row }
    this.liveAtlas = null; // { pixels, res, count }: this data's inputs, for non-toggleable ones
    this.layout = null;
    this.params = null;
    this.snapshot = null;
    this.hoverLink = null;
    this.hoverNeuron = -1;
    this.highlighted = null; // { layer, unit, links } a teaching tool points at (highlight())
    this.dead = new Set(); // "layer:unit" of the units a teaching tool marked dead (markDead())
    this.linkGeom = [];
    this.nodes = new Pacer(NODES_MS, () => this.draw(), 'neurons');
    this.colors = { pos: '#0072b2', neg: '#e69f00' };
    // The link canvas lies under everything else in the graph and takes its pointer events.
    this.links.addEventListener('mousemove', (e) => this.onPointerMove(e));
    this.links.addEventListener('mouseleave', () => {
      this.setHover(-1, null);
      this.hoverAt = null;
      hideTip();
    });
    this.links.addEventListener('click', (e) => this.onClick(e));
    new ResizeObserver(() => this.relayout()).observe(this.root);
  }

  setColors(neg, pos) {
    this.colors = { neg, pos };
  }

  /** Thicker links (presenter mode: a projector washes thin lines out). */
  setLineScale(scale) {
    if (this.lineScale === scale) return;
    this.lineScale = scale;
    if (this.layout) this.relayout();
  }

  /** Feature images for every possible feature (token → ImageData), rendered once in Rust. */
  setFeatureCatalog(catalog) {
    const tokens = Object.keys(catalog);
    const res = tokens.length ? catalog[tokens[0]].width : 0;
    const pixels = new Uint8ClampedArray(res * res * 4 * tokens.length);
    const row = {};
    tokens.forEach((t, i) => {
      pixels.set(catalog[t].data, i * res * res * 4);
      row[t] = i;
    });
    this.catalogAtlas = { pixels, res, row };
    this.relayout();
  }

  /**
   * A new network structure or data source. `snapshot` is network_json(), `state` state_json(),
   * `query` the canonical query (for the selected features), `actList` the hidden activations.
   */
  setStructure({ snapshot, state, selected, actList }) {
    this.snapshot = snapshot;
    this.state = state;
    this.selected = selected;
    this.actList = actList;
    this.params = flatParams(snapshot);
    this.atlas = null; // the images of the old structure no longer match
    this.relayout();
  }

  /** Columns, node positions and sizes from the structure and the element's size. */
  relayout() {
    if (!this.snapshot || !this.state) return;
    const { snapshot, state } = this;
    const W = this.root.clientWidth;
    const H = this.root.clientHeight;
    if (W === 0 || H === 0) return;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(W * dpr);
    this.canvas.height = Math.round(H * dpr);
    this.image = new ImageData(this.canvas.width, this.canvas.height);
    this.inputLayer = null;
    this.dpr = dpr;

    // Inputs: every playground feature (toggleable) for 2-D generated or drawn data, the input
    // names for small tables, one block for images.
    const toggleable = state.has_plane && state.source !== 'csv';
    let inputs;
    if (toggleable) {
      inputs = this.options.features.map((f) => ({
        kind: 'feature', token: f.token, label: f.label, description: f.description,
        on: state.feature_names.includes(f.label) || this.selected.includes(f.token),
        netIndex: state.feature_names.indexOf(f.label),
      }));
    } else if (snapshot.in_dim <= MAX_INPUT_NODES) {
      inputs = snapshot.feature_names.map((name, i) => ({ kind: 'input', label: name, on: true, netIndex: i }));
    } else {
      inputs = [{ kind: 'block', label: `${snapshot.in_dim} inputs`, on: true, netIndex: -1 }];
    }
    const layers = snapshot.layers;
    const cols = [inputs.length, ...layers.map((l) => l.out_dim)];
    const avail = H - HEAD_H - 8;
    // Each column gets the largest square that fits its own count, so a 32-neuron layer does
    // not shrink the feature thumbnails next to it.
    const cap = Math.max(36, Math.min(56, Math.floor(avail / 11))); // bigger thumbnails on tall screens
    const sizeFor = (n) => Math.max(8, Math.min(cap, Math.floor(avail / (Math.max(n, 1) * 1.3))));
    const maxSize = Math.max(...cols.map(sizeFor));
    const nCols = cols.length;
    const right = 18;
    const span = Math.max(1, W - LEFT - right - maxSize);
    const xOf = (c) => LEFT + (nCols === 1 ? 0 : (c * span) / (nCols - 1));

    const columns = [];
    for (let c = 0; c < nCols; c++) {
      const n = cols[c];
      const size = sizeFor(n);
      const gap = Math.max(2, Math.min(Math.round(size * 0.3), Math.floor((avail - n * size) / Math.max(1, n - 1))));
      const isBlock = c === 0 && inputs[0] && inputs[0].kind === 'block';
      const nodeH = isBlock ? Math.min(avail, 12 * (40 + 12)) : size;
      const nodes = [];
      // Centre narrow columns on the widest one so the graph reads left to right.
      // Whole pixels, so the thumbnails painted underneath line up with the elements' frames.
      const x = Math.round(xOf(c) + (maxSize - size) / 2);
      for (let i = 0; i < n; i++) nodes.push({ x, y: HEAD_H + i * (size + gap), w: size, h: nodeH });
      columns.push(nodes);
    }
    this.layout = { inputs, columns, toggleable, W, H };
    this.linkGeom = this.linkList();
    this.hoverLink = null;
    this.hoverNeuron = -1;
    const first = layers[0];
    const block = first ? { offset: first.offset, inDim: first.in_dim, outDim: first.out_dim } : null;
    this.linkLayer.setLayout({ W, H, dpr, colors: this.colors, lineScale: this.lineScale || 1, ...packLinks(this.linkGeom, block) });
    this.linkLayer.draw(this.params, { now: true });
    this.buildNodes();
    this.buildHeads();
    this.nodes.now();
  }

  buildNodes() {
    const { inputs, columns } = this.layout;
    const { layers } = this.snapshot;
    const frag = document.createDocumentFragment();
    this.inputNodes = [];
    this.neuronNodes = [];
    inputs.forEach((inp, i) => {
      const pos = columns[0][i];
      if (inp.kind === 'block') {
        const box = el('div', { class: 'node block', style: `left:${pos.x}px;top:${pos.y}px;width:${pos.w + 18}px;height:${pos.h}px;margin-left:-9px` }, inp.label);
        box.title = `The ${inp.label} (${this.snapshot.feature_names.length} values per sample) are all fed in; their links are drawn as one bundle per neuron.`;
        frag.append(box);
        return;
      }
      const node = el('div', {
        class: `node feature${inp.on ? '' : ' off'}`,
        style: `left:${pos.x}px;top:${pos.y}px;width:${pos.w}px;height:${pos.w}px`,
        'data-token': inp.token || '',
        'aria-label': inp.label,
        role: inp.kind === 'feature' ? 'switch' : 'img',
        'aria-checked': inp.kind === 'feature' ? String(inp.on) : false,
      });
      if (inp.kind === 'feature') {
        node.addEventListener('click', () => this.onAction({ type: 'feature', token: inp.token, on: !inp.on }));
      }
      node.addEventListener('mousemove', (e) => this.tipInput(e, inp));
      node.addEventListener('mouseleave', hideTip);
      const label = el('span', { class: 'node-label', style: `left:${pos.x}px;top:${pos.y + pos.w / 2}px` }, inp.label);
      frag.append(node, label);
      this.inputNodes.push({ input: inp, pos });
    });
    layers.forEach((layer, l) => {
      for (let u = 0; u < layer.out_dim; u++) this.neuronNodes.push({ l, u, pos: columns[l + 1][u] });
    });
    this.nodesEl.replaceChildren(frag);
    this.root.dataset.neurons = String(this.neuronNodes.length - (layers.at(-1)?.out_dim || 0));
  }

  buildHeads() {
    const { columns } = this.layout;
    const { layers } = this.snapshot;
    const limits = this.options.limits;
    // The image sets (no neuron maps to draw) allow wider layers than the 2-D sets.
    const cap = this.state && this.state.image_side ? limits.max_image_units : limits.max_units;
    const hiddenActs = this.options.activations.filter((a) => a.hidden);
    const frag = document.createDocumentFragment();
    // Narrow columns (many layers, small screens) get shorter heads that do not run together.
    const spacing = columns.length > 1 ? columns[1][0].x - columns[0][0].x : Infinity;
    const narrow = spacing < 84;
    layers.forEach((layer, l) => {
      const isOutput = l === layers.length - 1;
      const x = columns[l + 1][0].x + columns[l + 1][0].w / 2;
      if (isOutput) {
        frag.append(el('div', { class: 'layer-head output-head', style: `left:${x}px` },
          el('span', {}, layer.out_dim === 1 ? 'output' : `${layer.out_dim} outputs`)));
        return;
      }
      const minus = el('button', { type: 'button', class: 'round', title: `Remove a neuron from hidden layer ${l + 1}` }, '−');
      const plus = el('button', { type: 'button', class: 'round', title: `Add a neuron to hidden layer ${l + 1} (at most ${cap})` }, '+');
      minus.disabled = layer.out_dim <= 1;
      plus.disabled = layer.out_dim >= cap;
      minus.addEventListener('click', () => this.onAction({ type: 'units', layer: l, delta: -1 }));
      plus.addEventListener('click', () => this.onAction({ type: 'units', layer: l, delta: +1 }));
      const select = el('select', { title: `Activation of hidden layer ${l + 1}`, 'aria-label': `activation of layer ${l + 1}` });
      if (narrow) select.style.maxWidth = `${Math.max(40, Math.floor(spacing) - 14)}px`;
      const current = this.actList[l] || layer.activation;
      let found = false;
      for (const a of hiddenActs) {
        const opt = el('option', { value: a.token, title: a.description }, a.token);
        if (a.token === current) {
          opt.selected = true;
          found = true;
        }
        select.append(opt);
      }
      if (!found) select.append(el('option', { value: current, selected: true }, current));
      select.addEventListener('change', () => this.onAction({ type: 'activation', layer: l, token: select.value }));
      const units = `${layer.out_dim} neuron${layer.out_dim === 1 ? '' : 's'}`;
      frag.append(el('div', { class: 'layer-head', style: `left:${x}px` },
        el('div', { class: 'pm' }, plus, minus),
        el('span', { class: 'units', title: units }, narrow ? String(layer.out_dim) : units),
        select));
    });
    this.headsEl.replaceChildren(frag);
  }

  /** This data's own input images (`{res, rgba}` from the worker), for inputs that are not toggleable. */
  drawFeatureImages(live) {
    if (!live) return;
    const { res, rgba } = live;
    this.liveAtlas = { pixels: rgba, res, count: Math.floor(rgba.length / (res * res * 4)) };
    this.inputLayer = null;
    this.invalidate();
  }

  /**
   * Splits Rust's stacked RGBA (`res`×`res` per image, layer-major then unit) into images.
   * Returns ImageData objects; used for the feature catalogue that changes rarely.
   */
  static splitImages(rgba, res) {
    const per = res * res * 4;
    const out = [];
    for (let k = 0; k * per < rgba.length; k++) {
      out.push(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset + k * per, per), res, res));
    }
    return out;
  }

  /** Every neuron's image (`{res, rgba}` from the worker, layer-major then unit). */
  drawNeurons(neurons) {
    const { res, rgba } = neurons;
    const count = Math.floor(rgba.length / (res * res * 4));
    if (!this.neuronNodes || count < this.neuronNodes.length) return; // from before a structure change
    this.atlas = { pixels: rgba, res, count };
    this.invalidate();
  }

  /** New parameters (every frame): the links (throttled for big graphs) and the bias squares. */
  setParams(params) {
    this.params = params;
    this.linkLayer.draw(params);
    if (this.hoverLink) this.linkTip();
    if (this.hoverNeuron >= 0 && this.hoverAt) this.tipNeuron(this.hoverNeuron);
    this.invalidate();
  }

  /**
   * Lights up what a teaching tool is talking about: the neurons of `layer` (−1: the inputs;
   * only `unit` when given) and the links into layer `links`; null clears it.
   */
  highlight(spec) {
    this.highlighted = spec || null;
    this.root.dataset.highlight = spec ? `${spec.layer}:${spec.unit ?? '*'}:${spec.links ?? '-'}` : '';
    this.nodes.now();
  }

  /** Marks dead units (`[{ layer, unit }]`) with a cross on their thumbnails. */
  markDead(list) {
    const next = new Set((list || []).map(({ layer, unit }) => `${layer}:${unit}`));
    if (next.size === this.dead.size && [...next].every((k) => this.dead.has(k))) return;
    this.dead = next;
    this.root.dataset.dead = [...next].join(',');
    this.nodes.now();
  }

  /** Marks the node canvas stale: it is repainted soon, at most every NODES_MS. */
  invalidate() {
    this.nodes.request();
  }

  /**
   * The node canvas: every thumbnail (or bias colour) and bias square written as pixels into one
   * buffer and put with one putImageData, then the hovered link on top. Hundreds of scaled
   * drawImage calls cost several milliseconds on a CPU-rasterised canvas; this costs about one.
   */
  draw() {
    if (!this.layout || !this.neuronNodes || !this.image) return;
    const { dpr, image } = this;
    const out = { px: new Int32Array(image.data.buffer), width: image.width, height: image.height };
    const box = (pos) => ({ x: Math.round(pos.x * dpr), y: Math.round(pos.y * dpr), w: Math.round(pos.w * dpr) });
    // The inputs change only with the layout or the data: keep them as a ready-made background.
    if (!this.inputLayer) {
      out.px.fill(0);
      for (const { input, pos } of this.inputNodes) {
        const src = this.inputImage(input);
        const alpha = input.on ? 255 : Math.round(OFF_ALPHA * 255);
        if (src) blit(out, box(pos), src, alpha);
        else fill(out, box(pos), 0xeef1f3, alpha);
      }
      this.inputLayer = out.px.slice();
    } else {
      out.px.set(this.inputLayer);
    }
    const atlas = this.state.has_plane && this.atlas && this.atlas.count >= this.neuronNodes.length ? this.atlas : null;
    let maxAbs = 0.5;
    for (const layer of this.snapshot.layers) {
      for (let i = layer.offset, end = layer.offset + layer.in_dim * layer.out_dim; i < end; i++) maxAbs = Math.max(maxAbs, Math.abs(this.params[i]));
    }
    const posRgb = hexToRgb(this.colors.pos);
    const negRgb = hexToRgb(this.colors.neg);
    this.neuronNodes.forEach(({ l, u, pos: at }, k) => {
      const b = this.biasOf(l, u);
      const cell = box(at);
      if (atlas) blit(out, cell, { pixels: atlas.pixels, res: atlas.res, row: k }, 255);
      // Without a plane there are no activation maps: each neuron shows its bias instead.
      else if (!this.state.has_plane) fill(out, cell, tint(b >= 0 ? posRgb : negRgb, Math.min(1, Math.abs(b))), 255);
      else fill(out, cell, 0xf7f8f9, 255); // until the first images arrive
      const hovered = k === this.hoverNeuron;
      frame(out, cell, hovered ? 0x1f2a33 : 0x39464f, hovered ? 2 : 1);
      // Bias: a small square at the neuron's lower left, coloured by sign, faded by size.
      const s = Math.max(4, Math.round(at.w * 0.2));
      const sq = box({ x: at.x - s - 1, y: at.y + at.w - s, w: s });
      fill(out, sq, 0x39464f, 255);
      fill(out, { x: sq.x + 1, y: sq.y + 1, w: sq.w - 2 }, tint(b >= 0 ? posRgb : negRgb, 0.25 + 0.75 * Math.min(1, Math.abs(b) / maxAbs)), 255);
    });
    const ctx = this.canvas.getContext('2d');
    ctx.putImageData(image, 0, 0);
    this.drawMarks(ctx);
    const hot = this.hoverLink;
    if (hot) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.beginPath();
      curve(ctx, hot.x0, hot.y0, hot.x1, hot.y1);
      ctx.lineCap = 'round';
      ctx.strokeStyle = '#1f2a33';
      ctx.lineWidth = 5;
      ctx.stroke();
      ctx.strokeStyle = this.valueOf(hot) >= 0 ? this.colors.pos : this.colors.neg;
      ctx.lineWidth = 3;
      ctx.stroke();
    }
  }

  /** The teaching tools' marks over the thumbnails: the highlight, then the dead units' crosses. */
  drawMarks(ctx) {
    const hi = this.highlighted;
    if (!hi && !this.dead.size) return;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.lineCap = 'round';
    if (hi && hi.links != null) {
      ctx.strokeStyle = 'rgba(194, 24, 91, 0.55)';
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (const k of this.linkGeom) if (k.l === hi.links && (hi.unit == null || k.col === hi.unit)) curve(ctx, k.x0, k.y0, k.x1, k.y1);
      ctx.stroke();
    }
    if (hi) {
      const boxes = hi.layer < 0
        ? this.inputNodes.filter(({ input }) => input.on && input.netIndex >= 0).map(({ pos }) => pos)
        : this.neuronNodes.filter(({ l, u }) => l === hi.layer && (hi.unit == null || u === hi.unit)).map(({ pos }) => pos);
      ctx.strokeStyle = '#c2185b';
      ctx.lineWidth = 3;
      for (const p of boxes) ctx.strokeRect(p.x - 2.5, p.y - 2.5, p.w + 5, p.w + 5);
    }
    for (const { l, u, pos } of this.neuronNodes) {
      if (!this.dead.has(`${l}:${u}`)) continue;
      ctx.fillStyle = 'rgba(40, 44, 48, 0.55)';
      ctx.fillRect(pos.x, pos.y, pos.w, pos.w);
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(pos.x + 4, pos.y + 4);
      ctx.lineTo(pos.x + pos.w - 4, pos.y + pos.w - 4);
      ctx.moveTo(pos.x + pos.w - 4, pos.y + 4);
      ctx.lineTo(pos.x + 4, pos.y + pos.w - 4);
      ctx.stroke();
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  /** Where an input's thumbnail comes from: the catalogue for features, else this data's images. */
  inputImage(input) {
    const cat = this.catalogAtlas;
    if (input.kind === 'feature' && cat && cat.row[input.token] != null) return { pixels: cat.pixels, res: cat.res, row: cat.row[input.token] };
    const live = this.liveAtlas;
    if (this.state.has_plane && live && input.netIndex >= 0 && input.netIndex < live.count) return { pixels: live.pixels, res: live.res, row: input.netIndex };
    return null;
  }

  weightOf(l, row, col) {
    const layer = this.snapshot.layers[l];
    return this.params[layer.offset + row * layer.out_dim + col];
  }

  biasOf(l, u) {
    const layer = this.snapshot.layers[l];
    return this.params[layer.offset + layer.in_dim * layer.out_dim + u];
  }

  /** A link's weight (or a bundle's scaled mean weight), as the link canvas draws it. */
  valueOf(k) {
    const first = this.snapshot.layers[0];
    return linkValue(this.params, k.param, { offset: first.offset, inDim: first.in_dim, outDim: first.out_dim });
  }

  /** Every link's end points and parameter index, computed once per layout. */
  linkList() {
    const { inputs, columns } = this.layout;
    const list = [];
    const { layers } = this.snapshot;
    layers.forEach((layer, l) => {
      const to = columns[l + 1];
      const at = (r, u) => layer.offset + r * layer.out_dim + u;
      if (l === 0) {
        inputs.forEach((inp, i) => {
          const from = columns[0][i];
          if (inp.kind === 'block') {
            for (let u = 0; u < layer.out_dim; u++) {
              list.push({ l, row: -1, col: u, param: -1 - u, x0: from.x + from.w + 9, y0: from.y + from.h / 2, x1: to[u].x, y1: to[u].y + to[u].w / 2 });
            }
            return;
          }
          if (inp.netIndex < 0) return;
          for (let u = 0; u < layer.out_dim; u++) {
            list.push({ l, row: inp.netIndex, col: u, param: at(inp.netIndex, u), x0: from.x + from.w, y0: from.y + from.w / 2, x1: to[u].x, y1: to[u].y + to[u].w / 2 });
          }
        });
      } else {
        const from = columns[l];
        for (let r = 0; r < layer.in_dim; r++) {
          for (let u = 0; u < layer.out_dim; u++) {
            list.push({ l, row: r, col: u, param: at(r, u), x0: from[r].x + from[r].w, y0: from[r].y + from[r].w / 2, x1: to[u].x, y1: to[u].y + to[u].w / 2 });
          }
        }
      }
    });
    return list;
  }

  /** Mean weight from a block of inputs into unit `u` (image inputs). */
  blockWeight(l, u) {
    const layer = this.snapshot.layers[l];
    let s = 0;
    for (let r = 0; r < layer.in_dim; r++) s += this.weightOf(l, r, u);
    return s / Math.max(1, layer.in_dim);
  }

  /** The pointer in the graph's CSS pixels. */
  local(e) {
    const r = this.links.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  /** The index (in neuronNodes) of the neuron under a point, or -1. */
  neuronAt({ x, y }) {
    if (!this.neuronNodes) return -1;
    return this.neuronNodes.findIndex(({ pos }) => x >= pos.x - 1 && x <= pos.x + pos.w + 1 && y >= pos.y - 1 && y <= pos.y + pos.w + 1);
  }

  /** The link near a point (within 5 px of its curve), or null. */
  pick({ x, y }) {
    let best = null;
    let bestD = 5 * 5;
    for (const k of this.linkGeom) {
      if (x < Math.min(k.x0, k.x1) - 5 || x > Math.max(k.x0, k.x1) + 5) continue;
      const mx = (k.x0 + k.x1) / 2;
      // Distance to the curve as a polyline of 24 segments (point-to-segment, not to samples).
      let px = k.x0;
      let py = k.y0;
      for (let i = 1; i <= 24; i++) {
        const t = i / 24;
        const a = (1 - t) ** 3;
        const b = 3 * (1 - t) ** 2 * t;
        const c = 3 * (1 - t) * t * t;
        const d = t ** 3;
        const qx = a * k.x0 + (b + c) * mx + d * k.x1;
        const qy = (a + b) * k.y0 + (c + d) * k.y1;
        const dd = segmentDistance2(x, y, px, py, qx, qy);
        if (dd < bestD) {
          bestD = dd;
          best = k;
        }
        px = qx;
        py = qy;
      }
    }
    return best;
  }

  describeLink(k) {
    const { layers } = this.snapshot;
    const from = k.l === 0 ? this.snapshot.feature_names[k.row] ?? 'inputs' : `layer ${k.l} neuron ${k.row + 1}`;
    const to = k.l === layers.length - 1 ? `output ${k.col + 1}` : `layer ${k.l + 1} neuron ${k.col + 1}`;
    return { from, to };
  }

  /** Hovering shows a neuron's or a link's values and marks it on the node canvas at once. */
  onPointerMove(e) {
    if (!this.layout) return;
    const p = this.local(e);
    const k = this.neuronAt(p);
    this.setHover(k, k >= 0 ? null : this.pick(p));
    this.hoverAt = { x: e.clientX, y: e.clientY };
    this.links.style.cursor = k >= 0 || this.hoverLink ? 'pointer' : '';
    if (k >= 0) this.tipNeuron(k);
    else this.linkTip();
  }

  setHover(neuron, link) {
    if (neuron === this.hoverNeuron && link === this.hoverLink) return;
    this.hoverNeuron = neuron;
    this.hoverLink = link;
    this.nodes.now();
  }

  onClick(e) {
    if (!this.layout) return;
    const p = this.local(e);
    const k = this.neuronAt(p);
    if (k >= 0) {
      const { l, u } = this.neuronNodes[k];
      const isOutput = l === this.snapshot.layers.length - 1;
      hideTip();
      editNumber(e.clientX, e.clientY, `Bias of ${isOutput ? 'output' : `layer ${l + 1}`} neuron ${u + 1}`, Number(this.biasOf(l, u).toPrecision(6)), (value) =>
        this.onAction({ type: 'bias', layer: l, unit: u, value }));
      return;
    }
    const link = this.pick(p);
    if (!link || link.row < 0) return;
    const { from, to } = this.describeLink(link);
    hideTip();
    editNumber(e.clientX, e.clientY, `Weight ${from} → ${to}`, Number(this.weightOf(link.l, link.row, link.col).toPrecision(6)), (value) =>
      this.onAction({ type: 'weight', layer: link.l, row: link.row, col: link.col, value }));
  }

  /** The tooltip of the hovered link; refreshed with every new set of weights while training. */
  linkTip() {
    const k = this.hoverLink;
    if (!k || !this.hoverAt) {
      hideTip();
      return;
    }
    const { x, y } = this.hoverAt;
    const { from, to } = this.describeLink(k);
    if (k.row < 0) {
      showTip(x, y, [el('div', {}, `Inputs → ${to}`), el('div', {}, 'mean weight ', el('b', {}, fmtWeight(this.blockWeight(k.l, k.col))))]);
      return;
    }
    showTip(x, y, [
      el('div', {}, `Weight ${from} → ${to}`),
      el('div', {}, el('b', { class: 'weight-value' }, fmtWeight(this.weightOf(k.l, k.row, k.col))), ' · click to edit'),
    ]);
  }

  /** A thumbnail at its full resolution for the tooltip (CSS makes it larger). */
  zoom({ pixels, res, row }) {
    const big = document.createElement('canvas');
    big.width = res;
    big.height = res;
    const per = res * res * 4;
    big.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(pixels.buffer, pixels.byteOffset + row * per, per), res, res), 0, 0);
    return big;
  }

  tipInput(e, inp) {
    const parts = [el('div', {}, el('b', {}, inp.label), inp.description ? ` — ${inp.description}` : '')];
    if (inp.kind === 'feature') parts.push(el('div', {}, inp.on ? 'Fed to the network · click to remove' : 'Not used · click to feed it to the network'));
    const src = this.state.has_plane && this.inputImage(inp);
    if (src) parts.push(this.zoom(src));
    showTip(e.clientX, e.clientY, parts);
  }

  /** The tooltip of the hovered neuron; refreshed with every new set of weights while training. */
  tipNeuron(k) {
    const { l, u } = this.neuronNodes[k];
    const { layers } = this.snapshot;
    const layer = layers[l];
    const isOutput = l === layers.length - 1;
    const title = isOutput
      ? `Output ${u + 1}${this.state.class_names?.[u] != null && layers.at(-1).out_dim > 1 ? ` (class ${this.state.class_names[u]})` : ''}`
      : `Layer ${l + 1}, neuron ${u + 1}`;
    const parts = [
      el('div', {}, el('b', {}, title), ` · ${layer.activation}`),
      el('div', {}, 'bias ', el('b', {}, fmtWeight(this.biasOf(l, u))), ' · click to edit'),
    ];
    if (this.state.has_plane && this.atlas && this.atlas.count > k) parts.push(this.zoom({ pixels: this.atlas.pixels, res: this.atlas.res, row: k }));
    showTip(this.hoverAt.x, this.hoverAt.y, parts);
  }
}
