//! nnplay: feed-forward neural networks written from first principles on `ndarray`.
//!
//! The core (this crate without `web`) has no web dependency: the same code runs natively for
//! the CLI, tests and benchmarks, and in the browser through the thin `web` layer.
//!
//! ```
//! use nnplay::prelude::*;
//! use ndarray::array;
//!
//! // XOR with a 2-4-1 network.
//! let x = array![[0.0f32, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
//! let y = array![[0.0f32], [1.0], [1.0], [0.0]];
//! let mut model = Sequential::new(2)
//!     .add(Dense::new(4, Activation::Tanh))
//!     .add(Dense::new(1, Activation::Sigmoid));
//! model.compile(Optimizer::adam(), Loss::BinaryCrossEntropy, &[Metric::Accuracy]).unwrap();
//! model.set_learning_rate(0.05).unwrap();
//! let history = model.fit(&x, &y, FitOptions { epochs: 500, batch_size: 4, ..FitOptions::default() }).unwrap();
//! assert!(history.last().unwrap().train_loss < 0.1);
//! ```

pub mod activation;
pub mod data;
pub mod error;
pub mod fastmath;
pub mod init;
pub mod keras;
pub mod linalg;
pub mod loss;
pub mod metrics;
pub mod model_io;
pub mod network;
pub mod onnx;
pub mod optim;
pub mod playground;
pub mod regularization;
pub mod shuffle;
pub mod simd;
pub mod sklearn;
pub mod train;
pub mod unit_major;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::NnError;

/// The names most programs need, in one import.
pub mod prelude {
    pub use crate::activation::{Activation, StepGradient};
    pub use crate::error::NnError;
    pub use crate::init::Initializer;
    pub use crate::keras::{Dense, FitOptions, Sequential};
    pub use crate::loss::Loss;
    pub use crate::metrics::Metric;
    pub use crate::network::{LayerConfig, Network, NetworkConfig};
    pub use crate::optim::{LrSchedule, Optimizer};
    pub use crate::regularization::Regularization;
    pub use crate::sklearn::{MlpClassifier, MlpRegressor};
    pub use crate::train::{EpochRecord, History, TrainConfig, Trainer};
}
