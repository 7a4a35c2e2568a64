//! The backprop inspector's wasm methods: which training point a click on the plane picks, and
//! the next training step on one point, as JSON (the session's `PointInspection`). Inputs are
//! plain numbers.

use super::{WasmPlayground, js_err, json};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_class = Playground)]
impl WasmPlayground {
    /// The index of the training point nearest (x1, x2), or -1 without a plane or points.
    pub fn nearest_train_point(&self, x1: f32, x2: f32) -> f64 {
        self.inner
            .nearest_train_point(x1, x2)
            .map_or(-1.0, |i| i as f64)
    }

    /// The next training step on training point `index` alone (PointInspection JSON): inputs,
    /// every layer's z, a, δ, ∂L/∂W, ∂L/∂b, the loss and the optimizer's update with its state.
    pub fn inspect_point_json(&self, index: u32) -> Result<String, JsError> {
        self.inner
            .inspect_train_point(index as usize)
            .map(|p| json(&p))
            .map_err(js_err)
    }
}
