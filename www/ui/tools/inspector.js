// The backprop inspector's panel: one training point (clicked on the plot, or picked by its
// number) through the next training step, one stage at a time — inputs, each layer's
// z = W·a + b and a = f(z), the loss, δ of every layer by the chain rule (output first),
// ∂L/∂W and ∂L/∂b, and the optimizer's update with its state — written as textbook formulas
// (MathML) with the real numbers in place, a sentence under each, and the neurons and links the
// stage is about highlighted on the network drawing. Every number comes from the library's own
// passes in the worker (PointInspection, src/playground/inspector.rs); this file only lays out.
import { el, loadStyle } from '../tooltip.js';
import { column, fmt, m, math, matrix, mi, mo, mtext, num, partial, row, rowVector, sub, sup, sym } from './math.js';

const ACT_NAMES = { leaky_relu: 'LeakyReLU', relu: 'ReLU', tanh: 'tanh', sigmoid: 'σ', linear: 'identity', softmax: 'softmax', step: 'step', elu: 'ELU', gelu: 'GELU', swish: 'swish', softplus: 'softplus' };
const actName = (a) => ACT_NAMES[a.kind] || a.kind;
const OPT_NAMES = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov momentum', ada_grad: 'AdaGrad', rms_prop: 'RMSProp', adam: 'Adam', adam_w: 'AdamW' };

/** A kernel ((in, out) row-major) shown as the textbook's W: one row per unit, one column per input. */
function kernel(values, inDim, outDim, q, layer) {
  return matrix(outDim, inDim, (r, c) => values[c * outDim + r], (r, c) => ({ q, layer, in: c, unit: r }));
}
const units = (values, q, layer) => column(values, (r) => ({ q, layer, unit: r }));
const eq = () => mo('=');

export function create({ page, root, send }) {
  loadStyle(new URL('./inspector.css', import.meta.url));
  return new Inspector(page, root, send);
}

class Inspector {
  constructor(page, root, send) {
    this.page = page;
    this.send = send;
    this.look = null; // the newest PointInspection
    this.stage = 0;
    this.index = null;
    root.classList.add('insp');

    this.indexInput = el('input', { type: 'number', id: 'inspector-index', min: '0', step: '1', inputmode: 'numeric' });
    this.indexInput.addEventListener('input', () => this.pickIndex());
    this.pointText = el('span', { class: 'insp-point', id: 'inspector-point' });
    const pick = el('div', { class: 'insp-pick' },
      el('label', { for: 'inspector-index' }, 'Training point #'), this.indexInput, this.pointText);
    this.hint = el('p', { class: 'insp-hint' }, 'Click a training point on the output plot (or type its number, ↑ ↓ to move to the next one), then step through what one training step computes for it.');

    this.prev = el('button', { type: 'button', id: 'inspector-prev', class: 'insp-btn' }, '◀ Previous');
    this.next = el('button', { type: 'button', id: 'inspector-next', class: 'insp-btn primary' }, 'Next ▶');
    this.select = el('select', { id: 'inspector-stage' });
    this.count = el('span', { class: 'insp-count', id: 'inspector-count' });
    this.prev.addEventListener('click', () => this.go(this.stage - 1));
    this.next.addEventListener('click', () => this.go(this.stage + 1));
    this.select.addEventListener('change', () => this.go(Number(this.select.value)));
    const nav = el('div', { class: 'insp-nav' }, this.prev,
      el('label', { class: 'insp-stage-label' }, el('span', { class: 'sr' }, 'Stage'), this.select), this.next, this.count);

    this.title = el('h3', { class: 'insp-title', id: 'inspector-title' });
    this.body = el('div', { class: 'insp-body', id: 'inspector-body' });
    this.stageBox = el('div', { class: 'insp-stage', 'aria-live': 'polite' }, this.title, this.body);
    this.main = el('div', { class: 'insp-main' }, nav, this.stageBox);
    this.main.hidden = true;
    root.append(pick, this.hint, this.main);

    // ← → step through the stages from anywhere in the panel but the number box.
    root.addEventListener('keydown', (e) => {
      if (e.target === this.indexInput || !this.look) return;
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        e.preventDefault();
        this.go(this.stage + (e.key === 'ArrowRight' ? 1 : -1));
      }
    });
  }

  open() {
    this.page.plane.onPick = (p) => this.send({ type: 'inspect_point', x1: p.x1, x2: p.x2 });
    if (this.index != null) this.send({ type: 'inspect_point', index: this.index });
    else this.render();
  }

  close() {
    this.page.plane.onPick = null;
    this.page.plane.mark(null);
    this.page.network.highlight(null);
  }

  config(description) {
    const n = description.state.n_train;
    this.indexInput.max = String(Math.max(0, n - 1));
    if (this.index != null && this.index >= n) this.index = null;
    if (this.index != null && !this.indexInput.closest('[hidden]')) this.send({ type: 'inspect_point', index: this.index });
  }

  message(msg) {
    this.show(msg.inspection);
  }

  /** Frames carry a fresh inspection while training goes on. */
  frame(msg) {
    if (msg.inspection) this.show(msg.inspection);
  }

  pickIndex() {
    const v = Number(this.indexInput.value);
    if (!Number.isInteger(v) || v < 0) return;
    this.send({ type: 'inspect_point', index: v });
  }

  show(look) {
    if (!look) return;
    this.look = look;
    this.index = look.index;
    if (document.activeElement !== this.indexInput || Number(this.indexInput.value) !== look.index) this.indexInput.value = String(look.index);
    this.indexInput.max = String(look.n_train - 1);
    this.stages = this.stageList(look);
    this.stage = Math.min(this.stage, this.stages.length - 1);
    this.page.plane.mark(look.point ? { x1: look.point[0], x2: look.point[1] } : null);
    this.render();
  }

  go(k) {
    if (!this.look) return;
    this.stage = Math.max(0, Math.min(this.stages.length - 1, k));
    this.render();
  }

  stageList(look) {
    const L = look.step.backprop.layers.length;
    const name = (l) => (l === L - 1 ? `output layer (${l + 1})` : `hidden layer ${l + 1}`);
    const list = [{ kind: 'input', label: 'Inputs and features' }];
    for (let l = 0; l < L; l++) list.push({ kind: 'forward', l, label: `Forward: ${name(l)}` });
    list.push({ kind: 'loss', label: 'Loss of this point' });
    for (let l = L - 1; l >= 0; l--) list.push({ kind: 'delta', l, label: `Backward: δ of ${name(l)}` });
    for (let l = L - 1; l >= 0; l--) list.push({ kind: 'grad', l, label: `Gradient: ∂L/∂W, ∂L/∂b of ${name(l)}` });
    for (let l = 0; l < L; l++) list.push({ kind: 'update', l, label: `Update (${OPT_NAMES[look.step.update.optimizer.kind] || look.step.update.optimizer.kind}): ${name(l)}` });
    return list;
  }

  render() {
    const look = this.look;
    this.hint.hidden = Boolean(look);
    this.main.hidden = !look;
    if (!look) {
      this.pointText.textContent = '';
      return;
    }
    this.pointText.textContent = this.describePoint(look);
    if (this.select.options.length !== this.stages.length || [...this.select.options].some((o, i) => o.textContent !== this.stages[i].label)) {
      this.select.replaceChildren(...this.stages.map((s, i) => el('option', { value: String(i) }, s.label)));
    }
    this.select.value = String(this.stage);
    const s = this.stages[this.stage];
    this.prev.disabled = this.stage === 0;
    this.next.disabled = this.stage === this.stages.length - 1;
    this.count.textContent = `Stage ${this.stage + 1} of ${this.stages.length}`;
    this.stageBox.dataset.stage = s.kind;
    this.stageBox.dataset.layer = s.l == null ? '' : String(s.l);
    this.title.textContent = s.label;
    const parts = this[s.kind](look, s.l);
    this.body.replaceChildren(...parts);
    this.page.network.highlight(this.highlightOf(s, look));
  }

  describePoint(look) {
    const bp = look.step.backprop;
    const names = look.class_names;
    const where = look.point ? `at (${fmt(look.point[0])}, ${fmt(look.point[1])})` : '';
    const what = names.length ? `class ${names[look.label] ?? look.label}` : `target ${fmt(look.label)}`;
    return `of ${look.n_train} · ${where} · ${what} · after ${look.steps} training steps · loss ${fmt(bp.sample_loss)}`;
  }

  /** What the network drawing lights up for a stage. */
  highlightOf(s, look) {
    const L = look.step.backprop.layers.length;
    switch (s.kind) {
      case 'input': return { layer: -1 };
      case 'forward': return { layer: s.l, links: s.l };
      case 'loss': return { layer: L - 1 };
      case 'delta': return s.l === L - 1 ? { layer: s.l } : { layer: s.l, links: s.l + 1 };
      case 'grad': return { layer: s.l, links: s.l };
      case 'update': return { layer: s.l, links: s.l };
      default: return null;
    }
  }

  words(text) {
    return el('p', { class: 'insp-words' }, text);
  }

  // ---------- the stages ----------
  input(look) {
    const bp = look.step.backprop;
    const names = look.input_names;
    const nameCol = m('mtable', ...names.map((n) => m('mtr', m('mtd', mtext(n)))));
    nameCol.setAttribute('class', 'mat');
    const parts = [math('the network input', sym('a', 0), eq(), mi('x'), eq(), nameCol, eq(), column(bp.input, (r) => ({ q: 'x', in: r })))];
    const target = bp.target.length === 1 ? fmt(bp.target[0]) : `(${bp.target.map(fmt).join(', ')})`;
    const derived = look.point && names.some((n) => n !== 'x1' && n !== 'x2');
    parts.push(this.words(`The point ${look.point ? `(x1, x2) = (${fmt(look.point[0])}, ${fmt(look.point[1])})` : `number ${look.index}`} enters the network as ${names.length} input${names.length === 1 ? '' : 's'}${derived ? ', the features computed from x1 and x2' : ''}. Its target is y = ${target}${look.class_names.length ? ` (class ${look.class_names[look.label] ?? look.label})` : ''}.`));
    if (bp.dropout === 'disabled') parts.push(this.words('This network uses dropout; the inspector shows the step without it, so the numbers do not change at random on every look.'));
    return parts;
  }

  forward(look, l) {
    const t = look.step.backprop.layers[l];
    const act = actName(t.activation);
    const f = t.activation.kind === 'softmax' ? mi('softmax') : mi(act);
    const z = math(`z of layer ${l + 1}`, sym('z', l + 1), eq(), sym('W', l + 1), sym('a', l), mo('+'), sym('b', l + 1), eq(),
      kernel(t.weights, t.in_dim, t.out_dim, 'W', l), column(t.input, (r) => ({ q: 'ain', layer: l, in: r })), mo('+'), units(t.biases, 'b', l), eq(), units(t.z, 'z', l));
    const a = math(`a of layer ${l + 1}`, sym('a', l + 1), eq(), f, row(mo('('), sym('z', l + 1), mo(')')), eq(), units(t.a, 'a', l));
    const L = look.step.backprop.layers.length;
    const who = l === L - 1 ? 'The output neuron' + (t.out_dim > 1 ? 's' : '') : `Each of the ${t.out_dim} neurons of hidden layer ${l + 1}`;
    return [z, this.words(`${who} multiplies the ${t.in_dim} values coming in by its weights (one row of W) and adds its bias: that sum is z. ${l === 0 ? 'The values coming in are the inputs.' : `The values coming in are the outputs of layer ${l}.`}`),
      a, this.words(`Then ${t.activation.kind === 'linear' ? 'z is passed on unchanged' : `${act} turns each z into the neuron's output a`}${l === L - 1 ? ': this is the network\'s prediction ŷ.' : ', which the next layer reads.'}`)];
  }

  loss(look) {
    const bp = look.step.backprop;
    const yhat = () => {
      const node = m('mover', mi('y'), mo('^'));
      node.setAttribute('accent', 'true');
      return node;
    };
    const y = column(bp.target, (r) => ({ q: 'y', unit: r }));
    const pred = units(bp.output, 'yhat()', bp.layers.length - 1);
    const value = num(bp.sample_loss, { q: 'loss' });
    let formula;
    let words;
    switch (bp.loss.kind) {
      case 'binary_cross_entropy':
        formula = row(mo('−'), mo('['), mi('y'), mi('ln'), yhat(), mo('+'), row(mo('('), m('mn', '1'), mo('−'), mi('y'), mo(')')), mi('ln'), row(mo('('), m('mn', '1'), mo('−'), yhat(), mo(')')), mo(']'));
        words = `Binary cross-entropy: the surprise of the predicted probability ŷ = ${fmt(bp.output[0])} at the true label y = ${fmt(bp.target[0])}. It is 0 for a sure right answer and grows without bound for a sure wrong one.`;
        break;
      case 'categorical_cross_entropy':
        formula = row(mo('−'), m('munder', mo('∑'), mi('k')), sub(mi('y'), mi('k')), mi('ln'), sub(yhat(), mi('k')));
        words = 'Categorical cross-entropy: minus the log of the probability the network gives the true class.';
        break;
      case 'mean_squared_error':
        formula = row(m('mfrac', m('mn', '1'), mi('n')), m('munder', mo('∑'), mi('k')), sup(row(mo('('), sub(yhat(), mi('k')), mo('−'), sub(mi('y'), mi('k')), mo(')')), m('mn', '2')));
        words = 'Mean squared error: the squared distance between prediction and target.';
        break;
      case 'mean_absolute_error':
        formula = row(m('mfrac', m('mn', '1'), mi('n')), m('munder', mo('∑'), mi('k')), mo('|'), sub(yhat(), mi('k')), mo('−'), sub(mi('y'), mi('k')), mo('|'));
        words = 'Mean absolute error: the distance between prediction and target.';
        break;
      default:
        formula = row(mi('huber'), row(mo('('), yhat(), mo('−'), mi('y'), mo(')')));
        words = 'Huber loss: squared for small misses, linear for large ones.';
    }
    const parts = [math('the loss', mi('L'), eq(), formula, eq(), value),
      math('prediction and target', yhat(), eq(), pred, mtext('  '), mi('y'), eq(), y),
      this.words(words)];
    if (bp.penalty > 0) parts.push(math('with the penalty', mi('L'), mo('+'), mi('R'), mo('('), mi('W'), mo(')'), eq(), num(bp.total_loss, { q: 'total' })),
      this.words(`The weight penalty adds ${fmt(bp.penalty)}: a step on this point alone minimises ${fmt(bp.total_loss)}.`));
    return parts;
  }

  delta(look, l) {
    const bp = look.step.backprop;
    const t = bp.layers[l];
    const L = bp.layers.length;
    const dz = partial(sym('z', l + 1));
    const fprime = row(sup(mi('f'), mo('′')), row(mo('('), sym('z', l + 1), mo(')')));
    const deltaCol = units(t.delta, 'delta', l);
    if (l === L - 1 && bp.loss_reads_logits) {
      const yhat = m('mover', mi('y'), mo('^'));
      yhat.setAttribute('accent', 'true');
      return [math('delta of the output layer', sym('δ', l + 1), eq(), dz, eq(), yhat, mo('−'), mi('y'), eq(), units(t.a, 'a', l), mo('−'), column(bp.target, (r) => ({ q: 'y', unit: r })), eq(), deltaCol),
        this.words(`Backpropagation starts at the output. δ is how much the loss changes when z of a neuron changes. For ${t.activation.kind === 'softmax' ? 'softmax' : 'a sigmoid'} output with cross-entropy the chain rule collapses to prediction minus target: δ = ${t.delta.map(fmt).join(', ')}.`)];
    }
    if (l === L - 1) {
      return [math('delta of the output layer', sym('δ', l + 1), eq(), partial(sym('a', l + 1)), mo('⊙'), fprime, eq(), units(t.grad_a, 'grad_a', l), mo('⊙'), units(t.derivative, 'fprime', l), eq(), deltaCol),
        this.words('Backpropagation starts at the output: the loss\'s slope with respect to the prediction, times the slope of the output activation at z (⊙ multiplies entry by entry).')];
    }
    const above = bp.layers[l + 1];
    const wT = matrix(above.in_dim, above.out_dim, (r, c) => above.weights[r * above.out_dim + c], (r, c) => ({ q: 'W', layer: l + 1, in: r, unit: c }));
    const back = math(`error sent back to layer ${l + 1}`, partial(sym('a', l + 1)), eq(), sup(sym('W', l + 2), mi('T')), sym('δ', l + 2), eq(), wT, units(above.delta, 'delta', l + 1), eq(), units(t.grad_a, 'grad_a', l));
    const d = math(`delta of layer ${l + 1}`, sym('δ', l + 1), eq(), partial(sym('a', l + 1)), mo('⊙'), fprime, eq(), units(t.grad_a, 'grad_a', l), mo('⊙'), units(t.derivative, 'fprime', l), eq(), deltaCol);
    const weakest = t.derivative.reduce((k, v, i, arr) => (Math.abs(v) < Math.abs(arr[k]) ? i : k), 0);
    return [back, this.words(`The chain rule: layer ${l + 2}'s errors δ travel back along the same links, each weighted by its weight (Wᵀ δ). That says how much the loss changes with each output a of layer ${l + 1}.`),
      d, this.words(`Each is multiplied by the slope of ${actName(t.activation)} at the neuron's z: a flat slope (neuron ${weakest + 1}: ${fmt(t.derivative[weakest])}) lets little error through — this is how gradients vanish.`)];
  }

  grad(look, l) {
    const bp = look.step.backprop;
    const t = bp.layers[l];
    const gw = math(`weight gradient of layer ${l + 1}`, partial(sym('W', l + 1)), eq(), sym('δ', l + 1), sup(sym('a', l), mi('T')), eq(),
      units(t.delta, 'delta', l), rowVector(t.input, (c) => ({ q: 'ain', layer: l, in: c })), eq(), kernel(t.grad_weights, t.in_dim, t.out_dim, 'gradW', l));
    const gb = math(`bias gradient of layer ${l + 1}`, partial(sym('b', l + 1)), eq(), sym('δ', l + 1), eq(), units(t.grad_biases, 'gradb', l));
    const parts = [gw, this.words(`A weight's gradient is the error δ of the neuron it feeds times the value a that flows through it: a link that carried nothing (a = 0) gets no blame.${t.penalty ? ` The ${t.penalty.regularization.kind.toUpperCase()} penalty adds its own pull towards 0 to every weight.` : ''}`),
      gb, this.words('A bias is a weight on a constant input 1, so its gradient is δ itself.')];
    return parts;
  }

  update(look, l) {
    const up = look.step.update;
    const u = up.layers[l];
    const t = look.step.backprop.layers[l];
    const opt = up.optimizer;
    const eta = () => num(up.learning_rate, { q: 'lr' });
    const parts = [];
    const groups = [
      { name: 'W', g: u.weights, view: (v, q) => kernel(v, t.in_dim, t.out_dim, q, l) },
      { name: 'b', g: u.biases, view: (v, q) => units(v, q, l) },
    ];
    for (const { name, g, view } of groups) {
      const P = () => sym(name, l + 1);
      const grad = () => sub(mi('g'), mi(name));
      const state = (kind) => g.state.find((s) => s.kind === kind);
      const larr = () => mo('←');
      const gq = name === 'W' ? 'gUsedW' : 'gUsedb';
      const nq = name === 'W' ? 'Wnew' : 'bnew';
      const oq = name === 'W' ? 'Wold' : 'bold';
      switch (opt.kind) {
        case 'sgd':
          parts.push(math(`${name} update`, P(), larr(), P(), mo('−'), mi('η'), partial(P()), eq(), view(g.before, oq), mo('−'), eta(), mo('·'), view(g.gradient, gq), eq(), view(g.after, nq)));
          break;
        case 'momentum':
        case 'nesterov': {
          const v = state('velocity');
          const mu = num(opt.momentum, { q: 'mu' });
          parts.push(math(`${name} velocity`, sub(mi('v'), mi(name)), larr(), mi('μ'), sub(mi('v'), mi(name)), mo('+'), grad(), eq(), mu, mo('·'), view(v.before, `v${name}old`), mo('+'), view(g.gradient, gq), eq(), view(v.after, `v${name}`)));
          if (opt.kind === 'momentum') parts.push(math(`${name} update`, P(), larr(), P(), mo('−'), mi('η'), sub(mi('v'), mi(name)), eq(), view(g.before, oq), mo('−'), eta(), mo('·'), view(v.after, `v${name}`), eq(), view(g.after, nq)));
          else parts.push(math(`${name} update`, P(), larr(), P(), mo('−'), mi('η'), row(mo('('), grad(), mo('+'), mi('μ'), sub(mi('v'), mi(name)), mo(')')), eq(), view(g.after, nq)));
          break;
        }
        case 'adam':
        case 'adam_w': {
          const m1 = state('first_moment');
          const m2 = state('second_moment');
          const h1 = state('first_moment_corrected');
          const h2 = state('second_moment_corrected');
          const bc = up.bias_correction;
          const b1 = num(opt.beta1, { q: 'beta1' });
          const b2 = num(opt.beta2, { q: 'beta2' });
          const hat = (x) => {
            const node = m('mover', sub(mi(x), mi(name)), mo('^'));
            node.setAttribute('accent', 'true');
            return node;
          };
          parts.push(math(`${name} first moment`, sub(mi('m'), mi(name)), larr(), sub(mi('β'), m('mn', '1')), sub(mi('m'), mi(name)), mo('+'), row(mo('('), m('mn', '1'), mo('−'), sub(mi('β'), m('mn', '1')), mo(')')), grad(), eq(),
            b1, mo('·'), view(m1.before, `m${name}old`), mo('+'), num(1 - opt.beta1), mo('·'), view(g.gradient, gq), eq(), view(m1.after, `m${name}`)));
          parts.push(math(`${name} second moment`, sub(mi('v'), mi(name)), larr(), sub(mi('β'), m('mn', '2')), sub(mi('v'), mi(name)), mo('+'), row(mo('('), m('mn', '1'), mo('−'), sub(mi('β'), m('mn', '2')), mo(')')), sup(grad(), m('mn', '2')), eq(),
            b2, mo('·'), view(m2.before, `v${name}old`), mo('+'), num(1 - opt.beta2), mo('·'), mtext('(…)²'), eq(), view(m2.after, `v${name}`)));
          parts.push(math(`${name} bias corrections`, hat('m'), eq(), m('mfrac', sub(mi('m'), mi(name)), row(m('mn', '1'), mo('−'), sup(sub(mi('β'), m('mn', '1')), mi('t')))), eq(), view(h1.after, `mhat${name}`), mtext('   '),
            hat('v'), eq(), m('mfrac', sub(mi('v'), mi(name)), row(m('mn', '1'), mo('−'), sup(sub(mi('β'), m('mn', '2')), mi('t')))), eq(), view(h2.after, `vhat${name}`)));
          const decay = opt.kind === 'adam_w' ? [mo('−'), mi('η'), mi('λ'), P()] : [];
          parts.push(math(`${name} update`, P(), larr(), P(), mo('−'), mi('η'), m('mfrac', hat('m'), row(m('msqrt', hat('v')), mo('+'), mi('ε'))), ...decay, eq(), view(g.after, nq)));
          if (name === 'W') parts.push(this.words(`Step t = ${up.step}: 1 − β₁ᵗ = ${fmt(bc.first)} and 1 − β₂ᵗ = ${fmt(bc.second)}. Adam's m and v start at 0, so in the first steps they are too small; dividing by these corrections fixes that.`));
          break;
        }
        default: {
          const s = g.state[0];
          parts.push(math(`${name} state`, mi('s'), larr(), mi('s'), mo('+'), sup(grad(), m('mn', '2')), eq(), view(s.after, `s${name}`)));
          parts.push(math(`${name} update`, P(), larr(), P(), mo('−'), mi('η'), m('mfrac', grad(), row(m('msqrt', mi('s')), mo('+'), mi('ε'))), eq(), view(g.after, nq)));
        }
      }
    }
    const words = {
      sgd: `Plain gradient descent: every weight moves against its gradient, by the learning rate η = ${fmt(up.learning_rate)} times the gradient.`,
      momentum: `Momentum keeps a velocity v, a running sum of past gradients (μ = ${fmt(opt.momentum)} of the old one plus the new gradient), and moves the weights along it: steps grow along a steady slope and cancel out when the gradient zig-zags.`,
      nesterov: 'Nesterov momentum: like momentum, but the step looks ahead along the velocity.',
      adam: `Adam keeps two running averages per weight: m of the gradient and v of its square. The step is m̂ / (√v̂ + ε) times η = ${fmt(up.learning_rate)}: about η in size for every weight, whatever the gradient's scale.`,
      adam_w: 'AdamW: Adam, plus a decay that shrinks every weight a little towards 0.',
    }[opt.kind] || 'The optimizer divides each gradient by the square root of its running sum of squares, so weights with large gradients take smaller steps.';
    parts.push(this.words(words));
    if (up.clipping && up.clipping.clipped) parts.push(this.words(`The whole gradient's length ${fmt(up.clipping.norm)} was above the clipping limit ${fmt(up.clipping.max_norm)}, so it was scaled down to that length first (the g shown is after clipping).`));
    if (up.gradient_scale !== 1) parts.push(this.words(`The trainer scales its loss by ${fmt(up.gradient_scale)}, so g is ∂L/∂W times ${fmt(up.gradient_scale)}.`));
    return parts;
  }
}
