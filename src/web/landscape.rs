//! The loss landscape's wasm methods: a `Landscape` handle of its own beside the session's,
//! built from it by the worker (`www/worker/landscape.js`), which fills the grid a few cells at a
//! time between training steps. Plain numbers in, `Float32Array`s and numbers out.

use super::{WasmPlayground, js_err};
use crate::playground::landscape::SessionLandscape;
use js_sys::Float32Array;
use wasm_bindgen::prelude::*;

/// The loss landscape around the session's weights (JS name `Landscape`).
#[wasm_bindgen(js_name = Landscape)]
pub struct WasmLandscape {
    inner: SessionLandscape,
}

#[wasm_bindgen(js_class = Landscape)]
impl WasmLandscape {
    /// A plane through the session's current weights, directions drawn from `seed`.
    pub fn start(pg: &WasmPlayground, seed: u32) -> Result<WasmLandscape, JsError> {
        Ok(WasmLandscape {
            inner: pg.inner.start_landscape(seed as u64).map_err(js_err)?,
        })
    }

    /// True when the session's network has another layout: start a new landscape.
    pub fn is_stale(&self, pg: &WasmPlayground) -> bool {
        self.inner.is_stale(&pg.inner)
    }

    /// True when the session's weights, data or loss changed since the centre was placed.
    pub fn moved(&self, pg: &WasmPlayground) -> bool {
        self.inner.moved(&pg.inner)
    }

    /// Re-centres the plane on the session's weights (same seed); the path is projected again.
    pub fn recenter(&mut self, pg: &WasmPlayground) -> Result<(), JsError> {
        self.inner.recenter(&pg.inner).map_err(js_err)
    }

    /// New directions from `seed`, through the session's weights.
    pub fn new_directions(&mut self, pg: &WasmPlayground, seed: u32) -> Result<(), JsError> {
        self.inner
            .new_directions(&pg.inner, seed as u64)
            .map_err(js_err)
    }

    pub fn seed(&self) -> u32 {
        self.inner.seed() as u32
    }

    /// The session's step count at the centre.
    pub fn centre_steps(&self) -> f64 {
        self.inner.centre_steps() as f64
    }

    /// Adds the session's current weights to the path.
    pub fn record(&mut self, pg: &WasmPlayground) -> Result<(), JsError> {
        self.inner.record(&pg.inner).map_err(js_err)
    }

    /// The path, oldest first, stride 4: α, β, share off the plane (0–1), step count.
    pub fn path(&self) -> Float32Array {
        Float32Array::from(self.inner.path().as_slice())
    }

    /// The training loss at the centre (the session's weights when the centre was placed).
    pub fn centre_loss(&self, pg: &WasmPlayground) -> Result<f32, JsError> {
        self.inner.centre_loss(&pg.inner).map_err(js_err)
    }

    /// Cells `start..start + count` of the res × res grid over [−span, span]², row-major (row r
    /// is β = coords[r], from −span up). A loss that overflows is NaN or ∞.
    pub fn cells(
        &self,
        pg: &WasmPlayground,
        res: u32,
        span: f32,
        start: u32,
        count: u32,
    ) -> Result<Float32Array, JsError> {
        self.inner
            .cells(
                &pg.inner,
                res as usize,
                span,
                start as usize,
                count as usize,
            )
            .map(|v| Float32Array::from(v.as_slice()))
            .map_err(js_err)
    }
}
