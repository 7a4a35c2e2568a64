// A small module worker that owns the network view's link canvas (an OffscreenCanvas handed
// over by the page): it repaints the links whenever the page sends new weights and says when
// it is done, so the page sends at most one set of weights at a time. Rasterising a few thousand
// anti-aliased curves takes tens of milliseconds on a CPU; here it never delays a page frame.
import { paint } from './links.js';

let canvas = null;
let ctx = null;
let layout = null;

self.onmessage = ({ data: msg }) => {
  switch (msg.type) {
    case 'canvas':
      canvas = msg.canvas;
      ctx = canvas.getContext('2d');
      break;
    case 'layout':
      layout = msg.layout;
      if (canvas) {
        canvas.width = Math.max(1, Math.round(layout.W * layout.dpr));
        canvas.height = Math.max(1, Math.round(layout.H * layout.dpr));
      }
      break;
    case 'params': {
      const count = ctx && layout ? paint(ctx, layout, msg.params) : 0;
      self.postMessage({ type: 'drawn', count });
      break;
    }
    default:
      break;
  }
};
