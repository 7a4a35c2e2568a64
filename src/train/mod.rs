//! Training: the one loop that fits a network ([`Trainer`], in `trainer.rs`), the optimizers and
//! learning-rate schedules it steps with ([`optim`], with the hyperparameters' table in
//! [`hyperparameter`] and the schedules in [`schedule`]) and the scores it reports ([`metrics`]).
//! The Keras-like and sklearn-like APIs, the CLI and the page all train through [`Trainer`].

pub mod health;
pub mod hyperparameter;
pub mod inspect_update;
pub mod landscape;
pub mod metrics;
mod objective;
pub mod optim;
pub mod race;
pub mod schedule;
pub mod stepping;
mod trainer;

pub use objective::{Objective, PenaltyScale};

pub use trainer::{
    Control, EarlyStopping, EpochRecord, History, StepSummary, StopReason, TrainConfig, Trainer,
    fit,
};
