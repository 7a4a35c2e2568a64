// The network drawn as a graph: input features, every hidden neuron and the outputs as small
// thumbnails (images rendered in Rust, blitted from one atlas canvas), links on one canvas whose
// colour is the weight's sign and width its size. Hovering a link shows its exact weight, a
// click edits it; clicking a feature switches it on or off; clicking a neuron edits its bias.
import { editNumber, el, hideTip, showTip } from './tooltip.js';
import { fmtWeight } from './format.js';

const HEAD_H = 60; // room for the per-layer +/− buttons and activation menus
const LEFT = 64; // room for the feature names
const MAX_INPUT_NODES = 16; // wider inputs (digit pixels) are drawn as one block
const DENSE_LINKS = 600; // above this many links, hairlines (see drawLinks)
const MAX_DRAWN = 2500; // links drawn at most, the strongest
const DENSE_MS = 150; // large graphs redraw their links at most this often while training

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
    this.nodesEl = document.getElementById('nodes');
    this.headsEl = document.getElementById('layer-heads');
    this.atlas = document.createElement('canvas');
    this.featureAtlas = document.createElement('canvas');
    this.layout = null;
    this.params = null;
    this.snapshot = null;
    this.hoverLink = null;
    this.linkGeom = [];
    this.colors = { pos: '#0072b2', neg: '#e69f00' };
    this.links.addEventListener('mousemove', (e) => this.onLinkHover(e));
    this.links.addEventListener('mouseleave', () => {
      this.hoverLink = null;
      this.hoverAt = null;
      hideTip();
      this.drawLinks();
    });
    this.links.addEventListener('click', (e) => this.onLinkClick(e));
    new ResizeObserver(() => this.relayout()).observe(this.root);
  }

  setColors(neg, pos) {
    this.colors = { neg, pos };
  }

  /** Feature images for every possible feature (token → ImageData), rendered once in Rust. */
  setFeatureCatalog(catalog) {
    this.catalog = catalog;
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
    this.params = null;
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
    this.links.width = Math.round(W * dpr);
    this.links.height = Math.round(H * dpr);
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
      const x = xOf(c) + (maxSize - size) / 2;
      for (let i = 0; i < n; i++) nodes.push({ x, y: HEAD_H + i * (size + gap), w: size, h: nodeH });
      columns.push(nodes);
    }
    this.layout = { inputs, columns, toggleable, W, H };
    this.linkGeom = [];
    this.hoverLink = null;
    this.buildNodes();
    this.buildHeads();
    this.drawLinks();
  }

  buildNodes() {
    const { inputs, columns } = this.layout;
    const { layers } = this.snapshot;
    const frag = document.createDocumentFragment();
    this.nodeCanvases = [];
    this.featureCanvases = [];
    this.biasEls = [];
    inputs.forEach((inp, i) => {
      const pos = columns[0][i];
      if (inp.kind === 'block') {
        const box = el('div', { class: 'node block', style: `left:${pos.x}px;top:${pos.y}px;width:${pos.w + 18}px;height:${pos.h}px;margin-left:-9px` }, inp.label);
        box.title = `The ${inp.label} (${this.snapshot.feature_names.length} values per sample) are all fed in; their links are drawn as one bundle per neuron.`;
        frag.append(box);
        return;
      }
      const c = el('canvas', {
        class: `node feature${inp.on ? '' : ' off'}`,
        width: 32, height: 32,
        style: `left:${pos.x}px;top:${pos.y}px;width:${pos.w}px;height:${pos.w}px`,
        'data-token': inp.token || '',
        'aria-label': inp.label,
        role: inp.kind === 'feature' ? 'switch' : 'img',
        'aria-checked': inp.kind === 'feature' ? String(inp.on) : false,
      });
      if (inp.kind === 'feature') {
        c.addEventListener('click', () => this.onAction({ type: 'feature', token: inp.token, on: !inp.on }));
      }
      c.addEventListener('mousemove', (e) => this.tipInput(e, inp, c));
      c.addEventListener('mouseleave', hideTip);
      const label = el('span', { class: 'node-label', style: `left:${pos.x}px;top:${pos.y + pos.w / 2}px` }, inp.label);
      frag.append(c, label);
      this.featureCanvases.push({ canvas: c, input: inp });
    });
    layers.forEach((layer, l) => {
      const isOutput = l === layers.length - 1;
      for (let u = 0; u < layer.out_dim; u++) {
        const pos = columns[l + 1][u];
        const c = el('canvas', {
          class: `node neuron${isOutput ? ' output' : ''}`,
          width: 32, height: 32,
          style: `left:${pos.x}px;top:${pos.y}px;width:${pos.w}px;height:${pos.w}px`,
          'data-layer': l, 'data-unit': u,
          'aria-label': isOutput ? `output ${u + 1}` : `layer ${l + 1} neuron ${u + 1}`,
        });
        c.addEventListener('mousemove', (e) => this.tipNeuron(e, l, u, c));
        c.addEventListener('mouseleave', hideTip);
        c.addEventListener('click', (e) => {
          const b = this.biasOf(l, u);
          editNumber(e.clientX, e.clientY, `Bias of ${isOutput ? 'output' : `layer ${l + 1}`} neuron ${u + 1}`, b, (value) =>
            this.onAction({ type: 'bias', layer: l, unit: u, value }));
        });
        frag.append(c);
        this.nodeCanvases.push(c);
      }
    });
    this.nodesEl.replaceChildren(frag);
    this.root.dataset.neurons = String(this.nodeCanvases.length - (layers.at(-1)?.out_dim || 0));
    this.drawFeatureImages();
    if (this.lastNeurons) this.drawNeurons(this.lastNeurons);
    else this.paintNodesFromBias();
  }

  buildHeads() {
    const { columns } = this.layout;
    const { layers } = this.snapshot;
    const limits = this.options.limits;
    const hiddenActs = this.options.activations.filter((a) => a.hidden);
    const frag = document.createDocumentFragment();
    layers.forEach((layer, l) => {
      const isOutput = l === layers.length - 1;
      const x = columns[l + 1][0].x + columns[l + 1][0].w / 2;
      if (isOutput) {
        frag.append(el('div', { class: 'layer-head output-head', style: `left:${x}px` },
          el('span', {}, layer.out_dim === 1 ? 'output' : `${layer.out_dim} outputs`)));
        return;
      }
      const minus = el('button', { type: 'button', class: 'round', title: `Remove a neuron from hidden layer ${l + 1}` }, '−');
      const plus = el('button', { type: 'button', class: 'round', title: `Add a neuron to hidden layer ${l + 1} (at most ${limits.max_units})` }, '+');
      minus.disabled = layer.out_dim <= 1;
      plus.disabled = layer.out_dim >= limits.max_units;
      minus.addEventListener('click', () => this.onAction({ type: 'units', layer: l, delta: -1 }));
      plus.addEventListener('click', () => this.onAction({ type: 'units', layer: l, delta: +1 }));
      const select = el('select', { title: `Activation of hidden layer ${l + 1}`, 'aria-label': `activation of layer ${l + 1}` });
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
      frag.append(el('div', { class: 'layer-head', style: `left:${x}px` },
        el('div', { class: 'pm' }, plus, minus),
        el('span', { class: 'units' }, `${layer.out_dim} neuron${layer.out_dim === 1 ? '' : 's'}`),
        select));
    });
    this.headsEl.replaceChildren(frag);
  }

  /** Puts the feature thumbnails: the catalogue for toggleable features, live images otherwise. */
  drawFeatureImages(live) {
    if (live) this.liveFeatures = live;
    for (const { canvas, input } of this.featureCanvases || []) {
      const ctx = canvas.getContext('2d');
      let img = null;
      if (input.kind === 'feature' && this.catalog) img = this.catalog[input.token];
      if (!img && this.liveFeatures && input.netIndex >= 0) img = this.liveFeatures[input.netIndex];
      if (img) {
        canvas.width = img.width;
        canvas.height = img.height;
        ctx.putImageData(img, 0, 0);
      } else {
        ctx.fillStyle = '#eef1f3';
        ctx.fillRect(0, 0, canvas.width, canvas.height);
      }
    }
  }

  /**
   * Splits Rust's stacked RGBA (`res`×`res` per image, layer-major then unit) into images.
   * Returns ImageData objects; used for the feature thumbnails that change rarely.
   */
  static splitImages(rgba, res) {
    const per = res * res * 4;
    const out = [];
    for (let k = 0; k * per < rgba.length; k++) {
      out.push(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset + k * per, per), res, res));
    }
    return out;
  }

  /** One putImageData of every neuron image into the atlas, then one blit per node. */
  drawNeurons(neurons) {
    this.lastNeurons = neurons;
    if (!this.nodeCanvases || !neurons) return;
    const { res, rgba } = neurons;
    const count = Math.floor(rgba.length / (res * res * 4));
    if (count < this.nodeCanvases.length) return; // from before a structure change
    if (this.atlas.width !== res || this.atlas.height !== res * count) {
      this.atlas.width = res;
      this.atlas.height = res * count;
    }
    const actx = this.atlas.getContext('2d');
    actx.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, res * res * 4 * count), res, res * count), 0, 0);
    this.nodeCanvases.forEach((c, k) => {
      if (c.width !== res) {
        c.width = res;
        c.height = res;
      }
      c.getContext('2d').drawImage(this.atlas, 0, k * res, res, res, 0, 0, res, res);
    });
  }

  /** Without a plane there are no activation maps: colour each neuron by its bias instead. */
  paintNodesFromBias() {
    if (!this.nodeCanvases || (this.state && this.state.has_plane)) return;
    let k = 0;
    this.snapshot.layers.forEach((layer, l) => {
      for (let u = 0; u < layer.out_dim; u++, k++) {
        const c = this.nodeCanvases[k];
        const ctx = c.getContext('2d');
        const b = this.biasOf(l, u);
        ctx.fillStyle = '#f7f8f9';
        ctx.fillRect(0, 0, c.width, c.height);
        ctx.globalAlpha = Math.min(1, Math.abs(b));
        ctx.fillStyle = b >= 0 ? this.colors.pos : this.colors.neg;
        ctx.fillRect(0, 0, c.width, c.height);
        ctx.globalAlpha = 1;
      }
    });
  }

  /** New parameters (every frame): redraw the links and, without a plane, the neuron colours. */
  setParams(params) {
    this.params = params;
    this.drawLinks(false);
    if (this.hoverLink) this.linkTip();
    this.paintNodesFromBias();
  }

  weightOf(l, row, col) {
    const layer = this.snapshot.layers[l];
    if (this.params) return this.params[layer.offset + row * layer.out_dim + col];
    return layer.weights[row * layer.out_dim + col];
  }

  biasOf(l, u) {
    const layer = this.snapshot.layers[l];
    if (this.params) return this.params[layer.offset + layer.in_dim * layer.out_dim + u];
    return layer.biases[u];
  }

  /** Every link's end points, computed once per layout. */
  linkList() {
    const { inputs, columns } = this.layout;
    const list = [];
    const { layers } = this.snapshot;
    layers.forEach((layer, l) => {
      const to = columns[l + 1];
      if (l === 0) {
        inputs.forEach((inp, i) => {
          const from = columns[0][i];
          if (inp.kind === 'block') {
            for (let u = 0; u < layer.out_dim; u++) {
              list.push({ l, row: -1, col: u, x0: from.x + from.w + 9, y0: from.y + from.h / 2, x1: to[u].x, y1: to[u].y + to[u].w / 2 });
            }
            return;
          }
          if (inp.netIndex < 0) return;
          for (let u = 0; u < layer.out_dim; u++) {
            list.push({ l, row: inp.netIndex, col: u, x0: from.x + from.w, y0: from.y + from.w / 2, x1: to[u].x, y1: to[u].y + to[u].w / 2 });
          }
        });
      } else {
        const from = columns[l];
        for (let r = 0; r < layer.in_dim; r++) {
          for (let u = 0; u < layer.out_dim; u++) {
            list.push({ l, row: r, col: u, x0: from[r].x + from[r].w, y0: from[r].y + from[r].w / 2, x1: to[u].x, y1: to[u].y + to[u].w / 2 });
          }
        }
      }
    });
    return list;
  }

  /** Mean |w| of the weights from a block of inputs into unit `u` (image inputs). */
  blockWeight(l, u) {
    const layer = this.snapshot.layers[l];
    let s = 0;
    for (let r = 0; r < layer.in_dim; r++) s += this.weightOf(l, r, u);
    return s / Math.max(1, layer.in_dim);
  }

  /**
   * Redraws the links: colour = sign, width and opacity = size relative to the largest weight.
   * Large graphs are redrawn at most every DENSE_MS while training.
   */
  drawLinks(force = true) {
    if (!this.layout) return;
    const list = this.linkGeom.length && this.linkGeomFor === this.layout ? this.linkGeom : this.linkList();
    this.linkGeom = list;
    this.linkGeomFor = this.layout;
    const dense = list.length > DENSE_LINKS;
    const now = performance.now();
    if (!force && dense && now - (this.lastLinks || 0) < DENSE_MS) {
      // Skipped now; make sure the latest weights are drawn once things calm down.
      clearTimeout(this.trailing);
      this.trailing = setTimeout(() => this.drawLinks(true), DENSE_MS);
      return;
    }
    clearTimeout(this.trailing);
    this.lastLinks = now;
    const ctx = this.links.getContext('2d');
    const { dpr } = this;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.layout.W, this.layout.H);
    // Scale widths to the largest weight so the picture stays readable as weights grow.
    let maxAbs = 0.5;
    const values = new Float32Array(list.length);
    list.forEach((k, i) => {
      const w = k.row < 0 ? this.blockWeight(k.l, k.col) * 8 : this.weightOf(k.l, k.row, k.col);
      values[i] = w;
      maxAbs = Math.max(maxAbs, Math.abs(w));
    });
    // Wide anti-aliased curves are what costs when the browser rasterises on the CPU, so big
    // graphs draw hairlines whose opacity carries the size, and skip the faintest links.
    const order = [];
    list.forEach((k, i) => {
      const mag = Math.abs(values[i]) / maxAbs;
      if (dense && mag < 0.05) return;
      order.push(i);
    });
    order.sort((a, b) => Math.abs(values[a]) - Math.abs(values[b])); // strong links on top
    // The strongest MAX_DRAWN links are plenty to read a big graph and bound the frame's cost.
    if (order.length > MAX_DRAWN) order.splice(0, order.length - MAX_DRAWN);
    ctx.lineCap = 'round';
    for (const i of order) {
      const k = list[i];
      const w = values[i];
      const mag = Math.min(1, Math.abs(w) / maxAbs);
      ctx.strokeStyle = w >= 0 ? this.colors.pos : this.colors.neg;
      ctx.globalAlpha = dense ? 0.15 + 0.85 * mag : 0.3 + 0.7 * mag;
      ctx.lineWidth = dense ? (mag > 0.6 ? 1 + 2.5 * (mag - 0.6) : 1) : 0.6 + 5 * mag;
      const mx = (k.x0 + k.x1) / 2;
      ctx.beginPath();
      ctx.moveTo(k.x0, k.y0);
      ctx.bezierCurveTo(mx, k.y0, mx, k.y1, k.x1, k.y1);
      ctx.stroke();
    }
    const hot = this.hoverLink && list.includes(this.hoverLink) ? this.hoverLink : null;
    if (hot) {
      const w = values[list.indexOf(hot)];
      const mx = (hot.x0 + hot.x1) / 2;
      ctx.globalAlpha = 1;
      ctx.strokeStyle = '#1f2a33';
      ctx.lineWidth = 5;
      ctx.beginPath();
      ctx.moveTo(hot.x0, hot.y0);
      ctx.bezierCurveTo(mx, hot.y0, mx, hot.y1, hot.x1, hot.y1);
      ctx.stroke();
      ctx.strokeStyle = w >= 0 ? this.colors.pos : this.colors.neg;
      ctx.lineWidth = 3;
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    // Biases: a small square at each neuron's lower left, coloured by sign, faded by size.
    const { columns } = this.layout;
    this.snapshot.layers.forEach((layer, l) => {
      for (let u = 0; u < layer.out_dim; u++) {
        const p = columns[l + 1][u];
        const size = p.w;
        const b = this.biasOf(l, u);
        const s = Math.max(4, Math.round(size * 0.2));
        ctx.fillStyle = '#fff';
        ctx.fillRect(p.x - s - 1, p.y + size - s, s, s);
        ctx.globalAlpha = 0.25 + 0.75 * Math.min(1, Math.abs(b) / maxAbs);
        ctx.fillStyle = b >= 0 ? this.colors.pos : this.colors.neg;
        ctx.fillRect(p.x - s - 1, p.y + size - s, s, s);
        ctx.globalAlpha = 1;
        ctx.strokeStyle = '#39464f';
        ctx.lineWidth = 0.75;
        ctx.strokeRect(p.x - s - 1, p.y + size - s, s, s);
      }
    });
  }

  /** The link under the pointer (within 5 px of its curve), or null. */
  pick(e) {
    const r = this.links.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
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

  onLinkHover(e) {
    const k = this.pick(e);
    if (k !== this.hoverLink) {
      this.hoverLink = k;
      this.drawLinks();
    }
    this.hoverAt = { x: e.clientX, y: e.clientY };
    this.linkTip();
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

  onLinkClick(e) {
    const k = this.pick(e);
    if (!k || k.row < 0) return;
    const { from, to } = this.describeLink(k);
    hideTip();
    editNumber(e.clientX, e.clientY, `Weight ${from} → ${to}`, Number(this.weightOf(k.l, k.row, k.col).toPrecision(6)), (value) =>
      this.onAction({ type: 'weight', layer: k.l, row: k.row, col: k.col, value }));
  }

  /** A larger copy of a thumbnail for the tooltip. */
  zoom(canvas) {
    const big = document.createElement('canvas');
    big.width = canvas.width;
    big.height = canvas.height;
    big.getContext('2d').drawImage(canvas, 0, 0);
    return big;
  }

  tipInput(e, inp, canvas) {
    const parts = [el('div', {}, el('b', {}, inp.label), inp.description ? ` — ${inp.description}` : '')];
    if (inp.kind === 'feature') parts.push(el('div', {}, inp.on ? 'Fed to the network · click to remove' : 'Not used · click to feed it to the network'));
    if (this.state.has_plane) parts.push(this.zoom(canvas));
    showTip(e.clientX, e.clientY, parts);
  }

  tipNeuron(e, l, u, canvas) {
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
    if (this.state.has_plane) parts.push(this.zoom(canvas));
    showTip(e.clientX, e.clientY, parts);
  }
}

/** Squared distance from (x, y) to the segment (ax, ay)–(bx, by). */
function segmentDistance2(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
  const cx = ax + t * dx - x;
  const cy = ay + t * dy - y;
  return cx * cx + cy * cy;
}
