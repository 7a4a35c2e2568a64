// Small builders of MathML (which Chromium renders natively) for the teaching tools: numbers
// rounded to four significant digits with their full value kept in data-value, vectors and
// matrices as <mtable> with large ones cut down to a corner and ⋯, and the symbols with
// super- and subscripts. Only DOM building: every number comes from Rust.

const NS = 'http://www.w3.org/1998/Math/MathML';
/** Rows or columns beyond which a matrix is shown as its first MAX_SHOWN − 1, ⋯ and its last. */
export const MAX_SHOWN = 6;

/** A MathML element with text or children. */
export function m(tag, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const c of children) {
    if (c == null || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

export const mi = (t) => m('mi', t);
export const mo = (t) => m('mo', t);
export const mtext = (t) => m('mtext', t);
export const row = (...c) => m('mrow', ...c);
export const sup = (base, s) => m('msup', base, s);
export const sub = (base, s) => m('msub', base, s);

/** A whole formula on a line of its own (a <div> holding inline math, so it sits at the left). */
export function math(label, ...children) {
  const node = m('math', row(...children));
  if (label) node.setAttribute('aria-label', label);
  const line = document.createElement('div');
  line.className = 'formula';
  line.append(node);
  return line;
}

/** A number in text: four significant digits, a true minus sign, 1.2e−5 for tiny and huge values. */
export function fmt(v) {
  if (v == null || Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s;
  if (a >= 1e-3 && a < 1e5) s = String(Number(v.toPrecision(4)));
  else {
    const [mant, exp] = v.toExponential(2).split('e');
    s = `${Number(mant)}e${Number(exp)}`;
  }
  return s.replace(/-/g, '−');
}

/**
 * One number as <mn> (×10^k written out for tiny and huge values). `data` goes onto the element
 * as data-* attributes, with the full value in data-value, so tests can read what is shown.
 */
export function num(v, data = {}) {
  let node;
  const a = Math.abs(v);
  if (Number.isFinite(v) && v !== 0 && (a < 1e-3 || a >= 1e5)) {
    const [mant, exp] = v.toExponential(2).split('e');
    node = row(m('mn', String(Number(mant)).replace('-', '−')), mo('×'), sup(m('mn', '10'), m('mn', String(Number(exp)).replace('-', '−'))));
  } else {
    node = m('mn', fmt(v));
  }
  node.dataset.value = String(v);
  for (const [k, val] of Object.entries(data)) node.dataset[k] = String(val);
  return node;
}

/** Which indices of `n` to show: all, or the first MAX_SHOWN − 2, a gap (null) and the last. */
function shown(n) {
  if (n <= MAX_SHOWN) return [...Array(n).keys()];
  return [...Array(MAX_SHOWN - 2).keys(), null, n - 1];
}

/** Brackets drawn by CSS (`mtable.mat`): stretchy fences need a math font the system may lack. */
function bracket(table) {
  table.setAttribute('class', 'mat');
  return table;
}

/**
 * A matrix of `rows`×`cols`: `at(r, c)` gives the value and `data(r, c)` its data attributes.
 * Large matrices lose their middle rows and columns to ⋮ and ⋯.
 */
export function matrix(rows, cols, at, data = () => ({})) {
  const table = m('mtable');
  for (const r of shown(rows)) {
    const tr = m('mtr');
    for (const c of shown(cols)) {
      let cell;
      if (r == null && c == null) cell = mo('⋱');
      else if (r == null) cell = mo('⋮');
      else if (c == null) cell = mo('⋯');
      else cell = num(at(r, c), data(r, c));
      tr.append(m('mtd', cell));
    }
    table.append(tr);
  }
  return bracket(table);
}

/** A column vector. */
export function column(values, data = () => ({})) {
  return matrix(values.length, 1, (r) => values[r], (r) => data(r));
}

/** A row vector (a transposed column). */
export function rowVector(values, data = () => ({})) {
  return matrix(1, values.length, (_, c) => values[c], (_, c) => data(c));
}

/** A symbol with an optional layer superscript: W⁽²⁾ written as W with a superscript (2). */
export function sym(name, layer, { hat = false } = {}) {
  let base = mi(name);
  if (hat) {
    base = m('mover', mi(name), mo('^'));
    base.setAttribute('accent', 'true');
  }
  if (layer == null) return base;
  return sup(base, row(mo('('), m('mn', String(layer)), mo(')')));
}

/** ∂L/∂X as a fraction. */
export function partial(of) {
  return m('mfrac', row(mo('∂'), mi('L')), row(mo('∂'), of));
}
