// The data set picker: one thumbnail per data set (the generated sets show their own points,
// computed in the worker), one tile per family of K-class sets with a class-count slider, and
// tiles for drawing points by hand and for importing a CSV file.
import { el } from './tooltip.js';
import { mix } from './plane.js';

const FAMILY = /^(spirals|blobs)(\d+)$/;
const GLYPHS = {
  digits: ['8×8', 'digits'],
  mnist: ['28²', 'mnist'],
  iris: ['✿', 'iris'],
};

export class DatasetPicker {
  /**
   * @param {object} opts
   * @param {(pick: {kind: 'dataset'|'draw'|'csv', token?: string}) => void} opts.onPick
   */
  constructor({ options, onPick }) {
    this.options = options;
    this.onPick = onPick;
    this.root = document.getElementById('datasets');
    this.classesField = document.getElementById('classes-field');
    this.classes = document.getElementById('classes');
    this.classesOut = document.getElementById('classes-value');
    this.tiles = new Map();
    this.families = new Map();
    this.build();
    this.classes.addEventListener('input', () => {
      this.classesOut.textContent = this.classes.value;
    });
    this.classes.addEventListener('change', () => {
      const fam = this.currentFamily;
      if (fam) this.onPick({ kind: 'dataset', token: `${fam}${this.classes.value}` });
    });
  }

  build() {
    const frag = document.createDocumentFragment();
    for (const d of this.options.datasets) {
      const m = d.token.match(FAMILY);
      const key = m ? m[1] : d.token;
      if (m) {
        const fam = this.families.get(key) || { min: Infinity, max: 0, first: d };
        fam.min = Math.min(fam.min, Number(m[2]));
        fam.max = Math.max(fam.max, Number(m[2]));
        this.families.set(key, fam);
        if (this.tiles.has(key)) continue;
      }
      const title = m ? `${key === 'spirals' ? 'Spiral arms' : 'Blobs'}, 3 to 6 classes: ${d.description}` : `${d.token}: ${d.description}`;
      const tile = el('button', { type: 'button', class: 'ds', role: 'radio', 'aria-checked': 'false', title, 'data-token': key, 'aria-label': key });
      const glyph = GLYPHS[d.token];
      if (glyph) tile.append(el('span', { class: 'glyph' }, glyph[0], el('small', {}, glyph[1])));
      else tile.append(el('canvas', { width: 64, height: 64 }));
      tile.addEventListener('click', () => {
        const fam = this.families.get(key);
        const token = fam ? `${key}${this.classes.value >= fam.min && this.classes.value <= fam.max ? this.classes.value : fam.min}` : d.token;
        this.onPick({ kind: 'dataset', token });
      });
      this.tiles.set(key, tile);
      frag.append(tile);
    }
    const draw = el('button', { type: 'button', class: 'ds', role: 'radio', 'aria-checked': 'false', 'data-token': 'draw', 'aria-label': 'draw',
      title: 'Draw your own data: place labelled points by clicking on the output plot' }, el('span', { class: 'glyph' }, '✎', el('small', {}, 'draw')));
    draw.addEventListener('click', () => this.onPick({ kind: 'draw' }));
    const csv = el('button', { type: 'button', class: 'ds', role: 'radio', 'aria-checked': 'false', 'data-token': 'csv', 'aria-label': 'csv',
      title: 'Your own table: import a CSV file (one row per sample, one column to predict)' }, el('span', { class: 'glyph' }, '⇪', el('small', {}, 'csv')));
    csv.addEventListener('click', () => this.onPick({ kind: 'csv' }));
    this.tiles.set('draw', draw);
    this.tiles.set('csv', csv);
    frag.append(draw, csv);
    this.root.replaceChildren(frag);
  }

  /** Marks the current data set; `source` is generated, points or csv. */
  select(token, source) {
    const m = token.match(FAMILY);
    const key = source === 'points' ? 'draw' : source === 'csv' ? 'csv' : m ? m[1] : token;
    for (const [k, tile] of this.tiles) tile.setAttribute('aria-checked', String(k === key));
    this.currentFamily = source === 'generated' && m ? m[1] : null;
    this.classesField.hidden = !this.currentFamily;
    if (m) {
      const fam = this.families.get(m[1]);
      this.classes.min = fam.min;
      this.classes.max = fam.max;
      this.classes.value = m[2];
      this.classesOut.textContent = m[2];
    }
  }

  /** Draws each generated set's points into its tile (computed once in the worker). */
  setPreviews(previews) {
    const { palette, regression_colors: rc } = this.options;
    for (const [token, p] of Object.entries(previews)) {
      const m = token.match(FAMILY);
      const key = m ? m[1] : token;
      if (m && Number(m[2]) !== 3) continue;
      const tile = this.tiles.get(key);
      const canvas = tile && tile.querySelector('canvas');
      if (!canvas) continue;
      const ctx = canvas.getContext('2d');
      const s = canvas.width;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, s, s);
      const pts = p.points;
      let scale = 1e-6;
      for (let i = 2; i < pts.length; i += 3) scale = Math.max(scale, Math.abs(pts[i]));
      if (p.task !== 'regression') scale = 1;
      for (let i = 0; i + 2 < pts.length; i += 3) {
        const x = ((pts[i] + 6) / 12) * s;
        const y = ((6 - pts[i + 1]) / 12) * s;
        const v = pts[i + 2] / scale;
        ctx.fillStyle = p.task === 'regression'
          ? (v >= 0 ? mix(rc.zero, rc.positive, Math.min(1, v)) : mix(rc.zero, rc.negative, Math.min(1, -v)))
          : palette[Math.round(v) % palette.length];
        ctx.beginPath();
        ctx.arc(x, y, 2.2, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
}
