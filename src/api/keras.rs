//! A Keras-like front end: stack [`Dense`] layers in a [`Sequential`] model, `compile` it with an
//! optimizer, a loss and metrics, then `fit`, `evaluate`, `predict`, `save`. It only assembles the
//! core pieces ([`NetworkConfig`], [`Network`], [`TrainConfig`], [`Trainer`]); the arithmetic is
//! theirs.

use crate::data::Scaler;
use crate::error::NnError;
use crate::io::model_file::{self, InputSpec, ModelFile};
use crate::nn::activation::Activation;
use crate::nn::init::Initializer;
use crate::nn::loss::Loss;
use crate::nn::network::{LayerConfig, Network, NetworkConfig};
use crate::nn::regularization::Regularization;
use crate::train::metrics::Metric;
use crate::train::optim::{Optimizer, OptimizerState};
use crate::train::{Control, EarlyStopping, EpochRecord, History, TrainConfig, Trainer};
use ndarray::{Array2, ArrayView2, CowArray, Ix2};

/// A fully connected layer: `units` neurons, each computing f(a·w + b).
///
/// Dropout and a per-layer weight penalty are optional, as in `keras.layers.Dense(units,
/// activation, kernel_regularizer=…)` followed by `keras.layers.Dropout(rate)`.
///
/// ```
/// use nnplay::prelude::*;
/// let hidden = Dense::new(16, Activation::Relu).with_dropout(0.2).with_regularization(Regularization::L2 { rate: 1e-4 });
/// let model = Sequential::new(4).add(hidden).add(Dense::new(3, Activation::Softmax));
/// assert_eq!(model.layers().len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    pub units: usize,
    pub activation: Activation,
    /// Fraction of this layer's outputs zeroed while training (0 = no dropout).
    pub dropout: f32,
    /// Penalty on this layer's kernel; `None` means no penalty (Keras' default: `compile` sets
    /// no model-wide penalty).
    pub regularization: Option<Regularization>,
}

impl Dense {
    pub fn new(units: usize, activation: Activation) -> Dense {
        Dense {
            units,
            activation,
            dropout: 0.0,
            regularization: None,
        }
    }

    /// Zeroes each output with probability `rate` while training (inverted dropout: the kept
    /// outputs are scaled by 1/(1 − rate), so prediction needs no rescaling). Checked at `compile`.
    pub fn with_dropout(mut self, rate: f32) -> Dense {
        self.dropout = rate;
        self
    }

    /// Adds `regularization`'s penalty on this layer's kernel to the loss. Checked at `compile`.
    pub fn with_regularization(mut self, regularization: Regularization) -> Dense {
        self.regularization = Some(regularization);
        self
    }

    fn to_config(&self) -> LayerConfig {
        LayerConfig {
            units: self.units,
            activation: self.activation,
            regularization: self.regularization,
            dropout: self.dropout,
        }
    }

    fn from_config(layer: &LayerConfig) -> Dense {
        Dense {
            units: layer.units,
            activation: layer.activation,
            dropout: layer.dropout,
            regularization: layer.regularization,
        }
    }
}

/// Options of one [`Sequential::fit`] call. Defaults are Keras' `fit` defaults (1 epoch, batches
/// of 32, shuffled, no validation, silent here).
///
/// ```
/// use nnplay::keras::FitOptions;
/// use nnplay::train::EarlyStopping;
/// let options = FitOptions {
///     epochs: 200,
///     validation_split: 0.2,
///     early_stopping: Some(EarlyStopping { patience: 10, min_delta: 1e-4 }),
///     ..FitOptions::default()
/// };
/// assert_eq!(options.batch_size, 32);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitOptions {
    pub epochs: usize,
    /// Samples per gradient step; at least the number of samples means full-batch.
    pub batch_size: usize,
    /// Fraction of the rows, taken from the end before shuffling (as Keras does), used only to
    /// validate each epoch. In [0, 1).
    pub validation_split: f32,
    /// Reshuffle the training rows every epoch.
    pub shuffle: bool,
    /// Stop when the validation loss (the training loss without a validation split) stops
    /// improving.
    pub early_stopping: Option<EarlyStopping>,
    /// Rescale the gradient to this Euclidean norm when it is longer (Keras' `clipnorm`).
    pub clip_norm: Option<f32>,
    /// Print one line per epoch, like Keras' `verbose=2` (native builds; a no-op in wasm).
    pub verbose: bool,
    /// Seed of this call's shuffling and dropout masks: the same model, data and seed give the
    /// same run.
    pub seed: u64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            epochs: 1,
            batch_size: 32,
            validation_split: 0.0,
            shuffle: true,
            early_stopping: None,
            clip_norm: None,
            verbose: false,
            seed: 0,
        }
    }
}

/// The loss and every compiled metric on one data set.
///
/// ```
/// use nnplay::prelude::*;
/// use ndarray::array;
/// let mut model = Sequential::new(1).add(Dense::new(1, Activation::Sigmoid));
/// model.compile(Optimizer::adam(), Loss::BinaryCrossEntropy, &[Metric::Accuracy]).unwrap();
/// let eval = model.evaluate(&array![[-1.0f32], [1.0]], &array![[0.0f32], [1.0]]).unwrap();
/// assert!(eval.loss > 0.0);
/// assert_eq!(eval.metrics.len(), 1);
/// assert_eq!(eval.metric(Metric::R2), None); // not compiled
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean loss, weight penalties included (as Keras' `evaluate` reports it).
    pub loss: f32,
    /// Each metric given to `compile`, in that order.
    pub metrics: Vec<(Metric, f32)>,
}

impl Evaluation {
    /// The value of `metric`, if it was compiled.
    pub fn metric(&self, metric: Metric) -> Option<f32> {
        self.metrics
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, v)| *v)
    }
}

/// A stack of dense layers with Keras' workflow.
///
/// The weights are drawn at [`compile`](Sequential::compile) from the model's seed (0 unless
/// [`with_seed`](Sequential::with_seed) says otherwise) with its initializer (Glorot uniform,
/// Keras' default). Compiling again with the same layers keeps the trained weights and only
/// resets the optimizer, as in Keras. Successive `fit` calls continue from where the last one
/// stopped, optimizer moments included.
///
/// ```
/// use nnplay::prelude::*;
/// use ndarray::array;
///
/// let x = array![[0.0f32], [1.0], [2.0], [3.0]];
/// let y = array![[1.0f32], [3.0], [5.0], [7.0]];
/// let mut model = Sequential::new(1).add(Dense::new(1, Activation::Linear)).with_seed(1);
/// model.compile(Optimizer::Sgd, Loss::MeanSquaredError, &[Metric::R2]).unwrap();
/// model.set_learning_rate(0.05).unwrap();
/// model.fit(&x, &y, FitOptions { epochs: 500, batch_size: 4, ..FitOptions::default() }).unwrap();
/// let score = model.evaluate(&x, &y).unwrap();
/// assert!(score.loss < 1e-3 && score.metric(Metric::R2).unwrap() > 0.999);
/// let y_new = model.predict(&array![[10.0f32]]).unwrap();
/// assert!((y_new[[0, 0]] - 21.0).abs() < 0.1);
/// ```
#[derive(Clone, Debug)]
pub struct Sequential {
    config: NetworkConfig,
    /// Built at `compile` (or by `load`); `None` while layers are still being added.
    network: Option<Network>,
    /// Loss, optimizer and learning rate; meaningful once `compiled` is set.
    train: TrainConfig,
    metrics: Vec<Metric>,
    /// A learning rate set by the user, which survives recompiling with another optimizer.
    learning_rate: Option<f32>,
    compiled: bool,
    /// Carried from one `fit` call to the next so Adam's moments and step count continue.
    optimizer_state: OptimizerState,
    /// Applied to every input before the network (set when a model file carries one).
    scaler: Option<Scaler>,
    /// The raw columns and derived features of a model the page or the CLI trained (x1², sin x1,
    /// …): such a model takes raw rows, as `nnplay predict` does, and expands them first.
    input: Option<InputSpec>,
}

impl Sequential {
    /// An empty model taking `in_dim` input features.
    pub fn new(in_dim: usize) -> Sequential {
        Sequential {
            config: NetworkConfig {
                in_dim,
                layers: Vec::new(),
                initializer: Initializer::GlorotUniform,
                seed: 0,
            },
            network: None,
            train: TrainConfig::default(),
            metrics: Vec::new(),
            learning_rate: None,
            compiled: false,
            optimizer_state: OptimizerState::default(),
            scaler: None,
            input: None,
        }
    }

    /// Appends a layer. The model must be compiled again afterwards (its weights are redrawn).
    // Keras' name for this; `std::ops::Add` would suggest `model + layer`, which reads worse.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, layer: Dense) -> Sequential {
        self.config.layers.push(layer.to_config());
        self.invalidate();
        self
    }

    /// How the weights are drawn at `compile` (default: Glorot uniform).
    pub fn with_initializer(mut self, initializer: Initializer) -> Sequential {
        self.config.initializer = initializer;
        self.invalidate();
        self
    }

    /// Seed of the initial weights (default 0).
    pub fn with_seed(mut self, seed: u64) -> Sequential {
        self.config.seed = seed;
        self.invalidate();
        self
    }

    /// Scales every input with `scaler` before the network sees it (in `fit`, `predict` and
    /// `evaluate`), e.g. a [`Scaler`] fitted on the training inputs. Saved with the model.
    pub fn with_scaler(mut self, scaler: Scaler) -> Sequential {
        self.scaler = Some(scaler);
        self
    }

    fn invalidate(&mut self) {
        self.network = None;
        self.compiled = false;
        self.optimizer_state.clear();
    }

    /// The layers added so far.
    pub fn layers(&self) -> Vec<Dense> {
        self.config.layers.iter().map(Dense::from_config).collect()
    }

    /// The architecture as the core sees it.
    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }

    /// The built network, once compiled or loaded.
    pub fn network(&self) -> Option<&Network> {
        self.network.as_ref()
    }

    /// The training settings given to `compile` (with the current learning rate).
    pub fn train_config(&self) -> Option<&TrainConfig> {
        self.compiled.then_some(&self.train)
    }

    pub fn is_compiled(&self) -> bool {
        self.compiled
    }

    /// Builds the network (keeping the current weights if the layers have not changed), and
    /// checks that `loss` can follow the output layer.
    ///
    /// The learning rate is the one given to [`set_learning_rate`](Sequential::set_learning_rate)
    /// if any, otherwise Keras' default for the optimizer: 0.01 for SGD, momentum and Nesterov,
    /// 0.001 for the others. `metrics` are computed by `evaluate`; the first is also recorded
    /// in the `fit` history each epoch.
    ///
    /// # Errors
    /// [`NnError::Architecture`] for an empty or invalid stack, [`NnError::Incompatible`] for a
    /// loss that cannot follow the output activation, [`NnError::BadHyperparameter`] for bad
    /// optimizer settings. On error an earlier successful compilation stays in force.
    pub fn compile(
        &mut self,
        optimizer: Optimizer,
        loss: Loss,
        metrics: &[Metric],
    ) -> Result<(), NnError> {
        let network = match self.network.take() {
            Some(net) if net.config() == &self.config => net,
            _ => Network::new(&self.config)?,
        };
        let train = TrainConfig {
            optimizer,
            loss,
            learning_rate: self
                .learning_rate
                .unwrap_or_else(|| default_learning_rate(optimizer)),
            metric: metrics.first().copied(),
            ..TrainConfig::default()
        };
        let checked = train.validate(&network);
        self.network = Some(network);
        checked?;
        self.train = train;
        self.metrics = metrics.to_vec();
        self.compiled = true;
        self.optimizer_state.clear();
        Ok(())
    }

    /// Sets the learning rate used from the next step on (Keras:
    /// `model.optimizer.learning_rate = lr`). Works before or after `compile`.
    ///
    /// # Errors
    /// [`NnError::BadHyperparameter`] unless `lr` is finite and ≥ 0.
    pub fn set_learning_rate(&mut self, lr: f32) -> Result<(), NnError> {
        NnError::non_negative("learning rate", lr)?;
        self.learning_rate = Some(lr);
        self.train.learning_rate = lr;
        Ok(())
    }

    /// The learning rate the next `fit` will use.
    pub fn learning_rate(&self) -> f32 {
        self.train.learning_rate
    }

    /// Trains on `x` (n, in_dim) and `y` (n, out_dim) and returns one record per epoch.
    ///
    /// # Errors
    /// [`NnError::NotCompiled`] before `compile`; [`NnError::InputDim`], [`NnError::TargetDim`],
    /// [`NnError::RowMismatch`], [`NnError::EmptyData`] for data that does not fit;
    /// [`NnError::BadHyperparameter`] for bad options; [`NnError::Diverged`] when the loss
    /// becomes infinite or NaN (the weights keep the last finite step).
    pub fn fit(
        &mut self,
        x: &Array2<f32>,
        y: &Array2<f32>,
        options: FitOptions,
    ) -> Result<History, NnError> {
        self.fit_with_callback(x, y, options, |_| Control::Continue)
    }

    /// Like [`fit`](Sequential::fit), calling `callback` after every epoch; returning
    /// [`Control::Stop`] ends training (the history then says [`crate::train::StopReason::Callback`]).
    ///
    /// ```
    /// use nnplay::prelude::*;
    /// use nnplay::train::Control;
    /// use ndarray::array;
    /// let (x, y) = (array![[0.0f32], [1.0]], array![[0.0f32], [1.0]]);
    /// let mut model = Sequential::new(1).add(Dense::new(1, Activation::Linear));
    /// model.compile(Optimizer::Sgd, Loss::MeanSquaredError, &[]).unwrap();
    /// let options = FitOptions { epochs: 100, ..FitOptions::default() };
    /// let history = model.fit_with_callback(&x, &y, options, |r| if r.epoch == 3 { Control::Stop } else { Control::Continue }).unwrap();
    /// assert_eq!(history.epochs.len(), 3);
    /// ```
    pub fn fit_with_callback(
        &mut self,
        x: &Array2<f32>,
        y: &Array2<f32>,
        options: FitOptions,
        mut callback: impl FnMut(&EpochRecord) -> Control,
    ) -> Result<History, NnError> {
        if !self.compiled {
            return Err(NnError::NotCompiled);
        }
        let net = self.network.as_mut().ok_or(NnError::NotCompiled)?;
        let config = TrainConfig {
            epochs: options.epochs,
            batch_size: options.batch_size,
            validation_split: options.validation_split,
            shuffle: options.shuffle,
            early_stopping: options.early_stopping,
            clip_norm: options.clip_norm,
            seed: options.seed,
            ..self.train.clone()
        };
        let x = expanded(self.input.as_ref(), x.view())?;
        net.check_data(&x.view(), &y.view())?;
        let x = scaled(self.scaler.as_ref(), x.view())?;
        let state = std::mem::take(&mut self.optimizer_state);
        let mut trainer = Trainer::new(config, net)?.with_optimizer_state(state);
        let metric_name = self.train.metric.map_or("metric", |m| m.name());
        let result = trainer.fit(net, x.view(), y.view(), |record| {
            if options.verbose {
                print_epoch(record, options.epochs, metric_name);
            }
            callback(record)
        });
        // Kept even after an error: the steps that did succeed changed the weights.
        self.optimizer_state = trainer.optimizer_state().clone();
        result
    }

    /// The network's outputs for `x` (n, in_dim): shape (n, out_dim). These are the output
    /// activations (probabilities after a sigmoid or softmax), as Keras' `predict` returns.
    /// A model loaded from a file with derived features (the page's x1², sin x1, …) takes the
    /// raw columns instead and expands them, as `nnplay predict` does.
    ///
    /// # Errors
    /// [`NnError::NotCompiled`] before `compile` or `load`, [`NnError::InputDim`] for a wrong
    /// number of columns.
    pub fn predict(&self, x: &Array2<f32>) -> Result<Array2<f32>, NnError> {
        let net = self.network.as_ref().ok_or(NnError::NotCompiled)?;
        let x = expanded(self.input.as_ref(), x.view())?;
        net.check_input(&x.view())?;
        net.predict(scaled(self.scaler.as_ref(), x.view())?.view())
    }

    /// The loss (penalties included) and every compiled metric on `x`, `y`.
    ///
    /// # Errors
    /// [`NnError::NotCompiled`] before `compile`; the shape errors of [`fit`](Sequential::fit).
    pub fn evaluate(&self, x: &Array2<f32>, y: &Array2<f32>) -> Result<Evaluation, NnError> {
        let net = self
            .network
            .as_ref()
            .filter(|_| self.compiled)
            .ok_or(NnError::NotCompiled)?;
        let x = expanded(self.input.as_ref(), x.view())?;
        net.check_data(&x.view(), &y.view())?;
        let x = scaled(self.scaler.as_ref(), x.view())?;
        let loss = net.evaluate_loss(
            x.view(),
            y.view(),
            self.train.loss,
            self.train.regularization,
        )?;
        let metrics = if self.metrics.is_empty() {
            Vec::new()
        } else {
            let predictions = net.predict(x.view())?;
            self.metrics
                .iter()
                .map(|m| (*m, m.compute(predictions.view(), y.view())))
                .collect()
        };
        Ok(Evaluation { loss, metrics })
    }

    /// Keras' `model.summary()`: one line per layer with its output shape and parameter count.
    /// Before `compile` it describes the layers added so far (or says why they do not form a
    /// network yet).
    pub fn summary(&self) -> String {
        match &self.network {
            Some(net) => net.summary(),
            None => match Network::new(&self.config) {
                Ok(net) => net.summary(),
                Err(e) => format!("(no network yet: {e})\n"),
            },
        }
    }

    /// The model as a [`ModelFile`]: architecture, weights, and the training settings once
    /// compiled.
    ///
    /// # Errors
    /// [`NnError::NotCompiled`] when there is no network yet.
    pub fn to_model_file(&self) -> Result<ModelFile, NnError> {
        let net = self.network.as_ref().ok_or(NnError::NotCompiled)?;
        let mut file = ModelFile::new(net);
        if self.compiled {
            file.train = Some(self.train.clone());
        }
        file.scaler = self.scaler.clone();
        file.input = self.input.clone();
        Ok(file)
    }

    /// Rebuilds a model from a [`ModelFile`]. A file with training settings gives a compiled
    /// model (its metric list is the one metric the file records); the optimizer starts fresh.
    ///
    /// # Errors
    /// The checks of [`ModelFile::check`].
    pub fn from_model_file(file: &ModelFile) -> Result<Sequential, NnError> {
        file.check()?;
        let network = file.network()?;
        let mut model = Sequential::new(file.network.in_dim);
        model.config = file.network.clone();
        model.network = Some(network);
        model.scaler = file.scaler.clone();
        model.input = file.input.clone();
        if let Some(train) = &file.train {
            model.metrics = train.metric.into_iter().collect();
            model.learning_rate = Some(train.learning_rate);
            model.train = train.clone();
            model.compiled = true;
        }
        Ok(model)
    }

    /// The model as JSON text (see [`crate::io::model_file`]); works in the browser too.
    pub fn to_json(&self) -> Result<String, NnError> {
        Ok(model_file::save_json(&self.to_model_file()?))
    }

    /// Reads a model from JSON text written by [`to_json`](Sequential::to_json) or any nnplay tool.
    pub fn from_json(text: &str) -> Result<Sequential, NnError> {
        Sequential::from_model_file(&model_file::load_json(text)?)
    }

    /// Writes the model to a JSON file.
    ///
    /// ```no_run
    /// # use nnplay::prelude::*;
    /// # let mut model = Sequential::new(2).add(Dense::new(1, Activation::Sigmoid));
    /// # model.compile(Optimizer::adam(), Loss::BinaryCrossEntropy, &[Metric::Accuracy]).unwrap();
    /// model.save("model.json").unwrap();
    /// let back = Sequential::load("model.json").unwrap();
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<(), NnError> {
        model_file::save(path, &self.to_model_file()?)
    }

    /// Reads a model from a JSON file.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Sequential, NnError> {
        Sequential::from_model_file(&model_file::load(path)?)
    }
}

/// Keras' default learning rate for each optimizer (SGD 0.01; Adam, RMSprop, Adagrad, AdamW 0.001).
fn default_learning_rate(optimizer: Optimizer) -> f32 {
    match optimizer {
        Optimizer::Sgd | Optimizer::Momentum { .. } | Optimizer::Nesterov { .. } => 0.01,
        Optimizer::AdaGrad { .. }
        | Optimizer::RmsProp { .. }
        | Optimizer::Adam { .. }
        | Optimizer::AdamW { .. } => 0.001,
    }
}

/// Raw rows expanded into the derived features of `input` (x1, x2 → x1², sin x1, …), or `x`
/// itself (borrowed) when the model has none.
fn expanded<'a>(
    input: Option<&InputSpec>,
    x: ArrayView2<'a, f32>,
) -> Result<CowArray<'a, f32, Ix2>, NnError> {
    match input.and_then(|i| i.features.as_ref()) {
        Some(features) => Ok(CowArray::from(features.expand(x)?)),
        None => Ok(CowArray::from(x)),
    }
}

/// `x` through the scaler, or `x` itself (borrowed) when there is none. The scaler must have
/// been fitted on as many columns as `x` has (callers have checked `x` against the network).
fn scaled<'a>(
    scaler: Option<&Scaler>,
    x: ArrayView2<'a, f32>,
) -> Result<CowArray<'a, f32, Ix2>, NnError> {
    match scaler {
        Some(s) if s.n_features() != x.ncols() => Err(NnError::Config(format!(
            "the input scaler was fitted on {} features but the model takes {}",
            s.n_features(),
            x.ncols()
        ))),
        Some(s) => Ok(CowArray::from(s.transform(x))),
        None => Ok(CowArray::from(x)),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn print_epoch(record: &EpochRecord, total: usize, metric: &str) {
    let mut line = format!(
        "Epoch {}/{} - loss: {:.4}",
        record.epoch, total, record.train_loss
    );
    if let Some(m) = record.train_metric {
        line.push_str(&format!(" - {metric}: {m:.4}"));
    }
    if let Some(v) = record.val_loss {
        line.push_str(&format!(" - val_loss: {v:.4}"));
    }
    if let Some(m) = record.val_metric {
        line.push_str(&format!(" - val_{metric}: {m:.4}"));
    }
    println!("{line}");
}

#[cfg(target_arch = "wasm32")]
fn print_epoch(_record: &EpochRecord, _total: usize, _metric: &str) {}
