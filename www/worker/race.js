// The optimizer race in the worker. While the race panel is open, the race trains *in addition
// to* the main network and in lock-step with it: after every training step of the session the
// race steps its lanes the same number of mini-batches (the step hook), so ▶, ⏭, "one
// mini-batch", the speed setting and the stop rules of the top bar drive the race too, and the
// main network is the race's reference. All training is Rust's (`Race` in src/web/race.rs).
// Each frame adds every lane's boundary (small, RGBA) to the frame message, and posts the
// lanes' new epoch records as a separate `race` message: the page draws only the newest frame,
// but it handles every message, so no record is lost.
import { errorMessage, parse } from './common.js';
import { registerTool } from './tools.js';

/** Lane boundaries are small multiples: 64² pixels each, scaled up by CSS. */
const LANE_RES = 64;


/** The race beside a session: { race, id, sent } (records the page has been sent). */
const races = new WeakMap();
let nextId = 1;

/** The session's race, started (again) when there is none or the session changed under it. */
function raceOf(s) {
  let r = races.get(s);
  if (r && !r.race.is_stale(s.pg)) return r;
  if (r) r.race.free();
  r = { race: s.wasm.Race.start(s.pg), id: nextId++, sent: 0, presets: parse(s.wasm.race_presets_json()) };
  races.set(s, r);
  return r;
}

registerTool('race', {
  handlers: {
    /** The panel has no records (it was just built): send them all again. */
    race_resync(s) {
      const r = races.get(s);
      if (r) r.sent = 0;
      s.refresh();
    },
    /** The panel's "Restart race" button: the lanes start again from the start weights. */
    race_restart(s) {
      const r = races.get(s);
      if (r) r.race.free();
      races.delete(s);
      s.refresh();
    },
  },
  step(s, batches) {
    const r = raceOf(s);
    r.race.step(s.pg, batches);
  },
  frame(s, msg, transfer) {
    let r;
    try {
      r = raceOf(s);
    } catch (err) {
      self.postMessage({ type: 'race', error: errorMessage(err) });
      return;
    }
    const records = r.race.records();
    if (r.sent < records || r.sent === 0) {
      const report = parse(r.race.report_json(r.sent));
      self.postMessage({ type: 'race', id: r.id, from: r.sent, report, presets: r.sent === 0 ? r.presets : undefined });
      r.sent = records;
    }
    if (!s.state || !s.state.has_plane) return;
    const images = [];
    for (let lane = 0; lane < r.race.lanes(); lane++) {
      const rgba = r.race.render_lane(s.pg, lane, LANE_RES);
      images.push(rgba);
      transfer.push(rgba.buffer);
    }
    msg.race = { id: r.id, res: LANE_RES, images };
  },
});
