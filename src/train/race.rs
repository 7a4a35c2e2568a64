//! The optimizer race: 2 to 4 lanes, each a copy of the same network (identical starting
//! weights) trained by its own [`Trainer`] with its own optimizer, learning rate and schedule,
//! stepping in lock-step on the same batches in the same order, each with its own history of
//! train and test loss and score. Only the update rule differs between lanes, so their curves
//! compare optimizers and nothing else.
//!
//! The shared order: a Trainer's batch order is a function of its seed, its batch size, its
//! shuffle flag and the number of samples (its generator also draws the dropout masks, the same
//! number per step for the same architecture). The race builds every lane's Trainer from one
//! base configuration that fixes all of these, so each lane draws the same permutation and,
//! with dropout, the same masks.

use crate::data::DatasetKind;
use crate::error::NnError;
use crate::nn::evaluate::{PenaltyTerm, dataset_loss};
use crate::nn::network::{Network, Workspace};
use crate::train::metrics::Metric;
use crate::train::optim::{LrSchedule, Optimizer};
use crate::train::{TrainConfig, Trainer};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Fewest and most lanes: a race needs two; more than four no longer fit side by side.
pub const MIN_LANES: usize = 2;
pub const MAX_LANES: usize = 4;
/// The most batches one [`Race::step`] call runs (as for the page's session).
pub const MAX_STEP_BATCHES: usize = 100_000;

/// What makes a lane different from the others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LaneSettings {
    /// Shown on the page ("Adam, η = 0.01").
    pub label: String,
    pub optimizer: Optimizer,
    pub learning_rate: f32,
    #[serde(default)]
    pub schedule: LrSchedule,
}

impl LaneSettings {
    /// A lane with a constant learning rate, labelled by its optimizer and rate.
    pub fn new(optimizer: Optimizer, learning_rate: f32) -> LaneSettings {
        LaneSettings {
            label: format!("{optimizer}, lr {learning_rate}"),
            optimizer,
            learning_rate,
            schedule: LrSchedule::Constant,
        }
    }
}

/// One lane's scores at one moment of the race.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LaneRecord {
    /// Completed epochs (0: before training).
    pub epoch: usize,
    pub steps: usize,
    /// The loss on the whole training set, without penalties (the page's chart convention).
    pub train_loss: f32,
    pub test_loss: Option<f32>,
    pub train_metric: Option<f32>,
    pub test_metric: Option<f32>,
}

/// A lane's state for the page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LaneReport {
    pub settings: LaneSettings,
    pub history: Vec<LaneRecord>,
    /// Why the lane stopped, when it diverged; the others go on.
    pub diverged: Option<String>,
}

/// The whole race.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaceReport {
    pub steps: usize,
    pub epoch: usize,
    pub metric: Option<Metric>,
    pub lanes: Vec<LaneReport>,
}

/// What one [`Race::step`] call did, per lane.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaceTick {
    pub steps: usize,
    pub epoch: usize,
    /// The mean loss of the batches each lane ran in this call (`None` for a lane that had
    /// diverged before it, or ran no batch).
    pub batch_loss: Vec<Option<f32>>,
}

/// The samples of a race: training set, and an optional test set scored at each epoch.
#[derive(Clone, Debug)]
pub struct RaceData {
    pub x_train: Array2<f32>,
    pub y_train: Array2<f32>,
    pub test: Option<(Array2<f32>, Array2<f32>)>,
}

#[derive(Clone, Debug)]
struct Lane {
    settings: LaneSettings,
    net: Network,
    trainer: Trainer,
    history: Vec<LaneRecord>,
    diverged: Option<String>,
    backup: Vec<f32>,
}

/// Lanes trained side by side on one data set.
#[derive(Clone, Debug)]
pub struct Race {
    lanes: Vec<Lane>,
    data: RaceData,
    base: TrainConfig,
    steps: usize,
    epoch: usize,
    /// Batches into the current epoch, and per epoch.
    cursor: usize,
    steps_per_epoch: usize,
    ws: Workspace,
    scratch: Vec<f32>,
    /// Record only the last epoch boundary of each `step` call (see [`Race::record_last_only`]).
    last_only: bool,
}

impl Race {
    /// Builds the lanes from `net` (each gets a copy of its weights) and `base`, whose loss,
    /// batch size, penalty, clipping, shuffle, metric and seed every lane shares; each lane
    /// replaces its optimizer, learning rate and schedule. `base.epochs`, `validation_split` and
    /// `early_stopping` do not apply: the caller steps the race and gives the test set.
    pub fn new(
        net: &Network,
        base: &TrainConfig,
        lanes: &[LaneSettings],
        data: RaceData,
    ) -> Result<Race, NnError> {
        if !(MIN_LANES..=MAX_LANES).contains(&lanes.len()) {
            return Err(NnError::BadHyperparameter {
                name: "race lanes",
                value: lanes.len() as f64,
                requirement: "between 2 and 4",
            });
        }
        net.check_data(&data.x_train.view(), &data.y_train.view())?;
        if let Some((x, y)) = &data.test {
            net.check_data(&x.view(), &y.view())?;
        }
        let lanes = lanes
            .iter()
            .map(|settings| {
                let config = TrainConfig {
                    optimizer: settings.optimizer,
                    learning_rate: settings.learning_rate,
                    schedule: settings.schedule,
                    ..base.clone()
                };
                Ok(Lane {
                    settings: settings.clone(),
                    net: net.clone(),
                    trainer: Trainer::new(config, net)?,
                    history: Vec::new(),
                    diverged: None,
                    backup: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, NnError>>()?;
        let n = data.x_train.nrows();
        let mut race = Race {
            lanes,
            steps_per_epoch: n.div_ceil(base.batch_size.min(n)),
            data: RaceData {
                x_train: data.x_train.as_standard_layout().into_owned(),
                y_train: data.y_train.as_standard_layout().into_owned(),
                test: data.test.map(|(x, y)| {
                    (
                        x.as_standard_layout().into_owned(),
                        y.as_standard_layout().into_owned(),
                    )
                }),
            },
            base: base.clone(),
            steps: 0,
            epoch: 0,
            cursor: 0,
            ws: Workspace::default(),
            scratch: Vec::new(),
            last_only: false,
        };
        race.record();
        Ok(race)
    }

    /// Runs `batches` mini-batch steps in every lane that has not diverged, the same batches in
    /// the same order, and appends a record to each lane's history at every epoch boundary.
    pub fn step(&mut self, batches: usize) -> Result<RaceTick, NnError> {
        if batches > MAX_STEP_BATCHES {
            return Err(NnError::BadHyperparameter {
                name: "batches per step",
                value: batches as f64,
                requirement: "at most 100000",
            });
        }
        let mut sums = vec![(0.0f64, 0usize); self.lanes.len()];
        let mut left = batches;
        while left > 0 && self.lanes.iter().any(|l| l.diverged.is_none()) {
            // Stop each chunk at the epoch boundary so the record sees the end of the epoch.
            let chunk = left.min(self.steps_per_epoch - self.cursor);
            let (x, y) = (self.data.x_train.view(), self.data.y_train.view());
            for (lane, sum) in self.lanes.iter_mut().zip(&mut sums) {
                if lane.diverged.is_some() {
                    continue;
                }
                lane.backup.clear();
                lane.backup.extend_from_slice(lane.net.params());
                match lane.trainer.train_steps(&mut lane.net, x, y, chunk) {
                    Ok(summary) => {
                        sum.0 += summary.mean_loss as f64 * chunk as f64;
                        sum.1 += chunk;
                    }
                    Err(e @ NnError::Diverged { .. }) => {
                        // Show the last finite weights, not the overflowed ones.
                        if lane.net.params().iter().any(|p| !p.is_finite()) {
                            lane.net.params_mut().copy_from_slice(&lane.backup);
                        }
                        lane.diverged = Some(e.to_string());
                    }
                    Err(e) => return Err(e),
                }
            }
            self.cursor += chunk;
            self.steps += chunk;
            left -= chunk;
            if self.cursor == self.steps_per_epoch {
                self.cursor = 0;
                self.epoch += 1;
                // Another boundary in this call when a whole epoch is left.
                if !self.last_only || left < self.steps_per_epoch {
                    self.record();
                }
            }
        }
        Ok(RaceTick {
            steps: self.steps,
            epoch: self.epoch,
            batch_loss: sums
                .iter()
                .map(|&(s, k)| (k > 0).then(|| (s / k as f64) as f32))
                .collect(),
        })
    }

    /// With `on`, a `step` call that crosses several epoch boundaries records only the last
    /// one: scoring every lane on both sets at every epoch costs more than the epoch's training
    /// on small data, and a page running many epochs per frame draws one point per frame anyway.
    pub fn record_last_only(&mut self, on: bool) {
        self.last_only = on;
    }

    /// Batches run by every lane that has not diverged.
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.epoch
    }
    pub fn n_lanes(&self) -> usize {
        self.lanes.len()
    }
    /// Lane `lane`'s network (for the landscape, the boundary, the health panel).
    pub fn network(&self, lane: usize) -> Option<&Network> {
        self.lanes.get(lane).map(|l| &l.net)
    }
    /// Lane `lane`'s trainer (its optimizer state, its learning rate now).
    pub fn trainer(&self, lane: usize) -> Option<&Trainer> {
        self.lanes.get(lane).map(|l| &l.trainer)
    }
    /// Why lane `lane` stopped, when it diverged.
    pub fn diverged(&self, lane: usize) -> Option<&str> {
        self.lanes.get(lane).and_then(|l| l.diverged.as_deref())
    }
    /// Lane `lane`'s records so far (the first is from before training).
    pub fn history(&self, lane: usize) -> Option<&[LaneRecord]> {
        self.lanes.get(lane).map(|l| &l.history[..])
    }

    pub fn report(&self) -> RaceReport {
        RaceReport {
            steps: self.steps,
            epoch: self.epoch,
            metric: self.base.metric,
            lanes: self
                .lanes
                .iter()
                .map(|l| LaneReport {
                    settings: l.settings.clone(),
                    history: l.history.clone(),
                    diverged: l.diverged.clone(),
                })
                .collect(),
        }
    }

    /// Scores every lane that is still running on the training and test sets.
    fn record(&mut self) {
        let (loss, metric) = (self.base.loss, self.base.metric);
        let (ws, scratch) = (&mut self.ws, &mut self.scratch);
        let mut score = |net: &Network, x: &Array2<f32>, y: &Array2<f32>| {
            let (xs, ys) = (
                x.as_slice().expect("stored in standard layout"),
                y.as_slice().expect("stored in standard layout"),
            );
            let value = dataset_loss(
                net,
                xs,
                ys,
                x.nrows(),
                loss,
                self.base.regularization,
                PenaltyTerm::Excluded,
                ws,
                scratch,
            );
            let m = metric.map(|m| {
                let out = ArrayView2::from_shape((x.nrows(), net.out_dim()), ws.output())
                    .expect("forward wrote rows × out_dim");
                m.compute(out, y.view())
            });
            (value, m)
        };
        for lane in self.lanes.iter_mut().filter(|l| l.diverged.is_none()) {
            let (train_loss, train_metric) =
                score(&lane.net, &self.data.x_train, &self.data.y_train);
            let (test_loss, test_metric) = match &self.data.test {
                Some((x, y)) => {
                    let (l, m) = score(&lane.net, x, y);
                    (Some(l), m)
                }
                None => (None, None),
            };
            lane.history.push(LaneRecord {
                epoch: self.epoch,
                steps: self.steps,
                train_loss,
                test_loss,
                train_metric,
                test_metric,
            });
        }
    }
}

/// A ready-made race: which data set and which lanes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RacePreset {
    /// The token the page and the link use.
    pub key: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub dataset: DatasetKind,
    pub batch_size: usize,
    pub lanes: Vec<LaneSettings>,
}

/// Every preset race.
pub fn presets() -> Vec<RacePreset> {
    vec![RacePreset {
        key: "sgd_momentum_adam_spiral",
        title: "SGD vs momentum vs Adam on the spiral",
        description: "The same network, the same batches, the same learning rate: plain SGD \
                      crawls, momentum gathers speed, Adam adapts each weight's step.",
        dataset: DatasetKind::Spiral,
        batch_size: 10,
        lanes: vec![
            LaneSettings::new(Optimizer::Sgd, 0.03),
            LaneSettings::new(Optimizer::momentum(), 0.03),
            LaneSettings::new(Optimizer::adam(), 0.03),
        ],
    }]
}

/// The preset with this key.
pub fn preset(key: &str) -> Option<RacePreset> {
    presets().into_iter().find(|p| p.key == key)
}
