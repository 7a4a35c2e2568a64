// The digits lab's worker side (image data sets only): reads the drawing pad and picked test
// images through Rust, and adds the first layer's weight tiles and the misclassified test
// images to frames, every TILE_MS / MISTAKES_MS at most while training plays (every frame
// that is sent while paused, since then only a change sends one).

const TILE_MS = 250;
const MISTAKES_MS = 500;
/** Misclassified test images per frame: two rows of the page's strip. */
const MISTAKES = 16;
/** Tiles per row of the weight picture: 16 keeps 256 MNIST units a 464-pixel square. */
const TILE_COLUMNS = 16;

const post = (msg, transfer = []) => self.postMessage(msg, transfer);

export const digitsHandlers = {
  /** The lab was just built: send its parts in the next frame. */
  lab_refresh(s) {
    s.tilesAt = 0;
    s.mistakesAt = 0;
    s.refresh();
  },
  /** The pad's grey pixels (Uint8Array, side × side): the probabilities and what the network sees. */
  pad_read(s, { pixels, side, seq }) {
    const result = s.pg.read_pad(pixels, side);
    post({ type: 'pad', seq, result }, [result.buffer]);
  },
  /** Gallery image k put on the pad. */
  pad_pick(s, { k, seq }) {
    const result = s.pg.read_gallery_image(k);
    post({ type: 'pad', seq, k, result }, [result.buffer]);
  },
};

/** Adds `tiles` and `mistakes` to a frame message when their time has come. */
export function digitsFrame(s, msg, transfer) {
  if (!s.state || !s.state.image_side) return;
  const now = performance.now();
  const fresh = Boolean(msg.snapshot) || !s.playing;
  const due = (key, ms) => fresh || now - s[key] >= ms || !s[key];
  if (due('tilesAt', TILE_MS)) {
    s.tilesAt = now;
    try {
      msg.tiles = s.pg.render_weight_tiles(TILE_COLUMNS);
      transfer.push(msg.tiles.rgba.buffer);
    } catch {
      msg.tiles = null; // no hidden layer: no weights to draw as images
    }
  }
  if (due('mistakesAt', MISTAKES_MS)) {
    s.mistakesAt = now;
    const m = s.pg.mistakes(MISTAKES);
    msg.mistakes = m;
    transfer.push(m.rgba.buffer, m.index.buffer, m.truth.buffer, m.predicted.buffer);
  }
}
