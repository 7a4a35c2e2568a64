//! Model files: a whole trained model (architecture, weights and, when known, how it was trained,
//! its input scaler and its classes) as one versioned JSON document. The Keras-like
//! [`Sequential`](crate::api::keras::Sequential), the scikit-learn-like estimators, the CLI and the page
//! all read and write this one format, so a model trained in one opens in the others.
//!
//! # Format, version 1
//!
//! ```json
//! {
//!   "format": "nnplay-model",
//!   "version": 1,
//!   "network": { "in_dim": 2, "layers": [ … ], "initializer": { … }, "seed": 0 },
//!   "params": [0.123, -0.5, …],
//!   "train": { … },          // optional: a TrainConfig
//!   "scaler": { … },         // optional: a data::Scaler applied to inputs before the network
//!   "classes": ["cat", …],   // optional: display name of each class
//!   "task": "regression",    // optional: a data::Task
//!   "estimator": { … }       // optional: settings of the front end that wrote the file
//! }
//! ```
//!
//! `params` holds every parameter in [`Network::params`] order (layer by layer, kernel row-major,
//! then bias). Numbers are written with the shortest decimal that reads back as the same f32, so
//! saving and loading gives bit-identical predictions.

use crate::data::{Scaler, Task};
use crate::error::NnError;
use crate::nn::network::{Network, NetworkConfig};
use crate::train::TrainConfig;
use serde::{Deserialize, Deserializer, Serialize};

/// The value of the `"format"` field of every model file.
pub const FORMAT: &str = "nnplay-model";
/// The model file version this build writes and reads.
pub const VERSION: u32 = 1;

/// Everything a model file holds.
///
/// Build one from a network with [`ModelFile::new`], add what else you know, and turn it into
/// text with [`save_json`]; [`load_json`] checks a text and gives it back.
///
/// ```
/// use nnplay::prelude::*;
/// use nnplay::model_io::{self, ModelFile};
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
    /// Always [`VERSION`] when written by this build.
    pub version: u32,
    /// The architecture.
    pub network: NetworkConfig,
    /// Every parameter, in [`Network::params`] order. A `null` (how JSON writers spell NaN) is
    /// read as NaN so that [`ModelFile::network`] can name the bad parameter.
    #[serde(deserialize_with = "params_allowing_null")]
    pub params: Vec<f32>,
    /// How the model was (or will be) trained, when the writer knew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train: Option<TrainConfig>,
    /// Scaling applied to raw inputs before the network sees them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaler: Option<Scaler>,
    /// Display name of each class (index = class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// What the model predicts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
    /// Settings only the front end that wrote the file understands (for example an
    /// `MlpClassifier`'s hyperparameters). Kept as plain JSON so this module does not depend on
    /// the front ends; each front end checks its own section when it loads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimator: Option<serde_json::Value>,
}

impl ModelFile {
    /// A file holding `network`'s architecture and current parameters, nothing else.
    pub fn new(network: &Network) -> ModelFile {
        ModelFile {
            format: FORMAT.to_string(),
            version: VERSION,
            network: network.config().clone(),
            params: network.params().to_vec(),
            train: None,
            scaler: None,
            classes: None,
            task: None,
            estimator: None,
        }
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

    /// Rebuilds the network. Fails with [`NnError::ModelFile`] when the parameter count does not
    /// match the architecture or a parameter is not finite, and with the architecture's own error
    /// when the `network` section is invalid.
    pub fn network(&self) -> Result<Network, NnError> {
        Network::from_params(&self.network, self.params.clone())
    }

    /// Checks that the parts fit together: the network can be rebuilt, the scaler has one entry
    /// per input with finite values, the classes match the output layer.
    pub fn check(&self) -> Result<(), NnError> {
        let net = self.network()?;
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

/// Reads a model from JSON text and checks it (see [`ModelFile::check`]).
///
/// The `format` and `version` fields are checked before anything else, so a file from a newer
/// build is reported as [`NnError::ModelVersion`] rather than as a confusing parse error.
///
/// ```
/// use nnplay::model_io::load_json;
/// use nnplay::NnError;
/// let err = load_json(r#"{"format": "nnplay-model", "version": 7}"#).unwrap_err();
/// assert!(matches!(err, NnError::ModelVersion { found: 7, supported: 1 }));
/// ```
pub fn load_json(text: &str) -> Result<ModelFile, NnError> {
    /// The two fields every version has; everything else is read once they are known.
    #[derive(Deserialize)]
    struct Header {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let header: Header = serde_json::from_str(text)
        .map_err(|e| NnError::ModelFile(format!("cannot read the text as a JSON object: {e}")))?;
    match header.format {
        Some(serde_json::Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(NnError::ModelFile(format!(
                "this is not an nnplay model: its format is {other}, expected \"{FORMAT}\""
            )));
        }
        None => {
            return Err(NnError::ModelFile(format!(
                "this is not an nnplay model: there is no \"format\": \"{FORMAT}\" field"
            )));
        }
    }
    let version = match header.version {
        Some(serde_json::Value::Number(n)) => n.as_u64().ok_or_else(|| {
            NnError::ModelFile(format!("the version must be a whole number, got {n}"))
        })?,
        Some(other) => {
            return Err(NnError::ModelFile(format!(
                "the version must be a whole number, got {other}"
            )));
        }
        None => {
            return Err(NnError::ModelFile(
                "the file has no \"version\" field".into(),
            ));
        }
    };
    if version != VERSION as u64 {
        return Err(NnError::ModelVersion {
            found: u32::try_from(version).unwrap_or(u32::MAX),
            supported: VERSION,
        });
    }
    let file: ModelFile =
        serde_json::from_str(text).map_err(|e| NnError::ModelFile(e.to_string()))?;
    file.check()?;
    Ok(file)
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
    let text = std::fs::read_to_string(path)
        .map_err(|e| NnError::ModelFile(format!("cannot read {}: {e}", path.display())))?;
    load_json(&text)
}
