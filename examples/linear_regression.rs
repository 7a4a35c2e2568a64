//! Linear regression with one neuron: a single linear Dense unit trained by SGD on
//! y = 0.5·x1 + 0.5·x2 + noise recovers both weights, which we print next to R².
//!
//! Run with `cargo run --example linear_regression`.

use nnplay::data::{DatasetKind, generate};
use nnplay::prelude::*;

fn main() -> Result<(), NnError> {
    // 500 points in [-6, 6]² with Gaussian noise of standard deviation 0.12 on the target.
    let data = generate(DatasetKind::LinearSum, 500, 0.02, 11)?;
    let (x, y) = (data.x.clone(), data.target_matrix());

    let mut model = Sequential::new(2)
        .add(Dense::new(1, Activation::Linear))
        .with_seed(4);
    model.compile(Optimizer::Sgd, Loss::MeanSquaredError, &[Metric::R2])?;
    model.set_learning_rate(0.01)?;
    model.fit(
        &x,
        &y,
        FitOptions {
            epochs: 30,
            batch_size: 16,
            ..FitOptions::default()
        },
    )?;

    let net = model.network().expect("compiled");
    let w = net.weights(0);
    println!(
        "learned y = {:.4}·x1 + {:.4}·x2 + {:.4}   (true: 0.5·x1 + 0.5·x2)",
        w[[0, 0]],
        w[[1, 0]],
        net.biases(0)[0]
    );
    let eval = model.evaluate(&x, &y)?;
    println!(
        "MSE {:.5}, R² {:.4}",
        eval.loss,
        eval.metric(Metric::R2).unwrap_or(f32::NAN)
    );
    Ok(())
}
