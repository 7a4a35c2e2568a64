//! The optimizer race's wasm methods: a `Race` handle of its own beside the session's, built
//! from it and stepped in lock-step with it by the worker (`www/worker/race.js`), with each
//! lane's boundary as RGBA and the lanes' report as JSON. The lanes come from the link's
//! `race=` field, so nothing but numbers crosses in.

use super::{WasmPlayground, js_err, json};
use crate::playground::race::SessionRace;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

/// The optimizer race (JS name `Race`).
#[wasm_bindgen(js_name = Race)]
pub struct WasmRace {
    inner: SessionRace,
    rgba: Vec<u8>,
}

#[wasm_bindgen(js_class = Race)]
impl WasmRace {
    /// A race from the session's start weights, data and settings, lanes from its `race=`.
    pub fn start(pg: &WasmPlayground) -> Result<WasmRace, JsError> {
        Ok(WasmRace {
            inner: pg.inner.start_race().map_err(js_err)?,
            rgba: Vec::new(),
        })
    }

    /// True when the session changed under the race (data, network, lanes, a reset).
    pub fn is_stale(&self, pg: &WasmPlayground) -> bool {
        self.inner.is_stale(&pg.inner)
    }

    /// `batches` steps in every lane; returns the RaceTick JSON.
    pub fn step(&mut self, pg: &WasmPlayground, batches: u32) -> Result<String, JsError> {
        self.inner
            .step(&pg.inner, batches as usize)
            .map(|t| json(&t))
            .map_err(js_err)
    }

    pub fn lanes(&self) -> u32 {
        self.inner.race().n_lanes() as u32
    }

    /// Epoch records per lane so far (the first is from before training).
    pub fn records(&self) -> u32 {
        self.inner.race().history(0).map_or(0, |h| h.len()) as u32
    }

    /// The race JSON (`{steps, epoch, metric, lanes: [{label, diverged, history}]}`) with each
    /// lane's history from record `from` on.
    pub fn report_json(&self, from: u32) -> String {
        json(&self.inner.page_report(from as usize))
    }

    /// Lane `lane`'s output over the plane, res·res RGBA bytes (a copy); the session's
    /// `discretize` view setting applies.
    pub fn render_lane(
        &mut self,
        pg: &WasmPlayground,
        lane: u32,
        res: u32,
    ) -> Result<Uint8Array, JsError> {
        self.inner
            .render_boundary(
                lane as usize,
                res as usize,
                pg.inner.view().discretize,
                &mut self.rgba,
            )
            .map_err(js_err)?;
        Ok(Uint8Array::from(self.rgba.as_slice()))
    }
}

#[derive(serde::Serialize)]
struct PresetOut {
    key: &'static str,
    title: &'static str,
    description: &'static str,
    dataset: String,
    batch_size: usize,
    /// The lanes as the link's `race=` value.
    lanes: String,
}

/// The ready-made races (JSON list): key, title, description, dataset, batch_size and the
/// lanes as the link's `race=` value, so the page's preset button only sets link fields.
#[wasm_bindgen]
pub fn race_presets_json() -> String {
    let presets: Vec<PresetOut> = crate::train::race::presets()
        .into_iter()
        .map(|p| PresetOut {
            key: p.key,
            title: p.title,
            description: p.description,
            dataset: p.dataset.to_string(),
            batch_size: p.batch_size,
            lanes: crate::playground::race::RaceLanes::from_settings(&p.lanes).to_string(),
        })
        .collect();
    json(&presets)
}
