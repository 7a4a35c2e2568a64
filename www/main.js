// Entry point of the page: takes the training worker and the wasm module that boot.js started
// (this thread needs the module for the option lists; the worker gets it compiled), then hands
// over to the Page, which owns all of the page's state. The main thread only draws frames the
// worker computed and forwards clicks; it never trains.
import { initialQuery } from './url.js';
import { Page } from './page.js';
import { loading, startWorker, worker } from './boot.js';

let loaded;
try {
  loaded = await loading;
  if (loaded.fallback) console.warn(loaded.fallback);
} catch (err) {
  const box = document.getElementById('message');
  box.textContent = `The playground could not start its WebAssembly module (${err && err.message ? err.message : err}). Build it with ./scripts/serve.sh.`;
  box.className = 'message error';
  box.hidden = false;
  throw err;
}

performance.mark('nnplay-wasm-ready');
const page = new Page(loaded, worker, startWorker);
// For the browser tests and benchmarks, and for poking around in the console.
window.nnplay = {
  page,
  network: page.network,
  plane: page.plane,
  chart: page.chart,
  gallery: page.gallery,
  options: page.options,
  stats: () => page.stats(),
};
page.start(initialQuery());
