// Paints the network's links (colour = sign of the weight, width and opacity = its size) into a
// 2-D context. The same painter runs in links-worker.js on an OffscreenCanvas, so rasterising
// thousands of anti-aliased curves never blocks the page, and on the page itself where a
// browser cannot hand a canvas to a worker.

/** Above this many links, hairlines whose opacity carries the size (see paint). */
export const DENSE_LINKS = 600;
/** Links drawn at most, the strongest: plenty to read a big graph, and bounds a redraw's cost. */
export const MAX_DRAWN = 2500;
/** Links fainter than this share of the largest weight are skipped in dense graphs. */
const FAINT = 0.05;

/**
 * The geometry of every link, packed for a worker. `ends` holds x0, y0, x1, y1 per link (CSS
 * pixels); `index[i] ≥ 0` is the link's position in the flat parameter vector, and a negative
 * `index[i] = −1 − col` marks a bundle of image inputs into unit `col` of the first layer,
 * drawn with the mean of that column of `block` = { offset, inDim, outDim }.
 */
export function packLinks(links, block) {
  const ends = new Float32Array(links.length * 4);
  const index = new Int32Array(links.length);
  links.forEach((k, i) => {
    ends.set([k.x0, k.y0, k.x1, k.y1], i * 4);
    index[i] = k.param;
  });
  return { ends, index, block };
}

/** The value a link stands for: its weight, or 8 × the mean weight of a bundle of inputs. */
export function linkValue(params, index, block) {
  if (index >= 0) return params[index];
  const col = -1 - index;
  let s = 0;
  for (let r = 0; r < block.inDim; r++) s += params[block.offset + r * block.outDim + col];
  return (8 * s) / Math.max(1, block.inDim);
}

/** Draws one cubic link with horizontal tangents at both ends. */
export function curve(ctx, x0, y0, x1, y1) {
  const mx = (x0 + x1) / 2;
  ctx.moveTo(x0, y0);
  ctx.bezierCurveTo(mx, y0, mx, y1, x1, y1);
}

/** Opacity levels of the batched hairlines of a dense graph. */
const LEVELS = 8;
/** In dense graphs, links above this share of the largest weight are also drawn wider. */
const STRONG = 0.6;

/**
 * Clears the context (W × H CSS pixels at `dpr`) and strokes the links for `params`: colour is
 * the sign, width and opacity the size relative to the largest weight, strongest on top.
 * Returns the number of links drawn.
 *
 * Dense graphs are drawn as hairlines, one path per sign and opacity level: a CPU rasteriser
 * draws 1-pixel curves much faster than wider ones, and a few large strokes much faster than
 * thousands of small ones. Only the strongest links get a wider stroke of their own on top.
 */
export function paint(ctx, { W, H, dpr, ends, index, block, colors, lineScale = 1 }, params) {
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  const n = index.length;
  if (!params || !n) return 0;
  const values = new Float32Array(n);
  let maxAbs = 0.5;
  for (let i = 0; i < n; i++) {
    const w = linkValue(params, index[i], block);
    values[i] = w;
    maxAbs = Math.max(maxAbs, Math.abs(w));
  }
  const dense = n > DENSE_LINKS;
  let order = [];
  for (let i = 0; i < n; i++) if (!dense || Math.abs(values[i]) / maxAbs >= FAINT) order.push(i);
  order.sort((a, b) => Math.abs(values[a]) - Math.abs(values[b]));
  if (order.length > MAX_DRAWN) order = order.slice(order.length - MAX_DRAWN);
  const at = (i) => [ends[i * 4], ends[i * 4 + 1], ends[i * 4 + 2], ends[i * 4 + 3]];
  ctx.lineCap = 'round';
  if (dense) {
    const paths = Array.from({ length: 2 * LEVELS }, () => new Path2D());
    for (const i of order) {
      const mag = Math.min(1, Math.abs(values[i]) / maxAbs);
      const level = Math.min(LEVELS - 1, Math.floor(mag * LEVELS));
      curve(paths[(values[i] >= 0 ? 0 : LEVELS) + level], ...at(i));
    }
    ctx.lineWidth = lineScale;
    for (let level = 0; level < LEVELS; level++) {
      ctx.globalAlpha = 0.15 + (0.85 * (level + 0.5)) / LEVELS;
      ctx.strokeStyle = colors.pos;
      ctx.stroke(paths[level]);
      ctx.strokeStyle = colors.neg;
      ctx.stroke(paths[LEVELS + level]);
    }
  }
  for (const i of order) {
    const w = values[i];
    const mag = Math.min(1, Math.abs(w) / maxAbs);
    if (dense && mag <= STRONG) continue;
    ctx.strokeStyle = w >= 0 ? colors.pos : colors.neg;
    ctx.globalAlpha = dense ? 0.15 + 0.85 * mag : 0.3 + 0.7 * mag;
    ctx.lineWidth = lineScale * (dense ? 1 + 2.5 * (mag - STRONG) : 0.6 + 5 * mag);
    ctx.beginPath();
    curve(ctx, ...at(i));
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  return order.length;
}
