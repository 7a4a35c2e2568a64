//! Finer stepping's wasm methods: a `Stepping` handle holding the stop rules' running state
//! (`crate::playground::stepping`) beside the session; the worker trains through it so that
//! `stop_epoch=` and `patience=` pause the run on the exact batch, and the top bar's
//! "one mini-batch" button runs single steps.

use super::{WasmPlayground, js_err, json};
use crate::playground::stepping::StopState;
use wasm_bindgen::prelude::*;

/// The stop rules' state (JS name `Stepping`).
#[wasm_bindgen(js_name = Stepping)]
pub struct WasmStepping {
    inner: StopState,
}

impl Default for WasmStepping {
    fn default() -> Self {
        WasmStepping::new()
    }
}

#[wasm_bindgen(js_class = Stepping)]
impl WasmStepping {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmStepping {
        WasmStepping {
            inner: StopState::new(),
        }
    }

    /// Up to `batches` steps, pausing where a stop rule fires: the StepReport JSON with
    /// `stopped` (`"reached_epoch"`, `"plateau"` or null) and `rule` (its N or K).
    pub fn step(&mut self, pg: &mut WasmPlayground, batches: u32) -> Result<String, JsError> {
        pg.inner
            .step_until(batches as usize, &mut self.inner)
            .map(|r| json(&r))
            .map_err(js_err)
    }

    /// `batches` single mini-batch steps, rules or not (the user asked for them).
    pub fn step_batches(
        &mut self,
        pg: &mut WasmPlayground,
        batches: u32,
    ) -> Result<String, JsError> {
        pg.inner
            .step_batches(batches as usize, &mut self.inner)
            .map(|r| json(&r))
            .map_err(js_err)
    }

    /// The user goes on after a stop (play, one epoch).
    pub fn resume(&mut self, pg: &WasmPlayground) {
        self.inner.resume(&pg.inner);
    }
}
