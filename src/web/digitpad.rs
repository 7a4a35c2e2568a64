//! The digits lab's wasm methods (shipped image sets only): the drawing pad's reading, a
//! gallery image's reading, the misclassified test images and the first layer's weight tiles,
//! as typed arrays and plain objects (no JSON in), and the data set picker's switch.

use super::{WasmPlayground, js_err};
use crate::playground::PadReading;
use crate::playground::query::{self, UrlState};
use js_sys::{Float32Array, Object, Reflect, Uint8Array, Uint32Array};
use wasm_bindgen::prelude::*;

/// `probabilities` then the image as the network reads it, in one array.
fn reading(r: PadReading) -> Float32Array {
    let mut flat = r.probabilities;
    flat.extend(r.image);
    Float32Array::from(flat.as_slice())
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a property of a fresh plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

#[wasm_bindgen(js_class = Playground)]
impl WasmPlayground {
    /// Reads the pad: `pixels` are side × side grey levels, 0 paper to 255 full ink, row by
    /// row. Returns the network's class probabilities followed by the normalised image it read
    /// (image_side² values in [0, 1]), or an empty array when the pad has no ink.
    pub fn read_pad(&self, pixels: &[u8], side: u32) -> Result<Float32Array, JsError> {
        let r = self.inner.read_pad(pixels, side as usize).map_err(js_err)?;
        Ok(r.map_or_else(|| Float32Array::new_with_length(0), reading))
    }

    /// Gallery image `k` read as it is: probabilities, then the image (as `read_pad`).
    pub fn read_gallery_image(&self, k: u32) -> Result<Float32Array, JsError> {
        self.inner
            .read_gallery_image(k as usize)
            .map(reading)
            .map_err(js_err)
    }

    /// Up to `max` misclassified test images: `{ side, total, tested, index: Uint32Array,
    /// truth: Uint8Array, predicted: Uint8Array, rgba: Uint8Array }` (side² · 4 bytes each).
    pub fn mistakes(&self, max: u32) -> Result<Object, JsError> {
        let m = self.inner.mistakes(max as usize).map_err(js_err)?;
        let bytes = |v: &[usize]| v.iter().map(|&c| c as u8).collect::<Vec<u8>>();
        let index: Vec<u32> = m.index.iter().map(|&i| i as u32).collect();
        let out = Object::new();
        set(&out, "side", m.side as u32);
        set(&out, "total", m.total as u32);
        set(&out, "tested", m.tested as u32);
        set(&out, "index", Uint32Array::from(index.as_slice()));
        set(&out, "truth", Uint8Array::from(bytes(&m.truth).as_slice()));
        set(
            &out,
            "predicted",
            Uint8Array::from(bytes(&m.predicted).as_slice()),
        );
        set(&out, "rgba", Uint8Array::from(m.rgba.as_slice()));
        Ok(out)
    }

    /// The first layer's weights as tiles: `{ side, units, columns, rows, width, height, rgba }`
    /// (width × height RGBA; blue positive, orange negative, each tile by its own largest |w|).
    pub fn render_weight_tiles(&self, columns: u32) -> Result<Object, JsError> {
        let mut rgba = Vec::new();
        let l = self
            .inner
            .render_weight_tiles(columns as usize, &mut rgba)
            .map_err(js_err)?;
        let out = Object::new();
        for (key, v) in [
            ("side", l.side),
            ("units", l.units),
            ("columns", l.columns),
            ("rows", l.rows),
            ("width", l.width),
            ("height", l.height),
        ] {
            set(&out, key, v as u32);
        }
        set(&out, "rgba", Uint8Array::from(rgba.as_slice()));
        Ok(out)
    }
}

/// The canonical query after the data set picker chose `dataset` (a token) on the page whose
/// query is `query`: moving to or from an image set brings that set's suggested network.
#[wasm_bindgen]
pub fn switch_dataset(query: &str, dataset: &str) -> Result<String, JsError> {
    let kind = dataset.parse().map_err(js_err)?;
    let state: UrlState = query::parse(query).0;
    Ok(query::write(&query::switch_dataset(&state, kind), true))
}
