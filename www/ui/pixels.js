// Pixel helpers of the network drawing: rectangles, frames and resampled thumbnails written
// straight into one RGBA buffer, colour arithmetic, and the geometry used to find a link under
// the pointer.

/** Little-endian RGBA pixel of a 0xrrggbb colour and an alpha. */
export function rgba32(rgb, alpha) {
  return (alpha << 24) | ((rgb & 0xff) << 16) | (rgb & 0xff00) | ((rgb >> 16) & 0xff);
}

/** Fills the rectangle `box` ({x, y, w, h = w} in buffer pixels) of `out` with a colour. */
export function fill(out, { x, y, w, h = w }, rgb, alpha) {
  const c = rgba32(rgb, alpha);
  const x0 = Math.max(0, x);
  const x1 = Math.min(out.width, x + w);
  for (let r = Math.max(0, y); r < Math.min(out.height, y + h); r++) out.px.fill(c, r * out.width + x0, r * out.width + x1);
}

/** Draws a `t`-pixel frame inside the square `box` of `out`. */
export function frame(out, { x, y, w }, rgb, t) {
  fill(out, { x, y, w, h: t }, rgb, 255);
  fill(out, { x, y: y + w - t, w, h: t }, rgb, 255);
  fill(out, { x, y, w: t, h: w }, rgb, 255);
  fill(out, { x: x + w - t, y, w: t, h: w }, rgb, 255);
}

/** Source pixel spans per target pixel, by (source size, target size); see `spans`. */
const SPANS = new Map();

/**
 * For each of `w` target pixels along one axis of a `res`-pixel source: the two source pixels
 * it blends (lo, hi) and the weight `f` of the second. Enlarging interpolates between the
 * neighbours of the pixel's centre; shrinking averages the first and last source pixels under
 * it (the activation maps are smooth, and a full box filter costs several times more).
 */
export function spans(res, w) {
  const key = res * 65536 + w;
  let t = SPANS.get(key);
  if (t) return t;
  const lo = new Int32Array(w);
  const hi = new Int32Array(w);
  const f = new Int32Array(w); // in 16ths
  const scale = res / w;
  for (let i = 0; i < w; i++) {
    if (scale >= 1) {
      lo[i] = Math.floor(i * scale);
      hi[i] = Math.max(lo[i], Math.min(res, Math.ceil((i + 1) * scale)) - 1);
      f[i] = 8;
    } else {
      const p = Math.min(res - 1, Math.max(0, (i + 0.5) * scale - 0.5));
      lo[i] = Math.floor(p);
      hi[i] = Math.min(res - 1, lo[i] + 1);
      f[i] = Math.round((p - lo[i]) * 16);
    }
  }
  t = { lo, hi, f };
  SPANS.set(key, t);
  return t;
}

/**
 * Copies image `row` of a stack of `res`×`res` RGBA images into the square `box` of `out`
 * (which must hold it whole), resampled as `spans` says.
 */
export function blit(out, { x, y, w }, { pixels, res, row }, alpha) {
  if (w <= 0 || x < 0 || y < 0 || x + w > out.width || y + w > out.height) return;
  const src = new Int32Array(pixels.buffer, pixels.byteOffset, pixels.length >> 2);
  const base = row * res * res;
  const a = alpha << 24;
  const { lo, hi, f } = spans(res, w);
  const px = out.px;
  for (let ty = 0; ty < w; ty++) {
    const line = (y + ty) * out.width + x;
    const top = base + lo[ty] * res;
    const bottom = base + hi[ty] * res;
    const fy = f[ty];
    for (let tx = 0; tx < w; tx++) {
      const fx = f[tx];
      const c00 = src[top + lo[tx]];
      const c01 = src[top + hi[tx]];
      const c10 = src[bottom + lo[tx]];
      const c11 = src[bottom + hi[tx]];
      // Weights in 256ths; red and blue (and green alone) blend as two 16-bit lanes of one number.
      const w00 = (16 - fx) * (16 - fy);
      const w01 = fx * (16 - fy);
      const w10 = (16 - fx) * fy;
      const w11 = fx * fy;
      const rb = (c00 & 0xff00ff) * w00 + (c01 & 0xff00ff) * w01 + (c10 & 0xff00ff) * w10 + (c11 & 0xff00ff) * w11;
      const g = ((c00 >>> 8) & 255) * w00 + ((c01 >>> 8) & 255) * w01 + ((c10 >>> 8) & 255) * w10 + ((c11 >>> 8) & 255) * w11;
      px[line + tx] = a | ((rb >>> 8) & 0xff00ff) | (g & 0xff00);
    }
  }
}

/** "#rrggbb" → 0xrrggbb. */
export function hexToRgb(hex) {
  return Number.parseInt(hex.slice(1), 16);
}

/** The flat parameter vector (layout of Playground.params()) rebuilt from a network snapshot. */
export function flatParams(snapshot) {
  const out = new Float32Array(snapshot.n_params);
  for (const layer of snapshot.layers) {
    out.set(layer.weights, layer.offset);
    out.set(layer.biases, layer.offset + layer.in_dim * layer.out_dim);
  }
  return out;
}

/** A 0xrrggbb colour blended from white by `s` (0 = white, 1 = the colour). */
export function tint(rgb, s) {
  const mix = (c) => Math.round(255 + (c - 255) * s);
  return (mix((rgb >> 16) & 255) << 16) | (mix((rgb >> 8) & 255) << 8) | mix(rgb & 255);
}

/** Squared distance from (x, y) to the segment (ax, ay)–(bx, by). */
export function segmentDistance2(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
  const cx = ax + t * dx - x;
  const cy = ay + t * dy - y;
  return cx * cx + cy * cy;
}
