// The optimizer race panel: 2–4 lanes, copies of the network from the same start weights that
// see the same batches and differ only by optimizer and learning rate. Small multiples of each
// lane's decision boundary side by side, a row of numbers under each (epoch, losses,
// accuracy), one chart where every lane's training (solid) and test (dashed) loss overlay, in
// the lane's colour, and controls for each lane. The lanes live in the link (`race=`); every
// edit goes through `page.change`, and Rust validates it. The training is Rust's, in the worker
// (www/worker/race.js): this module only draws what it sends.
import { el, loadStyle } from '../tooltip.js';
import { getValue, splitList } from '../query.js';

/** Okabe–Ito colours for lanes 1–4: blue, vermillion, bluish green, reddish purple. */
const LANE_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7'];
const RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
const MIN_LANES = 2;
const MAX_LANES = 4;
const CHART_H = 220;
const PLOT = { left: 52, right: 14, top: 10, bottom: 34 };

/** `sgd:0.03,adam(0.8,0.99,1e-7):0.01` → [{ opt, lr }]. */
function parseLanes(text) {
  return splitList(text || '').map((item) => {
    const i = item.lastIndexOf(':');
    return { opt: item.slice(0, i), lr: item.slice(i + 1) };
  });
}
const lanesText = (lanes) => lanes.map((l) => `${l.opt}:${l.lr}`).join(',');

const fmt = (v, digits = 3) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(digits));

function niceTicks(hi, n) {
  const raw = hi / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = 0; v <= hi + step * 1e-9; v += step) out.push(v);
  return out;
}

class RacePanel {
  constructor({ page, root, send }) {
    loadStyle(new URL('./race.css', import.meta.url));
    this.page = page;
    this.send = send;
    this.root = root;
    this.id = 0; // the worker's race this panel shows
    this.lanes = []; // [{ label, records: [...] , diverged }]
    this.metric = null;
    this.presets = [];
    this.build();
    this.config({ query: page.query });
    // Built after the worker's race may have begun: ask for every record.
    send({ type: 'race_resync' });
  }

  build() {
    this.presetBox = el('div', { class: 'race-presets' });
    this.controls = el('div', { class: 'race-controls', role: 'group', 'aria-label': 'Race lanes' });
    this.addBtn = el('button', { type: 'button', id: 'race-add', class: 'race-btn', onclick: () => this.addLane() }, '+ Add lane');
    this.restartBtn = el('button', {
      type: 'button', id: 'race-restart', class: 'race-btn', title: 'Start every lane again from the same start weights',
      onclick: () => this.send({ type: 'race_restart' }),
    }, '⟲ Restart race');
    this.grid = el('div', { class: 'race-lanes' });
    this.canvas = el('canvas', { id: 'race-chart', class: 'race-chart', role: 'img', 'aria-label': 'Training and test loss of every lane against epochs' });
    this.legend = el('ul', { class: 'race-legend', 'aria-label': 'Chart legend' });
    this.status = el('p', { class: 'race-status', 'aria-live': 'polite' });
    this.root.append(
      el('div', { class: 'race-head' },
        el('p', { class: 'race-intro' },
          'Copies of your network start from the same weights and see the same mini-batches in the same order; only the optimizer and the learning rate differ. Play, the step buttons and the speed in the top bar drive the race along with the main network.'),
        this.presetBox),
      el('div', { class: 'race-bar' }, this.controls, this.addBtn, this.restartBtn),
      this.grid,
      el('div', { class: 'race-chart-box' },
        el('h3', { class: 'race-chart-title' }, 'Loss per lane ', el('small', {}, '(solid: training, dashed: test)')),
        this.canvas, this.legend),
      this.status,
    );
    window.addEventListener('resize', () => this.drawChart());
  }

  open() {
    requestAnimationFrame(() => this.drawChart());
  }

  // ---------- the lanes in the link ----------
  /** Settings changed: the lanes from the link's `race=`, controls and cards to match. */
  config(description) {
    const text = getValue(description.query || '', 'race') || '';
    if (text === this.text) return;
    this.text = text;
    this.spec = parseLanes(text);
    this.buildControls();
    this.buildCards();
  }

  setLanes(spec) {
    this.page.change({ race: lanesText(spec) });
  }

  addLane() {
    if (this.spec.length >= MAX_LANES) return;
    const used = new Set(this.spec.map((l) => l.opt));
    const opts = this.page.options.optimizers.map((o) => o.token);
    const opt = opts.find((o) => !used.has(o)) || 'adam';
    this.setLanes([...this.spec, { opt, lr: '0.03' }]);
  }

  buildControls() {
    const opts = this.page.options.optimizers;
    const rows = this.spec.map((lane, i) => {
      const optSel = el('select', { id: `race-opt-${i}`, 'aria-label': `Lane ${i + 1} optimizer` },
        ...opts.map((o) => el('option', { value: o.token, title: o.description }, o.token)));
      if (![...optSel.options].some((o) => o.value === lane.opt)) optSel.append(el('option', { value: lane.opt }, lane.opt));
      optSel.value = lane.opt;
      optSel.addEventListener('change', () => this.setLanes(this.spec.map((l, j) => (j === i ? { ...l, opt: optSel.value } : l))));
      const rates = RATES.map(String);
      if (!rates.includes(lane.lr)) rates.push(lane.lr);
      rates.sort((a, b) => Number(a) - Number(b));
      const lrSel = el('select', { id: `race-lr-${i}`, 'aria-label': `Lane ${i + 1} learning rate` },
        ...rates.map((r) => el('option', { value: r }, r)));
      lrSel.value = lane.lr;
      lrSel.addEventListener('change', () => this.setLanes(this.spec.map((l, j) => (j === i ? { ...l, lr: lrSel.value } : l))));
      const remove = el('button', {
        type: 'button', class: 'race-remove', 'aria-label': `Remove lane ${i + 1}`, title: 'Remove this lane',
        onclick: () => this.setLanes(this.spec.filter((_, j) => j !== i)),
      }, '×');
      remove.disabled = this.spec.length <= MIN_LANES;
      return el('div', { class: `race-lane-ctl lane-${i}` },
        el('span', { class: 'race-swatch', 'aria-hidden': 'true' }),
        el('label', {}, el('span', {}, `Lane ${i + 1}`), optSel),
        el('label', {}, el('span', {}, 'learning rate'), lrSel),
        remove);
    });
    this.controls.replaceChildren(...rows);
    this.addBtn.disabled = this.spec.length >= MAX_LANES;
  }

  buildCards() {
    this.cards = this.spec.map((lane, i) => {
      const canvas = el('canvas', { class: 'race-plane', width: 64, height: 64, role: 'img', 'aria-label': `Lane ${i + 1} (${lane.opt}, learning rate ${lane.lr}): its decision boundary over the plane` });
      const num = (cls, label) => {
        const out = el('output', { class: cls }, '–');
        return [el('div', { class: 'race-num' }, el('span', {}, label), out), out];
      };
      const [epochBox, epoch] = num('lane-epoch', 'Epoch');
      const [trainBox, train] = num('lane-train-loss', 'Train loss');
      const [testBox, test] = num('lane-test-loss', 'Test loss');
      const [metricBox, metric] = num('lane-metric', 'Test acc.');
      const title = el('h3', { class: 'race-lane-title' }, `${lane.opt}`, el('small', {}, ` lr ${lane.lr}`));
      const note = el('p', { class: 'race-diverged', hidden: true });
      const card = el('figure', { class: `race-lane lane-${i}`, 'data-lane': String(i) },
        title, canvas, el('figcaption', { class: 'race-nums' }, epochBox, trainBox, testBox, metricBox), note);
      return { card, canvas, epoch, train, test, metric, metricBox, note };
    });
    this.grid.replaceChildren(...this.cards.map((c) => c.card));
    this.grid.dataset.lanes = String(this.cards.length);
    this.showNumbers();
  }

  // ---------- what the worker sends ----------
  message(msg) {
    if (msg.error) {
      this.status.textContent = `The race cannot run here: ${msg.error}`;
      return;
    }
    this.status.textContent = '';
    if (msg.presets) this.setPresets(msg.presets);
    const r = msg.report;
    if (msg.id !== this.id) {
      if (msg.from !== 0) {
        this.send({ type: 'race_resync' });
        return;
      }
      this.id = msg.id;
      this.lanes = r.lanes.map(() => ({ records: [] }));
    }
    if (this.lanes.length !== r.lanes.length) this.lanes = r.lanes.map(() => ({ records: [] }));
    this.metric = r.metric;
    r.lanes.forEach((lane, i) => {
      const mine = this.lanes[i];
      if (msg.from > mine.records.length) return;
      mine.records.length = msg.from;
      mine.records.push(...lane.history);
      mine.label = lane.label;
      mine.diverged = lane.diverged;
    });
    if (r.lanes.some((_, i) => msg.from > this.lanes[i].records.length)) this.send({ type: 'race_resync' });
    this.showNumbers();
    this.requestChart();
  }

  /** The chart is redrawn at most once per animation frame, however many messages arrive. */
  requestChart() {
    if (this.chartPending) return;
    this.chartPending = true;
    requestAnimationFrame(() => {
      this.chartPending = false;
      this.drawChart();
    });
  }

  frame(msg) {
    const race = msg.race;
    if (!race || !this.cards) return;
    race.images.forEach((rgba, i) => {
      const c = this.cards[i];
      if (!c) return;
      if (c.canvas.width !== race.res) {
        c.canvas.width = race.res;
        c.canvas.height = race.res;
      }
      c.canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), race.res, race.res), 0, 0);
    });
  }

  setPresets(presets) {
    this.presets = presets;
    this.presetBox.replaceChildren(...presets.map((p) => el('button', {
      type: 'button', class: 'race-preset', id: `race-preset-${p.key}`, title: p.description,
      onclick: () => this.page.change({ dataset: p.dataset, batch: String(p.batch_size), race: p.lanes, tool: 'race' }),
    }, `▶ ${p.title}`)));
  }

  showNumbers() {
    if (!this.cards) return;
    const acc = this.metric !== 'r2';
    this.cards.forEach((c, i) => {
      const lane = this.lanes[i];
      const recs = lane ? lane.records : [];
      const last = recs[recs.length - 1];
      c.metricBox.firstChild.textContent = acc ? 'Test acc.' : 'Test R²';
      setNum(c.epoch, last && last.epoch, String(last ? last.epoch : '–'));
      setNum(c.train, last && last.train_loss, fmt(last && last.train_loss));
      setNum(c.test, last && last.test_loss, fmt(last && last.test_loss));
      const m = last && last.test_metric;
      setNum(c.metric, m, m == null ? '–' : acc ? `${(m * 100).toFixed(1)}%` : m.toFixed(3));
      if (recs.length) {
        c.card.dataset.firstTrainLoss = String(recs[0].train_loss);
        c.card.dataset.firstTestLoss = String(recs[0].test_loss);
      }
      c.note.hidden = !(lane && lane.diverged);
      c.note.textContent = lane && lane.diverged ? `Stopped: ${lane.diverged}` : '';
    });
  }

  drawChart() {
    const canvas = this.canvas;
    const width = Math.max(200, canvas.clientWidth || 600);
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(CHART_H * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(CHART_H * dpr);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, CHART_H);
    const area = { x: PLOT.left, y: PLOT.top, w: width - PLOT.left - PLOT.right, h: CHART_H - PLOT.top - PLOT.bottom };
    let xMax = 1;
    let yMax = 0;
    for (const lane of this.lanes) {
      for (const r of lane.records) {
        xMax = Math.max(xMax, r.epoch);
        for (const v of [r.train_loss, r.test_loss]) if (Number.isFinite(v)) yMax = Math.max(yMax, v);
      }
    }
    yMax = yMax > 0 ? yMax * 1.05 : 1;
    const sx = (e) => area.x + (e / xMax) * area.w;
    const sy = (v) => area.y + area.h - (Math.min(v, yMax) / yMax) * area.h;
    ctx.font = '12px system-ui, sans-serif';
    ctx.strokeStyle = '#e3e8eb';
    ctx.fillStyle = '#1f2a33';
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of niceTicks(yMax, 4)) {
      const y = Math.round(sy(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(area.x, y);
      ctx.lineTo(area.x + area.w, y);
      ctx.stroke();
      ctx.fillText(Number(t.toPrecision(3)).toString(), area.x - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(xMax, 6)) {
      if (!Number.isInteger(t)) continue;
      ctx.fillText(String(t), sx(t), area.y + area.h + 5);
    }
    ctx.fillText('epoch', area.x + area.w / 2, area.y + area.h + 19);
    ctx.save();
    ctx.translate(12, area.y + area.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText('loss', 0, 0);
    ctx.restore();
    ctx.strokeStyle = '#9aa6ae';
    ctx.beginPath();
    ctx.moveTo(area.x + 0.5, area.y);
    ctx.lineTo(area.x + 0.5, area.y + area.h + 0.5);
    ctx.lineTo(area.x + area.w, area.y + area.h + 0.5);
    ctx.stroke();
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    this.lanes.forEach((lane, i) => {
      ctx.strokeStyle = LANE_COLORS[i % LANE_COLORS.length];
      for (const [key, dash] of [['test_loss', [6, 4]], ['train_loss', []]]) {
        ctx.setLineDash(dash);
        ctx.beginPath();
        let started = false;
        // At most about two points per pixel column: a long race stays cheap to draw.
        const stride = Math.max(1, Math.floor(lane.records.length / (2 * area.w)));
        for (let k = 0; k < lane.records.length; k += k + stride >= lane.records.length && k !== lane.records.length - 1 ? lane.records.length - 1 - k : stride) {
          const r = lane.records[k];
          const v = r[key];
          if (!Number.isFinite(v)) continue;
          if (started) ctx.lineTo(sx(r.epoch), sy(v));
          else ctx.moveTo(sx(r.epoch), sy(v));
          started = true;
        }
        ctx.stroke();
      }
    });
    ctx.setLineDash([]);
    this.legend.replaceChildren(...this.lanes.map((lane, i) => {
      const last = lane.records[lane.records.length - 1];
      return el('li', { class: `lane-${i}` }, el('i', { 'aria-hidden': 'true' }), lane.label || `Lane ${i + 1}`,
        last ? el('small', {}, ` — test loss ${fmt(last.test_loss)}`) : null);
    }));
    const words = this.lanes.map((l) => {
      const last = l.records[l.records.length - 1];
      return `${l.label}: training loss ${fmt(last && last.train_loss)}, test loss ${fmt(last && last.test_loss)}`;
    });
    canvas.setAttribute('aria-label', `Loss of every lane against epochs (${xMax} epochs). ${words.join('; ')}.`);
  }
}

/** An output's text, and its full value for the tests and screen readers' curious. */
function setNum(out, value, text) {
  if (out.textContent !== text) out.textContent = text;
  out.dataset.value = value == null ? '' : String(value);
}

export function create(args) {
  return new RacePanel(args);
}
