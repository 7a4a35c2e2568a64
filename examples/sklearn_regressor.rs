//! scikit-learn-style regression: an `MlpRegressor` with sklearn's defaults learns
//! y = sin(x1) + 0.5·x2² from noisy samples and is scored (R²) on points it never saw.
//!
//! Run with `cargo run --release --example sklearn_regressor`.

use ndarray::Array2;
use nnplay::nn::init::rng_from_seed;
use nnplay::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution, Normal};

/// `n` points uniform in [-2, 2]² with targets sin(x1) + 0.5·x2² + N(0, 0.05²).
fn make_data(n: usize, seed: u64) -> (Array2<f32>, Array2<f32>) {
    let mut rng = rng_from_seed(seed);
    let noise = Normal::new(0.0f32, 0.05).expect("valid standard deviation");
    let x = Array2::from_shape_fn((n, 2), |_| rng.random_range(-2.0f32..2.0));
    let y = Array2::from_shape_fn((n, 1), |(i, _)| {
        x[[i, 0]].sin() + 0.5 * x[[i, 1]] * x[[i, 1]] + noise.sample(&mut rng)
    });
    (x, y)
}

fn main() -> Result<(), NnError> {
    let (x_train, y_train) = make_data(1000, 1);
    let (x_test, y_test) = make_data(300, 2);

    // sklearn's defaults: one hidden layer of 100 ReLU units, Adam at 1e-3, alpha 1e-4, batches
    // of 200, at most 200 epochs. Only the seed is set.
    let mut model = MlpRegressor::new().random_state(0);
    model.fit(&x_train, &y_train)?;

    println!(
        "epochs run: {} (converged: {})",
        model.n_iter()?,
        model.converged()?
    );
    println!(
        "final training loss (sklearn's loss_): {:.5}",
        model.loss()?
    );
    println!(
        "R² on the training set: {:.4}",
        model.score(&x_train, &y_train)?
    );
    println!(
        "R² on held-out data:    {:.4}",
        model.score(&x_test, &y_test)?
    );
    Ok(())
}
