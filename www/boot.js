// The page's first moves, made before the rest of its modules have loaded: start the training
// worker (it loads its own modules meanwhile) and the download and compilation of the wasm
// module, in parallel. index.html runs this module as soon as it arrives; www/main.js takes over
// both when the page's other modules are in.
import { loadBuild } from './wasm-build.js';

/** A new training worker (the page makes another one if this one gets stuck). */
export const startWorker = () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

export const worker = startWorker();

/** The page's build, loading: `{ build, wasm, module, fallback }` (see wasm-build.js). */
export const loading = loadBuild();
// main.js reports a failure; until it awaits, the rejection is not an unhandled one.
loading.catch(() => {});
