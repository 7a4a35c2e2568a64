//! The benchmark workloads, shared by `benches/train.rs` (criterion throughput) and
//! `benches/runs.rs` (whole runs: epochs/s, accuracy, peak memory). The browser benchmark
//! (`bench/bench.mjs`) and `scripts/bench_sklearn.py` build the same networks on the same data,
//! so every figure in the table compares equal work.

#![allow(dead_code)] // each bench binary uses its own subset

use ndarray::{Array2, Axis};
use nnplay::data::{DatasetKind, FeatureSet, builtin, synthetic};
use nnplay::prelude::*;

/// One network, its training settings and its data.
pub struct Workload {
    /// Short id used in the result table (`tanh8x6`, `mnist`, `pg_small`, `pg_large`).
    pub id: &'static str,
    pub network: NetworkConfig,
    pub train: TrainConfig,
    pub x: Array2<f32>,
    pub y: Array2<f32>,
}

/// Points in the playground's circle set (no noise, seed 1).
pub const CIRCLE_POINTS: usize = 500;

/// The circle set's points expanded to `features`, with targets ±1 (the TensorFlow Playground's
/// labels: a linear output unit trained with squared error, as ConvNetJS's regression layer is).
pub fn circle(features: &FeatureSet) -> (Array2<f32>, Array2<f32>) {
    let ds = synthetic::generate(DatasetKind::Circle, CIRCLE_POINTS, 0.0, 1)
        .expect("valid circle parameters");
    let x = features.expand(ds.x.view()).expect("2-D points");
    let y = ds.target_matrix().mapv(|v| 2.0 * v - 1.0);
    (x, y)
}

/// A playground-style network: `hidden` tanh layers, one linear output, MSE, SGD lr 0.03,
/// batch 10 (the TensorFlow Playground's defaults).
fn playground(id: &'static str, features: FeatureSet, hidden: &[usize]) -> Workload {
    let (x, y) = circle(&features);
    let network = NetworkConfig::new(
        x.ncols(),
        hidden,
        Activation::Tanh,
        LayerConfig::new(1, Activation::Linear),
    )
    .with_seed(1);
    let train = TrainConfig {
        optimizer: Optimizer::Sgd,
        learning_rate: 0.03,
        loss: Loss::MeanSquaredError,
        batch_size: 10,
        epochs: 1,
        seed: 1,
        ..TrainConfig::default()
    };
    Workload {
        id,
        network,
        train,
        x,
        y,
    }
}

/// (a) 2 → [8 × 6] → 1, tanh, batch 10, SGD lr 0.03 on 500 circle points.
pub fn tanh_8x6() -> Workload {
    playground("tanh8x6", FeatureSet::default(), &[8; 6])
}

/// The TensorFlow Playground's default network: 2 → [4, 2] → 1.
pub fn playground_small() -> Workload {
    playground("pg_small", FeatureSet::default(), &[4, 2])
}

/// The TensorFlow Playground's largest network: all 7 features → [8 × 6] → 1.
pub fn playground_large() -> Workload {
    playground("pg_large", FeatureSet::all(), &[8; 6])
}

/// Rows of MNIST in the test part of the benchmark split: every fifth sample (index % 5 == 0),
/// a rule `scripts/bench_sklearn.py` applies to the same file.
pub fn is_mnist_test_row(index: usize) -> bool {
    index % 5 == 0
}

/// The shipped MNIST subset split by [`is_mnist_test_row`]: (x_train, y_train, x_test, y_test),
/// targets one-hot. `limit` keeps only the first rows of each part (short test-mode runs).
pub fn mnist_split(limit: Option<usize>) -> (Array2<f32>, Array2<f32>, Array2<f32>, Array2<f32>) {
    let ds = builtin::load(DatasetKind::Mnist).expect("the shipped MNIST file loads");
    let y = ds.target_matrix();
    let (mut train, mut test): (Vec<usize>, Vec<usize>) =
        (0..ds.len()).partition(|&i| !is_mnist_test_row(i));
    if let Some(n) = limit {
        train.truncate(n);
        test.truncate(n);
    }
    (
        ds.x.select(Axis(0), &train),
        y.select(Axis(0), &train),
        ds.x.select(Axis(0), &test),
        y.select(Axis(0), &test),
    )
}

/// (b) 784 → 64 → 64 → 10, ReLU then softmax, categorical cross-entropy, Adam lr 0.001,
/// batch 64, on the training part of the MNIST split (4,000 images; `limit` for test mode).
pub fn mnist(limit: Option<usize>) -> Workload {
    let (x, y, _, _) = mnist_split(limit);
    let network = NetworkConfig::new(
        784,
        &[64, 64],
        Activation::Relu,
        LayerConfig::new(10, Activation::Softmax),
    )
    .with_initializer(Initializer::GlorotUniform)
    .with_seed(1);
    let train = TrainConfig {
        optimizer: Optimizer::adam(),
        learning_rate: 1e-3,
        loss: Loss::CategoricalCrossEntropy,
        batch_size: 64,
        epochs: 1,
        seed: 1,
        ..TrainConfig::default()
    };
    Workload {
        id: "mnist",
        network,
        train,
        x,
        y,
    }
}

/// True when the binary was started by `cargo bench` (criterion passes `--bench`); `cargo test
/// --all-targets` runs bench binaries without it, and then the workloads are kept tiny so the
/// test suite stays fast in a debug build.
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}
