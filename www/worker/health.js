// The gradient and weight health panel's worker side: while the panel is open, frames carry a
// fresh per-layer sample (measured in Rust) whenever training moved on, at most every SAMPLE_MS
// while it plays, so the page can chart it over time.
import { registerTool } from './tools.js';

const SAMPLE_MS = 100;

function sample(s) {
  try {
    return JSON.parse(s.pg.health_json());
  } catch {
    return null; // no training points (an empty hand-drawn set): nothing to measure yet
  }
}

registerTool('health', {
  handlers: {
    // The panel has just been built (or opened again) and needs the present state at once.
    health_sample(s) {
      self.postMessage({ type: 'health', health: sample(s) });
    },
  },
  frame(s, msg) {
    const steps = msg.report ? msg.report.steps : null;
    const structure = Boolean(msg.snapshot);
    if (!structure && steps === s.healthSteps) return;
    const now = performance.now();
    if (!structure && s.playing && now - (s.healthAt || 0) < SAMPLE_MS) return;
    msg.health = sample(s);
    s.healthSteps = steps;
    s.healthAt = now;
  },
});
