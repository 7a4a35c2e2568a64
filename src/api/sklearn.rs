//! A scikit-learn-like front end: [`MlpRegressor`] and [`MlpClassifier`] with sklearn's
//! hyperparameters, defaults, objective and stopping rule, so that code and numbers carry over
//! from `sklearn.neural_network`. Only the `adam` solver with a constant learning rate is offered.
//!
//! # What matches sklearn
//!
//! | | sklearn | here |
//! |---|---|---|
//! | hidden layers | `hidden_layer_sizes=(100,)` | same |
//! | activation | `relu` | same (any element-wise [`Activation`]) |
//! | solver | `adam`, lr 1e-3, β1 0.9, β2 0.999, ε 1e-8 | same |
//! | L2 | `alpha=1e-4`, adds alpha/(2·n_batch)·Σw² to each batch loss | same, exactly per batch |
//! | batches | `batch_size="auto"` = min(200, n) | `None` = min(200, n) |
//! | epochs | `max_iter=200` | same |
//! | stopping | training loss not better than best − `tol` (1e-4) for more than `n_iter_no_change` (10) epochs in a row | same rule |
//! | early stopping | `early_stopping=False`; when on, holds out `validation_fraction=0.1` (stratified for two classes), stops on the validation score (R² or accuracy) by the same rule and keeps the best weights | same |
//! | shuffling | every epoch, `shuffle=True` | same |
//! | initial weights | U(−b, b) for weights *and* biases, b = √(6/(fan_in+fan_out)) (√(2/…) for logistic) | same |
//! | regressor loss | `squared_error`: ½·mean (ŷ − y)² | same objective; see below |
//! | classifier loss | log-loss with a sigmoid (2 classes) or softmax output | same |
//!
//! Training runs on the library's one loop, [`Trainer`](crate::train::Trainer), told sklearn's
//! objective through an [`Objective`](crate::train::Objective) (see `sklearn/fit.rs`).
//!
//! Differences, all small:
//! - `random_state` is a number (default 0): runs are always reproducible. sklearn's default
//!   `None` draws a fresh seed each time.
//! - Our Adam adds ε to √v̂ (PyTorch's form); sklearn adds it to √v and folds the bias
//!   corrections into the step size. The two differ only when √v is near ε.
//! - The core's [`Loss::MeanSquaredError`] is mean (ŷ − y)², twice sklearn's squared loss. The
//!   regressor rescales the gradient so that it minimises exactly sklearn's objective, and
//!   [`MlpRegressor::loss`] and [`MlpRegressor::loss_curve`] report sklearn's `loss_` (half the
//!   core's MSE, plus the L2 term).
//! - The rows held out by `early_stopping` are drawn with our own generator, so they are not
//!   the rows sklearn's `train_test_split` would pick for the same `random_state`.
//! - The `sgd` and `lbfgs` solvers, learning-rate schedules, `warm_start` and `partial_fit` are
//!   not offered.
//! - Predictions of a one-output regressor stay two-dimensional, (n, 1).

use crate::error::NnError;
use crate::io::model_file::ModelFile;
use crate::nn::activation::Activation;
use crate::nn::init::NnRng;
use crate::nn::network::{LayerConfig, Network, NetworkConfig};
use ndarray::{Array2, ArrayView1, ArrayView2};
use rand::RngExt;
use serde::{Deserialize, Deserializer, Serialize};

mod fit;

/// sklearn's `batch_size="auto"` cap.
const AUTO_BATCH: usize = 200;

/// The hyperparameters both estimators share, with sklearn's names and defaults.
///
/// ```
/// use nnplay::sklearn::MlpParams;
/// let p = MlpParams::default();
/// assert_eq!((p.hidden_layer_sizes.as_slice(), p.max_iter, p.alpha), (&[100][..], 200, 1e-4));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
// Files written before a field existed read its default.
#[serde(default)]
pub struct MlpParams {
    /// Width of each hidden layer; empty gives a linear (or logistic) model. Default `[100]`.
    pub hidden_layer_sizes: Vec<usize>,
    /// Activation of every hidden layer. Default ReLU.
    pub activation: Activation,
    /// Adam's step size. Default 1e-3.
    pub learning_rate_init: f32,
    /// Adam's decay of the first moment. Default 0.9.
    pub beta_1: f32,
    /// Adam's decay of the second moment. Default 0.999.
    pub beta_2: f32,
    /// Adam's ε. Default 1e-8.
    pub epsilon: f32,
    /// L2 penalty strength. Default 1e-4.
    pub alpha: f32,
    /// Samples per step; `None` is sklearn's "auto", min(200, n). Larger than n means n.
    pub batch_size: Option<usize>,
    /// Most epochs. Default 200.
    pub max_iter: usize,
    /// Smallest loss improvement that counts. Default 1e-4.
    pub tol: f32,
    /// Epochs without improvement tolerated before stopping. Default 10.
    pub n_iter_no_change: usize,
    /// Reshuffle the samples every epoch. Default true.
    pub shuffle: bool,
    /// Hold out `validation_fraction` of the rows and stop on their score instead of on the
    /// training loss, keeping the weights of the best score. Default false.
    pub early_stopping: bool,
    /// Share of the rows held out by `early_stopping`, in [0, 1) and at least two rows.
    /// Default 0.1.
    pub validation_fraction: f32,
    /// Seed of the initial weights and of the shuffling. Default 0.
    pub random_state: u64,
}

impl Default for MlpParams {
    fn default() -> Self {
        MlpParams {
            hidden_layer_sizes: vec![100],
            activation: Activation::Relu,
            learning_rate_init: 1e-3,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-8,
            alpha: 1e-4,
            batch_size: None,
            max_iter: 200,
            tol: 1e-4,
            n_iter_no_change: 10,
            shuffle: true,
            early_stopping: false,
            validation_fraction: 0.1,
            random_state: 0,
        }
    }
}

impl MlpParams {
    /// Rejects values sklearn's parameter validation rejects.
    pub fn validate(&self) -> Result<(), NnError> {
        NnError::positive("learning_rate_init", self.learning_rate_init)?;
        NnError::unit_interval("beta_1", self.beta_1)?;
        NnError::unit_interval("beta_2", self.beta_2)?;
        NnError::positive("epsilon", self.epsilon)?;
        NnError::non_negative("alpha", self.alpha)?;
        NnError::non_negative("tol", self.tol)?;
        NnError::unit_interval("validation_fraction", self.validation_fraction)?;
        let at_least_one = |name, value: usize| {
            if value == 0 {
                Err(NnError::BadHyperparameter {
                    name,
                    value: 0.0,
                    requirement: "at least 1",
                })
            } else {
                Ok(())
            }
        };
        at_least_one("max_iter", self.max_iter)?;
        at_least_one("n_iter_no_change", self.n_iter_no_change)?;
        if let Some(bs) = self.batch_size {
            at_least_one("batch_size", bs)?;
        }
        if self.activation.is_row_wise() {
            return Err(NnError::Architecture("softmax cannot be a hidden activation; use relu, tanh, logistic (sigmoid) or linear (identity)".into()));
        }
        Ok(())
    }

    fn batch_rows(&self, n: usize) -> usize {
        self.batch_size.unwrap_or(AUTO_BATCH).min(n).max(1)
    }
}

/// What one `fit` produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Progress {
    n_iter: usize,
    loss_curve: Vec<f32>,
    best_loss: f32,
    converged: bool,
    /// Score on the held-out rows after each epoch (`early_stopping` only). NaN, written as
    /// `null`, when a prediction was not finite.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "scores_allowing_null"
    )]
    validation_scores: Vec<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    best_validation_score: Option<f32>,
}

/// Reads validation scores, turning `null` (how JSON writes NaN) back into NaN.
fn scores_allowing_null<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
    let scores: Vec<Option<f32>> = Vec::deserialize(d)?;
    Ok(scores.into_iter().map(|s| s.unwrap_or(f32::NAN)).collect())
}

/// The class a row of network outputs picks: one sigmoid output picks class 1 strictly above
/// 0.5 (sklearn's `LabelBinarizer.inverse_transform`), several pick their first maximum
/// (NumPy's `argmax`).
fn class_index(row: ArrayView1<f32>) -> usize {
    if row.len() == 1 {
        usize::from(row[0] > 0.5)
    } else {
        row.iter()
            .enumerate()
            .fold(0, |best, (i, &v)| if v > row[best] { i } else { best })
    }
}

/// Builds the network with sklearn's initial weights.
fn build_network(
    params: &MlpParams,
    in_dim: usize,
    output: LayerConfig,
    rng: &mut NnRng,
) -> Result<Network, NnError> {
    let config = NetworkConfig::new(
        in_dim,
        &params.hidden_layer_sizes,
        params.activation,
        output,
    )
    .with_seed(params.random_state);
    let mut net = Network::new(&config)?;
    // sklearn's `_init_coef`: Glorot-style bound, drawn for the biases too, with factor 2 instead
    // of 6 when the hidden activation is the logistic sigmoid.
    let factor = if params.activation == Activation::Sigmoid {
        2.0
    } else {
        6.0
    };
    let shapes = net.layers().to_vec();
    let all = net.params_mut();
    for s in shapes {
        let bound = (factor / (s.in_dim + s.out_dim) as f32).sqrt();
        for p in &mut all[s.offset..s.offset + s.n_params()] {
            *p = rng.random_range(-bound..bound);
        }
    }
    Ok(net)
}

/// Rejects NaN and infinity in the training data (sklearn's `check_array`).
fn check_finite(x: ArrayView2<f32>, what: &str) -> Result<(), NnError> {
    if x.iter().any(|v| !v.is_finite()) {
        return Err(NnError::Config(format!(
            "the {what} contain NaN or infinity"
        )));
    }
    Ok(())
}

/// Builder setters shared by both estimators (sklearn's constructor arguments).
macro_rules! mlp_setters {
    () => {
        /// Width of each hidden layer (default `[100]`).
        pub fn hidden_layer_sizes(mut self, sizes: &[usize]) -> Self {
            self.params.hidden_layer_sizes = sizes.to_vec();
            self
        }
        /// Hidden activation (default ReLU). sklearn's `identity`, `logistic`, `tanh`, `relu` are
        /// `Linear`, `Sigmoid`, `Tanh`, `Relu`.
        pub fn activation(mut self, activation: Activation) -> Self {
            self.params.activation = activation;
            self
        }
        /// Adam's step size (default 1e-3).
        pub fn learning_rate_init(mut self, lr: f32) -> Self {
            self.params.learning_rate_init = lr;
            self
        }
        /// Most epochs (default 200).
        pub fn max_iter(mut self, max_iter: usize) -> Self {
            self.params.max_iter = max_iter;
            self
        }
        /// L2 strength (default 1e-4).
        pub fn alpha(mut self, alpha: f32) -> Self {
            self.params.alpha = alpha;
            self
        }
        /// Seed of the weights and shuffling (default 0).
        pub fn random_state(mut self, seed: u64) -> Self {
            self.params.random_state = seed;
            self
        }
        /// Samples per step (default min(200, n)).
        pub fn batch_size(mut self, batch_size: usize) -> Self {
            self.params.batch_size = Some(batch_size);
            self
        }
        /// Smallest improvement of the training loss that counts (default 1e-4).
        pub fn tol(mut self, tol: f32) -> Self {
            self.params.tol = tol;
            self
        }
        /// Epochs without improvement tolerated (default 10).
        pub fn n_iter_no_change(mut self, n: usize) -> Self {
            self.params.n_iter_no_change = n;
            self
        }
        /// Reshuffle every epoch (default true).
        pub fn shuffle(mut self, shuffle: bool) -> Self {
            self.params.shuffle = shuffle;
            self
        }
        /// Stop on the score of held-out rows and keep the best weights (default false).
        pub fn early_stopping(mut self, on: bool) -> Self {
            self.params.early_stopping = on;
            self
        }
        /// Share of the rows `early_stopping` holds out (default 0.1).
        pub fn validation_fraction(mut self, fraction: f32) -> Self {
            self.params.validation_fraction = fraction;
            self
        }
        /// Replaces every hyperparameter at once.
        pub fn with_params(mut self, params: MlpParams) -> Self {
            self.params = params;
            self
        }
        /// The hyperparameters.
        pub fn params(&self) -> &MlpParams {
            &self.params
        }
        /// Epochs run by the last `fit` (sklearn's `n_iter_`).
        pub fn n_iter(&self) -> Result<usize, NnError> {
            Ok(self.fitted()?.progress.n_iter)
        }
        /// Training loss of each epoch, sklearn's `loss_curve_` (its scale: see the module docs).
        pub fn loss_curve(&self) -> Result<&[f32], NnError> {
            Ok(&self.fitted()?.progress.loss_curve)
        }
        /// Last epoch's training loss, sklearn's `loss_`.
        pub fn loss(&self) -> Result<f32, NnError> {
            self.fitted()?
                .progress
                .loss_curve
                .last()
                .copied()
                .ok_or(NnError::NotFitted)
        }
        /// Lowest training loss seen, sklearn's `best_loss_` (which sklearn leaves `None` under
        /// `early_stopping`; here it is the lowest training loss all the same).
        pub fn best_loss(&self) -> Result<f32, NnError> {
            Ok(self.fitted()?.progress.best_loss)
        }
        /// Score of the held-out rows after each epoch, sklearn's `validation_scores_`: R² for
        /// the regressor, accuracy for the classifier. Empty without `early_stopping`.
        pub fn validation_scores(&self) -> Result<&[f32], NnError> {
            Ok(&self.fitted()?.progress.validation_scores)
        }
        /// Best of [`validation_scores`](Self::validation_scores), whose weights the model
        /// kept (sklearn's `best_validation_score_`); `None` without `early_stopping`.
        pub fn best_validation_score(&self) -> Result<Option<f32>, NnError> {
            Ok(self.fitted()?.progress.best_validation_score)
        }
        /// False when `fit` stopped at `max_iter` (where sklearn warns `ConvergenceWarning`).
        pub fn converged(&self) -> Result<bool, NnError> {
            Ok(self.fitted()?.progress.converged)
        }
        /// The trained network (its `weights(l)` and `biases(l)` are sklearn's `coefs_[l]` and
        /// `intercepts_[l]`).
        pub fn network(&self) -> Result<&Network, NnError> {
            Ok(&self.fitted()?.net)
        }
        /// Number of input features seen by `fit`, sklearn's `n_features_in_`.
        pub fn n_features_in(&self) -> Result<usize, NnError> {
            Ok(self.fitted()?.net.in_dim())
        }
        /// Writes the fitted model to a JSON file (see [`crate::io::model_file`]).
        #[cfg(not(target_arch = "wasm32"))]
        pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<(), NnError> {
            model_file::save(path, &self.to_model_file()?)
        }
        /// Reads a model written by `save`.
        #[cfg(not(target_arch = "wasm32"))]
        pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self, NnError> {
            Self::from_model_file(&model_file::load(path)?)
        }
        /// The fitted model as JSON text.
        pub fn to_json(&self) -> Result<String, NnError> {
            Ok(model_file::save_json(&self.to_model_file()?))
        }
        /// Reads a model from JSON text written by `to_json` or `save`.
        pub fn from_json(text: &str) -> Result<Self, NnError> {
            Self::from_model_file(&model_file::load_json(text)?)
        }
    };
}

/// The front-end section of a model file written by an estimator.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum EstimatorSection {
    MlpRegressor {
        params: MlpParams,
        #[serde(flatten)]
        progress: Progress,
    },
    MlpClassifier {
        params: MlpParams,
        #[serde(flatten)]
        progress: Progress,
        /// The ids `predict` returns, one per class.
        class_ids: Vec<usize>,
        /// True when the model was fitted on string labels (`fit_labels`).
        string_labels: bool,
    },
}

impl EstimatorSection {
    fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("plain data serialises")
    }

    fn read(file: &ModelFile, expected: &str) -> Result<EstimatorSection, NnError> {
        let value = file.estimator.clone().ok_or_else(|| {
            NnError::ModelFile(format!(
                "this model was not written by an {expected} (it has no estimator section)"
            ))
        })?;
        serde_json::from_value(value)
            .map_err(|e| NnError::ModelFile(format!("the estimator section is not valid: {e}")))
    }
}

// Declared after `mlp_setters!`, which both estimators expand.
mod classifier;
mod regressor;

pub use classifier::MlpClassifier;
pub use regressor::MlpRegressor;

/// One target (or label) per input row, and at least one row.
fn check_shapes(x: &Array2<f32>, y_rows: usize) -> Result<(), NnError> {
    if x.nrows() != y_rows {
        return Err(NnError::RowMismatch {
            x_rows: x.nrows(),
            y_rows,
        });
    }
    if x.nrows() == 0 {
        return Err(NnError::EmptyData);
    }
    if x.ncols() == 0 {
        return Err(NnError::Architecture("the inputs have no columns".into()));
    }
    Ok(())
}
