//! Training: the one loop that fits a network ([`Trainer`], in `trainer.rs`), the optimizers and
//! learning-rate schedules it steps with ([`optim`]) and the scores it reports ([`metrics`]).
//! The Keras-like and sklearn-like APIs, the CLI and the page all train through [`Trainer`].

pub mod metrics;
pub mod optim;
mod trainer;

pub use trainer::{
    Control, EarlyStopping, EpochRecord, History, StepSummary, StopReason, TrainConfig, Trainer,
    fit,
};
