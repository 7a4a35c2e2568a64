// Draws the loss chart (train and test loss against epochs, from the history rows Rust
// recorded) into a 2-D canvas context: axes with round tick values, the two curves, a legend
// and, while hovering, a marker with the values there. Drawing only: the numbers are Rust's.
//
// Drawn here with plain canvas calls rather than by plotters in wasm: plotters measures each
// label by laying out an element in the page, a forced layout per label that made a redraw
// cost tens of milliseconds, and the chart is redrawn with every frame while training.

const STRIDE = 6; // [steps, epoch, train_loss, test_loss, train_metric, test_metric]
/** The plot area's margins in CSS pixels: room for the y labels, the x labels and their title. */
export const PLOT = { left: 52, right: 18, top: 8, bottom: 36 };
/** Width of the loss curves in CSS pixels (presenter mode doubles it). */
let curveWidth = 2;
export function setCurveWidth(width) {
  curveWidth = width;
}
const TRAIN = '#0072b2'; // Okabe–Ito blue
const TEST = '#d55e00'; // Okabe–Ito vermillion
const AXIS = '#9aa6ae';
const TEXT = '#1f2a33';
const FONT = '12px system-ui, sans-serif';
/** Losses below this are drawn at this height on the log axis (log 0 is −∞). */
const LOG_FLOOR = 1e-7;

/** About `n` round tick values (1, 2 or 5 × a power of ten apart) covering [lo, hi]. */
function ticks(lo, hi, n) {
  const raw = (hi - lo) / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/**
 * Draws the chart. `history` is the Float32Array of history rows, `width` × `height` the
 * canvas size in CSS pixels (the context already scaled to them), `hoverEpoch` the epoch under
 * the pointer or undefined.
 */
export function drawLossChart(ctx, width, height, history, logScale, hoverEpoch) {
  const rows = Math.floor(history.length / STRIDE);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const area = { x: PLOT.left, y: PLOT.top, w: Math.max(1, width - PLOT.left - PLOT.right), h: Math.max(1, height - PLOT.top - PLOT.bottom) };
  const yOf = (v) => (logScale ? Math.log10(Math.max(v, LOG_FLOOR)) : v);

  // Ranges: at least one epoch wide; linear losses from 0, log losses to whole decades.
  let xMax = 1;
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < rows; r++) {
    const e = history[r * STRIDE + 1];
    if (Number.isFinite(e)) xMax = Math.max(xMax, e);
    for (const c of [2, 3]) {
      const v = history[r * STRIDE + c];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, yOf(v));
        hi = Math.max(hi, yOf(v));
      }
    }
  }
  let yMin;
  let yMax;
  if (!Number.isFinite(lo)) [yMin, yMax] = logScale ? [-3, 0] : [0, 1];
  else if (logScale) [yMin, yMax] = [Math.floor(lo), Math.max(Math.ceil(hi), Math.floor(lo) + 1)];
  else [yMin, yMax] = [0, hi > 0 ? hi * 1.05 : 1];
  const sx = (e) => area.x + (e / xMax) * area.w;
  const sy = (v) => area.y + area.h - ((v - yMin) / (yMax - yMin)) * area.h;

  // Axes, ticks and labels.
  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = AXIS;
  ctx.fillStyle = TEXT;
  ctx.beginPath();
  ctx.moveTo(area.x + 0.5, area.y);
  ctx.lineTo(area.x + 0.5, area.y + area.h + 0.5);
  ctx.lineTo(area.x + area.w, area.y + area.h + 0.5);
  ctx.stroke();
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yTicks = logScale ? ticks(yMin, yMax, Math.min(5, yMax - yMin)).filter((v) => Number.isInteger(v)) : ticks(yMin, yMax, 5);
  for (const v of yTicks) {
    const y = Math.round(sy(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(area.x - 4, y);
    ctx.lineTo(area.x, y);
    ctx.stroke();
    ctx.fillText(logScale ? `1e${v}` : v.toFixed(2), area.x - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of ticks(0, xMax, 5)) {
    const x = Math.round(sx(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, area.y + area.h);
    ctx.lineTo(x, area.y + area.h + 4);
    ctx.stroke();
    ctx.fillText(xMax >= 5 ? v.toFixed(0) : v.toFixed(1), x, area.y + area.h + 6);
  }
  ctx.fillText('epoch', area.x + area.w / 2, area.y + area.h + 20);

  // The curves, at most two points per pixel column so a long run stays cheap to redraw.
  const stride = Math.max(1, Math.ceil(rows / (2 * area.w)));
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y - 2, area.w + 2, area.h + 4);
  ctx.clip();
  ctx.lineWidth = curveWidth;
  ctx.lineJoin = 'round';
  for (const [c, colour] of [[2, TRAIN], [3, TEST]]) {
    ctx.strokeStyle = colour;
    ctx.beginPath();
    let open = false;
    for (let r = 0; r < rows; r = r === rows - 1 ? rows : Math.min(r + stride, rows - 1)) {
      const e = history[r * STRIDE + 1];
      const v = history[r * STRIDE + c];
      if (!Number.isFinite(e) || !Number.isFinite(v)) {
        open = false;
        continue;
      }
      if (open) ctx.lineTo(sx(e), sy(yOf(v)));
      else ctx.moveTo(sx(e), sy(yOf(v)));
      open = true;
    }
    ctx.stroke();
  }
  ctx.restore();

  if (hoverEpoch !== undefined && Number.isFinite(hoverEpoch) && rows) drawHover(ctx, history, rows, hoverEpoch, { sx, sy, yOf, area });
  drawLegend(ctx, area);
}

/** The marker at the hovered epoch: a vertical line, and each loss's point and value. */
function drawHover(ctx, history, rows, epoch, { sx, sy, yOf, area }) {
  let best = -1;
  for (let r = 0; r < rows; r++) {
    const e = history[r * STRIDE + 1];
    if (Number.isFinite(e) && (best < 0 || Math.abs(e - epoch) < Math.abs(history[best * STRIDE + 1] - epoch))) best = r;
  }
  if (best < 0) return;
  const x = sx(history[best * STRIDE + 1]);
  ctx.strokeStyle = 'rgba(0,0,0,0.4)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, area.y);
  ctx.lineTo(x, area.y + area.h);
  ctx.stroke();
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const points = [[2, TRAIN, 'train'], [3, TEST, 'test']]
    .map(([c, colour, name]) => ({ colour, name, v: history[best * STRIDE + c] }))
    .filter((p) => Number.isFinite(p.v))
    .map((p) => ({ ...p, y: sy(yOf(p.v)) }));
  const upper = points.length > 1 && points[1].y < points[0].y ? 1 : 0;
  points.forEach((p, i) => {
    ctx.fillStyle = p.colour;
    ctx.beginPath();
    ctx.arc(x, p.y, 4, 0, 2 * Math.PI);
    ctx.fill();
    // The upper point's value above it, the lower one's below, so the two never overlap.
    const text = `${p.name} ${p.v.toFixed(4)}`;
    const w = ctx.measureText(text).width;
    const ty = i === upper ? p.y - 11 : p.y + 11;
    const tx = x + 8 + w > area.x + area.w ? x - 8 - w : x + 8; // flipped left near the right edge
    ctx.fillStyle = 'rgba(255,255,255,0.8)';
    ctx.fillRect(tx - 2, ty - 8, w + 4, 16);
    ctx.fillStyle = p.colour;
    ctx.fillText(text, tx, ty);
  });
}

/** The two series' names in the upper right corner. */
function drawLegend(ctx, area) {
  const w = 72;
  const h = 40;
  const x = area.x + area.w - w - 6;
  const y = area.y + 4;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(x, y, w, h);
  ctx.strokeStyle = 'rgba(0,0,0,0.3)';
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const [k, colour, name] of [[0, TRAIN, 'train'], [1, TEST, 'test']]) {
    const ly = y + 11 + k * 18;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x + 8, ly);
    ctx.lineTo(x + 24, ly);
    ctx.stroke();
    ctx.fillStyle = TEXT;
    ctx.fillText(name, x + 30, ly);
  }
}
