// The output plot: the network's prediction over the input plane (RGBA from Rust, one
// putImageData into a res×res canvas that CSS scales up smoothly), with the training and test
// points, axes, a hover read-out and the tool for placing points by hand drawn on an overlay.
import { fmtWeight } from './format.js';
import { Pacer } from './pace.js';

const DOMAIN = 6; // the plane is [-6, 6]² (WASM_API.md)
const AXIS_LEFT = 26;
const AXIS_BOTTOM = 22;
const BOUNDARY_MS = 16; // the plot follows every frame the worker sends (one putImageData)

export class PlaneView {
  /**
   * @param {object} opts
   * @param {(msg: object) => void} opts.send  forwards point edits and predictions to the worker
   */
  constructor({ options, send }) {
    this.options = options;
    this.send = send;
    this.boundary = document.getElementById('boundary');
    this.overlay = document.getElementById('overlay');
    this.readout = document.getElementById('hover-readout');
    this.points = { train: new Float32Array(), test: new Float32Array(), user: new Float32Array() };
    this.showTest = false;
    this.task = 'binary';
    this.drawing = false;
    this.drawLabel = 0;
    this.drag = null;
    this.hover = null;
    this.predictId = 0;
    this.predictPending = false;
    // A teaching tool that picks points (the backprop inspector) sets `onPick(p)`; `marked`
    // is the point it has picked, ringed on the overlay.
    this.onPick = null;
    this.marked = null;
    this.latest = null; // newest boundary image not painted yet
    this.pacer = new Pacer(BOUNDARY_MS, () => this.paintBoundary(), 'boundary');
    this.overlay.addEventListener('pointerdown', (e) => this.onDown(e));
    this.overlay.addEventListener('pointermove', (e) => this.onMove(e));
    this.overlay.addEventListener('pointerup', (e) => this.onUp(e));
    this.overlay.addEventListener('pointerleave', () => {
      this.hover = null;
      this.readout.textContent = '';
      this.drawOverlay();
    });
    this.overlay.addEventListener('contextmenu', (e) => e.preventDefault());
    // The keyboard's way in: a cursor moved by the arrow keys does what the mouse pointer does.
    this.overlay.tabIndex = 0;
    this.overlay.setAttribute('role', 'application');
    this.overlay.setAttribute('aria-roledescription', 'output plot');
    this.overlay.setAttribute('aria-describedby', 'hover-readout');
    this.labelOverlay();
    this.overlay.addEventListener('keydown', (e) => this.onKey(e));
    this.overlay.addEventListener('focus', () => {
      if (!this.hover) this.moveCursor({ x1: 0, x2: 0, inside: true });
    });
    this.overlay.addEventListener('blur', () => {
      this.hover = null;
      this.drawOverlay();
    });
    new ResizeObserver(() => this.resize()).observe(this.overlay);
  }

  setState(state) {
    this.state = state;
    this.task = state.task;
    this.drawOverlay();
  }

  setPoints(points) {
    this.points = points;
    this.drawOverlay();
  }

  setShowTest(on) {
    this.showTest = on;
    this.drawOverlay();
  }

  setDrawing(on, label) {
    this.drawing = on;
    if (label != null) this.drawLabel = label;
    this.overlay.classList.toggle('placing', on);
    this.labelOverlay();
    this.drawOverlay();
  }

  labelOverlay() {
    const how = this.drawing
      ? 'Arrow keys move the cursor (with Shift, in larger steps); Enter adds a point of the chosen class there; Delete removes the nearest point.'
      : 'Arrow keys move a cursor and the read-out below says what the network predicts there.';
    this.overlay.setAttribute('aria-label', `Output plot: the network's prediction over the plane, with the data points. ${how}`);
  }

  /** Arrow keys move the cursor a quarter unit (Shift: one unit); Enter and Delete edit points. */
  onKey(e) {
    const step = e.shiftKey ? 1 : 0.25;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const at = this.hover && this.hover.inside ? this.hover : { x1: 0, x2: 0 };
    if (moves[e.key]) {
      e.preventDefault();
      const [dx, dy] = moves[e.key];
      this.moveCursor({ x1: clamp(at.x1 + dx), x2: clamp(at.x2 + dy), inside: true });
    } else if ((e.key === 'Enter' || e.key === ' ') && !this.drawing && this.onPick) {
      e.preventDefault();
      this.onPick({ x1: at.x1, x2: at.x2, inside: true });
    } else if ((e.key === 'Enter' || e.key === ' ') && this.drawing) {
      e.preventDefault();
      this.send({ type: 'add_point', x1: at.x1, x2: at.x2, label: this.drawLabel });
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && this.drawing) {
      e.preventDefault();
      this.send({ type: 'remove_near', x1: at.x1, x2: at.x2, maxDistance: 0.6 });
    }
  }

  /** Rust's RGBA image of the output (`{res, rgba}`): painted soon, or `now`. */
  drawBoundary(image, { now = false } = {}) {
    this.latest = image;
    if (now) this.pacer.now();
    else this.pacer.request();
  }

  /** One putImageData of the newest image. */
  paintBoundary() {
    if (!this.latest) return;
    const { res, rgba } = this.latest;
    this.latest = null;
    if (this.boundary.width !== res) {
      this.boundary.width = res;
      this.boundary.height = res;
    }
    this.boundary.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, res * res * 4), res, res), 0, 0);
  }

  resize() {
    const r = this.overlay.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.overlay.width = Math.round(r.width * dpr);
    this.overlay.height = Math.round(r.height * dpr);
    this.dpr = dpr;
    this.cssW = r.width;
    this.cssH = r.height;
    this.drawOverlay();
  }

  /** The plot area inside the overlay (CSS pixels). */
  area() {
    return { x: AXIS_LEFT, y: 0, w: this.cssW - AXIS_LEFT, h: this.cssH - AXIS_BOTTOM };
  }

  toPlane(clientX, clientY) {
    const r = this.overlay.getBoundingClientRect();
    const a = this.area();
    const px = clientX - r.left - a.x;
    const py = clientY - r.top - a.y;
    return { x1: -DOMAIN + (2 * DOMAIN * px) / a.w, x2: DOMAIN - (2 * DOMAIN * py) / a.h, inside: px >= 0 && py >= 0 && px <= a.w && py <= a.h };
  }

  toScreen(x1, x2) {
    const a = this.area();
    return [a.x + ((x1 + DOMAIN) / (2 * DOMAIN)) * a.w, a.y + ((DOMAIN - x2) / (2 * DOMAIN)) * a.h];
  }

  colorOf(y) {
    const { palette, regression_colors: rc } = this.options;
    if (this.task === 'regression') {
      // Rust colours regression values as value / value_scale on the −1…+1 map; so do the points.
      const scale = (this.state && this.state.value_scale) || 1;
      const t = Math.max(-1, Math.min(1, y / scale));
      return t >= 0 ? mix(rc.zero, rc.positive, t) : mix(rc.zero, rc.negative, -t);
    }
    return palette[Math.round(y) % palette.length];
  }

  drawOverlay() {
    if (!this.dpr) return;
    const ctx = this.overlay.getContext('2d');
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.cssW, this.cssH);
    const a = this.area();
    // Axes with ticks every 2 units (like the reference playground: −6 … 6).
    ctx.fillStyle = '#5f6b75';
    ctx.strokeStyle = '#9aa6ae';
    ctx.lineWidth = 1;
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let v = -DOMAIN; v <= DOMAIN; v += 2) {
      const [sx] = this.toScreen(v, 0);
      ctx.beginPath();
      ctx.moveTo(sx, a.y + a.h);
      ctx.lineTo(sx, a.y + a.h + 4);
      ctx.stroke();
      ctx.fillText(String(v), Math.min(Math.max(sx, a.x + 6), a.x + a.w - 6), a.y + a.h + 6);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let v = -DOMAIN; v <= DOMAIN; v += 2) {
      const [, sy] = this.toScreen(0, v);
      ctx.beginPath();
      ctx.moveTo(a.x - 4, sy);
      ctx.lineTo(a.x, sy);
      ctx.stroke();
      ctx.fillText(String(v), a.x - 6, Math.min(Math.max(sy, 6), a.y + a.h - 6));
    }
    if (!this.state || !this.state.has_plane) return;
    const r = Math.max(2.5, Math.min(4.5, a.w / 90));
    const drawSet = (arr, stride, stroke, offset = 0) => {
      for (let i = 0; i + stride - 1 < arr.length; i += stride) {
        const [sx, sy] = this.toScreen(arr[i + offset], arr[i + offset + 1]);
        ctx.beginPath();
        ctx.arc(sx, sy, r, 0, 2 * Math.PI);
        ctx.fillStyle = this.colorOf(arr[i + offset + 2]);
        ctx.fill();
        ctx.strokeStyle = stroke;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    };
    drawSet(this.points.train, 3, '#ffffff');
    // While placing points by hand every point is shown: a hidden half would look lost.
    if (this.showTest || this.drawing) drawSet(this.points.test, 3, '#111111');
    if (this.marked) {
      const [sx, sy] = this.toScreen(this.marked.x1, this.marked.x2);
      ctx.beginPath();
      ctx.arc(sx, sy, r + 4, 0, 2 * Math.PI);
      ctx.strokeStyle = '#c2185b';
      ctx.lineWidth = 2.5;
      ctx.stroke();
    }
    if (this.drag) {
      const [sx, sy] = this.toScreen(this.drag.x1, this.drag.x2);
      ctx.beginPath();
      ctx.arc(sx, sy, r + 3, 0, 2 * Math.PI);
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    if (this.hover && this.hover.inside) {
      const [sx, sy] = this.toScreen(this.hover.x1, this.hover.x2);
      ctx.strokeStyle = 'rgba(20,20,20,0.55)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.arc(sx, sy, this.drawing ? r + 1 : 6, 0, 2 * Math.PI);
      ctx.stroke();
      if (this.drawing) {
        ctx.globalAlpha = 0.6;
        ctx.fillStyle = this.colorOf(this.drawLabel);
        ctx.fill();
        ctx.globalAlpha = 1;
      }
    }
  }

  /** Rings the point `p` ({x1, x2}) a teaching tool has picked, or nothing (null). */
  mark(p) {
    this.marked = p;
    this.overlay.dataset.marked = p ? `${p.x1},${p.x2}` : '';
    this.drawOverlay();
  }

  /** The user point nearest to a plane position within `maxDist` units, from the last list. */
  nearestUser(x1, x2, maxDist) {
    const u = this.points.user;
    let best = null;
    let bestD = maxDist * maxDist;
    for (let i = 0; i + 3 < u.length; i += 4) {
      const d = (u[i + 1] - x1) ** 2 + (u[i + 2] - x2) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = { id: u[i], x1: u[i + 1], x2: u[i + 2] };
      }
    }
    return best;
  }

  onDown(e) {
    // A tap shows what hovering shows: the prediction under the finger.
    if (!this.drawing) {
      this.onMove(e);
      const p = this.toPlane(e.clientX, e.clientY);
      if (this.onPick && p.inside) this.onPick(p);
      return;
    }
    const p = this.toPlane(e.clientX, e.clientY);
    if (!p.inside) return;
    e.preventDefault();
    const grab = 12 / this.area().w * 2 * DOMAIN * 0.5;
    if (e.shiftKey || e.button === 2) {
      this.send({ type: 'remove_near', x1: p.x1, x2: p.x2, maxDistance: Math.max(0.3, grab) });
      return;
    }
    const hit = this.nearestUser(p.x1, p.x2, Math.max(0.2, grab));
    if (hit) {
      this.drag = { id: hit.id, x1: p.x1, x2: p.x2, moved: false };
      this.overlay.setPointerCapture(e.pointerId);
      return;
    }
    this.send({ type: 'add_point', x1: clamp(p.x1), x2: clamp(p.x2), label: this.drawLabel });
  }

  onMove(e) {
    this.moveCursor(this.toPlane(e.clientX, e.clientY));
  }

  /** The pointer or the keyboard's cursor is at `p`: draw it and ask for the prediction there. */
  moveCursor(p) {
    this.hover = p;
    if (this.drag) {
      this.drag.x1 = clamp(p.x1);
      this.drag.x2 = clamp(p.x2);
      this.drag.moved = true;
    }
    this.drawOverlay();
    if (!p.inside || !this.state || !this.state.has_plane) {
      this.readout.textContent = '';
      return;
    }
    if (!this.predictPending) {
      this.predictPending = true;
      this.send({ type: 'predict', x1: p.x1, x2: p.x2, id: ++this.predictId });
    }
  }

  onUp(e) {
    if (!this.drag) return;
    const d = this.drag;
    this.drag = null;
    this.overlay.releasePointerCapture(e.pointerId);
    if (d.moved) this.send({ type: 'move_point', id: d.id, x1: d.x1, x2: d.x2 });
    this.drawOverlay();
  }

  /** The worker's answer to a hover: the network's output at that point. */
  showPrediction({ x1, x2, output }) {
    this.predictPending = false;
    if (!this.hover || !this.hover.inside) return;
    // The cursor moved on while this answer was on its way: ask again for where it is now.
    if (this.hover.x1 !== x1 || this.hover.x2 !== x2) {
      this.predictPending = true;
      this.send({ type: 'predict', x1: this.hover.x1, x2: this.hover.x2, id: ++this.predictId });
    }
    const at = `(${x1.toFixed(2)}, ${x2.toFixed(2)})`;
    const st = this.state;
    if (st.task === 'regression') {
      this.readout.textContent = `${at} → ${fmtWeight(output[0])}`;
    } else if (output.length === 1) {
      this.readout.textContent = `${at} → P(${st.class_names?.[1] ?? 'class 1'}) = ${output[0].toFixed(3)}`;
    } else {
      let k = 0;
      output.forEach((v, i) => {
        if (v > output[k]) k = i;
      });
      this.readout.textContent = `${at} → ${st.class_names?.[k] ?? `class ${k}`} (${(output[k] * 100).toFixed(1)}%)`;
    }
  }
}

function clamp(v) {
  return Math.max(-DOMAIN, Math.min(DOMAIN, v));
}

function hexToRgb(hex) {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Blends two "#rrggbb" colours (for regression point colours and legends). */
export function mix(a, b, t) {
  const ca = hexToRgb(a);
  const cb = hexToRgb(b);
  const c = ca.map((v, i) => Math.round(v + (cb[i] - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
