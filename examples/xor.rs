//! XOR, the problem a single neuron cannot solve: a 2-4-1 network with tanh hidden units and a
//! sigmoid output learns it in a few hundred Adam steps.
//!
//! Run with `cargo run --example xor`.

use ndarray::array;
use nnplay::prelude::*;

fn main() -> Result<(), NnError> {
    let x = array![[0.0f32, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let y = array![[0.0f32], [1.0], [1.0], [0.0]];

    let mut model = Sequential::new(2)
        .add(Dense::new(4, Activation::Tanh))
        .add(Dense::new(1, Activation::Sigmoid));
    model.compile(
        Optimizer::adam(),
        Loss::BinaryCrossEntropy,
        &[Metric::Accuracy],
    )?;
    model.set_learning_rate(0.05)?;
    print!("{}", model.summary());

    let history = model.fit(
        &x,
        &y,
        FitOptions {
            epochs: 500,
            batch_size: 4,
            ..FitOptions::default()
        },
    )?;
    let last = history.last().expect("500 epochs ran");
    println!(
        "after {} epochs: loss {:.4}, accuracy {:.2}",
        last.epoch,
        last.train_loss,
        last.train_metric.unwrap_or(0.0)
    );

    let p = model.predict(&x)?;
    let mut correct = 0;
    for ((input, target), prob) in x.rows().into_iter().zip(y.column(0)).zip(p.column(0)) {
        let class = u8::from(*prob > 0.5);
        correct += usize::from(f32::from(class) == *target);
        println!(
            "{} XOR {} -> p = {:.3} -> {} (expected {})",
            input[0], input[1], prob, class, target
        );
    }
    println!("{correct}/4 correct");
    Ok(())
}
