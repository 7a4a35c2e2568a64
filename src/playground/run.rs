//! The training run behind a session: the live [`Trainer`], which alone knows where training is
//! (steps, epochs, the position in the epoch), what the trainers before it did, the divergence
//! flag and the history rows. A settings change may hand training to a new trainer; the run's
//! counts and history go on from where the old one stopped.

use super::config::MAX_STEP_BATCHES;
use super::messages::StepReport;
use super::prepare::Prepared;
use crate::error::NnError;
use crate::nn::network::Network;
use crate::train::Trainer;

/// Values per history row: steps, epoch, train loss, test loss, train metric, test metric.
pub const HISTORY_STRIDE: usize = 6;

/// Where a run is, counted since the last reset.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Position {
    /// Optimizer steps taken.
    pub steps: u64,
    /// Fractional epochs: the passes finished plus the share of the current one seen, each
    /// measured on the training set of its time (so the count stays monotonic when the data
    /// changes size).
    pub epoch: f64,
    /// Passes through the training data finished.
    pub epochs_completed: u64,
}

impl Position {
    /// Where `trainer` is, on its training set of `n_train` rows.
    fn of(trainer: &Trainer, n_train: usize) -> Position {
        let into_epoch = if n_train == 0 {
            0.0
        } else {
            trainer.samples_into_epoch() as f64 / n_train as f64
        };
        Position {
            steps: trainer.steps() as u64,
            epoch: trainer.epoch() as f64 + into_epoch,
            epochs_completed: trainer.epoch() as u64,
        }
    }

    fn plus(self, later: Position) -> Position {
        Position {
            steps: self.steps + later.steps,
            epoch: self.epoch + later.epoch,
            epochs_completed: self.epochs_completed + later.epochs_completed,
        }
    }
}

/// A run of training: its trainer, counts, divergence and history.
#[derive(Clone, Debug)]
pub(super) struct Run {
    trainer: Trainer,
    /// Where the run stood when the live trainer took over (zero after a reset), written once
    /// per handover from the outgoing trainer's own counts. It does not move while training:
    /// the live part is always read from the trainer, so the two cannot drift apart.
    earlier: Position,
    /// Why training stopped, until a reset, a new trainer or an edit of the weights.
    diverged: Option<String>,
    history: Vec<[f32; HISTORY_STRIDE]>,
    /// The parameters before the batch being run, restored when it overflows.
    backup: Vec<f32>,
}

impl Run {
    /// A run that has not trained yet.
    pub(super) fn new(trainer: Trainer) -> Run {
        Run {
            trainer,
            earlier: Position::default(),
            diverged: None,
            history: Vec::new(),
            backup: Vec::new(),
        }
    }

    pub(super) fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// Where the run is, the live trainer training on `n_train` rows.
    pub(super) fn position(&self, n_train: usize) -> Position {
        self.earlier.plus(Position::of(&self.trainer, n_train))
    }

    pub(super) fn diverged(&self) -> Option<&str> {
        self.diverged.as_deref()
    }

    pub(super) fn history(&self) -> &[[f32; HISTORY_STRIDE]] {
        &self.history
    }

    /// Hands training to `trainer`, keeping the counts and the history; the divergence is
    /// forgotten (the new settings may train). `n_train` is the size of the data the outgoing
    /// trainer trained on.
    pub(super) fn hand_over(&mut self, trainer: Trainer, n_train: usize) {
        self.earlier = self.position(n_train);
        self.trainer = trainer;
        self.diverged = None;
    }

    /// Starts over with `trainer`: no steps, no history.
    pub(super) fn restart(&mut self, trainer: Trainer) {
        *self = Run::new(trainer);
    }

    /// After the weights are edited by hand: they may train again.
    pub(super) fn clear_divergence(&mut self) {
        self.diverged = None;
    }

    /// Runs up to `batches` mini-batch steps on `data` and returns how many ran. A diverging
    /// batch stops the run with the weights it had before it (the step is refused, so the
    /// trainer does not count it); later calls run nothing until the divergence is cleared.
    pub(super) fn train(
        &mut self,
        net: &mut Network,
        data: &Prepared,
        batches: usize,
    ) -> Result<usize, NnError> {
        let (x, y) = (data.x_train.view(), data.y_train.view());
        self.train_with(net, data, batches, |trainer, net, _| {
            trainer.train_steps(net, x, y, 1).map(|_| (true, true))
        })
    }

    /// [`Run::train`] with the batch run by `one_batch`, which runs at most one mini-batch on
    /// the live trainer and answers (ran a batch, go on): the finer stepping's stop rules
    /// (`stepping.rs`) end a call on the batch that completes the chosen epoch.
    pub(super) fn train_with(
        &mut self,
        net: &mut Network,
        data: &Prepared,
        batches: usize,
        mut one_batch: impl FnMut(
            &mut Trainer,
            &mut Network,
            &Prepared,
        ) -> Result<(bool, bool), NnError>,
    ) -> Result<usize, NnError> {
        if batches > MAX_STEP_BATCHES {
            return Err(NnError::BadHyperparameter {
                name: "batches per step",
                value: batches as f64,
                requirement: "at most 100000",
            });
        }
        if data.n_train() == 0 {
            return Err(NnError::EmptyData);
        }
        if self.diverged.is_some() {
            return Ok(0);
        }
        let mut ran = 0;
        for _ in 0..batches {
            // One batch per call, so that a divergence loses only its own batch.
            self.backup.clear();
            self.backup.extend_from_slice(net.params());
            match one_batch(&mut self.trainer, net, data) {
                Ok((did, go_on)) => {
                    ran += usize::from(did);
                    if !go_on {
                        break;
                    }
                }
                Err(e @ NnError::Diverged { .. }) => {
                    if net.params().iter().any(|p| !p.is_finite()) {
                        net.params_mut().copy_from_slice(&self.backup);
                    }
                    self.diverged = Some(e.to_string());
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(ran)
    }

    /// Appends the history row of a `step` call.
    pub(super) fn record(&mut self, report: &StepReport) {
        self.history.push([
            report.steps as f32,
            report.epoch as f32,
            report.train_loss.unwrap_or(f32::NAN),
            report.test_loss.unwrap_or(f32::NAN),
            report.train_metric.unwrap_or(f32::NAN),
            report.test_metric.unwrap_or(f32::NAN),
        ]);
    }
}
