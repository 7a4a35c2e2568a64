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
//! | shuffling | every epoch, `shuffle=True` | same |
//! | initial weights | U(−b, b) for weights *and* biases, b = √(6/(fan_in+fan_out)) (√(2/…) for logistic) | same |
//! | regressor loss | `squared_error`: ½·mean (ŷ − y)² | same objective; see below |
//! | classifier loss | log-loss with a sigmoid (2 classes) or softmax output | same |
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
//! - `early_stopping` on a validation fraction, the `sgd` and `lbfgs` solvers, learning-rate
//!   schedules, `warm_start` and `partial_fit` are not offered.
//! - Predictions of a one-output regressor stay two-dimensional, (n, 1).

use crate::data::{DataError, Task};
use crate::error::NnError;
use crate::io::model_file::{self, ModelFile};
use crate::kernels::shuffle::shuffle;
use crate::nn::activation::Activation;
use crate::nn::init::{NnRng, rng_from_seed};
use crate::nn::loss::Loss;
use crate::nn::network::{LayerConfig, Network, NetworkConfig, Workspace};
use crate::nn::regularization::Regularization;
use crate::train::metrics;
use crate::train::optim::{Optimizer, OptimizerState, all_finite};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::RngExt;
use serde::{Deserialize, Serialize};

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
}

/// How sklearn's objective relates to the core loss used for the gradient.
#[derive(Clone, Copy)]
struct Objective {
    loss: Loss,
    /// Factor on the core loss's gradient to obtain sklearn's.
    grad_scale: f32,
    /// Factor on the core loss's value to obtain sklearn's reported loss.
    value_scale: f32,
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

/// sklearn's `_fit_stochastic` with the adam solver: per-epoch shuffle, mini-batches, L2 of
/// alpha/(2·batch rows) on each batch, loss curve weighted by batch size, and the
/// `_no_improvement_count` stopping rule on the training loss.
fn train(
    params: &MlpParams,
    net: &mut Network,
    x: ArrayView2<f32>,
    y: ArrayView2<f32>,
    objective: Objective,
    rng: &mut NnRng,
) -> Result<Progress, NnError> {
    let n = x.nrows();
    let (d_in, d_out) = (x.ncols(), y.ncols());
    let x = x.as_standard_layout();
    let y = y.as_standard_layout();
    let (xs, ys) = (
        x.as_slice().expect("standard layout"),
        y.as_slice().expect("standard layout"),
    );
    let batch = params.batch_rows(n);
    let optimizer = Optimizer::Adam {
        beta1: params.beta_1,
        beta2: params.beta_2,
        eps: params.epsilon,
    };
    let mut state = OptimizerState::default();
    let mut ws = Workspace::default();
    let mut grads = vec![0.0f32; net.n_params()];
    let (mut xb, mut yb) = (
        Vec::with_capacity(batch * d_in),
        Vec::with_capacity(batch * d_out),
    );
    let mut order: Vec<usize> = (0..n).collect();
    let mut progress = Progress {
        n_iter: 0,
        loss_curve: Vec::new(),
        best_loss: f32::INFINITY,
        converged: false,
    };
    let mut no_improvement = 0;
    let mut steps = 0;
    for epoch in 1..=params.max_iter {
        if params.shuffle {
            shuffle(&mut order, rng);
        }
        let mut accumulated = 0.0f64;
        for chunk in order.chunks(batch) {
            let rows = chunk.len();
            xb.clear();
            yb.clear();
            for &i in chunk {
                xb.extend_from_slice(&xs[i * d_in..(i + 1) * d_in]);
                yb.extend_from_slice(&ys[i * d_out..(i + 1) * d_out]);
            }
            steps += 1;
            let diverged = |what: String| NnError::Diverged {
                epoch,
                step: steps,
                what,
            };
            let data_loss = net.loss_and_gradient(
                &xb,
                &yb,
                rows,
                objective.loss,
                Regularization::None,
                &mut ws,
                &mut grads,
                None,
            );
            if !data_loss.is_finite() {
                return Err(diverged(format!("the loss became {data_loss}")));
            }
            if objective.grad_scale != 1.0 {
                grads.iter_mut().for_each(|g| *g *= objective.grad_scale);
            }
            // sklearn adds alpha·W/n_batch to the kernel gradients (biases are not penalised).
            let mut squares = 0.0f64;
            let l2 = params.alpha / rows as f32;
            for s in net.layers() {
                for (g, &w) in grads[s.weight_range()]
                    .iter_mut()
                    .zip(&net.params()[s.weight_range()])
                {
                    squares += (w as f64) * (w as f64);
                    *g += l2 * w;
                }
            }
            if !all_finite(&grads) {
                return Err(diverged("the gradient is not finite".into()));
            }
            if !optimizer.step_checked(
                params.learning_rate_init,
                net.params_mut(),
                &grads,
                &mut state,
            ) {
                return Err(diverged("a weight overflowed".into()));
            }
            let batch_loss = objective.value_scale as f64 * data_loss as f64
                + 0.5 * params.alpha as f64 * squares / rows as f64;
            accumulated += batch_loss * rows as f64;
        }
        let loss = (accumulated / n as f64) as f32;
        progress.n_iter = epoch;
        progress.loss_curve.push(loss);
        // sklearn's `_update_no_improvement_count` (early_stopping=False branch).
        if loss > progress.best_loss - params.tol {
            no_improvement += 1;
        } else {
            no_improvement = 0;
        }
        if loss < progress.best_loss {
            progress.best_loss = loss;
        }
        if no_improvement > params.n_iter_no_change {
            progress.converged = true;
            break;
        }
    }
    Ok(progress)
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
        /// Lowest training loss seen, sklearn's `best_loss_`.
        pub fn best_loss(&self) -> Result<f32, NnError> {
            Ok(self.fitted()?.progress.best_loss)
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

#[derive(Clone, Debug)]
struct FittedRegressor {
    net: Network,
    progress: Progress,
}

/// sklearn's `MLPRegressor`: a network with linear outputs trained on the squared error.
///
/// # Shapes
/// `fit(x, y)`: x (n, n_features), y (n, n_outputs) (or a 1-D y with [`MlpRegressor::fit_1d`]);
/// `predict(x)` → (n, n_outputs).
///
/// ```
/// use nnplay::prelude::*;
/// use ndarray::{Array1, Array2};
///
/// // y = 2·x − 1 on [0, 1].
/// let x = Array2::from_shape_fn((50, 1), |(i, _)| i as f32 / 49.0);
/// let y: Array1<f32> = x.column(0).mapv(|v| 2.0 * v - 1.0);
/// let mut model = MlpRegressor::new().hidden_layer_sizes(&[16]).learning_rate_init(0.01).max_iter(500).random_state(1);
/// model.fit_1d(&x, &y).unwrap();
/// assert!(model.score(&x, &y.insert_axis(ndarray::Axis(1))).unwrap() > 0.99);
/// assert!(model.n_iter().unwrap() <= 500);
/// ```
#[derive(Clone, Debug, Default)]
pub struct MlpRegressor {
    params: MlpParams,
    fitted: Option<FittedRegressor>,
}

impl MlpRegressor {
    /// An unfitted regressor with sklearn's defaults ([`MlpParams::default`]).
    pub fn new() -> MlpRegressor {
        MlpRegressor::default()
    }

    mlp_setters!();

    fn fitted(&self) -> Result<&FittedRegressor, NnError> {
        self.fitted.as_ref().ok_or(NnError::NotFitted)
    }

    /// Trains a fresh network on `x` (n, n_features) and `y` (n, n_outputs). A previous fit is
    /// discarded (sklearn's `warm_start=False`).
    ///
    /// # Errors
    /// [`NnError::BadHyperparameter`] / [`NnError::Architecture`] for bad settings,
    /// [`NnError::RowMismatch`], [`NnError::EmptyData`], [`NnError::Config`] for NaN or infinite
    /// data, [`NnError::Diverged`] when the loss blows up.
    pub fn fit(&mut self, x: &Array2<f32>, y: &Array2<f32>) -> Result<&mut Self, NnError> {
        self.params.validate()?;
        check_shapes(x, y.nrows())?;
        if y.ncols() == 0 {
            return Err(NnError::TargetDim {
                expected: 1,
                got: 0,
            });
        }
        check_finite(x.view(), "inputs")?;
        check_finite(y.view(), "targets")?;
        let mut rng = rng_from_seed(self.params.random_state);
        let mut net = build_network(
            &self.params,
            x.ncols(),
            LayerConfig::new(y.ncols(), Activation::Linear),
            &mut rng,
        )?;
        // Core MSE = mean (ŷ−y)² with gradient 2(ŷ−y)/(n·k); sklearn's delta is (ŷ−y)/n, i.e.
        // k/2 times ours, and its reported loss is half ours.
        let objective = Objective {
            loss: Loss::MeanSquaredError,
            grad_scale: y.ncols() as f32 / 2.0,
            value_scale: 0.5,
        };
        let progress = train(
            &self.params,
            &mut net,
            x.view(),
            y.view(),
            objective,
            &mut rng,
        )?;
        self.fitted = Some(FittedRegressor { net, progress });
        Ok(self)
    }

    /// [`fit`](MlpRegressor::fit) with one target per sample.
    pub fn fit_1d(&mut self, x: &Array2<f32>, y: &Array1<f32>) -> Result<&mut Self, NnError> {
        let y = y.view().insert_axis(Axis(1)).to_owned();
        self.fit(x, &y)
    }

    /// Predictions for `x` (n, n_features): shape (n, n_outputs).
    ///
    /// # Errors
    /// [`NnError::NotFitted`], [`NnError::InputDim`].
    pub fn predict(&self, x: &Array2<f32>) -> Result<Array2<f32>, NnError> {
        self.fitted()?.net.predict(x.view())
    }

    /// sklearn's `score`: R² of the predictions, averaged uniformly over outputs
    /// ([`metrics::r2_score`]: 1 − Σ(y − ŷ)² / Σ(y − ȳ)², computed in f64).
    pub fn score(&self, x: &Array2<f32>, y: &Array2<f32>) -> Result<f32, NnError> {
        let net = &self.fitted()?.net;
        net.check_data(&x.view(), &y.view())?;
        Ok(metrics::r2_score(net.predict(x.view())?.view(), y.view()))
    }

    /// The fitted model as a [`ModelFile`] (task `regression`, hyperparameters and loss curve
    /// in the estimator section).
    pub fn to_model_file(&self) -> Result<ModelFile, NnError> {
        let fitted = self.fitted()?;
        let mut file = ModelFile::new(&fitted.net).with_task(Task::Regression);
        file.estimator = Some(
            EstimatorSection::MlpRegressor {
                params: self.params.clone(),
                progress: fitted.progress.clone(),
            }
            .to_value(),
        );
        Ok(file)
    }

    /// Rebuilds a fitted regressor from a model file written by [`to_model_file`](MlpRegressor::to_model_file).
    ///
    /// # Errors
    /// [`NnError::ModelFile`] when the file was written by something else or does not fit together.
    pub fn from_model_file(file: &ModelFile) -> Result<MlpRegressor, NnError> {
        file.check()?;
        let EstimatorSection::MlpRegressor { params, progress } =
            EstimatorSection::read(file, "MlpRegressor")?
        else {
            return Err(NnError::ModelFile(
                "this model was written by an MlpClassifier, not an MlpRegressor".into(),
            ));
        };
        let net = file.network()?;
        if net.output_activation() != Activation::Linear {
            return Err(NnError::ModelFile(format!(
                "an MlpRegressor has a linear output layer, this file's is {}",
                net.output_activation()
            )));
        }
        Ok(MlpRegressor {
            params,
            fitted: Some(FittedRegressor { net, progress }),
        })
    }
}

#[derive(Clone, Debug)]
struct FittedClassifier {
    net: Network,
    progress: Progress,
    /// Sorted ids; class k of the network is `class_ids[k]`.
    class_ids: Vec<usize>,
    /// Display name of each class (the labels themselves after `fit_labels`).
    class_names: Vec<String>,
    string_labels: bool,
}

/// sklearn's `MLPClassifier`: two classes get one sigmoid output and binary cross-entropy,
/// more get a softmax output and categorical cross-entropy.
///
/// Labels are `usize` class ids (any values, not necessarily 0..k) with [`fit`](MlpClassifier::fit),
/// or strings with [`fit_labels`](MlpClassifier::fit_labels). Classes are sorted, as sklearn's
/// `classes_` are; `predict_proba` has one column per class in that order.
///
/// ```
/// use nnplay::prelude::*;
/// use ndarray::array;
///
/// let x = array![[-2.0f32], [-1.5], [-1.0], [1.0], [1.5], [2.0]];
/// let labels = ["small", "small", "small", "large", "large", "large"].map(String::from);
/// let mut clf = MlpClassifier::new().hidden_layer_sizes(&[4]).learning_rate_init(0.05).random_state(3);
/// clf.fit_labels(&x, &labels).unwrap();
/// assert_eq!(clf.class_names().unwrap(), ["large", "small"]);
/// assert_eq!(clf.predict_labels(&array![[-3.0f32], [3.0]]).unwrap(), ["small", "large"]);
/// let p = clf.predict_proba(&x).unwrap();
/// assert_eq!(p.dim(), (6, 2));
/// ```
#[derive(Clone, Debug, Default)]
pub struct MlpClassifier {
    params: MlpParams,
    fitted: Option<FittedClassifier>,
}

impl MlpClassifier {
    /// An unfitted classifier with sklearn's defaults ([`MlpParams::default`]).
    pub fn new() -> MlpClassifier {
        MlpClassifier::default()
    }

    mlp_setters!();

    fn fitted(&self) -> Result<&FittedClassifier, NnError> {
        self.fitted.as_ref().ok_or(NnError::NotFitted)
    }

    /// Trains a fresh network on `x` (n, n_features) and one class id per row.
    ///
    /// # Errors
    /// Those of [`MlpRegressor::fit`], and [`DataError::SingleClass`] (inside [`NnError::Data`])
    /// when every label is the same.
    pub fn fit(&mut self, x: &Array2<f32>, labels: &[usize]) -> Result<&mut Self, NnError> {
        let mut class_ids = labels.to_vec();
        class_ids.sort_unstable();
        class_ids.dedup();
        let index: Vec<usize> = labels
            .iter()
            .map(|l| class_ids.binary_search(l).expect("every label is a class"))
            .collect();
        let names = class_ids.iter().map(usize::to_string).collect();
        self.fit_indices(x, &index, class_ids, names, false)
    }

    /// Trains on string labels; classes are the distinct labels in sorted order, and
    /// [`predict_labels`](MlpClassifier::predict_labels) gives strings back.
    /// ([`predict`](MlpClassifier::predict) then returns class indices 0..k.)
    pub fn fit_labels<S: AsRef<str>>(
        &mut self,
        x: &Array2<f32>,
        labels: &[S],
    ) -> Result<&mut Self, NnError> {
        let mut names: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
        names.sort_unstable();
        names.dedup();
        let index: Vec<usize> = labels
            .iter()
            .map(|l| {
                names
                    .binary_search(&l.as_ref())
                    .expect("every label is a class")
            })
            .collect();
        let class_ids = (0..names.len()).collect();
        let names = names.into_iter().map(String::from).collect();
        self.fit_indices(x, &index, class_ids, names, true)
    }

    fn fit_indices(
        &mut self,
        x: &Array2<f32>,
        index: &[usize],
        class_ids: Vec<usize>,
        class_names: Vec<String>,
        string_labels: bool,
    ) -> Result<&mut Self, NnError> {
        self.params.validate()?;
        check_shapes(x, index.len())?;
        check_finite(x.view(), "inputs")?;
        let k = class_names.len();
        if k < 2 {
            return Err(DataError::SingleClass {
                class: class_names.first().cloned().unwrap_or_default(),
            }
            .into());
        }
        // sklearn's LabelBinarizer: one 0/1 column for two classes, one-hot rows for more.
        let (y, output, loss) = if k == 2 {
            (
                Array2::from_shape_fn((index.len(), 1), |(i, _)| index[i] as f32),
                LayerConfig::new(1, Activation::Sigmoid),
                Loss::BinaryCrossEntropy,
            )
        } else {
            let y = Array2::from_shape_fn(
                (index.len(), k),
                |(i, c)| if index[i] == c { 1.0 } else { 0.0 },
            );
            (
                y,
                LayerConfig::new(k, Activation::Softmax),
                Loss::CategoricalCrossEntropy,
            )
        };
        let mut rng = rng_from_seed(self.params.random_state);
        let mut net = build_network(&self.params, x.ncols(), output, &mut rng)?;
        // Our cross-entropies are sklearn's log-loss exactly, value and gradient (ŷ − y)/n.
        let objective = Objective {
            loss,
            grad_scale: 1.0,
            value_scale: 1.0,
        };
        let progress = train(
            &self.params,
            &mut net,
            x.view(),
            y.view(),
            objective,
            &mut rng,
        )?;
        self.fitted = Some(FittedClassifier {
            net,
            progress,
            class_ids,
            class_names,
            string_labels,
        });
        Ok(self)
    }

    /// The class ids `predict` returns, sorted (sklearn's `classes_`).
    pub fn classes(&self) -> Result<&[usize], NnError> {
        Ok(&self.fitted()?.class_ids)
    }

    /// The display name of each class: the labels after `fit_labels`, the ids as text after `fit`.
    pub fn class_names(&self) -> Result<&[String], NnError> {
        Ok(&self.fitted()?.class_names)
    }

    /// Class probabilities, shape (n, n_classes), columns in [`classes`](MlpClassifier::classes)
    /// order. With two classes the network has one sigmoid output p, and the rows are [1 − p, p]
    /// as in sklearn.
    pub fn predict_proba(&self, x: &Array2<f32>) -> Result<Array2<f32>, NnError> {
        let out = self.fitted()?.net.predict(x.view())?;
        if out.ncols() == 1 {
            Ok(Array2::from_shape_fn((out.nrows(), 2), |(i, c)| {
                if c == 1 {
                    out[[i, 0]]
                } else {
                    1.0 - out[[i, 0]]
                }
            }))
        } else {
            Ok(out)
        }
    }

    /// The index (into `classes`) of the predicted class of each row.
    fn predict_index(&self, x: &Array2<f32>) -> Result<Vec<usize>, NnError> {
        let out = self.fitted()?.net.predict(x.view())?;
        Ok(out
            .rows()
            .into_iter()
            .map(|row| {
                if row.len() == 1 {
                    // sklearn's LabelBinarizer.inverse_transform: strictly above 0.5.
                    usize::from(row[0] > 0.5)
                } else {
                    // First maximum, as NumPy's argmax.
                    row.iter()
                        .enumerate()
                        .fold(0, |best, (i, &v)| if v > row[best] { i } else { best })
                }
            })
            .collect())
    }

    /// The predicted class id of each row of `x` (n, n_features).
    ///
    /// # Errors
    /// [`NnError::NotFitted`], [`NnError::InputDim`].
    pub fn predict(&self, x: &Array2<f32>) -> Result<Vec<usize>, NnError> {
        let fitted = self.fitted()?;
        Ok(self
            .predict_index(x)?
            .into_iter()
            .map(|k| fitted.class_ids[k])
            .collect())
    }

    /// The predicted class name of each row (the string labels after `fit_labels`).
    pub fn predict_labels(&self, x: &Array2<f32>) -> Result<Vec<String>, NnError> {
        let fitted = self.fitted()?;
        Ok(self
            .predict_index(x)?
            .into_iter()
            .map(|k| fitted.class_names[k].clone())
            .collect())
    }

    /// sklearn's `score`: accuracy, the fraction of rows whose predicted id equals `labels[i]`
    /// (a label the model has never seen simply counts as wrong).
    pub fn score(&self, x: &Array2<f32>, labels: &[usize]) -> Result<f32, NnError> {
        check_shapes(x, labels.len())?;
        let predicted = self.predict(x)?;
        Ok(fraction_equal(&predicted, labels))
    }

    /// [`score`](MlpClassifier::score) against string labels.
    pub fn score_labels<S: AsRef<str>>(
        &self,
        x: &Array2<f32>,
        labels: &[S],
    ) -> Result<f32, NnError> {
        check_shapes(x, labels.len())?;
        let predicted = self.predict_labels(x)?;
        let predicted: Vec<&str> = predicted.iter().map(String::as_str).collect();
        let labels: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
        Ok(fraction_equal(&predicted, &labels))
    }

    /// The fitted model as a [`ModelFile`] (task, class names, hyperparameters and loss curve).
    pub fn to_model_file(&self) -> Result<ModelFile, NnError> {
        let fitted = self.fitted()?;
        let k = fitted.class_ids.len();
        let task = if k == 2 {
            Task::BinaryClassification
        } else {
            Task::MultiClassification { classes: k }
        };
        let mut file = ModelFile::new(&fitted.net)
            .with_task(task)
            .with_classes(fitted.class_names.clone());
        file.estimator = Some(
            EstimatorSection::MlpClassifier {
                params: self.params.clone(),
                progress: fitted.progress.clone(),
                class_ids: fitted.class_ids.clone(),
                string_labels: fitted.string_labels,
            }
            .to_value(),
        );
        Ok(file)
    }

    /// Rebuilds a fitted classifier from a model file written by [`to_model_file`](MlpClassifier::to_model_file).
    ///
    /// # Errors
    /// [`NnError::ModelFile`] when the file was written by something else or does not fit together.
    pub fn from_model_file(file: &ModelFile) -> Result<MlpClassifier, NnError> {
        file.check()?;
        let EstimatorSection::MlpClassifier {
            params,
            progress,
            class_ids,
            string_labels,
        } = EstimatorSection::read(file, "MlpClassifier")?
        else {
            return Err(NnError::ModelFile(
                "this model was written by an MlpRegressor, not an MlpClassifier".into(),
            ));
        };
        let net = file.network()?;
        let class_names = file
            .classes
            .clone()
            .ok_or_else(|| NnError::ModelFile("a classifier file needs its class names".into()))?;
        let k = class_ids.len();
        let expected = if k == 2 {
            (1, Activation::Sigmoid)
        } else {
            (k, Activation::Softmax)
        };
        if k < 2 || class_names.len() != k || (net.out_dim(), net.output_activation()) != expected {
            return Err(NnError::ModelFile(format!(
                "{k} class ids and {} class names do not fit a network with {} {} outputs",
                class_names.len(),
                net.out_dim(),
                net.output_activation()
            )));
        }
        Ok(MlpClassifier {
            params,
            fitted: Some(FittedClassifier {
                net,
                progress,
                class_ids,
                class_names,
                string_labels,
            }),
        })
    }
}

/// sklearn's `accuracy_score`: the fraction of positions where both agree.
fn fraction_equal<T: PartialEq>(predicted: &[T], truth: &[T]) -> f32 {
    if truth.is_empty() {
        return 0.0;
    }
    let correct = predicted.iter().zip(truth).filter(|(p, t)| p == t).count();
    (correct as f64 / truth.len() as f64) as f32
}

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
