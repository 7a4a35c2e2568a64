// What the training worker sends the page for one frame: the step report, the parameters, the
// RGBA pictures Rust rendered (output plane, every neuron, and when they changed the feature
// thumbnails, the points and the gallery images), the confusion counts and the new history
// rows. Every buffer is a fresh copy and is transferred, not cloned.

import { errorMessage, parse } from './common.js';

const BOUNDARY_RES = 100; // the plot is ≥ 100×100; CSS scales it up smoothly
const NEURON_RES = 32;
export const FEATURE_RES = 32;

/**
 * Builds one frame message from `pg` after a step. `parts` says which rarely changing parts
 * to include (`structure`: the network snapshot and the description; `statics`: points,
 * feature thumbnails, gallery images) and `historyFrom` which history rows the page has.
 * @returns {{ msg: object, transfer: ArrayBuffer[], historyTo: number }}
 */
export function buildFrame(pg, { state, report, error, playing, structure, statics, historyFrom, describe }) {
  const msg = { type: 'frame', report, error, playing };
  const transfer = [];
  const hasPlane = state && state.has_plane;
  const images = state && state.image_side;
  if (structure) {
    msg.snapshot = parse(pg.network_json());
    msg.describe = describe();
  }
  if (statics) {
    msg.points = { train: pg.train_points(), test: pg.test_points(), user: pg.user_points() };
    transfer.push(msg.points.train.buffer, msg.points.test.buffer, msg.points.user.buffer);
    if (hasPlane) {
      try {
        msg.features = { res: FEATURE_RES, rgba: pg.render_features(FEATURE_RES) };
        transfer.push(msg.features.rgba.buffer);
      } catch {
        msg.features = null; // the thumbnails are decoration: the frame goes out without them
      }
    }
    if (images) {
      try {
        msg.gallery = { side: state.image_side, rgba: pg.render_gallery() };
        transfer.push(msg.gallery.rgba.buffer);
      } catch {
        msg.gallery = null;
      }
    }
  }
  msg.params = pg.params();
  transfer.push(msg.params.buffer);
  if (hasPlane) {
    try {
      msg.boundary = { res: BOUNDARY_RES, rgba: pg.render_boundary(BOUNDARY_RES) };
      transfer.push(msg.boundary.rgba.buffer);
      msg.neurons = { res: NEURON_RES, rgba: pg.render_neurons(NEURON_RES) };
      transfer.push(msg.neurons.rgba.buffer);
    } catch (err) {
      msg.error = msg.error || errorMessage(err);
    }
  }
  if (state && state.task !== 'regression') msg.confusion = parse(pg.confusion_json());
  if (images) {
    msg.guesses = pg.gallery_guesses();
    transfer.push(msg.guesses.buffer);
  }
  const len = pg.history_len();
  const from = len < historyFrom ? 0 : historyFrom;
  msg.historyFrom = from;
  msg.history = pg.history(from);
  transfer.push(msg.history.buffer);
  return { msg, transfer, historyTo: len };
}
