//! The thin wasm-bindgen layer over [`crate::playground`]: one opaque `Playground` handle for the
//! page's worker and a few free functions. No logic lives here beyond converting types; errors
//! become JS `Error`s carrying the library's message. The contract is documented in
//! `docs/WASM_API.md`.
//!
//! Every visitor of the page downloads this module before the first picture, so it reads no
//! JSON (the page sends queries and plain values; a JSON parser is a sixth of the module) and
//! holds no data file (the worker hands those in with [`provide_dataset`]).

use crate::data::{CsvTask, PointTask, Scaling, TargetColumn};
use crate::playground::{self, CsvImport, Playground, UrlState, query};
use js_sys::{Float32Array, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::IntoDeserializer;
use wasm_bindgen::prelude::*;

mod digitpad;
mod health;
mod inspector;
mod landscape;
mod lessons;
mod race;
mod stepping;

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
    /// Every parameter at once, in the order `params()` gives them (a model file the page opened).
    pub fn set_params(&mut self, params: &[f32]) -> Result<(), JsError> {
        self.inner.set_params(params).map_err(js_err)
    }

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

    /// Trains on a CSV text; returns the CsvSummary JSON. `options` is a plain object with the
    /// fields of `CsvImport` (every one optional): `{ delimiter, has_header, target, task,
    /// scaling }`, `target` being `"last"`, `{ index: n }` or `{ name: "column" }`.
    pub fn load_csv(&mut self, text: &str, options: JsValue) -> Result<String, JsError> {
        let options = csv_import(&options)?.into_options().map_err(js_err)?;
        self.inner
            .load_csv(text, &options)
            .map(|s| json(&s))
            .map_err(js_err)
    }

    pub fn use_generated(&mut self) -> Result<(), JsError> {
        self.inner.use_generated().map(|_| ()).map_err(js_err)
    }

    /// The model as the library's model file (JSON text), what "Download model" saves.
    pub fn model_json(&self) -> Result<String, JsError> {
        let file = self.inner.model_file().map_err(js_err)?;
        Ok(crate::io::model_file::save_json(&file))
    }

    /// Mini-batch steps the view's speed setting trains per displayed frame for the current
    /// data, or 0 for `fast` (the worker then sizes each frame's work by its time).
    pub fn batches_per_frame(&self) -> u32 {
        let n_train = self.inner.state().n_train;
        let batch = self.inner.config().training.batch_size;
        self.inner
            .view()
            .speed
            .batches_per_frame(n_train, batch)
            .map_or(0, |n| n as u32)
    }

    /// Mini-batch steps in one epoch of the current data (what "one step" trains).
    pub fn batches_per_epoch(&self) -> u32 {
        let n_train = self.inner.state().n_train;
        let batch = self.inner.config().training.batch_size;
        playground::speed::batches_per_epoch(n_train, batch) as u32
    }
}

/// Reads the page's CSV options object. The tokens of `task` and `scaling` go through the
/// enums' own serde names (without a JSON parser), so they are spelled in one place.
fn csv_import(options: &JsValue) -> Result<CsvImport, JsError> {
    let mut import = CsvImport::default();
    if options.is_undefined() || options.is_null() {
        return Ok(import);
    }
    let field =
        |name: &str| Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    let token = |name: &str| -> Result<Option<String>, JsError> {
        let v = field(name);
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.as_string()
            .map(Some)
            .ok_or_else(|| js_err(format!("CSV options: {name} must be a string")))
    };
    fn named<T: serde::de::DeserializeOwned>(name: &str, text: String) -> Result<T, JsError> {
        T::deserialize(text.into_deserializer())
            .map_err(|e: serde::de::value::Error| js_err(format!("CSV options: {name}: {e}")))
    }
    import.delimiter = token("delimiter")?;
    let header = field("has_header");
    import.has_header = header.as_bool();
    if !(header.is_undefined() || header.is_null() || import.has_header.is_some()) {
        return Err(js_err("CSV options: has_header must be true or false"));
    }
    if let Some(task) = token("task")? {
        import.task = named::<CsvTask>("task", task)?;
    }
    if let Some(scaling) = token("scaling")? {
        import.scaling = named::<Scaling>("scaling", scaling)?;
    }
    let target = field("target");
    import.target = if target.is_undefined()
        || target.is_null()
        || target.as_string().as_deref() == Some("last")
    {
        TargetColumn::Last
    } else if let Some(index) = Reflect::get(&target, &JsValue::from_str("index"))
        .ok()
        .and_then(|v| v.as_f64())
    {
        if index < 0.0 || index.fract() != 0.0 || !index.is_finite() {
            return Err(js_err(
                "CSV options: target.index must be a column number from 0",
            ));
        }
        TargetColumn::Index(index as usize)
    } else if let Some(name) = Reflect::get(&target, &JsValue::from_str("name"))
        .ok()
        .and_then(|v| v.as_string())
    {
        TargetColumn::Name(name)
    } else {
        return Err(js_err(
            "CSV options: target must be \"last\", { index } or { name }",
        ));
    };
    Ok(import)
}

#[derive(Serialize)]
struct MissingData {
    dataset: String,
    file: &'static str,
}

/// The shipped data file a query's data set needs and this build does not hold yet, as JSON
/// `{ dataset, file }` (fetch `data/<file>`, then `provide_dataset`), or `undefined`.
#[wasm_bindgen]
pub fn missing_data(query: &str) -> Option<String> {
    let kind = query::parse(query).0.config.data.dataset;
    crate::data::builtin::missing_file(kind).map(|file| {
        json(&MissingData {
            dataset: kind.to_string(),
            file,
        })
    })
}

/// Hands in a shipped data set's file (`dataset` is its token, e.g. `digits`), already
/// decompressed: the worker gunzips it with the browser's `DecompressionStream`, so this module
/// carries no inflate code. Throws, keeping nothing, when the token is unknown or the bytes are
/// not that set's.
#[wasm_bindgen]
pub fn provide_dataset(dataset: &str, bytes: Vec<u8>) -> Result<(), JsError> {
    let kind: crate::data::DatasetKind = dataset.parse().map_err(js_err)?;
    crate::data::builtin::provide(kind, bytes).map_err(js_err)
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
