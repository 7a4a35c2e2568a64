//! Model files: a whole trained model (architecture, weights, how a raw row becomes the network's
//! input, how it was trained, what its outputs mean and, from the page or the CLI, the settings
//! and data of the run) as one versioned JSON document. The Keras-like
//! [`Sequential`](crate::api::keras::Sequential), the scikit-learn-like estimators, the CLI and
//! the page all read and write this one format, so a model trained in one opens in the others.
//!
//! # Format, version 2
//!
//! ```json
//! {
//!   "format": "nnplay-model",
//!   "version": 2,
//!   "network": { "in_dim": 4, "layers": [ … ], "initializer": { … }, "seed": 0 },
//!   "params": [0.123, -0.5, …],
//!   "input": {               // optional: how a raw row becomes the network's input
//!     "columns": ["x1", "x2"],                        // the raw columns, in order
//!     "features": ["x1", "x2", "x1_squared", "sin_x1"], // optional: derived from (x1, x2)
//!     "target": "label"                               // optional: CSV column to skip
//!   },
//!   "scaler": { … },         // optional: a data::Scaler, applied after the features
//!   "train": { … },          // optional: a TrainConfig
//!   "classes": ["cat", …],   // optional: display name of each class
//!   "task": "regression",    // optional: a data::Task
//!   "playground": {          // optional: the run, when the page or the CLI trained it
//!     "query": "dataset=circle&…", // the page link's settings (absent for a CSV file)
//!     "data": "circle",      // data set token, "points" or a file name
//!     "points": { … },       // the hand-placed points, when data is "points"
//!     "epochs": 12.5
//!   },
//!   "estimator": { … }       // optional: settings of the front end that wrote the file
//! }
//! ```
//!
//! A raw row goes through `input.features` (when present), then `scaler` (when present), then
//! the network: [`ModelFile::network_inputs`] does exactly that. `params` holds every parameter
//! in [`Network::params`] order (layer by layer, kernel row-major, then bias). Numbers are
//! written with the shortest decimal that reads back as the same f32, so saving and loading gives
//! bit-identical predictions.
//!
//! # Versions
//!
//! Version 1 kept the command line's input columns, features and page link in its own
//! `estimator` section; it is read and moved into `input` and `playground`. Files of a later
//! version, files the playground page downloaded before it wrote model files
//! (`"nnplay-playground-model"`) and other frameworks' files are refused with a message that
//! says what they are (see `model_file/legacy.rs`).

mod legacy;

use crate::data::{FeatureSet, PointSet, Scaler, Scaling, Task};
use crate::error::NnError;
use crate::nn::network::{Network, NetworkConfig};
use crate::train::TrainConfig;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Deserializer, Serialize};

/// The value of the `"format"` field of every model file.
pub const FORMAT: &str = "nnplay-model";
/// The model file version this build writes; it reads this one and every earlier one.
pub const VERSION: u32 = 2;

/// Everything a model file holds.
///
/// Build one from a network with [`ModelFile::new`], add what else you know, and turn it into
/// text with [`save_json`]; [`load_json`] checks a text and gives it back.
///
/// ```
/// use nnplay::prelude::*;
/// use nnplay::io::model_file::{self, ModelFile};
///
/// let config = NetworkConfig::new(2, &[3], Activation::Tanh, LayerConfig::new(1, Activation::Sigmoid));
/// let net = Network::new(&config).unwrap();
/// let file = ModelFile::new(&net).with_classes(vec!["no".into(), "yes".into()]);
/// let text = model_file::save_json(&file);
/// let back = model_file::load_json(&text).unwrap();
/// assert_eq!(back.network().unwrap().params(), net.params());
/// assert_eq!(back.classes.as_deref(), Some(&["no".to_string(), "yes".to_string()][..]));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] when written by this build (and once read: older files are upgraded).
    pub version: u32,
    /// The architecture.
    pub network: NetworkConfig,
    /// Every parameter, in [`Network::params`] order. A `null` (how JSON writers spell NaN) is
    /// read as NaN so that [`ModelFile::network`] can name the bad parameter.
    #[serde(deserialize_with = "params_allowing_null")]
    pub params: Vec<f32>,
    /// The raw columns and the features derived from them; `None` means the raw row is the
    /// network's input, its columns named `x1`, `x2`, ….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<InputSpec>,
    /// Scaling applied to the network's inputs (after any derived features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaler: Option<Scaler>,
    /// How the model was (or will be) trained, when the writer knew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train: Option<TrainConfig>,
    /// Display name of each class (index = class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// What the model predicts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
    /// The run's settings and data, for a model the page or the CLI trained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playground: Option<PlaygroundRun>,
    /// Settings only the front end that wrote the file understands (for example an
    /// `MlpClassifier`'s hyperparameters). Kept as plain JSON so this module does not depend on
    /// the front ends; each front end checks its own section when it loads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimator: Option<serde_json::Value>,
}

/// How a raw row becomes the network's input, before any scaling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputSpec {
    /// Names of the raw columns, in the order a row holds them.
    pub columns: Vec<String>,
    /// Inputs derived from the two columns (x1, x2), in the network's order (the playground's
    /// x1², sin x1, …); `None` when the columns are the network's inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<FeatureSet>,
    /// The training target's column name in a CSV file, skipped when it appears among the
    /// columns of rows to predict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// The run behind a model that the page or the CLI trained: enough for the page to open it again
/// with its data set and settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaygroundRun {
    /// The page link's query (without `?`) holding every setting of the run: data set, network,
    /// training and, from the page, the view. `None` when the data is a file the page cannot
    /// name, or when the settings go beyond the page's limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The training data: a data set token (`circle`), `points` for points placed by hand, or
    /// a file name.
    pub data: String,
    /// The hand-placed points, when the model was trained on them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<PointSet>,
    /// Epochs trained: whole from the CLI, fractional from the page (samples seen over the
    /// training rows).
    pub epochs: f64,
}

impl ModelFile {
    /// A file holding `network`'s architecture and current parameters, nothing else.
    pub fn new(network: &Network) -> ModelFile {
        ModelFile {
            format: FORMAT.to_string(),
            version: VERSION,
            network: network.config().clone(),
            params: network.params().to_vec(),
            input: None,
            scaler: None,
            train: None,
            classes: None,
            task: None,
            playground: None,
            estimator: None,
        }
    }

    pub fn with_input(mut self, input: InputSpec) -> Self {
        self.input = Some(input);
        self
    }

    pub fn with_train(mut self, train: TrainConfig) -> Self {
        self.train = Some(train);
        self
    }

    pub fn with_scaler(mut self, scaler: Scaler) -> Self {
        self.scaler = Some(scaler);
        self
    }

    pub fn with_classes(mut self, classes: Vec<String>) -> Self {
        self.classes = Some(classes);
        self
    }

    pub fn with_task(mut self, task: Task) -> Self {
        self.task = Some(task);
        self
    }

    pub fn with_playground(mut self, run: PlaygroundRun) -> Self {
        self.playground = Some(run);
        self
    }

    /// Rebuilds the network. Fails with [`NnError::ModelFile`] when the parameter count does not
    /// match the architecture or a parameter is not finite, and with the architecture's own error
    /// when the `network` section is invalid.
    pub fn network(&self) -> Result<Network, NnError> {
        Network::from_params(&self.network, self.params.clone())
    }

    /// The features derived from a raw point, if the network reads any.
    pub fn features(&self) -> Option<&FeatureSet> {
        self.input.as_ref().and_then(|i| i.features.as_ref())
    }

    /// Names of the raw columns a row holds: the file's, or `x1`, `x2`, … for a file that names
    /// none (one per network input).
    pub fn input_columns(&self) -> Vec<String> {
        match &self.input {
            Some(input) => input.columns.clone(),
            None => (1..=self.network.in_dim).map(|j| format!("x{j}")).collect(),
        }
    }

    /// The network's inputs for raw rows (n, columns): derived features, then scaling, as when
    /// the model was trained.
    ///
    /// # Errors
    /// [`NnError::InputDim`] when the rows do not have one value per raw column.
    ///
    /// ```
    /// use nnplay::prelude::*;
    /// use nnplay::data::FeatureSet;
    /// use nnplay::io::model_file::{InputSpec, ModelFile};
    ///
    /// let features = FeatureSet::parse_list("x1,x1_squared,sin_x2").unwrap();
    /// let config = NetworkConfig::new(3, &[2], Activation::Tanh, LayerConfig::new(1, Activation::Sigmoid));
    /// let file = ModelFile::new(&Network::new(&config).unwrap()).with_input(InputSpec {
    ///     columns: vec!["x1".into(), "x2".into()],
    ///     features: Some(features),
    ///     target: None,
    /// });
    /// let x = file.network_inputs(ndarray::array![[3.0f32, 0.0]].view()).unwrap();
    /// assert_eq!(x, ndarray::array![[3.0f32, 9.0, 0.0]]);
    /// ```
    pub fn network_inputs(&self, raw: ArrayView2<f32>) -> Result<Array2<f32>, NnError> {
        let columns = self.input_columns().len();
        if raw.ncols() != columns {
            return Err(NnError::InputDim {
                expected: columns,
                got: raw.ncols(),
            });
        }
        let x = match self.features() {
            Some(f) => f.expand(raw)?,
            None => raw.as_standard_layout().into_owned(),
        };
        Ok(match &self.scaler {
            Some(s) if s.kind != Scaling::None => s.transform(x.view()),
            _ => x,
        })
    }

    /// Checks that the parts fit together: the network can be rebuilt, the raw columns and
    /// features make its inputs, the scaler has one finite entry per input, the classes match
    /// the output layer.
    pub fn check(&self) -> Result<(), NnError> {
        let net = self.network()?;
        if let Some(input) = &self.input {
            check_input(input, net.in_dim())?;
        }
        if let Some(scaler) = &self.scaler {
            if scaler.offset.len() != net.in_dim() || scaler.scale.len() != net.in_dim() {
                return Err(NnError::ModelFile(format!(
                    "the scaler has {} offsets and {} scales but the network has {} inputs",
                    scaler.offset.len(),
                    scaler.scale.len(),
                    net.in_dim()
                )));
            }
            if scaler
                .offset
                .iter()
                .chain(&scaler.scale)
                .any(|v| !v.is_finite())
            {
                return Err(NnError::ModelFile(
                    "the scaler holds a value that is not a finite number".into(),
                ));
            }
        }
        if let Some(train) = &self.train {
            train.validate(&net)?;
        }
        if let Some(run) = &self.playground {
            if !(run.epochs.is_finite() && run.epochs >= 0.0) {
                return Err(NnError::ModelFile(format!(
                    "the playground section's epochs must be a number ≥ 0, got {}",
                    run.epochs
                )));
            }
        }
        let expected_classes = match self.task {
            Some(Task::BinaryClassification) => Some(2),
            Some(Task::MultiClassification { classes }) => Some(classes),
            _ => None,
        };
        if let (Some(classes), Some(expected)) = (&self.classes, expected_classes) {
            if classes.len() != expected {
                return Err(NnError::ModelFile(format!(
                    "the task has {expected} classes but {} class names are given",
                    classes.len()
                )));
            }
        }
        let (task_outputs, net_outputs) = match self.task {
            Some(Task::BinaryClassification) => (1, net.out_dim()),
            Some(Task::MultiClassification { classes }) => (classes, net.out_dim()),
            _ => (net.out_dim(), net.out_dim()),
        };
        if task_outputs != net_outputs {
            return Err(NnError::ModelFile(format!(
                "the task needs {task_outputs} outputs but the network has {net_outputs}"
            )));
        }
        Ok(())
    }
}

/// The raw columns, through the features, must give the network its inputs.
fn check_input(input: &InputSpec, in_dim: usize) -> Result<(), NnError> {
    match &input.features {
        Some(features) => {
            if input.columns.len() != 2 {
                return Err(NnError::ModelFile(format!(
                    "input features are derived from two columns (x1, x2), but the file names {} ({})",
                    input.columns.len(),
                    input.columns.join(", ")
                )));
            }
            if features.len() != in_dim {
                return Err(NnError::ModelFile(format!(
                    "the input features make {} inputs ({}) but the network has {in_dim}",
                    features.len(),
                    features.to_list()
                )));
            }
        }
        None if input.columns.len() != in_dim => {
            return Err(NnError::ModelFile(format!(
                "the file names {} input columns but the network has {in_dim} inputs",
                input.columns.len()
            )));
        }
        None => {}
    }
    Ok(())
}

/// Reads the parameter list, turning `null` into NaN (see [`ModelFile::params`]).
fn params_allowing_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f32>, D::Error> {
    let values: Vec<Option<f32>> = Vec::deserialize(deserializer)?;
    Ok(values.into_iter().map(|v| v.unwrap_or(f32::NAN)).collect())
}

/// The model as compact JSON text (one line; a model of 100,000 weights stays one line instead of
/// 100,000). Writing cannot fail: every field is plain data.
pub fn save_json(file: &ModelFile) -> String {
    serde_json::to_string(file).expect("a ModelFile has only string keys and plain values")
}

/// Reads a model from JSON text and checks it (see [`ModelFile::check`]). A version-1 file is
/// upgraded to the current layout.
///
/// The `format` and `version` fields are checked before anything else, so a file from a newer
/// build is reported as [`NnError::ModelVersion`] rather than as a confusing parse error, and
/// a file that is not an nnplay model is named for what it is.
///
/// ```
/// use nnplay::io::model_file::load_json;
/// use nnplay::NnError;
/// let err = load_json(r#"{"format": "nnplay-model", "version": 7}"#).unwrap_err();
/// assert!(matches!(err, NnError::ModelVersion { found: 7, supported: 2 }));
/// let err = load_json(r#"{"modelTopology": {}, "weightsManifest": []}"#).unwrap_err();
/// assert!(err.to_string().contains("TensorFlow.js"));
/// ```
pub fn load_json(text: &str) -> Result<ModelFile, NnError> {
    let version = legacy::check_header(text)?;
    let mut file: ModelFile =
        serde_json::from_str(text).map_err(|e| NnError::ModelFile(e.to_string()))?;
    if version == 1 {
        legacy::upgrade_v1(&mut file)?;
    }
    file.check()?;
    Ok(file)
}

/// Reads a model from the bytes of a file: [`load_json`] once they are known to be text (a
/// binary file, such as an ONNX export, is named as one).
pub fn load_bytes(bytes: &[u8]) -> Result<ModelFile, NnError> {
    let text = std::str::from_utf8(bytes).map_err(|_| legacy::binary_file())?;
    load_json(text)
}

/// Writes `file` to `path` as JSON.
#[cfg(not(target_arch = "wasm32"))]
pub fn save(path: impl AsRef<std::path::Path>, file: &ModelFile) -> Result<(), NnError> {
    let path = path.as_ref();
    std::fs::write(path, save_json(file))
        .map_err(|e| NnError::ModelFile(format!("cannot write {}: {e}", path.display())))
}

/// Reads and checks the model file at `path`.
#[cfg(not(target_arch = "wasm32"))]
pub fn load(path: impl AsRef<std::path::Path>) -> Result<ModelFile, NnError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path)
        .map_err(|e| NnError::ModelFile(format!("cannot read {}: {e}", path.display())))?;
    load_bytes(&bytes)
}
