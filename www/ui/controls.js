// The settings controls: menus filled from Rust's `options_json()` (options, tooltips, limits),
// their values shown from the canonical query, and every edit turned into new query values
// (`onChange({key: value, …})`) that Rust validates. No setting is interpreted here.
import { el } from './tooltip.js';
import { getValue, splitList, tokenName } from './query.js';
import { fmtRate, niceRate } from './format.js';

const $ = (id) => document.getElementById(id);

/** Fills a <select> with options `[value, label, title]`, keeping `current` even if unlisted. */
function fill(select, items, current) {
  select.replaceChildren(
    ...items.map(([value, label, title]) => el('option', { value, title: title || false }, label ?? value)),
  );
  setSelect(select, current);
}

function setSelect(select, value) {
  if (value == null) return;
  if (![...select.options].some((o) => o.value === value)) select.append(el('option', { value }, value));
  select.value = value;
}

export class Controls {
  /**
   * @param {object} opts
   * @param {object} opts.options  parsed options_json()
   * @param {(values: Record<string,string>) => void} opts.onChange  new query values
   */
  constructor({ options, onChange }) {
    this.options = options;
    this.onChange = onChange;
    this.query = '';
    this.task = 'binary';
    this.urlInfo = new Map(options.url.map((u) => [u.key, u]));
    this.build();
    this.wire();
  }

  /** The description of a URL key, for tooltips of controls that have none of their own. */
  describe(key) {
    const u = this.urlInfo.get(key);
    return u ? `${u.field}: ${u.description}` : '';
  }

  build() {
    const o = this.options;
    fill($('opt'), o.optimizers.map((x) => [x.token, x.token, x.description]));
    $('opt-field').title = 'Optimizer: the rule that turns gradients into weight updates. ' + o.optimizers.map((x) => `${x.token}: ${x.description}`).join(' ');
    fill($('act-all'), o.activations.filter((a) => a.hidden).map((a) => [a.token, a.token, a.description]));
    fill($('reg'), o.regularizations.map((r) => [r.token, r.token === 'none' ? 'None' : r.token.toUpperCase(), r.description]));
    $('reg').closest('label').title = 'Regularization: a penalty on large weights that fights overfitting. ' + o.regularizations.map((r) => `${r.token}: ${r.description}`).join(' ');
    fill($('sched-pick'), o.schedules.map((s) => [s.token, tokenName(s.token), s.description]));
    fill($('init-pick'), o.initializers.map((i) => [i.token, tokenName(i.token), i.description]));
    fill($('speed'), o.speeds.map((s) => [s.token, s.label, s.description]));
    $('speed').closest('label').title = 'Speed: how much the network trains between two pictures (a picture per display frame). ' + o.speeds.map((s) => `${s.label}: ${s.description}`).join(' ');
    const L = o.limits;
    setRange($('train'), L.train[0], L.train[1]);
    setRange($('noise'), L.noise[0], L.noise[1]);
    setRange($('points'), L.points[0], L.points[1]);
    setRange($('dropout'), L.dropout[0], L.dropout[1]);
    $('lr').min = String(Math.log10(1e-5));
    $('lr').max = String(Math.log10(Math.min(10, L.lr[1])));
    for (const id of ['dseed', 'wseed', 'clip']) {
      if (!$(id).closest('label').title) $(id).closest('label').title = this.describe(id);
    }
  }

  wire() {
    const send = (values) => this.onChange(values);
    // Sliders show their value while moving and send it when released.
    for (const id of ['train', 'noise', 'points', 'batch', 'dropout']) {
      const input = $(id);
      const out = $(`${id}-value`);
      input.addEventListener('input', () => {
        out.textContent = input.value;
      });
      input.addEventListener('change', () => send({ [id]: input.value }));
    }
    const lr = $('lr');
    lr.addEventListener('input', () => {
      $('lr-value').textContent = fmtRate(niceRate(10 ** Number(lr.value)));
    });
    lr.addEventListener('change', () => send({ lr: String(niceRate(10 ** Number(lr.value))) }));
    for (const id of ['opt', 'reg', 'rate', 'speed']) $(id).addEventListener('change', () => send({ [id]: $(id).value }));
    $('act-all').addEventListener('change', () => send({ act: $('act-all').value }));
    for (const id of ['dseed', 'wseed', 'clip', 'sched', 'init']) {
      $(id).addEventListener('change', () => send({ [id]: $(id).value.trim() }));
    }
    $('sched-pick').addEventListener('change', () => send({ sched: $('sched-pick').value }));
    $('init-pick').addEventListener('change', () => send({ init: $('init-pick').value }));
    $('head').addEventListener('change', () => {
      const [out, loss] = $('head').value.split('|');
      send({ out, loss });
    });
    for (const id of ['showtest', 'discretize', 'logscale']) {
      $(id).addEventListener('change', () => send({ [id]: $(id).checked ? '1' : '0' }));
    }
    $('regenerate').addEventListener('click', () => {
      // A new data seed, so the same link still reproduces the new points.
      const seed = (Number(getValue(this.query, 'dseed')) || 0) + 1;
      send({ dseed: String(seed) });
    });
  }

  /** Shows the values of the canonical `query` and the session `state` in every control. */
  sync(query, state) {
    this.query = query;
    this.task = state.task;
    const v = (k) => getValue(query, k);
    for (const id of ['train', 'noise', 'points', 'batch', 'dropout']) {
      const input = $(id);
      const value = v(id);
      if (value == null) continue;
      if (id === 'batch') setRange(input, 1, Math.max(100, Math.min(this.options.limits.batch[1], state.n_train || 100), Number(value)));
      if (Number(value) > Number(input.max)) input.max = value;
      input.value = value;
      $(`${id}-value`).textContent = value;
    }
    const lr = Number(v('lr'));
    if (Number.isFinite(lr)) {
      $('lr').value = String(Math.log10(Math.max(lr, 1e-5)));
      $('lr-value').textContent = fmtRate(lr);
    }
    setSelect($('opt'), v('opt'));
    setSelect($('reg'), v('reg'));
    setSelect($('rate'), v('rate'));
    setSelect($('speed'), v('speed'));
    $('rate').disabled = v('reg') === 'none';
    const acts = splitList(v('act'));
    const uniform = acts.length > 0 && acts.every((a) => a === acts[0]) ? acts[0] : null;
    if (uniform) setSelect($('act-all'), uniform);
    else {
      setSelect($('act-all'), 'mixed');
      [...$('act-all').options].find((o) => o.value === 'mixed').disabled = true;
    }
    for (const id of ['dseed', 'wseed', 'clip', 'sched', 'init']) $(id).value = v(id) ?? '';
    setSelect($('sched-pick'), this.options.schedules.find((s) => tokenName(s.token) === tokenName(v('sched')))?.token ?? v('sched'));
    setSelect($('init-pick'), this.options.initializers.find((s) => tokenName(s.token) === tokenName(v('init')))?.token ?? v('init'));
    // Initializer parameters (uniform bounds, normal spread) are edited as text when it has any.
    $('init').hidden = !/\(/.test(v('init') || '');
    $('sched').hidden = !/\(/.test(v('sched') || '');
    for (const id of ['showtest', 'discretize', 'logscale']) $(id).checked = v(id) === '1';
    this.syncHead(v('out'), v('loss'), state);
    this.syncOptimizerParams(v('opt'));
    const gen = state.source === 'generated';
    for (const node of document.querySelectorAll('.gen-only')) node.hidden = !gen || !this.isGeneratedPlane(v('dataset'));
    $('regenerate').disabled = !gen || !this.isGeneratedPlane(v('dataset'));
    $('problem').textContent = state.task === 'regression' ? 'Regression'
      : `Classification · ${state.classes} classes`;
  }

  isGeneratedPlane(token) {
    const d = this.options.datasets.find((x) => x.token === token);
    return Boolean(d && d.generated);
  }

  /** Output activation and loss are offered as the pairs Rust accepts for the task. */
  syncHead(out, loss, state) {
    const pairs = this.options.outputs_by_task[state.task] || [];
    const items = [['auto|auto', `auto (${state.output} · ${state.loss})`, 'The usual output and loss for this problem']];
    for (const [o, l] of pairs) {
      const desc = this.options.losses.find((x) => x.token === l)?.description || '';
      items.push([`${o}|${l}`, `${o} · ${l}`, desc]);
    }
    fill($('head'), items, `${out}|${loss}`);
  }

  /** One small number box per hyperparameter of the chosen optimizer. */
  syncOptimizerParams(opt) {
    const spec = this.options.optimizers.find((o) => o.token === opt);
    const box = $('opt-params');
    const params = spec ? spec.params : [];
    const key = params.map((p) => p.key).join(',');
    if (box.dataset.keys !== key) {
      box.dataset.keys = key;
      box.replaceChildren(...params.map((p) => {
        const input = el('input', { id: `p-${p.key}`, type: 'number', step: 'any', min: p.min, max: p.max, 'data-key': p.key });
        input.addEventListener('change', () => this.onChange({ [p.key]: input.value.trim() }));
        return el('label', { class: 'mini', title: `${p.name}: ${p.description} (default ${p.default})` }, el('span', {}, p.name), input);
      }));
      if (!params.length) box.append(el('span', { class: 'mini', title: 'Plain gradient descent has no setting besides the learning rate' }, `${opt}: no extra settings`));
    }
    for (const p of params) $(`p-${p.key}`).value = getValue(this.query, p.key) ?? String(p.default);
  }
}

function setRange(input, min, max, value) {
  input.min = String(min);
  input.max = String(Math.max(max, value ?? max));
}
