//! The gradient and weight health panel's wasm method: the per-layer sample (the engine's
//! report on the training data, with |weights|) as JSON.

use super::{WasmPlayground, js_err, json};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_class = Playground)]
impl WasmPlayground {
    /// The HealthSample JSON: per layer, |w| and |∂L/∂W| min/median/max and the dead ReLU
    /// units, on (at most `HEALTH_ROWS` of) the training points, at optimizer step `steps`.
    pub fn health_json(&self) -> Result<String, JsError> {
        self.inner.health_sample().map(|s| json(&s)).map_err(js_err)
    }
}
