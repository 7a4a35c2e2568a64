//! Saving and loading: train a small classifier, write it to a JSON model file, read it back and
//! check that the loaded model predicts exactly (bit for bit) what the original did.
//!
//! Run with `cargo run --example save_load`.

use ndarray::{Array2, array};
use nnplay::prelude::*;

fn main() -> Result<(), NnError> {
    let x = array![[0.0f32, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let y = array![[0.0f32], [1.0], [1.0], [0.0]];
    let mut model = Sequential::new(2)
        .add(Dense::new(4, Activation::Tanh))
        .add(Dense::new(1, Activation::Sigmoid))
        .with_seed(3);
    model.compile(
        Optimizer::adam(),
        Loss::BinaryCrossEntropy,
        &[Metric::Accuracy],
    )?;
    model.set_learning_rate(0.05)?;
    model.fit(
        &x,
        &y,
        FitOptions {
            epochs: 300,
            batch_size: 4,
            ..FitOptions::default()
        },
    )?;

    let path = std::env::temp_dir().join("nnplay-xor-model.json");
    model.save(&path)?;
    println!(
        "saved {} ({} bytes)",
        path.display(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
    );

    let loaded = Sequential::load(&path)?;
    let grid = Array2::from_shape_fn((25, 2), |(i, j)| {
        if j == 0 {
            (i % 5) as f32 / 4.0
        } else {
            (i / 5) as f32 / 4.0
        }
    });
    let (before, after) = (model.predict(&grid)?, loaded.predict(&grid)?);
    let identical = before
        .iter()
        .zip(after.iter())
        .all(|(a, b)| a.to_bits() == b.to_bits());
    println!("predictions on a 5×5 grid identical after loading: {identical}");
    println!(
        "loaded model's accuracy on XOR: {:.2}",
        loaded
            .evaluate(&x, &y)?
            .metric(Metric::Accuracy)
            .unwrap_or(0.0)
    );

    // The same file also works with any nnplay tool, e.g. the CLI; remove it when done here.
    std::fs::remove_file(&path).ok();
    Ok(())
}
