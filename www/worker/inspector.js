// The backprop inspector's worker side: picks the training point (by index, or the one nearest
// a click on the plane, in Rust) and sends its traced training step; while the panel is open and
// training runs, frames carry a fresh trace of the same point every so often.
import { registerTool } from './tools.js';

/** Shortest time between two traces sent with frames while training. */
const REFRESH_MS = 150;

function trace(s) {
  return JSON.parse(s.pg.inspect_point_json(s.inspectIndex));
}

registerTool('inspector', {
  handlers: {
    inspect_point(s, { index, x1, x2 }) {
      const i = index != null ? index : s.pg.nearest_train_point(x1, x2);
      if (i < 0) return;
      s.inspectIndex = i;
      s.inspectStale = false;
      self.postMessage({ type: 'inspection', inspection: trace(s) });
    },
  },
  step(s) {
    if (s.inspectIndex != null) s.inspectStale = true;
  },
  frame(s, msg) {
    if (!s.inspectStale) return;
    const now = performance.now();
    if (now - (s.inspectSent || 0) < REFRESH_MS && s.playing) return;
    s.inspectStale = false;
    s.inspectSent = now;
    try {
      msg.inspection = trace(s);
    } catch {
      s.inspectIndex = null; // the data changed under the point: the student picks again
    }
  },
});
