//! Finer stepping's wasm methods: a `Stepping` handle holding the stop rules' running state
//! (`crate::playground::stepping`) beside the session; the worker trains through it so that
//! `stop_epoch=` and `patience=` pause the run on the exact batch, and the top bar's
//! "one mini-batch" button runs single steps.

use super::{WasmPlayground, js_err, json};
use crate::playground::stepping::StopState;
use crate::train::stepping::StopCause;
use wasm_bindgen::prelude::*;

/// The stop rules' state (JS name `Stepping`).
#[wasm_bindgen(js_name = Stepping)]
pub struct WasmStepping {
    inner: StopState,
    /// The last call's stop: its cause token and the rule's N or K.
    stopped: Option<(&'static str, u32)>,
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
            stopped: None,
        }
    }

    /// Up to `batches` steps, pausing where a stop rule fires: the StepReport JSON; why it
    /// stopped is `stopped()` and `rule()`.
    pub fn step(&mut self, pg: &mut WasmPlayground, batches: u32) -> Result<String, JsError> {
        let r = pg
            .inner
            .step_until(batches as usize, &mut self.inner)
            .map_err(js_err)?;
        self.stopped = r.stopped.map(|c| {
            let token = match c {
                StopCause::ReachedEpoch => "reached_epoch",
                StopCause::Plateau => "plateau",
            };
            (token, r.rule.unwrap_or(0))
        });
        Ok(json(&r.report))
    }

    /// Why the last `step` stopped: `"reached_epoch"`, `"plateau"`, or undefined.
    pub fn stopped(&self) -> Option<String> {
        self.stopped.map(|(t, _)| t.to_string())
    }

    /// The stop rule's number (the epoch N or the patience K) of the last stop, or 0.
    pub fn rule(&self) -> u32 {
        self.stopped.map_or(0, |(_, n)| n)
    }

    /// `batches` single mini-batch steps, rules or not (the user asked for them).
    pub fn step_batches(
        &mut self,
        pg: &mut WasmPlayground,
        batches: u32,
    ) -> Result<String, JsError> {
        self.stopped = None;
        pg.inner
            .step_batches(batches as usize, &mut self.inner)
            .map(|r| json(&r.report))
            .map_err(js_err)
    }

    /// The user goes on after a stop (play, one epoch).
    pub fn resume(&mut self, pg: &WasmPlayground) {
        self.inner.resume(&pg.inner);
    }
}
