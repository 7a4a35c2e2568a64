//! The thin wasm-bindgen layer over [`crate::playground`]: one opaque `Playground` handle for the
//! page's worker, a few free functions, and the loss chart drawn with plotters on the main
//! thread. No logic lives here beyond converting types; errors become JS `Error`s carrying the
//! library's message. The contract is documented in `docs/WASM_API.md`.

mod chart;

use crate::data::PointTask;
use crate::playground::{self, CsvImport, Playground, PlaygroundConfig, UrlState, query};
use js_sys::{Float32Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub use chart::draw_loss_chart;

/// Logs panics to the console instead of the opaque "unreachable executed". Every input is
/// validated before use, so this is the last resort, not the error path.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("nnplay panicked: {info}").into());
    }));
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn json(value: &impl Serialize) -> String {
    // Our types serialise infallibly (no maps with non-string keys); NaN becomes null.
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// The playground session (JS name `Playground`). Lives in the page's Web Worker.
#[wasm_bindgen(js_name = Playground)]
pub struct WasmPlayground {
    inner: Playground,
    boundary: Vec<u8>,
    neurons: Vec<u8>,
    features: Vec<u8>,
}

impl WasmPlayground {
    fn wrap(inner: Playground) -> WasmPlayground {
        WasmPlayground {
            inner,
            boundary: Vec::new(),
            neurons: Vec::new(),
            features: Vec::new(),
        }
    }
}

#[wasm_bindgen(js_class = Playground)]
impl WasmPlayground {
    /// Builds a session from a `PlaygroundConfig` JSON.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<WasmPlayground, JsError> {
        let config: PlaygroundConfig =
            serde_json::from_str(config_json).map_err(|e| js_err(format!("config: {e}")))?;
        Ok(Self::wrap(Playground::new(config).map_err(js_err)?))
    }

    /// Builds a session from a URL query; bad fields fall back, see `notices_json()`.
    pub fn from_query(query: &str) -> Result<WasmPlayground, JsError> {
        Ok(Self::wrap(Playground::from_query(query).map_err(js_err)?))
    }

    pub fn notices_json(&self) -> String {
        json(&self.inner.notices())
    }

    pub fn set_query(&mut self, query: &str) -> Result<String, JsError> {
        self.inner
            .set_query(query)
            .map(|c| json(&c))
            .map_err(js_err)
    }

    pub fn set_config_json(&mut self, config_json: &str) -> Result<String, JsError> {
        let config: PlaygroundConfig =
            serde_json::from_str(config_json).map_err(|e| js_err(format!("config: {e}")))?;
        self.inner
            .set_config(config)
            .map(|c| json(&c))
            .map_err(js_err)
    }

    pub fn query(&self) -> String {
        self.inner.to_query()
    }

    pub fn config_json(&self) -> String {
        json(self.inner.config())
    }

    pub fn state_json(&self) -> String {
        json(&self.inner.state())
    }

    /// Runs `batches` steps and scores both sets; returns the StepReport JSON.
    pub fn step(&mut self, batches: u32) -> Result<String, JsError> {
        self.inner
            .step(batches as usize)
            .map(|r| json(&r))
            .map_err(js_err)
    }

    pub fn reset(&mut self) -> Result<(), JsError> {
        self.inner.reset().map_err(js_err)
    }

    /// History rows `from..`, stride 6: steps, epoch, train loss, test loss, train metric, test metric.
    pub fn history(&self, from: u32) -> Float32Array {
        let rows = self.inner.history();
        let from = (from as usize).min(rows.len());
        Float32Array::from(rows[from..].as_flattened())
    }

    pub fn history_len(&self) -> u32 {
        self.inner.history().len() as u32
    }

    /// Confusion JSON, or `null` for regression.
    pub fn confusion_json(&mut self) -> String {
        json(&self.inner.confusion())
    }

    pub fn predict(&self, x1: f32, x2: f32) -> Result<Float32Array, JsError> {
        self.inner
            .predict(x1, x2)
            .map(|v| Float32Array::from(v.as_slice()))
            .map_err(js_err)
    }

    pub fn network_json(&self) -> String {
        json(&self.inner.network_snapshot())
    }

    /// All parameters, flat (layout in `network_json()` offsets).
    pub fn params(&self) -> Float32Array {
        Float32Array::from(self.inner.network().params())
    }

    pub fn set_weight(
        &mut self,
        layer: u32,
        row: u32,
        col: u32,
        value: f32,
    ) -> Result<(), JsError> {
        self.inner
            .set_weight(layer as usize, row as usize, col as usize, value)
            .map_err(js_err)
    }

    pub fn set_bias(&mut self, layer: u32, unit: u32, value: f32) -> Result<(), JsError> {
        self.inner
            .set_bias(layer as usize, unit as usize, value)
            .map_err(js_err)
    }

    /// The output over the plane, res·res RGBA bytes (a copy).
    pub fn render_boundary(&mut self, res: u32) -> Result<Uint8Array, JsError> {
        self.inner
            .render_boundary(res as usize, &mut self.boundary)
            .map_err(js_err)?;
        Ok(Uint8Array::from(self.boundary.as_slice()))
    }

    /// Same into an internal buffer; returns its address in `memory()` (len res·res·4).
    pub fn render_boundary_ptr(&mut self, res: u32) -> Result<u32, JsError> {
        self.inner
            .render_boundary(res as usize, &mut self.boundary)
            .map_err(js_err)?;
        Ok(self.boundary.as_ptr() as u32)
    }

    /// Every neuron's thumbnail, layer-major then unit, res·res·4 bytes each (a copy).
    pub fn render_neurons(&mut self, res: u32) -> Result<Uint8Array, JsError> {
        self.inner
            .render_neurons(res as usize, &mut self.neurons)
            .map_err(js_err)?;
        Ok(Uint8Array::from(self.neurons.as_slice()))
    }

    pub fn render_neurons_ptr(&mut self, res: u32) -> Result<u32, JsError> {
        self.inner
            .render_neurons(res as usize, &mut self.neurons)
            .map_err(js_err)?;
        Ok(self.neurons.as_ptr() as u32)
    }

    /// One thumbnail per input feature, res·res·4 bytes each (a copy).
    pub fn render_features(&mut self, res: u32) -> Result<Uint8Array, JsError> {
        self.inner
            .render_features(res as usize, &mut self.features)
            .map_err(js_err)?;
        Ok(Uint8Array::from(self.features.as_slice()))
    }

    /// The gallery's test images (image data sets only): side·side·4 RGBA bytes each, stacked
    /// (side is `image_side` in `state_json()`). A copy.
    pub fn render_gallery(&self) -> Result<Uint8Array, JsError> {
        let mut rgba = Vec::new();
        self.inner.render_gallery(&mut rgba).map_err(js_err)?;
        Ok(Uint8Array::from(rgba.as_slice()))
    }

    /// The network's answers on the gallery images, stride 3: true class, predicted class, the
    /// output for the predicted class. Empty for data that are not images.
    pub fn gallery_guesses(&mut self) -> Float32Array {
        let flat: Vec<f32> = self
            .inner
            .gallery_guesses()
            .iter()
            .flat_map(|g| [g.truth as f32, g.predicted as f32, g.confidence])
            .collect();
        Float32Array::from(flat.as_slice())
    }

    /// Training points, stride 3: x1, x2, class index or value.
    pub fn train_points(&self) -> Float32Array {
        Float32Array::from(self.inner.train_points())
    }

    pub fn test_points(&self) -> Float32Array {
        Float32Array::from(self.inner.test_points())
    }

    /// Switches to hand-placed points: `classes` 2–10, or 0 for regression.
    pub fn start_points(&mut self, classes: u32, from_current: bool) -> Result<(), JsError> {
        let task = if classes == 0 {
            PointTask::Regression
        } else {
            PointTask::Classification {
                classes: classes as usize,
            }
        };
        self.inner
            .start_points(task, from_current)
            .map(|_| ())
            .map_err(js_err)
    }

    pub fn add_point(&mut self, x1: f32, x2: f32, label: f32) -> Result<u32, JsError> {
        self.inner
            .add_point(x1, x2, label)
            .map(|id| id.0)
            .map_err(js_err)
    }

    pub fn move_point(&mut self, id: u32, x1: f32, x2: f32) -> Result<(), JsError> {
        self.inner.move_point(id, x1, x2).map_err(js_err)
    }

    pub fn set_point_label(&mut self, id: u32, label: f32) -> Result<(), JsError> {
        self.inner.set_point_label(id, label).map_err(js_err)
    }

    pub fn remove_point(&mut self, id: u32) -> Result<(), JsError> {
        self.inner.remove_point(id).map_err(js_err)
    }

    pub fn clear_points(&mut self) -> Result<(), JsError> {
        self.inner.clear_points().map_err(js_err)
    }

    /// Id of the nearest hand-placed point within `max_distance`, or -1. A plain JS number
    /// (an `i64` would arrive as a BigInt, which the other point methods refuse).
    pub fn nearest_point(&self, x1: f32, x2: f32, max_distance: f32) -> f64 {
        self.inner
            .nearest_point(x1, x2, max_distance)
            .map_or(-1.0, f64::from)
    }

    /// Hand-placed points, stride 4: id, x1, x2, label.
    pub fn user_points(&self) -> Float32Array {
        Float32Array::from(self.inner.user_points().as_slice())
    }

    /// Trains on a CSV text; returns the CsvSummary JSON.
    pub fn load_csv(&mut self, text: &str, options_json: &str) -> Result<String, JsError> {
        let options = CsvImport::from_json(options_json)
            .and_then(CsvImport::into_options)
            .map_err(js_err)?;
        self.inner
            .load_csv(text, &options)
            .map(|s| json(&s))
            .map_err(js_err)
    }

    pub fn use_generated(&mut self) -> Result<(), JsError> {
        self.inner.use_generated().map(|_| ()).map_err(js_err)
    }
}

/// Every menu option, limit, URL key, tooltip and colour (JSON).
#[wasm_bindgen]
pub fn options_json() -> String {
    json(&playground::options())
}

/// The canonical query of the defaults (config and view), without `?`.
#[wasm_bindgen]
pub fn default_query() -> String {
    query::write(&UrlState::default(), true)
}

#[derive(Serialize)]
struct Normalized {
    query: String,
    notices: Vec<playground::Notice>,
}

/// Parses any query and returns `{ query, notices }` with the canonical query. Never throws.
#[wasm_bindgen]
pub fn normalize_query(query: &str) -> String {
    let (state, notices) = query::parse(query);
    json(&Normalized {
        query: query::write(&state, true),
        notices,
    })
}

/// The module's linear memory, for views built from the `*_ptr` methods (rebuild them after
/// every call into wasm: growth detaches old buffers). Not named `memory`: that name is taken
/// by the memory export itself.
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}
