// Where the points come from, beyond the generated sets: the shipped data files (fetched the
// first time one is chosen, with a progress read-out), points placed by hand on the output plot
// (the draw panel) and a CSV file (the CSV panel). Reads the page's query and state, and sends
// the user's choices to the worker through the page.
import { getValue } from './query.js';
import { el } from './tooltip.js';
import { fmtCount } from './format.js';

const $ = (id) => document.getElementById(id);

export class SourcePanels {
  /** @param {import('../page.js').Page} page */
  constructor(page) {
    this.page = page;
    this.csvPending = false; // the CSV tile was picked and no file is loaded yet
    this.drawLabel = 0; // class (or value) of the next point placed by hand
    this.dataFailed = false; // a data file failed: its message outlives the next config
    this.wire();
  }

  get state() {
    return this.page.state;
  }

  /** The options entry of the data set named in the query. */
  currentSet() {
    return this.page.options.datasets.find((x) => x.token === getValue(this.page.query, 'dataset'));
  }

  /** A tile of the data set picker was clicked. */
  pick(pick) {
    const { page, state } = this;
    if (pick.kind === 'dataset') {
      this.csvPending = false;
      if (state && state.source !== 'generated') page.send({ type: 'use_generated' });
      // Rust decides what else changes: an image set brings its own network, and back.
      page.send({ type: 'set_query', query: page.wasm.switch_dataset(page.query, pick.token) });
    } else if (pick.kind === 'draw') {
      this.csvPending = false;
      // Start from the current 2-D points (editable); "Clear" empties the plot.
      const d = this.currentSet();
      const fromCurrent = Boolean(state && state.source === 'generated' && d && d.plane);
      const classes = fromCurrent ? (d.task === 'regression' ? 0 : d.classes) : 2;
      page.send({ type: 'start_points', classes, fromCurrent });
    } else if (pick.kind === 'csv') {
      this.csvPending = true;
      $('csv-panel').hidden = false;
      $('csv-file').focus();
    }
  }

  /** The panels that fit the session's data source. */
  sync(state) {
    $('draw-panel').hidden = state.source !== 'points';
    if (state.source === 'csv') $('csv-panel').hidden = false;
    else if (!this.csvPending) $('csv-panel').hidden = true;
    if (state.source === 'points') this.syncDrawPanel();
    this.page.plane.setDrawing(state.source === 'points', this.drawLabel);
  }

  /** A frame's error (or the point counts) under the draw panel while placing points. */
  frameStatus(error) {
    const { state } = this;
    if (!state || state.source !== 'points') return;
    const counts = `${fmtCount(state.n_train)} training and ${fmtCount(state.n_test)} test points.`;
    // An empty plane is where drawing starts, not a failure: say what to do instead of the trainer's error.
    if (state.n_train === 0) $('draw-status').textContent = `${counts} Click or tap the plane to add one.`;
    else $('draw-status').textContent = error || counts;
  }

  /** Progress of a shipped data file: `{phase: loading|loaded|failed, dataset, file, loaded, total, message}`. */
  dataProgress({ phase, dataset, file, loaded, total, message }) {
    const box = $('data-status');
    const bar = $('data-progress');
    const kb = (n) => `${fmtCount(Math.round(n / 1024))} KB`;
    if (phase === 'loading') {
      box.hidden = false;
      bar.hidden = false;
      bar.max = total || 1;
      if (total) bar.value = loaded;
      else bar.removeAttribute('value');
      $('data-status-text').textContent = `Loading ${dataset} (data/${file})${total ? `: ${kb(loaded)} of ${kb(total)}` : '…'}`;
      return;
    }
    bar.hidden = true;
    if (phase === 'loaded') {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    $('data-status-text').textContent = `Could not load ${dataset}.`;
    const current = getValue(this.page.query, 'dataset');
    this.dataFailed = true;
    this.page.showMessage(`Could not load the ${dataset} data set from data/${file}: ${message}. ${current ? `The playground keeps training on ${current}.` : 'The playground uses its default data set.'} Try again later, or pick another data set.`);
  }

  csvLoaded(summary) {
    $('csv-summary').textContent = `${fmtCount(summary.rows)} rows · ${summary.feature_names.length} inputs · ${summary.task}${summary.class_names.length ? ` (${summary.class_names.join(', ')})` : ''}`;
    this.page.showMessage(`Loaded the CSV file: ${fmtCount(summary.n_train)} training and ${fmtCount(summary.n_test)} test rows.`, 'ok');
  }

  syncDrawPanel() {
    const { state, page } = this;
    const reg = state.task === 'regression';
    $('draw-kind').value = reg ? '0' : String(Math.max(2, state.classes));
    $('draw-value-field').hidden = !reg;
    $('draw-classes').hidden = reg;
    if (!reg) {
      if (this.drawLabel >= state.classes) this.drawLabel = 0;
      const names = state.class_names.length ? state.class_names : Array.from({ length: state.classes }, (_, k) => String(k));
      const { palette } = page.options;
      $('draw-classes').replaceChildren(...names.map((name, k) => {
        const sw = el('button', { type: 'button', class: 'swatch', role: 'radio', 'aria-checked': String(k === this.drawLabel), title: `New points get class ${name}`, style: `background:${palette[k % palette.length]}` }, String(k));
        sw.addEventListener('click', () => {
          this.drawLabel = k;
          page.plane.setDrawing(true, k);
          this.syncDrawPanel();
        });
        return sw;
      }));
    } else {
      this.drawLabel = Number($('draw-value').value);
    }
  }

  wire() {
    const { page } = this;
    $('draw-kind').addEventListener('change', () => {
      this.drawLabel = 0;
      page.send({ type: 'start_points', classes: Number($('draw-kind').value), fromCurrent: false });
    });
    $('draw-value').addEventListener('input', () => {
      this.drawLabel = Number($('draw-value').value);
      $('draw-value-out').textContent = $('draw-value').value;
      page.plane.setDrawing(true, this.drawLabel);
    });
    $('draw-clear').addEventListener('click', () => page.send({ type: 'clear_points' }));
    $('draw-copy').addEventListener('click', () => {
      // The points of the generated set named in the configuration, as editable points.
      const d = this.currentSet();
      if (!d || !d.plane) {
        page.showMessage('Only the 2-D data sets can be copied as points.');
        return;
      }
      page.send({ type: 'use_generated' });
      page.send({ type: 'start_points', classes: d.task === 'regression' ? 0 : d.classes, fromCurrent: true });
    });
    $('csv-file').addEventListener('change', async () => {
      const file = $('csv-file').files[0];
      if (!file) return;
      const text = await file.text();
      const target = $('csv-target').value.trim();
      const opts = { task: $('csv-task').value, scaling: $('csv-scaling').value };
      if (target) opts.target = /^\d+$/.test(target) ? { index: Number(target) } : { name: target };
      $('csv-summary').textContent = `Reading ${file.name}…`;
      page.send({ type: 'load_csv', text, options: opts });
    });
  }
}
