// Number formatting for the page's read-outs (display only; no value is computed here).

/** A loss or score with 3 significant decimals, "—" when missing. */
export function fmtLoss(v) {
  if (v == null || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v !== 0 && Math.abs(v) < 0.001) return v.toExponential(1);
  return v.toFixed(3);
}

/** Accuracy as a percentage, R² as a plain number. */
export function fmtMetric(v, metric) {
  if (v == null || Number.isNaN(v)) return '—';
  return metric === 'accuracy' ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

/** The epoch counter in the playground's 000,000 style. */
export function fmtEpoch(n) {
  const s = String(Math.max(0, Math.floor(n || 0))).padStart(6, '0');
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A weight or bias for a tooltip. */
export function fmtWeight(v) {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}

/** A learning rate shown compactly (0.03, 3e-5). */
export function fmtRate(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  if (v >= 1e-3 && v < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace('.0e', 'e');
}

/** Rounds a positive number to 1, 2, 3 or 5 × 10^k, the values a log slider lands on. */
export function niceRate(v) {
  if (!(v > 0)) return 0;
  const k = Math.floor(Math.log10(v));
  const m = v / 10 ** k;
  const steps = [1, 2, 3, 5, 10];
  let best = steps[0];
  for (const s of steps) if (Math.abs(Math.log(m / s)) < Math.abs(Math.log(m / best))) best = s;
  return Number((best * 10 ** k).toPrecision(2));
}

// One formatter for all counts: `toLocaleString` with a locale builds a new one on every call,
// which the confusion table's hundreds of cells made a few milliseconds per redraw.
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Thousands separators for counts. */
export function fmtCount(n) {
  return COUNT.format(Math.round(n || 0));
}
