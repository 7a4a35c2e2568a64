//! Finer control of a run for the page's step buttons: one mini-batch at a time, "stop at
//! epoch N" and "stop when the test loss has not improved for K epochs", on top of
//! [`Trainer::train_steps`]. [`Trainer::fit`] runs whole epochs to the end; the page instead
//! asks for a few batches per frame and must stop on the exact batch that ends the chosen epoch.

use crate::error::NnError;
use crate::nn::evaluate::{PenaltyTerm, dataset_loss};
use crate::nn::network::{Network, Workspace};
use crate::train::{EarlyStopping, Trainer};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// When a run stops by itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StopRules {
    /// Stop once this many epochs are complete (counted by the trainer, so over the whole run).
    #[serde(default)]
    pub at_epoch: Option<usize>,
    /// Stop when the monitored loss (the test loss when a test set is given, the training loss
    /// otherwise; data loss without penalties, the page's chart convention) has not improved by
    /// `min_delta` for `patience` epochs: the rule of [`Trainer::fit`]'s early stopping.
    #[serde(default)]
    pub plateau: Option<EarlyStopping>,
}

/// Why [`Stepper::run`] returned early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopCause {
    ReachedEpoch,
    Plateau,
}

/// What one [`Stepper::run`] call did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RunSummary {
    /// Batches run in this call.
    pub batches: usize,
    pub epochs_completed: usize,
    /// Mean loss of those batches (0 when none ran).
    pub mean_loss: f32,
    /// Set when a rule stopped the run (in this call or before).
    pub stopped: Option<StopCause>,
    /// The monitored loss at the last epoch boundary, when the plateau rule is on.
    pub monitored_loss: Option<f32>,
}

/// The stopping rules' running state (best loss so far, epochs since).
#[derive(Clone, Debug, Default)]
pub struct Stepper {
    rules: StopRules,
    best: Option<f32>,
    since_best: usize,
    last_monitored: Option<f32>,
    stopped: Option<StopCause>,
    ws: Workspace,
    scratch: Vec<f32>,
}

impl Stepper {
    pub fn new(rules: StopRules) -> Result<Stepper, NnError> {
        if let Some(p) = rules.plateau {
            NnError::non_negative("early stopping min_delta", p.min_delta)?;
        }
        Ok(Stepper {
            rules,
            ..Stepper::default()
        })
    }

    pub fn rules(&self) -> StopRules {
        self.rules
    }

    /// Why the run stopped, if it did.
    pub fn stopped(&self) -> Option<StopCause> {
        self.stopped
    }

    /// Forgets the best loss and the stop, for a reset run or changed rules.
    pub fn reset(&mut self) {
        *self = Stepper {
            rules: self.rules,
            ..Stepper::default()
        };
    }

    /// One mini-batch step; returns its loss. It runs even after a rule has stopped the run:
    /// a click on "step" is the user's own choice.
    pub fn one_batch(
        &mut self,
        trainer: &mut Trainer,
        net: &mut Network,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
    ) -> Result<f32, NnError> {
        Ok(trainer.train_steps(net, x, y, 1)?.mean_loss)
    }

    /// Runs up to `max_batches` batches, stopping on the batch that completes an epoch where a
    /// rule fires. Once stopped, it runs nothing until [`Stepper::reset`].
    pub fn run(
        &mut self,
        trainer: &mut Trainer,
        net: &mut Network,
        train: (ArrayView2<f32>, ArrayView2<f32>),
        test: Option<(ArrayView2<f32>, ArrayView2<f32>)>,
        max_batches: usize,
    ) -> Result<RunSummary, NnError> {
        if let Some((x, y)) = test {
            net.check_data(&x, &y)?;
        }
        let (mut batches, mut epochs_completed, mut sum) = (0, 0, 0.0f64);
        if self.stopped.is_none() && self.reached_epoch(trainer) {
            self.stopped = Some(StopCause::ReachedEpoch);
        }
        let n = train.0.nrows();
        let bs = trainer.config().batch_size.min(n).max(1);
        while batches < max_batches && self.stopped.is_none() {
            // Up to the end of the epoch at most, so that the rules see every epoch boundary.
            let left_in_epoch = n.saturating_sub(trainer.samples_into_epoch()).div_ceil(bs);
            let chunk = (max_batches - batches).min(left_in_epoch.max(1));
            let summary = trainer.train_steps(net, train.0, train.1, chunk)?;
            batches += chunk;
            sum += summary.mean_loss as f64 * chunk as f64;
            if summary.epochs_completed == 0 {
                continue;
            }
            epochs_completed += summary.epochs_completed;
            if let Some(rule) = self.rules.plateau {
                let (x, y) = test.unwrap_or(train);
                let monitored = self.loss(net, x, y, trainer);
                self.last_monitored = Some(monitored);
                match self.best {
                    Some(best) if monitored >= best - rule.min_delta => {
                        self.since_best += 1;
                        if self.since_best >= rule.patience.max(1) {
                            self.stopped = Some(StopCause::Plateau);
                        }
                    }
                    _ => {
                        self.best = Some(monitored);
                        self.since_best = 0;
                    }
                }
            }
            if self.stopped.is_none() && self.reached_epoch(trainer) {
                self.stopped = Some(StopCause::ReachedEpoch);
            }
        }
        Ok(RunSummary {
            batches,
            epochs_completed,
            mean_loss: if batches > 0 {
                (sum / batches as f64) as f32
            } else {
                0.0
            },
            stopped: self.stopped,
            monitored_loss: self.last_monitored,
        })
    }

    fn reached_epoch(&self, trainer: &Trainer) -> bool {
        self.rules.at_epoch.is_some_and(|n| trainer.epoch() >= n)
    }

    fn loss(
        &mut self,
        net: &Network,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        trainer: &Trainer,
    ) -> f32 {
        let (x, y) = (x.as_standard_layout(), y.as_standard_layout());
        let c = trainer.config();
        dataset_loss(
            net,
            x.as_slice().expect("standard layout"),
            y.as_slice().expect("standard layout"),
            x.nrows(),
            c.loss,
            c.regularization,
            PenaltyTerm::Excluded,
            &mut self.ws,
            &mut self.scratch,
        )
    }
}
