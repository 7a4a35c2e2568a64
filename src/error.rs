//! The one error type of the library: every failure a user can cause has a variant with its data,
//! so callers (the CLI, the page) can show a precise message instead of a panic.

use crate::data::DataError;

/// Everything that can go wrong when building, training, saving or loading a network.
#[derive(Debug, thiserror::Error)]
pub enum NnError {
    #[error("input has {got} features, the network expects {expected}")]
    InputDim { expected: usize, got: usize },
    #[error("targets have {got} columns, the network has {expected} outputs")]
    TargetDim { expected: usize, got: usize },
    #[error("inputs have {x_rows} rows but targets have {y_rows}")]
    RowMismatch { x_rows: usize, y_rows: usize },
    #[error("no training data: at least one sample is needed")]
    EmptyData,
    #[error("{name} must be {requirement}, got {value}")]
    BadHyperparameter {
        name: &'static str,
        value: f64,
        requirement: &'static str,
    },
    #[error("invalid architecture: {0}")]
    Architecture(String),
    #[error("{loss} cannot follow a {activation} output layer: {hint}")]
    Incompatible {
        activation: String,
        loss: String,
        hint: &'static str,
    },
    #[error(
        "training diverged at epoch {epoch}, step {step}: {what}. Try a smaller learning rate, gradient clipping or a different initializer"
    )]
    Diverged {
        epoch: usize,
        step: usize,
        what: String,
    },
    #[error("the model is not compiled yet: call compile() before fit()")]
    NotCompiled,
    #[error("the model is not fitted yet: call fit() first")]
    NotFitted,
    #[error("layer {layer} has no weight ({row}, {col}); its kernel is {rows}×{cols}")]
    NoSuchWeight {
        layer: usize,
        row: usize,
        col: usize,
        rows: usize,
        cols: usize,
    },
    #[error("model file: {0}")]
    ModelFile(String),
    #[error("model file version {found} is not supported (this build reads version {supported})")]
    ModelVersion { found: u32, supported: u32 },
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Data(#[from] DataError),
}

impl NnError {
    /// Checks that a hyperparameter is finite and strictly positive.
    pub(crate) fn positive(name: &'static str, value: f32) -> Result<(), NnError> {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(NnError::BadHyperparameter {
                name,
                value: value as f64,
                requirement: "finite and > 0",
            })
        }
    }

    /// Checks that a hyperparameter is finite and ≥ 0.
    pub(crate) fn non_negative(name: &'static str, value: f32) -> Result<(), NnError> {
        if value.is_finite() && value >= 0.0 {
            Ok(())
        } else {
            Err(NnError::BadHyperparameter {
                name,
                value: value as f64,
                requirement: "finite and ≥ 0",
            })
        }
    }

    /// Checks that a hyperparameter lies in [0, 1).
    pub(crate) fn unit_interval(name: &'static str, value: f32) -> Result<(), NnError> {
        if value.is_finite() && (0.0..1.0).contains(&value) {
            Ok(())
        } else {
            Err(NnError::BadHyperparameter {
                name,
                value: value as f64,
                requirement: "in [0, 1)",
            })
        }
    }
}
