//! The training loop: mini-batches over a shuffled order, learning-rate schedule, clipping,
//! divergence detection, validation, early stopping and a per-epoch history. The page drives it
//! a few batches at a time ([`Trainer::train_steps`]); the CLI and the Keras API call [`Trainer::fit`].

use crate::error::NnError;
use crate::kernels::shuffle::shuffle;
use crate::nn::init::{NnRng, rng_from_seed};
use crate::nn::loss::Loss;
use crate::nn::network::{Network, Workspace};
use crate::nn::regularization::Regularization;
use crate::train::metrics::Metric;
use crate::train::objective::Objective;
use crate::train::optim::{LrSchedule, Optimizer, OptimizerState, all_finite, clip_by_norm};
use ndarray::{Array2, ArrayView2, s};
use serde::{Deserialize, Serialize};

/// Stop when the monitored loss has not improved by `min_delta` for `patience` epochs
/// (validation loss when there is a validation set, training loss otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    pub patience: usize,
    pub min_delta: f32,
}

/// Everything about how a network is trained (not what it is: that is [`crate::nn::network::NetworkConfig`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    pub optimizer: Optimizer,
    pub learning_rate: f32,
    pub schedule: LrSchedule,
    pub loss: Loss,
    /// Samples per gradient step; a size ≥ the number of samples is full-batch gradient descent.
    pub batch_size: usize,
    pub epochs: usize,
    /// Penalty on every kernel that does not set its own.
    pub regularization: Regularization,
    /// Rescale the gradient to this Euclidean norm when it is longer.
    pub clip_norm: Option<f32>,
    pub shuffle: bool,
    /// Fraction of the data (taken from the end, as Keras does) held out to validate each epoch.
    pub validation_split: f32,
    pub early_stopping: Option<EarlyStopping>,
    /// Metric reported each epoch, if any.
    pub metric: Option<Metric>,
    /// Seed of the shuffling and dropout.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            optimizer: Optimizer::adam(),
            learning_rate: 1e-3,
            schedule: LrSchedule::Constant,
            loss: Loss::MeanSquaredError,
            batch_size: 32,
            epochs: 100,
            regularization: Regularization::None,
            clip_norm: None,
            shuffle: true,
            validation_split: 0.0,
            early_stopping: None,
            metric: None,
            seed: 0,
        }
    }
}

impl TrainConfig {
    /// Rejects NaN, ∞ and out-of-range values, and a loss that cannot follow the network's output.
    pub fn validate(&self, net: &Network) -> Result<(), NnError> {
        NnError::non_negative("learning rate", self.learning_rate)?;
        self.optimizer.validate()?;
        self.schedule.validate()?;
        self.regularization.validate()?;
        if self.batch_size == 0 {
            return Err(NnError::BadHyperparameter {
                name: "batch size",
                value: 0.0,
                requirement: "at least 1",
            });
        }
        if let Some(c) = self.clip_norm {
            NnError::positive("clip norm", c)?;
        }
        NnError::unit_interval("validation split", self.validation_split)?;
        if let Some(es) = self.early_stopping {
            NnError::non_negative("early stopping min_delta", es.min_delta)?;
        }
        self.loss
            .check_output(net.output_activation(), net.out_dim())
    }
}

/// What happened in one epoch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean of the batch losses during the epoch (as Keras reports it).
    pub train_loss: f32,
    pub val_loss: Option<f32>,
    pub train_metric: Option<f32>,
    pub val_metric: Option<f32>,
    pub learning_rate: f32,
}

/// Why `fit` returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    Completed,
    EarlyStopping,
    Callback,
}

/// Per-epoch records of a `fit` call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub epochs: Vec<EpochRecord>,
    pub stopped: StopReason,
}

impl History {
    pub fn last(&self) -> Option<&EpochRecord> {
        self.epochs.last()
    }
    pub fn train_losses(&self) -> Vec<f32> {
        self.epochs.iter().map(|e| e.train_loss).collect()
    }
}

/// What a per-epoch callback tells the loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Continue,
    Stop,
}

/// The state of a training run: optimizer moments, shuffled order, counters and scratch buffers.
#[derive(Clone, Debug)]
pub struct Trainer {
    config: TrainConfig,
    objective: Objective,
    state: OptimizerState,
    rng: NnRng,
    ws: Workspace,
    grads: Vec<f32>,
    /// Where an out-of-place optimizer step is written before it becomes the parameters.
    next_params: Vec<f32>,
    order: Vec<usize>,
    cursor: usize,
    yb: Vec<f32>,
    epoch: usize,
    steps: usize,
    epoch_loss_sum: f64,
    epoch_batches: usize,
}

/// Result of [`Trainer::train_steps`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepSummary {
    /// Mean loss of the batches just run.
    pub mean_loss: f32,
    /// Epochs completed during the call.
    pub epochs_completed: usize,
    /// Samples the call trained on (the last batch of an epoch may be smaller than the others).
    pub samples: usize,
}

/// Asks the cache for the rows of the next batch while this one computes. Rows are read from
/// shuffled positions, and on MNIST (4,000 rows of 3 KiB, 12 MiB) gathering them from memory was
/// an eighth of an epoch natively. Rows of a few values (the playground's) are left alone.
fn prefetch_rows(x: &[f32], rows: &[usize], width: usize) {
    #[cfg(target_arch = "x86_64")]
    if width >= 64 {
        use std::arch::x86_64::{_MM_HINT_T1, _mm_prefetch};
        const LINE: usize = 16; // f32 per 64-byte cache line
        for &r in rows {
            let row = &x[r * width..(r + 1) * width];
            for at in (0..width).step_by(LINE) {
                // SAFETY: a prefetch has no effect on memory; the address is inside `x`.
                unsafe { _mm_prefetch::<_MM_HINT_T1>(row.as_ptr().add(at) as *const i8) };
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (x, rows, width);
}

impl Trainer {
    /// Validates `config` against `net` and prepares an empty run.
    pub fn new(config: TrainConfig, net: &Network) -> Result<Trainer, NnError> {
        config.validate(net)?;
        Ok(Trainer {
            rng: rng_from_seed(config.seed),
            config,
            objective: Objective::default(),
            state: OptimizerState::default(),
            ws: Workspace::default(),
            grads: vec![0.0; net.n_params()],
            next_params: Vec::new(),
            order: Vec::new(),
            cursor: 0,
            yb: Vec::new(),
            epoch: 0,
            steps: 0,
            epoch_loss_sum: 0.0,
            epoch_batches: 0,
        })
    }

    pub fn config(&self) -> &TrainConfig {
        &self.config
    }
    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.epoch
    }
    /// Optimizer steps taken.
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// Samples of the current epoch already trained on, in `0..n` (0 at an epoch boundary and
    /// before the first step): with [`Trainer::epoch`], where the run is in the data. A call of
    /// [`Trainer::train_steps`] on data of another size starts a new pass at 0.
    pub fn samples_into_epoch(&self) -> usize {
        self.cursor
    }
    /// The learning rate the schedule gives for the current epoch.
    pub fn learning_rate(&self) -> f32 {
        self.config
            .schedule
            .rate(self.config.learning_rate, self.epoch)
    }
    /// The optimizer's running state (moments and step count).
    pub fn optimizer_state(&self) -> &OptimizerState {
        &self.state
    }
    /// Starts from `state` instead of a fresh optimizer, so that a second run continues the
    /// first one's moments and step count (Keras keeps them across `fit` calls).
    pub fn with_optimizer_state(mut self, state: OptimizerState) -> Trainer {
        self.state = state;
        self
    }
    /// Builds every batch objective as `objective` says instead of Keras's way (see
    /// [`Objective`]). Fails when the scale is not finite and > 0.
    pub fn with_objective(mut self, objective: Objective) -> Result<Trainer, NnError> {
        NnError::positive("objective scale", objective.scale)?;
        self.objective = objective;
        Ok(self)
    }
    pub fn objective(&self) -> Objective {
        self.objective
    }
    /// The gradient of the last step (after clipping).
    pub fn last_gradient(&self) -> &[f32] {
        &self.grads
    }

    /// One optimizer step on a batch of `rows` samples (row-major `x`, `y`). Returns the batch
    /// loss. On a non-finite loss or gradient the parameters are left untouched.
    pub fn train_batch(
        &mut self,
        net: &mut Network,
        x: &[f32],
        y: &[f32],
        rows: usize,
    ) -> Result<f32, NnError> {
        let loss = self.config.loss;
        let regularization = self.objective.penalty_for(self.config.regularization, rows);
        self.step_with(net, |net, ws, grads, rng| {
            net.loss_and_gradient(x, y, rows, loss, regularization, ws, grads, rng)
        })
    }

    /// One optimizer step with the gradient `gradient` computes (the loss is its result).
    fn step_with(
        &mut self,
        net: &mut Network,
        gradient: impl FnOnce(&Network, &mut Workspace, &mut [f32], Option<&mut NnRng>) -> f32,
    ) -> Result<f32, NnError> {
        if self.grads.len() != net.n_params() {
            self.grads = vec![0.0; net.n_params()];
            self.state.clear();
        }
        let dropout = net.layers().iter().any(|l| l.dropout > 0.0);
        let rng = if dropout { Some(&mut self.rng) } else { None };
        let mut loss = gradient(net, &mut self.ws, &mut self.grads, rng);
        let scale = self.objective.scale;
        if scale != 1.0 {
            loss *= scale;
            self.grads.iter_mut().for_each(|g| *g *= scale);
        }
        if !loss.is_finite() {
            return Err(self.diverged(format!("the loss became {loss}")));
        }
        let clipped = match self.config.clip_norm {
            Some(max_norm) => {
                if !clip_by_norm(&mut self.grads, max_norm).is_finite() {
                    return Err(self.diverged("the gradient is not finite".into()));
                }
                true
            }
            None => false,
        };
        let lr = self.learning_rate();
        // SGD writes its step to a second buffer, which also checks the gradient (see
        // `optim::sgd_into`): a separate pass over the gradient cost 3–4 % of a 7→[8×6]→1 step.
        let finite = match self.config.optimizer.step_into(
            lr,
            net.params(),
            &self.grads,
            &mut self.next_params,
            &mut self.state,
        ) {
            Some(finite) => {
                if finite {
                    net.swap_params(&mut self.next_params);
                }
                finite
            }
            None => {
                // In place, a non-finite gradient has to be caught before it reaches a parameter.
                if !clipped && !all_finite(&self.grads) {
                    return Err(self.diverged("the gradient is not finite".into()));
                }
                self.config.optimizer.step_checked(
                    lr,
                    net.params_mut(),
                    &self.grads,
                    &mut self.state,
                )
            }
        };
        if !finite && !all_finite(&self.grads) {
            return Err(self.diverged("the gradient is not finite".into()));
        }
        if !finite {
            return Err(self.diverged("a weight overflowed".into()));
        }
        // Counted only once it stands: a refused step is the one `diverged` names (steps + 1).
        self.steps += 1;
        Ok(loss)
    }

    fn diverged(&self, what: String) -> NnError {
        NnError::Diverged {
            epoch: self.epoch + 1,
            step: self.steps + 1,
            what,
        }
    }

    /// Runs `batches` mini-batch steps, continuing through the data where the last call stopped
    /// and reshuffling at each epoch boundary. `x`, `y` must be standard-layout and checked.
    pub fn train_steps(
        &mut self,
        net: &mut Network,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        batches: usize,
    ) -> Result<StepSummary, NnError> {
        net.check_data(&x, &y)?;
        let n = x.nrows();
        let d_out = y.ncols();
        let xs = x.as_slice().ok_or_else(|| {
            NnError::Config("inputs must be in standard (row-major) layout".into())
        })?;
        let ys = y.as_slice().ok_or_else(|| {
            NnError::Config("targets must be in standard (row-major) layout".into())
        })?;
        if self.order.len() != n {
            self.order = (0..n).collect();
            self.cursor = 0;
            if self.config.shuffle {
                shuffle(&mut self.order, &mut self.rng);
            }
        }
        let bs = self.config.batch_size.min(n);
        let mut sum = 0.0f64;
        let mut epochs_completed = 0;
        let mut samples = 0;
        for _ in 0..batches {
            let rows = bs.min(n - self.cursor);
            let (mut yb, order) = (
                std::mem::take(&mut self.yb),
                std::mem::take(&mut self.order),
            );
            let pick = &order[self.cursor..self.cursor + rows];
            yb.clear();
            // Value by value: a slice copy per row is a memcpy call each. One target per row (a
            // regression or a binary label, the playground's usual case) is read directly: a
            // slice per row and its flattening cost 2–3 % of a 2→[4,2]→1 step in Chromium.
            if d_out == 1 {
                yb.extend(pick.iter().map(|&i| ys[i]));
            } else {
                yb.extend(
                    pick.iter()
                        .flat_map(|&i| ys[i * d_out..(i + 1) * d_out].iter().copied()),
                );
            }
            let next = (self.cursor + rows).min(n);
            prefetch_rows(xs, &order[next..(next + bs).min(n)], x.ncols());
            let loss = self.config.loss;
            let regularization = self.objective.penalty_for(self.config.regularization, rows);
            let result = self.step_with(net, |net, ws, grads, rng| {
                net.loss_and_gradient_picked(xs, pick, &yb, loss, regularization, ws, grads, rng)
            });
            (self.yb, self.order) = (yb, order);
            let loss = result?;
            sum += loss as f64;
            self.epoch_loss_sum += loss as f64;
            self.epoch_batches += 1;
            samples += rows;
            self.cursor += rows;
            if self.cursor >= n {
                self.cursor = 0;
                self.epoch += 1;
                epochs_completed += 1;
                if self.config.shuffle {
                    shuffle(&mut self.order, &mut self.rng);
                }
            }
        }
        Ok(StepSummary {
            mean_loss: (sum / batches.max(1) as f64) as f32,
            epochs_completed,
            samples,
        })
    }

    /// Runs the remaining batches of the current epoch; returns the epoch's mean batch loss.
    pub fn train_epoch(
        &mut self,
        net: &mut Network,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
    ) -> Result<f32, NnError> {
        let n = x.nrows().max(1);
        let bs = self.config.batch_size.min(n);
        let start_epoch = self.epoch;
        if self.order.len() != n {
            self.epoch_loss_sum = 0.0;
            self.epoch_batches = 0;
        }
        while self.epoch == start_epoch {
            let remaining = if self.order.len() == n {
                n - self.cursor
            } else {
                n
            };
            self.train_steps(net, x, y, remaining.div_ceil(bs).max(1))?;
        }
        let mean = (self.epoch_loss_sum / self.epoch_batches.max(1) as f64) as f32;
        self.epoch_loss_sum = 0.0;
        self.epoch_batches = 0;
        Ok(mean)
    }

    /// Trains for `config.epochs` epochs (or until early stopping or the callback says stop).
    ///
    /// The last `validation_split` of the rows are held out before anything is shuffled.
    pub fn fit(
        &mut self,
        net: &mut Network,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        mut callback: impl FnMut(&EpochRecord) -> Control,
    ) -> Result<History, NnError> {
        net.check_data(&x, &y)?;
        let n = x.nrows();
        let n_val = ((n as f32) * self.config.validation_split).floor() as usize;
        if n_val > 0 && n - n_val == 0 {
            return Err(NnError::EmptyData);
        }
        let x = x.as_standard_layout();
        let y = y.as_standard_layout();
        let (x_train, x_val) = (x.slice(s![..n - n_val, ..]), x.slice(s![n - n_val.., ..]));
        let (y_train, y_val) = (y.slice(s![..n - n_val, ..]), y.slice(s![n - n_val.., ..]));
        let mut epochs = Vec::with_capacity(self.config.epochs);
        let mut best = f32::INFINITY;
        let mut since_best = 0;
        let mut stopped = StopReason::Completed;
        for _ in 0..self.config.epochs {
            let learning_rate = self.learning_rate();
            let train_loss = self.train_epoch(net, x_train, y_train)?;
            let metric = self.config.metric;
            let score =
                |xv: ArrayView2<f32>, yv: ArrayView2<f32>| -> Result<Option<f32>, NnError> {
                    match metric {
                        Some(m) => Ok(Some(m.compute(net.predict(xv)?.view(), yv))),
                        None => Ok(None),
                    }
                };
            let (val_loss, val_metric) = if n_val > 0 {
                let penalty = self
                    .objective
                    .penalty_for(self.config.regularization, n_val);
                (
                    Some(
                        self.objective.scale
                            * net.evaluate_loss(x_val, y_val, self.config.loss, penalty)?,
                    ),
                    score(x_val, y_val)?,
                )
            } else {
                (None, None)
            };
            let record = EpochRecord {
                epoch: self.epoch,
                train_loss,
                val_loss,
                train_metric: score(x_train, y_train)?,
                val_metric,
                learning_rate,
            };
            let control = callback(&record);
            let monitored = record.val_loss.unwrap_or(record.train_loss);
            epochs.push(record);
            if control == Control::Stop {
                stopped = StopReason::Callback;
                break;
            }
            if let Some(es) = self.config.early_stopping {
                if monitored < best - es.min_delta {
                    best = monitored;
                    since_best = 0;
                } else {
                    since_best += 1;
                    if since_best >= es.patience.max(1) {
                        stopped = StopReason::EarlyStopping;
                        break;
                    }
                }
            }
        }
        Ok(History { epochs, stopped })
    }
}

/// Convenience: trains `net` on owned arrays with `config`, no callback.
pub fn fit(
    net: &mut Network,
    x: &Array2<f32>,
    y: &Array2<f32>,
    config: TrainConfig,
) -> Result<History, NnError> {
    Trainer::new(config, net)?.fit(net, x.view(), y.view(), |_| Control::Continue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::network::{LayerConfig, NetworkConfig};

    fn net() -> Network {
        Network::new(&NetworkConfig::new(
            2,
            &[4, 3],
            Activation::Tanh,
            LayerConfig::new(1, Activation::Linear),
        ))
        .unwrap()
    }

    /// A step applies p − lr·g exactly; one that would overflow a weight is refused with the
    /// parameters as they were, for SGD (written out of place) and for an in-place optimizer.
    #[test]
    fn a_step_updates_the_parameters_or_leaves_them_as_they_were() {
        let (x, y) = ([0.5f32, -1.0, 2.0, 0.25, -0.75, 1.5], [0.3f32, -0.2, 0.9]);
        let mut net = net();
        let before = net.params().to_vec();
        let config = TrainConfig {
            optimizer: Optimizer::Sgd,
            learning_rate: 0.05,
            ..TrainConfig::default()
        };
        let mut trainer = Trainer::new(config.clone(), &net).unwrap();
        trainer.train_batch(&mut net, &x, &y, 3).unwrap();
        let want: Vec<f32> = before
            .iter()
            .zip(trainer.last_gradient())
            .map(|(p, g)| p - 0.05 * g)
            .collect();
        assert_eq!(net.params(), &want[..]);
        assert_eq!(trainer.steps(), 1);

        for optimizer in [Optimizer::Sgd, Optimizer::momentum()] {
            let mut net = net.clone();
            let before = net.params().to_vec();
            // Targets far off make a gradient of tens, which a learning rate of 10^37 overflows.
            let mut trainer = Trainer::new(
                TrainConfig {
                    optimizer,
                    learning_rate: 1.0e37,
                    ..config.clone()
                },
                &net,
            )
            .unwrap();
            let err = trainer
                .train_batch(&mut net, &x, &[300.0, -200.0, 900.0], 3)
                .unwrap_err();
            assert!(
                err.to_string().contains("a weight overflowed"),
                "{optimizer}: {err}"
            );
            // The refused step is not counted, and the message names it as the first.
            assert_eq!(trainer.steps(), 0, "{optimizer}");
            assert!(err.to_string().contains("step 1:"), "{optimizer}: {err}");
            if matches!(optimizer, Optimizer::Sgd) {
                assert_eq!(
                    net.params(),
                    &before[..],
                    "SGD's refused step must not touch the parameters"
                );
            }
        }
    }
}
