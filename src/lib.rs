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

// The layers, lowest first: each module uses only those above it in this list.
pub mod api;
pub mod data;
pub mod error;
pub mod io;
pub mod kernels;
pub mod nn;
pub mod playground;
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(not(target_arch = "wasm32"))]
pub mod fuzzing;

// The flat paths of earlier releases (`nnplay::network`, `nnplay::optim`, …), kept so that
// programs written against them still build.
pub use api::{keras, sklearn};
pub use io::{model_file as model_io, onnx};
pub use kernels::{fastmath, linalg, shuffle, simd};
pub use nn::{activation, init, loss, network, regularization, unit_major};
pub use train::{metrics, optim};

pub use error::NnError;

/// The names most programs need, in one import.
pub mod prelude {
    pub use crate::api::keras::{Dense, FitOptions, Sequential};
    pub use crate::api::sklearn::{MlpClassifier, MlpRegressor};
    pub use crate::error::NnError;
    pub use crate::nn::activation::{Activation, StepGradient};
    pub use crate::nn::init::Initializer;
    pub use crate::nn::loss::Loss;
    pub use crate::nn::network::{LayerConfig, Network, NetworkConfig};
    pub use crate::nn::regularization::Regularization;
    pub use crate::train::metrics::Metric;
    pub use crate::train::optim::{LrSchedule, Optimizer};
    pub use crate::train::{EpochRecord, History, TrainConfig, Trainer};
}
